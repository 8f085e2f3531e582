//! Where slot values live. Every backend offers the same batch operations; commands never
//! know which one they talk to.

mod keychain;

use std::str::FromStr;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// One slot of one project in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub project: String,
    pub env: String,
    pub slot: String,
}

impl Key {
    pub fn new(project: &str, env: &str, slot: &str) -> Key {
        Key {
            project: project.to_string(),
            env: env.to_string(),
            slot: slot.to_string(),
        }
    }

    /// The keychain account: `<project>/<environment>/<SLOT>`.
    pub fn account(&self) -> String {
        format!("{}/{}/{}", self.project, self.env, self.slot)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultKind {
    Keychain,
    File,
    Bao,
    Env,
}

impl VaultKind {
    pub const ALL: [VaultKind; 4] = [
        VaultKind::Keychain,
        VaultKind::File,
        VaultKind::Bao,
        VaultKind::Env,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VaultKind::Keychain => "keychain",
            VaultKind::File => "file",
            VaultKind::Bao => "bao",
            VaultKind::Env => "env",
        }
    }
}

impl FromStr for VaultKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        VaultKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown vault {s:?} (expected keychain, file, bao or env)"))
    }
}

pub trait Vault {
    fn kind(&self) -> VaultKind;
    /// The values of `keys`, in order; `None` where a slot is not stored.
    fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>>;
    /// Stores every pair; not atomic by itself (see [`store_all`]).
    fn set(&self, entries: &[(Key, Secret)]) -> Result<()>;
    /// Deletes `keys`; deleting what is not there is no error.
    fn delete(&self, keys: &[Key]) -> Result<()>;
}

/// Opens the vault of that kind.
pub fn open(kind: VaultKind) -> Result<Box<dyn Vault>> {
    match kind {
        VaultKind::Keychain => Ok(Box::new(keychain::Keychain)),
        other => Err(Error::usage(format!(
            "the {} vault is not available in this version of stack",
            other.as_str()
        ))
        .with_hint("use the OS keychain: --vault keychain (the default)")),
    }
}

/// What the vault held before a write, so the write can be undone.
pub struct Undo {
    previous: Vec<(Key, Option<Secret>)>,
}

/// Stores every entry or none: on a failure part-way, what was written is restored.
pub fn store_all(vault: &dyn Vault, entries: &[(Key, Secret)]) -> Result<Undo> {
    let keys: Vec<Key> = entries.iter().map(|(k, _)| k.clone()).collect();
    let previous = vault.get(&keys)?;
    let undo = Undo {
        previous: keys.into_iter().zip(previous).collect(),
    };
    if let Err(e) = vault.set(entries) {
        undo.rollback(vault);
        return Err(e);
    }
    Ok(undo)
}

impl Undo {
    /// Puts back what was there before (best effort: the original error is what matters).
    pub fn rollback(self, vault: &dyn Vault) {
        let (restore, delete): (Vec<_>, Vec<_>) =
            self.previous.into_iter().partition(|(_, v)| v.is_some());
        let restore: Vec<(Key, Secret)> = restore
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        let delete: Vec<Key> = delete.into_iter().map(|(k, _)| k).collect();
        let _ = vault.set(&restore);
        let _ = vault.delete(&delete);
    }
}

/// The error every backend returns when it cannot be reached.
fn unreachable(kind: VaultKind, what: &str) -> Error {
    Error::unavailable(format!(
        "the {} vault is unavailable: {what}",
        kind.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::*;

    /// An in-memory vault whose `set` fails once, after `fail_after` writes.
    struct Flaky {
        items: RefCell<HashMap<String, Secret>>,
        fail_after: RefCell<Option<usize>>,
        writes: RefCell<usize>,
    }

    impl Vault for Flaky {
        fn kind(&self) -> VaultKind {
            VaultKind::Keychain
        }
        fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>> {
            let items = self.items.borrow();
            Ok(keys
                .iter()
                .map(|k| items.get(&k.account()).cloned())
                .collect())
        }
        fn set(&self, entries: &[(Key, Secret)]) -> Result<()> {
            for (k, v) in entries {
                if *self.fail_after.borrow() == Some(*self.writes.borrow()) {
                    self.fail_after.take();
                    return Err(Error::unavailable("disk on fire"));
                }
                *self.writes.borrow_mut() += 1;
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

    #[test]
    fn store_all_is_all_or_nothing() {
        let a = Key::new("p", "dev", "A");
        let b = Key::new("p", "dev", "B");
        let vault = Flaky {
            items: RefCell::new(HashMap::from([(a.account(), Secret::new("old-a"))])),
            fail_after: RefCell::new(Some(1)),
            writes: RefCell::new(0),
        };
        let entries = [
            (a.clone(), Secret::new("new-a")),
            (b.clone(), Secret::new("new-b")),
        ];
        assert!(store_all(&vault, &entries).is_err());
        let after = vault.get(&[a, b]).unwrap();
        assert_eq!(after[0].as_ref().map(Secret::expose), Some("old-a"));
        assert!(after[1].is_none());
    }
}
