//! The `file` vault (issue 3 item 2): an age-encrypted file that the standard `age` tool
//! opens, unlocked by an identity, a passphrase or a prompt, written atomically under a
//! lock, 0600, never in plaintext.
//!
//! Identities are used wherever passphrases are not the point: scrypt is slow on purpose.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::*;

const PASSPHRASE: &str = "FAKE passphrase for the test vault";

/// A test environment whose vault file is `<root>/vault.age`, and that path.
fn file_env() -> (TestEnv, PathBuf) {
    let env = TestEnv::new();
    let path = env.root().join("vault.age");
    (env.env_var("STACK_VAULT_FILE", &path), path)
}

/// `age-keygen -o <root>/key.txt`: the key file and its `AGE-SECRET-KEY-1…` line.
fn keygen(env: &TestEnv) -> (PathBuf, String) {
    keygen_named(env, "key.txt")
}

/// `age-keygen -o <root>/<name>`: the key file and its `AGE-SECRET-KEY-1…` line.
fn keygen_named(env: &TestEnv, name: &str) -> (PathBuf, String) {
    let key_file = env.root().join(name);
    let out = Command::new("age-keygen")
        .arg("-o")
        .arg(&key_file)
        .stdin(Stdio::null())
        .output()
        .expect("running age-keygen (scripts/install-deps.sh installs the age package)");
    assert!(out.status.success(), "age-keygen failed: {out:?}");
    let text = fs::read_to_string(&key_file).unwrap();
    let secret = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("no AGE-SECRET-KEY-1 line in the key file")
        .to_owned();
    (key_file, secret)
}

/// `stack --vault file <args>`.
fn stack(env: &TestEnv, args: &[&str]) -> Command {
    let mut all = vec!["--vault", "file"];
    all.extend_from_slice(args);
    env.stack(&all)
}

fn add(env: &TestEnv, environment: &str, key: &str) -> Command {
    let mut cmd = stack(
        env,
        &[
            "add",
            "workos",
            "--from-env",
            "--no-verify",
            "--env",
            environment,
        ],
    );
    cmd.env("WORKOS_API_KEY", key)
        .env("WORKOS_CLIENT_ID", CLIENT_ID);
    cmd
}

/// `stack exec -- printenv WORKOS_API_KEY` must print `expected`.
#[track_caller]
fn assert_injected(env: &TestEnv, expected: &str) {
    let out = run(&mut stack(
        env,
        // The value is printed on purpose, to compare it: no masking.
        &["exec", "--no-mask", "--", "printenv", "WORKOS_API_KEY"],
    ));
    out.assert_code(0);
    assert_eq!(out.stdout().trim_end(), expected, "{out:?}");
}

/// Whether `list --json` says each slot of workos is present.
fn present(env: &TestEnv) -> Vec<bool> {
    let out = run(&mut stack(env, &["list", "--json"]));
    out.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).expect("list --json");
    assert_eq!(doc["vault"], "file", "{doc:#}");
    doc["services"][0]["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|s| s["present"] == true)
        .collect()
}

