//! Which project may use which vault items (issue "outside security probe", defects 3
//! and 4): a `.stack.toml` carrying another project's id is refused off a terminal and
//! asked about on one, `stack trust` approves it, a moved project just works, and a
//! `.stack.toml` owned by another user is not obeyed.
//!
//! The file vault with an identity holds the slots, so the tests need no keyring.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// `stack <args>` run in `dir` instead of `project/`.
fn stack_in(env: &TestEnv, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = env.stack(args);
    cmd.current_dir(dir);
    cmd
}

/// The project `project/` with workos stored as [`API_KEY`], and a second directory
/// `copy/` whose `.stack.toml` is a copy of the first's (same project id).
fn project_and_copy(env: &TestEnv) -> PathBuf {
    add_workos(env, "dev", API_KEY);
    let copy = env.root().join("copy");
    fs::create_dir_all(&copy).unwrap();
    fs::copy(env.path(".stack.toml"), copy.join(".stack.toml")).unwrap();
    copy
}

/// What `stack exec` injects as `WORKOS_API_KEY` in `dir`.
fn stored_key(env: &TestEnv, dir: &Path) -> String {
    let out = run(&mut stack_in(
        env,
        dir,
        &["exec", "--no-mask", "--", "printenv", "WORKOS_API_KEY"],
    ));
    out.assert_code(0);
    out.stdout().trim().to_owned()
}

#[track_caller]
fn assert_refused(out: &Output, code: i32, env: &TestEnv, copy: &Path) {
    out.assert_code(code);
    let err = out.stderr();
    assert!(err.contains(&env.project_id()), "names the id: {err}");
    assert!(
        err.contains(&copy.display().to_string()),
        "names this root: {err}"
    );
    assert!(
        err.contains(&env.project().display().to_string()),
        "names the other root: {err}"
    );
    assert!(
        err.contains(&format!("stack trust {}", copy.display())),
        "hints the approving command: {err}"
    );
}

#[test]
fn a_copy_carrying_another_projects_id_is_refused_off_a_terminal() {
    let env = file_env();
    let copy = project_and_copy(&env);

    let out = run(&mut stack_in(&env, &copy, &["env"]));
    assert_refused(&out, 2, &env, &copy);
    assert!(!out.stdout().contains("sk_test"), "nothing previewed");
    // `exec`'s own failures are 125 (contract §5), so its child's codes stay free.
    let out = run(&mut stack_in(&env, &copy, &["exec", "--", "true"]));
    assert_refused(&out, 125, &env, &copy);
    assert_refused(
        &run(&mut stack_in(&env, &copy, &["remove", "workos", "--yes"])),
        2,
        &env,
        &copy,
    );
    let out = run(stack_in(
        &env,
        &copy,
        &["add", "workos", "--from-env", "--no-verify", "--force"],
    )
    .env("WORKOS_API_KEY", API_KEY_ROTATED)
    .env("WORKOS_CLIENT_ID", CLIENT_ID));
    assert_refused(&out, 2, &env, &copy);

    assert_eq!(stored_key(&env, &env.project()), API_KEY, "not overwritten");
    assert!(
        fs::read_to_string(copy.join(".stack.toml"))
            .unwrap()
            .contains("[services.workos]"),
        "the copy's file is untouched"
    );
}

#[test]
fn a_symlinked_stack_toml_is_refused_too() {
    let env = file_env();
    add_workos(&env, "dev", API_KEY);
    let link = env.root().join("link");
    fs::create_dir_all(&link).unwrap();
    std::os::unix::fs::symlink(env.path(".stack.toml"), link.join(".stack.toml")).unwrap();

    assert_refused(
        &run(&mut stack_in(&env, &link, &["exec", "--", "true"])),
        125,
        &env,
        &link,
    );
    assert_refused(
        &run(&mut stack_in(&env, &link, &["remove", "workos", "--yes"])),
        2,
        &env,
        &link,
    );
    assert_eq!(stored_key(&env, &env.project()), API_KEY);
}

