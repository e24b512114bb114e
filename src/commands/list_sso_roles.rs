//! The hidden `aws-sso list-sso-roles` (aws-sso-cli's debugging aid): every account and role
//! as IAM Identity Center reports them right now, bypassing the cache (which it leaves alone).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;

use super::Globals;
use crate::app::Context;
use crate::app::{authenticator, interruptible, live_catalog, open_store};
use crate::auth::TokenMode;
use crate::format;
use crate::role::pad_account;

pub(super) fn run(globals: &Globals, out: &mut dyn Write) -> Result<ExitCode> {
    let ctx = globals.context()?;
    super::block_on(print_live(&ctx, out))
}

async fn print_live(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let store = open_store(ctx)?;
    let auth = authenticator(ctx, store).await;
    let mode = TokenMode::from_auto_login(ctx.config.auto_login);
    let mut err = io::stderr();
    let token = interruptible(async { Ok(auth.access_token(mode, &mut err).await?) }).await?;
    let mut accounts = interruptible(live_catalog(
        ctx,
        &auth,
        token,
        mode,
        &super::progress::Bar::new(),
    ))
    .await?;
    accounts.sort_by_key(|a| a.id);
    let rows: Vec<[String; 3]> = accounts
        .iter()
        .flat_map(|a| {
            let mut roles = a.roles.clone();
            roles.sort();
            roles
                .into_iter()
                .map(move |r| [pad_account(a.id), a.name.clone(), r])
        })
        .collect();
    format::write_table(out, &["AccountId", "AccountName", "RoleName"], &rows)?;
    Ok(())
}
