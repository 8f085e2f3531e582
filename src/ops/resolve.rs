//! The values `stack exec` injects and `stack env` lists, read from the vault at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::dotenv;
use crate::error::{Error, Remedy, Result};
use crate::secret::Secret;
use crate::settings::Settings;
use crate::vault::{Key, Vault};

use super::{Project, no_such_service};

/// One variable for `stack exec` to set.
pub struct Injected {
    pub name: String,
    pub value: Secret,
    /// The provider and slot the value comes from (to tell secrets from public slots);
    /// `None` for a plain value from an env file.
    pub source: Option<(String, String)>,
}

/// The vault keys (and their provider) `exec` injects for `env`, checking `only`.
fn injection(project: &Project, env: &str, only: &[String]) -> Result<Vec<(Key, String)>> {
    let config = &project.config;
    for name in only {
        if !config.services.contains_key(name) {
            return Err(no_such_service(name));
        }
    }
    let mut planned = Vec::new();
    for (name, entry) in &config.services {
        if !only.is_empty() && !only.contains(name) {
            continue;
        }
        if !entry.has_env(env) {
            return Err(
                Error::failed(format!("{name} has no slots for environment {env}")).with_remedy(
                    Remedy::AddService {
                        provider: entry.provider.clone(),
                        env: env.to_string(),
                    },
                ),
            );
        }
        for slot in &entry.secrets {
            planned.push((project.key(env, slot), entry.provider.clone()));
        }
    }
    Ok(planned)
}

fn missing_slot(slot: &str, vault: &dyn Vault, env: &str) -> Error {
    Error::failed(format!(
        "{slot} is missing from the {} vault (environment {env})",
        vault.kind().as_str()
    ))
    .with_remedy(Remedy::Repair)
}

/// The variables `stack exec` must set, for `--env-file` and references: inherited
/// environment < `env_files` (in order) < the injected slots of [`resolve`]. Any variable
/// of a file or of the inherited environment whose value is `stack://<service>/<SLOT>` is
/// replaced by that slot's value for `env`; one that cannot be resolved is an error naming
/// the variable and the reference. Only what must be set is returned: file variables,
/// resolved references and injected slots; the rest of the inherited environment is left
/// as it is. Every value comes from one vault read.
pub fn environment(
    start: &Path,
    vault: &dyn Vault,
    env: &str,
    only: &[String],
    env_files: &[PathBuf],
    settings: &Settings,
) -> Result<Vec<Injected>> {
    // Only references are taken from the inherited environment; the rest stays put.
    let inherited: Vec<(String, Secret)> = settings
        .environment
        .iter()
        .filter(|(_, v)| v.expose().starts_with(dotenv::SCHEME))
        .cloned()
        .collect();
    let project = Project::require(start, settings)?;
    environment_with(&project, start, vault, env, only, env_files, inherited)
}

/// [`environment`] with the inherited references given, so tests need not change the
/// process environment.
fn environment_with(
    project: &Project,
    start: &Path,
    vault: &dyn Vault,
    env: &str,
    only: &[String],
    env_files: &[PathBuf],
    inherited: Vec<(String, Secret)>,
) -> Result<Vec<Injected>> {
    let config = &project.config;
    let mut vars: indexmap::IndexMap<String, Secret> = indexmap::IndexMap::new();
    let mut sources: HashMap<String, (String, String)> = HashMap::new();
    for file in env_files {
        let text = read_env_file(&start.join(file), file)?;
        for (key, value) in dotenv::read(file, &text)? {
            vars.insert(key, value);
        }
    }
    for (key, value) in inherited {
        vars.entry(key).or_insert(value);
    }
    let injected = injection(project, env, only)?;
    // A variable an injected slot overrides needs no resolving.
    let references: Vec<(String, String, Key)> = vars
        .iter()
        .filter(|(name, value)| {
            value.expose().starts_with(dotenv::SCHEME)
                && !injected.iter().any(|(k, _)| k.slot == **name)
        })
        .map(|(name, value)| {
            let key = reference_key(project, env, name, value)?;
            Ok((name.clone(), value.expose().to_string(), key))
        })
        .collect::<Result<_>>()?;
    let keys: Vec<Key> = injected
        .iter()
        .map(|(k, _)| k.clone())
        .chain(references.iter().map(|(_, _, k)| k.clone()))
        .collect();
    let mut values = if keys.is_empty() {
        Vec::new()
    } else {
        vault.get(&keys)?
    }
    .into_iter();
    for (key, provider) in &injected {
        let value = values.next().flatten();
        let value = value.ok_or_else(|| missing_slot(&key.slot, vault, env))?;
        vars.insert(key.slot.clone(), value);
        sources.insert(key.slot.clone(), (provider.clone(), key.slot.clone()));
    }
    for (name, reference, key) in &references {
        let Some(value) = values.next().flatten() else {
            return Err(unresolved(
                name,
                reference,
                &format!(
                    "is missing from the {} vault (environment {env})",
                    vault.kind().as_str()
                ),
            )
            .with_remedy(Remedy::Repair));
        };
        vars.insert(name.clone(), value);
        let (service, _) = dotenv::parse_reference(reference).expect("checked by reference_key");
        let provider = config.services[service].provider.clone();
        sources.insert(name.clone(), (provider, key.slot.clone()));
    }
    Ok(vars
        .into_iter()
        .map(|(name, value)| Injected {
            source: sources.remove(&name),
            name,
            value,
        })
        .collect())
}

