//! `stack list`: the recorded services and which slots the vault holds.

use crate::error::Result;
use crate::vault::{Key, Vault};

use super::Project;

/// `stack list`: for each service, in order, whether the vault holds each of its slots.
pub fn list(project: &Project, vault: &dyn Vault, env: &str) -> Result<Vec<Vec<bool>>> {
    let services = &project.config.services;
    let keys: Vec<Key> = services
        .values()
        .flat_map(|e| e.secrets.iter().map(|s| project.key(env, s)))
        .collect();
    let mut present = vault.get(&keys)?.into_iter().map(|v| v.is_some());
    Ok(services
        .values()
        .map(|e| {
            e.secrets
                .iter()
                .map(|_| present.next().unwrap_or(false))
                .collect()
        })
        .collect())
}
