//! `aws-sso ecs server`: gather what the server needs from the secure store (bearer token,
//! TLS certificate and key; in a container, `--docker`, also from the hand-off file), say on
//! stderr when it runs without a token, build the renewal [`Provider`] of the selected SSO
//! instance, optionally preload `--default`, and serve until SIGINT/SIGTERM.
//! `ecs docker start|stop` are refused here too.

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};

use super::Globals;
use crate::app::roles;
use crate::app::{Context, now};
use crate::app::{open_store, retry_settings};
use crate::auth::TokenMode;
use crate::credentials::Provider;
use crate::ecs::auth::BearerAuth;
use crate::ecs::renew::{ProviderRenewer, Renewal};
use crate::ecs::server::{EcsServer, Listen, ServerOptions};
use crate::ecs::slots::{Slot, SlotKey};
use crate::ecs::tls;
use crate::selection::Target;
use crate::store::Secret;

#[derive(Debug, Clone, Args)]
pub struct EcsServerArgs {
    /// Address to listen on (anything but loopback exposes your credentials to the network)
    /// [default: 127.0.0.1]
    #[arg(long = "bind-ip", value_name = "IP")]
    pub bind_ip: Option<std::net::IpAddr>,
    /// Also answer requests for this host name (repeatable); loopback addresses, `localhost`
    /// and the --bind-ip address are always answered, any other Host is refused
    #[arg(
        long = "allow-host",
        value_name = "NAME",
        conflicts_with = "unix_socket"
    )]
    pub allow_host: Vec<String>,
    /// TCP port to listen on (0: any free port, logged at start)
    #[arg(long, default_value_t = crate::ecs::DEFAULT_PORT, value_name = "PORT")]
    pub port: u16,
    /// Listen on this unix socket (mode 0600, plain HTTP) instead of TCP
    #[arg(long = "unix-socket", value_name = "PATH", conflicts_with_all = ["bind_ip", "port"])]
    pub unix_socket: Option<PathBuf>,
    /// Load this profile into the default slot at start (needs a valid SSO session)
    #[arg(short = 'd', long = "default", value_name = "PROFILE")]
    pub default_profile: Option<String>,
    /// Serve without the bearer token, even if one is set with `setup ecs auth`
    #[arg(long = "disable-auth")]
    pub disable_auth: bool,
    /// Serve plain HTTP, even if a certificate is set with `setup ecs ssl`
    #[arg(long = "disable-ssl")]
    pub disable_ssl: bool,
    /// Renew a slot's credentials this many seconds before they expire (at most half their
    /// lifetime ahead); 0 renews only once they are about to run out
    #[arg(long = "renew-before", default_value_t = crate::ecs::renew::DEFAULT_RENEW_BEFORE_SECS,
          value_name = "SECS", value_parser = clap::value_parser!(i64).range(0..))]
    pub renew_before: i64,
    /// Never renew slots: they expire like aws-sso-cli's
    #[arg(long = "no-renew")]
    pub no_renew: bool,
    /// (container image entrypoint: bind 0.0.0.0 unless --bind-ip, read the secure store and
    /// ~/.aws-sso/mnt/docker-ecs)
    #[arg(long, hide = true)]
    pub docker: bool,
}

#[derive(Debug, Subcommand)]
pub enum EcsDockerCommand {
    /// Not supported (fails): aws-sso has no Docker integration
    Start(EcsDockerStartArgs),
    /// Not supported (fails): aws-sso has no Docker integration
    Stop(EcsDockerStopArgs),
}

