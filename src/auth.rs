//! Logging a person in to IAM Identity Center (SSO OIDC) and keeping the session alive
//! (docs/auth.md). One [`Authenticator`] per SSO instance:
//!
//! * [`Authenticator::access_token`]: the entry point of every command that needs a token.
//!   Valid token → returned; expired → renewed silently with the refresh token; otherwise
//!   [`TokenMode::Interactive`] runs the login flow (AutoLogin) and
//!   [`TokenMode::NonInteractive`] fails with [`AuthError::NotLoggedIn`].
//! * [`Authenticator::login`] / [`Authenticator::logout`]: the `login` and `logout` commands.
//! * [`Authenticator::reauthenticate`]: after the portal rejected a token (cache refresh).
//!
//! Sub-modules: [`settings`] (settings, environment, endpoints), [`registration`]
//! (RegisterClient), [`token`] (validity, refresh, save),
//! [`pkce`] + `loopback` (authorization code), [`device`] (device code), [`logout`],
//! [`opener`] (what the terminal shows and the URL action), [`error`].
//!
//! Login work is serialised per `Authenticator` (a tokio mutex), so concurrent callers that
//! all find the token dead open one browser tab, not one each (#520). Every future here can
//! be dropped at any await point (Ctrl-C): the loopback listener closes with it and store
//! writes finish on their blocking thread, so no lock stays held.

pub mod device;
pub mod error;
pub mod logout;
mod loopback;
pub mod opener;
pub mod pkce;
pub mod registration;
pub mod settings;
mod storage;
pub mod token;

use std::io::Write;
use std::sync::Arc;

use crate::aws::SsoClients;
use crate::config::{AuthWorkflow, UrlAction};
use crate::store::{CreateTokenResponse, SecureStore};

pub use device::DevicePolling;
pub use error::AuthError;
pub use logout::LogoutReport;
pub use opener::{ActionOpener, UrlOpener};
pub use settings::{AuthEnv, AuthSettings, DEFAULT_PKCE_TIMEOUT, default_workflow};
pub use token::AccessToken;

use settings::Endpoints;
use storage::Store;

/// Whether [`Authenticator::access_token`] may open a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenMode {
    /// Run the login flow when needed (`AutoLogin: true`, or commands that always may).
    Interactive,
    /// Never open a browser (background refresh, `list`, `process` without AutoLogin).
    NonInteractive,
}

impl TokenMode {
    /// `Interactive` exactly when `AutoLogin` is on.
    pub fn from_auto_login(auto_login: bool) -> TokenMode {
        if auto_login {
            TokenMode::Interactive
        } else {
            TokenMode::NonInteractive
        }
    }
}

/// Options of the `login` command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginOptions {
    /// `--force`: end the current session first (resets the server-side session length).
    pub force: bool,
    /// Overrides the configured workflow for this login.
    pub workflow: Option<AuthWorkflow>,
    /// `--url-action`.
    pub url_action: Option<UrlAction>,
}

/// What [`Authenticator::login`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    /// A valid token was already there (possibly just renewed); nothing was opened.
    AlreadyLoggedIn { expires_at: i64 },
    /// A browser login ran; the new token expires at `expires_at` (unix seconds).
    LoggedIn {
        expires_at: i64,
        workflow: AuthWorkflow,
    },
}

/// Logs in to, and keeps a session with, one SSO instance.
pub struct Authenticator {
    settings: AuthSettings,
    clients: SsoClients,
    store: Store,
    opener: Arc<dyn UrlOpener>,
    endpoints: Endpoints,
    /// Serialises token checks, logins and logouts within this process.
    session: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("settings", &self.settings)
            .field("oidc_endpoint", &self.endpoints.oidc)
            .field("store", &self.store.0)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// An authenticator whose URL actions go through [`crate::urlaction`].
    pub fn new(
        settings: AuthSettings,
        clients: SsoClients,
        store: Arc<SecureStore>,
    ) -> Authenticator {
        let opener = Arc::new(ActionOpener {
            browser: settings.browser.clone(),
            exec_command: settings.url_exec_command.clone(),
        });
        let endpoints = Endpoints::resolve(&clients, &settings.sso_region, &settings.env);
        Authenticator {
            settings,
            clients,
            store: Store(store),
            opener,
            endpoints,
            session: tokio::sync::Mutex::new(()),
        }
    }

