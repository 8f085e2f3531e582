//! What the commands do, without a terminal: add, remove, check and resolve services.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, Provider, Stage};
use crate::dotenv::{self, DotEnv, Line};
use crate::error::{Error, Kind, Result};
use crate::fsutil::{
    ProjectLock, Write, put_back, read_optional, remove_stale_temps, write_all_or_none,
};
use crate::mcp::{self, Added, McpFile};
use crate::project::{self, Config, Editor, ServiceEntry};
use crate::secret::Secret;
use crate::vault::{self, Key, Vault};
use crate::verify::{Health, Verifier};

/// Values for some or all slots of a provider, in the manifest's slot order.
pub type Values = Vec<(String, Secret)>;

/// Parses the project files that exist, and checks where they would be written, so a
/// malformed or misplaced one (or an `.mcp.json` naming one of `mcp_names` twice) stops a
/// command before it asks for values or sends anything.
pub fn check_files(start: &Path, mcp_names: &[&str]) -> Result<()> {
    let root = project::find_root(start)?.unwrap_or_else(|| start.to_path_buf());
    let toml_path = root.join(project::FILE);
    if let Some(text) = read_optional(&toml_path)? {
        project::parse(&toml_path, &text)?;
    }
    let files = ProjectFiles::read(&root)?;
    // A link out of the project is refused before any value is asked for or stored.
    for name in PROJECT_FILES {
        crate::fsutil::destination(&root, &root.join(name))?;
    }
    mcp_names.iter().try_for_each(|name| files.mcp.check(name))
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
    let root = project::find_root(start)?.unwrap_or_else(|| start.to_path_buf());
    let _lock = ProjectLock::acquire(&root)?;
    remove_stale_temps(&root, &PROJECT_FILES);
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
        Some(m) => match files.mcp.add(&m.name, &m.entry)? {
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
    if toml_old.is_none() {
        // A new `.stack.toml` has a fresh id: it belongs to this root.
        crate::trust::record(&root, &project)?;
    }
    let entries: Vec<(Key, Secret)> = values
        .iter()
        .map(|(slot, v)| (Key::new(&project, env, slot), v.clone()))
        .collect();
    let undo = vault::store_all(vault, &entries)?;
    // Order is the crash story (a SIGKILL can land between any two steps): the vault
    // first, then `.env` and `.mcp.json`, and `.stack.toml` last, as the commit point. A
    // service `.stack.toml` records therefore always has its slots, references and MCP
    // entry; an interrupted add leaves at most unrecorded vault items or references, which
    // the next add completes (tests/faults.rs, `sigkill_during_add_*`).
    let mut writes = files.writes();
    writes.push(Write {
        path: toml_path,
        old: toml_old,
        new: editor.render(),
    });
    let changed = changed_names(&writes);
    if let Err(e) = write_all_or_none(&root, &writes) {
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
    remove_stale_temps(&root, &PROJECT_FILES);
    let toml_path = root.join(project::FILE);
    let toml_old = crate::fsutil::read(&toml_path)?;
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
        let removed = match ours {
            Some(m) => files.mcp.remove(name, &m.entry)?,
            None => false,
        };
        if !removed && files.mcp.has(name) {
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
    // Read first: a vault that cannot be reached stops the removal before any file
    // changes, and a failed deletion can be undone.
    let previous: Vec<(Key, Secret)> = keys
        .iter()
        .cloned()
        .zip(vault.get(&keys)?)
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    // The reverse of add's order: `.stack.toml` first (the service is no longer recorded),
    // then `.env` and `.mcp.json`, then the vault. Interrupted anywhere, no recorded
    // service lacks its slots; at worst unrecorded references or vault items remain.
    let mut writes = vec![Write {
        path: toml_path,
        old: Some(toml_old),
        new: editor.render(),
    }];
    writes.extend(files.writes());
    let changed = changed_names(&writes);
    write_all_or_none(&root, &writes)?;
    if let Err(e) = vault.delete(&keys) {
        let _ = vault.set(&previous);
        put_back(&root, &writes);
        return Err(e);
    }
    Ok(RemoveOutcome {
        changed,
        deleted: previous.len(),
        warnings,
    })
}

/// The files `add` and `remove` write, only ever under the project lock.
const PROJECT_FILES: [&str; 3] = [project::FILE, dotenv::FILE, mcp::FILE];

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
    pub name: String,
    pub value: Secret,
    /// The provider and slot the value comes from (to tell secrets from public slots);
    /// `None` for a plain value from an env file.
    pub source: Option<(String, String)>,
}

/// The vault keys (and their provider) `exec` injects for `env`, checking `only`.
fn injection(config: &Config, env: &str, only: &[String]) -> Result<Vec<(Key, String)>> {
    for name in only {
        if !config.services.contains_key(name) {
            return Err(no_such_service(name));
        }
    }
    let mut planned = Vec::new();
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
            planned.push((
                Key::new(&config.stack.project, env, slot),
                entry.provider.clone(),
            ));
        }
    }
    Ok(planned)
}

