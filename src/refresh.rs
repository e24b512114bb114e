//! The role-cache refresh engine: enumerates every account and role the signed-in user can
//! reach in IAM Identity Center (docs/formats.md, "Refresh"), fast and without 429 failures for
//! organisations of thousands of accounts.
//!
//! * `ListAccounts` pages (100 per page) are fetched one after another — each needs the
//!   previous page's `nextToken` — and every account is handed to the role fetchers as soon as
//!   its page arrives, so role paging overlaps account paging.
//! * `ListAccountRoles` runs for up to [`RefreshOptions::concurrency`] accounts at once on the
//!   caller's task (no spawning: the engine borrows the caller's token source and progress).
//! * Every HTTP attempt takes a permit from one shared adaptive limiter
//!   ([`crate::ratelimit::RateLimiter`]) that starts near the documented 20 TPS, backs off on
//!   429 (honouring `Retry-After`) and recovers on success. The SDK's own retries are switched
//!   off per call so this engine is the only retry layer.
//! * 401 → one serialised token renewal through [`TokenSource::renew`] (however many calls
//!   were rejected at once), then the calls retry. 5xx, timeouts and connection failures are
//!   retried with jittered backoff; 429s are retried for as long as the time budget allows;
//!   anything else fails at once with a one-line error naming the account.
//! * Output is deterministic: accounts sorted by id, roles by name.
//!
//! The pieces: `refresh/token.rs` (the shared, renewable bearer token), `refresh/call.rs` (one
//! API call through the limiter with classification and retries), `refresh/engine.rs` (listing
//! and fan-out). The benchmark is `benches/refresh.rs` (see `benches/README.md`).

mod call;
mod engine;
#[cfg(test)]
mod tests;
mod token;

use std::time::Duration;

use futures::future::BoxFuture;

pub use crate::catalog::build::DiscoveredAccount;
use crate::ratelimit::{RateLimitConfig, RateLimitConfigError, RetryPolicy};

/// How a refresh runs. `RefreshOptions { concurrency: 8, ..Default::default() }`.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshOptions {
    /// Accounts whose roles are fetched at once (config `Threads` or `--threads`; default 5).
    /// 0 is treated as 1. The rate limiter, not this, sets the request rate; a handful of
    /// workers is enough to keep 20 req/s flowing at portal latencies up to ~250 ms.
    pub concurrency: usize,
    /// Requests per second at start, which is also the ceiling the limiter recovers to
    /// (default 20: the documented IAM Identity Center quota).
    pub initial_rate: f64,
    /// Wall-clock budget for the whole refresh, from after the first token is obtained. When
    /// it runs out the refresh fails with [`RefreshError::Budget`] instead of hanging.
    pub budget: Duration,
    /// Calls the client may send back to back after an idle spell. Kept below the server's
    /// burst so the opening salvo does not earn a 429 (and its `Retry-After` pause).
    pub burst: u32,
    /// Backoff for retries (`base`, `cap`); `max_attempts` and `budget` (the deadline of one
    /// call) bound the retries of transient failures (5xx, timeouts, resets). Throttled calls
    /// retry until the refresh's [`RefreshOptions::budget`] is spent.
    pub retry: RetryPolicy,
    /// Full limiter tuning, replacing the one derived from `initial_rate` and `burst` (see
    /// [`RefreshOptions::limiter_config`]). For experiments and the benchmark.
    pub rate_limit: Option<RateLimitConfig>,
    /// Token renewals allowed per refresh before giving up with
    /// [`RefreshError::TokenRejected`] (a server that rejects every fresh token would otherwise
    /// loop).
    pub max_renewals: u32,
    /// The portal endpoint the client talks to, for messages (empty: not named).
    pub endpoint: String,
}

impl Default for RefreshOptions {
    fn default() -> Self {
        Self {
            concurrency: 5,
            initial_rate: 20.0,
            budget: Duration::from_secs(600),
            burst: 2,
            retry: RetryPolicy {
                max_attempts: 11,
                base: Duration::from_millis(250),
                cap: Duration::from_secs(5),
                budget: Duration::from_secs(600),
            },
            rate_limit: None,
            max_renewals: 3,
            endpoint: String::new(),
        }
    }
}

impl RefreshOptions {
    /// The limiter tuning these options produce: start at `initial_rate`, never above it, cut
    /// by 20% on a throttle, then add 0.5 req/s per 30 clean replies. Measured with
    /// benches/refresh.rs (1,000 accounts, 30 ms latency): a 20 req/s server is run at its floor
    /// (ratio 1.00, no 429), one that sustains only 15–17 req/s at ratio ~1.12 to *its* floor,
    /// where the stock AIMD tuning (cut 30%, +1 per 20) gave ~1.18 — a gentler cut and slower
    /// probe mean fewer 429s, and each 429 costs a `Retry-After` pause of all callers.
    pub fn limiter_config(&self) -> RateLimitConfig {
        if let Some(custom) = &self.rate_limit {
            return custom.clone();
        }
        RateLimitConfig {
            start_rate: self.initial_rate,
            ceiling: self.initial_rate,
            floor: self.initial_rate.min(1.0),
            burst: self.burst.max(1),
            decrease_factor: 0.8,
            increase_step: 0.5,
            recovery_streak: 30,
            ..RateLimitConfig::default()
        }
    }
}

