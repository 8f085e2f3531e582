//! `stack doctor [--fix]`: is every credential still good, and are the files consistent?

use serde_json::json;
use stack::catalog::{Catalog, Provider, Slot};
use stack::ops::{
    self, AddOptions, AddTarget, Added, Finding, Project, Report, ServiceReport, Status, Values,
};
use stack::project::escape;
use stack::vault::{Key, Vault};
use stack::verify::{Health, Verdict};

use super::{Source, ask_values, read_values};
use crate::cli::Context;

/// Check every service: slots present, credentials accepted, files consistent
#[derive(clap::Args)]
#[command(mut_arg("env", |a| a.help("Environment to check")))]
pub struct Args {
    /// Ask for missing or rejected values (or read them from the environment without a
    /// terminal), verify, store, and repair the files
    #[arg(long)]
    fix: bool,
    /// Print one JSON document
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    env: super::EnvArg,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let catalog = Catalog::load(&ctx.settings)?;
    let vault = ctx.open_vault()?;
    if args.fix {
        vault.check_writable()?;
    }
    let env = args.env.name.as_str();
    // Found again after a fix: the fix may have changed `.stack.toml`.
    let check = || {
        let project = Project::require(&ctx.cwd, &ctx.settings)?;
        let report = ctx.ui.spin("Checking services…", || {
            ops::check(&ctx.settings, &project, &*vault, &catalog, env)
        })?;
        Ok::<_, stack::Error>((project, report))
    };
    let (project, mut report) = check()?;
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
                fixed_any |= fix(ctx, &*vault, provider, &project, service, env)?;
            }
        }
        if fixed_any {
            report = check()?.1;
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
    project: &Project,
    service: &ServiceReport,
    env: &str,
) -> stack::Result<bool> {
    let ui = &ctx.ui;
    let needs_values = matches!(service.status, Status::Missing | Status::Invalid);
    if !needs_values && !service.files_stale {
        return Ok(false);
    }
    let mut values: Values = Vec::new();
    let mut verify_with: Values = Vec::new();
    let mut with: Vec<String> = Vec::new();
    if needs_values {
        let names: Vec<&str> = if service.entry.has_env(env) {
            service.to_fix.iter().map(String::as_str).collect()
        } else {
            service.entry.secrets.iter().map(String::as_str).collect()
        };
        // Generated slots are made again by the add sequence, never asked for.
        with = names.iter().map(|n| n.to_string()).collect();
        let slots: Vec<&Slot> = provider
            .asked_slots()
            .filter(|s| names.contains(&s.name.as_str()))
            .collect();
        values = if slots.is_empty() {
            Vec::new()
        } else if ui.can_prompt() {
            ui.info(&format!(
                "{}: {}",
                escape(&service.name),
                escape(&service.details.first().map(describe).unwrap_or_default())
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
        // The new values are verified together with the ones still stored.
        let keep: Vec<Key> = service
            .entry
            .secrets
            .iter()
            .filter(|s| !names.contains(&s.as_str()))
            .filter_map(|s| provider.slot(s))
            .map(|s| project.key(env, &s.name))
            .collect();
        for (key, value) in keep.iter().zip(vault.get(&keep)?) {
            if let Some(v) = value {
                verify_with.push((key.slot.clone(), v));
            }
        }
    }
    let target = AddTarget {
        start: &ctx.cwd,
        settings: &ctx.settings,
        project: Some(project),
        vault,
        env,
    };
    let item = AddOptions {
        provider,
        values,
        with,
        verify_with,
        replace_plain: false,
    };
    match ops::add(&target, vec![item], &FixFront { ctx })?.pop() {
        Some(Added::Stored(outcome)) => {
            ui.status(
                "Fixed",
                &format!("{} (environment {env})", escape(&service.name)),
            );
            for w in &outcome.warnings {
                ui.warn(&escape(w));
            }
        }
        Some(Added::Failed(e)) => return Err(e),
        // Said by `FixFront::verdict`.
        Some(Added::NotVerified) | None => {}
    }
    Ok(true)
}

/// How `doctor --fix` talks to the user between the steps of the add sequence.
struct FixFront<'a> {
    ctx: &'a Context,
}

impl ops::AddFrontEnd for FixFront<'_> {
    fn warn(&self, warning: &str) {
        self.ctx.ui.warn(warning);
    }

    fn verify(&self, items: &[(&Provider, &Values)]) -> stack::Result<Option<Vec<Verdict>>> {
        let (provider, values) = items[0];
        let verdict = self.ctx.ui.spin(
            &format!("Verifying with {}…", provider.display_name),
            || ops::verify_one(&self.ctx.settings, provider, values),
        )?;
        Ok(Some(vec![verdict]))
    }

    fn verdict(&self, _: &Provider, verdict: &Verdict) -> stack::Result<()> {
        if matches!(verdict.health, Health::Invalid | Health::Unreachable) {
            self.ctx.ui.warn(&format!(
                "not fixed: {}",
                verdict.detail.as_deref().unwrap_or_default()
            ));
        }
        Ok(())
    }
}

/// A finding in words, as `doctor` prints it (and as the `detail` of `--json`).
fn describe(finding: &Finding) -> String {
    let env_file = stack::dotenv::FILE;
    match finding {
        Finding::UnknownProvider { provider } => {
            format!("provider {provider:?} is not in this stack's catalog")
        }
        Finding::NotAdded { provider, env } => {
            format!("not added for environment {env}: run `stack add {provider} --env {env}`")
        }
        Finding::VaultUnreachable { message } => message.clone(),
        Finding::Missing { slots, vault } => {
            format!("{} missing from the {vault} vault", slots.join(", "))
        }
        Finding::Provider { detail } => detail.clone(),
        Finding::EnvPointsElsewhere { slot, reference } => {
            format!("{env_file} points {slot} at {reference}")
        }
        Finding::EnvNoReference { slot } => format!("{env_file} has no reference for {slot}"),
        Finding::EnvPlaintext { slot } => format!("{env_file} holds a plaintext value for {slot}"),
        Finding::McpMissing { name } => {
            format!("{} has no {name:?} server", stack::mcp::FILE)
        }
        Finding::Stage { warning } => warning.clone(),
        Finding::TooShortToMask { slot } => {
            format!("{slot} is shorter than 6 characters: stack exec cannot mask it in output")
        }
    }
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
                "detail": s.details.iter().map(describe).collect::<Vec<_>>().join("; "),
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
            ui.out(&format!("  - {}", escape(&describe(d))));
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
