//! `aws-sso eval`: shell statements that export a role's credentials (docs/formats.md, "`eval` and `exec` variables"), for
//! `eval "$(aws-sso eval -p NAME)"`, in the dialect of `--shell` or `$SHELL`; `--clear`
//! unsets them again without touching the store or the network.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;

use super::{Globals, RoleFlags};
use crate::app::Context;
use crate::app::roles::{self, EnvFallback};
use crate::credentials::exports::{self, RegionEnv};
use crate::selection::RoleQuery;
use crate::shell::{self, EnvChange, Shell};
use crate::tui::state::Launch;

#[derive(Debug, Clone, Default, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    /// Print commands that unset the variables instead (no login needed)
    #[arg(short = 'c', long, conflicts_with_all = ["refresh", "arn", "account", "role", "profile"])]
    pub clear: bool,
    /// Don't set AWS_DEFAULT_REGION / AWS_REGION
    #[arg(short = 'n', long = "no-region")]
    pub no_region: bool,
    /// Replace a region the user set themselves
    #[arg(short = 'O', long = "overwrite-region", alias = "overwrite-env")]
    pub overwrite_region: bool,
    /// New credentials for the role in $AWS_SSO_ROLE_ARN
    #[arg(short = 'r', long)]
    pub refresh: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
    /// Region to export instead of the role's DefaultRegion (replaces a region already set)
    #[arg(long, value_name = "REGION", conflicts_with = "no_region")]
    pub region: Option<String>,
    /// Output dialect: bash, zsh, sh, fish, powershell, xonsh [default: from $SHELL]
    #[arg(long, value_name = "SHELL")]
    pub shell: Option<String>,
    /// `-`: the role used before the current one in History (like `cd -`)
    #[arg(
        value_name = "-",
        value_parser = ["-"],
        hide_possible_values = true,
        conflicts_with_all = ["refresh", "clear", "arn", "account", "role", "profile"]
    )]
    pub previous: Option<String>,
}

/// The dialect: `--shell`, else detected from `$XONSH_VERSION` / `$SHELL`.
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

fn region_env() -> RegionEnv {
    RegionEnv::from_env(|k| std::env::var(k).ok())
}

/// `eval --clear`: reads config.yaml only for `EnvVarTags`, never the store.
fn run_clear(ctx: Option<&Context>, args: &EvalArgs, out: &mut dyn Write) -> Result<()> {
    let shell = dialect(args.shell.as_deref())?;
    let tags = ctx
        .map(|c| c.config.env_var_tags.clone())
        .unwrap_or_default();
    let changes: Vec<EnvChange> = exports::clear_vars(args.no_region, &region_env(), &tags)
        .into_iter()
        .map(EnvChange::unset)
        .collect();
    out.write_all(shell::render(shell, &changes).as_bytes())?;
    Ok(())
}

/// The statements `eval` prints (and records the role in History).
pub async fn exports(ctx: &Context, args: &EvalArgs) -> Result<String> {
    let shell = dialect(args.shell.as_deref())?;
    let query = if args.refresh {
        let arn = std::env::var("AWS_SSO_ROLE_ARN")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| {
                anyhow!("unable to determine current IAM role: $AWS_SSO_ROLE_ARN is not set (use --profile or --arn)")
            })?;
        RoleQuery {
            arn: Some(arn),
            ..RoleQuery::default()
        }
    } else {
        roles::query(args.role.query(), EnvFallback::No)
    };
    let target = query.target()?.ok_or_else(|| {
        anyhow!("please specify --refresh, --clear, --arn, --profile, or --account and --role")
    })?;
    let cache = ctx.load_cache()?;
    let id = roles::resolve(ctx, &target, Some(&cache))?;
    let role = roles::cached_role(ctx, &cache, &id)?;
    // `--region` (or a region picked in the picker) is asked for: it replaces the user's.
    let region = exports::choose_region(
        args.no_region,
        args.overwrite_region || args.region.is_some(),
        &region_env(),
        &args
            .region
            .clone()
            .unwrap_or_else(|| roles::configured_region(ctx, &role)),
    );
    let info = roles::role_info(ctx, &role, region)?;
    let provider = roles::provider(ctx)?;
    // `--refresh` re-selects the shell's role; like aws-sso-cli it reuses credentials that
    // still have more than a minute left (add --sts-refresh to force new ones).
    let force = args.sts_refresh || ctx.invocation.sts_refresh;
    let obtained = provider.credentials(&id, force).await?;
    let changes: Vec<EnvChange> = exports::role_env(&id, &obtained.creds, &info)
        .into_iter()
        .map(|(k, v)| EnvChange::set(k, v))
        .collect();
    let text = shell::render(shell, &changes);
    roles::record(ctx, Some(cache), &provider.fetched(), Some(&id))?;
    Ok(text)
}

/// Run `eval`: `--clear` needs no config.yaml; without role flags the picker chooses one.
pub fn run(globals: &Globals, mut args: EvalArgs, out: &mut dyn Write) -> Result<ExitCode> {
    if args.clear {
        let ctx = globals.optional_context("eval --clear");
        run_clear(ctx.as_ref(), &args, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut ctx = globals.context()?;
    ctx.use_process_deadline()?;
    if args.previous.is_some() {
        args.role.arn = Some(crate::app::previous::previous_arn(&ctx)?);
    }
    if !args.refresh && super::wants_picker(&args.role, EnvFallback::No) {
        args.region = super::pick_into(&mut ctx, &mut args.role, Launch::Eval)?.or(args.region);
    }
    super::block_on(print(&ctx, &args, out))
}

/// Print the statements for the role the flags select.
pub async fn print(ctx: &Context, args: &EvalArgs, out: &mut dyn Write) -> Result<()> {
    let text = exports(ctx, args).await?;
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// What `eval --arn <role>` prints, for the picker's "copy the exports".
pub async fn exports_text(ctx: &Context, role: &RoleFlags) -> Result<String> {
    let args = EvalArgs {
        role: role.clone(),
        ..EvalArgs::default()
    };
    exports(ctx, &args).await
}
