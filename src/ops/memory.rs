//! An in-memory vault for the unit tests of the operations.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::error::Result;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::vault::{Key, Vault, VaultKind};

/// An in-memory vault that counts its reads.
#[derive(Default)]
pub struct Memory {
    pub items: RefCell<HashMap<String, Secret>>,
    pub gets: Cell<usize>,
}

impl Vault for Memory {
    fn kind(&self) -> VaultKind {
        VaultKind::Keychain
    }
    fn location(&self) -> String {
        "memory".into()
    }
    fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>> {
        self.gets.set(self.gets.get() + 1);
        let items = self.items.borrow();
        Ok(keys
            .iter()
            .map(|k| items.get(&k.account()).cloned())
            .collect())
    }
    fn set(&self, entries: &[(Key, Secret)]) -> Result<()> {
        for (k, v) in entries {
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

/// Settings for a test whose project is in `dir`: the trust store is kept in it.
pub fn settings(dir: &std::path::Path) -> Settings {
    Settings {
        data_dir: Some(dir.join(".stack-data")),
        ..Settings::default()
    }
}
