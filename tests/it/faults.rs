//! Faults (issue 6): what `stack` does when the world misbehaves, with real parts only.
//!
//! * a provider that accepts connections and never answers;
//! * a Secret Service that dies mid-run, or that the user locked (a private dbus-daemon and
//!   gnome-keyring of the test's own, never the shared one the other tests use), and the
//!   call order that keeps gnome-keyring 42 from aborting under concurrent clients;
//! * an OpenBao server that is sealed, then stopped;
//! * a full disk while each project file is written (a real tmpfs, or `prlimit --fsize`
//!   where mounting is not permitted);
//! * `stack add` killed with SIGKILL at random points, 200 times;
//! * 20 concurrent `stack` processes adding, removing and executing on one project.
//!
//! In every case `stack` fails closed: no command starts without its secrets, no file is
//! left half-written, and the error says what could not be reached or written.

use crate::common::bao::BaoServer;
use crate::common::*;

use std::fs;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The three files `stack` writes in a project.
const FILES: [&str; 3] = [".stack.toml", ".env", ".mcp.json"];

/// Contents of the three project files (`None`: absent), in [`FILES`] order.
type Snapshot = [Option<String>; 3];

fn snapshot(env: &TestEnv) -> Snapshot {
    FILES.map(|f| env.try_read(f))
}

/// A project as a user leaves it: a `.stack.toml` with a comment and no service, a `.env`
/// with a line of the user's own, a `.mcp.json` with another server. `big` names a file
/// padded with ~64 KiB of comments (JSON has none: a long string in the other server).
fn seed_user_project(env: &TestEnv, project: &str, big: Option<&str>) {
    let pad = |prefix: &str| -> String {
        (0..1024)
            .map(|i| format!("{prefix} padding line {i:05} ....................................\n"))
            .collect()
    };
    let mut toml =
        format!("# the user's own comment\n[stack]\nversion = 1\nproject = \"{project}\"\n");
    if big == Some(".stack.toml") {
        toml.push_str(&pad("#"));
    }
    env.write(".stack.toml", &toml);
    let mut dotenv = String::from("# user settings\nPORT=3000\n");
    if big == Some(".env") {
        dotenv.push_str(&pad("#"));
    }
    env.write(".env", &dotenv);
    let note = if big == Some(".mcp.json") {
        pad("x").replace('\n', " ")
    } else {
        "kept".to_string()
    };
    let mcp = serde_json::json!({
        "mcpServers": {"other": {"command": "other-mcp", "args": ["--flag"], "note": note}}
    });
    env.write(".mcp.json", &format!("{mcp:#}\n"));
}

/// A project id nobody else uses, so vault items of concurrent tests never collide.
fn unique_project(tag: &str) -> String {
    format!("faults-{tag}-{:08x}", stack::random_u64() as u32)
}

/// A fake, well-formed Linear key: `add linear` is the "add something else" of the tests.
const LINEAR_KEY: &str = "lin_api_FAKE0000000000000000";

fn add_linear_cmd(env: &TestEnv) -> Command {
    let mut cmd = env.stack(&["add", "linear", "--from-env", "--no-verify"]);
    cmd.env("LINEAR_API_KEY", LINEAR_KEY);
    cmd
}

/// Temporary files `stack` (or anything else) left in the project directory.
fn stray_files(env: &TestEnv) -> Vec<String> {
    fs::read_dir(env.project())
        .expect("reading the project dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !FILES.contains(&n.as_str()) && n != "lost+found" && n != "filler")
        .collect()
}

/// `stack exec` of a command that would leave a marker file: must fail with 125 before the
/// command starts.
#[track_caller]
fn assert_exec_fails_closed(env: &TestEnv, why: &str) -> Output {
    let marker = env.root().join("child-started");
    let out = run(&mut env.stack(&[
        "exec",
        "--",
        "sh",
        "-c",
        &format!("touch '{}'", marker.display()),
    ]));
    out.assert_code(125);
    assert!(!marker.exists(), "{why}: the command started\n{out:?}");
    out
}

/// `stack doctor` and `stack doctor --json` must say "unreachable" (exit 3), never that a
/// secret is missing or invalid.
#[track_caller]
fn assert_doctor_unreachable(env: &TestEnv, needle: &str) {
    let out = run(&mut env.stack(&["doctor"]));
    out.assert_code(3);
    let text = out.stderr() + &out.stdout();
    assert!(
        text.contains(needle),
        "doctor should say {needle:?}\n{out:?}"
    );
    for wrong in ["missing", "invalid"] {
        assert!(!text.contains(wrong), "doctor says {wrong}\n{out:?}");
    }
    // Contract §6: still one JSON object, each service unreachable, and no slot claimed
    // present or absent, since the vault could not say.
    let out = run(&mut env.stack(&["doctor", "--json"]));
    out.assert_code(3);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).expect("doctor JSON");
    assert_eq!(doc["ok"], false, "{out:?}");
    let services = doc["services"].as_array().expect("services");
    assert!(!services.is_empty(), "{out:?}");
    for s in services {
        assert_eq!(s["status"], "unreachable", "{out:?}");
        assert!(
            s["detail"].as_str().unwrap().contains(needle),
            "{needle:?}: {out:?}"
        );
        for slot in s["slots"].as_array().expect("slots") {
            assert_eq!(slot["present"], serde_json::Value::Null, "{out:?}");
        }
    }
}

