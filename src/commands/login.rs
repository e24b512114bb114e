//! `aws-sso login`: log in to the selected instance (PKCE by default, device code on SSH/WSL
//! or with `--workflow device_code`), then refresh the role cache if it is due.

use std::io;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;

use super::Globals;
use super::progress;
use crate::app::{Context, now};
use crate::app::{authenticator, interruptible, open_store, refresh_cache};
use crate::auth::{LoginOptions, LoginOutcome, TokenMode};
use crate::config::{AuthWorkflow, UrlAction};

#[derive(Debug, Clone, Default, Args)]
pub struct LoginArgs {
    /// What to do with the login URL: open, print, printurl, clip, exec, ansi-osc52,
    /// open-url-in-container, granted-containers
    #[arg(short = 'u', long = "url-action", value_name = "ACTION")]
    pub url_action: Option<String>,
    /// Login flow: pkce (browser redirect) or device_code (enter a code)
    #[arg(long = "workflow", value_name = "FLOW", value_parser = ["pkce", "device_code"])]
    pub workflow: Option<String>,
    /// Concurrent requests when refreshing the role cache after login
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// End the current session first, even if it is still valid
    #[arg(short = 'f', long)]
    pub force: bool,
}

pub(super) fn run(globals: &Globals, args: LoginArgs) -> Result<ExitCode> {
    let ctx = globals.context()?;
    super::block_on(log_in(&ctx, &args))
}

/// The cleartext store is a known, chosen risk: said where a session is set up (here and in
/// `setup wizard`), not on every call that reads it.
pub(super) fn warn_if_insecure(store: &crate::store::SecureStore) {
    if store.backend_name() == "json" {
        tracing::warn!(
            "Using insecure json file for SecureStore: {} (SecureStore in config.yaml)",
            store.location()
        );
    }
}

/// Log in, then refresh the role cache when it is due (or empty).
async fn log_in(ctx: &Context, args: &LoginArgs) -> Result<()> {
    let url_action = args
        .url_action
        .as_deref()
        .or(ctx.invocation.url_action.as_deref())
        .map(|a| {
            a.parse::<UrlAction>()
                .map_err(|e| anyhow!("Invalid --url-action: {e}"))
        })
        .transpose()?;
    let workflow = args
        .workflow
        .as_deref()
        .map(|w| w.parse::<AuthWorkflow>())
        .transpose()
        .map_err(|e| anyhow!("invalid --workflow: {e}"))?;
    let store = open_store(ctx)?;
    warn_if_insecure(&store);
    // A damaged store (a truncated store.json) must not lock the user out: logging in is
    // how it gets refilled.
    if let Some(set_aside) = store.set_aside_if_damaged()? {
        tracing::warn!(
            "the secure store {} was unreadable ({}): kept it as {} and starting a fresh one",
            set_aside.location,
            set_aside.reason,
            set_aside.kept.display()
        );
    }
    let auth = authenticator(ctx, store).await;
    let opts = LoginOptions {
        force: args.force,
        workflow,
        url_action,
    };
    let mut err = io::stderr();
    let outcome = interruptible(async { Ok(auth.login(&opts, &mut err).await?) }).await?;
    let LoginOutcome::LoggedIn { expires_at, .. } = outcome else {
        tracing::info!("You are already logged in. :)");
        return Ok(());
    };
    tracing::info!(
        "Logged in to SSO instance '{}' (session expires in {})",
        ctx.instance,
        crate::catalog::remaining_text(expires_at, now())
    );
    let mut cache = ctx.load_cache()?;
    if ctx.cache_expired(&cache) || cache.instance(&ctx.instance).is_none() {
        let token = auth.access_token(TokenMode::Interactive, &mut err).await?;
        let outcome = interruptible(refresh_cache(
            ctx,
            &auth,
            token,
            TokenMode::Interactive,
            &mut cache,
            args.threads,
            &progress::Bar::new(),
        ))
        .await?;
        tracing::debug!("cached {} roles", outcome.roles);
    }
    Ok(())
}
