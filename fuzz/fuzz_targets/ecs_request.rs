//! The ECS credential server's request handling, in process (no sockets): a sequence of
//! requests against one server state, so that loads, reads and deletes interact.
//!
//! Input: a first line `open` (no bearer token) or anything else (token `fuzz-token`), then
//! requests separated by `\n===\n`, each `METHOD TARGET`, header lines `Name: value`, an
//! empty line and the body. Requests hyper would refuse (bad method, target or header) are
//! skipped or lose that header, as on the wire.
//!
//! Every reply is a JSON document ending in a newline; with a token required, a request
//! without it gets nothing but the health check; a request with a foreign Host or from a
//! browser (Origin, Sec-Fetch-Site) is never served, whatever the mode.
#![no_main]

use std::sync::LazyLock;

use aws_sso::ecs::api::Reply;
use aws_sso::ecs::auth::BearerAuth;
use aws_sso::ecs::routes::Api;
use aws_sso::store::Secret;
use hyper::header::{AUTHORIZATION, HOST, HeaderMap, HeaderName, ORIGIN, HeaderValue};
use hyper::{Method, Uri};
use libfuzzer_sys::fuzz_target;

const TOKEN: &str = "fuzz-token";

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

struct Request<'a> {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: &'a [u8],
}

fn parse(raw: &[u8]) -> Option<Request<'_>> {
    let (head, body) = match raw.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&raw[..i], &raw[i + 2..]),
        None => (raw, &b""[..]),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next()?;
    let space = first.iter().position(|&b| b == b' ')?;
    let method = Method::from_bytes(&first[..space]).ok()?;
    let uri = Uri::try_from(&first[space + 1..]).ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
        ) else {
            continue;
        };
        headers.append(name, value);
    }
    Some(Request {
        method,
        uri,
        headers,
        body,
    })
}

/// What the server does with a parsed request (see `ecs::server::respond`): admit it from its
/// headers (Host, browser, token), then handle it with its body.
async fn handle(api: &Api, req: &Request<'_>) -> Reply {
    if let Err(refused) = api.admit(req.uri.path(), &req.headers) {
        return refused;
    }
    let authorization = req.headers.get(AUTHORIZATION).map(HeaderValue::as_bytes);
    api.handle(
        &req.method,
        req.uri.path(),
        req.uri.query(),
        authorization,
        req.body,
    )
    .await
}

/// A Host naming this machine by loopback address or `localhost`, with or without a port
/// (an independent reading of the rule the server enforces).
fn loopback_host(host: &[u8]) -> bool {
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, port)) if port.is_empty() || port.starts_with(':') => inside,
            _ => return false,
        },
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

fn split<'a>(data: &'a [u8], sep: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.windows(sep.len()).position(|w| w == sep) {
            Some(i) => {
                rest = Some(&r[i + sep.len()..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let (mode, requests) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let open = mode == b"open";
    let auth = if open {
        BearerAuth::disabled()
    } else {
        BearerAuth::required(&Secret::from(TOKEN))
    };
    let api = Api::new(auth, None);
    RUNTIME.block_on(async {
        for raw in split(requests, b"\n===\n") {
            let Some(req) = parse(raw) else {
                continue;
            };
            let reply = handle(&api, &req).await;
            assert!(
                (100..=599).contains(&reply.status),
                "status {}",
                reply.status
            );
            assert_eq!(reply.body.last(), Some(&b'\n'));
            let json = serde_json::from_slice::<serde_json::Value>(&reply.body);
            assert!(json.is_ok(), "reply is not JSON: {:?}", reply.body);
            let authorised = req
                .headers
                .get(AUTHORIZATION)
                .is_some_and(|v| v.as_bytes() == format!("Bearer {TOKEN}").as_bytes());
            if !open && !authorised && !req.uri.path().starts_with("/healthcheck") {
                assert_ne!(reply.status, 200, "served without the token");
            }
            let host_ok = req.headers.get(HOST).is_some_and(|h| loopback_host(h.as_bytes()));
            let browser = req.headers.contains_key(ORIGIN)
                || req
                    .headers
                    .get("sec-fetch-site")
                    .is_some_and(|v| v.as_bytes() != b"none");
            if !host_ok || browser {
                assert_ne!(reply.status, 200, "served a foreign Host or a browser");
            }
        }
    });
});
