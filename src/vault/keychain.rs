//! The OS keychain: one item per slot, service `stack`, account `<project>/<env>/<SLOT>`.
//!
//! On Linux this is the Secret Service over D-Bus (see SECURITY.md for why the session is
//! a plain one); on macOS and Windows, the keyring-core native stores.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use super::{Key, Vault, VaultKind, unreachable};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;

const SERVICE: &str = "stack";

/// A locked keyring can leave a call waiting for a password prompt forever.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Keychain {
    /// `$XDG_RUNTIME_DIR`, where the Secret Service lock lives (see `one_at_a_time`).
    runtime_dir: Option<PathBuf>,
}

impl Keychain {
    pub fn new(settings: &Settings) -> Keychain {
        Keychain {
            runtime_dir: settings.runtime_dir.clone(),
        }
    }
}

impl Vault for Keychain {
    fn kind(&self) -> VaultKind {
        VaultKind::Keychain
    }

    fn may_hold_other_projects(&self, _root: &std::path::Path) -> bool {
        true
    }

    fn location(&self) -> String {
        let store = if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(windows) {
            "Windows Credential Manager"
        } else {
            "Secret Service"
        };
        format!("{store}, service {SERVICE}")
    }

    fn get(&self, keys: &[Key]) -> Result<Vec<Option<Secret>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let accounts: Vec<String> = keys.iter().map(Key::account).collect();
        let runtime_dir = self.runtime_dir.clone();
        with_timeout(move || backend::get(runtime_dir.as_deref(), &accounts))
    }

    fn set(&self, entries: &[(Key, Secret)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let entries: Vec<(String, Secret)> = entries
            .iter()
            .map(|(k, v)| (k.account(), v.clone()))
            .collect();
        let runtime_dir = self.runtime_dir.clone();
        with_timeout(move || backend::set(runtime_dir.as_deref(), &entries))
    }

    fn delete(&self, keys: &[Key]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let accounts: Vec<String> = keys.iter().map(Key::account).collect();
        let runtime_dir = self.runtime_dir.clone();
        with_timeout(move || backend::delete(runtime_dir.as_deref(), &accounts))
    }
}

/// Runs a blocking keychain call on its own thread, giving up after [`TIMEOUT`].
fn with_timeout<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(call());
    });
    match rx.recv_timeout(TIMEOUT) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(why)) => Err(unavailable(&why)),
        Err(_) => Err(unavailable(&format!(
            "no answer within {} s (is the keyring locked and waiting for its password?)",
            TIMEOUT.as_secs()
        ))),
    }
}

fn unavailable(why: &str) -> Error {
    unreachable(VaultKind::Keychain, why).with_hint(
        "unlock or start the OS keychain (on Linux a Secret Service such as gnome-keyring or \
         KeePassXC), or choose another vault with --vault or STACK_VAULT (file, bao, env)",
    )
}

#[cfg(target_os = "linux")]
mod backend {
    use std::collections::HashMap;
    use std::path::Path;

    use secret_service::blocking::{Item, SecretService};
    use secret_service::{EncryptionType, Error as SsError};

    use super::SERVICE;
    use crate::secret::Secret;

    fn describe(e: SsError) -> String {
        match e {
            SsError::Unavailable => "no Secret Service is running on the session bus".into(),
            SsError::Locked => "the keyring is locked".into(),
            SsError::Prompt => "the unlock prompt was dismissed".into(),
            other => other.to_string(),
        }
    }

    /// One `stack` at a time talks to the Secret Service. [`introduce`] removes the one
    /// cause known to abort gnome-keyring 42 under concurrent clients; the lock keeps a
    /// burst of `stack` processes (twenty in the fault tests) from being a burst of new
    /// clients at all, for a daemon with a history of such races. An advisory lock on
    /// `$XDG_RUNTIME_DIR/stack-keychain.lock` (per user, in memory, 0600) queues them; the
    /// turn lasts one short conversation. Without a runtime directory there is no lock.
    fn one_at_a_time(runtime_dir: Option<&Path>) -> Option<std::fs::File> {
        use std::os::unix::fs::OpenOptionsExt;
        let dir = runtime_dir?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(dir.join("stack-keychain.lock"))
            .ok()?;
        file.lock().ok()?;
        Some(file)
    }

