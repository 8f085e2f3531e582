//! `stack remove`, `stack list` and usage errors: what is deleted, what is kept, and the
//! exit codes of contract §5.

use crate::common::*;

use serde_json::{Value, json};

const USER_ENV: &str =
    "# local settings\nDATABASE_URL=postgres://localhost/app\n\nDEBUG=1 # noisy\n";
const USER_MCP: &str = r#"{
  "mcpServers": {
    "mine": {
      "command": "my-server",
      "args": ["--port", "9000"]
    }
  },
  "theme": "dark"
}
"#;

/// A project whose `.env` and `.mcp.json` hold the user's own content, then WorkOS added
/// for dev and prod, then the user's comments and another table added to `.stack.toml`.
fn project_with_user_content() -> TestEnv {
    require_keyring();
    let env = TestEnv::new();
    env.write(".env", USER_ENV);
    env.write(".mcp.json", USER_MCP);
    add_workos(&env, "dev", API_KEY);
    add_workos(&env, "prod", API_KEY_LIVE);
    let toml = env.read(".stack.toml");
    env.write(
        ".stack.toml",
        &format!(
            "# my project's stack\n{toml}\n# settings of another tool\n[tool.other]\nx = 1 # keep\n"
        ),
    );
    env
}

const SLOTS: [&str; 2] = ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"];

/// Every (environment, slot) the project holds in the keychain.
fn stored(env: &TestEnv) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for environment in ["dev", "prod"] {
        for slot in SLOTS {
            if env.keychain_get(environment, slot).is_some() {
                out.push((environment.to_string(), slot.to_string()));
            }
        }
    }
    out
}

fn all_four() -> Vec<(String, String)> {
    ["dev", "prod"]
        .iter()
        .flat_map(|e| SLOTS.iter().map(|s| (e.to_string(), s.to_string())))
        .collect()
}

// ---------------------------------------------------------------------------
// remove

#[test]
fn remove_yes_deletes_every_environments_slots_and_references_but_keeps_the_users_content() {
    let env = project_with_user_content();
    let project_id = env.project_id();
    assert_eq!(stored(&env), all_four(), "add stored dev and prod");

    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    out.assert_code(0);

    assert_eq!(
        stored(&env),
        Vec::<(String, String)>::new(),
        "slots left in the keychain\n{out:?}"
    );
    assert_eq!(
        env.read(".env"),
        USER_ENV,
        ".env should be back to the user's lines"
    );
    assert_eq!(
        env.mcp_json(),
        serde_json::from_str::<Value>(USER_MCP).unwrap(),
        ".mcp.json should hold only the user's servers and keys"
    );
    let toml = env.read(".stack.toml");
    assert!(!toml.contains("workos"), "[services.workos] left:\n{toml}");
    for kept in [
        "# my project's stack\n",
        "# settings of another tool\n[tool.other]\nx = 1 # keep\n",
        &format!("project = \"{project_id}\""),
    ] {
        assert!(toml.contains(kept), "lost {kept:?}:\n{toml}");
    }
}

#[test]
fn remove_keep_secrets_leaves_the_keychain_items_but_removes_the_references() {
    let env = project_with_user_content();
    let out = run(&mut env.stack(&["remove", "workos", "--yes", "--keep-secrets"]));
    out.assert_code(0);
    assert_eq!(stored(&env), all_four(), "--keep-secrets deleted slots");
    assert_eq!(env.read(".env"), USER_ENV);
    assert!(!env.read(".stack.toml").contains("workos"));
    assert!(env.mcp_json()["mcpServers"].get("workos").is_none());
    for (environment, slot) in all_four() {
        keychain_clear(&format!("{}/{environment}/{slot}", env.project_id()));
    }
}

#[test]
fn remove_without_a_terminal_and_without_yes_exits_2_and_removes_nothing() {
    let env = project_with_user_content();
    let before = [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f));
    let out = run(&mut env.stack(&["remove", "workos"]));
    out.assert_code(2);
    assert!(out.stderr().contains("--yes"), "{out:?}");
    assert_eq!(stored(&env), all_four(), "slots deleted\n{out:?}");
    let after = [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f));
    assert_eq!(before, after, "files changed\n{out:?}");
}

