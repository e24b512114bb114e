//! Wire error helpers: one [`ApiError`] value rendered the way each emulated service spells
//! errors — the SSO portal and SSO OIDC (rest-json: status + `x-amzn-ErrorType` header, or a
//! `__type` body member), STS (query protocol: `<ErrorResponse>` XML), and the plain-text /
//! HTML replies of the console federation endpoint and the browser pages.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::log::Family;

/// How rest-json errors name their shape on the wire. Clients read the shape from the
/// `x-amzn-ErrorType` header first, then from a `__type` or `code` field of the body, so both
/// styles must parse the same in every SDK.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErrorStyle {
    /// `x-amzn-ErrorType: <Shape>` header; body `{"message":..}` (portal) or the OAuth style
    /// `{"error":"authorization_pending","error_description":..}` (OIDC). What real OIDC sends.
    #[default]
    Header,
    /// No header; the body carries `"__type":"com.amazonaws.switchboard.portal#<Shape>"`
    /// (portal) or `"__type":"com.amazonaws.ssooidc#<Shape>"` (OIDC). What the real portal sends.
    Type,
}

impl std::str::FromStr for ErrorStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "header" => Ok(Self::Header),
            "type" => Ok(Self::Type),
            other => Err(format!(
                "unknown error style {other:?}: use `header` or `type`"
            )),
        }
    }
}

/// An error reply before rendering: the HTTP status, the wire code (for rest-json services
/// the shape name, for STS the query-protocol code) and a human message. Never holds secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Seconds for a `Retry-After` header (429 replies).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code: code.to_owned(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// An OIDC error; the status comes from the shape (all 400 except the two below).
    pub(crate) fn oidc(code: &str, message: impl Into<String>) -> Self {
        let status = match code {
            "InvalidClientException" => 401,
            "InternalServerException" => 500,
            _ => 400,
        };
        Self::new(status, code, message)
    }

    /// The portal's reply for a missing, unknown, expired or revoked bearer token.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        )
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidRequestException", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "ResourceNotFoundException", message)
    }

    pub(crate) fn throttled(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(429, "TooManyRequestsException", "Too many requests")
        }
    }

    /// An STS query-protocol error (`ValidationError`, `InvalidClientTokenId`, ...).
    pub(crate) fn sts(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self::new(status, code, message)
    }
}

/// The OAuth 2.0 `error` value that real SSO OIDC puts next to each exception shape.
fn oauth_code(shape: &str) -> String {
    let known = match shape {
        "AuthorizationPendingException" => "authorization_pending",
        "SlowDownException" => "slow_down",
        "ExpiredTokenException" => "expired_token",
        "AccessDeniedException" => "access_denied",
        "InvalidGrantException" => "invalid_grant",
        "InvalidClientException" => "invalid_client",
        "UnsupportedGrantTypeException" => "unsupported_grant_type",
        "InvalidRequestException" => "invalid_request",
        "InvalidScopeException" => "invalid_scope",
        "UnauthorizedClientException" => "unauthorized_client",
        "InternalServerException" => "server_error",
        "InvalidClientMetadataException" => "invalid_client_metadata",
        "InvalidRedirectUriException" => "invalid_redirect_uri",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    // Unknown shape (e.g. an injected fault): snake_case it, minus the `Exception` suffix.
    let base = shape.strip_suffix("Exception").unwrap_or(shape);
    let mut out = String::new();
    for (i, c) in base.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A response with an exact body, a content type and an AWS request id.
pub(crate) fn with_body(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A 200 JSON reply (`Content-Type: application/json`; hyper adds the exact length).
pub(crate) fn json_ok(value: &serde_json::Value) -> Response {
    with_body(
        StatusCode::OK,
        "application/json",
        value.to_string().into_bytes(),
    )
}

pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `err` as the service family `family` spells it, in error style `style`.
pub(crate) fn render(
    family: Family,
    style: ErrorStyle,
    err: &ApiError,
    request_id: &str,
) -> Response {
    let mut resp = match family {
        Family::Portal | Family::Oidc => {
            let mut body = serde_json::Map::new();
            let namespace = if family == Family::Portal {
                body.insert("message".into(), err.message.clone().into());
                "com.amazonaws.switchboard.portal"
            } else {
                body.insert("error".into(), oauth_code(&err.code).into());
                body.insert("error_description".into(), err.message.clone().into());
                "com.amazonaws.ssooidc"
            };
            if style == ErrorStyle::Type {
                body.insert("__type".into(), format!("{namespace}#{}", err.code).into());
            }
            let body = serde_json::Value::Object(body).to_string().into_bytes();
            let mut resp = with_body(err.status, "application/json", body);
            if style == ErrorStyle::Header
                && let Ok(v) = HeaderValue::from_str(&err.code)
            {
                resp.headers_mut().insert("x-amzn-errortype", v);
            }
            resp
        }
        Family::Sts => {
            let kind = if err.status.is_server_error() {
                "Receiver"
            } else {
                "Sender"
            };
            let body = format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    \
                 <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  \
                 <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
                xml_escape(&err.code),
                xml_escape(&err.message)
            );
            with_body(err.status, "text/xml", body.into_bytes())
        }
        Family::Signin => {
            let body = format!("{}: {}\n", err.code, err.message).into_bytes();
            with_body(err.status, "text/plain; charset=utf-8", body)
        }
        Family::Browser => {
            let body = format!(
                "<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>{}</h1><p>{}</p></body></html>\n",
                xml_escape(&err.code),
                xml_escape(&err.message)
            );
            with_body(err.status, "text/html; charset=utf-8", body.into_bytes())
        }
    };
    if let Some(secs) = err.retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_codes_follow_the_shape_names() {
        assert_eq!(
            oauth_code("AuthorizationPendingException"),
            "authorization_pending"
        );
        assert_eq!(oauth_code("InvalidClientException"), "invalid_client");
        assert_eq!(oauth_code("SomethingOddException"), "something_odd");
    }

    #[test]
    fn oidc_statuses_come_from_the_shape() {
        assert_eq!(ApiError::oidc("InvalidClientException", "x").status, 401);
        assert_eq!(ApiError::oidc("SlowDownException", "x").status, 400);
        assert_eq!(ApiError::oidc("InternalServerException", "x").status, 500);
    }

    #[test]
    fn header_style_sets_the_error_type_header_and_type_style_does_not() {
        let err = ApiError::unauthorized();
        let h = render(Family::Portal, ErrorStyle::Header, &err, "rid");
        assert_eq!(h.status(), 401);
        assert_eq!(h.headers()["x-amzn-errortype"], "UnauthorizedException");
        let t = render(Family::Portal, ErrorStyle::Type, &err, "rid");
        assert!(t.headers().get("x-amzn-errortype").is_none());
    }

    #[test]
    fn throttled_replies_carry_retry_after() {
        let r = render(
            Family::Portal,
            ErrorStyle::Header,
            &ApiError::throttled(3),
            "rid",
        );
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()[header::RETRY_AFTER], "3");
    }
}
