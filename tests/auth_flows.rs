//! Login flows end to end against the in-process emulator with the real SDK clients and a
//! JSON secure store in a temp dir: PKCE through a fake browser (a task that follows the
//! redirect, or `tests/support/fake_browser.py` through the real `exec` URL action), device
//! code with pending/slow-down/expiry/denial, refresh, revocation, registration reuse,
//! forced login, logout, cancellation, and that no secret leaks into errors or Debug output.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sso::auth::{
    AccessToken, AuthEnv, AuthError, AuthSettings, Authenticator, DevicePolling, LoginOptions,
    LoginOutcome, TokenMode, UrlOpener,
};
use aws_sso::aws::{RetrySettings, SsoClients};
use aws_sso::config::{AuthWorkflow, UrlAction};
use aws_sso::store::json::JsonBackend;
use aws_sso::store::{RoleCredentials, SecureStore, StoreLock};
use aws_sso_emulator::{Emulator, EmulatorConfig, Fault, Operation, RefreshTokenPolicy};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const INSTANCE: &str = "Default";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";

/// What the fake browser does with a login URL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Browser {
    /// Load it and follow redirects, as a person clicking "Allow" would.
    Follow,
    /// Follow, but replace `state` on the way back to aws-sso.
    ForgeState,
    /// Nothing (device flows approved through the emulator, cancellation).
    Ignore,
}

#[derive(Default)]
struct Seen {
    urls: Vec<String>,
    /// (status, body) of the last page of each visit.
    pages: Vec<(u16, String)>,
    /// When the redirect back to aws-sso was sent.
    redirected_at: Option<Instant>,
}

struct FakeBrowser {
    mode: Browser,
    seen: Arc<Mutex<Seen>>,
}

impl UrlOpener for FakeBrowser {
    fn open(
        &self,
        _: UrlAction,
        url: &str,
        _: &str,
        _: &mut dyn std::io::Write,
    ) -> Result<(), String> {
        self.seen.lock().unwrap().urls.push(url.to_owned());
        if self.mode != Browser::Ignore {
            tokio::spawn(visit(
                url.to_owned(),
                self.mode == Browser::ForgeState,
                self.seen.clone(),
            ));
        }
        Ok(())
    }
}

