//! What the process environment says, read once by the front end: the library reads no
//! environment variable itself (the `stack` binary fills this in `cli.rs`; a test or
//! another front end fills it as it likes). Values are kept as given and checked where
//! they are used, so a bad one fails only the commands that need it.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::catalog::{Provider, check_base_url};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// No `Debug`: some fields are credentials.
#[derive(Default)]
pub struct Settings {
    /// `STACK_HTTP_TIMEOUT`, as given.
    pub http_timeout: Option<String>,
    /// The `STACK_<PROVIDER>_API_BASE` variables that are set, by name.
    pub api_bases: BTreeMap<String, OsString>,
    pub bao: BaoSettings,
    pub file: FileSettings,
    /// Where stack keeps the user's data (`$XDG_DATA_HOME/stack`, else
    /// `~/.local/share/stack`): the file vault and the trust store.
    pub data_dir: Option<PathBuf>,
    /// The user's own configuration for stack (`$XDG_CONFIG_HOME/stack`, else
    /// `~/.config/stack`): the default vault and the user's provider manifests.
    pub config_dir: Option<PathBuf>,
    /// The inherited environment, each variable whose name and value are valid UTF-8, in
    /// the order given: the `env` vault's slots and the `stack://` references `stack exec`
    /// resolves.
    pub environment: Vec<(String, Secret)>,
    /// `$XDG_RUNTIME_DIR`, where the keychain's lock lives.
    pub runtime_dir: Option<PathBuf>,
}

/// What the `file` vault is given; an empty variable counts as unset.
#[derive(Default)]
pub struct FileSettings {
    /// `STACK_VAULT_FILE`.
    pub path: Option<String>,
    /// `STACK_AGE_IDENTITY`.
    pub identity: Option<Secret>,
    /// `STACK_VAULT_PASSPHRASE`.
    pub passphrase: Option<Secret>,
}

/// What the `bao` vault is given: each variable as set, checked when the vault is opened.
#[derive(Default)]
pub struct BaoSettings {
    /// `VAULT_ADDR`, then `BAO_ADDR`.
    pub addr: [Option<String>; 2],
    /// `VAULT_TOKEN`, then `BAO_TOKEN`.
    pub token: [Option<Secret>; 2],
    /// `VAULT_NAMESPACE`.
    pub namespace: Option<String>,
    /// `STACK_BAO_MOUNT`.
    pub mount: Option<String>,
    /// `~/.vault-token`, where `bao login` and `vault login` leave the token: read only
    /// when no token variable is set.
    pub token_file: Option<PathBuf>,
}

impl Settings {
    /// `STACK_HTTP_TIMEOUT` seconds per request (default 10): provider checks and the bao
    /// vault.
    pub fn http_timeout(&self) -> Result<Duration> {
        let Some(v) = &self.http_timeout else {
            return Ok(Duration::from_secs(10));
        };
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| Error::usage("STACK_HTTP_TIMEOUT must be a positive number of seconds"))
    }

    /// `STACK_<NAME>_API_BASE` (upper-case name, `-` → `_`), if set: checked at once, so
    /// a refused override stops a command before it asks for anything. Never read from a
    /// project file.
    pub fn api_base_override(&self, provider: &Provider) -> Result<Option<String>> {
        let var = api_base_var(&provider.name);
        let Some(value) = self.api_bases.get(&var) else {
            return Ok(None);
        };
        let value = value
            .to_str()
            .ok_or_else(|| Error::usage(format!("{var} is not valid UTF-8")))?;
        check_base_url(value).map_err(|why| Error::usage(format!("{var} is refused: {why}")))?;
        Ok(Some(value.trim_end_matches('/').to_string()))
    }

    /// The API base for these values: the override, else the manifest's.
    pub fn api_base(
        &self,
        provider: &Provider,
        values: &HashMap<String, Secret>,
    ) -> Result<String> {
        match self.api_base_override(provider)? {
            Some(base) => Ok(base),
            None => provider.api_base(values),
        }
    }
}

/// The variable that overrides a provider's API base.
pub fn api_base_var(provider: &str) -> String {
    format!(
        "STACK_{}_API_BASE",
        provider.to_ascii_uppercase().replace('-', "_")
    )
}
