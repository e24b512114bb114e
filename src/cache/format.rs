//! The on-disk shape of `cache.json`, field for field as aws-sso-cli v2 writes it (Version 4).
//!
//! Field order follows the Go structs so files we write diff cleanly against the Go tool's.
//! Account keys are the *unpadded* decimal account id (Go's `map[int64]` JSON encoding); we
//! also accept leading zeros when reading. Maps are `BTreeMap<String, _>` because Go's encoder
//! sorts map keys by their string form.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::{Tags, Text};

/// The only layout we read as current; older files count as expired.
pub const CACHE_VERSION: i64 = 4;

/// The whole `cache.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CacheFile {
    #[serde(rename = "Version", default)]
    pub version: i64,
    /// Mtime (unix seconds) of config.yaml at the last refresh.
    #[serde(rename = "ConfigCreatedAt", default)]
    pub config_created_at: i64,
    #[serde(rename = "SSO", default, deserialize_with = "null_as_default")]
    pub sso: BTreeMap<String, SsoCache>,
}

/// One SSO instance's cached catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SsoCache {
    #[serde(rename = "LastUpdate", default)]
    pub last_update: i64,
    #[serde(rename = "ConfigHash", default)]
    pub config_hash: String,
    /// Most-recent-first role ARNs.
    #[serde(rename = "History", default, deserialize_with = "null_as_default")]
    pub history: Vec<String>,
    #[serde(rename = "Roles", default)]
    pub roles: InstanceRoles,
    /// Not in cache.json: the `ProfileFormat` every role's [`CachedRole::rendered_profile`]
    /// was computed with, kept in cache.bin so the picker need not render them again. A
    /// refresh's new roles carry none, and then the instance has none.
    #[serde(skip)]
    pub rendered_with: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceRoles {
    #[serde(
        rename = "Accounts",
        default,
        serialize_with = "ser_accounts",
        deserialize_with = "de_accounts"
    )]
    pub accounts: BTreeMap<u64, CachedAccount>,
    #[serde(rename = "SSORegion", default)]
    pub sso_region: String,
    #[serde(rename = "StartUrl", default)]
    pub start_url: String,
    #[serde(rename = "DefaultRegion", default)]
    pub default_region: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CachedAccount {
    /// The account name AWS reports (aws-sso-cli calls it "alias").
    #[serde(rename = "Alias", default, skip_serializing_if = "Text::is_empty")]
    pub alias: Text,
    /// The friendly `Name` from config.yaml.
    #[serde(rename = "Name", default, skip_serializing_if = "Text::is_empty")]
    pub name: Text,
    #[serde(
        rename = "EmailAddress",
        default,
        skip_serializing_if = "Text::is_empty"
    )]
    pub email_address: Text,
    #[serde(rename = "Tags", default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    #[serde(
        rename = "Roles",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub roles: BTreeMap<Text, CachedRole>,
    #[serde(
        rename = "DefaultRegion",
        default,
        skip_serializing_if = "Text::is_empty"
    )]
    pub default_region: Text,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CachedRole {
    #[serde(rename = "Arn", default)]
    pub arn: Text,
    #[serde(
        rename = "DefaultRegion",
        default,
        skip_serializing_if = "Text::is_empty"
    )]
    pub default_region: Text,
    /// Unix seconds when the cached STS credentials expire; 0 = none.
    #[serde(rename = "Expires", default, skip_serializing_if = "is_zero")]
    pub expires: i64,
    #[serde(rename = "Profile", default, skip_serializing_if = "Text::is_empty")]
    pub profile: Text,
    #[serde(rename = "Tags", default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    #[serde(rename = "Via", default, skip_serializing_if = "Text::is_empty")]
    pub via: Text,
    /// Not in cache.json: the role's profile name under [`SsoCache::rendered_with`].
    #[serde(skip)]
    pub rendered_profile: Text,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// Go writes `null` for nil maps and slices; read it as empty.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn ser_accounts<S: Serializer>(
    accounts: &BTreeMap<u64, CachedAccount>,
    s: S,
) -> Result<S::Ok, S::Error> {
    // Go sorts integer map keys by their decimal string, so "1111111" sorts before "222".
    let by_text: BTreeMap<String, &CachedAccount> =
        accounts.iter().map(|(k, v)| (k.to_string(), v)).collect();
    by_text.serialize(s)
}

fn de_accounts<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u64, CachedAccount>, D::Error> {
    d.deserialize_option(AccountsVisitor)
}

/// Reads the accounts map entry by entry, keyed by the account id parsed from each key.
struct AccountsVisitor;

impl<'de> Visitor<'de> for AccountsVisitor {
    type Value = BTreeMap<u64, CachedAccount>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of account ids to accounts")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let account: CachedAccount = map.next_value()?;
            let id = parse_account_key(&key).ok_or_else(|| {
                de::Error::custom(format!(
                    "account key '{key}' is not an account id (0..=999999999999)"
                ))
            })?;
            out.insert(id, account);
        }
        Ok(out)
    }
}

/// Parse a decimal account id, leading zeros allowed.
pub fn parse_account_key(key: &str) -> Option<u64> {
    let key = key.trim();
    if key.is_empty() || key.len() > 12 || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_keys_sort_like_go_and_accept_leading_zeros() {
        let json = r#"{"Version":4,"ConfigCreatedAt":1,"SSO":{"Default":{"LastUpdate":2,
            "ConfigHash":"h","History":null,"Roles":{"Accounts":{
              "000000000222":{"Alias":"b"},"1111111":{"Alias":"a"}},
              "SSORegion":"us-east-1","StartUrl":"https://x/start","DefaultRegion":""}}}}"#;
        let cache: CacheFile = serde_json::from_str(json).unwrap();
        let roles = &cache.sso["Default"].roles;
        assert_eq!(roles.accounts[&222].alias, "b");
        assert_eq!(roles.accounts[&1111111].alias, "a");
        let out = serde_json::to_string(&cache).unwrap();
        let a = out.find("\"1111111\"").unwrap();
        let b = out.find("\"222\"").unwrap();
        assert!(a < b, "Go orders integer keys by their text: {out}");
        assert!(out.contains("\"History\":[]"));
    }

    #[test]
    fn omits_empty_fields_like_go() {
        let role = CachedRole {
            arn: "arn:aws:iam::000000000001:role/R".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&role).unwrap(),
            r#"{"Arn":"arn:aws:iam::000000000001:role/R"}"#
        );
    }

    #[test]
    fn rejects_non_numeric_account_keys() {
        let json = r#"{"Version":4,"SSO":{"D":{"Roles":{"Accounts":{"abc":{}}}}}}"#;
        let err = serde_json::from_str::<CacheFile>(json).unwrap_err();
        assert!(err.to_string().contains("account key 'abc'"), "{err}");
    }
}