/// `add` (of a new service) and `remove` must fail with exit 3 and leave every file as it
/// was.
#[track_caller]
fn assert_writes_change_nothing(env: &TestEnv, before: &Snapshot) {
    let out = run(&mut add_linear_cmd(env));
    out.assert_code(3);
    assert_eq!(&snapshot(env), before, "add changed a file\n{out:?}");
    let out = run(&mut env.stack(&["remove", "workos", "--yes"]));
    out.assert_code(3);
    assert_eq!(&snapshot(env), before, "remove changed a file\n{out:?}");
    assert_eq!(stray_files(env), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// 1. A provider that never answers

/// A loopback listener that accepts every connection and never writes a byte.
fn silent_listener() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let addr = listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn); // kept open, never answered
        }
    });
    format!("http://{addr}")
}

/// `STACK_HTTP_TIMEOUT` is in seconds (contract §4); a silent provider costs one timeout
/// (not retried), so both commands end well within timeout + 3 s.
#[test]
fn a_provider_that_never_answers_is_unreachable_within_the_timeout() {
    require_keyring();
    const TIMEOUT_S: u64 = 1;
    let limit = Duration::from_secs(TIMEOUT_S + 3);
    let env = TestEnv::new()
        .env_var("STACK_WORKOS_API_BASE", silent_listener())
        .env_var("STACK_HTTP_TIMEOUT", TIMEOUT_S.to_string());
    seed_user_project(&env, &unique_project("silent"), None);
    let before = snapshot(&env);

    let start = Instant::now();
    let out = run(&mut add_workos_cmd(&env, API_KEY, CLIENT_ID, &[]));
    let took = start.elapsed();
    out.assert_code(3);
    assert!(took < limit, "add took {took:?}\n{out:?}");
    assert!(out.stderr().contains("timed out"), "{out:?}");
    assert_eq!(snapshot(&env), before, "a failed add changed a file");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY"),
        None,
        "add stored a slot"
    );
    assert_eq!(env.keychain_get("dev", "WORKOS_CLIENT_ID"), None);

    run(&mut add_workos_cmd(
        &env,
        API_KEY,
        CLIENT_ID,
        &["--no-verify"],
    ))
    .assert_code(0);
    let start = Instant::now();
    let out = run(&mut env.stack(&["doctor", "--json"]));
    let took = start.elapsed();
    out.assert_code(3);
    assert!(took < limit, "doctor took {took:?}\n{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).expect("doctor JSON");
    assert_eq!(doc["services"][0]["status"], "unreachable", "{out:?}");
    assert!(
        doc["services"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("timed out")),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------
// 2. A Secret Service that stops mid-run

/// A private session bus and gnome-keyring (secrets component, unlocked "login"
/// collection), as `scripts/with-keyring.sh` starts them, owned by one test.
struct PrivateKeyring {
    dir: PathBuf,
    address: String,
    bus_pid: String,
    keyring: Option<Child>,
}

impl PrivateKeyring {
    fn start() -> PrivateKeyring {
        // Short, under /tmp: a unix socket path holds at most 108 bytes.
        let dir = PathBuf::from(format!(
            "/tmp/stack-faults-kr-{:08x}",
            stack::random_u64() as u32
        ));
        let run_dir = dir.join("run");
        fs::create_dir_all(&run_dir).expect("creating the keyring dir");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&run_dir, fs::Permissions::from_mode(0o700)).unwrap();
        for sub in ["data", "config", "cache"] {
            fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let conf = dir.join("bus.conf");
        fs::write(
            &conf,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                run_dir.display()
            ),
        )
        .unwrap();
        let out = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", conf.display()))
            .args(["--fork", "--print-address=1", "--print-pid=1"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .expect("running dbus-daemon (scripts/install-deps.sh installs it)");
        assert!(out.status.success(), "dbus-daemon failed: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let address = lines.next().expect("bus address").trim().to_string();
        let bus_pid = lines.next().expect("bus pid").trim().to_string();
        let mut kr = PrivateKeyring {
            dir,
            address,
            bus_pid,
            keyring: None,
        };
        let mut child = kr
            .command("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting gnome-keyring-daemon");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"stack-test")
            .unwrap();
        kr.keyring = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while !kr.probe() {
            assert!(kr.alive(), "the private gnome-keyring-daemon exited");
            assert!(
                Instant::now() < deadline,
                "the private gnome-keyring did not become usable"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        kr
    }

    fn alive(&mut self) -> bool {
        self.keyring
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("HOME", &self.dir)
            .env("XDG_RUNTIME_DIR", self.dir.join("run"))
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        cmd
    }

    /// Stores and reads back a probe item through libsecret, as a client would.
    fn probe(&self) -> bool {
        let Ok(mut store) = self
            .command("secret-tool")
            .args([
                "store",
                "--label=probe",
                "service",
                "stack-probe",
                "username",
                "p",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            return false;
        };
        let _ = store.stdin.take().unwrap().write_all(b"probe-value");
        if !wait_with_timeout(&mut store, "secret-tool store").success() {
            return false;
        }
        self.command("secret-tool")
            .args(["lookup", "service", "stack-probe", "username", "p"])
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.stdout == b"probe-value")
    }

    /// Locks the login collection, as the user's "lock keyring" would.
    fn lock(&self) {
        const DEST: &str = "org.freedesktop.secrets";
        const PATH: &str = "/org/freedesktop/secrets";
        let bus = zbus::blocking::connection::Builder::address(self.address.as_str())
            .and_then(|b| b.build())
            .expect("connecting to the private bus");
        // Introduced first, as `stack` does, or the daemon may abort (src/vault/keychain.rs).
        bus.call_method(
            Some(DEST),
            PATH,
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.freedesktop.Secret.Service", "Collections"),
        )
        .expect("reading the service's collections");
        let login = zbus::zvariant::ObjectPath::from_static_str_unchecked(
            "/org/freedesktop/secrets/collection/login",
        );
        bus.call_method(
            Some(DEST),
            PATH,
            Some("org.freedesktop.Secret.Service"),
            "Lock",
            &(vec![login],),
        )
        .expect("locking the login collection");
    }

    /// SIGKILL to the keyring daemon: the Secret Service vanishes from the bus.
    fn kill_keyring(&mut self) {
        if let Some(mut child) = self.keyring.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        self.kill_keyring();
        let _ = Command::new("kill")
            .arg(&self.bus_pid)
            .stderr(Stdio::null())
            .status();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_secret_service_that_stops_mid_run_fails_closed() {
    require_keyring();
    let mut keyring = PrivateKeyring::start();
    let env = TestEnv::new().env_var("DBUS_SESSION_BUS_ADDRESS", &keyring.address);
    seed_user_project(&env, &unique_project("ss"), None);
    run(&mut add_workos_cmd(
        &env,
        API_KEY,
        CLIENT_ID,
        &["--no-verify"],
    ))
    .assert_code(0);
    run(&mut env.stack(&["exec", "--", "true"])).assert_code(0);
    let before = snapshot(&env);

    keyring.kill_keyring();
    let out = assert_exec_fails_closed(&env, "keyring gone");
    assert!(
        out.stderr().contains("keychain vault is unavailable"),
        "{out:?}"
    );
    assert_doctor_unreachable(&env, "unavailable");
    assert_writes_change_nothing(&env, &before);
}

/// A keyring the user locked: without a display to ask for its password on, the unlock
/// prompt cannot be shown, and `stack exec` must refuse to start the command.
#[test]
fn a_locked_keyring_without_a_prompt_fails_closed() {
    require_keyring();
    let keyring = PrivateKeyring::start();
    let env = TestEnv::new().env_var("DBUS_SESSION_BUS_ADDRESS", &keyring.address);
    seed_user_project(&env, &unique_project("locked"), None);
    run(&mut add_workos_cmd(
        &env,
        API_KEY,
        CLIENT_ID,
        &["--no-verify"],
    ))
    .assert_code(0);
    run(&mut env.stack(&["exec", "--", "true"])).assert_code(0);

    keyring.lock();
    let out = assert_exec_fails_closed(&env, "keyring locked");
    assert!(
        out.stderr()
            .contains("keychain vault is unavailable: the unlock prompt was dismissed"),
        "{out:?}"
    );
}

/// gnome-keyring 42 registers a new client in an idle callback that the client's first
/// call can overtake; the call then finds no client and the daemon aborts (`assertion
/// 'client' failed`). When `stack` opened with OpenSession, six concurrent streams of
/// `stack exec` (release build, turn lock out of the way) killed the daemon in 6 of 15
/// bursts of 1 200 calls, and a CI run lost its keyring the same way. So every connection
/// `stack` makes must begin with a call that needs no client: reading the service's
/// `Collections` (`introduce` in src/vault/keychain.rs). Watched with dbus-monitor, since
/// the crash itself is too rare to catch on demand.
#[test]
fn every_keychain_connection_introduces_itself_before_its_first_real_call() {
    require_keyring();
    let keyring = PrivateKeyring::start();
    let mut monitor = keyring
        .command("dbus-monitor")
        .args([
            "--session",
            "--profile",
            "type='method_call',destination='org.freedesktop.secrets'",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("running dbus-monitor (scripts/install-deps.sh installs dbus-bin)");
    let (tx, lines) = std::sync::mpsc::channel();
    let stdout = monitor.stdout.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead as _;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // dbus-monitor has become a monitor once the bus took its name away again.
    while !lines
        .recv_timeout(Duration::from_secs(10))
        .expect("dbus-monitor did not start")
        .contains("NameLost")
    {}

    let env = TestEnv::new().env_var("DBUS_SESSION_BUS_ADDRESS", &keyring.address);
    seed_user_project(&env, &unique_project("hello"), None);
    run(&mut add_workos_cmd(
        &env,
        API_KEY,
        CLIENT_ID,
        &["--no-verify"],
    ))
    .assert_code(0);
    run(&mut env.stack(&["exec", "--", "true"])).assert_code(0);
    run(&mut env.stack(&["remove", "workos", "--yes"])).assert_code(0);
    // Let the last calls reach the monitor, then stop it.
    std::thread::sleep(Duration::from_millis(300));
    let _ = monitor.kill();
    let _ = monitor.wait();

    // `mc <time> <serial> <sender> <destination> <path> <interface> <member>`
    let mut first_calls: Vec<(String, String)> = Vec::new();
    for line in lines.try_iter() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() == 8 && f[0] == "mc" && !first_calls.iter().any(|(who, _)| who == f[3]) {
            first_calls.push((f[3].to_string(), f[5..].join(" ")));
        }
    }
    assert!(
        first_calls.len() >= 4,
        "add, exec and remove should each have talked to the keyring: {first_calls:?}"
    );
    for (sender, call) in &first_calls {
        assert_eq!(
            call, "/org/freedesktop/secrets org.freedesktop.DBus.Properties Get",
            "the first call of connection {sender}"
        );
    }
}

// ---------------------------------------------------------------------------
// 3. A sealed, then stopped, OpenBao

#[test]
fn a_sealed_or_stopped_openbao_fails_closed() {
    let mut server = BaoServer::start();
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", server.addr())
        .env_var("VAULT_TOKEN", server.token())
        .env_var("STACK_HTTP_TIMEOUT", "2");
    seed_user_project(&env, &unique_project("bao"), None);
    run(&mut add_workos_cmd(
        &env,
        API_KEY,
        CLIENT_ID,
        &["--no-verify"],
    ))
    .assert_code(0);
    run(&mut env.stack(&["exec", "--", "true"])).assert_code(0);
    let before = snapshot(&env);

    server.ok(&["operator", "seal"]);
    let out = assert_exec_fails_closed(&env, "bao sealed");
    assert!(out.stderr().contains("sealed"), "{out:?}");
    assert_doctor_unreachable(&env, "sealed");
    assert_writes_change_nothing(&env, &before);

    server.stop();
    let out = assert_exec_fails_closed(&env, "bao stopped");
    assert!(out.stderr().contains("bao vault is unavailable"), "{out:?}");
    assert_doctor_unreachable(&env, "unavailable");
    assert_writes_change_nothing(&env, &before);
}

// ---------------------------------------------------------------------------
// 4. A full disk

/// How the disk is made full for one test.
///
/// Preferred: a real 1 MiB tmpfs mounted over the project directory and filled up with a
/// filler file until 16 KiB remain, so writing the ~64 KiB file fails with ENOSPC in
/// `write(2)`. Where `mount` is not permitted (not root, no CAP_SYS_ADMIN, or
/// `STACK_TEST_NO_TMPFS=1`), `stack` runs under `prlimit --fsize=32768` with SIGXFSZ
/// ignored (an ignored signal stays ignored across exec), so the same write fails with
/// EFBIG: still the real write path, only a different errno.
enum FullDisk {
    Tmpfs(PathBuf),
    FileSizeLimit,
}

impl FullDisk {
    fn over(dir: &Path) -> FullDisk {
        if std::env::var_os("STACK_TEST_NO_TMPFS").is_none() {
            let mounted = Command::new("mount")
                .args(["-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs"])
                .arg(dir)
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if mounted {
                return FullDisk::Tmpfs(dir.to_path_buf());
            }
        }
        FullDisk::FileSizeLimit
    }

    /// Leaves 16 KiB free (tmpfs): the small files fit, the padded one does not.
    fn fill(&self) {
        let FullDisk::Tmpfs(dir) = self else { return };
        let path = dir.join("filler");
        let mut f = fs::File::create(&path).unwrap();
        for chunk in [64 * 1024, 4 * 1024, 512] {
            let buf = vec![0u8; chunk];
            while f.write_all(&buf).is_ok() {}
        }
        let len = fs::metadata(&path).unwrap().len();
        f.set_len(len.saturating_sub(16 * 1024)).unwrap();
        f.sync_all().unwrap();
    }

    /// `cmd` as this disk needs it run.
    fn wrap(&self, cmd: Command) -> Command {
        match self {
            FullDisk::Tmpfs(_) => cmd,
            FullDisk::FileSizeLimit => {
                let mut wrapped = Command::new("sh");
                wrapped
                    .arg("-c")
                    .arg(r#"trap '' XFSZ; exec prlimit --fsize=32768 -- "$0" "$@""#)
                    .arg(cmd.get_program())
                    .args(cmd.get_args())
                    .env_clear();
                if let Some(dir) = cmd.get_current_dir() {
                    wrapped.current_dir(dir);
                }
                for (k, v) in cmd.get_envs() {
                    if let Some(v) = v {
                        wrapped.env(k, v);
                    }
                }
                wrapped
            }
        }
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        if let FullDisk::Tmpfs(dir) = self {
            let ok = Command::new("umount")
                .arg(&*dir)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                let _ = Command::new("umount").arg("-l").arg(&*dir).status();
            }
        }
    }
}

/// `stack add workos` on a full disk while writing `file`: the old file stays byte for byte,
/// so do the others (already written ones are put back), nothing is left in the vault, the
/// error names the file, and no temporary file remains.
fn full_disk_while_writing(file: &str) {
    require_keyring();
    let env = TestEnv::new();
    let disk = FullDisk::over(&env.project());
    seed_user_project(&env, &unique_project("full"), Some(file));
    let before = snapshot(&env);
    disk.fill();

    let out = run(&mut disk.wrap(add_workos_cmd(&env, API_KEY, CLIENT_ID, &["--no-verify"])));
    let how = match &disk {
        FullDisk::Tmpfs(_) => "tmpfs",
        FullDisk::FileSizeLimit => "prlimit --fsize",
    };
    assert_eq!(out.code(), 3, "full disk by {how}\n{out:?}");
    let named = format!("could not write {}", env.path(file).display());
    assert!(
        out.stderr().contains(&named),
        "the error must name {file}\n{out:?}"
    );
    assert_eq!(snapshot(&env), before, "a file changed on a full disk");
    assert_eq!(
        env.keychain_get("dev", "WORKOS_API_KEY"),
        None,
        "slot left stored"
    );
    assert_eq!(
        stray_files(&env),
        Vec::<String>::new(),
        "temporary file left"
    );
    drop(disk);
}

#[test]
fn a_full_disk_while_writing_stack_toml_keeps_the_old_file() {
    full_disk_while_writing(".stack.toml");
}

#[test]
fn a_full_disk_while_writing_env_keeps_the_old_file() {
    full_disk_while_writing(".env");
}

#[test]
fn a_full_disk_while_writing_mcp_json_keeps_the_old_file() {
    full_disk_while_writing(".mcp.json");
}

// ---------------------------------------------------------------------------
// 5. SIGKILL at random points

fn restore(env: &TestEnv, snap: &Snapshot) {
    for (file, text) in FILES.iter().zip(snap) {
        match text {
            Some(text) => env.write(file, text),
            None => {
                let _ = fs::remove_file(env.path(file));
            }
        }
    }
}

/// `stack add workos` (file vault unlocked by an age identity, no network) killed with
/// SIGKILL after a random delay, 200 times, each time from the same old files and no
/// vault file. The file vault, not the keychain: a kill then lands in stack's own vault
/// code too (encrypt, temporary file, rename), and the shared gnome-keyring is spared.
///
/// Consistent, after every kill, means:
/// * every file parses (`.stack.toml` as TOML, `.mcp.json` as JSON, and `stack doctor`
///   reads all three, `.env` included, and the vault file) and each project file is byte
///   for byte either the old version or the new one a complete run writes;
/// * `.stack.toml` is the commit point: when it is new (the service is recorded), `.env`
///   and `.mcp.json` are new too, the vault holds both slots, and `stack doctor` says the
///   service is `ok` (exit 0). When it is old, `.env` and `.mcp.json` may be either
///   (references or an MCP entry of a service not yet recorded are inert: `exec` injects
///   only recorded services, and the next `add` completes them), the vault may or may not
///   hold the slots, and `doctor` finds nothing wrong (exit 0);
/// * nothing left behind makes the next run fail: every tenth run is not killed and must
///   succeed with the new files and no stray file in the project, and a temporary file a
///   kill leaves in the project is removed by the next run that takes the project lock
///   (the locks themselves are flocks, released by the kernel).
#[test]
fn sigkill_during_add_leaves_old_or_new_files() {
    let (_mock, env, vault_file) = kill_env();
    seed_user_project(&env, &unique_project("kill"), None);
    let old = snapshot(&env);
    let add = || add_workos_cmd(&env, API_KEY, CLIENT_ID, &["--no-verify"]);
    let start = Instant::now();
    run(&mut add()).assert_code(0);
    let full = start.elapsed();
    let new = snapshot(&env);
    assert!(old.iter().zip(&new).all(|(o, n)| o != n));
    run(&mut env.stack(&["doctor"])).assert_code(0);

    let reset = || {
        restore(&env, &old);
        let _ = fs::remove_file(&vault_file);
    };
    kill_loop(&env, 200, full, reset, add, [&old, &new], Recorded::InNew);

    // A kill between creating and renaming a temporary file leaves it; the next run
    // under the lock removes it.
    let stale = env.path("..env.stack-0123456789abcdef.tmp");
    fs::write(&stale, "stale").unwrap();
    restore(&env, &old);
    run(&mut add()).assert_code(0);
    assert_eq!(snapshot(&env), new);
    assert_eq!(stray_files(&env), Vec::<String>::new());
}

/// The same for `stack remove workos --yes`, whose commit point is `.stack.toml` too,
/// written first: while `.stack.toml` still records the service, `.env`, `.mcp.json` and
/// the vault still have everything it needs.
#[test]
fn sigkill_during_remove_leaves_old_or_new_files() {
    let (_mock, env, vault_file) = kill_env();
    seed_user_project(&env, &unique_project("killrm"), None);
    run(&mut add_workos_cmd(
        &env,
        API_KEY,
        CLIENT_ID,
        &["--no-verify"],
    ))
    .assert_code(0);
    let old = snapshot(&env);
    let vault_old = fs::read(&vault_file).expect("the vault file");
    let remove = || env.stack(&["remove", "workos", "--yes"]);
    let start = Instant::now();
    run(&mut remove()).assert_code(0);
    let full = start.elapsed();
    let new = snapshot(&env);
    run(&mut env.stack(&["doctor"])).assert_code(0);

    let reset = || {
        restore(&env, &old);
        fs::write(&vault_file, &vault_old).unwrap();
    };
    kill_loop(&env, 60, full, reset, remove, [&old, &new], Recorded::InOld);
}

/// A project env on the file vault (an age identity) with the WorkOS mock, and the path
/// of its vault file.
fn kill_env() -> (MockWorkos, TestEnv, PathBuf) {
    let mock = MockWorkos::start();
    let env = TestEnv::new()
        .with_mock(&mock)
        .env_var("STACK_VAULT", "file")
        .env_var("STACK_AGE_IDENTITY", age_identity());
    let vault_file = env.root().join("vault").join("vault.age");
    let env = env.env_var("STACK_VAULT_FILE", &vault_file);
    (mock, env, vault_file)
}

/// Which version of the files records the service.
#[derive(Clone, Copy, PartialEq)]
enum Recorded {
    InOld,
    InNew,
}

/// Runs `cmd` `runs` times from `reset`, killing it with SIGKILL after a random delay up to
/// 1.25 × `full` (a complete run's time), except every tenth run, which must succeed;
/// checks after each run that the state is consistent (see the add test's comment).
fn kill_loop(
    env: &TestEnv,
    runs: usize,
    full: Duration,
    reset: impl Fn(),
    cmd: impl Fn() -> Command,
    [old, new]: [&Snapshot; 2],
    recorded: Recorded,
) {
    let mut states = std::collections::BTreeMap::<String, usize>::new();
    let max_delay = full.as_micros() as u64 * 5 / 4;
    for i in 0..runs {
        reset();
        let mut child = cmd()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawning stack");
        let killed = i % 10 != 9;
        if killed {
            std::thread::sleep(Duration::from_micros(stack::random_u64() % max_delay));
            let _ = child.kill();
        }
        let status = wait_with_timeout(&mut child, "stack");
        if !killed {
            assert!(
                status.success(),
                "run {i}: an unkilled run failed: {status}"
            );
            assert_eq!(&snapshot(env), new, "run {i}");
            assert_eq!(
                stray_files(env),
                Vec::<String>::new(),
                "run {i}: stray files"
            );
        }

        let now = snapshot(env);
        let mut state = String::new();
        for (f, ((o, n), c)) in FILES.iter().zip(old.iter().zip(new).zip(&now)) {
            let text = c.as_deref().unwrap_or_default();
            match *f {
                ".stack.toml" => drop(toml::from_str::<toml::Table>(text).expect("TOML")),
                ".mcp.json" => drop(serde_json::from_str::<serde_json::Value>(text).expect("JSON")),
                _ => {}
            }
            state.push(if c == o {
                'o'
            } else if c == n {
                'n'
            } else {
                panic!("run {i}: {f} is neither old nor new:\n{text}")
            });
        }
        let is_recorded = match recorded {
            Recorded::InNew => now[0] == new[0],
            Recorded::InOld => now[0] == old[0],
        };
        if is_recorded {
            let whole = if recorded == Recorded::InNew {
                new
            } else {
                old
            };
            assert_eq!(
                &now, whole,
                "run {i}: .stack.toml records workos, the rest does not"
            );
        }
        let out = run(&mut env.stack(&["doctor", "--json"]));
        let doc: serde_json::Value = serde_json::from_str(&out.stdout())
            .unwrap_or_else(|e| panic!("run {i}: doctor JSON: {e}\n{out:?}"));
        out.assert_code(0);
        let services = doc["services"].as_array().expect("services");
        if is_recorded {
            // `ok`: both slots are in the vault and every file has what it needs.
            assert_eq!(services.len(), 1, "run {i}: {out:?}");
            assert_eq!(services[0]["status"], "ok", "run {i}: {out:?}");
        } else {
            assert!(services.is_empty(), "run {i}: {out:?}");
        }
        *states.entry(state).or_default() += 1;
    }
    let vault_dir = env.root().join("vault");
    let vault_temps = fs::read_dir(&vault_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    // Kills before any write and after the last are certain; between writes, likely. The
    // file vault leaves its temporary file when killed before the rename (ciphertext only).
    assert!(
        states.contains_key("ooo") && states.contains_key("nnn"),
        "states (.stack.toml .env .mcp.json; o=old n=new): {states:?}; \
         temporary vault files left by kills: {vault_temps}"
    );
}

// ---------------------------------------------------------------------------
// 6. Concurrent processes

/// Services added before the race and removed during it: provider, slot, fake value.
const TO_REMOVE: [(&str, &str, &str); 5] = [
    (
        "github",
        "GITHUB_TOKEN",
        "ghp_FAKE00000000000000000000000000000000",
    ),
    ("linear", "LINEAR_API_KEY", LINEAR_KEY),
    ("render", "RENDER_API_KEY", "rnd_FAKE0000000000000000"),
    (
        "digitalocean",
        "DIGITALOCEAN_TOKEN",
        "dop_v1_FAKE0000000000000000000000000000",
    ),
    ("deepseek", "DEEPSEEK_API_KEY", "sk-FAKE000000000000000000"),
];

/// 10 `add workos --env eN` (all editing the same service's table: any lost update drops an
/// environment), 5 `remove`, 5 `exec`, started at once on one project.
#[test]
fn twenty_concurrent_processes_lose_no_update() {
    require_keyring();
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock);
    seed_user_project(&env, &unique_project("race"), None);
    run(&mut add_workos_cmd(
        &env,
        API_KEY,
        CLIENT_ID,
        &["--no-verify"],
    ))
    .assert_code(0);
    for (provider, slot, value) in TO_REMOVE {
        run(env
            .stack(&["add", provider, "--from-env", "--no-verify"])
            .env(slot, value))
        .assert_code(0);
    }

    let mut children: Vec<(String, Child)> = Vec::new();
    let spawn = |mut cmd: Command| {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning stack")
    };
    for i in 0..10 {
        let e = format!("e{i}");
        children.push((
            format!("add {e}"),
            spawn(add_workos_cmd(
                &env,
                API_KEY,
                CLIENT_ID,
                &["--no-verify", "--env", &e],
            )),
        ));
        if i % 2 == 0 {
            let (provider, ..) = TO_REMOVE[i / 2];
            children.push((
                format!("remove {provider}"),
                spawn(env.stack(&["remove", provider, "--yes"])),
            ));
        } else {
            let cmd = env.stack(&[
                "exec",
                "--no-mask",
                "--only",
                "workos",
                "--",
                "printenv",
                "WORKOS_API_KEY",
            ]);
            children.push(("exec".into(), spawn(cmd)));
        }
    }
    for (what, mut child) in children {
        wait_with_timeout(&mut child, &what);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{what}: {}\n{stderr}", out.status);
        if what == "exec" {
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                API_KEY,
                "{stderr}"
            );
        }
    }

    let table: toml::Table = toml::from_str(&env.read(".stack.toml")).expect("TOML");
    let services = table["services"].as_table().expect("[services]");
    assert_eq!(services.keys().collect::<Vec<_>>(), ["workos"], "{table:?}");
    let envs: Vec<&str> = services["workos"]["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for i in 0..10 {
        let e = format!("e{i}");
        assert!(
            envs.contains(&e.as_str()),
            "lost update: {e} missing from {envs:?}"
        );
        assert_eq!(
            env.keychain_get(&e, "WORKOS_API_KEY").as_deref(),
            Some(API_KEY)
        );
    }
    assert!(envs.contains(&"dev"), "{envs:?}");
    let dotenv = env.read(".env");
    assert!(
        dotenv.contains("WORKOS_API_KEY=stack://workos/WORKOS_API_KEY"),
        "{dotenv}"
    );
    assert!(
        dotenv.starts_with("# user settings\nPORT=3000\n"),
        "{dotenv}"
    );
    let mcp = env.mcp_json();
    let servers = mcp["mcpServers"].as_object().expect("mcpServers");
    assert!(
        servers.contains_key("other") && servers.contains_key("workos"),
        "{mcp}"
    );
    for (provider, slot, _) in TO_REMOVE {
        assert!(
            !dotenv.contains(slot),
            "{provider}'s reference is left:\n{dotenv}"
        );
        assert!(
            !servers.contains_key(provider),
            "{provider} is left in {mcp}"
        );
        assert_eq!(
            env.keychain_get("dev", slot),
            None,
            "{provider}'s slot is left"
        );
    }
    assert_eq!(stray_files(&env), Vec::<String>::new());
    run(&mut env.stack(&["doctor"])).assert_code(0);
}
