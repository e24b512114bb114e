//! Keyring backends on top of keyring-core: Secret Service and keyutils on Linux, the macOS
//! Keychain, Windows Credential Manager, and keyring-core's mock store in tests.
//!
//! The whole document is one item: service `aws-sso-cli`, user/account `aws-sso-cli-records`.
//! On macOS that is exactly the item aws-sso-cli uses, so both tools share it. Windows limits a
//! credential blob to 2560 bytes, so there the document is split like aws-sso-cli does it:
//! targets `aws-sso-cli:aws-sso-cli:aws-sso-cli-records_<N>`, 2000-byte chunks, chunk 0
//! starting with the total length as 8 big-endian bytes.
//!
//! Every keyring call runs on a helper thread and is abandoned after a timeout: a locked
//! keyring waiting for a prompt nobody sees, or a wedged D-Bus, becomes a clear error instead
//! of a hang (#1083, #1379). An abandoned call keeps its thread until the process exits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use keyring_core::{CredentialStore, Entry, Error as KrError};
use zeroize::Zeroizing;

use super::backend::{Backend, Intent};
use super::error::StoreError;
use super::keyring_errors::{map_error, timeout_hint};

/// The service name of the store's keyring item.
pub const SERVICE: &str = "aws-sso-cli";
/// The user/account name of the store's keyring item.
pub const USER: &str = "aws-sso-cli-records";
/// Default time a keyring call may take before we give up.
pub const DEFAULT_KEYRING_TIMEOUT: Duration = Duration::from_secs(10);

/// How the document maps onto keyring items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One item holds the whole document.
    Single,
    /// Items `<user>_<N>` of at most `chunk_size` payload bytes each; chunk 0 starts with the
    /// total length (8 bytes, big-endian). With `target_prefix` the item is addressed by the
    /// explicit target `<prefix><user>_<N>` (Windows' `target` modifier).
    Chunked {
        chunk_size: usize,
        target_prefix: Option<String>,
    },
}

/// How a [`KeyringBackend`] talks to its store.
#[derive(Clone, Debug)]
pub struct KeyringConfig {
    pub service: String,
    pub user: String,
    /// Store-specific entry modifiers (Secret Service `target`/`label`, Windows `persistence`).
    pub modifiers: Vec<(String, String)>,
    pub layout: Layout,
    /// Limit for one backend operation (all chunks of a load or save together).
    pub timeout: Duration,
    /// Read once outside the store lock so an unlock prompt never holds the lock.
    pub unlock_before_lock: bool,
    /// Import the item aws-sso-cli (99designs/keyring) wrote to the Secret Service
    /// (attribute `profile=aws-sso-cli-records`) when ours does not exist yet.
    pub import_aws_sso_cli_item: bool,
}

impl KeyringConfig {
    /// Single item `aws-sso-cli`/`aws-sso-cli-records`, no modifiers.
    pub fn new(timeout: Duration) -> Self {
        KeyringConfig {
            service: SERVICE.to_owned(),
            user: USER.to_owned(),
            modifiers: Vec::new(),
            layout: Layout::Single,
            timeout,
            unlock_before_lock: false,
            import_aws_sso_cli_item: false,
        }
    }
}

struct Inner {
    name: &'static str,
    store: Arc<CredentialStore>,
    cfg: KeyringConfig,
}

/// A secure-store backend that keeps the document in a keyring-core credential store.
pub struct KeyringBackend {
    inner: Arc<Inner>,
    prepared: AtomicBool,
    /// What the unlock read in `prepare(Read)` found, handed to the next `load` so the hot
    /// path pays one keyring round trip, not two. Single-item layouts only (atomic reads).
    stash: Mutex<Option<Option<Zeroizing<Vec<u8>>>>>,
}

/// Run `f` on a helper thread, giving up after `timeout`.
pub(crate) fn with_timeout<T: Send + 'static>(
    backend: &'static str,
    timeout: Duration,
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name(format!("keyring-{backend}"))
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| StoreError::Keyring {
            backend,
            message: format!("cannot start a keyring thread: {e}"),
        })?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(StoreError::KeyringTimeout {
            backend,
            secs: timeout.as_secs().max(1),
            hint: timeout_hint(backend),
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(StoreError::Keyring {
            backend,
            message: "the keyring call panicked".into(),
        }),
    }
}

impl KeyringBackend {
    /// A backend over any keyring-core store. `name` selects the error messages
    /// (`secret-service`, `keyutils`, `keychain`, `wincred`, anything else = generic).
    pub fn new(name: &'static str, store: Arc<CredentialStore>, cfg: KeyringConfig) -> Self {
        KeyringBackend {
            inner: Arc::new(Inner { name, store, cfg }),
            prepared: AtomicBool::new(false),
            stash: Mutex::new(None),
        }
    }

    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let inner = self.inner.clone();
        with_timeout(self.inner.name, self.inner.cfg.timeout, move || f(&inner))
    }
}

