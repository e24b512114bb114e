//! Planning and applying a change to a config file on disk: read it once, show the diff,
//! write it atomically with its old permissions and a backup, and refuse to write when the
//! file changed in between so a concurrent edit is never clobbered.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{AwsConfigError, splice, unified_diff};
use crate::fsutil;

/// Appended to the config file's name for the copy of its previous content.
const BACKUP_SUFFIX: &str = ".aws-sso.bak";

/// What an update would do to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub path: PathBuf,
    /// The file's text when planned; `None` when it did not exist.
    pub old: Option<String>,
    pub new: String,
    /// Missing parent directories are created only inside this one (see
    /// [`Update::creating_dirs_only_within`]); `None`: any.
    dirs_within: Option<PathBuf>,
}

impl Update {
    /// Read `path` (a missing file counts as empty) and splice `instance`'s `block` into it.
    pub fn plan(path: &Path, instance: &str, block: &str) -> Result<Update, AwsConfigError> {
        Update::plan_with(path, |old| splice(old, instance, block))
    }

    /// Read `path` (a missing file counts as empty) and compute its new text with `edit`;
    /// for files that are not AWS config files (shell rc files, fish scripts).
    pub fn plan_with(
        path: &Path,
        edit: impl FnOnce(&str) -> Result<String, super::BlockError>,
    ) -> Result<Update, AwsConfigError> {
        let old = read_text(path)?;
        let new = edit(old.as_deref().unwrap_or("")).map_err(|source| AwsConfigError::Block {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Update {
            path: path.to_path_buf(),
            old,
            new,
            dirs_within: None,
        })
    }

    /// Create missing parent directories only inside `root` (`~/.aws` for an AWS config
    /// file named by a flag or variable, where a typo must not create directories anywhere).
    pub fn creating_dirs_only_within(mut self, root: PathBuf) -> Update {
        self.dirs_within = Some(root);
        self
    }

    /// True when applying would not change the file (a missing file is always changed).
    pub fn is_noop(&self) -> bool {
        self.old.as_deref() == Some(self.new.as_str())
    }

    /// Unified diff from the planned-on text to the new text; empty for a no-op.
    pub fn diff(&self) -> String {
        let label = self.path.display().to_string();
        unified_diff(&label, self.old.as_deref().unwrap_or(""), &self.new)
    }

    /// Write the new text atomically. Keeps the file's permission mode (new files get 0600),
    /// first saves the old content as `<file>.aws-sso.bak` (same mode), creates missing parent
    /// directories (0700; see [`Update::creating_dirs_only_within`]). A symlinked config file
    /// is written through to its target, so dotfile managers keep their link, unless the link
    /// could have been planted by someone else (see [`fsutil::write_target`]). Returns the
    /// backup's path, if one was written.
    pub fn apply(&self) -> Result<Option<PathBuf>, AwsConfigError> {
        if self.is_noop() {
            return Ok(None);
        }
        let parents = match &self.dirs_within {
            Some(root) => fsutil::Parents::Within(root),
            None => fsutil::Parents::Create,
        };
        let target = fsutil::write_target(&self.path).map_err(|source| AwsConfigError::Write {
            path: self.path.clone(),
            source,
        })?;
        let mode = current_mode(&target)?;
        self.ensure_unchanged(&target)?;
        let backup = match &self.old {
            Some(old) => {
                let backup = backup_path(&self.path);
                fsutil::write_atomic_in(&backup, old.as_bytes(), mode, parents).map_err(
                    |source| AwsConfigError::Backup {
                        path: backup.clone(),
                        source,
                    },
                )?;
                Some(backup)
            }
            None => None,
        };
        // Again, right before the rename, to keep the window for a lost edit as short as
        // the filesystem allows.
        self.ensure_unchanged(&target)?;
        fsutil::write_atomic_in(&target, self.new.as_bytes(), mode, parents).map_err(|source| {
            AwsConfigError::Write {
                path: self.path.clone(),
                source,
            }
        })?;
        Ok(backup)
    }

    fn ensure_unchanged(&self, target: &Path) -> Result<(), AwsConfigError> {
        let now = read_bytes(target).map_err(|source| AwsConfigError::Read {
            path: self.path.clone(),
            source,
        })?;
        if now.as_deref() == self.old.as_ref().map(String::as_bytes) {
            Ok(())
        } else {
            Err(AwsConfigError::Changed {
                path: self.path.clone(),
            })
        }
    }
}

/// `<file>.aws-sso.bak` next to `path`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(BACKUP_SUFFIX);
    PathBuf::from(name)
}

/// The file's contents, `None` when it does not exist.
fn read_bytes(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_text(path: &Path) -> Result<Option<String>, AwsConfigError> {
    let Some(bytes) = read_bytes(path).map_err(|source| AwsConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?
    else {
        return Ok(None);
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        AwsConfigError::NotUtf8 {
            path: path.to_path_buf(),
            line,
        }
    })
}

/// Permission bits to write with: the existing file's, or private for a new file.
fn current_mode(target: &Path) -> Result<u32, AwsConfigError> {
    match fs::metadata(target) {
        Ok(meta) => Ok(mode_of(&meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(fsutil::MODE_PRIVATE),
        Err(source) => Err(AwsConfigError::Read {
            path: target.to_path_buf(),
            source,
        }),
    }
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode_of(_meta: &fs::Metadata) -> u32 {
    fsutil::MODE_PRIVATE
}
