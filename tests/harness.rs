//! Self-tests of the shared harness: the WorkOS mock, TestEnv, run and Pty.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

/// One raw HTTP/1.1 GET, `Connection: close`.
fn get(mock: &MockWorkos, path: &str, bearer: Option<&str>) -> Response {
    let addr = mock.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&addr).expect("connect to mock");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let auth = bearer
        .map(|key| format!("Authorization: Bearer {key}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("header/body split");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Response {
        status: status.parse().unwrap(),
        headers,
        body: body.to_owned(),
    }
}

#[test]
fn mock_lists_organizations_for_a_valid_key() {
    let mock = MockWorkos::start();
    let r = get(&mock, "/organizations?limit=1", Some(API_KEY));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert!(r.header("X-Request-ID").is_some());
    let body = r.json();
    assert_eq!(body["object"], "list");
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"][0]["object"], "organization");
    assert!(body["data"][0]["id"].as_str().unwrap().starts_with("org_"));
    assert_eq!(body["list_metadata"]["before"], Value::Null);
    assert_eq!(body["list_metadata"]["after"], Value::Null);

    assert_eq!(get(&mock, "/organizations", Some(API_KEY_LIVE)).status, 200);
}

#[test]
fn mock_paginates_with_limit() {
    let mock = MockWorkos::start();
    mock.set_key(API_KEY, 3);
    let body = get(&mock, "/organizations?limit=2", Some(API_KEY)).json();
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    assert_eq!(body["list_metadata"]["after"], body["data"][1]["id"]);
    mock.set_key(API_KEY, 0);
    let body = get(&mock, "/organizations?limit=1", Some(API_KEY)).json();
    assert_eq!(body["data"], serde_json::json!([]));
}

#[test]
fn mock_rejects_unknown_missing_and_rotated_keys() {
    let mock = MockWorkos::start();
    let r = get(&mock, "/organizations", Some("sk_test_FAKEUNKNOWN00000000"));
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["message"], "Unauthorized");
    assert_eq!(get(&mock, "/organizations", None).status, 401);
    assert_eq!(
        get(&mock, "/organizations", Some(API_KEY_ROTATED)).status,
        401
    );

    mock.rotate(API_KEY, API_KEY_ROTATED);
    assert_eq!(get(&mock, "/organizations", Some(API_KEY)).status, 401);
    assert_eq!(
        get(&mock, "/organizations", Some(API_KEY_ROTATED)).status,
        200
    );
}

#[test]
fn mock_forbids_limited_keys() {
    let mock = MockWorkos::start();
    let r = get(&mock, "/organizations?limit=1", Some(API_KEY_LIMITED));
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["message"], "Forbidden");
    mock.forbid(API_KEY);
    assert_eq!(get(&mock, "/organizations", Some(API_KEY)).status, 403);
}

#[test]
fn mock_serves_jwks_for_known_client_ids_only() {
    let mock = MockWorkos::start();
    let r = get(&mock, &format!("/sso/jwks/{CLIENT_ID}"), None);
    assert_eq!(r.status, 200);
    let key = &r.json()["keys"][0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["use"], "sig");

    let r = get(&mock, &format!("/sso/jwks/{CLIENT_ID_UNKNOWN}"), None);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "Not Found");
    mock.add_client_id(CLIENT_ID_UNKNOWN);
    assert_eq!(
        get(&mock, &format!("/sso/jwks/{CLIENT_ID_UNKNOWN}"), None).status,
        200
    );
}

#[test]
fn mock_plays_scripted_replies_first_in_order() {
    let mock = MockWorkos::start();
    mock.script(
        "/organizations",
        Reply::status(429).header("Retry-After", "1"),
    );
    mock.script(
        "/organizations",
        Reply::status(503)
            .header("Content-Type", "text/html")
            .body("<html>down</html>"),
    );

    // Other paths are unaffected.
    assert_eq!(
        get(&mock, &format!("/sso/jwks/{CLIENT_ID}"), None).status,
        200
    );

    let r = get(&mock, "/organizations?limit=1", Some(API_KEY));
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), Some("1"));
    assert_eq!(r.json()["message"], "Too Many Requests");

    let r = get(&mock, "/organizations?limit=1", Some(API_KEY));
    assert_eq!(r.status, 503);
    assert_eq!(r.header("Content-Type"), Some("text/html"));
    assert_eq!(r.body, "<html>down</html>");

    assert_eq!(
        get(&mock, "/organizations?limit=1", Some(API_KEY)).status,
        200
    );
}

#[test]
fn mock_logs_requests() {
    let mock = MockWorkos::start();
    assert!(mock.requests().is_empty());
    get(&mock, "/organizations?limit=1", Some(API_KEY));
    get(&mock, &format!("/sso/jwks/{CLIENT_ID}"), None);

    let log = mock.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].url, "/organizations?limit=1");
    assert_eq!(log[0].path(), "/organizations");
    assert_eq!(
        log[0].header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    let jwks = mock.requests_to("/sso/jwks/");
    assert_eq!(jwks.len(), 1);
    assert_eq!(jwks[0].header("Authorization"), None);
}

#[test]
fn mock_delay_does_not_serialize_requests() {
    let mock = MockWorkos::start();
    mock.set_delay(Duration::from_millis(400));
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert_eq!(get(&mock, "/organizations", Some(API_KEY)).status, 200));
        }
    });
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1200), "{elapsed:?}");
}

