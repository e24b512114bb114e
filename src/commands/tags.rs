//! `aws-sso tags`: every cached role's ARN followed by its tags (sorted by key), optionally
//! only for one account and/or role name, shown escaped ([`crate::display`]).

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;

use super::{Globals, progress};
use crate::app::{Context, no_cached_roles};
use crate::cache::Cache;
use crate::catalog;
use crate::display::escape;
use crate::role::parse_account_id;

#[derive(Debug, Clone, Default, Args)]
pub struct TagsArgs {
    /// Only roles in this account
    #[arg(short = 'A', long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Only roles with this name
    #[arg(short = 'R', long, value_name = "ROLE")]
    pub role: Option<String>,
}

/// Run `tags`: the cache is refreshed first when it is due.
pub(super) fn run(globals: &Globals, args: TagsArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let ctx = globals.context()?;
    let cache =
        super::runtime()?.block_on(crate::app::refresh_if_due(&ctx, &progress::Bar::new()))?;
    print(&ctx, &args, &cache, out)?;
    Ok(ExitCode::SUCCESS)
}

/// Print the tags of `cache`'s roles the flags select.
pub(super) fn print(
    ctx: &Context,
    args: &TagsArgs,
    cache: &Cache,
    out: &mut dyn Write,
) -> Result<()> {
    let account = match &args.account {
        Some(a) => Some(parse_account_id(a).ok_or_else(|| {
            anyhow!("invalid --account '{a}': expected an account id of up to 12 digits")
        })?),
        None => None,
    };
    let instance = cache
        .instance(&ctx.instance)
        .ok_or_else(|| no_cached_roles(ctx))?;
    let mut roles = catalog::instance_roles(&ctx.instance, instance);
    roles.retain(|r| {
        account.is_none_or(|a| a == r.account_id)
            && args.role.as_deref().is_none_or(|name| name == r.role_name)
    });
    roles.sort_by(|a, b| a.arn().cmp(b.arn()));
    let mut text = String::new();
    for role in roles {
        text.push_str(&escape(role.arn()));
        text.push('\n');
        for (key, value) in role.tags().iter() {
            text.push_str("  ");
            text.push_str(&escape(key));
            text.push_str(": ");
            text.push_str(&escape(value));
            text.push('\n');
        }
        text.push('\n');
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}
