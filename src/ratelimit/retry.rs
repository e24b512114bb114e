//! Retry policy (full-jitter exponential backoff, `Retry-After`, overall time budget) and the
//! generic [`with_retries`] loop that runs an AWS call through a [`RateLimiter`].

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::RateLimiter;

/// How a failed attempt should be handled; returned by the caller's classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Transient failure (network, 5xx): back off and try again.
    Retry,
    /// The server throttled us (HTTP 429): slow the shared limiter down, honour `retry_after`.
    Throttled { retry_after: Option<Duration> },
    /// Not worth retrying (bad request, access denied, expired token): give up now.
    Fatal,
}

/// When and how often [`with_retries`] tries again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first one included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the first retry is drawn from `0..base`, then doubles per retry.
    pub base: Duration,
    /// Upper bound of one backoff (before `Retry-After` is applied).
    pub cap: Duration,
    /// Wall-clock budget for the whole call including retries; no retry is started whose
    /// backoff would end past it.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    /// 11 attempts like aws-sso-cli's refresh loop, backoff capped at 5 s like its `MaxBackoff`,
    /// and two minutes overall so a throttled refresh degrades instead of hanging.
    fn default() -> Self {
        Self {
            max_attempts: 11,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(5),
            budget: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The ceiling of the backoff before retry number `retry` (0-based): `min(cap, base·2^retry)`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// Backoff before retry number `retry` (0-based) given a uniform random `unit` in `[0, 1)`:
    /// full jitter (`unit × ceiling`), but never shorter than the server's `Retry-After`.
    pub fn backoff(&self, retry: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let jitter = self.ceiling(retry).mul_f64(unit.clamp(0.0, 1.0));
        retry_after.map_or(jitter, |after| jitter.max(after))
    }
}

/// Runs `op` until it succeeds, the classifier says [`Outcome::Fatal`], `max_attempts` are used
/// up, or the next backoff would overrun `budget`; in the failure cases the last error is
/// returned. Every attempt first takes a permit from `limiter`; results are reported back to it
/// so the shared rate adapts.
pub async fn with_retries<T, E, C, Op, Fut>(
    limiter: &RateLimiter,
    policy: &RetryPolicy,
    classify: C,
    mut op: Op,
) -> Result<T, E>
where
    C: Fn(&E) -> Outcome,
    Op: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let start = Instant::now();
    let mut attempt: u32 = 0;
    loop {
        limiter.acquire().await;
        attempt += 1;
        let err = match op().await {
            Ok(value) => {
                limiter.on_success();
                return Ok(value);
            }
            Err(err) => err,
        };
        let retry_after = match classify(&err) {
            Outcome::Fatal => return Err(err),
            Outcome::Retry => None,
            Outcome::Throttled { retry_after } => {
                limiter.on_throttle(retry_after);
                retry_after
            }
        };
        if attempt >= policy.max_attempts {
            tracing::debug!(attempt, "giving up: out of attempts");
            return Err(err);
        }
        let delay = policy.backoff(attempt - 1, retry_after, rand::random::<f64>());
        if start.elapsed() + delay > policy.budget {
            tracing::debug!(attempt, "giving up: retry budget spent");
            return Err(err);
        }
        limiter.record_retry();
        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
        tokio::time::sleep(delay).await;
    }
}
