//! `stack`: wires third-party services into a project without leaving a secret in
//! plaintext. This library does the work and never prints or prompts; the `stack`
//! binary owns the terminal.

pub mod catalog;
pub mod dotenv;
pub mod error;
pub mod fsutil;
pub mod mask;
pub mod mcp;
pub mod ops;
pub mod project;
pub mod recommend;
pub mod secret;
pub mod settings;
pub mod trust;
pub mod vault;
pub mod verify;

pub use error::{Error, Kind, Remedy, Result};
pub use secret::Secret;
pub use settings::Settings;

/// A random number from the OS-seeded hasher: enough for jitter and id suffixes, without
/// a dependency.
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish()
}

/// The user's own configuration directory for stack: `$XDG_CONFIG_HOME/stack`, else
/// `~/.config/stack`.
pub fn config_dir() -> Option<std::path::PathBuf> {
    user_dir("XDG_CONFIG_HOME", ".config")
}

/// The user's data directory for stack: `$XDG_DATA_HOME/stack`, else
/// `~/.local/share/stack`. A relative `XDG_*` value is ignored, as the XDG specification
/// says (it would put the user's data inside whatever directory stack runs in).
pub fn data_dir() -> Option<std::path::PathBuf> {
    user_dir("XDG_DATA_HOME", ".local/share")
}

fn user_dir(var: &str, fallback: &str) -> Option<std::path::PathBuf> {
    let base = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::home_dir().map(|h| h.join(fallback)))?;
    Some(base.join("stack"))
}

/// Whether an environment name means production.
pub fn is_production_env(env: &str) -> bool {
    matches!(env, "prod" | "production")
}
