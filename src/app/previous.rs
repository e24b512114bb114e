//! `-` for a role (`aws-sso eval -`, `aws-sso exec -`, like `cd -`): the role used before the
//! current one, the current one being the most recent in History.

use anyhow::{Result, anyhow};

use super::Context;

/// The ARN of the second entry of the selected instance's History.
pub fn previous_arn(ctx: &Context) -> Result<String> {
    let cache = ctx.load_cache()?;
    cache
        .instance(&ctx.instance)
        .and_then(|i| i.history.get(1).cloned())
        .ok_or_else(|| {
            anyhow!(
                "`-` needs two roles in the History of SSO instance '{}' (in {}): use another role once, or name one with --profile or --arn",
                ctx.instance,
                ctx.paths.cache_file.display()
            )
        })
}
