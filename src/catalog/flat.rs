//! A flat, borrowed view of one cached role with everything aws-sso-cli's `AWSRoleFlat`
//! exposes (account, instance, tags, regions), without copying the cache.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::cache::{CachedAccount, CachedRole, SsoCache, Tags, Text};
use crate::role;

/// The tag names [`role_tags`] may add, interned once so checking a role is a few integer
/// compares (the picker does it for every role at start).
struct ShownKeys {
    account_id: Text,
    email: Text,
    alias: Text,
    name: Text,
    profile: Text,
    via: Text,
}

static SHOWN_KEYS: LazyLock<ShownKeys> = LazyLock::new(|| ShownKeys {
    account_id: Text::new("AccountID"),
    email: Text::new("Email"),
    alias: Text::new("AccountAlias"),
    name: Text::new("AccountName"),
    profile: Text::new("Profile"),
    via: Text::new("Via"),
});

/// A role's tags as aws-sso-cli shows them (`tags`, the picker, `EnvVarTags`, a template's
/// `.Tags`): the account's tags, then `AccountID`, `Email`, `AccountAlias` and `AccountName`
/// (when known), `Profile` (an explicit one) and `Via` (the source role's ARN), and the role's
/// own tags over all of them. A cache.json written by aws-sso-cli keeps account tags on the
/// account only, so they are merged here rather than at refresh.
pub fn role_tags(account_id: u64, account: &CachedAccount, role: &CachedRole) -> Tags {
    let own = &role.tags;
    let keys = &*SHOWN_KEYS;
    let has = |key: Text| own.pairs().iter().any(|(k, _)| *k == key);
    let missing = |key: Text, value: Text| !value.is_empty() && !has(key);
    // The common case (every role of a cache this tool wrote): nothing to add, no allocation
    // beyond the copy.
    let complete = !missing(keys.profile, role.profile)
        && !missing(keys.via, role.via)
        && has(keys.account_id)
        && has(keys.email)
        && !missing(keys.alias, account.alias)
        && !missing(keys.name, account.name)
        && account.tags.pairs().iter().all(|(k, _)| has(*k));
    if complete {
        return own.clone();
    }
    let mut pairs: Vec<(Text, Text)> = account.tags.pairs().to_vec();
    if !has(keys.account_id) {
        pairs.push((keys.account_id, role::pad_account(account_id).into()));
    }
    pairs.push((keys.email, account.email_address));
    for (key, value) in [
        (keys.alias, account.alias),
        (keys.name, account.name),
        (keys.profile, role.profile),
        (keys.via, role.via),
    ] {
        if !value.is_empty() {
            pairs.push((key, value));
        }
    }
    // Later pairs win: the role's own tags last.
    pairs.extend_from_slice(own.pairs());
    pairs.into_iter().collect()
}

/// One role of one SSO instance, borrowed from the cache.
#[derive(Debug, Clone, Copy)]
pub struct FlatRole<'a> {
    pub sso: &'a str,
    pub instance: &'a SsoCache,
    pub account_id: u64,
    pub account: &'a CachedAccount,
    pub role_name: &'a str,
    pub role: &'a CachedRole,
}

