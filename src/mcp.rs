//! `.mcp.json`: adds and removes stack's own entries under `mcpServers` by splicing text
//! into the file as it is. Every byte stack does not own (other servers and keys, their
//! order, whitespace, indentation, line ends, number spelling, escapes, duplicate keys)
//! stays as written; an added entry follows the file's indentation and line ends, and
//! removing it deletes exactly that member and its separating comma.

use std::path::{Path, PathBuf};

use jsonc_parser::ast::{self, ObjectProp};
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::errors::ParseError;
use jsonc_parser::{CollectOptions, ParseOptions};
use serde::Serialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

pub const FILE: &str = ".mcp.json";

/// What happened to an entry stack wanted to write.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    Written,
    AlreadyThere,
    /// The user has a different entry of that name; it is left alone.
    Foreign,
}

pub struct McpFile {
    path: PathBuf,
    /// A UTF-8 byte-order mark the file starts with (Windows editors write one): kept,
    /// and left out of what is parsed.
    bom: &'static str,
    /// The file's text, with stack's edits spliced in.
    text: String,
    /// Whether stack changed anything: an untouched file is never written.
    changed: bool,
}

/// What a file stack creates starts as.
const EMPTY: &str = "{}\n";

/// Strict JSON, for the spans: serde_json has already accepted the text.
fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn malformed(msg: String) -> Error {
    Error::usage(msg).with_hint(format!(
        "fix {FILE} by hand; stack never rewrites a malformed file"
    ))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn name_of<'a>(prop: &'a ObjectProp<'a>) -> &'a str {
    prop.name.as_str()
}

/// Whether any object in `value` holds a key twice.
fn has_duplicate_keys(value: &ast::Value) -> bool {
    match value {
        ast::Value::Object(o) => {
            o.properties
                .iter()
                .enumerate()
                .any(|(i, p)| o.properties[..i].iter().any(|q| name_of(q) == name_of(p)))
                || o.properties.iter().any(|p| has_duplicate_keys(&p.value))
        }
        ast::Value::Array(a) => a.elements.iter().any(has_duplicate_keys),
        _ => false,
    }
}

/// The whitespace that starts the line holding byte `at`.
fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The indentation of byte `at` when it starts its line (only spaces and tabs before it).
fn own_line_indent(text: &str, at: usize) -> Option<&str> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[start..at];
    before
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(before)
}

/// How the file is laid out, for the text stack adds.
struct Style {
    newline: &'static str,
    /// One level of indentation.
    unit: String,
}

impl Style {
    fn of(text: &str, root: &ast::Object) -> Style {
        let newline = match text.find('\n') {
            Some(i) if text[..i].ends_with('\r') => "\r\n",
            _ => "\n",
        };
        // The first indented member found, less the indentation of its object's line.
        let unit = Self::unit_in(text, root)
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "  ".to_string());
        Style { newline, unit }
    }

    fn unit_in(text: &str, object: &ast::Object) -> Option<String> {
        let base = line_indent(text, object.range.start);
        if let Some(first) = object.properties.first()
            && let Some(indent) = own_line_indent(text, first.range.start)
            && let Some(unit) = indent.strip_prefix(base)
        {
            return Some(unit.to_string());
        }
        object.properties.iter().find_map(|p| match &p.value {
            ast::Value::Object(o) => Self::unit_in(text, o),
            _ => None,
        })
    }
}

/// `value` as JSON on several lines, each after the first starting with `indent`.
fn render_block(value: &Value, indent: &str, style: &Style) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(style.unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut ser)
        .expect("a JSON value serializes to memory");
    let pretty = String::from_utf8(out).expect("serde_json writes UTF-8");
    // Inside strings a line break is escaped: every '\n' here is between tokens.
    pretty.replace('\n', &format!("{}{indent}", style.newline))
}

/// `value` as JSON on one line, with the object's own separators.
fn render_inline(value: &Value, comma: &str, colon: &str) -> String {
    match value {
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}{colon}{}",
                        Value::from(k.as_str()),
                        render_inline(v, comma, colon)
                    )
                })
                .collect();
            format!("{{{}}}", members.join(comma))
        }
        other => other.to_string(),
    }
}

