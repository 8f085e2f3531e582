//! Provider manifests (`providers/*.toml`), embedded at compile time and parsed strictly.
//! Everything provider-specific (prompts, formats, verification, MCP entries) is data here.

mod manifest;
#[cfg(test)]
mod tests;
mod validate;

use crate::error::{Error, Result};
use crate::secret::Secret;

pub use manifest::*;
pub use validate::parse;

/// `(file stem, manifest text)` for every file in `providers/`.
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/providers.rs"));

/// Every built-in provider, in name order.
pub struct Catalog {
    providers: Vec<Provider>,
}

impl Catalog {
    /// Only the named built-in providers, parsed on their own: `stack exec` needs a few
    /// manifests, not the forty (unknown or unparsable names are left out).
    pub fn builtin_subset<'a>(names: impl IntoIterator<Item = &'a str>) -> Catalog {
        let mut providers: Vec<Provider> = Vec::new();
        for name in names {
            if providers.iter().any(|p| p.name == name) {
                continue;
            }
            if let Some((stem, text)) = BUILTIN.iter().find(|(stem, _)| *stem == name)
                && let Ok(p) = parse(&format!("providers/{stem}.toml"), stem, text)
            {
                providers.push(p);
            }
        }
        Catalog { providers }
    }

    /// The providers embedded in this binary.
    pub fn builtin() -> Result<Catalog> {
        let providers = BUILTIN
            .iter()
            .map(|(stem, text)| parse(&format!("providers/{stem}.toml"), stem, text))
            .collect::<Result<Vec<_>>>()?;
        Ok(Catalog { providers })
    }

    /// The built-in providers, extended or overridden by the user's own manifests in
    /// `$XDG_CONFIG_HOME/stack/providers/*.toml`, checked as strictly. Never from the
    /// project: a cloned repository must not point verification at a host of its choosing.
    pub fn load(settings: &crate::settings::Settings) -> Result<Catalog> {
        let mut catalog = Catalog::builtin()?;
        let Some(dir) = settings.config_dir.as_ref().map(|d| d.join("providers")) else {
            return Ok(catalog);
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(catalog),
            Err(e) => return Err(Error::io("read", &dir, e)),
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let provider = parse(&path.display().to_string(), stem, &text)?;
            match catalog
                .providers
                .iter_mut()
                .find(|p| p.name == provider.name)
            {
                Some(slot) => *slot = provider,
                None => catalog.providers.push(provider),
            }
        }
        catalog.providers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(catalog)
    }

    pub fn get(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.name == name)
    }

    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// Whether `value` has the shape of some provider's secret slot.
    pub fn looks_secret(&self, value: &str) -> bool {
        let value = Secret::new(Slot::clean(value));
        self.providers
            .iter()
            .flat_map(|p| &p.slots)
            .any(|s| s.secret && s.check_format(&value).is_ok())
    }

    /// The value prefixes the manifests name as public (`sk_test_`, `pk_live_`): they tell
    /// a credential's kind and stage, not the credential, so previews may show them.
    pub fn public_prefixes(&self) -> impl Iterator<Item = &str> {
        self.providers
            .iter()
            .flat_map(|p| &p.slots)
            .filter_map(|s| s.stages.as_ref())
            .flat_map(|st| [st.staging.as_str(), st.production.as_str()])
            .filter(|p| !p.is_empty())
    }

    /// Names only, without parsing: for argument validation and completions.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(stem, _)| *stem)
    }
}
