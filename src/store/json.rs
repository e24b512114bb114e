//! `SecureStore: json`: aws-sso-cli's cleartext `store.json` (path from `JsonStore`, default
//! `<ConfigDir>/store.json`), mode 0600, written atomically. Insecure by design: `login` and `setup` say so.

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
    /// Says nothing: the commands that set up a session (`login`, `setup`) tell the person
    /// the store is cleartext; repeating it on every `process` call is only noise.
    pub fn new(path: PathBuf) -> Self {
        tracing::debug!(path = %path.display(), "using the cleartext json file store");
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
    fn can_set_aside(&self) -> bool {
        true
    }

    /// Renamed to `store.json.damaged-<UTC time>` (mode 0600: it may hold tokens). A
    /// symlinked store.json keeps its link: its target is renamed, and the next write
    /// creates the target again.
    fn set_aside(&self) -> Result<Option<PathBuf>, StoreError> {
        let err = |e| StoreError::io("set aside", &self.path, e);
        let target = fsutil::write_target(&self.path).map_err(err)?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let base = format!("{}.damaged-{stamp}", target.display());
        let kept = (0..100)
            .map(|n| match n {
                0 => PathBuf::from(&base),
                n => PathBuf::from(format!("{base}-{n}")),
            })
            .find(|p| std::fs::symlink_metadata(p).is_err())
            .ok_or_else(|| err(std::io::ErrorKind::AlreadyExists.into()))?;
        std::fs::rename(&target, &kept).map_err(err)?;
        fsutil::set_mode(&kept, fsutil::MODE_PRIVATE).map_err(err)?;
        Ok(Some(kept))
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

    #[test]
    fn a_damaged_store_is_set_aside_privately() {
        let dir = tempfile::tempdir().unwrap();
        let b = JsonBackend::new(dir.path().join("store.json"));
        std::fs::write(b.path(), b"{\"tokens\": {\"Defa").unwrap();
        fsutil::set_mode(b.path(), 0o644).unwrap();
        let first = b.set_aside().unwrap().unwrap();
        assert!(!b.path().exists());
        assert_eq!(std::fs::read(&first).unwrap(), b"{\"tokens\": {\"Defa");
        let name = first.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("store.json.damaged-"), "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // Twice in one second: a second name, the first copy kept.
        std::fs::write(b.path(), b"{").unwrap();
        let second = b.set_aside().unwrap().unwrap();
        assert_ne!(first, second);
        assert!(first.exists() && second.exists());
    }
}
