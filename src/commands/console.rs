//! `aws-sso console`: open the AWS Management Console as a role (docs/console.md), chosen by the role
//! flags, the variables of an aws-sso shell, credentials already in the environment
//! (`$AWS_ACCESS_KEY_ID` + secret + session token: the caller is asked of STS), or a cached
//! `$AWS_PROFILE`; deep links with `--service` / `--path`; every URL action.

use std::io;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;

use super::{Globals, RoleFlags, pick};
use crate::app::Context;
use crate::app::roles::{self, EnvFallback};
use crate::app::sign_in::{self, SignIn, SignInRequest};
use crate::tui::state::Launch;
use crate::urlaction::{self, Outcome, UrlAction, UrlContext};

#[derive(Debug, Clone, Default, Args)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    /// Console session length in minutes (15..720) [default: config ConsoleDuration]
    #[arg(short = 'd', long, value_name = "MINUTES")]
    pub duration: Option<i64>,
    /// Pick the role interactively even if one is selected
    #[arg(short = 'P', long)]
    pub prompt: bool,
    /// Region the console opens in [default: the role's DefaultRegion]
    #[arg(long, env = "AWS_DEFAULT_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
    /// What to do with the console URL: open, print, printurl, clip, exec, ansi-osc52,
    /// open-url-in-container, granted-containers
    #[arg(short = 'u', long = "url-action", value_name = "ACTION")]
    pub url_action: Option<String>,
    /// Open this service's console (s3, ec2, cloudwatch, …)
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Open this path inside the console (e.g. /cloudwatch/home#logs)
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
}

/// Nothing names a role: no flags, no aws-sso shell, no credentials or `$AWS_PROFILE` in the
/// environment (then the picker opens, when there is a terminal).
fn has_no_role(args: &ConsoleArgs) -> bool {
    roles::query(args.role.query(), EnvFallback::Yes).is_empty()
        && sign_in::env_credentials().is_none()
        && std::env::var("AWS_PROFILE").map_or(true, |p| p.trim().is_empty())
}

/// Run `console`: with `--prompt`, or no role named anywhere, the picker chooses one.
pub(super) fn run(globals: &Globals, mut args: ConsoleArgs) -> Result<ExitCode> {
    let mut ctx = globals.context()?;
    if args.prompt || (has_no_role(&args) && pick::available()) {
        if !pick::available() {
            anyhow::bail!(
                "console --prompt needs a terminal for the picker: pass --profile or --arn instead"
            );
        }
        args.region = pick::into_flags(&mut ctx, &mut args.role, Launch::Console)?.or(args.region);
    }
    super::block_on(open(&ctx, &args))
}

/// Sign in as the role and do the URL action with the console URL.
pub(super) async fn open(ctx: &Context, args: &ConsoleArgs) -> Result<()> {
    let action: UrlAction = args
        .url_action
        .as_deref()
        .or(ctx.invocation.url_action.as_deref())
        .unwrap_or(ctx.config.url_action.as_str())
        .parse()
        .map_err(|e| anyhow!("Invalid --url-action: {e}"))?;
    let req = SignInRequest {
        role: args.role.query(),
        duration: args.duration,
        region: args.region.clone(),
        sts_refresh: args.sts_refresh,
        service: args.service.clone(),
        path: args.path.clone(),
    };
    let SignIn { url, container } = sign_in::sign_in(ctx, &req).await?;
    let mut stderr = io::stderr();
    let mut url_ctx = UrlContext {
        browser: ctx
            .invocation
            .browser
            .clone()
            .or_else(|| Some(ctx.config.browser.clone()))
            .filter(|b| !b.trim().is_empty()),
        exec_command: ctx.config.url_exec_command.clone(),
        container: Some(container),
        stderr: &mut stderr,
    };
    // The browser opening is the answer (the URL action logs it at debug); a copied URL
    // needs the person to paste it.
    if let Outcome::Copied(hold) = urlaction::perform(action, &url, &mut url_ctx)? {
        tracing::info!("Please open URL copied to clipboard.");
        hold.wait();
    }
    Ok(())
}
