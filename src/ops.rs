//! What the commands do, without a terminal: add, remove, check and resolve services.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, Provider, Stage};
use crate::dotenv::{self, DotEnv, Line};
use crate::error::{Error, Result};
use crate::fsutil::{ProjectLock, Write, read_optional, write_all_or_none};
use crate::mcp::{self, Added, McpFile};
use crate::project::{self, Config, Editor, ServiceEntry};
use crate::secret::Secret;
use crate::vault::{self, Key, Vault};
use crate::verify::{Health, Verifier};

/// Values for some or all slots of a provider, in the manifest's slot order.
pub type Values = Vec<(String, Secret)>;

/// Parses the project files that exist, so a malformed one stops a command before it
/// asks for values or sends anything.
pub fn check_files(start: &Path) -> Result<()> {
    let root = project::find_root(start).unwrap_or_else(|| start.to_path_buf());
    let toml_path = root.join(project::FILE);
    if let Some(text) = read_optional(&toml_path)? {
        project::parse(&toml_path, &text)?;
    }
    ProjectFiles::read(&root).map(drop)
}

pub struct AddOutcome {
    pub root: PathBuf,
    pub project: String,
    /// Names of the files written (`.stack.toml`, `.env`, `.mcp.json`).
    pub changed: Vec<&'static str>,
    pub warnings: Vec<String>,
}

/// Stores `values` for `provider` in `env` and records the service in the project files,
/// all or nothing, under the project lock. With no values it only repairs the files.
pub fn add(
    start: &Path,
    vault: &dyn Vault,
    provider: &Provider,
    env: &str,
    values: &Values,
    replace_plain: bool,
) -> Result<AddOutcome> {
    let root = project::find_root(start).unwrap_or_else(|| start.to_path_buf());
    let _lock = ProjectLock::acquire(&root)?;
    let toml_path = root.join(project::FILE);
    let toml_old = read_optional(&toml_path)?;
    let (mut editor, config) = match &toml_old {
        Some(text) => {
            let (ed, config) = Editor::parse(&toml_path, text)?;
            (ed, Some(config))
        }
        None => (Editor::create(&root), None),
    };
    let service = provider.name.as_str();
    let recorded = config.as_ref().and_then(|c| c.services.get(service));
    if let Some(entry) = recorded
        && entry.provider != provider.name
    {
        return Err(Error::usage(format!(
            "{} records service {service} with provider {}",
            project::FILE,
            entry.provider
        )));
    }
    let mut warnings = Vec::new();
    let mut files = ProjectFiles::read(&root)?;

    let stored: HashMap<&str, &str> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.expose()))
        .collect();
    // Recorded: every slot that is not optional, and optional ones given now or before.
    let slots: Vec<&str> = provider
        .slots
        .iter()
        .filter(|s| {
            !s.optional
                || stored.contains_key(s.name.as_str())
                || recorded.is_some_and(|e| e.secrets.contains(&s.name))
        })
        .map(|s| s.name.as_str())
        .collect();
    // A slot name is one vault item per environment: two services cannot share one.
    let others = config
        .iter()
        .flat_map(|c| &c.services)
        .filter(|(n, _)| *n != service);
    for (other, entry) in others {
        if let Some(slot) = slots.iter().find(|s| entry.secrets.iter().any(|o| o == *s)) {
            return Err(Error::usage(format!(
                "{slot} is already a slot of service {other}; two services cannot share a \
                 variable name"
            ))
            .with_hint(format!("remove {other} first: `stack remove {other}`")));
        }
    }
    for slot in &slots {
        let reference = dotenv::reference(service, slot);
        let changed =
            files
                .env
                .set_reference(slot, &reference, stored.get(slot).copied(), replace_plain);
        if !changed && matches!(files.env.get(slot), Line::Plain(_)) {
            warnings.push(format!(
                "{} holds a plaintext {slot} that differs from the stored one; left as is \
                 (delete that line, or run again with --yes to replace it)",
                dotenv::FILE,
            ));
        }
    }
    let mcp_name = match &provider.mcp {
        None => None,
        Some(m) => match files.mcp.add(&m.name, &m.entry) {
            Added::Written | Added::AlreadyThere => Some(m.name.as_str()),
            Added::Foreign => {
                warnings.push(format!(
                    "{} already has a {:?} server that stack did not write; left as is",
                    mcp::FILE,
                    m.name
                ));
                None
            }
        },
    };
    editor.record_service(service, &provider.name, &slots, env, mcp_name);

    let project = editor.project().to_string();
    let entries: Vec<(Key, Secret)> = values
        .iter()
        .map(|(slot, v)| (Key::new(&project, env, slot), v.clone()))
        .collect();
    let undo = vault::store_all(vault, &entries)?;
    let mut writes = vec![Write {
        path: toml_path,
        old: toml_old,
        new: editor.render(),
    }];
    writes.extend(files.writes());
    let changed = changed_names(&writes);
    if let Err(e) = write_all_or_none(&writes) {
        undo.rollback(vault);
        return Err(e);
    }
    Ok(AddOutcome {
        root,
        project,
        changed,
        warnings,
    })
}

