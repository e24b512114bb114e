//! Opening the configured secure store, and picking one when `SecureStore` is unset.
//!
//! Auto-pick order — Linux: Secret Service if it answers and can hold our item, else the kernel
//! keyring (keyutils) if usable, else the encrypted file when a password can be had; macOS:
//! Keychain; Windows: Credential Manager; elsewhere: file. The choice is returned so the caller
//! can log `using secure store: secret-service`.
//!
//! `SecretServiceCollection`: unset, empty, `awsssocli` (aws-sso-cli's default), `default` or
//! `login` all mean the user's default (login) collection, so nobody has to create and unlock a
//! second keyring (#1293) and headless setups with only a login keyring work. Any other name
//! selects (and, on first write, creates) the collection with that label.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::SecureStore;
use super::backend::{Backend, BackendKind, Intent};
use super::document::Document;
use super::error::StoreError;
use super::file::{FileBackend, KdfParams};
use super::json::JsonBackend;
use super::keyring::DEFAULT_KEYRING_TIMEOUT;
use super::lock::{DEFAULT_LOCK_TIMEOUT, StoreLock};
use super::password::PasswordSource;
use super::unusable::no_store_message;

/// Collection names that mean "the default collection".
const DEFAULT_COLLECTION_ALIASES: [&str; 4] = ["", "awsssocli", "default", "login"];

/// Everything needed to open the secure store; built by the front-end from `config.yaml`.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// `<ConfigDir>`: holds `storage.lock`, `store.json` and `secure/`.
    pub config_dir: PathBuf,
    /// The raw `SecureStore` value; `None` (or empty) = auto-pick.
    pub secure_store: Option<String>,
    /// `JsonStore`; default `<ConfigDir>/store.json`.
    pub json_store: Option<PathBuf>,
    /// `SecretServiceCollection` (see the module docs for how it is interpreted).
    pub secret_service_collection: Option<String>,
    /// How long to wait for `storage.lock`.
    pub lock_timeout: Duration,
    /// How long one keyring operation may take.
    pub keyring_timeout: Duration,
    /// Argon2id parameters for newly written encrypted files.
    pub kdf: KdfParams,
    /// Keyring stores auto-pick tries, in order, before falling back to the encrypted file
    /// (default: [`default_auto_candidates`]).
    pub auto_candidates: Vec<BackendKind>,
}

/// This platform's auto-pick order (the encrypted file is always the last resort).
pub fn default_auto_candidates() -> Vec<BackendKind> {
    if cfg!(target_os = "macos") {
        vec![BackendKind::Keychain]
    } else if cfg!(windows) {
        vec![BackendKind::WinCred]
    } else if cfg!(target_os = "linux") {
        vec![BackendKind::SecretService, BackendKind::Keyutils]
    } else {
        Vec::new()
    }
}

impl StoreOptions {
    /// Defaults: auto-pick, 30 s lock timeout, 10 s keyring timeout.
    pub fn new(config_dir: impl Into<PathBuf>) -> Self {
        StoreOptions {
            config_dir: config_dir.into(),
            secure_store: None,
            json_store: None,
            secret_service_collection: None,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            keyring_timeout: DEFAULT_KEYRING_TIMEOUT,
            kdf: KdfParams::default(),
            auto_candidates: default_auto_candidates(),
        }
    }

    fn lock(&self) -> StoreLock {
        StoreLock::in_dir(&self.config_dir, self.lock_timeout)
    }

    /// The Secret Service collection to use; `None` = the default collection.
    pub fn collection(&self) -> Option<&str> {
        self.secret_service_collection
            .as_deref()
            .map(str::trim)
            .filter(|c| !DEFAULT_COLLECTION_ALIASES.contains(&c.to_ascii_lowercase().as_str()))
    }
}

/// Which backend [`open`] chose, and why others were passed over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub kind: BackendKind,
    /// True when `SecureStore` was unset and the store was chosen automatically.
    pub auto_picked: bool,
    /// One line per backend tried before `kind` (auto-pick only), e.g.
    /// `secret-service secure store: Secret Service not reachable …`.
    pub skipped: Vec<String>,
}

