//! `stack add workos`, non-interactive: flags, verification, the keychain and the
//! three project files (contract §1, §2, §4, §5; issue 2, items 3 and 4).

use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::json;

const SLOTS: [&str; 2] = ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"];
const ENV_REFS: &str = "WORKOS_API_KEY=stack://workos/WORKOS_API_KEY\n\
                        WORKOS_CLIENT_ID=stack://workos/WORKOS_CLIENT_ID\n";

#[track_caller]
fn assert_nothing_stored(project: &str, environment: &str) {
    for slot in SLOTS {
        assert_eq!(
            secret_tool_lookup(&format!("{project}/{environment}/{slot}")),
            None,
            "{slot} was stored in the keychain for {project}/{environment}"
        );
    }
}

#[track_caller]
fn assert_no_project_files(env: &TestEnv) {
    for file in [".stack.toml", ".env", ".mcp.json"] {
        assert_eq!(env.try_read(file), None, "{file} was created");
    }
}

fn contract_stack_toml(project: &str, environments: &str) -> String {
    format!(
        "[stack]\nversion = 1\nproject = \"{project}\"\n\n[services.workos]\n\
         provider = \"workos\"\nsecrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\n\
         environments = {environments}\nmcp = \"workos\"\n"
    )
}

fn workos_mcp_entry() -> serde_json::Value {
    json!({"type": "http", "url": "https://mcp.workos.com/mcp"})
}

/// Lines of stderr starting with `warning:`.
fn warnings(out: &Output) -> Vec<String> {
    out.stderr()
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------
// Success paths

#[test]
fn add_from_env_stores_slots_and_writes_the_project_files() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(0);

    let project = env.project_id();
    assert!(
        project.starts_with("project-") && project.len() > "project-".len(),
        "project id should be the directory name plus a suffix: {project}"
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
        env.read(".stack.toml"),
        contract_stack_toml(&project, "[\"dev\"]")
    );
    assert_eq!(env.read(".env"), ENV_REFS);
    assert_eq!(
        env.mcp_json(),
        json!({"mcpServers": {"workos": workos_mcp_entry()}})
    );
    assert!(
        env.read(".mcp.json")
            .contains("\n  \"mcpServers\": {\n    \"workos\""),
        ".mcp.json should use two-space indentation:\n{}",
        env.read(".mcp.json")
    );

    let stderr = out.stderr();
    assert!(
        stderr.contains("staging"),
        "summary names the stage:\n{out:?}"
    );
    assert!(
        stderr.contains("1 organization"),
        "summary says how many organizations the key sees:\n{out:?}"
    );
    assert!(warnings(&out).is_empty(), "no warning expected:\n{out:?}");
    assert!(
        out.stdout().is_empty(),
        "add prints no data on stdout:\n{out:?}"
    );
    env.scan_for_secret(&[API_KEY]);
}

#[test]
fn add_from_stdin_reads_name_value_lines_and_trims_quotes_and_whitespace() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let input = format!("  WORKOS_API_KEY=\"{API_KEY}\"  \n\nWORKOS_CLIENT_ID= '{CLIENT_ID}' \n");
    let out = run_stdin(&mut env.stack(&["add", "workos", "--stdin"]), &input);
    out.assert_code(0);

    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(env.read(".env"), ENV_REFS);
    // What was verified is the cleaned value, not the quoted one.
    let orgs = mock.requests_to("/organizations");
    assert_eq!(
        orgs[0].header("Authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[test]
fn add_from_env_trims_quotes_and_whitespace_around_values() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let out = add_from_env(
        &env,
        &format!("  '{API_KEY}'\n"),
        &format!(" \"{CLIENT_ID}\" "),
        &[],
    );
    out.assert_code(0);
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
}

#[test]
fn add_verifies_the_key_with_a_bearer_token_and_the_client_id_without_one() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);

    let orgs = mock.requests_to("/organizations");
    assert_eq!(orgs.len(), 1, "{:?}", mock.requests());
    assert_eq!(orgs[0].method, "GET");
    assert_eq!(orgs[0].url, "/organizations?limit=1");
    assert_eq!(
        orgs[0].header("Authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    let jwks = mock.requests_to("/sso/jwks/");
    assert_eq!(jwks.len(), 1, "{:?}", mock.requests());
    assert_eq!(jwks[0].method, "GET");
    assert_eq!(jwks[0].url, format!("/sso/jwks/{CLIENT_ID}"));
    assert_eq!(
        jwks[0].header("Authorization"),
        None,
        "the JWKS check must not carry the API key"
    );
    assert_eq!(mock.requests().len(), 2, "{:?}", mock.requests());
}

#[test]
fn add_with_no_verify_stores_without_sending_anything() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    add_from_env(&env, API_KEY, CLIENT_ID, &["--no-verify"]).assert_code(0);
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(env.read(".env"), ENV_REFS);
}

