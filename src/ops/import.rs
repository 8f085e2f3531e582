//! `stack import`: which providers a dotenv file holds, and its lines turned into references.

use std::path::Path;

use crate::catalog::{Catalog, Provider};
use crate::dotenv::{self, DotEnv, Line};
use crate::error::{Error, Result};
use crate::fsutil::{ProjectLock, remove_stale_temps};
use crate::secret::Secret;

use super::Values;

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
