//! `aws-sso exec`: run a command (default: the user's shell) with a role's credentials in
//! its environment (the variables of `eval`). On Unix aws-sso *becomes* the command (execve), so signals
//! reach it directly and its exit status is the exit status, whatever it is (aws-sso-cli
//! turned every failure into 1). Elsewhere the child is waited for and its code returned.

use std::ffi::OsString;
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result};

use crate::app::Context;
use crate::app::roles::{self, EnvFallback};
use crate::cli::ExecArgs;
use crate::credentials::exports::{self, RegionEnv};

/// The program to run when none is given: `$SHELL` (xonsh inside xonsh; `cmd.exe` on
/// Windows), else `/bin/sh`.
pub fn default_command() -> OsString {
    if std::env::var_os("XONSH_VERSION").is_some() {
        return "xonsh".into();
    }
    match std::env::var_os("SHELL").filter(|s| !s.is_empty()) {
        Some(shell) => shell,
        None if cfg!(windows) => "cmd.exe".into(),
        None => "/bin/sh".into(),
    }
}

pub async fn run(ctx: &Context, args: &ExecArgs) -> Result<ExitCode> {
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