#[test]
fn on_a_terminal_the_user_is_asked_and_a_yes_is_remembered() {
    let env = file_env();
    let copy = project_and_copy(&env);

    let mut cmd = stack_in(&env, &copy, &["list"]);
    cmd.env("TERM", "xterm");
    let mut pty = Pty::spawn(cmd);
    pty.expect("is already used by");
    pty.expect("[y/N]");
    pty.send_line("n");
    let (code, _) = pty.finish();
    assert_eq!(code, 1, "declining is exit 1");
    run(&mut stack_in(&env, &copy, &["list"])).assert_code(2);

    let mut cmd = stack_in(&env, &copy, &["list"]);
    cmd.env("TERM", "xterm");
    let mut pty = Pty::spawn(cmd);
    pty.expect("[y/N]");
    pty.send_line("y");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    // Remembered: no terminal needed any more.
    assert_eq!(stored_key(&env, &copy), API_KEY);
}

#[test]
fn stack_trust_approves_a_copy() {
    let env = file_env();
    let copy = project_and_copy(&env);
    run(&mut stack_in(&env, &copy, &["list"])).assert_code(2);

    let out = run(&mut env.stack(&["trust", copy.to_str().unwrap()]));
    out.assert_code(0);
    let err = out.stderr();
    assert!(err.contains(&copy.display().to_string()), "{err}");
    assert!(err.contains(&env.project_id()), "{err}");

    assert_eq!(stored_key(&env, &copy), API_KEY);
    assert_eq!(stored_key(&env, &env.project()), API_KEY);
}

#[test]
fn a_moved_project_is_not_asked_about() {
    let env = file_env();
    add_workos(&env, "dev", API_KEY);
    let moved = env.root().join("moved");
    fs::rename(env.project(), &moved).unwrap();
    assert_eq!(stored_key(&env, &moved), API_KEY);
    // And the old place, once recreated with the id, is now the stranger.
    fs::create_dir_all(env.project()).unwrap();
    fs::copy(moved.join(".stack.toml"), env.path(".stack.toml")).unwrap();
    run(&mut env.stack(&["list"])).assert_code(2);
}

#[test]
fn the_trust_store_lives_in_the_data_dir_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = file_env();
    add_workos(&env, "dev", API_KEY);
    let store = env.home().join(".local/share/stack/trust.json");
    let text = fs::read_to_string(&store).expect("the trust store exists");
    assert!(text.contains(&env.project_id()), "{text}");
    assert!(
        text.contains(&env.project().display().to_string()),
        "{text}"
    );
    let mode = fs::metadata(&store).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        fs::read_dir(env.project()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("trust")),
        "nothing recorded in the project"
    );
}

