//! The SSO access token: the validity check every command runs (docs/auth.md, "Token validity check"), silent renewal
//! with the refresh token, and saving a `CreateToken` reply.

use std::fmt;

use aws_sdk_ssooidc::operation::create_token::CreateTokenOutput;

use crate::config::AuthWorkflow;
use crate::store::{CreateTokenResponse, RegisterClientData, Secret};

use super::error::{AuthError, SdkFailure, classify};
use super::registration::{GRANT_REFRESH_TOKEN, can_refresh};
use super::{Authenticator, now_unix};

/// A token is used only while it has more than this many seconds left.
pub const VALIDITY_MARGIN_SECS: i64 = 60;

/// A usable SSO access token (the portal API's bearer token). `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    token: Secret,
    expires_at: i64,
}

impl AccessToken {
    pub(crate) fn new(token: Secret, expires_at: i64) -> Self {
        AccessToken { token, expires_at }
    }

    /// The bearer token, for `x-amz-sso_bearer_token` (pass it straight to the SDK).
    pub fn expose(&self) -> &str {
        self.token.expose()
    }

    pub(crate) fn secret(&self) -> &Secret {
        &self.token
    }

    /// Expiry in unix seconds.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.token)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// True when `token` can be used at `now` (unix seconds): it expires more than a minute later.
pub fn is_fresh(token: &CreateTokenResponse, now: i64) -> bool {
    !token.access_token.is_empty() && token.expires_at > now + VALIDITY_MARGIN_SECS
}

fn usable(token: &CreateTokenResponse) -> AccessToken {
    AccessToken::new(token.access_token.clone(), token.expires_at)
}

impl Authenticator {
    /// The stored token if it is valid, after renewing it with the refresh token when it has
    /// expired. `None` means "not logged in".
    ///
    /// A valid access token is used whichever workflow obtained it (a device-code login over
    /// SSH must not be thrown away by the next PKCE-configured command on the desktop). The
    /// registration only matters for renewal: the refresh token belongs to the client that
    /// obtained it, so renewal uses the stored registration if it can refresh at all. A new
    /// login replaces a registration made for another workflow (see `registration_for`).
    pub(crate) async fn valid_token(
        &self,
        _workflow: AuthWorkflow,
    ) -> Result<Option<AccessToken>, AuthError> {
        let name = &self.settings.instance;
        let Some(token) = self.store.token(name, false).await? else {
            return Ok(None);
        };
        if is_fresh(&token, now_unix()) {
            return Ok(Some(usable(&token)));
        }
        if token.refresh_token.is_empty() {
            return Ok(None);
        }
        match self.store.registration(name).await? {
            Some(reg) if can_refresh(&reg, now_unix()) => self.renew(&reg, &token).await,
            _ => Ok(None),
        }
    }

    /// `CreateToken(grant_type=refresh_token)`; a rejection means "not logged in", a
    /// transport failure is an error (the user should not be told to log in when offline).
    async fn renew(
        &self,
        reg: &RegisterClientData,
        old: &CreateTokenResponse,
    ) -> Result<Option<AccessToken>, AuthError> {
        let name = &self.settings.instance;
        let sent = self
            .clients
            .oidc
            .create_token()
            .client_id(&reg.client_id)
            .client_secret(reg.client_secret.expose())
            .grant_type(GRANT_REFRESH_TOKEN)
            .refresh_token(old.refresh_token.expose())
            .send()
            .await;
        match sent {
            Ok(out) => {
                tracing::debug!(instance = %name, "renewed the SSO access token with the refresh token");
                self.save_token(&out, Some(&old.refresh_token))
                    .await
                    .map(Some)
            }
            Err(e) => match classify("CreateToken", &self.endpoints.oidc, &e) {
                SdkFailure::Service { code, .. } => {
                    // With rotating refresh tokens another aws-sso process may have renewed
                    // first and so invalidated ours: use what it stored.
                    if let Some(now) = self.store.token(name, true).await?
                        && now != *old
                        && is_fresh(&now, now_unix())
                    {
                        return Ok(Some(usable(&now)));
                    }
                    tracing::info!(instance = %name, error = %code, "the SSO session could not be renewed; a new login is needed");
                    Ok(None)
                }
                SdkFailure::Other(err) => Err(err),
            },
        }
    }

    /// Store a `CreateToken` reply (`expiresAt = now + expiresIn`). When the reply has no
    /// refresh token, `keep_refresh` (the one just used) is kept.
    pub(crate) async fn save_token(
        &self,
        out: &CreateTokenOutput,
        keep_refresh: Option<&Secret>,
    ) -> Result<AccessToken, AuthError> {
        let access = out
            .access_token()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AuthError::BadResponse {
                operation: "CreateToken",
                endpoint: self.endpoints.oidc.clone(),
                detail: "no accessToken in the reply".to_owned(),
            })?;
        let expires_in = i64::from(out.expires_in());
        let refresh = match out.refresh_token().filter(|t| !t.is_empty()) {
            Some(t) => Secret::new(t),
            None => keep_refresh.cloned().unwrap_or_default(),
        };
        let token = CreateTokenResponse {
            access_token: Secret::new(access),
            expires_in,
            expires_at: now_unix() + expires_in,
            id_token: Secret::new(out.id_token().unwrap_or_default()),
            refresh_token: refresh,
            token_type: out.token_type().unwrap_or("Bearer").to_owned(),
        };
        let usable = usable(&token);
        self.store.put_token(&self.settings.instance, token).await?;
        Ok(usable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_means_more_than_a_minute_left() {
        let now = 1_700_000_000;
        let tok = |expires_at| CreateTokenResponse {
            access_token: Secret::new("t"),
            expires_at,
            ..Default::default()
        };
        assert!(is_fresh(&tok(now + 61), now));
        assert!(!is_fresh(&tok(now + 60), now));
        assert!(!is_fresh(&tok(now - 1), now));
        let empty = CreateTokenResponse {
            expires_at: now + 3600,
            ..Default::default()
        };
        assert!(!is_fresh(&empty, now));
    }

    #[test]
    fn access_token_debug_is_redacted() {
        let t = AccessToken::new(Secret::new("very-secret-token"), 42);
        let shown = format!("{t:?}");
        assert!(!shown.contains("very-secret-token"), "{shown}");
        assert!(shown.contains("42"), "{shown}");
        assert_eq!(t.expose(), "very-secret-token");
    }
}
