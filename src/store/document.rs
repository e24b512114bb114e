//! The logical content of the secure store (docs/formats.md, "The secure store") and its two on-disk shapes.
//!
//! * [`Shape::Keyring`]: what every keyring-style backend (and our encrypted file) stores: one
//!   compact JSON document with aws-sso-cli's prefixed keys (`client-data:<SSO>`,
//!   `token-response:<SSO>`), so a macOS Keychain or Windows Credential Manager item written by
//!   aws-sso-cli is read as is, and vice versa.
//! * [`Shape::JsonStore`]: aws-sso-cli's `store.json`: unprefixed keys, `RegisterClient` instead
//!   of `RegisterClientData`, every top-level field omitted when empty, 2-space indent.
//!
//! Field names are Go's JSON tags. Unknown top-level keys are kept and written back, so a newer
//! or older aws-sso-cli sharing the store does not lose data when we rewrite it.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::error::StoreError;
use super::secret::Secret;

/// Grant type a registration without `grantTypes` was made for (aws-sso-cli < 2.2).
pub const LEGACY_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

const CLIENT_DATA_PREFIX: &str = "client-data:";
const TOKEN_RESPONSE_PREFIX: &str = "token-response:";

/// An OIDC client registration (`sso-oidc:RegisterClient` result) for one SSO instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterClientData {
    #[serde(
        rename = "authorizationEndpoint",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub authorization_endpoint: Option<String>,
    #[serde(rename = "clientId", default)]
    pub client_id: String,
    /// Unix seconds.
    #[serde(rename = "clientIdIssuedAt", default)]
    pub client_id_issued_at: i64,
    #[serde(rename = "clientSecret", default)]
    pub client_secret: Secret,
    /// Unix seconds.
    #[serde(rename = "clientSecretExpiresAt", default)]
    pub client_secret_expires_at: i64,
    #[serde(
        rename = "tokenEndpoint",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub token_endpoint: Option<String>,
    #[serde(rename = "grantTypes", default, skip_serializing_if = "Vec::is_empty")]
    pub grant_types: Vec<String>,
}

impl RegisterClientData {
    /// The grant types this registration is good for; none stored means device code only
    /// (registrations aws-sso-cli made before it learnt PKCE).
    pub fn effective_grant_types(&self) -> Vec<String> {
        if self.grant_types.is_empty() {
            vec![LEGACY_GRANT_TYPE.to_owned()]
        } else {
            self.grant_types.clone()
        }
    }

    /// aws-sso-cli 2.2.0/2.2.1 registered clients with more than two grant types, which some
    /// organisations reject (#1359): such a registration must be replaced.
    pub fn has_too_many_grant_types(&self) -> bool {
        self.grant_types.len() > 2
    }

    /// True once the client secret has expired (`now` in unix seconds).
    pub fn is_expired(&self, now: i64) -> bool {
        self.client_secret_expires_at <= now
    }
}

/// An OIDC token (`sso-oidc:CreateToken` result) for one SSO instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTokenResponse {
    #[serde(rename = "accessToken", default)]
    pub access_token: Secret,
    /// Seconds the token was valid for when issued.
    #[serde(rename = "expiresIn", default)]
    pub expires_in: i64,
    /// Unix seconds.
    #[serde(rename = "expiresAt", default)]
    pub expires_at: i64,
    #[serde(rename = "IdToken", default)]
    pub id_token: Secret,
    #[serde(rename = "RefreshToken", default)]
    pub refresh_token: Secret,
    #[serde(rename = "tokenType", default)]
    pub token_type: String,
}

impl CreateTokenResponse {
    /// True once the access token has expired (`now` in unix seconds).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at <= now
    }
}

/// STS credentials for one role, keyed by role ARN in the store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCredentials {
    #[serde(rename = "roleName", default)]
    pub role_name: String,
    /// Written as a JSON number, like Go's int64 (so leading zeros are lost; see
    /// [`RoleCredentials::account_id_padded`]). Strings are accepted when reading.
    #[serde(rename = "accountId", default, deserialize_with = "flex_u64")]
    pub account_id: u64,
    #[serde(rename = "accessKeyId", default)]
    pub access_key_id: String,
    #[serde(rename = "secretAccessKey", default)]
    pub secret_access_key: Secret,
    #[serde(rename = "sessionToken", default)]
    pub session_token: Secret,
    /// Unix **milliseconds**.
    #[serde(rename = "expiration", default)]
    pub expiration: i64,
    #[serde(rename = "roleChaining", default)]
    pub role_chaining: bool,
}

impl RoleCredentials {
    /// The 12-digit account id.
    pub fn account_id_padded(&self) -> String {
        format!("{:012}", self.account_id)
    }

    /// Expiry in unix seconds.
    pub fn expires_at_secs(&self) -> i64 {
        self.expiration.div_euclid(1000)
    }

