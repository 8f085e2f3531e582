//! `stack import [FILE]`: moves the plaintext credentials of a dotenv file into the vault,
//! provider by provider, and leaves `stack://` references in their place.

use std::path::PathBuf;

use stack::catalog::Catalog;
use std::cell::Cell;

use stack::catalog::Provider;
use stack::ops::{self, AddOptions, AddTarget, Added, ImportPlan, ImportProvider, Project, Values};
use stack::verify::{Health, Verdict};
use stack::{Error, Kind};

use crate::cli::Context;

/// Move the plaintext credentials of a .env file into the vault
#[derive(clap::Args)]
#[command(mut_arg("env", |a| a.help("Environment to store the slots for")))]
pub struct Args {
    /// The dotenv file to import from
    #[arg(default_value = ".env", value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    env: super::EnvArg,
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
    let catalog = Catalog::load(&ctx.settings)?;
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
    let project = Project::find(&ctx.cwd, &ctx.settings)?;
    ops::check_files(&ctx.cwd, project.as_ref(), &mcp_names)?;
    let env = args.env.name.as_str();

    let replaces = |p: &ImportProvider| {
        project.as_ref().is_some_and(|c| {
            c.config
                .services
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

    // Every provider is verified at once; a rejected or unverifiable one keeps its
    // lines. Each accepted one is stored and recorded; `ops::add` also turns the
    // project's own `.env` lines that equal the stored values into references.
    for p in &plan.providers {
        ctx.settings.api_base_override(p.provider)?;
    }
    let front = ImportFront {
        ctx,
        no_verify: args.no_verify,
        worst: Cell::new((!plan.malformed.is_empty()).then_some(Kind::Usage)),
    };
    let target = AddTarget {
        start: &ctx.cwd,
        settings: &ctx.settings,
        project: project.as_ref(),
        vault: &*vault,
        env,
    };
    let items = plan
        .providers
        .iter()
        .map(|p| AddOptions {
            provider: p.provider,
            values: p.values.clone(),
            // The file's optional and generated slots come along; the others are made.
            with: p.values.iter().map(|(n, _)| n.clone()).collect(),
            verify_with: Vec::new(),
            replace_plain: false,
        })
        .collect();
    let mut imported = Vec::new();
    let mut root = None;
    for (p, added) in plan.providers.iter().zip(ops::add(&target, items, &front)?) {
        match added {
            Added::Stored(outcome) => {
                ui.status(
                    "Imported",
                    &format!(
                        "{} ({}) into the {} vault",
                        p.provider.name,
                        outcome.stored.join(", "),
                        vault.kind().as_str()
                    ),
                );
                for w in &outcome.warnings {
                    ui.warn(w);
                }
                root = Some(outcome.root);
                imported.push(p);
            }
            Added::NotVerified => {}
            Added::Failed(e) => {
                let e = crate::cli::worded(e);
                ui.error(&e);
                front.fail(e.kind);
            }
        }
    }

    // Another file than the project's `.env`: its lines are rewritten now that the vault
    // holds every value being replaced.
    if let Some(root) = root {
        let project_env = root.join(stack::dotenv::FILE);
        if !same_file(&path, &project_env) {
            let done: Vec<(&str, &Values)> = imported
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
    Ok(front.worst.get().map_or(0, Kind::exit_code))
}

/// How `stack import` talks to the user between the steps of the add sequence, and the
/// worst failure so far, which decides the exit code.
struct ImportFront<'a> {
    ctx: &'a Context,
    no_verify: bool,
    worst: Cell<Option<Kind>>,
}

impl ImportFront<'_> {
    fn fail(&self, kind: Kind) {
        self.worst.set(Some(match self.worst.get() {
            Some(w) if rank(w) >= rank(kind) => w,
            _ => kind,
        }));
    }
}

impl ops::AddFrontEnd for ImportFront<'_> {
    fn warn(&self, warning: &str) {
        self.ctx.ui.warn(warning);
    }

    fn verify(&self, items: &[(&Provider, &Values)]) -> stack::Result<Option<Vec<Verdict>>> {
        if self.no_verify {
            self.ctx.ui.verbose("not verified (--no-verify)");
            return Ok(None);
        }
        self.ctx
            .ui
            .spin("Verifying…", || {
                ops::verify_many(&self.ctx.settings, items)
            })
            .map(Some)
    }

    fn verdict(&self, provider: &Provider, verdict: &Verdict) -> stack::Result<()> {
        let detail = verdict.detail.clone().unwrap_or_default();
        let name = &provider.display_name;
        match verdict.health {
            Health::Ok => {}
            Health::Warn => self.ctx.ui.warn(&detail),
            Health::Invalid => {
                self.ctx.ui.error(
                    &Error::failed(format!("{name} not imported: {detail}"))
                        .with_hint("its lines are left as they are"),
                );
                self.fail(Kind::Failed);
            }
            Health::Unreachable => {
                self.ctx.ui.error(
                    &Error::unavailable(format!("{name} not imported: {detail}")).with_hint(
                        "its lines are left as they are; try again later, or pass --no-verify",
                    ),
                );
                self.fail(Kind::Unavailable);
            }
        }
        Ok(())
    }
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
        args.env.name
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
