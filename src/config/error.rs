//! Config errors: one-line messages naming the file, the line:column, the dotted key path
//! and what would be accepted, plus the internal `Issue` the loader raises before the
//! location is known.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::schema::AccountId;

/// A 1-based position in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Everything that can go wrong finding, reading, parsing or using `config.yaml`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file does not exist.
    #[error(
        "config file {} not found: run `aws-sso setup wizard` to write it (in a script: `aws-sso setup wizard --yes --start-url URL --sso-region REGION`), or pass --config <file>",
        .path.display()
    )]
    NotFound { path: PathBuf },
    /// The config file exists but cannot be read (permissions, a directory, not UTF-8…).
    #[error("cannot read config file {}: {error} (check that it is a readable text file)", .path.display())]
    Read { path: PathBuf, error: io::Error },
    /// The file was read but its content is not a valid aws-sso config.
    #[error("{}", invalid_line(.file, .location, .key.as_deref(), .message))]
    Invalid {
        file: PathBuf,
        location: Option<Location>,
        /// Dotted key path, e.g. `SSOConfig.Default.Accounts.000001111111.Roles`.
        key: Option<String>,
        message: String,
    },
    /// `--sso`, `$AWS_SSO` or `DefaultSSO` names no configured instance.
    #[error("invalid SSO name '{name}'. Valid options: {}", .valid.join(", "))]
    UnknownInstance { name: String, valid: Vec<String> },
    /// Neither `$HOME` nor `$XDG_CONFIG_HOME` is available to find the config directory.
    #[error("cannot find the config directory: set $HOME (or $XDG_CONFIG_HOME) or pass --config")]
    NoHome,
}

fn invalid_line(
    file: &Path,
    location: &Option<Location>,
    key: Option<&str>,
    message: &str,
) -> String {
    let mut out = format!("config error in {}", file.display());
    if let Some(loc) = location {
        out.push_str(&format!(":{loc}"));
    }
    out.push_str(": ");
    if let Some(key) = key {
        out.push_str(key);
        out.push_str(": ");
    }
    out.push_str(message);
    out
}

/// One step of a key path inside the YAML document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    /// A schema field: matched case-insensitively, shown with its canonical spelling.
    Field(&'static str),
    /// A user map key (instance, role, tag, ConfigVariables name): matched exactly.
    Key(String),
    /// An account-id key: matched by numeric value, shown 12-digit padded.
    Account(AccountId),
    /// A sequence element.
    Index(usize),
}

/// Which part of the node at the path an issue points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The key itself (e.g. a conflicting or deprecated key).
    Key,
    /// The value under the key (wrong type, unknown enum value).
    Value,
    /// The path names a key that is missing: point at its parent's key.
    Parent,
}

/// A problem found while turning the YAML tree into a [`super::Config`]; becomes a
/// [`ConfigError::Invalid`] once the file name and location are attached.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Issue {
    pub path: Vec<Seg>,
    pub target: Target,
    pub message: String,
}

impl Issue {
    pub(super) fn new(path: Vec<Seg>, target: Target, message: impl Into<String>) -> Self {
        Issue {
            path,
            target,
            message: message.into(),
        }
    }
}

/// Render a key path the way users see it: `SSOConfig.Default.Accounts.000001111111`,
/// with sequence indices as `UrlExecCommand[1]`.
pub(crate) fn dotted(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
            other => {
                if !out.is_empty() {
                    out.push('.');
                }
                match other {
                    Seg::Field(name) => out.push_str(name),
                    Seg::Key(key) => out.push_str(key),
                    Seg::Account(id) => out.push_str(&id.padded()),
                    Seg::Index(_) => unreachable!("handled above"),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_pad_accounts_and_bracket_indices() {
        let path = vec![
            Seg::Field("SSOConfig"),
            Seg::Key("Default".into()),
            Seg::Field("Accounts"),
            Seg::Account(AccountId::new(1111111).unwrap()),
            Seg::Field("Roles"),
        ];
        assert_eq!(
            dotted(&path),
            "SSOConfig.Default.Accounts.000001111111.Roles"
        );
        let list = vec![Seg::Field("UrlExecCommand"), Seg::Index(1)];
        assert_eq!(dotted(&list), "UrlExecCommand[1]");
    }

    #[test]
    fn invalid_error_is_one_line_with_location_and_key() {
        let err = ConfigError::Invalid {
            file: PathBuf::from("/home/u/.aws-sso/config.yaml"),
            location: Some(Location {
                line: 12,
                column: 5,
            }),
            key: Some("SSOConfig.Default.SSORegion".into()),
            message: "missing required key".into(),
        };
        assert_eq!(
            err.to_string(),
            "config error in /home/u/.aws-sso/config.yaml:12:5: SSOConfig.Default.SSORegion: missing required key"
        );
        let no_loc = ConfigError::Invalid {
            file: PathBuf::from("/c.yaml"),
            location: None,
            key: None,
            message: "file is empty".into(),
        };
        assert_eq!(no_loc.to_string(), "config error in /c.yaml: file is empty");
    }

    #[test]
    fn unknown_instance_lists_options() {
        let err = ConfigError::UnknownInstance {
            name: "x".into(),
            valid: vec!["a".into(), "b".into()],
        };
        assert_eq!(err.to_string(), "invalid SSO name 'x'. Valid options: a, b");
    }
}
