//! Names that come from project files never reach the terminal raw (outside security
//! probe, items 6 and 10): `.stack.toml` is refused at the name's line and column when a
//! name holds a control or invisible character or is too long, and every name printed from
//! a file is escaped (`\x1b`, `\n`, `\u{202e}`).

use crate::common::*;

/// What a hostile `.stack.toml` smuggles into a name: a screen clear, an OSC 52 clipboard
/// write, a window title, a newline that forges a line of output, a bidi override.
const HOSTILE: [(&str, &str); 5] = [
    ("clear", "app\u{1b}[2J\u{1b}[H"),
    ("clipboard", "app\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}"),
    ("title", "app\u{1b}]0;all good\u{1b}\\"),
    ("forged line", "app\n   ok  every service healthy"),
    ("bidi", "app\u{202e}lmth.exe"),
];

/// `s` as a TOML basic string: every control character as `\uXXXX`.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => out.extend(['\\', c]),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn project_file(project: &str, service: &str) -> String {
    format!(
        "[stack]\nversion = 1\nproject = {}\n\n[services.{}]\nprovider = \"workos\"\n\
         secrets = [\"WORKOS_API_KEY\"]\nenvironments = [\"dev\"]\n",
        toml_string(project),
        toml_string(service)
    )
}

/// Output a terminal would act on: any control character but a line's own `\n`, or an
/// invisible formatting character.
fn assert_nothing_raw(what: &str, out: &Output) {
    for text in [out.stdout(), out.stderr()] {
        let raw = text.chars().find(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}')
        });
        assert_eq!(raw, None, "{what}: raw character in the output\n{out:?}");
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("ok")),
            "{what}: a forged line\n{out:?}"
        );
    }
}

/// The commands a user runs in a project, with the exit code a malformed file gives each
/// (`exec` fails before starting the command: 125).
const COMMANDS: [(&[&str], i32); 4] = [
    (&["list"], 2),
    (&["env"], 2),
    (&["doctor"], 2),
    (&["exec", "--", "true"], 125),
];

fn stack_env(env: &TestEnv, args: &[&str]) -> Output {
    run(env
        .stack(args)
        .env("STACK_VAULT", "env")
        .env("WORKOS_API_KEY", API_KEY))
}

