//! An IAM Identity Center emulator on 127.0.0.1 for the tests, the conformance script and
//! `aws-sso demo`: the SSO portal API, SSO OIDC (device code, authorization code + PKCE,
//! refresh), the browser steps (`/authorize`, `/device`), STS (AssumeRole,
//! GetCallerIdentity) and console federation (`/federation`), all on one port. It speaks the
//! services' own wire protocols (rest-json for the portal and OIDC, the query protocol with
//! XML replies for STS) closely enough that the real AWS SDKs and botocore accept every reply:
//! `tests/boto3.rs` holds it to that.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use aws_sso_emulator::{Emulator, EmulatorConfig, Org};
//! let emu = Emulator::start(EmulatorConfig { org: Org::synthetic(250, 3, 7), ..Default::default() }).await?;
//! let endpoint = emu.url(); // "http://127.0.0.1:PORT": endpoint for sso, sso-oidc and sts
//! # drop(endpoint); Ok(()) }
//! ```
//!
//! Synchronous tests use [`Emulator::start_background`], which runs the server on its own
//! thread and runtime. Everything a test inspects or controls (counters, request log, fault
//! injection, token revocation/expiry) lives on [`EmulatorHandle`], which both wrappers deref to.

mod browser;
mod errors;
mod handle;
mod limits;
mod log;
mod oidc;
mod org;
mod portal;
mod server;
mod signin;
mod state;
mod sts;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::http::HeaderValue;
use axum::response::Response;
use axum::routing::{get, post};

pub use errors::ErrorStyle;
pub use handle::EmulatorHandle;
pub use limits::{Fault, RateLimit};
pub use log::{Counters, LoggedRequest, Operation};
pub use org::{Account, Org, OrgError, ROLE_POOL};
pub use server::{BackgroundEmulator, Emulator};

use errors::ApiError;
use log::{ErrorTag, OpTag, RequestLog};
use state::State;

/// Which clients get a refresh token from CreateToken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefreshTokenPolicy {
    /// As AWS does: only clients registered with scopes (and, if they listed grant types,
    /// with the `refresh_token` grant).
    #[default]
    ScopedClients,
    /// Every successful device/authorization-code token comes with a refresh token.
    Always,
    /// Never issue refresh tokens.
    Never,
}

/// Knobs. `EmulatorConfig { field: .., ..Default::default() }` changes only what a test needs.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 lets the OS pick a free one.
    pub port: u16,
    /// Accounts and roles served. Default: `Org::synthetic(5, 3, 42)`.
    pub org: Org,
    /// How rest-json errors name their shape (header or `__type` body member).
    pub error_style: ErrorStyle,
    /// Added before every request is handled.
    pub latency: Duration,
    /// Token bucket on the portal API (429 `TooManyRequestsException` + `Retry-After`).
    pub rate_limit: Option<RateLimit>,
    /// Access-token lifetime (`expiresIn`). Default 8 h.
    pub access_token_lifetime: Duration,
    /// Refresh-token lifetime from sign-in; rotation keeps the original deadline. Default 90 days.
    pub refresh_token_lifetime: Duration,
    /// Lifetime of GetRoleCredentials credentials. Default 1 h.
    pub role_credential_lifetime: Duration,
    /// Client-secret lifetime (`clientSecretExpiresAt`). Default 90 days.
    pub client_secret_lifetime: Duration,
    /// Device-code lifetime (`expiresIn`). Default 10 min.
    pub device_code_lifetime: Duration,
    /// Minimum time between device-code polls; faster polls get `SlowDownException`.
    /// Advertised as whole seconds, at least 1. Default 5 s.
    pub device_poll_interval: Duration,
    /// Approve a device authorization by itself after this many `authorization_pending` polls
    /// (`Some(0)`: the first poll succeeds). `None`: only `GET /device?user_code=` approves.
    pub device_auto_approve_after: Option<u32>,
    /// The simulated user says no: `/authorize` redirects with `error=access_denied`, device
    /// approvals become denials (`AccessDeniedException`).
    pub deny_logins: bool,
    /// Who gets refresh tokens.
    pub refresh_tokens: RefreshTokenPolicy,
    /// The refresh grant returns a new refresh token and revokes the old one.
    pub rotate_refresh_tokens: bool,
    /// The signed-in user's name, used as the session name in role-credential ARNs.
    pub user_name: String,
    /// Page size when a portal list call omits `max_result`.
    pub default_page_size: usize,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        const HOUR: u64 = 3600;
        Self {
            port: 0,
            org: Org::synthetic(5, 3, 42),
            error_style: ErrorStyle::Header,
            latency: Duration::ZERO,
            rate_limit: None,
            access_token_lifetime: Duration::from_secs(8 * HOUR),
            refresh_token_lifetime: Duration::from_secs(90 * 24 * HOUR),
            role_credential_lifetime: Duration::from_secs(HOUR),
            client_secret_lifetime: Duration::from_secs(90 * 24 * HOUR),
            device_code_lifetime: Duration::from_secs(600),
            device_poll_interval: Duration::from_secs(5),
            device_auto_approve_after: None,
            deny_logins: false,
            refresh_tokens: RefreshTokenPolicy::ScopedClients,
            rotate_refresh_tokens: true,
            user_name: "jane.doe@example.com".to_owned(),
            default_page_size: 20,
        }
    }
}