/// Minimal HTTP/1.1 GET: (status, Location, body).
async fn http_get(url: &str) -> std::io::Result<(u16, Option<String>, String)> {
    let u = url::Url::parse(url).map_err(std::io::Error::other)?;
    let host = format!(
        "{}:{}",
        u.host_str().unwrap_or_default(),
        u.port().unwrap_or(80)
    );
    let mut s = tokio::net::TcpStream::connect(&host).await?;
    let target = &u[url::Position::BeforePath..];
    s.write_all(
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .map(str::to_owned);
    Ok((status, location, body.to_owned()))
}

async fn visit(mut url: String, forge: bool, seen: Arc<Mutex<Seen>>) {
    for _ in 0..5 {
        let (status, location, body) = match http_get(&url).await {
            Ok(r) => r,
            Err(e) => (0, None, e.to_string()),
        };
        match location {
            Some(next) if (300..400).contains(&status) => {
                let mut next = url::Url::parse(&next).unwrap();
                if forge {
                    let pairs: Vec<(String, String)> = next.query_pairs().into_owned().collect();
                    let mut q = next.query_pairs_mut();
                    q.clear();
                    for (k, v) in pairs {
                        q.append_pair(&k, if k == "state" { "forged-state" } else { &v });
                    }
                }
                url = next.to_string();
                seen.lock().unwrap().redirected_at = Some(Instant::now());
            }
            _ => {
                seen.lock().unwrap().pages.push((status, body));
                return;
            }
        }
    }
}

struct Rig {
    emu: Emulator,
    dir: tempfile::TempDir,
    store: Arc<SecureStore>,
    auth: Authenticator,
    seen: Arc<Mutex<Seen>>,
}

fn open_store(dir: &Path) -> SecureStore {
    let backend = JsonBackend::new(dir.join("store.json"));
    SecureStore::new(
        Box::new(backend),
        StoreLock::in_dir(dir, Duration::from_secs(5)),
    )
}

async fn rig(cfg: EmulatorConfig, workflow: AuthWorkflow, browser: Browser) -> Rig {
    rig_with(cfg, workflow, Some(browser), |_| {}).await
}

/// `browser: None` keeps the real URL actions (`urlaction::perform`).
async fn rig_with(
    cfg: EmulatorConfig,
    workflow: AuthWorkflow,
    browser: Option<Browser>,
    tweak: impl FnOnce(&mut AuthSettings),
) -> Rig {
    let emu = Emulator::start(cfg).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(open_store(dir.path()));
    let clients =
        SsoClients::with_endpoint("us-east-1", &emu.url(), RetrySettings::default()).await;
    let mut settings = AuthSettings {
        instance: INSTANCE.to_owned(),
        start_url: START_URL.to_owned(),
        sso_region: "us-east-1".to_owned(),
        workflow,
        url_action: UrlAction::Open,
        browser: String::new(),
        url_exec_command: Vec::new(),
        pkce_timeout: Duration::from_secs(20),
        device_polling: DevicePolling {
            interval: Some(Duration::from_millis(50)),
            slow_down_step: Duration::from_millis(200),
        },
        env: AuthEnv::default(),
    };
    tweak(&mut settings);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut auth = Authenticator::new(settings, clients, store.clone());
    if let Some(mode) = browser {
        auth = auth.with_opener(Arc::new(FakeBrowser {
            mode,
            seen: seen.clone(),
        }));
    }
    Rig {
        emu,
        dir,
        store,
        auth,
        seen,
    }
}

impl Rig {
    async fn login(&self, opts: LoginOptions) -> (Result<LoginOutcome, AuthError>, String) {
        let mut out = Vec::new();
        let r = self.auth.login(&opts, &mut out).await;
        (r, String::from_utf8(out).unwrap())
    }

    async fn token(&self, mode: TokenMode) -> Result<AccessToken, AuthError> {
        self.auth.access_token(mode, &mut std::io::sink()).await
    }

    fn calls(&self, op: Operation) -> u64 {
        self.emu.counters().calls(op)
    }

    /// Make the stored token look expired (the emulator's own copy is handled separately).
    fn expire_stored_token(&self) {
        self.store
            .modify(|d| {
                d.tokens.get_mut(INSTANCE).unwrap().expires_at = chrono::Utc::now().timestamp() - 10
            })
            .unwrap();
    }

    /// The first page the fake browser ended on (it records it just after aws-sso answered).
    async fn first_page(&self) -> (u16, String) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(p) = self.seen.lock().unwrap().pages.first() {
                return p.clone();
            }
            assert!(Instant::now() < deadline, "the browser never finished");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn portal_accepts(&self, token: &AccessToken) -> bool {
        let portal = &self.auth.clients().portal;
        portal
            .list_accounts()
            .access_token(token.expose())
            .send()
            .await
            .is_ok()
    }

    /// Every secret the store holds for this instance right now.
    fn secrets(&self) -> Vec<String> {
        let doc = self.store.snapshot().unwrap();
        let mut s = Vec::new();
        if let Some(t) = doc.tokens.get(INSTANCE) {
            s.push(t.access_token.expose().to_owned());
            s.push(t.refresh_token.expose().to_owned());
        }
        if let Some(r) = doc.registrations.get(INSTANCE) {
            s.push(r.client_secret.expose().to_owned());
        }
        s.retain(|x| !x.is_empty());
        s
    }
}

fn assert_no_secret(text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!text.contains(s.as_str()), "a secret leaked into: {text}");
    }
}

