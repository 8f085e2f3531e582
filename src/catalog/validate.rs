//! A parsed manifest checked for what it must not say.

use std::collections::HashSet;

use super::manifest::{CATEGORIES, Provider, check_base_url, fill, is_env_name, placeholders};
use crate::error::Result;

impl Provider {
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
