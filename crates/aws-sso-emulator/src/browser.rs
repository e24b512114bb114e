//! The two pages a browser visits during sign-in: `GET /authorize` (authorization-code + PKCE:
//! auto-approves and 302-redirects to the client's loopback callback) and `GET /device`
//! (the device flow's `verificationUriComplete`: approves that user code).
//!
//! Errors before the redirect URI is trusted are shown as HTML pages; errors after it are
//! reported to the client the OAuth way, as `?error=..&state=..` on the redirect.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;

use super::Shared;
use super::errors::{ApiError, with_body, xml_escape};
use super::log::{ErrorTag, Operation};
use super::oidc::AUTH_CODE_LIFETIME;
use super::state::{AuthCode, DeviceStatus, GRANT_AUTH_CODE, random_b64};

fn query(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{t}</title></head><body><h1>{t}</h1><p>{x}</p></body></html>\n",
        t = xml_escape(title),
        x = xml_escape(text)
    );
    with_body(status, "text/html; charset=utf-8", body.into_bytes())
}

/// A 302 to `target` with `pairs` appended to its query.
fn redirect_to(target: &url::Url, pairs: &[(&str, &str)]) -> Response {
    let mut url = target.clone();
    url.query_pairs_mut().extend_pairs(pairs);
    let mut resp = page(
        StatusCode::FOUND,
        "Redirecting",
        "Returning to the application.",
    );
    if let Ok(v) = HeaderValue::from_str(url.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// RFC 8252 §7.3: a loopback redirect matches a registered one whatever the port.
fn loopback_matches(given: &url::Url, registered: &str) -> bool {
    let Ok(reg) = url::Url::parse(registered) else {
        return false;
    };
    let path = |u: &url::Url| {
        if u.path().is_empty() {
            "/".to_owned()
        } else {
            u.path().to_owned()
        }
    };
    reg.scheme() == "http" && reg.host_str() == given.host_str() && path(&reg) == path(given)
}

pub(super) async fn authorize(State(s): State<Arc<Shared>>, uri: Uri) -> Response {
    s.serve(Operation::Authorize, async {
        let q = query(&uri);
        let client_id = param(&q, "client_id").unwrap_or_default();
        let redirect_raw = param(&q, "redirect_uri").unwrap_or_default();
        let state = param(&q, "state");
        let st = s.lock();
        let client = st
            .clients
            .get(client_id)
            .ok_or_else(|| ApiError::new(400, "InvalidClient", "Unknown client_id"))?;
        let redirect = url::Url::parse(redirect_raw)
            .ok()
            .filter(|u| {
                u.scheme() == "http" && u.host_str() == Some("127.0.0.1") && u.fragment().is_none()
            })
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "InvalidRedirectUri",
                    "redirect_uri must be http://127.0.0.1[:port][/path]",
                )
            })?;
        if !client
            .redirect_uris
            .iter()
            .any(|r| loopback_matches(&redirect, r))
        {
            return Err(ApiError::new(
                400,
                "InvalidRedirectUri",
                "redirect_uri does not match a registered redirect URI",
            ));
        }
        // From here on the redirect URI is trusted: errors go back to the client.
        let fail = |code: &str| {
            let mut pairs = vec![("error", code)];
            if let Some(state) = state {
                pairs.push(("state", state));
            }
            let mut resp = redirect_to(&redirect, &pairs);
            resp.extensions_mut().insert(ErrorTag(code.to_owned()));
            Ok(resp)
        };
        if param(&q, "response_type") != Some("code") {
            return fail("unsupported_response_type");
        }
        if !client.allows(GRANT_AUTH_CODE) {
            return fail("unauthorized_client");
        }
        let challenge = param(&q, "code_challenge").unwrap_or_default();
        if challenge.is_empty() || param(&q, "code_challenge_method") != Some("S256") {
            return fail("invalid_request");
        }
        let asked = param(&q, "scopes").or_else(|| param(&q, "scope"));
        let scopes: Vec<String> = match asked {
            Some(list) => list
                .split([' ', ','])
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect(),
            None => client.scopes.clone(),
        };
        if scopes.iter().any(|x| !client.scopes.contains(x)) {
            return fail("invalid_scope");
        }
        if s.cfg.deny_logins {
            return fail("access_denied");
        }
        drop(st);
        let code = random_b64(32);
        let auth = AuthCode {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_raw.to_owned(),
            challenge: challenge.to_owned(),
            scopes,
            expires_at: SystemTime::now() + AUTH_CODE_LIFETIME,
        };
        s.lock().codes.insert(code.clone(), auth);
        let mut pairs = vec![("code", code.as_str())];
        if let Some(state) = state {
            pairs.push(("state", state));
        }
        Ok(redirect_to(&redirect, &pairs))
    })
    .await
}

pub(super) async fn verify_device(State(s): State<Arc<Shared>>, uri: Uri) -> Response {
    s.serve(Operation::VerifyDevice, async {
        let q = query(&uri);
        let user_code = param(&q, "user_code")
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        let deny = s.cfg.deny_logins || param(&q, "action") == Some("deny");
        let mut st = s.lock();
        let unknown = || {
            ApiError::new(
                400,
                "InvalidUserCode",
                "Unknown user code; check the code and try again",
            )
        };
        let device_code = st.user_codes.get(&user_code).cloned().ok_or_else(unknown)?;
        let device = st.devices.get_mut(&device_code).ok_or_else(unknown)?;
        if device.expires_at <= SystemTime::now() {
            return Err(ApiError::new(
                400,
                "ExpiredUserCode",
                "This code has expired; start the sign-in again",
            ));
        }
        let (title, text) = match device.status {
            DeviceStatus::Pending if deny => {
                device.status = DeviceStatus::Denied;
                (
                    "Request denied",
                    "The application was not allowed to access your AWS accounts.",
                )
            }
            DeviceStatus::Pending => {
                device.status = DeviceStatus::Approved;
                (
                    "Request approved",
                    "You can close this window and return to the application.",
                )
            }
            DeviceStatus::Denied => ("Request denied", "This request was already denied."),
            DeviceStatus::Approved | DeviceStatus::Consumed => {
                ("Request approved", "This request was already approved.")
            }
        };
        let code = &device.user_code;
        Ok(page(
            StatusCode::OK,
            title,
            &format!("{text} (code {code})"),
        ))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port_but_not_on_path() {
        let given = url::Url::parse("http://127.0.0.1:53122/").expect("url");
        assert!(loopback_matches(&given, "http://127.0.0.1"));
        assert!(loopback_matches(&given, "http://127.0.0.1:9/"));
        assert!(!loopback_matches(&given, "http://127.0.0.1/callback"));
        let cb = url::Url::parse("http://127.0.0.1:1/callback").expect("url");
        assert!(loopback_matches(&cb, "http://127.0.0.1/callback"));
        assert!(!loopback_matches(&cb, "https://127.0.0.1/callback"));
    }
}
