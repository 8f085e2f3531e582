//! The `env` vault (CI secrets as environment variables), vault selection and
//! `stack ci github` (GitHub Actions masking: tests/ci.rs).

use crate::common::*;

/// A project recording WorkOS for `dev`, written by hand: the env vault cannot `add`.
fn workos_project(env: &TestEnv) {
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"envtest-1\"\n\n[services.workos]\nprovider = \"workos\"\n\
         secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = [\"dev\"]\n",
    );
}

fn with_ci_secrets<'a>(
    cmd: &'a mut std::process::Command,
    key: &str,
) -> &'a mut std::process::Command {
    cmd.env("STACK_VAULT", "env")
        .env("WORKOS_API_KEY", key)
        .env("WORKOS_CLIENT_ID", CLIENT_ID)
}

#[test]
fn exec_on_the_env_vault_injects_the_variables_the_ci_provides() {
    let env = TestEnv::new();
    workos_project(&env);
    let out = run(with_ci_secrets(
        &mut env.stack(&[
            "exec",
            "--",
            "sh",
            "-c",
            "test \"$WORKOS_API_KEY\" = \"$EXPECTED\" && echo same",
        ]),
        API_KEY,
    )
    .env("EXPECTED", API_KEY));
    out.assert_code(0);
    assert_eq!(out.stdout(), "same\n");
}

#[test]
fn exec_on_the_env_vault_never_starts_the_command_with_a_slot_unset() {
    let env = TestEnv::new();
    workos_project(&env);
    let marker = env.path("started");
    let out = run(env
        .stack(&[
            "--vault",
            "env",
            "exec",
            "--",
            "touch",
            marker.to_str().unwrap(),
        ])
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(125);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert!(!marker.exists(), "the command ran with a secret missing");
}

#[test]
fn the_env_vault_is_read_only_for_add_remove_and_fix() {
    let env = TestEnv::new();
    workos_project(&env);
    let before = env.read(".stack.toml");
    for args in [
        &["add", "workos", "--from-env", "--no-verify"][..],
        &["remove", "workos", "--yes"],
        &["doctor", "--fix"],
    ] {
        let out = run(with_ci_secrets(&mut env.stack(args), API_KEY));
        out.assert_code(2);
        assert!(out.stderr().contains("read-only"), "{args:?}: {out:?}");
    }
    assert_eq!(env.read(".stack.toml"), before);
}

#[test]
fn doctor_on_the_env_vault_finds_a_ci_secret_that_was_rotated_away() {
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    workos_project(&env);
    run(with_ci_secrets(&mut env.stack(&["doctor"]), API_KEY)).assert_code(0);
    mock.rotate(API_KEY, API_KEY_ROTATED);
    let out = run(with_ci_secrets(
        &mut env.stack(&["doctor", "--json"]),
        API_KEY,
    ));
    out.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(doc["vault"], "env");
    assert_eq!(doc["services"][0]["status"], "invalid");
}

#[test]
fn the_vault_comes_from_the_flag_then_the_variable_then_the_user_config() {
    let env = TestEnv::new();
    workos_project(&env);
    let config = env.home().join(".config/stack");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "vault = \"env\"\n").unwrap();
    let vault_of = |args: &[&str], var: Option<&str>| {
        let mut cmd = env.stack(args);
        if let Some(v) = var {
            cmd.env("STACK_VAULT", v);
        }
        let out = run(cmd
            .env("WORKOS_API_KEY", API_KEY)
            .env("WORKOS_CLIENT_ID", CLIENT_ID));
        let doc: serde_json::Value =
            serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}: {out:?}"));
        doc["vault"].as_str().unwrap().to_string()
    };
    require_keyring();
    assert_eq!(vault_of(&["list", "--json"], None), "env");
    assert_eq!(vault_of(&["list", "--json"], Some("keychain")), "keychain");
    assert_eq!(
        vault_of(&["--vault", "env", "list", "--json"], Some("keychain")),
        "env"
    );
    std::fs::write(config.join("config.toml"), "# nothing chosen\n").unwrap();
    assert_eq!(vault_of(&["list", "--json"], None), "keychain");
}

#[test]
fn a_vault_chosen_inside_the_project_is_ignored() {
    require_keyring();
    let env = TestEnv::new();
    workos_project(&env);
    // A cloned repository cannot pick where a developer's secrets go.
    env.write("config.toml", "vault = \"env\"\n");
    env.write(".stack/config.toml", "vault = \"env\"\n");
    let out = run(&mut env.stack(&["list", "--json"]));
    out.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(doc["vault"], "keychain");
}

#[test]
fn a_malformed_user_config_names_file_line_and_column() {
    let env = TestEnv::new();
    workos_project(&env);
    let config = env.home().join(".config/stack");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "vault = \n").unwrap();
    let out = run(&mut env.stack(&["list"]));
    out.assert_code(2);
    assert!(out.stderr().contains("config.toml:1:"), "{out:?}");
}

#[test]
fn ci_github_wires_each_vault_from_repository_secrets() {
    let env = TestEnv::new();
    workos_project(&env);
    let workflow = |vault: &str| {
        let out = run(&mut env.stack(&["ci", "github", "--vault", vault]));
        out.assert_code(0);
        out.stdout()
    };
    let wf = workflow("env");
    assert!(wf.contains("STACK_VAULT: env"), "{wf}");
    assert!(
        wf.contains("WORKOS_API_KEY: ${{ secrets.WORKOS_API_KEY }}"),
        "{wf}"
    );
    assert!(
        wf.contains("WORKOS_CLIENT_ID: ${{ secrets.WORKOS_CLIENT_ID }}"),
        "{wf}"
    );
    assert!(wf.contains("stack doctor --json"), "{wf}");
    assert!(wf.contains("stack exec -- cargo test"), "{wf}");
    let wf = workflow("bao");
    assert!(
        wf.contains("VAULT_TOKEN: ${{ secrets.VAULT_TOKEN }}"),
        "{wf}"
    );
    assert!(wf.contains("VAULT_ADDR: ${{ vars.VAULT_ADDR }}"), "{wf}");
    let wf = workflow("file");
    assert!(
        wf.contains("STACK_AGE_IDENTITY: ${{ secrets.STACK_AGE_IDENTITY }}"),
        "{wf}"
    );
    run(&mut env.stack(&["ci", "github", "--vault", "keychain"])).assert_code(2);
}
