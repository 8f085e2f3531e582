//! `stack env`: the slots of this project and environment, with masked previews; values
//! only with `--reveal`, on a terminal, after a confirmation.

use std::io::IsTerminal;

use serde_json::json;
use stack::Error;
use stack::catalog::Catalog;

use crate::cli::Context;

/// Show this project's slots for an environment, masked
#[derive(clap::Args)]
#[command(mut_arg("env", |a| a.help("Environment whose slots to show")))]
pub struct Args {
    /// Print one JSON document
    #[arg(long)]
    json: bool,
    /// Print the values themselves (only on a terminal, after a confirmation)
    #[arg(long)]
    reveal: bool,
    #[command(flatten)]
    env: super::EnvArg,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let ui = &ctx.ui;
    // Values go only to a person at a terminal: never to a file, a pipe or a CI log.
    if args.reveal && !(ui.can_prompt() && std::io::stdout().is_terminal()) {
        return Err(
            Error::usage("--reveal prints secret values and needs a terminal").with_hint(
                "run it in an interactive terminal, with stdout not redirected, or drop --reveal",
            ),
        );
    }
    let catalog = Catalog::load(&ctx.settings)?;
    let vault = ctx.open_vault()?;
    let project = stack::ops::Project::require(&ctx.cwd, &ctx.settings)?;
    let slots = stack::ops::slot_values(&project, &*vault, &args.env.name)?;
    let config = &project.config;
    let reveal = args.reveal && {
        let stored = slots.iter().filter(|s| s.value.is_some()).count();
        stored > 0
            && ui.confirm(&format!(
                "Print the values of {stored} slot(s) of {} ({}) on this terminal?",
                config.stack.project, args.env.name
            ))?
    };
    if args.reveal && !reveal && slots.iter().any(|s| s.value.is_some()) {
        return Err(Error::failed("declined; no value was printed"));
    }
    let preview = |s: &stack::ops::SlotValue| {
        s.value
            .as_ref()
            .and_then(|v| stack::ops::preview(&catalog, v.expose()))
    };
    if args.json {
        let slots: Vec<_> = slots
            .iter()
            .map(|s| {
                let mut item = json!({
                    "service": s.service,
                    "name": s.slot,
                    "present": s.value.is_some(),
                    "preview": preview(s),
                });
                if reveal {
                    item["value"] = json!(s.value.as_ref().map(|v| v.expose()));
                }
                item
            })
            .collect();
        ui.json(&json!({
            "project": config.stack.project,
            "environment": args.env.name,
            "vault": vault.kind().as_str(),
            "slots": slots,
        }));
        return Ok(0);
    }
    ui.out(&format!(
        "{} (environment {}, {} vault)",
        stack::project::escape(&config.stack.project),
        args.env.name,
        vault.kind().as_str()
    ));
    if slots.is_empty() {
        ui.out("  no slots yet");
    }
    for s in &slots {
        let shown = match &s.value {
            None => "missing".to_string(),
            Some(v) if reveal => v.expose().to_string(),
            Some(_) => format!("present  {}", preview(s).unwrap_or_default()),
        };
        ui.out(&format!(
            "  {:<12} {:<34} {}",
            stack::project::escape(&s.service),
            stack::project::escape(&s.slot),
            shown.trim_end()
        ));
    }
    Ok(0)
}
