//! `stack import [FILE]`: moves the plaintext credentials of a dotenv file into the vault,
//! provider by provider, and leaves `stack://` references in their place.

use std::path::PathBuf;

use stack::catalog::Catalog;
use stack::ops::{self, ImportPlan, ImportProvider};
use stack::verify::Health;
use stack::{Error, Kind, project};

use crate::cli::Context;

/// Move the plaintext credentials of a .env file into the vault
#[derive(clap::Args)]
pub struct Args {
    /// The dotenv file to import from
    #[arg(default_value = ".env", value_name = "FILE")]
    file: PathBuf,
    /// Environment to store the slots for
    #[arg(long, env = "STACK_ENV", default_value = "dev", value_parser = super::env_name)]
    env: String,
    /// Import without asking (required when there is no terminal)
    #[arg(long, short = 'y')]
    yes: bool,
    /// Show what would be imported and change nothing
    #[arg(long)]
    dry_run: bool,
    /// Store without asking the providers whether the credentials work
    #[arg(long)]
    no_verify: bool,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let ui = &ctx.ui;
    let catalog = Catalog::load()?;
    let path = ctx.cwd.join(&args.file);
    let text = stack::fsutil::read_secret(&path, &args.file)?;
    let plan = ops::import_plan(&catalog, &args.file, &text)?;
    let vault = ctx.open_vault()?;
    if !args.dry_run {
        vault.check_writable()?;
    }
    let mcp_names: Vec<&str> = plan
        .providers
        .iter()
        .filter_map(|p| p.provider.mcp.as_ref().map(|m| m.name.as_str()))
        .collect();
    ops::check_files(&ctx.cwd, &mcp_names)?;
    let env = args.env.as_str();

    let recorded = project::find_root(&ctx.cwd)?
        .map(|root| project::load(&root))
        .transpose()?;
    let replaces = |p: &ImportProvider| {
        recorded.as_ref().is_some_and(|c| {
            c.services
                .get(&p.provider.name)
                .is_some_and(|e| e.has_env(env))
        })
    };
    let lines = describe(&args, &plan, &replaces);
    if args.dry_run {
        for line in &lines {
            ui.out(line);
        }
        ui.hint("nothing was changed (--dry-run)");
        return Ok(if plan.malformed.is_empty() { 0 } else { 2 });
    }
    for line in &lines {
        ui.info(line);
    }
    for (provider, err) in &plan.malformed {
        ui.warn(&format!(
            "{} not imported: {}",
            provider.display_name, err.message
        ));
    }
    if plan.providers.is_empty() {
        ui.hint("nothing to import");
        return Ok(if plan.malformed.is_empty() { 0 } else { 2 });
    }
    if !args.yes {
        if !ui.can_prompt() {
            return Err(
                Error::usage("no terminal to confirm the import").with_hint(format!(
                    "check the plan with `stack import {} --dry-run`, then pass --yes",
                    args.file.display()
                )),
            );
        }
        let question = format!(
            "Import {} provider(s) into the {} vault (environment {env})?",
            plan.providers.len(),
            vault.kind().as_str()
        );
        if !ui.confirm(&question)? {
            return Err(Error::failed("declined; nothing was imported"));
        }
    }

    // Verify every provider at once; a rejected or unverifiable one keeps its lines.
    let mut accepted: Vec<&ImportProvider> = Vec::new();
    let mut worst: Option<Kind> = (!plan.malformed.is_empty()).then_some(Kind::Usage);
    let mut fail = |kind: Kind| {
        worst = Some(match worst {
            Some(w) if rank(w) >= rank(kind) => w,
            _ => kind,
        });
    };
    for p in &plan.providers {
        p.provider.api_base_override()?;
        for warning in ops::stage_warnings(p.provider, env, &p.values) {
            ui.warn(&warning);
        }
    }
    if args.no_verify {
        ui.verbose("not verified (--no-verify)");
        accepted.extend(&plan.providers);
    } else {
        let items: Vec<_> = plan
            .providers
            .iter()
            .map(|p| (p.provider, &p.values))
            .collect();
        let verdicts = ui.spin("Verifying…", || ops::verify_many(&items))?;
        for (p, verdict) in plan.providers.iter().zip(verdicts) {
            let detail = verdict.detail.unwrap_or_default();
            let name = &p.provider.display_name;
            match verdict.health {
                Health::Ok => accepted.push(p),
                Health::Warn => {
                    ui.warn(&detail);
                    accepted.push(p);
                }
                Health::Invalid => {
                    ui.error(
                        &Error::failed(format!("{name} not imported: {detail}"))
                            .with_hint("its lines are left as they are"),
                    );
                    fail(Kind::Failed);
                }
                Health::Unreachable => {
                    ui.error(
                        &Error::unavailable(format!("{name} not imported: {detail}")).with_hint(
                            "its lines are left as they are; try again later, or pass --no-verify",
                        ),
                    );
                    fail(Kind::Unavailable);
                }
            }
        }
    }

