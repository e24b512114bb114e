//! The typed `config.yaml` model: top-level settings, SSO instances, accounts and roles,
//! with aws-sso-cli's code defaults.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde_yaml_ng::Value;

use super::colors::PromptColors;
use super::enums::{AuthWorkflow, LogLevel, OnePasswordAuth, SecureStoreKind, UrlAction};

/// Default `ProfileFormat` (aws-sso-cli's "Friendly" template; its docs claim otherwise).
pub const DEFAULT_PROFILE_FORMAT: &str =
    "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}";
/// What an explicitly empty `ProfileFormat` means.
pub const EMPTY_PROFILE_FORMAT: &str = "{{ .AccountIdPad }}:{{ .RoleName }}";
/// Default `list` columns.
pub const DEFAULT_LIST_FIELDS: &[&str] = &[
    "AccountIdPad",
    "AccountAlias",
    "RoleName",
    "Profile",
    "Expires",
];
/// Default `AccountPrimaryTag` (also used when the configured list is empty).
pub const DEFAULT_ACCOUNT_PRIMARY_TAG: &[&str] = &["AccountName", "AccountAlias", "Email"];
/// Default `DefaultSSO`.
pub const DEFAULT_SSO_NAME: &str = "Default";
/// Default global `DefaultRegion`.
pub const DEFAULT_REGION: &str = "us-east-1";
/// Default `SecretServiceCollection`.
pub const DEFAULT_SECRET_SERVICE_COLLECTION: &str = "awsssocli";
/// Default `ApiTimeout`: seconds one AWS operation may take, retries included.
pub const DEFAULT_API_TIMEOUT: i64 = 60;
/// Default `ProcessTimeout`: the same for `process` and `eval`. The AWS CLI and SDKs wait on
/// `process`; a dead endpoint should cost them seconds, not a minute.
pub const DEFAULT_PROCESS_TIMEOUT: i64 = 15;

/// An AWS account id: 0..=999999999999, shown 12-digit zero-padded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(u64);

impl AccountId {
    /// Largest valid account id.
    pub const MAX: u64 = 999_999_999_999;

    /// `None` when `id` has more than 12 digits.
    pub fn new(id: u64) -> Option<AccountId> {
        (id <= Self::MAX).then_some(AccountId(id))
    }

    /// The numeric value (what cache.json keys use).
    pub fn get(self) -> u64 {
        self.0
    }

    /// The 12-digit zero-padded form (`AccountIdPad`).
    pub fn padded(self) -> String {
        format!("{:012}", self.0)
    }

    /// Parse the spellings aws-sso-cli accepts for account keys: digits with or without
    /// leading zeros, and YAML's float rendering of long numbers such as `1.2e+10`.
    pub fn parse(text: &str) -> Option<AccountId> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            let digits = text.trim_start_matches('0');
            if digits.len() > 12 {
                return None;
            }
            return AccountId::new(digits.parse().unwrap_or(0));
        }
        if text.contains(['e', 'E', '.']) && !text.starts_with(['-', '+']) {
            return text.parse::<f64>().ok().and_then(AccountId::from_f64);
        }
        None
    }

    /// Accept a float only when it is a whole number in range.
    pub(crate) fn from_f64(f: f64) -> Option<AccountId> {
        if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= Self::MAX as f64 {
            AccountId::new(f as u64)
        } else {
            None
        }
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012}", self.0)
    }
}

impl FromStr for AccountId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        AccountId::parse(s).ok_or_else(|| {
            format!("invalid account id '{s}' (expected up to 12 digits, e.g. 000001111111)")
        })
    }
}

