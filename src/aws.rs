//! AWS SDK clients, always built through aws-config so the standard endpoint variables
//! (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`,
//! `AWS_ENDPOINT_URL_STS`) work as in every AWS SDK. That is how tests, the demo and users
//! reach an emulator. The portal and OIDC APIs are unsigned (`no_credentials`).

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// Retry settings from config.yaml (`MaxRetry`, `MaxBackoff` seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySettings {
    pub max_attempts: u32,
    pub max_backoff_secs: u64,
}

impl Default for RetrySettings {
    fn default() -> Self {
        RetrySettings {
            max_attempts: 10,
            max_backoff_secs: 5,
        }
    }
}

impl RetrySettings {
    fn to_sdk(self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(self.max_attempts.max(1))
            .with_max_backoff(Duration::from_secs(self.max_backoff_secs.max(1)))
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
        SsoClients {
            portal: aws_sdk_sso::Client::new(&shared),
            oidc: aws_sdk_ssooidc::Client::new(&shared),
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
        SsoClients {
            portal: aws_sdk_sso::Client::new(&shared),
            oidc: aws_sdk_ssooidc::Client::new(&shared),
            shared,
        }
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
    aws_sdk_sts::Client::new(&shared)
}

fn base_loader(region: &str, retry: RetrySettings) -> aws_config::ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .retry_config(retry.to_sdk())
        // Never hang on a dead endpoint: a user is waiting on every call.
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        )
}

/// The AWS console federation endpoint (`getSigninToken`, `login`) for an Identity Center
/// region: `$AWS_ENDPOINT_URL_SIGNIN` when set (tests, the demo, emulators), otherwise
/// `https://<region>.signin.<partition domain>/federation` (spec §7).
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
    use super::signin_endpoint;

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