/// Open the store `options` describe; when `SecureStore` is unset, auto-pick.
pub fn open(
    options: &StoreOptions,
    passwords: Arc<dyn PasswordSource>,
) -> Result<(SecureStore, Selection), StoreError> {
    let configured = options
        .secure_store
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let Some(name) = configured else {
        return auto_pick(options, passwords);
    };
    let kind: BackendKind = name.parse()?;
    let backend = open_backend(kind, options, passwords)?;
    let selection = Selection {
        kind,
        auto_picked: false,
        skipped: Vec::new(),
    };
    Ok((SecureStore::new(backend, options.lock()), selection))
}

/// Construct the backend of `kind` (without probing it).
pub fn open_backend(
    kind: BackendKind,
    options: &StoreOptions,
    passwords: Arc<dyn PasswordSource>,
) -> Result<Box<dyn Backend>, StoreError> {
    Ok(match kind {
        BackendKind::File => Box::new(FileBackend::in_config_dir(
            &options.config_dir,
            options.kdf,
            passwords,
        )),
        BackendKind::Json => Box::new(JsonBackend::new(
            options
                .json_store
                .clone()
                .unwrap_or_else(|| options.config_dir.join("store.json")),
        )),
        BackendKind::SecretService => Box::new(super::keyring_platform::secret_service(
            options.collection(),
            options.keyring_timeout,
        )?),
        BackendKind::Keyutils => {
            Box::new(super::keyring_platform::keyutils(options.keyring_timeout)?)
        }
        BackendKind::Keychain => {
            Box::new(super::keyring_platform::keychain(options.keyring_timeout)?)
        }
        BackendKind::WinCred => {
            Box::new(super::keyring_platform::wincred(options.keyring_timeout)?)
        }
    })
}

/// Whether a keyring backend can really hold our item: it must answer a read, and when
/// nothing is stored yet it must accept one (the empty document, written under the exclusive
/// lock). That catches a missing default collection or a locked keyring before the first
/// login. Returns what is stored, so the store need not read it again.
fn probe(backend: &dyn Backend, lock: &StoreLock) -> Result<Document, StoreError> {
    let location = backend.location();
    backend.prepare(Intent::Read)?;
    let found = {
        let _shared = lock.shared()?;
        backend.load()?
    };
    if let Some(bytes) = found {
        return Document::decode(&bytes, backend.shape(), &location);
    }
    backend.prepare(Intent::Write)?;
    let _exclusive = lock.exclusive()?;
    match backend.load()? {
        Some(bytes) => Document::decode(&bytes, backend.shape(), &location),
        None => {
            let empty = Document::default();
            if let Err(e) = backend.save(&empty.encode(backend.shape())?) {
                // A failed save can leave a partial item behind (keyutils adds the key to the
                // session keyring, then fails to link it to the persistent one): remove it.
                if let Err(cleanup) = backend.delete() {
                    tracing::debug!(error = %cleanup, "cannot remove the failed probe item");
                }
                return Err(e);
            }
            Ok(empty)
        }
    }
}

fn auto_pick(
    options: &StoreOptions,
    passwords: Arc<dyn PasswordSource>,
) -> Result<(SecureStore, Selection), StoreError> {
    let lock = options.lock();
    let mut skipped = Vec::new();
    // (store, why it was passed over) for the error when none works.
    let mut reasons: Vec<(&str, String)> = Vec::new();
    for &kind in &options.auto_candidates {
        let attempt = open_backend(kind, options, passwords.clone())
            .and_then(|b| probe(b.as_ref(), &lock).map(|doc| (b, doc)));
        match attempt {
            Ok((backend, doc)) => {
                let selection = Selection {
                    kind,
                    auto_picked: true,
                    skipped,
                };
                return Ok((SecureStore::with_document(backend, lock, doc), selection));
            }
            // Data that exists but cannot be read must be fixed, not silently replaced by
            // an empty store elsewhere.
            Err(e @ StoreError::Corrupt { .. }) => return Err(e),
            Err(e) => {
                tracing::debug!(store = kind.as_str(), error = %e, "secure store not usable");
                let msg = e.to_string();
                reasons.push((kind.as_str(), msg.clone()));
                skipped.push(if msg.starts_with(kind.as_str()) {
                    msg
                } else {
                    format!("{kind}: {msg}")
                });
            }
        }
    }
    if passwords.available() {
        let backend = open_backend(BackendKind::File, options, passwords)?;
        let selection = Selection {
            kind: BackendKind::File,
            auto_picked: true,
            skipped,
        };
        return Ok((SecureStore::new(backend, lock), selection));
    }
    reasons.push((
        BackendKind::File.as_str(),
        "no password (no AWS_SSO_FILE_PASSWORD, no terminal)".into(),
    ));
    let advice = if cfg!(target_os = "linux") {
        "unlock gnome-keyring, run under `keyctl session`, or set SecureStore: file with AWS_SSO_FILE_PASSWORD"
    } else {
        "set SecureStore: file with AWS_SSO_FILE_PASSWORD, or SecureStore: json"
    };
    Err(StoreError::NoUsableStore {
        message: no_store_message(&reasons, advice),
    })
}