/// The plaintext document, as the standard `age` tool decrypts it.
fn age_decrypt(key_file: &Path, vault: &Path) -> serde_json::Value {
    let out = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(key_file)
        .arg(vault)
        .stdin(Stdio::null())
        .output()
        .expect("running age");
    assert!(out.status.success(), "age -d failed: {out:?}");
    serde_json::from_slice(&out.stdout).expect("the vault does not hold JSON")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn with_an_identity_the_round_trip_works_and_the_age_tool_reads_the_file() {
    let (env, vault) = file_env();
    let (key_file, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);

    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    assert_eq!(present(&env), [true, true]);
    assert_injected(&env, API_KEY);

    let doc = age_decrypt(&key_file, &vault);
    let slot = format!("{}/dev/WORKOS_API_KEY", env.project_id());
    assert_eq!(doc["stack_vault"], 1, "{doc:#}");
    assert_eq!(doc["slots"][&slot], API_KEY, "{doc:#}");
    #[cfg(unix)]
    assert_eq!(mode(&vault), 0o600);
    env.scan_for_secret(&[API_KEY]);

    run(&mut stack(&env, &["remove", "workos", "--yes"])).assert_code(0);
    let doc = age_decrypt(&key_file, &vault);
    assert_eq!(doc["slots"], serde_json::json!({}), "{doc:#}");
}

#[test]
fn with_a_passphrase_the_round_trip_works_and_a_wrong_one_changes_nothing() {
    let (env, vault) = file_env();
    let right = env.env_var("STACK_VAULT_PASSPHRASE", PASSPHRASE);

    run(&mut add(&right, "dev", API_KEY)).assert_code(0);
    assert_eq!(present(&right), [true, true]);
    assert_injected(&right, API_KEY);
    let before = fs::read(&vault).unwrap();
    #[cfg(unix)]
    assert_eq!(mode(&vault), 0o600);

    let wrong = TestEnv::new()
        .env_var("STACK_VAULT_FILE", &vault)
        .env_var("STACK_VAULT_PASSPHRASE", "FAKE wrong passphrase");
    fs::copy(right.path(".stack.toml"), wrong.path(".stack.toml")).unwrap();
    for (args, code) in [
        (&["list"][..], 3),
        (&["doctor"][..], 3),
        (&["exec", "--", "true"][..], 125),
    ] {
        let out = run(&mut stack(&wrong, args));
        out.assert_code(code);
        let stderr = out.stderr();
        assert!(stderr.contains("wrong passphrase or identity"), "{out:?}");
        assert!(!stderr.contains("FAKE wrong") && !stderr.contains(PASSPHRASE));
    }
    run(&mut add(&wrong, "prod", API_KEY_LIVE)).assert_code(3);
    assert_eq!(fs::read(&vault).unwrap(), before, "the vault file changed");

    // Removed from the vault: with the service recorded again, its slots are missing.
    let recorded = right.read(".stack.toml");
    run(&mut stack(&right, &["remove", "workos", "--yes"])).assert_code(0);
    right.write(".stack.toml", &recorded);
    assert_eq!(present(&right), [false, false]);
    right.scan_for_secret(&[API_KEY, API_KEY_LIVE, PASSPHRASE]);
}

#[test]
fn nothing_to_unlock_with_and_no_terminal_is_a_usage_error_naming_both_variables() {
    let (env, vault) = file_env();
    // Unreadable as a vault: exit 2 shows nothing was read.
    fs::write(&vault, "not an age file").unwrap();
    for args in [&["list"][..], &["exec", "--", "true"][..]] {
        let out = run(&mut stack(&env, args));
        out.assert_code(2);
        let stderr = out.stderr();
        assert!(stderr.contains("STACK_AGE_IDENTITY"), "{out:?}");
        assert!(stderr.contains("STACK_VAULT_PASSPHRASE"), "{out:?}");
        assert!(stderr.contains("age-keygen"), "{out:?}");
    }
}

#[test]
fn a_malformed_identity_is_a_usage_error_that_does_not_repeat_it() {
    let (env, _) = file_env();
    let env = env.env_var("STACK_AGE_IDENTITY", "AGE-SECRET-KEY-1FAKEMALFORMED");
    let out = run(&mut stack(&env, &["list"]));
    out.assert_code(2);
    assert!(out.stderr().contains("STACK_AGE_IDENTITY"), "{out:?}");
    assert!(!out.stderr().contains("FAKEMALFORMED"), "{out:?}");
}

#[test]
fn a_damaged_file_is_unavailable_naming_its_path() {
    let (env, vault) = file_env();
    let (_, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    let mut bytes = fs::read(&vault).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&vault, &bytes).unwrap();

    let out = run(&mut stack(&env, &["list"]));
    out.assert_code(3);
    assert!(
        out.stderr().contains(&vault.display().to_string()),
        "{out:?}"
    );
    run(&mut stack(&env, &["exec", "--", "true"])).assert_code(125);
}

#[test]
fn without_stack_vault_file_the_vault_lives_in_the_data_dir() {
    let env = TestEnv::new();
    let (key_file, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);

    let dir = env.home().join(".local/share/stack");
    let vault = dir.join("vault.age");
    assert!(vault.is_file(), "no vault at {}", vault.display());
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&vault), 0o600);
    }
    let slot = format!("{}/dev/WORKOS_API_KEY", env.project_id());
    assert_eq!(age_decrypt(&key_file, &vault)["slots"][&slot], API_KEY);
    let out = run(&mut stack(&env, &["list"]));
    assert!(out.stdout().contains("file vault"), "{out:?}");
}

