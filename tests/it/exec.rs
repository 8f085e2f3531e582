//! `stack exec`: slots injected into the child, exit codes (contract §5), argv passed
//! through byte for byte, environments kept apart, and the process replaced on Unix.

use crate::common::*;

use std::fs;
use std::process::{Command, Stdio};

/// `secret-tool store service stack username <account>` with `value`.
fn keychain_store(account: &str, value: &str) {
    use std::io::Write;
    let mut child = Command::new("secret-tool")
        .args(["store", "--label=stack test", "service", "stack"])
        .args(["username", account])
        .stdin(Stdio::piped())
        .spawn()
        .expect("running secret-tool");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(value.as_bytes())
        .expect("writing to secret-tool");
    let status = child.wait().expect("waiting for secret-tool");
    assert!(status.success(), "secret-tool store {account}: {status}");
}

/// Prints both WorkOS slots, one per line, marking unset ones.
const PRINT_SLOTS: &str =
    r#"printf '%s\n' "${WORKOS_API_KEY-<unset>}" "${WORKOS_CLIENT_ID-<unset>}""#;

fn slots_line(key: &str) -> String {
    format!("{key}\n{CLIENT_ID}\n")
}

// ---------------------------------------------------------------------------
// Injection

#[test]
fn the_slots_are_in_the_childs_environment_and_the_inherited_environment_is_kept() {
    let env = project_with_workos();
    let out = run(exec_sh(
        &env,
        &["--no-mask"],
        &format!("{PRINT_SLOTS}; echo \"$MY_OWN_VAR\""),
    )
    .env("MY_OWN_VAR", "still here"));
    out.assert_code(0);
    assert_eq!(
        out.stdout(),
        format!("{}still here\n", slots_line(API_KEY)),
        "{out:?}"
    );
}

