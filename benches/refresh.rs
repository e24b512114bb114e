//! Refresh benchmark: runs `aws_sso::refresh::fetch_catalog` against the in-process IAM
//! Identity Center emulator with a realistic rate limit (20 req/s sustained, small burst) and
//! per-call latency, checks the result against the emulator's org, and prints calls, 429s,
//! wall time and the ratio to the physical floor (calls ÷ server rate). See benches/README.md.
//!
//! The helpers (`mint_token`, `portal_client`, `run_case`) are also used by
//! tests/refresh_engine.rs, which includes this file as a module.
#![allow(clippy::print_stdout, clippy::print_stderr)]
// Built three ways: as the `harness = false` bench binary (everything reachable from `main`),
// as a libtest bench target before Cargo.toml declares it (nothing reachable) and as a module of
// tests/refresh_engine.rs (some helpers unused). Only the first must be free of dead code.
#![cfg_attr(test, allow(dead_code))]

use std::time::Duration;

use aws_sso::aws::{RetrySettings, SsoClients};
use aws_sso::refresh::{FixedToken, NoProgress, RefreshOptions, RefreshStats, fetch_catalog};
use aws_sso_emulator::{Emulator, EmulatorConfig, Operation, Org, RateLimit};

/// One benchmark scenario.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub accounts: usize,
    pub roles: usize,
    /// Server token bucket: sustained requests per second and burst.
    pub server_rate: f64,
    pub server_burst: u32,
    pub latency: Duration,
    pub client: RefreshOptions,
}

impl Case {
    /// The scenario of the goal: `accounts` × 3 roles, 20 req/s burst 5, 30 ms per call.
    pub(crate) fn standard(accounts: usize) -> Case {
        Case {
            accounts,
            roles: 3,
            server_rate: 20.0,
            server_burst: 5,
            latency: Duration::from_millis(30),
            client: RefreshOptions {
                budget: Duration::from_secs(3600),
                ..Default::default()
            },
        }
    }

    /// The fewest calls a refresh can make: ListAccounts pages + one ListAccountRoles page per
    /// 100 roles of every account.
    pub(crate) fn minimum_calls(&self) -> u64 {
        let pages = |n: usize| n.div_ceil(100).max(1) as u64;
        pages(self.accounts) + self.accounts as u64 * pages(self.roles)
    }

    /// The physical floor: minimum calls at the server's sustained rate.
    pub(crate) fn floor(&self) -> Duration {
        Duration::from_secs_f64(self.minimum_calls() as f64 / self.server_rate)
    }
}

/// What one run measured.
#[derive(Debug)]
pub(crate) struct Measured {
    pub stats: Option<RefreshStats>,
    /// `Err` with the reason if the refresh failed or returned something other than the org.
    pub verdict: Result<(), String>,
    pub wall: Duration,
    /// Portal calls and 429s as the server counted them.
    pub server_calls: u64,
    pub server_throttled: u64,
}

/// Production-built clients (aws-config loader, timeouts) pointed at the emulator.
pub(crate) async fn clients(url: &str) -> SsoClients {
    SsoClients::with_endpoint("us-east-1", url, RetrySettings::default()).await
}

/// An access token from the emulator's device flow (the emulator auto-approves).
pub(crate) async fn mint_token(url: &str) -> String {
    let oidc = clients(url).await.oidc;
    let client = oidc
        .register_client()
        .client_name("refresh-bench")
        .client_type("public")
        .send()
        .await
        .expect("RegisterClient");
    let id = client.client_id().expect("clientId");
    let secret = client.client_secret().expect("clientSecret");
    let device = oidc
        .start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url("https://bench.awsapps.com/start")
        .send()
        .await
        .expect("StartDeviceAuthorization");
    let token = oidc
        .create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .device_code(device.device_code().expect("deviceCode"))
        .send()
        .await
        .expect("CreateToken (the emulator must auto-approve device codes)");
    token.access_token().expect("accessToken").to_owned()
}

/// The portal client of [`clients`].
pub(crate) async fn portal_client(url: &str) -> aws_sdk_sso::Client {
    clients(url).await.portal
}

/// An emulator config for `org` with the device flow auto-approving at the first poll.
pub(crate) fn emulator_config(org: Org) -> EmulatorConfig {
    EmulatorConfig {
        org,
        device_auto_approve_after: Some(0),
        ..Default::default()
    }
}

