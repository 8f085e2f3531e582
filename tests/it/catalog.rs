//! Every provider manifest, exercised end to end: `stack add <provider>` sends the request
//! its manifest describes to a local stand-in, and reads a valid and a rejected answer
//! the way the manifest says.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::common::*;
use stack::catalog::{Catalog, Provider};

/// What the stand-in saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    headers: HashMap<String, String>,
    body: String,
}

/// A provider API stand-in answering every request with one status.
struct StandIn {
    server: Arc<tiny_http::Server>,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StandIn {
    fn start(status: u16) -> StandIn {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, log) = (server.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            for mut req in s.incoming_requests() {
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                log.lock().unwrap().push(Seen {
                    method: req.method().to_string(),
                    url: req.url().to_string(),
                    headers: req
                        .headers()
                        .iter()
                        .map(|h| {
                            (
                                h.field.to_string().to_ascii_lowercase(),
                                h.value.to_string(),
                            )
                        })
                        .collect(),
                    body,
                });
                let resp = tiny_http::Response::from_string(r#"{"data":[]}"#)
                    .with_status_code(status)
                    .with_header(
                        "Content-Type: application/json"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    );
                let _ = req.respond(resp);
            }
        });
        StandIn {
            server,
            seen,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.server.server_addr().to_ip().unwrap())
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn base_var(p: &Provider) -> String {
    format!(
        "STACK_{}_API_BASE",
        p.name.to_ascii_uppercase().replace('-', "_")
    )
}

/// `stack add <provider> --from-env` with every asked slot (optional ones too) set to its
/// manifest example, verified against `stand_in`.
fn add(env: &TestEnv, p: &Provider, stand_in: &StandIn) -> Output {
    let mut args = vec!["add".to_string(), p.name.clone(), "--from-env".to_string()];
    for s in p.slots.iter().filter(|s| s.optional) {
        args.extend(["--with".to_string(), s.name.clone()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = env.stack(&args);
    cmd.env(base_var(p), stand_in.url());
    for s in p.asked_slots() {
        cmd.env(&s.name, &s.example);
    }
    run(&mut cmd)
}

fn basic(user: &str, password: &str) -> String {
    // The stand-in compares against what a client library would send.
    let pair = format!("{user}:{password}");
    let out = std::process::Command::new("base64")
        .arg("-w0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(pair.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    format!("Basic {}", String::from_utf8(out.stdout).unwrap())
}

/// The request carries the credentials the way the manifest says.
fn assert_presented(p: &Provider, seen: &[Seen]) {
    let examples: HashMap<&str, &str> = p
        .slots
        .iter()
        .map(|s| (s.name.as_str(), s.example.as_str()))
        .collect();
    let fill = |t: &str| {
        let mut out = t.to_string();
        for (name, value) in &examples {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    };
    for check in &p.verify {
        let path = fill(&check.path);
        let candidates: Vec<&Seen> = seen.iter().filter(|r| r.url == path).collect();
        assert!(
            !candidates.is_empty(),
            "{}: no request to {path}; saw {seen:?}",
            p.name
        );
        // Several checks may share a path (two tokens, one GraphQL endpoint): one request
        // must carry everything this check describes.
        let problems: Vec<Vec<String>> = candidates
            .iter()
            .map(|req| mismatches(check, req, &fill, &examples))
            .collect();
        assert!(
            problems.iter().any(Vec::is_empty),
            "{}: no request to {path} is presented as the manifest says: {problems:?}",
            p.name
        );
    }
}

/// How `req` differs from what `check` describes; empty when it matches.
fn mismatches(
    check: &stack::catalog::Check,
    req: &Seen,
    fill: &dyn Fn(&str) -> String,
    examples: &HashMap<&str, &str>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut expect = |what: &str, got: Option<&String>, want: String| {
        if got != Some(&want) {
            wrong.push(format!("{what}: got {got:?}, want {want:?}"));
        }
    };
    expect(
        "method",
        Some(&req.method),
        format!("{:?}", check.method).to_uppercase(),
    );
    if let Some(slot) = &check.bearer {
        expect(
            "bearer",
            req.headers.get("authorization"),
            format!("Bearer {}", examples[slot.as_str()]),
        );
    }
    if let Some(b) = &check.basic {
        expect(
            "basic",
            req.headers.get("authorization"),
            basic(&fill(&b.user), &fill(&b.password)),
        );
    }
    for (name, template) in &check.headers {
        expect(
            name,
            req.headers.get(&name.to_ascii_lowercase()),
            fill(template),
        );
    }
    if let Some(form) = &check.form {
        let sent = url_decode_form(&req.body);
        for (k, v) in form {
            expect(k, sent.get(k), fill(v));
        }
    }
    if let Some(json) = &check.json {
        let sent: serde_json::Value = serde_json::from_str(&req.body).unwrap_or_default();
        expect(
            "JSON body",
            Some(&sent.to_string()),
            fill_json(json, fill).to_string(),
        );
    }
    wrong
}

fn fill_json(v: &serde_json::Value, fill: &dyn Fn(&str) -> String) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(fill(s)),
        Value::Array(a) => Value::Array(a.iter().map(|v| fill_json(v, fill)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), fill_json(v, fill)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn url_decode_form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

#[test]
fn every_provider_verifies_a_valid_credential_with_the_request_its_manifest_describes() {
    require_keyring();
    let catalog = Catalog::builtin().unwrap();
    for p in catalog.providers() {
        let env = TestEnv::new();
        let stand_in = StandIn::start(p.verify.first().map_or(200, |c| c.valid[0]));
        let out = add(&env, p, &stand_in);
        assert_eq!(out.code(), 0, "{}: {out:?}", p.name);
        let seen = stand_in.seen();
        if p.unverified.is_some() {
            assert!(
                seen.is_empty(),
                "{}: unverifiable, yet sent {seen:?}",
                p.name
            );
            assert!(
                out.stderr().contains("not verified"),
                "{}: should say so: {out:?}",
                p.name
            );
        } else {
            assert_presented(p, &seen);
        }
        for s in p.slots.iter().filter(|s| s.secret) {
            assert!(
                !out.stderr().contains(&s.example) && !out.stdout().contains(&s.example),
                "{}: {} was printed",
                p.name,
                s.name
            );
        }
    }
}

#[test]
fn every_provider_reports_a_rejected_credential_and_stores_nothing() {
    require_keyring();
    let catalog = Catalog::builtin().unwrap();
    for p in catalog.providers().iter().filter(|p| !p.verify.is_empty()) {
        let env = TestEnv::new();
        let stand_in = StandIn::start(p.verify[0].rejected[0]);
        let out = add(&env, p, &stand_in);
        assert_eq!(out.code(), 1, "{}: {out:?}", p.name);
        assert!(
            out.stderr().contains("rejected"),
            "{}: says rejected: {out:?}",
            p.name
        );
        assert!(
            env.try_read(".stack.toml").is_none(),
            "{}: nothing recorded",
            p.name
        );
    }
}

#[test]
fn every_verification_url_is_https() {
    let catalog = Catalog::builtin().unwrap();
    for p in catalog.providers() {
        assert!(
            p.api_base.starts_with("https://") || p.api_base.starts_with('{'),
            "{}",
            p.name
        );
        for w in &p.api_base_when {
            assert!(w.base.starts_with("https://"), "{}", p.name);
        }
    }
}

/// `stack add` without verification, with the given slots from the environment.
fn add_offline(env: &TestEnv, provider: &str, slots: &[(&str, &str)], extra: &[&str]) -> Output {
    let mut args = vec!["add", provider, "--from-env", "--no-verify"];
    args.extend_from_slice(extra);
    let mut cmd = env.stack(&args);
    for (k, v) in slots {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

fn example(provider: &str, slot: &str) -> String {
    let catalog = Catalog::builtin().unwrap();
    catalog
        .get(provider)
        .unwrap()
        .slot(slot)
        .unwrap()
        .example
        .clone()
}

fn auth0_slots() -> Vec<(&'static str, String)> {
    ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"]
        .into_iter()
        .map(|s| (s, example("auth0", s)))
        .collect()
}

#[test]
fn a_generated_slot_is_made_once_and_kept() {
    require_keyring();
    let env = TestEnv::new();
    let slots = auth0_slots();
    let slots: Vec<(&str, &str)> = slots.iter().map(|(k, v)| (*k, v.as_str())).collect();
    add_offline(&env, "auth0", &slots, &[]).assert_code(0);
    let secret = env
        .keychain_get("dev", "AUTH0_SECRET")
        .expect("AUTH0_SECRET generated");
    assert_eq!(secret.len(), 64, "32 random bytes in hex");
    assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(
        env.read(".env")
            .contains("AUTH0_SECRET=stack://auth0/AUTH0_SECRET")
    );
    assert!(env.read(".stack.toml").contains("\"AUTH0_SECRET\""));
    // Replacing the credentials keeps the cookie secret: sessions stay valid.
    add_offline(&env, "auth0", &slots, &["--force"]).assert_code(0);
    assert_eq!(
        env.keychain_get("dev", "AUTH0_SECRET"),
        Some(secret.clone())
    );
    // Another environment gets its own.
    add_offline(&env, "auth0", &slots, &["--env", "prod"]).assert_code(0);
    let prod = env.keychain_get("prod", "AUTH0_SECRET").unwrap();
    assert_ne!(prod, secret);
}

#[test]
fn an_optional_generated_slot_is_made_only_when_asked_for() {
    require_keyring();
    let env = TestEnv::new();
    let slots = [("WORKOS_API_KEY", API_KEY), ("WORKOS_CLIENT_ID", CLIENT_ID)];
    add_offline(&env, "workos", &slots, &[]).assert_code(0);
    assert_eq!(env.keychain_get("dev", "WORKOS_COOKIE_PASSWORD"), None);
    assert!(!env.read(".stack.toml").contains("WORKOS_COOKIE_PASSWORD"));
    add_offline(
        &env,
        "workos",
        &slots,
        &["--force", "--with", "WORKOS_COOKIE_PASSWORD"],
    )
    .assert_code(0);
    let password = env.keychain_get("dev", "WORKOS_COOKIE_PASSWORD").unwrap();
    assert!(password.len() >= 32 && password.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(
        env.read(".env")
            .contains("WORKOS_COOKIE_PASSWORD=stack://workos/WORKOS_COOKIE_PASSWORD")
    );
}

#[test]
fn an_optional_slot_is_stored_only_with_with() {
    require_keyring();
    let env = TestEnv::new();
    let key = example("clerk", "CLERK_SECRET_KEY");
    let pk = example("clerk", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY");
    let slots = [
        ("CLERK_SECRET_KEY", key.as_str()),
        ("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", pk.as_str()),
    ];
    add_offline(&env, "clerk", &slots, &[]).assert_code(0);
    assert_eq!(
        env.keychain_get("dev", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"),
        None
    );
    assert!(
        !env.read(".stack.toml")
            .contains("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY")
    );
    let out = add_offline(
        &env,
        "clerk",
        &slots,
        &["--force", "--with", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"],
    );
    out.assert_code(0);
    assert_eq!(
        env.keychain_get("dev", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY")
            .as_deref(),
        Some(pk.as_str())
    );
    let out = run(&mut env.stack(&[
        "exec",
        "--",
        "sh",
        "-c",
        "echo $NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
    ]));
    assert_eq!(out.stdout().trim(), pk);
    // Only optional slots can be chosen.
    let out = add_offline(
        &env,
        "clerk",
        &slots,
        &["--force", "--with", "CLERK_SECRET_KEY"],
    );
    out.assert_code(2);
    assert!(
        out.stderr().contains("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"),
        "{out:?}"
    );
}

#[test]
fn a_live_publishable_key_with_a_test_secret_key_is_a_warning() {
    require_keyring();
    let env = TestEnv::new();
    let key = example("clerk", "CLERK_SECRET_KEY");
    let pk = example("clerk", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY").replace("pk_test_", "pk_live_");
    let out = add_offline(
        &env,
        "clerk",
        &[
            ("CLERK_SECRET_KEY", &key),
            ("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", &pk),
        ],
        &["--with", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"],
    );
    out.assert_code(0);
    assert!(
        out.stderr().contains("production") && out.stderr().contains("staging"),
        "{out:?}"
    );
}

#[test]
fn an_optional_slot_is_offered_on_a_terminal_and_defaults_to_no() {
    require_keyring();
    for (answer, stored) in [("", false), ("y", true)] {
        let env = TestEnv::new();
        let key = example("clerk", "CLERK_SECRET_KEY");
        let pk = example("clerk", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY");
        let mut pty = env.pty(&["add", "clerk", "--no-verify"]);
        pty.expect("(CLERK_SECRET_KEY):");
        pty.send_line(&key);
        pty.expect("[y/N]");
        pty.send_line(answer);
        if stored {
            pty.expect("(NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY):");
            pty.send_line(&pk);
        }
        let (code, _) = pty.finish();
        assert_eq!(code, 0);
        assert_eq!(
            env.keychain_get("dev", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY")
                .is_some(),
            stored,
            "answer {answer:?}"
        );
    }
}

#[test]
fn templated_and_chosen_api_bases_follow_the_values() {
    let catalog = Catalog::builtin().unwrap();
    let auth0 = catalog.get("auth0").unwrap();
    assert_eq!(
        auth0.api_base(&auth0.examples()).unwrap(),
        format!("https://{}", example("auth0", "AUTH0_DOMAIN"))
    );
    let stytch = catalog.get("stytch").unwrap();
    let mut values = stytch.examples();
    assert_eq!(stytch.api_base(&values).unwrap(), "https://test.stytch.com");
    let live = example("stytch", "STYTCH_PROJECT_ID").replace("-test-", "-live-");
    values.insert("STYTCH_PROJECT_ID".into(), stack::Secret::new(live));
    assert_eq!(stytch.api_base(&values).unwrap(), "https://api.stytch.com");
}
