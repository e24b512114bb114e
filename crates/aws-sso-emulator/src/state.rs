//! Everything the emulator remembers between requests: registered OIDC clients, pending
//! device authorizations and authorization codes, sign-in sessions with their access and
//! refresh tokens, issued STS-style role credentials and console sign-in tokens.
//!
//! None of these types implement `Debug`: they hold secrets.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng as _, RngCore as _};
use subtle::ConstantTimeEq as _;

use super::errors::ApiError;

/// The OAuth grant type names SSO OIDC knows.
pub(crate) const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub(crate) const GRANT_AUTH_CODE: &str = "authorization_code";
pub(crate) const GRANT_REFRESH: &str = "refresh_token";

/// A registered OIDC client.
pub(crate) struct Client {
    pub secret: String,
    pub grant_types: Vec<String>,
    pub scopes: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub secret_expires_at: SystemTime,
}

impl Client {
    /// Registrations without grant types are legacy device-flow clients: AWS lets them use the
    /// device code and refresh grants but not the authorization-code flow.
    pub(crate) fn allows(&self, grant: &str) -> bool {
        if self.grant_types.is_empty() {
            return grant != GRANT_AUTH_CODE;
        }
        self.grant_types.iter().any(|g| g == grant)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    Consumed,
}

/// A device authorization (RFC 8628), keyed by its device code.
pub(crate) struct Device {
    pub client_id: String,
    pub user_code: String,
    pub expires_at: SystemTime,
    pub status: DeviceStatus,
    pub polls: u32,
    pub last_poll: Option<Instant>,
}

/// An authorization code from `/authorize`, single use.
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: String,
    pub scopes: Vec<String>,
    pub expires_at: SystemTime,
}

pub(crate) struct AccessToken {
    pub session: u64,
    pub expires_at: SystemTime,
}

pub(crate) struct RefreshToken {
    pub session: u64,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: SystemTime,
}

/// Where a set of role credentials came from; console federation treats them differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CredSource {
    /// sso:GetRoleCredentials.
    Sso,
    /// sts:AssumeRole (role chaining).
    AssumeRole,
}

/// Role credentials the emulator issued, keyed by access key id.
pub(crate) struct IssuedCreds {
    pub secret: String,
    pub session_token: String,
    pub expires_at: SystemTime,
    pub account: String,
    pub arn: String,
    pub user_id: String,
    pub source: CredSource,
}

/// A console sign-in token from `getSigninToken`.
pub(crate) struct SigninToken {
    pub expires_at: SystemTime,
}

/// Tokens handed out by one successful CreateToken.
pub(crate) struct Grant {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: Option<String>,
}

#[derive(Default)]
pub(crate) struct State {
    pub clients: HashMap<String, Client>,
    pub devices: HashMap<String, Device>,
    pub user_codes: HashMap<String, String>,
    pub codes: HashMap<String, AuthCode>,
    pub access: HashMap<String, AccessToken>,
    pub refresh: HashMap<String, RefreshToken>,
    pub revoked_sessions: HashSet<u64>,
    pub next_session: u64,
    pub creds: HashMap<String, IssuedCreds>,
    pub signin: HashMap<String, SigninToken>,
}

