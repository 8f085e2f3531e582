//! The manifest types: a provider, its slots, stages and checks, as `providers/*.toml`
//! write them, and the lookups on them.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::secret::Secret;

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
    /// May template non-secret slots: `https://{AUTH0_DOMAIN}`, or be one: `{SUPABASE_URL}`.
    pub api_base: String,
    /// Other bases, chosen by a slot's value; the first match wins.
    #[serde(default)]
    pub api_base_when: Vec<BaseWhen>,
    /// Why the credentials cannot be verified by a request; then `verify` is empty.
    pub unverified: Option<String>,
    pub slots: Vec<Slot>,
    #[serde(default)]
    pub verify: Vec<Check>,
    pub mcp: Option<Mcp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseWhen {
    pub slot: String,
    pub contains: String,
    pub base: String,
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
    /// An obviously fake value of the right format, for documentation and tests.
    pub example: String,
    pub stages: Option<Stages>,
    /// Offered interactively (default no); chosen non-interactively with `--with SLOT`.
    #[serde(default)]
    pub optional: bool,
    /// Created by stack instead of asked for.
    pub generate: Option<Generate>,
    /// `format`, compiled once on first use.
    #[serde(skip)]
    pub(super) compiled: std::sync::OnceLock<regex_lite::Regex>,
}

/// How stack creates a generated slot's value.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(try_from = "String")]
pub enum Generate {
    /// N random bytes, hex-encoded.
    Hex(usize),
    /// N random letters and digits.
    Alnum(usize),
}

impl TryFrom<String> for Generate {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        let bad = || format!("generate {s:?}: expected \"hex:N\" or \"alnum:N\"");
        let (kind, n) = s.split_once(':').ok_or_else(bad)?;
        let n: usize = n
            .parse()
            .ok()
            .filter(|n| (16..=256).contains(n))
            .ok_or_else(bad)?;
        match kind {
            "hex" => Ok(Generate::Hex(n)),
            "alnum" => Ok(Generate::Alnum(n)),
            _ => Err(bad()),
        }
    }
}

impl Generate {
    /// A new value from the operating system's random source.
    pub fn create(self) -> Result<Secret> {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let random = |n: usize| -> Result<zeroize::Zeroizing<Vec<u8>>> {
            let mut buf = zeroize::Zeroizing::new(vec![0u8; n]);
            getrandom::fill(&mut buf)
                .map_err(|e| Error::unavailable(format!("no randomness from the system: {e}")))?;
            Ok(buf)
        };
        let text: String = match self {
            Generate::Hex(n) => random(n)?.iter().map(|b| format!("{b:02x}")).collect(),
            Generate::Alnum(n) => {
                // Rejection sampling keeps every character equally likely.
                let mut out = String::with_capacity(n);
                while out.len() < n {
                    for b in random(n * 2)?.iter() {
                        if (*b as usize) < 248 && out.len() < n {
                            out.push(ALNUM[*b as usize % ALNUM.len()] as char);
                        }
                    }
                }
                out
            }
        };
        Ok(Secret::new(text))
    }
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
    /// HTTP basic authentication, from templates.
    pub basic: Option<Basic>,
    /// Extra headers, from templates (marked sensitive).
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// An `application/x-www-form-urlencoded` body, from templates.
    pub form: Option<IndexMap<String, String>>,
    /// A JSON body whose string values are templates (GraphQL APIs).
    pub json: Option<serde_json::Value>,
    pub valid: Vec<u16>,
    pub rejected: Vec<u16>,
    #[serde(default)]
    pub limited: Vec<u16>,
    pub rejected_hint: String,
    pub limited_hint: Option<String>,
    pub count: Option<Count>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basic {
    pub user: String,
    pub password: String,
}

impl Check {
    /// Every slot the request needs a value of.
    pub fn needs(&self) -> Vec<&str> {
        let mut names: Vec<&str> = vec![self.slot.as_str()];
        names.extend(self.bearer.as_deref());
        let mut templates: Vec<&str> = vec![&self.path];
        if let Some(b) = &self.basic {
            templates.extend([b.user.as_str(), b.password.as_str()]);
        }
        templates.extend(self.headers.values().map(String::as_str));
        if let Some(form) = &self.form {
            templates.extend(form.values().map(String::as_str));
        }
        let json_strings = self.json.iter().flat_map(json_strings).collect::<Vec<_>>();
        templates.extend(json_strings);
        names.extend(templates.into_iter().flat_map(placeholders));
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Every string inside a JSON value.
fn json_strings(v: &serde_json::Value) -> Vec<&str> {
    match v {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(a) => a.iter().flat_map(json_strings).collect(),
        serde_json::Value::Object(o) => o.values().flat_map(json_strings).collect(),
        _ => Vec::new(),
    }
}

/// Replaces every `{SLOT}` in `template` by `encode(value)`; unknown names stay as they are.
pub fn fill(
    template: &str,
    values: &HashMap<String, Secret>,
    encode: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if values.contains_key(name) => {
                out.push_str(&encode(values[name].expose()));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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

    /// The API base the manifest gives for these values: the first matching
    /// `api_base_when`, else `api_base`, with non-secret slots filled in and checked (an
    /// override is `Settings::api_base`'s).
    pub fn api_base(&self, values: &HashMap<String, Secret>) -> Result<String> {
        let template = self
            .api_base_when
            .iter()
            .find(|w| {
                values
                    .get(&w.slot)
                    .is_some_and(|v| v.expose().contains(&w.contains))
            })
            .map_or(self.api_base.as_str(), |w| w.base.as_str());
        let base = fill(template, values, str::to_string);
        check_base_url(&base).map_err(|why| {
            Error::usage(format!(
                "{} API base {base} is refused: {why}",
                self.display_name
            ))
        })?;
        Ok(base.trim_end_matches('/').to_string())
    }

    /// Slots that are asked for (not generated).
    pub fn asked_slots(&self) -> impl Iterator<Item = &Slot> {
        self.slots.iter().filter(|s| s.generate.is_none())
    }

    /// Every slot's example value.
    pub fn examples(&self) -> HashMap<String, Secret> {
        self.slots
            .iter()
            .map(|s| (s.name.clone(), Secret::new(s.example.clone())))
            .collect()
    }
}

/// The categories of contract §6 and the catalog issue.
pub const CATEGORIES: &[&str] = &[
    "auth",
    "database",
    "deploy",
    "cloud",
    "ai",
    "analytics",
    "observability",
    "errors",
    "payments",
    "code",
    "tickets",
    "email",
    "featureflags",
];

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
        let re = self
            .compiled
            .get()
            .expect("compiled when the catalog loads");
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

/// The slot names between `{` and `}` in a template; other braces (a GraphQL query's
/// `{ viewer { id } }`) are text.
pub fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| is_env_name(name))
}

/// The one check of variable names. A name as env files write it (dotenvy's rule): ASCII
/// letters, digits, `_` and `.`, not starting with a digit.
pub(crate) fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// A slot name: a variable name in upper case, without `.` (`WORKOS_API_KEY`).
pub(crate) fn is_env_name(name: &str) -> bool {
    is_variable_name(name) && !name.contains(|c: char| c.is_ascii_lowercase() || c == '.')
}

/// HTTPS, or plain HTTP to a loopback host only.
pub fn check_base_url(value: &str) -> Result<(), String> {
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
