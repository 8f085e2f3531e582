//! `stack add <provider>`: ask, check, verify, store, record.

use stack::catalog::{Catalog, Slot};
use stack::ops::{self, Values};
use stack::vault::Key;
use stack::verify::Health;
use stack::{Error, project};

use super::{Source, ask_values, read_values, slot_list};
use crate::cli::Context;

/// Add a provider's credentials to this project
#[derive(clap::Args)]
pub struct Args {
    /// The provider to add (see `stack providers`)
    #[arg(value_parser = super::ProviderName)]
    provider: String,
    /// Environment to store the slots for
    #[arg(long, env = "STACK_ENV", default_value = "dev", value_parser = super::env_name)]
    env: String,
    /// Read each slot from the environment variable of the same name
    #[arg(long, conflicts_with = "stdin")]
    from_env: bool,
    /// Read NAME=value lines from standard input
    #[arg(long)]
    stdin: bool,
    /// Store without asking the provider whether the credentials work
    #[arg(long)]
    no_verify: bool,
    /// Ask again and replace the slots even if the service is already added and healthy
    #[arg(long)]
    force: bool,
    /// Replace a plaintext value already in .env with the reference
    #[arg(long, short = 'y')]
    yes: bool,
    /// Also store this optional slot (repeatable; offered interactively on a terminal)
    #[arg(long, value_name = "SLOT")]
    with: Vec<String>,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let ui = &ctx.ui;
    let catalog = Catalog::load()?;
    let provider = super::find_provider(&catalog, &args.provider)?;
    provider.api_base_override()?;
    let vault = ctx.open_vault()?;
    vault.check_writable()?;
    let env = args.env.as_str();
    let mcp_name = provider.mcp.as_ref().map(|m| m.name.as_str());
    ops::check_files(&ctx.cwd, mcp_name.as_slice())?;

    if !args.force && already_added(ctx, &*vault, provider, env, args.no_verify)? {
        ui.status(
            "Unchanged",
            &format!("{} is already added for environment {env}", provider.name),
        );
        ui.hint("pass --force to replace its credentials, or run `stack doctor`");
        return Ok(0);
    }

    for name in &args.with {
        if !provider.slot(name).is_some_and(|s| s.optional) {
            let optional: Vec<&str> = provider
                .slots
                .iter()
                .filter(|s| s.optional)
                .map(|s| s.name.as_str())
                .collect();
            return Err(Error::usage(format!(
                "{name} is not an optional slot of {}",
                provider.display_name
            ))
            .with_hint(if optional.is_empty() {
                format!("{} has no optional slots", provider.display_name)
            } else {
                format!("optional slots: {}", optional.join(", "))
            }));
        }
    }
    let chosen = |s: &&Slot| !s.optional || args.with.contains(&s.name);
    let mut values = if args.from_env || args.stdin {
        let slots: Vec<&Slot> = provider.asked_slots().filter(chosen).collect();
        let source = if args.from_env {
            Source::Env
        } else {
            Source::Stdin
        };
        read_values(provider, &slots, source)?
    } else if ui.can_prompt() {
        ui.info(&format!("{}: {}", provider.display_name, provider.howto));
        ui.info(&format!("Dashboard: {}", provider.dashboard));
        let required: Vec<&Slot> = provider.asked_slots().filter(|s| !s.optional).collect();
        let mut values = ask_values(ui, provider, &required)?;
        for slot in provider.asked_slots().filter(|s| s.optional) {
            if chosen(&slot)
                || ui.confirm(&format!("Also add the {} ({})?", slot.label, slot.name))?
            {
                values.extend(ask_values(ui, provider, &[slot])?);
            }
        }
        values
    } else {
        return Err(Error::usage(format!(
            "no terminal to ask for the {} credentials",
            provider.display_name
        ))
        .with_hint(format!(
            "pass --from-env (reads {} from the environment) or --stdin (reads NAME=value lines)",
            slot_list(provider)
        )));
    };
    values.extend(ops::generated_values(
        &ctx.cwd, &*vault, provider, env, &args.with,
    )?);

