//! The `file` vault: one age-encrypted file holding every project's slots, readable by the
//! standard `age` tool (`age -d -i key.txt vault.age`).
//!
//! Inside is a JSON document, `{"stack_vault": 1, "slots": {"<project>/<env>/<SLOT>": "…"}}`,
//! decrypted once per process and kept only in memory (zeroized buffers); it is never
//! written anywhere unencrypted, not even to a temporary file.
//!
//! A rewrite never weakens the file: it is encrypted again to every recipient listed in
//! `<vault>.recipients` (as `age -R` reads it) plus the writer's own, or with the passphrase
//! at no lower a work factor than the file had. A file its owner may not write is refused.

mod crypto;
#[cfg(test)]
mod tests;

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::{Ask, Key, Vault, VaultKind};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;
use crypto::parse_identity;

/// The version of the plaintext document this `stack` reads and writes.
const DOCUMENT_VERSION: u32 = 1;

pub struct FileVault {
    path: PathBuf,
    /// Whether the file lives in stack's own data directory, which is kept `0700`; a
    /// directory the user chose (a committed `.stack/`) keeps the mode it has.
    own_dir: bool,
    ask: Box<dyn Ask>,
    /// What unlocks the file: from the environment at once, or a prompt at first need.
    unlock: OnceCell<Unlock>,
    /// The file as last read or written, and its decrypted slots.
    loaded: RefCell<Option<Loaded>>,
}

enum Unlock {
    Identity(age::x25519::Identity),
    Passphrase(Secret),
}

struct Loaded {
    /// The ciphertext the slots came from (`None`: no file), to notice another writer.
    bytes: Option<Vec<u8>>,
    slots: Slots,
}

type Slots = BTreeMap<String, Value>;

/// The plaintext inside the age file.
#[derive(Serialize, Deserialize)]
struct Document {
    stack_vault: u32,
    #[serde(default)]
    slots: Slots,
}

/// A slot value that serializes as a plain JSON string but lives in a [`Secret`].
#[derive(Clone)]
struct Value(Secret);

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose())
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Value(Secret::new(s)))
    }
}

impl FileVault {
    /// Takes the path and what unlocks it from the settings. Without an identity, a
    /// passphrase or a terminal to ask on, fails now, before anything is read.
    pub fn new(ask: Box<dyn Ask>, settings: &Settings) -> Result<FileVault> {
        let file = &settings.file;
        let chosen = file.path.as_deref().filter(|p| !p.is_empty());
        let own_dir = chosen.is_none();
        let path = match chosen {
            Some(p) => std::path::absolute(p)
                .map_err(|e| Error::usage("STACK_VAULT_FILE is not a usable path").caused_by(&e))?,
            None => settings
                .data_dir
                .clone()
                .ok_or_else(|| {
                    Error::usage("no data directory for the file vault")
                        .with_hint("set STACK_VAULT_FILE, or HOME or XDG_DATA_HOME")
                })?
                .join("vault.age"),
        };
        let unlock = OnceCell::new();
        let given = |s: &Option<Secret>| s.clone().filter(|s| !s.expose().is_empty());
        if let Some(text) = given(&file.identity) {
            let _ = unlock.set(Unlock::Identity(parse_identity(text.expose())?));
        } else if let Some(passphrase) = given(&file.passphrase) {
            let _ = unlock.set(Unlock::Passphrase(passphrase));
        } else if !ask.can_ask() {
            return Err(nothing_to_unlock(&path));
        }
        Ok(FileVault {
            path,
            own_dir,
            ask,
            unlock,
            loaded: RefCell::new(None),
        })
    }

