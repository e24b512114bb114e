//! The emulator's request log and per-operation counters, for test assertions and the demo.
//!
//! A middleware records every request after its handler ran. Only non-secret facts are kept:
//! method, path, an allow-list of query parameters, the operation, status, error code, user
//! agent and timing — never bearer tokens, codes, client secrets or STS keys.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::Shared;

/// Query parameters that may be logged: ids, names and page cursors, never credentials.
const LOGGABLE_PARAMS: &[&str] = &[
    "account_id",
    "role_name",
    "max_result",
    "SessionDuration",
    "next_token",
    "Action",
];

/// Oldest entries are dropped beyond this, so a long-running demo keeps a bounded log.
const LOG_CAPACITY: usize = 10_000;

/// Every operation the emulator answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// OIDC `POST /client/register`.
    RegisterClient,
    /// OIDC `POST /device_authorization`.
    StartDeviceAuthorization,
    /// OIDC `POST /token` (all grant types).
    CreateToken,
    /// Browser `GET /authorize` (PKCE authorization-code step).
    Authorize,
    /// Browser `GET /device?user_code=` (the device-flow approval page).
    VerifyDevice,
    /// Portal `GET /assignment/accounts`.
    ListAccounts,
    /// Portal `GET /assignment/roles`.
    ListAccountRoles,
    /// Portal `GET /federation/credentials`.
    GetRoleCredentials,
    /// Portal `POST /logout`.
    Logout,
    /// STS `Action=AssumeRole`.
    AssumeRole,
    /// STS `Action=GetCallerIdentity`.
    GetCallerIdentity,
    /// Console federation `GET /federation?Action=getSigninToken`.
    GetSigninToken,
    /// Console federation `GET /federation?Action=login`.
    ConsoleLogin,
}

/// Which wire dialect an operation's errors use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Portal,
    Oidc,
    Sts,
    Signin,
    Browser,
}

impl Operation {
    /// All operations, in declaration order.
    pub const ALL: [Operation; 13] = [
        Self::RegisterClient,
        Self::StartDeviceAuthorization,
        Self::CreateToken,
        Self::Authorize,
        Self::VerifyDevice,
        Self::ListAccounts,
        Self::ListAccountRoles,
        Self::GetRoleCredentials,
        Self::Logout,
        Self::AssumeRole,
        Self::GetCallerIdentity,
        Self::GetSigninToken,
        Self::ConsoleLogin,
    ];