// ---------------------------------------------------------------------------
// Input errors: exit 2, nothing sent, nothing stored or written

#[test]
fn add_rejects_a_malformed_value_before_sending_or_storing_anything() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let project = seed_project(&env, "addtest");
    let toml = minimal_stack_toml(&project);

    let out = add_from_env(&env, "pk_FAKE_not_a_secret_key", CLIENT_ID, &[]);
    out.assert_code(2);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert!(
        !out.stderr().contains("pk_FAKE"),
        "the value is echoed:\n{out:?}"
    );

    let out = add_from_env(&env, API_KEY, "client_short", &[]);
    out.assert_code(2);
    assert!(out.stderr().contains("WORKOS_CLIENT_ID"), "{out:?}");

    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
    assert_nothing_stored(&project, "dev");
    assert_eq!(env.read(".stack.toml"), toml);
    assert_eq!(env.try_read(".env"), None);
    assert_eq!(env.try_read(".mcp.json"), None);
}

#[test]
fn add_without_a_terminal_or_a_flag_names_from_env_and_stdin() {
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    // stdin closed (not a terminal)
    let out = run(&mut env.stack(&["add", "workos"]));
    out.assert_code(2);
    assert!(out.stderr().contains("--from-env"), "{out:?}");
    assert!(out.stderr().contains("--stdin"), "{out:?}");

    // CI set: no prompts, even with values waiting on stdin
    let out = run_stdin(
        env.stack(&["add", "workos"]).env("CI", "true"),
        &format!("WORKOS_API_KEY={API_KEY}\nWORKOS_CLIENT_ID={CLIENT_ID}\n"),
    );
    out.assert_code(2);
    assert!(out.stderr().contains("--from-env"), "{out:?}");
    assert!(out.stderr().contains("--stdin"), "{out:?}");

    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
    assert_no_project_files(&env);
}

#[test]
fn add_from_env_with_a_variable_missing_is_a_usage_error_naming_it() {
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let out = run(env
        .stack(&["add", "workos", "--from-env"])
        .env("WORKOS_API_KEY", API_KEY));
    out.assert_code(2);
    assert!(out.stderr().contains("WORKOS_CLIENT_ID"), "{out:?}");
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
    assert_no_project_files(&env);
}

#[test]
fn add_refuses_a_plain_http_api_base_that_is_not_loopback() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().env_var("STACK_WORKOS_API_BASE", "http://example.com");

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(2);
    assert!(out.stderr().contains("STACK_WORKOS_API_BASE"), "{out:?}");
    assert_no_project_files(&env);

    // Loopback over plain http is fine, by name too.
    let local = mock.url().replace("127.0.0.1", "localhost");
    let env = TestEnv::new().env_var("STACK_WORKOS_API_BASE", &local);
    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    assert_eq!(mock.requests_to("/organizations").len(), 1);
}

// ---------------------------------------------------------------------------
// Verification outcomes

#[test]
fn add_with_a_rejected_key_exits_1_and_stores_and_writes_nothing() {
    require_keyring();
    let mock = MockWorkos::start();

    // A fresh directory: no project file appears.
    let env = TestEnv::new().with_mock(&mock);
    let out = add_from_env(&env, API_KEY_ROTATED, CLIENT_ID, &[]);
    out.assert_code(1);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert!(out.stderr().contains("401"), "{out:?}");
    assert!(!out.stderr().contains(API_KEY_ROTATED), "{out:?}");
    assert_no_project_files(&env);

    // An existing project: nothing lands in the keychain and the file is untouched.
    let env = TestEnv::new().with_mock(&mock);
    let project = seed_project(&env, "addtest");
    let toml = minimal_stack_toml(&project);
    add_from_env(&env, API_KEY_ROTATED, CLIENT_ID, &[]).assert_code(1);
    assert_nothing_stored(&project, "dev");
    assert_eq!(env.read(".stack.toml"), toml);
    assert_eq!(env.try_read(".env"), None);
}