/// The text to splice into `object` (replacing `range`) to add the member `key`.
fn insertion(
    text: &str,
    style: &Style,
    object: &ast::Object,
    key: &str,
    value: &Value,
) -> (Range, String) {
    let key = Value::from(key).to_string();
    let Some(last) = object.properties.last() else {
        // An empty object: the member goes on its own line, one level in.
        let base = line_indent(text, object.range.start);
        let inner = format!("{base}{}", style.unit);
        let member = format!(
            "{nl}{inner}{key}: {}{nl}{base}",
            render_block(value, &inner, style),
            nl = style.newline
        );
        let range = Range::new(object.range.start + 1, object.range.end - 1);
        return (range, member);
    };
    let after_last = Range::new(last.range.end, last.range.end);
    // The separator between the last member's name and its value, as written there.
    let colon = &text[last.name.end()..last.value.start()];
    let colon = if colon.contains('\n') { ": " } else { colon };
    match own_line_indent(text, last.range.start) {
        Some(indent) => {
            let member = format!(
                ",{}{indent}{key}{colon}{}",
                style.newline,
                render_block(value, indent, style)
            );
            (after_last, member)
        }
        None => {
            // An object on one line stays on one line.
            // The separator between members as written, or spaced like the colon.
            let spaced = if colon.ends_with(' ') { ", " } else { "," };
            let comma = match object.properties.get(1) {
                Some(second) => &text[object.properties[0].range.end..second.range.start],
                None => spaced,
            };
            let comma = if comma.contains('\n') { spaced } else { comma };
            let member = format!("{comma}{key}{colon}{}", render_inline(value, comma, colon));
            (after_last, member)
        }
    }
}

/// The text to delete to take member `i` out of `object`, with its separating comma.
fn deletion(object: &ast::Object, i: usize) -> Range {
    let props = &object.properties;
    if props.len() == 1 {
        Range::new(object.range.start + 1, object.range.end - 1)
    } else if i > 0 {
        Range::new(props[i - 1].range.end, props[i].range.end)
    } else {
        Range::new(props[0].range.start, props[1].range.start)
    }
}

fn parse_ast(text: &str) -> std::result::Result<Option<ast::Value<'_>>, ParseError> {
    jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict()).map(|r| r.value)
}

