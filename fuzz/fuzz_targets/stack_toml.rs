//! `.stack.toml` editor: any text either is refused with `.stack.toml:…` or parses; random
//! edits of a parsed file re-parse, say what was recorded, and leave the user's other
//! content (other tables, other services, unknown keys, comments, order) exactly as it was.

#![no_main]

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use stack::project::{self, Editor};
use toml_edit::{DocumentMut, Item};

const SERVICES: [&str; 4] = ["workos", "stripe", "a-b", "openai"];
const SLOTS: [&str; 4] = ["WORKOS_API_KEY", "WORKOS_CLIENT_ID", "STRIPE_KEY", "X"];
const ENVS: [&str; 3] = ["dev", "prod", "staging"];
/// The keys stack writes in a service table; any other is the user's.
const OURS: [&str; 4] = ["provider", "secrets", "environments", "mcp"];

#[derive(Arbitrary, Debug)]
enum Op {
    Record {
        service: u8,
        provider: u8,
        slots: u8,
        env: u8,
        mcp: Option<u8>,
    },
    Remove {
        service: u8,
    },
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[usize::from(i) % list.len()]
}

/// A table item as text, with the decor of its header and of each of its keys.
fn show(item: &Item) -> String {
    let mut doc = DocumentMut::new();
    doc.insert("t", item.clone());
    doc.to_string()
}

fuzz_target!(|data: &[u8]| {
    let Some((text, ops)) = stack_fuzz::split(data) else {
        return;
    };
    let ops = Vec::<Op>::arbitrary_take_rest(Unstructured::new(ops)).unwrap_or_default();
    let path = Path::new(project::FILE);
    let (mut editor, config) = match Editor::parse(path, text) {
        Ok(parsed) => parsed,
        Err(e) => {
            assert!(e.message.starts_with(project::FILE), "{}", e.message);
            return;
        }
    };
    let original: DocumentMut = text.parse().expect("Editor::parse accepted it");
    let mut touched = std::collections::HashSet::new();
    // Removed at some point: a table re-recorded afterwards starts anew.
    let mut removed = std::collections::HashSet::new();
    // What the typed read must say afterwards.
    let mut want = config.services.clone();
    for op in &ops {
        match *op {
            Op::Record {
                service,
                provider,
                slots,
                env,
                mcp,
            } => {
                let service = pick(&SERVICES, service);
                let provider = pick(&SERVICES, provider);
                let slots: Vec<&str> = SLOTS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| slots & (1 << i) != 0)
                    .map(|(_, s)| *s)
                    .collect();
                let env = pick(&ENVS, env);
                let mcp = mcp.map(|m| pick(&SERVICES, m));
                editor.record_service(service, provider, &slots, env, mcp);
                touched.insert(service);
                let entry = want.entry(service.to_string()).or_default();
                entry.provider = provider.to_string();
                entry.secrets = slots.iter().map(|s| s.to_string()).collect();
                if !entry.has_env(env) {
                    entry.environments.push(env.to_string());
                }
                entry.mcp = mcp.map(str::to_string);
            }
            Op::Remove { service } => {
                let service = pick(&SERVICES, service);
                editor.remove_service(service);
                touched.insert(service);
                removed.insert(service);
                want.shift_remove(service);
            }
        }
    }
    let text = editor.render();
    let (_, after) = Editor::parse(path, &text)
        .unwrap_or_else(|e| panic!("an edit broke the file:\n{text}\n{}", e.message));
    assert_eq!(after.stack.project, config.stack.project);
    // Compared as maps: where a new table lands is toml_edit's choice.
    assert_eq!(after.services, want, "{text}");

    let edited: DocumentMut = text.parse().expect("re-parsed above");
    // Every other top-level item is kept, rendered the same, in the same order.
    let keys = |d: &DocumentMut| -> Vec<String> {
        d.iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| k != "services")
            .collect()
    };
    assert_eq!(keys(&edited), keys(&original), "{text}");
    for (key, item) in original.iter().filter(|(k, _)| *k != "services") {
        assert_eq!(show(&edited[key]), show(item), "{key} in\n{text}");
    }
    assert_eq!(
        edited.trailing().as_str(),
        original.trailing().as_str(),
        "trailing comments"
    );
    let Some(services) = original.get("services").and_then(Item::as_table) else {
        return;
    };
    // With its last service removed, a `services` made of dotted keys is gone altogether.
    let Some(after_services) = edited.get("services").and_then(Item::as_table) else {
        assert!(services.iter().all(|(k, _)| removed.contains(k)), "{text}");
        return;
    };
    // Untouched services are kept verbatim and in order; touched ones keep the user's keys.
    let untouched = |t: &toml_edit::Table| -> Vec<String> {
        t.iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| !touched.contains(k.as_str()))
            .collect()
    };
    assert_eq!(untouched(after_services), untouched(services), "{text}");
    for (name, item) in services.iter() {
        let Some(now) = after_services.get(name) else {
            continue;
        };
        if !touched.contains(name) {
            assert_eq!(show(now), show(item), "service {name} in\n{text}");
            continue;
        }
        if removed.contains(name) {
            continue;
        }
        let (Some(old), Some(now)) = (item.as_table(), now.as_table()) else {
            continue;
        };
        for (key, value) in old.iter().filter(|(k, _)| !OURS.contains(k)) {
            assert_eq!(
                now.get(key).map(show),
                Some(show(value)),
                "{name}.{key} in\n{text}"
            );
        }
    }
});
