//! `stack env` (issue 5, item 3): the project's slots with masked previews; values only
//! with `--reveal`, on a terminal, after a confirmation.

use crate::common::*;
use serde_json::{Value, json};

/// A project with WorkOS added for `dev` with the fake constants.
#[track_caller]
fn assert_no_value(out: &Output) {
    for value in [API_KEY, CLIENT_ID] {
        assert!(
            !out.stdout().contains(value) && !out.stderr().contains(value),
            "a value was printed:\n{out:?}"
        );
    }
}

#[test]
fn json_lists_every_slot_with_a_masked_preview() {
    let env = project_with_workos();
    let out = run(&mut env.stack(&["env", "--json"]));
    out.assert_code(0);
    assert_no_value(&out);
    let doc: Value = serde_json::from_str(&out.stdout()).expect("one JSON document");
    assert_eq!(
        doc,
        json!({
            "project": env.project_id(),
            "environment": "dev",
            "vault": "keychain",
            "slots": [
                {"service": "workos", "name": "WORKOS_API_KEY", "present": true,
                 "preview": "sk_test_…0001"},
                {"service": "workos", "name": "WORKOS_CLIENT_ID", "present": true,
                 "preview": "…0001"},
            ],
        })
    );
}

#[test]
fn an_environment_without_values_shows_them_missing() {
    let env = project_with_workos();
    let out = run(&mut env.stack(&["env", "--json", "--env", "staging"]));
    out.assert_code(0);
    let doc: Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(doc["environment"], "staging");
    for slot in doc["slots"].as_array().unwrap() {
        assert_eq!(slot["present"], false, "{slot}");
        assert_eq!(slot["preview"], Value::Null, "{slot}");
    }
}

#[test]
fn the_table_names_service_slot_state_and_preview() {
    let env = project_with_workos();
    let out = run(&mut env.stack(&["env"]));
    out.assert_code(0);
    assert_no_value(&out);
    let stdout = out.stdout();
    assert!(stdout.contains("keychain vault"), "{out:?}");
    let line = stdout
        .lines()
        .find(|l| l.contains("WORKOS_API_KEY"))
        .expect("a line for the key");
    assert!(
        line.contains("workos") && line.contains("present") && line.contains("sk_test_…0001"),
        "{line}"
    );
}

#[test]
fn reveal_without_a_terminal_is_a_usage_error() {
    let env = project_with_workos();
    for args in [&["env", "--reveal"][..], &["env", "--reveal", "--json"]] {
        let out = run(&mut env.stack(args));
        out.assert_code(2);
        assert_no_value(&out);
        assert!(out.stderr().contains("terminal"), "{out:?}");
    }
}

#[test]
fn reveal_in_ci_is_refused_even_on_a_terminal() {
    require_keyring();
    let env = TestEnv::new().env_var("CI", "true");
    add_workos(&env, "dev", API_KEY);
    let (code, rest) = env.pty(&["env", "--reveal"]).finish();
    assert_eq!(code, 2, "{rest}");
    assert!(!rest.contains(API_KEY), "{rest}");
}

#[test]
fn reveal_on_a_terminal_asks_and_declining_prints_nothing() {
    let env = project_with_workos();
    let mut pty = env.pty(&["env", "--reveal"]);
    pty.expect("[y/N]");
    pty.send_line("n");
    let (code, rest) = pty.finish();
    assert_eq!(code, 1, "{rest}");
    assert!(!rest.contains(API_KEY), "{rest}");
}

#[test]
fn reveal_on_a_terminal_prints_the_values_once_confirmed() {
    let env = project_with_workos();
    let mut pty = env.pty(&["env", "--reveal"]);
    pty.expect("[y/N]");
    pty.send_line("y");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains(API_KEY) && rest.contains(CLIENT_ID), "{rest}");

    let mut pty = env.pty(&["env", "--reveal", "--json"]);
    pty.expect("[y/N]");
    pty.send_line("yes");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(
        rest.contains(&format!("\"value\": \"{API_KEY}\"")),
        "{rest}"
    );
}
