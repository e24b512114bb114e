//! Tests of the rate limiter and the retry loop, all on tokio's paused clock (no real sleeping).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::*;

fn limiter(rate: f64, burst: u32) -> RateLimiter {
    RateLimiter::new(RateLimitConfig {
        start_rate: rate,
        ceiling: rate,
        burst,
        ..RateLimitConfig::default()
    })
    .unwrap()
}

/// Times (since `start`) at which `tasks × per_task` acquisitions were granted.
async fn grant_times(lim: Arc<RateLimiter>, tasks: usize, per_task: usize) -> Vec<Duration> {
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let lim = lim.clone();
        handles.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..per_task {
                lim.acquire().await;
                times.push(start.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    all.sort();
    all
}

/// Largest number of grants within any window of length `window`.
fn max_in_window(times: &[Duration], window: Duration) -> usize {
    let mut best = 0;
    let mut lo = 0;
    for hi in 0..times.len() {
        while times[hi] - times[lo] >= window {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

#[tokio::test(start_paused = true)]
async fn sustained_rate_stays_at_or_below_configured_rate() {
    let lim = Arc::new(limiter(20.0, 4));
    let times = grant_times(lim.clone(), 8, 25).await;
    assert_eq!(times.len(), 200);
    // 200 grants with 4 up front need at least 196 / 20 = 9.8 s, and should not take much longer.
    let total = *times.last().unwrap();
    assert!(total >= Duration::from_millis(9_800), "too fast: {total:?}");
    assert!(
        total <= Duration::from_millis(10_100),
        "too slow: {total:?}"
    );
    // Any one-second window: at most burst + rate.
    let per_second = max_in_window(&times[4..], Duration::from_secs(1));
    assert!(per_second <= 20, "{per_second} grants in one second");
    assert_eq!(lim.stats().calls, 200);
}

#[tokio::test(start_paused = true)]
async fn burst_is_honoured_then_calls_are_spaced() {
    let lim = Arc::new(limiter(10.0, 5));
    let times = grant_times(lim, 1, 8).await;
    // The first five go out at once...
    assert!(times[..5].iter().all(|t| *t == Duration::ZERO), "{times:?}");
    // ...the rest one per 100 ms.
    for (i, t) in times[5..].iter().enumerate() {
        let expected = Duration::from_millis(100 * (i as u64 + 1));
        assert!(
            *t >= expected && *t <= expected + Duration::from_millis(2),
            "grant {} at {t:?}",
            i + 5
        );
    }
}

#[tokio::test(start_paused = true)]
async fn throttle_cuts_rate_and_honours_retry_after() {
    let lim = Arc::new(limiter(20.0, 4));
    lim.on_throttle(Some(Duration::from_secs(2)));
    assert!((lim.rate() - 14.0).abs() < 1e-9, "rate {}", lim.rate());
    let start = Instant::now();
    lim.acquire().await;
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    // After the pause the new, lower rate applies: 14 more grants take about a second.
    let times = grant_times(lim.clone(), 3, 14).await;
    let per_second = max_in_window(&times, Duration::from_secs(1));
    assert!(
        per_second <= 15,
        "{per_second} grants in one second at 14/s"
    );
    assert_eq!(lim.stats().throttles, 1);
}

#[tokio::test(start_paused = true)]
async fn pause_applies_to_a_caller_already_waiting() {
    let lim = Arc::new(limiter(1.0, 1));
    lim.acquire().await; // bucket now empty; the next token is 1 s away
    let waiter = {
        let lim = lim.clone();
        tokio::spawn(async move {
            let start = Instant::now();
            lim.acquire().await;
            start.elapsed()
        })
    };
    tokio::task::yield_now().await;
    lim.on_throttle(Some(Duration::from_secs(5)));
    let waited = waiter.await.unwrap();
    assert!(waited >= Duration::from_secs(5), "waited only {waited:?}");
}

#[tokio::test(start_paused = true)]
async fn simultaneous_throttles_cut_once_and_floor_holds() {
    let lim = limiter(20.0, 4);
    for _ in 0..5 {
        lim.on_throttle(None);
    }
    assert!((lim.rate() - 14.0).abs() < 1e-9, "rate {}", lim.rate());
    for _ in 0..30 {
        tokio::time::advance(Duration::from_secs(2)).await;
        lim.on_throttle(None);
    }
    assert!((lim.rate() - 1.0).abs() < 1e-9, "rate {}", lim.rate());
    assert_eq!(lim.stats().throttles, 35);
}

#[tokio::test(start_paused = true)]
async fn successes_recover_rate_to_the_ceiling_and_no_further() {
    let lim = RateLimiter::new(RateLimitConfig {
        start_rate: 10.0,
        ceiling: 12.0,
        recovery_streak: 5,
        increase_step: 1.0,
        ..RateLimitConfig::default()
    })
    .unwrap();
    lim.on_throttle(None);
    assert!((lim.rate() - 7.0).abs() < 1e-9);
    for _ in 0..4 {
        lim.on_success();
    }
    assert!(
        (lim.rate() - 7.0).abs() < 1e-9,
        "a short streak must not raise the rate"
    );
    lim.on_success();
    assert!((lim.rate() - 8.0).abs() < 1e-9);
    for _ in 0..100 {
        lim.on_success();
    }
    assert!((lim.rate() - 12.0).abs() < 1e-9, "rate {}", lim.rate());
}

#[test]
fn invalid_configs_are_rejected() {
    let bad_rates = RateLimitConfig {
        start_rate: 30.0,
        ceiling: 20.0,
        ..RateLimitConfig::default()
    };
    assert!(matches!(
        RateLimiter::new(bad_rates),
        Err(RateLimitConfigError::Rates { .. })
    ));
    let bad_factor = RateLimitConfig {
        decrease_factor: 1.5,
        ..RateLimitConfig::default()
    };
    assert_eq!(
        bad_factor.validate(),
        Err(RateLimitConfigError::DecreaseFactor(1.5))
    );
    let zero_burst = RateLimitConfig {
        burst: 0,
        ..RateLimitConfig::default()
    };
    assert_eq!(zero_burst.validate(), Err(RateLimitConfigError::Zero));
}

#[test]
fn backoff_is_full_jitter_capped_and_respects_retry_after() {
    let p = RetryPolicy {
        max_attempts: 10,
        base: Duration::from_millis(100),
        cap: Duration::from_secs(1),
        budget: Duration::from_secs(60),
    };
    assert_eq!(p.ceiling(0), Duration::from_millis(100));
    assert_eq!(p.ceiling(3), Duration::from_millis(800));
    assert_eq!(p.ceiling(4), Duration::from_secs(1));
    assert_eq!(p.ceiling(200), Duration::from_secs(1));
    assert_eq!(p.backoff(3, None, 0.5), Duration::from_millis(400));
    assert_eq!(p.backoff(3, None, 0.0), Duration::ZERO);
    assert_eq!(
        p.backoff(0, Some(Duration::from_secs(3)), 0.9),
        Duration::from_secs(3)
    );
}

#[derive(Debug, PartialEq)]
enum TestErr {
    Flaky(u32),
    Throttled(u32),
    Fatal(u32),
}

fn classify(e: &TestErr) -> Outcome {
    match e {
        TestErr::Flaky(_) => Outcome::Retry,
        TestErr::Throttled(_) => Outcome::Throttled {
            retry_after: Some(Duration::from_secs(3)),
        },
        TestErr::Fatal(_) => Outcome::Fatal,
    }
}

#[tokio::test(start_paused = true)]
async fn retry_gives_up_at_the_budget_with_the_last_error() {
    let lim = RateLimiter::default();
    let policy = RetryPolicy {
        max_attempts: 1_000,
        base: Duration::from_millis(500),
        cap: Duration::from_secs(2),
        budget: Duration::from_secs(10),
    };
    let calls = AtomicU32::new(0);
    let start = Instant::now();
    let res: Result<(), TestErr> = with_retries(&lim, &policy, classify, || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Err(TestErr::Flaky(n)) }
    })
    .await;
    let n = calls.load(Ordering::SeqCst);
    assert_eq!(res, Err(TestErr::Flaky(n)), "must return the last error");
    assert!(n > 1, "must have retried");
    assert!(start.elapsed() <= policy.budget, "{:?}", start.elapsed());
    assert_eq!(lim.stats().retries, u64::from(n - 1));
}

#[tokio::test(start_paused = true)]
async fn retry_stops_after_max_attempts() {
    let lim = RateLimiter::default();
    let policy = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let calls = AtomicU32::new(0);
    let res: Result<(), TestErr> = with_retries(&lim, &policy, classify, || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Err(TestErr::Flaky(n)) }
    })
    .await;
    assert_eq!(res, Err(TestErr::Flaky(3)));
}

#[tokio::test(start_paused = true)]
async fn fatal_errors_are_not_retried() {
    let lim = RateLimiter::default();
    let calls = AtomicU32::new(0);
    let res: Result<(), TestErr> = with_retries(&lim, &RetryPolicy::default(), classify, || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Err(TestErr::Fatal(n)) }
    })
    .await;
    assert_eq!(res, Err(TestErr::Fatal(1)));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(lim.stats().retries, 0);
}

#[tokio::test(start_paused = true)]
async fn throttled_retry_waits_retry_after_slows_limiter_then_succeeds() {
    let lim = RateLimiter::default();
    let calls = AtomicU32::new(0);
    let start = Instant::now();
    let res = with_retries(&lim, &RetryPolicy::default(), classify, || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            if n < 3 {
                Err(TestErr::Throttled(n))
            } else {
                Ok(n)
            }
        }
    })
    .await;
    assert_eq!(res, Ok(3));
    assert!(
        start.elapsed() >= Duration::from_secs(6),
        "{:?}",
        start.elapsed()
    );
    let stats = lim.stats();
    assert_eq!((stats.calls, stats.throttles, stats.retries), (3, 2, 2));
    assert!(stats.rate < 20.0, "rate {}", stats.rate);
}
