//! `stack add <provider>`: ask, check, verify, store, record.

use stack::catalog::{Catalog, Provider, Slot};
use stack::ops::{self, AddOptions, AddTarget, Added, Existing, Project, Values};
use stack::verify::{Health, Verdict};
use stack::{Error, Result};

use super::{Source, ask_values, read_values, slot_list};
use crate::cli::Context;

/// Add a provider's credentials to this project
#[derive(clap::Args)]
#[command(mut_arg("env", |a| a.help("Environment to store the slots for")))]
pub struct Args {
    /// The provider to add (see `stack providers`)
    #[arg(value_parser = super::ProviderName)]
    provider: String,
    #[command(flatten)]
    env: super::EnvArg,
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
    let catalog = Catalog::load(&ctx.settings)?;
    let provider = super::find_provider(&catalog, &args.provider)?;
    ctx.settings.api_base_override(provider)?;
    let vault = ctx.open_vault()?;
    vault.check_writable()?;
    let env = args.env.name.as_str();
    let mcp_name = provider.mcp.as_ref().map(|m| m.name.as_str());
    let project = Project::find(&ctx.cwd, &ctx.settings)?;
    ops::check_files(&ctx.cwd, project.as_ref(), mcp_name.as_slice())?;

    if !args.force
        && already_added(
            ctx,
            project.as_ref(),
            &*vault,
            provider,
            env,
            args.no_verify,
        )?
    {
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
    let values = if args.from_env || args.stdin {
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
    let target = AddTarget {
        start: &ctx.cwd,
        settings: &ctx.settings,
        project: project.as_ref(),
        vault: &*vault,
        env,
    };
    let item = AddOptions {
        provider,
        values,
        with: args.with.clone(),
        verify_with: Vec::new(),
        replace_plain: args.yes,
    };
    let front = AddFront {
        ctx,
        no_verify: args.no_verify,
    };
    let outcome = match ops::add(&target, vec![item], &front)?.pop() {
        Some(Added::Stored(outcome)) => outcome,
        Some(Added::Failed(e)) => return Err(e),
        // `AddFront::verdict` already ended the command on a rejection.
        Some(Added::NotVerified) | None => return Err(Error::failed("nothing was stored")),
    };
    let facts = &outcome.facts;
    ui.status(
        "Added",
        &format!(
            "{} to {} (environment {env})",
            provider.name, outcome.project
        ),
    );
    if let Some(stage) = outcome.stage {
        let mut line = format!("credentials: {}", stage.as_str());
        if !facts.is_empty() {
            line.push_str(&format!("; {}", facts.join(", ")));
        }
        ui.info(&format!("  {line}"));
    } else if !facts.is_empty() {
        ui.info(&format!("  verified: {}", facts.join(", ")));
    }
    ui.info(&format!(
        "  stored: {} in the {} vault",
        outcome.stored.join(", "),
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

/// How `stack add` talks to the user between the steps of the add sequence.
struct AddFront<'a> {
    ctx: &'a Context,
    no_verify: bool,
}

impl ops::AddFrontEnd for AddFront<'_> {
    fn warn(&self, warning: &str) {
        self.ctx.ui.warn(warning);
    }

    fn verify(&self, items: &[(&Provider, &Values)]) -> Result<Option<Vec<Verdict>>> {
        if self.no_verify {
            self.ctx.ui.verbose("not verified (--no-verify)");
            return Ok(None);
        }
        let (provider, values) = items[0];
        let verdict = self.ctx.ui.spin(
            &format!("Verifying with {}…", provider.display_name),
            || ops::verify_one(&self.ctx.settings, provider, values),
        )?;
        Ok(Some(vec![verdict]))
    }

    fn verdict(&self, provider: &Provider, verdict: &Verdict) -> Result<()> {
        let detail = verdict.detail.clone().unwrap_or_default();
        match verdict.health {
            Health::Ok => Ok(()),
            Health::Warn => {
                self.ctx.ui.warn(&detail);
                Ok(())
            }
            Health::Invalid => Err(Error::failed(detail).with_hint(format!(
                "nothing was stored; check the values in {} and run `stack add {}` again",
                provider.dashboard, provider.name
            ))),
            Health::Unreachable => Err(Error::unavailable(detail).with_hint(
                "nothing was stored; try again later, or pass --no-verify to store without checking",
            )),
        }
    }
}

/// Whether the service is recorded for `env` with every slot stored and, unless
/// `no_verify`, accepted by the provider.
fn already_added(
    ctx: &Context,
    project: Option<&Project>,
    vault: &dyn stack::vault::Vault,
    provider: &Provider,
    env: &str,
    no_verify: bool,
) -> Result<bool> {
    let values = match ops::existing(project, vault, provider, env)? {
        Existing::NotAdded => return Ok(false),
        Existing::Incomplete => {
            ctx.ui.info(&format!(
                "{} is recorded but some slots are missing; asking again",
                provider.name
            ));
            return Ok(false);
        }
        Existing::Stored(values) => values,
    };
    if no_verify {
        return Ok(true);
    }
    let verdict = ctx.ui.spin("Checking the stored credentials…", || {
        ops::verify_one(&ctx.settings, provider, &values)
    })?;
    if let Some(d) = &verdict.detail {
        ctx.ui.warn(d);
    }
    // Only a rejection is a reason to ask again; an outage says nothing about the values.
    Ok(verdict.health != Health::Invalid)
}