/// Reads an `--env-file`; `shown` is the path as the user gave it.
/// The file's text, wiped on drop like the values read from it.
fn read_env_file(path: &Path, shown: &Path) -> Result<zeroize::Zeroizing<String>> {
    crate::fsutil::read_secret(path, shown)
}

/// The vault key a `stack://` reference in variable `name` points at.
fn reference_key(project: &Project, env: &str, name: &str, value: &Secret) -> Result<Key> {
    let config = &project.config;
    let value = value.expose();
    let Some((service, slot)) = dotenv::parse_reference(value) else {
        // Not a well-formed reference: it is shown only if it cannot be a pasted secret.
        let shown = if value.len() <= 100 && value.chars().all(|c| c.is_ascii_graphic()) {
            value
        } else {
            "stack://…"
        };
        return Err(unresolved(
            name,
            shown,
            "is not a stack://<service>/<SLOT> reference",
        ));
    };
    let Some(entry) = config.services.get(service) else {
        return Err(unresolved(name, value, "names no service of this project")
            .with_remedy(Remedy::ListServices));
    };
    if !entry.secrets.iter().any(|s| s == slot) {
        return Err(unresolved(
            name,
            value,
            &format!("names a slot service {service} does not record"),
        ));
    }
    if !entry.has_env(env) {
        return Err(
            unresolved(name, value, &format!("is not stored for environment {env}")).with_remedy(
                Remedy::AddService {
                    provider: entry.provider.clone(),
                    env: env.to_string(),
                },
            ),
        );
    }
    Ok(project.key(env, slot))
}

fn unresolved(name: &str, reference: &str, why: &str) -> Error {
    let name = crate::project::escape(name);
    Error::failed(format!("{name}={reference}: the reference {why}"))
}

/// One recorded slot of the project, with its value for one environment if stored.
pub struct SlotValue {
    pub service: String,
    pub slot: String,
    pub value: Option<Secret>,
}

/// `stack env`: every recorded slot and its value for `env`, in one vault read.
pub fn slot_values(project: &Project, vault: &dyn Vault, env: &str) -> Result<Vec<SlotValue>> {
    let slots: Vec<(String, String)> = project
        .config
        .services
        .iter()
        .flat_map(|(name, e)| e.secrets.iter().map(|s| (name.clone(), s.clone())))
        .collect();
    let keys: Vec<Key> = slots.iter().map(|(_, s)| project.key(env, s)).collect();
    let values = if keys.is_empty() {
        Vec::new()
    } else {
        vault.get(&keys)?
    };
    let out = slots
        .into_iter()
        .zip(values)
        .map(|((service, slot), value)| SlotValue {
            service,
            slot,
            value,
        })
        .collect();
    Ok(out)
}

