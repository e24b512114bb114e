//! SSO OIDC (rest-json, camelCase JSON bodies): RegisterClient, StartDeviceAuthorization and
//! CreateToken for the device-code, authorization-code (PKCE S256, verified) and refresh-token
//! grants, with the error shapes real SSO OIDC uses.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::errors::{ApiError, json_ok};
use super::log::Operation;
use super::state::{
    Client, Device, DeviceStatus, GRANT_AUTH_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH, Grant,
    State as Store, ceil_secs, epoch_secs, random_b64, random_from, same_secret,
};
use super::{RefreshTokenPolicy, Shared};

/// RFC 8628 §6.1: user codes without vowels or look-alike characters.
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// Authorization codes from `/authorize` live this long.
pub(super) const AUTH_CODE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(300);

/// Parses a JSON body; serde's own message is not echoed because it may quote secret values.
fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let body: &[u8] = if body.is_empty() { b"{}" } else { body };
    serde_json::from_slice(body).map_err(|e| {
        ApiError::oidc(
            "InvalidRequestException",
            format!(
                "Invalid request body ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            ),
        )
    })
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, ApiError> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::oidc(
            "InvalidRequestException",
            format!("{name} is required"),
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterRequest {
    client_name: Option<String>,
    client_type: Option<String>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
}

/// True for `http://` URIs on a loopback host and for any `https://` URI.
fn acceptable_redirect(uri: &str) -> bool {
    match url::Url::parse(uri) {
        Ok(u) if u.scheme() == "https" => true,
        Ok(u) if u.scheme() == "http" => {
            matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
        }
        _ => false,
    }
}

pub(super) async fn register_client(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    s.serve(Operation::RegisterClient, async {
        let req: RegisterRequest = parse(&body)?;
        required(&req.client_name, "clientName")?;
        let client_type = required(&req.client_type, "clientType")?;
        if client_type != "public" {
            return Err(ApiError::oidc(
                "InvalidClientMetadataException",
                format!("Unsupported clientType {client_type:?}; only \"public\" is supported"),
            ));
        }
        let grant_types = req.grant_types.unwrap_or_default();
        if let Some(bad) = grant_types
            .iter()
            .find(|g| ![GRANT_DEVICE_CODE, GRANT_AUTH_CODE, GRANT_REFRESH].contains(&g.as_str()))
        {
            return Err(ApiError::oidc(
                "UnsupportedGrantTypeException",
                format!("Unsupported grant type {bad:?}"),
            ));
        }
        let scopes = req.scopes.unwrap_or_default();
        if scopes
            .iter()
            .any(|sc| sc.is_empty() || sc.contains(char::is_whitespace))
        {
            return Err(ApiError::oidc(
                "InvalidScopeException",
                "Scopes must be non-empty and contain no spaces",
            ));
        }
        let redirect_uris = req.redirect_uris.unwrap_or_default();
        if let Some(bad) = redirect_uris.iter().find(|u| !acceptable_redirect(u)) {
            return Err(ApiError::oidc(
                "InvalidRedirectUriException",
                format!("Invalid redirect URI {bad:?}: use https or http://127.0.0.1"),
            ));
        }
        if grant_types.iter().any(|g| g == GRANT_AUTH_CODE) && redirect_uris.is_empty() {
            return Err(ApiError::oidc(
                "InvalidRedirectUriException",
                "The authorization_code grant needs at least one redirectUri",
            ));
        }
        let now = SystemTime::now();
        let client_id = random_b64(16);
        let secret = format!(
            "eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0.{}",
            random_b64(180)
        );
        let expires = now + s.cfg.client_secret_lifetime;
        let reply = json!({
            "clientId": client_id,
            "clientSecret": secret,
            "clientIdIssuedAt": epoch_secs(now),
            "clientSecretExpiresAt": epoch_secs(expires),
            "authorizationEndpoint": format!("{}/authorize", s.url),
            "tokenEndpoint": format!("{}/token", s.url),
        });
        let client = Client {
            secret,
            grant_types,
            scopes,
            redirect_uris,
            secret_expires_at: expires,
        };
        s.lock().clients.insert(client_id, client);
        Ok(json_ok(&reply))
    })
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeviceRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    start_url: Option<String>,
}

pub(super) async fn start_device_authorization(
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
    s.serve(Operation::StartDeviceAuthorization, async {
        let req: DeviceRequest = parse(&body)?;
        let client_id = required(&req.client_id, "clientId")?;
        let secret = required(&req.client_secret, "clientSecret")?;
        let start_url = required(&req.start_url, "startUrl")?;
        if url::Url::parse(start_url).is_err() {
            return Err(ApiError::oidc(
                "InvalidRequestException",
                "startUrl is not a valid URL",
            ));
        }
        let now = SystemTime::now();
        let mut st = s.lock();
        if !st
            .authenticate(client_id, secret, now)?
            .allows(GRANT_DEVICE_CODE)
        {
            return Err(ApiError::oidc(
                "UnauthorizedClientException",
                "The client is not registered for the device_code grant",
            ));
        }
        let device_code = random_b64(64);
        let user_code = loop {
            let a = random_from(USER_CODE_ALPHABET, 4);
            let b = random_from(USER_CODE_ALPHABET, 4);
            let code = format!("{a}-{b}");
            if !st.user_codes.contains_key(&code) {
                break code;
            }
        };
        st.user_codes.insert(user_code.clone(), device_code.clone());
        st.devices.insert(
            device_code.clone(),
            Device {
                client_id: client_id.to_owned(),
                user_code: user_code.clone(),
                expires_at: now + s.cfg.device_code_lifetime,
                status: DeviceStatus::Pending,
                polls: 0,
                last_poll: None,
            },
        );
        Ok(json_ok(&json!({
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": format!("{}/device", s.url),
            "verificationUriComplete": format!("{}/device?user_code={user_code}", s.url),
            "expiresIn": ceil_secs(s.cfg.device_code_lifetime),
            "interval": ceil_secs(s.cfg.device_poll_interval).max(1),
        })))
    })
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    scope: Option<Vec<String>>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

pub(super) async fn create_token(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    s.serve(Operation::CreateToken, async {
        let req: TokenRequest = parse(&body)?;
        let client_id = required(&req.client_id, "clientId")?;
        let secret = required(&req.client_secret, "clientSecret")?;
        let grant_type = required(&req.grant_type, "grantType")?;
        let now = SystemTime::now();
        let mut st = s.lock();
        let client = st.authenticate(client_id, secret, now)?;
        if ![GRANT_DEVICE_CODE, GRANT_AUTH_CODE, GRANT_REFRESH].contains(&grant_type) {
            return Err(ApiError::oidc(
                "UnsupportedGrantTypeException",
                format!("Unsupported grant type {grant_type:?}"),
            ));
        }
        if !client.allows(grant_type) {
            return Err(ApiError::oidc(
                "UnauthorizedClientException",
                format!("The client is not registered for the {grant_type} grant"),
            ));
        }
        let refresh_ok = match s.cfg.refresh_tokens {
            RefreshTokenPolicy::Always => true,
            RefreshTokenPolicy::Never => false,
            RefreshTokenPolicy::ScopedClients => {
                !client.scopes.is_empty() && client.allows(GRANT_REFRESH)
            }
        };
        let client_scopes = client.scopes.clone();
        let grant = match grant_type {
            GRANT_DEVICE_CODE => {
                device_grant(&s, &mut st, client_id, &req, refresh_ok, client_scopes, now)?
            }
            GRANT_AUTH_CODE => code_grant(&s, &mut st, client_id, &req, refresh_ok, now)?,
            _ => refresh_grant(&s, &mut st, client_id, &req, now)?,
        };
        let mut reply = json!({
            "accessToken": grant.access_token,
            "tokenType": "Bearer",
            "expiresIn": grant.expires_in,
        });
        if let Some(rt) = grant.refresh_token {
            reply["refreshToken"] = rt.into();
        }
        Ok(json_ok(&reply))
    })
    .await
}

fn device_grant(
    s: &Shared,
    st: &mut Store,
    client_id: &str,
    req: &TokenRequest,
    refresh_ok: bool,
    scopes: Vec<String>,
    now: SystemTime,
) -> Result<Grant, ApiError> {
    let code = required(&req.device_code, "deviceCode")?;
    let invalid = || ApiError::oidc("InvalidGrantException", "Invalid device code provided");
    let device = st.devices.get_mut(code).ok_or_else(invalid)?;
    if !same_secret(&device.client_id, client_id) {
        return Err(invalid());
    }
    if device.expires_at <= now {
        return Err(ApiError::oidc(
            "ExpiredTokenException",
            "Device code has expired",
        ));
    }
    let poll = Instant::now();
    let too_fast = device
        .last_poll
        .is_some_and(|last| poll.saturating_duration_since(last) < s.cfg.device_poll_interval);
    device.last_poll = Some(poll);
    if too_fast && device.status == DeviceStatus::Pending {
        return Err(ApiError::oidc(
            "SlowDownException",
            "Client is polling too quickly; slow down",
        ));
    }
    if device.status == DeviceStatus::Pending {
        device.polls += 1;
        if s.cfg
            .device_auto_approve_after
            .is_some_and(|n| device.polls > n)
        {
            device.status = if s.cfg.deny_logins {
                DeviceStatus::Denied
            } else {
                DeviceStatus::Approved
            };
        }
    }
    match device.status {
        DeviceStatus::Pending => Err(ApiError::oidc(
            "AuthorizationPendingException",
            "Authorization is still pending",
        )),
        DeviceStatus::Denied => Err(ApiError::oidc(
            "AccessDeniedException",
            "The user denied the authorization request",
        )),
        DeviceStatus::Consumed => Err(invalid()),
        DeviceStatus::Approved => {
            device.status = DeviceStatus::Consumed;
            let session = st.new_session();
            let refresh = refresh_ok.then(|| {
                (
                    client_id.to_owned(),
                    scopes,
                    now + s.cfg.refresh_token_lifetime,
                )
            });
            Ok(st.grant(session, s.cfg.access_token_lifetime, refresh, now))
        }
    }
}

/// base64url-nopad(SHA-256(verifier)), the S256 code challenge (RFC 7636 §4.2).
pub(crate) fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn code_grant(
    s: &Shared,
    st: &mut Store,
    client_id: &str,
    req: &TokenRequest,
    refresh_ok: bool,
    now: SystemTime,
) -> Result<Grant, ApiError> {
    let code = required(&req.code, "code")?;
    let redirect_uri = required(&req.redirect_uri, "redirectUri")?;
    let grant_err = |msg: &str| ApiError::oidc("InvalidGrantException", msg);
    // Single use: the code is gone whatever the outcome, as RFC 6749 §4.1.2 asks.
    let auth = st
        .codes
        .remove(code)
        .ok_or_else(|| grant_err("Invalid or already used authorization code"))?;
    if !same_secret(&auth.client_id, client_id) {
        return Err(grant_err("Authorization code was issued to another client"));
    }
    if auth.expires_at <= now {
        return Err(grant_err("Authorization code has expired"));
    }
    if auth.redirect_uri != redirect_uri {
        return Err(grant_err(
            "redirectUri does not match the one sent to /authorize",
        ));
    }
    let verifier = req.code_verifier.as_deref().unwrap_or_default();
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed || !same_secret(&s256(verifier), &auth.challenge) {
        return Err(grant_err("Code verifier does not match the code challenge"));
    }
    if let Some(asked) = &req.scope
        && asked.iter().any(|x| !auth.scopes.contains(x))
    {
        return Err(ApiError::oidc(
            "InvalidScopeException",
            "Requested scope was not authorized",
        ));
    }
    let session = st.new_session();
    let refresh = refresh_ok.then(|| {
        (
            client_id.to_owned(),
            auth.scopes,
            now + s.cfg.refresh_token_lifetime,
        )
    });
    Ok(st.grant(session, s.cfg.access_token_lifetime, refresh, now))
}

fn refresh_grant(
    s: &Shared,
    st: &mut Store,
    client_id: &str,
    req: &TokenRequest,
    now: SystemTime,
) -> Result<Grant, ApiError> {
    let token = required(&req.refresh_token, "refreshToken")?;
    let invalid = || ApiError::oidc("InvalidGrantException", "Invalid refresh token provided");
    let rt = st.refresh.get(token).ok_or_else(invalid)?;
    if !same_secret(&rt.client_id, client_id)
        || rt.expires_at <= now
        || !st.session_alive(rt.session)
    {
        return Err(invalid());
    }
    if let Some(asked) = &req.scope
        && asked.iter().any(|x| !rt.scopes.contains(x))
    {
        return Err(ApiError::oidc(
            "InvalidScopeException",
            "Requested scope exceeds the original grant",
        ));
    }
    let (session, scopes, expires_at) = (rt.session, rt.scopes.clone(), rt.expires_at);
    if s.cfg.rotate_refresh_tokens {
        st.refresh.remove(token);
        let grant = st.grant(
            session,
            s.cfg.access_token_lifetime,
            Some((client_id.to_owned(), scopes, expires_at)),
            now,
        );
        Ok(grant)
    } else {
        let mut grant = st.grant(session, s.cfg.access_token_lifetime, None, now);
        grant.refresh_token = Some(token.to_owned());
        Ok(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_the_rfc_7636_example() {
        // RFC 7636 Appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirect_uris_must_be_https_or_loopback_http() {
        assert!(acceptable_redirect("http://127.0.0.1"));
        assert!(acceptable_redirect("http://127.0.0.1:8080/cb"));
        assert!(acceptable_redirect("https://example.com/cb"));
        assert!(!acceptable_redirect("http://example.com/cb"));
        assert!(!acceptable_redirect("not a url"));
    }
}
