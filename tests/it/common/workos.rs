//! An in-process mock of the WorkOS API (tiny_http on 127.0.0.1:0).
//!
//! Shapes follow WorkOS's API reference and its official SDKs:
//! * `GET /organizations` (`Authorization: Bearer sk_...`) ->
//!   `{"object":"list","data":[organization...],"list_metadata":{"before":null,"after":...}}`;
//!   no or unknown key -> 401, a key lacking permission -> 403.
//! * `GET /sso/jwks/{clientId}` (no auth) -> `{"keys":[JWK...]}`; unknown client -> 404.
//! * Errors are JSON `{"message": ...}`; every response carries `X-Request-ID`.
//!
//! All behaviour can be changed from the test thread while the server runs.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::json;

use super::{API_KEY, API_KEY_LIMITED, API_KEY_LIVE, CLIENT_ID};

/// A request as the mock received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, e.g. `/organizations?limit=1`.
    pub url: String,
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    pub fn path(&self) -> &str {
        self.url.split('?').next().unwrap_or_default()
    }

    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn query(&self, key: &str) -> Option<&str> {
        let query = self.url.split_once('?')?.1;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// A response: scripted by a test, or computed by the mock.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// `status` with WorkOS's error body, `{"message": "<reason>"}`.
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: json!({ "message": reason(status) }).to_string(),
        }
    }

    /// Adds a header, e.g. `.header("Retry-After", "1")`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body (Content-Type stays `application/json` unless set by `header`).
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }

    fn json(status: u16, body: serde_json::Value) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

#[derive(Default)]
struct State {
    /// Valid API key -> number of organizations it sees.
    keys: HashMap<String, usize>,
    /// Keys that authenticate but lack permission (403).
    forbidden: HashSet<String>,
    client_ids: HashSet<String>,
    /// (path prefix, FIFO), consumed before normal handling.
    scripted: Vec<(String, VecDeque<Reply>)>,
    delay: Duration,
    requests: Vec<RecordedRequest>,
    served: u64,
}

impl State {
    fn next_scripted(&mut self, path: &str) -> Option<Reply> {
        self.scripted
            .iter_mut()
            .find(|(prefix, queue)| path.starts_with(prefix.as_str()) && !queue.is_empty())
            .and_then(|(_, queue)| queue.pop_front())
    }

    fn route(&self, req: &RecordedRequest) -> Reply {
        if req.method != "GET" {
            return Reply::status(404);
        }
        let path = req.path();
        if path == "/organizations" {
            let key = req
                .header("Authorization")
                .and_then(|v| v.strip_prefix("Bearer "));
            return match key {
                Some(key) if self.forbidden.contains(key) => Reply::status(403),
                Some(key) => match self.keys.get(key) {
                    Some(&count) => list_organizations(count, req.query("limit")),
                    None => Reply::status(401),
                },
                None => Reply::status(401),
            };
        }
        if let Some(client_id) = path.strip_prefix("/sso/jwks/") {
            return if self.client_ids.contains(client_id) {
                jwks()
            } else {
                Reply::status(404)
            };
        }
        Reply::status(404)
    }
}

fn organization(n: usize) -> serde_json::Value {
    json!({
        "object": "organization",
        "id": format!("org_FAKE{n:022}"),
        "name": format!("Fake Org {n}"),
        "allow_profiles_outside_organization": false,
        "domains": [],
        "created_at": "2024-01-01T00:00:00.000Z",
        "updated_at": "2024-01-01T00:00:00.000Z",
        "external_id": null,
        "metadata": {}
    })
}

fn list_organizations(count: usize, limit: Option<&str>) -> Reply {
    let limit = limit
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let shown = count.min(limit);
    let data: Vec<_> = (1..=shown).map(organization).collect();
    let after = (count > shown).then(|| format!("org_FAKE{shown:022}"));
    Reply::json(
        200,
        json!({
            "object": "list",
            "data": data,
            "list_metadata": { "before": null, "after": after }
        }),
    )
}

fn jwks() -> Reply {
    Reply::json(
        200,
        json!({
            "keys": [{
                "alg": "RS256",
                "kty": "RSA",
                "use": "sig",
                "kid": "sso_oidc_key_pair_FAKE0000000000000000000001",
                "n": "FAKE-modulus-not-a-real-key",
                "e": "AQAB",
                "x5c": ["FAKE"],
                "x5t#S256": "FAKE"
            }]
        }),
    )
}

