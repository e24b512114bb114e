//! STS over the AWS query protocol (`POST /`, form body `Action=..&Version=2011-06-15`, XML
//! replies): AssumeRole and GetCallerIdentity. The caller is identified by the access key id in
//! the SigV4 `Authorization` header (signatures are not verified), which must belong to
//! credentials this emulator issued, with the matching `x-amz-security-token`, unexpired.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;

use super::errors::{ApiError, with_body, xml_escape};
use super::log::{Family, Operation};
use super::state::{CredSource, IssuedCredsSpec, random_from, same_secret};
use super::{Shared, request_id};

const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// AssumeRole's DurationSeconds ceiling when the caller is itself a role session (chaining).
const CHAINED_MAX: u64 = 3600;

/// Form body and query string parameters together (SDKs send the body; humans use either).
fn params(uri: &Uri, body: &Bytes) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    out.extend(
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned(),
    );
    out
}

fn param<'a>(p: &'a [(String, String)], name: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::sts(400, "ValidationError", message)
}

/// The access key id from `Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<scope>, ...`.
fn access_key_id(headers: &HeaderMap) -> Option<&str> {
    let auth = headers.get("authorization")?.to_str().ok()?;
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256")?;
    let cred = rest
        .split([',', ' '])
        .find_map(|part| part.trim().strip_prefix("Credential="))?;
    cred.split('/').next().filter(|k| !k.is_empty())
}

/// Who is calling, as GetCallerIdentity reports it.
struct Caller {
    account: String,
    arn: String,
    user_id: String,
}

fn caller(s: &Shared, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let akid = access_key_id(headers).ok_or_else(|| {
        ApiError::sts(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        )
    })?;
    let invalid = || {
        ApiError::sts(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    };
    let st = s.lock();
    let creds = st.creds.get(akid).ok_or_else(invalid)?;
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !same_secret(&creds.session_token, token) {
        return Err(invalid());
    }
    if creds.expires_at <= SystemTime::now() {
        return Err(ApiError::sts(
            400,
            "ExpiredToken",
            "The security token included in the request is expired",
        ));
    }
    Ok(Caller {
        account: creds.account.clone(),
        arn: creds.arn.clone(),
        user_id: creds.user_id.clone(),
    })
}

fn xml_reply(action: &str, result: &str, request_id: &str) -> Response {
    let body = format!(
        "<{action}Response xmlns=\"{XMLNS}\">\n  <{action}Result>\n{result}  </{action}Result>\n  \
         <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n"
    );
    let mut resp = with_body(StatusCode::OK, "text/xml", body.into_bytes());
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-amzn-requestid", v);
    }
    resp
}

pub(super) async fn dispatch(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let p = params(&uri, &body);
    let op = match param(&p, "Action") {
        Some("AssumeRole") => Operation::AssumeRole,
        Some("GetCallerIdentity") => Operation::GetCallerIdentity,
        other => {
            let action = other.unwrap_or("(none)");
            let err = ApiError::sts(
                400,
                "InvalidAction",
                format!("Could not find operation {action} for version 2011-06-15"),
            );
            return s.reply(Family::Sts, Err(err));
        }
    };
    s.serve(op, async {
        let who = caller(&s, &headers)?;
        let request_id = request_id();
        if op == Operation::GetCallerIdentity {
            let result = format!(
                "    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n",
                xml_escape(&who.arn),
                xml_escape(&who.user_id),
                who.account
            );
            return Ok(xml_reply("GetCallerIdentity", &result, &request_id));
        }
        assume_role(&s, &p, &request_id)
    })
    .await
}

/// `arn:<partition>:iam::<12 digits>:role/[path/]<name>` → (account, role name).
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (prefix, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let ok = prefix == "arn"
        && matches!(partition, "aws" | "aws-cn" | "aws-us-gov")
        && service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit());
    let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
    (ok && !name.is_empty()).then_some((account, name))
}