#[tokio::test]
async fn pkce_login_is_hands_free_and_fast() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    let started = Instant::now();
    let (outcome, out) = r.login(LoginOptions::default()).await;
    let done = Instant::now();
    let LoginOutcome::LoggedIn {
        expires_at,
        workflow,
    } = outcome.unwrap()
    else {
        panic!("not a new login")
    };
    assert_eq!(workflow, AuthWorkflow::Pkce);
    assert!(
        expires_at > chrono::Utc::now().timestamp() + 7 * 3600,
        "8 h token"
    );
    let page = r.first_page().await;
    let (redirected_at, url) = {
        let seen = r.seen.lock().unwrap();
        (seen.redirected_at, seen.urls[0].clone())
    };
    let after_browser = done - redirected_at.expect("browser came back");
    // The number the brief asks for; shown with --nocapture.
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "PKCE login: total {:?}, after the browser step {:?}",
            done - started,
            after_browser
        );
    }
    assert!(after_browser < Duration::from_secs(1), "{after_browser:?}");
    // The terminal shows the URL; the browser got the success page.
    assert!(out.contains(&format!("\n{url}\n")), "{out}");
    assert!(url.contains("code_challenge_method=S256"));
    assert_eq!(page.0, 200);
    assert!(page.1.contains("Authentication complete"));

    let reg = r.store.registration(INSTANCE).unwrap().unwrap();
    assert_eq!(reg.grant_types, ["authorization_code", "refresh_token"]);
    let token = r.token(TokenMode::NonInteractive).await.unwrap();
    assert!(r.portal_accepts(&token).await);
    let (again, _) = r.login(LoginOptions::default()).await;
    assert_eq!(again.unwrap(), LoginOutcome::AlreadyLoggedIn { expires_at });
    assert_eq!(
        (
            r.calls(Operation::RegisterClient),
            r.calls(Operation::CreateToken)
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn pkce_redirect_with_a_forged_state_is_refused_and_never_redeemed() {
    let r = rig_with(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Some(Browser::ForgeState),
        |s| s.pkce_timeout = Duration::from_secs(2),
    )
    .await;
    let err = r.login(LoginOptions::default()).await.0.unwrap_err();
    // Refused (400) and ignored: the login waits for its own redirect until it times out.
    assert!(matches!(err, AuthError::LoginTimedOut { secs: 2 }), "{err}");
    assert_eq!(r.first_page().await.0, 400);
    assert_eq!(
        r.calls(Operation::CreateToken),
        0,
        "the code must not be redeemed"
    );
    assert!(r.store.token(INSTANCE).unwrap().is_none());
}

#[tokio::test]
async fn pkce_denied_in_the_browser_is_a_clear_error() {
    let cfg = EmulatorConfig {
        deny_logins: true,
        ..Default::default()
    };
    let r = rig(cfg, AuthWorkflow::Pkce, Browser::Follow).await;
    let err = r.login(LoginOptions::default()).await.0.unwrap_err();
    assert!(matches!(err, AuthError::LoginDenied), "{err}");
    assert!(
        err.to_string()
            .starts_with("login was denied in the browser")
    );
    assert!(r.first_page().await.1.contains("denied"));
}

#[tokio::test]
async fn device_code_polls_slows_down_and_completes_once_approved() {
    let cfg = EmulatorConfig {
        device_poll_interval: Duration::from_millis(300),
        ..Default::default()
    };
    let r = rig(cfg, AuthWorkflow::DeviceCode, Browser::Ignore).await;
    let approve = async {
        while r.emu.counters().errors("SlowDownException") < 2 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(r.emu.approve_pending_devices(), 1);
    };
    let ((outcome, out), ()) = tokio::join!(r.login(LoginOptions::default()), approve);
    assert!(matches!(
        outcome.unwrap(),
        LoginOutcome::LoggedIn {
            workflow: AuthWorkflow::DeviceCode,
            ..
        }
    ));
    let url = r.seen.lock().unwrap().urls[0].clone();
    let code = url.split("user_code=").nth(1).unwrap();
    assert!(
        out.contains(&format!("\n\tVerify this code in your browser: {code}\n")),
        "{out}"
    );
    assert!(out.contains(&url));
    // Every SlowDownException made the next wait one step (200 ms here, 5 s by default) longer.
    let polls: Vec<_> = r
        .emu
        .requests()
        .into_iter()
        .filter(|q| q.operation == Some(Operation::CreateToken))
        .collect();
    let gap = |i: usize| polls[i + 1].at.duration_since(polls[i].at).unwrap();
    let mut checked = 0;
    for (i, poll) in polls.iter().enumerate().take(polls.len() - 1).skip(1) {
        if poll.error.as_deref() == Some("SlowDownException") {
            assert!(
                gap(i) >= gap(i - 1) + Duration::from_millis(160),
                "{:?} then {:?}",
                gap(i - 1),
                gap(i)
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2);
    assert_eq!(
        r.store.registration(INSTANCE).unwrap().unwrap().grant_types[0],
        "urn:ietf:params:oauth:grant-type:device_code"
    );
}

#[tokio::test]
async fn device_code_expiry_and_denial_are_clear_errors() {
    let fast = Duration::from_millis(10);
    let cfg = EmulatorConfig {
        device_poll_interval: fast,
        device_code_lifetime: Duration::from_millis(300),
        ..Default::default()
    };
    let r = rig(cfg, AuthWorkflow::DeviceCode, Browser::Ignore).await;
    let err = r.login(LoginOptions::default()).await.0.unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeExpired), "{err}");
    assert_eq!(
        err.to_string(),
        "the device code expired before it was approved: run aws-sso login again"
    );

    let cfg = EmulatorConfig {
        device_poll_interval: fast,
        deny_logins: true,
        device_auto_approve_after: Some(1),
        ..Default::default()
    };
    let r = rig(cfg, AuthWorkflow::DeviceCode, Browser::Ignore).await;
    let err = r.login(LoginOptions::default()).await.0.unwrap_err();
    assert!(matches!(err, AuthError::LoginDenied), "{err}");
}

#[tokio::test]
async fn device_authorization_failure_registers_again_once() {
    let cfg = EmulatorConfig {
        device_poll_interval: Duration::from_millis(10),
        device_auto_approve_after: Some(0),
        ..Default::default()
    };
    let r = rig(cfg, AuthWorkflow::DeviceCode, Browser::Ignore).await;
    r.emu.inject_fault(
        Operation::StartDeviceAuthorization,
        Fault::new(400, "InvalidClientException"),
        1,
    );
    r.login(LoginOptions::default()).await.0.unwrap();
    assert_eq!(r.calls(Operation::RegisterClient), 2);
    assert_eq!(r.calls(Operation::StartDeviceAuthorization), 2);
}

#[tokio::test]
async fn expired_access_token_is_renewed_with_the_refresh_token() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    r.login(LoginOptions::default()).await.0.unwrap();
    let old = r.store.token(INSTANCE).unwrap().unwrap();
    r.emu.expire_access_tokens();
    r.expire_stored_token();
    let fresh = r.token(TokenMode::NonInteractive).await.unwrap();
    assert_ne!(fresh.expose(), old.access_token.expose());
    assert!(r.portal_accepts(&fresh).await);
    let stored = r.store.token(INSTANCE).unwrap().unwrap();
    assert_eq!(stored.access_token.expose(), fresh.expose());
    assert_ne!(
        stored.refresh_token, old.refresh_token,
        "the rotated refresh token is saved"
    );
    assert_eq!(
        (
            r.calls(Operation::CreateToken),
            r.calls(Operation::Authorize)
        ),
        (2, 1)
    );
}

#[tokio::test]
async fn revoked_session_means_not_logged_in_unless_auto_login() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    r.login(LoginOptions::default()).await.0.unwrap();
    r.emu.revoke_all_tokens();
    r.expire_stored_token();
    let secrets = r.secrets();
    let err = r.token(TokenMode::NonInteractive).await.unwrap_err();
    assert!(err.is_not_logged_in(), "{err}");
    assert_eq!(
        err.to_string(),
        "Must run `aws-sso login` before running this command (SSO instance 'Default')"
    );
    assert_no_secret(&format!("{err} {err:?}"), &secrets);
    assert_eq!(
        r.calls(Operation::Authorize),
        1,
        "NonInteractive never opens a browser"
    );
    // AutoLogin: the same situation logs in again.
    let token = r.token(TokenMode::Interactive).await.unwrap();
    assert!(r.portal_accepts(&token).await);
    assert_eq!(r.calls(Operation::Authorize), 2);
}

