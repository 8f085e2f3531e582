//! `stack list`: the services of this project and which slots are present.

use serde_json::json;
use stack::project::escape;

use crate::cli::Context;

/// List this project's services and their slots
#[derive(clap::Args)]
#[command(mut_arg("env", |a| a.help("Environment whose slots to look for")))]
pub struct Args {
    /// Print one JSON document
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    env: super::EnvArg,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let vault = ctx.open_vault()?;
    let project = stack::ops::Project::require(&ctx.cwd, &ctx.settings)?;
    let present = stack::ops::list(&project, &*vault, &args.env.name)?;
    let config = &project.config;
    if args.json {
        let services: Vec<_> = config
            .services
            .iter()
            .zip(&present)
            .map(|((name, entry), present)| {
                let slots: Vec<_> = entry
                    .secrets
                    .iter()
                    .zip(present)
                    .map(|(slot, p)| json!({"name": slot, "present": p}))
                    .collect();
                json!({"name": name, "provider": entry.provider, "slots": slots})
            })
            .collect();
        ctx.ui.json(&json!({
            "project": config.stack.project,
            "environment": args.env.name,
            "vault": vault.kind().as_str(),
            "services": services,
        }));
        return Ok(0);
    }
    ctx.ui.out(&format!(
        "{} (environment {}, {} vault)",
        escape(&config.stack.project),
        args.env.name,
        vault.kind().as_str()
    ));
    if config.services.is_empty() {
        ctx.ui.out("  no services yet");
    }
    for ((name, entry), present) in config.services.iter().zip(&present) {
        ctx.ui
            .out(&format!("{} ({})", escape(name), escape(&entry.provider)));
        for (slot, p) in entry.secrets.iter().zip(present) {
            let state = if *p { "present" } else { "missing" };
            ctx.ui.out(&format!("  {:<28} {state}", escape(slot)));
        }
    }
    Ok(0)
}
