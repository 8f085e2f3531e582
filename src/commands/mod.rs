//! One file per command: its `Args` and a `run` that talks to the user and calls the
//! library for the work.

pub mod add;
pub mod ci;
pub mod completion;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod import;
pub mod list;
pub mod providers;
pub mod recommend;
pub mod remove;
pub mod trust;
pub mod vault;

use stack::catalog::{Provider, Slot};
use stack::ops::Values;
use stack::{Error, Secret};

use crate::ui::Ui;

/// `--env` and `STACK_ENV`, the environment a command works on, defined once. Each
/// command words its help with `#[command(mut_arg("env", …))]`.
#[derive(clap::Args)]
pub struct EnvArg {
    #[arg(id = "env", long = "env", env = "STACK_ENV", default_value = "dev",
          value_name = "ENV", value_parser = env_name)]
    pub name: String,
}

/// The names of `kinds` as a `--vault`-style value parser, from `VaultKind::as_str`.
pub fn vault_names(kinds: &[stack::vault::VaultKind]) -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(kinds.iter().map(|k| k.as_str()))
}

/// A vault named on the command line, any of `VaultKind::ALL`.
pub fn vault_kind() -> impl clap::builder::TypedValueParser<Value = stack::vault::VaultKind> {
    use clap::builder::TypedValueParser;
    vault_names(&stack::vault::VaultKind::ALL)
        .try_map(|name| name.parse::<stack::vault::VaultKind>())
}

/// `--env` and `STACK_ENV`, the one check of an environment name. It becomes part of a
/// vault path and is written into `.stack.toml`: it is kept simple, and a pasted key is
/// refused (the usage error does not echo it: see `cli::redact_secrets`).
pub fn env_name(s: &str) -> Result<String, String> {
    let well_formed = (1..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !well_formed {
        return Err(
            "use at most 32 letters, digits, '-', '_' and '.', starting with a letter \
                    or digit (e.g. dev, staging, prod)"
                .into(),
        );
    }
    // The conventional names skip the catalog, whose parsing would cost every `exec` more
    // than the rest of its work (a test checks that none of them is secret-shaped).
    if !CONVENTIONAL_ENVS.contains(&s) && secret_shaped(s) {
        return Err(
            "that has the shape of a credential, not of an environment name \
                    (e.g. dev, staging, prod)"
                .into(),
        );
    }
    Ok(s.to_string())
}

/// Environment names in common use.
const CONVENTIONAL_ENVS: [&str; 13] = [
    "dev",
    "development",
    "local",
    "test",
    "testing",
    "ci",
    "qa",
    "uat",
    "stage",
    "staging",
    "preview",
    "prod",
    "production",
];

/// Whether `value` starts with a prefix a built-in manifest names for a secret slot
/// (`sk_live_`) or matches a secret slot's format. Formats any long word matches
/// (`\S{20,}`) are left out: they cannot tell a name from a key.
pub fn secret_shaped(value: &str) -> bool {
    let Ok(catalog) = stack::catalog::Catalog::builtin() else {
        return true;
    };
    let word = Secret::new("a".repeat(32));
    let value = Secret::new(value);
    catalog
        .providers()
        .iter()
        .flat_map(|p| &p.slots)
        .filter(|s| s.secret)
        .any(|s| {
            let prefixed = s.stages.as_ref().is_some_and(|st| {
                [&st.staging, &st.production]
                    .iter()
                    .any(|p| !p.is_empty() && value.expose().starts_with(p.as_str()))
            });
            prefixed || (s.check_format(&value).is_ok() && s.check_format(&word).is_err())
        })
}

/// A provider name: the built-in ones are offered by completions; a user's own manifests
/// may add more, so any well-formed name is accepted here and looked up by the command.
#[derive(Clone)]
pub struct ProviderName;

impl clap::builder::TypedValueParser for ProviderName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let name = clap::builder::NonEmptyStringValueParser::new().parse_ref(cmd, arg, value)?;
        if name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            Ok(name)
        } else {
            let mut err = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
            err.insert(
                clap::error::ContextKind::InvalidArg,
                clap::error::ContextValue::String(arg.map(ToString::to_string).unwrap_or_default()),
            );
            err.insert(
                clap::error::ContextKind::InvalidValue,
                clap::error::ContextValue::String(name),
            );
            Err(err)
        }
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            stack::catalog::Catalog::builtin_names().map(clap::builder::PossibleValue::new),
        ))
    }
}

