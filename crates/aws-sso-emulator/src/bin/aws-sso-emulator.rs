//! `aws-sso-emulator`: runs the IAM Identity Center / OIDC / STS emulator
//! ([`aws_sso_emulator`]) on 127.0.0.1 until Ctrl-C. The first stdout line is
//! `listening on http://127.0.0.1:PORT`, so scripts can read the URL and go.

use std::io::Write as _;
use std::time::Duration;

use anyhow::Context as _;
use aws_sso_emulator::{Emulator, EmulatorConfig, ErrorStyle, Org, RateLimit, RefreshTokenPolicy};
use clap::Parser;

/// IAM Identity Center emulator (SSO portal, SSO OIDC, STS, console federation) on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Number of synthetic accounts.
    #[arg(long, default_value_t = 25)]
    accounts: usize,
    /// Roles per account.
    #[arg(long, default_value_t = 4)]
    roles: usize,
    /// Seed of the synthetic organisation (same seed, same org).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Portal API rate limit in requests per second (token bucket); off when absent.
    #[arg(long)]
    rate: Option<f64>,
    /// Burst size of the rate limit (default: the rate, rounded up).
    #[arg(long, requires = "rate")]
    burst: Option<u32>,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 8 * 3600)]
    token_lifetime: u64,
    /// Refresh-token lifetime in seconds.
    #[arg(long, default_value_t = 90 * 24 * 3600)]
    refresh_lifetime: u64,
    /// Role-credential lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    creds_lifetime: u64,
    /// Client-secret lifetime in seconds.
    #[arg(long, default_value_t = 90 * 24 * 3600)]
    secret_lifetime: u64,
    /// Device-code lifetime in seconds.
    #[arg(long, default_value_t = 600)]
    device_code_lifetime: u64,
    /// Minimum seconds between device-code polls.
    #[arg(long, default_value_t = 5)]
    poll_interval: u64,
    /// Approve device logins by themselves after N pending polls.
    #[arg(long)]
    auto_approve_after: Option<u32>,
    /// Deny every login (access_denied / AccessDeniedException).
    #[arg(long)]
    deny: bool,
    /// Issue refresh tokens to every client, not only to clients registered with scopes.
    #[arg(long)]
    always_refresh_tokens: bool,
    /// How errors name their type: `header` (x-amzn-ErrorType) or `type` (`__type` in the body).
    #[arg(long, default_value = "header")]
    error_style: ErrorStyle,
    /// User name used as the session name of role credentials.
    #[arg(long, default_value = "jane.doe@example.com")]
    user: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("aws_sso_emulator=debug")),
        )
        .init();
    let a = Args::parse();
    let cfg = EmulatorConfig {
        port: a.port,
        org: Org::synthetic(a.accounts, a.roles, a.seed),
        error_style: a.error_style,
        latency: Duration::from_millis(a.latency_ms),
        rate_limit: a
            .rate
            .map(|r| RateLimit::new(r, a.burst.unwrap_or(r.ceil().max(1.0) as u32))),
        access_token_lifetime: Duration::from_secs(a.token_lifetime),
        refresh_token_lifetime: Duration::from_secs(a.refresh_lifetime),
        role_credential_lifetime: Duration::from_secs(a.creds_lifetime),
        client_secret_lifetime: Duration::from_secs(a.secret_lifetime),
        device_code_lifetime: Duration::from_secs(a.device_code_lifetime),
        device_poll_interval: Duration::from_secs(a.poll_interval),
        device_auto_approve_after: a.auto_approve_after,
        deny_logins: a.deny,
        refresh_tokens: if a.always_refresh_tokens {
            RefreshTokenPolicy::Always
        } else {
            RefreshTokenPolicy::ScopedClients
        },
        user_name: a.user,
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start(cfg)
        .await
        .context("cannot bind the emulator on 127.0.0.1; pick another --port")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", emu.url())?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    let c = emu.counters();
    tracing::info!(
        requests = c.total_requests,
        throttled = c.throttled,
        "emulator stopping"
    );
    emu.shutdown().await;
    Ok(())
}
