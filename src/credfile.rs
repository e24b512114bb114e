//! The `~/.aws/credentials` writer behind `aws-sso credentials`: aws-sso-cli's stanza layout
//! for stdout, and a merge into an existing file that replaces the named profiles in place and
//! leaves every other byte alone (see [`merge`]), written atomically with mode 0600.

mod merge;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil;

pub use merge::merge;

/// One profile's short-lived credentials, as written to a credentials file.
///
/// `Debug` leaves out the secret key and the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Stanza {
    pub profile: String,
    /// RFC 3339, already formatted by the caller.
    pub expires: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

impl fmt::Debug for Stanza {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stanza")
            .field("profile", &self.profile)
            .field("expires", &self.expires)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Stanza {
    /// Whether this stanza can be written without corrupting the file: the profile must be a
    /// non-empty header name that reads back as itself (no control characters, no surrounding
    /// blanks, which readers trim), and no value may break its line.
    pub fn check(&self) -> Result<(), CredFileError> {
        let name = &self.profile;
        if name.is_empty() || name.trim() != name || name.chars().any(char::is_control) {
            return Err(CredFileError::BadProfileName {
                profile: name.clone(),
            });
        }
        for (field, value) in [
            ("expiry time", &self.expires),
            ("access key id", &self.access_key_id),
            ("secret access key", &self.secret_access_key),
            ("session token", &self.session_token),
        ] {
            if value.contains(['\r', '\n']) {
                return Err(CredFileError::BadValue {
                    profile: name.clone(),
                    field,
                });
            }
        }
        Ok(())
    }

    /// The stanza's lines, each ended by `eol`.
    fn write_lines(&self, eol: &str, out: &mut String) {
        for line in [
            format!("[{}]", self.profile),
            format!("# Expires: {}", self.expires),
            format!("aws_access_key_id = {}", self.access_key_id),
            format!("aws_secret_access_key = {}", self.secret_access_key),
            format!("aws_session_token = {}", self.session_token),
        ] {
            out.push_str(&line);
            out.push_str(eol);
        }
    }
}

/// Everything that can go wrong writing credentials to a file. Messages name the file or
/// profile and the fix; none carries a credential value.
#[derive(Debug, thiserror::Error)]
pub enum CredFileError {
    /// The existing file could not be read.
    #[error(
        "cannot read credentials file {}: {source} (check its permissions, or pass another --file)",
        path.display()
    )]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The existing file is not text this tool can merge into.
    #[error(
        "credentials file {} is not UTF-8 text: fix or move it away, then run again",
        path.display()
    )]
    NotUtf8 { path: PathBuf },
    /// The merged file could not be written.
    #[error(
        "cannot write credentials file {}: {source} (check that its directory is writable and the disk has room)",
        path.display()
    )]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The profile name cannot be a section header.
    #[error(
        "profile name {profile:?} cannot be written to a credentials file (empty, surrounding blanks or control characters): fix ProfileFormat or the profile in config.yaml"
    )]
    BadProfileName { profile: String },
    /// A credential value would break the file's line structure.
    #[error(
        "the {field} for profile '{profile}' contains a line break: run `aws-sso flush` and fetch the credentials again"
    )]
    BadValue {
        profile: String,
        field: &'static str,
    },
    /// Writing would follow a link someone else could have planted, or create a directory
    /// outside `~/.aws`; the message says which and what to do.
    #[error("{0}")]
    Refused(fsutil::Refused),
}

/// What `credentials` prints on stdout: aws-sso-cli's layout, a blank line before each stanza
/// and a final newline after them all.
pub fn render(stanzas: &[Stanza]) -> String {
    let mut out = String::new();
    for stanza in stanzas {
        out.push('\n');
        stanza.write_lines("\n", &mut out);
    }
    out.push('\n');
    out
}

/// Read `path` (missing = empty), merge the stanzas in, and write the result atomically with
/// mode 0600, creating missing parent directories only where `parents` allows. A symlinked
/// credentials file (dotfile managers do that) is followed, so the link survives and its
/// target is updated, unless the link could have been planted by someone else (see
/// [`fsutil::write_target`]): then nothing is read or written.
pub fn write_merged(
    path: &Path,
    stanzas: &[Stanza],
    parents: fsutil::Parents,
) -> Result<(), CredFileError> {
    for stanza in stanzas {
        stanza.check()?;
    }
    let refused_or = |e: io::Error, other: fn(PathBuf, io::Error) -> CredFileError| {
        match fsutil::Refused::from_io(e) {
            Ok(refused) => CredFileError::Refused(refused),
            Err(source) => other(path.to_path_buf(), source),
        }
    };
    let read_err = |path, source| CredFileError::Read { path, source };
    let write_err = |path, source| CredFileError::Write { path, source };
    let target = fsutil::write_target(path).map_err(|e| refused_or(e, read_err))?;
    let existing = match std::fs::read(&target) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| CredFileError::NotUtf8 {
            path: path.to_path_buf(),
        })?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(read_err(path.to_path_buf(), source)),
    };
    let merged = merge(&existing, stanzas);
    fsutil::write_atomic_in(&target, merged.as_bytes(), fsutil::MODE_PRIVATE, parents)
        .map(drop)
        .map_err(|e| refused_or(e, write_err))
}