pub struct RemoveOutcome {
    pub changed: Vec<&'static str>,
    pub deleted: usize,
    pub warnings: Vec<String>,
}

/// Deletes a service's slots (every environment), `.env` references, the `.mcp.json`
/// entry stack wrote, and its `.stack.toml` table.
pub fn remove(
    start: &Path,
    vault: &dyn Vault,
    catalog: &Catalog,
    service: &str,
    keep_secrets: bool,
) -> Result<RemoveOutcome> {
    let root = project::require_root(start)?;
    let _lock = ProjectLock::acquire(&root)?;
    let toml_path = root.join(project::FILE);
    let toml_old =
        std::fs::read_to_string(&toml_path).map_err(|e| Error::io("read", &toml_path, e))?;
    let (mut editor, config) = Editor::parse(&toml_path, &toml_old)?;
    let Some(entry) = config.services.get(service) else {
        return Err(no_such_service(service));
    };
    let mut files = ProjectFiles::read(&root)?;
    let mut warnings = Vec::new();
    for slot in &entry.secrets {
        let reference = dotenv::reference(service, slot);
        if !files.env.remove_reference(slot, &reference)
            && matches!(files.env.get(slot), Line::Plain(_))
        {
            warnings.push(format!(
                "{} still holds a plaintext {slot}; left as is",
                dotenv::FILE
            ));
        }
    }
    if let Some(name) = &entry.mcp {
        let ours = catalog.get(&entry.provider).and_then(|p| p.mcp.as_ref());
        let removed = ours.is_some_and(|m| files.mcp.remove(name, &m.entry));
        if !removed && files.mcp.get(name).is_some() {
            warnings.push(format!(
                "{} entry {name:?} was changed since stack wrote it; left as is",
                mcp::FILE
            ));
        }
    }
    editor.remove_service(service);
    let keys: Vec<Key> = entry
        .environments
        .iter()
        .flat_map(|env| {
            entry
                .secrets
                .iter()
                .map(|slot| Key::new(&config.stack.project, env, slot))
        })
        .collect();
    let keys = if keep_secrets { Vec::new() } else { keys };
    // Read first, so the deletion can be undone if the files cannot be written.
    let previous: Vec<(Key, Secret)> = keys
        .iter()
        .cloned()
        .zip(vault.get(&keys)?)
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    if let Err(e) = vault.delete(&keys) {
        let _ = vault.set(&previous);
        return Err(e);
    }
    let mut writes = vec![Write {
        path: toml_path,
        old: Some(toml_old),
        new: editor.render(),
    }];
    writes.extend(files.writes());
    let changed = changed_names(&writes);
    if let Err(e) = write_all_or_none(&writes) {
        let _ = vault.set(&previous);
        return Err(e);
    }
    Ok(RemoveOutcome {
        changed,
        deleted: previous.len(),
        warnings,
    })
}