fn missing_slot(slot: &str, vault: &dyn Vault, env: &str) -> Error {
    Error::failed(format!(
        "{slot} is missing from the {} vault (environment {env})",
        vault.kind().as_str()
    ))
    .with_hint("run `stack doctor --fix`")
}

/// The variables `stack exec` must set, for `--env-file` and references: inherited
/// environment < `env_files` (in order) < the injected slots of [`resolve`]. Any variable
/// of a file or of the inherited environment whose value is `stack://<service>/<SLOT>` is
/// replaced by that slot's value for `env`; one that cannot be resolved is an error naming
/// the variable and the reference. Only what must be set is returned: file variables,
/// resolved references and injected slots; the rest of the inherited environment is left
/// as it is. Every value comes from one vault read.
pub fn environment(
    start: &Path,
    vault: &dyn Vault,
    env: &str,
    only: &[String],
    env_files: &[PathBuf],
) -> Result<Vec<Injected>> {
    // Only references are taken from the inherited environment; the rest stays put.
    let inherited: Vec<(String, Secret)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(_, v)| v.starts_with(dotenv::SCHEME))
        .map(|(k, v)| (k, Secret::new(v)))
        .collect();
    environment_with(start, vault, env, only, env_files, inherited)
}

/// [`environment`] with the inherited references given, so tests need not change the
/// process environment.
fn environment_with(
    start: &Path,
    vault: &dyn Vault,
    env: &str,
    only: &[String],
    env_files: &[PathBuf],
    inherited: Vec<(String, Secret)>,
) -> Result<Vec<Injected>> {
    let root = project::require_root(start)?;
    let config = project::load(&root)?;
    let mut vars: indexmap::IndexMap<String, Secret> = indexmap::IndexMap::new();
    let mut sources: HashMap<String, (String, String)> = HashMap::new();
    for file in env_files {
        let text = read_env_file(&start.join(file), file)?;
        for (key, value) in dotenv::read(file, &text)? {
            vars.insert(key, value);
        }
    }
    for (key, value) in inherited {
        vars.entry(key).or_insert(value);
    }
    let injected = injection(&config, env, only)?;
    // A variable an injected slot overrides needs no resolving.
    let references: Vec<(String, String, Key)> = vars
        .iter()
        .filter(|(name, value)| {
            value.expose().starts_with(dotenv::SCHEME)
                && !injected.iter().any(|(k, _)| k.slot == **name)
        })
        .map(|(name, value)| {
            let key = reference_key(&config, env, name, value)?;
            Ok((name.clone(), value.expose().to_string(), key))
        })
        .collect::<Result<_>>()?;
    let keys: Vec<Key> = injected
        .iter()
        .map(|(k, _)| k.clone())
        .chain(references.iter().map(|(_, _, k)| k.clone()))
        .collect();
    let mut values = if keys.is_empty() {
        Vec::new()
    } else {
        vault.get(&keys)?
    }
    .into_iter();
    for (key, provider) in &injected {
        let value = values.next().flatten();
        let value = value.ok_or_else(|| missing_slot(&key.slot, vault, env))?;
        vars.insert(key.slot.clone(), value);
        sources.insert(key.slot.clone(), (provider.clone(), key.slot.clone()));
    }
    for (name, reference, key) in &references {
        let Some(value) = values.next().flatten() else {
            return Err(unresolved(
                name,
                reference,
                &format!(
                    "is missing from the {} vault (environment {env})",
                    vault.kind().as_str()
                ),
            )
            .with_hint("run `stack doctor --fix`"));
        };
        vars.insert(name.clone(), value);
        let (service, _) = dotenv::parse_reference(reference).expect("checked by reference_key");
        let provider = config.services[service].provider.clone();
        sources.insert(name.clone(), (provider, key.slot.clone()));
    }
    Ok(vars
        .into_iter()
        .map(|(name, value)| Injected {
            source: sources.remove(&name),
            name,
            value,
        })
        .collect())
}

