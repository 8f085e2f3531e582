//! Every command of the core issue on all four vaults: one scenario, run once per vault
//! (issue 3, "Done when"), plus `stack vault copy` and `stack vault status` across vaults.

use std::cell::Cell;
use std::process::Command;

use crate::common::bao::BaoServer;
use crate::common::*;
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Vault {
    Keychain,
    File,
    Bao,
    Env,
}

impl Vault {
    fn name(self) -> &'static str {
        match self {
            Vault::Keychain => "keychain",
            Vault::File => "file",
            Vault::Bao => "bao",
            Vault::Env => "env",
        }
    }

    /// Adds what this vault needs to `env` (it does not select the vault).
    fn configure(self, env: TestEnv) -> TestEnv {
        match self {
            Vault::Keychain => {
                require_keyring();
                env
            }
            Vault::File => {
                let file = env.root().join("vault.age");
                env.env_var("STACK_VAULT_FILE", file)
                    .env_var("STACK_AGE_IDENTITY", age_identity())
            }
            Vault::Bao => {
                let server = BaoServer::shared();
                env.env_var("VAULT_ADDR", server.addr())
                    .env_var("VAULT_TOKEN", server.token())
            }
            Vault::Env => env,
        }
    }
}

/// A test project whose id is unique to it (the bao server is shared by every test).
fn new_project() -> TestEnv {
    let env = TestEnv::new();
    let id = env.root().file_name().unwrap().to_str().unwrap().to_owned();
    write_project(&env, &id, &[]);
    env
}

/// `.stack.toml` for project `id`, recording WorkOS for `environments` (none: no service).
fn write_project(env: &TestEnv, id: &str, environments: &[&str]) {
    let mut text = format!("[stack]\nversion = 1\nproject = \"{id}\"\n");
    if !environments.is_empty() {
        text += &format!(
            "\n[services.workos]\nprovider = \"workos\"\n\
             secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = {environments:?}\n"
        );
    }
    env.write(".stack.toml", &text);
}

/// stdout as JSON.
#[track_caller]
fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}\n{out:?}"))
}

/// Whether there are two slots and every one is present.
fn all_present(slots: &Value) -> bool {
    slots
        .as_array()
        .is_some_and(|s| s.len() == 2 && s.iter().all(|s| s["present"] == true))
}

/// One test project on one vault. On the env vault the CI provides `ci_key` (and the
/// client id) as environment variables; `None`: it provides nothing.
struct Case {
    vault: Vault,
    env: TestEnv,
    ci_key: Cell<Option<&'static str>>,
}

impl Case {
    fn new(vault: Vault, mock: &MockWorkos) -> Case {
        let env = vault
            .configure(new_project().with_mock(mock))
            .env_var("STACK_VAULT", vault.name());
        Case {
            vault,
            env,
            ci_key: Cell::new(None),
        }
    }

    fn stack(&self, args: &[&str]) -> Command {
        let mut cmd = self.env.stack(args);
        if let (Vault::Env, Some(key)) = (self.vault, self.ci_key.get()) {
            cmd.env("WORKOS_API_KEY", key)
                .env("WORKOS_CLIENT_ID", CLIENT_ID);
        }
        cmd
    }

    #[track_caller]
    fn run(&self, args: &[&str], code: i32) -> Output {
        let out = run(&mut self.stack(args));
        out.assert_code(code);
        assert_no_secret(&out);
        out
    }
}

#[track_caller]
fn assert_no_secret(out: &Output) {
    for value in [API_KEY, API_KEY_ROTATED, API_KEY_LIVE] {
        assert!(
            !out.stdout().contains(value) && !out.stderr().contains(value),
            "a secret value was printed\n{out:?}"
        );
    }
}

/// `stack [--vault V] exec` of a child that compares the injected values with `key` and
/// `CLIENT_ID`, printing only "same" or "differ".
#[track_caller]
fn assert_injected(mut cmd: Command, key: &str) {
    let check = r#"[ "$WORKOS_API_KEY" = "$WANT_KEY" ] && [ "$WORKOS_CLIENT_ID" = "$WANT_CLIENT" ] && echo same || echo differ"#;
    let out = run(cmd
        .args(["exec", "--", "sh", "-c", check])
        .env("WANT_KEY", key)
        .env("WANT_CLIENT", CLIENT_ID));
    out.assert_code(0);
    assert_eq!(out.stdout(), "same\n", "{out:?}");
}