/// `.env` and `.mcp.json` as read, to be edited and written back together.
struct ProjectFiles {
    env_path: PathBuf,
    env_old: Option<String>,
    env: DotEnv,
    mcp_path: PathBuf,
    mcp_old: Option<String>,
    mcp: McpFile,
}

impl ProjectFiles {
    fn read(root: &Path) -> Result<ProjectFiles> {
        let env_path = root.join(dotenv::FILE);
        let env_old = read_optional(&env_path)?;
        let env = DotEnv::parse(&env_path, env_old.as_deref().unwrap_or(""))?;
        let mcp_path = root.join(mcp::FILE);
        let mcp_old = read_optional(&mcp_path)?;
        let mcp = McpFile::parse(&mcp_path, mcp_old.as_deref())?;
        Ok(ProjectFiles {
            env_path,
            env_old,
            env,
            mcp_path,
            mcp_old,
            mcp,
        })
    }

    /// The writes to make; a file that did not exist and would be empty is not created.
    fn writes(self) -> Vec<Write> {
        let env_new = self.env.render().to_string();
        let mcp_new = self.mcp.render();
        let mut out = Vec::new();
        if self.env_old.is_some() || !env_new.is_empty() {
            out.push(Write {
                path: self.env_path,
                old: self.env_old,
                new: env_new,
            });
        }
        if self.mcp.changed() {
            out.push(Write {
                path: self.mcp_path,
                old: self.mcp_old,
                new: mcp_new,
            });
        }
        out
    }
}

fn changed_names(writes: &[Write]) -> Vec<&'static str> {
    writes
        .iter()
        .filter(|w| w.old.as_deref() != Some(w.new.as_str()))
        .map(|w| match w.path.file_name().and_then(|n| n.to_str()) {
            Some(project::FILE) => project::FILE,
            Some(dotenv::FILE) => dotenv::FILE,
            _ => mcp::FILE,
        })
        .collect()
}

/// "no service named X", without echoing X when it is not shaped like a service name
/// (a key pasted in the wrong place must not land in a log).
pub fn no_such_service(name: &str) -> Error {
    let plausible = name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let shown = if plausible { name } else { "<not shown>" };
    Error::usage(format!("no service named {shown} in this project"))
        .with_hint("run `stack list` to see the project's services")
}

/// One variable for `stack exec` to set.
pub struct Injected {
    pub slot: String,
    pub value: Secret,
    /// The provider of the service it belongs to (to tell secrets from plain slots).
    pub provider: String,
}

/// The slots to inject for `stack exec`: every service (or those in `only`) for `env`.
/// Fails, naming the slot, if any is missing: no command runs with a secret missing.
pub fn resolve(
    start: &Path,
    vault: &dyn Vault,
    env: &str,
    only: &[String],
) -> Result<Vec<Injected>> {
    let root = project::require_root(start)?;
    let config = project::load(&root)?;
    for name in only {
        if !config.services.contains_key(name) {
            return Err(no_such_service(name));
        }
    }
    let mut keys = Vec::new();
    let mut providers = Vec::new();
    for (name, entry) in &config.services {
        if !only.is_empty() && !only.contains(name) {
            continue;
        }
        if !entry.has_env(env) {
            return Err(
                Error::failed(format!("{name} has no slots for environment {env}"))
                    .with_hint(format!("run `stack add {} --env {env}`", entry.provider)),
            );
        }
        for slot in &entry.secrets {
            keys.push(Key::new(&config.stack.project, env, slot));
            providers.push(entry.provider.clone());
        }
    }
    let values = vault.get(&keys)?;
    keys.into_iter()
        .zip(values)
        .zip(providers)
        .map(|((key, value), provider)| match value {
            Some(value) => Ok(Injected {
                slot: key.slot,
                value,
                provider,
            }),
            None => Err(Error::failed(format!(
                "{} is missing from the {} vault (environment {env})",
                key.slot,
                vault.kind().as_str()
            ))
            .with_hint("run `stack doctor --fix`")),
        })
        .collect()
}

