//! Adaptive client-side rate limiter for the IAM Identity Center portal API
//! (ListAccounts / ListAccountRoles / GetRoleCredentials during a cache refresh).
//!
//! AWS documents a collective 20 TPS quota, yet clients that hold exactly 20 req/s still get
//! HTTP 429 after a few hundred sustained calls (the server's sustained refill is below 20/s, or
//! shared with other callers). So this is a token bucket whose rate adapts AIMD-style: a throttle
//! cuts the rate multiplicatively and pauses every caller until `Retry-After`; streaks of
//! successes raise it additively back toward a ceiling.
//!
//! One [`RateLimiter`] is shared (in an `Arc`) by all tasks of a refresh. Retries with full-jitter
//! backoff live in [`retry`] ([`with_retries`], [`RetryPolicy`]).

mod retry;
#[cfg(test)]
mod tests;

pub use retry::{Outcome, RetryPolicy, with_retries};

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Tuning of a [`RateLimiter`]. `Default` matches the documented 20 TPS quota.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitConfig {
    /// Requests per second at start.
    pub start_rate: f64,
    /// Highest rate additive recovery may reach.
    pub ceiling: f64,
    /// Lowest rate a throttle may cut to.
    pub floor: f64,
    /// Bucket size: how many calls may go out back to back after an idle spell.
    pub burst: u32,
    /// Multiplicative decrease applied on a throttle (0 < factor < 1).
    pub decrease_factor: f64,
    /// Requests per second added after each streak of `recovery_streak` successes.
    pub increase_step: f64,
    /// Consecutive successes needed for one additive increase.
    pub recovery_streak: u32,
    /// Throttles closer together than this cut the rate only once: the calls already in flight
    /// when the server started refusing all report 429 at about the same time, and counting each
    /// would collapse the rate to the floor for one congestion event.
    pub cut_cooldown: Duration,
    /// Longest pause a `Retry-After` may impose on all callers (guards against absurd values).
    pub max_pause: Duration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            start_rate: 20.0,
            ceiling: 20.0,
            floor: 1.0,
            burst: 4,
            decrease_factor: 0.7,
            increase_step: 1.0,
            recovery_streak: 20,
            cut_cooldown: Duration::from_secs(1),
            max_pause: Duration::from_secs(30),
        }
    }
}

/// A [`RateLimitConfig`] value that cannot work.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RateLimitConfigError {
    #[error(
        "rate limiter: need 0 < floor ({floor}) <= start_rate ({start}) <= ceiling ({ceiling}) requests/s"
    )]
    Rates {
        floor: f64,
        start: f64,
        ceiling: f64,
    },
    #[error("rate limiter: decrease_factor must be between 0 and 1 (exclusive), got {0}")]
    DecreaseFactor(f64),
    #[error("rate limiter: burst and recovery_streak must be at least 1")]
    Zero,
    #[error("rate limiter: increase_step must be a positive number, got {0}")]
    IncreaseStep(f64),
}

impl RateLimitConfig {
    /// Checks the invariants [`RateLimiter::new`] relies on.
    pub fn validate(&self) -> Result<(), RateLimitConfigError> {
        let ok = self.floor.is_finite()
            && self.ceiling.is_finite()
            && self.floor > 0.0
            && self.floor <= self.start_rate
            && self.start_rate <= self.ceiling;
        if !ok {
            return Err(RateLimitConfigError::Rates {
                floor: self.floor,
                start: self.start_rate,
                ceiling: self.ceiling,
            });
        }
        if !(self.decrease_factor > 0.0 && self.decrease_factor < 1.0) {
            return Err(RateLimitConfigError::DecreaseFactor(self.decrease_factor));
        }
        if self.burst == 0 || self.recovery_streak == 0 {
            return Err(RateLimitConfigError::Zero);
        }
        if !(self.increase_step.is_finite() && self.increase_step > 0.0) {
            return Err(RateLimitConfigError::IncreaseStep(self.increase_step));
        }
        Ok(())
    }
}

/// Counters for reporting (e.g. `cache` / `--verbose` summaries).
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitStats {
    /// Permits handed out by [`RateLimiter::acquire`].
    pub calls: u64,
    /// Throttle signals received.
    pub throttles: u64,
    /// Retries scheduled by [`with_retries`].
    pub retries: u64,
    /// Current rate in requests per second.
    pub rate: f64,
}

#[derive(Debug)]
struct State {
    rate: f64,
    tokens: f64,
    refilled_at: Instant,
    paused_until: Option<Instant>,
    last_cut: Option<Instant>,
    streak: u32,
    calls: u64,
    throttles: u64,
    retries: u64,
}

impl State {
    /// Adds the tokens earned at the current rate since the last refill. Called before every
    /// rate change so tokens earned under the old rate are credited at the old rate.
    fn refill(&mut self, now: Instant, burst: f64) {
        let earned = now
            .saturating_duration_since(self.refilled_at)
            .as_secs_f64()
            * self.rate;
        self.tokens = (self.tokens + earned).min(burst);
        self.refilled_at = now;
    }
}

