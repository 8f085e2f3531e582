//! The add sequence, once for every front end (`stack add`, `stack doctor --fix`,
//! `stack import`): values → generated values → stage warnings → verify → store and record.

use std::path::Path;

use super::generate::generated_values;
use super::record::record;
use super::stage::{stage_of, stage_warnings};
use super::{Project, Values};
use crate::catalog::{Provider, Stage};
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::vault::Vault;
use crate::verify::{Health, Verdict};

/// Where the services are added: the project (if there is one yet) and its vault.
pub struct AddTarget<'a> {
    /// Where the command runs: the root of a new project when there is none.
    pub start: &'a Path,
    pub settings: &'a Settings,
    pub project: Option<&'a Project>,
    pub vault: &'a dyn Vault,
    pub env: &'a str,
}

/// One service to add.
pub struct AddOptions<'a> {
    pub provider: &'a Provider,
    /// The values given (asked, read or imported); the generated ones are added to them.
    pub values: Values,
    /// Optional slots chosen: an optional generated slot is made only when named here.
    pub with: Vec<String>,
    /// Stored values verified along with `values` but not stored again (`doctor --fix`).
    pub verify_with: Values,
    /// Replace a plaintext value already in `.env` with the reference.
    pub replace_plain: bool,
}

/// What the front end does between the steps: it talks to the user, the sequence decides.
pub trait AddFrontEnd {
    /// A warning about the values before they are sent or stored (their stage).
    fn warn(&self, warning: &str);
    /// Asks the providers whether the credentials work, all at once (a spinner is the
    /// front end's); `None` when the user chose not to ask.
    fn verify(&self, items: &[(&Provider, &Values)]) -> Result<Option<Vec<Verdict>>>;
    /// A provider's verdict, before anything is stored. Values it rejected or could not
    /// check are not stored; an error ends the sequence with nothing more stored.
    fn verdict(&self, provider: &Provider, verdict: &Verdict) -> Result<()>;
}

/// A service stored and recorded.
pub struct AddOutcome {
    pub root: std::path::PathBuf,
    pub project: String,
    /// Names of the files written (`.stack.toml`, `.env`, `.mcp.json`).
    pub changed: Vec<&'static str>,
    /// What was left as it is in the project files.
    pub warnings: Vec<String>,
    /// The slots stored, generated ones included.
    pub stored: Vec<String>,
    /// The stage the values' prefixes tell, if any.
    pub stage: Option<Stage>,
    /// What the provider said about the account, when verified.
    pub facts: Vec<String>,
}

/// What became of one service of [`add`].
pub enum Added {
    Stored(AddOutcome),
    /// The provider rejected the values or could not check them: nothing stored.
    NotVerified,
    /// Storing or recording failed: nothing of this service changed.
    Failed(Error),
}

/// Adds each service: its generated values are made, its stage warnings given, every
/// service is verified at once, and each accepted one is stored and recorded (all or
/// nothing per service, see `record`). With no values, a service's files are repaired.
pub fn add(
    target: &AddTarget,
    items: Vec<AddOptions>,
    front: &dyn AddFrontEnd,
) -> Result<Vec<Added>> {
    let mut items = items;
    for item in &mut items {
        let given: Vec<String> = item.values.iter().map(|(n, _)| n.clone()).collect();
        let generated = generated_values(
            target.project,
            target.vault,
            item.provider,
            target.env,
            &item.with,
        )?;
        item.values
            .extend(generated.into_iter().filter(|(n, _)| !given.contains(n)));
    }
    for item in &items {
        for warning in stage_warnings(item.provider, target.env, &item.values) {
            front.warn(&warning);
        }
    }

    // Verified: the services with values; a repair of the files only has none.
    let all: Vec<Values> = items
        .iter()
        .map(|i| i.values.iter().chain(&i.verify_with).cloned().collect())
        .collect();
    let asked: Vec<(usize, (&Provider, &Values))> = items
        .iter()
        .zip(&all)
        .enumerate()
        .filter(|(_, (_, values))| !values.is_empty())
        .map(|(n, (item, values))| (n, (item.provider, values)))
        .collect();
    let mut facts: Vec<Option<Vec<String>>> = vec![Some(Vec::new()); items.len()];
    let list: Vec<(&Provider, &Values)> = asked.iter().map(|(_, pair)| *pair).collect();
    if !list.is_empty()
        && let Some(verdicts) = front.verify(&list)?
    {
        for ((n, (provider, _)), verdict) in asked.iter().zip(verdicts) {
            front.verdict(provider, &verdict)?;
            facts[*n] =
                matches!(verdict.health, Health::Ok | Health::Warn).then_some(verdict.facts);
        }
    }

    let root = target.project.map_or(target.start, |p| p.root.as_path());
    let outcomes = items
        .into_iter()
        .zip(facts)
        .map(|(item, facts)| {
            let Some(facts) = facts else {
                return Added::NotVerified;
            };
            let recorded = record(
                target.settings,
                root,
                target.vault,
                item.provider,
                target.env,
                &item.values,
                item.replace_plain,
            );
            match recorded {
                Ok(r) => Added::Stored(AddOutcome {
                    root: r.root,
                    project: r.project,
                    changed: r.changed,
                    warnings: r.warnings,
                    stored: item.values.iter().map(|(n, _)| n.clone()).collect(),
                    stage: stage_of(item.provider, &item.values),
                    facts,
                }),
                Err(e) => Added::Failed(e),
            }
        })
        .collect();
    Ok(outcomes)
}

/// What the vault holds of a service before it is added again.
pub enum Existing {
    /// Not recorded for the environment.
    NotAdded,
    /// Recorded, but some slots are missing from the vault.
    Incomplete,
    /// Recorded with every slot stored: the values, to verify them.
    Stored(Values),
}

