//! The AWS Management Console sign-in URL (docs/console.md): trade role credentials for a
//! federation `SigninToken` (`getSigninToken`), then build the `login` URL that opens the
//! console, optionally deep-linked to a service (`--service s3`) or a console path
//! (`--path /cloudwatch/home#logs`), in every partition.
//!
//! The `getSigninToken` request carries the secret key in its query string: it is never
//! logged, and transport errors are reported without the URL.

use std::time::Duration;

use http_body_util::BodyExt as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::store::RoleCredentials;

/// Console session length limits in minutes (AWS: 15 minutes to 12 hours).
pub const MIN_DURATION: i64 = 15;
pub const MAX_DURATION: i64 = 720;

/// Characters left unescaped in query values (RFC 3986 unreserved).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("invalid --duration {0}.  Must be between 15 and 720")]
    Duration(i64),
    #[error("invalid --path '{0}': it must start with a single / (a path inside the console)")]
    Path(String),
    #[error("invalid --service '{0}': use a console service name such as s3, ec2 or cloudwatch")]
    Service(String),
    /// `detail` is text on purpose, not the transport error: the request URL carries the
    /// sign-in token and transport errors may quote it, so only their URL-free parts are kept.
    #[error("unable to login to AWS: cannot reach the sign-in endpoint {endpoint}: {detail}")]
    Unreachable { endpoint: String, detail: String },
    #[error("unable to login to AWS: {status} from the sign-in endpoint {endpoint}{detail}")]
    Status {
        status: u16,
        endpoint: String,
        detail: String,
    },
    #[error("unable to login to AWS: the sign-in endpoint {0} sent no SigninToken")]
    NoToken(String),
}

/// Where the console should open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destination {
    /// The region shown (`?region=`).
    pub region: String,
    /// `--service NAME`: `/<name>/home`.
    pub service: Option<String>,
    /// `--path /…`: a path (and query/fragment) inside the console.
    pub path: Option<String>,
}

/// The console host of the partition an Identity Center region belongs to.
pub fn console_host(sso_region: &str) -> String {
    format!("console.{}", crate::aws::partition_domain(sso_region))
}

/// Check `--duration` (minutes).
pub fn check_duration(minutes: i64) -> Result<i64, ConsoleError> {
    if (MIN_DURATION..=MAX_DURATION).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(ConsoleError::Duration(minutes))
    }
}

/// The console URL the sign-in redirects to.
pub fn destination_url(sso_region: &str, dest: &Destination) -> Result<String, ConsoleError> {
    let host = console_host(sso_region);
    let service = match dest
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) if s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => Some(s),
        Some(s) => return Err(ConsoleError::Service(s.to_string())),
        None => None,
    };
    let path = match dest
        .path
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        // A second slash would make it a host (`//evil.example`), a backslash too in browsers.
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => {
            if p.chars().any(char::is_control) {
                return Err(ConsoleError::Path(p.to_string()));
            }
            Some(p)
        }
        Some(p) => return Err(ConsoleError::Path(p.to_string())),
        None => None,
    };
    let mut url = match (service, path) {
        (None, None) => format!("https://{host}/console/home"),
        (Some(s), None) => format!("https://{host}/{s}/home"),
        (None, Some(p)) => format!("https://{host}{p}"),
        (Some(s), Some(p)) => format!("https://{host}/{s}{p}"),
    };
    if !dest.region.is_empty() && !has_region_param(&url) {
        let region = utf8_percent_encode(&dest.region, QUERY);
        // The region goes into the query, before any fragment (`#logs`).
        let (base, fragment) = match url.find('#') {
            Some(i) => (url[..i].to_string(), url[i..].to_string()),
            None => (url.clone(), String::new()),
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        url = format!("{base}{sep}region={region}{fragment}");
    }
    Ok(url)
}

fn has_region_param(url: &str) -> bool {
    let query = url
        .split('#')
        .next()
        .and_then(|u| u.split_once('?'))
        .map(|(_, q)| q);
    query.is_some_and(|q| q.split('&').any(|kv| kv.starts_with("region=")))
}

/// The `getSigninToken` request URL. `duration_minutes` is `None` for role-chained
/// credentials: AWS rejects `SessionDuration` for them (#1205).
pub fn signin_token_url(
    federation: &str,
    creds: &RoleCredentials,
    duration_minutes: Option<i64>,
) -> String {
    let session = serde_json::json!({
        "sessionId": creds.access_key_id,
        "sessionKey": creds.secret_access_key.expose(),
        "sessionToken": creds.session_token.expose(),
    })
    .to_string();
    let mut url = format!("{federation}?Action=getSigninToken");
    if let Some(m) = duration_minutes {
        url.push_str(&format!("&SessionDuration={}", m * 60));
    }
    url.push_str("&Session=");
    url.extend(utf8_percent_encode(&session, QUERY));
    url
}

