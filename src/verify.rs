//! Asks a provider's API whether credentials are valid, as its manifest describes.
//! Rejected, unreachable and valid-but-limited are kept apart: a rotated key is
//! `Invalid`, a network outage `Unreachable`, never confused.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use reqwest::{StatusCode, header};
use zeroize::Zeroizing;

use crate::catalog::{Check, Method, Provider, fill};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;

const ATTEMPTS: u32 = 3;
/// A `Retry-After` longer than this is not waited for: the check reports it instead.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    Ok,
    Warn,
    Unreachable,
    Invalid,
}

/// The verdict on one provider's credentials.
#[derive(Debug)]
pub struct Verdict {
    pub health: Health,
    /// Why, when not `Ok`: names the slot and the status, never a value.
    pub detail: Option<String>,
    /// The slot whose value was rejected, if any.
    pub rejected_slot: Option<String>,
    /// Facts learned on the way, such as "sees 3 organizations".
    pub facts: Vec<String>,
    pub latency: Duration,
}

/// Runs `fut` to completion on a small runtime made for it: network work is started from
/// synchronous code, and `stack exec` on the keychain never pays for a runtime.
pub(crate) fn block_on<T>(fut: impl std::future::Future<Output = T>) -> Result<T> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::unavailable("could not start the network runtime").caused_by(&e))?;
    Ok(rt.block_on(fut))
}

/// One HTTP client for a whole run; requests time out after `STACK_HTTP_TIMEOUT` seconds.
pub struct Verifier {
    client: reqwest::Client,
}

impl Verifier {
    pub fn new(settings: &Settings) -> Result<Verifier> {
        let timeout = settings.http_timeout()?;
        // A redirect would carry credential headers and bodies to another host: none.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .user_agent(concat!("stack/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::unavailable("could not set up HTTPS").caused_by(&e))?;
        Ok(Verifier { client })
    }

    /// Runs every check of `provider` at once against `base` and combines the answers.
    pub async fn verify(
        &self,
        provider: &Provider,
        base: &str,
        values: &HashMap<String, Secret>,
    ) -> Verdict {
        let start = Instant::now();
        // A check needing an optional slot that was not given is not sent.
        let checks: Vec<&Check> = provider
            .verify
            .iter()
            .filter(|c| c.needs().iter().all(|n| values.contains_key(*n)))
            .collect();
        let answers = futures_util::future::join_all(
            checks
                .iter()
                .map(|check| send(self.request(check, base, values))),
        )
        .await;
        let mut verdict = Verdict {
            health: Health::Ok,
            detail: None,
            rejected_slot: None,
            facts: Vec::new(),
            latency: start.elapsed(),
        };
        if let Some(why) = &provider.unverified {
            verdict
                .facts
                .push(format!("format checked, not verified ({why})"));
        }
        for (check, answer) in checks.into_iter().zip(answers) {
            let (health, detail) = judge(provider, check, answer, &mut verdict.facts);
            if health > verdict.health {
                verdict.health = health;
                verdict.detail = detail;
                if health == Health::Invalid {
                    verdict.rejected_slot = Some(check.slot.clone());
                }
            }
        }
        verdict
    }