#[test]
fn remove_on_a_terminal_asks_and_a_no_removes_nothing() {
    let env = project_with_user_content();
    let before = [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f));
    let mut pty = env.pty(&["remove", "workos"]);
    pty.expect("[y/N]");
    pty.send_line("n");
    let (code, rest) = pty.finish();
    assert_eq!(code, 1, "declining is exit 1\n{rest}");
    assert_eq!(stored(&env), all_four(), "slots deleted after answering no");
    let after = [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f));
    assert_eq!(before, after, "files changed after answering no");
}

#[test]
fn remove_on_a_terminal_asks_and_a_yes_removes_the_service() {
    let env = project_with_user_content();
    let mut pty = env.pty(&["remove", "workos"]);
    pty.expect("[y/N]");
    pty.send_line("y");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    assert_eq!(stored(&env), Vec::<(String, String)>::new());
    assert!(!env.read(".stack.toml").contains("workos"));
}

#[test]
fn removing_an_unknown_service_exits_2_with_a_hint_to_run_stack_list() {
    let env = project_with_user_content();
    let before = env.read(".stack.toml");
    let out = run(&mut env.stack(&["remove", "nosuch", "--yes"]));
    out.assert_code(2);
    let stderr = out.stderr();
    assert!(stderr.contains("nosuch"), "{out:?}");
    assert!(stderr.contains("stack list"), "{out:?}");
    assert_eq!(env.read(".stack.toml"), before);
    assert_eq!(stored(&env), all_four());
}

#[test]
fn remove_without_a_stack_toml_exits_2_with_a_hint_to_run_stack_add() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    out.assert_code(2);
    assert!(out.stderr().contains("stack add"), "{out:?}");
    assert_eq!(
        env.try_read(".stack.toml"),
        None,
        "remove created a project"
    );
}

#[test]
fn remove_leaves_a_workos_mcp_entry_the_user_changed() {
    let env = project_with_user_content();
    let mut mcp = env.mcp_json();
    mcp["mcpServers"]["workos"]["url"] = json!("https://mcp.example.test/my-proxy");
    env.write(".mcp.json", &serde_json::to_string_pretty(&mcp).unwrap());
    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    out.assert_code(0);
    assert_eq!(
        env.mcp_json()["mcpServers"]["workos"],
        json!({"type": "http", "url": "https://mcp.example.test/my-proxy"}),
        "the user's entry was deleted or changed\n{out:?}"
    );
    assert!(env.mcp_json()["mcpServers"].get("mine").is_some());
    assert!(out.stderr().contains(".mcp.json"), "no warning\n{out:?}");
    assert_eq!(stored(&env), Vec::<(String, String)>::new());
}

#[test]
fn remove_leaves_a_plaintext_env_value() {
    let env = project_with_user_content();
    let dotenv = env.read(".env");
    let reference = "WORKOS_CLIENT_ID=stack://workos/WORKOS_CLIENT_ID";
    assert!(
        dotenv.contains(reference),
        "add wrote no reference:\n{dotenv}"
    );
    env.write(
        ".env",
        &dotenv.replace(reference, &format!("WORKOS_CLIENT_ID={CLIENT_ID}")),
    );
    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    out.assert_code(0);
    let after = env.read(".env");
    assert!(
        after.contains(&format!("WORKOS_CLIENT_ID={CLIENT_ID}\n")),
        "the plaintext line was deleted:\n{after}"
    );
    assert!(!after.contains("stack://"), "references left:\n{after}");
    assert!(after.starts_with(USER_ENV), "user lines lost:\n{after}");
    assert!(
        out.stderr().contains("WORKOS_CLIENT_ID"),
        "no warning\n{out:?}"
    );
}

// ---------------------------------------------------------------------------
// list

/// WorkOS added for dev, then its API key deleted behind stack's back.
fn project_missing_the_api_key() -> TestEnv {
    require_keyring();
    let env = TestEnv::new();
    add_workos(&env, "dev", API_KEY);
    keychain_clear(&format!("{}/dev/WORKOS_API_KEY", env.project_id()));
    env
}

