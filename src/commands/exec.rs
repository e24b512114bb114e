//! `aws-sso exec`: run a command (default: the user's shell) with a role's credentials in
//! its environment (the variables of `eval`). On Unix aws-sso *becomes* the command (execve), so signals
//! reach it directly and its exit status is the exit status, whatever it is (aws-sso-cli
//! turned every failure into 1). Elsewhere the child is waited for and its code returned.

use std::ffi::OsString;
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result};
use clap::Args;

use super::{Globals, RoleFlags, pick};
use crate::app::Context;
use crate::app::roles::{self, EnvFallback};
use crate::credentials::exports::{self, RegionEnv};
use crate::tui::state::Launch;

#[derive(Debug, Clone, Default, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    /// Don't set AWS_DEFAULT_REGION / AWS_REGION
    #[arg(short = 'n', long = "no-region")]
    pub no_region: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
    /// Run even if AWS credentials are already set: drop every AWS_* variable first
    #[arg(short = 'O', long = "overwrite-env", alias = "overwrite-region")]
    pub overwrite_env: bool,
    /// Region to set instead of the role's DefaultRegion (replaces a region already set)
    #[arg(long, value_name = "REGION", conflicts_with = "no_region")]
    pub region: Option<String>,
    /// Command to run [default: $SHELL]; `-` first: the role used before the current one in
    /// History (like `cd -`), then the command
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Arguments of the command
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

/// The program to run when none is given: `$SHELL` (xonsh inside xonsh; `cmd.exe` on
/// Windows), else `/bin/sh`.
pub(super) fn default_command() -> OsString {
    if std::env::var_os("XONSH_VERSION").is_some() {
        return "xonsh".into();
    }
    match std::env::var_os("SHELL").filter(|s| !s.is_empty()) {
        Some(shell) => shell,
        None if cfg!(windows) => "cmd.exe".into(),
        None => "/bin/sh".into(),
    }
}

/// Run `exec`: without role flags (nor an aws-sso shell's variables) the picker chooses one.
pub(super) fn run(globals: &Globals, mut args: ExecArgs) -> Result<ExitCode> {
    let mut ctx = globals.context()?;
    if args.command.as_deref() == Some("-") && args.role.query().is_empty() {
        args.role.arn = Some(crate::app::previous::previous_arn(&ctx)?);
        let mut rest = std::mem::take(&mut args.args).into_iter();
        args.command = rest.next();
        args.args = rest.collect();
    }
    if pick::wanted(&args.role, EnvFallback::Yes) {
        args.region = pick::into_flags(&mut ctx, &mut args.role, Launch::Exec)?.or(args.region);
    }
    super::runtime()?.block_on(exec_role(&ctx, &args))
}

/// Get the role's credentials and become (or run) the command with them.
pub(super) async fn exec_role(ctx: &Context, args: &ExecArgs) -> Result<ExitCode> {
    roles::check_env_conflicts(args.overwrite_env)?;
    let target = roles::query(args.role.query(), EnvFallback::Yes)
        .target()?
        .ok_or_else(|| roles::no_role("exec"))?;
    let cache = ctx.load_cache()?;
    let id = roles::resolve(ctx, &target, Some(&cache))?;
    let role = roles::cached_role(ctx, &cache, &id)?;
    let region_env = RegionEnv::from_env(|k| std::env::var(k).ok());
    // `--region` (or a region picked in the picker) is asked for: it replaces the user's.
    let region = exports::choose_region(
        args.no_region,
        args.overwrite_env || args.region.is_some(),
        &region_env,
        &args
            .region
            .clone()
            .unwrap_or_else(|| roles::configured_region(ctx, &role)),
    );
    let info = roles::role_info(ctx, &role, region)?;
    let provider = roles::provider(ctx)?;
    let obtained = provider
        .credentials(&id, args.sts_refresh || ctx.invocation.sts_refresh)
        .await?;
    let vars = exports::role_env(&id, &obtained.creds, &info);
    roles::record(ctx, Some(cache), &provider.fetched(), Some(&id))?;

    let program = args
        .command
        .clone()
        .map(OsString::from)
        .unwrap_or_else(default_command);
    let mut cmd = Command::new(&program);
    cmd.args(&args.args);
    for name in crate::store::password::SECRET_VARS {
        cmd.env_remove(name);
    }
    if args.overwrite_env {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(key);
            }
        }
    }
    for (name, value) in &vars {
        if value.is_empty() {
            cmd.env_remove(name);
        } else {
            cmd.env(name, value);
        }
    }
    let shown = program.to_string_lossy().into_owned();
    spawn(cmd, &shown)
}

#[cfg(unix)]
fn spawn(mut cmd: Command, shown: &str) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt as _;
    // Only returns on failure.
    let err = cmd.exec();
    Err(err).with_context(|| format!("cannot run '{shown}'"))
}

#[cfg(not(unix))]
fn spawn(mut cmd: Command, shown: &str) -> Result<ExitCode> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot run '{shown}'"))?;
    let code = status.code().unwrap_or(1);
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
