//! Secrets are sacred (contract §3): no API key value in any output, error message or
//! file, and no way to hand one to `stack` on the command line.

mod common;

use common::*;

/// Well-formed, but the mock has never heard of it: 401.
const API_KEY_REJECTED: &str = "sk_test_FAKEREJECTED0000000000009";
/// Not an API key at all (wrong prefix): refused before anything is sent.
const API_KEY_MALFORMED: &str = "pk_FAKEMALFORMED00000000000008";

/// Every API key value this file hands to `stack`. Client IDs are not secrets.
const KEYS: [&str; 3] = [API_KEY, API_KEY_REJECTED, API_KEY_MALFORMED];

/// Panics naming `what` when any API key value appears in its stdout or stderr.
#[track_caller]
fn assert_no_key_in(what: &str, out: &Output) {
    for (i, key) in KEYS.iter().enumerate() {
        assert!(
            !out.stdout().contains(key) && !out.stderr().contains(key),
            "`{what}` printed API key #{i}\n{out:?}"
        );
    }
}

fn add_from_env(env: &TestEnv, key: &str, extra: &[&str]) -> Output {
    let mut args = vec!["add", "workos", "--from-env"];
    args.extend_from_slice(extra);
    run(env
        .stack(&args)
        .env("WORKOS_API_KEY", key)
        .env("WORKOS_CLIENT_ID", CLIENT_ID))
}

#[test]
fn no_api_key_appears_in_any_output_or_file_across_a_whole_session() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    env.write(".env", "# settings\nPORT=3000\n");

    let mut outputs: Vec<(&str, Output)> = Vec::new();

    let out = add_from_env(&env, API_KEY, &[]);
    out.assert_code(0);
    assert!(
        !mock.requests_to("/organizations").is_empty(),
        "add did not verify against the mock"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    outputs.push(("add --from-env", out));

    let out = run(&mut env.stack(&["list"]));
    out.assert_code(0);
    assert!(out.stdout().contains("WORKOS_API_KEY"), "{out:?}");
    outputs.push(("list", out));

    let out = run(&mut env.stack(&["list", "--json"]));
    out.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).expect("list --json");
    assert_eq!(doc["services"][0]["slots"][0]["present"], true, "{doc:#}");
    outputs.push(("list --json", out));

    // The child checks the value without printing it (nor taking it in its argv).
    let out = run(env
        .stack(&[
            "exec",
            "--",
            "sh",
            "-c",
            r#"test "$WORKOS_API_KEY" = "$EXPECTED_KEY" && echo injected"#,
        ])
        .env("EXPECTED_KEY", API_KEY));
    out.assert_code(0);
    assert_eq!(out.stdout().trim(), "injected", "{out:?}");
    outputs.push(("exec", out));

    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(0);
    outputs.push(("doctor", out));

    let out = run(&mut env.stack(&["doctor", "--json"]));
    out.assert_code(0);
    outputs.push(("doctor --json", out));

    let out = run(&mut env.stack(&["doctor", "-v", "-v"]));
    out.assert_code(0);
    outputs.push(("doctor -v -v", out));

    let out = add_from_env(&env, API_KEY_REJECTED, &["--force"]);
    out.assert_code(1);
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY),
        "a rejected key replaced the stored one"
    );
    outputs.push(("add (rejected key)", out));

    let sent = mock.requests().len();
    let out = add_from_env(&env, API_KEY_MALFORMED, &["--force"]);
    out.assert_code(2);
    assert_eq!(mock.requests().len(), sent, "a malformed key was sent");
    outputs.push(("add (malformed key)", out));

    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    out.assert_code(0);
    assert_eq!(env.keychain_get("dev", "WORKOS_API_KEY"), None);
    outputs.push(("remove", out));

    for (what, out) in &outputs {
        assert_no_key_in(what, out);
    }
    env.scan_for_secret(&KEYS);
}

#[test]
fn stack_add_takes_no_api_key_on_the_command_line() {
    let env = TestEnv::new();
    for args in [
        vec!["add", "workos", API_KEY],
        vec!["add", "workos", "--key", API_KEY],
        vec!["add", "workos", &format!("--key={API_KEY}")],
        vec!["add", "workos", "--api-key", API_KEY],
    ] {
        let out = run(&mut env.stack(&args));
        out.assert_code(2);
        assert!(
            out.stderr().contains("error:"),
            "`stack {}` did not explain the refusal\n{out:?}",
            args.join(" ")
        );
        assert!(
            env.try_read(".stack.toml").is_none(),
            "`stack {}` started a project",
            args.join(" ")
        );
    }
}

#[test]
fn a_key_passed_as_an_argument_is_not_echoed_in_the_error() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["add", "workos", API_KEY]));
    out.assert_code(2);
    assert!(
        !out.stderr().contains(API_KEY),
        "the refused key is printed back (contract §3: never in error messages)\n{out:?}"
    );
}

#[test]
fn a_rejected_key_is_named_by_its_slot_never_by_its_value() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let out = add_from_env(&env, API_KEY_REJECTED, &[]);
    out.assert_code(1);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert!(out.stderr().contains("401"), "{out:?}");
    assert_no_key_in("add (rejected)", &out);

    // The same key rotated away under a project that has it stored.
    let out = add_from_env(&env, API_KEY, &[]);
    out.assert_code(0);
    mock.rotate(API_KEY, API_KEY_ROTATED);
    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(1);
    assert!(out.stdout().contains("WORKOS_API_KEY"), "{out:?}");
    assert_no_key_in("doctor (rotated)", &out);
}

#[test]
fn an_unreachable_provider_is_named_by_the_slot_never_by_the_key() {
    require_keyring();
    let env = TestEnv::new(); // WorkOS points at a closed port

    let out = add_from_env(&env, API_KEY, &[]);
    out.assert_code(3);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert_no_key_in("add (unreachable)", &out);
    assert!(
        env.try_read(".stack.toml").is_none(),
        "an unverified add recorded the service"
    );

    let out = run(env
        .stack(&["add", "workos", "--from-env", "-v", "-v"])
        .env("WORKOS_API_KEY", API_KEY)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(3);
    assert_no_key_in("add -v -v (unreachable)", &out);
    env.scan_for_secret(&KEYS);
}

#[test]
fn a_key_pasted_where_a_service_name_goes_is_not_echoed() {
    let env = TestEnv::new();
    env.write(".stack.toml", "[stack]\nversion = 1\nproject = \"h-1\"\n");
    for args in [
        &["remove", API_KEY, "--yes"][..],
        &["--vault", "env", "exec", "--only", API_KEY, "--", "true"],
    ] {
        let out = run(&mut env.stack(args));
        assert!(!out.stderr().contains(API_KEY), "{args:?}: {out:?}");
        assert!(out.stderr().contains("no service named"), "{out:?}");
    }
}
