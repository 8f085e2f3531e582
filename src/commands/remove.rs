//! `stack remove <service>`: take a service back out of the project and the vault.

use stack::Error;
use stack::ops::Project;
use stack::project::escape;

use crate::cli::Context;

/// Remove a service: its slots, .env references, .mcp.json entry and .stack.toml table
#[derive(clap::Args)]
pub struct Args {
    /// The service to remove (see `stack list`)
    service: String,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    yes: bool,
    /// Leave the slots in the vault
    #[arg(long)]
    keep_secrets: bool,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let ui = &ctx.ui;
    let vault = ctx.open_vault()?;
    if !args.keep_secrets {
        vault.check_writable()?;
    }
    let project = Project::require(&ctx.cwd, &ctx.settings)?;
    let Some(entry) = project.config.services.get(&args.service) else {
        return Err(stack::ops::no_such_service(&args.service));
    };
    if !args.yes {
        if !ui.can_prompt() {
            return Err(Error::usage(format!(
                "removing {} needs confirmation, and there is no terminal to ask",
                escape(&args.service)
            ))
            .with_hint(format!(
                "pass --yes: `stack remove {} --yes`",
                escape(&args.service)
            )));
        }
        let what = if args.keep_secrets {
            "its references (slots stay in the vault)".to_string()
        } else {
            format!(
                "{} slot(s) in environment(s) {}",
                entry.secrets.len(),
                escape(&entry.environments.join(", "))
            )
        };
        if !ui.confirm(&format!("Remove {} and {what}?", escape(&args.service)))? {
            return Err(Error::failed("nothing removed"));
        }
    }
    let catalog = stack::catalog::Catalog::load(&ctx.settings)?;
    let outcome = stack::ops::remove(&stack::ops::RemoveOptions {
        project: &project,
        vault: &*vault,
        catalog: &catalog,
        service: &args.service,
        keep_secrets: args.keep_secrets,
    })?;
    ui.status("Removed", &escape(&args.service));
    if outcome.deleted > 0 {
        ui.info(&format!(
            "  deleted {} slot(s) from the {} vault",
            outcome.deleted,
            vault.kind().as_str()
        ));
    }
    if !outcome.changed.is_empty() {
        ui.info(&format!("  files: {}", outcome.changed.join(", ")));
    }
    for w in &outcome.warnings {
        ui.warn(&escape(w));
    }
    Ok(0)
}
