//! Role credentials (docs/auth.md, "Role credentials"): reused from the secure store while they have more than a
//! minute left, otherwise fetched with `sso:GetRoleCredentials`, or for a role with `Via`
//! through `sts:AssumeRole` on top of the source role's credentials (role chaining), and saved.
//!
//! * [`Provider`]: the one entry point every credential command (and later the picker and the
//!   ECS server) uses.
//! * [`exports`]: the environment variables of `eval` / `exec` and the region rules.
//! * `fetch`: the AWS calls, single-flighted through the store lock.
//!
//! Cost model: a valid cached credential costs one secure-store read and nothing else: no SDK
//! client is built, no token is read. The SSO session (an [`Authenticator`]) is created only
//! when a fetch is needed, through the [`SessionFactory`] the front-end passes in.

pub mod exports;
mod fetch;

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::auth::{AuthError, Authenticator, TokenMode};
use crate::aws::RetrySettings;
use crate::config::{AccountId, SsoConfig};
use crate::role::RoleId;
use crate::store::{RoleCredentials, SecureStore, StoreError};

/// Cached credentials are used only while they have more than this many seconds left.
pub const REUSE_MARGIN_SECS: i64 = 60;

/// Builds the SSO session (authenticator) on first need.
pub type SessionFactory =
    Box<dyn Fn(Arc<SecureStore>) -> BoxFuture<'static, Authenticator> + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `detail` is composed from the classified SDK failure (code and cleaned message) on
    /// purpose: SDK error values hold the raw HTTP response, so only its code and cleaned
    /// message are kept.
    #[error("Unable to get role credentials for {arn}: {detail}")]
    Fetch { arn: String, detail: String },
    #[error("Detected role chain loop: {chain} (fix the Via settings in config.yaml)")]
    ChainLoop { chain: String },
    #[error(
        "invalid Via '{via}' for {arn} in config.yaml: expected arn:aws:iam::<account>:role/<name>"
    )]
    BadVia { arn: String, via: String },
    #[error("internal error while {0}: please report this at the aws-sso issue tracker")]
    Internal(String),
}

/// How a credential was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// From the secure store, no network.
    Cached,
    /// Fetched from AWS now.
    Fetched,
}

/// Credentials for one role.
#[derive(Debug, Clone)]
pub struct Obtained {
    pub role: RoleId,
    pub creds: RoleCredentials,
    pub origin: Origin,
}

/// Hands out role credentials of one SSO instance.
pub struct Provider<'a> {
    instance: &'a str,
    sso: &'a SsoConfig,
    store: Arc<SecureStore>,
    factory: SessionFactory,
    session: tokio::sync::OnceCell<Authenticator>,
    mode: TokenMode,
    retry: RetrySettings,
    /// Every credential fetched by this provider (chain members too), for the cache's
    /// `Expires` hints.
    fetched: std::sync::Mutex<Vec<(RoleId, i64)>>,
    /// Where a login started on the way (AutoLogin) shows its URL or code: the terminal's
    /// stderr in the CLI, never stdout (`process` and `eval` output is captured).
    prompt_out: tokio::sync::Mutex<Box<dyn std::io::Write + Send>>,
}

