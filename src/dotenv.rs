//! Line-preserving edits of `.env`: slots are written as `NAME=stack://<service>/<NAME>`
//! references; every other line, comment and byte is kept.

use std::path::Path;

use crate::error::{Error, Result};

pub const FILE: &str = ".env";

pub fn reference(service: &str, slot: &str) -> String {
    format!("stack://{service}/{slot}")
}

/// One `KEY=value` assignment: where it sits and its unquoted value.
struct Entry {
    key: String,
    value: String,
    /// Byte range of the whole entry, including its line ending(s).
    range: std::ops::Range<usize>,
    /// What stands before the key (indentation, `export `) and after the value (a
    /// comment): kept when the value is replaced.
    prefix: String,
    tail: String,
}

/// What a `.env` holds for a slot.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    Absent,
    Reference(String),
    /// A plaintext value (possibly empty).
    Plain(String),
}

pub struct DotEnv {
    text: String,
    entries: Vec<Entry>,
}

impl DotEnv {
    pub fn parse(path: &Path, text: &str) -> Result<DotEnv> {
        let entries = scan(text).map_err(|(at, why)| {
            let (l, c) = crate::fsutil::line_col(text, at);
            Error::usage(format!("{}:{l}:{c}: {why}", path.display())).with_hint(format!(
                "fix {FILE} by hand; stack never rewrites a malformed file"
            ))
        })?;
        Ok(DotEnv {
            text: text.to_string(),
            entries,
        })
    }

    pub fn get(&self, key: &str) -> Line {
        match self.entries.iter().rev().find(|e| e.key == key) {
            None => Line::Absent,
            Some(e) if e.value.starts_with("stack://") => Line::Reference(e.value.clone()),
            Some(e) => Line::Plain(e.value.clone()),
        }
    }

    /// Makes `key` reference `reference`. An empty value, or one equal to `stored` (the
    /// value now in the vault), is replaced; any other plaintext value is only replaced
    /// when `replace_plain` is set. Returns whether the file changed.
    pub fn set_reference(
        &mut self,
        key: &str,
        reference: &str,
        stored: Option<&str>,
        replace_plain: bool,
    ) -> bool {
        let Some(idx) = self.entries.iter().rposition(|e| e.key == key) else {
            if !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push('\n');
            }
            self.text.push_str(&format!("{key}={reference}"));
            self.text.push('\n');
            self.reparse();
            return true;
        };
        let entry = &self.entries[idx];
        let replace = entry.value == reference
            || entry.value.is_empty()
            || entry.value.starts_with("stack://")
            || stored == Some(entry.value.as_str())
            || replace_plain;
        if !replace || entry.value == reference {
            return false;
        }
        let old = &self.text[entry.range.clone()];
        let ending = if old.ends_with("\r\n") {
            "\r\n"
        } else if old.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        let new_line = format!("{}{key}={reference}{}{ending}", entry.prefix, entry.tail);
        let range = entry.range.clone();
        self.text.replace_range(range, &new_line);
        self.reparse();
        true
    }

    /// Removes the line for `key` if, and only if, it is exactly `reference`.
    pub fn remove_reference(&mut self, key: &str, reference: &str) -> bool {
        let Some(entry) = self
            .entries
            .iter()
            .find(|e| e.key == key && e.value == reference)
        else {
            return false;
        };
        let range = entry.range.clone();
        self.text.replace_range(range, "");
        self.reparse();
        true
    }

    fn reparse(&mut self) {
        self.entries = scan(&self.text).expect("an edit of a valid file stays valid");
    }

    pub fn render(&self) -> &str {
        &self.text
    }
}

