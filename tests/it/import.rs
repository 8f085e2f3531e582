//! `stack import [FILE]` (issue 5, item 4): plaintext credentials of a dotenv file move into
//! the keychain, provider by provider, and their lines become `stack://` references; other
//! lines stay; a rejected provider keeps its lines; `--dry-run` and confirmation.

use crate::common::*;
use stack::catalog::Catalog;

/// The catalog's (fake) example value of `provider`'s `slot`.
fn example(provider: &str, slot: &str) -> String {
    let catalog = Catalog::builtin().unwrap();
    catalog
        .get(provider)
        .and_then(|p| p.slot(slot))
        .map(|s| s.example.clone())
        .unwrap()
}

fn stripe_key() -> String {
    example("stripe", "STRIPE_SECRET_KEY")
}

/// A mixed `.env`: WorkOS key and client id, a Stripe key, an unrelated PORT, comments.
fn mixed_env(workos_key: &str) -> String {
    format!(
        "# my app\nPORT=3000\nWORKOS_API_KEY={workos_key}\nWORKOS_CLIENT_ID=\"{CLIENT_ID}\"\n\n\
         # payments\nexport STRIPE_SECRET_KEY='{}' # test mode\n",
        stripe_key()
    )
}

/// A test env whose WorkOS and Stripe API bases both point at `mock`; Stripe's balance
/// check is answered once with 200.
fn with_mock(mock: &MockWorkos) -> TestEnv {
    mock.script(
        "/v1/balance",
        Reply::status(200).body("{\"object\":\"balance\"}"),
    );
    TestEnv::new()
        .with_mock(mock)
        .env_var("STACK_STRIPE_API_BASE", mock.url())
}

#[track_caller]
fn assert_unchanged(env: &TestEnv, id: &str, dotenv: &str) {
    assert_eq!(env.read(".env"), dotenv);
    assert_eq!(env.read(".stack.toml"), minimal_stack_toml(id));
    assert_eq!(env.try_read(".mcp.json"), None);
    for slot in ["WORKOS_API_KEY", "WORKOS_CLIENT_ID", "STRIPE_SECRET_KEY"] {
        assert_eq!(env.keychain_get("dev", slot), None, "{slot} was stored");
    }
}

#[test]
fn a_mixed_env_file_is_imported_and_its_lines_become_references() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = with_mock(&mock);
    env.write(".env", &mixed_env(API_KEY));

    let out = run(&mut env.stack(&["import", "--yes"]));
    out.assert_code(0);

    assert_eq!(
        env.read(".env"),
        "# my app\nPORT=3000\nWORKOS_API_KEY=stack://workos/WORKOS_API_KEY\n\
         WORKOS_CLIENT_ID=stack://workos/WORKOS_CLIENT_ID\n\n# payments\n\
         export STRIPE_SECRET_KEY=stack://stripe/STRIPE_SECRET_KEY # test mode\n"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(
        env.keychain_get("dev", "STRIPE_SECRET_KEY"),
        Some(stripe_key())
    );
    let toml = env.read(".stack.toml");
    assert!(
        toml.contains("[services.workos]") && toml.contains("[services.stripe]"),
        "{toml}"
    );
    assert!(
        !mock.requests_to("/organizations").is_empty(),
        "WorkOS was verified"
    );
    assert_eq!(
        mock.requests_to("/v1/balance").len(),
        1,
        "Stripe was verified"
    );
    assert!(
        out.stderr().contains("PORT"),
        "PORT is listed as left alone\n{out:?}"
    );
    assert!(!out.stderr().contains(API_KEY), "{out:?}");
    env.scan_for_secret(&[API_KEY, &stripe_key()]);
}

#[test]
fn a_rejected_provider_keeps_its_lines_and_the_others_are_still_imported() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = with_mock(&mock);
    // Not valid until rotated: the mock answers 401.
    let dotenv = mixed_env(API_KEY_ROTATED);
    env.write(".env", &dotenv);

    let out = run(&mut env.stack(&["import", "--yes"]));
    out.assert_code(1);

    let after = env.read(".env");
    assert!(
        after.contains(&format!("WORKOS_API_KEY={API_KEY_ROTATED}\n"))
            && after.contains(&format!("WORKOS_CLIENT_ID=\"{CLIENT_ID}\"\n")),
        "WorkOS lines are kept:\n{after}"
    );
    assert!(
        after.contains("export STRIPE_SECRET_KEY=stack://stripe/STRIPE_SECRET_KEY # test mode\n"),
        "{after}"
    );
    assert_eq!(env.keychain_get("dev", "WORKOS_API_KEY"), None);
    assert_eq!(
        env.keychain_get("dev", "STRIPE_SECRET_KEY"),
        Some(stripe_key())
    );
    let toml = env.read(".stack.toml");
    assert!(
        !toml.contains("[services.workos]") && toml.contains("[services.stripe]"),
        "{toml}"
    );
    assert!(out.stderr().contains("WorkOS"), "{out:?}");
    assert!(!out.stderr().contains(API_KEY_ROTATED), "{out:?}");
}

