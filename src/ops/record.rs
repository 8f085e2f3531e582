//! The last step of the add sequence: values stored and the service recorded, all or
//! nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Values;
use super::files::{PROJECT_FILES, ProjectFiles, changed_names};
use crate::catalog::Provider;
use crate::dotenv::{self, Line};
use crate::error::{Error, Remedy, Result};
use crate::fsutil::{ProjectLock, Write, read_optional, remove_stale_temps, write_all_or_none};
use crate::mcp::{self, Added};
use crate::project::{self, Editor};
use crate::secret::Secret;
use crate::settings::Settings;
use crate::vault::{self, Key, Vault};

/// What [`record`] changed.
pub struct Recorded {
    pub root: PathBuf,
    pub project: String,
    /// Names of the files written (`.stack.toml`, `.env`, `.mcp.json`).
    pub changed: Vec<&'static str>,
    pub warnings: Vec<String>,
}

/// Stores `values` for `provider` in `env` and records the service in the project files,
/// all or nothing, under the project lock. With no values it only repairs the files.
pub(super) fn record(
    settings: &Settings,
    root: &Path,
    vault: &dyn Vault,
    provider: &Provider,
    env: &str,
    values: &Values,
    replace_plain: bool,
) -> Result<Recorded> {
    let root = root.to_path_buf();
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
            .with_remedy(Remedy::RemoveService {
                name: other.clone(),
            }));
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
        crate::trust::record(&root, &project, settings)?;
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
    Ok(Recorded {
        root,
        project,
        changed,
        warnings,
    })
}