#[test]
fn add_with_an_unknown_client_id_exits_1_and_stores_nothing() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let project = seed_project(&env, "addtest");
    let toml = minimal_stack_toml(&project);

    let out = add_from_env(&env, API_KEY, CLIENT_ID_UNKNOWN, &[]);
    out.assert_code(1);
    assert!(out.stderr().contains("WORKOS_CLIENT_ID"), "{out:?}");
    assert!(out.stderr().contains("404"), "{out:?}");
    assert_nothing_stored(&project, "dev");
    assert_eq!(env.read(".stack.toml"), toml);
}

#[test]
fn add_with_a_key_lacking_permission_warns_but_stores() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let out = add_from_env(&env, API_KEY_LIMITED, CLIENT_ID, &[]);
    out.assert_code(0);
    let warnings = warnings(&out);
    assert!(
        warnings.iter().any(|w| w.contains("403")),
        "a warning about the 403 is expected:\n{out:?}"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_LIMITED)
    );
    assert_eq!(env.read(".env"), ENV_REFS);
}

#[test]
fn add_with_the_provider_unreachable_exits_3_and_stores_nothing() {
    require_keyring();
    // TestEnv without a mock points WorkOS at a closed port.
    let env = TestEnv::new();
    let project = seed_project(&env, "addtest");
    let toml = minimal_stack_toml(&project);

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(3);
    assert!(
        out.stderr().contains("--no-verify"),
        "a way out is hinted:\n{out:?}"
    );
    assert_nothing_stored(&project, "dev");
    assert_eq!(env.read(".stack.toml"), toml);
    assert_eq!(env.try_read(".env"), None);
    assert_eq!(env.try_read(".mcp.json"), None);
}

#[test]
fn add_honours_retry_after_on_429_and_then_succeeds() {
    require_keyring();
    let mock = MockWorkos::start();
    mock.script(
        "/organizations",
        Reply::status(429).header("Retry-After", "1"),
    );
    let env = TestEnv::new().with_mock(&mock);

    let started = Instant::now();
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    let elapsed = started.elapsed();
    out.assert_code(0);
    assert_eq!(
        mock.requests_to("/organizations").len(),
        2,
        "{:?}",
        mock.requests()
    );
    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After: 1 was not waited for ({elapsed:?})"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

#[test]
fn add_honours_retry_after_given_as_an_http_date() {
    require_keyring();
    let mock = MockWorkos::start();
    mock.script(
        "/sso/jwks/",
        Reply::status(503).header("Retry-After", &http_date_in(1)),
    );
    let env = TestEnv::new().with_mock(&mock);

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    assert_eq!(
        mock.requests_to("/sso/jwks/").len(),
        2,
        "{:?}",
        mock.requests()
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
}

#[test]
fn add_with_a_provider_slower_than_the_timeout_exits_3_and_stores_nothing() {
    require_keyring();
    let mock = MockWorkos::start();
    mock.set_delay(Duration::from_millis(2500));
    let env = TestEnv::new()
        .with_mock(&mock)
        .env_var("STACK_HTTP_TIMEOUT", "1");
    let project = seed_project(&env, "addtest");

    let started = Instant::now();
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(3);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "STACK_HTTP_TIMEOUT=1 was not honoured ({:?})",
        started.elapsed()
    );
    assert_nothing_stored(&project, "dev");
    assert_eq!(env.try_read(".env"), None);
}

#[test]
fn add_gives_up_after_three_503s_with_exit_3() {
    require_keyring();
    let mock = MockWorkos::start();
    for _ in 0..3 {
        mock.script("/organizations", Reply::status(503));
    }
    let env = TestEnv::new().with_mock(&mock);
    let project = seed_project(&env, "addtest");

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(3);
    assert_eq!(
        mock.requests_to("/organizations").len(),
        3,
        "exactly three attempts expected: {:?}",
        mock.requests()
    );
    assert_nothing_stored(&project, "dev");
    assert_eq!(env.try_read(".env"), None);
}

// ---------------------------------------------------------------------------
// Adding again

#[test]
fn add_again_when_healthy_says_already_added_and_keeps_the_values() {
    require_keyring();
    let mock = MockWorkos::start();
    mock.set_key(API_KEY_ROTATED, 1);
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    let files = [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f));

    // Other (also valid) values on offer: they are not taken.
    let out = add_from_env(&env, API_KEY_ROTATED, CLIENT_ID, &[]);
    out.assert_code(0);
    assert!(out.stderr().contains("already added"), "{out:?}");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );

    // Without a flag and without a terminal it does not need to ask: still exit 0.
    let out = run(&mut env.stack(&["add", "workos"]));
    out.assert_code(0);
    assert!(out.stderr().contains("already added"), "{out:?}");

    assert_eq!(
        [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f)),
        files
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

