//! `--env-file` and `stack://` references (issue 5, item 2), through the library function
//! `stack exec` calls, `stack::ops::environment`, on the real keychain: precedence
//! (inherited < env files < injected slots), references in files and in the inherited
//! environment, one vault read, and errors that name the variable and the reference.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;
use stack::Secret;
use stack::vault::{Ask, Vault, VaultKind};

const STRIPE_KEY: &str = "sk_test_FAKESTRIPEENV000000000001";

/// The tests never prompt.
struct NoAsk;

impl Ask for NoAsk {
    fn can_ask(&self) -> bool {
        false
    }

    fn passphrase(&self, _: &str, _: bool) -> stack::Result<Option<Secret>> {
        Ok(None)
    }

    fn tell(&self, _: &str) {}
}

fn keychain() -> Box<dyn Vault> {
    stack::vault::open(
        VaultKind::Keychain,
        Box::new(NoAsk),
        &stack::Settings::default(),
    )
    .expect("keychain vault")
}

/// The settings `stack` reads in `env`, with `inherited` as the inherited environment.
fn settings(env: &TestEnv, inherited: &[(&str, &str)]) -> stack::Settings {
    stack::Settings {
        data_dir: Some(env.home().join(".local/share/stack")),
        config_dir: Some(env.home().join(".config/stack")),
        environment: inherited
            .iter()
            .map(|(k, v)| (k.to_string(), Secret::new(*v)))
            .collect(),
        ..stack::Settings::default()
    }
}

/// A project with WorkOS and Stripe added for `dev` with fake values.
fn project() -> TestEnv {
    let env = project_with_workos();
    run(env
        .stack(&["add", "stripe", "--from-env", "--no-verify"])
        .env("STRIPE_SECRET_KEY", STRIPE_KEY))
    .assert_code(0);
    env
}

