//! SECURITY.md pairs every promise with the test that checks it: those tests must exist.

use std::path::Path;

const SECURITY: &str = include_str!("../../SECURITY.md");

/// Whether `path` (from the crate root) defines the test `fn name`: a `#[test]` among the
/// attributes right above it, so a helper of the same name does not count.
fn defines(path: &str, name: &str) -> bool {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_default();
    let needle = format!("fn {name}(");
    text.match_indices(&needle).any(|(at, _)| {
        let before = text[..at].trim_end();
        let before = before.strip_suffix("pub").unwrap_or(before).trim_end();
        // The attribute lines directly above the function, nearest first.
        before
            .lines()
            .rev()
            .map(str::trim)
            .take_while(|line| line.starts_with("#["))
            .any(|line| line == "#[test]")
    })
}

/// The backticked spans of SECURITY.md.
fn spans() -> impl Iterator<Item = &'static str> {
    SECURITY.split('`').skip(1).step_by(2)
}

#[test]
fn every_test_security_md_cites_exists() {
    let mut cited = 0;
    let mut missing = Vec::new();
    for span in spans() {
        let found = if let Some((file, name)) = span.split_once("::") {
            if file.is_empty()
                || file == "file"
                || !file.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                continue; // the format explained, or not a test at all (`::add-mask::`)
            }
            // A module of the `it` binary, or a test binary of its own.
            defines(&format!("tests/it/{file}.rs"), name)
                || defines(&format!("tests/{file}.rs"), name)
        } else if let Some((path, name)) = span.split_once(".rs: ")
            && !path.contains('…')
        {
            defines(&format!("{path}.rs"), name)
        } else if span.starts_with("fuzz/fuzz_targets/") {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(span).is_file()
        } else {
            continue;
        };
        cited += 1;
        if !found {
            missing.push(span);
        }
    }
    assert!(
        cited > 50,
        "only {cited} tests cited: did the format change?"
    );
    assert!(
        missing.is_empty(),
        "SECURITY.md cites tests that do not exist: {missing:#?}"
    );
}

#[test]
fn the_check_tells_a_test_from_a_helper() {
    assert!(defines(
        "tests/it/docs.rs",
        "every_test_security_md_cites_exists"
    ));
    assert!(defines(
        "tests/zeroize.rs",
        "a_secret_and_its_clones_are_wiped_when_dropped"
    ));
    // Helpers, a missing function, a missing file.
    assert!(!defines("tests/it/docs.rs", "defines"));
    assert!(!defines("tests/it/common/mod.rs", "run"));
    assert!(!defines("tests/it/docs.rs", "no_such_test"));
    assert!(!defines(
        "tests/it/no_such_file.rs",
        "every_test_security_md_cites_exists"
    ));
}