#[test]
fn add_force_replaces_the_stored_values() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    let project = env.project_id();

    mock.set_key(API_KEY_ROTATED, 1);
    let out = add_from_env(&env, API_KEY_ROTATED, CLIENT_ID, &["--force"]);
    out.assert_code(0);
    assert!(!out.stderr().contains("already added"), "{out:?}");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_ROTATED)
    );
    assert_eq!(env.project_id(), project);
    assert_eq!(env.read(".env"), ENV_REFS);
}

#[test]
fn add_after_the_key_was_rotated_replaces_it_instead_of_saying_already_added() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);

    mock.rotate(API_KEY, API_KEY_ROTATED);
    // With no way to ask, it says it needs a value rather than "already added".
    let out = run(&mut env.stack(&["add", "workos"]));
    out.assert_code(2);
    assert!(!out.stderr().contains("already added"), "{out:?}");

    let out = add_from_env(&env, API_KEY_ROTATED, CLIENT_ID, &[]);
    out.assert_code(0);
    assert!(!out.stderr().contains("already added"), "{out:?}");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_ROTATED)
    );
}

// ---------------------------------------------------------------------------
// Environments

#[test]
fn add_keeps_environments_apart_and_the_project_id_stable() {
    require_keyring();
    let mock = MockWorkos::start();
    mock.add_client_id("client_FAKEPROD000000001");
    let env = TestEnv::new().with_mock(&mock);

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    let project = env.project_id();
    let out = add_from_env(
        &env,
        API_KEY_LIVE,
        "client_FAKEPROD000000001",
        &["--env", "prod"],
    );
    out.assert_code(0);
    assert!(warnings(&out).is_empty(), "{out:?}");

    assert_eq!(env.project_id(), project, "the project id changed");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(
        env.keychain_get("prod", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_LIVE)
    );
    assert_eq!(
        env.keychain_get("prod", "WORKOS_CLIENT_ID").as_deref(),
        Some("client_FAKEPROD000000001")
    );
    assert_eq!(
        env.read(".stack.toml"),
        contract_stack_toml(&project, "[\"dev\", \"prod\"]")
    );
    assert_eq!(
        env.read(".env"),
        ENV_REFS,
        ".env must not get a second set of lines"
    );
}

