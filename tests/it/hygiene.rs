//! Secrets are sacred (contract §3): no API key value in any output, error message or
//! file, and no way to hand one to `stack` on the command line.

use crate::common::*;

/// Well-formed, but the mock has never heard of it: 401.
const API_KEY_REJECTED: &str = "sk_test_FAKEREJECTED0000000000009";
/// Not an API key at all (wrong prefix): refused before anything is sent.
const API_KEY_MALFORMED: &str = "pk_FAKEMALFORMED00000000000008";

/// Every API key value this file hands to `stack`. Client IDs are not secrets.
const KEYS: [&str; 3] = [API_KEY, API_KEY_REJECTED, API_KEY_MALFORMED];

/// Panics naming `what` when any API key value appears in its stdout or stderr.
#[track_caller]
fn assert_no_key_in(what: &str, out: &Output) {
    for (i, key) in KEYS.iter().enumerate() {
        assert!(
            !out.stdout().contains(key) && !out.stderr().contains(key),
            "`{what}` printed API key #{i}\n{out:?}"
        );
    }
}

#[test]
fn no_api_key_appears_in_any_output_or_file_across_a_whole_session() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    env.write(".env", "# settings\nPORT=3000\n");

    let mut outputs: Vec<(&str, Output)> = Vec::new();

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(0);
    assert!(
        !mock.requests_to("/organizations").is_empty(),
        "add did not verify against the mock"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    outputs.push(("add --from-env", out));

    let out = run(&mut env.stack(&["list"]));
    out.assert_code(0);
    assert!(out.stdout().contains("WORKOS_API_KEY"), "{out:?}");
    outputs.push(("list", out));

    let out = run(&mut env.stack(&["list", "--json"]));
    out.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).expect("list --json");
    assert_eq!(doc["services"][0]["slots"][0]["present"], true, "{doc:#}");
    outputs.push(("list --json", out));

    // The child checks the value without printing it (nor taking it in its argv).
    let out = run(env
        .stack(&[
            "exec",
            "--",
            "sh",
            "-c",
            r#"test "$WORKOS_API_KEY" = "$EXPECTED_KEY" && echo injected"#,
        ])
        .env("EXPECTED_KEY", API_KEY));
    out.assert_code(0);
    assert_eq!(out.stdout().trim(), "injected", "{out:?}");
    outputs.push(("exec", out));

    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(0);
    outputs.push(("doctor", out));

    let out = run(&mut env.stack(&["doctor", "--json"]));
    out.assert_code(0);
    outputs.push(("doctor --json", out));

    let out = run(&mut env.stack(&["doctor", "-v", "-v"]));
    out.assert_code(0);
    outputs.push(("doctor -v -v", out));

    let out = add_from_env(&env, API_KEY_REJECTED, CLIENT_ID, &["--force"]);
    out.assert_code(1);
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY),
        "a rejected key replaced the stored one"
    );
    outputs.push(("add (rejected key)", out));

    let sent = mock.requests().len();
    let out = add_from_env(&env, API_KEY_MALFORMED, CLIENT_ID, &["--force"]);
    out.assert_code(2);
    assert_eq!(mock.requests().len(), sent, "a malformed key was sent");
    outputs.push(("add (malformed key)", out));

    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    out.assert_code(0);
    assert_eq!(env.keychain_get("dev", "WORKOS_API_KEY"), None);
    outputs.push(("remove", out));

    for (what, out) in &outputs {
        assert_no_key_in(what, out);
    }
    env.scan_for_secret(&KEYS);
}

#[test]
fn stack_add_takes_no_api_key_on_the_command_line() {
    let env = TestEnv::new();
    for args in [
        vec!["add", "workos", API_KEY],
        vec!["add", "workos", "--key", API_KEY],
        vec!["add", "workos", &format!("--key={API_KEY}")],
        vec!["add", "workos", "--api-key", API_KEY],
    ] {
        let out = run(&mut env.stack(&args));
        out.assert_code(2);
        assert!(
            out.stderr().contains("error:"),
            "`stack {}` did not explain the refusal\n{out:?}",
            args.join(" ")
        );
        assert!(
            env.try_read(".stack.toml").is_none(),
            "`stack {}` started a project",
            args.join(" ")
        );
    }
}

#[test]
fn a_key_passed_as_an_argument_is_not_echoed_in_the_error() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["add", "workos", API_KEY]));
    out.assert_code(2);
    assert!(
        !out.stderr().contains(API_KEY),
        "the refused key is printed back (contract §3: never in error messages)\n{out:?}"
    );
}