/// Reads an `--env-file`; `shown` is the path as the user gave it.
/// The file's text, wiped on drop like the values read from it.
fn read_env_file(path: &Path, shown: &Path) -> Result<zeroize::Zeroizing<String>> {
    crate::fsutil::read_secret(path, shown)
}

/// The vault key a `stack://` reference in variable `name` points at.
fn reference_key(config: &Config, env: &str, name: &str, value: &Secret) -> Result<Key> {
    let value = value.expose();
    let Some((service, slot)) = dotenv::parse_reference(value) else {
        // Not a well-formed reference: it is shown only if it cannot be a pasted secret.
        let shown = if value.len() <= 100 && value.chars().all(|c| c.is_ascii_graphic()) {
            value
        } else {
            "stack://…"
        };
        return Err(unresolved(
            name,
            shown,
            "is not a stack://<service>/<SLOT> reference",
        ));
    };
    let Some(entry) = config.services.get(service) else {
        return Err(unresolved(name, value, "names no service of this project")
            .with_hint("run `stack list` to see the project's services"));
    };
    if !entry.secrets.iter().any(|s| s == slot) {
        return Err(unresolved(
            name,
            value,
            &format!("names a slot service {service} does not record"),
        ));
    }
    if !entry.has_env(env) {
        return Err(
            unresolved(name, value, &format!("is not stored for environment {env}"))
                .with_hint(format!("run `stack add {} --env {env}`", entry.provider)),
        );
    }
    Ok(Key::new(&config.stack.project, env, slot))
}

fn unresolved(name: &str, reference: &str, why: &str) -> Error {
    let name = crate::project::escape(name);
    Error::failed(format!("{name}={reference}: the reference {why}"))
}

/// One recorded slot of the project, with its value for one environment if stored.
pub struct SlotValue {
    pub service: String,
    pub slot: String,
    pub value: Option<Secret>,
}

/// `stack env`: every recorded slot and its value for `env`, in one vault read.
pub fn slot_values(start: &Path, vault: &dyn Vault, env: &str) -> Result<(Config, Vec<SlotValue>)> {
    let root = project::require_root(start)?;
    let config = project::load(&root)?;
    let slots: Vec<(String, String)> = config
        .services
        .iter()
        .flat_map(|(name, e)| e.secrets.iter().map(|s| (name.clone(), s.clone())))
        .collect();
    let keys: Vec<Key> = slots
        .iter()
        .map(|(_, s)| Key::new(&config.stack.project, env, s))
        .collect();
    let values = if keys.is_empty() {
        Vec::new()
    } else {
        vault.get(&keys)?
    };
    let out = slots
        .into_iter()
        .zip(values)
        .map(|((service, slot), value)| SlotValue {
            service,
            slot,
            value,
        })
        .collect();
    Ok((config, out))
}

/// A preview that tells values apart without revealing them: the last 4 characters,
/// after a public prefix (at most 8 characters, e.g. `sk_test_…ab12`) when the value has
/// one and is 16 characters or more; nothing for values under 12 characters, where 4
/// would be too large a share.
pub fn preview(catalog: &Catalog, value: &str) -> Option<String> {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n < 12 {
        return None;
    }
    let last: String = chars[n - 4..].iter().collect();
    let prefix = catalog
        .public_prefixes()
        .filter(|p| value.starts_with(p))
        .map(|p| p.chars().count().min(8))
        .max()
        .filter(|_| n >= 16);
    let shown: String = chars[..prefix.unwrap_or(0)].iter().collect();
    Some(format!("{shown}…{last}"))
}

