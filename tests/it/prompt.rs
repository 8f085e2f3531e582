//! Prompts on a real pseudo-terminal: `stack add workos` asking for its slots, Ctrl-C,
//! `stack remove` asking for confirmation, and `stack doctor --fix` asking for a rotated
//! key (issue 2, items 3, 7 and 8; contract §5 exit codes 0, 1, 2 and 130).

use std::process::Command;
use std::time::Duration;

use crate::common::*;

/// rexpect turns the pty's echo off when it forks; a user's terminal has it on. Every
/// session here starts from a terminal with echo on, so a typed secret would show up
/// unless `stack` itself hides it.
const TERMINAL: &str = "trap 'true' INT; stty echo icanon isig || exit 99; ";

/// `stack <args>` on a terminal with echo on, under a shell that reports `stack`'s
/// exit code as `[stack exited N]` and then prints the terminal settings (`stty -a`).
fn terminal(env: &TestEnv, args: &[&str]) -> Session {
    let template = env.stack(&[]);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "{TERMINAL}\"$@\"; echo \"[stack exited $?]\"; echo '[stty]'; stty -a"
        ))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_stack"))
        .args(args)
        .env_clear()
        .current_dir(env.project())
        .env("TERM", "xterm");
    for (key, value) in template.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    Session {
        pty: Pty::spawn(cmd),
        transcript: String::new(),
    }
}

/// A pty session that keeps everything it has read, so a test can check what the user saw.
struct Session {
    pty: Pty,
    transcript: String,
}

impl Session {
    #[track_caller]
    fn expect(&mut self, needle: &str) -> String {
        let before = self.pty.expect(needle);
        self.transcript.push_str(&before);
        self.transcript.push_str(needle);
        before
    }

    /// Types `line` and Enter once the prompt has been printed. The pause lets `stack`
    /// finish setting up the terminal after writing the question, as a person would.
    fn answer(&mut self, line: &str) {
        std::thread::sleep(Duration::from_millis(150));
        self.pty.send_line(line);
    }

    fn ctrl_c(&mut self) {
        std::thread::sleep(Duration::from_millis(150));
        self.pty.send_control('c');
    }

    /// Waits for `stack` to exit; returns its exit code and the terminal's settings after.
    #[track_caller]
    fn finish(mut self) -> (i32, String, String) {
        self.expect("[stack exited ");
        let code = self.expect("]");
        let code: i32 = code
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no exit code in:\n{}", self.transcript));
        self.expect("[stty]");
        let (_, stty) = self.pty.finish();
        (code, stty, self.transcript)
    }
}

fn add_from_env(env: &TestEnv, key: &str) {
    let out = run(env
        .stack(&["add", "workos", "--from-env"])
        .env("WORKOS_API_KEY", key)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(0);
}

#[test]
fn interactive_add_shows_the_howto_hides_the_key_reasks_and_stores() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let mut s = terminal(&env, &["add", "workos"]);

    // rexpect reads Latin-1: match the ASCII parts around the arrow.
    s.expect("WorkOS dashboard");
    s.expect("API Keys");
    s.expect("(WORKOS_API_KEY):");
    s.answer("sk_nope");
    s.expect("WORKOS_API_KEY is malformed");
    s.expect("(WORKOS_API_KEY):");
    assert!(
        mock.requests().is_empty(),
        "sent before the values were complete"
    );
    s.answer(API_KEY);
    s.expect("(WORKOS_CLIENT_ID):");
    s.answer("client_x");
    s.expect("WORKOS_CLIENT_ID is malformed");
    s.expect("(WORKOS_CLIENT_ID):");
    s.answer(CLIENT_ID);
    // The client ID is not secret: it is shown as typed.
    s.expect(CLIENT_ID);
    s.expect("Added");
    let (code, _, transcript) = s.finish();

    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains(API_KEY),
        "the API key was echoed to the terminal:\n{transcript}"
    );
    assert!(
        !transcript.contains("sk_nope"),
        "a mistyped key was echoed:\n{transcript}"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(mock.requests_to("/organizations").len(), 1);
    assert!(
        env.read(".env")
            .contains("WORKOS_API_KEY=stack://workos/WORKOS_API_KEY")
    );
}

#[test]
fn interactive_add_accepts_pasted_values_with_quotes_and_spaces() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    let mut s = terminal(&env, &["add", "workos"]);

    s.expect("(WORKOS_API_KEY):");
    s.answer(&format!("  \"{API_KEY}\"  "));
    s.expect("(WORKOS_CLIENT_ID):");
    s.answer(&format!(" '{CLIENT_ID}'\t"));
    let (code, _, transcript) = s.finish();

    assert_eq!(code, 0, "{transcript}");
    assert!(!transcript.contains("is malformed"), "{transcript}");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
}

