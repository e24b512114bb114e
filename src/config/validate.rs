//! After the walk: migrate deprecated settings the way aws-sso-cli does at load, then check
//! the cross-field rules aws-sso-cli checks at load (URL action kinds, 1Password) and the
//! ranges of the AWS call deadlines.

use super::enums::{SecureStoreKind, UrlAction};
use super::error::{Issue, Seg, Target};
use super::schema::{Config, DEFAULT_ACCOUNT_PRIMARY_TAG, EMPTY_PROFILE_FORMAT};

/// Settings whose meaning depends on older or optional keys, resolved after the walk.
pub(crate) struct Legacy {
    /// Deprecated `FirefoxOpenUrlInContainer`.
    pub firefox_container: bool,
    /// Deprecated `ConfigUrlAction`.
    pub config_url_action: Option<String>,
    /// `ConfigProfilesUrlAction` as written (it tracks `UrlAction` when absent).
    pub config_profiles_url_action: Option<UrlAction>,
}

/// Rewrite deprecated values in place and fill values that follow other settings.
pub(crate) fn apply_deprecations(config: &mut Config, legacy: &Legacy) {
    if legacy.firefox_container {
        tracing::debug!(
            "FirefoxOpenUrlInContainer is deprecated: using UrlAction: open-url-in-container"
        );
        config.url_action = UrlAction::OpenUrlInContainer;
    }
    let migrated = match (
        &legacy.config_profiles_url_action,
        &legacy.config_url_action,
    ) {
        (Some(explicit), _) => Some(*explicit),
        (None, Some(old)) => match old.parse::<UrlAction>() {
            Ok(action) if action == action.for_config_profiles() => {
                tracing::debug!(
                    "ConfigUrlAction is deprecated: using it as ConfigProfilesUrlAction"
                );
                Some(action)
            }
            _ => {
                tracing::warn!(value = %old, "invalid value for deprecated ConfigUrlAction; ignored");
                None
            }
        },
        (None, None) => None,
    };
    config.config_profiles_url_action =
        migrated.unwrap_or_else(|| config.url_action.for_config_profiles());

    for field in &mut config.list_fields {
        let renamed = match field.as_str() {
            "ExpiresStr" => "Expires",
            "AccountIdStr" => "AccountIdPad",
            "ARN" => "Arn",
            _ => continue,
        };
        *field = renamed.to_string();
    }
    config.profile_format = config
        .profile_format
        .replace("AccountIdStr .AccountId", ".AccountIdPad");
    if config.profile_format.is_empty() {
        config.profile_format = EMPTY_PROFILE_FORMAT.to_string();
    }
    if config.account_primary_tag.is_empty() {
        config.account_primary_tag = DEFAULT_ACCOUNT_PRIMARY_TAG
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
}

/// The cross-field checks aws-sso-cli makes at load or when the setting is first used.
pub(crate) fn validate(config: &Config, legacy: &Legacy) -> Result<(), Issue> {
    for (key, secs) in [
        ("ApiTimeout", config.api_timeout),
        ("ProcessTimeout", config.process_timeout),
    ] {
        if !(1..=3600).contains(&secs) {
            return Err(Issue::new(
                vec![Seg::Field(key)],
                Target::Value,
                format!("must be a number of seconds from 1 to 3600, got {secs}"),
            ));
        }
    }
    if !(0..=600).contains(&config.clipboard_clear_seconds) {
        return Err(Issue::new(
            vec![Seg::Field("ClipboardClearSeconds")],
            Target::Value,
            format!(
                "must be a number of seconds from 0 (keep) to 600, got {}",
                config.clipboard_clear_seconds
            ),
        ));
    }
    let cpua_key = if legacy.config_profiles_url_action.is_some() {
        "ConfigProfilesUrlAction"
    } else {
        "ConfigUrlAction"
    };
    let cpua = config.config_profiles_url_action;
    if cpua != cpua.for_config_profiles() {
        let allowed: Vec<&str> = UrlAction::ALL
            .iter()
            .filter(|a| **a == a.for_config_profiles())
            .map(|a| a.as_str())
            .collect();
        return Err(Issue::new(
            vec![Seg::Field(cpua_key)],
            Target::Value,
            format!(
                "invalid Action: {cpua} (allowed here: {}; profiles run without a terminal)",
                allowed.join(", ")
            ),
        ));
    }

    let url = config.url_action;
    if url.is_container() != cpua.is_container()
        && (url == UrlAction::Exec || cpua == UrlAction::Exec)
    {
        return Err(Issue::new(
            vec![Seg::Field(cpua_key)],
            Target::Value,
            format!(
                "must not select exec and a Firefox container option \
                 (UrlAction is {url}, ConfigProfilesUrlAction is {cpua}; use the same kind for both)"
            ),
        ));
    }

    // `UrlExecCommand` and `ConsoleDuration` are checked where they are used (opening a URL,
    // `console`): aws-sso-cli loads a file with a missing or odd value, so every other
    // command keeps working.

    if config.secure_store == Some(SecureStoreKind::OnePassword)
        && config.one_password.vault.trim().is_empty()
    {
        return Err(Issue::new(
            vec![Seg::Field("OnePassword"), Seg::Field("Vault")],
            Target::Parent,
            "missing required key (name the 1Password vault to use, because SecureStore is 1password)",
        ));
    }
    Ok(())
}

/// `arn:<partition>:iam::<account id>:role/<name>`, without a role path: the only form
/// aws-sso-cli can chain through with `Via`.
pub fn is_plain_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    let name = resource.strip_prefix("role/").unwrap_or("");
    *prefix == "arn"
        && partition.starts_with("aws")
        && *service == "iam"
        && region.is_empty()
        && (1..=12).contains(&account.len())
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        assert!(is_plain_role_arn("arn:aws:iam::000001111111:role/Admin"));
        assert!(is_plain_role_arn("arn:aws-us-gov:iam::1:role/a.b@c"));
        assert!(!is_plain_role_arn(
            "arn:aws:iam::000001111111:role/path/Admin"
        ));
        assert!(!is_plain_role_arn("arn:aws:iam::000001111111:user/bob"));
        assert!(!is_plain_role_arn("arn:aws:sts::000001111111:role/Admin"));
        assert!(!is_plain_role_arn("arn:aws:iam::0000011111112:role/Admin"));
        assert!(!is_plain_role_arn("Admin"));
    }
}
