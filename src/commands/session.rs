//! Plumbing shared by the commands that talk to IAM Identity Center: opening the secure
//! store, building the [`Authenticator`], and refreshing the role cache with a progress bar.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use futures::future::BoxFuture;
use indicatif::{ProgressBar, ProgressStyle};

use super::context::{Context, now};
use crate::auth::{AccessToken, AuthEnv, AuthSettings, Authenticator, TokenMode};
use crate::aws::{RetrySettings, SsoClients};
use crate::cache::Cache;
use crate::display::Shown;
use crate::refresh::{Progress, RefreshError, RefreshOptions, TokenSource};
use crate::store::{EnvPassword, PasswordSource, SecureStore, StoreOptions, TerminalPassword};
use crate::sync::{self, SyncOutcome};

/// Open the configured secure store (or auto-pick one, saying which).
pub fn open_store(ctx: &Context) -> Result<SecureStore> {
    open_store_with(ctx, Arc::new(TerminalPassword))
}

/// The store without a terminal prompt: the file store unlocks only with
/// `$AWS_SSO_FILE_PASSWORD` (for work started while the picker owns the terminal).
pub fn open_store_quietly(ctx: &Context) -> Result<SecureStore> {
    open_store_with(ctx, Arc::new(EnvPassword))
}

fn open_store_with(ctx: &Context, password: Arc<dyn PasswordSource>) -> Result<SecureStore> {
    let mut options = StoreOptions::new(&ctx.paths.config_dir);
    options.secure_store = ctx.config.secure_store.map(|k| k.as_str().to_string());
    options.json_store = Some(ctx.config.json_store.clone());
    options.secret_service_collection = Some(ctx.config.secret_service_collection.clone());
    let (store, selection) = SecureStore::open(&options, password)?;
    if selection.auto_picked {
        tracing::info!("using secure store: {}", selection.kind.as_str());
        for skipped in &selection.skipped {
            tracing::debug!("secure store passed over: {skipped}");
        }
    }
    Ok(store)
}

pub fn retry_settings(ctx: &Context) -> RetrySettings {
    RetrySettings {
        max_attempts: u32::try_from(ctx.config.max_retry.max(1)).unwrap_or(10),
        max_backoff_secs: u64::try_from(ctx.config.max_backoff.max(1)).unwrap_or(5),
        deadline: ctx.deadline,
    }
}

/// The authenticator for the selected instance, with real SDK clients built through
/// aws-config (so `AWS_ENDPOINT_URL_SSO(_OIDC)` apply).
pub async fn authenticator(ctx: &Context, store: SecureStore) -> Authenticator {
    let clients = SsoClients::new(&ctx.sso().sso_region, retry_settings(ctx)).await;
    Authenticator::new(auth_settings(ctx), clients, Arc::new(store))
}

/// The selected instance's auth settings from config.yaml, the environment and `--browser`.
pub fn auth_settings(ctx: &Context) -> AuthSettings {
    let env = AuthEnv::from_process();
    let mut settings = AuthSettings::from_config(&ctx.config, &ctx.instance, ctx.sso(), env);
    if let Some(browser) = &ctx.global.browser {
        settings.browser = browser.clone();
    }
    settings
}

/// Ctrl-C ended the command: it exits quietly with status 130, as a shell reports it.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Race `fut` with Ctrl-C so an interrupted login or refresh exits at once (the OS drops
/// any store lock with the process) with [`Interrupted`].
pub async fn interruptible<T>(fut: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        r = fut => r,
        _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
    }
}

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

/// indicatif on stderr; hidden automatically when stderr is not a terminal.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} accounts ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("fetching roles");
        Bar(bar)
    }
}

impl Progress for Bar {
    fn accounts_listed(&self, total: usize) {
        self.0.set_length(total as u64);
    }
    fn account_done(&self, done: usize, _total: usize) {
        self.0.set_position(done as u64);
    }
    fn throttled(&self) {
        self.0
            .set_message("fetching roles (throttled, slowing down)");
    }
}

/// The refresh engine's options from config.yaml (`Threads`, `MaxRetry`, `MaxBackoff`).
pub fn refresh_options(ctx: &Context, threads: Option<usize>) -> RefreshOptions {
    RefreshOptions {
        concurrency: threads
            .or(ctx.legacy.threads)
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

/// Refresh the selected instance's role cache now.
pub async fn refresh_cache(
    ctx: &Context,
    auth: &Authenticator,
    token: AccessToken,
    mode: TokenMode,
    cache: &mut Cache,
    threads: Option<usize>,
) -> Result<SyncOutcome> {
    refresh_cache_with(ctx, auth, token, mode, cache, refresh_options(ctx, threads)).await
}

/// [`refresh_cache`] with explicit engine options (the demo's emulator has no 20 req/s quota)
/// and a progress bar on stderr.
pub async fn refresh_cache_with(
    ctx: &Context,
    auth: &Authenticator,
    token: AccessToken,
    mode: TokenMode,
    cache: &mut Cache,
    opts: RefreshOptions,
) -> Result<SyncOutcome> {
    let bar = Bar::new();
    let result = refresh_cache_with_progress(ctx, auth, token, mode, cache, opts, &bar).await;
    bar.0.finish_and_clear();
    result
}

/// The refresh itself, reporting to `progress` (the picker passes its own: no bar may draw
/// over it).
pub async fn refresh_cache_with_progress(
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
) -> Result<Vec<crate::catalog::build::DiscoveredAccount>> {
    let tokens = AuthTokens {
        auth,
        mode,
        current: Mutex::new(token),
    };
    let bar = Bar::new();
    let result = crate::refresh::fetch_catalog(
        &auth.clients().portal,
        &tokens,
        &bar,
        &RefreshOptions {
            endpoint: auth.portal_endpoint().to_string(),
            ..refresh_options(ctx, None)
        },
    )
    .await;
    bar.0.finish_and_clear();
    let (accounts, _) =
        result.with_context(|| format!("listing roles of SSO instance '{}'", ctx.instance))?;
    Ok(accounts)
}

/// `Updated cache: added=N, deleted=M` and the changed ARNs, as aws-sso-cli prints them.
pub fn print_diff(out: &mut dyn Write, outcome: &SyncOutcome) -> io::Result<()> {
    let diff = &outcome.diff;
    if diff.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "Updated cache: added={}, deleted={}",
        diff.added.len(),
        diff.deleted.len()
    )?;
    for arn in &diff.added {
        writeln!(out, "+ {}", Shown(arn))?;
    }
    for arn in &diff.deleted {
        writeln!(out, "- {}", Shown(arn))?;
    }
    Ok(())
}

/// The automatic refresh of the default command and `tags`: when the role cache is due and a
/// session is live, refresh it quietly; never open a browser (aws-sso-cli did, a bug). Without
/// a session, say so and carry on with the cached roles. Returns the cache to list from, so
/// the (possibly large) file is read once.
pub async fn refresh_if_due(ctx: &Context) -> Result<Cache> {
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
    ))
    .await?;
    tracing::info!(
        "refreshed the role cache: added={}, deleted={}",
        outcome.diff.added.len(),
        outcome.diff.deleted.len()
    );
    Ok(cache)
}
