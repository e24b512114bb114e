//! The secure store: where SSO client registrations, OIDC access/refresh tokens and STS role
//! credentials live (the `SecureStore` setting; docs/formats.md, "The secure store").
//!
//! * [`document`]: the logical content and aws-sso-cli's two JSON shapes.
//! * [`backend`]: the [`Backend`] trait (opaque bytes in, bytes out) and [`BackendKind`].
//! * [`keyring`]: Secret Service, keyutils, macOS Keychain, Windows Credential Manager.
//! * [`file`]: Argon2id + XChaCha20-Poly1305 encrypted file; [`json`]: cleartext `store.json`.
//! * [`lock`]: `<ConfigDir>/storage.lock`; [`select`]: opening the configured store, auto-pick.
//! * [`password`]: where the file store's password comes from (env, terminal, callback).
//!
//! [`SecureStore`] loads the document lazily, once, under a shared lock, and performs every
//! change as *prepare (password/unlock, no lock held) → exclusive lock → re-read → modify →
//! write*, so concurrent aws-sso processes never lose each other's updates (#1084). All calls
//! block; async callers should use `spawn_blocking`.

pub mod backend;
pub mod document;
pub mod error;
pub mod file;
pub mod json;
pub mod keyring;
mod keyring_errors;
mod keyring_platform;
pub mod lock;
pub mod password;
pub mod secret;
pub mod select;
mod unusable;

use std::sync::{Mutex, MutexGuard};

pub use backend::{Backend, BackendKind, Intent, MemoryBackend};
pub use document::{
    CreateTokenResponse, Document, RegisterClientData, RoleCredentials, Shape, StaticCredentials,
};
pub use error::StoreError;
pub use lock::StoreLock;
pub use password::{EnvPassword, PasswordRequest, PasswordSource, TerminalPassword};
pub use secret::Secret;
pub use select::{Selection, StoreOptions};

/// Typed access to the secure-store document held by one [`Backend`].
pub struct SecureStore {
    backend: Box<dyn Backend>,
    lock: StoreLock,
    /// The document as last read or written by this process; `None` until first needed.
    cache: Mutex<Option<Document>>,
}

impl std::fmt::Debug for SecureStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureStore")
            .field("backend", &self.backend.name())
            .field("lock", &self.lock.path())
            .finish()
    }
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

impl SecureStore {
    /// A store over `backend`, serialised across processes by `lock`.
    pub fn new(backend: Box<dyn Backend>, lock: StoreLock) -> Self {
        SecureStore {
            backend,
            lock,
            cache: Mutex::new(None),
        }
    }

    /// A store whose document was already read (by auto-pick's probe): saves a round trip.
    pub(crate) fn with_document(backend: Box<dyn Backend>, lock: StoreLock, doc: Document) -> Self {
        SecureStore {
            backend,
            lock,
            cache: Mutex::new(Some(doc)),
        }
    }

    /// Open the store `options` describe (or auto-pick one); see [`select::open`].
    pub fn open(
        options: &StoreOptions,
        passwords: std::sync::Arc<dyn PasswordSource>,
    ) -> Result<(SecureStore, Selection), StoreError> {
        select::open(options, passwords)
    }

    /// The backend's short name (`secret-service`, `file`, …) for logs.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Where the backend keeps its data (a file path, a keyring service), for messages.
    pub fn location(&self) -> String {
        self.backend.location()
    }

