//! `.stack.toml`: finding it (like git), typed reads, and comment-preserving edits.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml_edit::{Array, DocumentMut, Item, Table, value};

use crate::error::{Error, Remedy, Result};
use crate::fsutil::malformed;

pub const FILE: &str = ".stack.toml";

#[derive(Debug, Deserialize)]
pub struct Config {
    pub stack: StackTable,
    #[serde(default)]
    pub services: IndexMap<String, ServiceEntry>,
}

#[derive(Debug, Deserialize)]
pub struct StackTable {
    pub version: i64,
    pub project: String,
}

/// One `[services.<name>]` table. Unknown keys are the user's and are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ServiceEntry {
    pub provider: String,
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub environments: Vec<String>,
    pub mcp: Option<String>,
}

impl ServiceEntry {
    pub fn has_env(&self, env: &str) -> bool {
        self.environments.iter().any(|e| e == env)
    }
}

/// Walks up from `start` to the first directory holding `.stack.toml` (in any form: one
/// that is not a regular file stops the walk and is refused when read, never skipped),
/// without asking whether it may be used: only for `stack trust`, which is how it comes to be.
pub fn walk(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(FILE).symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// The project found from `start` and how its root stands with its id's vault items.
pub struct Located {
    pub root: PathBuf,
    pub config: Config,
    pub binding: crate::trust::Binding,
}

/// The project found from `start`, if any: a `.stack.toml` another user owns is refused
/// unless the user approved its root, and the binding of its id to its root is checked
/// (see [`crate::trust::check`]).
pub fn locate(start: &Path, settings: &crate::settings::Settings) -> Result<Option<Located>> {
    let Some(root) = walk(start) else {
        return Ok(None);
    };
    let config = load(&root);
    if let Some(refusal) = foreign_owner(&root)?
        && !crate::trust::is_approved(&root, settings)?
    {
        return Err(refusal);
    }
    let config = config?;
    let binding = crate::trust::check(&root, &config.stack.project, settings)?;
    Ok(Some(Located {
        root,
        config,
        binding,
    }))
}

/// The error for a command that needs a project where there is none (see
/// `ops::Project::require`, through which every command reaches its project).
pub fn no_project(start: &Path) -> Error {
    Error::usage(format!(
        "no {FILE} in {} or any parent directory",
        start.display()
    ))
    .with_remedy(Remedy::StartProject)
}

/// Why `root`'s `.stack.toml` is not the user's to obey, if it is not: it (or the symlink
/// to it) is owned by another user, or by root in a directory the user cannot write.
#[cfg(unix)]
fn foreign_owner(root: &Path) -> Result<Option<Error>> {
    use std::os::unix::fs::MetadataExt;

    let path = root.join(FILE);
    let me = rustix::process::geteuid().as_raw();
    let link = std::fs::symlink_metadata(&path).map_err(|e| Error::io("read", &path, e))?;
    let file = std::fs::metadata(&path).map_err(|e| Error::io("read", &path, e))?;
    let remedy = Remedy::TrustAnyway {
        root: root.to_path_buf(),
    };
    for owner in [link.uid(), file.uid()] {
        if owner == me {
            continue;
        }
        if owner == 0 {
            use rustix::fs::{Access, AtFlags, CWD, accessat};
            if accessat(CWD, root, Access::WRITE_OK, AtFlags::EACCESS).is_ok() {
                continue;
            }
            return Ok(Some(
                Error::usage(format!(
                    "{} is owned by root (uid 0) in a directory you cannot write; stack \
                     does not use it",
                    path.display()
                ))
                .with_remedy(remedy),
            ));
        }
        return Ok(Some(
            Error::usage(format!(
                "{} is owned by uid {owner}, not by you (uid {me}); stack does not use it",
                path.display()
            ))
            .with_remedy(remedy),
        ));
    }
    Ok(None)
}

/// Ownership is not checked on Windows (see SECURITY.md).
#[cfg(not(unix))]
fn foreign_owner(_root: &Path) -> Result<Option<Error>> {
    Ok(None)
}

fn parse_error(path: &Path, text: &str, span: Option<std::ops::Range<usize>>, msg: &str) -> Error {
    malformed(&path.display().to_string(), text, span, msg).with_hint(format!(
        "fix {FILE} by hand; stack never rewrites a malformed file"
    ))
}

/// Typed read of `.stack.toml`.
pub fn parse(path: &Path, text: &str) -> Result<Config> {
    let config: Config =
        toml::from_str(text).map_err(|e| parse_error(path, text, e.span(), e.message()))?;
    if config.stack.version != 1 {
        return Err(Error::usage(format!(
            "{}: version {} is not supported by this stack (expected 1)",
            path.display(),
            config.stack.version
        ))
        .with_hint("upgrade stack"));
    }
    check_names(path, text, &config)?;
    Ok(config)
}

/// The longest project id, service, provider, slot, environment or MCP entry name a
/// `.stack.toml` may hold: ids go into every vault entry's name.
pub const MAX_NAME: usize = 64;

/// Refuses names no project needs and a terminal would act on: control characters (an
/// escape sequence that clears the screen or writes the clipboard, a newline that forges a
/// line), invisible ones (bidi overrides), empty or overlong names, and slot names that are
/// not environment variable names. The error points at the name, shown escaped.
fn check_names(path: &Path, text: &str, config: &Config) -> Result<()> {
    let sane = |name: &str| {
        !name.is_empty() && name.chars().count() <= MAX_NAME && !name.chars().any(non_printing)
    };
    let mut bad: Option<(&str, &str, Vec<&str>)> = None;
    if !sane(&config.stack.project) {
        bad = Some((
            "project id",
            &config.stack.project,
            vec!["stack", "project"],
        ));
    }
    for (name, entry) in &config.services {
        if bad.is_some() {
            break;
        }
        let at = |key: &'static str| vec!["services", name.as_str(), key];
        if !sane(name) {
            bad = Some(("service name", name, vec!["services", name.as_str()]));
        } else if !sane(&entry.provider) {
            bad = Some(("provider name", &entry.provider, at("provider")));
        } else if let Some(slot) = entry
            .secrets
            .iter()
            .find(|s| !sane(s) || !crate::catalog::is_env_name(s))
        {
            bad = Some(("slot name", slot, at("secrets")));
        } else if let Some(env) = entry.environments.iter().find(|e| !sane(e)) {
            bad = Some(("environment name", env, at("environments")));
        } else if let Some(mcp) = entry.mcp.as_deref().filter(|m| !sane(m)) {
            bad = Some(("MCP entry name", mcp, at("mcp")));
        }
    }
    let Some((what, name, keys)) = bad else {
        return Ok(());
    };
    let why = if name.chars().count() > MAX_NAME {
        format!("is longer than {MAX_NAME} characters")
    } else if what == "slot name" && !name.chars().any(non_printing) && !name.is_empty() {
        "is not an environment variable name (A-Z, 0-9 and _, not starting with a digit)".into()
    } else if name.is_empty() {
        "is empty".into()
    } else {
        "holds a control or invisible character".into()
    };
    let shown: String = escape(name).chars().take(2 * MAX_NAME).collect();
    Err(parse_error(
        path,
        text,
        span_of(text, &keys),
        &format!("{what} \"{shown}\" {why}"),
    ))
}

/// Where the value (or table header) at `keys` is in `text`, for the error's line and column.
fn span_of(text: &str, keys: &[&str]) -> Option<std::ops::Range<usize>> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let (last, parents) = keys.split_last()?;
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    for key in parents {
        table = table.get(key)?.as_table_like()?;
    }
    let (key, item) = table.get_key_value(last)?;
    item.span().or_else(|| key.span())
}

