//! Values stack makes itself (a cookie secret), once per environment.

use crate::catalog::Provider;
use crate::error::Result;
use crate::vault::{Key, Vault};

use super::{Project, Values};

/// Values for `provider`'s generated slots (optional ones only when in `with`) that the
/// vault does not hold yet for `env`: a value stack made once (a cookie secret) is kept,
/// or every session would be logged out.
pub(super) fn generated_values(
    project: Option<&Project>,
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
    let existing = match project {
        Some(p) => {
            let keys: Vec<Key> = generated.iter().map(|s| p.key(env, &s.name)).collect();
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