    /// Replace how login URLs are opened (tests: a fake browser).
    pub fn with_opener(mut self, opener: Arc<dyn UrlOpener>) -> Authenticator {
        self.opener = opener;
        self
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    pub fn clients(&self) -> &SsoClients {
        &self.clients
    }

    /// The SSO OIDC endpoint in use (for messages).
    pub fn oidc_endpoint(&self) -> &str {
        &self.endpoints.oidc
    }

    /// The SSO portal endpoint in use (for messages).
    pub fn portal_endpoint(&self) -> &str {
        &self.endpoints.portal
    }

    /// A valid access token for this instance, renewed silently when it can be. Without one,
    /// `Interactive` logs in (writing the URL lines to `out`), `NonInteractive` fails with
    /// [`AuthError::NotLoggedIn`].
    pub async fn access_token(
        &self,
        mode: TokenMode,
        out: &mut (dyn Write + Send),
    ) -> Result<AccessToken, AuthError> {
        let _session = self.session.lock().await;
        let workflow = self.settings.workflow;
        if let Some(token) = self.valid_token(workflow).await? {
            return Ok(token);
        }
        self.login_or_fail(mode, workflow, self.settings.url_action, out)
            .await
    }

    /// The `login` command. With a valid token and no `force`: `AlreadyLoggedIn`. With
    /// `force`: end that session (sso:Logout, delete the token; role credentials are kept),
    /// then log in anew.
    pub async fn login(
        &self,
        opts: &LoginOptions,
        out: &mut (dyn Write + Send),
    ) -> Result<LoginOutcome, AuthError> {
        let _session = self.session.lock().await;
        let workflow = opts.workflow.unwrap_or(self.settings.workflow);
        let action = opts.url_action.unwrap_or(self.settings.url_action);
        if let Some(token) = self.valid_token(workflow).await? {
            if !opts.force {
                return Ok(LoginOutcome::AlreadyLoggedIn {
                    expires_at: token.expires_at(),
                });
            }
            self.end_remote_session(token.secret()).await;
            self.store.delete_token(&self.settings.instance).await?;
        }
        let token = self.full_login(workflow, action, out).await?;
        Ok(LoginOutcome::LoggedIn {
            expires_at: token.expires_at(),
            workflow,
        })
    }

    /// Called when the portal answered `UnauthorizedException` to `rejected`. If another
    /// caller already replaced that token, returns the new one; else renews with the refresh
    /// token or (Interactive) logs in again — once, however many callers ask at the same time.
    pub async fn reauthenticate(
        &self,
        rejected: &AccessToken,
        mode: TokenMode,
        out: &mut (dyn Write + Send),
    ) -> Result<AccessToken, AuthError> {
        let _session = self.session.lock().await;
        let name = &self.settings.instance;
        if let Some(stored) = self.store.token(name, true).await? {
            if stored.access_token.expose() != rejected.expose() {
                if token::is_fresh(&stored, now_unix()) {
                    return Ok(AccessToken::new(stored.access_token, stored.expires_at));
                }
            } else {
                // Keep the refresh token but stop trusting the access token.
                let dead = CreateTokenResponse {
                    expires_at: 0,
                    ..stored
                };
                self.store.put_token(name, dead).await?;
            }
        }
        let workflow = self.settings.workflow;
        if let Some(token) = self.valid_token(workflow).await? {
            return Ok(token);
        }
        self.login_or_fail(mode, workflow, self.settings.url_action, out)
            .await
    }

    async fn login_or_fail(
        &self,
        mode: TokenMode,
        workflow: AuthWorkflow,
        action: UrlAction,
        out: &mut (dyn Write + Send),
    ) -> Result<AccessToken, AuthError> {
        match mode {
            TokenMode::NonInteractive => Err(AuthError::NotLoggedIn {
                instance: self.settings.instance.clone(),
            }),
            TokenMode::Interactive => self.full_login(workflow, action, out).await,
        }
    }

    /// Register (or reuse the registration) and run the browser flow of `workflow`.
    async fn full_login(
        &self,
        workflow: AuthWorkflow,
        action: UrlAction,
        out: &mut (dyn Write + Send),
    ) -> Result<AccessToken, AuthError> {
        let reg = self.registration_for(workflow, false).await?;
        match workflow {
            AuthWorkflow::Pkce => self.pkce_login(&reg, action, out).await,
            AuthWorkflow::DeviceCode => self.device_login(reg, action, out).await,
        }
    }
}

/// Unix seconds now.
pub(crate) fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_login_makes_token_requests_interactive() {
        assert_eq!(TokenMode::from_auto_login(true), TokenMode::Interactive);
        assert_eq!(TokenMode::from_auto_login(false), TokenMode::NonInteractive);
    }
}
