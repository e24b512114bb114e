//! Logging a person in to IAM Identity Center (SSO OIDC) and keeping the session alive
//! (spec §4.2–§4.6). One [`Authenticator`] per SSO instance:
//!
//! * [`Authenticator::access_token`]: the entry point of every command that needs a token.
//!   Valid token → returned; expired → renewed silently with the refresh token; otherwise
//!   [`TokenMode::Interactive`] runs the login flow (AutoLogin) and
//!   [`TokenMode::NonInteractive`] fails with [`AuthError::NotLoggedIn`].
//! * [`Authenticator::login`] / [`Authenticator::logout`]: the `login` and `logout` commands.
//! * [`Authenticator::reauthenticate`]: after the portal rejected a token (cache refresh).
//!
//! Sub-modules: [`registration`] (RegisterClient), [`token`] (validity, refresh, save),
//! [`pkce`] + `loopback` (authorization code), [`device`] (device code), [`logout`],
//! [`opener`] (what the terminal shows and the URL action), [`error`].
//!
//! Login work is serialised per `Authenticator` (a tokio mutex), so concurrent callers that
//! all find the token dead open one browser tab, not one each (#520). Every future here can
//! be dropped at any await point (Ctrl-C): the loopback listener closes with it and store
//! writes finish on their blocking thread, so no lock stays held.

pub mod device;
pub mod error;
mod loopback;
pub mod logout;
pub mod opener;
pub mod pkce;
pub mod registration;
mod storage;
pub mod token;

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt as _;

use crate::aws::SsoClients;
use crate::config::{AuthWorkflow, Config, SsoConfig, UrlAction};
use crate::store::{CreateTokenResponse, SecureStore};

pub use device::DevicePolling;
pub use error::AuthError;
pub use logout::LogoutReport;
pub use opener::{ActionOpener, UrlOpener};
pub use token::AccessToken;

use storage::Store;

/// How long the PKCE flow waits for the browser by default.
pub const DEFAULT_PKCE_TIMEOUT: Duration = Duration::from_secs(300);

/// The environment variables auth depends on, captured once (so tests can pass their own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthEnv {
    /// `$SSH_TTY` or `$WSL_DISTRO_NAME` is set: PKCE's loopback redirect cannot work.
    pub remote_host: bool,
    /// `$AWS_ENDPOINT_URL_SSO_OIDC` (the SDK client honours it too; we need it for the
    /// authorize URL and messages).
    pub endpoint_url_sso_oidc: Option<String>,
    /// `$AWS_ENDPOINT_URL_SSO`.
    pub endpoint_url_sso: Option<String>,
    /// `$AWS_USE_FIPS_ENDPOINT` (applies to the authorize URL only, like aws-sso-cli).
    pub use_fips: bool,
    /// `$AWS_USE_DUALSTACK_ENDPOINT` (authorize URL only).
    pub use_dual_stack: bool,
}

impl AuthEnv {
    /// Read this process's environment.
    pub fn from_process() -> AuthEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        // Service-specific endpoint variables are skipped when the SDK is told to ignore them.
        let ignore = var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| go_bool(&v));
        AuthEnv {
            remote_host: crate::urlaction::is_remote_host(var),
            endpoint_url_sso_oidc: var("AWS_ENDPOINT_URL_SSO_OIDC").filter(|_| !ignore),
            endpoint_url_sso: var("AWS_ENDPOINT_URL_SSO").filter(|_| !ignore),
            use_fips: var("AWS_USE_FIPS_ENDPOINT").is_some_and(|v| go_bool(&v)),
            use_dual_stack: var("AWS_USE_DUALSTACK_ENDPOINT").is_some_and(|v| go_bool(&v)),
        }
    }
}

/// Go's `strconv.ParseBool` true values (aws-sso-cli reads these variables with it).
fn go_bool(v: &str) -> bool {
    matches!(v.trim(), "1" | "t" | "T" | "TRUE" | "true" | "True")
}

/// The workflow when config.yaml does not set `AuthWorkflow`: device code on remote hosts
/// (SSH, WSL), PKCE elsewhere.
pub fn default_workflow(configured: Option<AuthWorkflow>, env: &AuthEnv) -> AuthWorkflow {
    configured.unwrap_or(if env.remote_host {
        AuthWorkflow::DeviceCode
    } else {
        AuthWorkflow::Pkce
    })
}

/// Everything an [`Authenticator`] needs to know about one SSO instance.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// The SSO instance name (store keys, container name, messages).
    pub instance: String,
    pub start_url: String,
    pub sso_region: String,
    pub workflow: AuthWorkflow,
    /// For login URLs: `--url-action` > `AuthUrlAction` > `UrlAction`.
    pub url_action: UrlAction,
    /// `--browser` > `$AWS_SSO_BROWSER` > `Browser`; empty = system opener.
    pub browser: String,
    pub url_exec_command: Vec<String>,
    /// How long PKCE waits for the browser redirect.
    pub pkce_timeout: Duration,
    pub device_polling: DevicePolling,
    pub env: AuthEnv,
}