#[tokio::test]
async fn concurrent_reauthentication_opens_one_browser_tab() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    r.login(LoginOptions::default()).await.0.unwrap();
    let stale = r.token(TokenMode::NonInteractive).await.unwrap();
    r.emu.revoke_all_tokens();
    assert!(!r.portal_accepts(&stale).await);
    let reauth = || async {
        r.auth
            .reauthenticate(&stale, TokenMode::Interactive, &mut std::io::sink())
            .await
    };
    let (a, b, c) = tokio::join!(reauth(), reauth(), reauth());
    let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
    assert!(a == b && b == c && r.portal_accepts(&a).await);
    assert_eq!(
        r.calls(Operation::Authorize),
        2,
        "one new login for three callers"
    );
}

#[tokio::test]
async fn force_login_reuses_the_registration_and_ends_the_old_session() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    r.login(LoginOptions::default()).await.0.unwrap();
    let old = r.token(TokenMode::NonInteractive).await.unwrap();
    let (outcome, _) = r
        .login(LoginOptions {
            force: true,
            ..Default::default()
        })
        .await;
    assert!(matches!(outcome.unwrap(), LoginOutcome::LoggedIn { .. }));
    assert_eq!(r.calls(Operation::RegisterClient), 1, "registration reused");
    assert_eq!(r.calls(Operation::Logout), 1);
    assert!(!r.portal_accepts(&old).await, "old session ended");
    let new = r.token(TokenMode::NonInteractive).await.unwrap();
    assert!(new != old && r.portal_accepts(&new).await);
}

