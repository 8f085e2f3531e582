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

/// Whether an environment name means production.
pub fn is_production_env(env: &str) -> bool {
    matches!(env, "prod" | "production")
}
