//! `stack vault status` and `stack vault copy --to <kind>`.

use serde_json::json;
use stack::ops::{self, Project};
use stack::vault::{self, VaultKind};

use crate::cli::Context;

/// Inspect the vault, or move this project's slots to another one
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Which vault is in use, whether it can be reached, and which slots it holds
    Status {
        /// Print one JSON document
        #[arg(long)]
        json: bool,
    },
    /// Copy this project's slots to another vault and confirm them there
    Copy {
        /// The destination vault
        #[arg(long, value_name = "VAULT", value_parser = super::vault_kind())]
        to: VaultKind,
        /// Only this environment (default: every environment the services were added to)
        #[arg(long, value_parser = super::env_name)]
        env: Option<String>,
    },
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    match args.command {
        Command::Status { json } => status(ctx, json),
        Command::Copy { to, env } => copy(ctx, to, env.as_deref()),
    }
}

fn status(ctx: &Context, json: bool) -> stack::Result<u8> {
    let vault = ctx.open_vault()?;
    let project = Project::require(&ctx.cwd, &ctx.settings)?;
    let keys = project.recorded_keys(None);
    let plain: Vec<_> = keys.iter().map(|(_, k)| k.clone()).collect();
    let result = vault.get(&plain);
    let (reachable, error) = match &result {
        Ok(_) => (true, None),
        Err(e) => (false, Some(e)),
    };
    let present: Vec<bool> = match &result {
        Ok(values) => values.iter().map(Option::is_some).collect(),
        Err(_) => Vec::new(),
    };
    if json {
        let slots: Vec<_> = keys
            .iter()
            .zip(present.iter().map(Some).chain(std::iter::repeat(None)))
            .map(|((service, key), p)| {
                json!({"service": service, "environment": key.env, "name": key.slot,
                       "present": p.copied()})
            })
            .collect();
        let mut doc = json!({
            "vault": vault.kind().as_str(),
            "location": vault.location(),
            "reachable": reachable,
            "project": project.id(),
            "slots": slots,
        });
        if let Some(e) = error {
            doc["error"] = json!(e.message);
        }
        ctx.ui.json(&doc);
    } else {
        ctx.ui.out(&format!(
            "{} vault: {}",
            vault.kind().as_str(),
            vault.location()
        ));
        match error {
            Some(e) => ctx.ui.out(&format!("  unreachable: {}", e.message)),
            None => {
                ctx.ui.out("  reachable and unlocked");
                for ((service, key), p) in keys.iter().zip(&present) {
                    let state = if *p { "present" } else { "missing" };
                    ctx.ui
                        .out(&format!("  {service} {} {:<28} {state}", key.env, key.slot));
                }
            }
        }
    }
    Ok(match result {
        Ok(_) => 0,
        Err(e) => e.kind.exit_code(),
    })
}

fn copy(ctx: &Context, to_kind: VaultKind, env: Option<&str>) -> stack::Result<u8> {
    let from = ctx.open_vault()?;
    let to = vault::open(to_kind, Box::new(ctx.ui.clone()), &ctx.settings)?;
    ops::copy_check(&*from, &*to)?;
    let project = Project::require(&ctx.cwd, &ctx.settings)?;
    let n = ops::copy(&project, &*from, &*to, env)?;
    ctx.ui.status(
        "Copied",
        &format!(
            "{n} slot(s) from the {} vault to the {} vault ({}), confirmed by reading them back",
            from.kind().as_str(),
            to.kind().as_str(),
            to.location()
        ),
    );
    ctx.ui.hint(&format!(
        "use it with --vault {0} or STACK_VAULT={0}",
        to.kind().as_str()
    ));
    Ok(0)
}