    /// The request of `check`, with every template filled from `values`. Secrets only ever
    /// go into headers and bodies (the manifest loader refuses them in URLs).
    fn request(
        &self,
        check: &Check,
        base: &str,
        values: &HashMap<String, Secret>,
    ) -> reqwest::RequestBuilder {
        let url = format!("{base}{}", fill(&check.path, values, encode_segment));
        let mut req = match check.method {
            Method::Get => self.client.get(url),
            Method::Post => self.client.post(url),
        };
        let raw = |t: &str| fill(t, values, str::to_string);
        let mut headers = header::HeaderMap::new();
        // JSON unless the manifest asks for something else (GitHub's vnd.github+json).
        headers.insert(
            header::ACCEPT,
            header::HeaderValue::from_static("application/json"),
        );
        let mut sensitive = |name: header::HeaderName, value: &str| {
            if let Ok(mut v) = header::HeaderValue::from_str(value) {
                v.set_sensitive(true);
                headers.insert(name, v);
            }
        };
        if let Some(slot) = &check.bearer {
            let token = values.get(slot).map(Secret::expose).unwrap_or_default();
            sensitive(header::AUTHORIZATION, &format!("Bearer {token}"));
        }
        if let Some(basic) = &check.basic {
            let user = Zeroizing::new(raw(&basic.user));
            let password = Zeroizing::new(raw(&basic.password));
            sensitive(header::AUTHORIZATION, basic_auth(&user, &password).expose());
        }
        for (name, template) in &check.headers {
            if let Ok(name) = header::HeaderName::from_bytes(name.as_bytes()) {
                sensitive(name, &raw(template));
            }
        }
        req = req.headers(headers);
        if let Some(form) = &check.form {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter().map(|(k, v)| (k, raw(v))))
                .finish();
            req = req
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body);
        }
        if let Some(json) = &check.json {
            req = req
                .header(header::CONTENT_TYPE, "application/json")
                .body(fill_json(json, values).to_string());
        }
        req
    }
}

/// A JSON value with every string filled as a template.
fn fill_json(v: &serde_json::Value, values: &HashMap<String, Secret>) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(fill(s, values, str::to_string)),
        Value::Array(a) => Value::Array(a.iter().map(|v| fill_json(v, values)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), fill_json(v, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `Basic <base64(user:password)>`, built in buffers sized up front and wiped on drop, so
/// no copy of the credentials is left behind.
fn basic_auth(user: &str, password: &str) -> Secret {
    let mut pair = Zeroizing::new(Vec::with_capacity(user.len() + 1 + password.len()));
    pair.extend_from_slice(user.as_bytes());
    pair.push(b':');
    pair.extend_from_slice(password.as_bytes());
    let encoded = crate::mask::base64(&pair, crate::mask::STANDARD, true);
    let mut value = String::with_capacity("Basic ".len() + encoded.len());
    value.push_str("Basic ");
    value.extend(encoded.iter().map(|&b| char::from(b)));
    Secret::new(value)
}

/// What came back, after retries.
enum Answer {
    Status(StatusCode, String),
    /// Could not get an answer: why, in words without secrets.
    Failed(String),
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let Some(req) = request.try_clone() else {
            return Answer::Failed("request cannot be retried".into());
        };
        let wait = match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                if !is_retryable(status) {
                    let body = resp.text().await.unwrap_or_default();
                    return Answer::Status(status, body);
                }
                last = format!("HTTP {}", status.as_u16());
                match retry_after(resp.headers()) {
                    Some(wait) if wait > MAX_RETRY_WAIT => {
                        return Answer::Failed(format!(
                            "rate limited (HTTP {}); retry after {} s",
                            status.as_u16(),
                            wait.as_secs()
                        ));
                    }
                    Some(wait) => wait,
                    None => backoff(attempt),
                }
            }
            Err(e) if e.is_timeout() => return Answer::Failed("timed out".into()),
            Err(e) if e.is_connect() => {
                last = "could not connect".into();
                backoff(attempt)
            }
            // reqwest's message names the URL, which may hold a credential (a literal in a
            // user manifest's path, or a public slot's value): it is left out.
            Err(e) => return Answer::Failed(error_chain(&e.without_url())),
        };
        if attempt < ATTEMPTS {
            tokio::time::sleep(wait).await;
        }
    }
    Answer::Failed(format!("{last} after {ATTEMPTS} attempts"))
}

fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// Exponential backoff with jitter: 250 ms, 500 ms, … each scaled by a random 50–100 %.
fn backoff(attempt: u32) -> Duration {
    let base = 250u64 << (attempt - 1).min(6);
    let jitter = 50 + crate::random_u64() % 51;
    Duration::from_millis(base * jitter / 100)
}

