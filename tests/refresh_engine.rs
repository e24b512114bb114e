//! The refresh engine (`aws_sso::refresh::fetch_catalog`) against the in-process emulator on
//! 127.0.0.1 with the real `aws-sdk-sso` client: exact results across page boundaries,
//! streaming of role fetches, 429s absorbed under a tight server limit, a 401 storm renewing
//! the token once, 5xx retried, permanent errors naming the account, budget exhaustion and the
//! zero-accounts error. The benchmark (benches/refresh.rs) is included here so it also runs as
//! `cargo test --test refresh_engine -- --ignored bench`.

#[path = "../benches/refresh.rs"]
mod bench;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_sso::ratelimit::RetryPolicy;
use aws_sso::refresh::{
    DiscoveredAccount, FixedToken, NoProgress, Progress, RefreshError, RefreshOptions,
    RefreshStats, TokenSource, fetch_catalog,
};
use aws_sso_emulator::{Account, Emulator, EmulatorConfig, Fault, Operation, Org, RateLimit};
use futures::future::BoxFuture;

/// A token source backed by the emulator's device flow; counts renewals.
struct EmuTokens {
    url: String,
    first: String,
    renewals: AtomicU32,
}

impl EmuTokens {
    async fn new(url: &str) -> EmuTokens {
        EmuTokens {
            url: url.to_owned(),
            first: bench::mint_token(url).await,
            renewals: AtomicU32::new(0),
        }
    }
}

impl TokenSource for EmuTokens {
    fn token(&self) -> BoxFuture<'_, Result<String, RefreshError>> {
        let first = self.first.clone();
        Box::pin(async move { Ok(first) })
    }

    fn renew(&self, rejected: &str) -> BoxFuture<'_, Result<String, RefreshError>> {
        assert!(!rejected.is_empty());
        Box::pin(async move {
            self.renewals.fetch_add(1, Ordering::SeqCst);
            Ok(bench::mint_token(&self.url).await)
        })
    }
}

/// Counts progress callbacks.
#[derive(Default)]
struct Counting {
    listed: AtomicU32,
    done: AtomicU32,
    throttled: AtomicU32,
}

impl Progress for Counting {
    fn accounts_listed(&self, total: usize) {
        self.listed.store(total as u32, Ordering::SeqCst);
    }
    fn account_done(&self, done: usize, total: usize) {
        assert!(done <= total, "done {done} > listed {total}");
        self.done.store(done as u32, Ordering::SeqCst);
    }
    fn throttled(&self) {
        self.throttled.fetch_add(1, Ordering::SeqCst);
    }
}

/// Fast client options for tests whose server has no (or a generous) rate limit.
fn fast() -> RefreshOptions {
    RefreshOptions {
        concurrency: 8,
        initial_rate: 1000.0,
        burst: 20,
        budget: Duration::from_secs(60),
        retry: RetryPolicy {
            base: Duration::from_millis(20),
            ..RefreshOptions::default().retry
        },
        ..Default::default()
    }
}

async fn start(org: Org, tweak: impl FnOnce(&mut EmulatorConfig)) -> (Emulator, EmuTokens) {
    let mut cfg = bench::emulator_config(org);
    tweak(&mut cfg);
    let emu = Emulator::start(cfg).await.expect("emulator");
    let tokens = EmuTokens::new(&emu.url()).await;
    emu.reset_log();
    (emu, tokens)
}

