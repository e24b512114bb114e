//! Where the encrypted file store gets its password. The store asks a [`PasswordSource`]; the
//! front-end decides whether that means `$AWS_SSO_FILE_PASSWORD`, a terminal prompt or a test
//! callback. [`TerminalPassword`] is the default the commands pass in.

use std::path::Path;

use super::error::StoreError;
use super::secret::Secret;

/// Environment variable holding the file-store password (aws-sso-cli's name).
pub const PASSWORD_ENV: &str = "AWS_SSO_FILE_PASSWORD";

/// The variables of ours that hold a secret: the file-store password and aws-sso-cli's
/// 1Password service-account token. Programs aws-sso starts (`exec`, `UrlExecCommand`) never
/// inherit them: a role's credentials are all such a program is given.
pub const SECRET_VARS: [&str; 2] = [PASSWORD_ENV, "AWS_SSO_OP_SERVICE_ACCOUNT_TOKEN"];

/// Why a password is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordRequest<'a> {
    /// Open the existing store in `dir`.
    Unlock { dir: &'a Path },
    /// The store in `dir` does not exist yet: choose a password (a prompt asks twice).
    Create { dir: &'a Path },
}

/// Supplies the password of the encrypted file store.
pub trait PasswordSource: Send + Sync {
    /// The password; an empty one makes the store abort.
    fn password(&self, request: PasswordRequest<'_>) -> Result<Secret, StoreError>;

    /// Whether asking could succeed at all (auto-pick skips the file store otherwise).
    fn available(&self) -> bool;

    /// True when a person types the password, so a wrong one may be asked for again.
    fn interactive(&self) -> bool {
        false
    }
}

fn env_password() -> Option<Secret> {
    std::env::var(PASSWORD_ENV).ok().map(Secret::from)
}

fn no_password(request: PasswordRequest<'_>, prompt: Option<std::io::Error>) -> StoreError {
    let (PasswordRequest::Unlock { dir } | PasswordRequest::Create { dir }) = request;
    StoreError::NoPassword {
        path: dir.to_path_buf(),
        prompt,
    }
}

/// `$AWS_SSO_FILE_PASSWORD` only: for non-interactive runs (`process`, CI).
#[derive(Clone, Copy, Debug, Default)]
pub struct EnvPassword;

impl PasswordSource for EnvPassword {
    fn password(&self, request: PasswordRequest<'_>) -> Result<Secret, StoreError> {
        env_password().ok_or_else(|| no_password(request, None))
    }

    fn available(&self) -> bool {
        std::env::var_os(PASSWORD_ENV).is_some()
    }
}

/// `$AWS_SSO_FILE_PASSWORD`, else a no-echo prompt on the controlling terminal with
/// aws-sso-cli's wording: `Enter passphrase to unlock "<dir>": `, or for a new store
/// `Select password:` then `Verify password:`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TerminalPassword;

impl TerminalPassword {
    fn ask(prompt: &str, request: PasswordRequest<'_>) -> Result<Secret, StoreError> {
        rpassword::prompt_password(prompt)
            .map(Secret::from)
            .map_err(|e| no_password(request, Some(e)))
    }
}

impl PasswordSource for TerminalPassword {
    fn password(&self, request: PasswordRequest<'_>) -> Result<Secret, StoreError> {
        if let Some(pw) = env_password() {
            return Ok(pw);
        }
        match request {
            PasswordRequest::Unlock { dir } => Self::ask(
                &format!("Enter passphrase to unlock \"{}\": ", dir.display()),
                request,
            ),
            PasswordRequest::Create { .. } => {
                let first = Self::ask("Select password: ", request)?;
                if first.is_empty() {
                    return Err(StoreError::EmptyPassword);
                }
                let second = Self::ask("Verify password: ", request)?;
                if first != second {
                    return Err(StoreError::PasswordMismatch);
                }
                Ok(first)
            }
        }
    }

    fn available(&self) -> bool {
        use std::io::IsTerminal;
        std::env::var_os(PASSWORD_ENV).is_some()
            || (std::io::stdin().is_terminal() && std::io::stderr().is_terminal())
    }

    fn interactive(&self) -> bool {
        std::env::var_os(PASSWORD_ENV).is_none()
    }
}

/// A password from a closure: for tests and for front-ends with their own prompt (a TUI).
pub struct FnPassword<F>(pub F);

impl<F> PasswordSource for FnPassword<F>
where
    F: Fn(PasswordRequest<'_>) -> Result<Secret, StoreError> + Send + Sync,
{
    fn password(&self, request: PasswordRequest<'_>) -> Result<Secret, StoreError> {
        (self.0)(request)
    }

    fn available(&self) -> bool {
        true
    }
}

/// A fixed password (tests, or a password the front-end already holds).
#[derive(Clone, Debug)]
pub struct FixedPassword(pub Secret);

impl PasswordSource for FixedPassword {
    fn password(&self, _request: PasswordRequest<'_>) -> Result<Secret, StoreError> {
        Ok(self.0.clone())
    }

    fn available(&self) -> bool {
        true
    }
}

/// No password at all: the file store is unusable (auto-pick skips it).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPasswordSource;

impl PasswordSource for NoPasswordSource {
    fn password(&self, request: PasswordRequest<'_>) -> Result<Secret, StoreError> {
        Err(no_password(request, None))
    }

    fn available(&self) -> bool {
        false
    }
}