/// The error and its causes in one line (without the URL: see `send`).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut next = e.source();
    while let Some(err) = next {
        parts.push(err.to_string());
        next = err.source();
    }
    parts.join(": ")
}

fn judge(
    provider: &Provider,
    check: &Check,
    answer: Answer,
    facts: &mut Vec<String>,
) -> (Health, Option<String>) {
    let who = &provider.display_name;
    let slot = &check.slot;
    match answer {
        Answer::Failed(why) => (
            Health::Unreachable,
            Some(format!("could not reach {who} to check {slot}: {why}")),
        ),
        Answer::Status(status, body) => {
            let code = status.as_u16();
            if check.valid.contains(&code) {
                if let Some(count) = &check.count
                    && let Some(fact) = count_fact(count, &body)
                {
                    facts.push(format!("{slot} {fact}"));
                }
                (Health::Ok, None)
            } else if check.rejected.contains(&code) {
                (
                    Health::Invalid,
                    Some(format!(
                        "{who} rejected {slot} ({code}): {}",
                        check.rejected_hint
                    )),
                )
            } else if check.limited.contains(&code) {
                let hint = check
                    .limited_hint
                    .as_deref()
                    .unwrap_or("limited permissions");
                (
                    Health::Warn,
                    Some(format!(
                        "{who} accepted {slot} but denied access ({code}): {hint}"
                    )),
                )
            } else {
                (
                    Health::Unreachable,
                    Some(format!(
                        "{who} answered the check of {slot} with unexpected HTTP {code}"
                    )),
                )
            }
        }
    }
}

fn count_fact(count: &crate::catalog::Count, body: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    let n = json.get(&count.array)?.as_array()?.len();
    let more = count
        .more
        .as_deref()
        .and_then(|p| json.pointer(p))
        .is_some_and(|v| !v.is_null());
    let noun = &count.noun;
    Some(match (n, more) {
        (0, _) => format!("sees no {noun}s yet"),
        (1, false) => format!("sees 1 {noun}"),
        (n, true) => format!("sees more than {n} {noun}{}", if n == 1 { "" } else { "s" }),
        (n, false) => format!("sees {n} {noun}s"),
    })
}

/// Percent-encodes a value for use as one path segment.
fn encode_segment(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_the_standard_padded_base64_of_user_colon_password() {
        // RFC 7617's example, and a pair whose base64 needs padding and `+`/`/`.
        let v = basic_auth("Aladdin", "open sesame");
        assert_eq!(v.expose(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(basic_auth("", "\u{fb}\u{ff}").expose(), "Basic OsO7w78=");
        assert_eq!(basic_auth("u", "").expose(), "Basic dTo=");
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let mut h = header::HeaderMap::new();
        h.insert(header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        h.insert(header::RETRY_AFTER, soon.parse().unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(5) && d >= Duration::from_secs(3),
            "{d:?}"
        );
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_with_jitter() {
        for _ in 0..50 {
            let b1 = backoff(1).as_millis();
            let b2 = backoff(2).as_millis();
            assert!((125..=250).contains(&b1), "{b1}");
            assert!((250..=500).contains(&b2), "{b2}");
        }
    }

    #[test]
    fn counts_what_the_key_sees() {
        let c = crate::catalog::Count {
            array: "data".into(),
            more: Some("/list_metadata/after".into()),
            noun: "organization".into(),
        };
        let one = r#"{"data":[{}],"list_metadata":{"before":null,"after":null}}"#;
        let more = r#"{"data":[{}],"list_metadata":{"before":null,"after":"org_1"}}"#;
        assert_eq!(count_fact(&c, one).unwrap(), "sees 1 organization");
        assert_eq!(
            count_fact(&c, more).unwrap(),
            "sees more than 1 organization"
        );
        assert_eq!(
            count_fact(&c, r#"{"data":[]}"#).unwrap(),
            "sees no organizations yet"
        );
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_segment("client_01AB"), "client_01AB");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
    }
}