/// Doctor's verdict on one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Warn,
    Unreachable,
    Invalid,
    Missing,
    UnknownProvider,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Missing => "missing",
            Status::Invalid => "invalid",
            Status::Unreachable => "unreachable",
            Status::UnknownProvider => "unknown_provider",
        }
    }

    pub fn healthy(self) -> bool {
        matches!(self, Status::Ok | Status::Warn)
    }
}

pub struct ServiceReport {
    pub name: String,
    pub entry: ServiceEntry,
    pub status: Status,
    /// The reason for the status, then any further warnings.
    pub details: Vec<String>,
    pub slots: Vec<(String, bool)>,
    /// Slots a fix must ask for again (missing or rejected).
    pub to_fix: Vec<String>,
    /// Whether `.env` or `.mcp.json` need repairing.
    pub files_stale: bool,
    pub latency_ms: Option<u128>,
    pub facts: Vec<String>,
}

pub struct Report {
    pub root: PathBuf,
    pub project: String,
    pub services: Vec<ServiceReport>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.services.iter().all(|s| s.status.healthy())
    }

    /// Contract §6: 1 for missing/invalid, else 3 for unreachable, else 0.
    pub fn exit_code(&self) -> u8 {
        let any = |f: &dyn Fn(Status) -> bool| self.services.iter().any(|s| f(s.status));
        if any(&|s| {
            matches!(
                s,
                Status::Missing | Status::Invalid | Status::UnknownProvider
            )
        }) {
            1
        } else if any(&|s| s == Status::Unreachable) {
            3
        } else {
            0
        }
    }
}

/// Checks every service: slots present, credentials verified (all services at once),
/// files consistent.
pub fn check(start: &Path, vault: &dyn Vault, catalog: &Catalog, env: &str) -> Result<Report> {
    let root = project::require_root(start)?;
    let config = project::load(&root)?;
    let files = ProjectFiles::read(&root)?;
    let keys: Vec<Key> = config
        .services
        .values()
        .filter(|e| e.has_env(env))
        .flat_map(|e| {
            e.secrets
                .iter()
                .map(|s| Key::new(&config.stack.project, env, s))
        })
        .collect();
    let mut values = vault.get(&keys)?.into_iter();

    let mut reports = Vec::new();
    let mut pending = Vec::new();
    for (name, entry) in &config.services {
        let stored: Vec<(String, Option<Secret>)> = if entry.has_env(env) {
            entry
                .secrets
                .iter()
                .map(|s| (s.clone(), values.next().flatten()))
                .collect()
        } else {
            entry.secrets.iter().map(|s| (s.clone(), None)).collect()
        };
        let mut report = ServiceReport {
            name: name.clone(),
            entry: entry.clone(),
            status: Status::Ok,
            details: Vec::new(),
            slots: stored
                .iter()
                .map(|(s, v)| (s.clone(), v.is_some()))
                .collect(),
            to_fix: stored
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(s, _)| s.clone())
                .collect(),
            files_stale: false,
            latency_ms: None,
            facts: Vec::new(),
        };
        let Some(provider) = catalog.get(&entry.provider) else {
            report.status = Status::UnknownProvider;
            report.details.push(format!(
                "provider {:?} is not in this stack's catalog",
                entry.provider
            ));
            reports.push(report);
            continue;
        };
        if !entry.has_env(env) {
            report.status = Status::Missing;
            report.details.push(format!(
                "not added for environment {env}: run `stack add {} --env {env}`",
                provider.name
            ));
        } else if !report.to_fix.is_empty() {
            report.status = Status::Missing;
            report.details.push(format!(
                "{} missing from the {} vault",
                report.to_fix.join(", "),
                vault.kind().as_str()
            ));
        }
        file_warnings(&files, provider, name, entry, &mut report);
        let values: Vec<(String, Secret)> = stored
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        report
            .details
            .extend(stage_warnings(provider, env, &values));
        let values: HashMap<String, Secret> = values.into_iter().collect();
        if report.status == Status::Ok && !provider.verify.is_empty() {
            pending.push((reports.len(), provider, values));
        }
        reports.push(report);
    }

    if !pending.is_empty() {
        let verdicts = verify_all(&pending)?;
        for ((idx, ..), verdict) in pending.iter().zip(verdicts) {
            let report = &mut reports[*idx];
            report.latency_ms = Some(verdict.latency.as_millis());
            report.facts = verdict.facts;
            let status = match verdict.health {
                Health::Ok => Status::Ok,
                Health::Warn => Status::Warn,
                Health::Unreachable => Status::Unreachable,
                Health::Invalid => Status::Invalid,
            };
            if let Some(slot) = verdict.rejected_slot {
                report.to_fix.push(slot);
            }
            if let Some(detail) = verdict.detail {
                report.details.insert(0, detail);
            }
            report.status = report.status.max(status);
        }
    }
    for r in &mut reports {
        if r.status == Status::Ok && !r.details.is_empty() {
            r.status = Status::Warn;
        }
    }
    Ok(Report {
        root,
        project: config.stack.project,
        services: reports,
    })
}