#[test]
fn a_hostile_project_id_is_refused_at_its_line_and_column_and_shown_escaped() {
    let env = TestEnv::new();
    for (what, id) in HOSTILE {
        env.write(".stack.toml", &project_file(id, "workos"));
        for (args, code) in COMMANDS {
            let case = format!("{what}, {args:?}");
            let out = stack_env(&env, args);
            out.assert_code(code);
            assert_nothing_raw(&case, &out);
            let err = out.stderr();
            assert!(
                err.contains(".stack.toml:3:11: project id \"app"),
                "{case}\n{err}"
            );
            assert!(
                err.contains("a control or invisible character"),
                "{case}\n{err}"
            );
        }
    }
    // Shown escaped, so the user sees what the file holds.
    for (id, shown) in [
        (HOSTILE[0].1, r#""app\x1b[2J\x1b[H""#),
        (HOSTILE[3].1, r#""app\n   ok  every service healthy""#),
        (HOSTILE[4].1, r#""app\u{202e}lmth.exe""#),
    ] {
        env.write(".stack.toml", &project_file(id, "workos"));
        let err = stack_env(&env, &["list"]).stderr();
        assert!(err.contains(shown), "{err}");
    }
}

#[test]
fn a_hostile_service_name_is_refused_at_its_line_and_column_and_shown_escaped() {
    let env = TestEnv::new();
    for (what, name) in HOSTILE {
        env.write(".stack.toml", &project_file("app-1", name));
        for (args, code) in COMMANDS {
            let case = format!("{what}, {args:?}");
            let out = stack_env(&env, args);
            out.assert_code(code);
            assert_nothing_raw(&case, &out);
            let err = out.stderr();
            assert!(
                err.contains(".stack.toml:5:1: service name \"app"),
                "{case}\n{err}"
            );
        }
    }
}

#[test]
fn other_names_in_the_project_file_are_checked_too() {
    let env = TestEnv::new();
    let base = project_file("app-1", "workos");
    for (from, to, at, what) in [
        (
            "provider = \"workos\"",
            "provider = \"work\\u001bos\"",
            ":6:12:",
            "provider name",
        ),
        (
            "[\"WORKOS_API_KEY\"]",
            "[\"WORKOS_API_KEY\\n\"]",
            ":7:11:",
            "slot name",
        ),
        (
            "[\"WORKOS_API_KEY\"]",
            "[\"workos-api-key\"]",
            ":7:11:",
            "not an environment variable name",
        ),
        (
            "[\"dev\"]",
            "[\"dev\\u009b2J\"]",
            ":8:16:",
            "environment name",
        ),
        (
            "environments = [\"dev\"]\n",
            "environments = [\"dev\"]\nmcp = \"work\\u0007os\"\n",
            ":9:7:",
            "MCP entry name",
        ),
    ] {
        env.write(".stack.toml", &base.replace(from, to));
        let out = stack_env(&env, &["list"]);
        out.assert_code(2);
        assert_nothing_raw(what, &out);
        assert!(out.stderr().contains(at), "{what}: {out:?}");
        assert!(out.stderr().contains(what), "{what}: {out:?}");
    }
}

#[test]
fn a_project_id_or_name_longer_than_64_characters_is_refused() {
    let env = TestEnv::new();
    let long = "a".repeat(65);
    for (project, service) in [(long.as_str(), "workos"), ("app-1", long.as_str())] {
        env.write(".stack.toml", &project_file(project, service));
        let out = stack_env(&env, &["exec", "--", "true"]);
        out.assert_code(125);
        assert!(
            out.stderr().contains("longer than 64 characters"),
            "{out:?}"
        );
    }
    // 64 is fine.
    env.write(".stack.toml", &project_file(&"a".repeat(64), "workos"));
    stack_env(&env, &["list"]).assert_code(0);
}

#[test]
fn a_new_project_in_a_long_named_directory_gets_an_id_of_at_most_64_characters() {
    require_keyring();
    let env = TestEnv::new();
    let dir = "d".repeat(100);
    std::fs::create_dir(env.path(&dir)).unwrap();
    run(env
        .stack(&["-C", &dir, "add", "workos", "--from-env", "--no-verify"])
        .env("WORKOS_API_KEY", API_KEY)
        .env("WORKOS_CLIENT_ID", CLIENT_ID))
    .assert_code(0);
    let out = run(&mut env.stack(&["-C", &dir, "list", "--json"]));
    out.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let id = doc["project"].as_str().unwrap();
    assert!(id.len() <= 64 && id.starts_with("ddd"), "{id}");
}

#[test]
fn a_reference_in_dot_env_that_holds_escapes_is_shown_escaped_by_doctor() {
    let env = TestEnv::new();
    env.write(".stack.toml", &project_file("app-1", "workos"));
    // A double-quoted dotenv value may hold any character: doctor names it in a detail.
    env.write(
        ".env",
        "WORKOS_API_KEY=\"stack://workos/X\u{1b}]0;pwned\u{7}\n   ok  forged\u{202e}\"\n",
    );
    let out = run(env
        .stack(&["doctor"])
        .env("STACK_VAULT", "env")
        .env("WORKOS_API_KEY", API_KEY)
        .env("STACK_WORKOS_API_BASE", "http://127.0.0.1:9"));
    assert_nothing_raw("doctor", &out);
    assert!(
        out.stdout()
            .contains(r"stack://workos/X\x1b]0;pwned\x07\n   ok  forged\u{202e}"),
        "{out:?}"
    );
}

#[test]
fn exec_names_a_variable_with_escapes_escaped_when_its_reference_fails() {
    let env = TestEnv::new();
    env.write(".stack.toml", &project_file("app-1", "workos"));
    let out = run(env
        .stack(&["exec", "--", "true"])
        .env("STACK_VAULT", "env")
        .env("WORKOS_API_KEY", API_KEY)
        .env("X\u{1b}]0;pwned\u{7}", "stack://nope/A"));
    out.assert_code(125);
    assert_nothing_raw("exec", &out);
    assert!(
        out.stderr()
            .contains(r"X\x1b]0;pwned\x07=stack://nope/A: the reference names no service"),
        "{out:?}"
    );
}

#[test]
fn paths_and_link_targets_in_messages_are_shown_escaped() {
    // A `.env` linking to a target whose name erases the line, forges a status line and
    // writes the clipboard (OSC 52).
    let env = file_env();
    let target = "/x\u{1b}[2K\r    ok workos\n\u{1b}]52;c;cm0gLXJmIH4K\u{7}";
    std::os::unix::fs::symlink(target, env.path(".env")).unwrap();
    let out = add_from_env(&env, API_KEY, CLIENT_ID, &["--no-verify"]);
    out.assert_code(2);
    assert_nothing_raw("a link target", &out);
    assert!(out.stderr().contains("\\x1b[2K\\r"), "{}", out.stderr());

    // A project directory whose name holds escapes, refused as a copy of another's id.
    let env = file_env();
    add_workos(&env, "dev", API_KEY);
    let copy = env.root().join("evil\u{1b}]0;title\u{7}\ndir");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(env.path(".stack.toml"), copy.join(".stack.toml")).unwrap();
    let mut cmd = env.stack(&["env"]);
    cmd.current_dir(&copy);
    let out = run(&mut cmd);
    out.assert_code(2);
    assert_nothing_raw("a directory name", &out);
    assert!(
        out.stderr().contains("evil\\x1b]0;title\\x07\\ndir"),
        "{}",
        out.stderr()
    );
}
