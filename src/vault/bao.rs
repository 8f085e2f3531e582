//! The `bao` vault: HashiCorp Vault or OpenBao, KV version 2, for teams. One secret per
//! project and environment at `<mount>/stack/<project>/<environment>`, whose fields are the
//! slot names, so one policy path grants one project. Writes use check-and-set and retry on
//! a conflict, so teammates adding slots at the same moment lose nothing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Map, Value, json};

use super::{Key, Vault, VaultKind, unreachable};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;

/// Check-and-set attempts before giving up on a secret that keeps changing.
const ATTEMPTS: u64 = 10;

pub struct Bao {
    addr: Url,
    mount: String,
    timeout: Duration,
    /// Carries the token (marked sensitive) and the namespace as default headers.
    client: reqwest::Client,
    /// The token, from the environment or `~/.vault-token`: masked by `stack exec`.
    token: Secret,
}

/// Never shows the token: only where the vault is.
impl std::fmt::Debug for Bao {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.location())
    }
}

/// The fields of one secret and its version (0: never written, so `cas: 0` creates it).
struct Current {
    version: u64,
    fields: Map<String, Value>,
}

impl Bao {
    /// Checks the address, token, namespace and mount; decides without any network call.
    pub fn new(settings: &Settings) -> Result<Bao> {
        let bao = &settings.bao;
        let (var, addr) = first(["VAULT_ADDR", "BAO_ADDR"], &bao.addr).ok_or_else(|| {
            Error::usage("the bao vault needs the server's address: set VAULT_ADDR or BAO_ADDR")
        })?;
        crate::catalog::check_base_url(&addr)
            .map_err(|why| Error::usage(format!("{var} is refused: {why}")))?;
        let addr = Url::parse(&addr).map_err(|e| Error::usage(format!("{var}: {e}")))?;
        // The address is shown in messages: it must not carry a password.
        if !addr.username().is_empty() || addr.password().is_some() {
            return Err(Error::usage(format!(
                "{var} must not hold credentials: give the token in VAULT_TOKEN or BAO_TOKEN"
            )));
        }
        let token = match bao
            .token
            .iter()
            .flatten()
            .find(|t| !t.expose().trim().is_empty())
        {
            Some(token) => Some(Secret::new(token.expose().trim())),
            None => token_file(bao.token_file.as_deref())?,
        };
        let token = token.ok_or_else(|| {
            Error::usage(
                "the bao vault needs a token: set VAULT_TOKEN or BAO_TOKEN, or log in with \
                 `bao login` (~/.vault-token)",
            )
        })?;
        let mount = bao
            .mount
            .as_deref()
            .map(|m| m.trim_matches('/').to_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "secret".into());

        let mut headers = HeaderMap::new();
        let mut value = HeaderValue::from_str(token.expose().trim())
            .map_err(|_| Error::usage("the vault token holds characters a token cannot have"))?;
        value.set_sensitive(true);
        headers.insert("X-Vault-Token", value);
        if let Some((_, ns)) = first(["VAULT_NAMESPACE"], std::slice::from_ref(&bao.namespace)) {
            let ns = HeaderValue::from_str(&ns)
                .map_err(|_| Error::usage("VAULT_NAMESPACE is not a valid namespace"))?;
            headers.insert("X-Vault-Namespace", ns);
        }
        let timeout = settings.http_timeout()?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .default_headers(headers)
            .user_agent(concat!("stack/", env!("CARGO_PKG_VERSION")))
            // Each operation runs on its own runtime: a connection kept from an earlier
            // one would belong to a runtime that is gone.
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|e| Error::unavailable("could not set up HTTPS").caused_by(&e))?;
        Ok(Bao {
            addr,
            mount,
            timeout,
            client,
            token: Secret::new(token.expose().trim()),
        })
    }

    /// Runs one operation to completion: vault calls come from synchronous code.
    fn run<T>(&self, op: impl Future<Output = Result<T>>) -> Result<T> {
        crate::verify::block_on(op)?
    }

    /// `<addr>/v1/<mount>/<kind>/stack/<project>/<env>`, `kind` being `data` or `metadata`.
    fn url(&self, kind: &str, project: &str, env: &str) -> Url {
        let mut url = self.addr.clone();
        url.path_segments_mut()
            .expect("an http(s) URL has a path")
            .pop_if_empty()
            .push("v1")
            .extend(self.mount.split('/'))
            .push(kind)
            .extend(["stack", project, env]);
        url
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut req = self.client.request(method, url);
        if let Some(body) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let fail = |e: reqwest::Error| {
            let what = if e.is_timeout() {
                format!(
                    "no answer from {} within {} s",
                    self.addr_str(),
                    self.timeout.as_secs_f64()
                )
            } else {
                format!("could not reach {}", self.addr_str())
            };
            unreachable(VaultKind::Bao, &what)
                .caused_by(&e.without_url())
                .with_hint("check VAULT_ADDR (or BAO_ADDR) and that the server is running")
        };
        let resp = req.send().await.map_err(fail)?;
        let status = resp.status();
        let text = resp.text().await.map_err(fail)?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// The secret of one project and environment; a missing one has no fields.
    async fn read(&self, project: &str, env: &str) -> Result<Current> {
        let (status, body) = self
            .send(Method::GET, self.url("data", project, env), None)
            .await?;
        // A missing secret is a 404 without errors (with metadata when its latest version
        // was deleted: that version still counts for cas); a missing mount names its route.
        let missing = status == StatusCode::NOT_FOUND && errors(&body).is_empty();
        if status != StatusCode::OK && !missing {
            return Err(self.refused(status, &body, project, env));
        }
        Ok(Current {
            version: body["data"]["metadata"]["version"].as_u64().unwrap_or(0),
            fields: match &body["data"]["data"] {
                Value::Object(fields) => fields.clone(),
                _ => Map::new(),
            },
        })
    }

    /// Writes a new version if the current one is still `version`; false on a conflict.
    async fn write(
        &self,
        project: &str,
        env: &str,
        version: u64,
        fields: Map<String, Value>,
    ) -> Result<bool> {
        let body = json!({"options": {"cas": version}, "data": fields});
        let (status, answer) = self
            .send(Method::POST, self.url("data", project, env), Some(&body))
            .await?;
        if status == StatusCode::BAD_REQUEST && errors(&answer).contains("check-and-set") {
            return Ok(false);
        }
        if status != StatusCode::OK || answer["data"]["version"].as_u64().is_none() {
            return Err(self.refused(status, &answer, project, env));
        }
        Ok(true)
    }

    /// Applies `change` to the fields of one secret with check-and-set, re-reading and
    /// retrying on a conflict. A secret left without fields loses its metadata too.
    async fn update(
        &self,
        project: &str,
        env: &str,
        change: impl Fn(&mut Map<String, Value>),
    ) -> Result<()> {
        for attempt in 1..=ATTEMPTS {
            let current = self.read(project, env).await?;
            let mut fields = current.fields.clone();
            change(&mut fields);
            if fields == current.fields {
                return Ok(());
            }
            let empty = fields.is_empty();
            if self.write(project, env, current.version, fields).await? {
                if empty {
                    let url = self.url("metadata", project, env);
                    let (status, body) = self.send(Method::DELETE, url, None).await?;
                    if !status.is_success() {
                        return Err(self.refused(status, &body, project, env));
                    }
                }
                return Ok(());
            }
            let jitter = crate::random_u64() % (20 * attempt);
            tokio::time::sleep(Duration::from_millis(5 + jitter)).await;
        }
        Err(unreachable(
            VaultKind::Bao,
            &format!(
                "{} kept changing while stack wrote it ({ATTEMPTS} attempts)",
                self.path(project, env)
            ),
        )
        .with_hint("try again"))
    }

    /// Why the server said no, with what to do about it; never a value or the token.
    fn refused(&self, status: StatusCode, body: &Value, project: &str, env: &str) -> Error {
        let addr = self.addr_str();
        let said = errors(body);
        let mount = &self.mount;
        if status == StatusCode::SERVICE_UNAVAILABLE || said.contains("sealed") {
            return unreachable(VaultKind::Bao, &format!("{addr} is sealed"))
                .with_hint("unseal it (`bao operator unseal`) or ask its operator to");
        }
        if status == StatusCode::FORBIDDEN {
            return unreachable(
                VaultKind::Bao,
                &format!(
                    "{addr} refused the token for {} (403 {said})",
                    self.path(project, env)
                ),
            )
            .with_hint(format!(
                "the token may have expired; else its policy needs read, create and update on \
                 \"{mount}/data/stack/{project}/*\" and delete on \"{mount}/metadata/stack/{project}/*\""
            ));
        }
        if status == StatusCode::NOT_FOUND
            || status == StatusCode::OK
            || status == StatusCode::NO_CONTENT
        {
            return unreachable(
                VaultKind::Bao,
                &format!("{addr} has no KV version 2 engine mounted at {mount}"),
            )
            .with_hint("set STACK_BAO_MOUNT to the mount of a KV version 2 engine");
        }
        let said = if said.is_empty() {
            String::new()
        } else {
            format!(": {said}")
        };
        unreachable(
            VaultKind::Bao,
            &format!(
                "{addr} answered {status} for {}{said}",
                self.path(project, env)
            ),
        )
    }

    fn path(&self, project: &str, env: &str) -> String {
        format!("{}/data/stack/{project}/{env}", self.mount)
    }

    /// The address as every message shows it: scheme://host[:port][/path], never the
    /// userinfo, query or fragment, which may carry a credential.
    fn addr_str(&self) -> String {
        let mut shown = self.addr.clone();
        shown.set_query(None);
        shown.set_fragment(None);
        // Only fails for URLs without a host, which `from_env` refuses.
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        shown.as_str().trim_end_matches('/').to_string()
    }
}

