//! Provider manifests (`providers/*.toml`), embedded at compile time and parsed strictly.
//! Everything provider-specific (prompts, formats, verification, MCP entries) is data here.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
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
    compiled: std::sync::OnceLock<regex_lite::Regex>,
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

    fn validate(&self, stem: &str) -> Result<(), Invalid> {
        use Seg::{Idx, Key};
        if self.name != stem {
            let why = format!("name {:?} differs from the file name", self.name);
            return Err(Invalid::at(why, &[Key("name")]));
        }
        let mut seen = HashSet::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let at = |key| [Key("slots"), Idx(i), Key(key)];
            if !is_env_name(&slot.name) || !seen.insert(slot.name.as_str()) {
                let why = format!("slot {:?} is not a unique variable name", slot.name);
                return Err(Invalid::at(why, &at("name")));
            }
            let re = regex_lite::Regex::new(&slot.format).map_err(|e| {
                Invalid::at(
                    format!("slot {}: bad format: {e}", slot.name),
                    &at("format"),
                )
            })?;
            if !re.is_match(&slot.example) {
                let why = format!("slot {}: the example does not match the format", slot.name);
                return Err(Invalid::at(why, &at("example")));
            }
            let _ = slot.compiled.set(re);
        }
        if !self
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            let why = format!(
                "name {:?} is not lowercase letters, digits and '-'",
                self.name
            );
            return Err(Invalid::at(why, &[Key("name")]));
        }
        if !CATEGORIES.contains(&self.category.as_str()) {
            let why = format!("unknown category {:?}", self.category);
            return Err(Invalid::at(why, &[Key("category")]));
        }
        if self.unverified.is_some() != self.verify.is_empty() {
            let why = "give either [[verify]] requests or `unverified`, not both";
            return Err(Invalid::at(why, &[Key("unverified")]));
        }
        let examples = self.examples();
        let bases = std::iter::once((self.api_base.as_str(), vec![Key("api_base")])).chain(
            self.api_base_when.iter().enumerate().map(|(j, w)| {
                (
                    w.base.as_str(),
                    vec![Key("api_base_when"), Idx(j), Key("base")],
                )
            }),
        );
        for (base, at) in bases {
            self.check_public_template(base, "api_base")
                // With its slots filled by their examples, the base must be https.
                .and_then(|()| check_base_url(&fill(base, &examples, str::to_string)))
                .map_err(|why| Invalid::at(why, &at))?;
        }
        for (j, w) in self.api_base_when.iter().enumerate() {
            if self.slot(&w.slot).is_none() {
                let why = format!("api_base_when names unknown slot {}", w.slot);
                return Err(Invalid::at(
                    why,
                    &[Key("api_base_when"), Idx(j), Key("slot")],
                ));
            }
        }
        for (i, check) in self.verify.iter().enumerate() {
            let at = |key| [Key("verify"), Idx(i), Key(key)];
            if self.slot(&check.slot).is_none() {
                let why = format!("verify names unknown slot {}", check.slot);
                return Err(Invalid::at(why, &at("slot")));
            }
            if let Some(bearer) = &check.bearer
                && self.slot(bearer).is_none()
            {
                let why = format!("verify: bearer names unknown slot {bearer}");
                return Err(Invalid::at(why, &at("bearer")));
            }
            self.check_public_template(&check.path, "verify path")
                .map_err(|why| Invalid::at(why, &at("path")))?;
            for name in check.needs() {
                if self.slot(name).is_none() {
                    let why = format!("verify uses unknown slot {name}");
                    return Err(Invalid::at(why, &[Key("verify"), Idx(i)]));
                }
            }
            if check.bearer.is_some() && check.basic.is_some() {
                let why = "verify: bearer and basic exclude each other";
                return Err(Invalid::at(why, &at("basic")));
            }
            if check.form.is_some() && check.json.is_some() {
                let why = "verify: form and json bodies exclude each other";
                return Err(Invalid::at(why, &at("json")));
            }
        }
        Ok(())
    }

    /// URLs end up in logs and error messages: no secret slot may be templated into one.
    fn check_public_template(&self, template: &str, what: &str) -> Result<(), String> {
        for name in placeholders(template) {
            match self.slot(name) {
                None => return Err(format!("{what} names unknown slot {name}")),
                Some(s) if s.secret => return Err(format!("{what} holds secret slot {name}")),
                Some(_) => {}
            }
        }
        Ok(())
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

/// Parses and validates one manifest; `file` names it in errors, `stem` is its file name
/// without `.toml`. Both kinds of error name the line and column.
pub fn parse(file: &str, stem: &str, text: &str) -> Result<Provider> {
    let provider: Provider = toml::from_str(text)
        .map_err(|e| crate::fsutil::malformed(file, text, e.span(), e.message()))?;
    provider
        .validate(stem)
        .map_err(|e| crate::fsutil::malformed(file, text, e.locate(text), &e.why))?;
    Ok(provider)
}

/// A manifest that parses but says something impossible, and where it says it.
struct Invalid {
    why: String,
    /// The key path of the offending value, such as `slots[2].format`.
    at: Vec<Seg>,
}

#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    Idx(usize),
}

