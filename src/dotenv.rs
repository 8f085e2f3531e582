//! Line-preserving edits of `.env`: slots are written as `NAME=stack://<service>/<NAME>`
//! references; every other line, comment and byte is kept.

use std::path::Path;

use zeroize::Zeroizing;

use crate::catalog::is_variable_name;
use crate::error::{Error, Result};
use crate::secret::Secret;

pub const FILE: &str = ".env";

/// What every reference starts with.
pub const SCHEME: &str = "stack://";

pub fn reference(service: &str, slot: &str) -> String {
    format!("{SCHEME}{service}/{slot}")
}

/// `stack://<service>/<SLOT>` as `(service, slot)`; `None` for anything else, so a
/// malformed reference is never mistaken for a slot.
pub fn parse_reference(value: &str) -> Option<(&str, &str)> {
    let (service, slot) = value.strip_prefix(SCHEME)?.split_once('/')?;
    let service_ok = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (service_ok && is_variable_name(slot)).then_some((service, slot))
}

/// The assignments of a dotenv file (for `exec --env-file` and `import`), in file order;
/// applied in order, a later one for the same key wins. Read as python-dotenv reads it
/// (where dotenvy differs, python-dotenv is followed): lines end at `\n`, `\r\n` or a bare
/// `\r`; `export` and comments are ignored; a name may be single-quoted (`'A'=1`); single
/// quotes take only `\'` and `\\`; double quotes take `\n`, `\t`, `\r`, `\"`, `\\`, `\$`,
/// `\'`; quoted values may span lines; unquoted values are trimmed and end at ` #`. No
/// `$VAR` expansion. Text after a closing quote is an error.
/// Values come back as [`Secret`]s: an env file is where plaintext credentials live.
pub fn read(path: &Path, text: &str) -> Result<Vec<(String, Secret)>> {
    // A byte-order mark (Windows editors) is not part of the first key.
    let (body, shift) = match text.strip_prefix('\u{feff}') {
        Some(body) => (body, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    let entries = scan(body).map_err(|(at, why)| malformed(path, text, at + shift, why))?;
    check_tails(path, text, &entries, shift)?;
    let mut out = Vec::with_capacity(entries.len());
    for mut e in entries {
        if e.value.contains('\0') {
            let why = "a value cannot hold a NUL character";
            return Err(malformed(path, text, e.range.start + shift, why));
        }
        // Moves the buffer itself: no copy is left behind unwiped.
        out.push((e.key, Secret::new(std::mem::take(&mut *e.value))));
    }
    Ok(out)
}

/// Only a comment may follow a closing quote: other text there would be ambiguous, and an
/// edit that kept it would glue it onto the reference.
fn check_tails(path: &Path, text: &str, entries: &[Entry], shift: usize) -> Result<()> {
    for e in entries {
        let tail = e.tail.trim_start_matches([' ', '\t']);
        if !tail.is_empty() && !tail.starts_with('#') {
            let why = "unexpected text after the closing quote";
            return Err(malformed(path, text, e.tail_start + shift, why));
        }
    }
    Ok(())
}

/// `file:line:column: why` (exit 2); the hint says the file is left alone.
fn malformed(path: &Path, text: &str, at: usize, why: &str) -> Error {
    let (l, c) = line_col(text, at);
    Error::usage(format!("{}:{l}:{c}: {why}", path.display())).with_hint(format!(
        "fix {} by hand; stack never rewrites a malformed file",
        path.display()
    ))
}

/// One `KEY=value` assignment: where it sits and its unquoted value.
struct Entry {
    key: String,
    /// Wiped on drop: it may be a plaintext credential.
    value: Zeroizing<String>,
    /// Byte range of the whole entry, including its line ending(s).
    range: std::ops::Range<usize>,
    /// What stands before the key (indentation, `export `) and after the value (a
    /// comment): kept when the value is replaced.
    prefix: String,
    tail: String,
    /// Byte offset of `tail`, for errors about it.
    tail_start: usize,
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
        let entries = scan(text).map_err(|(at, why)| malformed(path, text, at, why))?;
        check_tails(path, text, &entries, 0)?;
        Ok(DotEnv {
            text: text.to_string(),
            entries,
        })
    }

    pub fn get(&self, key: &str) -> Line {
        match self.entries.iter().rev().find(|e| e.key == key) {
            None => Line::Absent,
            Some(e) if e.value.starts_with("stack://") => Line::Reference(e.value.to_string()),
            Some(e) => Line::Plain(e.value.to_string()),
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
            if !self.text.is_empty() && !self.text.ends_with(['\n', '\r']) {
                self.text.push('\n');
            }
            self.text.push_str(&format!("{key}={reference}"));
            self.text.push('\n');
            self.reparse();
            return true;
        };
        let entry = &self.entries[idx];
        let replace = *entry.value == reference
            || entry.value.is_empty()
            || entry.value.starts_with("stack://")
            || stored == Some(entry.value.as_str())
            || replace_plain;
        if !replace || *entry.value == reference {
            return false;
        }
        let old = &self.text[entry.range.clone()];
        let ending = if old.ends_with("\r\n") {
            "\r\n"
        } else if old.ends_with('\n') {
            "\n"
        } else if old.ends_with('\r') {
            "\r"
        } else {
            ""
        };
        // A comment may touch a closing quote (`K="v"# note`); beside an unquoted value it
        // needs a blank before it, or it would become part of the reference.
        let gap = if entry.tail.starts_with('#') { " " } else { "" };
        let new_line = format!(
            "{}{key}={reference}{gap}{}{ending}",
            entry.prefix, entry.tail
        );
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
            .find(|e| e.key == key && *e.value == reference)
        else {
            return false;
        };
        let range = entry.range.clone();
        self.text.replace_range(range, "");
        self.reparse();
        true
    }

    /// The 1-based line where `key` is assigned (its last assignment), for plans.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        let entry = self.entries.iter().rev().find(|e| e.key == key)?;
        Some(line_col(&self.text, entry.range.start).0)
    }

    fn reparse(&mut self) {
        self.entries = scan(&self.text).expect("an edit of a valid file stays valid");
    }

    pub fn render(&self) -> &str {
        &self.text
    }
}

