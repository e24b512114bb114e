//! The SSO session's machinery for the selected instance: the authenticator with its SDK
//! clients (retries and the per-operation deadline from config.yaml), its settings, and
//! Ctrl-C for the long waits (a browser login, a refresh).

use std::sync::Arc;

use anyhow::Result;

use super::context::Context;
use crate::auth::{AuthEnv, AuthSettings, Authenticator};
use crate::aws::{RetrySettings, SsoClients};
use crate::store::SecureStore;

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
    if let Some(browser) = &ctx.invocation.browser {
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