/// Random bytes, base64url without padding: the shape of OAuth codes and tokens.
pub(crate) fn random_b64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// `bytes` random bytes as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// `n` characters drawn from `alphabet`.
pub(crate) fn random_from(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

pub(crate) const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub(crate) fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub(crate) fn epoch_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Whole seconds, rounded up, for wire fields such as `expiresIn` and `interval`.
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Constant-time string comparison for secrets.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl State {
    /// The client, if the id is known, the secret right and not expired.
    pub(crate) fn authenticate(
        &self,
        client_id: &str,
        secret: &str,
        now: SystemTime,
    ) -> Result<&Client, ApiError> {
        let client = self.clients.get(client_id).ok_or_else(|| {
            ApiError::oidc("InvalidClientException", "Invalid client: unknown clientId")
        })?;
        if !same_secret(&client.secret, secret) {
            return Err(ApiError::oidc(
                "InvalidClientException",
                "Invalid client secret",
            ));
        }
        if client.secret_expires_at <= now {
            return Err(ApiError::oidc(
                "InvalidClientException",
                "Client secret has expired",
            ));
        }
        Ok(client)
    }

    pub(crate) fn new_session(&mut self) -> u64 {
        self.next_session += 1;
        self.next_session
    }

    pub(crate) fn session_alive(&self, session: u64) -> bool {
        !self.revoked_sessions.contains(&session)
    }

    /// The session behind a portal bearer token, if the token is live.
    pub(crate) fn check_access(&self, token: &str, now: SystemTime) -> Result<u64, ApiError> {
        match self.access.get(token) {
            Some(t) if t.expires_at > now && self.session_alive(t.session) => Ok(t.session),
            _ => Err(ApiError::unauthorized()),
        }
    }

    /// Revokes a sign-in session: its access and refresh tokens stop working.
    pub(crate) fn revoke_session(&mut self, session: u64) {
        self.revoked_sessions.insert(session);
    }

    /// Issues an access token (and a refresh token when `refresh` says so) for `session`.
    pub(crate) fn grant(
        &mut self,
        session: u64,
        access_lifetime: Duration,
        refresh: Option<(String, Vec<String>, SystemTime)>,
        now: SystemTime,
    ) -> Grant {
        let access_token = format!("aoa{}", random_b64(96));
        self.access.insert(
            access_token.clone(),
            AccessToken {
                session,
                expires_at: now + access_lifetime,
            },
        );
        let refresh_token = refresh.map(|(client_id, scopes, expires_at)| {
            let token = format!("aor{}", random_b64(96));
            self.refresh.insert(
                token.clone(),
                RefreshToken {
                    session,
                    client_id,
                    scopes,
                    expires_at,
                },
            );
            token
        });
        Grant {
            access_token,
            expires_in: ceil_secs(access_lifetime),
            refresh_token,
        }
    }

    /// Stores role credentials and returns (access key id, secret, session token).
    pub(crate) fn issue_creds(&mut self, creds: IssuedCredsSpec) -> (String, String, String) {
        let akid = format!("ASIA{}", random_from(UPPER_ALNUM, 16));
        let secret = random_b64(30);
        let session_token = format!("IQoJb3JpZ2luX2VjE{}", random_b64(240));
        self.creds.insert(
            akid.clone(),
            IssuedCreds {
                secret: secret.clone(),
                session_token: session_token.clone(),
                expires_at: creds.expires_at,
                account: creds.account,
                arn: creds.arn,
                user_id: creds.user_id,
                source: creds.source,
            },
        );
        (akid, secret, session_token)
    }
}

/// The non-secret half of [`IssuedCreds`], given by the caller of [`State::issue_creds`].
pub(crate) struct IssuedCredsSpec {
    pub expires_at: SystemTime,
    pub account: String,
    pub arn: String,
    pub user_id: String,
    pub source: CredSource,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_clients_may_not_use_the_auth_code_grant() {
        let mut c = Client {
            secret: "s".into(),
            grant_types: vec![],
            scopes: vec![],
            redirect_uris: vec![],
            secret_expires_at: SystemTime::now(),
        };
        assert!(
            c.allows(GRANT_DEVICE_CODE) && c.allows(GRANT_REFRESH) && !c.allows(GRANT_AUTH_CODE)
        );
        c.grant_types = vec![GRANT_AUTH_CODE.into()];
        assert!(c.allows(GRANT_AUTH_CODE) && !c.allows(GRANT_REFRESH));
    }

    #[test]
    fn access_tokens_die_with_expiry_or_their_session() {
        let mut s = State::default();
        let now = SystemTime::now();
        let session = s.new_session();
        let g = s.grant(session, Duration::from_secs(60), None, now);
        assert_eq!(g.expires_in, 60);
        assert!(g.refresh_token.is_none());
        assert_eq!(s.check_access(&g.access_token, now), Ok(session));
        assert!(
            s.check_access(&g.access_token, now + Duration::from_secs(61))
                .is_err()
        );
        assert!(s.check_access("nope", now).is_err());
        s.revoke_session(session);
        assert!(s.check_access(&g.access_token, now).is_err());
    }

    #[test]
    fn helpers_round_and_compare() {
        assert_eq!(ceil_secs(Duration::from_millis(1500)), 2);
        assert_eq!(ceil_secs(Duration::from_secs(5)), 5);
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("a", "ab"));
        assert_eq!(random_from(UPPER_ALNUM, 16).len(), 16);
        assert_ne!(random_b64(16), random_b64(16));
    }
}
