//! The AWS side of [`Provider`]: `sso:GetRoleCredentials` and, for `Via` roles,
//! `sts:AssumeRole`. Each fetch runs under the store's exclusive lock and re-checks the store
//! first, so twenty parallel cold `process` calls for one role make one request: the others
//! wait on the lock, then find the fresh credentials (single flight across processes).
//!
//! The access token is obtained *before* the lock is taken: renewing or logging in writes the
//! store, and the lock is not re-entrant across file handles.

use aws_sdk_sts::config::Credentials;

use super::{CredentialsError, Obtained, Provider, blocking, now_unix, reusable};
use crate::auth::error::{SdkFailure, classify};
use crate::auth::{AccessToken, AuthError};
use crate::aws::failure::{Transport, advice};
use crate::config::AccountId;
use crate::role::RoleId;
use crate::store::{ExclusiveStore, RoleCredentials, SecureStore};

/// STS limits `RoleSessionName` to 64 characters of `[\w+=,.@-]`.
const SESSION_NAME_MAX: usize = 64;

/// The session name of a chained role: `<source role>@<source account, 12 digits>`, cut to
/// STS's limits (aws-sso-cli's naming).
pub(super) fn session_name(source: &RoleId) -> String {
    let raw = format!("{}@{}", source.role_name, source.account_pad());
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(SESSION_NAME_MAX)
        .collect()
}

enum Attempt {
    Done(RoleCredentials),
    /// The portal rejected the token: renew or log in, then try once more.
    Unauthorized,
}

impl Provider<'_> {
    pub(super) async fn get_role_credentials(
        &self,
        role: &RoleId,
        force: bool,
    ) -> Result<RoleCredentials, CredentialsError> {
        let auth = self.session().await;
        let mut token = self.token().await?;
        for attempt in 0..2 {
            match self.try_get_role_credentials(role, force, &token).await? {
                Attempt::Done(creds) => return Ok(creds),
                Attempt::Unauthorized if attempt == 0 => {
                    tracing::debug!("the portal rejected the SSO token; renewing it");
                    let mut out = self.prompt_out.lock().await;
                    token = auth.reauthenticate(&token, self.mode, &mut **out).await?;
                }
                Attempt::Unauthorized => {}
            }
        }
        Err(AuthError::NotLoggedIn {
            instance: self.instance.to_string(),
        }
        .into())
    }

    async fn token(&self) -> Result<AccessToken, CredentialsError> {
        let auth = self.session().await;
        let mut out = self.prompt_out.lock().await;
        Ok(auth.access_token(self.mode, &mut **out).await?)
    }

    async fn try_get_role_credentials(
        &self,
        role: &RoleId,
        force: bool,
        token: &AccessToken,
    ) -> Result<Attempt, CredentialsError> {
        let tx = lock(self.store()).await?;
        if !force && let Some(creds) = valid_in(&tx, role) {
            return Ok(Attempt::Done(creds));
        }
        let auth = self.session().await;
        let sent = auth
            .clients()
            .portal
            .get_role_credentials()
            .access_token(token.expose())
            .account_id(role.account_pad())
            .role_name(&role.role_name)
            .send()
            .await;
        let out = match sent {
            Ok(out) => out,
            Err(e) => {
                return match classify("GetRoleCredentials", auth.portal_endpoint(), &e) {
                    SdkFailure::Service { code, .. } if code == "UnauthorizedException" => {
                        Ok(Attempt::Unauthorized)
                    }
                    SdkFailure::Service { code, message } => Err(CredentialsError::Fetch {
                        arn: role.arn(),
                        detail: format!("{code}: {message}"),
                    }),
                    SdkFailure::Other(e) => Err(e.into()),
                };
            }
        };
        let rc = out
            .role_credentials()
            .ok_or_else(|| CredentialsError::Fetch {
                arn: role.arn(),
                detail: "the reply carried no roleCredentials".into(),
            })?;
        let creds = RoleCredentials {
            role_name: role.role_name.clone(),
            account_id: role.account_id,
            access_key_id: rc.access_key_id().unwrap_or_default().to_string(),
            secret_access_key: rc.secret_access_key().unwrap_or_default().into(),
            session_token: rc.session_token().unwrap_or_default().into(),
            expiration: rc.expiration(),
            role_chaining: false,
        };
        check_complete(role, &creds)?;
        save(tx, role, creds.clone()).await?;
        Ok(Attempt::Done(creds))
    }

    pub(super) async fn assume_role(
        &self,
        role: &RoleId,
        source: &Obtained,
        force: bool,
    ) -> Result<RoleCredentials, CredentialsError> {
        let src = &source.creds;
        let provided = Credentials::new(
            src.access_key_id.clone(),
            src.secret_access_key.expose().to_string(),
            Some(src.session_token.expose().to_string()),
            None,
            "aws-sso",
        );
        let sts = crate::aws::sts_client(&self.sso.sso_region, self.retry, provided).await;
        let tx = lock(self.store()).await?;
        if !force && let Some(creds) = valid_in(&tx, role) {
            return Ok(creds);
        }
        let configured = AccountId::new(role.account_id)
            .and_then(|a| self.sso.role(a, &role.role_name))
            .cloned()
            .unwrap_or_default();
        let nonempty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let sent = sts
            .assume_role()
            .role_arn(role.arn())
            .role_session_name(session_name(&source.role))
            .set_external_id(nonempty(configured.external_id))
            .set_source_identity(nonempty(configured.source_identity))
            .send()
            .await;
        let out = sent.map_err(|e| CredentialsError::Fetch {
            arn: role.arn(),
            detail: match (Transport::of(&e), classify("AssumeRole", "STS", &e)) {
                (Some(failure), _) => format!(
                    "cannot reach STS at {}: {failure}: {}",
                    crate::aws::sts_endpoint(&self.sso.sso_region),
                    advice(&failure, "SSORegion and AWS_ENDPOINT_URL_STS")
                ),
                (None, SdkFailure::Service { code, message }) => {
                    format!("AssumeRole via {}: {code}: {message}", source.role.arn())
                }
                (None, SdkFailure::Other(e)) => e.to_string(),
            },
        })?;
        let c = out.credentials().ok_or_else(|| CredentialsError::Fetch {
            arn: role.arn(),
            detail: "AssumeRole returned no credentials".into(),
        })?;
        let exp = c.expiration();
        let creds = RoleCredentials {
            role_name: role.role_name.clone(),
            account_id: role.account_id,
            access_key_id: c.access_key_id().to_string(),
            secret_access_key: c.secret_access_key().into(),
            session_token: c.session_token().into(),
            expiration: exp.secs() * 1000 + i64::from(exp.subsec_nanos() / 1_000_000),
            role_chaining: true,
        };
        check_complete(role, &creds)?;
        save(tx, role, creds.clone()).await?;
        Ok(creds)
    }
}

