//! The `env` vault: read-only; each slot is the process environment variable of the same
//! name. For CI, whose secrets arrive as environment variables.

use std::collections::HashMap;

use super::{Key, Vault, VaultKind};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;

/// The inherited environment, as the settings hold it.
pub struct EnvVault {
    vars: HashMap<String, Secret>,
}

impl EnvVault {
    pub fn new(settings: &Settings) -> EnvVault {
        EnvVault {
            vars: settings.environment.iter().cloned().collect(),
        }
    }
}

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
                self.vars
                    .get(&k.slot)
                    .filter(|v| !v.expose().is_empty())
                    .cloned()
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