impl Inner {
    fn item_name(&self, chunk: Option<usize>) -> String {
        match chunk {
            None => format!("{}/{}", self.cfg.service, self.cfg.user),
            Some(n) => format!("{}/{}_{n}", self.cfg.service, self.cfg.user),
        }
    }

    fn err(&self, chunk: Option<usize>, e: KrError) -> StoreError {
        // A named Secret Service collection that is locked or missing: creating or unlocking
        // it needs a prompt, which is the usual failure, and the fix differs from the login
        // keyring's.
        let target = self
            .cfg
            .modifiers
            .iter()
            .find(|(k, _)| k == "target")
            .map(|(_, v)| v);
        if let (Some(collection), "secret-service", KrError::NoStorageAccess(inner)) =
            (target, self.name, &e)
        {
            return StoreError::Keyring {
                backend: self.name,
                message: format!(
                    "the Secret Service collection '{collection}' (SecretServiceCollection) is locked or cannot be created without a prompt ({inner}): create/unlock it (e.g. with seahorse), remove SecretServiceCollection to use the login keyring, or choose SecureStore: file"
                ),
            };
        }
        map_error(self.name, &self.item_name(chunk), e)
    }

    fn entry(&self, chunk: Option<usize>) -> Result<Entry, StoreError> {
        let mut mods: HashMap<&str, String> = self
            .cfg
            .modifiers
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let user = match chunk {
            None => self.cfg.user.clone(),
            Some(n) => format!("{}_{n}", self.cfg.user),
        };
        if let (
            Some(_),
            Layout::Chunked {
                target_prefix: Some(p),
                ..
            },
        ) = (chunk, &self.cfg.layout)
        {
            mods.insert("target", format!("{p}{user}"));
        }
        let mods: HashMap<&str, &str> = mods.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mods = (!mods.is_empty()).then_some(&mods);
        self.store
            .build(&self.cfg.service, &user, mods)
            .map_err(|e| self.err(chunk, e))
    }

