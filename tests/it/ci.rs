//! GitHub Actions masking: `stack exec` never prints a value (workflow command or not);
//! `stack ci mask` registers the secret slots with the runner, as a step of its own, and
//! only where the runner reads its stdout (a pipe), never into a file or onto a screen.

use crate::common::*;

const STRIPE_KEY: &str = "sk_test_FAKESTRIPE00000000000001";

/// WorkOS (one secret slot, one public) and Stripe (one secret slot) for `dev`, by hand:
/// the env vault cannot `add`.
fn ci_project(env: &TestEnv) {
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"citest-1\"\n\n\
         [services.workos]\nprovider = \"workos\"\n\
         secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = [\"dev\"]\n\n\
         [services.stripe]\nprovider = \"stripe\"\n\
         secrets = [\"STRIPE_SECRET_KEY\"]\nenvironments = [\"dev\"]\n",
    );
}

/// `stack <args>` on GitHub Actions with the CI secrets in the env vault.
fn on_github(env: &TestEnv, args: &[&str]) -> std::process::Command {
    let mut cmd = env.stack(args);
    cmd.env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .env("STACK_VAULT", "env")
        .env("WORKOS_API_KEY", API_KEY)
        .env("WORKOS_CLIENT_ID", CLIENT_ID)
        .env("STRIPE_SECRET_KEY", STRIPE_KEY);
    cmd
}

#[test]
fn exec_on_github_actions_prints_no_value_to_a_pipe_or_a_file() {
    let env = TestEnv::new();
    ci_project(&env);
    let out = run(&mut on_github(&env, &["exec", "--", "true"]));
    out.assert_code(0);
    assert_eq!(out.stdout(), "", "{out:?}");
    assert_eq!(out.stderr(), "", "{out:?}");
    // `stack exec -- true > log 2>&1`: the runner never sees that file.
    let log = std::fs::File::create(env.path("log")).unwrap();
    let out = run(on_github(&env, &["exec", "--", "true"])
        .stdout(log.try_clone().unwrap())
        .stderr(log));
    out.assert_code(0);
    let log = env.read("log");
    for value in [API_KEY, STRIPE_KEY, "::add-mask::"] {
        assert!(!log.contains(value), "{value} in the log: {log}");
    }
}

#[test]
fn ci_mask_registers_every_secret_slot_and_no_public_one() {
    let env = TestEnv::new();
    ci_project(&env);
    let out = run(&mut on_github(&env, &["ci", "mask"]));
    out.assert_code(0);
    let mut lines: Vec<String> = out.stdout().lines().map(String::from).collect();
    lines.sort();
    let mut expected = vec![
        format!("::add-mask::{API_KEY}"),
        format!("::add-mask::{STRIPE_KEY}"),
    ];
    expected.sort();
    assert_eq!(lines, expected, "the client ID is no secret: {out:?}");
}

#[test]
fn ci_mask_escapes_workflow_command_data_and_registers_each_line() {
    let env = TestEnv::new();
    ci_project(&env);
    let out = run(on_github(&env, &["ci", "mask", "--env", "dev"])
        .env("STRIPE_SECRET_KEY", "FAKE%first\r\nFAKEsecond"));
    out.assert_code(0);
    let stdout = out.stdout();
    assert!(stdout.contains("::add-mask::FAKE%25first\n"), "{stdout}");
    assert!(stdout.contains("::add-mask::FAKEsecond\n"), "{stdout}");
}

#[test]
fn ci_mask_refuses_stdout_in_a_file_before_reading_any_value() {
    let env = TestEnv::new();
    ci_project(&env);
    let file = std::fs::File::create(env.path("masks.txt")).unwrap();
    let out = run(on_github(&env, &["ci", "mask"]).stdout(file));
    out.assert_code(2);
    assert_eq!(env.read("masks.txt"), "", "nothing in the file");
    assert!(out.stderr().contains("file"), "{out:?}");
    assert!(!out.stderr().contains(API_KEY), "{out:?}");
    // Refused before the vault is read: a missing slot is not what it reports.
    let file = std::fs::File::create(env.path("masks.txt")).unwrap();
    let out = run(on_github(&env, &["ci", "mask"])
        .env_remove("WORKOS_API_KEY")
        .stdout(file));
    out.assert_code(2);
    assert!(!out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
}

#[test]
fn ci_mask_refuses_a_terminal() {
    let env = TestEnv::new();
    ci_project(&env);
    let mut cmd = on_github(&env, &["ci", "mask"]);
    cmd.env("TERM", "xterm");
    let (code, output) = Pty::spawn(cmd).finish();
    assert_eq!(code, 2, "{output}");
    assert!(output.contains("terminal"), "{output}");
    assert!(!output.contains(API_KEY), "{output}");
}

#[test]
fn ci_mask_accepts_dev_null() {
    let env = TestEnv::new();
    ci_project(&env);
    let out = run(on_github(&env, &["ci", "mask"]).stdout(std::process::Stdio::null()));
    out.assert_code(0);
}

#[test]
fn ci_mask_outside_github_actions_is_a_usage_error() {
    let env = TestEnv::new();
    ci_project(&env);
    let out = run(on_github(&env, &["ci", "mask"]).env_remove("GITHUB_ACTIONS"));
    out.assert_code(2);
    assert_eq!(out.stdout(), "");
    assert!(out.stderr().contains("GitHub Actions"), "{out:?}");
}

#[test]
fn ci_mask_with_a_slot_missing_registers_nothing() {
    let env = TestEnv::new();
    ci_project(&env);
    let out = run(on_github(&env, &["ci", "mask"]).env_remove("WORKOS_API_KEY"));
    assert_ne!(out.code(), 0, "{out:?}");
    assert_eq!(out.stdout(), "", "no mask for the slots that are there");
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
}

#[test]
fn ci_github_registers_the_masks_in_a_step_before_exec() {
    let env = TestEnv::new();
    ci_project(&env);
    for vault in ["env", "bao", "file"] {
        let out = run(&mut env.stack(&["ci", "github", "--vault", vault]));
        out.assert_code(0);
        let wf = out.stdout();
        let mask = wf.find("- run: stack ci mask").expect(&wf);
        let exec = wf.find("- run: stack exec").expect(&wf);
        assert!(mask < exec, "{wf}");
        assert!(
            wf.contains("redirect"),
            "the step says not to redirect it: {wf}"
        );
    }
}
