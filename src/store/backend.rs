//! The one small trait every secure-store backend implements, the list of backend kinds and an
//! in-memory backend for tests. Backends move opaque bytes; the [`super::SecureStore`] on top
//! parses them, applies changes and does the locking.

use std::str::FromStr;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::document::Shape;
use super::error::StoreError;

/// What the caller is about to do; lets a backend fetch a password or trigger an unlock
/// prompt *before* the store lock is taken (so nobody waits on a lock held by a prompt).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Read,
    Write,
}

/// A place that holds the whole secure-store document as one blob.
pub trait Backend: Send + Sync {
    /// Short name for logs and errors (`secret-service`, `file`, …).
    fn name(&self) -> &'static str;

    /// Where the document lives, for error messages (a path, a keyring item).
    fn location(&self) -> String {
        format!("({} backend)", self.name())
    }

    /// How the document is serialised for this backend.
    fn shape(&self) -> Shape {
        Shape::Keyring
    }

    /// Called without the store lock before `load`/`save`: ask for a password, unlock a
    /// keyring. May block on a person; must not block forever.
    fn prepare(&self, _intent: Intent) -> Result<(), StoreError> {
        Ok(())
    }

    /// The stored document, `None` when nothing has been stored yet.
    fn load(&self) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError>;

    /// Replace the stored document.
    fn save(&self, doc: &[u8]) -> Result<(), StoreError>;

    /// Remove the stored document; removing nothing is fine.
    fn delete(&self) -> Result<(), StoreError>;

    /// Whether [`Backend::set_aside`] keeps damaged documents (only files do).
    fn can_set_aside(&self) -> bool {
        false
    }

    /// Move a stored document that cannot be read out of the way, keeping it (private) for
    /// the user to inspect, so that a fresh one can be written: where it was kept, or `None`
    /// when this backend does not do that (the damage is then reported as an error).
    fn set_aside(&self) -> Result<Option<std::path::PathBuf>, StoreError> {
        Ok(None)
    }
}

/// The `SecureStore` setting values this build understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// freedesktop Secret Service (gnome-keyring, KeePassXC, …) on Linux.
    SecretService,
    /// The Linux kernel keyring (lost at reboot). Not an aws-sso-cli value.
    Keyutils,
    /// macOS login keychain.
    Keychain,
    /// Windows Credential Manager.
    WinCred,
    /// Encrypted file under `<ConfigDir>/secure/`.
    File,
    /// Cleartext `store.json`.
    Json,
}

impl BackendKind {
    /// Every kind, in the order they are listed in messages.
    pub const ALL: [BackendKind; 6] = [
        BackendKind::SecretService,
        BackendKind::Keyutils,
        BackendKind::Keychain,
        BackendKind::WinCred,
        BackendKind::File,
        BackendKind::Json,
    ];

    /// The config value (and log name) of this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::SecretService => "secret-service",
            BackendKind::Keyutils => "keyutils",
            BackendKind::Keychain => "keychain",
            BackendKind::WinCred => "wincred",
            BackendKind::File => "file",
            BackendKind::Json => "json",
        }
    }

    fn supported_list() -> String {
        BackendKind::ALL.map(BackendKind::as_str).join(", ")
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BackendKind {
    type Err = StoreError;

    /// Case-insensitive, like aws-sso-cli's koanf config. aws-sso-cli values this build does
    /// not implement (`kwallet`, `pass`, `1password`) get a message saying so.
    fn from_str(s: &str) -> Result<Self, StoreError> {
        let lower = s.trim().to_ascii_lowercase();
        if let Some(k) = BackendKind::ALL.into_iter().find(|k| k.as_str() == lower) {
            return Ok(k);
        }
        match lower.as_str() {
            "kwallet" | "pass" | "1password" => Err(StoreError::Unsupported {
                name: s.to_owned(),
                supported: BackendKind::supported_list(),
            }),
            _ => Err(StoreError::UnknownKind {
                name: s.to_owned(),
                supported: BackendKind::supported_list(),
            }),
        }
    }
}

/// A backend that keeps the document in memory: for tests of code built on the store.
#[derive(Default)]
pub struct MemoryBackend {
    data: Mutex<Option<Zeroizing<Vec<u8>>>>,
}

impl MemoryBackend {
    pub fn new() -> Self {
        MemoryBackend::default()
    }
}

impl Backend for MemoryBackend {
    fn name(&self) -> &'static str {
        "memory"
    }

    fn load(&self) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        Ok(self.data.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }

    fn save(&self, doc: &[u8]) -> Result<(), StoreError> {
        *self.data.lock().unwrap_or_else(|p| p.into_inner()) = Some(Zeroizing::new(doc.to_vec()));
        Ok(())
    }

    fn delete(&self) -> Result<(), StoreError> {
        *self.data.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_case_insensitively_and_name_alternatives() {
        assert_eq!(
            "Secret-Service".parse::<BackendKind>().unwrap(),
            BackendKind::SecretService
        );
        for k in BackendKind::ALL {
            assert_eq!(k.as_str().parse::<BackendKind>().unwrap(), k);
        }
        let msg = "kwallet".parse::<BackendKind>().unwrap_err().to_string();
        assert!(
            msg.contains("not supported") && msg.contains("secret-service, keyutils"),
            "{msg}"
        );
        let msg = "bogus".parse::<BackendKind>().unwrap_err().to_string();
        assert!(msg.starts_with("invalid SecureStore 'bogus'"), "{msg}");
    }
}