#[test]
fn list_shows_which_slots_are_present_and_which_are_missing() {
    let env = project_missing_the_api_key();
    let out = run(&mut env.stack(&["list"]));
    out.assert_code(0);
    let stdout = out.stdout();
    assert!(stdout.contains(&env.project_id()), "{out:?}");
    assert!(stdout.contains("workos"), "{out:?}");
    let state = |slot: &str| {
        stdout
            .lines()
            .find(|l| l.contains(slot))
            .unwrap_or_else(|| panic!("{slot} not listed\n{out:?}"))
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(state("WORKOS_API_KEY"), "missing", "{out:?}");
    assert_eq!(state("WORKOS_CLIENT_ID"), "present", "{out:?}");
}

#[test]
fn list_json_is_one_document_with_the_contract_shape() {
    let env = project_missing_the_api_key();
    let out = run(&mut env.stack(&["list", "--json"]));
    out.assert_code(0);
    // from_str rejects anything after the document: stdout holds the JSON and nothing else.
    let doc: Value = serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{out:?}"));
    assert_eq!(doc["project"], json!(env.project_id()), "{doc:#}");
    assert_eq!(doc["environment"], json!("dev"), "{doc:#}");
    assert_eq!(
        doc["services"],
        json!([{
            "name": "workos",
            "provider": "workos",
            "slots": [
                {"name": "WORKOS_API_KEY", "present": false},
                {"name": "WORKOS_CLIENT_ID", "present": true}
            ]
        }]),
        "{doc:#}"
    );
}

#[test]
fn list_env_prod_shows_a_dev_only_project_as_missing() {
    let env = project_missing_the_api_key();
    let out = run(&mut env.stack(&["list", "--json", "--env", "prod"]));
    out.assert_code(0);
    let doc: Value = serde_json::from_str(&out.stdout()).expect("one JSON document");
    assert_eq!(doc["environment"], json!("prod"));
    let present: Vec<&Value> = doc["services"][0]["slots"]
        .as_array()
        .expect("slots array")
        .iter()
        .map(|s| &s["present"])
        .collect();
    assert_eq!(present, [&json!(false), &json!(false)], "{doc:#}");
}

#[test]
fn list_with_a_malformed_stack_toml_exits_2_naming_file_line_and_column() {
    let env = TestEnv::new();
    let text = "# mine\n[stack]\nversion = 1\nproject = \"app\n";
    env.write(".stack.toml", text);
    let out = run(&mut env.stack(&["list"]));
    out.assert_code(2);
    let stderr = out.stderr();
    let column = stderr
        .split_once(".stack.toml:4:")
        .and_then(|(_, rest)| rest.chars().next());
    assert!(
        column.is_some_and(|c| c.is_ascii_digit()),
        "no .stack.toml:4:COL in the error\n{out:?}"
    );
    assert_eq!(out.stdout(), "", "{out:?}");
    assert_eq!(
        env.read(".stack.toml"),
        text,
        "the malformed file was rewritten"
    );
}

#[test]
fn list_without_a_stack_toml_exits_2_with_a_hint_to_run_stack_add() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["list"]));
    out.assert_code(2);
    assert!(out.stderr().contains("stack add"), "{out:?}");
    assert_eq!(out.stdout(), "", "{out:?}");
}

// ---------------------------------------------------------------------------
// usage errors

#[test]
fn bad_flags_and_missing_arguments_exit_2() {
    let env = TestEnv::new();
    for args in [
        &["list", "--no-such-flag"][..],
        &["remove"][..],
        &["--color", "sometimes", "list"][..],
        &["--vault", "nosuch", "list"][..],
        &["no-such-command"][..],
        &["list", "--env", "bad/name"][..],
        &["completion", "tcsh"][..],
    ] {
        let out = run(&mut env.stack(args));
        assert_eq!(out.code(), 2, "stack {args:?}\n{out:?}");
        assert!(out.stderr().contains("error"), "stack {args:?}\n{out:?}");
        assert_eq!(out.stdout(), "", "stack {args:?}\n{out:?}");
    }
}
