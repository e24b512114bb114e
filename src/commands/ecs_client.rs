//! `aws-sso ecs load|unload|list|profile`: the client side of the ECS server (docs/ecs-protocol.md, "Client side").
//! The bearer token and the server's certificate come from the local secure store; `load`
//! resolves the role like `exec`, fetches its credentials and records History.

use std::io::Write;

use anyhow::Result;

use crate::app::Context;
use crate::app::open_store;
use crate::app::roles::{self, EnvFallback};
use crate::cli::{EcsLoadArgs, EcsServerFlag, EcsUnloadArgs};
use crate::ecs::api::{LoadRequest, ProfileReply};
use crate::ecs::client::{EcsClient, ServerAddr};
use crate::ecs::tls;
use crate::format::write_table;

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

pub async fn load(ctx: &Context, args: &EcsLoadArgs) -> Result<()> {
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

pub async fn unload(ctx: Option<&Context>, args: &EcsUnloadArgs) -> Result<()> {
    let client = client(ctx, &args.server)?;
    let profile = args.profile.as_deref().filter(|p| !p.is_empty());
    client.unload(profile).await?;
    Ok(())
}

pub async fn list(ctx: Option<&Context>, flag: &EcsServerFlag, out: &mut dyn Write) -> Result<()> {
    let mut profiles = client(ctx, flag)?.list().await?;
    if profiles.is_empty() {
        writeln!(out, "No profiles are stored in any named slots.")?;
        return Ok(());
    }
    profiles.sort_by(|a, b| a.profile_name.cmp(&b.profile_name));
    table(&profiles, out)
}

pub async fn profile(
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