#[test]
fn a_rejected_key_is_named_by_its_slot_never_by_its_value() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);

    let out = add_from_env(&env, API_KEY_REJECTED, CLIENT_ID, &[]);
    out.assert_code(1);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert!(out.stderr().contains("401"), "{out:?}");
    assert_no_key_in("add (rejected)", &out);

    // The same key rotated away under a project that has it stored.
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(0);
    mock.rotate(API_KEY, API_KEY_ROTATED);
    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(1);
    assert!(out.stdout().contains("WORKOS_API_KEY"), "{out:?}");
    assert_no_key_in("doctor (rotated)", &out);
}

#[test]
fn an_unreachable_provider_is_named_by_the_slot_never_by_the_key() {
    require_keyring();
    let env = TestEnv::new(); // WorkOS points at a closed port

    let out = add_from_env(&env, API_KEY, CLIENT_ID, &[]);
    out.assert_code(3);
    assert!(out.stderr().contains("WORKOS_API_KEY"), "{out:?}");
    assert_no_key_in("add (unreachable)", &out);
    assert!(
        env.try_read(".stack.toml").is_none(),
        "an unverified add recorded the service"
    );

    let out = run(env
        .stack(&["add", "workos", "--from-env", "-v", "-v"])
        .env("WORKOS_API_KEY", API_KEY)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(3);
    assert_no_key_in("add -v -v (unreachable)", &out);
    env.scan_for_secret(&KEYS);
}

#[test]
fn a_key_pasted_where_a_service_name_goes_is_not_echoed() {
    let env = TestEnv::new();
    env.write(".stack.toml", "[stack]\nversion = 1\nproject = \"h-1\"\n");
    for args in [
        &["remove", API_KEY, "--yes"][..],
        &["--vault", "env", "exec", "--only", API_KEY, "--", "true"],
    ] {
        let out = run(&mut env.stack(args));
        assert!(!out.stderr().contains(API_KEY), "{args:?}: {out:?}");
        assert!(out.stderr().contains("no service named"), "{out:?}");
    }
}

// ---------------------------------------------------------------------------
// Error messages from HTTP failures carry no URL with a credential in it.

/// A credential a careless user manifest writes into its verification URL's query.
const URL_QUERY_SECRET: &str = "sk_test_FAKEINURLQUERY0000000007";
/// A password in the userinfo of a `STACK_<PROVIDER>_API_BASE` override.
const URL_PASSWORD: &str = "FAKEURLPASSWORD000000000000006";
/// The user manifest's own secret slot, sent as a bearer token.
const LEAKY_TOKEN: &str = "sk_test_FAKELEAKYTOKEN00000005";

/// A user manifest (`~/.config/stack/providers/leaky.toml`) whose verification URL holds a
/// literal credential: the loader refuses secret *slots* in URLs, but not a literal.
fn write_leaky_manifest(env: &TestEnv) {
    let dir = env.home().join(".config/stack/providers");
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = format!(
        r#"name = "leaky"
display_name = "Leaky"
category = "auth"
description = "A FAKE provider whose verification URL carries a credential."
keywords = ["fake"]
docs = "https://example.com/docs"
dashboard = "https://example.com/keys"
howto = "FAKE: nothing to find."
api_base = "https://api.example.com"

[[slots]]
name = "LEAKY_TOKEN"
label = "token"
secret = true
format = "^sk_test_FAKE[A-Za-z0-9]{{8,}}$"
format_hint = "FAKE tokens start with sk_test_FAKE"
example = "sk_test_FAKEEXAMPLE000000"

[[verify]]
slot = "LEAKY_TOKEN"
method = "GET"
path = "/v1/check?api_key={URL_QUERY_SECRET}"
bearer = "LEAKY_TOKEN"
valid = [200]
rejected = [401]
rejected_hint = "rotated?"
"#
    );
    std::fs::write(dir.join("leaky.toml"), manifest).unwrap();
}

/// A loopback server that accepts every connection and resets it (closing with the
/// request unread makes the kernel send RST): the request was sent, so this is not a
/// connection error, and reqwest's error names the URL.
fn resetting_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            let _ = stream.peek(&mut [0u8; 1]);
            drop(stream);
        }
    });
    format!("http://127.0.0.1:{}", addr.port())
}