#[test]
fn dry_run_shows_the_plan_and_changes_nothing() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = with_mock(&mock);
    let id = seed_project(&env, "importtest");
    let dotenv = mixed_env(API_KEY);
    env.write(".env", &dotenv);

    let out = run(&mut env.stack(&["import", "--dry-run"]));
    out.assert_code(0);

    let plan = out.stdout();
    assert!(
        plan.contains("workos: WORKOS_API_KEY (line 3), WORKOS_CLIENT_ID (line 4)"),
        "{plan}"
    );
    assert!(
        plan.contains("stripe: STRIPE_SECRET_KEY (line 7)"),
        "{plan}"
    );
    assert!(plan.contains("PORT"), "{plan}");
    assert!(
        !plan.contains(API_KEY) && !plan.contains(&stripe_key()),
        "{plan}"
    );
    assert_unchanged(&env, &id, &dotenv);
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[test]
fn without_a_terminal_yes_is_required() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = with_mock(&mock);
    let id = seed_project(&env, "importtest");
    let dotenv = mixed_env(API_KEY);
    env.write(".env", &dotenv);

    let out = run(&mut env.stack(&["import"]));
    out.assert_code(2);
    assert!(out.stderr().contains("--yes"), "{out:?}");
    assert_unchanged(&env, &id, &dotenv);
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[test]
fn on_a_terminal_the_plan_is_confirmed_and_no_is_the_default() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = with_mock(&mock);
    let id = seed_project(&env, "importtest");
    let dotenv = mixed_env(API_KEY);
    env.write(".env", &dotenv);

    let mut pty = env.pty(&["import"]);
    pty.expect("[y/N]");
    pty.send_line("");
    let (code, rest) = pty.finish();
    assert_eq!(code, 1, "{rest}");
    assert_unchanged(&env, &id, &dotenv);

    let mut pty = env.pty(&["import"]);
    pty.expect("[y/N]");
    pty.send_line("y");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(
        env.read(".env")
            .contains("WORKOS_API_KEY=stack://workos/WORKOS_API_KEY")
    );
}

#[test]
fn another_file_is_rewritten_in_place_without_a_copy() {
    require_keyring();
    let env = TestEnv::new();
    let webhook = example("stripe", "STRIPE_WEBHOOK_SECRET");
    let text = format!(
        "# local overrides\nSTRIPE_SECRET_KEY=\"{}\"\nSTRIPE_WEBHOOK_SECRET={webhook}\nDEBUG=1\n",
        stripe_key()
    );
    env.write(".env.local", &text);

    let out = run(&mut env.stack(&["import", ".env.local", "--yes", "--no-verify"]));
    out.assert_code(0);

    assert_eq!(
        env.read(".env.local"),
        "# local overrides\nSTRIPE_SECRET_KEY=stack://stripe/STRIPE_SECRET_KEY\n\
         STRIPE_WEBHOOK_SECRET=stack://stripe/STRIPE_WEBHOOK_SECRET\nDEBUG=1\n"
    );
    // The optional slot came along and is recorded.
    assert_eq!(
        env.keychain_get("dev", "STRIPE_WEBHOOK_SECRET"),
        Some(webhook.clone())
    );
    assert!(env.read(".stack.toml").contains("STRIPE_WEBHOOK_SECRET"));
    let mut names: Vec<String> = std::fs::read_dir(env.project())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".env", ".env.local", ".mcp.json", ".stack.toml"]);
    env.scan_for_secret(&[&stripe_key(), &webhook]);
}

#[test]
fn partial_providers_and_unknown_keys_are_left_alone() {
    require_keyring();
    let env = TestEnv::new();
    let text = format!(
        "WORKOS_CLIENT_ID={CLIENT_ID}\nDATABASE_HOST=localhost\nSTRIPE_SECRET_KEY={}\n",
        stripe_key()
    );
    env.write(".env", &text);

    let out = run(&mut env.stack(&["import", "--yes", "--no-verify"]));
    out.assert_code(0);
    let after = env.read(".env");
    assert!(
        after.starts_with(&format!(
            "WORKOS_CLIENT_ID={CLIENT_ID}\nDATABASE_HOST=localhost\n"
        )),
        "{after}"
    );
    assert!(after.contains("STRIPE_SECRET_KEY=stack://stripe/STRIPE_SECRET_KEY"));
    let stderr = out.stderr();
    assert!(stderr.contains("workos: needs WORKOS_API_KEY"), "{out:?}");
    assert!(stderr.contains("DATABASE_HOST"), "{out:?}");
    assert!(!env.read(".stack.toml").contains("[services.workos]"));
}

#[test]
fn a_malformed_file_or_value_changes_nothing() {
    require_keyring();
    let env = TestEnv::new();
    let id = seed_project(&env, "importtest");
    let text = format!("WORKOS_API_KEY={API_KEY}\nWORKOS_CLIENT_ID=\"{CLIENT_ID}\n");
    env.write(".env", &text);
    let out = run(&mut env.stack(&["import", "--yes", "--no-verify"]));
    out.assert_code(2);
    assert!(out.stderr().contains(".env:2:18:"), "{out:?}");
    assert_unchanged(&env, &id, &text);

    // A value of the wrong shape: that provider is skipped, exit 2, the value not shown.
    let text = format!("WORKOS_API_KEY=pk_FAKE_WRONG_SHAPE_001\nWORKOS_CLIENT_ID={CLIENT_ID}\n");
    env.write(".env", &text);
    let out = run(&mut env.stack(&["import", "--yes", "--no-verify"]));
    out.assert_code(2);
    assert!(
        out.stderr().contains("WORKOS_API_KEY is malformed"),
        "{out:?}"
    );
    assert!(!out.stderr().contains("pk_FAKE_WRONG_SHAPE_001"), "{out:?}");
    assert_unchanged(&env, &id, &text);
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["import", "--yes"]));
    out.assert_code(2);
    assert!(out.stderr().contains(".env"), "{out:?}");
}