    /// `Ok(None)` when the item does not exist.
    fn get(&self, chunk: Option<usize>) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        match self.entry(chunk)?.get_secret() {
            Ok(v) => Ok(Some(Zeroizing::new(v))),
            Err(KrError::NoEntry) => Ok(None),
            Err(e) => Err(self.err(chunk, e)),
        }
    }

    fn set(&self, chunk: Option<usize>, data: &[u8]) -> Result<(), StoreError> {
        self.entry(chunk)?
            .set_secret(data)
            .map_err(|e| self.err(chunk, e))
    }

    /// `Ok(false)` when there was nothing to delete.
    fn remove(&self, chunk: Option<usize>) -> Result<bool, StoreError> {
        match self.entry(chunk)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(KrError::NoEntry) => Ok(false),
            Err(e) => Err(self.err(chunk, e)),
        }
    }

    fn load(&self) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        let found = match &self.cfg.layout {
            Layout::Single => self.get(None)?,
            Layout::Chunked { .. } => self.load_chunks()?,
        };
        match found {
            None if self.cfg.import_aws_sso_cli_item => Ok(self.legacy_item()),
            other => Ok(other),
        }
    }

    fn load_chunks(&self) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        let Some(first) = self.get(Some(0))? else {
            return Ok(None);
        };
        let corrupt = |reason: &str| StoreError::Corrupt {
            location: format!("{} item {}", self.name, self.item_name(Some(0))),
            reason: reason.to_owned(),
        };
        if first.len() < 8 {
            return Err(corrupt("chunk 0 is shorter than its length header"));
        }
        let total = u64::from_be_bytes(first[..8].try_into().unwrap_or_default());
        let total = usize::try_from(total).map_err(|_| corrupt("impossible length"))?;
        let mut doc = Zeroizing::new(Vec::with_capacity(total.min(1 << 24)));
        doc.extend_from_slice(&first[8..]);
        let mut n = 1;
        while doc.len() < total {
            match self.get(Some(n))? {
                Some(part) if !part.is_empty() => doc.extend_from_slice(&part),
                _ => return Err(corrupt(&format!("chunk {n} is missing"))),
            }
            n += 1;
        }
        if doc.len() != total {
            return Err(corrupt("chunks are longer than the recorded length"));
        }
        Ok(Some(doc))
    }

    fn save(&self, doc: &[u8]) -> Result<(), StoreError> {
        let Layout::Chunked { chunk_size, .. } = self.cfg.layout else {
            return self.set(None, doc);
        };
        let chunk_size = chunk_size.max(1);
        let parts: Vec<&[u8]> = if doc.is_empty() {
            vec![&[][..]]
        } else {
            doc.chunks(chunk_size).collect()
        };
        // Later chunks first, chunk 0 (which carries the length) last, then drop leftovers.
        for (n, part) in parts.iter().enumerate().skip(1).rev() {
            self.set(Some(n), part)?;
        }
        let mut first = Zeroizing::new(Vec::with_capacity(8 + parts[0].len()));
        first.extend_from_slice(&(doc.len() as u64).to_be_bytes());
        first.extend_from_slice(parts[0]);
        self.set(Some(0), &first)?;
        let mut n = parts.len();
        while self.remove(Some(n))? {
            n += 1;
        }
        Ok(())
    }

    fn delete(&self) -> Result<(), StoreError> {
        match self.cfg.layout {
            Layout::Single => self.remove(None).map(drop),
            Layout::Chunked { chunk_size, .. } => {
                // Delete every chunk chunk 0 accounts for, even past a missing one, then any
                // leftovers of an older, longer document.
                let expected = match self.get(Some(0))? {
                    Some(c) if c.len() >= 8 => {
                        let total = u64::from_be_bytes(c[..8].try_into().unwrap_or_default());
                        let rest = usize::try_from(total)
                            .unwrap_or(0)
                            .saturating_sub(c.len() - 8);
                        1 + rest.div_ceil(chunk_size.max(1))
                    }
                    _ => 1,
                };
                for n in 0..expected {
                    self.remove(Some(n))?;
                }
                let mut n = expected;
                while self.remove(Some(n))? {
                    n += 1;
                }
                Ok(())
            }
        }
    }

    /// The document aws-sso-cli stored in the Secret Service (a JSON-serialised 99designs
    /// `Item` whose `Data` is the base64 document), if there is one.
    fn legacy_item(&self) -> Option<Zeroizing<Vec<u8>>> {
        let spec = HashMap::from([("profile", self.cfg.user.as_str())]);
        let entries = match self.store.search(&spec) {
            Ok(e) => e,
            Err(e) => {
                tracing::debug!(error = %self.err(None, e), "no aws-sso-cli item to import");
                return None;
            }
        };
        for entry in entries {
            let Ok(raw) = entry.get_secret().map(Zeroizing::new) else {
                continue;
            };
            #[derive(serde::Deserialize)]
            struct Item {
                #[serde(rename = "Data")]
                data: String,
            }
            let Ok(item) = serde_json::from_slice::<Item>(&raw) else {
                continue;
            };
            let item = Zeroizing::new(item.data);
            if let Ok(doc) = base64::engine::general_purpose::STANDARD.decode(item.as_bytes()) {
                tracing::info!("importing the secure store aws-sso-cli kept in the Secret Service");
                return Some(Zeroizing::new(doc));
            }
        }
        None
    }
}

impl Backend for KeyringBackend {
    fn name(&self) -> &'static str {
        self.inner.name
    }

    fn location(&self) -> String {
        format!("{} item {}", self.inner.name, self.inner.item_name(None))
    }

    fn prepare(&self, intent: Intent) -> Result<(), StoreError> {
        if intent == Intent::Write {
            // A write must re-read under the exclusive lock: never serve it a stashed read.
            self.stash.lock().unwrap_or_else(|p| p.into_inner()).take();
        }
        if !self.inner.cfg.unlock_before_lock || self.prepared.load(Ordering::Acquire) {
            return Ok(());
        }
        let found = self.run(Inner::load)?;
        self.prepared.store(true, Ordering::Release);
        if intent == Intent::Read && self.inner.cfg.layout == Layout::Single {
            *self.stash.lock().unwrap_or_else(|p| p.into_inner()) = Some(found);
        }
        Ok(())
    }

    fn load(&self) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        if let Some(found) = self.stash.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Ok(found);
        }
        self.run(Inner::load)
    }

    fn save(&self, doc: &[u8]) -> Result<(), StoreError> {
        self.stash.lock().unwrap_or_else(|p| p.into_inner()).take();
        let doc = Zeroizing::new(doc.to_vec());
        self.run(move |inner| inner.save(&doc))
    }

    fn delete(&self) -> Result<(), StoreError> {
        self.stash.lock().unwrap_or_else(|p| p.into_inner()).take();
        self.run(Inner::delete)
    }
}

#[cfg(test)]
#[path = "keyring_tests.rs"]
mod tests;