/// The core issue's commands, the same on every vault. The env vault refuses to write
/// (exit 2); there the CI provides the values, and rotating means the CI's value changes.
fn scenario(vault: Vault) {
    let mock = MockWorkos::start();
    let case = Case::new(vault, &mock);
    let name = vault.name();
    let writable = vault != Vault::Env;
    let id = case.env.project_id();

    // add, verified against the mock
    if writable {
        let out = run(case
            .stack(&["add", "workos", "--from-env"])
            .env("WORKOS_API_KEY", API_KEY)
            .env("WORKOS_CLIENT_ID", CLIENT_ID));
        out.assert_code(0);
        assert_no_secret(&out);
        assert!(
            !mock.requests_to("/organizations").is_empty(),
            "add did not verify"
        );
    } else {
        case.ci_key.set(Some(API_KEY));
        let out = case.run(&["add", "workos", "--from-env"], 2);
        assert!(out.stderr().contains("read-only"), "{out:?}");
        write_project(&case.env, &id, &["dev"]);
    }

    let list = json(&case.run(&["list", "--json"], 0));
    assert_eq!(list["vault"], name, "{list:#}");
    assert!(all_present(&list["services"][0]["slots"]), "{list:#}");

    assert_injected(case.stack(&[]), API_KEY);

    let doctor = json(&case.run(&["doctor", "--json"], 0));
    assert_eq!(doctor["ok"], true, "{doctor:#}");
    assert_eq!(doctor["vault"], name, "{doctor:#}");

    mock.rotate(API_KEY, API_KEY_ROTATED);
    let doctor = json(&case.run(&["doctor", "--json"], 1));
    assert_eq!(doctor["services"][0]["status"], "invalid", "{doctor:#}");

    // --fix without a terminal reads the new value from the environment
    let mut fix = case.stack(&["doctor", "--fix"]);
    let out = run(fix.env("WORKOS_API_KEY", API_KEY_ROTATED));
    assert_no_secret(&out);
    if writable {
        out.assert_code(0);
    } else {
        out.assert_code(2);
        assert!(out.stderr().contains("read-only"), "{out:?}");
        case.ci_key.set(Some(API_KEY_ROTATED)); // the CI's secret is updated instead
        case.run(&["doctor"], 0);
    }
    assert_injected(case.stack(&[]), API_KEY_ROTATED);

    // A command that prints the key: masked, where output is kept, on every vault.
    let out = case.run(
        &[
            "-v",
            "-v",
            "exec",
            "--",
            "sh",
            "-c",
            "echo \"$WORKOS_API_KEY\"",
        ],
        0,
    );
    assert_eq!(out.stdout(), "[masked:WORKOS_API_KEY]\n", "{out:?}");
    let slots = json(&case.run(&["-v", "-v", "env", "--json"], 0));
    assert_eq!(slots["vault"], name, "{slots:#}");

    let status = json(&case.run(&["vault", "status", "--json"], 0));
    assert_eq!(status["vault"], name, "{status:#}");
    assert_eq!(status["reachable"], true, "{status:#}");
    assert!(all_present(&status["slots"]), "{status:#}");

    if writable {
        case.run(&["remove", "workos", "--yes"], 0);
        let list = json(&case.run(&["list", "--json"], 0));
        assert_eq!(list["services"], serde_json::json!([]), "{list:#}");
    } else {
        let out = case.run(&["remove", "workos", "--yes"], 2);
        assert!(out.stderr().contains("read-only"), "{out:?}");
        case.ci_key.set(None); // the CI stops providing them
    }

    // The slots are gone: recording them again does not bring them back.
    write_project(&case.env, &id, &["dev"]);
    let marker = case.env.path("started");
    let out = case.run(&["exec", "--", "touch", marker.to_str().unwrap()], 125);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert!(!marker.exists(), "the command ran with its secrets missing");

    // Every file under HOME, the project and TMPDIR (all under the env's root), and the
    // OpenBao server's own log.
    assert!(case.env.tmpdir().starts_with(case.env.root()));
    case.env.scan_for_secret(&[API_KEY, API_KEY_ROTATED]);
    if vault == Vault::Bao {
        let log = std::fs::read(BaoServer::shared().log()).expect("the bao server log");
        for value in [API_KEY, API_KEY_ROTATED] {
            assert!(
                !log.windows(value.len()).any(|w| w == value.as_bytes()),
                "the bao server logged a secret"
            );
        }
    }
}

