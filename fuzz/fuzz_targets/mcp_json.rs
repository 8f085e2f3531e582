//! `.mcp.json` editor: any text is read or refused with `.mcp.json:LINE:COL:` (never a
//! panic); on a file it accepts, an edit changes only the edited server and leaves JSON
//! that parses again, and adding an entry after other servers then removing it gives back
//! the same bytes.

#![no_main]

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use stack::mcp::{Added, McpFile};

const NAMES: [&str; 4] = ["workos", "stripe", "mine", "work\"os"];

#[derive(Arbitrary, Debug)]
struct Op {
    add: bool,
    name: u8,
}

/// The entry stack writes for `name`.
fn ours(name: &str) -> Map<String, Value> {
    let mut entry = Map::new();
    entry.insert("type".into(), "http".into());
    entry.insert(
        "url".into(),
        format!("https://mcp.{name}.example/mcp").into(),
    );
    entry
}

/// The file's top-level keys and servers as serde_json reads them, without `name`; `None`
/// when a number is beyond what serde_json's Value holds (stack accepts it all the same).
fn without(text: &str, name: &str) -> Option<Value> {
    let mut value: Value = serde_json::from_str(text).ok()?;
    if let Some(servers) = value.get_mut("mcpServers").and_then(Value::as_object_mut) {
        servers.shift_remove(name);
        if servers.is_empty() {
            value.as_object_mut()?.shift_remove("mcpServers");
        }
    }
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    let Some((text, ops)) = stack_fuzz::split(data) else {
        return;
    };
    let ops = Vec::<Op>::arbitrary_take_rest(Unstructured::new(ops)).unwrap_or_default();
    let path = Path::new(".mcp.json");
    let mut file = match McpFile::parse(path, Some(text)) {
        Ok(file) => file,
        Err(e) => {
            // A refusal names file, line and column; a file serde_json reads as an object is
            // refused only for its mcpServers.
            assert!(
                stack_fuzz::names_position(&e.message, ".mcp.json"),
                "{}",
                e.message
            );
            if let Ok(Value::Object(_)) = serde_json::from_str::<Value>(text) {
                assert!(e.message.contains("mcpServers"), "{text:?}: {}", e.message);
            }
            return;
        }
    };
    for op in &ops {
        let name = NAMES[usize::from(op.name) % NAMES.len()];
        let entry = ours(name);
        let before = file.render();
        let result = if op.add {
            file.add(name, &entry).map(|added| added == Added::Written)
        } else {
            file.remove(name, &entry)
        };
        let changed = match result {
            Ok(changed) => changed,
            Err(e) => {
                // Only a name written twice is refused, at its position.
                assert!(
                    stack_fuzz::names_position(&e.message, ".mcp.json"),
                    "{}",
                    e.message
                );
                assert_eq!(file.render(), before);
                continue;
            }
        };
        let after = file.render();
        if !changed {
            assert_eq!(after, before);
            continue;
        }
        // Only the edited server changed, and the file reads again.
        assert_eq!(
            without(&after, name),
            without(&before, name),
            "{before:?} -> {after:?}"
        );
        let mut again = McpFile::parse(path, Some(&after))
            .unwrap_or_else(|e| panic!("{before:?} -> {after:?}: {}", e.message));
        assert!(again.has(name) == op.add, "{before:?} -> {after:?}");
        if op.add {
            // Taking out what was just added gives the bytes back, when it went in after
            // another server (into an empty object, the whitespace inside is stack's).
            assert_eq!(again.remove(name, &entry).ok(), Some(true));
            let read: Option<Value> = serde_json::from_str(&before).ok();
            let servers = read.as_ref().and_then(|v| v["mcpServers"].as_object());
            if servers.is_some_and(|s| !s.is_empty()) {
                assert_eq!(again.render(), before);
            }
        }
    }
});