    /// True when the credentials are still valid `margin_secs` from `now` (unix seconds).
    pub fn is_valid_for(&self, now: i64, margin_secs: i64) -> bool {
        self.expiration > (now + margin_secs).saturating_mul(1000)
    }
}

/// Legacy long-lived IAM user credentials (unused by v2 commands, kept for compatibility).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticCredentials {
    #[serde(rename = "Profile", default)]
    pub profile: String,
    #[serde(rename = "userName", default)]
    pub user_name: String,
    #[serde(rename = "accountId", default, deserialize_with = "flex_u64")]
    pub account_id: u64,
    #[serde(rename = "accessKeyId", default)]
    pub access_key_id: String,
    #[serde(rename = "secretAccessKey", default)]
    pub secret_access_key: Secret,
    #[serde(rename = "Tags", default, deserialize_with = "null_as_default")]
    pub tags: BTreeMap<String, String>,
}

/// Which serialisation a backend uses for the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One compact JSON document with prefixed keys (keyrings, encrypted file).
    Keyring,
    /// aws-sso-cli's `store.json` layout (unprefixed keys, omitempty, 2-space indent).
    JsonStore,
}

/// Everything the secure store holds, keyed the way callers think: registrations and tokens
/// by SSO instance name, role credentials by role ARN.
#[derive(Clone, Default, PartialEq)]
pub struct Document {
    pub registrations: BTreeMap<String, RegisterClientData>,
    pub tokens: BTreeMap<String, CreateTokenResponse>,
    pub role_credentials: BTreeMap<String, RoleCredentials>,
    pub static_credentials: BTreeMap<String, StaticCredentials>,
    pub ecs_bearer_token: Secret,
    pub ecs_private_key: Secret,
    pub ecs_cert_chain: String,
    /// Top-level keys we do not model (e.g. `StartDeviceAuth`), written back untouched.
    pub extra: Map<String, Value>,
}

impl fmt::Debug for Document {
    // Only names and counts: the values are secrets, and `extra` is opaque.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field(
                "registrations",
                &self.registrations.keys().collect::<Vec<_>>(),
            )
            .field("tokens", &self.tokens.keys().collect::<Vec<_>>())
            .field(
                "role_credentials",
                &self.role_credentials.keys().collect::<Vec<_>>(),
            )
            .field("static_credentials", &self.static_credentials.len())
            .field("ecs_bearer_token", &self.ecs_bearer_token)
            .field("ecs_private_key", &self.ecs_private_key)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[derive(Serialize, Deserialize, Default)]
struct KeyringShape {
    #[serde(
        rename = "RegisterClientData",
        default,
        deserialize_with = "null_as_default"
    )]
    registrations: BTreeMap<String, RegisterClientData>,
    #[serde(
        rename = "CreateTokenResponse",
        default,
        deserialize_with = "null_as_default"
    )]
    tokens: BTreeMap<String, CreateTokenResponse>,
    #[serde(
        rename = "RoleCredentials",
        default,
        deserialize_with = "null_as_default"
    )]
    roles: BTreeMap<String, RoleCredentials>,
    #[serde(
        rename = "StaticCredentials",
        default,
        deserialize_with = "null_as_default"
    )]
    statics: BTreeMap<String, StaticCredentials>,
    #[serde(
        rename = "EcsBearerToken",
        default,
        deserialize_with = "null_as_default"
    )]
    ecs_bearer_token: Secret,
    #[serde(
        rename = "EcsPrivateKey",
        default,
        deserialize_with = "null_as_default"
    )]
    ecs_private_key: Secret,
    #[serde(rename = "EcsCertChain", default, deserialize_with = "null_as_default")]
    ecs_cert_chain: String,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Serialize, Deserialize, Default)]
struct JsonStoreShape {
    #[serde(
        rename = "RegisterClient",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    registrations: BTreeMap<String, RegisterClientData>,
    #[serde(
        rename = "StartDeviceAuth",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    start_device_auth: Option<Value>,
    #[serde(
        rename = "CreateTokenResponse",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    tokens: BTreeMap<String, CreateTokenResponse>,
    #[serde(
        rename = "RoleCredentials",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    roles: BTreeMap<String, RoleCredentials>,
    #[serde(
        rename = "StaticCredentials",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    statics: BTreeMap<String, StaticCredentials>,
    #[serde(
        rename = "EcsBearerToken",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Secret::is_empty"
    )]
    ecs_bearer_token: Secret,
    #[serde(
        rename = "EcsPrivateKey",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Secret::is_empty"
    )]
    ecs_private_key: Secret,
    #[serde(
        rename = "EcsCertChain",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    ecs_cert_chain: String,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

const START_DEVICE_AUTH: &str = "StartDeviceAuth";

