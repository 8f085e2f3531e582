//! Properties of the three project files stack edits (`.stack.toml`, `.env`, `.mcp.json`):
//! random edits keep every line, comment and entry that is not stack's, in order, and the
//! result parses again to what the edits say. scripts/fuzz.sh runs them with many more cases
//! (`PROPTEST_CASES`); the fuzz targets in fuzz/ check the same with coverage guidance.

use std::collections::HashSet;
use std::path::Path;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use stack::dotenv::{self, DotEnv, Line};
use stack::mcp::{Added, McpFile};
use stack::project::{self, Editor, ServiceEntry};

/// Asserts that `want` appear in `text` in this order, each as whole lines.
fn assert_lines_in_order(text: &str, want: &[String]) {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    for w in want {
        match lines[at..].iter().position(|l| l == w) {
            Some(i) => at += i + 1,
            None => panic!("{w:?} is missing or out of order in\n{text}"),
        }
    }
}

/// Asserts that `blocks` appear in `text` in this order, each verbatim.
fn assert_blocks_in_order(text: &str, blocks: &[&str]) {
    let mut at = 0;
    for b in blocks {
        match text[at..].find(b) {
            Some(i) => at += i + b.len(),
            None => panic!("{b:?} is missing or out of order in\n{text:?}"),
        }
    }
}

// ---- .stack.toml ----

const SERVICES: [&str; 4] = ["workos", "stripe", "openai", "a-b"];
const SLOTS: [&str; 4] = [
    "WORKOS_API_KEY",
    "WORKOS_CLIENT_ID",
    "STRIPE_KEY",
    "OPENAI_API_KEY",
];
const ENVS: [&str; 3] = ["dev", "prod", "staging"];

/// A `[services.<name>]` table as a user may have left it: stack's keys (some with a
/// comment after them), then the user's own keys, each maybe under a comment line.
#[derive(Debug, Clone)]
struct ServiceTable {
    name: &'static str,
    leading: Option<String>,
    provider: &'static str,
    slots: Vec<&'static str>,
    envs: Vec<&'static str>,
    mcp: Option<&'static str>,
    ours_comment: Option<String>,
    user: Vec<(Option<String>, &'static str, &'static str)>,
}

impl ServiceTable {
    fn header(&self) -> Vec<String> {
        self.leading
            .iter()
            .cloned()
            .chain([format!("[services.{}]", self.name)])
            .collect()
    }

    fn user_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (comment, key, value) in &self.user {
            out.extend(comment.clone());
            out.push(format!("{key} = {value}"));
        }
        out
    }

    fn render(&self) -> String {
        let list = |items: &[&str]| {
            let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
            format!("[{}]", quoted.join(", "))
        };
        let mut lines = self.header();
        let after = self
            .ours_comment
            .as_ref()
            .map(|c| format!("   {c}"))
            .unwrap_or_default();
        lines.push(format!("provider = {:?}{after}", self.provider));
        lines.push(format!("secrets = {}", list(&self.slots)));
        lines.push(format!("environments = {}", list(&self.envs)));
        if let Some(m) = self.mcp {
            lines.push(format!("mcp = {m:?}"));
        }
        lines.extend(self.user_lines());
        lines.join("\n") + "\n"
    }
}

/// Something else in the file: a table of another tool, kept whole.
#[derive(Debug, Clone)]
struct OtherTable {
    lines: Vec<String>,
}

#[derive(Debug, Clone)]
enum Block {
    Service(ServiceTable),
    Other(OtherTable),
}