/// Which stores work on this machine, for the setup wizard: each of this platform's
/// keyrings must answer a read (nothing is written, no password asked); the encrypted file
/// and the cleartext json file always work. The error text says why a keyring does not.
pub fn availability(options: &StoreOptions) -> Vec<(BackendKind, Result<(), String>)> {
    let mut out = Vec::new();
    for kind in default_auto_candidates() {
        let result = open_backend(kind, options, Arc::new(super::password::NoPasswordSource))
            .and_then(|b| {
                b.prepare(Intent::Read)?;
                b.load().map(|_| ())
            })
            .map_err(|e| e.to_string());
        out.push((kind, result));
    }
    out.push((BackendKind::File, Ok(())));
    out.push((BackendKind::Json, Ok(())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::password::{FixedPassword, NoPasswordSource};
    use crate::store::secret::Secret;

    #[test]
    fn collection_aliases_mean_default() {
        let mut o = StoreOptions::new("/tmp/x");
        for alias in [
            None,
            Some(""),
            Some("awsssocli"),
            Some("Default"),
            Some("login"),
        ] {
            o.secret_service_collection = alias.map(str::to_owned);
            assert_eq!(o.collection(), None, "{alias:?}");
        }
        o.secret_service_collection = Some("work".into());
        assert_eq!(o.collection(), Some("work"));
    }

    #[test]
    fn explicit_json_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = StoreOptions::new(dir.path());
        o.kdf = KdfParams::fast_for_tests();
        o.secure_store = Some("JSON".into());
        let (store, sel) = open(&o, Arc::new(NoPasswordSource)).unwrap();
        assert_eq!((sel.kind, sel.auto_picked), (BackendKind::Json, false));
        store.set_ecs_cert_chain("chain".into()).unwrap();
        assert!(dir.path().join("store.json").exists());

        o.secure_store = Some("file".into());
        let (store, sel) = open(&o, Arc::new(FixedPassword(Secret::from("pw")))).unwrap();
        assert_eq!(sel.kind, BackendKind::File);
        store.set_ecs_cert_chain("chain".into()).unwrap();
        assert!(dir.path().join("secure/aws-sso-cli-records").exists());

        o.secure_store = Some("kwallet".into());
        let err = open(&o, Arc::new(NoPasswordSource)).unwrap_err();
        assert!(err.to_string().contains("not supported"), "{err}");
    }

    #[test]
    fn auto_pick_falls_back_to_file_or_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = StoreOptions::new(dir.path());
        o.kdf = KdfParams::fast_for_tests();
        o.auto_candidates = Vec::new();
        let (_, sel) = open(&o, Arc::new(FixedPassword(Secret::from("pw")))).unwrap();
        assert_eq!((sel.kind, sel.auto_picked), (BackendKind::File, true));

        // A keyring that is not there is skipped with its reason; without a password: error.
        o.auto_candidates = if cfg!(target_os = "linux") {
            vec![BackendKind::Keychain]
        } else {
            vec![BackendKind::Keyutils]
        };
        let msg = open(&o, Arc::new(NoPasswordSource))
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("no usable secure store: "), "{msg}");
        assert!(msg.contains("is only available on"), "{msg}");
        assert!(msg.contains("file: no password"), "{msg}");
        assert!(
            msg.contains("set SecureStore: file with AWS_SSO_FILE_PASSWORD"),
            "{msg}"
        );
        assert_eq!(msg.lines().count(), 3, "{msg}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn wrong_platform_is_named() {
        let o = StoreOptions::new("/tmp/x");
        let err = open_backend(BackendKind::Keychain, &o, Arc::new(NoPasswordSource))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "SecureStore 'keychain' is only available on macOS"
        );
    }
}
