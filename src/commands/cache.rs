//! `aws-sso cache`: refresh the selected instance's role cache now and show what changed.

use std::io::{self, Write};

use anyhow::Result;

use super::context::Context;
use super::session::{authenticator, interruptible, open_store, print_diff, refresh_cache};
use crate::auth::TokenMode;
use crate::cli::CacheArgs;

pub async fn run(ctx: &Context, args: &CacheArgs, out: &mut dyn Write) -> Result<()> {
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
    ))
    .await?;
    if args.silent {
        tracing::info!(
            "Updated cache: added={}, deleted={}",
            outcome.diff.added.len(),
            outcome.diff.deleted.len()
        );
    } else {
        print_diff(out, &outcome)?;
    }
    Ok(())
}
