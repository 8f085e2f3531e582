//! `stack exec` output masking (issue 5, item 1): where output is kept (a pipe, a file, a
//! CI log) `stack` stays the parent and masks injected secrets in the child's stdout and
//! stderr, with the process semantics of the plain `exec` unchanged: exit codes, stdin,
//! signals reaching the child exactly once, no orphan when `stack` is killed. On a
//! terminal the default is no masking and `stack` still replaces itself with the command.

use crate::common::*;

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the masker writes in place of the WorkOS API key.
const MASKED_KEY: &str = "[masked:WORKOS_API_KEY]";

/// The same under a pseudo-terminal, with `extra` variables set.
fn exec_sh_pty(env: &TestEnv, stack_args: &[&str], script: &str, extra: &[(&str, &str)]) -> Pty {
    let mut cmd = exec_sh(env, stack_args, script);
    cmd.env("TERM", "xterm");
    for (key, value) in extra {
        cmd.env(key, value);
    }
    Pty::spawn(cmd)
}

/// Spawns `stack exec -- sh -c <script>` in the background with output piped (masking
/// on) and waits until the script has created `ready`.
fn spawn_until_ready(env: &TestEnv, script: &str) -> Child {
    let mut child = exec_sh(env, &[], script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning stack");
    wait_for_file(&mut child, &env.path("ready"));
    child
}

/// Whether process `pid` is gone: no longer in /proc, or a zombie waiting to be reaped.
fn process_gone(pid: &str) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

// ---------------------------------------------------------------------------
// Masking

#[test]
fn a_secret_printed_to_stdout_and_stderr_is_masked_when_output_is_piped() {
    let env = project_with_workos();
    let out = run(&mut exec_sh(
        &env,
        &[],
        r#"echo "out $WORKOS_API_KEY id $WORKOS_CLIENT_ID"; echo "err $WORKOS_API_KEY" >&2"#,
    ));
    out.assert_code(0);
    assert!(!out.stdout().contains(API_KEY), "{out:?}");
    assert!(!out.stderr().contains(API_KEY), "{out:?}");
    // Only the secret changes: the public client id and everything else pass as they are.
    assert_eq!(
        out.stdout(),
        format!("out {MASKED_KEY} id {CLIENT_ID}\n"),
        "{out:?}"
    );
    assert!(
        out.stderr().ends_with(&format!("err {MASKED_KEY}\n")),
        "{out:?}"
    );
}

#[test]
fn a_secret_split_across_writes_is_still_masked() {
    let env = project_with_workos();
    // The first 10 characters, a pause long enough for stack to read them, then the rest.
    let script = r#"k=$WORKOS_API_KEY
        printf '%.10s' "$k"
        sleep 0.3
        printf '%s\n' "${k#??????????}""#;
    let out = run(&mut exec_sh(&env, &[], script));
    out.assert_code(0);
    assert_eq!(out.stdout(), format!("{MASKED_KEY}\n"), "{out:?}");
}

/// An Anthropic key as long as real ones (108 characters): its base64 spans lines.
const LONG_KEY: &str = "sk-ant-api03-FAKE_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-FAKE_0123456789abcdefghij";

#[test]
fn a_long_key_through_gnu_base64_wrapped_at_76_or_64_columns_is_masked() {
    let env = TestEnv::new();
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"wrap-1\"\n\n[services.anthropic]\n\
         provider = \"anthropic\"\nsecrets = [\"ANTHROPIC_API_KEY\"]\nenvironments = [\"dev\"]\n",
    );
    for (script, newline) in [
        (r#"printf %s "$ANTHROPIC_API_KEY" | base64"#, "\n"),
        (r#"printf %s "$ANTHROPIC_API_KEY" | base64 -w 64"#, "\n"),
        (
            r#"printf %s "$ANTHROPIC_API_KEY" | base64 | sed 's/$/\r/'"#,
            "\r\n",
        ),
        (
            r#"printf 'key=%s' "$ANTHROPIC_API_KEY" | base64 -w 64 | sed 's/$/\r/'"#,
            "\r\n",
        ),
    ] {
        let out = run(exec_sh(&env, &["--mask"], script)
            .env("STACK_VAULT", "env")
            .env("ANTHROPIC_API_KEY", LONG_KEY));
        out.assert_code(0);
        let stdout = out.stdout();
        assert!(stdout.matches(newline).count() >= 2, "{script}: {stdout:?}");
        // Each line holding part of the key is a marker; what is left, joined up, is
        // the encoding of `key=` and of the padding, too short to hold any of the key.
        let rest = stdout
            .replace(newline, "")
            .replace("[masked:ANTHROPIC_API_KEY]", "");
        assert!(
            rest.len() <= "a2V5PX".len() + "o=".len(),
            "{script}: {stdout:?}"
        );
        for line in stdout.split_terminator(newline) {
            assert!(
                line.contains("[masked:ANTHROPIC_API_KEY]"),
                "{script}: {stdout:?}"
            );
        }
    }
}

/// An OpenAI project key as long as real ones (162 characters).
const OPENAI_KEY: &str = "sk-proj-FAKE_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-FAKE_0123456789abcdefgh";

#[test]
fn a_key_through_base64_at_any_width_or_indented_is_masked() {
    assert_eq!(OPENAI_KEY.len(), 162);
    let env = TestEnv::new();
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"wrap-2\"\n\n[services.openai]\n\
         provider = \"openai\"\nsecrets = [\"OPENAI_API_KEY\"]\nenvironments = [\"dev\"]\n",
    );
    for (script, newline, indent) in [
        (r#"printf %s "$OPENAI_API_KEY" | base64 -w 60"#, "\n", ""),
        (r#"printf %s "$OPENAI_API_KEY" | base64 -w 72"#, "\n", ""),
        (r#"printf %s "$OPENAI_API_KEY" | base64 -w 80"#, "\n", ""),
        (
            r#"printf %s "$OPENAI_API_KEY" | base64 | sed 's/^/  /'"#,
            "\n",
            "  ",
        ),
        (
            r#"printf 'key=%s' "$OPENAI_API_KEY" | base64 -w 64 | sed 's/^/\t/; s/$/\r/'"#,
            "\r\n",
            "\t",
        ),
    ] {
        let out = run(exec_sh(&env, &["--mask"], script)
            .env("STACK_VAULT", "env")
            .env("OPENAI_API_KEY", OPENAI_KEY));
        out.assert_code(0);
        let stdout = out.stdout();
        assert!(stdout.matches(newline).count() >= 3, "{script}: {stdout:?}");
        // Each line holding part of the key is a marker after its indentation; what is
        // left, joined up, is too short to hold any of the key.
        let rest = stdout
            .replace(newline, "")
            .replace(indent, "")
            .replace("[masked:OPENAI_API_KEY]", "");
        assert!(
            rest.len() <= "a2V5PX".len() + "A==".len(),
            "{script}: {stdout:?}"
        );
        for line in stdout.split_terminator(newline) {
            assert!(line.starts_with(indent), "{script}: {stdout:?}");
            assert!(
                line.contains("[masked:OPENAI_API_KEY]"),
                "{script}: {stdout:?}"
            );
        }
    }
}

#[test]
fn no_mask_prints_the_secret_as_the_user_asked() {
    let env = project_with_workos();
    let out = run(&mut exec_sh(
        &env,
        &["--no-mask"],
        r#"echo "$WORKOS_API_KEY"; echo "$WORKOS_API_KEY" >&2"#,
    ));
    out.assert_code(0);
    assert_eq!(out.stdout(), format!("{API_KEY}\n"), "{out:?}");
    assert!(out.stderr().contains(API_KEY), "{out:?}");
}

#[test]
fn mask_and_no_mask_together_are_a_usage_error() {
    let env = project_with_workos();
    let out = run(&mut exec_sh(
        &env,
        &["--mask", "--no-mask"],
        "touch started",
    ));
    out.assert_code(2);
    assert!(!env.path("started").exists(), "the command ran\n{out:?}");
}

#[test]
fn output_is_passed_on_as_it_comes_not_when_the_child_exits() {
    let env = project_with_workos();
    let mut child = exec_sh(
        &env,
        &[],
        r#"echo "first $WORKOS_API_KEY"; while [ ! -e go ]; do sleep 0.05; done; echo second"#,
    )
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .expect("spawning stack");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    // The child is still running (it waits for `go`), so this line came through at once.
    stdout.read_line(&mut line).expect("reading stack's stdout");
    assert_eq!(line, format!("first {MASKED_KEY}\n"));
    fs::write(env.path("go"), "").expect("writing go");
    line.clear();
    stdout.read_line(&mut line).expect("reading stack's stdout");
    assert_eq!(line, "second\n");
    assert!(wait_with_timeout(&mut child, "stack exec").success());
}

#[test]
fn masking_keeps_stack_as_the_parent_of_the_command() {
    let env = project_with_workos();
    let mut child = exec_sh(&env, &[], "echo $PPID")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning stack");
    let stack_pid = child.id();
    wait_with_timeout(&mut child, "stack exec -- sh -c 'echo $PPID'");
    let out = child.wait_with_output().expect("collecting output");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        stack_pid.to_string(),
        "the command's parent is not the `stack` process"
    );
}

// ---------------------------------------------------------------------------
// Exit codes and stdin

#[test]
fn the_childs_exit_code_passes_through_when_masking() {
    let env = project_with_workos();
    for code in [0, 7, 255] {
        let out = run(&mut exec_sh(
            &env,
            &["--mask"],
            &format!("echo \"$WORKOS_API_KEY\"; exit {code}"),
        ));
        assert_eq!(out.code(), code, "child exited {code}\n{out:?}");
        assert_eq!(out.stdout(), format!("{MASKED_KEY}\n"), "{out:?}");
    }
}

#[test]
fn a_child_killed_by_a_signal_exits_128_plus_the_signal_number_when_masking() {
    let env = project_with_workos();
    for (signal, code) in [("TERM", 143), ("KILL", 137), ("INT", 130)] {
        let out = run(&mut exec_sh(&env, &[], &format!("kill -{signal} $$")));
        assert_eq!(out.code(), code, "child killed by SIG{signal}\n{out:?}");
        assert_eq!(
            out.status.code(),
            Some(code),
            "stack exits with 128+N itself"
        );
    }
}

#[test]
fn a_command_that_cannot_be_started_exits_127_or_126_when_masking() {
    let env = project_with_workos();
    let out = run(&mut env.stack(&["exec", "--mask", "--", "stack-test-no-such-command"]));
    out.assert_code(127);
    assert!(
        out.stderr().contains("stack-test-no-such-command"),
        "{out:?}"
    );
    env.write("script.sh", "#!/bin/sh\necho ran\n");
    let out = run(&mut env.stack(&["exec", "--mask", "--", "./script.sh"]));
    out.assert_code(126);
    assert_eq!(out.stdout(), "", "{out:?}");
}

#[test]
fn stdin_passes_through_to_the_child() {
    let env = project_with_workos();
    // Large enough to fill every pipe buffer on the way, so a stall would show.
    let input: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
    let out = run_stdin(&mut env.stack(&["exec", "--", "cat"]), &input);
    out.assert_code(0);
    assert!(out.stdout() == input, "stdin did not come back unchanged");
}

// ---------------------------------------------------------------------------
// Signals

/// Sends `signal` to the `stack exec` process (masking, so `stack` is the parent) once the
/// child is ready, and asserts the child's trap saw it exactly once.
fn signal_reaches_the_child_once(signal: &str) {
    let env = project_with_workos();
    // Each trap appends a line; after the first signal the child lingers half a second
    // so that a duplicate delivery would be logged too.
    let mut script = String::from("got=0\n");
    for name in ["INT", "TERM", "HUP", "QUIT", "USR1", "USR2"] {
        script.push_str(&format!(
            "trap 'echo \"got {name}\" >> signals.log; got=1' {name}\n"
        ));
    }
    script.push_str(
        r#"echo "$WORKOS_API_KEY"
        echo ready > ready
        while [ "$got" = 0 ]; do sleep 0.05; done
        sleep 0.5
        exit 0"#,
    );
    let mut child = spawn_until_ready(&env, &script);
    let kill = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(kill.success(), "kill -s {signal}: {kill}");
    let status = wait_with_timeout(&mut child, &format!("child after SIG{signal}"));
    let out = child.wait_with_output().expect("collecting output");
    let logged = fs::read_to_string(env.path("signals.log")).unwrap_or_default();
    assert_eq!(
        logged,
        format!("got {signal}\n"),
        "SIG{signal} sent to stack should reach the child's trap exactly once \
         (if nothing was logged and this is SIGINT, check that the test process \
         does not ignore SIGINT)"
    );
    assert_eq!(status.code(), Some(0), "the child exits 0 after its trap");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{MASKED_KEY}\n")
    );
}

#[test]
fn sigint_sent_to_stack_reaches_the_child_exactly_once_when_masking() {
    signal_reaches_the_child_once("INT");
}

#[test]
fn sigterm_sent_to_stack_reaches_the_child_exactly_once_when_masking() {
    signal_reaches_the_child_once("TERM");
}

#[test]
fn sighup_sent_to_stack_reaches_the_child_exactly_once_when_masking() {
    signal_reaches_the_child_once("HUP");
}

#[test]
fn sigquit_sent_to_stack_reaches_the_child_exactly_once_when_masking() {
    signal_reaches_the_child_once("QUIT");
}

#[test]
fn sigusr1_sent_to_stack_reaches_the_child_exactly_once_when_masking() {
    signal_reaches_the_child_once("USR1");
}

#[test]
fn sigusr2_sent_to_stack_reaches_the_child_exactly_once_when_masking() {
    signal_reaches_the_child_once("USR2");
}

#[test]
fn ctrl_c_on_a_terminal_reaches_the_child_exactly_once_when_masking() {
    let env = project_with_workos();
    // The terminal sends SIGINT to the whole foreground group, stack and child alike:
    // stack must not forward its copy.
    let mut pty = exec_sh_pty(
        &env,
        &["--mask"],
        r#"got=0
        trap 'echo "got INT" >> signals.log; got=1' INT
        echo "key $WORKOS_API_KEY"
        while [ "$got" = 0 ]; do sleep 0.05; done
        sleep 0.5
        echo done"#,
        &[],
    );
    pty.expect(&format!("key {MASKED_KEY}"));
    pty.send_control('c');
    pty.expect("done");
    let (code, _) = pty.finish();
    assert_eq!(code, 0, "the child exits 0 after its trap");
    assert_eq!(env.read("signals.log"), "got INT\n");
}

#[cfg(target_os = "linux")]
#[test]
fn killing_stack_stops_the_child_instead_of_orphaning_it() {
    let env = project_with_workos();
    let mut child = spawn_until_ready(
        &env,
        "echo $$ > child.pid; echo ready > ready; while :; do sleep 0.1; done",
    );
    let pid = env.read("child.pid").trim().to_owned();
    assert!(!process_gone(&pid), "the child is not running");
    child.kill().expect("SIGKILL to stack");
    child.wait().expect("reaping stack");
    let deadline = Instant::now() + Duration::from_secs(3);
    while !process_gone(&pid) {
        if Instant::now() > deadline {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("the child (pid {pid}) outlived the killed `stack` by 3 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------
// On a terminal

#[test]
fn on_a_terminal_the_default_is_no_masking_and_stack_becomes_the_command() {
    let env = project_with_workos();
    // rexpect forks the test process and execs stack: if stack replaced itself with sh,
    // sh's parent is this test process.
    let mut pty = exec_sh_pty(&env, &[], r#"echo "key=$WORKOS_API_KEY ppid=$PPID""#, &[]);
    pty.expect(&format!("key={API_KEY} ppid={}", std::process::id()));
    let (code, _) = pty.finish();
    assert_eq!(code, 0);
}

#[test]
fn on_a_terminal_ci_turns_masking_on() {
    let env = project_with_workos();
    let mut pty = exec_sh_pty(
        &env,
        &[],
        r#"echo "key=$WORKOS_API_KEY"; echo end"#,
        &[("CI", "true")],
    );
    let before = pty.expect("end");
    assert!(before.contains(&format!("key={MASKED_KEY}")), "{before}");
    assert!(!before.contains(API_KEY), "{before}");
    let (code, _) = pty.finish();
    assert_eq!(code, 0);
}

#[test]
fn on_a_terminal_ci_false_or_zero_leaves_masking_off() {
    let env = project_with_workos();
    for value in ["false", "0", ""] {
        let mut pty = exec_sh_pty(
            &env,
            &[],
            r#"echo "key=$WORKOS_API_KEY"; echo end"#,
            &[("CI", value)],
        );
        let before = pty.expect("end");
        assert!(before.contains(&format!("key={API_KEY}")), "CI={value}");
        assert_eq!(pty.finish().0, 0);
    }
}