/// Whether `provider`'s service is recorded for `env` with every slot in the vault.
pub fn existing(
    project: Option<&Project>,
    vault: &dyn Vault,
    provider: &Provider,
    env: &str,
) -> Result<Existing> {
    let Some(project) = project else {
        return Ok(Existing::NotAdded);
    };
    let Some(entry) = project.config.services.get(&provider.name) else {
        return Ok(Existing::NotAdded);
    };
    if !entry.has_env(env) {
        return Ok(Existing::NotAdded);
    }
    let keys: Vec<_> = entry.secrets.iter().map(|s| project.key(env, s)).collect();
    let stored = vault.get(&keys)?;
    if stored.iter().any(Option::is_none) {
        return Ok(Existing::Incomplete);
    }
    Ok(Existing::Stored(
        keys.into_iter()
            .map(|k| k.slot)
            .zip(stored.into_iter().flatten())
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::time::Duration;

    use super::*;
    use crate::catalog::Catalog;
    use crate::ops::memory::{Memory, settings};
    use crate::secret::Secret;

    /// A front end that records what the sequence asks of it, in order, and answers
    /// every verification with `health`.
    struct Recorder {
        health: Health,
        events: RefCell<Vec<String>>,
    }

    impl AddFrontEnd for Recorder {
        fn warn(&self, warning: &str) {
            self.events.borrow_mut().push(format!("warn: {warning}"));
        }
        fn verify(&self, items: &[(&Provider, &Values)]) -> Result<Option<Vec<Verdict>>> {
            let slots: Vec<&str> = items[0].1.iter().map(|(n, _)| n.as_str()).collect();
            self.events
                .borrow_mut()
                .push(format!("verify: {}", slots.join(" ")));
            Ok(Some(vec![Verdict {
                health: self.health,
                detail: None,
                rejected_slot: None,
                facts: vec!["sees 1 organization".into()],
                latency: Duration::ZERO,
            }]))
        }
        fn verdict(&self, _: &Provider, _: &Verdict) -> Result<()> {
            self.events.borrow_mut().push("verdict".into());
            Ok(())
        }
    }

    fn workos_values() -> Values {
        vec![
            (
                "WORKOS_API_KEY".into(),
                Secret::new("sk_live_FAKEADDSEQ000000001"),
            ),
            (
                "WORKOS_CLIENT_ID".into(),
                Secret::new("client_FAKEADDSEQ0001"),
            ),
        ]
    }

    fn item(provider: &Provider) -> AddOptions<'_> {
        AddOptions {
            provider,
            values: workos_values(),
            with: vec!["WORKOS_COOKIE_PASSWORD".into()],
            verify_with: Vec::new(),
            replace_plain: false,
        }
    }

    fn temp_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("stack-addseq-{:016x}", crate::random_u64()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_sequence_generates_warns_verifies_then_stores_and_keeps_a_generated_value() {
        let catalog = Catalog::builtin().unwrap();
        let workos = catalog.get("workos").unwrap();
        let vault = Memory::default();
        let dir = temp_dir();
        let front = Recorder {
            health: Health::Ok,
            events: RefCell::new(Vec::new()),
        };
        let settings = settings(&dir);
        let target = AddTarget {
            start: &dir,
            settings: &settings,
            project: None,
            vault: &vault,
            env: "dev",
        };
        let Added::Stored(first) = add(&target, vec![item(workos)], &front).unwrap().remove(0)
        else {
            panic!("not stored");
        };
        assert_eq!(
            *front.events.borrow(),
            [
                "warn: WORKOS_API_KEY is a production credential in environment dev",
                "verify: WORKOS_API_KEY WORKOS_CLIENT_ID WORKOS_COOKIE_PASSWORD",
                "verdict",
            ],
            "stage warnings before the verification, the generated value verified too"
        );
        assert_eq!(
            first.stored,
            [
                "WORKOS_API_KEY",
                "WORKOS_CLIENT_ID",
                "WORKOS_COOKIE_PASSWORD"
            ]
        );
        assert_eq!(first.stage, Some(Stage::Production));
        assert_eq!(first.facts, ["sees 1 organization"]);
        assert_eq!(vault.items.borrow().len(), 3);

        // Added again: the cookie secret stack made is kept, not made anew.
        let project = Project::require(&dir, &settings).unwrap();
        let cookie = project.key("dev", "WORKOS_COOKIE_PASSWORD").account();
        let before = vault.items.borrow()[&cookie].clone();
        let target = AddTarget {
            project: Some(&project),
            ..target
        };
        let Added::Stored(again) = add(&target, vec![item(workos)], &front).unwrap().remove(0)
        else {
            panic!("not stored");
        };
        assert_eq!(again.stored, ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"]);
        assert!(vault.items.borrow()[&cookie] == before);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn values_a_provider_rejects_are_neither_stored_nor_recorded() {
        let catalog = Catalog::builtin().unwrap();
        let workos = catalog.get("workos").unwrap();
        let vault = Memory::default();
        let dir = temp_dir();
        let front = Recorder {
            health: Health::Invalid,
            events: RefCell::new(Vec::new()),
        };
        let settings = settings(&dir);
        let target = AddTarget {
            start: &dir,
            settings: &settings,
            project: None,
            vault: &vault,
            env: "dev",
        };
        let added = add(&target, vec![item(workos)], &front).unwrap();
        assert!(matches!(added[..], [Added::NotVerified]));
        assert_eq!(front.events.borrow().last().unwrap(), "verdict");
        assert!(vault.items.borrow().is_empty());
        assert!(!dir.join(crate::project::FILE).exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
