//! How `stack` reads and writes the project's files when they are not plain files: a FIFO,
//! a device, a huge file, a symlink in or out of the project, a dangling lock link, a
//! byte-order mark. Runs on the file vault (an age identity), so no keyring is needed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::*;

/// `stack add workos --from-env --no-verify` with fake values.
fn add(env: &TestEnv) -> Command {
    add_workos_cmd(env, API_KEY, CLIENT_ID, &["--no-verify"])
}

/// What a bounded run left: exit code and output.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    #[track_caller]
    fn assert_code(&self, code: i32) {
        assert_eq!(self.code, code, "unexpected exit code\n{self:?}");
    }
}

impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (code, out, err) = (self.code, &self.stdout, &self.stderr);
        write!(
            f,
            "exit code: {code}\n--- stdout ---\n{out}\n--- stderr ---\n{err}"
        )
    }
}

/// Runs `cmd` to completion, failing the test (not hanging it) after [`WAIT`].
fn run_bounded(cmd: &mut Command, what: &str) -> Ran {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning stack");
    wait_with_timeout(&mut child, what);
    let out = child.wait_with_output().expect("collecting the output");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {} failed", path.display());
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).expect("creating a symlink");
}

/// Every file of the project (not following links) and its bytes, for "nothing changed".
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let bytes = meta.is_file().then(|| fs::read(&path).unwrap());
            (path, bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_fifo_env_is_refused_quickly_by_add_doctor_and_remove() {
    let env = file_env();
    run(&mut add(&env)).assert_code(0);
    fs::remove_file(env.path(".env")).unwrap();
    mkfifo(&env.path(".env"));
    let before = snapshot(&env.project());
    for args in [
        &["add", "workos", "--from-env", "--no-verify"][..],
        &["doctor"],
        &["remove", "workos", "--yes"],
    ] {
        let mut cmd = env.stack(args);
        cmd.env("WORKOS_API_KEY", API_KEY)
            .env("WORKOS_CLIENT_ID", CLIENT_ID);
        let out = run_bounded(&mut cmd, args[0]);
        out.assert_code(2);
        assert!(
            out.stderr.contains(".env is not a regular file"),
            "{args:?}: {out:?}"
        );
        assert_eq!(snapshot(&env.project()), before, "{args:?} changed a file");
    }
    // Named on the command line, a pipe is read as a stream (`<(sops -d …)`): with no
    // writer it is empty, and exec goes on without hanging.
    let out = run_bounded(
        &mut env.stack(&["exec", "--env-file", ".env", "--", "true"]),
        "exec --env-file",
    );
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn an_env_file_named_on_the_command_line_may_be_a_pipe_or_a_device_within_the_limit() {
    let env = file_env();
    run(&mut add(&env)).assert_code(0);
    let out = run_stdin(
        &mut env.stack(&[
            "exec",
            "--env-file",
            "/dev/stdin",
            "--",
            "printenv",
            "FROM_PIPE",
        ]),
        "FROM_PIPE=piped\n",
    );
    out.assert_code(0);
    assert_eq!(out.stdout().trim(), "piped");
    let out = run_bounded(
        &mut env.stack(&["exec", "--env-file", "/dev/zero", "--", "true"]),
        "exec --env-file /dev/zero",
    );
    assert_eq!(out.code, 125, "{out:?}");
    assert!(out.stderr.contains("1 MiB"), "{out:?}");
}

#[test]
fn a_vault_file_that_is_not_a_regular_file_is_refused_quickly() {
    let env = file_env();
    run(&mut add(&env)).assert_code(0);
    let vault = env.root().join("vault.age");
    fs::remove_file(&vault).unwrap();
    mkfifo(&vault);
    let out = run_bounded(&mut env.stack(&["env"]), "env with a FIFO vault");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("is not a regular file"), "{out:?}");
    fs::remove_file(&vault).unwrap();
    symlink("/dev/zero", &vault);
    let out = run_bounded(&mut env.stack(&["env"]), "env with /dev/zero as the vault");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("is not a regular file"), "{out:?}");
}

#[test]
fn an_env_linked_to_dev_zero_is_refused() {
    let env = file_env();
    symlink("/dev/zero", env.path(".env"));
    let out = run_bounded(&mut add(&env), "add");
    out.assert_code(2);
    assert!(out.stderr.contains(".env is not a regular file"), "{out:?}");
    assert!(!env.path(".stack.toml").exists());
}

#[test]
fn a_multi_megabyte_env_is_refused_naming_the_limit() {
    let env = file_env();
    let line = "# padding padding padding padding padding padding padding padding\n";
    let big = line.repeat(3 * 1024 * 1024 / line.len());
    run(&mut add(&env)).assert_code(0);
    env.write(".env", &big);
    let before = snapshot(&env.project());
    let out = run_bounded(&mut add(&env), "add");
    out.assert_code(2);
    assert!(out.stderr.contains(".env is larger than 1 MiB"), "{out:?}");
    assert_eq!(snapshot(&env.project()), before, "add changed a file");

    let out = run_bounded(
        &mut env.stack(&["exec", "--env-file", ".env", "--", "true"]),
        "exec --env-file",
    );
    assert_eq!(out.code, 125, "{out:?}");
    assert!(out.stderr.contains("1 MiB"), "{out:?}");
}