/// Where the line holding `from` ends, after its line ending: `\n`, `\r\n` or a bare `\r`
/// (as python-dotenv reads them).
fn line_end(text: &str, from: usize) -> usize {
    match text[from..].find(['\n', '\r']).map(|i| from + i) {
        None => text.len(),
        Some(i) if text[i..].starts_with("\r\n") => i + 2,
        Some(i) => i + 1,
    }
}

/// 1-based line and column of byte `at`, lines ending as [`line_end`] ends them.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let (mut line, mut start) = (1, 0);
    loop {
        let end = line_end(text, start);
        if end > at || end == text.len() {
            let col = text[start..at.min(text.len())].chars().count() + 1;
            return (line, col);
        }
        (line, start) = (line + 1, end);
    }
}

/// Finds the assignments; errors carry a byte offset and a reason.
fn scan(text: &str) -> Result<Vec<Entry>, (usize, &'static str)> {
    let mut entries = Vec::new();
    // A byte-order mark (Windows editors) is not part of the first key; edits keep it.
    let mut pos = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    while pos < text.len() {
        let next = line_end(text, pos);
        let line = &text[pos..next];
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let body_trim = body.trim_end();
        if body_trim.is_empty() || body_trim.starts_with('#') {
            pos = next;
            continue;
        }
        let body = ["export ", "export\t"]
            .iter()
            .find_map(|p| body.strip_prefix(p))
            .map(str::trim_start)
            .unwrap_or(body);
        let key_start = pos + (line.len() - body.len());
        let Some(eq) = body.find('=') else {
            return Err((pos + indent, "expected KEY=value"));
        };
        let key = body[..eq].trim_end();
        // python-dotenv reads `'A'=1` as `A=1`.
        let key = key
            .strip_prefix('\'')
            .and_then(|k| k.strip_suffix('\''))
            .unwrap_or(key);
        if !is_variable_name(key) {
            return Err((key_start, "expected a variable name before '='"));
        }
        let value_start = key_start + eq + 1;
        let rest = &text[value_start..];
        let rest_trim = rest.trim_start_matches([' ', '\t']);
        let vstart = value_start + (rest.len() - rest_trim.len());
        let (value, end, tail, tail_start) = match rest_trim.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // Quoted values may span lines until the closing quote.
                let inner = &text[vstart + 1..];
                let mut close = None;
                let mut escaped = false;
                for (i, c) in inner.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
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
                let end = line_end(text, after);
                let tail = text[after..end].trim_end_matches(['\n', '\r']);
                let value = if q == '"' {
                    unescape(&inner[..close], &['"', '\\', '$', '\''], true)
                } else {
                    unescape(&inner[..close], &['\\', '\''], false)
                };
                (value, end, tail.to_string(), after)
            }
            _ => {
                let raw = &text[value_start..next];
                let raw = raw.trim_end_matches(['\n', '\r']);
                // A comment starts at a '#' after a blank.
                let comment = raw
                    .as_bytes()
                    .windows(2)
                    .position(|w| matches!(w[0], b' ' | b'\t') && w[1] == b'#');
                let (raw, tail) = match comment {
                    Some(i) => (&raw[..i], &raw[i..]),
                    None => (raw, ""),
                };
                let tail_start = value_start + raw.len();
                (raw.trim().to_string(), next, tail.to_string(), tail_start)
            }
        };
        entries.push(Entry {
            key: key.to_string(),
            value: Zeroizing::new(value),
            range: pos..end,
            prefix: text[pos..key_start].to_string(),
            tail,
            tail_start,
        });
        pos = end;
    }
    Ok(entries)
}

/// Undoes the escapes of a quoted value: `\` before one of `literal` stands for that
/// character; `controls` adds `\n`, `\t`, `\r` (double quotes). Any other escape stays as
/// written.
fn unescape(raw: &str, literal: &[char], controls: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') if controls => out.push('\n'),
            Some('t') if controls => out.push('\t'),
            Some('r') if controls => out.push('\r'),
            Some(c) if literal.contains(&c) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests;
