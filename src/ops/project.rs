//! The project a command works on, found and parsed once.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::project::{self, Config, Located};
use crate::settings::Settings;
use crate::trust::Binding;
use crate::vault::Key;

/// A project's root and parsed `.stack.toml`, reached through [`project::locate`], so the
/// refusal of another user's file and the trust binding of its id to its root
/// (`src/trust.rs`) are checked on every path.
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
}

impl Project {
    /// The project `start` is in, if any.
    pub fn find(start: &Path, settings: &Settings) -> Result<Option<Project>> {
        // An id nobody has recorded (`Binding::New`) is let through unrecorded: whether the
        // vault already holds its items is settled by the front end before the command
        // (`stack`'s `commands::trust::confirm`, with `trust::settle_new`).
        match project::locate(start, settings)? {
            None => Ok(None),
            Some(Located {
                binding: Binding::Conflict(conflict),
                ..
            }) => Err(conflict.error()),
            Some(Located { root, config, .. }) => Ok(Some(Project { root, config })),
        }
    }

    /// The project `start` is in; an error when there is none.
    pub fn require(start: &Path, settings: &Settings) -> Result<Project> {
        Project::find(start, settings)?.ok_or_else(|| project::no_project(start))
    }

    /// The project's id, the first part of each of its vault keys.
    pub fn id(&self) -> &str {
        &self.config.stack.project
    }

    /// The vault key of `slot` in environment `env`.
    pub fn key(&self, env: &str, slot: &str) -> Key {
        Key::new(self.id(), env, slot)
    }
}

impl Project {
    /// Every slot the project records, for one environment or (with `None`) for every
    /// environment each service was added to: `(service, key)`.
    pub fn recorded_keys(&self, env: Option<&str>) -> Vec<(String, Key)> {
        let mut keys = Vec::new();
        for (name, entry) in &self.config.services {
            for e in &entry.environments {
                if env.is_some_and(|want| want != e) {
                    continue;
                }
                for slot in &entry.secrets {
                    keys.push((name.clone(), self.key(e, slot)));
                }
            }
        }
        keys
    }
}
