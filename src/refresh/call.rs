//! One portal API call, the way every refresh call is made: a permit from the shared adaptive
//! limiter, the current bearer token, and on failure a classification — throttled (slow the
//! limiter, honour `Retry-After`, retry while the budget lasts), unauthorized (one serialised
//! renewal, retry), transient (jittered backoff, bounded attempts) or permanent (fail now with
//! a one-line error naming the account).

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_sso::config::http::HttpResponse;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use secrecy::ExposeSecret as _;
use tokio::time::Instant;

use super::token::TokenCell;
use super::{Progress, RefreshError};
use crate::aws::failure::{Transport, advice, innermost};
use crate::ratelimit::{RateLimiter, RetryPolicy};

/// What is being called, for error messages.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target<'x> {
    ListAccounts,
    Roles { account: &'x str, name: &'x str },
}

impl Target<'_> {
    fn operation(self) -> &'static str {
        match self {
            Target::ListAccounts => "ListAccounts",
            Target::Roles { .. } => "ListAccountRoles",
        }
    }

    fn error(self, detail: String) -> RefreshError {
        match self {
            Target::ListAccounts => RefreshError::ListAccounts { detail },
            Target::Roles { account, name } => RefreshError::ListAccountRoles {
                account: account.to_owned(),
                name: name.to_owned(),
                detail,
            },
        }
    }
}

/// How a failed attempt is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Throttled(Option<Duration>),
    Unauthorized,
    Transient,
    Permanent,
}

/// Sorts an SDK error into a [`Class`]. Status codes decide first (they survive a model that
/// does not know the shape), error codes second.
pub(super) fn classify<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Class {
    match err {
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().status().as_u16();
            let code = ctx.err().code().unwrap_or_default();
            if status == 429 || code == "TooManyRequestsException" {
                Class::Throttled(retry_after(ctx.raw()))
            } else if status == 401 || code == "UnauthorizedException" {
                Class::Unauthorized
            } else if status >= 500 {
                Class::Transient
            } else {
                Class::Permanent
            }
        }
        // A reply that would not parse (truncated by a reset connection, a proxy's HTML page)
        // and timeouts are worth another try.
        SdkError::ResponseError(_) | SdkError::TimeoutError(_) => Class::Transient,
        SdkError::DispatchFailure(f) if f.is_user() => Class::Permanent,
        // A refused connection or an unknown host stays that way for longer than any backoff.
        SdkError::DispatchFailure(f)
            if f.as_connector_error()
                .is_some_and(|c| Transport::of_chain(c).is_final()) =>
        {
            Class::Permanent
        }
        SdkError::DispatchFailure(_) => Class::Transient,
        _ => Class::Permanent,
    }
}

/// `Retry-After` in seconds (fractions accepted); HTTP dates are not worth parsing here — the
/// limiter's own backoff covers that case.
fn retry_after(raw: &HttpResponse) -> Option<Duration> {
    parse_retry_after(raw.headers().get("retry-after")?)
}

pub(super) fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

/// A one-line description of an SDK error: `Code: message` for service errors, the error chain
/// otherwise. Never includes the request (which carries the bearer token).
pub(super) fn describe<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let text = match err {
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().status().as_u16();
            let code = ctx.err().code().unwrap_or("unknown error");
            match ctx.err().message() {
                Some(msg) if !msg.is_empty() => format!("{code}: {msg} (HTTP {status})"),
                _ => format!("{code} (HTTP {status})"),
            }
        }
        other => Transport::of(other).map_or_else(
            || std::error::Error::source(other).map_or_else(|| other.to_string(), innermost),
            |t| t.to_string(),
        ),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Counters shared by all calls of one refresh.
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub calls: AtomicU64,
    pub throttled: AtomicU64,
    pub retries: AtomicU64,
    pub listed: AtomicUsize,
    pub done: AtomicUsize,
}

/// Everything a call needs, shared (by reference) by every call of one refresh.
pub(super) struct Caller<'a> {
    pub limiter: RateLimiter,
    pub tokens: TokenCell<'a>,
    pub progress: &'a dyn Progress,
    pub policy: RetryPolicy,
    pub budget: Duration,
    pub deadline: Instant,
    pub counters: Counters,
    /// The portal endpoint for messages (may be empty).
    pub endpoint: &'a str,
}

impl Caller<'_> {
    /// The error for a refresh that ran out of time.
    pub(super) fn budget_error(&self) -> RefreshError {
        RefreshError::Budget {
            budget: self.budget,
            done: self.counters.done.load(Ordering::Relaxed),
            listed: self.counters.listed.load(Ordering::Relaxed),
            throttled: self.counters.throttled.load(Ordering::Relaxed),
        }
    }

    /// The error for a call that failed for good: a transport failure names the endpoint
    /// and the fix, anything else the call and the service's answer.
    fn failure<E>(
        &self,
        target: Target<'_>,
        err: &SdkError<E, HttpResponse>,
        note: &str,
    ) -> RefreshError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match Transport::of(err) {
            Some(failure) => RefreshError::Unreachable {
                operation: target.operation(),
                endpoint: if self.endpoint.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", self.endpoint)
                },
                detail: format!("{failure}{note}"),
                advice: advice(&failure, "SSORegion and AWS_ENDPOINT_URL_SSO"),
            },
            None => target.error(format!("{}{note}", describe(err))),
        }
    }

    /// Runs `op` (given the bearer token) until it succeeds or fails for good.
    pub(super) async fn call<T, E, F, Fut>(
        &self,
        target: Target<'_>,
        mut op: F,
    ) -> Result<T, RefreshError>
    where
        F: FnMut(&str) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut retries: u32 = 0;
        let mut transient: u32 = 0;
        let started = Instant::now();
        loop {
            self.limiter.acquire().await;
            self.counters.calls.fetch_add(1, Ordering::Relaxed);
            let token = self.tokens.current();
            let err = match op(token.expose_secret()).await {
                Ok(value) => {
                    self.limiter.on_success();
                    return Ok(value);
                }
                Err(err) => err,
            };
            let class = classify(&err);
            tracing::debug!(?target, ?class, error = %describe(&err), "portal call failed");
            let delay = match class {
                Class::Permanent => return Err(self.failure(target, &err, "")),
                Class::Unauthorized => {
                    self.tokens.renew(&token).await?;
                    Duration::ZERO
                }
                Class::Throttled(after) => {
                    self.limiter.on_throttle(after);
                    self.counters.throttled.fetch_add(1, Ordering::Relaxed);
                    self.progress.throttled();
                    self.policy.backoff(retries, after, rand::random::<f64>())
                }
                Class::Transient => {
                    transient += 1;
                    let delay = self.policy.backoff(retries, None, rand::random::<f64>());
                    // `policy.budget` is this call's deadline: a slow endpoint must not get
                    // MaxRetry full attempts in a row.
                    let late = started.elapsed() + delay >= self.policy.budget;
                    if transient >= self.policy.max_attempts.max(1) || late {
                        let plural = if transient == 1 { "" } else { "s" };
                        let note = format!(" (gave up after {transient} attempt{plural})");
                        return Err(self.failure(target, &err, &note));
                    }
                    delay
                }
            };
            if Instant::now() + delay >= self.deadline {
                return Err(self.budget_error());
            }
            retries += 1;
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            self.limiter.record_retry();
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
    }
}
