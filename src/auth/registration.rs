//! The OIDC client registration (docs/auth.md, "Client registration"): reused from the secure store while its secret
//! has more than an hour left and it was made for the current workflow; otherwise deleted and
//! replaced. Each workflow registers exactly its own grant types, never both (#1359), and the
//! grant types are recorded in the store because AWS does not echo them.

use crate::config::AuthWorkflow;
use crate::store::RegisterClientData;
use crate::store::Secret;

use super::error::{AuthError, sdk_error};
use super::{Authenticator, now_unix};

/// The device-code grant type.
pub const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The authorization-code grant type (PKCE).
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
/// The refresh-token grant type.
pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";
/// The only scope aws-sso asks for.
pub const SCOPE: &str = "sso:account:access";
/// The registered redirect URI: no port and no path, so any loopback port matches
/// (RFC 8252 §7.3).
pub const REDIRECT_URI: &str = "http://127.0.0.1";
/// `clientName` sent to RegisterClient (shown by AWS on the consent page).
pub const CLIENT_NAME: &str = "aws-sso";

/// A registration whose secret expires within this many seconds is replaced.
const SECRET_MARGIN_SECS: i64 = 3600;

/// The grant types a registration for `workflow` must have, exactly.
pub fn grant_types(workflow: AuthWorkflow) -> [&'static str; 2] {
    match workflow {
        AuthWorkflow::DeviceCode => [GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN],
        AuthWorkflow::Pkce => [GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN],
    }
}

/// True when `reg` was made for `workflow`: the same grant types as a set. A registration
/// without recorded grant types counts as device code only (aws-sso-cli < 2.2), and one with
/// more than two (aws-sso-cli 2.2.0/2.2.1) is never usable.
pub fn matches_workflow(reg: &RegisterClientData, workflow: AuthWorkflow) -> bool {
    if reg.has_too_many_grant_types() {
        return false;
    }
    let have = reg.effective_grant_types();
    let want = grant_types(workflow);
    have.len() == want.len() && want.iter().all(|w| have.iter().any(|h| h == w))
}

/// True when `reg` can renew a session at `now`: its secret is still valid and it was
/// registered with the refresh-token grant (whatever its login workflow), and it is not one of
/// aws-sso-cli 2.2.0/2.2.1's three-grant registrations.
pub fn can_refresh(reg: &RegisterClientData, now: i64) -> bool {
    !reg.has_too_many_grant_types()
        && reg.client_secret_expires_at > now
        && reg
            .effective_grant_types()
            .iter()
            .any(|g| g == GRANT_REFRESH_TOKEN)
}

/// True when `reg` can be used for `workflow` at `now` (unix seconds).
pub fn is_reusable(reg: &RegisterClientData, workflow: AuthWorkflow, now: i64) -> bool {
    matches_workflow(reg, workflow) && reg.client_secret_expires_at > now + SECRET_MARGIN_SECS
}

impl Authenticator {
    /// The stored registration if it is usable for `workflow`, else a new one (saved).
    /// `fresh` forces a new registration (after the service rejected the stored one).
    pub(crate) async fn registration_for(
        &self,
        workflow: AuthWorkflow,
        fresh: bool,
    ) -> Result<RegisterClientData, AuthError> {
        let name = &self.settings.instance;
        if !fresh && let Some(reg) = self.store.registration(name).await? {
            if is_reusable(&reg, workflow, now_unix()) {
                return Ok(reg);
            }
            tracing::debug!(instance = %name, "stored client registration is expired or for another workflow");
        }
        self.store.delete_registration(name).await?;
        let reg = self.register(workflow).await?;
        self.store.put_registration(name, reg.clone()).await?;
        Ok(reg)
    }

    /// `sso-oidc:RegisterClient` for `workflow`.
    async fn register(&self, workflow: AuthWorkflow) -> Result<RegisterClientData, AuthError> {
        const OP: &str = "RegisterClient";
        let grants = grant_types(workflow);
        let mut req = self
            .clients
            .oidc
            .register_client()
            .client_name(CLIENT_NAME)
            .client_type("public")
            .issuer_url(&self.settings.start_url)
            .set_grant_types(Some(grants.iter().map(|g| (*g).to_owned()).collect()));
        if workflow == AuthWorkflow::Pkce {
            // AWS only issues refresh tokens to clients registered with scopes.
            req = req.scopes(SCOPE).redirect_uris(REDIRECT_URI);
        }
        let out = req
            .send()
            .await
            .map_err(|e| sdk_error(OP, &self.endpoints.oidc, &e))?;
        let missing = |field: &str| AuthError::BadResponse {
            operation: OP,
            endpoint: self.endpoints.oidc.clone(),
            detail: format!("no {field} in the reply"),
        };
        let client_id = out
            .client_id()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("clientId"))?;
        let secret = out
            .client_secret()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("clientSecret"))?;
        tracing::debug!(instance = %self.settings.instance, workflow = %workflow, "registered a new OIDC client");
        Ok(RegisterClientData {
            authorization_endpoint: out.authorization_endpoint().map(str::to_owned),
            client_id: client_id.to_owned(),
            client_id_issued_at: out.client_id_issued_at(),
            client_secret: Secret::new(secret),
            client_secret_expires_at: out.client_secret_expires_at(),
            token_endpoint: out.token_endpoint().map(str::to_owned),
            grant_types: grants.iter().map(|g| (*g).to_owned()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(grants: &[&str], expires: i64) -> RegisterClientData {
        RegisterClientData {
            client_id: "id".into(),
            client_secret: Secret::new("s"),
            client_secret_expires_at: expires,
            grant_types: grants.iter().map(|g| (*g).to_owned()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn grant_types_must_match_the_workflow_exactly() {
        let pkce = reg(&[GRANT_REFRESH_TOKEN, GRANT_AUTHORIZATION_CODE], i64::MAX);
        assert!(matches_workflow(&pkce, AuthWorkflow::Pkce));
        assert!(!matches_workflow(&pkce, AuthWorkflow::DeviceCode));
        let device = reg(&[GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN], i64::MAX);
        assert!(matches_workflow(&device, AuthWorkflow::DeviceCode));
        assert!(!matches_workflow(&device, AuthWorkflow::Pkce));
        // aws-sso-cli 2.2.0/2.2.1 registered all three (#1359): never reuse such a client.
        let both = reg(
            &[
                GRANT_DEVICE_CODE,
                GRANT_AUTHORIZATION_CODE,
                GRANT_REFRESH_TOKEN,
            ],
            i64::MAX,
        );
        assert!(!matches_workflow(&both, AuthWorkflow::Pkce));
        assert!(!matches_workflow(&both, AuthWorkflow::DeviceCode));
        // No grant types recorded: device code only, which lacks refresh_token.
        let legacy = reg(&[], i64::MAX);
        assert!(!matches_workflow(&legacy, AuthWorkflow::DeviceCode));
        assert!(!matches_workflow(&legacy, AuthWorkflow::Pkce));
    }

    #[test]
    fn secrets_expiring_within_an_hour_are_not_reused() {
        let now = 1_000_000;
        let grants = grant_types(AuthWorkflow::Pkce);
        assert!(is_reusable(
            &reg(&grants, now + 3601),
            AuthWorkflow::Pkce,
            now
        ));
        assert!(!is_reusable(
            &reg(&grants, now + 3600),
            AuthWorkflow::Pkce,
            now
        ));
        assert!(!is_reusable(
            &reg(&grants, now - 1),
            AuthWorkflow::Pkce,
            now
        ));
    }
}