/// Runs one scenario end to end on the current runtime.
pub(crate) async fn run_case(case: &Case) -> Measured {
    let org = Org::synthetic(case.accounts, case.roles, 20_260_822);
    let config = EmulatorConfig {
        latency: case.latency,
        // Only portal calls are rate limited, so minting the token does not spend the bucket.
        rate_limit: Some(RateLimit::new(case.server_rate, case.server_burst)),
        ..emulator_config(org)
    };
    let emu = Emulator::start(config).await.expect("start emulator");
    let token = FixedToken::new(mint_token(&emu.url()).await);
    let portal = portal_client(&emu.url()).await;
    emu.reset_log();
    let started = std::time::Instant::now();
    let result = fetch_catalog(&portal, &token, &NoProgress, &case.client).await;
    let wall = started.elapsed();
    let counters = emu.counters();
    let server_calls =
        counters.calls(Operation::ListAccounts) + counters.calls(Operation::ListAccountRoles);
    let (stats, verdict) = match result {
        Ok((found, stats)) => (Some(stats), check(emu.org(), &found)),
        Err(e) => (None, Err(e.to_string())),
    };
    Measured {
        stats,
        verdict,
        wall,
        server_calls,
        server_throttled: counters.throttled,
    }
}

/// The refresh must return exactly the org: every account, sorted by id, roles sorted.
pub(crate) fn check(
    org: &Org,
    found: &[aws_sso::refresh::DiscoveredAccount],
) -> Result<(), String> {
    let mut want: Vec<(u64, String, String, Vec<String>)> = org
        .accounts()
        .iter()
        .map(|a| {
            let mut roles = a.roles.clone();
            roles.sort();
            (
                a.id.parse().expect("12-digit id"),
                a.name.clone(),
                a.email.clone(),
                roles,
            )
        })
        .collect();
    want.sort();
    let got: Vec<(u64, String, String, Vec<String>)> = found
        .iter()
        .map(|a| (a.id, a.name.clone(), a.email.clone(), a.roles.clone()))
        .collect();
    if got == want {
        return Ok(());
    }
    let first_diff = got.iter().zip(&want).position(|(g, w)| g != w);
    Err(format!(
        "result differs from the org: {} accounts returned, {} expected, first difference at index {:?}",
        got.len(),
        want.len(),
        first_diff
    ))
}

/// Command-line / environment settings.
struct Args {
    sizes: Vec<usize>,
    roles: usize,
    rate: f64,
    burst: u32,
    latency_ms: u64,
    threads: usize,
    client_rate: Option<f64>,
    client_burst: Option<u32>,
    /// Limiter AIMD tuning: decrease factor, increase step, recovery streak.
    decrease: Option<f64>,
    step: Option<f64>,
    streak: Option<u32>,
    strict: bool,
}

fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim().to_ascii_lowercase();
    let (digits, scale) = match t.strip_suffix('k') {
        Some(d) => (d, 1000),
        None => (t.as_str(), 1),
    };
    digits
        .parse::<usize>()
        .map(|n| n * scale)
        .map_err(|_| format!("bad account count {text:?}"))
}