    // Store and record each provider; `ops::add` also turns the project's own `.env`
    // lines that equal the stored values into references.
    let mut imported = Vec::new();
    let mut root = None;
    for p in accepted {
        let with: Vec<String> = p.values.iter().map(|(n, _)| n.clone()).collect();
        let mut values = p.values.clone();
        let generated = ops::generated_values(&ctx.cwd, &*vault, p.provider, env, &with)?;
        values.extend(generated.into_iter().filter(|(n, _)| !with.contains(n)));
        match ops::add(&ctx.cwd, &*vault, p.provider, env, &values, false) {
            Ok(outcome) => {
                let stored: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
                ui.status(
                    "Imported",
                    &format!(
                        "{} ({}) into the {} vault",
                        p.provider.name,
                        stored.join(", "),
                        vault.kind().as_str()
                    ),
                );
                for w in &outcome.warnings {
                    ui.warn(w);
                }
                root = Some(outcome.root);
                imported.push(p);
            }
            Err(e) => {
                ui.error(&e);
                fail(e.kind);
            }
        }
    }

    // Another file than the project's `.env`: its lines are rewritten now that the vault
    // holds every value being replaced.
    if let Some(root) = root {
        let project_env = root.join(stack::dotenv::FILE);
        if !same_file(&path, &project_env) {
            let done: Vec<(&str, &ops::Values)> = imported
                .iter()
                .map(|p| (p.provider.name.as_str(), &p.values))
                .collect();
            if ops::rewrite_references(&path, &done)? {
                ui.info(&format!(
                    "  {}: plaintext lines replaced by references",
                    args.file.display()
                ));
            }
        }
    }
    if !plan.unmatched.is_empty() {
        ui.info(&format!(
            "  left alone (no provider's slot): {}",
            plan.unmatched.join(", ")
        ));
    }
    Ok(worst.map_or(0, Kind::exit_code))
}

/// Which failure decides the exit code when several providers fail differently: a
/// rejection (1) first, then a malformed value (2), then an unreachable provider (3).
fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::Failed => 3,
        Kind::Usage => 2,
        Kind::Unavailable => 1,
        Kind::Interrupted => 4,
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The plan, one line each: providers with their slots and file lines, then what is left.
fn describe(
    args: &Args,
    plan: &ImportPlan,
    replaces: &dyn Fn(&ImportProvider) -> bool,
) -> Vec<String> {
    let file = args.file.display();
    let mut lines = vec![format!(
        "Import plan for {file} (environment {}):",
        args.env
    )];
    for p in &plan.providers {
        let slots: Vec<String> = p
            .lines
            .iter()
            .map(|(slot, line)| format!("{slot} (line {line})"))
            .collect();
        let note = if replaces(p) {
            "; replaces the stored values"
        } else {
            ""
        };
        lines.push(format!(
            "  import  {}: {}{note}",
            p.provider.name,
            slots.join(", ")
        ));
    }
    for (provider, err) in &plan.malformed {
        lines.push(format!("  skip    {}: {}", provider.name, err.message));
    }
    for (provider, missing) in &plan.incomplete {
        lines.push(format!(
            "  skip    {}: needs {} too",
            provider.name,
            missing.join(", ")
        ));
    }
    if !plan.unmatched.is_empty() {
        lines.push(format!("  leave   {}", plan.unmatched.join(", ")));
    }
    if plan.providers.is_empty() && plan.malformed.is_empty() && plan.incomplete.is_empty() {
        lines.push("  no provider's slots in this file".into());
    }
    lines.push(format!(
        "Lines of imported providers become stack:// references in {file}."
    ));
    lines
}