/// Characters a terminal does not print but acts on, or that hide or reorder text:
/// controls (C0, DEL, C1) and Unicode's invisible formatting characters.
fn non_printing(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// A name that came from a file (a project id, a service, slot or `.env` key, an MCP entry)
/// made safe to print: each control or invisible character is written as an escape (`\x1b`,
/// `\n`, `\u{202e}`); printable text, any script, is kept. JSON output needs none of this:
/// serde escapes it.
pub fn escape(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.chars().any(non_printing) {
        return name.into();
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x80 && non_printing(c) => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c if non_printing(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.into()
}

pub fn load(root: &Path) -> Result<Config> {
    let path = root.join(FILE);
    let text = crate::fsutil::read(&path)?;
    parse(&path, &text)
}

/// A comment- and order-preserving editor over the text of `.stack.toml`.
pub struct Editor {
    doc: DocumentMut,
}

impl Editor {
    /// Parses `text` both ways: typed (to validate) and as a document (to edit).
    pub fn parse(path: &Path, text: &str) -> Result<(Editor, Config)> {
        let config = parse(path, text)?;
        let doc: DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| parse_error(path, text, e.span(), e.message()))?;
        // stack edits `[services.<name>]` tables; an inline `services = { … }` it leaves alone.
        let inline = |item: Option<&Item>| item.is_some_and(|i| !i.is_table());
        let services = doc.get("services");
        let inline_service = services
            .and_then(Item::as_table)
            .is_some_and(|t| t.iter().any(|(_, i)| inline(Some(i))));
        if inline(services) || inline_service {
            let span = services.and_then(Item::span);
            return Err(parse_error(
                path,
                text,
                span,
                "write services as [services.<name>] tables for stack to edit them",
            ));
        }
        Ok((Editor { doc }, config))
    }

    /// A new file for a project in directory `dir`.
    pub fn create(dir: &Path) -> Editor {
        let mut doc = DocumentMut::new();
        let mut stack = Table::new();
        stack.insert("version", value(1));
        stack.insert("project", value(new_project_id(dir)));
        doc.insert("stack", Item::Table(stack));
        Editor { doc }
    }

    pub fn project(&self) -> &str {
        self.doc["stack"]["project"].as_str().unwrap_or_default()
    }

    /// Records that `service` holds `slots` for `env`, keeping whatever else the table holds.
    pub fn record_service(
        &mut self,
        service: &str,
        provider: &str,
        slots: &[&str],
        env: &str,
        mcp: Option<&str>,
    ) {
        let services = self.services_mut();
        if !services.contains_key(service) {
            services.insert(service, Item::Table(Table::new()));
        }
        let table = services[service]
            .as_table_like_mut()
            .expect("a service is a table (checked by the typed read)");
        // Only what changes is rewritten, so a comment on an unchanged line stays.
        if table.get("provider").and_then(Item::as_str) != Some(provider) {
            table.insert("provider", value(provider));
        }
        let mut secrets = Array::new();
        slots.iter().for_each(|s| secrets.push(*s));
        match table.get_mut("secrets").and_then(Item::as_array_mut) {
            Some(old)
                if old
                    .iter()
                    .map(|v| v.as_str())
                    .eq(slots.iter().map(|s| Some(*s))) => {}
            _ => {
                table.insert("secrets", value(secrets));
            }
        }
        match table.get_mut("environments").and_then(Item::as_array_mut) {
            Some(envs) => {
                if !envs.iter().any(|e| e.as_str() == Some(env)) {
                    envs.push(env);
                }
            }
            None => {
                table.insert("environments", value(Array::from_iter([env])));
            }
        }
        match mcp {
            Some(name) if table.get("mcp").and_then(Item::as_str) != Some(name) => {
                table.insert("mcp", value(name));
            }
            Some(_) => {}
            None => {
                table.remove("mcp");
            }
        }
    }

    pub fn remove_service(&mut self, service: &str) {
        self.services_mut().remove(service);
    }

    fn services_mut(&mut self) -> &mut Table {
        if !self.doc.contains_key("services") {
            let mut t = Table::new();
            t.set_implicit(true);
            self.doc.insert("services", Item::Table(t));
        }
        self.doc["services"]
            .as_table_mut()
            .expect("services is a table (checked by the typed read)")
    }

    pub fn render(&self) -> String {
        self.doc.to_string()
    }
}

/// The directory's name, made safe, plus a short random suffix: stable once written.
fn new_project_id(dir: &Path) -> String {
    let base: String = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("project")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    // Room for the suffix within MAX_NAME, however long the directory's name.
    let base = base[..base.len().min(MAX_NAME - 7)].trim_matches('-');
    let base = if base.is_empty() { "project" } else { base };
    format!("{base}-{:06x}", crate::random_u64() & 0xff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER_FILE: &str = r#"# my project
[stack]
version = 1
project = "app-abc123"   # keep me

# auth goes here
[services.workos]
provider = "workos"       # pinned
secrets = ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"]
environments = ["dev"]
mcp = "workos"            # ours
owner = "alice"          # unknown key

[tool.other]
x = 1
"#;

    #[test]
    fn edits_keep_comments_order_and_unknown_keys() {
        let path = Path::new(FILE);
        let (mut ed, config) = Editor::parse(path, USER_FILE).unwrap();
        assert_eq!(config.services["workos"].environments, ["dev"]);
        ed.record_service(
            "workos",
            "workos",
            &["WORKOS_API_KEY", "WORKOS_CLIENT_ID"],
            "prod",
            Some("workos"),
        );
        let out = ed.render();
        let expected = USER_FILE.replace(r#"["dev"]"#, r#"["dev", "prod"]"#);
        assert_eq!(out, expected);
        ed.remove_service("workos");
        let out = ed.render();
        assert!(out.starts_with("# my project\n[stack]"));
        assert!(out.contains("project = \"app-abc123\"   # keep me"));
        assert!(out.contains("[tool.other]\nx = 1"));
        assert!(!out.contains("workos"));
    }

    #[test]
    fn new_file_has_a_stable_looking_project_id() {
        let ed = Editor::create(Path::new("/tmp/My App"));
        let id = ed.project().to_string();
        assert!(id.starts_with("my-app-"), "{id}");
        assert_eq!(id.len(), "my-app-".len() + 6);
        let mut ed = ed;
        ed.record_service("workos", "workos", &["A"], "dev", None);
        let text = ed.render();
        let config = parse(Path::new(FILE), &text).unwrap();
        assert_eq!(config.stack.project, id);
        assert!(text.contains("[services.workos]"), "{text}");
        assert!(!text.contains("[services]\n"), "{text}");
    }

    #[test]
    fn inline_service_tables_are_refused_not_mangled() {
        let text = "[stack]\nversion = 1\nproject = \"p\"\n[services]\nworkos = { provider = \"workos\" }\n";
        let err = Editor::parse(Path::new(FILE), text).err().unwrap();
        assert!(err.message.contains("[services.<name>]"), "{}", err.message);
    }

    #[test]
    fn escape_shows_controls_and_invisible_characters_and_keeps_the_rest() {
        assert_eq!(escape("app-1 é 日本"), "app-1 é 日本");
        assert_eq!(
            escape("a\u{1b}[2J\n\r\t\u{7f}\u{9b}\u{202e}é"),
            r"a\x1b[2J\n\r\t\x7f\u{9b}\u{202e}é"
        );
    }

    #[test]
    fn malformed_files_name_line_and_column() {
        let err = parse(
            Path::new(".stack.toml"),
            "[stack]\nversion = 1\nproject = \n",
        )
        .unwrap_err();
        assert!(err.message.starts_with(".stack.toml:3:"), "{}", err.message);
        let err = parse(Path::new(".stack.toml"), "[stack]\nversion = 1\n").unwrap_err();
        assert!(err.message.contains("project"), "{}", err.message);
    }
}