/// The loaded `config.yaml`: every aws-sso-cli setting with its effective value.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file this was loaded from (or the origin given to `from_str`).
    pub file: PathBuf,
    /// The file's modification time in unix seconds (`None` when not loaded from disk).
    pub mtime: Option<i64>,
    /// `SSOConfig`: instance name → instance.
    pub sso_config: BTreeMap<String, SsoConfig>,
    pub default_sso: String,
    /// Whether the file sets `DefaultSSO` (a name it gives that matches no instance is worth
    /// a warning; the built-in default is not).
    pub default_sso_set: bool,
    pub default_region: String,
    /// Effective workflow (`device_code` on SSH/WSL hosts when the file leaves it unset).
    pub auth_workflow: AuthWorkflow,
    pub auto_login: bool,
    /// Role-cache TTL in hours; ≤0 disables TTL and config-mtime checks.
    pub cache_refresh: i64,
    pub auto_config_check: bool,
    pub threads: i64,
    pub max_retry: i64,
    /// Seconds.
    pub max_backoff: i64,
    /// aws-sso extension: seconds one AWS operation may take, retries included.
    pub api_timeout: i64,
    /// aws-sso extension: the same for `process` and `eval`, whose callers wait on them.
    pub process_timeout: i64,
    pub browser: String,
    pub url_action: UrlAction,
    pub url_exec_command: Vec<String>,
    /// Effective value: explicit, migrated from `ConfigUrlAction`, or tracking `UrlAction`.
    pub config_profiles_url_action: UrlAction,
    pub config_profiles_binary_path: String,
    /// Minutes, 15..=720.
    pub console_duration: i64,
    pub log_level: LogLevel,
    pub log_lines: bool,
    pub history_limit: i64,
    pub history_minutes: i64,
    /// `None`: pick the platform's keyring automatically.
    pub secure_store: Option<SecureStoreKind>,
    /// Path for `SecureStore: json`, `~` expanded; defaults to `<ConfigDir>/store.json`.
    pub json_store: PathBuf,
    pub secret_service_collection: String,
    pub one_password: OnePassword,
    /// Effective template (deprecations rewritten, empty string → AccountIdPad form).
    pub profile_format: String,
    /// Extra `key = value` lines for generated profiles; YAML scalars kept as written
    /// (render with [`super::go_value_string`]).
    pub config_variables: BTreeMap<String, Value>,
    pub first_tag: String,
    pub full_text_search: bool,
    pub account_primary_tag: Vec<String>,
    pub prompt_colors: PromptColors,
    pub list_fields: Vec<String>,
    pub env_var_tags: Vec<String>,
    /// aws-sso extension: the picker's theme (built-in name, user theme or path).
    pub theme: String,
    /// aws-sso extension: picker action name -> keys (`"ctrl-o, f5"`, `none`).
    pub key_bindings: BTreeMap<String, String>,
    /// aws-sso extension: seconds a secret copied from the picker stays on the clipboard.
    pub clipboard_clear_seconds: i64,
}

/// `OnePassword` settings for `SecureStore: 1password`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnePassword {
    pub vault: String,
    pub auth_type: OnePasswordAuth,
    pub account: String,
}

impl Default for OnePassword {
    fn default() -> Self {
        OnePassword {
            vault: String::new(),
            auth_type: OnePasswordAuth::Desktop,
            account: String::new(),
        }
    }
}

/// One `SSOConfig.<Name>` instance. Empty strings in the file load as `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoConfig {
    pub sso_region: String,
    pub start_url: String,
    pub default_region: Option<String>,
    /// URL action for login only; `None` → the global `UrlAction`.
    pub auth_url_action: Option<UrlAction>,
    pub accounts: BTreeMap<AccountId, SsoAccount>,
}

/// `SSOConfig.<Name>.Accounts.<AccountId>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SsoAccount {
    /// Becomes `AccountName`.
    pub name: Option<String>,
    pub default_region: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub roles: BTreeMap<String, SsoRole>,
}

/// `…Accounts.<AccountId>.Roles.<RoleName>`; a null role loads as all-`None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SsoRole {
    /// Explicit profile name (overrides ProfileFormat).
    pub profile: Option<String>,
    pub default_region: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// ARN of the role to assume first (role chaining).
    pub via: Option<String>,
    pub source_identity: Option<String>,
    pub external_id: Option<String>,
}

impl SsoConfig {
    /// The configured account, if any.
    pub fn account(&self, id: AccountId) -> Option<&SsoAccount> {
        self.accounts.get(&id)
    }