/// Values for `provider`'s generated slots (optional ones only when in `with`) that the
/// vault does not hold yet for `env`: a value stack made once (a cookie secret) is kept,
/// or every session would be logged out.
pub fn generated_values(
    start: &Path,
    vault: &dyn Vault,
    provider: &Provider,
    env: &str,
    with: &[String],
) -> Result<Values> {
    let generated: Vec<&crate::catalog::Slot> = provider
        .slots
        .iter()
        .filter(|s| s.generate.is_some() && (!s.optional || with.contains(&s.name)))
        .collect();
    if generated.is_empty() {
        return Ok(Vec::new());
    }
    let project = project::find_root(start)?
        .map(|root| project::load(&root))
        .transpose()?
        .map(|c| c.stack.project);
    let existing = match &project {
        Some(p) => {
            let keys: Vec<Key> = generated
                .iter()
                .map(|s| Key::new(p, env, &s.name))
                .collect();
            vault.get(&keys)?
        }
        None => vec![None; generated.len()],
    };
    let mut values = Vec::new();
    for (slot, old) in generated.into_iter().zip(existing) {
        if old.is_none() {
            let how = slot.generate.expect("filtered on generate");
            values.push((slot.name.clone(), how.create()?));
        }
    }
    Ok(values)
}

/// One provider `stack import` brings in from a dotenv file.
pub struct ImportProvider<'a> {
    pub provider: &'a Provider,
    /// The file's values for the provider's slots, in the manifest's order.
    pub values: Values,
    /// Each slot and the 1-based line of the file that holds it.
    pub lines: Vec<(String, usize)>,
}

/// What `stack import` would do with a file.
pub struct ImportPlan<'a> {
    pub providers: Vec<ImportProvider<'a>>,
    /// Providers with every required slot in the file but a value of the wrong shape.
    pub malformed: Vec<(&'a Provider, Error)>,
    /// Providers with some slots in the file but not every required one: the missing ones.
    pub incomplete: Vec<(&'a Provider, Vec<String>)>,
    /// Plaintext keys that are no provider's slot: left alone.
    pub unmatched: Vec<String>,
}

/// Matches the plaintext keys of a dotenv file to catalog slots by name, grouped by
/// provider: a provider comes in when every slot it asks for and needs (not optional, not
/// generated) is in the file; its optional and generated slots come along when present.
/// Empty values and `stack://` references are not plaintext and are skipped.
pub fn import_plan<'a>(catalog: &'a Catalog, path: &Path, text: &str) -> Result<ImportPlan<'a>> {
    let assignments = dotenv::read(path, text)?;
    let file = DotEnv::parse(path, text)?;
    // The last assignment of a key is the one that counts, as when the file is loaded.
    let mut plain: indexmap::IndexMap<String, Secret> = indexmap::IndexMap::new();
    for (key, value) in assignments {
        plain.shift_remove(&key);
        let text = value.expose();
        if !text.is_empty() && !text.starts_with(dotenv::SCHEME) {
            plain.insert(key, value);
        }
    }
    let mut plan = ImportPlan {
        providers: Vec::new(),
        malformed: Vec::new(),
        incomplete: Vec::new(),
        unmatched: Vec::new(),
    };
    let mut claimed = std::collections::HashSet::new();
    for provider in catalog.providers() {
        let present: Vec<&crate::catalog::Slot> = provider
            .slots
            .iter()
            .filter(|s| plain.contains_key(&s.name))
            .collect();
        if present.is_empty() {
            continue;
        }
        claimed.extend(present.iter().map(|s| s.name.clone()));
        let missing: Vec<String> = provider
            .asked_slots()
            .filter(|s| !s.optional && !plain.contains_key(&s.name))
            .map(|s| s.name.clone())
            .collect();
        if !missing.is_empty() {
            plan.incomplete.push((provider, missing));
            continue;
        }
        let values: Values = present
            .iter()
            .map(|s| (s.name.clone(), plain[&s.name].clone()))
            .collect();
        let bad = present
            .iter()
            .zip(&values)
            .find_map(|(slot, (_, v))| slot.check_format(v).err());
        if let Some(err) = bad {
            plan.malformed.push((provider, err));
            continue;
        }
        let lines = values
            .iter()
            .map(|(slot, _)| (slot.clone(), file.line_of(slot).unwrap_or(0)))
            .collect();
        plan.providers.push(ImportProvider {
            provider,
            values,
            lines,
        });
    }
    plan.unmatched = plain
        .keys()
        .filter(|k| !claimed.contains(*k))
        .cloned()
        .collect();
    Ok(plan)
}