/// Whether the tests run as root, which they need to give a file away.
fn running_as_root() -> bool {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .expect("running id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
fn a_stack_toml_owned_by_another_user_is_not_obeyed_until_trusted() {
    if !running_as_root() {
        eprintln!("skipped: giving a file to another user (uid 65534) needs root");
        return;
    }
    let env = file_env();
    let foreign = env.root().join("shared");
    let sub = foreign.join("sub");
    fs::create_dir_all(&sub).unwrap();
    let file = foreign.join(".stack.toml");
    fs::write(
        &file,
        "[stack]\nversion = 1\nproject = \"planted-abc123\"\n",
    )
    .unwrap();
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();

    let out = run(&mut stack_in(&env, &sub, &["list"]));
    out.assert_code(2);
    let err = out.stderr();
    assert!(
        err.contains(&file.display().to_string()),
        "names the file: {err}"
    );
    assert!(err.contains("65534"), "names the owner: {err}");
    assert!(
        err.contains(&format!("stack trust {}", foreign.display())),
        "names the override: {err}"
    );
    run(&mut stack_in(&env, &sub, &["exec", "--", "true"])).assert_code(125);

    run(&mut stack_in(&env, &sub, &["trust"])).assert_code(0);
    run(&mut stack_in(&env, &sub, &["list"])).assert_code(0);
}

/// `stack <args>` in `dir` as uid 65534 (nobody), whose HOME is a directory it owns.
fn stack_as_nobody(env: &TestEnv, dir: &Path, args: &[&str]) -> Command {
    let home = env.root().join("nobody");
    fs::create_dir_all(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(65534), Some(65534)).unwrap();
    let template = env.stack(&[]);
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_stack"))
        .args(args)
        .env_clear()
        .current_dir(dir);
    for (key, value) in template.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("STACK_VAULT", "env");
    cmd
}

#[test]
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
fn a_root_owned_stack_toml_is_obeyed_only_where_the_user_could_have_written_it() {
    if !running_as_root() {
        eprintln!("skipped: running stack as another user (uid 65534) needs root");
        return;
    }
    let env = TestEnv::new();
    let dir = env.root().join("system");
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join(".stack.toml");
    fs::write(&file, "[stack]\nversion = 1\nproject = \"system-abc123\"\n").unwrap();

    let out = run(&mut stack_as_nobody(&env, &dir, &["list"]));
    out.assert_code(2);
    let err = out.stderr();
    assert!(
        err.contains(&file.display().to_string()),
        "names the file: {err}"
    );
    assert!(err.contains("owned by root"), "names the owner: {err}");
    assert!(
        err.contains(&format!("stack trust {}", dir.display())),
        "names the override: {err}"
    );

    // In a directory the user may write, a root-owned file is theirs to have made.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    run(&mut stack_as_nobody(&env, &dir, &["list"])).assert_code(0);
}

/// The trust store of `env`.
fn store_of(env: &TestEnv) -> PathBuf {
    env.home().join(".local/share/stack/trust.json")
}

#[test]
fn an_id_nobody_recorded_whose_items_the_vault_holds_is_not_taken_silently() {
    // As after an upgrade from a stack without a trust store: the vault holds the
    // project's items, no directory is recorded, and a copy comes first.
    let env = file_env();
    let copy = project_and_copy(&env);
    fs::remove_file(store_of(&env)).unwrap();

    let out = run(&mut stack_in(
        &env,
        &copy,
        &["exec", "--", "printenv", "WORKOS_API_KEY"],
    ));
    out.assert_code(125);
    assert!(!out.stdout().contains("sk_test"), "{}", out.stdout());
    let err = out.stderr();
    assert!(
        err.contains("already has secrets in this vault") && err.contains("stack trust"),
        "{err}"
    );
    assert!(
        !store_of(&env).exists()
            || !fs::read_to_string(store_of(&env))
                .unwrap()
                .contains(&copy.display().to_string()),
        "the copy is not recorded"
    );

    // The project itself is asked about once too, and `stack trust` settles it.
    run(&mut env.stack(&["list"])).assert_code(2);
    run(&mut env.stack(&["trust"])).assert_code(0);
    assert_eq!(stored_key(&env, &env.project()), API_KEY);
    // With the project recorded, the copy is refused as a copy.
    assert_refused(&run(&mut stack_in(&env, &copy, &["env"])), 2, &env, &copy);
}

#[test]
fn an_id_nobody_recorded_with_nothing_in_the_vault_is_recorded_silently() {
    // A fresh clone: the vault holds nothing of its id yet.
    let env = file_env();
    let id = seed_project(&env, "fresh");
    run(&mut env.stack(&["list"])).assert_code(0);
    let text = fs::read_to_string(store_of(&env)).unwrap();
    assert!(text.contains(&id), "{text}");
}

#[test]
fn a_recorded_project_that_cannot_be_read_keeps_its_id() {
    let env = file_env();
    let copy = project_and_copy(&env);
    // A merge conflict left in the project's file: it still holds the id.
    let mut text = env.read(".stack.toml");
    text.push_str("<<<<<<< HEAD\n");
    env.write(".stack.toml", &text);

    let out = run(&mut stack_in(
        &env,
        &copy,
        &["exec", "--", "printenv", "WORKOS_API_KEY"],
    ));
    out.assert_code(125);
    assert!(!out.stdout().contains("sk_test"), "{}", out.stdout());
    assert!(
        out.stderr().contains("is already used by"),
        "{}",
        out.stderr()
    );
}

#[test]
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
fn only_an_approval_lets_another_users_stack_toml_through() {
    if !running_as_root() {
        eprintln!("skipped: giving a file to another user (uid 65534) needs root");
        return;
    }
    // The user's own project, recorded by its first use; then another user replaces
    // the file (the directory is theirs).
    let env = file_env();
    add_workos(&env, "dev", API_KEY);
    std::os::unix::fs::chown(env.path(".stack.toml"), Some(65534), Some(65534)).unwrap();
    let out = run(&mut env.stack(&["list"]));
    out.assert_code(2);
    assert!(
        out.stderr().contains("owned by uid 65534"),
        "{}",
        out.stderr()
    );
    run(&mut env.stack(&["trust"])).assert_code(0);
    run(&mut env.stack(&["list"])).assert_code(0);
}

#[test]
fn the_trust_store_is_refused_unless_private_and_rewritten_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = file_env();
    add_workos(&env, "dev", API_KEY);
    let store = store_of(&env);
    let dir = store.parent().unwrap().to_path_buf();

    // Writable by others: its approvals are not believed.
    fs::set_permissions(&store, fs::Permissions::from_mode(0o666)).unwrap();
    let out = run(&mut env.stack(&["list"]));
    out.assert_code(2);
    assert!(
        out.stderr().contains("can be written by other users"),
        "{}",
        out.stderr()
    );

    // Readable by others and in an open directory: the next write tightens both.
    fs::set_permissions(&store, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let other = env.root().join("other");
    fs::create_dir_all(&other).unwrap();
    run(&mut stack_in(&env, &other, &["trust", "../project"])).assert_code(0);
    fs::copy(env.path(".stack.toml"), other.join(".stack.toml")).unwrap();
    run(&mut stack_in(&env, &other, &["trust"])).assert_code(0);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store), 0o600);
    assert_eq!(mode(&dir), 0o700);

    // A link is not the store.
    let elsewhere = env.root().join("trust.json");
    fs::rename(&store, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &store).unwrap();
    let out = run(&mut env.stack(&["list"]));
    out.assert_code(2);
    assert!(out.stderr().contains("is a symlink"), "{}", out.stderr());
}