#[tokio::test]
async fn a_token_from_another_workflow_is_used_and_renewed_until_a_new_login() {
    let cfg = EmulatorConfig {
        device_poll_interval: Duration::from_millis(10),
        device_auto_approve_after: Some(0),
        refresh_tokens: RefreshTokenPolicy::Always,
        ..Default::default()
    };
    // Configured for PKCE (a desktop), but this login ran over SSH with the device code.
    let r = rig(cfg, AuthWorkflow::Pkce, Browser::Follow).await;
    let opts = LoginOptions {
        workflow: Some(AuthWorkflow::DeviceCode),
        ..Default::default()
    };
    let (outcome, _) = r.login(opts).await;
    assert!(matches!(
        outcome.unwrap(),
        LoginOutcome::LoggedIn {
            workflow: AuthWorkflow::DeviceCode,
            ..
        }
    ));
    let device_reg = r.store.registration(INSTANCE).unwrap().unwrap();
    assert_eq!(
        device_reg.grant_types,
        [
            "urn:ietf:params:oauth:grant-type:device_code",
            "refresh_token"
        ]
    );
    // The PKCE-configured command uses the valid token and keeps the registration.
    let token = r.token(TokenMode::NonInteractive).await.unwrap();
    assert!(r.portal_accepts(&token).await);
    assert_eq!(
        r.store.registration(INSTANCE).unwrap(),
        Some(device_reg.clone())
    );
    // Once the access token expires, the device registration's refresh token renews it.
    r.emu.expire_access_tokens();
    r.expire_stored_token();
    let renewed = r.token(TokenMode::NonInteractive).await.unwrap();
    assert!(renewed != token && r.portal_accepts(&renewed).await);
    assert_eq!(r.calls(Operation::RegisterClient), 1);
    // A new login with the configured workflow replaces the registration.
    r.login(LoginOptions {
        force: true,
        ..Default::default()
    })
    .await
    .0
    .unwrap();
    assert_eq!(r.calls(Operation::RegisterClient), 2);
    let reg = r.store.registration(INSTANCE).unwrap().unwrap();
    assert_eq!(reg.grant_types, ["authorization_code", "refresh_token"]);
}

fn creds(expiration_ms: i64) -> RoleCredentials {
    RoleCredentials {
        role_name: "R".into(),
        account_id: 1,
        access_key_id: "ASIA".into(),
        expiration: expiration_ms,
        ..Default::default()
    }
}

#[tokio::test]
async fn logout_deletes_live_credentials_and_the_token_then_ends_the_session() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    r.login(LoginOptions::default()).await.0.unwrap();
    let token = r.token(TokenMode::NonInteractive).await.unwrap();
    let live = (chrono::Utc::now().timestamp() + 3600) * 1000;
    let (mine, other) = (
        "arn:aws:iam::000000000001:role/R",
        "arn:aws:iam::000000000002:role/R",
    );
    r.store.put_role_credentials(mine, creds(live)).unwrap();
    r.store.put_role_credentials(other, creds(live)).unwrap();
    let report = r.auth.logout(Some(&[mine.to_owned()])).await.unwrap();
    assert_eq!(report.deleted_role_arns, [mine]);
    assert!(
        report.had_token && report.remote_warning.is_none(),
        "{report:?}"
    );
    assert!(r.store.token(INSTANCE).unwrap().is_none());
    assert!(
        r.store.role_credentials(other).unwrap().is_some(),
        "other instance's credentials kept"
    );
    assert!(r.store.registration(INSTANCE).unwrap().is_some());
    assert_eq!(r.calls(Operation::Logout), 1);
    assert!(!r.portal_accepts(&token).await);
    // Without a scope every live credential goes; a second logout has no token left.
    let report = r.auth.logout(None).await.unwrap();
    assert_eq!(
        (report.deleted_role_arns, report.had_token),
        (vec![other.to_owned()], false)
    );
    assert_eq!(r.calls(Operation::Logout), 1);
}