    /// What unlocks the file, asking for a passphrase (twice when `creating`) at first need.
    fn unlock(&self, creating: bool) -> Result<&Unlock> {
        if let Some(unlock) = self.unlock.get() {
            return Ok(unlock);
        }
        let question = if creating {
            format!("New passphrase for the vault {}:", self.path.display())
        } else {
            format!("Passphrase for the vault {}:", self.path.display())
        };
        let passphrase = self
            .ask
            .passphrase(&question, creating)?
            .ok_or_else(|| nothing_to_unlock(&self.path))?;
        if passphrase.expose().is_empty() {
            return Err(Error::usage("the passphrase is empty"));
        }
        Ok(self.unlock.get_or_init(|| Unlock::Passphrase(passphrase)))
    }

    /// Decrypts the file once per process; no file means no slots (and no prompt).
    fn load(&self) -> Result<()> {
        if self.loaded.borrow().is_some() {
            return Ok(());
        }
        let bytes = self.read()?;
        let slots = match &bytes {
            Some(b) => self.decrypt(b)?,
            None => Slots::new(),
        };
        *self.loaded.borrow_mut() = Some(Loaded { bytes, slots });
        Ok(())
    }

    /// One read-modify-write under the exclusive lock. `change` says whether it changed
    /// anything; when not, nothing is written and the file stays byte-identical.
    fn modify(&self, change: impl FnOnce(&mut Slots) -> bool) -> Result<()> {
        // Ask before locking, so a slow typist does not hold up other processes.
        let unlock = self.unlock(!self.path.exists())?;
        self.make_parent()?;
        let _lock = self.lock()?;
        // Under the lock every writer holds, a temporary file left here is a killed one's.
        if let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) {
            crate::fsutil::remove_stale_temps(dir, &[&name.to_string_lossy()]);
        }
        let bytes = self.read()?;
        let mut slots = match self.loaded.take() {
            Some(cached) if cached.bytes == bytes => cached.slots,
            _ => match &bytes {
                Some(b) => self.decrypt(b)?,
                None => Slots::new(),
            },
        };
        let bytes = if change(&mut slots) {
            self.refuse_read_only()?;
            let sealed = self.encrypt(unlock, bytes.as_deref(), &slots)?;
            self.write(&sealed)?;
            Some(sealed)
        } else {
            bytes
        };
        *self.loaded.borrow_mut() = Some(Loaded { bytes, slots });
        Ok(())
    }

    fn read(&self) -> Result<Option<Vec<u8>>> {
        crate::fsutil::read_vault(&self.path)
    }

    /// A file its owner may not write is left as it is, not replaced by a writable one.
    fn refuse_read_only(&self) -> Result<()> {
        let meta = match fs::metadata(&self.path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("read", &self.path, e)),
        };
        #[cfg(unix)]
        let read_only = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o200 == 0;
        #[cfg(not(unix))]
        let read_only = meta.permissions().readonly();
        if read_only {
            return Err(
                Error::usage(format!("{} is read-only", self.path.display()))
                    .with_hint("make it writable (`chmod u+w`) for stack to change it"),
            );
        }
        Ok(())
    }

    /// Creates the file's directory, private to the user, when it is missing; stack's own
    /// data directory is made private when it is not.
    fn make_parent(&self) -> Result<()> {
        let Some(dir) = self.path.parent() else {
            return Ok(());
        };
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| Error::io("create the directory", dir, e))?;
        if self.own_dir {
            make_private(dir)?;
        }
        Ok(())
    }

    /// The exclusive lock on the sidecar `<path>.lock`, released when dropped.
    fn lock(&self) -> Result<File> {
        let mut name = self.path.clone().into_os_string();
        name.push(".lock");
        let path = PathBuf::from(name);
        let file = crate::fsutil::open_lock_file(&mut private_file(false), &path)?;
        file.lock().map_err(|e| Error::io("lock", &path, e))?;
        Ok(file)
    }

    /// Replaces the file atomically: a new private file beside it, flushed, then renamed.
    fn write(&self, sealed: &[u8]) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        // The name fsutil::remove_stale_temps recognizes, so a killed writer's file goes.
        let tmp = dir.join(format!(".{name}.stack-{:016x}.tmp", crate::random_u64()));
        let result = (|| {
            let mut file = private_file(true).open(&tmp)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                // The umask could have left it narrower than 0600.
                file.set_permissions(fs::Permissions::from_mode(0o600))?;
            }
            file.write_all(sealed)?;
            file.sync_all()?;
            fs::rename(&tmp, &self.path)?;
            // Make the rename itself durable.
            #[cfg(unix)]
            File::open(dir)?.sync_all()?;
            Ok(())
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::io("write", &self.path, e)
        })
    }
}

