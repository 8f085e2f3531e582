//! `stack vault copy`: this project's slots from one vault to another.

use std::path::Path;

use crate::error::{Error, Result};
use crate::project;
use crate::vault::{self, Key, Vault};

use super::list::recorded_keys;

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