#[test]
fn http_date_is_an_imf_fixdate() {
    let date = http_date_in(0);
    // e.g. "Sun, 06 Nov 1994 08:49:37 GMT"
    assert_eq!(date.len(), 29, "{date}");
    assert!(date.ends_with(" GMT"), "{date}");
    let out = run(Command::new("date").args(["-u", "-d", &date, "+%s"]));
    let parsed: u64 = out.assert_code(0).stdout().trim().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(parsed.abs_diff(now) <= 2, "{date}");
    let weekday = run(Command::new("date").args(["-u", "-d", &date, "+%a"]));
    assert!(date.starts_with(weekday.stdout().trim()), "{date}");
}

#[test]
fn closed_port_refuses_connections() {
    let url = closed_port_url();
    let addr = url.trim_start_matches("http://");
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn test_env_creates_and_removes_its_dirs() {
    let env = TestEnv::new();
    let root = env.root().to_owned();
    assert!(env.home().is_dir());
    assert!(env.project().is_dir());
    env.write("sub/.env", "A=1\n");
    assert_eq!(env.read("sub/.env"), "A=1\n");
    assert_eq!(env.try_read(".mcp.json"), None);
    drop(env);
    assert!(!root.exists());
}

#[test]
fn stack_command_is_hermetic() {
    let mock = MockWorkos::start();
    let env = TestEnv::new().with_mock(&mock).env_var("CI", "1");
    let cmd = env.stack(&["add", "workos"]);
    assert_eq!(cmd.get_program(), env!("CARGO_BIN_EXE_stack"));
    assert_eq!(cmd.get_current_dir(), Some(env.project().as_path()));
    let vars: std::collections::HashMap<String, String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_str()?.to_owned(), v?.to_str()?.to_owned())))
        .collect();
    assert_eq!(vars["HOME"], env.home().to_str().unwrap());
    assert!(vars["XDG_CONFIG_HOME"].starts_with(env.home().to_str().unwrap()));
    assert_eq!(vars["NO_COLOR"], "1");
    assert_eq!(vars["STACK_HTTP_TIMEOUT"], "5");
    assert_eq!(vars["STACK_WORKOS_API_BASE"], mock.url());
    assert_eq!(vars["CI"], "1");
    assert!(!vars.contains_key("USER"));

    // Without a mock, WorkOS points at a dead port, never the real API.
    let env = TestEnv::new();
    let cmd = env.stack(&[]);
    let base = cmd
        .get_envs()
        .find(|(k, _)| *k == "STACK_WORKOS_API_BASE")
        .and_then(|(_, v)| v)
        .unwrap();
    assert!(base.to_str().unwrap().starts_with("http://127.0.0.1:"));
}

#[test]
fn run_captures_code_and_output() {
    let out = run(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]));
    out.assert_code(3);
    assert_eq!(out.stdout(), "out\n");
    assert_eq!(out.stderr(), "err\n");

    let out = run_stdin(&mut Command::new("cat"), "fed\n");
    assert_eq!(out.assert_code(0).stdout(), "fed\n");

    let out = run(Command::new("sh").args(["-c", "kill -TERM $$"]));
    assert_eq!(out.code(), 128 + 15);
}

#[test]
#[should_panic(expected = "unexpected exit code")]
fn assert_code_panics_on_mismatch() {
    run(&mut Command::new("false")).assert_code(0);
}

#[test]
fn project_id_reads_stack_toml() {
    let env = TestEnv::new();
    env.write(
        ".stack.toml",
        "# mine\n[stack]\nversion = 1\nproject = \"myapp-7f3a2c\"\n",
    );
    assert_eq!(env.project_id(), "myapp-7f3a2c");
}

#[test]
fn scan_for_secret_passes_on_a_clean_tree() {
    let env = TestEnv::new();
    env.write(".env", "WORKOS_API_KEY=stack://workos/WORKOS_API_KEY\n");
    env.scan_for_secret(&[API_KEY, CLIENT_ID]);
}

#[test]
#[should_panic(expected = "value #1")]
fn scan_for_secret_names_files_holding_a_value() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.home().join(".cache/x")).unwrap();
    std::fs::write(env.home().join(".cache/x/leak"), format!("k={API_KEY}")).unwrap();
    env.scan_for_secret(&[CLIENT_ID, API_KEY]);
}

#[test]
fn pty_drives_a_prompt() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "printf 'Name: '; read x; echo \"got $x\"; exit 4"]);
    let mut pty = Pty::spawn(cmd);
    pty.expect("Name: ");
    pty.send_line("abc");
    pty.expect("got abc");
    let (code, _) = pty.finish();
    assert_eq!(code, 4);
}

#[test]
fn pty_ctrl_c_interrupts() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo ready; sleep 30"]);
    let mut pty = Pty::spawn(cmd);
    pty.expect("ready");
    pty.send_control('c');
    let (code, _) = pty.finish();
    assert_eq!(code, 130);
}

#[test]
fn secret_tool_lookup_of_a_missing_item_is_none() {
    require_keyring();
    assert_eq!(secret_tool_lookup("stack-harness-FAKE/dev/NOT_THERE"), None);
}