/// Verifies every pending provider concurrently on one small runtime.
fn verify_all(
    pending: &[(usize, &Provider, HashMap<String, Secret>)],
) -> Result<Vec<crate::verify::Verdict>> {
    let bases: Vec<String> = pending
        .iter()
        .map(|(_, p, v)| p.api_base(v))
        .collect::<Result<_>>()?;
    let verifier = Verifier::new()?;
    crate::verify::block_on(async {
        let futures = pending
            .iter()
            .zip(&bases)
            .map(|((_, p, v), base)| verifier.verify(p, base, v));
        futures_util::future::join_all(futures).await
    })
}

/// Verifies one provider's values (for `add` and `doctor --fix`).
pub fn verify_one(provider: &Provider, values: &Values) -> Result<crate::verify::Verdict> {
    let map: HashMap<String, Secret> = values.iter().cloned().collect();
    let base = provider.api_base(&map)?;
    let verifier = Verifier::new()?;
    crate::verify::block_on(verifier.verify(provider, &base, &map))
}

fn file_warnings(
    files: &ProjectFiles,
    provider: &Provider,
    name: &str,
    entry: &ServiceEntry,
    report: &mut ServiceReport,
) {
    for slot in &entry.secrets {
        match files.env.get(slot) {
            Line::Reference(r) if r == dotenv::reference(name, slot) => {}
            Line::Reference(r) => report
                .details
                .push(format!("{} points {slot} at {r}", dotenv::FILE)),
            Line::Absent => {
                report.files_stale = true;
                report
                    .details
                    .push(format!("{} has no reference for {slot}", dotenv::FILE));
            }
            Line::Plain(_) => report.details.push(format!(
                "{} holds a plaintext value for {slot}",
                dotenv::FILE
            )),
        }
    }
    if let (Some(mcp_name), Some(_)) = (&entry.mcp, &provider.mcp)
        && files.mcp.get(mcp_name).is_none()
    {
        report.files_stale = true;
        report
            .details
            .push(format!("{} has no {mcp_name:?} server", mcp::FILE));
    }
}

/// The stage (staging or production) the values' prefixes tell, if any.
pub fn stage_of(provider: &Provider, values: &[(String, Secret)]) -> Option<Stage> {
    staged(provider, values).map(|(_, s)| s).next()
}

fn staged<'a>(
    provider: &'a Provider,
    values: &'a [(String, Secret)],
) -> impl Iterator<Item = (&'a str, Stage)> {
    values.iter().filter_map(|(name, value)| {
        let stage = provider.slot(name)?.stage(value)?;
        Some((name.as_str(), stage))
    })
}