/// Token bucket with AIMD rate adaptation, shared by many tasks (wrap it in an `Arc`).
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    state: Mutex<State>,
    /// FIFO queue of waiters: only the head sleeps on the bucket, so waiters are served in
    /// arrival order and do not all wake up for the same token.
    queue: tokio::sync::Mutex<()>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(RateLimitConfig::default()).expect("the default rate limit config is valid")
    }
}

impl RateLimiter {
    /// Builds a limiter with a full bucket (`burst` tokens) at `start_rate`.
    pub fn new(config: RateLimitConfig) -> Result<Self, RateLimitConfigError> {
        config.validate()?;
        let state = State {
            rate: config.start_rate,
            tokens: f64::from(config.burst),
            refilled_at: Instant::now(),
            paused_until: None,
            last_cut: None,
            streak: 0,
            calls: 0,
            throttles: 0,
            retries: 0,
        };
        Ok(Self {
            config,
            state: Mutex::new(state),
            queue: tokio::sync::Mutex::new(()),
        })
    }

    /// The configuration this limiter was built with.
    pub fn config(&self) -> &RateLimitConfig {
        &self.config
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the numbers inconsistent in a way that
        // matters (worst case one refill is lost), so keep going after poisoning.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a call may be sent: the pause (if any) is over and a token is available.
    pub async fn acquire(&self) {
        let _head = self.queue.lock().await;
        let burst = f64::from(self.config.burst);
        loop {
            let wake = {
                let mut st = self.state();
                let now = Instant::now();
                match st.paused_until {
                    Some(until) if until > now => until,
                    paused => {
                        // Tokens are not earned while paused, or the pause would end in a burst.
                        if let Some(until) = paused {
                            st.refilled_at = st.refilled_at.max(until);
                        }
                        st.paused_until = None;
                        st.refill(now, burst);
                        // The epsilon absorbs float rounding of refill times; without it
                        // a bucket at 0.999999994 would spin on zero-length sleeps.
                        if st.tokens >= 1.0 - 1e-6 {
                            st.tokens -= 1.0;
                            st.calls += 1;
                            return;
                        }
                        let wait = (1.0 - st.tokens) / st.rate;
                        // The timer has millisecond resolution anyway.
                        now + Duration::from_secs_f64(wait).max(Duration::from_millis(1))
                    }
                }
            };
            // Re-check after waking: a throttle may have paused or slowed us meanwhile.
            tokio::time::sleep_until(wake).await;
        }
    }

    /// Reports a successful call; every `recovery_streak` successes add `increase_step` req/s,
    /// up to the ceiling.
    pub fn on_success(&self) {
        let mut st = self.state();
        st.streak += 1;
        if st.streak >= self.config.recovery_streak {
            st.streak = 0;
            if st.rate < self.config.ceiling {
                st.refill(Instant::now(), f64::from(self.config.burst));
                st.rate = (st.rate + self.config.increase_step).min(self.config.ceiling);
                tracing::debug!(rate = st.rate, "rate limiter: raised rate");
            }
        }
    }

    /// Reports a throttled call (HTTP 429 / `TooManyRequestsException`): cuts the rate (at most
    /// once per `cut_cooldown`), empties the bucket and, with a `Retry-After`, pauses every
    /// caller until it has passed.
    pub fn on_throttle(&self, retry_after: Option<Duration>) {
        let mut st = self.state();
        let now = Instant::now();
        st.throttles += 1;
        st.streak = 0;
        st.refill(now, f64::from(self.config.burst));
        // Drop saved-up burst: sending it right away would only hit the throttle again.
        st.tokens = st.tokens.min(0.0);
        let cooling = st
            .last_cut
            .is_some_and(|t| now.saturating_duration_since(t) < self.config.cut_cooldown);
        if !cooling {
            st.rate = (st.rate * self.config.decrease_factor).max(self.config.floor);
            st.last_cut = Some(now);
        }
        if let Some(after) = retry_after {
            let until = now + after.min(self.config.max_pause);
            st.paused_until = Some(st.paused_until.map_or(until, |p| p.max(until)));
        }
        tracing::debug!(
            rate = st.rate,
            paused_ms = retry_after.map(|d| d.as_millis() as u64),
            "rate limiter: throttled"
        );
    }

    /// Counts one retry (called by [`with_retries`]; other retry loops may call it too).
    pub fn record_retry(&self) {
        self.state().retries += 1;
    }

    /// Current rate in requests per second.
    pub fn rate(&self) -> f64 {
        self.state().rate
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> RateLimitStats {
        let st = self.state();
        RateLimitStats {
            calls: st.calls,
            throttles: st.throttles,
            retries: st.retries,
            rate: st.rate,
        }
    }
}