impl Vault for Bao {
    fn kind(&self) -> VaultKind {
        VaultKind::Bao
    }

    fn credentials(&self) -> Vec<(&'static str, Secret)> {
        vec![("VAULT_TOKEN", self.token.clone())]
    }

    fn location(&self) -> String {
        format!("{} (mount {})", self.addr_str(), self.mount)
    }

    /// One read per project and environment, whatever the number of slots.
    fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.run(async {
            let mut secrets: HashMap<(&str, &str), Map<String, Value>> = HashMap::new();
            for k in keys {
                let at = (k.project.as_str(), k.env.as_str());
                if let Entry::Vacant(slot) = secrets.entry(at) {
                    slot.insert(self.read(at.0, at.1).await?.fields);
                }
            }
            Ok(keys
                .iter()
                .map(|k| {
                    secrets[&(k.project.as_str(), k.env.as_str())]
                        .get(&k.slot)
                        .map(|v| match v {
                            Value::String(s) => Secret::new(s.as_str()),
                            other => Secret::new(other.to_string()),
                        })
                })
                .collect())
        })
    }

    fn set(&self, entries: &[(Key, Secret)]) -> Result<()> {
        self.run(async {
            for ((project, env), group) in group_by(entries, |(k, _)| k) {
                self.update(project, env, |fields| {
                    for (k, v) in &group {
                        fields.insert(k.slot.clone(), Value::String(v.expose().to_string()));
                    }
                })
                .await?;
            }
            Ok(())
        })
    }

    fn delete(&self, keys: &[Key]) -> Result<()> {
        self.run(async {
            for ((project, env), group) in group_by(keys, |k| k) {
                self.update(project, env, |fields| {
                    for k in &group {
                        fields.remove(&k.slot);
                    }
                })
                .await?;
            }
            Ok(())
        })
    }
}

