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

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::iter;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::{Ask, Key, Vault, VaultKind, unreachable};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;

/// The scrypt work factor (log2 N) of files `stack` encrypts with a passphrase.
///
/// Target: `stack exec -- true` within 300 ms with a passphrase on the 2-core reference
/// machine. Each step doubles the scrypt time; measured there (release build, hyperfine,
/// 20 runs of `stack exec -- true`, mean / max): 15 → 71 / 75 ms, 16 → 140 / 155 ms,
/// 17 → 275 / 307 ms, 18 (age's default) → 545 / 581 ms. 17 misses the target on some runs
/// and on a busier machine, so 16: the largest with a safe margin (about 2× headroom).
/// Decryption takes the factor from the file, so this only affects what `stack` writes.
const WORK_FACTOR: u8 = 16;

/// The largest work factor accepted when decrypting: the age CLI's own limit, so files it
/// made (default 18) always open, while a hostile header cannot ask for unbounded work.
const MAX_WORK_FACTOR: u8 = 22;

// Files from the age CLI (work factor 18 by default) and from stack itself must open.
const _: () = assert!(MAX_WORK_FACTOR >= 18 && WORK_FACTOR <= MAX_WORK_FACTOR);

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

    fn decrypt(&self, bytes: &[u8]) -> Result<Slots> {
        let unlock = self.unlock(false)?;
        let decryptor = age::Decryptor::new_buffered(bytes).map_err(|e| self.corrupt(&e))?;
        let scrypt;
        let identity: &dyn age::Identity = match unlock {
            Unlock::Identity(identity) => identity,
            Unlock::Passphrase(p) => {
                scrypt = scrypt_identity(p);
                &scrypt
            }
        };
        let is_scrypt = decryptor.is_scrypt();
        let mut reader = match decryptor.decrypt(iter::once(identity)) {
            Ok(reader) => reader,
            Err(age::DecryptError::ExcessiveWork { required, .. }) => {
                return Err(unreachable(
                    VaultKind::File,
                    &format!(
                        "{} asks for scrypt work factor {required}, above the {MAX_WORK_FACTOR} \
                         stack accepts",
                        self.path.display()
                    ),
                ));
            }
            Err(
                age::DecryptError::NoMatchingKeys
                | age::DecryptError::DecryptionFailed
                | age::DecryptError::KeyDecryptionFailed,
            ) => return Err(self.wrong_key(unlock, is_scrypt)),
            Err(e) => return Err(self.corrupt(&e)),
        };
        // The plaintext is never longer than the ciphertext: one allocation, zeroized.
        let mut plain = Zeroizing::new(Vec::with_capacity(bytes.len()));
        reader
            .read_to_end(&mut plain)
            .map_err(|e| self.corrupt(&e))?;
        // serde_json's message could quote a value: report only where it went wrong.
        let doc: Document = serde_json::from_slice(&plain).map_err(|e| {
            unreachable(
                VaultKind::File,
                &format!(
                    "{} decrypts, but not to a stack vault (line {}, column {})",
                    self.path.display(),
                    e.line(),
                    e.column()
                ),
            )
        })?;
        if doc.stack_vault != DOCUMENT_VERSION {
            return Err(unreachable(
                VaultKind::File,
                &format!(
                    "{} is a version {} stack vault; this stack reads version {DOCUMENT_VERSION}",
                    self.path.display(),
                    doc.stack_vault
                ),
            )
            .with_hint("upgrade stack"));
        }
        Ok(doc.slots)
    }

    /// Encrypts `slots` to replace `current` (the file as read under the lock, which
    /// decrypted), never to fewer recipients nor at a lower work factor than it had.
    fn encrypt(&self, unlock: &Unlock, current: Option<&[u8]>, slots: &Slots) -> Result<Vec<u8>> {
        let stanzas = current.map(stanzas).unwrap_or_default();
        let plain = serialize(slots)?;
        let sealed = match unlock {
            Unlock::Identity(identity) => {
                let recipients = self.recipients(identity, stanzas.len())?;
                encrypt_to(recipients.iter().map(|r| r as &dyn age::Recipient), &plain)
            }
            Unlock::Passphrase(p) => {
                let mut recipient = age::scrypt::Recipient::new(SecretString::from(p.expose()));
                // `-> scrypt <salt> <log2 N>`; it decrypted, so it is at most MAX_WORK_FACTOR.
                let current_factor = stanzas
                    .iter()
                    .filter(|args| args.first() == Some(&"scrypt"))
                    .find_map(|args| args.get(2)?.parse::<u8>().ok());
                recipient
                    .set_work_factor(current_factor.map_or(WORK_FACTOR, |f| f.max(WORK_FACTOR)));
                encrypt_to(iter::once(&recipient as &dyn age::Recipient), &plain)
            }
        };
        sealed.map_err(|e| {
            Error::unavailable(format!("could not encrypt {}", self.path.display())).caused_by(&e)
        })
    }

    /// `<vault>.recipients`: who else a rewrite encrypts to.
    fn recipients_path(&self) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(".recipients");
        PathBuf::from(name)
    }

    /// Every recipient of the recipients file, and the writer's own (listed or not, so the
    /// writer never locks itself out). Without that file, a vault with `current_stanzas`
    /// recipients beyond the writer is refused: an age header does not say who they are.
    fn recipients(
        &self,
        identity: &age::x25519::Identity,
        current_stanzas: usize,
    ) -> Result<Vec<age::x25519::Recipient>> {
        let path = self.recipients_path();
        let mut all = vec![identity.to_public()];
        match crate::fsutil::read_optional(&path)? {
            Some(text) => {
                for recipient in parse_recipients(&path, &text)? {
                    if !all.contains(&recipient) {
                        all.push(recipient);
                    }
                }
            }
            None if current_stanzas > 1 => {
                return Err(Error::usage(format!(
                    "{} is encrypted to several recipients, and stack cannot tell who the \
                     others are: rewriting it would lock them out",
                    self.path.display()
                ))
                .with_hint(format!(
                    "list every recipient (age1…), one a line, in {}; stack encrypts to them \
                     and to your own identity",
                    path.display()
                )));
            }
            None => {}
        }
        // A committed recipients file can add a reader: whenever the number of recipients
        // changes, the user hears who can read the vault now.
        if all.len() > 1 && all.len() != current_stanzas {
            let listed: Vec<String> = all[1..].iter().map(ToString::to_string).collect();
            self.ask.tell(&format!(
                "{} is now encrypted to {} recipients: you and {}, listed in {}",
                self.path.display(),
                all.len(),
                listed.join(", "),
                path.display()
            ));
        }
        Ok(all)
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

    fn wrong_key(&self, unlock: &Unlock, is_scrypt: bool) -> Error {
        let hint = match (unlock, is_scrypt) {
            (Unlock::Identity(_), true) => {
                "this file is encrypted with a passphrase: set STACK_VAULT_PASSPHRASE and unset \
                 STACK_AGE_IDENTITY"
            }
            (Unlock::Passphrase(_), false) => {
                "this file is encrypted to an age identity: set STACK_AGE_IDENTITY to its \
                 AGE-SECRET-KEY-1… line"
            }
            _ => "use the identity or passphrase the vault was created with",
        };
        unreachable(
            VaultKind::File,
            &format!(
                "{} could not be unlocked (wrong passphrase or identity)",
                self.path.display()
            ),
        )
        .with_hint(hint)
    }

    fn corrupt(&self, cause: &(dyn std::error::Error + 'static)) -> Error {
        unreachable(
            VaultKind::File,
            &format!("{} is damaged or not an age file", self.path.display()),
        )
        .caused_by(cause)
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
        // A vault file committed with the project (the CI recipe) is the project's own.
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        match (self.path.parent().and_then(canonical), canonical(root)) {
            (Some(dir), Some(root)) => !dir.starts_with(root),
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

/// An `AGE-SECRET-KEY-1…` string, or the whole of a file made by `age-keygen` (its
/// comment lines are skipped). The error never repeats the value.
fn parse_identity(text: &str) -> Result<age::x25519::Identity> {
    let mut keys = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    match (keys.next(), keys.next()) {
        (Some(key), None) => key.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        Error::usage("STACK_AGE_IDENTITY is not an age identity")
            .with_hint("it must be one AGE-SECRET-KEY-1… line, as made by `age-keygen`")
    })
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

/// Each recipient stanza of an age file's header (`-> <type> <args…>`, the documented
/// text format of age-encryption.org/v1) as its words, grease stanzas left out.
fn stanzas(bytes: &[u8]) -> Vec<Vec<&str>> {
    bytes
        .split(|&b| b == b'\n')
        .skip(1) // age-encryption.org/v1
        .take_while(|line| !line.starts_with(b"---")) // the MAC ends the header
        .filter_map(|line| line.strip_prefix(b"-> "))
        .filter_map(|line| std::str::from_utf8(line).ok())
        .map(|line| line.split(' ').collect::<Vec<_>>())
        .filter(|args| !args.first().is_some_and(|tag| tag.ends_with("-grease")))
        .collect()
}

/// A recipients file as `age -R` reads it: one `age1…` recipient a line, `#` comments and
/// blank lines allowed. An error names the line, never repeats it (it could be a key
/// pasted by mistake).
fn parse_recipients(path: &Path, text: &str) -> Result<Vec<age::x25519::Recipient>> {
    let mut recipients = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let recipient = line.parse().map_err(|_| {
            Error::usage(format!(
                "{}:{}: not an age X25519 recipient",
                path.display(),
                number + 1
            ))
            .with_hint(
                "list one `age1…` recipient a line, as `age-keygen -y key.txt` prints it; \
                 SSH and plugin recipients are not supported",
            )
        })?;
        recipients.push(recipient);
    }
    Ok(recipients)
}

fn encrypt_to<'a>(
    recipients: impl Iterator<Item = &'a dyn age::Recipient>,
    plain: &[u8],
) -> Result<Vec<u8>, age::EncryptError> {
    let encryptor = age::Encryptor::with_recipients(recipients)?;
    let mut sealed = Vec::with_capacity(plain.len() + 1024);
    let mut writer = encryptor.wrap_output(&mut sealed)?;
    writer.write_all(plain)?;
    writer.finish()?;
    Ok(sealed)
}

fn scrypt_identity(passphrase: &Secret) -> age::scrypt::Identity {
    let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.expose()));
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    identity
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_identity_is_a_usage_error_that_never_echoes_it() {
        let e = parse_identity("AGE-SECRET-KEY-1FAKENOTBECH32")
            .err()
            .unwrap();
        assert_eq!(e.kind, crate::error::Kind::Usage);
        let shown = format!("{e:?}");
        assert!(!shown.contains("FAKENOTBECH32"), "{shown}");
    }

    #[test]
    fn an_age_keygen_file_is_accepted_whole() {
        let key = age::x25519::Identity::generate();
        let secret = age::secrecy::ExposeSecret::expose_secret(&key.to_string()).to_owned();
        let file = format!(
            "# created: now\n# public key: {}\n{secret}\n",
            key.to_public()
        );
        let parsed = parse_identity(&file).unwrap();
        assert_eq!(parsed.to_public().to_string(), key.to_public().to_string());
    }

    #[test]
    fn recipients_are_counted_from_the_header_without_grease() {
        let a = age::x25519::Identity::generate().to_public();
        let b = age::x25519::Identity::generate().to_public();
        let one = encrypt_to(iter::once(&a as &dyn age::Recipient), b"{}").unwrap();
        // The age crate adds a grease stanza to every file it makes for identities.
        assert!(String::from_utf8_lossy(&one).contains("-grease"));
        assert_eq!(stanzas(&one).len(), 1);
        let two = encrypt_to([&a as &dyn age::Recipient, &b].into_iter(), b"{}").unwrap();
        let two = stanzas(&two);
        assert_eq!(two.len(), 2);
        assert!(two.iter().all(|args| args[0] == "X25519"), "{two:?}");
    }

    #[test]
    fn the_document_round_trips_with_escapes() {
        let slots = Slots::from([("p/dev/A".to_string(), Value(Secret::new("a\"b\\c\u{1}é")))]);
        let plain = serialize(&slots).unwrap();
        let doc: Document = serde_json::from_slice(&plain).unwrap();
        assert_eq!(doc.stack_vault, 1);
        assert_eq!(doc.slots["p/dev/A"].0.expose(), "a\"b\\c\u{1}é");
    }
}