#[test]
fn http_failures_never_print_a_url_holding_a_credential() {
    require_keyring();
    let secrets = [URL_QUERY_SECRET, URL_PASSWORD, LEAKY_TOKEN];
    for (server, base) in [
        ("closed port", closed_port_url()),
        ("connection reset", resetting_server()),
    ] {
        let env = TestEnv::new();
        write_leaky_manifest(&env);
        let base = base.replace("http://", &format!("http://FAKEUSER:{URL_PASSWORD}@"));
        let stack = |args: &[&str]| {
            let mut cmd = env.stack(args);
            cmd.env("STACK_LEAKY_API_BASE", &base)
                .env("LEAKY_TOKEN", LEAKY_TOKEN);
            cmd
        };
        let mut outputs = Vec::new();
        for args in [
            &["add", "leaky", "--from-env"][..],
            &["-v", "-v", "add", "leaky", "--from-env"],
        ] {
            let out = run(&mut stack(args));
            out.assert_code(3);
            assert!(out.stderr().contains("LEAKY_TOKEN"), "{server}: {out:?}");
            outputs.push((args, out));
        }
        run(&mut stack(&["add", "leaky", "--from-env", "--no-verify"])).assert_code(0);
        for args in [
            &["-v", "-v", "doctor"][..],
            &["-v", "-v", "doctor", "--json"],
            &["-v", "-v", "doctor", "--fix"],
        ] {
            let out = run(&mut stack(args));
            out.assert_code(3);
            outputs.push((args, out));
        }
        for (args, out) in &outputs {
            for (i, secret) in secrets.iter().enumerate() {
                assert!(
                    !out.stdout().contains(secret) && !out.stderr().contains(secret),
                    "{server}: `stack {}` printed credential #{i}\n{out:?}",
                    args.join(" ")
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// A crash prints no secret: the panic hook leaves out formatted messages.

#[test]
fn a_panic_after_the_secrets_are_loaded_prints_none_of_them() {
    require_keyring();
    let env = TestEnv::new();
    add_workos(&env, "dev", API_KEY);
    // `debug`: the message holds the secrets `{:?}`-formatted; `value`: one exposed, as a
    // bug quoting data would (a string slice's panic quotes the string).
    for mode in ["debug", "value"] {
        for backtrace in [None, Some("1"), Some("full")] {
            let mut cmd = env.stack(&["-v", "-v", "exec", "--", "true"]);
            cmd.env("STACK_DEBUG_PANIC", mode);
            if let Some(b) = backtrace {
                cmd.env("RUST_BACKTRACE", b);
            }
            let out = run(&mut cmd);
            let what = format!("STACK_DEBUG_PANIC={mode} RUST_BACKTRACE={backtrace:?}");
            out.assert_code(101);
            assert!(
                out.stderr()
                    .contains("stack crashed at src/commands/exec.rs:"),
                "{what}: {out:?}"
            );
            assert!(out.stderr().contains("this is a bug"), "{what}: {out:?}");
            if backtrace.is_some() {
                assert!(
                    out.stderr().contains("debug_panic"),
                    "{what}: no backtrace\n{out:?}"
                );
            }
            assert_no_key_in(&what, &out);
        }
    }
}

// ---------------------------------------------------------------------------
// No secret in what other processes of the user can read of `stack`: /proc/<pid>/cmdline
// and /proc/<pid>/environ (`ps e`, `ps auxww`).

/// Whether `/proc/<pid>/<file>` holds `value`.
#[cfg(target_os = "linux")]
fn proc_holds(pid: &str, file: &str, value: &str) -> bool {
    let bytes = std::fs::read(format!("/proc/{pid}/{file}"))
        .unwrap_or_else(|e| panic!("reading /proc/{pid}/{file}: {e}"));
    bytes.windows(value.len()).any(|w| w == value.as_bytes())
}

/// On the keychain (the `env` vault reads the values from `stack`'s own environment, where
/// the CI put them: nothing to check there).
#[cfg(target_os = "linux")]
#[test]
fn stack_as_the_masking_parent_holds_no_secret_in_its_cmdline_or_environ() {
    require_keyring();
    let env = TestEnv::new();
    add_workos(&env, "dev", API_KEY);
    let ppid_file = env.root().join("tmp/ppid");
    let go = env.root().join("tmp/go");
    // The child says who its parent is, then waits while the test looks at that parent.
    let script = r#"echo "$PPID $$" > "$PPID_FILE.part" && mv "$PPID_FILE.part" "$PPID_FILE"
while [ ! -e "$GO" ]; do sleep 0.02; done"#;
    let mut child = env
        .stack(&["-v", "-v", "exec", "--mask", "--", "sh", "-c", script])
        .env("PPID_FILE", &ppid_file)
        .env("GO", &go)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawning stack");
    wait_for_file(&mut child, &ppid_file);
    let pids = std::fs::read_to_string(&ppid_file).unwrap();
    let (parent, grandchild) = pids.trim().split_once(' ').expect("two pids");
    assert_eq!(
        parent,
        child.id().to_string(),
        "stack is not the child's parent"
    );
    // The control: the value is where it belongs, in the command's environment.
    assert!(proc_holds(grandchild, "environ", API_KEY), "not injected");
    assert!(
        !proc_holds(parent, "cmdline", API_KEY),
        "stack's argv holds the key"
    );
    assert!(
        !proc_holds(parent, "environ", API_KEY),
        "stack's environ holds the key"
    );
    for task in std::fs::read_dir(format!("/proc/{parent}/task")).unwrap() {
        let task = task.unwrap().file_name().into_string().unwrap();
        let path = format!("{parent}/task/{task}");
        assert!(
            !proc_holds(&path, "cmdline", API_KEY),
            "thread {task}: argv"
        );
        assert!(
            !proc_holds(&path, "environ", API_KEY),
            "thread {task}: environ"
        );
    }
    std::fs::write(&go, "").unwrap();
    let status = wait_with_timeout(&mut child, "stack exec");
    assert!(status.success(), "{status}");
    let mut printed = String::new();
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read>),
    ] {
        std::io::Read::read_to_string(&mut stream.unwrap(), &mut printed).unwrap();
    }
    assert!(!printed.contains(API_KEY), "{printed}");
}

#[cfg(target_os = "linux")]
#[test]
fn exec_hands_the_secret_to_the_command_and_never_held_it_in_argv() {
    require_keyring();
    let env = TestEnv::new();
    add_workos(&env, "dev", API_KEY);
    // --no-mask: `stack` replaces itself with the command (the terminal path), so the
    // command runs in the process that was `stack`, under the argv the test gave.
    let check = r#"test "$WORKOS_API_KEY" = "$EXPECTED_KEY" && echo "injected $$"
tr '\0' ' ' < /proc/$$/cmdline; echo"#;
    let mut cmd = env.stack(&["-v", "-v", "exec", "--no-mask", "--", "sh", "-c", check]);
    cmd.env("EXPECTED_KEY", API_KEY);
    let argv: Vec<String> = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert!(!argv.iter().any(|a| a.contains(API_KEY)));
    let child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawning stack");
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("injected {pid}").as_str()),
        "{stdout}"
    );
    let cmdline = lines.next().unwrap_or_default();
    assert!(cmdline.starts_with("sh -c "), "{stdout}");
    assert!(
        !stdout.contains(API_KEY) && !stderr.contains(API_KEY),
        "{stdout}\n{stderr}"
    );
}

// ---------------------------------------------------------------------------
// Every subcommand at the highest verbosity, in a project holding a known fake key.

/// A command that prints the injected key on stdout and the one an env file refers to on
/// stderr.
const PRINT_KEY: &str = r#"echo "key: $WORKOS_API_KEY"; echo "ref: $KEY_BY_REFERENCE" >&2"#;

/// One run of `stack -v -v <args>` in [`every_command_at_full_verbosity_prints_no_secret`].
struct Step {
    args: &'static [&'static str],
    code: i32,
    env: &'static [(&'static str, &'static str)],
    stdin: Option<String>,
    /// Rotate the mock's key first (the provider now rejects the stored one).
    rotate: bool,
}

