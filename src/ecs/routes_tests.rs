use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;
use serde_json::Value;

use super::*;
use crate::ecs::renew::Renewer;
use crate::role::RoleId;
use crate::store::{RoleCredentials, Secret};

fn creds(key: &str, expires_in: i64) -> RoleCredentials {
    RoleCredentials {
        role_name: "Admin".into(),
        account_id: 42,
        access_key_id: key.into(),
        secret_access_key: "secret".into(),
        session_token: "token".into(),
        expiration: (now_unix() + expires_in) * 1000,
        role_chaining: false,
    }
}

fn body(profile: &str, c: RoleCredentials) -> Vec<u8> {
    serde_json::to_vec(&LoadRequest {
        creds: c,
        profile_name: profile.into(),
        sso: None,
    })
    .unwrap()
}

async fn call(api: &Api, method: Method, path: &str, body: &[u8]) -> (u16, Value) {
    let auth = Some(&b"Bearer tok"[..]);
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let r = api.handle(&method, path, query, auth, body).await;
    assert_eq!(r.body.last(), Some(&b'\n'));
    (r.status, serde_json::from_slice(&r.body).unwrap())
}

fn ack(code: u16, message: &str) -> (u16, Value) {
    (
        code,
        serde_json::json!({"code": code.to_string(), "message": message}),
    )
}

fn open_api() -> Api {
    Api::new(BearerAuth::disabled(), None)
}

#[tokio::test]
async fn default_slot_load_get_delete() {
    let api = open_api();
    assert_eq!(
        call(&api, Method::GET, "/", b"").await,
        ack(404, "Credentials expired")
    );
    assert_eq!(
        call(&api, Method::DELETE, "/", b"").await,
        ack(404, "Credentials expired")
    );
    assert_eq!(
        call(&api, Method::PUT, "/", &body("dev", creds("AK1", 3600))).await,
        ack(200, "OK")
    );
    let (code, v) = call(&api, Method::GET, "/", b"").await;
    assert_eq!(code, 200);
    assert_eq!(v["AccessKeyId"], "AK1");
    assert_eq!(v["SecretAccessKey"], "secret");
    assert_eq!(v["Token"], "token");
    assert_eq!(v["RoleArn"], "arn:aws:iam::000000000042:role/Admin");
    let (code, v) = call(&api, Method::GET, "/profile", b"").await;
    assert_eq!(code, 200);
    assert_eq!(v["ProfileName"], "dev");
    assert_eq!(v["AccountId"], "000000000042");
    assert_eq!(
        call(&api, Method::POST, "/", b"").await,
        ack(400, "Bad request")
    );
    assert_eq!(
        call(&api, Method::GET, "/?x=1", b"").await,
        ack(404, "Credentials unavailable")
    );
    assert_eq!(call(&api, Method::DELETE, "/", b"").await, ack(200, "OK"));
    // aws-sso-cli panicked here.
    assert_eq!(
        call(&api, Method::GET, "/", b"").await,
        ack(404, "Credentials expired")
    );
    assert_eq!(
        call(&api, Method::GET, "/profile", b"").await,
        ack(404, "Credentials unavailable")
    );
}

