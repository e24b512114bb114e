//! What an [`Authenticator`](super::Authenticator) is configured with: the per-instance
//! [`AuthSettings`] (from config.yaml plus flags), the environment it depends on
//! ([`AuthEnv`], captured once so tests can pass their own) and the endpoints derived from
//! both.

use std::time::Duration;

use futures::FutureExt as _;

use crate::aws::SsoClients;
use crate::config::{AuthWorkflow, Config, SsoConfig, UrlAction};

use super::DevicePolling;

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

/// Everything an [`Authenticator`](super::Authenticator) needs to know about one SSO instance.
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
    pub fn from_config(
        config: &Config,
        instance: &str,
        sso: &SsoConfig,
        env: AuthEnv,
    ) -> AuthSettings {
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

/// Base URLs used for requests and messages.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    /// SSO OIDC API.
    pub(crate) oidc: String,
    /// SSO portal API.
    pub(crate) portal: String,
    /// Where `/authorize` lives when the registration does not say (FIPS/dual-stack aware).
    pub(crate) authorize_base: String,
}

impl Endpoints {
    pub(crate) fn resolve(clients: &SsoClients, region: &str, env: &AuthEnv) -> Endpoints {
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
        let oidc_override = env
            .endpoint_url_sso_oidc
            .as_deref()
            .or(configured)
            .map(trim);
        let portal_override = env.endpoint_url_sso.as_deref().or(configured).map(trim);
        Endpoints {
            oidc: oidc_override
                .clone()
                .unwrap_or_else(|| oidc_default(false, false)),
            portal: portal_override.unwrap_or_else(portal_default),
            authorize_base: oidc_override
                .unwrap_or_else(|| oidc_default(env.use_fips, env.use_dual_stack)),
        }
    }
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
        assert_eq!(
            default_workflow(Some(AuthWorkflow::Pkce), &remote),
            AuthWorkflow::Pkce
        );
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
        assert_eq!(
            (ep.oidc.as_str(), ep.portal.as_str()),
            ("http://127.0.0.1:7", "http://127.0.0.1:9")
        );

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
            assert_eq!(
                ep.authorize_base,
                "https://oidc-fips.eu-west-1.amazonaws.com"
            );
        }
    }
}