    /// The configured role of an account, if any (role names are case-sensitive).
    pub fn role(&self, id: AccountId, role: &str) -> Option<&SsoRole> {
        self.account(id).and_then(|a| a.roles.get(role))
    }

    /// Configured accounts in account-id order.
    pub fn accounts(&self) -> impl Iterator<Item = (AccountId, &SsoAccount)> {
        self.accounts.iter().map(|(id, a)| (*id, a))
    }

    /// Every configured role as (account, role name, role), ordered by account then name.
    pub fn roles(&self) -> impl Iterator<Item = (AccountId, &str, &SsoRole)> {
        self.accounts.iter().flat_map(|(id, account)| {
            account
                .roles
                .iter()
                .map(move |(name, role)| (*id, name.as_str(), role))
        })
    }

    /// The most specific configured region: role > account > instance `DefaultRegion`
    /// (not the global one; this is the template's `.DefaultRegion`).
    pub fn role_region(&self, id: AccountId, role: &str) -> Option<&str> {
        let account = self.account(id);
        account
            .and_then(|a| a.roles.get(role))
            .and_then(|r| r.default_region.as_deref())
            .or_else(|| account.and_then(|a| a.default_region.as_deref()))
            .or(self.default_region.as_deref())
    }
}

impl Config {
    /// Region exported for a role: role > account > instance > global `DefaultRegion`.
    pub fn effective_region<'a>(
        &'a self,
        instance: &'a SsoConfig,
        id: AccountId,
        role: &str,
    ) -> &'a str {
        instance
            .role_region(id, role)
            .unwrap_or(self.default_region.as_str())
    }

    /// The config file's modification time in unix seconds (cache expiry compares it).
    pub fn mtime(&self) -> Option<i64> {
        self.mtime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_parse_every_yaml_spelling() {
        let id = AccountId::new(1111111).unwrap();
        assert_eq!(AccountId::parse("000001111111"), Some(id));
        assert_eq!(AccountId::parse("1111111"), Some(id));
        assert_eq!(
            AccountId::parse("1.2e+10"),
            Some(AccountId::new(12_000_000_000).unwrap())
        );
        assert_eq!(AccountId::parse("0"), Some(AccountId::new(0).unwrap()));
        assert_eq!(
            AccountId::parse("999999999999").map(AccountId::get),
            Some(999_999_999_999)
        );
        assert_eq!(AccountId::parse("1000000000000"), None);
        assert_eq!(AccountId::parse("1.5"), None);
        assert_eq!(AccountId::parse("-1"), None);
        assert_eq!(AccountId::parse("abc"), None);
        assert_eq!(id.padded(), "000001111111");
        assert_eq!(id.to_string(), "000001111111");
    }

    fn instance() -> SsoConfig {
        let id = AccountId::new(1).unwrap();
        let mut account = SsoAccount {
            default_region: Some("eu-west-1".into()),
            ..Default::default()
        };
        account.roles.insert(
            "Admin".into(),
            SsoRole {
                default_region: Some("eu-central-1".into()),
                ..Default::default()
            },
        );
        account.roles.insert("ReadOnly".into(), SsoRole::default());
        SsoConfig {
            sso_region: "us-east-1".into(),
            start_url: "https://x.awsapps.com/start".into(),
            default_region: Some("us-west-2".into()),
            auth_url_action: None,
            accounts: [(id, account)].into_iter().collect(),
        }
    }

    #[test]
    fn role_region_prefers_most_specific() {
        let sso = instance();
        let one = AccountId::new(1).unwrap();
        assert_eq!(sso.role_region(one, "Admin"), Some("eu-central-1"));
        assert_eq!(sso.role_region(one, "ReadOnly"), Some("eu-west-1"));
        assert_eq!(sso.role_region(one, "Other"), Some("eu-west-1"));
        let two = AccountId::new(2).unwrap();
        assert_eq!(sso.role_region(two, "Admin"), Some("us-west-2"));
        let names: Vec<_> = sso.roles().map(|(_, n, _)| n).collect();
        assert_eq!(names, ["Admin", "ReadOnly"]);
    }
}