#[test]
fn only_injects_the_named_services_slots() {
    let env = project_with_workos();
    // A second service whose slot is in the keychain too.
    let mut toml = env.read(".stack.toml");
    toml.push_str(
        "\n[services.other]\nprovider = \"workos\"\nsecrets = [\"OTHER_TOKEN\"]\nenvironments = [\"dev\"]\n",
    );
    env.write(".stack.toml", &toml);
    let account = format!("{}/dev/OTHER_TOKEN", env.project_id());
    keychain_store(&account, "FAKE-other-token");
    let script = format!(r#"{PRINT_SLOTS}; echo "${{OTHER_TOKEN-<unset>}}""#);

    let all = run(&mut exec_sh(&env, &["--no-mask"], &script));
    all.assert_code(0);
    assert_eq!(
        all.stdout(),
        format!("{}FAKE-other-token\n", slots_line(API_KEY)),
        "without --only every service is injected\n{all:?}"
    );

    let only = run(&mut exec_sh(
        &env,
        &["--no-mask", "--only", "workos"],
        &script,
    ));
    only.assert_code(0);
    assert_eq!(
        only.stdout(),
        format!("{}<unset>\n", slots_line(API_KEY)),
        "--only workos injects only workos\n{only:?}"
    );
    keychain_clear(&account);
}

#[test]
fn an_unknown_only_service_fails_with_125_and_names_it() {
    let env = project_with_workos();
    let marker = env.path("started");
    let out = run(&mut exec_sh(&env, &["--only", "nosuch"], "touch started"));
    out.assert_code(125);
    assert!(out.stderr().contains("nosuch"), "{out:?}");
    assert!(!marker.exists(), "the command ran anyway\n{out:?}");
}

// ---------------------------------------------------------------------------
// Exit codes

#[test]
fn the_childs_exit_code_passes_through() {
    let env = project_with_workos();
    for code in [0, 7, 255] {
        let out = run(&mut exec_sh(&env, &[], &format!("exit {code}")));
        assert_eq!(out.code(), code, "child exited {code}\n{out:?}");
    }
}

#[test]
fn a_child_killed_by_a_signal_exits_128_plus_the_signal_number() {
    let env = project_with_workos();
    let out = run(&mut exec_sh(&env, &[], "kill -TERM $$"));
    out.assert_code(143);
    let out = run(&mut exec_sh(&env, &[], "kill -KILL $$"));
    out.assert_code(137);
}

#[test]
fn a_missing_slot_fails_with_125_names_the_slot_and_does_not_start_the_command() {
    let env = project_with_workos();
    keychain_clear(&format!("{}/dev/WORKOS_API_KEY", env.project_id()));
    let out = run(&mut exec_sh(&env, &[], "touch started"));
    out.assert_code(125);
    let stderr = out.stderr();
    assert!(stderr.contains("WORKOS_API_KEY"), "{out:?}");
    assert!(stderr.contains("stack doctor --fix"), "{out:?}");
    assert!(!env.path("started").exists(), "the command ran\n{out:?}");
}

#[test]
fn without_a_stack_toml_exec_fails_with_125_and_a_hint_to_run_stack_add() {
    let env = TestEnv::new();
    let out = run(&mut exec_sh(&env, &[], "touch started"));
    out.assert_code(125);
    assert!(out.stderr().contains("stack add"), "{out:?}");
    assert!(!env.path("started").exists(), "the command ran\n{out:?}");
}

#[test]
fn a_command_that_does_not_exist_exits_127() {
    let env = project_with_workos();
    let out = run(&mut env.stack(&["exec", "--", "stack-test-no-such-command"]));
    out.assert_code(127);
    assert!(
        out.stderr().contains("stack-test-no-such-command"),
        "{out:?}"
    );
}

#[test]
fn a_file_that_is_not_executable_exits_126() {
    let env = project_with_workos();
    env.write("script.sh", "#!/bin/sh\necho ran\n");
    let out = run(&mut env.stack(&["exec", "--", "./script.sh"]));
    out.assert_code(126);
    assert_eq!(out.stdout(), "", "{out:?}");
    assert!(out.stderr().contains("script.sh"), "{out:?}");
}

// ---------------------------------------------------------------------------
// argv

#[test]
fn arguments_pass_through_byte_for_byte() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let env = project_with_workos();
    let args: Vec<&OsStr> = vec![
        OsStr::new("two words"),
        OsStr::new(""),
        OsStr::new("--"),
        OsStr::new("-x"),
        OsStr::new("--env"),
        OsStr::new("prod"),
        OsStr::new("--only=nosuch"),
        OsStr::new("  padded  "),
        OsStr::new("tab\there"),
        OsStr::new("new\nline"),
        OsStr::from_bytes(b"latin1 \xe9\xff"),
    ];
    let out = env
        .stack(&["exec", "--", "printf", "[%s]\\n"])
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .expect("running stack");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut expected = Vec::new();
    for arg in &args {
        expected.push(b'[');
        expected.extend_from_slice(arg.as_bytes());
        expected.extend_from_slice(b"]\n");
    }
    assert_eq!(
        out.stdout,
        expected,
        "got:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn flags_after_the_command_belong_to_the_command() {
    let env = project_with_workos();
    add_workos(&env, "prod", API_KEY_LIVE);
    // `--env prod` after the command name is the child's, not stack's: dev is injected.
    let out = run(&mut env.stack(&[
        "exec",
        "--no-mask",
        "--",
        "sh",
        "-c",
        r#"printf '%s|' "$WORKOS_API_KEY" "$@""#,
        "sh",
        "--env",
        "prod",
    ]));
    out.assert_code(0);
    assert_eq!(out.stdout(), format!("{API_KEY}|--env|prod|"), "{out:?}");
}

#[test]
fn a_misspelled_stack_flag_before_the_command_is_a_usage_error_not_the_command() {
    let env = project_with_workos();
    let out = run(&mut env.stack(&["exec", "--evn", "prod", "--", "touch", "started"]));
    out.assert_code(2);
    assert!(out.stderr().contains("--evn"), "{out:?}");
    assert!(!env.path("started").exists(), "the command ran\n{out:?}");
}

// ---------------------------------------------------------------------------
// Environments

#[test]
fn each_environment_gets_its_own_values() {
    let env = project_with_workos();
    add_workos(&env, "prod", API_KEY_LIVE);

    let dev = run(&mut exec_sh(&env, &["--no-mask"], PRINT_SLOTS));
    dev.assert_code(0);
    assert_eq!(dev.stdout(), slots_line(API_KEY), "default is dev\n{dev:?}");

    let prod = run(&mut exec_sh(
        &env,
        &["--no-mask", "--env", "prod"],
        PRINT_SLOTS,
    ));
    prod.assert_code(0);
    assert_eq!(prod.stdout(), slots_line(API_KEY_LIVE), "{prod:?}");

    let explicit_dev = run(&mut exec_sh(
        &env,
        &["--no-mask", "--env", "dev"],
        PRINT_SLOTS,
    ));
    explicit_dev.assert_code(0);
    assert_eq!(
        explicit_dev.stdout(),
        slots_line(API_KEY),
        "{explicit_dev:?}"
    );
}

#[test]
fn stack_env_selects_the_environment() {
    let env = project_with_workos();
    add_workos(&env, "prod", API_KEY_LIVE);
    let out = run(exec_sh(&env, &["--no-mask"], PRINT_SLOTS).env("STACK_ENV", "prod"));
    out.assert_code(0);
    assert_eq!(out.stdout(), slots_line(API_KEY_LIVE), "{out:?}");
}

#[test]
fn an_environment_never_added_fails_with_125_and_says_how_to_add_it() {
    let env = project_with_workos();
    let out = run(&mut exec_sh(&env, &["--env", "staging"], "touch started"));
    out.assert_code(125);
    let stderr = out.stderr();
    assert!(stderr.contains("staging"), "{out:?}");
    assert!(stderr.contains("stack add workos --env staging"), "{out:?}");
    assert!(!env.path("started").exists(), "the command ran\n{out:?}");
}

// ---------------------------------------------------------------------------
// Process replacement and signals

#[test]
fn exec_replaces_the_stack_process_with_the_command() {
    let env = project_with_workos();
    let mut child = exec_sh(&env, &["--no-mask"], "echo $$")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning stack");
    let stack_pid = child.id();
    let status = wait_with_timeout(&mut child, "stack exec -- sh -c 'echo $$'");
    let out = child.wait_with_output().expect("collecting output");
    assert!(
        status.success(),
        "{status}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        stack_pid.to_string(),
        "the child's pid is not the pid of the `stack` process"
    );
}

/// Sends `signal` to the `stack exec` process once the child is ready, and asserts the
/// child's trap saw it exactly once.
fn signal_reaches_the_child_once(signal: &str) {
    let env = project_with_workos();
    let log = env.path("signals.log");
    let ready = env.path("ready");
    // Each trap appends a line; after the first signal the child lingers half a second
    // so that a duplicate delivery would be logged too.
    let script = r#"
        got=0
        trap 'echo "got INT" >> signals.log; got=1' INT
        trap 'echo "got TERM" >> signals.log; got=1' TERM
        trap 'echo "got HUP" >> signals.log; got=1' HUP
        echo ready > ready
        while [ "$got" = 0 ]; do sleep 0.05; done
        sleep 0.5
        exit 0
    "#;
    let mut child = exec_sh(&env, &[], script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning stack");
    wait_for_file(&mut child, &ready);
    let kill = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(kill.success(), "kill -s {signal}: {kill}");
    let status = wait_with_timeout(&mut child, &format!("child after SIG{signal}"));
    let logged = fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(
        logged,
        format!("got {signal}\n"),
        "SIG{signal} sent to stack should reach the child's trap exactly once \
         (if nothing was logged and this is SIGINT, check that the test process \
         does not ignore SIGINT)"
    );
    assert_eq!(status.code(), Some(0), "the child exits 0 after its trap");
}

#[test]
fn sigint_sent_to_stack_reaches_the_child_exactly_once() {
    signal_reaches_the_child_once("INT");
}

#[test]
fn sigterm_sent_to_stack_reaches_the_child_exactly_once() {
    signal_reaches_the_child_once("TERM");
}

#[test]
fn sighup_sent_to_stack_reaches_the_child_exactly_once() {
    signal_reaches_the_child_once("HUP");
}

// ---------------------------------------------------------------------------
// Where it runs

#[test]
fn dash_c_runs_as_if_started_in_that_directory() {
    let env = project_with_workos();
    let project = env.project();
    // Started above the project, without -C, there is no project to find.
    let out = run(exec_sh(&env, &[], "touch started").current_dir(env.root()));
    assert_ne!(
        out.code(),
        0,
        "found a project above the test root\n{out:?}"
    );

    let out = run(env
        .stack(&[
            "-C",
            project.to_str().expect("UTF-8 path"),
            "exec",
            "--no-mask",
            "--",
        ])
        .args(["sh", "-c", &format!("{PRINT_SLOTS}; pwd -P")])
        .current_dir(env.root()));
    out.assert_code(0);
    assert_eq!(
        out.stdout(),
        format!("{}{}\n", slots_line(API_KEY), project.display()),
        "{out:?}"
    );
}

#[test]
fn running_from_a_subdirectory_finds_the_project_upward() {
    let env = project_with_workos();
    let sub = env.path("src/deeper");
    fs::create_dir_all(&sub).expect("create subdir");
    let out =
        run(exec_sh(&env, &["--no-mask"], &format!("{PRINT_SLOTS}; pwd -P")).current_dir(&sub));
    out.assert_code(0);
    assert_eq!(
        out.stdout(),
        format!("{}{}\n", slots_line(API_KEY), sub.display()),
        "the child runs where stack was started, with the project's slots\n{out:?}"
    );
}

// ---------------------------------------------------------------------------
// Vaults not available yet
