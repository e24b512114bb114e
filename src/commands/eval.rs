//! `aws-sso eval`: shell statements that export a role's credentials (docs/formats.md, "`eval` and `exec` variables"), for
//! `eval "$(aws-sso eval -p NAME)"`, in the dialect of `--shell` or `$SHELL`; `--clear`
//! unsets them again without touching the store or the network.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;

use super::{Globals, RoleFlags, pick};
use crate::app::Context;
use crate::app::roles::{self, EnvFallback};
use crate::app::shell_exports::{self, ExportOptions, dialect, region_env};
use crate::credentials::exports;
use crate::selection::RoleQuery;
use crate::shell::{self, EnvChange};
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
pub(super) async fn exports(ctx: &Context, args: &EvalArgs) -> Result<String> {
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
    let opts = ExportOptions {
        shell,
        no_region: args.no_region,
        overwrite_region: args.overwrite_region,
        region: args.region.clone(),
        sts_refresh: args.sts_refresh,
    };
    shell_exports::statements(ctx, &target, &opts).await
}

/// Run `eval`: `--clear` needs no config.yaml; without role flags the picker chooses one.
pub(super) fn run(globals: &Globals, mut args: EvalArgs, out: &mut dyn Write) -> Result<ExitCode> {
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
    if !args.refresh && pick::wanted(&args.role, EnvFallback::No) {
        args.region = pick::into_flags(&mut ctx, &mut args.role, Launch::Eval)?.or(args.region);
    }
    super::block_on(print(&ctx, &args, out))
}

/// Print the statements for the role the flags select.
pub(super) async fn print(ctx: &Context, args: &EvalArgs, out: &mut dyn Write) -> Result<()> {
    let text = exports(ctx, args).await?;
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