fn parse_args(argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let env = |k: &str| std::env::var(k).ok();
    let mut args = Args {
        sizes: vec![1000],
        roles: 3,
        rate: 20.0,
        burst: 5,
        latency_ms: 30,
        threads: 5,
        client_rate: None,
        client_burst: None,
        decrease: None,
        step: None,
        streak: None,
        strict: false,
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, flag) in [
        ("REFRESH_BENCH_ACCOUNTS", "--accounts"),
        ("REFRESH_BENCH_ROLES", "--roles"),
        ("REFRESH_BENCH_RATE", "--rate"),
        ("REFRESH_BENCH_BURST", "--burst"),
        ("REFRESH_BENCH_LATENCY_MS", "--latency-ms"),
        ("REFRESH_BENCH_THREADS", "--threads"),
        ("REFRESH_BENCH_CLIENT_RATE", "--client-rate"),
        ("REFRESH_BENCH_CLIENT_BURST", "--client-burst"),
        ("REFRESH_BENCH_DECREASE", "--decrease"),
        ("REFRESH_BENCH_STEP", "--step"),
        ("REFRESH_BENCH_STREAK", "--streak"),
    ] {
        if let Some(v) = env(key) {
            pairs.push((flag.to_owned(), v));
        }
    }
    let mut it = argv;
    while let Some(a) = it.next() {
        match a.as_str() {
            // `cargo bench` passes --bench; libtest-style filters are not used here.
            "--bench" | "--nocapture" | "--include-ignored" | "--ignored" => {}
            "--strict" => args.strict = true,
            "--help" | "-h" => return Err(String::new()),
            flag if flag.starts_with("--") => {
                let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
                pairs.push((flag.to_owned(), value));
            }
            _ => {}
        }
    }
    let num = |flag: &str, v: &str| {
        v.parse::<f64>()
            .map_err(|_| format!("{flag}: bad number {v:?}"))
    };
    for (flag, v) in pairs {
        match flag.as_str() {
            "--accounts" => args.sizes = v.split(',').map(parse_size).collect::<Result<_, _>>()?,
            "--roles" => args.roles = num(&flag, &v)? as usize,
            "--rate" => args.rate = num(&flag, &v)?,
            "--burst" => args.burst = num(&flag, &v)? as u32,
            "--latency-ms" => args.latency_ms = num(&flag, &v)? as u64,
            "--threads" => args.threads = num(&flag, &v)? as usize,
            "--client-rate" => args.client_rate = Some(num(&flag, &v)?),
            "--client-burst" => args.client_burst = Some(num(&flag, &v)? as u32),
            "--decrease" => args.decrease = Some(num(&flag, &v)?),
            "--step" => args.step = Some(num(&flag, &v)?),
            "--streak" => args.streak = Some(num(&flag, &v)? as u32),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(args)
}

const USAGE: &str =
    "usage: refresh [--accounts 1000[,5000|5k]] [--roles 3] [--rate 20] [--burst 5] \
[--latency-ms 30] [--threads 5] [--client-rate R] [--client-burst B] [--decrease F] [--step S] \
[--streak N] [--strict]
(each also as REFRESH_BENCH_<NAME> in the environment, e.g. REFRESH_BENCH_ACCOUNTS=5000)";

/// Ratio to the floor the goal allows: the refresh must sustain >= 87% of the server's
/// rate (1 / 1.15), e.g. 1,000 accounts in ~58 s at IAM Identity Center's 20 requests/s.
pub(crate) const TARGET_RATIO: f64 = 1.15;

/// Runs every requested size (from `argv`, without the program name, and the environment) and
/// prints the table; returns false if any run failed (or, with
/// `--strict`, missed the target ratio).
pub(crate) fn run_from_args(argv: impl Iterator<Item = String>) -> bool {
    let args = match parse_args(argv) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("refresh bench: {e}");
            }
            eprintln!("{USAGE}");
            return e.is_empty();
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!(
        "{:>8} {:>5} {:>10} {:>7} {:>7} {:>6} {:>6} {:>5} {:>7} {:>8} {:>8} {:>6}  result",
        "accounts",
        "roles",
        "server",
        "latency",
        "threads",
        "calls",
        "min",
        "429s",
        "retries",
        "wall",
        "floor",
        "ratio"
    );
    let mut all_ok = true;
    for &accounts in &args.sizes {
        let mut case = Case::standard(accounts);
        case.roles = args.roles;
        case.server_rate = args.rate;
        case.server_burst = args.burst;
        case.latency = Duration::from_millis(args.latency_ms);
        case.client.concurrency = args.threads;
        if let Some(r) = args.client_rate {
            case.client.initial_rate = r;
        }
        if let Some(b) = args.client_burst {
            case.client.burst = b;
        }
        if args.decrease.is_some() || args.step.is_some() || args.streak.is_some() {
            let mut tuned = case.client.limiter_config();
            tuned.decrease_factor = args.decrease.unwrap_or(tuned.decrease_factor);
            tuned.increase_step = args.step.unwrap_or(tuned.increase_step);
            tuned.recovery_streak = args.streak.unwrap_or(tuned.recovery_streak);
            case.client.rate_limit = Some(tuned);
        }
        let m = runtime.block_on(run_case(&case));
        let ratio = m.wall.as_secs_f64() / case.floor().as_secs_f64();
        let (calls, retries) = m
            .stats
            .as_ref()
            .map_or((m.server_calls, 0), |s| (s.calls, s.retries));
        let result = match &m.verdict {
            Err(e) => format!("FAILED: {e}"),
            Ok(()) if ratio <= TARGET_RATIO => "ok".to_owned(),
            Ok(()) => format!("ok, but over the {TARGET_RATIO}x target"),
        };
        all_ok &= m.verdict.is_ok() && (!args.strict || ratio <= TARGET_RATIO);
        println!(
            "{:>8} {:>5} {:>10} {:>7} {:>7} {:>6} {:>6} {:>5} {:>7} {:>7.1}s {:>7.1}s {:>6.3}  {}",
            accounts,
            case.roles,
            format!("{}/s b{}", case.server_rate, case.server_burst),
            format!("{}ms", case.latency.as_millis()),
            case.client.concurrency,
            calls,
            case.minimum_calls(),
            m.server_throttled,
            retries,
            m.wall.as_secs_f64(),
            case.floor().as_secs_f64(),
            ratio,
            result
        );
    }
    all_ok
}

fn main() {
    if !run_from_args(std::env::args().skip(1)) {
        std::process::exit(1);
    }
}
