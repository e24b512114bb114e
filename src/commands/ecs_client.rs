//! `aws-sso ecs load|unload|list|profile`: the client side of the ECS server (docs/ecs-protocol.md, "Client side").
//! The bearer token and the server's certificate come from the local secure store; `load`
//! resolves the role like `exec`, fetches its credentials and records History.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::{Globals, RoleFlags};
use crate::app::Context;
use crate::app::open_store;
use crate::app::roles::{self, EnvFallback};
use crate::ecs::api::{LoadRequest, ProfileReply};
use crate::ecs::client::{EcsClient, ServerAddr};
use crate::ecs::tls;
use crate::format::write_table;

#[derive(Debug, Clone, Args)]
pub struct EcsLoadArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    #[command(flatten)]
    pub server: EcsServerFlag,
    /// Load into the slot named after the profile (GET /slot/<profile>) instead of the
    /// default slot
    #[arg(short = 's', long)]
    pub slotted: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
}

#[derive(Debug, Clone, Args)]
pub struct EcsUnloadArgs {
    #[command(flatten)]
    pub server: EcsServerFlag,
    /// Named slot to empty [default: the default slot]
    #[arg(short = 'p', long, value_name = "PROFILE")]
    pub profile: Option<String>,
}

/// `--server`, shared by the client commands.
#[derive(Debug, Clone, Args)]
pub struct EcsServerFlag {
    /// ECS server: HOST:PORT, or unix:PATH for a server started with --unix-socket
    #[arg(long, env = "AWS_SSO_ECS_SERVER", default_value = crate::ecs::DEFAULT_SERVER,
          value_name = "HOST:PORT")]
    pub server: String,
}

/// The client for `--server`, with the token and certificate from the store (when there is
/// a config to find the store with).
fn client(ctx: Option<&Context>, flag: &EcsServerFlag) -> Result<EcsClient> {
    let addr = ServerAddr::parse(&flag.server)?;
    let (token, cert) = match ctx {
        Some(ctx) => {
            let store = open_store(ctx)?;
            (store.ecs_bearer_token()?, store.ecs_cert_chain()?)
        }
        None => (None, None),
    };
    let tls = match (&addr, cert) {
        (ServerAddr::Tcp { .. }, Some(pem)) => Some(tls::client_config(Some(&pem))?),
        _ => None,
    };
    let client = EcsClient::new(addr, token, tls);
    if !client.has_token() {
        tracing::warn!(
            "no ECS bearer token is set: talking to the ECS server without authentication (set one with `aws-sso setup ecs auth`)"
        );
    }
    if !client.is_private() {
        tracing::warn!(
            "no ECS server certificate is set: talking to the ECS server over plain HTTP (see `aws-sso setup ecs ssl`)"
        );
    }
    Ok(client)
}

/// `ecs load`. The other client commands also work without config.yaml (no token, no TLS).
pub(super) fn load(globals: &Globals, args: EcsLoadArgs) -> Result<ExitCode> {
    let ctx = globals.context()?;
    super::block_on(load_role(&ctx, &args))
}

pub(super) fn unload(globals: &Globals, args: EcsUnloadArgs) -> Result<ExitCode> {
    let ctx = globals.optional_context("the ECS client");
    super::block_on(unload_slot(ctx.as_ref(), &args))
}

pub(super) fn list(
    globals: &Globals,
    flag: EcsServerFlag,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let ctx = globals.optional_context("the ECS client");
    super::block_on(list_slots(ctx.as_ref(), &flag, out))
}

pub(super) fn profile(
    globals: &Globals,
    flag: EcsServerFlag,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let ctx = globals.optional_context("the ECS client");
    super::block_on(default_slot(ctx.as_ref(), &flag, out))
}

async fn load_role(ctx: &Context, args: &EcsLoadArgs) -> Result<()> {
    let target = roles::query(args.role.query(), EnvFallback::Yes)
        .target()?
        .ok_or_else(|| roles::no_role("ecs load"))?;
    let client = client(Some(ctx), &args.server)?;
    let cache = ctx.load_cache()?;
    let id = roles::resolve(ctx, &target, Some(&cache))?;
    let role = roles::cached_role(ctx, &cache, &id)?;
    let profile = roles::role_info(ctx, &role, None)?.profile;
    let provider = roles::provider(ctx)?;
    let obtained = provider
        .credentials(&id, args.sts_refresh || ctx.invocation.sts_refresh)
        .await?;
    let req = LoadRequest {
        creds: obtained.creds,
        profile_name: profile.clone(),
        sso: Some(ctx.instance.clone()),
    };
    client.load(&req, args.slotted).await?;
    roles::record(ctx, Some(cache), &provider.fetched(), Some(&id))?;
    let slot = if args.slotted {
        "its own slot"
    } else {
        "the default slot"
    };
    tracing::info!(
        "loaded {profile} into {slot} of the ECS server at {}",
        client.addr()
    );
    Ok(())
}

async fn unload_slot(ctx: Option<&Context>, args: &EcsUnloadArgs) -> Result<()> {
    let client = client(ctx, &args.server)?;
    let profile = args.profile.as_deref().filter(|p| !p.is_empty());
    client.unload(profile).await?;
    Ok(())
}

async fn list_slots(
    ctx: Option<&Context>,
    flag: &EcsServerFlag,
    out: &mut dyn Write,
) -> Result<()> {
    let mut profiles = client(ctx, flag)?.list().await?;
    if profiles.is_empty() {
        writeln!(out, "No profiles are stored in any named slots.")?;
        return Ok(());
    }
    profiles.sort_by(|a, b| a.profile_name.cmp(&b.profile_name));
    table(&profiles, out)
}

async fn default_slot(
    ctx: Option<&Context>,
    flag: &EcsServerFlag,
    out: &mut dyn Write,
) -> Result<()> {
    match client(ctx, flag)?.profile().await? {
        Some(p) => table(&[p], out),
        None => anyhow::bail!("no profile loaded in ECS Server"),
    }
}

fn table(profiles: &[ProfileReply], out: &mut dyn Write) -> Result<()> {
    let rows: Vec<[&str; 4]> = profiles
        .iter()
        .map(|p| {
            [
                p.profile_name.as_str(),
                p.account_id.as_str(),
                p.role_name.as_str(),
                p.expires.as_str(),
            ]
        })
        .collect();
    write_table(
        out,
        &["ProfileName", "AccountIdPad", "RoleName", "Expires"],
        &rows,
    )?;
    Ok(())
}
