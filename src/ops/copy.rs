//! `stack vault copy`: this project's slots from one vault to another.

use crate::error::{Error, Remedy, Result};
use crate::vault::{self, Key, Vault};

use super::Project;

/// Whether a copy from `from` to `to` can be made: two vaults, the second writable.
/// Checked before the project is looked for.
pub fn copy_check(from: &dyn Vault, to: &dyn Vault) -> Result<()> {
    if from.kind() == to.kind() && from.location() == to.location() {
        return Err(Error::usage(
            "the source and destination vaults are the same",
        ));
    }
    to.check_writable()
}

/// Copies this project's slots from one vault to another (after [`copy_check`]) and
/// reads them back from the destination to confirm. Every slot must be present in the
/// source: nothing is written otherwise. Returns how many slots were copied.
pub fn copy(
    project: &Project,
    from: &dyn Vault,
    to: &dyn Vault,
    env: Option<&str>,
) -> Result<usize> {
    let keys: Vec<Key> = project
        .recorded_keys(env)
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    if keys.is_empty() {
        return Err(Error::usage("this project records no slots to copy")
            .with_remedy(Remedy::AddProviderFirst));
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
        .with_remedy(Remedy::RepairFirst));
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