#[test]
fn add_uses_stack_env_as_the_default_environment() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new()
        .with_mock(&mock)
        .env_var("STACK_ENV", "staging");

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    assert_eq!(
        env.keychain_get("staging", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(env.keychain_get("dev", "WORKOS_API_KEY"), None);
    assert_eq!(
        env.read(".stack.toml"),
        contract_stack_toml(&env.project_id(), "[\"staging\"]")
    );
}

#[test]
fn add_warns_about_a_live_key_outside_prod_and_a_test_key_in_prod() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let out = add_from_env(&env, API_KEY_LIVE, CLIENT_ID, &[]);
    out.assert_code(0);
    assert!(
        warnings(&out)
            .iter()
            .any(|w| w.contains("WORKOS_API_KEY") && w.contains("dev")),
        "a sk_live_ key in dev should warn:\n{out:?}"
    );

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &["--env", "prod"]);
    out.assert_code(0);
    assert!(
        warnings(&out)
            .iter()
            .any(|w| w.contains("WORKOS_API_KEY") && w.contains("prod")),
        "a sk_test_ key in prod should warn:\n{out:?}"
    );
    // Warnings do not stop the values from being stored.
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_LIVE)
    );
    assert_eq!(
        env.keychain_get("prod", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

// ---------------------------------------------------------------------------
// Preserving the user's files

#[test]
fn add_keeps_comments_unknown_keys_and_other_tables_in_stack_toml() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let id = unique_project_id(&env, "addtest");
    let original = format!(
        "# My project's stack file\n[stack]\nversion = 1\nproject = \"{id}\"   # never change\n\
         \n# auth goes here\n[services.workos]\nprovider = \"workos\"\n\
         secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = [\"dev\"]  # envs\n\
         mcp = \"workos\"\nowner = \"alice\"          # unknown key\n\n\
         [tool.lint]   # someone else's table\nstrict = true\n"
    );
    env.write(".stack.toml", &original);

    add_from_env(&env, API_KEY_LIVE, CLIENT_ID, &["--env", "prod"]).assert_code(0);
    assert_eq!(
        env.read(".stack.toml"),
        original.replace("[\"dev\"]  # envs", "[\"dev\", \"prod\"]  # envs")
    );
    assert_eq!(
        env.keychain_get("prod", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_LIVE)
    );
}

#[test]
fn add_appends_its_table_to_a_stack_toml_without_touching_the_rest() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let id = unique_project_id(&env, "addtest");
    let original = format!(
        "# hand-written\n[stack]\nversion = 1\nproject = \"{id}\"  # id\nextra = \"kept\"\n\
         \n[tool.lint]  # theirs\nstrict = true\n"
    );
    env.write(".stack.toml", &original);

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    let text = env.read(".stack.toml");
    let added = text
        .strip_prefix(&original)
        .unwrap_or_else(|| panic!("the user's text was changed:\n{text}"));
    let table: toml::Table = toml::from_str(added).expect("the added part is TOML");
    assert_eq!(
        table["services"]["workos"],
        toml::from_str::<toml::Table>(
            "provider = \"workos\"\nsecrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\n\
             environments = [\"dev\"]\nmcp = \"workos\"\n"
        )
        .unwrap()
        .into()
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

#[test]
fn add_appends_references_to_an_existing_env_file_keeping_every_line() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let original = "# local settings\nexport DATABASE_URL='postgres://localhost/app'\n\
                    PORT=3000   # dev port\n\nFEATURE_X=\"on\"\n";
    env.write(".env", original);

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    assert_eq!(env.read(".env"), format!("{original}{ENV_REFS}"));
}

#[test]
fn add_to_an_env_file_without_a_final_newline_starts_a_new_line() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    env.write(".env", "PORT=3000");

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    assert_eq!(env.read(".env"), format!("PORT=3000\n{ENV_REFS}"));
}

#[test]
fn add_keeps_other_mcp_servers_top_level_keys_and_their_order() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    // As editors write it (JSON.stringify(value, null, 2)).
    let original = r#"{
  "zeta": "first",
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-github"
      ]
    },
    "abc": {
      "type": "http",
      "url": "https://example.com/mcp"
    }
  },
  "alpha": true
}
"#;
    env.write(".mcp.json", original);

    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    let expected = original.replace(
        "      \"url\": \"https://example.com/mcp\"\n    }\n",
        "      \"url\": \"https://example.com/mcp\"\n    },\n    \"workos\": {\n      \
         \"type\": \"http\",\n      \"url\": \"https://mcp.workos.com/mcp\"\n    }\n",
    );
    assert_eq!(env.read(".mcp.json"), expected);
}

#[test]
fn add_leaves_a_users_own_workos_mcp_entry_alone_and_does_not_record_it() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let original = "{\n  \"mcpServers\": {\n    \"workos\": {\n      \"command\": \"my-workos-mcp\"\n    }\n  }\n}\n";
    env.write(".mcp.json", original);

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(0);
    assert_eq!(env.read(".mcp.json"), original);
    assert!(
        warnings(&out).iter().any(|w| w.contains(".mcp.json")),
        "the user should hear why no MCP entry was written:\n{out:?}"
    );
    let table: toml::Table = toml::from_str(&env.read(".stack.toml")).unwrap();
    let workos = &table["services"]["workos"];
    assert!(
        workos.get("mcp").is_none(),
        "mcp recorded for an entry stack did not write: {workos:?}"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

#[test]
fn add_keeps_a_differing_plaintext_key_in_env_and_warns() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let original = format!("PORT=3000\nWORKOS_API_KEY={API_KEY_ROTATED}\n");
    env.write(".env", &original);

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(0);
    assert!(
        warnings(&out)
            .iter()
            .any(|w| w.contains(".env") && w.contains("WORKOS_API_KEY")),
        "{out:?}"
    );
    assert!(!out.stderr().contains(API_KEY_ROTATED), "{out:?}");
    assert_eq!(
        env.read(".env"),
        format!("{original}WORKOS_CLIENT_ID=stack://workos/WORKOS_CLIENT_ID\n")
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}

#[test]
fn add_turns_a_plaintext_key_equal_to_the_stored_one_into_a_reference() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    env.write(
        ".env",
        &format!("# keys\nWORKOS_API_KEY=\"{API_KEY}\"\nPORT=3000\n"),
    );

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(0);
    assert!(warnings(&out).is_empty(), "{out:?}");
    assert_eq!(
        env.read(".env"),
        "# keys\nWORKOS_API_KEY=stack://workos/WORKOS_API_KEY\nPORT=3000\n\
         WORKOS_CLIENT_ID=stack://workos/WORKOS_CLIENT_ID\n"
    );
    env.scan_for_secret(&[API_KEY]);
}

