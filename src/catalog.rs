//! Provider manifests (`providers/*.toml`), embedded at compile time and parsed strictly.
//! Everything provider-specific (prompts, formats, verification, MCP entries) is data here.

use std::collections::HashSet;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// `(file stem, manifest text)` for every file in `providers/`.
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/providers.rs"));

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub name: String,
    pub display_name: String,
    pub category: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub docs: String,
    pub dashboard: String,
    pub howto: String,
    pub api_base: String,
    pub slots: Vec<Slot>,
    #[serde(default)]
    pub verify: Vec<Check>,
    pub mcp: Option<Mcp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub name: String,
    /// How the prompt names it: "API key".
    pub label: String,
    pub secret: bool,
    /// A regular expression the whole (trimmed) value must match.
    pub format: String,
    /// Said when the value does not match; never echoes the value.
    pub format_hint: String,
    pub stages: Option<Stages>,
}

/// Value prefixes that tell a staging credential from a production one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stages {
    pub staging: String,
    pub production: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Staging,
    Production,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Staging => "staging",
            Stage::Production => "production",
        }
    }
}

/// One verification request; its answer speaks to the validity of `slot`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub slot: String,
    pub method: Method,
    /// Path and query below the API base; `{SLOT}` is replaced by a non-secret slot's value.
    pub path: String,
    /// Slot sent as `Authorization: Bearer <value>`.
    pub bearer: Option<String>,
    pub valid: Vec<u16>,
    pub rejected: Vec<u16>,
    #[serde(default)]
    pub limited: Vec<u16>,
    pub rejected_hint: String,
    pub limited_hint: Option<String>,
    pub count: Option<Count>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum Method {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
}

/// How to count what a valid credential sees in the response body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// Top-level field holding the array.
    pub array: String,
    /// JSON pointer that is non-null when there are more pages.
    pub more: Option<String>,
    pub noun: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mcp {
    pub name: String,
    pub entry: serde_json::Map<String, serde_json::Value>,
}

