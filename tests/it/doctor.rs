//! `stack doctor [--fix] [--json] [--env E]` against the WorkOS mock and the real
//! Secret Service: contract §5 exit codes and §6 JSON, issue 2 point 7.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers

/// A project with the mock attached and WorkOS added for `dev` with `key`.
fn project_with(mock: &MockWorkos, key: &str) -> TestEnv {
    require_keyring();
    let env = TestEnv::new().with_mock(mock);
    add_from_env(&env, key, CLIENT_ID, &[]).assert_code(0);
    env
}

/// Runs `cmd` (a `stack doctor --json …`) and parses stdout as exactly one JSON document.
#[track_caller]
fn json_of(cmd: &mut Command) -> (Output, Value) {
    let out = run(cmd);
    let doc: Value = serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e})\n{out:?}"));
    (out, doc)
}

/// `stack doctor --json <extra>` in `env`.
#[track_caller]
fn doctor_json(env: &TestEnv, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["doctor", "--json"];
    args.extend_from_slice(extra);
    json_of(&mut env.stack(&args))
}

/// The only service of the report, which must be `workos`.
#[track_caller]
fn workos(doc: &Value) -> &Value {
    let services = doc["services"].as_array().expect("services is an array");
    assert_eq!(services.len(), 1, "{doc:#}");
    assert_eq!(services[0]["name"], "workos", "{doc:#}");
    &services[0]
}

#[track_caller]
fn status(doc: &Value) -> &str {
    workos(doc)["status"].as_str().expect("status is a string")
}

#[track_caller]
fn detail(doc: &Value) -> &str {
    workos(doc)["detail"].as_str().expect("detail is a string")
}

/// Whether the report says slot `name` is present.
#[track_caller]
fn slot_present(doc: &Value, name: &str) -> bool {
    workos(doc)["slots"]
        .as_array()
        .expect("slots is an array")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no slot {name} in {doc:#}"))["present"]
        .as_bool()
        .expect("present is a bool")
}

fn delete_keychain_item(account: &str) {
    let out = Command::new("secret-tool")
        .args(["clear", "service", "stack", "username", account])
        .output()
        .expect("running secret-tool");
    assert!(out.status.success(), "secret-tool clear failed: {out:?}");
}

/// `.env` without the lines that start with `prefix`.
fn without_lines(text: &str, prefix: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(prefix))
        .map(|l| format!("{l}\n"))
        .collect()
}

// ---------------------------------------------------------------------------
// Healthy

#[test]
fn a_healthy_project_prints_one_json_document_shaped_like_the_contract() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(0);

    let top: Vec<&str> = doc
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    for key in ["ok", "project", "environment", "vault", "services"] {
        assert!(top.contains(&key), "missing key {key:?} in {doc:#}");
    }
    assert_eq!(doc["ok"], true, "{doc:#}");
    assert_eq!(doc["project"], env.project_id().as_str());
    assert_eq!(doc["environment"], "dev");
    assert_eq!(doc["vault"], "keychain");

    let svc = workos(&doc);
    assert_eq!(svc["provider"], "workos");
    assert_eq!(svc["status"], "ok", "{doc:#}");
    assert!(
        svc["detail"].is_string(),
        "detail must be a string: {doc:#}"
    );
    assert!(
        svc["latency_ms"].is_u64(),
        "latency_ms must be a number: {doc:#}"
    );
    let slots: Vec<(&str, bool)> = svc["slots"]
        .as_array()
        .expect("slots is an array")
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["present"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        slots,
        [("WORKOS_API_KEY", true), ("WORKOS_CLIENT_ID", true)],
        "{doc:#}"
    );
}

#[test]
fn a_healthy_project_says_ok_in_plain_words_and_exits_zero() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(0);
    let line = out
        .stdout()
        .lines()
        .find(|l| l.starts_with("workos"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no line for workos\n{out:?}"));
    assert_eq!(line.split_whitespace().nth(1), Some("ok"), "{out:?}");
    assert!(!out.stdout().contains(API_KEY) && !out.stderr().contains(API_KEY));
}

// ---------------------------------------------------------------------------
// Verification

#[test]
fn a_key_rotated_in_the_dashboard_is_invalid_and_exits_one() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    mock.rotate(API_KEY, API_KEY_ROTATED);

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(1);
    assert_eq!(doc["ok"], false, "{doc:#}");
    assert_eq!(status(&doc), "invalid", "{doc:#}");
    let detail = detail(&doc);
    assert!(detail.contains("WORKOS_API_KEY"), "{detail}");
    assert!(detail.contains("401"), "{detail}");
    assert!(!detail.contains(API_KEY), "{detail}");
}