impl AuthSettings {
    /// Settings of instance `instance` (`sso` = its `SSOConfig` entry) from config.yaml.
    /// `config.auth_workflow` already carries the remote-host default.
    pub fn from_config(config: &Config, instance: &str, sso: &SsoConfig, env: AuthEnv) -> AuthSettings {
        AuthSettings {
            instance: instance.to_owned(),
            start_url: sso.start_url.clone(),
            sso_region: sso.sso_region.clone(),
            workflow: config.auth_workflow,
            url_action: sso.auth_url_action.unwrap_or(config.url_action),
            browser: config.browser.clone(),
            url_exec_command: config.url_exec_command.clone(),
            pkce_timeout: DEFAULT_PKCE_TIMEOUT,
            device_polling: DevicePolling::default(),
            env,
        }
    }
}

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
    LoggedIn { expires_at: i64, workflow: AuthWorkflow },
}

/// Base URLs used for requests and messages.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    /// SSO OIDC API.
    oidc: String,
    /// SSO portal API.
    portal: String,
    /// Where `/authorize` lives when the registration does not say (FIPS/dual-stack aware).
    authorize_base: String,
}

impl Endpoints {
    fn resolve(clients: &SsoClients, region: &str, env: &AuthEnv) -> Endpoints {
        use aws_sdk_ssooidc::config::endpoint::{DefaultResolver, Params, ResolveEndpoint as _};
        let configured = clients.sdk_config().endpoint_url();
        let trim = |s: &str| s.trim_end_matches('/').to_owned();
        let oidc_default = |fips: bool, dual: bool| {
            Params::builder()
                .region(region)
                .use_fips(fips)
                .use_dual_stack(dual)
                .build()
                .ok()
                .and_then(|p| DefaultResolver::new().resolve_endpoint(&p).now_or_never())
                .and_then(Result::ok)
                .map(|e| trim(e.url()))
                .unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com"))
        };
        let portal_default = || {
            use aws_sdk_sso::config::endpoint::{DefaultResolver, Params, ResolveEndpoint as _};
            Params::builder()
                .region(region)
                .build()
                .ok()
                .and_then(|p| DefaultResolver::new().resolve_endpoint(&p).now_or_never())
                .and_then(Result::ok)
                .map(|e| trim(e.url()))
                .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"))
        };
        // The SDK's precedence: service variable, then the shared endpoint, then its resolver.
        let oidc_override = env.endpoint_url_sso_oidc.as_deref().or(configured).map(trim);
        let portal_override = env.endpoint_url_sso.as_deref().or(configured).map(trim);
        Endpoints {
            oidc: oidc_override.clone().unwrap_or_else(|| oidc_default(false, false)),
            portal: portal_override.unwrap_or_else(portal_default),
            authorize_base: oidc_override
                .unwrap_or_else(|| oidc_default(env.use_fips, env.use_dual_stack)),
        }
    }
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
    pub fn new(settings: AuthSettings, clients: SsoClients, store: Arc<SecureStore>) -> Authenticator {
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
        self.login_or_fail(mode, workflow, self.settings.url_action, out).await
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
        self.login_or_fail(mode, workflow, self.settings.url_action, out).await
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
    fn workflow_defaults_to_device_code_on_remote_hosts() {
        let local = AuthEnv::default();
        let remote = AuthEnv {
            remote_host: true,
            ..AuthEnv::default()
        };
        assert_eq!(default_workflow(None, &local), AuthWorkflow::Pkce);
        assert_eq!(default_workflow(None, &remote), AuthWorkflow::DeviceCode);
        assert_eq!(default_workflow(Some(AuthWorkflow::Pkce), &remote), AuthWorkflow::Pkce);
        assert_eq!(TokenMode::from_auto_login(true), TokenMode::Interactive);
        assert_eq!(TokenMode::from_auto_login(false), TokenMode::NonInteractive);
    }

    #[test]
    fn go_bool_accepts_go_spellings_only() {
        for t in ["1", "t", "T", "true", "TRUE", "True"] {
            assert!(go_bool(t), "{t}");
        }
        for f in ["0", "yes", "on", "false", ""] {
            assert!(!go_bool(f), "{f}");
        }
    }

    #[tokio::test]
    async fn endpoints_follow_overrides_then_the_sdk_resolver() {
        let retry = crate::aws::RetrySettings::default();
        let clients = SsoClients::with_endpoint("eu-west-1", "http://127.0.0.1:9/", retry).await;
        let ep = Endpoints::resolve(&clients, "eu-west-1", &AuthEnv::default());
        assert_eq!(ep.oidc, "http://127.0.0.1:9");
        assert_eq!(ep.authorize_base, "http://127.0.0.1:9");
        let env = AuthEnv {
            endpoint_url_sso_oidc: Some("http://127.0.0.1:7".into()),
            ..AuthEnv::default()
        };
        let ep = Endpoints::resolve(&clients, "eu-west-1", &env);
        assert_eq!((ep.oidc.as_str(), ep.portal.as_str()), ("http://127.0.0.1:7", "http://127.0.0.1:9"));

        let aws = SsoClients::new("eu-west-1", retry).await;
        let fips = AuthEnv {
            use_fips: true,
            ..AuthEnv::default()
        };
        // Only when the environment sets no endpoint (CI might); the resolver is what we test.
        if aws.sdk_config().endpoint_url().is_none() {
            let ep = Endpoints::resolve(&aws, "eu-west-1", &fips);
            assert_eq!(ep.oidc, "https://oidc.eu-west-1.amazonaws.com");
            assert_eq!(ep.portal, "https://portal.sso.eu-west-1.amazonaws.com");
            assert_eq!(ep.authorize_base, "https://oidc-fips.eu-west-1.amazonaws.com");
        }
    }
}