fn environment(
    env: &TestEnv,
    only: &[&str],
    files: &[&str],
) -> stack::Result<Vec<(String, String)>> {
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let vars = stack::ops::environment(
        &env.project(),
        &*keychain(),
        "dev",
        &only,
        &files,
        &settings(env, &[]),
    )?;
    Ok(vars
        .into_iter()
        .map(|v| (v.name, v.value.expose().to_string()))
        .collect())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn file_references_resolve_and_injected_slots_win() {
    let env = project();
    env.write(
        "app.env",
        "# settings\nexport PORT=3000\nGREETING=\"hello\\nworld\" # two lines\n\
         AUTH_KEY=stack://workos/WORKOS_API_KEY\nSTRIPE_SECRET_KEY=sk_test_FAKEPLAINFILE0000001\n",
    );
    env.write("local.env", "PORT='4000'\n");
    let vars = environment(&env, &[], &["app.env", "local.env"]).unwrap();
    assert_eq!(
        vars,
        pairs(&[
            ("PORT", "4000"),
            ("GREETING", "hello\nworld"),
            ("AUTH_KEY", API_KEY),
            // The injected slot overrides the file's plaintext.
            ("STRIPE_SECRET_KEY", STRIPE_KEY),
            ("WORKOS_API_KEY", API_KEY),
            ("WORKOS_CLIENT_ID", CLIENT_ID),
        ])
    );
}

#[test]
fn the_projects_own_env_file_resolves_with_only() {
    let env = project();
    // `.env` as `stack add` wrote it: references only; `--only stripe` injects Stripe, so
    // the WorkOS variables come from their references.
    let vars = environment(&env, &["stripe"], &[".env"]).unwrap();
    let mut vars = vars;
    vars.sort();
    assert_eq!(
        vars,
        pairs(&[
            ("STRIPE_SECRET_KEY", STRIPE_KEY),
            ("WORKOS_API_KEY", API_KEY),
            ("WORKOS_CLIENT_ID", CLIENT_ID),
        ])
    );
}

#[test]
fn without_env_files_only_the_injected_slots_are_returned() {
    let env = project();
    let vars = environment(&env, &["workos"], &[]).unwrap();
    assert_eq!(
        vars,
        pairs(&[("WORKOS_API_KEY", API_KEY), ("WORKOS_CLIENT_ID", CLIENT_ID)])
    );
}

#[test]
fn an_unresolvable_reference_is_an_error_naming_it() {
    let env = project();
    let cases = [
        (
            "X=stack://github/GITHUB_TOKEN\n",
            "X=stack://github/GITHUB_TOKEN",
        ),
        (
            "Y=stack://workos/STRIPE_SECRET_KEY\n",
            "Y=stack://workos/STRIPE_SECRET_KEY",
        ),
        ("Z=stack://workos\n", "Z=stack://workos"),
    ];
    for (text, named) in cases {
        env.write("refs.env", text);
        let err = environment(&env, &["stripe"], &["refs.env"]).unwrap_err();
        assert!(err.message.contains(named), "{text:?}: {}", err.message);
    }
    // Recorded, but not in the vault for this environment.
    add_workos(&env, "prod", API_KEY_LIVE);
    let clear = Command::new("secret-tool")
        .args(["clear", "service", "stack", "username"])
        .arg(format!("{}/dev/WORKOS_CLIENT_ID", env.project_id()))
        .status()
        .unwrap();
    assert!(clear.success());
    env.write("refs.env", "ID=stack://workos/WORKOS_CLIENT_ID\n");
    let err = environment(&env, &["stripe"], &["refs.env"]).unwrap_err();
    assert!(
        err.message.contains("ID=stack://workos/WORKOS_CLIENT_ID")
            && err.message.contains("missing"),
        "{}",
        err.message
    );
}

#[test]
fn a_malformed_or_missing_env_file_is_a_usage_error_naming_it() {
    let env = project();
    env.write("bad.env", "A=1\nB=\"open\n");
    let err = environment(&env, &[], &["bad.env"]).unwrap_err();
    assert_eq!(err.kind, stack::Kind::Usage);
    assert!(err.message.starts_with("bad.env:2:3:"), "{}", err.message);
    let err = environment(&env, &[], &["absent.env"]).unwrap_err();
    assert_eq!(err.kind, stack::Kind::Usage);
    assert!(err.message.contains("absent.env"), "{}", err.message);
}

#[test]
fn inherited_references_are_resolved_and_the_rest_left_alone() {
    let env = project();
    env.write("over.env", "OVERRIDDEN=from-file\n");
    let inherited = [
        ("INHERITED_KEY", "stack://workos/WORKOS_API_KEY"),
        // A file wins over the inherited environment: this reference is never resolved.
        ("OVERRIDDEN", "stack://nope/NOPE"),
        ("PLAIN_INHERITED", "left-alone"),
    ];
    let only: Vec<String> = vec!["stripe".into()];
    let files = [PathBuf::from("over.env")];
    let vars = stack::ops::environment(
        &env.project(),
        &*keychain(),
        "dev",
        &only,
        &files,
        &settings(&env, &inherited),
    )
    .expect("environment");
    let vars: Vec<(String, String)> = vars
        .into_iter()
        .map(|v| (v.name, v.value.expose().to_string()))
        .collect();
    assert_eq!(
        vars,
        pairs(&[
            ("OVERRIDDEN", "from-file"),
            ("INHERITED_KEY", API_KEY),
            ("STRIPE_SECRET_KEY", STRIPE_KEY),
        ])
    );
}

#[test]
fn exec_loads_env_files_and_resolves_their_references() {
    let env = project();
    env.write(
        ".env.test",
        "PORT=3000\nexport KEY_ALIAS=\"stack://workos/WORKOS_API_KEY\"\n",
    );
    let out = run(env
        .stack(&[
            "exec",
            "--env-file",
            ".env.test",
            "--",
            "sh",
            "-c",
            r#"test "$KEY_ALIAS" = "$EXPECTED" && echo "same $PORT""#,
        ])
        .env("EXPECTED", API_KEY));
    out.assert_code(0);
    assert_eq!(out.stdout(), "same 3000\n");
}

#[test]
fn exec_with_an_unresolvable_reference_is_125_and_runs_nothing() {
    let env = project();
    env.write(".env.test", "GHOST=stack://nope/NOPE_KEY\n");
    let marker = env.path("started");
    let out = run(&mut env.stack(&[
        "exec",
        "--env-file",
        ".env.test",
        "--",
        "touch",
        marker.to_str().unwrap(),
    ]));
    out.assert_code(125);
    assert!(out.stderr().contains("GHOST"), "{out:?}");
    assert!(!marker.exists());
}

#[test]
fn a_secret_reached_through_a_reference_is_masked_in_output() {
    let env = project();
    env.write(".env.test", "KEY_ALIAS=stack://workos/WORKOS_API_KEY\n");
    let out = run(&mut env.stack(&[
        "exec",
        "--env-file",
        ".env.test",
        "--",
        "sh",
        "-c",
        "echo $KEY_ALIAS",
    ]));
    out.assert_code(0);
    assert!(!out.stdout().contains(API_KEY), "{out:?}");
    assert!(out.stdout().contains("[masked:WORKOS_API_KEY]"), "{out:?}");
}