    fn cache(&self) -> MutexGuard<'_, Option<Document>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn decode(&self, bytes: Option<&[u8]>) -> Result<Document, StoreError> {
        match bytes {
            None => Ok(Document::default()),
            Some(b) => Document::decode(b, self.backend.shape(), &self.backend.location()),
        }
    }

    /// Run `f` on the document, loading it first if this process has not yet.
    pub fn read<T>(&self, f: impl FnOnce(&Document) -> T) -> Result<T, StoreError> {
        let mut cache = self.cache();
        if cache.is_none() {
            self.backend.prepare(Intent::Read)?;
            let loaded = {
                let _shared = self.lock.shared()?;
                self.backend.load()?
            };
            *cache = Some(self.decode(loaded.as_deref().map(|v| &v[..]))?);
        }
        Ok(f(cache.as_ref().expect("loaded above")))
    }

    /// Change the document: lock exclusively, re-read what is stored now (another process may
    /// have written since we loaded), apply `f`, drop expired role credentials, write back.
    /// Nothing is written when the document ends up unchanged.
    pub fn modify<T>(&self, f: impl FnOnce(&mut Document) -> T) -> Result<T, StoreError> {
        let mut cache = self.cache();
        self.backend.prepare(Intent::Write)?;
        let _exclusive = self.lock.exclusive()?;
        let stored = self.backend.load()?;
        let before = self.decode(stored.as_deref().map(|v| &v[..]))?;
        let mut doc = before.clone();
        let out = f(&mut doc);
        let pruned = doc.prune_expired_role_credentials(now_unix());
        if pruned > 0 {
            tracing::debug!(
                pruned,
                "dropped expired role credentials from the secure store"
            );
        }
        // An emptied document is saved, not deleted: with the item gone, the Secret Service
        // backend would import aws-sso-cli's old item again and undo a logout.
        if doc != before {
            self.backend.save(&doc.encode(self.backend.shape())?)?;
        }
        *cache = Some(doc);
        Ok(out)
    }

    /// Take the exclusive lock and keep it across a slow step (fetching role credentials
    /// from AWS), so that concurrent aws-sso processes that want the same thing wait for this
    /// one and then find it done: single flight across processes. The document is re-read
    /// under the lock. Blocks while waiting: call it on a blocking thread from async code.
    pub fn lock_exclusive(self: &std::sync::Arc<Self>) -> Result<ExclusiveStore, StoreError> {
        self.backend.prepare(Intent::Write)?;
        let guard = self.lock.exclusive()?;
        let stored = self.backend.load()?;
        let doc = self.decode(stored.as_deref().map(|v| &v[..]))?;
        *self.cache() = Some(doc.clone());
        Ok(ExclusiveStore {
            store: self.clone(),
            doc,
            _guard: guard,
        })
    }

    /// Forget the cached document so the next read goes to the backend again.
    pub fn reload(&self) {
        *self.cache() = None;
    }

    /// A copy of the whole document.
    pub fn snapshot(&self) -> Result<Document, StoreError> {
        self.read(Document::clone)
    }

    /// The OIDC client registration of SSO instance `sso`.
    pub fn registration(&self, sso: &str) -> Result<Option<RegisterClientData>, StoreError> {
        self.read(|d| d.registrations.get(sso).cloned())
    }

    pub fn put_registration(&self, sso: &str, data: RegisterClientData) -> Result<(), StoreError> {
        self.modify(|d| {
            d.registrations.insert(sso.to_owned(), data);
        })
    }

    /// Returns whether there was one.
    pub fn delete_registration(&self, sso: &str) -> Result<bool, StoreError> {
        self.modify(|d| d.registrations.remove(sso).is_some())
    }

    /// The OIDC token of SSO instance `sso`.
    pub fn token(&self, sso: &str) -> Result<Option<CreateTokenResponse>, StoreError> {
        self.read(|d| d.tokens.get(sso).cloned())
    }

    pub fn put_token(&self, sso: &str, token: CreateTokenResponse) -> Result<(), StoreError> {
        self.modify(|d| {
            d.tokens.insert(sso.to_owned(), token);
        })
    }

    /// Returns whether there was one.
    pub fn delete_token(&self, sso: &str) -> Result<bool, StoreError> {
        self.modify(|d| d.tokens.remove(sso).is_some())
    }

    /// STS credentials of the role `arn`.
    pub fn role_credentials(&self, arn: &str) -> Result<Option<RoleCredentials>, StoreError> {
        self.read(|d| d.role_credentials.get(arn).cloned())
    }

    pub fn put_role_credentials(
        &self,
        arn: &str,
        creds: RoleCredentials,
    ) -> Result<(), StoreError> {
        self.modify(|d| {
            d.role_credentials.insert(arn.to_owned(), creds);
        })
    }

    /// Returns whether there were any.
    pub fn delete_role_credentials(&self, arn: &str) -> Result<bool, StoreError> {
        self.modify(|d| d.role_credentials.remove(arn).is_some())
    }

    /// Every stored role credential, sorted by ARN.
    pub fn list_role_credentials(&self) -> Result<Vec<(String, RoleCredentials)>, StoreError> {
        self.read(|d| {
            d.role_credentials
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// Legacy static credentials, sorted by user ARN.
    pub fn list_static_credentials(&self) -> Result<Vec<(String, StaticCredentials)>, StoreError> {
        self.read(|d| {
            d.static_credentials
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// The ECS server's bearer token (`None` when unset).
    pub fn ecs_bearer_token(&self) -> Result<Option<Secret>, StoreError> {
        self.read(|d| Some(d.ecs_bearer_token.clone()).filter(|s| !s.is_empty()))
    }

    /// Set (or with an empty value, clear) the ECS server's bearer token.
    pub fn set_ecs_bearer_token(&self, token: Secret) -> Result<(), StoreError> {
        self.modify(|d| d.ecs_bearer_token = token)
    }

    /// The ECS server's TLS private key, PEM (`None` when unset).
    pub fn ecs_private_key(&self) -> Result<Option<Secret>, StoreError> {
        self.read(|d| Some(d.ecs_private_key.clone()).filter(|s| !s.is_empty()))
    }

    /// Set (or with an empty value, clear) the ECS server's TLS private key.
    pub fn set_ecs_private_key(&self, key: Secret) -> Result<(), StoreError> {
        self.modify(|d| d.ecs_private_key = key)
    }

    /// The ECS server's TLS certificate chain, PEM (`None` when unset).
    pub fn ecs_cert_chain(&self) -> Result<Option<String>, StoreError> {
        self.read(|d| Some(d.ecs_cert_chain.clone()).filter(|s| !s.is_empty()))
    }

    /// Set (or with an empty value, clear) the ECS server's TLS certificate chain.
    pub fn set_ecs_cert_chain(&self, chain: String) -> Result<(), StoreError> {
        self.modify(|d| d.ecs_cert_chain = chain)
    }

    /// Remove the whole document from the backend (the keyring item or file goes away). With
    /// the Secret Service, a later read may import aws-sso-cli's own item again, if it has one.
    pub fn delete_all(&self) -> Result<(), StoreError> {
        let mut cache = self.cache();
        self.backend.prepare(Intent::Write)?;
        let _exclusive = self.lock.exclusive()?;
        self.backend.delete()?;
        *cache = Some(Document::default());
        Ok(())
    }

    /// For `login`: when the stored document cannot be read (a truncated or damaged
    /// store.json), move it aside where the backend keeps such copies and start from an empty
    /// document, which the login then fills and writes. `Ok(None)`: nothing was wrong, or
    /// this backend keeps no copies (its damage stays an error, from the next read).
    pub fn set_aside_if_damaged(&self) -> Result<Option<SetAside>, StoreError> {
        if !self.backend.can_set_aside() {
            return Ok(None);
        }
        let mut cache = self.cache();
        self.backend.prepare(Intent::Read)?;
        let _exclusive = self.lock.exclusive()?;
        let stored = self.backend.load()?;
        let reason = match self.decode(stored.as_deref().map(|v| &v[..])) {
            Ok(doc) => {
                *cache = Some(doc);
                return Ok(None);
            }
            Err(StoreError::Corrupt { reason, .. }) => reason,
            Err(other) => return Err(other),
        };
        let Some(kept) = self.backend.set_aside()? else {
            return Ok(None);
        };
        *cache = Some(Document::default());
        Ok(Some(SetAside {
            location: self.backend.location(),
            kept,
            reason,
        }))
    }

    /// Remove the registration and token of `sso` in one write (logout).
    pub fn forget_sso(&self, sso: &str) -> Result<(), StoreError> {
        self.modify(|d| {
            d.registrations.remove(sso);
            d.tokens.remove(sso);
        })
    }
}

/// A damaged stored document moved out of the way by [`SecureStore::set_aside_if_damaged`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// Where the store is (and a fresh one will be).
    pub location: String,
    /// Where the damaged copy now is.
    pub kept: std::path::PathBuf,
    /// What was wrong with it (no content quoted).
    pub reason: String,
}

/// The store under its exclusive lock ([`SecureStore::lock_exclusive`]); released on drop.
pub struct ExclusiveStore {
    store: std::sync::Arc<SecureStore>,
    doc: Document,
    _guard: lock::LockGuard,
}

impl std::fmt::Debug for ExclusiveStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExclusiveStore")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl ExclusiveStore {
    /// The document as stored when the lock was taken (plus our own changes since).
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Change the document and write it back while still holding the lock. Expired role
    /// credentials are dropped on the way, as in [`SecureStore::modify`].
    pub fn modify<T>(&mut self, f: impl FnOnce(&mut Document) -> T) -> Result<T, StoreError> {
        let mut doc = self.doc.clone();
        let out = f(&mut doc);
        doc.prune_expired_role_credentials(now_unix());
        if doc != self.doc {
            let backend = &self.store.backend;
            backend.save(&doc.encode(backend.shape())?)?;
        }
        *self.store.cache() = Some(doc.clone());
        self.doc = doc;
        Ok(out)
    }
}

#[cfg(test)]
#[path = "store/store_tests.rs"]
mod tests;