/// Looks a provider up, with a hint to the catalog when it is unknown.
pub fn find_provider<'a>(
    catalog: &'a stack::catalog::Catalog,
    name: &str,
) -> stack::Result<&'a Provider> {
    catalog.get(name).ok_or_else(|| {
        Error::usage(format!("unknown provider {name:?}")).with_hint(
            "run `stack providers` to see the catalog, or `stack recommend \"<what you build>\"`",
        )
    })
}

/// Where values come from when stack cannot or may not ask.
pub enum Source {
    Env,
    Stdin,
}

/// Reads the given slots from the environment or from `NAME=value` lines on stdin.
/// Values are cleaned and format-checked; a problem is a usage error and nothing is sent.
pub fn read_values(provider: &Provider, slots: &[&Slot], source: Source) -> stack::Result<Values> {
    let mut stdin_values = Vec::new();
    if let Source::Stdin = source {
        let text = stack::secret::read_to_string(std::io::stdin().lock())
            .map_err(|e| Error::usage("could not read values from stdin").caused_by(&e))?;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                return Err(Error::usage("stdin: expected NAME=value lines"));
            };
            stdin_values.push((name.trim().to_string(), Secret::new(Slot::clean(value))));
        }
    }
    let mut values = Vec::new();
    for slot in slots {
        let value = match source {
            // The variable's own copy is wiped once the cleaned value is taken.
            Source::Env => std::env::var(&slot.name)
                .ok()
                .map(zeroize::Zeroizing::new)
                .map(|v| Secret::new(Slot::clean(&v))),
            Source::Stdin => stdin_values
                .iter()
                .rev()
                .find(|(n, _)| *n == slot.name)
                .map(|(_, v)| v.clone()),
        };
        let Some(value) = value else {
            let how = match source {
                Source::Env => "--from-env reads each slot from the variable of the same name",
                Source::Stdin => "--stdin reads NAME=value lines",
            };
            return Err(
                Error::usage(format!("no value for {}", slot.name)).with_hint(format!(
                    "{how}; {} needs {}",
                    provider.display_name,
                    slot_list(provider)
                )),
            );
        };
        slot.check_format(&value)?;
        values.push((slot.name.clone(), value));
    }
    Ok(values)
}

/// Asks for each slot on the terminal, re-asking until the format is right.
pub fn ask_values(ui: &Ui, provider: &Provider, slots: &[&Slot]) -> stack::Result<Values> {
    let mut values = Vec::new();
    for slot in slots {
        loop {
            let question = format!("{} {} ({}):", provider.display_name, slot.label, slot.name);
            let value = Secret::new(Slot::clean(ui.ask(&question, slot.secret)?.expose()));
            match slot.check_format(&value) {
                Ok(()) => {
                    values.push((slot.name.clone(), value));
                    break;
                }
                Err(e) => ui.error(&e),
            }
        }
    }
    Ok(values)
}

pub fn slot_list(provider: &Provider) -> String {
    provider
        .slots
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_conventional_environment_name_is_secret_shaped() {
        for name in CONVENTIONAL_ENVS {
            assert!(!secret_shaped(name), "{name}");
            assert!(env_name(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn secret_shaped_finds_formats_and_prefixes_not_long_words() {
        assert!(secret_shaped("sk_live_FAKE000000000000000001"));
        assert!(secret_shaped("sk_test_x"), "a secret slot's stage prefix");
        assert!(
            !secret_shaped("staging-eu-west-1-blue-green"),
            "a long word"
        );
    }
}