#[test]
fn concurrent_writers_lose_nothing() {
    let (env, vault) = file_env();
    let (key_file, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);
    // Separate projects, so only the vault's own lock keeps the writers apart.
    let projects: Vec<PathBuf> = (0..4)
        .map(|i| {
            let dir = env.root().join(format!("project{i}"));
            fs::create_dir(&dir).unwrap();
            dir
        })
        .collect();
    let keys = [API_KEY, API_KEY_LIVE];
    let mut children = Vec::new();
    for dir in &projects {
        for (environment, key) in ["dev", "prod"].into_iter().zip(keys) {
            let child = add(&env, environment, key)
                .current_dir(dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            children.push(child);
        }
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
    }

    let doc = age_decrypt(&key_file, &vault);
    let stored = doc["slots"].as_object().unwrap();
    assert_eq!(stored.len(), 4 * 2 * 2, "{doc:#}");
    for dir in &projects {
        for (environment, key) in ["dev", "prod"].into_iter().zip(keys) {
            let out = run(stack(
                &env,
                &[
                    "exec",
                    "--no-mask",
                    "--env",
                    environment,
                    "--",
                    "printenv",
                    "WORKOS_API_KEY",
                ],
            )
            .current_dir(dir));
            out.assert_code(0);
            assert_eq!(out.stdout().trim_end(), key);
        }
    }
}

/// A file-vault project whose first `add`, on a terminal, made the vault with
/// [`PASSPHRASE`] (asked twice: there was no file to decrypt).
#[cfg(unix)]
fn add_with_a_new_passphrase() -> TestEnv {
    let (env, _) = file_env();
    let env = env
        .env_var("WORKOS_API_KEY", API_KEY)
        .env_var("WORKOS_CLIENT_ID", CLIENT_ID);
    let mut pty = env.pty(&[
        "--vault",
        "file",
        "add",
        "workos",
        "--from-env",
        "--no-verify",
    ]);
    pty.expect("New passphrase");
    pty.send_line(PASSPHRASE);
    pty.expect("Repeat");
    pty.send_line(PASSPHRASE);
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    env
}

#[cfg(unix)]
#[test]
fn on_a_terminal_the_passphrase_is_asked_twice_when_creating_and_once_when_opening() {
    // No file yet: nothing to decrypt, so nothing to ask.
    let env = add_with_a_new_passphrase();

    let mut pty = env.pty(&[
        "--vault",
        "file",
        "exec",
        "--",
        "printenv",
        "WORKOS_API_KEY",
    ]);
    pty.expect("Passphrase for the vault");
    pty.send_line(PASSPHRASE);
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains(API_KEY), "{rest}");
    assert!(!rest.contains("Repeat"), "{rest}");
}

#[cfg(unix)]
#[test]
fn reading_a_vault_that_does_not_exist_asks_for_nothing() {
    let (env, vault) = file_env();
    // The project is recorded through another vault file, so this one never exists.
    let (_, identity) = keygen(&env);
    run(add(&env, "dev", API_KEY)
        .env("STACK_VAULT_FILE", env.root().join("other.age"))
        .env("STACK_AGE_IDENTITY", &identity))
    .assert_code(0);

    let pty = env.pty(&["--vault", "file", "list"]);
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("missing"), "{rest}");
    assert!(!rest.contains("assphrase"), "{rest}");
    assert!(!vault.exists());
}