#[test]
fn scenario_on_the_keychain() {
    scenario(Vault::Keychain);
}

#[test]
fn scenario_on_the_file_vault() {
    scenario(Vault::File);
}

#[test]
fn scenario_on_bao() {
    scenario(Vault::Bao);
}

#[test]
fn scenario_on_the_env_vault() {
    scenario(Vault::Env);
}

// ---------------------------------------------------------------------------
// stack vault copy

/// A project on `from` (also set up for `to`) holding WorkOS for dev and prod.
fn two_environments(from: Vault, to: Vault) -> TestEnv {
    let env = to
        .configure(from.configure(new_project()))
        .env_var("STACK_VAULT", from.name());
    for (environment, key) in [("dev", API_KEY), ("prod", API_KEY_LIVE)] {
        run(env
            .stack(&["add", "workos", "--from-env", "--no-verify"])
            .args(["--env", environment])
            .env("WORKOS_API_KEY", key)
            .env("WORKOS_CLIENT_ID", CLIENT_ID))
        .assert_code(0);
    }
    env
}

fn copy_carries_every_slot_of_every_environment(from: Vault, to: Vault) {
    let env = two_environments(from, to);
    let out = run(&mut env.stack(&["vault", "copy", "--to", to.name()]));
    out.assert_code(0);
    assert_no_secret(&out);
    for (environment, key) in [("dev", API_KEY), ("prod", API_KEY_LIVE)] {
        let mut cmd = env.stack(&["--vault", to.name()]);
        cmd.env("STACK_ENV", environment);
        assert_injected(cmd, key);
    }
    env.scan_for_secret(&[API_KEY, API_KEY_LIVE]);
}

#[test]
fn copy_from_the_keychain_to_the_file_vault() {
    copy_carries_every_slot_of_every_environment(Vault::Keychain, Vault::File);
}

#[test]
fn copy_from_the_file_vault_to_bao() {
    copy_carries_every_slot_of_every_environment(Vault::File, Vault::Bao);
}

#[test]
fn copy_with_a_slot_missing_in_the_source_copies_nothing() {
    let env = two_environments(Vault::File, Vault::Bao);
    // Records a third environment whose slots were never stored.
    write_project(&env, &env.project_id(), &["dev", "prod", "staging"]);
    let out = run(&mut env.stack(&["vault", "copy", "--to", "bao"]));
    out.assert_code(1);
    assert_no_secret(&out);
    assert!(out.stderr().contains("staging"), "{out:?}");
    let out = run(&mut env.stack(&["--vault", "bao", "vault", "status", "--json"]));
    out.assert_code(0);
    let status = json(&out);
    let slots = status["slots"].as_array().expect("slots");
    assert_eq!(slots.len(), 6, "{status:#}");
    assert!(
        slots.iter().all(|s| s["present"] == false),
        "copied: {status:#}"
    );
}

// ---------------------------------------------------------------------------
// stack vault status on a vault that cannot be reached

#[track_caller]
fn assert_unreachable(env: TestEnv, vault: Vault) {
    write_project(&env, &env.project_id(), &["dev"]);
    let out = run(&mut env.stack(&["--vault", vault.name(), "vault", "status", "--json"]));
    out.assert_code(3);
    let status = json(&out);
    assert_eq!(status["vault"], vault.name(), "{status:#}");
    assert_eq!(status["reachable"], false, "{status:#}");
}

#[test]
fn status_of_bao_on_a_closed_port_is_unreachable() {
    let env = new_project()
        .env_var("VAULT_ADDR", closed_port_url())
        .env_var("VAULT_TOKEN", "FAKE-token");
    assert_unreachable(env, Vault::Bao);
}

#[test]
fn status_of_a_keychain_without_a_session_bus_is_unreachable() {
    let env = new_project().env_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
    assert_unreachable(env, Vault::Keychain);
}