impl Provider {
    pub fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }

    /// The API base, overridable by `STACK_<NAME>_API_BASE` (never from a project file).
    /// Plain `http` is refused unless the host is a loopback address.
    pub fn api_base(&self) -> Result<String> {
        let var = format!(
            "STACK_{}_API_BASE",
            self.name.to_ascii_uppercase().replace('-', "_")
        );
        let Some(value) = std::env::var_os(&var) else {
            return Ok(self.api_base.clone());
        };
        let value = value
            .into_string()
            .map_err(|_| Error::usage(format!("{var} is not valid UTF-8")))?;
        check_base_url(&value).map_err(|why| Error::usage(format!("{var} is refused: {why}")))?;
        Ok(value.trim_end_matches('/').to_string())
    }

    fn validate(&self, stem: &str) -> Result<(), String> {
        if self.name != stem {
            return Err(format!("name {:?} differs from the file name", self.name));
        }
        let mut seen = HashSet::new();
        for slot in &self.slots {
            if !is_env_name(&slot.name) || !seen.insert(slot.name.as_str()) {
                return Err(format!(
                    "slot {:?} is not a unique variable name",
                    slot.name
                ));
            }
            regex_lite::Regex::new(&slot.format)
                .map_err(|e| format!("slot {}: bad format: {e}", slot.name))?;
        }
        check_base_url(&self.api_base)?;
        for check in &self.verify {
            if self.slot(&check.slot).is_none() {
                return Err(format!("verify names unknown slot {}", check.slot));
            }
            if let Some(bearer) = &check.bearer
                && self.slot(bearer).is_none()
            {
                return Err(format!("verify: bearer names unknown slot {bearer}"));
            }
            for name in placeholders(&check.path) {
                match self.slot(name) {
                    None => return Err(format!("verify path names unknown slot {name}")),
                    // URLs end up in logs and error messages: no secret may be in one.
                    Some(s) if s.secret => {
                        return Err(format!("verify path holds secret slot {name}"));
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }
}

impl Slot {
    /// Trims whitespace and one pair of surrounding quotes, as pasted values often have.
    pub fn clean(raw: &str) -> &str {
        let v = raw.trim();
        for q in ['"', '\''] {
            if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
                return v[1..v.len() - 1].trim();
            }
        }
        v
    }

    /// Checks the format; the error names the slot and the expected shape, never the value.
    pub fn check_format(&self, value: &Secret) -> Result<()> {
        let re = regex_lite::Regex::new(&self.format).expect("validated when the catalog loads");
        if re.is_match(value.expose()) {
            Ok(())
        } else if value.expose().is_empty() {
            Err(Error::usage(format!("{} is empty", self.name)))
        } else {
            Err(Error::usage(format!(
                "{} is malformed: {}",
                self.name, self.format_hint
            )))
        }
    }

    pub fn stage(&self, value: &Secret) -> Option<Stage> {
        let stages = self.stages.as_ref()?;
        let v = value.expose();
        if v.starts_with(&stages.production) {
            Some(Stage::Production)
        } else if v.starts_with(&stages.staging) {
            Some(Stage::Staging)
        } else {
            None
        }
    }
}

/// The names between `{` and `}` in a template.
pub fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn check_base_url(value: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(value).map_err(|e| format!("not a URL ({e})"))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        "http" => {
            Err("plain http is accepted only for loopback hosts (127.0.0.1, ::1, localhost)".into())
        }
        other => Err(format!("unsupported scheme {other}")),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Every built-in provider, in name order.
pub struct Catalog {
    providers: Vec<Provider>,
}

impl Catalog {
    pub fn builtin() -> Result<Catalog> {
        let providers = BUILTIN
            .iter()
            .map(|(stem, text)| parse(stem, text))
            .collect::<Result<Vec<_>>>()?;
        Ok(Catalog { providers })
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

    /// Names only, without parsing: for argument validation and completions.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(stem, _)| *stem)
    }
}

/// Parses and validates one manifest; `stem` is its file name without `.toml`.
pub fn parse(stem: &str, text: &str) -> Result<Provider> {
    let file = format!("providers/{stem}.toml");
    let provider: Provider = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| crate::fsutil::line_col(text, s.start))
            .map(|(l, c)| format!(":{l}:{c}"))
            .unwrap_or_default();
        Error::usage(format!("{file}{at}: {}", e.message()))
    })?;
    provider
        .validate(stem)
        .map_err(|why| Error::usage(format!("{file}: {why}")))?;
    Ok(provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_manifest_parses_and_validates() {
        let catalog = Catalog::builtin().unwrap();
        assert_eq!(catalog.providers().len(), BUILTIN.len());
        let workos = catalog.get("workos").unwrap();
        assert_eq!(workos.category, "auth");
        assert_eq!(workos.slots.len(), 2);
    }

    #[test]
    fn unknown_fields_are_errors_with_a_position() {
        let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
        let bad = text.replace("secret = false", "secret = false\nsecrett = true");
        let err = parse("workos", &bad).unwrap_err();
        assert!(
            err.message.contains("providers/workos.toml:"),
            "{}",
            err.message
        );
        assert!(err.message.contains("secrett"), "{}", err.message);
    }

    #[test]
    fn a_secret_in_a_verification_url_is_refused() {
        let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
        let bad = text.replace("/sso/jwks/{WORKOS_CLIENT_ID}", "/x/{WORKOS_API_KEY}");
        let err = parse("workos", &bad).unwrap_err();
        assert!(
            err.message.contains("secret slot WORKOS_API_KEY"),
            "{}",
            err.message
        );
    }

    #[test]
    fn formats_stages_and_cleaning() {
        let catalog = Catalog::builtin().unwrap();
        let workos = catalog.get("workos").unwrap();
        let key = workos.slot("WORKOS_API_KEY").unwrap();
        let id = workos.slot("WORKOS_CLIENT_ID").unwrap();
        let pasted = Secret::new(Slot::clean("  \"sk_test_FAKEFAKE0001\"\n"));
        key.check_format(&pasted).unwrap();
        assert_eq!(key.stage(&pasted), Some(Stage::Staging));
        assert_eq!(
            key.stage(&Secret::new("sk_live_FAKEFAKE0001")),
            Some(Stage::Production)
        );
        assert!(
            key.check_format(&Secret::new("pk_test_FAKEFAKE0001"))
                .is_err()
        );
        id.check_format(&Secret::new("client_FAKE000001")).unwrap();
        let err = id.check_format(&Secret::new("client_short")).unwrap_err();
        assert!(!err.message.contains("client_short"));
    }

    #[test]
    fn base_urls_must_be_https_unless_loopback() {
        assert!(check_base_url("https://api.workos.com").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://[::1]:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://api.workos.com").is_err());
        assert!(check_base_url("http://10.0.0.1").is_err());
        assert!(check_base_url("ftp://127.0.0.1").is_err());
    }
}
