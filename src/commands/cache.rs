//! `aws-sso cache`: refresh the selected instance's role cache now and show what changed.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::Globals;
use super::progress::{self, print_diff};
use crate::app::Context;
use crate::app::{authenticator, interruptible, open_store, refresh_cache};
use crate::auth::TokenMode;

#[derive(Debug, Clone, Default, Args)]
pub struct CacheArgs {
    /// Don't update ~/.aws/config afterwards (AutoConfigCheck)
    #[arg(long = "no-config-check")]
    pub no_config_check: bool,
    /// Log a summary instead of printing the added/deleted roles
    #[arg(long)]
    pub silent: bool,
    /// Concurrent requests
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

pub(super) fn run(globals: &Globals, args: CacheArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let ctx = globals.context()?;
    super::block_on(refresh(&ctx, &args, out))
}

/// Refresh the role cache now, print what changed, and keep ~/.aws/config in step.
async fn refresh(ctx: &Context, args: &CacheArgs, out: &mut dyn Write) -> Result<()> {
    let store = open_store(ctx)?;
    let auth = authenticator(ctx, store).await;
    let mode = TokenMode::from_auto_login(ctx.config.auto_login);
    let mut err = io::stderr();
    let token = interruptible(async { Ok(auth.access_token(mode, &mut err).await?) }).await?;
    let mut cache = ctx.load_cache()?;
    let outcome = interruptible(refresh_cache(
        ctx,
        &auth,
        token,
        mode,
        &mut cache,
        args.threads,
        &progress::Bar::new(),
    ))
    .await?;
    let changed = !outcome.diff.is_empty();
    if args.silent {
        tracing::info!(
            "Updated cache: added={}, deleted={}",
            outcome.diff.added.len(),
            outcome.diff.deleted.len()
        );
    } else {
        print_diff(out, &outcome)?;
    }
    // AutoConfigCheck: keep ~/.aws/config in step with the roles (asks before writing).
    if changed
        && ctx.config.auto_config_check
        && !args.no_config_check
        && !ctx.invocation.no_config_check
    {
        out.flush()?;
        let env_path = std::env::var_os("AWS_CONFIG_FILE").map(std::path::PathBuf::from);
        let path = super::setup_profiles::config_path(env_path.as_deref())?;
        let block = super::setup_profiles::block(ctx, &cache)?;
        let confirm = super::setup_profiles::Confirm::Ask { show_diff: true };
        if let Err(e) = super::setup_profiles::update(ctx, &path, &block, confirm, out) {
            tracing::warn!("AutoConfigCheck: {e:#}");
        }
    }
    Ok(())
}
