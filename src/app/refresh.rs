//! Bringing the selected instance's role cache up to date through the rate-limited refresh
//! engine, renewing the token when IAM Identity Center rejects it; the live listing of
//! `list-sso-roles`; and the quiet automatic refresh of the commands that list roles.

use std::io;
use std::sync::Mutex;

use anyhow::{Context as _, Result};
use futures::future::BoxFuture;

use super::context::{Context, now};
use super::session::{authenticator, interruptible};
use super::store::open_store;
use crate::auth::{AccessToken, Authenticator, TokenMode};
use crate::cache::Cache;
use crate::refresh::{Progress, RefreshError, RefreshOptions, TokenSource};
use crate::sync::{self, SyncOutcome};

/// Feeds the refresh engine from the authenticator; a 401 renews (Interactive: may log in).
struct AuthTokens<'a> {
    auth: &'a Authenticator,
    mode: TokenMode,
    current: Mutex<AccessToken>,
}

impl TokenSource for AuthTokens<'_> {
    fn token(&self) -> BoxFuture<'_, Result<String, RefreshError>> {
        let token = self
            .current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .expose()
            .to_string();
        Box::pin(async move { Ok(token) })
    }

    fn renew(&self, _rejected: &str) -> BoxFuture<'_, Result<String, RefreshError>> {
        Box::pin(async move {
            let rejected = self
                .current
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            let mut err = io::stderr();
            let fresh = self
                .auth
                .reauthenticate(&rejected, self.mode, &mut err)
                .await
                .map_err(|e| RefreshError::Auth(e.to_string()))?;
            let text = fresh.expose().to_string();
            *self.current.lock().unwrap_or_else(|p| p.into_inner()) = fresh;
            Ok(text)
        })
    }
}

/// The refresh engine's options from config.yaml (`Threads`, `MaxRetry`, `MaxBackoff`).
pub fn refresh_options(ctx: &Context, threads: Option<usize>) -> RefreshOptions {
    RefreshOptions {
        concurrency: threads
            .or(ctx.invocation.threads)
            .unwrap_or_else(|| usize::try_from(ctx.config.threads.max(1)).unwrap_or(5)),
        // MaxRetry / MaxBackoff bound the retries of transient failures (5xx, resets).
        retry: crate::ratelimit::RetryPolicy {
            max_attempts: u32::try_from(ctx.config.max_retry.max(1)).unwrap_or(10),
            cap: std::time::Duration::from_secs(
                u64::try_from(ctx.config.max_backoff.max(1)).unwrap_or(5),
            ),
            // ApiTimeout: how long one call may take, its retries included.
            budget: ctx.deadline,
            ..RefreshOptions::default().retry
        },
        ..RefreshOptions::default()
    }
}

/// Refresh the selected instance's role cache now with config.yaml's engine options
/// (`threads` overrides `Threads`), reporting to `progress`.
pub async fn refresh_cache(
    ctx: &Context,
    auth: &Authenticator,
    token: AccessToken,
    mode: TokenMode,
    cache: &mut Cache,
    threads: Option<usize>,
    progress: &dyn Progress,
) -> Result<SyncOutcome> {
    let opts = refresh_options(ctx, threads);
    refresh_cache_with(ctx, auth, token, mode, cache, opts, progress).await
}

/// [`refresh_cache`] with explicit engine options (the demo's emulator has no 20 req/s
/// quota).
pub async fn refresh_cache_with(
    ctx: &Context,
    auth: &Authenticator,
    token: AccessToken,
    mode: TokenMode,
    cache: &mut Cache,
    opts: RefreshOptions,
    progress: &dyn Progress,
) -> Result<SyncOutcome> {
    let opts = RefreshOptions {
        endpoint: auth.portal_endpoint().to_string(),
        ..opts
    };
    let tokens = AuthTokens {
        auth,
        mode,
        current: Mutex::new(token),
    };
    if let Some(previous) = cache.instance(&ctx.instance) {
        progress.accounts_expected(previous.roles.accounts.len());
    }
    let result = sync::refresh_instance(
        &ctx.config,
        &ctx.instance,
        cache,
        &auth.clients().portal,
        &tokens,
        progress,
        &opts,
        now(),
    )
    .await;
    let outcome =
        result.with_context(|| format!("refreshing roles of SSO instance '{}'", ctx.instance))?;
    tracing::debug!(
        "refreshed {} roles with {} calls ({} throttled) in {:.1}s",
        outcome.roles,
        outcome.stats.calls,
        outcome.stats.throttled,
        outcome.stats.wall.as_secs_f64()
    );
    Ok(outcome)
}

/// Every account and role the session can reach, asked of IAM Identity Center now (the
/// hidden `list-sso-roles`), through the same rate-limited engine as a refresh.
pub async fn live_catalog(
    ctx: &Context,
    auth: &Authenticator,
    token: AccessToken,
    mode: TokenMode,
    progress: &dyn Progress,
) -> Result<Vec<crate::catalog::build::DiscoveredAccount>> {
    let tokens = AuthTokens {
        auth,
        mode,
        current: Mutex::new(token),
    };
    let result = crate::refresh::fetch_catalog(
        &auth.clients().portal,
        &tokens,
        progress,
        &RefreshOptions {
            endpoint: auth.portal_endpoint().to_string(),
            ..refresh_options(ctx, None)
        },
    )
    .await;
    let (accounts, _) =
        result.with_context(|| format!("listing roles of SSO instance '{}'", ctx.instance))?;
    Ok(accounts)
}

/// The automatic refresh of the default command and `tags`: when the role cache is due and a
/// session is live, refresh it quietly; never open a browser (aws-sso-cli did, a bug). Without
/// a session, say so and carry on with the cached roles. Returns the cache to list from, so
/// the (possibly large) file is read once.
pub async fn refresh_if_due(ctx: &Context, progress: &dyn Progress) -> Result<Cache> {
    let mut cache = ctx.load_cache()?;
    if !ctx.cache_expired(&cache) {
        return Ok(cache);
    }
    let store = open_store(ctx)?;
    let auth = authenticator(ctx, store).await;
    let mut err = io::stderr();
    let token = match auth.access_token(TokenMode::NonInteractive, &mut err).await {
        Ok(token) => token,
        Err(e) => {
            tracing::info!("role cache not refreshed: {e}");
            return Ok(cache);
        }
    };
    let outcome = interruptible(refresh_cache(
        ctx,
        &auth,
        token,
        TokenMode::NonInteractive,
        &mut cache,
        None,
        progress,
    ))
    .await?;
    // News only when roles came or went; an unchanged refresh is not worth a line.
    if outcome.diff.is_empty() {
        tracing::debug!("refreshed the role cache: no changes");
    } else {
        tracing::info!(
            "refreshed the role cache: added={}, deleted={}",
            outcome.diff.added.len(),
            outcome.diff.deleted.len()
        );
    }
    Ok(cache)
}