impl Vault for FileVault {
    fn kind(&self) -> VaultKind {
        VaultKind::File
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn credentials(&self) -> Vec<(&'static str, Secret)> {
        match self.unlock.get() {
            Some(Unlock::Passphrase(passphrase)) => {
                vec![("STACK_VAULT_PASSPHRASE", passphrase.clone())]
            }
            // An identity comes only from STACK_AGE_IDENTITY, which exec masks itself.
            Some(Unlock::Identity(_)) | None => Vec::new(),
        }
    }

    fn may_hold_other_projects(&self, root: &Path) -> bool {
        // A vault file committed with the project (the CI recipe) is the project's own; the
        // file itself is resolved, so a committed link to a shared vault is not.
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        let file = canonical(&self.path).or_else(|| self.path.parent().and_then(canonical));
        match (file, canonical(root)) {
            (Some(file), Some(root)) => !file.starts_with(root),
            _ => true,
        }
    }

    fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.load()?;
        let loaded = self.loaded.borrow();
        let slots = loaded.as_ref().map(|l| &l.slots);
        Ok(keys
            .iter()
            .map(|k| slots.and_then(|s| s.get(&k.account())).map(|v| v.0.clone()))
            .collect())
    }

    fn set(&self, entries: &[(Key, Secret)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.modify(|slots| {
            for (key, value) in entries {
                slots.insert(key.account(), Value(value.clone()));
            }
            true
        })
    }

    fn delete(&self, keys: &[Key]) -> Result<()> {
        // Nothing to delete from a file that does not exist: no prompt, no new file.
        if keys.is_empty() || !self.path.exists() {
            return Ok(());
        }
        self.modify(|slots| {
            let mut changed = false;
            for key in keys {
                changed |= slots.remove(&key.account()).is_some();
            }
            changed
        })
    }
}

/// Takes group and other access away from a directory that has any (stack's own `0700`).
fn make_private(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir)
            .map_err(|e| Error::io("read", dir, e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io("make private", dir, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The plaintext document, built in one zeroized buffer large enough that it never grows
/// (a grown `Vec` would leave copies of the values behind in freed memory).
fn serialize(slots: &Slots) -> Result<Zeroizing<Vec<u8>>> {
    // Escaping makes a character at most 6 bytes (`\u001f`).
    let capacity = 64
        + slots
            .iter()
            .map(|(k, v)| 6 * (k.len() + v.0.expose().len()) + 8)
            .sum::<usize>();
    let mut plain = Zeroizing::new(Vec::with_capacity(capacity));
    let doc = DocumentRef {
        stack_vault: DOCUMENT_VERSION,
        slots,
    };
    serde_json::to_writer(&mut *plain, &doc)
        .map_err(|e| Error::unavailable("could not build the vault document").caused_by(&e))?;
    Ok(plain)
}

#[derive(Serialize)]
struct DocumentRef<'a> {
    stack_vault: u32,
    slots: &'a Slots,
}

/// Options that create a file readable and writable by its owner only.
fn private_file(new: bool) -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true);
    if new {
        options.create_new(true);
    } else {
        options.create(true).truncate(false);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn nothing_to_unlock(path: &Path) -> Error {
    Error::usage(format!(
        "nothing to unlock the file vault {} with, and no terminal to ask for a passphrase",
        path.display()
    ))
    .with_hint(
        "set STACK_AGE_IDENTITY to an AGE-SECRET-KEY-1… identity (make one with `age-keygen`), \
         or STACK_VAULT_PASSPHRASE to the vault's passphrase",
    )
}