/// Verifies several providers' values at once (for `import`).
pub fn verify_many(items: &[(&Provider, &Values)]) -> Result<Vec<crate::verify::Verdict>> {
    let pending: Vec<(usize, &Provider, HashMap<String, Secret>)> = items
        .iter()
        .enumerate()
        .map(|(i, (p, v))| (i, *p, v.iter().cloned().collect()))
        .collect();
    verify_all(&pending)
}

/// Replaces each line of the dotenv file at `path` that holds exactly a value the vault
/// now stores (`imported`: service and values) by its `stack://` reference, keeping every
/// other line, comment and the order. Atomic (temporary file and rename), under the lock
/// of the file's directory, and nothing else is written: no backup holds the plaintext.
/// Returns whether the file changed.
pub fn rewrite_references(path: &Path, imported: &[(&str, &Values)]) -> Result<bool> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let _lock = ProjectLock::acquire(dir)?;
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        remove_stale_temps(dir, &[name]);
    }
    let text = crate::fsutil::read(path)?;
    let mut file = DotEnv::parse(path, &text)?;
    for (service, values) in imported {
        for (slot, value) in values.iter() {
            // Only a line still holding the stored value; never one changed meanwhile.
            if matches!(file.get(slot), Line::Plain(v) if v == value.expose()) {
                let reference = dotenv::reference(service, slot);
                file.set_reference(slot, &reference, Some(value.expose()), false);
            }
        }
    }
    if file.render() == text {
        return Ok(false);
    }
    crate::fsutil::write_atomic(dir, path, file.render())?;
    Ok(true)
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
    /// Each slot and whether the vault holds it (`None`: the vault could not be read).
    pub slots: Vec<(String, Option<bool>)>,
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
    /// Why the vault could not be read, when it could not: every service that needed it is
    /// then `unreachable`.
    pub vault_error: Option<Error>,
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
    // An unreachable vault is a finding about every service, not the end of the report
    // (contract §6: `doctor --json` prints one object).
    let (mut values, vault_error) = match vault.get(&keys) {
        Ok(values) => (values.into_iter(), None),
        Err(e) if e.kind == Kind::Unavailable => (Vec::new().into_iter(), Some(e)),
        Err(e) => return Err(e),
    };

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
                .map(|(s, v)| (s.clone(), vault_error.is_none().then_some(v.is_some())))
                .collect(),
            to_fix: stored
                .iter()
                .filter(|(_, v)| v.is_none() && vault_error.is_none())
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
        } else if let Some(e) = &vault_error {
            report.status = Status::Unreachable;
            report.details.push(e.message.clone());
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
        let secrets: Vec<(&str, &Secret)> = values
            .iter()
            .filter(|(k, _)| provider.slot(k).is_none_or(|s| s.secret))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        for slot in crate::mask::Masker::too_short(&secrets) {
            report.details.push(format!(
                "{slot} is shorter than 6 characters: stack exec cannot mask it in output"
            ));
        }
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
        vault_error,
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
        && !files.mcp.has(mcp_name)
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

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;
    use crate::vault::VaultKind;

    /// An in-memory vault that counts its reads.
    #[derive(Default)]
    struct Memory {
        items: RefCell<HashMap<String, Secret>>,
        gets: Cell<usize>,
    }

    impl Vault for Memory {
        fn kind(&self) -> VaultKind {
            VaultKind::Keychain
        }
        fn location(&self) -> String {
            "memory".into()
        }
        fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>> {
            self.gets.set(self.gets.get() + 1);
            let items = self.items.borrow();
            Ok(keys
                .iter()
                .map(|k| items.get(&k.account()).cloned())
                .collect())
        }
        fn set(&self, entries: &[(Key, Secret)]) -> Result<()> {
            for (k, v) in entries {
                self.items.borrow_mut().insert(k.account(), v.clone());
            }
            Ok(())
        }
        fn delete(&self, keys: &[Key]) -> Result<()> {
            for k in keys {
                self.items.borrow_mut().remove(&k.account());
            }
            Ok(())
        }
    }

    /// A project recording workos (dev) and stripe (dev), with their values in `vault`.
    fn project(vault: &Memory) -> PathBuf {
        // A unique id: tests run side by side, and a shared one would be a conflict.
        let id = format!("p-{:016x}", crate::random_u64());
        let dir = std::env::temp_dir().join(format!("stack-ops-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(project::FILE),
            format!(
                "[stack]\nversion = 1\nproject = \"{id}\"\n\n\
             [services.workos]\nprovider = \"workos\"\n\
             secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = [\"dev\"]\n\n\
             [services.stripe]\nprovider = \"stripe\"\n\
             secrets = [\"STRIPE_SECRET_KEY\"]\nenvironments = [\"dev\"]\n"
            ),
        )
        .unwrap();
        for (slot, value) in [
            ("WORKOS_API_KEY", "sk_test_FAKEOPS0000000001"),
            ("WORKOS_CLIENT_ID", "client_FAKEOPS000001"),
            ("STRIPE_SECRET_KEY", "sk_test_FAKEOPSSTRIPE0001"),
        ] {
            vault
                .set(&[(Key::new(&id, "dev", slot), Secret::new(value))])
                .unwrap();
        }
        dir
    }

    fn as_pairs(vars: Vec<Injected>) -> Vec<(String, String)> {
        vars.into_iter()
            .map(|v| (v.name, v.value.expose().to_string()))
            .collect()
    }

    #[test]
    fn environment_applies_precedence_and_resolves_references_in_one_read() {
        let vault = Memory::default();
        let dir = project(&vault);
        std::fs::write(
            dir.join("a.env"),
            "PORT=3000\nKEY_COPY=stack://workos/WORKOS_API_KEY\nSTRIPE_SECRET_KEY=stale\n",
        )
        .unwrap();
        std::fs::write(dir.join("b.env"), "PORT=4000\n").unwrap();
        let inherited = vec![
            (
                "FROM_SHELL".to_string(),
                Secret::new("stack://workos/WORKOS_CLIENT_ID"),
            ),
            ("PORT".to_string(), Secret::new("stack://nope/X")),
        ];
        let files = [PathBuf::from("a.env"), PathBuf::from("b.env")];
        let only = ["stripe".to_string()];
        let vars = environment_with(&dir, &vault, "dev", &only, &files, inherited).unwrap();
        assert_eq!(
            as_pairs(vars),
            [
                ("PORT", "4000"),
                ("KEY_COPY", "sk_test_FAKEOPS0000000001"),
                ("STRIPE_SECRET_KEY", "sk_test_FAKEOPSSTRIPE0001"),
                ("FROM_SHELL", "client_FAKEOPS000001"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(vault.gets.get(), 1, "one vault read for everything");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_unresolvable_reference_names_the_variable_and_the_reference() {
        let vault = Memory::default();
        let dir = project(&vault);
        let cases = [
            ("stack://nope/X", "names no service"),
            ("stack://workos/OTHER", "does not record"),
            (
                "stack://workos",
                "is not a stack://<service>/<SLOT> reference",
            ),
        ];
        for (reference, why) in cases {
            let inherited = vec![("MY_VAR".to_string(), Secret::new(reference))];
            let only = ["stripe".to_string()];
            let err = environment_with(&dir, &vault, "dev", &only, &[], inherited)
                .err()
                .unwrap();
            assert!(
                err.message.contains(&format!("MY_VAR={reference}")) && err.message.contains(why),
                "{}",
                err.message
            );
        }
        vault
            .delete(&[Key::new(
                &project::load(&dir).unwrap().stack.project,
                "dev",
                "WORKOS_CLIENT_ID",
            )])
            .unwrap();
        let inherited = vec![(
            "ID".to_string(),
            Secret::new("stack://workos/WORKOS_CLIENT_ID"),
        )];
        let err = environment_with(&dir, &vault, "dev", &["stripe".into()], &[], inherited)
            .err()
            .unwrap();
        assert!(
            err.message.contains("ID=stack://workos/WORKOS_CLIENT_ID")
                && err.message.contains("missing from the keychain vault"),
            "{}",
            err.message
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn previews_show_a_public_prefix_and_the_last_four() {
        let catalog = Catalog::builtin().unwrap();
        let p = |v: &str| preview(&catalog, v);
        assert_eq!(p("sk_test_FAKE0000ab12").as_deref(), Some("sk_test_…ab12"));
        assert_eq!(p("client_FAKE00000cd34").as_deref(), Some("…cd34"));
        assert_eq!(
            p("sk_test_ab12").as_deref(),
            Some("…ab12"),
            "too short for the prefix"
        );
        assert_eq!(p("sk_test_a12"), None, "under 12 characters");
        assert_eq!(p("3000"), None);
    }
}