// ---------------------------------------------------------------------------
// Malformed project files: exit 2, file:line:column, file untouched, nothing stored

/// Runs `add` in `env`, whose `file` is malformed at line `line`: exit 2, the error
/// names `file:line:column`, no project file changes and nothing is stored.
#[track_caller]
fn assert_malformed_is_refused(
    env: &TestEnv,
    mock: &MockWorkos,
    project: &str,
    file: &str,
    line: usize,
) {
    let files = [".stack.toml", ".env", ".mcp.json"];
    let before = files.map(|f| env.try_read(f));

    let out = add_from_env(env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(2);
    let needle = format!("{file}:{line}:");
    let stderr = out.stderr();
    let at = stderr
        .find(&needle)
        .unwrap_or_else(|| panic!("the error should name {needle}<column>:\n{out:?}"));
    assert!(
        stderr[at + needle.len()..].starts_with(|c: char| c.is_ascii_digit()),
        "the error should name {file}:line:column:\n{out:?}"
    );
    assert_eq!(
        files.map(|f| env.try_read(f)),
        before,
        "a project file changed"
    );
    assert_nothing_stored(project, "dev");
    assert!(
        mock.requests().is_empty(),
        "a malformed {file} must stop add before anything is sent"
    );
}

#[test]
fn add_refuses_a_malformed_stack_toml_and_leaves_it_byte_identical() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    // The project id is readable before the error: stack must still store nothing.
    let project = unique_project_id(&env, "addtest");
    env.write(
        ".stack.toml",
        &format!("[stack]\nversion = 1\nproject = \"{project}\"\n\n[services.workos\nprovider = \"workos\"\n"),
    );
    assert_malformed_is_refused(&env, &mock, &project, ".stack.toml", 5);
}

#[test]
fn add_refuses_a_malformed_env_and_leaves_it_byte_identical() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let project = seed_project(&env, "addtest");
    env.write(".env", "# mine\nPORT=3000\n  not a line\n");
    assert_malformed_is_refused(&env, &mock, &project, ".env", 3);
}

#[test]
fn add_refuses_a_malformed_mcp_json_and_leaves_it_byte_identical() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let project = seed_project(&env, "addtest");
    env.write(
        ".mcp.json",
        "{\n  \"mcpServers\": {\n    \"github\": { \"command\": }\n  }\n}\n",
    );
    assert_malformed_is_refused(&env, &mock, &project, ".mcp.json", 3);
}

// ---------------------------------------------------------------------------
// Concurrency and finding the project