impl Document {
    /// True when the document holds nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == Document::default()
    }

    /// Parse a stored document. `location` names the file or keyring item for error messages.
    /// Empty input (a fresh, zero-length file) is an empty document.
    pub fn decode(bytes: &[u8], shape: Shape, location: &str) -> Result<Document, StoreError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Document::default());
        }
        match shape {
            Shape::Keyring => {
                let s: KeyringShape = serde_json::from_slice(bytes)
                    .map_err(|e| StoreError::corrupt_json(location, &e))?;
                Ok(Document {
                    registrations: strip_prefix(s.registrations, CLIENT_DATA_PREFIX),
                    tokens: strip_prefix(s.tokens, TOKEN_RESPONSE_PREFIX),
                    role_credentials: s.roles,
                    static_credentials: s.statics,
                    ecs_bearer_token: s.ecs_bearer_token,
                    ecs_private_key: s.ecs_private_key,
                    ecs_cert_chain: s.ecs_cert_chain,
                    extra: s.extra,
                })
            }
            Shape::JsonStore => {
                let s: JsonStoreShape = serde_json::from_slice(bytes)
                    .map_err(|e| StoreError::corrupt_json(location, &e))?;
                let mut extra = s.extra;
                if let Some(v) = s.start_device_auth {
                    extra.insert(START_DEVICE_AUTH.to_owned(), v);
                }
                Ok(Document {
                    registrations: s.registrations,
                    tokens: s.tokens,
                    role_credentials: s.roles,
                    static_credentials: s.statics,
                    ecs_bearer_token: s.ecs_bearer_token,
                    ecs_private_key: s.ecs_private_key,
                    ecs_cert_chain: s.ecs_cert_chain,
                    extra,
                })
            }
        }
    }

    /// Serialise for a backend. The buffer is wiped when dropped.
    pub fn encode(&self, shape: Shape) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let enc = |e: serde_json::Error| StoreError::Encode(format!("{:?}", e.classify()));
        let bytes = match shape {
            Shape::Keyring => {
                let s = KeyringShape {
                    registrations: add_prefix(&self.registrations, CLIENT_DATA_PREFIX),
                    tokens: add_prefix(&self.tokens, TOKEN_RESPONSE_PREFIX),
                    roles: self.role_credentials.clone(),
                    statics: self.static_credentials.clone(),
                    ecs_bearer_token: self.ecs_bearer_token.clone(),
                    ecs_private_key: self.ecs_private_key.clone(),
                    ecs_cert_chain: self.ecs_cert_chain.clone(),
                    extra: self.extra.clone(),
                };
                serde_json::to_vec(&s).map_err(enc)?
            }
            Shape::JsonStore => {
                let mut extra = self.extra.clone();
                let start_device_auth = extra.remove(START_DEVICE_AUTH);
                let s = JsonStoreShape {
                    registrations: self.registrations.clone(),
                    start_device_auth,
                    tokens: self.tokens.clone(),
                    roles: self.role_credentials.clone(),
                    statics: self.static_credentials.clone(),
                    ecs_bearer_token: self.ecs_bearer_token.clone(),
                    ecs_private_key: self.ecs_private_key.clone(),
                    ecs_cert_chain: self.ecs_cert_chain.clone(),
                    extra,
                };
                serde_json::to_vec_pretty(&s).map_err(enc)?
            }
        };
        Ok(Zeroizing::new(bytes))
    }

    /// Drop role credentials that expired before `now` (unix seconds). They are useless, and
    /// keyrings with small quotas (keyutils: 20 000 bytes by default) fill up otherwise.
    pub fn prune_expired_role_credentials(&mut self, now: i64) -> usize {
        let before = self.role_credentials.len();
        self.role_credentials.retain(|_, c| c.is_valid_for(now, 0));
        before - self.role_credentials.len()
    }
}

fn strip_prefix<T>(map: BTreeMap<String, T>, prefix: &str) -> BTreeMap<String, T> {
    map.into_iter()
        .map(|(k, v)| match k.strip_prefix(prefix) {
            Some(name) => (name.to_owned(), v),
            None => (k, v),
        })
        .collect()
}

fn add_prefix<T: Clone>(map: &BTreeMap<String, T>, prefix: &str) -> BTreeMap<String, T> {
    map.iter()
        .map(|(k, v)| (format!("{prefix}{k}"), v.clone()))
        .collect()
}

/// Go writes `null` for a nil map or, after edits by hand, a field may be `null`: read both
/// as the empty value.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Account ids are Go int64s (numbers), but accept strings ("000011112222") too.
fn flex_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flex {
        Num(u64),
        Float(f64),
        Str(String),
        Null,
    }
    match Flex::deserialize(d)? {
        Flex::Num(n) => Ok(n),
        Flex::Float(f) if f >= 0.0 && f.fract() == 0.0 && f < 1e15 => Ok(f as u64),
        Flex::Float(_) => Err(serde::de::Error::custom("account id is not a whole number")),
        Flex::Str(s) if s.is_empty() => Ok(0),
        Flex::Str(s) => s
            .parse()
            .map_err(|_| serde::de::Error::custom("account id is not a number")),
        Flex::Null => Ok(0),
    }
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
