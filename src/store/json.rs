//! `SecureStore: json`: aws-sso-cli's cleartext `store.json` (path from `JsonStore`, default
//! `<ConfigDir>/store.json`), mode 0600, written atomically. Insecure by design; we say so.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::backend::Backend;
use super::document::Shape;
use super::error::StoreError;
use crate::fsutil;

/// The cleartext JSON file backend.
pub struct JsonBackend {
    path: PathBuf,
}

impl JsonBackend {
    /// Logs aws-sso-cli's warning once, when the store is opened.
    pub fn new(path: PathBuf) -> Self {
        tracing::warn!(path = %path.display(), "Using insecure json file for SecureStore");
        JsonBackend { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Backend for JsonBackend {
    fn name(&self) -> &'static str {
        "json"
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn shape(&self) -> Shape {
        Shape::JsonStore
    }

    fn load(&self) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        match std::fs::read(&self.path) {
            Ok(b) => Ok(Some(Zeroizing::new(b))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::io("read", &self.path, e)),
        }
    }

    fn save(&self, doc: &[u8]) -> Result<(), StoreError> {
        fsutil::write_atomic(&self.path, doc, fsutil::MODE_PRIVATE)
            .map(drop)
            .map_err(|e| StoreError::io("write", &self.path, e))
    }

    fn delete(&self) -> Result<(), StoreError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io("delete", &self.path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_save_delete() {
        let dir = tempfile::tempdir().unwrap();
        let b = JsonBackend::new(dir.path().join("store.json"));
        assert!(b.load().unwrap().is_none());
        b.save(b"{}").unwrap();
        assert_eq!(&*b.load().unwrap().unwrap(), b"{}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(b.path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        b.delete().unwrap();
        b.delete().unwrap();
        assert!(b.load().unwrap().is_none());
    }
}