    /// The AWS operation name (or a descriptive name for the browser/console steps).
    pub fn name(self) -> &'static str {
        match self {
            Self::RegisterClient => "RegisterClient",
            Self::StartDeviceAuthorization => "StartDeviceAuthorization",
            Self::CreateToken => "CreateToken",
            Self::Authorize => "Authorize",
            Self::VerifyDevice => "VerifyDevice",
            Self::ListAccounts => "ListAccounts",
            Self::ListAccountRoles => "ListAccountRoles",
            Self::GetRoleCredentials => "GetRoleCredentials",
            Self::Logout => "Logout",
            Self::AssumeRole => "AssumeRole",
            Self::GetCallerIdentity => "GetCallerIdentity",
            Self::GetSigninToken => "GetSigninToken",
            Self::ConsoleLogin => "ConsoleLogin",
        }
    }

    /// True for the SSO portal API, the part the rate limit applies to.
    pub fn is_portal(self) -> bool {
        self.family() == Family::Portal
    }

    pub(crate) fn family(self) -> Family {
        match self {
            Self::RegisterClient | Self::StartDeviceAuthorization | Self::CreateToken => {
                Family::Oidc
            }
            Self::Authorize | Self::VerifyDevice => Family::Browser,
            Self::ListAccounts
            | Self::ListAccountRoles
            | Self::GetRoleCredentials
            | Self::Logout => Family::Portal,
            Self::AssumeRole | Self::GetCallerIdentity => Family::Sts,
            Self::GetSigninToken | Self::ConsoleLogin => Family::Signin,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One served request, as the log keeps it (no secrets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The path without its query string.
    pub path: String,
    /// Allow-listed query parameters (`account_id`, `role_name`, `max_result`, `next_token`,
    /// `Action`), in request order.
    pub params: Vec<(String, String)>,
    /// `None` for requests no operation matched (unknown paths, unknown STS actions).
    pub operation: Option<Operation>,
    pub status: u16,
    /// The wire error code for error replies (`AuthorizationPendingException`, `ExpiredToken`, ...).
    pub error: Option<String>,
    pub user_agent: Option<String>,
    pub at: SystemTime,
    pub duration: Duration,
}

/// Counts since start (or the last [`reset`](super::EmulatorHandle::reset_log)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests per operation, including those answered with an error, a fault or a 429.
    pub calls: BTreeMap<Operation, u64>,
    /// Error replies per wire error code.
    pub errors: BTreeMap<String, u64>,
    /// 429s sent by the portal rate limiter (injected 429 faults are not counted here).
    pub throttled: u64,
    /// Injected faults that were served.
    pub faults_served: u64,
    /// Every request, matched or not.
    pub total_requests: u64,
}

impl Counters {
    /// Calls of `op` so far.
    pub fn calls(&self, op: Operation) -> u64 {
        self.calls.get(&op).copied().unwrap_or(0)
    }

    /// Error replies with wire code `code` so far.
    pub fn errors(&self, code: &str) -> u64 {
        self.errors.get(code).copied().unwrap_or(0)
    }
}

/// Marks a response with the operation that produced it (read by the log middleware).
#[derive(Clone, Copy, Debug)]
pub(crate) struct OpTag(pub Operation);

/// Marks an error response with its wire code (read by the log middleware).
#[derive(Clone, Debug)]
pub(crate) struct ErrorTag(pub String);

#[derive(Default)]
struct Inner {
    entries: VecDeque<LoggedRequest>,
    counters: Counters,
}

/// The log and the counters, behind one lock.
#[derive(Default)]
pub(crate) struct RequestLog {
    inner: Mutex<Inner>,
}

impl RequestLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panicking handler cannot leave the log half-updated in a harmful way.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        self.lock().entries.iter().cloned().collect()
    }

    pub(crate) fn counters(&self) -> Counters {
        self.lock().counters.clone()
    }

    pub(crate) fn reset(&self) {
        *self.lock() = Inner::default();
    }

    pub(crate) fn note_throttled(&self) {
        self.lock().counters.throttled += 1;
    }

    pub(crate) fn note_fault(&self) {
        self.lock().counters.faults_served += 1;
    }

    fn push(&self, entry: LoggedRequest) {
        let mut inner = self.lock();
        inner.counters.total_requests += 1;
        if let Some(op) = entry.operation {
            *inner.counters.calls.entry(op).or_default() += 1;
        }
        if let Some(code) = &entry.error {
            *inner.counters.errors.entry(code.clone()).or_default() += 1;
        }
        if inner.entries.len() == LOG_CAPACITY {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }
}

/// Middleware: runs the handler, then logs the request and bumps the counters.
pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let at = SystemTime::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let params = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| LOGGABLE_PARAMS.contains(&k.as_ref()))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let resp = next.run(req).await;
    let operation = resp.extensions().get::<OpTag>().map(|t| t.0);
    let error = resp.extensions().get::<ErrorTag>().map(|t| t.0.clone());
    let status = resp.status().as_u16();
    tracing::debug!(
        method,
        path,
        operation = operation.map(Operation::name),
        status,
        error = error.as_deref(),
        "emulator request"
    );
    shared.log.push(LoggedRequest {
        method,
        path,
        params,
        operation,
        status,
        error,
        user_agent,
        at,
        duration: started.elapsed(),
    });
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(op: Option<Operation>, error: Option<&str>) -> LoggedRequest {
        LoggedRequest {
            method: "GET".into(),
            path: "/x".into(),
            params: vec![],
            operation: op,
            status: 200,
            error: error.map(str::to_owned),
            user_agent: None,
            at: SystemTime::now(),
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn counters_follow_pushed_entries_and_reset_clears_them() {
        let log = RequestLog::default();
        log.push(entry(Some(Operation::ListAccounts), None));
        log.push(entry(
            Some(Operation::ListAccounts),
            Some("UnauthorizedException"),
        ));
        log.push(entry(None, None));
        let c = log.counters();
        assert_eq!(c.calls(Operation::ListAccounts), 2);
        assert_eq!(c.errors("UnauthorizedException"), 1);
        assert_eq!(c.total_requests, 3);
        assert_eq!(log.requests().len(), 3);
        log.reset();
        assert_eq!(log.counters(), Counters::default());
        assert!(log.requests().is_empty());
    }

    #[test]
    fn every_operation_has_a_distinct_name() {
        let mut names: Vec<_> = Operation::ALL.iter().map(|o| o.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
        assert!(Operation::ListAccounts.is_portal());
        assert!(!Operation::CreateToken.is_portal());
    }
}