impl<'a> FlatRole<'a> {
    pub fn arn(&self) -> &'a str {
        &self.role.arn
    }
    pub fn account_id_pad(&self) -> String {
        role::pad_account(self.account_id)
    }
    /// The account name AWS reports (aws-sso-cli's "AccountAlias").
    pub fn account_alias(&self) -> &'a str {
        &self.account.alias
    }
    /// The friendly `Name` from config.yaml.
    pub fn account_name(&self) -> &'a str {
        &self.account.name
    }
    pub fn email(&self) -> &'a str {
        &self.account.email_address
    }
    /// Role, then account, then instance default region (never the global default).
    pub fn default_region(&self) -> &'a str {
        [
            self.role.default_region.as_str(),
            self.account.default_region.as_str(),
            self.instance.roles.default_region.as_str(),
        ]
        .into_iter()
        .find(|r| !r.is_empty())
        .unwrap_or("")
    }
    /// The explicit `Profile` from config.yaml, if any.
    pub fn explicit_profile(&self) -> Option<&'a str> {
        Some(self.role.profile.as_str()).filter(|p| !p.is_empty())
    }
    /// The tags shown for this role ([`role_tags`]).
    pub fn tags(&self) -> Tags {
        role_tags(self.account_id, self.account, self.role)
    }
    pub fn via(&self) -> &'a str {
        &self.role.via
    }
    /// Unix seconds when cached STS credentials expire, if they are still valid at `now`.
    pub fn live_expiry(&self, now: i64) -> Option<i64> {
        Some(self.role.expires).filter(|&e| e > now)
    }

    /// The record a `ProfileFormat` template is evaluated against (Go's `AWSRoleFlat`).
    pub fn template_value(&self, id: usize, now: i64) -> Value {
        let mut m = Map::with_capacity(17);
        let s = |v: &str| Value::String(v.to_string());
        m.insert("Id".into(), Value::from(id));
        m.insert("AccountId".into(), Value::from(self.account_id));
        m.insert("AccountIdPad".into(), Value::String(self.account_id_pad()));
        m.insert("AccountAlias".into(), s(self.account_alias()));
        m.insert("AccountName".into(), s(self.account_name()));
        m.insert("EmailAddress".into(), s(self.email()));
        m.insert(
            "Expires".into(),
            Value::String(expires_text(self.role.expires, now)),
        );
        m.insert(
            "ExpiresEpoch".into(),
            Value::from(self.live_expiry(now).unwrap_or(0)),
        );
        m.insert("Arn".into(), s(self.arn()));
        m.insert("RoleName".into(), s(self.role_name));
        m.insert("Profile".into(), s(&self.role.profile));
        m.insert("DefaultRegion".into(), s(self.default_region()));
        m.insert("SSO".into(), s(self.sso));
        m.insert("SSORegion".into(), s(&self.instance.roles.sso_region));
        m.insert("StartUrl".into(), s(&self.instance.roles.start_url));
        let tags: Map<String, Value> = self
            .tags()
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        m.insert("Tags".into(), Value::Object(tags));
        m.insert("Via".into(), s(self.via()));
        Value::Object(m)
    }
}

/// Every role of an instance in a stable order: account id, then role name.
pub fn instance_roles<'a>(sso: &'a str, instance: &'a SsoCache) -> Vec<FlatRole<'a>> {
    let mut out = Vec::with_capacity(instance.role_count());
    for (account_id, account) in &instance.roles.accounts {
        for (role_name, role) in &account.roles {
            out.push(FlatRole {
                sso,
                instance,
                account_id: *account_id,
                account,
                role_name,
                role,
            });
        }
    }
    out
}

/// Remaining credential time as aws-sso-cli's `list` shows it: `Expired`, `< 1m`, `45m`,
/// `1h  5m` (minutes right-aligned in two columns after hours).
pub fn remaining_text(expires: i64, now: i64) -> String {
    let left = expires - now;
    if expires <= 0 || left <= 0 {
        return "Expired".to_string();
    }
    if left < 60 {
        return "< 1m".to_string();
    }
    let (h, m) = (left / 3600, (left % 3600) / 60);
    if h > 0 {
        format!("{h}h {m:>2}m")
    } else {
        format!("{m}m")
    }
}

/// The `Expires` list column: [`remaining_text`] right-aligned to 7 columns (Go `%7s`).
pub fn expires_text(expires: i64, now: i64) -> String {
    format!("{:>7}", remaining_text(expires, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_time_formats() {
        assert_eq!(remaining_text(0, 100), "Expired");
        assert_eq!(remaining_text(100, 100), "Expired");
        assert_eq!(remaining_text(159, 100), "< 1m");
        assert_eq!(remaining_text(100 + 45 * 60 + 59, 100), "45m");
        assert_eq!(remaining_text(100 + 3600 + 5 * 60, 100), "1h  5m");
        assert_eq!(remaining_text(100 + 10 * 3600 + 15 * 60, 100), "10h 15m");
        assert_eq!(expires_text(100 + 3600 + 5 * 60, 100), " 1h  5m");
        assert_eq!(expires_text(0, 1), "Expired");
    }
}
