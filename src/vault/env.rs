//! The `env` vault: read-only; each slot is the process environment variable of the same
//! name. For CI, whose secrets arrive as environment variables.

use super::{Key, Vault, VaultKind};
use crate::error::{Error, Result};
use crate::secret::Secret;

pub struct EnvVault;

impl Vault for EnvVault {
    fn kind(&self) -> VaultKind {
        VaultKind::Env
    }

    fn location(&self) -> String {
        "environment variables".into()
    }

    fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>> {
        Ok(keys
            .iter()
            .map(|k| {
                std::env::var(&k.slot)
                    .ok()
                    .filter(|v| !v.is_empty())
                    .map(Secret::new)
            })
            .collect())
    }

    fn set(&self, entries: &[(Key, Secret)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.check_writable()
    }

    fn delete(&self, keys: &[Key]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        self.check_writable()
    }

    fn check_writable(&self) -> Result<()> {
        Err(Error::usage(
            "the env vault is read-only: its slots are the environment variables of the same name",
        )
        .with_hint(
            "set the variables in your CI's secrets, or choose a writable vault with --vault",
        ))
    }
}
