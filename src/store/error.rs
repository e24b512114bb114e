//! Errors of the secure store. Every message is one line that names the file, keyring or
//! setting involved and what to do about it. No variant ever carries secret material: parse
//! errors keep only a position and a category, keyring errors only the platform's own text.

use std::path::PathBuf;

/// Everything that can go wrong opening, reading or writing the secure store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file of the store (or its directory) could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Another process held `storage.lock` for longer than the lock timeout.
    #[error(
        "timed out after {waited_secs}s waiting for the secure-store lock {}{holder}: run 'lsof {}' to find the blocking process",
        path.display(),
        path.display()
    )]
    LockTimeout {
        path: PathBuf,
        waited_secs: u64,
        /// Either empty or ` (held by pid 123: aws-sso login)`.
        holder: String,
    },

    /// The stored document cannot be understood (bad JSON, truncated or damaged file).
    #[error(
        "the secure store {location} is unreadable ({reason}): delete it and run `aws-sso login` again"
    )]
    Corrupt { location: String, reason: String },

    /// The encrypted file store did not open with the given password.
    #[error(
        "wrong password for the encrypted secure store {}: check AWS_SSO_FILE_PASSWORD or the passphrase you typed",
        path.display()
    )]
    WrongPassword { path: PathBuf },

    /// `Select password` and `Verify password` differed.
    #[error("password mismatch")]
    PasswordMismatch,

    /// An empty password was entered: aws-sso-cli aborts in that case, so do we.
    #[error("empty password for the encrypted secure store: aborting")]
    EmptyPassword,

    /// The file store needs a password and there is no way to get one.
    #[error(
        "the encrypted secure store {} needs a password: set AWS_SSO_FILE_PASSWORD or run aws-sso in a terminal{}",
        path.display(),
        prompt.as_ref().map(|e| format!(" (cannot prompt: {e})")).unwrap_or_default()
    )]
    NoPassword {
        path: PathBuf,
        /// Why the terminal prompt failed, when there was one to try.
        #[source]
        prompt: Option<std::io::Error>,
    },

    /// A keyring call failed; `message` already names the problem and the fix.
    #[error("{backend} secure store: {message}")]
    Keyring {
        backend: &'static str,
        message: String,
    },

    /// A keyring call did not answer in time (locked keyring waiting on a prompt, hung D-Bus).
    #[error(
        "{backend} secure store did not answer within {secs}s ({hint}); choose another SecureStore (e.g. `SecureStore: file`) if this keeps happening"
    )]
    KeyringTimeout {
        backend: &'static str,
        secs: u64,
        hint: &'static str,
    },

    /// `SecureStore` names a store aws-sso-cli knows but this build does not implement.
    #[error(
        "SecureStore '{name}' is not supported by aws-sso: use one of {supported} in config.yaml"
    )]
    Unsupported { name: String, supported: String },

    /// `SecureStore` has a value nobody knows.
    #[error("invalid SecureStore '{name}': valid values are {supported}")]
    UnknownKind { name: String, supported: String },

    /// The store exists, but not on this operating system.
    #[error("SecureStore '{name}' is only available on {os}")]
    WrongPlatform {
        name: &'static str,
        os: &'static str,
    },

    /// Auto-pick found no store that works; `message` names what to install or set.
    #[error("no usable secure store: {message}")]
    NoUsableStore { message: String },

    /// Encryption, decryption or key derivation failed for a reason other than the password.
    #[error("secure store encryption failed: {0}")]
    Crypto(String),

    /// The in-memory document could not be serialised (should never happen).
    #[error("cannot encode the secure store document: {0}")]
    Encode(String),
}

impl StoreError {
    /// Wrap an I/O error with the file it concerns.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        StoreError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Describe a JSON parse failure without quoting any of the input: serde_json messages
    /// can echo string values, and those may be secrets.
    pub(crate) fn corrupt_json(location: impl Into<String>, err: &serde_json::Error) -> Self {
        let category = match err.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected JSON structure",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        StoreError::Corrupt {
            location: location.into(),
            reason: format!("{category} at line {} column {}", err.line(), err.column()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_json_never_echoes_values() {
        let err = serde_json::from_str::<u64>("\"topsecret-value\"").unwrap_err();
        let msg = StoreError::corrupt_json("store.json", &err).to_string();
        assert!(!msg.contains("topsecret"), "{msg}");
        assert!(msg.contains("unexpected JSON structure at line 1"), "{msg}");
    }

    #[test]
    fn lock_timeout_names_file_and_lsof() {
        let msg = StoreError::LockTimeout {
            path: PathBuf::from("/x/storage.lock"),
            waited_secs: 30,
            holder: " (held by pid 7: aws-sso login)".into(),
        }
        .to_string();
        assert_eq!(
            msg,
            "timed out after 30s waiting for the secure-store lock /x/storage.lock (held by pid 7: aws-sso login): run 'lsof /x/storage.lock' to find the blocking process"
        );
    }
}