#[tokio::test]
async fn remote_logout_failure_is_only_a_warning() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    r.login(LoginOptions::default()).await.0.unwrap();
    let secrets = r.secrets();
    r.emu.inject_fault(
        Operation::Logout,
        Fault::new(400, "InvalidRequestException"),
        1,
    );
    let report = r.auth.logout(None).await.unwrap();
    let warning = report.remote_warning.expect("warning");
    assert!(warning.contains("InvalidRequestException"), "{warning}");
    assert_no_secret(&format!("{warning} {:?}", r.auth), &secrets);
    assert!(r.store.token(INSTANCE).unwrap().is_none());
}

#[tokio::test]
async fn cancelled_login_leaves_no_listener_and_no_store_lock() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Ignore,
    )
    .await;
    let mut out = Vec::new();
    let opts = LoginOptions::default();
    let login = r.auth.login(&opts, &mut out);
    let seen = r.seen.clone();
    let ctrl_c = async move {
        while seen.lock().unwrap().urls.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::select! {
        _ = login => panic!("login finished without a browser"),
        () = ctrl_c => {}
    }
    let url = r.seen.lock().unwrap().urls[0].clone();
    let redirect = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .into_owned();
    let port = url::Url::parse(&redirect).unwrap().port().unwrap();
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "listener closed"
    );
    // Another process (a second store on the same files) can write at once.
    let other = open_store(r.dir.path());
    other
        .put_role_credentials("arn:aws:iam::000000000001:role/X", creds(i64::MAX / 2))
        .unwrap();
    // And this authenticator is usable again: its session lock was released.
    let err = r.token(TokenMode::NonInteractive).await.unwrap_err();
    assert!(err.is_not_logged_in(), "{err}");
}

#[tokio::test]
async fn real_url_action_drives_a_fake_browser_process() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake_browser.py");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    let argv: Vec<String> = [
        "python3",
        &script.to_string_lossy(),
        "%s",
        &page.to_string_lossy(),
    ]
    .map(str::to_owned)
    .to_vec();
    let r = rig_with(EmulatorConfig::default(), AuthWorkflow::Pkce, None, |s| {
        s.url_action = UrlAction::Exec;
        s.url_exec_command = argv;
    })
    .await;
    let (outcome, out) = r.login(LoginOptions::default()).await;
    assert!(
        matches!(outcome.unwrap(), LoginOutcome::LoggedIn { .. }),
        "{out}"
    );
    assert!(out.contains("/authorize?client_id="), "{out}");
    // The script writes its page after the response; wait for the file to appear.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !page.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(
        text.starts_with("200\n") && text.contains("Authentication complete"),
        "{text}"
    );
}

#[tokio::test]
async fn no_secret_in_errors_output_or_debug() {
    let r = rig(
        EmulatorConfig::default(),
        AuthWorkflow::Pkce,
        Browser::Follow,
    )
    .await;
    let (outcome, out) = r.login(LoginOptions::default()).await;
    let outcome = outcome.unwrap();
    let token = r.token(TokenMode::NonInteractive).await.unwrap();
    let secrets = r.secrets();
    assert_eq!(
        secrets.len(),
        3,
        "access token, refresh token, client secret"
    );
    // A failing refresh and a failing CreateToken carry service messages: check them too.
    r.emu.inject_fault(
        Operation::CreateToken,
        Fault::new(400, "InvalidClientException"),
        1,
    );
    r.expire_stored_token();
    let refresh_err = r.token(TokenMode::NonInteractive).await.unwrap_err();
    let text = format!(
        "{out} {outcome:?} {token:?} {:?} {refresh_err} {refresh_err:?} {:?}",
        r.auth,
        r.store.snapshot().unwrap()
    );
    assert_no_secret(&text, &secrets);
}