/// Finds the assignments; errors carry a byte offset and a reason.
fn scan(text: &str) -> Result<Vec<Entry>, (usize, &'static str)> {
    let mut entries = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..line_end];
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let body_trim = body.trim_end();
        if body_trim.is_empty() || body_trim.starts_with('#') {
            pos = line_end;
            continue;
        }
        let body = body
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(body);
        let key_start = pos + (line.len() - body.len());
        let Some(eq) = body.find('=') else {
            return Err((pos + indent, "expected KEY=value"));
        };
        let key = body[..eq].trim_end();
        let valid_key = !key.is_empty()
            && !key.starts_with(|c: char| c.is_ascii_digit())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !valid_key {
            return Err((key_start, "expected a variable name before '='"));
        }
        let value_start = key_start + eq + 1;
        let rest = &text[value_start..];
        let rest_trim = rest.trim_start_matches([' ', '\t']);
        let vstart = value_start + (rest.len() - rest_trim.len());
        let (value, end, tail) = match rest_trim.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // Quoted values may span lines until the closing quote.
                let inner = &text[vstart + 1..];
                let mut close = None;
                let mut escaped = false;
                for (i, c) in inner.char_indices() {
                    match c {
                        '\\' if q == '"' && !escaped => escaped = true,
                        c if c == q && !escaped => {
                            close = Some(i);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let Some(close) = close else {
                    return Err((vstart, "unterminated quoted value"));
                };
                let after = vstart + 1 + close + 1;
                let end = text[after..]
                    .find('\n')
                    .map_or(text.len(), |i| after + i + 1);
                let tail = text[after..end].trim_end_matches(['\n', '\r']);
                (inner[..close].to_string(), end, tail.to_string())
            }
            _ => {
                let raw = &text[value_start..line_end];
                let raw = raw.trim_end_matches(['\n', '\r']);
                let (raw, tail) = match raw.find(" #") {
                    Some(i) => (&raw[..i], &raw[i..]),
                    None => (raw, ""),
                };
                (raw.trim().to_string(), line_end, tail.to_string())
            }
        };
        entries.push(Entry {
            key: key.to_string(),
            value,
            range: pos..end,
            prefix: text[pos..key_start].to_string(),
            tail,
        });
        pos = end;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(text: &str) -> DotEnv {
        DotEnv::parse(Path::new(".env"), text).unwrap()
    }

    #[test]
    fn appends_references_and_keeps_everything_else() {
        let mut e = env("# db\nexport DATABASE_URL='postgres://x'\nPORT=3000");
        assert!(e.set_reference(
            "WORKOS_API_KEY",
            "stack://workos/WORKOS_API_KEY",
            None,
            false
        ));
        assert!(!e.set_reference(
            "WORKOS_API_KEY",
            "stack://workos/WORKOS_API_KEY",
            None,
            false
        ));
        assert_eq!(
            e.render(),
            "# db\nexport DATABASE_URL='postgres://x'\nPORT=3000\nWORKOS_API_KEY=stack://workos/WORKOS_API_KEY\n"
        );
        assert!(e.remove_reference("WORKOS_API_KEY", "stack://workos/WORKOS_API_KEY"));
        assert_eq!(
            e.render(),
            "# db\nexport DATABASE_URL='postgres://x'\nPORT=3000\n"
        );
    }

    #[test]
    fn plaintext_values_are_kept_unless_they_are_what_was_stored() {
        let mut e = env("A=1\nWORKOS_API_KEY=\"sk_test_OLDFAKE000001\"\r\nB=2\n");
        assert_eq!(
            e.get("WORKOS_API_KEY"),
            Line::Plain("sk_test_OLDFAKE000001".into())
        );
        let r = "stack://workos/WORKOS_API_KEY";
        assert!(!e.set_reference("WORKOS_API_KEY", r, Some("sk_test_NEWFAKE000001"), false));
        assert!(e.render().contains("sk_test_OLDFAKE000001"));
        assert!(e.set_reference("WORKOS_API_KEY", r, Some("sk_test_OLDFAKE000001"), false));
        assert_eq!(e.render(), format!("A=1\nWORKOS_API_KEY={r}\r\nB=2\n"));
        assert!(!e.remove_reference("A", r));
    }

    #[test]
    fn a_replaced_value_keeps_export_and_its_comment() {
        let mut e = env("  export WORKOS_API_KEY=  # set me\nB=\"\" # later\n");
        let r = "stack://workos/WORKOS_API_KEY";
        assert!(e.set_reference("WORKOS_API_KEY", r, None, false));
        assert!(e.set_reference("B", "stack://x/B", None, false));
        assert_eq!(
            e.render(),
            format!("  export WORKOS_API_KEY={r} # set me\nB=stack://x/B # later\n")
        );
    }

    #[test]
    fn multiline_values_are_one_entry() {
        let e = env("KEY=\"-----BEGIN\nWORKOS_API_KEY=inside\n-----END\"\nX=1 # note\n");
        assert_eq!(e.get("WORKOS_API_KEY"), Line::Absent);
        assert_eq!(e.get("X"), Line::Plain("1".into()));
    }

    #[test]
    fn malformed_lines_are_errors_with_line_and_column() {
        let err = DotEnv::parse(Path::new(".env"), "A=1\n  oops\n")
            .err()
            .unwrap();
        assert!(err.message.starts_with(".env:2:3:"), "{}", err.message);
        let err = DotEnv::parse(Path::new(".env"), "A=1\nB=\"open\n")
            .err()
            .unwrap();
        assert!(err.message.starts_with(".env:2:3:"), "{}", err.message);
    }
}