#[test]
fn six_parallel_adds_in_one_project_lose_nothing() {
    require_keyring();
    let env = TestEnv::new();
    let children: Vec<_> = (1..=6)
        .map(|n| {
            let name = format!("e{n}");
            env.stack(&["add", "workos", "--from-env", "--no-verify", "--env", &name])
                .env("WORKOS_API_KEY", format!("{API_KEY}{n}"))
                .env("WORKOS_CLIENT_ID", format!("{CLIENT_ID}{n}"))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn stack")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait for stack");
        assert!(
            out.status.success(),
            "a parallel add failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let table: toml::Table = toml::from_str(&env.read(".stack.toml")).unwrap();
    let mut envs: Vec<String> = table["services"]["workos"]["environments"]
        .as_array()
        .expect("environments is an array")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    envs.sort();
    assert_eq!(envs, ["e1", "e2", "e3", "e4", "e5", "e6"]);
    for n in 1..=6 {
        let name = format!("e{n}");
        assert_eq!(
            env.keychain_get(&name, "WORKOS_API_KEY"),
            Some(format!("{API_KEY}{n}")),
            "{name}"
        );
        assert_eq!(
            env.keychain_get(&name, "WORKOS_CLIENT_ID"),
            Some(format!("{CLIENT_ID}{n}")),
            "{name}"
        );
    }
    assert_eq!(env.read(".env"), ENV_REFS);
    assert_eq!(
        env.mcp_json(),
        json!({"mcpServers": {"workos": workos_mcp_entry()}})
    );
}

#[test]
fn add_in_a_subdirectory_or_with_dash_c_edits_the_projects_own_files() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let project = seed_project(&env, "addtest");
    let sub = env.path("app/src");
    std::fs::create_dir_all(&sub).unwrap();

    let out = run(env
        .stack(&["add", "workos", "--from-env"])
        .current_dir(&sub)
        .env("WORKOS_API_KEY", API_KEY)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(0);
    assert_eq!(env.project_id(), project);
    assert_eq!(env.read(".env"), ENV_REFS);
    assert!(env.read(".stack.toml").contains("[services.workos]"));
    for file in [".stack.toml", ".env", ".mcp.json"] {
        assert!(
            !sub.join(file).exists(),
            "{file} was written in the subdirectory"
        );
        assert!(
            !env.path("app").join(file).exists(),
            "{file} was written in app/"
        );
    }
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );

    // -C: run from elsewhere (HOME) as if started in the project's subdirectory.
    let out = run(env
        .stack(&[
            "-C",
            sub.to_str().unwrap(),
            "add",
            "workos",
            "--from-env",
            "--env",
            "prod",
        ])
        .current_dir(env.home())
        .env("WORKOS_API_KEY", API_KEY_LIVE)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(0);
    assert_eq!(
        env.keychain_get("prod", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_LIVE)
    );
    assert!(
        env.read(".stack.toml")
            .contains("environments = [\"dev\", \"prod\"]")
    );
    assert!(!env.home().join(".stack.toml").exists());
}

#[test]
fn a_redirect_never_carries_the_key_to_another_host() {
    require_keyring();
    let mock = MockWorkos::start();
    let elsewhere = MockWorkos::start();
    mock.script(
        "/organizations",
        Reply::status(307).header(
            "Location",
            &format!("{}/organizations?limit=1", elsewhere.url()),
        ),
    );
    let env = TestEnv::new().with_mock(&mock);
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(3);
    assert!(elsewhere.requests().is_empty(), "followed the redirect");
    assert_no_project_files(&env);
}

#[test]
fn a_symlinked_env_file_is_updated_where_it_lives() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    env.write("shared/.env", "PORT=3000\n");
    std::os::unix::fs::symlink(env.path("shared/.env"), env.path(".env")).unwrap();
    add_from_env(&env, API_KEY, CLIENT_ID, &[]).assert_code(0);
    assert!(
        std::fs::symlink_metadata(env.path(".env"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    assert_eq!(env.read("shared/.env"), format!("PORT=3000\n{ENV_REFS}"));
}

#[test]
fn a_provider_without_an_mcp_server_leaves_mcp_json_byte_identical() {
    require_keyring();
    let env = TestEnv::new();
    let mcp = "{\"mcpServers\": {\"mine\": {\"command\": \"x\", \"n\": 1e3}}}";
    env.write(".mcp.json", mcp);
    run(env
        .stack(&["add", "anthropic", "--from-env", "--no-verify"])
        .env(
            "ANTHROPIC_API_KEY",
            "sk-ant-api03-FAKE0000000000000000000000000000000000000000",
        ))
    .assert_code(0);
    assert_eq!(env.read(".mcp.json"), mcp);
}

#[test]
fn two_services_cannot_share_a_slot_name() {
    require_keyring();
    let env = TestEnv::new();
    // A user's own provider that happens to read WORKOS_API_KEY too.
    let dir = env.home().join(".config/stack/providers");
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/providers/workos.toml"
    ))
    .unwrap()
    .replace("name = \"workos\"", "name = \"acme\"");
    std::fs::write(dir.join("acme.toml"), manifest).unwrap();
    add_from_env(&env, API_KEY, CLIENT_ID, &["--no-verify"]).assert_code(0);
    let out = run(env
        .stack(&["add", "acme", "--from-env", "--no-verify"])
        .env("WORKOS_API_KEY", API_KEY_ROTATED)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(2);
    assert!(out.stderr().contains("service workos"), "{out:?}");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
}
