//! What stands between a request and its handler: the per-call latency, queued fault
//! injections, and the token-bucket rate limit on the SSO portal API (the part of Identity
//! Center that answers 429 `TooManyRequestsException` under load: about 20 requests a second
//! per account, with a small burst).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Shared;
use super::errors::ApiError;
use super::log::Operation;

/// A token bucket: `burst` requests at once, refilled at `per_second` requests per second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

impl RateLimit {
    /// `per_second` sustained with a burst of `burst` (at least 1).
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self {
            per_second,
            burst: burst.max(1),
        }
    }
}

/// One injected error reply. `error_type` is the wire code: a shape name for the portal and
/// OIDC (`InternalServerException`), a query-protocol code for STS (`Throttling`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub status: u16,
    pub error_type: String,
    pub message: String,
}

impl Fault {
    pub fn new(status: u16, error_type: &str) -> Self {
        Self {
            status,
            error_type: error_type.to_owned(),
            message: format!("injected {error_type}"),
        }
    }

    /// 429 `TooManyRequestsException` (with `Retry-After: 1`), as the throttled portal sends.
    pub fn throttled() -> Self {
        Self::new(429, "TooManyRequestsException")
    }

    /// 500 `InternalServerException`.
    pub fn internal() -> Self {
        Self::new(500, "InternalServerException")
    }

    /// 401 `UnauthorizedException`, as if the token had been revoked server-side.
    pub fn unauthorized() -> Self {
        Self::new(401, "UnauthorizedException")
    }

    pub(crate) fn to_error(&self) -> ApiError {
        let mut err = ApiError::new(self.status, &self.error_type, self.message.clone());
        if self.status == 429 {
            err.retry_after = Some(1);
        }
        err
    }
}

struct Bucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// Takes a token, or says how long until one is available.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        let cap = f64::from(self.limit.burst);
        self.tokens = (self.tokens + elapsed * self.limit.per_second).min(cap);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        if self.limit.per_second <= 0.0 {
            return Err(Duration::from_secs(60));
        }
        Err(Duration::from_secs_f64(
            (1.0 - self.tokens) / self.limit.per_second,
        ))
    }
}

/// Latency, rate limit and the fault queues.
pub(crate) struct Limits {
    latency: Duration,
    /// Extra latency of single operations, changeable while running.
    op_latency: Mutex<HashMap<Operation, Duration>>,
    bucket: Option<Mutex<Bucket>>,
    faults: Mutex<HashMap<Operation, VecDeque<Fault>>>,
}

impl Limits {
    pub(crate) fn new(latency: Duration, rate: Option<RateLimit>) -> Self {
        let bucket = rate.map(|limit| {
            Mutex::new(Bucket {
                limit,
                tokens: f64::from(limit.burst),
                last: Instant::now(),
            })
        });
        Self {
            latency,
            op_latency: Mutex::default(),
            bucket,
            faults: Mutex::default(),
        }
    }

    pub(crate) fn set_op_latency(&self, op: Operation, latency: Duration) {
        let mut map = self.op_latency.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(op, latency);
    }

    fn op_latency(&self, op: Operation) -> Duration {
        let map = self.op_latency.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&op).copied().unwrap_or_default()
    }

    pub(crate) fn inject(&self, op: Operation, fault: Fault, times: usize) {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        faults
            .entry(op)
            .or_default()
            .extend(std::iter::repeat_n(fault, times));
    }

    pub(crate) fn clear_faults(&self) {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub(crate) fn pending_faults(&self, op: Operation) -> usize {
        let faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        faults.get(&op).map_or(0, VecDeque::len)
    }

    fn next_fault(&self, op: Operation) -> Option<Fault> {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&op)?
            .pop_front()
    }

    fn throttle(&self, now: Instant) -> Result<(), Duration> {
        match &self.bucket {
            Some(b) => b.lock().unwrap_or_else(|e| e.into_inner()).take(now),
            None => Ok(()),
        }
    }
}

/// Applies latency, then a queued fault for `op`, then (portal only) the rate limit.
pub(crate) async fn gate(shared: &Shared, op: Operation) -> Result<(), ApiError> {
    let limits = &shared.limits;
    let latency = limits.latency + limits.op_latency(op);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(fault) = limits.next_fault(op) {
        shared.log.note_fault();
        return Err(fault.to_error());
    }
    if op.is_portal()
        && let Err(wait) = limits.throttle(Instant::now())
    {
        shared.log.note_throttled();
        return Err(ApiError::throttled(
            wait.as_secs_f64().ceil().max(1.0) as u64
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_a_burst_then_refills_at_the_rate() {
        let t0 = Instant::now();
        let limit = RateLimit::new(2.0, 3);
        let mut b = Bucket {
            limit,
            tokens: 3.0,
            last: t0,
        };
        for _ in 0..3 {
            assert_eq!(b.take(t0), Ok(()));
        }
        let wait = b
            .take(t0)
            .expect_err("the 4th immediate request is throttled");
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-9, "wait {wait:?}");
        assert_eq!(b.take(t0 + Duration::from_millis(500)), Ok(()));
        assert!(b.take(t0 + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn faults_are_served_in_order_per_operation() {
        let limits = Limits::new(Duration::ZERO, None);
        limits.inject(Operation::ListAccounts, Fault::internal(), 2);
        limits.inject(Operation::ListAccounts, Fault::throttled(), 1);
        assert_eq!(limits.pending_faults(Operation::ListAccounts), 3);
        assert_eq!(limits.pending_faults(Operation::CreateToken), 0);
        assert_eq!(
            limits.next_fault(Operation::ListAccounts),
            Some(Fault::internal())
        );
        assert_eq!(
            limits.next_fault(Operation::ListAccounts),
            Some(Fault::internal())
        );
        let last = limits
            .next_fault(Operation::ListAccounts)
            .expect("third fault");
        assert_eq!(last.to_error().retry_after, Some(1));
        assert_eq!(limits.next_fault(Operation::ListAccounts), None);
    }
}