    let stage = ops::stage_of(provider, &values);
    for warning in ops::stage_warnings(provider, env, &values) {
        ui.warn(&warning);
    }

    let mut facts = Vec::new();
    if args.no_verify {
        ui.verbose("not verified (--no-verify)");
    } else {
        let verdict = ui.spin(
            &format!("Verifying with {}…", provider.display_name),
            || ops::verify_one(provider, &values),
        )?;
        let detail = verdict.detail.clone().unwrap_or_default();
        match verdict.health {
            Health::Ok => {}
            Health::Warn => ui.warn(&detail),
            Health::Invalid => {
                return Err(Error::failed(detail).with_hint(format!(
                    "nothing was stored; check the values in {} and run `stack add {}` again",
                    provider.dashboard, provider.name
                )));
            }
            Health::Unreachable => {
                return Err(Error::unavailable(detail).with_hint(
                    "nothing was stored; try again later, or pass --no-verify to store without checking",
                ));
            }
        }
        facts = verdict.facts;
    }

    let outcome = ops::add(&ctx.cwd, &*vault, provider, env, &values, args.yes)?;
    ui.status(
        "Added",
        &format!(
            "{} to {} (environment {env})",
            provider.name, outcome.project
        ),
    );
    if let Some(stage) = stage {
        let mut line = format!("credentials: {}", stage.as_str());
        if !facts.is_empty() {
            line.push_str(&format!("; {}", facts.join(", ")));
        }
        ui.info(&format!("  {line}"));
    } else if !facts.is_empty() {
        ui.info(&format!("  verified: {}", facts.join(", ")));
    }
    let stored: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
    ui.info(&format!(
        "  stored: {} in the {} vault",
        stored.join(", "),
        vault.kind().as_str()
    ));
    if outcome.changed.is_empty() {
        ui.info("  files: unchanged");
    } else {
        ui.info(&format!("  files: {}", outcome.changed.join(", ")));
    }
    ui.verbose(&format!("project root: {}", outcome.root.display()));
    for w in &outcome.warnings {
        ui.warn(w);
    }
    ui.hint("run your program with `stack exec -- <command>`");
    Ok(0)
}

/// Whether the service is recorded for `env` with every slot stored and, unless
/// `no_verify`, accepted by the provider.
fn already_added(
    ctx: &Context,
    vault: &dyn stack::vault::Vault,
    provider: &stack::catalog::Provider,
    env: &str,
    no_verify: bool,
) -> stack::Result<bool> {
    let Some(root) = project::find_root(&ctx.cwd)? else {
        return Ok(false);
    };
    let config = project::load(&root)?;
    let Some(entry) = config.services.get(&provider.name) else {
        return Ok(false);
    };
    if !entry.has_env(env) {
        return Ok(false);
    }
    let keys: Vec<Key> = entry
        .secrets
        .iter()
        .map(|s| Key::new(&config.stack.project, env, s))
        .collect();
    let stored = vault.get(&keys)?;
    if stored.iter().any(Option::is_none) {
        ctx.ui.info(&format!(
            "{} is recorded but some slots are missing; asking again",
            provider.name
        ));
        return Ok(false);
    }
    if no_verify {
        return Ok(true);
    }
    let values: Values = keys
        .into_iter()
        .map(|k| k.slot)
        .zip(stored.into_iter().flatten())
        .collect();
    let verdict = ctx.ui.spin("Checking the stored credentials…", || {
        ops::verify_one(provider, &values)
    })?;
    if let Some(d) = &verdict.detail {
        ctx.ui.warn(d);
    }
    // Only a rejection is a reason to ask again; an outage says nothing about the values.
    Ok(verdict.health != Health::Invalid)
}
