//! `.env` reader and editor: any text is read or refused with `.env:LINE:COL:` (never a
//! panic); a file the editor accepts stays valid after any edit, the edit changes the edited
//! key's assignment only (every other assignment, comment and byte before it is kept), and
//! the reader then sees the reference.

#![no_main]

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use stack::dotenv::{self, DotEnv, Line};

const KEYS: [&str; 5] = ["A", "B", "WORKOS_API_KEY", "NEW_KEY", "x.y"];

#[derive(Arbitrary, Debug)]
enum Op<'a> {
    Set {
        key: u8,
        stored: Option<&'a str>,
        replace_plain: bool,
    },
    Remove {
        key: u8,
    },
}

/// The byte offset where 1-based `line` starts; lines end at `\n`, `\r\n` or a bare `\r`.
fn line_start(text: &str, line: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        start = match text[start..].find(['\n', '\r']).map(|i| start + i) {
            None => return text.len(),
            Some(i) if text[i..].starts_with("\r\n") => i + 2,
            Some(i) => i + 1,
        };
    }
    start
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fuzz_target!(|data: &[u8]| {
    let Some((text, ops)) = stack_fuzz::split(data) else {
        return;
    };
    let ops = Vec::<Op>::arbitrary_take_rest(Unstructured::new(ops)).unwrap_or_default();
    let path = Path::new(".env");
    let read = dotenv::read(path, text);
    if let Err(e) = &read {
        assert!(
            stack_fuzz::names_position(&e.message, ".env"),
            "{}",
            e.message
        );
    }
    let mut file = match DotEnv::parse(path, text) {
        Ok(file) => file,
        Err(e) => {
            assert!(
                stack_fuzz::names_position(&e.message, ".env"),
                "{}",
                e.message
            );
            // The reader is the stricter of the two, except for a byte-order mark it skips.
            assert!(read.is_err() || text.starts_with('\u{feff}'), "{:?}", text);
            return;
        }
    };
    // What the editor sees is what the reader reads: the last assignment of each key.
    if let Ok(pairs) = &read {
        for key in KEYS {
            let last = pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.expose());
            let want = match last {
                None => Line::Absent,
                Some(v) if v.starts_with(dotenv::SCHEME) => Line::Reference(v.to_string()),
                Some(v) => Line::Plain(v.to_string()),
            };
            assert_eq!(file.get(key), want, "{key}");
        }
    }
    for op in &ops {
        let before = file.render().to_string();
        let values: Vec<Line> = KEYS.iter().map(|k| file.get(k)).collect();
        let pairs = dotenv::read(path, &before).ok();
        let (key, changed) = match *op {
            Op::Set {
                key,
                stored,
                replace_plain,
            } => {
                let key = KEYS[usize::from(key) % KEYS.len()];
                let reference = dotenv::reference("svc", key);
                let line = file.line_of(key);
                let changed = file.set_reference(key, &reference, stored, replace_plain);
                let after = file.render();
                if !changed {
                    assert_eq!(after, before);
                } else if let Some(line) = line {
                    // The edit starts at the key's line: nothing before it moved.
                    assert!(common_prefix(&before, after) >= line_start(&before, line));
                } else {
                    // A new key is appended after everything else.
                    assert!(after.starts_with(&before), "{before:?} -> {after:?}");
                }
                if changed {
                    assert_eq!(file.get(key), Line::Reference(reference.clone()));
                }
                (key, changed)
            }
            Op::Remove { key } => {
                let key = KEYS[usize::from(key) % KEYS.len()];
                let reference = dotenv::reference("svc", key);
                let changed = file.remove_reference(key, &reference);
                let after = file.render();
                if changed {
                    // One entry cut out, from the start of a line.
                    let start = common_prefix(&before, after);
                    let cut = before.len() - after.len();
                    assert_eq!(
                        format!("{}{}", &before[..start], &before[start + cut..]),
                        after
                    );
                } else {
                    assert_eq!(after, before);
                }
                (key, changed)
            }
        };
        let after = file.render().to_string();
        let reparsed = DotEnv::parse(path, &after)
            .unwrap_or_else(|e| panic!("{before:?} -> {after:?}: {}", e.message));
        for (k, old) in KEYS.iter().zip(&values) {
            assert_eq!(&file.get(k), &reparsed.get(k), "{k}");
            if *k != key || !changed {
                assert_eq!(&reparsed.get(k), old, "{k}: {before:?} -> {after:?}");
            }
        }
        // The reader sees the same assignments, but for the edited one.
        let others = |p: &[(String, stack::Secret)]| -> Vec<(String, String)> {
            p.iter()
                .filter(|(k, _)| k != key)
                .map(|(k, v)| (k.clone(), v.expose().to_string()))
                .collect()
        };
        match (pairs, dotenv::read(path, &after)) {
            (Some(old), Ok(new)) => {
                assert_eq!(others(&new), others(&old), "{before:?} -> {after:?}")
            }
            (Some(_), Err(e)) => panic!("{before:?} -> {after:?}: {}", e.message),
            (None, _) => {}
        }
    }
});