/// State shared by all handlers.
pub(crate) struct Shared {
    cfg: EmulatorConfig,
    url: String,
    state: Mutex<State>,
    log: RequestLog,
    limits: limits::Limits,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Handlers never leave State inconsistent across a panic point, so recover.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs the gate (latency, faults, rate limit) and then `handler`, and tags the reply.
    async fn serve(
        &self,
        op: Operation,
        handler: impl Future<Output = Result<Response, ApiError>>,
    ) -> Response {
        let result = match limits::gate(self, op).await {
            Ok(()) => handler.await,
            Err(e) => Err(e),
        };
        let mut resp = self.reply(op.family(), result);
        resp.extensions_mut().insert(OpTag(op));
        resp
    }

    /// Renders an error in `family`'s dialect and adds the request-id header.
    fn reply(&self, family: log::Family, result: Result<Response, ApiError>) -> Response {
        let request_id = request_id();
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => {
                let mut r = errors::render(family, self.cfg.error_style, &e, &request_id);
                r.extensions_mut().insert(ErrorTag(e.code));
                r
            }
        };
        if !resp.headers().contains_key("x-amzn-requestid")
            && let Ok(v) = HeaderValue::from_str(&request_id)
        {
            resp.headers_mut().insert("x-amzn-requestid", v);
        }
        resp
    }
}

/// A fresh AWS-style request id (UUID layout).
pub(crate) fn request_id() -> String {
    let h = state::random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

async fn unknown_path(axum::extract::State(s): axum::extract::State<Arc<Shared>>) -> Response {
    let err = ApiError::new(
        404,
        "UnknownOperationException",
        "No operation at this path",
    );
    s.reply(log::Family::Portal, Err(err))
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/client/register", post(oidc::register_client))
        .route(
            "/device_authorization",
            post(oidc::start_device_authorization),
        )
        .route("/token", post(oidc::create_token))
        .route("/authorize", get(browser::authorize))
        .route("/device", get(browser::verify_device))
        .route("/assignment/accounts", get(portal::list_accounts))
        .route("/assignment/roles", get(portal::list_account_roles))
        .route("/federation/credentials", get(portal::get_role_credentials))
        .route("/logout", post(portal::logout))
        .route("/", post(sts::dispatch).get(sts::dispatch))
        .route("/federation", get(signin::federation))
        .fallback(unknown_path)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            log::record,
        ))
        .with_state(shared)
}