#[test]
fn an_unreachable_provider_is_unreachable_not_invalid_and_exits_three() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);

    let (out, doc) = json_of(
        env.stack(&["doctor", "--json"])
            .env("STACK_WORKOS_API_BASE", closed_port_url()),
    );
    out.assert_code(3);
    assert_eq!(doc["ok"], false, "{doc:#}");
    assert_eq!(status(&doc), "unreachable", "{doc:#}");
    assert!(detail(&doc).contains("WORKOS_API_KEY"), "{doc:#}");
}

#[test]
fn a_provider_answering_503_is_unreachable_after_exactly_three_attempts() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    let before = mock.requests_to("/organizations").len();
    for _ in 0..3 {
        mock.script("/organizations", Reply::status(503));
    }

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(3);
    assert_eq!(status(&doc), "unreachable", "{doc:#}");
    assert!(detail(&doc).contains("503"), "{doc:#}");
    // A fourth attempt would have got a 200 and turned this into `ok`.
    assert_eq!(mock.requests_to("/organizations").len() - before, 3);
}

#[test]
fn a_429_with_retry_after_is_waited_out_and_then_ok() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    let before = mock.requests_to("/organizations").len();
    mock.script(
        "/organizations",
        Reply::status(429).header("Retry-After", "1"),
    );

    let started = Instant::now();
    let (out, doc) = doctor_json(&env, &[]);
    let elapsed = started.elapsed();
    out.assert_code(0);
    assert_eq!(status(&doc), "ok", "{doc:#}");
    assert_eq!(mock.requests_to("/organizations").len() - before, 2);
    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After: 1 was not honoured: retried after {elapsed:?}"
    );
}

#[test]
fn a_provider_that_never_answers_in_time_is_unreachable_within_seconds() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    mock.set_delay(Duration::from_secs(20));

    let started = Instant::now();
    let (out, doc) = json_of(
        env.stack(&["doctor", "--json"])
            .env("STACK_HTTP_TIMEOUT", "1"),
    );
    let elapsed = started.elapsed();
    out.assert_code(3);
    assert_eq!(status(&doc), "unreachable", "{doc:#}");
    assert!(
        elapsed < Duration::from_secs(8),
        "doctor hung for {elapsed:?} with STACK_HTTP_TIMEOUT=1"
    );
}

#[test]
fn a_key_without_permission_is_a_warning_and_exits_zero() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY_LIMITED);

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(0);
    assert_eq!(doc["ok"], true, "{doc:#}");
    assert_eq!(status(&doc), "warn", "{doc:#}");
    assert!(detail(&doc).contains("403"), "{doc:#}");
}

// ---------------------------------------------------------------------------
// Slots

#[test]
fn a_slot_deleted_from_the_keychain_is_missing_and_exits_one() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    delete_keychain_item(&format!("{}/dev/WORKOS_CLIENT_ID", env.project_id()));

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(1);
    assert_eq!(doc["ok"], false, "{doc:#}");
    assert_eq!(status(&doc), "missing", "{doc:#}");
    assert!(!slot_present(&doc, "WORKOS_CLIENT_ID"), "{doc:#}");
    assert!(slot_present(&doc, "WORKOS_API_KEY"), "{doc:#}");
    assert!(detail(&doc).contains("WORKOS_CLIENT_ID"), "{doc:#}");
}

#[test]
fn an_environment_that_was_never_added_is_missing_and_exits_one() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);

    let (out, doc) = doctor_json(&env, &["--env", "prod"]);
    out.assert_code(1);
    assert_eq!(doc["environment"], "prod", "{doc:#}");
    assert_eq!(status(&doc), "missing", "{doc:#}");
    assert!(!slot_present(&doc, "WORKOS_API_KEY"), "{doc:#}");
    // The dev slots are untouched.
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

// ---------------------------------------------------------------------------
// Files

#[test]
fn a_removed_env_reference_is_a_warning_and_exits_zero() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    env.write(".env", &without_lines(&env.read(".env"), "WORKOS_API_KEY="));

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(0);
    assert_eq!(doc["ok"], true, "{doc:#}");
    assert_eq!(status(&doc), "warn", "{doc:#}");
    let detail = detail(&doc);
    assert!(
        detail.contains(".env") && detail.contains("WORKOS_API_KEY"),
        "{detail}"
    );
}

