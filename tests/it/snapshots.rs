//! The complete human output (exit code, stdout, stderr) of `add`, `doctor`, `list`, `env`,
//! `remove` and the main errors, pinned as insta snapshots in `snapshots/`. What changes
//! from run to run (the test's temporary root, ports, the project id's random suffix,
//! latencies) is redacted. A difference fails the test; with `CI` set insta never writes
//! a snapshot, and `INSTA_UPDATE=always` (or `cargo insta review`) takes a deliberate change.

use crate::common::*;

/// `text` with every regex metacharacter escaped, so it matches itself.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Asserts that `out` matches the snapshot `name`, volatile parts of `env` redacted.
#[track_caller]
fn assert_output(name: &str, env: &TestEnv, out: &Output) {
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.code(),
        out.stdout(),
        out.stderr()
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.add_filter(&literal(&env.root().display().to_string()), "[ROOT]");
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"\bproject-[0-9a-f]{6}\b", "project-[ID]");
    settings.add_filter(r"\b\d+(\.\d+)? ?(ms|s)\b", "[TIME]");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// A project with WorkOS added for `dev`, verified against `mock`.
fn verified_project(mock: &MockWorkos) -> TestEnv {
    require_keyring();
    let env = TestEnv::new().with_mock(mock);
    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    env
}

// ---------------------------------------------------------------------------
// Commands

#[test]
fn add() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    assert_output("add", &env, &out);
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    assert_output("add_again", &env, &out);
    let out = add_from_env(&env, API_KEY_LIVE, CLIENT_ID, &["--env", "dev", "--force"]);
    assert_output("add_live_key_in_dev", &env, &out);
}

#[test]
fn add_rejected_key() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let out = add_from_env(&env, API_KEY_ROTATED, CLIENT_ID, &[]);
    assert_output("add_rejected_key", &env, &out);
}

#[test]
fn doctor() {
    let mock = MockWorkos::start();
    let env = verified_project(&mock);
    let out = run(&mut env.stack(&["doctor"]));
    assert_output("doctor", &env, &out);
    mock.rotate(API_KEY, API_KEY_ROTATED);
    env.write(
        ".env",
        "# the user's own\nWORKOS_API_KEY=sk_test_FAKEPLAINTEXT0000000001\n",
    );
    let out = run(&mut env.stack(&["doctor"]));
    assert_output("doctor_invalid_key_and_plaintext", &env, &out);
}

#[test]
fn doctor_unreachable_provider() {
    let mock = MockWorkos::start();
    let env = verified_project(&mock);
    drop(mock);
    let out = run(&mut env.stack(&["doctor"]));
    assert_output("doctor_unreachable_provider", &env, &out);
}

#[test]
fn list() {
    let mock = MockWorkos::start();
    let env = verified_project(&mock);
    add_workos(&env, "prod", API_KEY_LIVE);
    let out = run(&mut env.stack(&["list"]));
    assert_output("list", &env, &out);
}

#[test]
fn env() {
    let mock = MockWorkos::start();
    let env = verified_project(&mock);
    let out = run(&mut env.stack(&["env"]));
    assert_output("env", &env, &out);
    let out = run(&mut env.stack(&["env", "--env", "prod"]));
    assert_output("env_never_added", &env, &out);
}

#[test]
fn remove() {
    let mock = MockWorkos::start();
    let env = verified_project(&mock);
    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    assert_output("remove", &env, &out);
    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    assert_output("remove_again", &env, &out);
}

// ---------------------------------------------------------------------------
// Errors

#[test]
fn no_project() {
    let env = TestEnv::new();
    for (name, args) in [
        ("no_project_doctor", &["doctor"][..]),
        ("no_project_list", &["list"][..]),
        ("no_project_exec", &["exec", "--", "true"][..]),
    ] {
        let out = run(&mut env.stack(args));
        assert_output(name, &env, &out);
    }
}

#[test]
fn malformed_stack_toml() {
    let env = TestEnv::new();
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"broken\"\n\n[services.workos\nprovider = \"workos\"\n",
    );
    let out = run(&mut env.stack(&["doctor"]));
    assert_output("malformed_stack_toml", &env, &out);
}

#[test]
fn unknown_provider() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["add", "no-such-provider", "--from-env"]));
    assert_output("unknown_provider", &env, &out);
}

#[test]
fn prompt_needed_without_a_terminal() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["add", "workos"]));
    assert_output("prompt_needed_without_a_terminal", &env, &out);
}

#[test]
fn vault_locked() {
    let env = TestEnv::new();
    let vault = env.root().join("vault.age");
    std::fs::write(&vault, "not an age file").unwrap();
    let env = env
        .env_var("STACK_VAULT", "file")
        .env_var("STACK_VAULT_FILE", &vault);
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"snapshot-locked\"\n",
    );
    let out = run(&mut env.stack(&["list"]));
    assert_output("vault_locked", &env, &out);
}

#[test]
fn vault_unreachable() {
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", closed_port_url())
        .env_var("VAULT_TOKEN", "FAKE-token");
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &["--no-verify"]);
    assert_output("vault_unreachable", &env, &out);
}

#[test]
fn exec_of_a_missing_program() {
    let mock = MockWorkos::start();
    let env = verified_project(&mock);
    let out = run(&mut env.stack(&["exec", "--", "no-such-program-FAKE"]));
    assert_output("exec_of_a_missing_program", &env, &out);
}