#[derive(Debug, Clone)]
enum ProjectEdit {
    Record {
        service: &'static str,
        provider: &'static str,
        slots: Vec<&'static str>,
        env: &'static str,
        mcp: Option<&'static str>,
    },
    Remove(&'static str),
}

fn comment() -> impl Strategy<Value = String> {
    "[a-z ]{0,12}".prop_map(|t| format!("# {t}"))
}

fn service_table(name: &'static str) -> impl Strategy<Value = ServiceTable> {
    let user = prop::collection::vec(
        (
            prop::option::of(comment()),
            prop::sample::select(vec!["owner", "team", "notes", "region"]),
            prop::sample::select(vec!["\"alice\"", "42", "true", "[\"a\", \"b\"]"]),
        ),
        0..3,
    )
    .prop_map(|mut keys| {
        let mut seen = HashSet::new();
        keys.retain(|(_, k, _)| seen.insert(*k));
        keys
    });
    (
        prop::option::of(comment()),
        prop::sample::select(SERVICES.to_vec()),
        prop::sample::subsequence(SLOTS.to_vec(), 0..=SLOTS.len()),
        prop::sample::subsequence(ENVS.to_vec(), 1..=ENVS.len()),
        prop::option::of(prop::sample::select(SERVICES.to_vec())),
        prop::option::of(comment()),
        user,
    )
        .prop_map(
            move |(leading, provider, slots, envs, mcp, ours_comment, user)| ServiceTable {
                name,
                leading,
                provider,
                slots,
                envs,
                mcp,
                ours_comment,
                user,
            },
        )
}

fn other_table(i: usize) -> impl Strategy<Value = OtherTable> {
    (
        prop::option::of(comment()),
        prop::collection::vec(("[a-z]{1,6}", 0..100i32, prop::option::of(comment())), 0..3),
    )
        .prop_map(move |(leading, keys)| {
            let mut lines: Vec<String> = leading.into_iter().collect();
            lines.push(format!("[tool.t{i}]"));
            let mut seen = HashSet::new();
            for (key, value, after) in keys {
                if seen.insert(key.clone()) {
                    let after = after.map(|c| format!(" {c}")).unwrap_or_default();
                    lines.push(format!("{key} = {value}{after}"));
                }
            }
            OtherTable { lines }
        })
}

/// A user's `.stack.toml`: comments, `[stack]`, then services and other tables in any
/// order, then maybe a closing comment.
fn stack_file() -> impl Strategy<Value = (Vec<String>, Vec<Block>, Option<String>)> {
    let services =
        prop::sample::subsequence(SERVICES.to_vec(), 0..=SERVICES.len()).prop_flat_map(|names| {
            names
                .into_iter()
                .map(|n| service_table(n).prop_map(Block::Service).boxed())
                .collect::<Vec<_>>()
        });
    let others = (0..3usize).prop_flat_map(|n| {
        (0..n)
            .map(|i| other_table(i).prop_map(Block::Other).boxed())
            .collect::<Vec<_>>()
    });
    (
        prop::collection::vec(comment(), 0..2),
        (services, others).prop_flat_map(|(s, o)| Just([s, o].concat()).prop_shuffle()),
        prop::option::of(comment()),
    )
}

fn project_edit() -> impl Strategy<Value = ProjectEdit> {
    let service = prop::sample::select(SERVICES.to_vec());
    prop_oneof![
        3 => (
            service.clone(),
            prop::sample::select(SERVICES.to_vec()),
            prop::sample::subsequence(SLOTS.to_vec(), 0..=SLOTS.len()),
            prop::sample::select(ENVS.to_vec()),
            prop::option::of(prop::sample::select(SERVICES.to_vec())),
        )
            .prop_map(|(service, provider, slots, env, mcp)| ProjectEdit::Record {
                service,
                provider,
                slots,
                env,
                mcp,
            }),
        1 => service.prop_map(ProjectEdit::Remove),
    ]
}

proptest! {
    #[test]
    fn stack_toml_edits_keep_the_users_lines_and_round_trip(
        (top, blocks, closing) in stack_file(),
        edits in prop::collection::vec(project_edit(), 0..8),
    ) {
        let stack = ["[stack]", "version = 1", "project = \"app-abc123\"   # keep me"];
        let mut text: String = top.iter().map(|c| format!("{c}\n")).collect();
        text.push_str(&stack.join("\n"));
        text.push('\n');
        for block in &blocks {
            text.push('\n');
            match block {
                Block::Service(s) => text.push_str(&s.render()),
                Block::Other(o) => text.push_str(&(o.lines.join("\n") + "\n")),
            }
        }
        if let Some(c) = &closing {
            text.push_str(&format!("\n{c}\n"));
        }
        let path = Path::new(project::FILE);
        let (mut editor, config) = Editor::parse(path, &text).expect("a valid file");
        let mut want = config.services.clone();
        let mut touched = HashSet::new();
        let mut removed = HashSet::new();
        for edit in &edits {
            match edit {
                ProjectEdit::Record { service, provider, slots, env, mcp } => {
                    editor.record_service(service, provider, slots, env, *mcp);
                    touched.insert(*service);
                    // Environments accumulate; everything else is what was recorded last.
                    let mut environments = want
                        .get(*service)
                        .map(|e| e.environments.clone())
                        .unwrap_or_default();
                    if !environments.iter().any(|e| e == env) {
                        environments.push(env.to_string());
                    }
                    let recorded = ServiceEntry {
                        provider: provider.to_string(),
                        secrets: slots.iter().map(|s| s.to_string()).collect(),
                        environments,
                        mcp: mcp.map(str::to_string),
                    };
                    want.insert(service.to_string(), recorded);
                }
                ProjectEdit::Remove(service) => {
                    editor.remove_service(service);
                    touched.insert(*service);
                    removed.insert(*service);
                    want.shift_remove(*service);
                }
            }
        }
        let out = editor.render();

        // Every line that is not stack's own is still there, in the same order.
        let mut kept: Vec<String> = top.clone();
        kept.extend(stack.iter().map(|l| l.to_string()));
        for block in &blocks {
            match block {
                Block::Other(o) => kept.extend(o.lines.iter().cloned()),
                Block::Service(s) if removed.contains(s.name) => {}
                Block::Service(s) if touched.contains(s.name) => {
                    kept.extend(s.header());
                    kept.extend(s.user_lines());
                }
                Block::Service(s) => kept.extend(s.render().lines().map(str::to_string)),
            }
        }
        kept.extend(closing.clone());
        assert_lines_in_order(&out, &kept);
        if edits.is_empty() {
            prop_assert_eq!(&out, &text);
        }

        // The result parses to what the edits say, and renders back unchanged.
        let (again, after) = Editor::parse(path, &out).expect("an edit keeps the file valid");
        // Compared as maps: where a new table lands is toml_edit's choice.
        prop_assert_eq!(after.services, want);
        prop_assert_eq!(&after.stack.project, "app-abc123");
        prop_assert_eq!(again.render(), out);
    }
}

// ---- .env ----

/// One entry of a `.env`: the text, and the key it assigns (`None` for comments, blanks,
/// and lines that break the file).
#[derive(Debug, Clone)]
struct EnvLine {
    key: Option<&'static str>,
    text: String,
}

const ENV_KEYS: [&str; 5] = ["A", "B", "WORKOS_API_KEY", "NEW_KEY", "x.y"];

/// Lines that dotenv files really hold, and some that break them (the editor must then
/// refuse the file rather than guess).
fn env_line() -> impl Strategy<Value = EnvLine> {
    let key = prop::sample::select(ENV_KEYS.to_vec());
    let prefix = prop::sample::select(vec!["", "export ", "  ", "\texport\t"]);
    let eq = prop::sample::select(vec!["=", " = ", "= "]);
    let value = prop::sample::select(vec![
        "plain",
        "",
        "two words",
        "\"double \\\" quoted\"",
        "'single # not a comment'",
        "\"multi\nline\nA=inside\"",
        "stack://workos/WORKOS_API_KEY",
        "stack://svc/B",
        "x#y",
        "\"touching\"# comment",
    ]);
    let after = prop::sample::select(vec!["", " # note", "\t#tab"]);
    let end = prop::sample::select(vec!["\n", "\r\n"]);
    let assignment =
        (key, prefix, eq, value, after, end).prop_map(|(key, prefix, eq, value, after, end)| {
            EnvLine {
                key: Some(key),
                text: format!("{prefix}{key}{eq}{value}{after}{end}"),
            }
        });
    let other = prop::sample::select(vec![
        "# a comment\n",
        "\n",
        "   \n",
        "#A=commented out\n",
        // Malformed: the file is refused as a whole.
        "no equals sign\n",
        "1BAD=x\n",
        "C=\"open\n",
        "D='x' trailing\n",
        "=x\n",
        "ü=x\n",
        "'unterminated\n",
        // Accepted by the editor, refused by the reader.
        "E=\u{0}\n",
    ])
    .prop_map(|t| EnvLine {
        key: None,
        text: t.to_string(),
    });
    prop_oneof![3 => assignment, 1 => other]
}

#[derive(Debug, Clone)]
enum EnvEdit {
    Set {
        key: &'static str,
        stored: Option<&'static str>,
        replace_plain: bool,
    },
    Remove(&'static str),
}

fn env_edit() -> impl Strategy<Value = EnvEdit> {
    let key = prop::sample::select(ENV_KEYS.to_vec());
    prop_oneof![
        (
            key.clone(),
            prop::option::of(prop::sample::select(vec!["plain", "two words", "x#y"])),
            any::<bool>(),
        )
            .prop_map(|(key, stored, replace_plain)| EnvEdit::Set {
                key,
                stored,
                replace_plain,
            }),
        key.prop_map(EnvEdit::Remove),
    ]
}

proptest! {
    #[test]
    fn dotenv_edits_keep_every_other_line_and_round_trip(
        lines in prop::collection::vec(env_line(), 0..8),
        last_newline in any::<bool>(),
        edits in prop::collection::vec(env_edit(), 0..6),
    ) {
        let mut text: String = lines.iter().map(|l| l.text.as_str()).collect();
        if !last_newline && text.ends_with('\n') {
            text.pop();
        }
        let path = Path::new(".env");
        // Never a panic, whatever the file.
        let read = dotenv::read(path, &text);
        let Ok(mut file) = DotEnv::parse(path, &text) else {
            prop_assert!(read.is_err(), "the reader is the stricter one");
            return Ok(());
        };
        // The reader refuses only a NUL the editor lets through.
        let before = match read {
            Ok(pairs) => Some(pairs),
            Err(_) => {
                prop_assert!(text.contains('\0'), "{:?}", text);
                None
            }
        };
        let mut edited = HashSet::new();
        for edit in &edits {
            let (key, reference) = match edit {
                EnvEdit::Set { key, .. } | EnvEdit::Remove(key) => {
                    (*key, dotenv::reference("svc", key))
                }
            };
            let old = file.get(key);
            let changed = match edit {
                EnvEdit::Set { stored, replace_plain, .. } => {
                    let changed = file.set_reference(key, &reference, *stored, *replace_plain);
                    let replaceable = match &old {
                        Line::Absent | Line::Reference(_) => true,
                        Line::Plain(v) => {
                            v.is_empty() || *replace_plain || *stored == Some(v.as_str())
                        }
                    };
                    if replaceable {
                        prop_assert_eq!(file.get(key), Line::Reference(reference.clone()));
                    } else {
                        prop_assert_eq!(file.get(key), old);
                    }
                    changed
                }
                EnvEdit::Remove(_) => {
                    // An assignment that is exactly the reference goes, even a shadowed one.
                    let pairs = dotenv::read(path, file.render()).unwrap_or_default();
                    let there = pairs.iter().any(|(k, v)| k == key && v.expose() == reference);
                    let changed = file.remove_reference(key, &reference);
                    if before.is_some() {
                        prop_assert_eq!(changed, there);
                    }
                    changed
                }
            };
            if changed {
                edited.insert(key);
            }
        }
        let out = file.render().to_string();

        // The lines of keys no edit changed are all there, verbatim and in order (a line
        // inside a multi-line value moves with it).
        let kept: Vec<&str> = lines
            .iter()
            .filter(|l| l.key.is_none_or(|k| !edited.contains(k)))
            .map(|l| l.text.trim_end_matches(['\r', '\n']))
            .filter(|t| !t.is_empty())
            .collect();
        assert_blocks_in_order(&out, &kept);

        // Read back: the same assignments for every other key, the reference for an
        // edited one; and the editor reads what it wrote.
        if let Some(before) = before {
            let after = dotenv::read(path, &out).expect("an edit keeps the file readable");
            let others = |pairs: &[(String, stack::Secret)]| -> Vec<(String, String)> {
                pairs
                    .iter()
                    .filter(|(k, _)| !edited.contains(k.as_str()))
                    .map(|(k, v)| (k.clone(), v.expose().to_string()))
                    .collect()
            };
            prop_assert_eq!(others(&after), others(&before));
        }
        let again = DotEnv::parse(path, &out).expect("an edit keeps the file valid");
        for key in ENV_KEYS {
            prop_assert_eq!(again.get(key), file.get(key));
        }
        prop_assert_eq!(again.render(), out.as_str());
    }
}

// ---- .mcp.json ----

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        "[a-z ]{0,8}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::vec(("[a-z]{1,5}", inner), 0..3)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// The entries stack writes, by server name.
fn ours(name: &str) -> Map<String, Value> {
    let url = format!("https://mcp.{name}.example/mcp");
    match json!({"type": "http", "url": url}) {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

const MCP_NAMES: [&str; 3] = ["workos", "stripe", "linear"];

/// A user's `.mcp.json`, as `to_string_pretty` writes it: other top-level keys around
/// `mcpServers`, which holds the user's servers (some under a name stack uses) and maybe
/// stack's own entries.
fn mcp_file() -> impl Strategy<Value = Value> {
    let servers = prop::collection::vec(
        (
            prop::sample::select(vec!["mine", "local", "workos", "stripe", "linear"]),
            prop_oneof![
                json_value(),
                prop::sample::select(MCP_NAMES.to_vec()).prop_map(|n| Value::Object(ours(n))),
            ],
        ),
        0..4,
    );
    (
        prop::collection::vec(("[a-z]{1,6}", json_value()), 0..3),
        prop::option::of(servers),
        prop::collection::vec(("[a-z]{1,6}", json_value()), 0..3),
    )
        .prop_map(|(before, servers, after)| {
            let mut root = Map::new();
            for (k, v) in before {
                root.insert(k, v);
            }
            if let Some(servers) = servers {
                let servers: Map<String, Value> = servers
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                root.insert("mcpServers".into(), Value::Object(servers));
            }
            for (k, v) in after {
                root.entry(k).or_insert(v);
            }
            Value::Object(root)
        })
}

proptest! {
    #[test]
    fn mcp_edits_keep_every_other_server_and_key_and_round_trip(
        file in mcp_file(),
        edits in prop::collection::vec(
            (any::<bool>(), prop::sample::select(MCP_NAMES.to_vec())),
            0..6,
        ),
    ) {
        let text = serde_json::to_string_pretty(&file).unwrap() + "\n";
        let path = Path::new(".mcp.json");
        let mut mcp = McpFile::parse(path, Some(&text)).expect("a valid file");
        let servers = |v: &Value| {
            v.get("mcpServers").and_then(Value::as_object).cloned().unwrap_or_default()
        };
        // The model: the servers after each edit.
        let mut want = servers(&file);
        let mut edited = HashSet::new();
        for (add, name) in &edits {
            let entry = ours(name);
            if *add {
                let result = mcp.add(name, &entry).expect("no name twice");
                let expected = match want.get(*name) {
                    None => Added::Written,
                    Some(Value::Object(m)) if *m == entry => Added::AlreadyThere,
                    Some(_) => Added::Foreign,
                };
                if expected == Added::Written {
                    want.insert(name.to_string(), Value::Object(entry.clone()));
                    edited.insert(*name);
                }
                prop_assert_eq!(result, expected);
            } else {
                let removed = mcp.remove(name, &entry).expect("no name twice");
                let expected = want.get(*name) == Some(&Value::Object(entry.clone()));
                if expected {
                    want.shift_remove(*name);
                    edited.insert(*name);
                }
                prop_assert_eq!(removed, expected);
            }
        }
        prop_assert_eq!(mcp.changed(), !edited.is_empty());
        let out = mcp.render();
        let parsed: Value = serde_json::from_str(&out).expect("valid JSON");

        // Every other key and server is kept, with its value and in order.
        let mut root = file.as_object().unwrap().clone();
        let mut got = parsed.as_object().unwrap().clone();
        let got_servers = servers(&parsed);
        root.remove("mcpServers");
        got.remove("mcpServers");
        prop_assert_eq!(got.iter().collect::<Vec<_>>(), root.iter().collect::<Vec<_>>());
        prop_assert_eq!(got_servers.iter().collect::<Vec<_>>(), want.iter().collect::<Vec<_>>());

        // And as text: each line of a top-level key other than mcpServers, and of a server
        // no edit touched, is still there in order.
        let pretty = |k: &str, v: &Value, depth: usize| -> Vec<String> {
            let inner = serde_json::to_string_pretty(v).unwrap();
            let pad = "  ".repeat(depth);
            let mut lines: Vec<String> = inner.lines().map(|l| format!("{pad}{l}")).collect();
            lines[0] = format!("{pad}{k:?}: {}", inner.lines().next().unwrap());
            lines.into_iter().map(|l| l.trim_end_matches(',').to_string()).collect()
        };
        let mut kept = Vec::new();
        for (k, v) in file.as_object().unwrap() {
            if k != "mcpServers" {
                kept.extend(pretty(k, v, 1));
                continue;
            }
            for (name, server) in v.as_object().unwrap() {
                if !edited.contains(name.as_str()) {
                    kept.extend(pretty(name, server, 2));
                }
            }
        }
        let out_lines: Vec<String> =
            out.lines().map(|l| l.trim_end_matches(',').to_string()).collect();
        assert_lines_in_order(&out_lines.join("\n"), &kept);
        if edited.is_empty() {
            prop_assert_eq!(&out, &text);
        }

        // Parsing what was written gives the same file back.
        let again = McpFile::parse(path, Some(&out)).expect("valid");
        prop_assert_eq!(again.render(), out);
    }
}

/// Spellings serde_json would not write back the same way, and a key written twice.
const RAW_MEMBERS: [&str; 7] = [
    "\"n\": 123456789012345678901234567890",
    "\"n\": 1e2",
    "\"n\": -0",
    "\"n\": 1.0",
    "\"n\": [1E+2, 0.10]",
    "\"s\": \"caf\\u00e9 \\/ \\\"q\\\"\"",
    "\"d\": 1, \"d\": 2",
];

/// `file` as a user might lay it out: indented by `unit`, with `\r\n` line ends or not, a
/// final line break or not, and `raw` as the first member of the top level and of every
/// server that is an object.
fn laid_out(file: &Value, unit: &str, crlf: bool, trailing: bool, raw: &str) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(file, &mut ser).unwrap();
    let text = String::from_utf8(out).unwrap();
    // An object's first member line follows its "{" line: put `raw` before it.
    let mut lines: Vec<String> = Vec::new();
    let mut pending_indent: Option<String> = None;
    for line in text.lines() {
        if let Some(indent) = pending_indent.take()
            && !line.trim_start().starts_with('}')
        {
            lines.push(format!("{indent}{raw},"));
        }
        if line.ends_with('{') && (lines.is_empty() || line.trim_start().starts_with('"')) {
            let depth = line.len() - line.trim_start().len();
            pending_indent = Some(format!("{}{unit}", &line[..depth]));
        }
        lines.push(line.to_string());
    }
    let newline = if crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(newline);
    if trailing {
        text.push_str(newline);
    }
    text
}

proptest! {
    #[test]
    fn mcp_add_then_remove_gives_back_the_users_bytes(
        file in mcp_file(),
        unit in prop::sample::select(vec!["  ", "    ", "\t"]),
        crlf in any::<bool>(),
        trailing in any::<bool>(),
        raw in prop::sample::select(RAW_MEMBERS.to_vec()),
        names in prop::sample::subsequence(MCP_NAMES.to_vec(), 0..=3).prop_shuffle(),
        undo in prop::sample::subsequence(MCP_NAMES.to_vec(), 3).prop_shuffle(),
    ) {
        let text = laid_out(&file, unit, crlf, trailing, raw);
        let path = Path::new(".mcp.json");
        let mut mcp = McpFile::parse(path, Some(&text)).expect("a valid file");
        let mut written = Vec::new();
        for name in &names {
            if mcp.add(name, &ours(name)).expect("no name twice") == Added::Written {
                written.push(*name);
            }
        }
        let added = mcp.render();
        let parsed: Value = serde_json::from_str(&added).expect("valid JSON");
        for name in &written {
            prop_assert_eq!(&parsed["mcpServers"][*name], &Value::Object(ours(name)));
            // The entry is laid out like the file.
            let newline = if crlf && text.contains('\n') { "\r\n" } else { "\n" };
            // Learnt from the file's members; two spaces when it has none.
            let has_members = file.as_object().is_some_and(|o| !o.is_empty());
            let unit = if has_members { unit } else { "  " };
            let member = format!("{newline}{unit}{unit}\"{name}\": {{");
            prop_assert!(added.contains(&member), "no {:?} in {:?}", member, added);
        }
        if crlf && text.contains('\n') {
            prop_assert!(!added.replace("\r\n", "").contains('\n'), "a bare \\n in {:?}", added);
        }

        // Removing what was written, in any order, gives the user's bytes back.
        let mut again = McpFile::parse(path, Some(&added)).expect("valid");
        for name in undo.iter().filter(|n| written.contains(n)) {
            prop_assert!(again.remove(name, &ours(name)).expect("no name twice"));
        }
        if file.get("mcpServers").is_some() {
            prop_assert_eq!(again.render(), text);
        }
    }
}