#[test]
fn a_plaintext_value_in_env_is_a_warning() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    let text = without_lines(&env.read(".env"), "WORKOS_API_KEY=");
    env.write(".env", &format!("{text}WORKOS_API_KEY={API_KEY}\n"));

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(0);
    assert_eq!(status(&doc), "warn", "{doc:#}");
    let detail = detail(&doc);
    assert!(
        detail.contains("plaintext") && detail.contains("WORKOS_API_KEY"),
        "{detail}"
    );
    assert!(!out.stdout().contains(API_KEY), "{out:?}");
    assert!(!out.stderr().contains(API_KEY), "{out:?}");
}

#[test]
fn a_removed_mcp_entry_is_a_warning() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    env.write(".mcp.json", "{\n  \"mcpServers\": {}\n}\n");

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(0);
    assert_eq!(status(&doc), "warn", "{doc:#}");
    assert!(detail(&doc).contains(".mcp.json"), "{doc:#}");
}

#[test]
fn doctor_fix_repairs_the_env_reference_and_mcp_entry_and_keeps_the_users_lines() {
    let mock = MockWorkos::start();
    require_keyring();
    let env = TestEnv::new().with_mock(&mock);
    env.write(".env", "# my settings\nPORT=3000\n");
    env.write(
        ".mcp.json",
        "{\n  \"mcpServers\": {\n    \"mine\": {\n      \"command\": \"my-server\"\n    }\n  }\n}\n",
    );
    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);

    // The user (or a merge) loses stack's lines.
    env.write(".env", &without_lines(&env.read(".env"), "WORKOS_API_KEY="));
    env.write(
        ".mcp.json",
        "{\n  \"mcpServers\": {\n    \"mine\": {\n      \"command\": \"my-server\"\n    }\n  }\n}\n",
    );
    let (_, doc) = doctor_json(&env, &[]);
    assert_eq!(status(&doc), "warn", "precondition: {doc:#}");

    let (out, doc) = json_of(env.stack(&["doctor", "--fix", "--json"]).env("CI", "true"));
    out.assert_code(0);
    assert_eq!(status(&doc), "ok", "{doc:#}");

    let dotenv = env.read(".env");
    assert!(
        dotenv
            .lines()
            .any(|l| l == "WORKOS_API_KEY=stack://workos/WORKOS_API_KEY"),
        "{dotenv}"
    );
    assert!(
        dotenv
            .lines()
            .any(|l| l == "WORKOS_CLIENT_ID=stack://workos/WORKOS_CLIENT_ID"),
        "{dotenv}"
    );
    assert!(dotenv.contains("# my settings\n"), "{dotenv}");
    assert!(dotenv.lines().any(|l| l == "PORT=3000"), "{dotenv}");

    let mcp = env.mcp_json();
    assert_eq!(
        mcp["mcpServers"]["workos"],
        serde_json::json!({"type": "http", "url": "https://mcp.workos.com/mcp"}),
        "{mcp:#}"
    );
    assert_eq!(mcp["mcpServers"]["mine"]["command"], "my-server", "{mcp:#}");

    let (again, doc) = doctor_json(&env, &[]);
    again.assert_code(0);
    assert_eq!(status(&doc), "ok", "after --fix: {doc:#}");
}

// ---------------------------------------------------------------------------
// Stages

#[test]
fn a_live_key_in_the_dev_environment_is_a_warning_about_production() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY_LIVE);

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(0);
    assert_eq!(status(&doc), "warn", "{doc:#}");
    assert!(detail(&doc).contains("production"), "{doc:#}");
}

// ---------------------------------------------------------------------------
// Unknown provider

#[test]
fn a_service_with_an_unknown_provider_is_reported_and_exits_one() {
    require_keyring();
    let env = TestEnv::new();
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"handwritten-0a1b2c\"\n\n\
         [services.foo]\nprovider = \"nope\"\n",
    );

    let (out, doc) = doctor_json(&env, &[]);
    out.assert_code(1);
    assert_eq!(doc["ok"], false, "{doc:#}");
    let services = doc["services"].as_array().expect("services");
    assert_eq!(services.len(), 1, "{doc:#}");
    assert_eq!(services[0]["name"], "foo");
    assert_eq!(services[0]["provider"], "nope");
    assert_eq!(services[0]["status"], "unknown_provider", "{doc:#}");
}