/// aws-sso-cli's flags, accepted so that its scripts get the clear refusal, not a parse error.
#[derive(Debug, Clone, Args)]
pub struct EcsDockerStartArgs {
    #[arg(long = "disable-auth", hide = true)]
    pub disable_auth: bool,
    #[arg(long = "disable-ssl", hide = true)]
    pub disable_ssl: bool,
    #[arg(long = "bind-ip", hide = true)]
    pub bind_ip: Option<String>,
    #[arg(long, hide = true)]
    pub port: Option<String>,
    #[arg(long, hide = true)]
    pub image: Option<String>,
    #[arg(long, hide = true)]
    pub version: Option<String>,
    #[arg(short = 'd', long = "default", hide = true)]
    pub default_profile: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct EcsDockerStopArgs {
    #[arg(long, hide = true)]
    pub version: Option<String>,
}

/// The secrets the server runs with.
#[derive(Default)]
struct Secrets {
    token: Option<Secret>,
    private_key: Option<Secret>,
    cert_chain: Option<String>,
}

impl Secrets {
    /// These, with what they lack taken from `other`.
    fn or(self, other: Secrets) -> Secrets {
        Secrets {
            token: self.token.or(other.token),
            private_key: self.private_key.or(other.private_key),
            cert_chain: self.cert_chain.or(other.cert_chain),
        }
    }
}

/// One line on stderr, whatever the log level: an open server hands credentials to any
/// local process that asks.
fn warn_no_token(disabled: bool) {
    let fix = match disabled {
        true => "drop --disable-auth",
        false => "set a token with `aws-sso setup ecs auth --generate`",
    };
    let _ = writeln!(
        std::io::stderr(),
        "WARNING: the ECS server runs WITHOUT a bearer token: any local process can read the credentials it serves; {fix}"
    );
}

/// `ctx` is `None` only with `--docker` and no config.yaml: then nothing is renewed.
/// Run `ecs server` until Ctrl-C / SIGTERM. With `--docker` config.yaml may be missing.
pub(super) fn run(globals: &Globals, args: EcsServerArgs) -> Result<ExitCode> {
    let ctx = match globals.context() {
        Ok(ctx) => Some(ctx),
        Err(e) if args.docker => {
            tracing::debug!("ecs server --docker without config: {e:#}");
            None
        }
        Err(e) => return Err(e),
    };
    // The server runs until the process exits: its renewal provider borrows the context
    // for 'static.
    let ctx: Option<&'static Context> = ctx.map(|c| &*Box::leak(Box::new(c)));
    super::block_on(serve(ctx, &args))
}

async fn serve(ctx: Option<&'static Context>, args: &EcsServerArgs) -> Result<()> {
    // Every mode reads the secure store when there is a config; `--docker` also takes what
    // the hand-off file brings (a container may have no store of its own).
    let store = match ctx {
        Some(ctx) => Some(Arc::new(open_store(ctx)?)),
        None => None,
    };
    let stored = match &store {
        Some(store) => Secrets {
            token: store.ecs_bearer_token()?,
            private_key: store.ecs_private_key()?,
            cert_chain: store.ecs_cert_chain()?,
        },
        None => Secrets::default(),
    };
    let secrets = match args.docker {
        true => stored.or(docker_handoff()?),
        false => stored,
    };

    let auth = match (&secrets.token, args.disable_auth) {
        (Some(token), false) => BearerAuth::required(token),
        _ => BearerAuth::disabled(),
    };
    if !auth.is_enabled() {
        warn_no_token(args.disable_auth);
    }
    let listen = match &args.unix_socket {
        Some(path) => Listen::Unix(path.clone()),
        None => {
            // In a container the published port arrives on the container's own address.
            let default = match args.docker {
                true => IpAddr::from([0, 0, 0, 0]),
                false => IpAddr::from([127, 0, 0, 1]),
            };
            Listen::Tcp(SocketAddr::new(args.bind_ip.unwrap_or(default), args.port))
        }
    };
    let tls = match (&listen, &secrets.private_key, &secrets.cert_chain) {
        _ if args.disable_ssl => None,
        (Listen::Tcp(_), Some(key), Some(chain)) => Some(
            tls::server_config(chain, key.expose())
                .context("the TLS certificate from `aws-sso setup ecs ssl` is unusable (store a new one, or pass --disable-ssl)")?,
        ),
        _ => None,
    };
    let renewal = match (ctx, args.no_renew || args.docker) {
        (Some(ctx), false) => Some(Arc::new(Renewal::new(
            Arc::new(ProviderRenewer::new(renewal_provider(ctx, store.clone())?)),
            args.renew_before,
        ))),
        _ => None,
    };

    log_security(&listen, auth.is_enabled(), tls.is_some(), renewal.is_some());
    let server = EcsServer::bind(ServerOptions {
        listen,
        auth,
        tls,
        renewal,
        allowed_hosts: args.allow_host.clone(),
    })
    .await?;

    if let Some(profile) = &args.default_profile {
        let ctx = ctx.context("--default needs config.yaml and an SSO login")?;
        preload(ctx, &server, profile).await?;
    }
    let interrupted = std::sync::atomic::AtomicBool::new(false);
    let shutdown = shutdown_signal(&interrupted);
    tracing::info!("ECS server listening on {}", server.endpoint());
    server.serve(shutdown).await;
    // Stopped with Ctrl-C: 130 like every command; SIGTERM (a service manager) is a clean stop.
    if interrupted.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(crate::app::Interrupted.into());
    }
    Ok(())
}

