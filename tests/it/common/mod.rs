//! Shared harness for `stack`'s integration tests (the `common` module of `tests/it`).
//!
//! * [`TestEnv`]: a throw-away root with `home/` and `project/`, and a hermetic
//!   `stack` [`Command`] (cleared environment, HOME/XDG/TMPDIR under the root).
//! * [`run`] / [`run_stdin`] -> [`Output`]; [`Pty`] for interactive prompts.
//! * Keychain helpers over the private Secret Service started by `scripts/test.sh`.
//! * [`workos::MockWorkos`]: an in-process WorkOS API.
//!
//! Every credential here is fake and says so (`FAKE` in the value).

pub mod bao;
pub mod workos;

pub use workos::{MockWorkos, Reply, closed_port_url, http_date_in};

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

// ---------------------------------------------------------------------------
// Fake credentials. Formats: `^sk_(test|live)_[A-Za-z0-9_]{8,}$`, `client_` + >=10 alnum.

/// Valid for the mock by default (sees one organization).
pub const API_KEY: &str = "sk_test_FAKEKEY0000000000000001";
/// Not valid until `mock.rotate(API_KEY, API_KEY_ROTATED)`.
pub const API_KEY_ROTATED: &str = "sk_test_FAKEKEY0000000000000002";
/// A live-mode key, valid for the mock by default.
pub const API_KEY_LIVE: &str = "sk_live_FAKEKEY0000000000000003";
/// Well-formed and known to the mock, but lacks permission: 403.
pub const API_KEY_LIMITED: &str = "sk_test_FAKELIMITED000000000004";
/// Known to the mock: its JWKS is served.
pub const CLIENT_ID: &str = "client_FAKE00000000000001";
/// Well-formed but unknown to the mock: 404.
pub const CLIENT_ID_UNKNOWN: &str = "client_FAKE00000000000404";

/// Seconds `stack` waits per provider request in tests (`STACK_HTTP_TIMEOUT`).
pub const HTTP_TIMEOUT_SECS: &str = "5";
/// How long [`Pty`] waits for any expected output or for the exit.
pub const PTY_TIMEOUT_MS: u64 = 15_000;

// ---------------------------------------------------------------------------
// TestEnv

/// A temporary root holding `home/` (HOME and the XDG dirs), `project/` (the
/// working directory) and `tmp/` (TMPDIR). Removed on drop.
pub struct TestEnv {
    root: PathBuf,
    api_base: String,
    extra_env: Vec<(OsString, OsString)>,
}