// ---------------------------------------------------------------------------
// --fix after a rotation

#[test]
fn doctor_fix_in_ci_stores_the_rotated_key_from_the_environment_and_exits_zero() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    mock.rotate(API_KEY, API_KEY_ROTATED);

    let out = run(env
        .stack(&["doctor", "--fix"])
        .env("CI", "true")
        .env("WORKOS_API_KEY", API_KEY_ROTATED));
    out.assert_code(0);
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_ROTATED)
    );
    assert!(!out.stdout().contains(API_KEY_ROTATED), "{out:?}");
    assert!(!out.stderr().contains(API_KEY_ROTATED), "{out:?}");

    let (again, doc) = doctor_json(&env, &[]);
    again.assert_code(0);
    assert_eq!(status(&doc), "ok", "{doc:#}");
}

#[test]
fn doctor_fix_in_ci_without_the_variable_exits_one_and_names_it() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    mock.rotate(API_KEY, API_KEY_ROTATED);

    let out = run(env.stack(&["doctor", "--fix"]).env("CI", "true"));
    out.assert_code(1);
    assert!(out.stderr().contains("set WORKOS_API_KEY"), "{out:?}");
    // Nothing was replaced.
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

#[test]
fn doctor_fix_on_a_terminal_asks_for_the_rotated_key_without_echoing_it() {
    let mock = MockWorkos::start();
    let env = project_with(&mock, API_KEY);
    mock.rotate(API_KEY, API_KEY_ROTATED);

    let mut pty = env.pty(&["doctor", "--fix"]);
    let mut seen = pty.expect("(WORKOS_API_KEY):");
    pty.send_line(API_KEY_ROTATED);
    let (code, rest) = pty.finish();
    seen.push_str(&rest);

    assert_eq!(code, 0, "{seen}");
    assert!(
        !seen.contains(API_KEY_ROTATED),
        "the key was echoed:\n{seen}"
    );
    assert!(
        seen.lines()
            .any(|l| l.starts_with("workos") && l.contains("ok")),
        "{seen}"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_ROTATED)
    );
}

// ---------------------------------------------------------------------------
// Project files

#[test]
fn no_stack_toml_anywhere_exits_two_with_a_hint_to_run_stack_add() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(2);
    assert!(out.stderr().contains("stack add"), "{out:?}");
    assert!(out.stdout().is_empty(), "{out:?}");
    assert!(
        env.try_read(".stack.toml").is_none(),
        "doctor created a project"
    );
}

#[test]
fn a_malformed_stack_toml_exits_two_naming_line_and_column_and_is_left_alone() {
    let env = TestEnv::new();
    let text = "# mine\n[stack]\nversion = 1\nproject = \"broken-0a1b2c\"\n\n[services.workos\nprovider = \"workos\"\n";
    env.write(".stack.toml", text);

    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(2);
    assert!(
        out.stderr().contains(".stack.toml:6:17"),
        "no .stack.toml:LINE:COL in the error\n{out:?}"
    );
    assert_eq!(env.read(".stack.toml"), text, "the file was rewritten");
}

#[test]
fn a_secret_too_short_to_mask_is_a_warning() {
    let env = TestEnv::new();
    let dir = env.home().join(".config/stack/providers");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("acme.toml"),
        r#"name = "acme"
display_name = "Acme"
category = "auth"
description = "A provider of the test's own."
keywords = ["acme"]
docs = "https://acme.example"
dashboard = "https://acme.example"
howto = "Anywhere."
api_base = "https://acme.example"
unverified = "a test provider"

[[slots]]
name = "ACME_PIN"
label = "PIN"
secret = true
format = '^\S+$'
format_hint = "anything"
example = "FAKE"
"#,
    )
    .unwrap();
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"short-1\"\n\n[services.acme]\nprovider = \"acme\"\n\
         secrets = [\"ACME_PIN\"]\nenvironments = [\"dev\"]\n",
    );
    env.write(".env", "ACME_PIN=stack://acme/ACME_PIN\n");
    let out = run(env
        .stack(&["--vault", "env", "doctor", "--json"])
        .env("ACME_PIN", "4821"));
    out.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let acme = &doc["services"][0];
    assert_eq!(acme["status"], "warn", "{doc}");
    let detail = acme["detail"].as_str().unwrap();
    assert!(
        detail.contains("ACME_PIN") && detail.contains("mask"),
        "{detail}"
    );
    assert!(!out.stdout().contains("4821"));
}
