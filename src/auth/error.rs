//! [`AuthError`]: everything logging in or keeping a session alive can fail with, one line
//! each, naming the fix. No variant ever holds a token, code, verifier or client secret: SDK
//! errors are reduced to their error code, the service's message and the endpoint, and text
//! that arrives from a browser redirect is shortened and stripped to printable ASCII first.

use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};

use crate::aws::failure::{Transport, advice, innermost};

use crate::store::StoreError;

/// Why a login or token check failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No usable token and the caller may not open a browser.
    #[error("Must run `aws-sso login` before running this command (SSO instance '{instance}')")]
    NotLoggedIn { instance: String },

    /// The secure store could not be read or written (its message names the fix).
    #[error(transparent)]
    Store(#[from] StoreError),

    /// No HTTP answer from IAM Identity Center (DNS, TCP, TLS, timeout).
    #[error("cannot reach IAM Identity Center at {endpoint}: {detail}: {advice}")]
    Unreachable {
        endpoint: String,
        detail: String,
        advice: String,
    },

    /// An answer that is not what the API promises (wrong endpoint, proxy page, missing field).
    #[error(
        "IAM Identity Center at {endpoint} sent an unusable reply to {operation}: {detail}: check SSORegion and AWS_ENDPOINT_URL_SSO*"
    )]
    BadResponse {
        operation: &'static str,
        endpoint: String,
        detail: String,
    },

    /// The service said no (an error code other than the ones with their own variant).
    #[error(
        "IAM Identity Center rejected {operation} ({code}: {message}): run `aws-sso login` again; if it keeps failing check StartUrl and SSORegion"
    )]
    Service {
        operation: &'static str,
        code: String,
        message: String,
    },

    /// Device flow: nobody approved the code in time.
    #[error("the device code expired before it was approved: run aws-sso login again")]
    DeviceCodeExpired,

    /// Device or PKCE flow: the person (or their organisation's policy) said no.
    #[error("login was denied in the browser: run aws-sso login again and allow access")]
    LoginDenied,

    /// PKCE: no redirect reached the loopback listener in time.
    #[error(
        "no login redirect arrived within {secs}s: run aws-sso login again (on remote hosts use AuthWorkflow: device_code)"
    )]
    LoginTimedOut { secs: u64 },

    /// PKCE: the redirect carried an OAuth error other than `access_denied`.
    #[error("the browser returned the login error '{error}': run aws-sso login again")]
    Redirect { error: String },

    /// PKCE: the redirect carried neither a code nor an error.
    #[error("the login redirect carried no authorization code: run aws-sso login again")]
    MissingCode,

    /// PKCE: the loopback listener could not be set up.
    #[error(
        "cannot listen on 127.0.0.1 for the login redirect: {0}: set AuthWorkflow: device_code in config.yaml"
    )]
    Loopback(std::io::Error),

    /// A background task died (a panic in the store code); a bug.
    #[error("internal error while {0}: please report this at the aws-sso issue tracker")]
    Internal(String),
}

impl AuthError {
    /// True for the errors that mean "log in again" rather than "something is broken".
    pub fn is_not_logged_in(&self) -> bool {
        matches!(self, AuthError::NotLoggedIn { .. })
    }
}

/// The parts of an SDK error we act on.
pub(crate) enum SdkFailure {
    /// The service answered with an error shape.
    Service { code: String, message: String },
    /// Anything else, already turned into a user-facing error.
    Other(AuthError),
}

/// Reduce an SDK error to its code and message, or to a transport error naming `endpoint`.
pub(crate) fn classify<E, R>(
    operation: &'static str,
    endpoint: &str,
    err: &SdkError<E, R>,
) -> SdkFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            SdkFailure::Service {
                code: clean(e.code().unwrap_or("UnknownError"), 80),
                message: clean(e.message().unwrap_or("no message"), 200),
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            let failure = Transport::of(err).unwrap_or(Transport::Other(String::new()));
            SdkFailure::Other(AuthError::Unreachable {
                endpoint: endpoint.to_owned(),
                detail: failure.to_string(),
                advice: advice(&failure, "SSORegion and AWS_ENDPOINT_URL_SSO*"),
            })
        }
        SdkError::ResponseError(_) => SdkFailure::Other(AuthError::BadResponse {
            operation,
            endpoint: endpoint.to_owned(),
            detail: clean(&cause(err), 300),
        }),
        _ => SdkFailure::Other(AuthError::Internal(format!(
            "building the {operation} request: {}",
            clean(&cause(err), 300)
        ))),
    }
}

/// The innermost cause of an SDK error, never its debug rendering.
fn cause<E, R>(err: &SdkError<E, R>) -> String
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    std::error::Error::source(err).map_or_else(|| err.to_string(), innermost)
}

/// An SDK error as an [`AuthError`], with no special meaning given to any code.
pub(crate) fn sdk_error<E, R>(
    operation: &'static str,
    endpoint: &str,
    err: &SdkError<E, R>,
) -> AuthError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match classify(operation, endpoint, err) {
        SdkFailure::Service { code, message } => AuthError::Service {
            operation,
            code,
            message,
        },
        SdkFailure::Other(e) => e,
    }
}

/// One line of at most `max` characters of printable text: service messages and redirect
/// parameters end up in a terminal, so control characters (escape sequences) are dropped.
pub(crate) fn clean(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_control_characters_and_shortens() {
        assert_eq!(clean("a\x1b[31mb\nc", 100), "a [31mb c");
        assert_eq!(clean("abcdef", 3), "abc…");
    }

    #[test]
    fn not_logged_in_names_instance_and_fix() {
        let e = AuthError::NotLoggedIn {
            instance: "Default".into(),
        };
        assert_eq!(
            e.to_string(),
            "Must run `aws-sso login` before running this command (SSO instance 'Default')"
        );
        assert!(e.is_not_logged_in());
        assert!(!AuthError::LoginDenied.is_not_logged_in());
    }
}