/// How the engine gets, and on a 401 renews, the IAM Identity Center access token.
pub trait TokenSource: Send + Sync {
    /// The token to start with.
    fn token(&self) -> BoxFuture<'_, Result<String, RefreshError>>;
    /// A fresh token to replace `rejected`, which the portal answered with 401. The engine
    /// serialises renewals: however many calls were rejected at once, this runs once per
    /// rejected token. A background refresh's source returns an error (e.g.
    /// [`RefreshError::Auth`]) instead of opening a browser.
    fn renew(&self, rejected: &str) -> BoxFuture<'_, Result<String, RefreshError>>;
}

/// A token that cannot be renewed: a 401 ends the refresh with [`RefreshError::Auth`].
/// For background refreshes and `--no-browser` style callers.
pub struct FixedToken(secrecy::SecretString);

impl FixedToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(secrecy::SecretString::from(token.into()))
    }
}

impl std::fmt::Debug for FixedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FixedToken(<redacted>)")
    }
}

impl TokenSource for FixedToken {
    fn token(&self) -> BoxFuture<'_, Result<String, RefreshError>> {
        use secrecy::ExposeSecret as _;
        let token = self.0.expose_secret().to_owned();
        Box::pin(async move { Ok(token) })
    }

    fn renew(&self, _rejected: &str) -> BoxFuture<'_, Result<String, RefreshError>> {
        Box::pin(async {
            Err(RefreshError::Auth(
                "the access token was rejected (expired or signed out); run `aws-sso login`"
                    .to_owned(),
            ))
        })
    }
}

/// Progress callbacks, called from the refreshing task (keep them cheap).
pub trait Progress: Send + Sync {
    /// Accounts listed so far; called after every `ListAccounts` page, so `total` grows until
    /// the listing is complete.
    fn accounts_listed(&self, total: usize);
    /// The listing is complete: `total` accounts in all. Until then `accounts_listed` only
    /// gives a lower bound.
    fn accounts_complete(&self, _total: usize) {}
    /// How many accounts the previous refresh found: a good guess of the total before the
    /// listing (which has no count) completes. Called before the refresh starts.
    fn accounts_expected(&self, _total: usize) {}
    /// One more account has all its roles; `total` is the number listed so far.
    fn account_done(&self, done: usize, total: usize);
    /// A call was throttled (HTTP 429); the engine slows down and retries it.
    fn throttled(&self);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn accounts_listed(&self, _total: usize) {}
    fn account_done(&self, _done: usize, _total: usize) {}
    fn throttled(&self) {}
}

/// What a refresh cost.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshStats {
    /// HTTP attempts sent (ListAccounts pages + ListAccountRoles pages + retries).
    pub calls: u64,
    /// Attempts answered with 429 `TooManyRequestsException`.
    pub throttled: u64,
    /// Attempts that were retries of an earlier failed attempt.
    pub retries: u64,
    /// Token renewals after 401s.
    pub renewals: u32,
    /// Accounts and (account, role) pairs found.
    pub accounts: usize,
    pub roles: usize,
    /// Time from the first call to the last reply.
    pub wall: Duration,
    /// The limiter's rate (req/s) when the refresh ended.
    pub final_rate: f64,
}

/// Why a refresh failed. Every message is one line; none contains a token.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("no AWS accounts found in AWS SSO")]
    NoAccounts,
    /// From a [`TokenSource`]: no token, or no way to get a fresh one.
    #[error("IAM Identity Center login needed: {0}")]
    Auth(String),
    #[error(
        "IAM Identity Center rejected the access token again after {renewals} renewal(s); run `aws-sso login` and retry"
    )]
    TokenRejected { renewals: u32 },
    /// No answer from the portal (refused, unknown host, deadline passed).
    #[error("cannot reach IAM Identity Center{endpoint} ({operation}): {detail}: {advice}")]
    Unreachable {
        operation: &'static str,
        /// ` at <url>`, or empty when the caller did not say.
        endpoint: String,
        detail: String,
        advice: String,
    },
    #[error("ListAccounts failed: {detail}")]
    ListAccounts { detail: String },
    #[error("ListAccountRoles failed for account {account} ({name}): {detail}")]
    ListAccountRoles {
        /// 12 digits, leading zeros kept.
        account: String,
        name: String,
        detail: String,
    },
    #[error(
        "ListAccounts returned account id {0:?}, which is not a 12-digit number; IAM Identity Center answered something unexpected"
    )]
    BadAccountId(String),
    #[error(
        "refresh ran out of its {budget:?} time budget with {done} of {listed} accounts done ({throttled} calls throttled); try again later or raise the budget"
    )]
    Budget {
        budget: Duration,
        done: usize,
        listed: usize,
        throttled: u64,
    },
    #[error("refresh options: {0}")]
    Options(#[from] RateLimitConfigError),
}

/// Lists every account and its roles. See the module docs for how.
pub async fn fetch_catalog(
    portal: &aws_sdk_sso::Client,
    tokens: &dyn TokenSource,
    progress: &dyn Progress,
    opts: &RefreshOptions,
) -> Result<(Vec<DiscoveredAccount>, RefreshStats), RefreshError> {
    engine::run(portal, tokens, progress, opts).await
}
