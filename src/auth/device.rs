//! The device-authorization flow (the default on SSH/WSL hosts; docs/auth.md, "Device-code flow"): show the user
//! code, open the verification URL, poll `CreateToken` until the person approves.

use std::io::Write;
use std::time::{Duration, Instant};

use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use aws_sdk_ssooidc::operation::start_device_authorization::StartDeviceAuthorizationOutput;

use crate::config::{AuthWorkflow, UrlAction};
use crate::store::RegisterClientData;

use super::error::{AuthError, SdkFailure, classify, clean, sdk_error};
use super::registration::GRANT_DEVICE_CODE;
use super::{AccessToken, Authenticator};

/// Poll interval when the service does not name one (RFC 8628 §3.2).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// How much `SlowDownException` adds to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// How the device flow polls. The defaults follow the service; tests shorten them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevicePolling {
    /// Use this interval instead of the one StartDeviceAuthorization returns.
    pub interval: Option<Duration>,
    /// Added to the interval on every `SlowDownException`.
    pub slow_down_step: Duration,
}

impl Default for DevicePolling {
    fn default() -> Self {
        DevicePolling {
            interval: None,
            slow_down_step: SLOW_DOWN_STEP,
        }
    }
}

impl DevicePolling {
    /// The first interval: ours if set, else the service's (seconds), else 5 s.
    pub fn initial(&self, advertised_secs: i32) -> Duration {
        self.interval
            .unwrap_or(match u64::try_from(advertised_secs) {
                Ok(s) if s > 0 => Duration::from_secs(s),
                _ => DEFAULT_INTERVAL,
            })
    }

    /// The interval after a `SlowDownException`.
    pub fn slowed(&self, current: Duration) -> Duration {
        current + self.slow_down_step
    }
}

/// What one `CreateToken` poll error means.
enum Poll {
    Pending,
    SlowDown,
    Failed(AuthError),
}

impl Authenticator {
    /// Run the device flow with registration `reg`; saves and returns the new token.
    pub(crate) async fn device_login(
        &self,
        mut reg: RegisterClientData,
        action: UrlAction,
        out: &mut (dyn Write + Send),
    ) -> Result<AccessToken, AuthError> {
        let auth = match self.start_device(&reg).await {
            Ok(a) => a,
            Err(AuthError::Service { code, .. }) => {
                // A registration the service no longer accepts: register anew, once.
                tracing::debug!(error = %code, "StartDeviceAuthorization failed; registering a new client");
                reg = self
                    .registration_for(AuthWorkflow::DeviceCode, true)
                    .await?;
                self.start_device(&reg).await?
            }
            Err(e) => return Err(e),
        };
        let bad = |field: &str| AuthError::BadResponse {
            operation: "StartDeviceAuthorization",
            endpoint: self.endpoints.oidc.clone(),
            detail: format!("no {field} in the reply"),
        };
        let device_code = auth
            .device_code()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| bad("deviceCode"))?;
        let user_code = clean(auth.user_code().unwrap_or_default(), 40);
        let url = auth
            .verification_uri_complete()
            .or(auth.verification_uri())
            .filter(|u| !u.is_empty())
            .ok_or_else(|| bad("verificationUri"))?;

        // Best effort: the terminal may be gone (credential_process); the login goes on.
        let _ = write!(out, "\n\tVerify this code in your browser: {user_code}\n\n");
        self.show_url(action, url, out);
        tracing::debug!("Waiting for SSO authentication...");

        let polling = self.settings.device_polling;
        let mut interval = polling.initial(auth.interval());
        // Safety net in case the service never says "expired": its own lifetime plus a bit.
        let lifetime = Duration::from_secs(u64::try_from(auth.expires_in()).unwrap_or(0).max(60));
        let deadline = Instant::now() + lifetime + Duration::from_secs(10);
        loop {
            tokio::time::sleep(interval).await;
            if Instant::now() > deadline {
                return Err(AuthError::DeviceCodeExpired);
            }
            let sent = self
                .clients
                .oidc
                .create_token()
                .client_id(&reg.client_id)
                .client_secret(reg.client_secret.expose())
                .grant_type(GRANT_DEVICE_CODE)
                .device_code(device_code)
                .send()
                .await;
            let err = match sent {
                Ok(reply) => return self.save_token(&reply, None).await,
                Err(e) => e,
            };
            let verdict = match err.as_service_error() {
                Some(CreateTokenError::AuthorizationPendingException(_)) => Poll::Pending,
                Some(CreateTokenError::SlowDownException(_)) => Poll::SlowDown,
                Some(CreateTokenError::ExpiredTokenException(_)) => {
                    Poll::Failed(AuthError::DeviceCodeExpired)
                }
                Some(CreateTokenError::AccessDeniedException(_)) => {
                    Poll::Failed(AuthError::LoginDenied)
                }
                _ => Poll::Failed(match classify("CreateToken", &self.endpoints.oidc, &err) {
                    SdkFailure::Service { code, message } => AuthError::Service {
                        operation: "CreateToken",
                        code,
                        message,
                    },
                    SdkFailure::Other(e) => e,
                }),
            };
            match verdict {
                Poll::Pending => {}
                Poll::SlowDown => {
                    interval = polling.slowed(interval);
                    tracing::debug!(
                        interval_ms = interval.as_millis() as u64,
                        "asked to slow down polling"
                    );
                }
                Poll::Failed(e) => return Err(e),
            }
        }
    }

    async fn start_device(
        &self,
        reg: &RegisterClientData,
    ) -> Result<StartDeviceAuthorizationOutput, AuthError> {
        self.clients
            .oidc
            .start_device_authorization()
            .client_id(&reg.client_id)
            .client_secret(reg.client_secret.expose())
            .start_url(&self.settings.start_url)
            .send()
            .await
            .map_err(|e| sdk_error("StartDeviceAuthorization", &self.endpoints.oidc, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_follows_the_service_and_slow_down_adds_five_seconds() {
        let p = DevicePolling::default();
        assert_eq!(p.initial(3), Duration::from_secs(3));
        assert_eq!(p.initial(0), DEFAULT_INTERVAL);
        assert_eq!(p.initial(-1), DEFAULT_INTERVAL);
        assert_eq!(p.slowed(Duration::from_secs(5)), Duration::from_secs(10));
        let fast = DevicePolling {
            interval: Some(Duration::from_millis(20)),
            slow_down_step: Duration::from_millis(30),
        };
        assert_eq!(fast.initial(5), Duration::from_millis(20));
        assert_eq!(
            fast.slowed(Duration::from_millis(20)),
            Duration::from_millis(50)
        );
    }
}