    /// A plain (unencrypted) session: the bus is the user's own, and the Diffie-Hellman
    /// session costs ~10 ms on every `stack exec` for no protection (SECURITY.md).
    fn connect() -> Result<SecretService<'static>, String> {
        let bus = zbus::blocking::Connection::session().map_err(no_bus)?;
        async_io::block_on(introduce(bus.inner()));
        SecretService::connect_with_existing(EncryptionType::Plain, bus).map_err(describe)
    }

    fn no_bus(e: zbus::Error) -> String {
        format!("cannot connect to the session bus: {e}")
    }

    fn describe_bus(e: zbus::Error) -> String {
        match e {
            zbus::Error::MethodError(name, ..)
                if name.as_str() == "org.freedesktop.DBus.Error.ServiceUnknown" =>
            {
                describe(SsError::Unavailable)
            }
            other => other.to_string(),
        }
    }

    const DEST: &str = "org.freedesktop.secrets";
    const PATH: &str = "/org/freedesktop/secrets";

    /// Makes gnome-keyring register this connection as a client before the first call
    /// that needs one.
    ///
    /// gnome-keyring 42 registers a client in a high-priority idle callback queued by a
    /// message filter, and trusts priority to run it before the call itself. GLib's main
    /// loop does not promise that across threads: when several clients talk at once the
    /// call can run first, find no client, and the daemon aborts (`assertion 'client'
    /// failed`, then SIGTRAP or a `g_variant_new` error). Reading the service's
    /// `Collections` property needs no client and is answered from the same main loop, so
    /// by the time its reply arrives the registration has been queued ahead of anything we
    /// send next. libsecret gets the same ordering by accident: its proxy reads all the
    /// service's properties first. The answer itself is not needed, and any failure here
    /// (no Secret Service at all, say) is reported by the session call that follows.
    async fn introduce(bus: &zbus::Connection) {
        let _ = bus
            .call_method(
                Some(DEST),
                PATH,
                Some("org.freedesktop.DBus.Properties"),
                "Get",
                &("org.freedesktop.Secret.Service", "Collections"),
            )
            .await;
    }

    fn attributes(account: &str) -> HashMap<&str, &str> {
        HashMap::from([("service", SERVICE), ("username", account)])
    }

    fn find<'a>(ss: &'a SecretService, account: &str) -> Result<Vec<Item<'a>>, String> {
        let found = ss.search_items(attributes(account)).map_err(describe)?;
        if !found.locked.is_empty() {
            let locked: Vec<&Item> = found.locked.iter().collect();
            ss.unlock_all(&locked).map_err(describe)?;
        }
        Ok(found.unlocked.into_iter().chain(found.locked).collect())
    }

    /// Reads every slot over one connection in three round trips: the introduction, every
    /// search at once (with the session), then one `GetSecrets` for all the values. A
    /// locked item (only after the user locks the keyring by hand) falls back to the
    /// crate's unlocking path.
    pub fn get(
        runtime_dir: Option<&Path>,
        accounts: &[String],
    ) -> Result<Vec<Option<Secret>>, String> {
        let _turn = one_at_a_time(runtime_dir);
        // All on this thread: async-io polls the socket here, with no reactor or executor
        // thread to hand each answer over (each handover cost more than the call itself).
        match async_io::block_on(batch::get(accounts))? {
            Some(values) => Ok(values),
            None => get_unlocking(accounts),
        }
    }

    fn get_unlocking(accounts: &[String]) -> Result<Vec<Option<Secret>>, String> {
        let ss = connect()?;
        accounts
            .iter()
            .map(|account| {
                let Some(item) = find(&ss, account)?.into_iter().next() else {
                    return Ok(None);
                };
                let bytes = zeroize::Zeroizing::new(item.get_secret().map_err(describe)?);
                to_secret(account, &bytes).map(Some)
            })
            .collect()
    }

    fn to_secret(account: &str, bytes: &[u8]) -> Result<Secret, String> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| format!("the item for {account} is not UTF-8"))?;
        Ok(Secret::new(text))
    }

    /// The read path's Secret Service calls, straight over zbus.
    mod batch {
        use std::collections::HashMap;

        use futures_util::future::{Either, select, try_join, try_join_all};
        use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
        use zeroize::Zeroize;

        use super::{DEST, PATH, attributes, describe_bus, introduce, no_bus, to_secret};
        use crate::secret::Secret;

        const IFACE: &str = "org.freedesktop.Secret.Service";

        /// `(session, parameters, value, content type)`, the spec's `Secret` struct.
        type SecretStruct = (OwnedObjectPath, Vec<u8>, Vec<u8>, String);

        async fn call<B>(
            conn: &zbus::Connection,
            method: &str,
            body: &B,
        ) -> zbus::Result<zbus::Message>
        where
            B: serde::Serialize + zbus::zvariant::DynamicType,
        {
            conn.call_method(Some(DEST), PATH, Some(IFACE), method, body)
                .await
        }

        /// The values, or `None` when some item is locked.
        pub async fn get(accounts: &[String]) -> Result<Option<Vec<Option<Secret>>>, String> {
            let conn = zbus::connection::Builder::session()
                .map_err(no_bus)?
                .internal_executor(false)
                .build()
                .await
                .map_err(no_bus)?;
            let executor = conn.executor().clone();
            let ticking = std::pin::pin!(async {
                loop {
                    executor.tick().await;
                }
            });
            let reading = std::pin::pin!(read(&conn, accounts));
            match select(reading, ticking).await {
                Either::Left((values, _)) => values,
                Either::Right((never, _)) => never,
            }
        }

        async fn read(
            conn: &zbus::Connection,
            accounts: &[String],
        ) -> Result<Option<Vec<Option<Secret>>>, String> {
            introduce(conn).await;
            let open = async {
                let reply = call(conn, "OpenSession", &("plain", Value::from(""))).await?;
                reply.body().deserialize::<(OwnedValue, OwnedObjectPath)>()
            };
            let searches = try_join_all(accounts.iter().map(|account| async move {
                let reply = call(conn, "SearchItems", &(attributes(account),)).await?;
                reply
                    .body()
                    .deserialize::<(Vec<OwnedObjectPath>, Vec<OwnedObjectPath>)>()
            }));
            let ((_, session), found) = try_join(open, searches).await.map_err(describe_bus)?;
            if found.iter().any(|(_, locked)| !locked.is_empty()) {
                return Ok(None);
            }
            let paths: Vec<Option<OwnedObjectPath>> = found
                .into_iter()
                .map(|(unlocked, _)| unlocked.into_iter().next())
                .collect();

            let wanted: Vec<&OwnedObjectPath> = paths.iter().flatten().collect();
            let mut secrets: HashMap<OwnedObjectPath, SecretStruct> = if wanted.is_empty() {
                HashMap::new()
            } else {
                call(conn, "GetSecrets", &(wanted, &session))
                    .await
                    .and_then(|m| m.body().deserialize())
                    .map_err(describe_bus)?
            };
            let values: Result<Vec<_>, String> = accounts
                .iter()
                .zip(&paths)
                .map(
                    |(account, path)| match path.as_ref().and_then(|p| secrets.get(p)) {
                        Some((_, _, value, _)) => to_secret(account, value).map(Some),
                        None => Ok(None),
                    },
                )
                .collect();
            for (_, _, value, _) in secrets.values_mut() {
                value.zeroize();
            }
            values.map(Some)
        }
    }

    pub fn set(runtime_dir: Option<&Path>, entries: &[(String, Secret)]) -> Result<(), String> {
        let _turn = one_at_a_time(runtime_dir);
        let ss = connect()?;
        let collection = ss.get_default_collection().map_err(describe)?;
        collection.ensure_unlocked().map_err(describe)?;
        for (account, value) in entries {
            collection
                .create_item(
                    &format!("stack: {account}"),
                    attributes(account),
                    value.expose().as_bytes(),
                    true,
                    "text/plain",
                )
                .map_err(describe)?;
        }
        Ok(())
    }

    pub fn delete(runtime_dir: Option<&Path>, accounts: &[String]) -> Result<(), String> {
        let _turn = one_at_a_time(runtime_dir);
        let ss = connect()?;
        for account in accounts {
            for item in find(&ss, account)? {
                item.delete().map_err(describe)?;
            }
        }
        Ok(())
    }
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
mod backend {
    use std::path::Path;

