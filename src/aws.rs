//! AWS SDK clients, always built through aws-config so the standard endpoint variables
//! (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`,
//! `AWS_ENDPOINT_URL_STS`) work as in every AWS SDK. That is how tests, the demo and users
//! reach an emulator. The portal and OIDC APIs are unsigned (`no_credentials`).
//!
//! Every operation has an overall deadline (retries included), and a refused connection or
//! an unknown host fails at once instead of being retried ([`failure`]).

pub mod failure;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

use failure::FailFast;

/// The deadline of one AWS operation, all attempts included, unless configured otherwise
/// (`ApiTimeout`).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// Retry settings from config.yaml (`MaxRetry`, `MaxBackoff` seconds) and the overall
/// deadline of one operation (`ApiTimeout`, `ProcessTimeout`, `$AWS_SSO_TIMEOUT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySettings {
    pub max_attempts: u32,
    pub max_backoff_secs: u64,
    pub deadline: Duration,
}

impl Default for RetrySettings {
    fn default() -> Self {
        RetrySettings {
            max_attempts: 10,
            max_backoff_secs: 5,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

impl RetrySettings {
    fn to_sdk(self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(self.max_attempts.max(1))
            .with_max_backoff(Duration::from_secs(self.max_backoff_secs.max(1)))
    }

    /// A slow endpoint gets one deadline for the whole operation, so `MaxRetry` attempts of
    /// 30 s each can never add up to minutes; connecting and single attempts get less.
    fn timeouts(self) -> TimeoutConfig {
        let deadline = self.deadline.max(Duration::from_secs(1));
        TimeoutConfig::builder()
            .connect_timeout(deadline.min(Duration::from_secs(10)))
            .operation_attempt_timeout(deadline.min(Duration::from_secs(30)))
            .operation_timeout(deadline)
            .build()
    }
}

/// Clients for one IAM Identity Center instance (its home region).
#[derive(Debug, Clone)]
pub struct SsoClients {
    /// The SSO portal API (ListAccounts, ListAccountRoles, GetRoleCredentials, Logout).
    pub portal: aws_sdk_sso::Client,
    /// SSO OIDC (RegisterClient, StartDeviceAuthorization, CreateToken).
    pub oidc: aws_sdk_ssooidc::Client,
    shared: SdkConfig,
}

impl SsoClients {
    pub async fn new(sso_region: &str, retry: RetrySettings) -> SsoClients {
        let shared = base_loader(sso_region, retry).no_credentials().load().await;
        SsoClients::from_shared(shared)
    }

    fn from_shared(shared: SdkConfig) -> SsoClients {
        let portal = aws_sdk_sso::config::Builder::from(&shared).retry_classifier(FailFast);
        let oidc = aws_sdk_ssooidc::config::Builder::from(&shared).retry_classifier(FailFast);
        SsoClients {
            portal: aws_sdk_sso::Client::from_conf(portal.build()),
            oidc: aws_sdk_ssooidc::Client::from_conf(oidc.build()),
            shared,
        }
    }

    /// Clients that talk to `endpoint` (e.g. the emulator's `http://127.0.0.1:PORT`) for both
    /// the portal and OIDC, whatever the environment says. Tests use this because setting
    /// `AWS_ENDPOINT_URL_SSO*` in-process would need `unsafe` (edition 2024).
    pub async fn with_endpoint(
        sso_region: &str,
        endpoint: &str,
        retry: RetrySettings,
    ) -> SsoClients {
        let shared = base_loader(sso_region, retry)
            .endpoint_url(endpoint)
            .no_credentials()
            .load()
            .await;
        SsoClients::from_shared(shared)
    }

    /// The shared configuration the clients were built from (region, endpoints, retries).
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.shared
    }
}

/// An STS client signing with the given role credentials (for `Via` role chaining).
pub async fn sts_client(
    region: &str,
    retry: RetrySettings,
    credentials: aws_sdk_sts::config::Credentials,
) -> aws_sdk_sts::Client {
    let shared = base_loader(region, retry)
        .credentials_provider(credentials)
        .load()
        .await;
    let config = aws_sdk_sts::config::Builder::from(&shared).retry_classifier(FailFast);
    aws_sdk_sts::Client::from_conf(config.build())
}

/// The STS endpoint in use for `region` (for messages): `$AWS_ENDPOINT_URL_STS`, else
/// `$AWS_ENDPOINT_URL`, else the regional endpoint.
pub fn sts_endpoint(region: &str) -> String {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let Some(url) = var("AWS_ENDPOINT_URL_STS").or_else(|| var("AWS_ENDPOINT_URL")) {
        return url.trim().trim_end_matches('/').to_string();
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://sts.{region}.{suffix}")
}

/// `$AWS_USE_FIPS_ENDPOINT` / `$AWS_USE_DUALSTACK_ENDPOINT` with Go's boolean spellings
/// (`1`, `t`, `true`, ...), as aws-sso-cli reads them; unset or unparsable: `None`, the SDK's
/// own resolution (env var, `~/.aws/config`).
pub fn endpoint_variants(var: impl Fn(&str) -> Option<String>) -> (Option<bool>, Option<bool>) {
    let parse = |name: &str| var(name).and_then(|v| go_bool(&v));
    (
        parse("AWS_USE_FIPS_ENDPOINT"),
        parse("AWS_USE_DUALSTACK_ENDPOINT"),
    )
}

fn go_bool(v: &str) -> Option<bool> {
    match v.trim() {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Every client (portal, OIDC, STS) honours FIPS and dual-stack: aws-sso-cli applied them
/// to STS and the authorize URL only, and its FAQ promised more.
fn base_loader(region: &str, retry: RetrySettings) -> aws_config::ConfigLoader {
    loader_with(region, retry, endpoint_variants(|k| std::env::var(k).ok()))
}

fn loader_with(
    region: &str,
    retry: RetrySettings,
    (fips, dual): (Option<bool>, Option<bool>),
) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(fips) = fips {
        loader = loader.use_fips(fips);
    }
    if let Some(dual) = dual {
        loader = loader.use_dual_stack(dual);
    }
    loader
        .region(Region::new(region.to_string()))
        .retry_config(retry.to_sdk())
        // Never hang on a dead endpoint: a user is waiting on every call.
        .timeout_config(retry.timeouts())
}

/// The AWS console federation endpoint (`getSigninToken`, `login`) for an Identity Center
/// region: `$AWS_ENDPOINT_URL_SIGNIN` when set (tests, the demo, emulators), otherwise
/// `https://<region>.signin.<partition domain>/federation` (docs/console.md, "Sign-in token").
pub fn signin_endpoint(region: &str, endpoint_override: Option<&str>) -> String {
    if let Some(url) = endpoint_override.map(str::trim).filter(|u| !u.is_empty()) {
        return format!("{}/federation", url.trim_end_matches('/'));
    }
    let domain = partition_domain(region);
    format!("https://{region}.signin.{domain}/federation")
}

/// The web domain of the partition `region` belongs to (sign-in and console hosts live under
/// it): China, GovCloud, the European Sovereign Cloud, or the commercial `aws.amazon.com`.
pub fn partition_domain(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.cn"
    } else if region.starts_with("us-gov-") {
        "amazonaws-us-gov.com"
    } else if region.starts_with("eusc-") {
        "amazonaws-eusc.eu"
    } else {
        "aws.amazon.com"
    }
}

/// [`signin_endpoint`] reading `$AWS_ENDPOINT_URL_SIGNIN` from the environment.
pub fn signin_endpoint_from_env(region: &str) -> String {
    let configured = std::env::var("AWS_ENDPOINT_URL_SIGNIN").ok();
    signin_endpoint(region, configured.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_variants_read_go_booleans() {
        let env = |fips: &'static str, dual: &'static str| {
            move |k: &str| {
                Some(match k {
                    "AWS_USE_FIPS_ENDPOINT" => fips,
                    _ => dual,
                })
                .filter(|v| !v.is_empty())
                .map(String::from)
            }
        };
        assert_eq!(
            endpoint_variants(env("1", "True")),
            (Some(true), Some(true))
        );
        assert_eq!(endpoint_variants(env("false", "")), (Some(false), None));
        assert_eq!(endpoint_variants(env("yes", "0")), (None, Some(false)));
    }

    #[tokio::test]
    async fn fips_and_dual_stack_reach_the_shared_config_of_every_client() {
        use aws_sdk_sso::config::endpoint::ResolveEndpoint;
        let shared = loader_with(
            "us-east-1",
            RetrySettings::default(),
            (Some(true), Some(true)),
        )
        .no_credentials()
        .load()
        .await;
        assert_eq!(shared.use_fips(), Some(true));
        assert_eq!(shared.use_dual_stack(), Some(true));
        let params = aws_sdk_sso::config::endpoint::Params::builder()
            .region("us-east-1")
            .use_fips(true)
            .use_dual_stack(true)
            .build()
            .unwrap();
        let ep = aws_sdk_sso::config::endpoint::DefaultResolver::new()
            .resolve_endpoint(&params)
            .await
            .unwrap();
        // Every client is built from `shared`, so each of them resolves such an endpoint.
        assert!(ep.url().contains("fips"), "{}", ep.url());
    }

    #[test]
    fn signin_endpoint_follows_partition_and_override() {
        assert_eq!(
            signin_endpoint("us-east-1", None),
            "https://us-east-1.signin.aws.amazon.com/federation"
        );
        assert_eq!(
            signin_endpoint("cn-north-1", None),
            "https://cn-north-1.signin.amazonaws.cn/federation"
        );
        assert_eq!(
            signin_endpoint("us-gov-west-1", None),
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/federation"
        );
        assert_eq!(
            signin_endpoint("eusc-de-east-1", None),
            "https://eusc-de-east-1.signin.amazonaws-eusc.eu/federation"
        );
        assert_eq!(
            signin_endpoint("us-east-1", Some("http://127.0.0.1:9/")),
            "http://127.0.0.1:9/federation"
        );
    }
}