const fn step(args: &'static [&'static str], code: i32) -> Step {
    Step {
        args,
        code,
        env: &[],
        stdin: None,
        rotate: false,
    }
}

/// Left out, because they print a value on purpose (README, "Seeing and importing slots"
/// and "In CI"): `env --reveal` on a terminal after a confirmation (here, without one, it
/// is run and must refuse: exit 2, nothing printed); `exec --no-mask` of a command that
/// prints the value itself (its output is the command's, untouched by design; here the
/// command does not print it); `ci mask` on GitHub Actions, which writes
/// `::add-mask::<value>` for the runner to hide (tests/ci.rs).
#[test]
fn every_command_at_full_verbosity_prints_no_secret() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new()
        .with_mock(&mock)
        .env_var("STACK_VAULT_FILE", "vault.age")
        .env_var(
            "STACK_VAULT_PASSPHRASE",
            "FAKE passphrase for the file vault",
        );
    env.write(
        ".env",
        &format!("WORKOS_API_KEY={API_KEY}\nWORKOS_CLIENT_ID={CLIENT_ID}\nPORT=3000\n"),
    );
    env.write(
        "refs.env",
        "KEY_BY_REFERENCE=stack://workos/WORKOS_API_KEY\n",
    );
    let key_env: &'static [(&'static str, &'static str)] =
        &[("WORKOS_API_KEY", API_KEY), ("WORKOS_CLIENT_ID", CLIENT_ID)];
    let steps = [
        step(&["import", "--dry-run"], 0),
        step(&["import", "--yes"], 0),
        Step {
            env: key_env,
            ..step(&["add", "workos", "--from-env", "--force"], 0)
        },
        Step {
            stdin: Some(format!(
                "WORKOS_API_KEY={API_KEY}\nWORKOS_CLIENT_ID={CLIENT_ID}\n"
            )),
            ..step(
                &[
                    "add",
                    "workos",
                    "--stdin",
                    "--force",
                    "--with",
                    "WORKOS_COOKIE_PASSWORD",
                ],
                0,
            )
        },
        step(&["list"], 0),
        step(&["list", "--json"], 0),
        step(&["env"], 0),
        step(&["env", "--json"], 0),
        step(&["env", "--reveal"], 2),
        step(&["doctor"], 0),
        step(&["doctor", "--json"], 0),
        step(&["exec", "--", "sh", "-c", PRINT_KEY], 0),
        step(
            &[
                "exec",
                "--mask",
                "--env-file",
                "refs.env",
                "--",
                "sh",
                "-c",
                PRINT_KEY,
            ],
            0,
        ),
        step(
            &[
                "exec",
                "--no-mask",
                "--",
                "sh",
                "-c",
                "test -n \"$WORKOS_API_KEY\"",
            ],
            0,
        ),
        step(&["exec", "--", "sh", "-c", "exit 3"], 3),
        step(&["vault", "status"], 0),
        step(&["vault", "status", "--json"], 0),
        step(&["vault", "copy", "--to", "file"], 0),
        step(&["--vault", "file", "vault", "status", "--json"], 0),
        step(&["ci", "github"], 0),
        step(&["ci", "github", "--vault", "bao", "--run", "make test"], 0),
        step(&["providers"], 0),
        step(&["providers", "--json"], 0),
        step(&["recommend", "sso for my b2b app"], 0),
        step(&["completion", "bash"], 0),
        step(&["doctor", "--fix"], 0),
        Step {
            env: &[("WORKOS_API_KEY", API_KEY_ROTATED)],
            rotate: true,
            ..step(&["doctor", "--fix"], 0)
        },
        step(&["doctor"], 0),
        step(&["remove", "workos", "--yes"], 0),
        step(&["--vault", "file", "remove", "workos", "--yes"], 2),
    ];
    for s in &steps {
        if s.rotate {
            mock.rotate(API_KEY, API_KEY_ROTATED);
        }
        let mut args = vec!["-v", "-v"];
        args.extend_from_slice(s.args);
        let mut cmd = env.stack(&args);
        for (k, v) in s.env {
            cmd.env(k, v);
        }
        let out = match &s.stdin {
            Some(input) => run_stdin(&mut cmd, input),
            None => run(&mut cmd),
        };
        let what = format!("stack {}", args.join(" "));
        assert_eq!(out.code(), s.code, "{what}\n{out:?}");
        for key in [API_KEY, API_KEY_ROTATED] {
            assert!(
                !out.stdout().contains(key) && !out.stderr().contains(key),
                "`{what}` printed a key\n{out:?}"
            );
        }
        assert!(!out.stdout().contains("FAKE passphrase"), "{what}\n{out:?}");
        if s.args.contains(&"--env-file") {
            assert!(
                out.stdout().contains("key: [masked:WORKOS_API_KEY]"),
                "{out:?}"
            );
            assert!(
                out.stderr().contains("ref: [masked:WORKOS_API_KEY]"),
                "{out:?}"
            );
        }
    }
    env.scan_for_secret(&[API_KEY, API_KEY_ROTATED]);
}