/// Warnings about stages: a production credential in a non-production environment or the
/// reverse, and two slots of one provider from different stages (a live publishable key
/// with a test secret key).
pub fn stage_warnings(provider: &Provider, env: &str, values: &[(String, Secret)]) -> Vec<String> {
    let mut warnings: Vec<String> = staged(provider, values)
        .filter_map(|(slot, stage)| stage_mismatch(slot, stage, env))
        .collect();
    let mut stages = staged(provider, values);
    if let Some((first, first_stage)) = stages.next()
        && let Some((other, other_stage)) = stages.find(|(_, s)| *s != first_stage)
    {
        warnings.push(format!(
            "{first} is a {} credential but {other} is a {} one",
            first_stage.as_str(),
            other_stage.as_str()
        ));
    }
    warnings
}

/// The warning for a credential of `stage` stored in environment `env`, if they disagree.
pub fn stage_mismatch(slot: &str, stage: Stage, env: &str) -> Option<String> {
    match (stage, crate::is_production_env(env)) {
        (Stage::Production, false) => Some(format!(
            "{slot} is a production credential in environment {env}"
        )),
        (Stage::Staging, true) => Some(format!(
            "{slot} is a staging credential in production environment {env}"
        )),
        _ => None,
    }
}

/// `stack list`: services and which slots are present.
pub fn list(start: &Path, vault: &dyn Vault, env: &str) -> Result<(Config, Vec<Vec<bool>>)> {
    let root = project::require_root(start)?;
    let config = project::load(&root)?;
    let keys: Vec<Key> = config
        .services
        .values()
        .flat_map(|e| {
            e.secrets
                .iter()
                .map(|s| Key::new(&config.stack.project, env, s))
        })
        .collect();
    let mut present = vault.get(&keys)?.into_iter().map(|v| v.is_some());
    let by_service = config
        .services
        .values()
        .map(|e| {
            e.secrets
                .iter()
                .map(|_| present.next().unwrap_or(false))
                .collect()
        })
        .collect();
    Ok((config, by_service))
}

/// Every slot the project records, for one environment or (with `None`) for every
/// environment each service was added to: `(service, key)`.
pub fn recorded_keys(config: &Config, env: Option<&str>) -> Vec<(String, Key)> {
    let mut keys = Vec::new();
    for (name, entry) in &config.services {
        for e in &entry.environments {
            if env.is_some_and(|want| want != e) {
                continue;
            }
            for slot in &entry.secrets {
                keys.push((name.clone(), Key::new(&config.stack.project, e, slot)));
            }
        }
    }
    keys
}

/// Copies this project's slots from one vault to another and reads them back from the
/// destination to confirm. Every slot must be present in the source: nothing is written
/// otherwise. Returns how many slots were copied.
pub fn copy(start: &Path, from: &dyn Vault, to: &dyn Vault, env: Option<&str>) -> Result<usize> {
    if from.kind() == to.kind() && from.location() == to.location() {
        return Err(Error::usage(
            "the source and destination vaults are the same",
        ));
    }
    to.check_writable()?;
    let root = project::require_root(start)?;
    let config = project::load(&root)?;
    let keys: Vec<Key> = recorded_keys(&config, env)
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    if keys.is_empty() {
        return Err(Error::usage("this project records no slots to copy")
            .with_hint("run `stack add <provider>` first"));
    }
    let values = from.get(&keys)?;
    let mut entries = Vec::new();
    let mut missing = Vec::new();
    for (key, value) in keys.iter().zip(values) {
        match value {
            Some(v) => entries.push((key.clone(), v)),
            None => missing.push(format!("{} ({})", key.slot, key.env)),
        }
    }
    if !missing.is_empty() {
        return Err(Error::failed(format!(
            "not in the {} vault: {}; nothing copied",
            from.kind().as_str(),
            missing.join(", ")
        ))
        .with_hint("run `stack doctor --fix` first"));
    }
    let undo = vault::store_all(to, &entries)?;
    let readback = to.get(&keys)?;
    let confirmed = entries
        .iter()
        .zip(&readback)
        .all(|((_, want), got)| got.as_ref() == Some(want));
    if !confirmed {
        undo.rollback(to);
        return Err(Error::unavailable(format!(
            "the {} vault did not give back what was written; nothing copied",
            to.kind().as_str()
        )));
    }
    Ok(entries.len())
}
