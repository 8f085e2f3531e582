//! `stack list`: the recorded services and which slots the vault holds.

use std::path::Path;

use crate::error::Result;
use crate::project::{self, Config};
use crate::vault::{Key, Vault};

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