#[test]
fn a_relative_xdg_data_home_is_ignored() {
    let env = file_env().env_var("XDG_DATA_HOME", "relative/data");
    add_workos(&env, "dev", API_KEY);
    assert!(!env.path("relative").exists(), "nothing under the project");
    assert!(store_of(&env).exists(), "the store is under HOME instead");
}

#[test]
fn a_stack_toml_that_is_not_a_regular_file_stops_the_walk() {
    let env = file_env();
    add_workos(&env, "dev", API_KEY);
    let sub = env.path("sub");
    fs::create_dir_all(&sub).unwrap();
    let fifo = sub.join(".stack.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = run(&mut stack_in(&env, &sub, &["env"]));
    out.assert_code(2);
    assert!(
        out.stderr().contains("not a regular file"),
        "{}",
        out.stderr()
    );
}

#[test]
fn a_vault_file_linked_into_the_project_is_still_the_shared_vault() {
    // A copy that arrives first (no directory recorded for the id) and brings a link to
    // the shared vault, named as a vault inside the project, is refused like any copy.
    let env = file_env();
    let copy = project_and_copy(&env);
    fs::remove_file(store_of(&env)).unwrap();
    fs::create_dir_all(copy.join(".stack")).unwrap();
    std::os::unix::fs::symlink(env.root().join("vault.age"), copy.join(".stack/vault.age"))
        .unwrap();
    let out = run(
        stack_in(&env, &copy, &["exec", "--", "printenv", "WORKOS_API_KEY"])
            .env("STACK_VAULT_FILE", ".stack/vault.age"),
    );
    out.assert_code(125);
    assert!(!out.stdout().contains("sk_test"), "{}", out.stdout());
    assert!(
        out.stderr().contains("already has secrets in this vault"),
        "{}",
        out.stderr()
    );
}