#[test]
fn ctrl_c_at_a_prompt_exits_130_stores_nothing_and_restores_the_terminal() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    // A known project id, to look for keychain items afterwards.
    let project = format!(
        "prompttest-{}",
        env.root().file_name().unwrap().to_string_lossy()
    );
    let toml = format!("[stack]\nversion = 1\nproject = \"{project}\"\n");
    env.write(".stack.toml", &toml);

    let mut s = terminal(&env, &["add", "workos"]);
    s.expect("(WORKOS_API_KEY):");
    s.answer(API_KEY);
    s.expect("(WORKOS_CLIENT_ID):");
    s.ctrl_c();
    let (code, stty, transcript) = s.finish();

    assert_eq!(code, 130, "{transcript}");
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
    for slot in ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"] {
        assert_eq!(secret_tool_lookup(&format!("{project}/dev/{slot}")), None);
    }
    assert_eq!(env.read(".stack.toml"), toml);
    assert_eq!(env.try_read(".env"), None);
    assert_eq!(env.try_read(".mcp.json"), None);

    let flags: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["echo", "icanon", "isig"] {
        assert!(
            flags.contains(&flag),
            "terminal left without {flag} after Ctrl-C:\n{stty}"
        );
    }
}

#[test]
fn add_under_ci_never_prompts_even_on_a_terminal() {
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock).env_var("CI", "true");
    let s = terminal(&env, &["add", "workos"]);
    let (code, _, transcript) = s.finish();

    assert_eq!(code, 2, "{transcript}");
    assert!(!transcript.contains("(WORKOS_API_KEY):"), "{transcript}");
    assert!(transcript.contains("--from-env"), "{transcript}");
    assert!(transcript.contains("--stdin"), "{transcript}");
    assert_eq!(env.try_read(".stack.toml"), None);
}

#[test]
fn interactive_add_of_a_healthy_service_does_not_ask_again() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY);

    let s = terminal(&env, &["add", "workos"]);
    let (code, _, transcript) = s.finish();
    assert_eq!(code, 0, "{transcript}");
    assert!(transcript.contains("already added"), "{transcript}");
    assert!(!transcript.contains("(WORKOS_API_KEY):"), "{transcript}");
}

#[test]
fn interactive_add_after_a_rotation_asks_again_and_replaces_the_key() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY);
    mock.rotate(API_KEY, API_KEY_ROTATED);

    let mut s = terminal(&env, &["add", "workos"]);
    s.expect("(WORKOS_API_KEY):");
    s.answer(API_KEY_ROTATED);
    s.expect("(WORKOS_CLIENT_ID):");
    s.answer(CLIENT_ID);
    let (code, _, transcript) = s.finish();

    assert_eq!(code, 0, "{transcript}");
    assert!(!transcript.contains("already added"), "{transcript}");
    assert!(!transcript.contains(API_KEY_ROTATED), "{transcript}");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_ROTATED)
    );
}

#[test]
fn remove_on_a_terminal_asks_and_defaults_to_no() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY);
    let files = [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f));

    let mut s = terminal(&env, &["remove", "workos"]);
    s.expect("[y/N]");
    s.answer("");
    let (code, _, transcript) = s.finish();

    assert_eq!(code, 1, "declining is exit 1:\n{transcript}");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(
        [".stack.toml", ".env", ".mcp.json"].map(|f| env.read(f)),
        files
    );
}

#[test]
fn remove_on_a_terminal_removes_everything_after_yes() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY);
    let project = env.project_id();

    let mut s = terminal(&env, &["remove", "workos"]);
    s.expect("[y/N]");
    s.answer("y");
    let (code, _, transcript) = s.finish();

    assert_eq!(code, 0, "{transcript}");
    for slot in ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"] {
        assert_eq!(
            secret_tool_lookup(&format!("{project}/dev/{slot}")),
            None,
            "{slot} is still in the keychain"
        );
    }
    assert!(!env.read(".env").contains("WORKOS"), "{}", env.read(".env"));
    assert!(env.mcp_json()["mcpServers"].get("workos").is_none());
    let table: toml::Table = toml::from_str(&env.read(".stack.toml")).unwrap();
    assert!(
        table
            .get("services")
            .and_then(|s| s.get("workos"))
            .is_none(),
        "{table:?}"
    );
}

#[test]
fn interactive_doctor_fix_asks_for_the_rotated_key_and_ends_healthy() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    add_from_env(&env, API_KEY);
    mock.rotate(API_KEY, API_KEY_ROTATED);

    let mut s = terminal(&env, &["doctor", "--fix"]);
    s.expect("(WORKOS_API_KEY):");
    s.answer(API_KEY_ROTATED);
    let (code, _, transcript) = s.finish();

    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains(API_KEY_ROTATED),
        "the new key was echoed:\n{transcript}"
    );
    assert!(
        !transcript.contains("(WORKOS_CLIENT_ID):"),
        "only the rejected slot should be asked for:\n{transcript}"
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY").as_deref(),
        Some(API_KEY_ROTATED)
    );
    assert_eq!(
        env.keychain_get("dev", "WORKOS_CLIENT_ID").as_deref(),
        Some(CLIENT_ID)
    );
}
