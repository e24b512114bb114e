//! The shell statements that export a role's credentials (the variables of an aws-sso shell):
//! what `eval` prints and what the picker copies. Getting them records the role in History.

use anyhow::Result;

use super::context::Context;
use super::roles;
use crate::credentials::exports::{self, RegionEnv};
use crate::selection::Target;
use crate::shell::{self, EnvChange, Shell};

/// How the statements are written.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub shell: Shell,
    /// Don't set AWS_DEFAULT_REGION / AWS_REGION.
    pub no_region: bool,
    /// Replace a region the user set themselves.
    pub overwrite_region: bool,
    /// The region to export instead of the role's DefaultRegion (`--region`, or the one
    /// picked in the picker): asked for, so it replaces a region the user set too.
    pub region: Option<String>,
    /// Fetch new credentials even if the cached ones are still valid.
    pub sts_refresh: bool,
}

/// The dialect: `flag`, else detected from `$XONSH_VERSION` / `$SHELL`.
pub fn dialect(flag: Option<&str>) -> Result<Shell> {
    match flag {
        Some(name) => Ok(name.parse()?),
        None => Ok(Shell::detect(
            std::env::var("SHELL").ok().as_deref(),
            std::env::var("XONSH_VERSION").ok().as_deref(),
            cfg!(windows),
        )?),
    }
}

/// The region variables of this process's environment.
pub fn region_env() -> RegionEnv {
    RegionEnv::from_env(|k| std::env::var(k).ok())
}

/// The statements that export `target`'s credentials.
pub async fn statements(ctx: &Context, target: &Target, opts: &ExportOptions) -> Result<String> {
    let cache = ctx.load_cache()?;
    let id = roles::resolve(ctx, target, Some(&cache))?;
    let role = roles::cached_role(ctx, &cache, &id)?;
    let region = exports::choose_region(
        opts.no_region,
        opts.overwrite_region || opts.region.is_some(),
        &region_env(),
        &opts
            .region
            .clone()
            .unwrap_or_else(|| roles::configured_region(ctx, &role)),
    );
    let info = roles::role_info(ctx, &role, region)?;
    let provider = roles::provider(ctx)?;
    // `eval --refresh` re-selects the shell's role; like aws-sso-cli it reuses credentials
    // that still have more than a minute left (add --sts-refresh to force new ones).
    let force = opts.sts_refresh || ctx.invocation.sts_refresh;
    let obtained = provider.credentials(&id, force).await?;
    let changes: Vec<EnvChange> = exports::role_env(&id, &obtained.creds, &info)
        .into_iter()
        .map(|(k, v)| EnvChange::set(k, v))
        .collect();
    let text = shell::render(opts.shell, &changes);
    roles::record(ctx, Some(cache), &provider.fetched(), Some(&id))?;
    Ok(text)
}