fn fits(value: &str, min: usize, max: usize, extra: &[u8]) -> bool {
    (min..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b) || extra.contains(&b))
}

fn assume_role(s: &Shared, p: &[(String, String)], request_id: &str) -> Result<Response, ApiError> {
    let null = |field: &str| {
        validation(format!(
            "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
        ))
    };
    let role_arn = param(p, "RoleArn").ok_or_else(|| null("roleArn"))?;
    let session = param(p, "RoleSessionName").ok_or_else(|| null("roleSessionName"))?;
    let (account, role) = parse_role_arn(role_arn).ok_or_else(|| {
        validation(format!(
            "{role_arn} is invalid: expected arn:aws:iam::<account>:role/<name>"
        ))
    })?;
    if !fits(session, 2, 64, b"") {
        return Err(validation(format!(
            "Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2..64"
        )));
    }
    if let Some(ext) = param(p, "ExternalId")
        && !fits(ext, 2, 1224, b":/")
    {
        return Err(validation(
            "Value at 'externalId' failed to satisfy constraint: [\\w+=,.@:/-]* with length 2..1224",
        ));
    }
    let source_identity = param(p, "SourceIdentity");
    if let Some(si) = source_identity
        && !fits(si, 2, 64, b"")
    {
        return Err(validation(
            "Value at 'sourceIdentity' failed to satisfy constraint: [\\w+=,.@-]* with length 2..64",
        ));
    }
    let duration = match param(p, "DurationSeconds") {
        None => CHAINED_MAX,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|d| (900..=43200).contains(d))
            .ok_or_else(|| validation(format!("Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200")))?,
    };
    // Every caller the emulator knows is a role session, so this is always role chaining.
    if duration > CHAINED_MAX {
        return Err(validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    let role_id = format!(
        "AROA{}",
        random_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)
    );
    let arn = format!("arn:aws:sts::{account}:assumed-role/{role}/{session}");
    let user_id = format!("{role_id}:{session}");
    let expires_at = SystemTime::now() + Duration::from_secs(duration);
    let (akid, secret, token) = s.lock().issue_creds(IssuedCredsSpec {
        expires_at,
        account: account.to_owned(),
        arn: arn.clone(),
        user_id: user_id.clone(),
        source: CredSource::AssumeRole,
    });
    let expiration = chrono::DateTime::<chrono::Utc>::from(expires_at).format("%Y-%m-%dT%H:%M:%SZ");
    let mut result = String::new();
    if let Some(si) = source_identity {
        result.push_str(&format!(
            "    <SourceIdentity>{}</SourceIdentity>\n",
            xml_escape(si)
        ));
    }
    result.push_str(&format!(
        "    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n    \
         <Credentials>\n      <AccessKeyId>{akid}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      \
         <SessionToken>{}</SessionToken>\n      <Expiration>{expiration}</Expiration>\n    </Credentials>\n",
        xml_escape(&user_id),
        xml_escape(&arn),
        xml_escape(&secret),
        xml_escape(&token)
    ));
    Ok(xml_reply("AssumeRole", &result, request_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_id_comes_from_the_sigv4_credential_scope() {
        let mut h = HeaderMap::new();
        assert_eq!(access_key_id(&h), None);
        h.insert(
            "authorization",
            HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
            ),
        );
        assert_eq!(access_key_id(&h), Some("ASIAEXAMPLE"));
    }

    #[test]
    fn role_arns_are_parsed_strictly() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::000123456789:role/Deploy"),
            Some(("000123456789", "Deploy"))
        );
        assert_eq!(
            parse_role_arn("arn:aws:iam::000123456789:role/path/to/Deploy"),
            Some(("000123456789", "Deploy"))
        );
        assert_eq!(parse_role_arn("arn:aws:iam::12345:role/Deploy"), None);
        assert_eq!(
            parse_role_arn("arn:aws:iam::000123456789:user/Deploy"),
            None
        );
        assert_eq!(parse_role_arn("Deploy"), None);
    }
}
