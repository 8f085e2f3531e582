//! `stack remove`: a service out of the vault and the project files.

use super::Project;
use super::files::{PROJECT_FILES, ProjectFiles, changed_names};
use super::no_such_service;
use crate::catalog::Catalog;
use crate::dotenv::{self, Line};
use crate::error::Result;
use crate::fsutil::{ProjectLock, Write, put_back, remove_stale_temps, write_all_or_none};
use crate::mcp;
use crate::project::{self, Editor};
use crate::secret::Secret;
use crate::vault::{Key, Vault};

/// What to remove, and from where.
pub struct RemoveOptions<'a> {
    pub project: &'a Project,
    pub vault: &'a dyn Vault,
    /// To tell the `.mcp.json` entry stack wrote from one changed since.
    pub catalog: &'a Catalog,
    pub service: &'a str,
    /// Leave the slots in the vault; only the project files change.
    pub keep_secrets: bool,
}

pub struct RemoveOutcome {
    pub changed: Vec<&'static str>,
    pub deleted: usize,
    pub warnings: Vec<String>,
}

/// Deletes a service's slots (every environment), `.env` references, the `.mcp.json`
/// entry stack wrote, and its `.stack.toml` table.
pub fn remove(opts: &RemoveOptions) -> Result<RemoveOutcome> {
    let RemoveOptions {
        project,
        vault,
        catalog,
        service,
        keep_secrets,
    } = *opts;
    let root = &project.root;
    let _lock = ProjectLock::acquire(root)?;
    remove_stale_temps(root, &PROJECT_FILES);
    let toml_path = root.join(project::FILE);
    let toml_old = crate::fsutil::read(&toml_path)?;
    let (mut editor, config) = Editor::parse(&toml_path, &toml_old)?;
    let Some(entry) = config.services.get(service) else {
        return Err(no_such_service(service));
    };
    let mut files = ProjectFiles::read(root)?;
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
    write_all_or_none(root, &writes)?;
    if let Err(e) = vault.delete(&keys) {
        let _ = vault.set(&previous);
        put_back(root, &writes);
        return Err(e);
    }
    Ok(RemoveOutcome {
        changed,
        deleted: previous.len(),
        warnings,
    })
}
