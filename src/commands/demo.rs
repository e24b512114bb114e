//! `aws-sso demo`: the real flow against a built-in organisation. Starts the IAM Identity
//! Center emulator on 127.0.0.1, writes a throw-away config, logs in through the PKCE flow
//! (a simulated browser approves it), refreshes the role cache and then, on a terminal, opens
//! the picker: the real binary again, with its HOME in the demo directory and its AWS
//! endpoints pointed at the emulator, so whatever is chosen (a shell, the console, exports)
//! runs for real against the demo organisation. Off a terminal it prints `list`.

use std::io::{self, IsTerminal, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use aws_sso_emulator::{Emulator, EmulatorConfig, Org};
use clap::Args;

use super::list::ListArgs;
use super::{GlobalArgs, Globals};
use crate::app::{Context, now};
use crate::app::{refresh_cache_with, retry_settings};
use crate::auth::{
    AuthEnv, AuthSettings, Authenticator, LoginOptions, LoginOutcome, TokenMode, UrlOpener,
};
use crate::aws::SsoClients;
use crate::config::{Config, ConfigEnv, Paths, UrlAction};
use crate::refresh::RefreshOptions;

#[derive(Debug, Clone, Default, Args)]
pub struct DemoArgs {
    /// Accounts in the demo organisation
    #[arg(long, default_value_t = 300, value_name = "N")]
    pub accounts: usize,
    /// Roles per demo account
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub roles: usize,
    /// Keep the demo's temporary directory instead of deleting it
    #[arg(long)]
    pub keep: bool,
}

const DEMO_CONFIG: &str = "\
SSOConfig:
  Demo:
    SSORegion: us-east-1
    StartUrl: https://d-0000demo00.awsapps.com/start
    DefaultRegion: us-west-2
DefaultSSO: Demo
AuthWorkflow: pkce
UrlAction: printurl
SecureStore: json
";

pub(super) fn run(globals: &Globals, args: DemoArgs, out: &mut dyn Write) -> Result<ExitCode> {
    super::runtime()?.block_on(run_demo(globals.flags, &args, out))
}

async fn run_demo(global: &GlobalArgs, args: &DemoArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let dir = tempfile::Builder::new().prefix("aws-sso-demo-").tempdir()?;
    let emulator = Emulator::start(EmulatorConfig {
        org: Org::synthetic(args.accounts.max(1), args.roles.max(1), 42),
        ..EmulatorConfig::default()
    })
    .await
    .context("starting the demo IAM Identity Center emulator")?;
    let url = emulator.url();
    let mut err = io::stderr();
    writeln!(
        err,
        "aws-sso demo: IAM Identity Center emulator at {url} ({} accounts x {} roles); files in {}",
        args.accounts,
        args.roles,
        dir.path().display()
    )?;

    // A home of its own: the picker run below finds config, cache and store in
    // `<dir>/.aws-sso`, and the person's real files are never touched.
    let config_dir = dir.path().join(".aws-sso");
    std::fs::create_dir_all(&config_dir)?;
    let config_file = config_dir.join("config.yaml");
    std::fs::write(
        &config_file,
        format!(
            "{DEMO_CONFIG}JsonStore: {}\n",
            config_dir.join("store.json").display()
        ),
    )?;
    let paths = Paths::new(config_dir.clone(), config_file);
    let env = ConfigEnv {
        home: Some(dir.path().to_path_buf()),
        ..ConfigEnv::default()
    };
    let config = Config::load_with(&paths, &env)?;
    let invocation = crate::app::Invocation {
        sso: Some("Demo".into()),
        theme: global.theme.clone(),
        ..crate::app::Invocation::default()
    };
    let ctx = Context::from_parts(invocation, paths, config)?;

    let store = crate::app::open_store(&ctx)?;
    let auth_env = AuthEnv {
        endpoint_url_sso_oidc: Some(url.clone()),
        endpoint_url_sso: Some(url.clone()),
        ..AuthEnv::default()
    };
    let settings = AuthSettings::from_config(&ctx.config, &ctx.instance, ctx.sso(), auth_env);
    let clients =
        SsoClients::with_endpoint(&ctx.sso().sso_region, &url, retry_settings(&ctx)).await;
    let auth = Authenticator::new(settings, clients, Arc::new(store))
        .with_opener(Arc::new(SimulatedBrowser));

    let started = std::time::Instant::now();
    let outcome = auth.login(&LoginOptions::default(), &mut err).await?;
    let LoginOutcome::LoggedIn { expires_at, .. } = outcome else {
        bail!("the demo session was unexpectedly logged in already");
    };
    writeln!(
        err,
        "aws-sso demo: logged in ({} ms)",
        started.elapsed().as_millis()
    )?;
    let token = auth
        .access_token(TokenMode::NonInteractive, &mut err)
        .await?;
    let mut cache = ctx.load_cache()?;
    // The emulator is not bound by AWS's 20 req/s quota; let the demo run at loopback speed.
    let opts = RefreshOptions {
        concurrency: 8,
        initial_rate: 2000.0,
        burst: 50,
        ..RefreshOptions::default()
    };
    let refreshed = refresh_cache_with(
        &ctx,
        &auth,
        token,
        TokenMode::NonInteractive,
        &mut cache,
        opts,
        &super::progress::Bar::new(),
    )
    .await?;
    writeln!(
        err,
        "aws-sso demo: cached {} roles ({} calls, {} throttled) in {:.1}s",
        refreshed.roles,
        refreshed.stats.calls,
        refreshed.stats.throttled,
        refreshed.stats.wall.as_secs_f64()
    )?;
    let code = if super::pick::available() && io::stdout().is_terminal() {
        writeln!(err, "aws-sso demo: opening the picker (Esc leaves)")?;
        picker(dir.path(), &url, ctx.invocation.theme.as_deref()).await?
    } else {
        super::list::print(
            &ctx,
            &ListArgs::default_command(),
            &cache,
            Some(expires_at).filter(|&t| t > now()),
            out,
        )?;
        ExitCode::SUCCESS
    };
    if args.keep {
        let kept = dir.keep();
        writeln!(err, "aws-sso demo: kept {}", kept.display())?;
    }
    emulator.shutdown().await;
    Ok(code)
}

/// Run plain `aws-sso` (the picker) as the person would, against the demo organisation,
/// while this process keeps the emulator up. Its exit status becomes ours.
async fn picker(home: &std::path::Path, url: &str, theme: Option<&str>) -> Result<ExitCode> {
    let exe = std::env::current_exe().context("finding the aws-sso binary")?;
    let mut cmd = tokio::process::Command::new(exe);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(&key);
        }
    }
    if let Some(theme) = theme {
        cmd.arg("--theme").arg(theme);
    }
    cmd.env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env("AWS_ENDPOINT_URL_SSO", url)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", url)
        .env("AWS_ENDPOINT_URL_STS", url)
        .env("AWS_ENDPOINT_URL_SIGNIN", url);
    let status = cmd.status().await.context("starting the picker")?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(1)),
        None => ExitCode::from(130),
    })
}

/// Plays the person at the browser: follows the authorize URL to the loopback callback.
struct SimulatedBrowser;

impl UrlOpener for SimulatedBrowser {
    fn open(
        &self,
        _action: UrlAction,
        url: &str,
        _instance: &str,
        _out: &mut dyn Write,
    ) -> Result<(), String> {
        let url = url.to_string();
        // Off the async runtime: the login future is waiting for this very callback.
        std::thread::spawn(move || {
            if let Err(e) = visit(&url, 4) {
                tracing::warn!("demo browser: {e}");
            }
        });
        Ok(())
    }
}

/// GET `url` on 127.0.0.1 only, following up to `hops` redirects.
fn visit(url: &str, hops: u32) -> io::Result<()> {
    let parsed = url::Url::parse(url).map_err(io::Error::other)?;
    if parsed.host_str() != Some("127.0.0.1") {
        return Err(io::Error::other("the demo browser only visits 127.0.0.1"));
    }
    let port = parsed.port_or_known_default().unwrap_or(80);
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let target = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_string(),
    };
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let location = response
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_string())
        });
    match location {
        Some(next) if hops > 0 => visit(&next, hops - 1),
        _ => Ok(()),
    }
}