impl McpFile {
    pub fn parse(path: &Path, text: Option<&str>) -> Result<McpFile> {
        let Some(text) = text else {
            return Ok(McpFile {
                path: path.to_path_buf(),
                bom: "",
                text: EMPTY.to_string(),
                changed: false,
            });
        };
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", text),
        };
        // Validated without reading numbers (1e400 is JSON too); where that fails, serde_json's
        // Value fails as well and names the fault best ("trailing comma").
        if let Err(e) = serde_json::from_str::<IgnoredAny>(text) {
            let e = serde_json::from_str::<Value>(text).err().unwrap_or(e);
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg);
            return Err(malformed(format!(
                "{}:{}:{}: {msg}",
                path.display(),
                e.line(),
                e.column()
            )));
        }
        let file = McpFile {
            path: path.to_path_buf(),
            bom,
            text: text.to_string(),
            changed: false,
        };
        // What serde_json skips unread, the spans' parser decodes: a lone surrogate is refused.
        let at = |offset: usize, msg: &str| {
            let (line, column) = line_column(text, offset);
            malformed(format!("{}:{line}:{column}: {msg}", path.display()))
        };
        match parse_ast(text) {
            Err(e) => {
                return Err(malformed(format!(
                    "{}:{}:{}: {}",
                    path.display(),
                    e.line_display(),
                    e.column_display(),
                    e.kind()
                )));
            }
            Ok(Some(ast::Value::Object(_))) => {}
            Ok(value) => {
                let start = value.map_or(0, |v| v.start());
                return Err(at(start, "expected a JSON object"));
            }
        }
        let root = file.root()?;
        if let Some((_, servers)) = file.unique(&root, "mcpServers", "mcpServers")?
            && !matches!(servers.value, ast::Value::Object(_))
        {
            return Err(at(servers.value.start(), "mcpServers is not an object"));
        }
        drop(root);
        Ok(file)
    }

    /// The top-level object, as spans into the text.
    fn root(&self) -> Result<ast::Object<'_>> {
        match parse_ast(&self.text) {
            Ok(Some(ast::Value::Object(root))) => Ok(root),
            _ => Err(malformed(format!(
                "{}: expected a JSON object",
                self.path.display()
            ))),
        }
    }

    /// The member `name` of `object` and its index, refused when the name appears twice:
    /// stack cannot know which one a client reads.
    fn unique<'a>(
        &self,
        object: &'a ast::Object<'a>,
        name: &str,
        what: &str,
    ) -> Result<Option<(usize, &'a ObjectProp<'a>)>> {
        let mut found = object
            .properties
            .iter()
            .enumerate()
            .filter(|(_, p)| name_of(p) == name);
        let first = found.next();
        if let Some((_, second)) = found.next() {
            let (line, column) = line_column(&self.text, second.start());
            return Err(Error::usage(format!(
                "{}:{line}:{column}: {what} appears twice; stack cannot tell which one an MCP \
                 client reads",
                self.path.display()
            ))
            .with_hint(format!(
                "keep one of them in {FILE} by hand; stack left the file as it is"
            )));
        }
        Ok(first)
    }

    fn servers<'a>(&self, root: &'a ast::Object<'a>) -> Result<Option<&'a ast::Object<'a>>> {
        Ok(match self.unique(root, "mcpServers", "mcpServers")? {
            Some((
                _,
                ObjectProp {
                    value: ast::Value::Object(servers),
                    ..
                },
            )) => Some(servers),
            _ => None,
        })
    }

    fn entry<'a>(
        &self,
        root: &'a ast::Object<'a>,
        name: &str,
    ) -> Result<Option<(&'a ast::Object<'a>, usize, &'a ObjectProp<'a>)>> {
        let Some(servers) = self.servers(root)? else {
            return Ok(None);
        };
        let what = format!("server {} in mcpServers", Value::from(name));
        Ok(self
            .unique(servers, name, &what)?
            .map(|(i, p)| (servers, i, p)))
    }

    /// Whether the member is exactly the entry stack writes.
    fn is_ours(&self, prop: &ObjectProp, entry: &Map<String, Value>) -> bool {
        matches!(prop.value, ast::Value::Object(_))
            && !has_duplicate_keys(&prop.value)
            && serde_json::from_str::<Value>(prop.value.text(&self.text))
                .is_ok_and(|v| v.as_object() == Some(entry))
    }

    /// Refuses a file in which stack could not tell which `name` entry is the one.
    pub fn check(&self, name: &str) -> Result<()> {
        let root = self.root()?;
        self.entry(&root, name).map(drop)
    }

    /// Whether `mcpServers` has a server called `name`.
    pub fn has(&self, name: &str) -> bool {
        let Ok(root) = self.root() else {
            return false;
        };
        root.properties
            .iter()
            .filter(|p| name_of(p) == "mcpServers")
            .any(|p| match &p.value {
                ast::Value::Object(servers) => {
                    servers.properties.iter().any(|s| name_of(s) == name)
                }
                _ => false,
            })
    }

    pub fn add(&mut self, name: &str, entry: &Map<String, Value>) -> Result<Added> {
        let (range, text) = {
            let root = self.root()?;
            if let Some((_, _, prop)) = self.entry(&root, name)? {
                return Ok(if self.is_ours(prop, entry) {
                    Added::AlreadyThere
                } else {
                    Added::Foreign
                });
            }
            let style = Style::of(&self.text, &root);
            let value = Value::Object(entry.clone());
            match self.servers(&root)? {
                Some(servers) => insertion(&self.text, &style, servers, name, &value),
                None => {
                    let servers = Value::Object(Map::from_iter([(name.to_string(), value)]));
                    insertion(&self.text, &style, &root, "mcpServers", &servers)
                }
            }
        };
        self.text.replace_range(range.start..range.end, &text);
        self.changed = true;
        Ok(Added::Written)
    }

    /// Removes `name` only if it is still exactly what stack wrote.
    pub fn remove(&mut self, name: &str, entry: &Map<String, Value>) -> Result<bool> {
        let range = {
            let root = self.root()?;
            match self.entry(&root, name)? {
                Some((servers, i, prop)) if self.is_ours(prop, entry) => deletion(servers, i),
                _ => return Ok(false),
            }
        };
        self.text.replace_range(range.start..range.end, "");
        self.changed = true;
        Ok(true)
    }

    pub fn changed(&self) -> bool {
        self.changed
    }

    pub fn render(&self) -> String {
        format!("{}{}", self.bom, self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workos() -> Map<String, Value> {
        serde_json::from_str(r#"{"type":"http","url":"https://mcp.workos.com/mcp"}"#).unwrap()
    }

    #[test]
    fn keeps_other_servers_and_order() {
        let text = "{\n  \"zeta\": 1,\n  \"mcpServers\": {\n    \"mine\": {\n      \"command\": \"x\"\n    }\n  },\n  \"alpha\": true\n}\n";
        let mut f = McpFile::parse(Path::new(FILE), Some(text)).unwrap();
        assert_eq!(f.add("workos", &workos()).unwrap(), Added::Written);
        assert_eq!(f.add("workos", &workos()).unwrap(), Added::AlreadyThere);
        let out = f.render();
        assert!(
            out.starts_with("{\n  \"zeta\": 1,\n  \"mcpServers\": {\n    \"mine\""),
            "{out}"
        );
        assert!(
            out.contains("\"workos\": {\n      \"type\": \"http\","),
            "{out}"
        );
        assert!(f.remove("workos", &workos()).unwrap());
        assert_eq!(f.render(), text);
    }

    #[test]
    fn a_users_entry_is_never_replaced_or_removed() {
        let text = r#"{"mcpServers": {"workos": {"command": "my-own"}}}"#;
        let mut f = McpFile::parse(Path::new(FILE), Some(text)).unwrap();
        assert_eq!(f.add("workos", &workos()).unwrap(), Added::Foreign);
        assert!(!f.remove("workos", &workos()).unwrap());
        assert!(!f.changed());
        assert_eq!(f.render(), text);
    }

    #[test]
    fn an_entry_with_a_duplicated_key_is_not_stacks() {
        let text = r#"{"mcpServers": {"workos": {"type": "ftp", "type":"http","url":"https://mcp.workos.com/mcp"}}}"#;
        let mut f = McpFile::parse(Path::new(FILE), Some(text)).unwrap();
        assert_eq!(f.add("workos", &workos()).unwrap(), Added::Foreign);
        assert!(!f.remove("workos", &workos()).unwrap());
    }

    #[test]
    fn the_first_of_several_members_is_removed_with_its_comma() {
        let text = "{\"mcpServers\": {\"workos\": {\"type\": \"http\", \"url\": \"https://mcp.workos.com/mcp\"}, \"b\": 1e2}}";
        let mut f = McpFile::parse(Path::new(FILE), Some(text)).unwrap();
        assert!(f.remove("workos", &workos()).unwrap());
        assert_eq!(f.render(), "{\"mcpServers\": {\"b\": 1e2}}");
    }

    #[test]
    fn a_number_beyond_f64_is_json_too_and_kept() {
        let text = "{\"mcpServers\": {\"mine\": {\"n\": 1e400}}}";
        let mut f = McpFile::parse(Path::new(FILE), Some(text)).unwrap();
        assert_eq!(f.add("workos", &workos()).unwrap(), Added::Written);
        assert!(f.render().contains("{\"n\": 1e400}"), "{}", f.render());
    }

    #[test]
    fn a_lone_surrogate_is_refused_at_its_line_and_column() {
        let text = "{\n  \"a\": \"\\ud800\"\n}";
        let err = McpFile::parse(Path::new(FILE), Some(text)).err().unwrap();
        assert!(
            err.message.starts_with(".mcp.json:2:9: "),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_file_that_is_not_an_object_of_servers_is_refused_at_the_value() {
        for (text, at) in [
            ("\n  [1]", ".mcp.json:2:3: expected a JSON object"),
            (
                "{\n  \"mcpServers\": [1]\n}",
                ".mcp.json:2:17: mcpServers is not an object",
            ),
        ] {
            let err = McpFile::parse(Path::new(FILE), Some(text)).err().unwrap();
            assert_eq!(err.message, at);
        }
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = McpFile::parse(Path::new(".mcp.json"), Some("{\n  \"a\": ,\n}"))
            .err()
            .unwrap();
        assert!(err.message.starts_with(".mcp.json:2:8:"), "{}", err.message);
    }
}
