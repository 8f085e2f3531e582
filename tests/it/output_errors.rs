//! Output errors count (issue 10, item 6): a write error on stdout other than a broken
//! pipe fails the command with exit 2 and an `error:` line; a broken pipe (the reader went
//! away) ends it quietly with its own code, as ripgrep does.

use std::process::{Command, Stdio};

use crate::common::*;

/// A project with no slots, on the env vault (nothing to unlock).
fn project() -> TestEnv {
    let env = TestEnv::new().env_var("STACK_VAULT", "env");
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"output-errors\"\n",
    );
    env
}

/// Runs `cmd` with stdout on a pipe whose reading end is already closed, so its first
/// write fails with a broken pipe whatever the timing.
fn run_into_closed_pipe(cmd: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    run(cmd.stdout(Stdio::from(writer)))
}

#[cfg(target_os = "linux")]
fn run_into_full_disk(cmd: &mut Command) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    run(cmd.stdout(Stdio::from(full)))
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_fails_the_command_with_exit_2() {
    let env = project();
    let cases: [&[&str]; 5] = [
        &["ci", "github"],
        &["providers"],
        &["completion", "bash"],
        &["list", "--json"],
        &["--version"],
    ];
    for args in cases {
        let out = run_into_full_disk(&mut env.stack(args));
        out.assert_code(2);
        let stderr = out.stderr();
        assert!(
            stderr.starts_with("error: could not write to stdout\n")
                && stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_broken_pipe_ends_quietly_with_exit_0() {
    let env = project();
    let cases: [&[&str]; 4] = [
        &["providers"],
        &["ci", "github"],
        &["completion", "zsh"],
        &["--help"],
    ];
    for args in cases {
        let out = run_into_closed_pipe(&mut env.stack(args));
        out.assert_code(0);
        assert_eq!(out.stderr(), "", "{args:?}");
    }
}

#[test]
fn a_broken_pipe_keeps_a_failing_commands_code_and_error() {
    let env = project();
    let out = run_into_closed_pipe(&mut env.stack(&["list", "--service", "nope"]));
    assert_ne!(out.code(), 0);
    assert!(out.stderr().starts_with("error:"), "{}", out.stderr());
    assert!(!out.stderr().contains("stdout"), "{}", out.stderr());
}

#[test]
fn exec_keeps_the_commands_code_when_its_reader_is_gone() {
    let env = project();
    let out = run_into_closed_pipe(&mut env.stack(&["exec", "--", "sh", "-c", "exit 7"]));
    out.assert_code(7);
    assert_eq!(out.stderr(), "");
}

#[test]
fn an_error_with_stderr_gone_still_exits_with_its_code() {
    // A closed stderr (its reader gone) loses the message, not the exit code: no abort.
    let env = TestEnv::new();
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = run(env.stack(&["list"]).stderr(writer));
    assert_eq!(out.code(), 2, "no project: exit 2, not an abort\n{out:?}");
}