#[test]
fn a_temporary_file_left_by_a_killed_writer_is_swept_by_the_next_write() {
    let (env, vault) = file_env();
    let (_, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    // What a writer killed between creating its temporary file and renaming it leaves.
    let stale = env.root().join(".vault.age.stack-0123456789abcdef.tmp");
    fs::write(&stale, "age-encrypted bytes of an interrupted write").unwrap();
    let unrelated = env.root().join(".vault.age.notes.tmp");
    fs::write(&unrelated, "not stack's").unwrap();

    run(&mut add(&env, "staging", API_KEY)).assert_code(0);
    assert!(!stale.exists(), "the stale temporary file is still there");
    assert!(unrelated.exists(), "a file stack did not write was removed");
    assert!(vault.exists());
}

/// The `age1…` recipient `age-keygen` wrote in the key file's `# public key:` comment.
fn public_key(key_file: &Path) -> String {
    fs::read_to_string(key_file)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("no public key comment in the key file")
        .to_owned()
}

/// An empty stack vault, encrypted by the `age` tool itself with `age_args`.
fn age_encrypt_empty_vault(env: &TestEnv, vault: &Path, age_args: &[&str]) {
    let plain = env.root().join("empty.json");
    fs::write(&plain, r#"{"stack_vault":1,"slots":{}}"#).unwrap();
    let out = Command::new("age")
        .args(age_args)
        .arg("-o")
        .arg(vault)
        .arg(&plain)
        .stdin(Stdio::null())
        .output()
        .expect("running age");
    assert!(out.status.success(), "age failed: {out:?}");
}

/// The path of the recipients file beside `vault`.
fn recipients_file(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".recipients");
    PathBuf::from(name)
}

#[test]
fn a_rewrite_keeps_every_recipient_of_the_recipients_file_and_the_writer() {
    let (env, vault) = file_env();
    let (key_a, identity_a) = keygen_named(&env, "a.txt");
    let (key_b, _) = keygen_named(&env, "b.txt");
    age_encrypt_empty_vault(
        &env,
        &vault,
        &["-r", &public_key(&key_a), "-r", &public_key(&key_b)],
    );
    // As `age -R` reads it; the writer (A) is not listed, and is kept all the same.
    fs::write(
        recipients_file(&vault),
        format!("# the team\n\n{}\n", public_key(&key_b)),
    )
    .unwrap();
    let env = env.env_var("STACK_AGE_IDENTITY", &identity_a);

    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    let slot = format!("{}/dev/WORKOS_API_KEY", env.project_id());
    for key_file in [&key_a, &key_b] {
        let doc = age_decrypt(key_file, &vault);
        assert_eq!(doc["slots"][&slot], API_KEY, "{doc:#}");
        assert_eq!(doc["slots"].as_object().unwrap().len(), 2, "{doc:#}");
    }
}

#[test]
fn a_vault_for_several_recipients_without_a_recipients_file_is_not_rewritten() {
    let (env, vault) = file_env();
    let (key_a, identity_a) = keygen_named(&env, "a.txt");
    let (key_b, _) = keygen_named(&env, "b.txt");
    age_encrypt_empty_vault(
        &env,
        &vault,
        &["-r", &public_key(&key_a), "-r", &public_key(&key_b)],
    );
    let before = fs::read(&vault).unwrap();
    let env = env.env_var("STACK_AGE_IDENTITY", &identity_a);

    let out = run(&mut add(&env, "dev", API_KEY));
    out.assert_code(2);
    let stderr = out.stderr();
    assert!(stderr.contains("several recipients"), "{out:?}");
    assert!(
        stderr.contains(&recipients_file(&vault).display().to_string()),
        "{out:?}"
    );
    assert_eq!(fs::read(&vault).unwrap(), before, "the vault file changed");
}

#[test]
fn a_malformed_recipients_file_is_a_usage_error_at_its_line() {
    let (env, vault) = file_env();
    let (_, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    let before = fs::read(&vault).unwrap();
    fs::write(
        recipients_file(&vault),
        "# the team\n\nage1FAKEnotarecipient\n",
    )
    .unwrap();

    let out = run(&mut add(&env, "prod", API_KEY_LIVE));
    out.assert_code(2);
    let at = format!("{}:3", recipients_file(&vault).display());
    assert!(out.stderr().contains(&at), "{out:?}");
    assert_eq!(fs::read(&vault).unwrap(), before, "the vault file changed");
}

/// The scrypt work factor (log2 N) in an age file's header.
fn work_factor(vault: &Path) -> u8 {
    let bytes = fs::read(vault).unwrap();
    String::from_utf8_lossy(&bytes)
        .lines()
        .find_map(|l| l.strip_prefix("-> scrypt "))
        .and_then(|args| args.split(' ').nth(1))
        .expect("no scrypt stanza in the header")
        .parse()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_passphrase_vault_is_never_rewritten_at_a_lower_work_factor() {
    let (env, vault) = file_env();
    let plain = env.root().join("empty.json");
    fs::write(&plain, r#"{"stack_vault":1,"slots":{}}"#).unwrap();
    // The age tool reads a passphrase only from a terminal.
    let mut cmd = Command::new("age");
    cmd.arg("-p").arg("-o").arg(&vault).arg(&plain);
    let mut pty = Pty::spawn(cmd);
    pty.expect("passphrase");
    pty.send_line(PASSPHRASE);
    pty.expect("passphrase");
    pty.send_line(PASSPHRASE);
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    let made = work_factor(&vault);
    assert!(made > 16, "age made the file at work factor {made}");

    let env = env.env_var("STACK_VAULT_PASSPHRASE", PASSPHRASE);
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    assert_eq!(work_factor(&vault), made);
    assert_injected(&env, API_KEY);
}

#[cfg(unix)]
#[test]
fn a_read_only_vault_is_refused_and_left_as_it_is() {
    use std::os::unix::fs::PermissionsExt;
    let (env, vault) = file_env();
    let (_, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    fs::set_permissions(&vault, fs::Permissions::from_mode(0o400)).unwrap();
    let before = fs::read(&vault).unwrap();

    let out = run(&mut add(&env, "prod", API_KEY_LIVE));
    out.assert_code(2);
    let named = format!("{} is read-only", vault.display());
    assert!(out.stderr().contains(&named), "{out:?}");
    assert_eq!(fs::read(&vault).unwrap(), before, "the vault file changed");
    assert_eq!(mode(&vault), 0o400);
    // Reading it still works.
    assert_injected(&env, API_KEY);
}

#[cfg(unix)]
#[test]
fn the_default_vault_directory_is_tightened_but_a_chosen_one_is_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let (_, identity) = keygen(&env);
    let env = env.env_var("STACK_AGE_IDENTITY", &identity);
    let default_dir = env.home().join(".local/share/stack");
    fs::create_dir_all(&default_dir).unwrap();
    fs::set_permissions(&default_dir, fs::Permissions::from_mode(0o755)).unwrap();
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);
    assert_eq!(mode(&default_dir), 0o700);
    assert_eq!(mode(&default_dir.join("vault.age")), 0o600);

    // A directory the user chose (a committed `.stack/`) keeps its mode; the file is private.
    let chosen = env.path(".stack");
    fs::create_dir(&chosen).unwrap();
    fs::set_permissions(&chosen, fs::Permissions::from_mode(0o755)).unwrap();
    let vault = chosen.join("vault.age");
    run(add(&env, "prod", API_KEY_LIVE).env("STACK_VAULT_FILE", &vault)).assert_code(0);
    assert_eq!(mode(&chosen), 0o755);
    assert_eq!(mode(&vault), 0o600);
}

#[cfg(unix)]
#[test]
fn a_passphrase_typed_at_the_prompt_is_masked_in_the_commands_output() {
    let env = add_with_a_new_passphrase();

    let script = format!("echo 'typed: {PASSPHRASE}'");
    let mut pty = env.pty(&[
        "--vault", "file", "exec", "--mask", "--", "sh", "-c", &script,
    ]);
    pty.expect("Passphrase for the vault");
    pty.send_line(PASSPHRASE);
    let (code, rest) = pty.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(
        rest.contains("typed: [masked:STACK_VAULT_PASSPHRASE]"),
        "{rest}"
    );
    assert!(!rest.contains(PASSPHRASE), "{rest}");
}

#[test]
fn a_recipient_added_by_the_recipients_file_is_announced_once() {
    // A recipients file committed next to a vault kept in the repository adds a reader:
    // the user is told who can read the vault when the number of recipients changes.
    let (env, vault) = file_env();
    let (_, identity_a) = keygen_named(&env, "a.txt");
    let (key_b, _) = keygen_named(&env, "b.txt");
    let env = env.env_var("STACK_AGE_IDENTITY", &identity_a);
    run(&mut add(&env, "dev", API_KEY)).assert_code(0);

    fs::write(recipients_file(&vault), format!("{}\n", public_key(&key_b))).unwrap();
    let out = run(&mut add(&env, "prod", API_KEY_LIVE));
    out.assert_code(0);
    let stderr = out.stderr();
    assert!(
        stderr.contains("now encrypted to 2 recipients") && stderr.contains(&public_key(&key_b)),
        "{out:?}"
    );
    assert!(
        stderr.contains(&recipients_file(&vault).display().to_string()),
        "{out:?}"
    );

    // The same readers again: nothing to announce.
    let out = run(&mut add(&env, "staging", API_KEY));
    out.assert_code(0);
    assert!(!out.stderr().contains("now encrypted to"), "{out:?}");
}
