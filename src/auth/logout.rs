//! Ending a session (docs/auth.md, "Logout and forced login"): forget live role credentials and the token
//! locally first, then tell IAM Identity Center. The remote call is best effort: the local
//! session is gone whatever it answers.

use crate::store::Secret;

use super::error::{AuthError, sdk_error};
use super::{Authenticator, now_unix};

/// What `logout` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LogoutReport {
    /// Role ARNs whose still-valid STS credentials were deleted from the secure store (the
    /// caller sets their `Expires` to 0 in cache.json).
    pub deleted_role_arns: Vec<String>,
    /// Whether there was a token to delete.
    pub had_token: bool,
    /// Set when `sso:Logout` failed or was skipped for a reason worth a warning.
    pub remote_warning: Option<String>,
}

impl Authenticator {
    /// Log out of this SSO instance. `roles`: the instance's role ARNs (from the cache), so
    /// other instances' credentials survive; `None` deletes every live stored credential.
    pub async fn logout(&self, roles: Option<&[String]>) -> Result<LogoutReport, AuthError> {
        let _session = self.session.lock().await;
        let name = &self.settings.instance;
        let deleted_role_arns = self
            .store
            .delete_live_role_credentials(now_unix(), roles.map(<[String]>::to_vec))
            .await?;
        let mut report = LogoutReport {
            deleted_role_arns,
            ..LogoutReport::default()
        };
        if let Some(token) = self.store.token(name, false).await? {
            self.store.delete_token(name).await?;
            report.had_token = true;
            if token.expires_at > now_unix() {
                report.remote_warning = self.end_remote_session(&token.access_token).await;
            } else {
                tracing::debug!(instance = %name, "token already expired; not calling sso:Logout");
            }
        }
        Ok(report)
    }

    /// `sso:Logout`; returns a warning line instead of failing.
    pub(crate) async fn end_remote_session(&self, token: &Secret) -> Option<String> {
        let sent = self
            .clients
            .portal
            .logout()
            .access_token(token.expose())
            .send()
            .await;
        match sent {
            Ok(_) => None,
            Err(e) => {
                let err = sdk_error("Logout", &self.endpoints.portal, &e);
                let warning = format!("the IAM Identity Center session may still be active: {err}");
                tracing::warn!("{warning}");
                Some(warning)
            }
        }
    }
}