/// The `login` URL that signs the browser in and opens `destination`. Every value is
/// URL-encoded (aws-sso-cli left them raw).
pub fn login_url(federation: &str, issuer: &str, destination: &str, token: &str) -> String {
    let enc = |v: &str| utf8_percent_encode(v, QUERY).to_string();
    format!(
        "{federation}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        enc(issuer),
        enc(destination),
        enc(token)
    )
}

/// Ask the federation endpoint for a sign-in token.
pub async fn signin_token(
    federation: &str,
    creds: &RoleCredentials,
    duration_minutes: Option<i64>,
) -> Result<String, ConsoleError> {
    let url = signin_token_url(federation, creds, duration_minutes);
    let (status, body) = http_get(&url, federation).await?;
    if status != 200 {
        let detail = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .map(|m| format!(" ({})", crate::auth::error::clean(&m, 200)))
            .unwrap_or_default();
        return Err(ConsoleError::Status {
            status,
            endpoint: federation.to_string(),
            detail,
        });
    }
    serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("SigninToken")?.as_str().map(str::to_string))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ConsoleError::NoToken(federation.to_string()))
}

/// GET `url` (http or https); errors name `label`, never the URL (it holds secrets).
async fn http_get(url: &str, label: &str) -> Result<(u16, String), ConsoleError> {
    let unreachable = |detail: String| ConsoleError::Unreachable {
        endpoint: label.to_string(),
        detail,
    };
    let client = crate::http::client(true).map_err(unreachable)?;
    let uri: axum::http::Uri = url
        .parse()
        .map_err(|_| unreachable("the endpoint is not a valid URL".into()))?;
    let fetch = async {
        let resp = client
            .get(uri)
            .await
            .map_err(|e| unreachable(transport_detail(&e)))?;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| unreachable(format!("reading the reply failed ({e})")))?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    };
    match tokio::time::timeout(Duration::from_secs(30), fetch).await {
        Ok(r) => r,
        Err(_) => Err(unreachable("no reply within 30 s".into())),
    }
}

/// A transport error's causes without anything URL-shaped.
fn transport_detail(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !text.contains("http") && !parts.contains(&text) {
            parts.push(text);
        }
        cur = err.source();
    }
    if parts.is_empty() {
        "connection failed".into()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(region: &str, service: Option<&str>, path: Option<&str>) -> Destination {
        Destination {
            region: region.into(),
            service: service.map(str::to_string),
            path: path.map(str::to_string),
        }
    }

    #[test]
    fn destinations_per_partition_and_deep_link() {
        assert_eq!(
            destination_url("us-east-1", &dest("eu-west-1", None, None)).unwrap(),
            "https://console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            destination_url("cn-north-1", &dest("cn-north-1", Some("s3"), None)).unwrap(),
            "https://console.amazonaws.cn/s3/home?region=cn-north-1"
        );
        assert_eq!(
            destination_url(
                "us-gov-west-1",
                &dest("us-gov-west-1", None, Some("/ec2/home#Instances:"))
            )
            .unwrap(),
            "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1#Instances:"
        );
        assert_eq!(
            destination_url(
                "eusc-de-east-1",
                &dest("x", Some("cloudwatch"), Some("/home?region=y#logs"))
            )
            .unwrap(),
            "https://console.amazonaws-eusc.eu/cloudwatch/home?region=y#logs"
        );
    }

    #[test]
    fn unsafe_deep_links_are_refused() {
        for bad in [
            "//evil.example/x",
            "https://evil.example",
            "relative",
            "/a\\b",
            "/a\nb",
        ] {
            assert!(
                destination_url("us-east-1", &dest("r", None, Some(bad))).is_err(),
                "{bad:?}"
            );
        }
        assert!(destination_url("us-east-1", &dest("r", Some("s3/../x"), None)).is_err());
    }

    #[test]
    fn duration_limits() {
        assert!(check_duration(14).is_err());
        assert_eq!(check_duration(15).unwrap(), 15);
        assert_eq!(check_duration(720).unwrap(), 720);
        let e = check_duration(721).unwrap_err().to_string();
        assert_eq!(e, "invalid --duration 721.  Must be between 15 and 720");
    }

    #[test]
    fn urls_are_encoded_and_chained_sessions_omit_the_duration() {
        let creds = RoleCredentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: "s/+=".into(),
            session_token: "t".into(),
            ..Default::default()
        };
        let url = signin_token_url(
            "https://r.signin.aws.amazon.com/federation",
            &creds,
            Some(60),
        );
        assert!(
            url.contains("&SessionDuration=3600&Session=%7B%22"),
            "{url}"
        );
        assert!(url.contains("s%2F%2B%3D"), "{url}");
        assert!(!signin_token_url("f", &creds, None).contains("SessionDuration"));
        let login = login_url(
            "f",
            "https://d-1.awsapps.com/start",
            "https://c/x?region=a&b=c",
            "T+/",
        );
        assert_eq!(
            login,
            "f?Action=login&Issuer=https%3A%2F%2Fd-1.awsapps.com%2Fstart&Destination=https%3A%2F%2Fc%2Fx%3Fregion%3Da%26b%3Dc&SigninToken=T%2B%2F"
        );
    }
}