    use keyring_core::{Entry, Error as KError};

    use super::SERVICE;
    use crate::secret::Secret;

    fn store() -> Result<(), String> {
        if keyring_core::get_default_store().is_none() {
            #[cfg(target_os = "macos")]
            let store = apple_native_keyring_store::keychain::Store::new();
            #[cfg(target_os = "windows")]
            let store = windows_native_keyring_store::Store::new();
            keyring_core::set_default_store(store.map_err(|e| e.to_string())?);
        }
        Ok(())
    }

    fn entry(account: &str) -> Result<Entry, String> {
        store()?;
        Entry::new(SERVICE, account).map_err(|e| e.to_string())
    }

    pub fn get(_: Option<&Path>, accounts: &[String]) -> Result<Vec<Option<Secret>>, String> {
        accounts
            .iter()
            .map(|a| match entry(a)?.get_password() {
                Ok(v) => Ok(Some(Secret::new(v))),
                Err(KError::NoEntry) => Ok(None),
                Err(e) => Err(e.to_string()),
            })
            .collect()
    }

    pub fn set(_: Option<&Path>, entries: &[(String, Secret)]) -> Result<(), String> {
        for (account, value) in entries {
            entry(account)?
                .set_password(value.expose())
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    pub fn delete(_: Option<&Path>, accounts: &[String]) -> Result<(), String> {
        for account in accounts {
            match entry(account)?.delete_credential() {
                Ok(()) | Err(KError::NoEntry) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    }
}