/// The mock server. Shuts down on drop.
pub struct MockWorkos {
    state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    url: String,
}

impl MockWorkos {
    /// Defaults: `API_KEY` and `API_KEY_LIVE` valid (one organization each),
    /// `API_KEY_LIMITED` forbidden, `CLIENT_ID` known, no delay, nothing scripted.
    pub fn start() -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind mock"));
        let port = server
            .server_addr()
            .to_ip()
            .expect("mock listens on IP")
            .port();
        let mut state = State::default();
        state.keys.insert(API_KEY.to_owned(), 1);
        state.keys.insert(API_KEY_LIVE.to_owned(), 1);
        state.forbidden.insert(API_KEY_LIMITED.to_owned());
        state.client_ids.insert(CLIENT_ID.to_owned());
        let state = Arc::new(Mutex::new(state));
        let stopping = Arc::new(AtomicBool::new(false));

        let acceptor = {
            let (server, state, stopping) = (server.clone(), state.clone(), stopping.clone());
            thread::spawn(move || {
                loop {
                    match server.recv() {
                        Ok(request) => {
                            let state = state.clone();
                            // One thread per request: a slow reply never holds up others.
                            thread::spawn(move || handle(&state, request));
                        }
                        Err(_) if stopping.load(Ordering::SeqCst) => break,
                        Err(_) => continue,
                    }
                }
            })
        };
        MockWorkos {
            state,
            server,
            stopping,
            acceptor: Some(acceptor),
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Make `key` valid, seeing `organizations` organizations.
    pub fn set_key(&self, key: &str, organizations: usize) {
        self.state().keys.insert(key.to_owned(), organizations);
    }

    /// A key rotated in the dashboard: `old` now gets 401, `new` works like `old` did.
    pub fn rotate(&self, old: &str, new: &str) {
        let mut state = self.state();
        let organizations = state.keys.remove(old).unwrap_or(1);
        state.keys.insert(new.to_owned(), organizations);
    }

    pub fn add_client_id(&self, client_id: &str) {
        self.state().client_ids.insert(client_id.to_owned());
    }

    /// Queue `reply` for the next request whose path starts with `path_prefix`
    /// (FIFO per prefix, consumed before normal handling).
    pub fn script(&self, path_prefix: &str, reply: Reply) {
        let mut state = self.state();
        match state.scripted.iter_mut().find(|(p, _)| p == path_prefix) {
            Some((_, queue)) => queue.push_back(reply),
            None => state
                .scripted
                .push((path_prefix.to_owned(), VecDeque::from([reply]))),
        }
    }

    /// Delay every reply by `delay` (each request waits on its own thread).
    pub fn set_delay(&self, delay: Duration) {
        self.state().delay = delay;
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// Requests whose path starts with `path_prefix`.
    pub fn requests_to(&self, path_prefix: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path().starts_with(path_prefix))
            .collect()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for MockWorkos {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panicking test must not turn every later request into a second panic.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn handle(state: &Mutex<State>, request: tiny_http::Request) {
    let recorded = RecordedRequest {
        method: request.method().to_string(),
        url: request.url().to_owned(),
        headers: request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect(),
    };
    let (reply, delay, request_id) = {
        let mut state = lock(state);
        state.served += 1;
        state.requests.push(recorded.clone());
        let reply = match state.next_scripted(recorded.path()) {
            Some(reply) => reply,
            None => state.route(&recorded),
        };
        (reply, state.delay, format!("req_FAKE{:020}", state.served))
    };
    if !delay.is_zero() {
        thread::sleep(delay);
    }
    // tiny_http replaces Content-Type when set again, so a scripted one wins.
    let mut response = tiny_http::Response::from_string(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("X-Request-ID", &request_id));
    for (name, value) in &reply.headers {
        response.add_header(header(name, value));
    }
    // The client may have given up (timeout tests); that is not our failure.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// A loopback URL where nothing listens: port 1 (tcpmux) is privileged and unused, so no
/// other test's server can take it between the choice and the connection.
pub fn closed_port_url() -> String {
    "http://127.0.0.1:1".to_string()
}

/// An IMF-fixdate `secs_from_now` seconds ahead, for `Retry-After: <HTTP-date>`.
pub fn http_date_in(secs_from_now: u64) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
        + secs_from_now;
    let (days, rem) = (t / 86_400, t % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}