#[test]
fn env_and_mcp_json_linked_outside_the_project_are_refused_and_left_alone() {
    for name in [".env", ".mcp.json"] {
        let env = file_env();
        let outside = env.root().join(format!("outside{name}"));
        let original = if name == ".env" { "A=1\n" } else { "{}\n" };
        fs::write(&outside, original).unwrap();
        symlink(&outside, env.path(name));
        let out = run_bounded(&mut add(&env), "add");
        out.assert_code(2);
        let err = &out.stderr;
        assert!(
            err.contains(name) && err.contains(&outside.display().to_string()),
            "{name}: the error names the link and its target: {out:?}"
        );
        assert!(err.contains("outside the project"), "{name}: {out:?}");
        assert_eq!(fs::read_to_string(&outside).unwrap(), original);
        assert!(fs::symlink_metadata(env.path(name)).unwrap().is_symlink());
        assert!(
            !env.path(".stack.toml").exists(),
            "{name}: nothing recorded"
        );
        // Refused before anything was stored: the vault file was never created.
        assert!(
            !env.root().join("vault.age").exists(),
            "{name}: nothing stored"
        );
    }
}

#[test]
fn env_and_mcp_json_linked_inside_the_project_are_written_through() {
    let env = file_env();
    fs::create_dir(env.path("shared")).unwrap();
    env.write("shared/env", "A=1\n");
    env.write("shared/mcp.json", "{}\n");
    symlink("shared/env", env.path(".env"));
    symlink("shared/mcp.json", env.path(".mcp.json"));
    run(&mut add(&env)).assert_code(0);
    for name in [".env", ".mcp.json"] {
        assert!(
            fs::symlink_metadata(env.path(name)).unwrap().is_symlink(),
            "{name} is still a link"
        );
    }
    let text = env.read("shared/env");
    assert!(text.starts_with("A=1\n"), "{text}");
    assert!(
        text.contains("WORKOS_API_KEY=stack://workos/WORKOS_API_KEY"),
        "{text}"
    );
    assert!(env.read("shared/mcp.json").contains("workos"));
}

#[test]
fn a_dangling_env_link_is_refused() {
    let env = file_env();
    let target = env.root().join("nowhere.env");
    symlink(&target, env.path(".env"));
    let out = run_bounded(&mut add(&env), "add");
    out.assert_code(2);
    assert!(out.stderr.contains(".env"), "{out:?}");
    assert!(!target.exists(), "no file was created at the link's target");
}

#[test]
fn a_dangling_vault_lock_link_creates_no_file_at_its_target() {
    let env = TestEnv::new();
    fs::create_dir(env.path(".stack")).unwrap();
    let vault = env.path(".stack/vault.age");
    let target = env.root().join("planted");
    symlink(&target, env.path(".stack/vault.age.lock"));
    let env = env
        .env_var("STACK_VAULT", "file")
        .env_var("STACK_VAULT_FILE", &vault)
        .env_var("STACK_AGE_IDENTITY", age_identity());
    let out = run_bounded(&mut add(&env), "add");
    out.assert_code(2);
    assert!(
        out.stderr.contains("vault.age.lock is a symlink"),
        "{out:?}"
    );
    assert!(!target.exists(), "a file was created at the link's target");
    assert!(!vault.exists());
}

#[test]
fn an_env_with_a_byte_order_mark_works_with_add_and_exec() {
    let env = file_env();
    env.write(".env", "\u{feff}PORT=3000\n");
    run(&mut add(&env)).assert_code(0);
    let text = env.read(".env");
    assert!(
        text.starts_with("\u{feff}PORT=3000\n"),
        "the BOM is kept: {text:?}"
    );
    assert!(text.contains("WORKOS_API_KEY=stack://workos/WORKOS_API_KEY"));

    let out = run(&mut env.stack(&[
        "exec",
        "--no-mask",
        "--env-file",
        ".env",
        "--",
        "sh",
        "-c",
        "printf '%s %s' \"$PORT\" \"$WORKOS_API_KEY\"",
    ]));
    out.assert_code(0);
    assert_eq!(out.stdout(), format!("3000 {API_KEY}"));
}

#[test]
fn an_env_with_a_byte_order_mark_is_imported_and_keeps_its_mark() {
    let env = file_env();
    env.write(
        ".env",
        &format!("\u{feff}PORT=3000\nWORKOS_API_KEY={API_KEY}\nWORKOS_CLIENT_ID={CLIENT_ID}\n"),
    );
    let out = run(&mut env.stack(&["import", "--yes", "--no-verify"]));
    out.assert_code(0);
    assert_eq!(
        env.read(".env"),
        "\u{feff}PORT=3000\nWORKOS_API_KEY=stack://workos/WORKOS_API_KEY\n\
         WORKOS_CLIENT_ID=stack://workos/WORKOS_CLIENT_ID\n"
    );
}