async fn refresh(
    emu: &Emulator,
    tokens: &dyn TokenSource,
    opts: &RefreshOptions,
) -> Result<(Vec<DiscoveredAccount>, RefreshStats), RefreshError> {
    fetch_catalog(
        &bench::portal_client(&emu.url()).await,
        tokens,
        &NoProgress,
        opts,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_exactly_the_org_across_page_boundaries_and_streams_roles() {
    let (emu, tokens) = start(Org::synthetic(250, 3, 11), |c| {
        c.latency = Duration::from_millis(5)
    })
    .await;
    let progress = Counting::default();
    let (found, stats) = fetch_catalog(
        &bench::portal_client(&emu.url()).await,
        &tokens,
        &progress,
        &fast(),
    )
    .await
    .expect("refresh");
    bench::check(emu.org(), &found).expect("exact org");
    assert!(
        found.windows(2).all(|w| w[0].id < w[1].id),
        "sorted by account id"
    );
    assert!(
        found.iter().any(|a| a.id < 100_000_000_000),
        "a leading-zero id survived"
    );
    let counters = emu.counters();
    assert_eq!(
        counters.calls(Operation::ListAccounts),
        3,
        "pages of 100, 100 and 50"
    );
    assert_eq!(counters.calls(Operation::ListAccountRoles), 250);
    assert_eq!(
        (stats.calls, stats.accounts, stats.roles, stats.retries),
        (253, 250, 750, 0)
    );
    assert_eq!(progress.listed.load(Ordering::SeqCst), 250);
    assert_eq!(progress.done.load(Ordering::SeqCst), 250);
    let log = emu.requests();
    assert!(
        log.iter()
            .filter(|r| r.operation.is_some_and(|o| o.is_portal()))
            .all(|r| r
                .params
                .contains(&("max_result".to_owned(), "100".to_owned()))),
        "every portal call asks for pages of 100"
    );
    let first_roles = log
        .iter()
        .position(|r| r.operation == Some(Operation::ListAccountRoles));
    let last_accounts = log
        .iter()
        .rposition(|r| r.operation == Some(Operation::ListAccounts));
    let (first_roles, last_accounts) = (first_roles.expect("roles"), last_accounts.expect("pages"));
    assert!(
        first_roles < last_accounts,
        "role fetches start before the account listing ends"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_roles_of_accounts_with_more_than_100_roles() {
    let many: Vec<String> = (0..230).map(|i| format!("Role{i:03}")).rev().collect();
    let accounts = vec![
        Account {
            id: "000000000042".into(),
            name: "big".into(),
            email: "b@x".into(),
            roles: many,
        },
        Account {
            id: "100000000000".into(),
            name: "small".into(),
            email: "s@x".into(),
            roles: vec!["Z".into(), "A".into()],
        },
    ];
    let (emu, tokens) = start(Org::from_accounts(accounts).expect("org"), |_| {}).await;
    let (found, stats) = refresh(&emu, &tokens, &fast()).await.expect("refresh");
    assert_eq!(found.len(), 2);
    assert_eq!((found[0].id, found[0].roles.len()), (42, 230));
    assert_eq!(
        found[0].roles.first().map(String::as_str),
        Some("Role000"),
        "roles sorted"
    );
    assert_eq!(found[1].roles, ["A", "Z"]);
    assert_eq!(
        emu.counters().calls(Operation::ListAccountRoles),
        4,
        "3 pages + 1"
    );
    assert_eq!(stats.calls, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tight_server_limit_is_absorbed_without_failures() {
    let (emu, tokens) = start(Org::synthetic(120, 2, 5), |c| {
        c.rate_limit = Some(RateLimit::new(50.0, 5));
        c.latency = Duration::from_millis(5);
    })
    .await;
    // The client starts more than twice too fast, so the server must push back.
    let opts = RefreshOptions {
        initial_rate: 120.0,
        burst: 10,
        ..fast()
    };
    let progress = Counting::default();
    let (found, stats) = fetch_catalog(
        &bench::portal_client(&emu.url()).await,
        &tokens,
        &progress,
        &opts,
    )
    .await
    .expect("429s must be absorbed");
    bench::check(emu.org(), &found).expect("exact org");
    let server_429s = emu.counters().throttled;
    assert!(server_429s > 0, "the server throttled");
    assert_eq!(
        stats.throttled, server_429s,
        "every 429 was seen and retried"
    );
    assert_eq!(
        u64::from(progress.throttled.load(Ordering::SeqCst)),
        server_429s
    );
    assert!(stats.retries >= server_429s);
    assert!(
        stats.final_rate < 120.0,
        "the limiter slowed down (rate {})",
        stats.final_rate
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_storm_renews_the_token_once() {
    let (emu, tokens) = start(Org::synthetic(40, 2, 9), |c| {
        c.latency = Duration::from_millis(100)
    })
    .await;
    // The first five role calls go out together (concurrency 5) with the same token and all
    // come back 401.
    emu.inject_fault(Operation::ListAccountRoles, Fault::unauthorized(), 5);
    let opts = RefreshOptions {
        concurrency: 5,
        ..fast()
    };
    let (found, stats) = refresh(&emu, &tokens, &opts).await.expect("refresh");
    bench::check(emu.org(), &found).expect("exact org");
    assert_eq!(emu.counters().errors("UnauthorizedException"), 5);
    assert_eq!(
        tokens.renewals.load(Ordering::SeqCst),
        1,
        "one renewal for the whole storm"
    );
    assert_eq!(stats.renewals, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_cannot_renew_fails_with_its_reason() {
    let (emu, tokens) = start(Org::synthetic(3, 1, 9), |_| {}).await;
    emu.inject_fault(Operation::ListAccounts, Fault::unauthorized(), 1);
    let fixed = FixedToken::new(tokens.first.clone());
    let err = refresh(&emu, &fixed, &fast())
        .await
        .expect_err("no renewal possible");
    assert!(matches!(err, RefreshError::Auth(_)), "{err}");
    assert!(err.to_string().contains("aws-sso login"), "{err}");
    assert!(
        !err.to_string().contains(&tokens.first),
        "no token in errors"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried() {
    let (emu, tokens) = start(Org::synthetic(30, 2, 3), |_| {}).await;
    emu.inject_fault(Operation::ListAccounts, Fault::internal(), 2);
    emu.inject_fault(Operation::ListAccountRoles, Fault::internal(), 3);
    emu.inject_fault(
        Operation::ListAccountRoles,
        Fault::new(503, "ServiceUnavailableException"),
        1,
    );
    let (found, stats) = refresh(&emu, &tokens, &fast()).await.expect("refresh");
    bench::check(emu.org(), &found).expect("exact org");
    assert_eq!(emu.counters().faults_served, 6);
    assert_eq!(stats.retries, 6);
    assert_eq!(stats.calls, 1 + 30 + 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_errors_give_up_after_max_attempts() {
    let (emu, tokens) = start(Org::synthetic(3, 1, 3), |_| {}).await;
    emu.inject_fault(Operation::ListAccounts, Fault::internal(), 3);
    let mut opts = fast();
    opts.retry.max_attempts = 3;
    let err = refresh(&emu, &tokens, &opts)
        .await
        .expect_err("3 failures of 3 attempts");
    let text = err.to_string();
    assert!(matches!(err, RefreshError::ListAccounts { .. }), "{text}");
    assert!(
        text.contains("InternalServerException") && text.contains("3 attempts"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_error_fails_fast_naming_the_account() {
    let (emu, tokens) = start(Org::synthetic(30, 2, 4), |_| {}).await;
    emu.inject_fault(
        Operation::ListAccountRoles,
        Fault::new(400, "InvalidRequestException"),
        1,
    );
    let opts = RefreshOptions {
        concurrency: 1,
        ..fast()
    };
    let err = refresh(&emu, &tokens, &opts)
        .await
        .expect_err("permanent error");
    let first = &emu.org().accounts()[0];
    match &err {
        RefreshError::ListAccountRoles {
            account,
            name,
            detail,
        } => {
            assert_eq!((account, name), (&first.id, &first.name));
            assert!(detail.contains("InvalidRequestException"), "{detail}");
        }
        other => panic!("wrong error: {other}"),
    }
    let text = err.to_string();
    assert!(text.contains(&first.id) && !text.contains('\n'), "{text}");
    assert_eq!(
        emu.counters().calls(Operation::ListAccountRoles),
        1,
        "no retry, nothing more sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_out_of_budget_is_a_clear_error() {
    let (emu, tokens) = start(Org::synthetic(30, 1, 6), |c| {
        c.rate_limit = Some(RateLimit::new(4.0, 1))
    })
    .await;
    let opts = RefreshOptions {
        budget: Duration::from_millis(1500),
        ..fast()
    };
    let started = std::time::Instant::now();
    let err = refresh(&emu, &tokens, &opts)
        .await
        .expect_err("cannot finish in time");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "gave up promptly"
    );
    match &err {
        RefreshError::Budget { listed, done, .. } => assert!(*listed == 30 && *done < 30, "{err}"),
        other => panic!("wrong error: {other}"),
    }
    assert!(err.to_string().contains("time budget"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_accounts_is_an_error() {
    let (emu, tokens) = start(Org::from_accounts(vec![]).expect("empty org"), |_| {}).await;
    let err = refresh(&emu, &tokens, &fast())
        .await
        .expect_err("no accounts");
    assert!(matches!(err, RefreshError::NoAccounts));
    assert_eq!(err.to_string(), "no AWS accounts found in AWS SSO");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_options_run_close_to_a_realistic_server_limit() {
    // 60 accounts against 20 req/s (burst 5) and 30 ms per call: the floor is 61/20 = 3.05 s.
    let mut case = bench::Case::standard(60);
    case.client.budget = Duration::from_secs(60);
    let m = bench::run_case(&case).await;
    m.verdict.expect("exact org, no failure");
    let ratio = m.wall.as_secs_f64() / case.floor().as_secs_f64();
    // Generous bound: the benchmark holds the real target (1.15) on 1,000 accounts.
    assert!(ratio < 1.4, "wall {:?} vs floor {:?}", m.wall, case.floor());
}

/// The benchmark (1,000 accounts by default; REFRESH_BENCH_* variables choose sizes).
#[test]
#[ignore = "benchmark: ~1 min; run with --ignored bench"]
fn bench_refresh() {
    assert!(
        bench::run_from_args(std::iter::empty()),
        "a benchmark run failed"
    );
}