fn check_complete(role: &RoleId, c: &RoleCredentials) -> Result<(), CredentialsError> {
    if c.access_key_id.is_empty() || c.secret_access_key.is_empty() || c.session_token.is_empty() {
        return Err(CredentialsError::Fetch {
            arn: role.arn(),
            detail: "the reply carried incomplete credentials".into(),
        });
    }
    if !c.is_valid_for(now_unix(), 0) {
        return Err(CredentialsError::Fetch {
            arn: role.arn(),
            detail: "the reply carried credentials that have already expired (check the clock)"
                .into(),
        });
    }
    Ok(())
}

fn valid_in(tx: &ExclusiveStore, role: &RoleId) -> Option<RoleCredentials> {
    reusable(tx.document(), &role.arn())
}

async fn lock(store: &std::sync::Arc<SecureStore>) -> Result<ExclusiveStore, CredentialsError> {
    let store = store.clone();
    blocking(move || store.lock_exclusive()).await
}

async fn save(
    mut tx: ExclusiveStore,
    role: &RoleId,
    creds: RoleCredentials,
) -> Result<(), CredentialsError> {
    let arn = role.arn();
    blocking(move || {
        tx.modify(|d| {
            d.role_credentials.insert(arn, creds);
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_follow_sts_rules() {
        assert_eq!(
            session_name(&RoleId::new(42, "Admin")),
            "Admin@000000000042"
        );
        let long = RoleId::new(1, "x".repeat(80));
        assert_eq!(session_name(&long).len(), SESSION_NAME_MAX);
        assert_eq!(session_name(&RoleId::new(1, "a b/c")), "a_b_c@000000000001");
    }
}
