//! The SSO portal API (rest-json, bearer token in `x-amz-sso_bearer_token`): ListAccounts,
//! ListAccountRoles, GetRoleCredentials and Logout, with `max_result` validation (1..=100, as
//! AWS now enforces) and opaque `nextToken` pagination.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse as _, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::Shared;
use super::errors::{ApiError, json_ok};
use super::log::Operation;
use super::state::{CredSource, IssuedCredsSpec, epoch_millis};

const BEARER_HEADER: &str = "x-amz-sso_bearer_token";

fn query(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn required<'a>(q: &'a [(String, String)], name: &str) -> Result<&'a str, ApiError> {
    param(q, name).filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::invalid_request(format!("1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"))
    })
}

/// Checks the bearer token; returns its sign-in session.
fn authorize(s: &Shared, headers: &HeaderMap) -> Result<u64, ApiError> {
    let token = headers
        .get(BEARER_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    s.lock().check_access(token, SystemTime::now())
}

/// The page size: `max_result` if given (must be 1..=100), else the configured default.
fn page_size(s: &Shared, q: &[(String, String)]) -> Result<usize, ApiError> {
    let Some(raw) = param(q, "max_result") else {
        return Ok(s.cfg.default_page_size.clamp(1, 100));
    };
    match raw.parse::<i64>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n as usize),
        _ => Err(ApiError::invalid_request(format!(
            "1 validation error detected: Value '{raw}' at 'maxResults' failed to satisfy constraint: \
             Member must have value between 1 and 100"
        ))),
    }
}

/// Opaque page cursor bound to the listing it came from (`scope`).
fn encode_cursor(scope: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1|{scope}|{offset}"))
}

fn decode_cursor(q: &[(String, String)], scope: &str, len: usize) -> Result<usize, ApiError> {
    let Some(token) = param(q, "next_token") else {
        return Ok(0);
    };
    let bad = || ApiError::invalid_request("Invalid nextToken: it does not belong to this listing");
    let text = URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let rest = text.strip_prefix(&format!("v1|{scope}|")).ok_or_else(bad)?;
    rest.parse::<usize>()
        .ok()
        .filter(|&o| o > 0 && o <= len)
        .ok_or_else(bad)
}

/// One page of `items` from the cursor in `q`, plus the next cursor if more remain.
fn paginate<T: Clone>(
    s: &Shared,
    q: &[(String, String)],
    scope: &str,
    items: &[T],
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let size = page_size(s, q)?;
    let start = decode_cursor(q, scope, items.len())?;
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| encode_cursor(scope, end));
    Ok((items[start..end].to_vec(), next))
}

pub(super) async fn list_accounts(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    s.serve(Operation::ListAccounts, async {
        authorize(&s, &headers)?;
        let q = query(&uri);
        let all: Vec<serde_json::Value> = s
            .cfg
            .org
            .accounts()
            .iter()
            .map(|a| json!({"accountId": a.id, "accountName": a.name, "emailAddress": a.email}))
            .collect();
        let (page, next) = paginate(&s, &q, "accounts", &all)?;
        let mut reply = json!({ "accountList": page });
        if let Some(next) = next {
            reply["nextToken"] = next.into();
        }
        Ok(json_ok(&reply))
    })
    .await
}

pub(super) async fn list_account_roles(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    s.serve(Operation::ListAccountRoles, async {
        authorize(&s, &headers)?;
        let q = query(&uri);
        let account_id = required(&q, "account_id")?;
        let account = s
            .cfg
            .org
            .account(account_id)
            .ok_or_else(|| ApiError::not_found(format!("No access to account {account_id}")))?;
        let all: Vec<serde_json::Value> = account
            .roles
            .iter()
            .map(|r| json!({"roleName": r, "accountId": account.id}))
            .collect();
        let (page, next) = paginate(&s, &q, &format!("roles:{account_id}"), &all)?;
        let mut reply = json!({ "roleList": page });
        if let Some(next) = next {
            reply["nextToken"] = next.into();
        }
        Ok(json_ok(&reply))
    })
    .await
}

/// The IAM role Identity Center provisions for a permission set, and its role id:
/// `AWSReservedSSO_<PermissionSet>_<16 hex>` / `AROA...`, stable per (account, permission set).
fn reserved_role(account: &str, permission_set: &str) -> (String, String) {
    let digest = Sha256::digest(format!("{account}/{permission_set}").as_bytes());
    let suffix = hex::encode(&digest[..8]);
    let id: String = digest[8..25]
        .iter()
        .map(|b| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[usize::from(b % 32)]))
        .collect();
    (
        format!("AWSReservedSSO_{permission_set}_{suffix}"),
        format!("AROA{id}"),
    )
}

pub(super) async fn get_role_credentials(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    s.serve(Operation::GetRoleCredentials, async {
        authorize(&s, &headers)?;
        let q = query(&uri);
        let role_name = required(&q, "role_name")?;
        let account_id = required(&q, "account_id")?;
        let has_role = s
            .cfg
            .org
            .account(account_id)
            .is_some_and(|a| a.roles.iter().any(|r| r == role_name));
        if !has_role {
            return Err(ApiError::not_found(format!(
                "No access to role {role_name} in account {account_id}"
            )));
        }
        let (iam_role, role_id) = reserved_role(account_id, role_name);
        let user = &s.cfg.user_name;
        let expires_at = SystemTime::now() + s.cfg.role_credential_lifetime;
        let (akid, secret, token) = s.lock().issue_creds(IssuedCredsSpec {
            expires_at,
            account: account_id.to_owned(),
            arn: format!("arn:aws:sts::{account_id}:assumed-role/{iam_role}/{user}"),
            user_id: format!("{role_id}:{user}"),
            source: CredSource::Sso,
        });
        Ok(json_ok(&json!({
            "roleCredentials": {
                "accessKeyId": akid,
                "secretAccessKey": secret,
                "sessionToken": token,
                "expiration": epoch_millis(expires_at),
            }
        })))
    })
    .await
}

pub(super) async fn logout(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    s.serve(Operation::Logout, async {
        let session = authorize(&s, &headers)?;
        s.lock().revoke_session(session);
        Ok(StatusCode::OK.into_response())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_listing() {
        let token = encode_cursor("accounts", 100);
        assert_eq!(
            decode_cursor(&q(&[("next_token", &token)]), "accounts", 250),
            Ok(100)
        );
        assert!(decode_cursor(&q(&[("next_token", &token)]), "roles:1", 250).is_err());
        assert!(decode_cursor(&q(&[("next_token", &token)]), "accounts", 50).is_err());
        assert!(decode_cursor(&q(&[("next_token", "garbage")]), "accounts", 250).is_err());
        assert_eq!(decode_cursor(&q(&[]), "accounts", 250), Ok(0));
    }

    #[test]
    fn reserved_roles_look_like_identity_center_ones() {
        let (name, id) = reserved_role("000123456789", "ReadOnlyAccess");
        assert!(name.starts_with("AWSReservedSSO_ReadOnlyAccess_"));
        assert_eq!(name.len(), "AWSReservedSSO_ReadOnlyAccess_".len() + 16);
        assert_eq!(id.len(), 21);
        assert_eq!(reserved_role("000123456789", "ReadOnlyAccess").0, name);
        assert_ne!(reserved_role("000123456780", "ReadOnlyAccess").0, name);
    }
}
