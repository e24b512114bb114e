//! The emulator driven by the real Rust SDK clients (aws-sdk-sso, aws-sdk-ssooidc, aws-sdk-sts)
//! with retries off: every operation, every error class, pagination, the rate limit, fault
//! injection and the counters. The browser steps (`/authorize`, `/device`, `/federation`) are
//! fetched with a tiny std `TcpStream` HTTP GET, as a browser would.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_ssooidc::operation::create_token::{CreateTokenError, CreateTokenOutput};
use aws_sdk_ssooidc::operation::start_device_authorization::StartDeviceAuthorizationOutput;
use aws_sdk_sts::error::ProvideErrorMetadata as _;
use aws_sso_emulator::{
    Emulator, EmulatorConfig, ErrorStyle, Fault, Operation, Org, RateLimit, RefreshTokenPolicy,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const REDIRECT: &str = "http://127.0.0.1:40000/";

async fn start(cfg: EmulatorConfig) -> Emulator {
    Emulator::start(cfg).await.expect("start the emulator")
}

fn sso(url: &str) -> aws_sdk_sso::Client {
    use aws_sdk_sso::config::{BehaviorVersion, Region, retry::RetryConfig};
    let conf = aws_sdk_sso::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_sso::Client::from_conf(conf)
}

fn oidc(url: &str) -> aws_sdk_ssooidc::Client {
    use aws_sdk_ssooidc::config::{BehaviorVersion, Region, retry::RetryConfig};
    let conf = aws_sdk_ssooidc::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_ssooidc::Client::from_conf(conf)
}

/// An STS client signing with the given role credentials.
fn sts(url: &str, akid: &str, secret: &str, token: &str) -> aws_sdk_sts::Client {
    use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
    let creds = Credentials::new(akid, secret, Some(token.to_owned()), None, "emulator-test");
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(creds)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

struct HttpReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl HttpReply {
    fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    /// A query parameter of the `Location` header.
    fn location_param(&self, name: &str) -> Option<String> {
        let url = url::Url::parse(self.header("location")?).ok()?;
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// A browser-like GET of `target` (a path, or a full URL under `base`); no redirects followed.
/// Blocking std I/O, so async tests go through [`get`].
fn http_get(base: &str, target: &str) -> HttpReply {
    let path = target.strip_prefix(base).unwrap_or(target);
    let host = base
        .strip_prefix("http://")
        .expect("emulator url is http://");
    let mut stream = TcpStream::connect(host).expect("connect to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("send request");
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header line");
        let Some((k, v)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let mut body = String::new();
    reader.read_to_string(&mut body).expect("body");
    HttpReply {
        status,
        headers,
        body,
    }
}

async fn get(base: &str, target: &str) -> HttpReply {
    let (base, target) = (base.to_owned(), target.to_owned());
    tokio::task::spawn_blocking(move || http_get(&base, &target))
        .await
        .expect("GET task")
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

struct Registered {
    id: String,
    secret: String,
}

/// Registers like aws-sso's PKCE mode (scopes, loopback redirect, auth code + refresh).
async fn register_pkce(oidc: &aws_sdk_ssooidc::Client) -> Registered {
    let reg = oidc
        .register_client()
        .client_name("aws-sso-test")
        .client_type("public")
        .scopes("sso:account:access")
        .redirect_uris("http://127.0.0.1")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .issuer_url(START_URL)
        .send()
        .await
        .expect("RegisterClient");
    let (id, secret) = (reg.client_id().unwrap(), reg.client_secret().unwrap());
    Registered {
        id: id.to_owned(),
        secret: secret.to_owned(),
    }
}

/// Registers like aws-sso-cli's device mode: no scopes.
async fn register_device(oidc: &aws_sdk_ssooidc::Client) -> Registered {
    let reg = oidc
        .register_client()
        .client_name("aws-sso-cli")
        .client_type("public");
    let reg = reg
        .grant_types(DEVICE_GRANT)
        .grant_types("refresh_token")
        .send()
        .await
        .unwrap();
    let (id, secret) = (reg.client_id().unwrap(), reg.client_secret().unwrap());
    Registered {
        id: id.to_owned(),
        secret: secret.to_owned(),
    }
}

async fn start_device(
    oidc: &aws_sdk_ssooidc::Client,
    c: &Registered,
) -> StartDeviceAuthorizationOutput {
    let req = oidc
        .start_device_authorization()
        .client_id(&c.id)
        .client_secret(&c.secret);
    req.start_url(START_URL)
        .send()
        .await
        .expect("StartDeviceAuthorization")
}

type TokenResult = Result<CreateTokenOutput, CreateTokenError>;

async fn poll(oidc: &aws_sdk_ssooidc::Client, c: &Registered, device_code: &str) -> TokenResult {
    let req = oidc
        .create_token()
        .client_id(&c.id)
        .client_secret(&c.secret);
    let req = req.grant_type(DEVICE_GRANT).device_code(device_code);
    req.send().await.map_err(|e| e.into_service_error())
}

async fn exchange(
    oidc: &aws_sdk_ssooidc::Client,
    c: &Registered,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> TokenResult {
    let req = oidc
        .create_token()
        .client_id(&c.id)
        .client_secret(&c.secret);
    let req = req.grant_type("authorization_code").code(code);
    let req = req.redirect_uri(redirect).code_verifier(verifier);
    req.send().await.map_err(|e| e.into_service_error())
}

async fn refresh(oidc: &aws_sdk_ssooidc::Client, c: &Registered, token: &str) -> TokenResult {
    let req = oidc
        .create_token()
        .client_id(&c.id)
        .client_secret(&c.secret);
    let req = req.grant_type("refresh_token").refresh_token(token);
    req.send().await.map_err(|e| e.into_service_error())
}

fn verifier_and_challenge(seed: u8) -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode([seed; 48]);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The browser's `/authorize` visit (aws-sso-cli spells the scope parameter `scope`).
async fn authorize(base: &str, c: &Registered, redirect: &str, challenge: &str) -> HttpReply {
    let path = format!(
        "/authorize?client_id={}&code_challenge={challenge}&code_challenge_method=S256\
         &redirect_uri={}&response_type=code&scope=sso%3Aaccount%3Aaccess&state=st8",
        enc(&c.id),
        enc(redirect)
    );
    get(base, &path).await
}

/// A full PKCE sign-in; returns (client, access token, refresh token).
async fn pkce_login(emu: &Emulator) -> (Registered, String, String) {
    let oidc = oidc(&emu.url());
    let client = register_pkce(&oidc).await;
    let (verifier, challenge) = verifier_and_challenge(7);
    let reply = authorize(&emu.url(), &client, REDIRECT, &challenge).await;
    assert_eq!(reply.status, 302, "authorize body: {}", reply.body);
    let code = reply.location_param("code").expect("code");
    let tok = exchange(&oidc, &client, &code, &verifier, REDIRECT)
        .await
        .expect("CreateToken");
    let access = tok.access_token().expect("access token").to_owned();
    (
        client,
        access,
        tok.refresh_token().expect("refresh token").to_owned(),
    )
}

async fn list_accounts(
    sso: &aws_sdk_sso::Client,
    token: &str,
) -> Result<usize, aws_sdk_sso::operation::list_accounts::ListAccountsError> {
    let out = sso.list_accounts().access_token(token).send().await;
    out.map(|o| o.account_list().len())
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn device_flow_walks_pending_slow_down_approval_and_errors() {
    let interval = Duration::from_millis(500);
    let emu = start(EmulatorConfig {
        device_poll_interval: interval,
        ..Default::default()
    })
    .await;
    let oidc = oidc(&emu.url());
    let reg = oidc
        .register_client()
        .client_name("x")
        .client_type("public")
        .send()
        .await
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(reg.client_secret_expires_at() > now + 80 * 24 * 3600);
    let authorize_endpoint = format!("{}/authorize", emu.url());
    assert_eq!(
        reg.authorization_endpoint(),
        Some(authorize_endpoint.as_str())
    );

    let client = register_device(&oidc).await;
    let dev = start_device(&oidc, &client).await;
    assert_eq!(dev.interval(), 1, "500 ms is advertised as 1 s");
    assert_eq!(dev.expires_in(), 600);
    let code = dev.device_code().unwrap();
    let e = poll(&oidc, &client, code).await.expect_err("pending");
    assert!(e.is_authorization_pending_exception(), "{e:?}");
    let e = poll(&oidc, &client, code).await.expect_err("too fast");
    assert!(e.is_slow_down_exception(), "{e:?}");

    let page = get(&emu.url(), dev.verification_uri_complete().unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("approved"), "{}", page.body);
    tokio::time::sleep(interval).await; // the protocol's poll interval, not synchronisation
    let tok = poll(&oidc, &client, code)
        .await
        .expect("token after approval");
    assert_eq!(tok.token_type(), Some("Bearer"));
    assert_eq!(tok.expires_in(), 8 * 3600);
    assert!(
        tok.refresh_token().is_none(),
        "unscoped clients get no refresh token"
    );
    assert_eq!(
        list_accounts(&sso(&emu.url()), tok.access_token().unwrap())
            .await
            .unwrap(),
        5
    );
    let e = poll(&oidc, &client, code).await.expect_err("single use");
    assert!(e.is_invalid_grant_exception(), "{e:?}");

    let denied = start_device(&oidc, &client).await;
    let deny = format!(
        "/device?user_code={}&action=deny",
        denied.user_code().unwrap()
    );
    assert!(get(&emu.url(), &deny).await.body.contains("denied"));
    let e = poll(&oidc, &client, denied.device_code().unwrap())
        .await
        .expect_err("denied");
    assert!(e.is_access_denied_exception(), "{e:?}");

    let expired = start_device(&oidc, &client).await;
    emu.expire_device_codes();
    let e = poll(&oidc, &client, expired.device_code().unwrap())
        .await
        .expect_err("expired");
    assert!(e.is_expired_token_exception(), "{e:?}");

    // Client and request errors.
    let wrong = Registered {
        id: client.id.clone(),
        secret: "wrong".into(),
    };
    let e = oidc
        .create_token()
        .client_id(&wrong.id)
        .client_secret(&wrong.secret);
    let e = e
        .grant_type(DEVICE_GRANT)
        .device_code(code)
        .send()
        .await
        .expect_err("bad secret");
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(401));
    assert!(e.into_service_error().is_invalid_client_exception());
    let e = oidc
        .create_token()
        .client_id(&client.id)
        .client_secret(&client.secret);
    let e = e.grant_type("password").send().await.expect_err("grant");
    assert!(e.into_service_error().is_unsupported_grant_type_exception());
    let e = poll(&oidc, &client, "").await.expect_err("no device code");
    assert!(e.is_invalid_request_exception(), "{e:?}");
    let e = exchange(&oidc, &client, "c", "v", REDIRECT)
        .await
        .expect_err("not registered");
    assert!(e.is_unauthorized_client_exception(), "{e:?}");
    emu.expire_client_secrets();
    let req = oidc.start_device_authorization().client_id(&client.id);
    let e = req
        .client_secret(&client.secret)
        .start_url(START_URL)
        .send()
        .await;
    assert!(
        e.expect_err("secret expired")
            .into_service_error()
            .is_invalid_client_exception()
    );
}

#[tokio::test]
async fn device_flow_auto_approves_after_n_polls() {
    let emu = start(EmulatorConfig {
        device_poll_interval: Duration::ZERO,
        device_auto_approve_after: Some(2),
        refresh_tokens: RefreshTokenPolicy::Always,
        ..Default::default()
    })
    .await;
    let oidc = oidc(&emu.url());
    let client = register_device(&oidc).await;
    let dev = start_device(&oidc, &client).await;
    let mut pending = 0;
    let tok = loop {
        match poll(&oidc, &client, dev.device_code().unwrap()).await {
            Ok(t) => break t,
            Err(e) => assert!(e.is_authorization_pending_exception(), "{e:?}"),
        }
        pending += 1;
        assert!(pending <= 2, "auto approval did not happen");
    };
    assert_eq!(pending, 2);
    assert!(tok.refresh_token().is_some(), "RefreshTokenPolicy::Always");
    assert_eq!(emu.counters().errors("AuthorizationPendingException"), 2);
    assert_eq!(emu.counters().calls(Operation::CreateToken), 3);
}

#[tokio::test]
async fn pkce_flow_verifies_the_challenge_and_refresh_rotates() {
    let emu = start(EmulatorConfig::default()).await;
    let oidc = oidc(&emu.url());
    let client = register_pkce(&oidc).await;
    let (verifier, challenge) = verifier_and_challenge(1);

    let reply = authorize(&emu.url(), &client, REDIRECT, &challenge).await;
    assert_eq!(reply.status, 302);
    assert!(
        reply
            .header("location")
            .unwrap()
            .starts_with("http://127.0.0.1:40000/?")
    );
    assert_eq!(reply.location_param("state").as_deref(), Some("st8"));
    let code = reply.location_param("code").unwrap();
    let (wrong, _) = verifier_and_challenge(2);
    let e = exchange(&oidc, &client, &code, &wrong, REDIRECT)
        .await
        .expect_err("wrong verifier");
    assert!(e.is_invalid_grant_exception(), "{e:?}");
    let e = exchange(&oidc, &client, &code, &verifier, REDIRECT)
        .await
        .expect_err("code spent");
    assert!(e.is_invalid_grant_exception(), "{e:?}");

    let code = authorize(&emu.url(), &client, REDIRECT, &challenge)
        .await
        .location_param("code");
    let other = "http://127.0.0.1:40001/";
    let e = exchange(&oidc, &client, &code.unwrap(), &verifier, other).await;
    assert!(
        e.expect_err("redirect mismatch")
            .is_invalid_grant_exception()
    );
    let code = authorize(&emu.url(), &client, REDIRECT, &challenge)
        .await
        .location_param("code");
    let tok = exchange(&oidc, &client, &code.unwrap(), &verifier, REDIRECT)
        .await
        .expect("token");
    let first_refresh = tok
        .refresh_token()
        .expect("scoped clients get a refresh token");

    let again = refresh(&oidc, &client, first_refresh)
        .await
        .expect("refresh");
    assert_ne!(again.access_token(), tok.access_token());
    let rotated = again.refresh_token().expect("rotated refresh token");
    assert_ne!(rotated, first_refresh);
    let e = refresh(&oidc, &client, first_refresh)
        .await
        .expect_err("rotated out");
    assert!(e.is_invalid_grant_exception(), "{e:?}");
    assert!(refresh(&oidc, &client, rotated).await.is_ok());

    // Browser-side refusals: unregistered path or unknown client → 400 page, no redirect.
    let elsewhere = "http://127.0.0.1:40000/other";
    assert_eq!(
        authorize(&emu.url(), &client, elsewhere, &challenge)
            .await
            .status,
        400
    );
    let stranger = Registered {
        id: "nope".into(),
        secret: String::new(),
    };
    assert_eq!(
        authorize(&emu.url(), &stranger, REDIRECT, &challenge)
            .await
            .status,
        400
    );
    // No PKCE challenge → error redirect.
    let reply = authorize(&emu.url(), &client, REDIRECT, "").await;
    assert_eq!(
        reply.location_param("error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(emu.counters().calls(Operation::Authorize), 6);
    assert_eq!(emu.counters().errors("invalid_request"), 1);
}

#[tokio::test]
async fn deny_knob_redirects_with_access_denied() {
    let emu = start(EmulatorConfig {
        deny_logins: true,
        ..Default::default()
    })
    .await;
    let client = register_pkce(&oidc(&emu.url())).await;
    let (_, challenge) = verifier_and_challenge(3);
    let reply = authorize(&emu.url(), &client, "http://127.0.0.1:1234", &challenge).await;
    assert_eq!(reply.status, 302);
    assert_eq!(
        reply.location_param("error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(reply.location_param("state").as_deref(), Some("st8"));
    assert!(reply.location_param("code").is_none());
}

#[tokio::test]
async fn pagination_serves_250_accounts_in_pages_of_100() {
    let org = Org::synthetic(250, 2, 3);
    let emu = start(EmulatorConfig {
        org: org.clone(),
        ..Default::default()
    })
    .await;
    let (_, token, _) = pkce_login(&emu).await;
    let sso = sso(&emu.url());
    let (mut ids, mut pages, mut next) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let req = sso.list_accounts().access_token(&token).max_results(100);
        let page = req.set_next_token(next.clone()).send().await.unwrap();
        pages.push(page.account_list().len());
        ids.extend(
            page.account_list()
                .iter()
                .map(|a| a.account_id().unwrap().to_owned()),
        );
        next = page.next_token().map(str::to_owned);
        if next.is_none() {
            break;
        }
    }
    assert_eq!(pages, [100, 100, 50]);
    let expected: Vec<String> = org.accounts().iter().map(|a| a.id.clone()).collect();
    assert_eq!(ids, expected);
    assert!(
        ids.iter().any(|id| id.starts_with('0')),
        "leading zeros survive the wire"
    );

    let paginator = sso
        .list_accounts()
        .access_token(&token)
        .max_results(100)
        .into_paginator();
    let items: Vec<_> = paginator.items().send().collect::<Vec<_>>().await;
    assert_eq!(items.len(), 250, "the SDK paginator agrees");

    let e = sso
        .list_accounts()
        .access_token(&token)
        .max_results(101)
        .send()
        .await;
    assert!(
        e.expect_err("max 100")
            .into_service_error()
            .is_invalid_request_exception()
    );
    let e = sso
        .list_accounts()
        .access_token(&token)
        .next_token("bogus")
        .send()
        .await;
    assert!(
        e.expect_err("bad cursor")
            .into_service_error()
            .is_invalid_request_exception()
    );

    let first = &org.accounts()[0];
    let req = sso
        .list_account_roles()
        .access_token(&token)
        .account_id(&first.id);
    let roles = req.max_results(1).send().await.unwrap();
    assert_eq!(roles.role_list().len(), 1);
    assert_eq!(
        roles.role_list()[0].role_name(),
        Some(first.roles[0].as_str())
    );
    assert!(roles.next_token().is_some());
    let req = sso
        .list_account_roles()
        .access_token(&token)
        .account_id("999999999999");
    let e = req
        .send()
        .await
        .expect_err("unknown account")
        .into_service_error();
    assert!(e.is_resource_not_found_exception());
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let limit = RateLimit::new(0.5, 3);
    let emu = start(EmulatorConfig {
        rate_limit: Some(limit),
        ..Default::default()
    })
    .await;
    let (_, token, _) = pkce_login(&emu).await;
    let sso = sso(&emu.url());
    for _ in 0..3 {
        list_accounts(&sso, &token).await.expect("within the burst");
    }
    let e = sso
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .expect_err("throttled");
    let raw = e.raw_response().expect("raw response");
    assert_eq!(raw.status().as_u16(), 429);
    assert_eq!(raw.headers().get("retry-after"), Some("2"));
    assert!(e.into_service_error().is_too_many_requests_exception());
    let c = emu.counters();
    assert_eq!((c.throttled, c.calls(Operation::ListAccounts)), (1, 4));
    assert_eq!(c.errors("TooManyRequestsException"), 1);
    assert_eq!(c.errors.len(), 1, "the OIDC sign-in was not throttled");
}

#[tokio::test]
async fn logout_revocation_and_expiry_give_401() {
    let emu = start(EmulatorConfig::default()).await;
    let (sso, oidc) = (sso(&emu.url()), oidc(&emu.url()));
    let (client, token, refresh_token) = pkce_login(&emu).await;
    list_accounts(&sso, &token).await.expect("valid token");
    sso.logout()
        .access_token(&token)
        .send()
        .await
        .expect("Logout");
    let e = sso
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .expect_err("logged out");
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(401));
    assert!(e.into_service_error().is_unauthorized_exception());
    let e = refresh(&oidc, &client, &refresh_token)
        .await
        .expect_err("session gone");
    assert!(e.is_invalid_grant_exception(), "{e:?}");
    let e = sso
        .logout()
        .access_token(&token)
        .send()
        .await
        .expect_err("twice");
    assert!(e.into_service_error().is_unauthorized_exception());

    let (client, token, refresh_token) = pkce_login(&emu).await;
    emu.expire_access_tokens();
    assert!(
        list_accounts(&sso, &token)
            .await
            .expect_err("expired")
            .is_unauthorized_exception()
    );
    let fresh = refresh(&oidc, &client, &refresh_token)
        .await
        .expect("refresh after expiry");
    let fresh = fresh.access_token().unwrap();
    list_accounts(&sso, fresh)
        .await
        .expect("refreshed token works");
    emu.revoke_all_tokens();
    assert!(
        list_accounts(&sso, fresh)
            .await
            .expect_err("revoked")
            .is_unauthorized_exception()
    );
    let e = list_accounts(&sso, "not-a-token")
        .await
        .expect_err("unknown");
    assert!(e.is_unauthorized_exception());
}

fn session_json(akid: &str, secret: &str, token: &str) -> String {
    enc(
        &serde_json::json!({"sessionId": akid, "sessionKey": secret, "sessionToken": token})
            .to_string(),
    )
}

#[tokio::test]
async fn role_credentials_assume_role_chain_and_console_sign_in() {
    let emu = start(EmulatorConfig::default()).await;
    let (_, token, _) = pkce_login(&emu).await;
    let sso = sso(&emu.url());
    let acct = emu.org().accounts()[1].clone();
    let req = sso
        .get_role_credentials()
        .access_token(&token)
        .account_id(&acct.id);
    let out = req.role_name(&acct.roles[0]).send().await.unwrap();
    let rc = out.role_credentials().expect("roleCredentials");
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(
        (rc.expiration() - (now_ms + 3_600_000)).abs() < 10_000,
        "epoch ms, 1 h ahead"
    );
    let akid = rc.access_key_id().unwrap();
    let (secret, session) = (rc.secret_access_key().unwrap(), rc.session_token().unwrap());
    assert!(akid.starts_with("ASIA") && akid.len() == 20);
    let req = sso
        .get_role_credentials()
        .access_token(&token)
        .account_id(&acct.id);
    let e = req
        .role_name("NoSuchRole")
        .send()
        .await
        .expect_err("no such role");
    assert!(e.into_service_error().is_resource_not_found_exception());

    let sts1 = sts(&emu.url(), akid, secret, session);
    let me = sts1.get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some(acct.id.as_str()));
    let arn = me.arn().unwrap();
    let prefix = format!(
        "arn:aws:sts::{}:assumed-role/AWSReservedSSO_{}_",
        acct.id, acct.roles[0]
    );
    assert!(
        arn.starts_with(&prefix) && arn.ends_with("/jane.doe@example.com"),
        "{arn}"
    );

    let target = "arn:aws:iam::000111222333:role/Deploy";
    let chained_arn = "arn:aws:sts::000111222333:assumed-role/Deploy/ReadOnlyAccess@123456789012";
    let req = sts1
        .assume_role()
        .role_arn(target)
        .role_session_name("ReadOnlyAccess@123456789012");
    let req = req
        .external_id("ext-1")
        .source_identity("jane")
        .duration_seconds(900);
    let assumed = req.send().await.unwrap();
    assert_eq!(assumed.assumed_role_user().unwrap().arn(), chained_arn);
    assert_eq!(assumed.source_identity(), Some("jane"));
    let c2 = assumed.credentials().unwrap();
    let (akid2, secret2, session2) = (
        c2.access_key_id(),
        c2.secret_access_key(),
        c2.session_token(),
    );
    let me2 = sts(&emu.url(), akid2, secret2, session2)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        (me2.arn(), me2.account()),
        (Some(chained_arn), Some("000111222333"))
    );

    let req = sts1
        .assume_role()
        .role_arn(target)
        .role_session_name("s1")
        .duration_seconds(7200);
    let e = req.send().await.expect_err("chaining is limited to 1 h");
    assert_eq!(e.into_service_error().code(), Some("ValidationError"));
    let stranger = sts(&emu.url(), "ASIAUNKNOWN000000000", "x", "y");
    let e = stranger
        .get_caller_identity()
        .send()
        .await
        .expect_err("unknown key");
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(403));
    assert_eq!(e.into_service_error().code(), Some("InvalidClientTokenId"));

    // Console federation: SessionDuration is fine for SSO creds, refused for chained ones.
    let fed = |session: &str, duration: &str| {
        format!("/federation?Action=getSigninToken{duration}&Session={session}")
    };
    let sso_session = session_json(akid, secret, session);
    let reply = get(&emu.url(), &fed(&sso_session, "&SessionDuration=3600")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let signin: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let signin = signin["SigninToken"]
        .as_str()
        .expect("SigninToken")
        .to_owned();
    let chained = session_json(akid2, secret2, session2);
    assert_eq!(
        get(&emu.url(), &fed(&chained, "&SessionDuration=3600"))
            .await
            .status,
        400
    );
    assert_eq!(get(&emu.url(), &fed(&chained, "")).await.status, 200);
    let dest = enc("https://console.aws.amazon.com/console/home?region=us-east-1");
    let login =
        |t: &str| format!("/federation?Action=login&Issuer=x&Destination={dest}&SigninToken={t}");
    assert_eq!(get(&emu.url(), &login(&signin)).await.status, 200);
    assert_eq!(get(&emu.url(), &login("forged")).await.status, 400);

    emu.expire_role_credentials();
    let e = sts1
        .get_caller_identity()
        .send()
        .await
        .expect_err("expired creds");
    assert_eq!(e.into_service_error().code(), Some("ExpiredToken"));
    assert_eq!(get(&emu.url(), &fed(&sso_session, "")).await.status, 400);
}

#[tokio::test]
async fn faults_counters_log_and_latency() {
    let latency = Duration::from_millis(120);
    let emu = start(EmulatorConfig {
        latency,
        ..Default::default()
    })
    .await;
    let (_, token, refresh_token) = pkce_login(&emu).await;
    let sso = sso(&emu.url());
    emu.reset_log();
    emu.inject_fault(Operation::ListAccounts, Fault::internal(), 1);
    emu.inject_fault(Operation::ListAccounts, Fault::throttled(), 1);
    assert_eq!(emu.pending_faults(Operation::ListAccounts), 2);

    let started = Instant::now();
    let e = sso
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .expect_err("fault 1");
    assert!(started.elapsed() >= latency);
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(500));
    let e = list_accounts(&sso, &token).await.expect_err("fault 2");
    assert!(e.is_too_many_requests_exception(), "{e:?}");
    list_accounts(&sso, &token).await.expect("faults used up");

    let c = emu.counters();
    assert_eq!((c.calls(Operation::ListAccounts), c.faults_served), (3, 2));
    assert_eq!(c.throttled, 0, "injected 429s are not rate-limiter 429s");
    assert_eq!(c.errors("InternalServerException"), 1);
    let log = emu.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].path, "/assignment/accounts");
    assert_eq!(log[0].error.as_deref(), Some("InternalServerException"));
    assert_eq!(log[2].status, 200);
    assert!(
        log[2]
            .user_agent
            .as_deref()
            .unwrap_or_default()
            .contains("aws-sdk-rust")
    );
    let dump = format!("{log:?}");
    assert!(
        !dump.contains(&token) && !dump.contains(&refresh_token),
        "no secrets in the log"
    );
}

#[tokio::test]
async fn type_error_style_puts_the_shape_in_the_body() {
    let emu = start(EmulatorConfig {
        error_style: ErrorStyle::Type,
        ..Default::default()
    })
    .await;
    let e = sso(&emu.url())
        .list_accounts()
        .access_token("bad")
        .send()
        .await
        .expect_err("401");
    let raw = e.raw_response().expect("raw");
    assert!(raw.headers().get("x-amzn-errortype").is_none());
    let body = String::from_utf8_lossy(raw.body().bytes().unwrap()).into_owned();
    assert!(
        body.contains("com.amazonaws.switchboard.portal#UnauthorizedException"),
        "{body}"
    );
    assert!(e.into_service_error().is_unauthorized_exception());

    let oidc = oidc(&emu.url());
    let client = register_device(&oidc).await;
    let dev = start_device(&oidc, &client).await;
    let e = poll(&oidc, &client, dev.device_code().unwrap())
        .await
        .expect_err("pending");
    assert!(e.is_authorization_pending_exception(), "{e:?}");
}

#[test]
fn background_emulator_serves_synchronous_callers() {
    let emu = Emulator::start_background(EmulatorConfig::default()).expect("background start");
    let reply = http_get(&emu.url(), "/assignment/accounts");
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.header("x-amzn-errortype"),
        Some("UnauthorizedException")
    );
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let length = reply.header("content-length").and_then(|l| l.parse().ok());
    assert_eq!(length, Some(reply.body.len()));
    assert_eq!(emu.counters().calls(Operation::ListAccounts), 1);
    let url = emu.url();
    drop(emu);
    let refused = TcpStream::connect(url.strip_prefix("http://").unwrap()).is_err();
    assert!(refused, "stopped on drop");
}