#[tokio::test]
async fn loads_are_validated() {
    let api = open_api();
    let mut c = creds("AK1", 3600);
    c.session_token = Secret::default();
    assert_eq!(
        call(&api, Method::PUT, "/", &body("dev", c)).await,
        ack(400, "missing sessionToken")
    );
    assert_eq!(
        call(&api, Method::PUT, "/", &body("dev", creds("AK1", -10))).await,
        ack(404, "Credentials expired")
    );
    assert_eq!(
        call(
            &api,
            Method::PUT,
            "/slot/dev",
            &body("dev", creds("AK1", -10))
        )
        .await,
        ack(500, "expired creds")
    );
    let (code, v) = call(
        &api,
        Method::PUT,
        "/",
        br#"{"Creds": {"secretAccessKey": 12345}}"#,
    )
    .await;
    assert_eq!(code, 400);
    let msg = v["message"].as_str().unwrap();
    assert!(msg.contains("line 1") && !msg.contains("12345"), "{msg}");
    for bad in [&b"{not json"[..], b"", b"[]", br#"{"Creds": {}}"#] {
        let (code, v) = call(&api, Method::PUT, "/slot/x", bad).await;
        assert_eq!(code, 400, "{v}");
        assert!(!v["message"].as_str().unwrap().contains('\n'), "{v}");
    }
    let (_, v) = call(&api, Method::PUT, "/", br#"{"ProfileName": "dev"}"#).await;
    assert_eq!(
        v["message"],
        "invalid request body: missing field `Creds` at line 1 column 22"
    );
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn admission_checks_host_then_browser_then_token() {
    let api = Api::new(BearerAuth::required(&Secret::new("tok")), None);
    let good = [("host", "127.0.0.1:4144"), ("authorization", "Bearer tok")];
    assert_eq!(api.admit("/", &headers(&good)), Ok(()));
    let status = |pairs: &[(&'static str, &str)], path| {
        api.admit(path, &headers(pairs)).map_err(|r| r.status)
    };
    let evil = [("host", "evil.example"), ("authorization", "Bearer tok")];
    assert_eq!(status(&evil, "/"), Err(421));
    assert_eq!(status(&evil, "/healthcheck"), Err(421));
    assert_eq!(status(&[("authorization", "Bearer tok")], "/"), Err(421));
    let browser = [
        ("host", "localhost"),
        ("authorization", "Bearer tok"),
        ("origin", "http://localhost"),
    ];
    assert_eq!(status(&browser, "/"), Err(403));
    assert_eq!(status(&[("host", "localhost")], "/"), Err(403));
    assert_eq!(status(&[("host", "localhost")], "/healthcheck"), Ok(()));

    // Without a token only the Host and browser checks remain; a unix socket takes any Host.
    let open = open_api();
    assert_eq!(open.admit("/", &headers(&[("host", "[::1]")])), Ok(()));
    assert!(
        open.admit("/", &headers(&[("host", "evil.example")]))
            .is_err()
    );
    let unix = open_api().with_hosts(HostPolicy::any());
    assert_eq!(unix.admit("/", &headers(&[("host", "anything")])), Ok(()));
    let sent = [("host", "x"), ("sec-fetch-site", "cross-site")];
    assert_eq!(
        unix.admit("/", &headers(&sent)).map_err(|r| r.status),
        Err(403)
    );
}

#[tokio::test]
async fn named_slots_by_body_profile_with_escaped_names() {
    let api = open_api();
    // The key is the body's ProfileName, whatever the path says.
    assert_eq!(
        call(
            &api,
            Method::PUT,
            "/slot/ignored",
            &body("team/dev", creds("AK2", 3600))
        )
        .await,
        ack(200, "OK")
    );
    call(&api, Method::PUT, "/slot/x", &body("a", creds("AK3", 3600))).await;
    let (code, v) = call(&api, Method::GET, "/slot/team%2Fdev", b"").await;
    assert_eq!((code, v["AccessKeyId"].as_str()), (200, Some("AK2")));
    // Names may also carry a bare slash.
    let (code, _) = call(&api, Method::GET, "/slot/team/dev", b"").await;
    assert_eq!(code, 200);
    let (code, list) = call(&api, Method::GET, "/slot", b"").await;
    assert_eq!(code, 200);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ProfileName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "team/dev"]);
    assert_eq!(
        call(&api, Method::GET, "/slot/nope", b"").await,
        ack(404, "Credentials unavailable")
    );
    assert_eq!(
        call(&api, Method::DELETE, "/slot/a", b"").await,
        ack(200, "OK")
    );
    assert_eq!(
        call(&api, Method::DELETE, "/slot/a", b"").await,
        ack(404, "Credentials unavailable")
    );
    // DELETE /slot empties them all, as documented.
    assert_eq!(
        call(&api, Method::DELETE, "/slot", b"").await,
        ack(200, "OK")
    );
    let (_, list) = call(&api, Method::GET, "/slot", b"").await;
    assert_eq!(list, serde_json::json!([]));
    assert_eq!(
        call(&api, Method::GET, "/elsewhere", b"").await,
        ack(404, "Credentials unavailable")
    );
}

#[tokio::test]
async fn auth_guards_everything_but_healthchecks() {
    let api = Api::new(BearerAuth::required(&Secret::new("tok")), None);
    for header in [None, Some(&b"Bearer nope"[..]), Some(&b"tok"[..])] {
        for path in ["/", "/profile", "/slot", "/slot/a", "/other"] {
            let r = api.handle(&Method::GET, path, None, header, b"").await;
            assert_eq!(r.status, 403, "{path}");
            assert_eq!(
                r.body,
                b"{\"code\":\"403\",\"message\":\"Invalid authorization token\"}\n"
            );
        }
        let r = api
            .handle(&Method::GET, "/healthcheck", None, header, b"")
            .await;
        assert_eq!(r.status, 503);
    }
    let (code, _) = call(&api, Method::PUT, "/", &body("dev", creds("AK1", 3600))).await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn healthchecks() {
    let api = open_api();
    let h = api
        .handle(&Method::GET, "/healthcheck", None, None, b"")
        .await;
    assert_eq!(
        (h.status, h.body),
        (503, b"{\"status\":\"no credentials loaded\"}\n".to_vec())
    );
    let h = api
        .handle(&Method::GET, "/healthcheck/slot/x", None, None, b"")
        .await;
    assert_eq!(
        (h.status, h.body),
        (503, b"{\"status\":\"slot not found\"}\n".to_vec())
    );
    let h = api
        .handle(&Method::POST, "/healthcheck", None, None, b"")
        .await;
    assert_eq!(h.status, 400);
    api.slots.put(
        SlotKey::Default,
        Slot {
            profile: "dev".into(),
            creds: creds("AK", -1),
            obtained_at: now_unix() - 100,
            sso: None,
        },
    );
    let h = api
        .handle(&Method::GET, "/healthcheck", None, None, b"")
        .await;
    assert_eq!(
        (h.status, h.body),
        (503, b"{\"status\":\"credentials expired\"}\n".to_vec())
    );
    call(&api, Method::PUT, "/slot/x", &body("x", creds("AK", 3600))).await;
    let (code, v) = call(&api, Method::GET, "/healthcheck/slot/x", b"").await;
    assert_eq!(
        (code, v["status"].as_str(), v["profile"].as_str()),
        (200, Some("ok"), Some("x"))
    );
    chrono::DateTime::parse_from_rfc3339(v["expires"].as_str().unwrap()).unwrap();
}

/// Counts renewals; each takes a while, so concurrent requests overlap with it.
struct SlowRenewer {
    calls: AtomicUsize,
}

impl Renewer for SlowRenewer {
    fn instance(&self) -> &str {
        "Default"
    }

    fn renew<'a>(
        &'a self,
        _role: &'a RoleId,
        _current: &'a RoleCredentials,
    ) -> BoxFuture<'a, Result<RoleCredentials, String>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok(creds(&format!("RENEWED{n}"), 3600))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_on_an_expiring_slot_share_one_renewal() {
    let renewer = Arc::new(SlowRenewer {
        calls: AtomicUsize::new(0),
    });
    let api = Arc::new(Api::new(
        BearerAuth::disabled(),
        Some(Arc::new(Renewal::new(renewer.clone(), 900))),
    ));
    // Twenty seconds left of a 3600-second life: due, and close enough that requests wait.
    api.slots.put(
        SlotKey::Default,
        Slot {
            profile: "dev".into(),
            creds: creds("OLD", 20),
            obtained_at: now_unix() - 3580,
            sso: None,
        },
    );
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            call(&api, Method::GET, "/", b"").await
        }));
    }
    for t in tasks {
        let (code, v) = t.await.unwrap();
        assert_eq!((code, v["AccessKeyId"].as_str()), (200, Some("RENEWED0")));
    }
    assert_eq!(renewer.calls.load(Ordering::SeqCst), 1);
    // A slot from another SSO instance is left alone.
    api.slots.put(
        SlotKey::Named("other".into()),
        Slot {
            profile: "other".into(),
            creds: creds("OTHER", 20),
            obtained_at: now_unix() - 3580,
            sso: Some("Elsewhere".into()),
        },
    );
    let (_, v) = call(&api, Method::GET, "/slot/other", b"").await;
    assert_eq!(v["AccessKeyId"], "OTHER");
    assert_eq!(renewer.calls.load(Ordering::SeqCst), 1);
}