/// A preview that tells values apart without revealing them: the last 4 characters,
/// after a public prefix (at most 8 characters, e.g. `sk_test_…ab12`) when the value has
/// one and is 16 characters or more; nothing for values under 12 characters, where 4
/// would be too large a share.
pub fn preview(catalog: &Catalog, value: &str) -> Option<String> {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n < 12 {
        return None;
    }
    let last: String = chars[n - 4..].iter().collect();
    let prefix = catalog
        .public_prefixes()
        .filter(|p| value.starts_with(p))
        .map(|p| p.chars().count().min(8))
        .max()
        .filter(|_| n >= 16);
    let shown: String = chars[..prefix.unwrap_or(0)].iter().collect();
    Some(format!("{shown}…{last}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::memory::{Memory, settings};

    /// A project recording workos (dev) and stripe (dev), with their values in `vault`,
    /// and its id. Each has its own id: the trust store binds an id to one root, and the
    /// tests run at once.
    fn project(vault: &Memory) -> (PathBuf, String) {
        let id = format!("p{:016x}", crate::random_u64());
        let dir = std::env::temp_dir().join(format!("stack-ops-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(crate::project::FILE),
            format!(
                "[stack]\nversion = 1\nproject = \"{id}\"\n\n\
             [services.workos]\nprovider = \"workos\"\n\
             secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = [\"dev\"]\n\n\
             [services.stripe]\nprovider = \"stripe\"\n\
             secrets = [\"STRIPE_SECRET_KEY\"]\nenvironments = [\"dev\"]\n"
            ),
        )
        .unwrap();
        for (slot, value) in [
            ("WORKOS_API_KEY", "sk_test_FAKEOPS0000000001"),
            ("WORKOS_CLIENT_ID", "client_FAKEOPS000001"),
            ("STRIPE_SECRET_KEY", "sk_test_FAKEOPSSTRIPE0001"),
        ] {
            vault
                .set(&[(Key::new(&id, "dev", slot), Secret::new(value))])
                .unwrap();
        }
        (dir, id)
    }

    fn as_pairs(vars: Vec<Injected>) -> Vec<(String, String)> {
        vars.into_iter()
            .map(|v| (v.name, v.value.expose().to_string()))
            .collect()
    }

    #[test]
    fn environment_applies_precedence_and_resolves_references_in_one_read() {
        let vault = Memory::default();
        let (dir, _) = project(&vault);
        std::fs::write(
            dir.join("a.env"),
            "PORT=3000\nKEY_COPY=stack://workos/WORKOS_API_KEY\nSTRIPE_SECRET_KEY=stale\n",
        )
        .unwrap();
        std::fs::write(dir.join("b.env"), "PORT=4000\n").unwrap();
        let inherited = vec![
            (
                "FROM_SHELL".to_string(),
                Secret::new("stack://workos/WORKOS_CLIENT_ID"),
            ),
            ("PORT".to_string(), Secret::new("stack://nope/X")),
        ];
        let files = [PathBuf::from("a.env"), PathBuf::from("b.env")];
        let only = ["stripe".to_string()];
        let vars = environment_with(
            &Project::require(&dir, &settings(&dir)).unwrap(),
            &dir,
            &vault,
            "dev",
            &only,
            &files,
            inherited,
        )
        .unwrap();
        assert_eq!(
            as_pairs(vars),
            [
                ("PORT", "4000"),
                ("KEY_COPY", "sk_test_FAKEOPS0000000001"),
                ("STRIPE_SECRET_KEY", "sk_test_FAKEOPSSTRIPE0001"),
                ("FROM_SHELL", "client_FAKEOPS000001"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(vault.gets.get(), 1, "one vault read for everything");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_unresolvable_reference_names_the_variable_and_the_reference() {
        let vault = Memory::default();
        let (dir, id) = project(&vault);
        let cases = [
            ("stack://nope/X", "names no service"),
            ("stack://workos/OTHER", "does not record"),
            (
                "stack://workos",
                "is not a stack://<service>/<SLOT> reference",
            ),
        ];
        for (reference, why) in cases {
            let inherited = vec![("MY_VAR".to_string(), Secret::new(reference))];
            let only = ["stripe".to_string()];
            let err = environment_with(
                &Project::require(&dir, &settings(&dir)).unwrap(),
                &dir,
                &vault,
                "dev",
                &only,
                &[],
                inherited,
            )
            .err()
            .unwrap();
            assert!(
                err.message.contains(&format!("MY_VAR={reference}")) && err.message.contains(why),
                "{}",
                err.message
            );
        }
        vault
            .delete(&[Key::new(&id, "dev", "WORKOS_CLIENT_ID")])
            .unwrap();
        let inherited = vec![(
            "ID".to_string(),
            Secret::new("stack://workos/WORKOS_CLIENT_ID"),
        )];
        let err = environment_with(
            &Project::require(&dir, &settings(&dir)).unwrap(),
            &dir,
            &vault,
            "dev",
            &["stripe".into()],
            &[],
            inherited,
        )
        .err()
        .unwrap();
        assert!(
            err.message.contains("ID=stack://workos/WORKOS_CLIENT_ID")
                && err.message.contains("missing from the keychain vault"),
            "{}",
            err.message
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn previews_show_a_public_prefix_and_the_last_four() {
        let catalog = Catalog::builtin().unwrap();
        let p = |v: &str| preview(&catalog, v);
        assert_eq!(p("sk_test_FAKE0000ab12").as_deref(), Some("sk_test_…ab12"));
        assert_eq!(p("client_FAKE00000cd34").as_deref(), Some("…cd34"));
        assert_eq!(
            p("sk_test_ab12").as_deref(),
            Some("…ab12"),
            "too short for the prefix"
        );
        assert_eq!(p("sk_test_a12"), None, "under 12 characters");
        assert_eq!(p("3000"), None);
    }
}
