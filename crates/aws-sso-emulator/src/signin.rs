//! Console federation (`https://signin.aws.amazon.com/federation` stand-in):
//! `Action=getSigninToken` trades issued, unexpired role credentials for a sign-in token —
//! refusing `SessionDuration` for role-chained (AssumeRole) credentials, as AWS does — and
//! `Action=login` accepts that token and "opens the console" with a small page.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::Shared;
use super::errors::{ApiError, json_ok, with_body, xml_escape};
use super::log::{Family, Operation};
use super::state::{CredSource, SigninToken, random_b64, same_secret};

/// AWS sign-in tokens are valid for 15 minutes.
const SIGNIN_TOKEN_LIFETIME: Duration = Duration::from_secs(900);

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "BadRequest", message)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    session_id: String,
    session_key: String,
    session_token: String,
}

pub(super) async fn federation(State(s): State<Arc<Shared>>, uri: Uri) -> Response {
    let q: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    match param("Action") {
        Some("getSigninToken") => {
            s.serve(Operation::GetSigninToken, async {
                signin_token(&s, &param)
            })
            .await
        }
        Some("login") => {
            s.serve(Operation::ConsoleLogin, async { login(&s, &param) })
                .await
        }
        _ => s.reply(
            Family::Signin,
            Err(bad("Action must be getSigninToken or login")),
        ),
    }
}

fn signin_token<'a>(
    s: &Shared,
    param: &impl Fn(&str) -> Option<&'a str>,
) -> Result<Response, ApiError> {
    let raw = param("Session").ok_or_else(|| bad("Session is required"))?;
    // Only the shape is reported: the JSON holds a secret key.
    let session: Session = serde_json::from_str(raw)
        .map_err(|_| bad("Session must be JSON with sessionId, sessionKey, sessionToken"))?;
    let duration = param("SessionDuration")
        .map(|d| {
            d.parse::<u64>()
                .ok()
                .filter(|d| (900..=43200).contains(d))
                .ok_or_else(|| bad("SessionDuration must be 900..43200"))
        })
        .transpose()?;
    let now = SystemTime::now();
    let mut st = s.lock();
    let creds = st
        .creds
        .get(&session.session_id)
        .filter(|c| {
            same_secret(&c.secret, &session.session_key)
                && same_secret(&c.session_token, &session.session_token)
        })
        .ok_or_else(|| bad("The session credentials are invalid"))?;
    if creds.expires_at <= now {
        return Err(bad("The session credentials have expired"));
    }
    if duration.is_some() && creds.source == CredSource::AssumeRole {
        return Err(bad(
            "SessionDuration cannot be used with credentials from a role-chained (AssumeRole) session",
        ));
    }
    let token = random_b64(256);
    st.signin.insert(
        token.clone(),
        SigninToken {
            expires_at: now + SIGNIN_TOKEN_LIFETIME,
        },
    );
    Ok(json_ok(&json!({ "SigninToken": token })))
}

fn login<'a>(s: &Shared, param: &impl Fn(&str) -> Option<&'a str>) -> Result<Response, ApiError> {
    let token = param("SigninToken").ok_or_else(|| bad("SigninToken is required"))?;
    let destination = param("Destination").ok_or_else(|| bad("Destination is required"))?;
    let valid = s
        .lock()
        .signin
        .get(token)
        .is_some_and(|t| t.expires_at > SystemTime::now());
    if !valid {
        return Err(bad("The sign-in token is invalid or has expired"));
    }
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>AWS Management Console (emulated)</title></head>\
         <body><h1>Signed in</h1><p>Destination: {}</p></body></html>\n",
        xml_escape(destination)
    );
    Ok(with_body(
        StatusCode::OK,
        "text/html; charset=utf-8",
        body.into_bytes(),
    ))
}