/// Renewals never open a browser: a server has no one in front of it. When the SSO session
/// can no longer be refreshed, slots keep what they have and expire.
fn renewal_provider(
    ctx: &'static Context,
    store: Option<Arc<crate::store::SecureStore>>,
) -> Result<Provider<'static>> {
    let store = match store {
        Some(s) => s,
        None => Arc::new(open_store(ctx)?),
    };
    Ok(Provider::new(
        &ctx.instance,
        ctx.sso(),
        store,
        roles::session_factory(ctx),
        TokenMode::NonInteractive,
        retry_settings(ctx),
        Box::new(std::io::sink()),
    ))
}

fn log_security(listen: &Listen, auth: bool, tls: bool, renew: bool) {
    let on = |b: bool| if b { "enabled" } else { "disabled" };
    tracing::info!("HTTP Auth: {}", on(auth));
    tracing::info!("SSL/TLS: {}", on(tls));
    tracing::info!("Credential renewal: {}", on(renew));
    if let Listen::Tcp(addr) = listen {
        if !addr.ip().is_loopback() && !auth {
            tracing::warn!(
                "!!! The ECS server listens on {addr}, reachable from other hosts, WITHOUT authentication: anyone who can connect gets your AWS credentials. Set a token with `aws-sso setup ecs auth --generate`, or bind to 127.0.0.1 !!!"
            );
        } else if !addr.ip().is_loopback() && !tls {
            tracing::warn!(
                "The ECS server listens on {addr} without TLS: the bearer token and credentials cross the network in clear text"
            );
        }
    }
}

/// Put `profile`'s credentials into the default slot before serving.
async fn preload(ctx: &Context, server: &EcsServer, profile: &str) -> Result<()> {
    let cache = ctx.load_cache()?;
    let id = roles::resolve(ctx, &Target::Profile(profile.to_string()), Some(&cache))?;
    let provider = roles::provider(ctx)?;
    let obtained = provider.credentials(&id, false).await?;
    roles::record(ctx, Some(cache), &provider.fetched(), Some(&id))?;
    server.slots().put(
        SlotKey::Default,
        Slot {
            profile: profile.to_string(),
            creds: obtained.creds,
            obtained_at: now(),
            sso: Some(ctx.instance.clone()),
        },
    );
    tracing::info!(profile, "loaded the default slot");
    Ok(())
}

/// `~/.aws-sso/mnt/docker-ecs`, written by aws-sso-cli's `ecs docker start` for the
/// container: read once, then deleted. Missing: no auth, no TLS.
fn docker_handoff() -> Result<Secrets> {
    #[derive(serde::Deserialize)]
    struct Handoff {
        #[serde(rename = "privateKey", default)]
        private_key: Secret,
        #[serde(rename = "certChain", default)]
        cert_chain: String,
        #[serde(rename = "bearerToken", default)]
        bearer_token: Secret,
    }
    let Some(home) = std::env::var_os("HOME") else {
        return Ok(Secrets::default());
    };
    let path = PathBuf::from(home).join(".aws-sso/mnt/docker-ecs");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Secrets::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let _ = std::fs::remove_file(&path);
    let h: Handoff = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("{} is not valid JSON (line {})", path.display(), e.line()))?;
    let some = |s: Secret| Some(s).filter(|s| !s.is_empty());
    Ok(Secrets {
        token: some(h.bearer_token),
        private_key: some(h.private_key),
        cert_chain: Some(h.cert_chain).filter(|c| !c.is_empty()),
    })
}

/// Resolves on SIGINT (setting `interrupted`) or SIGTERM. The handlers are installed when this
/// is called, before the server says it listens: a signal sent right after that line must
/// stop it cleanly, not kill it.
#[cfg(unix)]
fn shutdown_signal(interrupted: &std::sync::atomic::AtomicBool) -> impl Future<Output = ()> + '_ {
    use tokio::signal::unix::{SignalKind, signal};
    let int = signal(SignalKind::interrupt());
    let term = signal(SignalKind::terminate());
    async move {
        let on_int = async {
            match int {
                Ok(mut s) => s.recv().await,
                Err(_) => std::future::pending().await,
            };
            interrupted.store(true, std::sync::atomic::Ordering::Relaxed);
        };
        let on_term = async {
            match term {
                Ok(mut s) => s.recv().await,
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            () = on_int => {}
            _ = on_term => {}
        }
    }
}

#[cfg(not(unix))]
async fn shutdown_signal(interrupted: &std::sync::atomic::AtomicBool) {
    let _ = tokio::signal::ctrl_c().await;
    interrupted.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// `ecs docker start|stop`.
pub(super) fn docker(_command: EcsDockerCommand) -> Result<ExitCode> {
    bail!(
        "`aws-sso ecs docker` is not supported: aws-sso has no Docker integration; run `aws-sso ecs server` on the host (containers reach it through AWS_CONTAINER_CREDENTIALS_FULL_URI) or inside your own image"
    )
}
