//! Where slot values live. Every backend offers the same batch operations; commands never
//! know which one they talk to.

mod bao;
mod env;
mod file;
mod keychain;

use std::str::FromStr;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;

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
            // The name may come from a variable the user does not see: it is not echoed.
            .ok_or_else(|| "unknown vault (expected keychain, file, bao or env)".to_string())
    }
}

pub trait Vault {
    fn kind(&self) -> VaultKind;
    /// Where the slots live, for `doctor`, `list` and `vault status` (never a secret).
    fn location(&self) -> String;
    /// The values of `keys`, in order; `None` where a slot is not stored.
    fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>>;
    /// Stores every pair; not atomic by itself (see [`store_all`]).
    fn set(&self, entries: &[(Key, Secret)]) -> Result<()>;
    /// Deletes `keys`; deleting what is not there is no error.
    fn delete(&self, keys: &[Key]) -> Result<()>;
    /// An error when this vault cannot be written at all (the read-only `env` vault),
    /// so commands that would write refuse before asking for anything.
    fn check_writable(&self) -> Result<()> {
        Ok(())
    }
    /// Whether this vault holds the items of other projects of this user beside those of
    /// the project at `root`, so that items of an id no directory is recorded for may be
    /// another project's (see `trust::settle_new`): the keychain and a vault file outside
    /// the project do; a team's bao (its policies decide what a token reads), the `env`
    /// vault and a vault file inside the project do not.
    fn may_hold_other_projects(&self, _root: &std::path::Path) -> bool {
        false
    }
    /// The credentials this vault was unlocked with so far (a token, a passphrase typed at
    /// the prompt), each with the name it is masked as: `stack exec` masks them in the
    /// command's output whatever their source.
    fn credentials(&self) -> Vec<(&'static str, Secret)> {
        Vec::new()
    }
}

/// How a vault asks the user for what it needs: the library never prompts by itself.
pub trait Ask {
    /// Whether asking is possible at all (a terminal, not CI).
    fn can_ask(&self) -> bool;
    /// A passphrase, asked twice when `confirm` (a new vault); `None` without a terminal.
    fn passphrase(&self, question: &str, confirm: bool) -> Result<Option<Secret>>;
    /// Tells the user what a vault did that they must know of (who can read it now); a
    /// warning, shown even without a terminal.
    fn tell(&self, message: &str);
}

/// The vault to use: `--vault` or `STACK_VAULT` (`flag`), else `vault = "…"` in the user's
/// config file, else the keychain. Never from a project file: a cloned repository must not
/// choose where a developer's secrets go.
pub fn select(flag: Option<&str>, settings: &Settings) -> Result<VaultKind> {
    if let Some(name) = flag {
        return name.parse().map_err(Error::usage);
    }
    let Some(path) = settings.config_dir.as_ref().map(|d| d.join("config.toml")) else {
        return Ok(VaultKind::Keychain);
    };
    let Some(text) = crate::fsutil::read_optional(&path)? else {
        return Ok(VaultKind::Keychain);
    };
    #[derive(serde::Deserialize)]
    struct UserConfig {
        vault: Option<String>,
    }
    let config: UserConfig = toml::from_str(&text).map_err(|e| {
        crate::fsutil::malformed(&path.display().to_string(), &text, e.span(), e.message())
    })?;
    match config.vault {
        Some(name) => name
            .parse()
            .map_err(|why: String| Error::usage(format!("{}: {why}", path.display()))),
        None => Ok(VaultKind::Keychain),
    }
}

/// Opens the vault of that kind. Nothing is unlocked or contacted until it is used.
pub fn open(kind: VaultKind, ask: Box<dyn Ask>, settings: &Settings) -> Result<Box<dyn Vault>> {
    Ok(match kind {
        VaultKind::Keychain => Box::new(keychain::Keychain::new(settings)),
        VaultKind::File => Box::new(file::FileVault::new(ask, settings)?),
        VaultKind::Bao => Box::new(bao::Bao::new(settings)?),
        VaultKind::Env => Box::new(env::EnvVault::new(settings)),
    })
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
        fn location(&self) -> String {
            "memory".into()
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
