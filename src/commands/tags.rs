//! `aws-sso tags`: every cached role's ARN followed by its tags (sorted by key), optionally
//! only for one account and/or role name, shown escaped ([`crate::display`]).

use std::io::Write;

use anyhow::{Result, anyhow};

use crate::app::{Context, no_cached_roles};
use crate::cache::Cache;
use crate::catalog;
use crate::cli::TagsArgs;
use crate::display::escape;
use crate::role::parse_account_id;

pub fn run(ctx: &Context, args: &TagsArgs, cache: &Cache, out: &mut dyn Write) -> Result<()> {
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