impl TestEnv {
    pub fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "stack-test-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let root = std::env::temp_dir().join(name);
        for dir in ["home", "project", "tmp"] {
            fs::create_dir_all(root.join(dir)).expect("create test dirs");
        }
        // Canonical, so paths compare equal to what the binary sees (macOS /private/var).
        let root = fs::canonicalize(&root).expect("canonicalize test root");
        TestEnv {
            root,
            // No mock attached: point WorkOS at a dead port so a test can never reach
            // the real API by accident.
            api_base: closed_port_url(),
            extra_env: Vec::new(),
        }
    }

    /// Point `STACK_WORKOS_API_BASE` at `mock`.
    pub fn with_mock(mut self, mock: &MockWorkos) -> Self {
        self.api_base = mock.url();
        self
    }

    /// Add (or override) a variable in every command this env builds.
    pub fn env_var(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.extra_env
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn home(&self) -> PathBuf {
        self.root.join("home")
    }

    pub fn project(&self) -> PathBuf {
        self.root.join("project")
    }

    /// `tmp/`: the `TMPDIR` of every `stack` this env builds (so scans cover its files).
    pub fn tmpdir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// `stack <args>` with a cleared environment, run in `project/`.
    pub fn stack(&self, args: &[&str]) -> Command {
        let home = self.home();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stack"));
        cmd.args(args)
            .current_dir(self.project())
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("TMPDIR", self.tmpdir())
            .env("NO_COLOR", "1")
            .env("STACK_HTTP_TIMEOUT", HTTP_TIMEOUT_SECS)
            .env("STACK_WORKOS_API_BASE", &self.api_base);
        for key in ["PATH", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
            if let Some(value) = std::env::var_os(key) {
                cmd.env(key, value);
            }
        }
        for (key, value) in &self.extra_env {
            cmd.env(key, value);
        }
        cmd
    }

    /// `stack <args>` under a pseudo-terminal (see [`Pty`]).
    pub fn pty(&self, args: &[&str]) -> Pty {
        let mut cmd = self.stack(args);
        cmd.env("TERM", "xterm");
        Pty::spawn(cmd)
    }

    /// Path of a file relative to `project/`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.project().join(rel)
    }

    /// Contents of `project/<rel>`; panics if it is missing.
    pub fn read(&self, rel: &str) -> String {
        self.try_read(rel)
            .unwrap_or_else(|| panic!("{rel} does not exist in the test project"))
    }

    /// Contents of `project/<rel>`, `None` if it does not exist.
    pub fn try_read(&self, rel: &str) -> Option<String> {
        match fs::read_to_string(self.path(rel)) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => panic!("reading {rel}: {e}"),
        }
    }

    /// Write `project/<rel>`, creating parent directories.
    pub fn write(&self, rel: &str, contents: &str) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent dir");
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("writing {rel}: {e}"));
    }

    /// `.mcp.json`, parsed (after a byte-order mark, which clients skip).
    pub fn mcp_json(&self) -> serde_json::Value {
        let text = self.read(".mcp.json");
        serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .expect(".mcp.json is not valid JSON")
    }

    /// `[stack] project` from `project/.stack.toml`.
    pub fn project_id(&self) -> String {
        let table: toml::Table =
            toml::from_str(&self.read(".stack.toml")).expect(".stack.toml is not valid TOML");
        table
            .get("stack")
            .and_then(|s| s.get("project"))
            .and_then(|p| p.as_str())
            .expect(".stack.toml has no [stack] project")
            .to_owned()
    }

    /// The keychain item `stack` stored for `<project>/<environment>/<slot>`.
    pub fn keychain_get(&self, environment: &str, slot: &str) -> Option<String> {
        secret_tool_lookup(&format!("{}/{environment}/{slot}", self.project_id()))
    }

    /// Panics naming every file under the root whose bytes contain one of `values`.
    pub fn scan_for_secret(&self, values: &[&str]) {
        let mut hits = Vec::new();
        scan_dir(&self.root, values, &mut hits);
        assert!(
            hits.is_empty(),
            "secret value found in plaintext:\n  {}",
            hits.join("\n  ")
        );
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn scan_dir(dir: &Path, values: &[&str], hits: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            scan_dir(&path, values, hits);
        } else if kind.is_file() {
            let Ok(bytes) = fs::read(&path) else { continue };
            for (i, value) in values.iter().enumerate() {
                let needle = value.as_bytes();
                if !needle.is_empty() && bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(format!("{} (value #{i})", path.display()));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Running commands

/// Captured result of a finished command.
pub struct Output {
    pub status: std::process::ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Output {
    /// Exit code; 128+N when killed by signal N.
    pub fn code(&self) -> i32 {
        if let Some(code) = self.status.code() {
            return code;
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(signal) = self.status.signal() {
                return 128 + signal;
            }
        }
        -1
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Panics, printing stdout and stderr, unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code(), code, "unexpected exit code\n{self:?}");
        self
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code(),
            self.stdout(),
            self.stderr()
        )
    }
}

/// Run to completion with stdin closed (no terminal), capturing stdout and stderr.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("spawning {:?}: {e}", cmd.get_program()));
    Output {
        status: out.status,
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// Like [`run`], with `input` written to stdin (then closed).
pub fn run_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {:?}: {e}", cmd.get_program()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_owned();
    // A separate thread, so a child that writes before reading cannot deadlock us.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("waiting for child");
    let _ = writer.join();
    Output {
        status: out.status,
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

// ---------------------------------------------------------------------------
// Keychain (Linux Secret Service)

/// `stack add workos --from-env <extra>` with `key` and `client_id` in the environment.
pub fn add_workos_cmd(env: &TestEnv, key: &str, client_id: &str, extra: &[&str]) -> Command {
    let mut args = vec!["add", "workos", "--from-env"];
    args.extend_from_slice(extra);
    let mut cmd = env.stack(&args);
    cmd.env("WORKOS_API_KEY", key)
        .env("WORKOS_CLIENT_ID", client_id);
    cmd
}

/// [`add_workos_cmd`], run.
pub fn add_from_env(env: &TestEnv, key: &str, client_id: &str, extra: &[&str]) -> Output {
    run(&mut add_workos_cmd(env, key, client_id, extra))
}

/// `stack add workos --from-env --no-verify --env <environment>` with `key` and the fake
/// client ID; must succeed.
pub fn add_workos(env: &TestEnv, environment: &str, key: &str) {
    add_from_env(env, key, CLIENT_ID, &["--no-verify", "--env", environment]).assert_code(0);
}

/// A new project with WorkOS added for `dev` with the fake constants (no verification).
pub fn project_with_workos() -> TestEnv {
    require_keyring();
    let env = TestEnv::new();
    add_workos(&env, "dev", API_KEY);
    env
}

/// A test environment on the file vault `<root>/vault.age`, unlocked by a fresh identity
/// (so no keyring is needed).
pub fn file_env() -> TestEnv {
    let env = TestEnv::new();
    let vault = env.root().join("vault.age");
    env.env_var("STACK_VAULT", "file")
        .env_var("STACK_VAULT_FILE", vault)
        .env_var("STACK_AGE_IDENTITY", age_identity())
}

/// The `.stack.toml` of a project with the id `project` and no service.
pub fn minimal_stack_toml(project: &str) -> String {
    format!("[stack]\nversion = 1\nproject = \"{project}\"\n")
}

/// A project id unique to this test env (`<tag>-<its root's name>`), so vault items of
/// other tests never collide.
pub fn unique_project_id(env: &TestEnv, tag: &str) -> String {
    let name = env.root().file_name().unwrap().to_string_lossy();
    format!("{tag}-{name}")
}

/// Writes a [`minimal_stack_toml`] with a [`unique_project_id`] and returns the id (so a
/// test can look for vault items even when `stack` fails before recording anything).
pub fn seed_project(env: &TestEnv, tag: &str) -> String {
    let id = unique_project_id(env, tag);
    env.write(".stack.toml", &minimal_stack_toml(&id));
    id
}

/// `stack exec <stack_args> -- sh -c <script>`.
pub fn exec_sh(env: &TestEnv, stack_args: &[&str], script: &str) -> Command {
    let mut args = vec!["exec"];
    args.extend_from_slice(stack_args);
    args.extend_from_slice(&["--", "sh", "-c", script]);
    env.stack(&args)
}

/// `secret-tool clear service stack username <account>`.
pub fn keychain_clear(account: &str) {
    let status = Command::new("secret-tool")
        .args(["clear", "service", "stack", "username", account])
        .stdin(Stdio::null())
        .status()
        .expect("running secret-tool");
    assert!(status.success(), "secret-tool clear {account}: {status}");
}

/// How long a process under test may take before it is killed and the test fails.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Waits for `child` to exit, killing it and panicking after [`WAIT`].
pub fn wait_with_timeout(child: &mut std::process::Child, what: &str) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {WAIT:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Waits until `path` exists, killing `child` and panicking after [`WAIT`].
pub fn wait_for_file(child: &mut std::process::Child, path: &Path) {
    let deadline = std::time::Instant::now() + WAIT;
    while !path.exists() {
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!(
                "the process exited ({status}) before {} appeared",
                path.display()
            );
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not appear within {WAIT:?}", path.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Keychain tests call this first: they must fail, never skip, without a keyring.
#[track_caller]
pub fn require_keyring() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        panic!(
            "DBUS_SESSION_BUS_ADDRESS is unset: run through scripts/test.sh: \
             needs a private Secret Service"
        );
    }
}

/// `secret-tool lookup service stack username <account>`; `None` when no item matches.
pub fn secret_tool_lookup(account: &str) -> Option<String> {
    require_keyring();
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "stack", "username", account])
        .stdin(Stdio::null())
        .output()
        .expect("running secret-tool (is libsecret-tools installed?)");
    match out.status.code() {
        Some(0) => Some(String::from_utf8(out.stdout).expect("secret is not UTF-8")),
        Some(1) if out.stderr.is_empty() => None,
        _ => panic!(
            "secret-tool lookup failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

// ---------------------------------------------------------------------------
// Pseudo-terminal

/// A process under a real PTY, for prompts. Output is matched with ANSI escape
/// sequences stripped; rexpect reads bytes as Latin-1, so match on ASCII text.
pub struct Pty {
    session: rexpect::session::PtySession,
}

impl Pty {
    pub fn spawn(cmd: Command) -> Self {
        let options = rexpect::reader::Options::new()
            .timeout_ms(Some(PTY_TIMEOUT_MS))
            .strip_ansi_escape_codes(true);
        let session =
            rexpect::session::spawn_with_options(cmd, options).expect("spawning under a pty");
        Pty { session }
    }

    /// Waits for `needle`; returns the output before it. Panics on timeout or EOF.
    #[track_caller]
    pub fn expect(&mut self, needle: &str) -> String {
        self.session
            .exp_string(needle)
            .unwrap_or_else(|e| panic!("waiting for {needle:?} on the pty: {e}"))
    }

    pub fn send_line(&mut self, line: &str) {
        self.session.send_line(line).expect("writing to the pty");
    }

    /// e.g. `send_control('c')` for Ctrl-C, `send_control('d')` for EOF.
    #[track_caller]
    pub fn send_control(&mut self, c: char) {
        if c == 'c' {
            // An ignored SIGINT is inherited across exec: Ctrl-C would do nothing and
            // the test would time out for no visible reason.
            assert!(
                !sigint_ignored(),
                "SIGINT is ignored in the test process, so Ctrl-C cannot work: \
                 a non-interactive shell ran cargo as a background job (`cmd &`); \
                 start it as `( trap - INT QUIT; exec cmd ) &` instead"
            );
        }
        self.session.send_control(c).expect("writing to the pty");
    }

    /// Reads the remaining output to EOF, then reaps the process.
    /// Returns (exit code, or 128+N when killed by signal N; remaining output).
    #[track_caller]
    pub fn finish(mut self) -> (i32, String) {
        use rexpect::process::WaitStatus;
        let rest = self
            .session
            .exp_eof()
            .unwrap_or_else(|e| panic!("waiting for the process to exit: {e}"));
        let code = match self.session.process().wait().expect("waitpid") {
            WaitStatus::Exited(_, code) => code,
            WaitStatus::Signaled(_, signal, _) => 128 + signal as i32,
            other => panic!("unexpected wait status {other:?}"),
        };
        (code, rest)
    }
}

/// Whether this process ignores SIGINT (Linux: `SigIgn` in /proc/self/status).
fn sigint_ignored() -> bool {
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (2 - 1)) != 0)
}

/// A fresh, throw-away file-vault identity: the `AGE-SECRET-KEY-1…` line of `age-keygen`.
pub fn age_identity() -> String {
    let out = std::process::Command::new("age-keygen")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .expect("running age-keygen (scripts/install-deps.sh installs the age package)");
    assert!(out.status.success(), "age-keygen failed: {out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("no AGE-SECRET-KEY-1 line from age-keygen")
        .to_owned()
}