/// Items grouped by (project, environment), in order of first appearance.
fn group_by<'a, T>(
    items: &'a [T],
    key: impl Fn(&'a T) -> &'a Key,
) -> Vec<((&'a str, &'a str), Vec<&'a T>)> {
    let mut groups: Vec<((&str, &str), Vec<&T>)> = Vec::new();
    for item in items {
        let k = key(item);
        let at = (k.project.as_str(), k.env.as_str());
        match groups.iter_mut().find(|(g, _)| *g == at) {
            Some((_, members)) => members.push(item),
            None => groups.push((at, vec![item])),
        }
    }
    groups
}

/// The server's `{"errors": [...]}`, joined.
fn errors(body: &Value) -> String {
    body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// The first of `values` set to something non-empty, trimmed, with its variable's name.
fn first<const N: usize>(
    names: [&'static str; N],
    values: &[Option<String>],
) -> Option<(&'static str, String)> {
    names.into_iter().zip(values).find_map(|(name, v)| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| (name, v.to_string()))
    })
}

/// The token `bao login` and `vault login` leave in `path` (`~/.vault-token`).
fn token_file(path: Option<&std::path::Path>) -> Result<Option<Secret>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = crate::fsutil::read_optional(path)?.map(zeroize::Zeroizing::new);
    Ok(text
        .map(|t| Secret::new(t.trim()))
        .filter(|t| !t.expose().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_mount_and_the_key() {
        let bao = Bao {
            addr: Url::parse("https://vault.example.com:8200/").unwrap(),
            mount: "kv/team".into(),
            timeout: Duration::from_secs(1),
            client: reqwest::Client::new(),
            token: Secret::new("FAKE-token"),
        };
        assert_eq!(
            bao.url("data", "app-1", "dev").as_str(),
            "https://vault.example.com:8200/v1/kv/team/data/stack/app-1/dev"
        );
        assert_eq!(
            bao.location(),
            "https://vault.example.com:8200 (mount kv/team)"
        );
        let e = bao.refused(
            StatusCode::FORBIDDEN,
            &json!({"errors": ["permission denied"]}),
            "app-1",
            "dev",
        );
        assert_eq!(e.kind, crate::error::Kind::Unavailable);
        assert!(
            e.hint
                .unwrap()
                .contains("\"kv/team/metadata/stack/app-1/*\"")
        );
    }
}
