//! The age side of the file vault: the work factors, the header's recipient stanzas,
//! the recipients file, encryption and decryption.

use std::io::{Read as _, Write as _};
use std::iter;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::{DOCUMENT_VERSION, Document, FileVault, Slots, Unlock, serialize};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::vault::{VaultKind, unreachable};

/// The scrypt work factor (log2 N) of files `stack` encrypts with a passphrase.
///
/// Target: `stack exec -- true` within 300 ms with a passphrase on the 2-core reference
/// machine. Each step doubles the scrypt time; measured there (release build, hyperfine,
/// 20 runs of `stack exec -- true`, mean / max): 15 → 71 / 75 ms, 16 → 140 / 155 ms,
/// 17 → 275 / 307 ms, 18 (age's default) → 545 / 581 ms. 17 misses the target on some runs
/// and on a busier machine, so 16: the largest with a safe margin (about 2× headroom).
/// Decryption takes the factor from the file, so this only affects what `stack` writes.
pub(super) const WORK_FACTOR: u8 = 16;

/// The largest work factor accepted when decrypting: the age CLI's own limit, so files it
/// made (default 18) always open, while a hostile header cannot ask for unbounded work.
pub(super) const MAX_WORK_FACTOR: u8 = 22;

// Files from the age CLI (work factor 18 by default) and from stack itself must open.
const _: () = assert!(MAX_WORK_FACTOR >= 18 && WORK_FACTOR <= MAX_WORK_FACTOR);

impl FileVault {
    pub(super) fn decrypt(&self, bytes: &[u8]) -> Result<Slots> {
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
    pub(super) fn encrypt(
        &self,
        unlock: &Unlock,
        current: Option<&[u8]>,
        slots: &Slots,
    ) -> Result<Vec<u8>> {
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
    pub(super) fn recipients_path(&self) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(".recipients");
        PathBuf::from(name)
    }

    /// Every recipient of the recipients file, and the writer's own (listed or not, so the
    /// writer never locks itself out). Without that file, a vault with `current_stanzas`
    /// recipients beyond the writer is refused: an age header does not say who they are.
    pub(super) fn recipients(
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

    pub(super) fn wrong_key(&self, unlock: &Unlock, is_scrypt: bool) -> Error {
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

    pub(super) fn corrupt(&self, cause: &(dyn std::error::Error + 'static)) -> Error {
        unreachable(
            VaultKind::File,
            &format!("{} is damaged or not an age file", self.path.display()),
        )
        .caused_by(cause)
    }
}

/// An `AGE-SECRET-KEY-1…` string, or the whole of a file made by `age-keygen` (its
/// comment lines are skipped). The error never repeats the value.
pub(super) fn parse_identity(text: &str) -> Result<age::x25519::Identity> {
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

/// Each recipient stanza of an age file's header (`-> <type> <args…>`, the documented
/// text format of age-encryption.org/v1) as its words, grease stanzas left out.
pub(super) fn stanzas(bytes: &[u8]) -> Vec<Vec<&str>> {
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

pub(super) fn encrypt_to<'a>(
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

pub(super) fn scrypt_identity(passphrase: &Secret) -> age::scrypt::Identity {
    let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.expose()));
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    identity
}
