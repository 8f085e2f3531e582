//! `stack doctor [--fix]`: is every credential still good, and are the files consistent?

use serde_json::json;
use stack::catalog::{Catalog, Provider, Slot};
use stack::ops::{self, Report, ServiceReport, Status, Values};
use stack::project::escape;
use stack::vault::{Key, Vault};
use stack::verify::Health;

use super::{Source, ask_values, read_values};
use crate::cli::Context;

/// Check every service: slots present, credentials accepted, files consistent
#[derive(clap::Args)]
pub struct Args {
    /// Ask for missing or rejected values (or read them from the environment without a
    /// terminal), verify, store, and repair the files
    #[arg(long)]
    fix: bool,
    /// Print one JSON document
    #[arg(long)]
    json: bool,
    /// Environment to check
    #[arg(long, env = "STACK_ENV", default_value = "dev", value_parser = super::env_name)]
    env: String,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let catalog = Catalog::load()?;
    let vault = ctx.open_vault()?;
    if args.fix {
        vault.check_writable()?;
    }
    let env = args.env.as_str();
    let check = || {
        ctx.ui.spin("Checking services…", || {
            ops::check(&ctx.cwd, &*vault, &catalog, env)
        })
    };
    let mut report = check()?;
    if let Some(e) = report.vault_error.take() {
        // Nothing to check or fix without the vault: say why on stderr (exit 3), after
        // the one JSON object the contract promises to a script.
        if args.json {
            print_json(ctx, &report, env, vault.kind().as_str());
        }
        return Err(e);
    }
    if args.fix {
        let mut fixed_any = false;
        for service in &report.services {
            if let Some(provider) = catalog.get(&service.entry.provider) {
                fixed_any |= fix(ctx, &*vault, provider, &report, service, env)?;
            }
        }
        if fixed_any {
            report = check()?;
        }
    }
    if args.json {
        print_json(ctx, &report, env, vault.kind().as_str());
    } else {
        print_human(ctx, &report, env, vault.kind().as_str(), args.fix);
    }
    Ok(report.exit_code())
}

/// Repairs one service if it needs it; returns whether anything was attempted.
fn fix(
    ctx: &Context,
    vault: &dyn Vault,
    provider: &Provider,
    report: &Report,
    service: &ServiceReport,
    env: &str,
) -> stack::Result<bool> {
    let ui = &ctx.ui;
    let needs_values = matches!(service.status, Status::Missing | Status::Invalid);
    if !needs_values && !service.files_stale {
        return Ok(false);
    }
    let mut values: Values = Vec::new();
    if needs_values {
        let names: Vec<&str> = if service.entry.has_env(env) {
            service.to_fix.iter().map(String::as_str).collect()
        } else {
            service.entry.secrets.iter().map(String::as_str).collect()
        };
        // Generated slots are made again, never asked for.
        let slots: Vec<&Slot> = provider
            .asked_slots()
            .filter(|s| names.contains(&s.name.as_str()))
            .collect();
        let generated: Values = provider
            .slots
            .iter()
            .filter(|s| names.contains(&s.name.as_str()))
            .filter_map(|s| s.generate.map(|g| g.create().map(|v| (s.name.clone(), v))))
            .collect::<stack::Result<_>>()?;
        let mut new = if slots.is_empty() {
            Vec::new()
        } else if ui.can_prompt() {
            ui.info(&format!(
                "{}: {}",
                escape(&service.name),
                escape(service.details.first().map_or("", String::as_str))
            ));
            ui.info(&format!("{}: {}", provider.display_name, provider.howto));
            ask_values(ui, provider, &slots)?
        } else {
            match read_values(provider, &slots, Source::Env) {
                Ok(v) => v,
                Err(e) => {
                    ui.warn(&format!(
                        "cannot fix {}: {}",
                        escape(&service.name),
                        e.message
                    ));
                    ui.hint(&format!(
                        "without a terminal, --fix reads the new values from the environment: \
                         set {}",
                        names.join(", ")
                    ));
                    return Ok(false);
                }
            }
        };
        new.extend(generated);
        // Verify the new values together with the ones still stored.
        let keep: Vec<Key> = service
            .entry
            .secrets
            .iter()
            .filter(|s| !names.contains(&s.as_str()))
            .filter_map(|s| provider.slot(s))
            .map(|s| Key::new(&report.project, env, &s.name))
            .collect();
        let mut all = new.clone();
        for (key, value) in keep.iter().zip(vault.get(&keep)?) {
            if let Some(v) = value {
                all.push((key.slot.clone(), v));
            }
        }
        let verdict = ui.spin(
            &format!("Verifying with {}…", provider.display_name),
            || ops::verify_one(provider, &all),
        )?;
        if matches!(verdict.health, Health::Invalid | Health::Unreachable) {
            ui.warn(&format!(
                "not fixed: {}",
                verdict.detail.unwrap_or_default()
            ));
            return Ok(true);
        }
        values = new;
    }
    let outcome = ops::add(&ctx.cwd, vault, provider, env, &values, false)?;
    ui.status(
        "Fixed",
        &format!("{} (environment {env})", escape(&service.name)),
    );
    for w in &outcome.warnings {
        ui.warn(&escape(w));
    }
    Ok(true)
}

fn print_json(ctx: &Context, report: &Report, env: &str, vault: &str) {
    let services: Vec<_> = report
        .services
        .iter()
        .map(|s| {
            let slots: Vec<_> = s
                .slots
                .iter()
                .map(|(name, present)| json!({"name": name, "present": present}))
                .collect();
            let mut v = json!({
                "name": s.name,
                "provider": s.entry.provider,
                "status": s.status.as_str(),
                "detail": s.details.join("; "),
                "slots": slots,
            });
            if let Some(ms) = s.latency_ms {
                v["latency_ms"] = json!(ms);
            }
            v
        })
        .collect();
    ctx.ui.json(&json!({
        "ok": report.ok(),
        "project": report.project,
        "environment": env,
        "vault": vault,
        "services": services,
    }));
}

fn print_human(ctx: &Context, report: &Report, env: &str, vault: &str, fixed: bool) {
    let ui = &ctx.ui;
    ui.out(&format!(
        "{} (environment {env}, {vault} vault)",
        escape(&report.project)
    ));
    if report.services.is_empty() {
        ui.out("  no services yet: run `stack add <provider>`");
    }
    for s in &report.services {
        let latency = s
            .latency_ms
            .map(|ms| format!(" ({ms} ms)"))
            .unwrap_or_default();
        let facts = if s.facts.is_empty() {
            String::new()
        } else {
            format!(": {}", escape(&s.facts.join(", ")))
        };
        ui.out(&format!(
            "{:<16} {}{latency}{facts}",
            escape(&s.name),
            s.status.as_str()
        ));
        for d in &s.details {
            ui.out(&format!("  - {}", escape(d)));
        }
    }
    if !report.ok() && !fixed {
        ui.hint("run `stack doctor --fix` to repair what can be repaired");
    }
}

#[cfg(test)]
mod tests {
    // Keeps the `Provider` import honest for readers: fixes go through the manifest.
    #[test]
    fn env_names_are_checked() {
        assert!(super::super::env_name("prod").is_ok());
        assert!(super::super::env_name("a/b").is_err());
        assert!(super::super::env_name("").is_err());
        assert!(super::super::env_name(".hidden").is_err());
    }
}