impl Invalid {
    fn at(why: impl Into<String>, at: &[Seg]) -> Self {
        Invalid {
            why: why.into(),
            at: at.to_vec(),
        }
    }

    /// The span of the deepest part of the key path the text has (a value left to its
    /// default has none, so its table stands in).
    fn locate(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let doc = toml_edit::Document::parse(text).ok()?;
        let mut item = doc.as_item();
        let mut span = None;
        for seg in &self.at {
            let next = match *seg {
                Seg::Key(key) => item.get(key),
                Seg::Idx(i) => item.get(i),
            };
            let Some(next) = next else { break };
            item = next;
            span = item.span().or(span);
        }
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_and_slot_names_are_checked_once() {
        for name in ["A", "_", "port", "a.b", "_1", "WORKOS_API_KEY", "A9"] {
            assert!(is_variable_name(name), "{name}");
        }
        for name in ["", "1A", "A-B", "A B", "[", "É", "A=B"] {
            assert!(!is_variable_name(name), "{name}");
        }
        for name in ["A", "_", "_1", "WORKOS_API_KEY", "A9"] {
            assert!(is_env_name(name), "{name}");
        }
        for name in ["", "port", "a.b", "A.B", "1A", "Aa", "A-B"] {
            assert!(!is_env_name(name), "{name}");
        }
    }

    #[test]
    fn every_builtin_manifest_parses_and_validates() {
        let catalog = Catalog::builtin().unwrap();
        assert_eq!(catalog.providers().len(), BUILTIN.len());
        assert!(catalog.providers().len() >= 40);
        let workos = catalog.get("workos").unwrap();
        assert_eq!(workos.category, "auth");
        // The two slots of contract §2 are the ones every `stack add workos` stores.
        let required: Vec<&str> = workos
            .slots
            .iter()
            .filter(|s| !s.optional)
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(required, ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"]);
    }

    #[test]
    fn unknown_fields_are_errors_with_a_position() {
        let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
        let bad = text.replace("secret = false", "secret = false\nsecrett = true");
        let err = parse("providers/workos.toml", "workos", &bad).unwrap_err();
        assert!(
            err.message.contains("providers/workos.toml:"),
            "{}",
            err.message
        );
        assert!(err.message.contains("secrett"), "{}", err.message);
    }

    #[test]
    fn a_secret_in_a_verification_url_is_refused_at_its_line_and_column() {
        let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
        let bad = text.replace("/sso/jwks/{WORKOS_CLIENT_ID}", "/x/{WORKOS_API_KEY}");
        let err = parse("providers/workos.toml", "workos", &bad).unwrap_err();
        let (line, col) = position_of(&bad, "\"/x/{WORKOS_API_KEY}\"");
        assert_eq!(
            err.message,
            format!(
                "providers/workos.toml:{line}:{col}: verify path holds secret slot WORKOS_API_KEY"
            )
        );
    }

    /// 1-based line and column of the first `needle` in `text`.
    fn position_of(text: &str, needle: &str) -> (usize, usize) {
        let at = text.find(needle).expect("needle in text");
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        (text[..at].matches('\n').count() + 1, at - line_start + 1)
    }

    #[test]
    fn impossible_values_are_named_with_their_line_and_column() {
        let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
        for (from, to, needle, why) in [
            (
                "category = \"auth\"",
                "category = \"authn\"",
                "\"authn\"",
                "unknown category \"authn\"",
            ),
            (
                "name = \"WORKOS_CLIENT_ID\"",
                "name = \"WORKOS_API_KEY\"",
                "\"WORKOS_API_KEY\"\nlabel = \"client ID",
                "slot \"WORKOS_API_KEY\" is not a unique variable name",
            ),
        ] {
            assert!(text.contains(from), "{from}");
            let bad = text.replacen(from, to, 1);
            let err = parse("providers/workos.toml", "workos", &bad).unwrap_err();
            let (line, col) = position_of(&bad, needle);
            assert_eq!(
                err.message,
                format!("providers/workos.toml:{line}:{col}: {why}")
            );
        }
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