impl<'a> Provider<'a> {
    /// `mode`: whether an SSO session that needs a new login may open a browser (AutoLogin).
    pub fn new(
        instance: &'a str,
        sso: &'a SsoConfig,
        store: Arc<SecureStore>,
        factory: SessionFactory,
        mode: TokenMode,
        retry: RetrySettings,
        prompt_out: Box<dyn std::io::Write + Send>,
    ) -> Provider<'a> {
        Provider {
            instance,
            sso,
            store,
            factory,
            session: tokio::sync::OnceCell::new(),
            mode,
            retry,
            fetched: std::sync::Mutex::new(Vec::new()),
            prompt_out: tokio::sync::Mutex::new(prompt_out),
        }
    }

    /// The SSO instance this provider fetches for.
    pub fn instance(&self) -> &'a str {
        self.instance
    }

    pub fn store(&self) -> &Arc<SecureStore> {
        &self.store
    }

    /// The SSO session, built on first use.
    pub async fn session(&self) -> &Authenticator {
        self.session
            .get_or_init(|| (self.factory)(self.store.clone()))
            .await
    }

    /// The roles fetched (not reused) so far with their expiry in unix seconds.
    pub fn fetched(&self) -> Vec<(RoleId, i64)> {
        self.fetched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Credentials for `role`: reused when they have more than a minute left, unless
    /// `force` (`--sts-refresh`); otherwise fetched (through its `Via` chain) and saved.
    pub async fn credentials(
        &self,
        role: &RoleId,
        force: bool,
    ) -> Result<Obtained, CredentialsError> {
        let mut seen = BTreeSet::new();
        self.obtain(role, force, &mut seen).await
    }

    /// The `Via` source of `role` from config.yaml, if any.
    pub fn via_of(&self, role: &RoleId) -> Result<Option<RoleId>, CredentialsError> {
        let Some(account) = AccountId::new(role.account_id) else {
            return Ok(None);
        };
        let Some(via) = self
            .sso
            .role(account, &role.role_name)
            .and_then(|r| r.via.as_deref())
            .filter(|v| !v.trim().is_empty())
        else {
            return Ok(None);
        };
        match crate::role::split_role_arn(via.trim())
            .filter(|_| crate::config::is_plain_role_arn(via.trim()))
        {
            Some((a, r)) => Ok(Some(RoleId::new(a, r))),
            None => Err(CredentialsError::BadVia {
                arn: role.arn(),
                via: via.to_string(),
            }),
        }
    }

    fn obtain<'s>(
        &'s self,
        role: &'s RoleId,
        force: bool,
        seen: &'s mut BTreeSet<RoleId>,
    ) -> BoxFuture<'s, Result<Obtained, CredentialsError>> {
        Box::pin(async move {
            if !seen.insert(role.clone()) {
                let mut chain: Vec<String> = seen.iter().map(RoleId::arn).collect();
                chain.push(role.arn());
                return Err(CredentialsError::ChainLoop {
                    chain: chain.join(" -> "),
                });
            }
            if !force && let Some(creds) = self.cached(role).await? {
                return Ok(Obtained {
                    role: role.clone(),
                    creds,
                    origin: Origin::Cached,
                });
            }
            let creds = match self.via_of(role)? {
                Some(via) => {
                    // The source role's own credentials follow the normal reuse rule.
                    let source = self.obtain(&via, false, seen).await?;
                    self.assume_role(role, &source, force).await?
                }
                None => self.get_role_credentials(role, force).await?,
            };
            self.fetched
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((role.clone(), creds.expires_at_secs()));
            Ok(Obtained {
                role: role.clone(),
                creds,
                origin: Origin::Fetched,
            })
        })
    }

    /// [`Provider::cached`] without a runtime: the hot path of `process` answers from here
    /// before any async machinery (or thread) exists.
    pub fn cached_blocking(
        &self,
        role: &RoleId,
    ) -> Result<Option<RoleCredentials>, CredentialsError> {
        let arn = role.arn();
        Ok(self.store.read(|d| reusable(d, &arn))?)
    }

    /// The stored credentials of `role` if they have more than a minute left.
    async fn cached(&self, role: &RoleId) -> Result<Option<RoleCredentials>, CredentialsError> {
        let arn = role.arn();
        let store = self.store.clone();
        blocking(move || store.read(|d| reusable(d, &arn))).await
    }
}

/// The credentials of `arn` in `doc` if they have more than [`REUSE_MARGIN_SECS`] left.
pub(crate) fn reusable(doc: &crate::store::Document, arn: &str) -> Option<RoleCredentials> {
    doc.role_credentials
        .get(arn)
        .filter(|c| c.is_valid_for(now_unix(), REUSE_MARGIN_SECS))
        .cloned()
}

/// Run a store call on the blocking pool (keyrings may wait on D-Bus or a prompt).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, CredentialsError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(CredentialsError::from),
        Err(e) => Err(CredentialsError::Internal(format!(
            "using the secure store ({e})"
        ))),
    }
}

pub(crate) fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}
