//! [`Backend`]: the picker's link to the domain, through the same use cases the commands run.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use super::{BackendResult, Copyable, Delivered, PickerBackend, PickerError, Readiness, Refreshed};
use crate::app::Context;
use crate::app::refresh::{refresh_cache_with, refresh_options};
use crate::app::session::authenticator;
use crate::app::shell_exports::{self, ExportOptions};
use crate::app::sign_in::{SignInRequest, sign_in};
use crate::auth::{LoginOptions, LoginOutcome, TokenMode};
use crate::clipboard;
use crate::refresh::NoProgress;
use crate::roster::PickRole;
use crate::selection::RoleQuery;

/// The picker's backend for one context (config, instance, invocation).
pub struct Backend {
    ctx: Arc<Context>,
}

impl Backend {
    pub fn new(ctx: Context) -> Backend {
        Backend { ctx: Arc::new(ctx) }
    }
}

/// Collects what a login wants shown (URL, device code) and sends it to the picker line by
/// line.
struct LineSink {
    tx: UnboundedSender<String>,
    partial: Mutex<String>,
}

impl Write for LineSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut partial = self.partial.lock().unwrap_or_else(|p| p.into_inner());
        partial.push_str(&String::from_utf8_lossy(buf));
        while let Some(i) = partial.find('\n') {
            let line: String = partial.drain(..=i).collect();
            let line = line.trim_end().to_string();
            if !line.is_empty() {
                let _ = self.tx.send(line);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl PickerBackend for Backend {
    fn refresh(&self) -> BoxFuture<'static, BackendResult<Refreshed>> {
        let ctx = Arc::clone(&self.ctx);
        async move {
            let store = open_store_for_ui(&ctx)?;
            let auth = authenticator(&ctx, store).await;
            let mut sink = io::sink();
            let token = auth
                .access_token(TokenMode::NonInteractive, &mut sink)
                .await
                .map_err(PickerError::NoSession)?;
            let session_expires = Some(token.expires_at());
            let mut cache = ctx.load_cache().map_err(PickerError::Failed)?;
            let opts = refresh_options(&ctx, None);
            let outcome = refresh_cache_with(
                &ctx,
                &auth,
                token,
                TokenMode::NonInteractive,
                &mut cache,
                opts,
                &NoProgress,
            )
            .await
            .map_err(PickerError::Failed)?;
            let mut roster = super::build_roster(&ctx, &mut cache).map_err(PickerError::Failed)?;
            super::by_frecency(&ctx, &mut roster);
            Ok(Refreshed {
                roster,
                session_expires,
                summary: format!(
                    "refreshed {} roles: {} added, {} deleted",
                    outcome.roles,
                    outcome.diff.added.len(),
                    outcome.diff.deleted.len()
                ),
            })
        }
        .boxed()
    }

    fn login(&self, show: UnboundedSender<String>) -> BoxFuture<'static, BackendResult<i64>> {
        let ctx = Arc::clone(&self.ctx);
        async move {
            let store = open_store_for_ui(&ctx)?;
            let auth = authenticator(&ctx, store).await;
            let mut sink = LineSink {
                tx: show,
                partial: Mutex::new(String::new()),
            };
            let opts = LoginOptions {
                force: false,
                workflow: None,
                url_action: None,
            };
            match auth
                .login(&opts, &mut sink)
                .await
                .map_err(PickerError::Login)?
            {
                LoginOutcome::LoggedIn { expires_at, .. }
                | LoginOutcome::AlreadyLoggedIn { expires_at } => Ok(expires_at),
            }
        }
        .boxed()
    }

    fn prepare(&self, role: PickRole) -> BoxFuture<'static, BackendResult<Readiness>> {
        let ctx = Arc::clone(&self.ctx);
        async move { prepare_role(&ctx, &role).await }.boxed()
    }

    fn copy(&self, role: PickRole, what: Copyable) -> BoxFuture<'static, BackendResult<Delivered>> {
        let ctx = Arc::clone(&self.ctx);
        async move {
            let text = match what {
                Copyable::Arn => role.arn.to_string(),
                Copyable::Profile => role.profile.to_string(),
                Copyable::Exports => exports(&ctx, &role).await.map_err(PickerError::Failed)?,
                Copyable::ConsoleUrl => {
                    let req = SignInRequest {
                        role: by_arn(&role),
                        ..SignInRequest::default()
                    };
                    sign_in(&ctx, &req).await.map_err(PickerError::Failed)?.url
                }
            };
            let keep = match super::clipboard_clear_secs(&ctx) {
                secs if what.is_secret() && secs > 0 => Some(Duration::from_secs(secs)),
                _ => None,
            };
            match clipboard::copy(&text, keep).map_err(PickerError::Clipboard)? {
                clipboard::Copied::System => Ok(Delivered::Clipboard),
                clipboard::Copied::Osc52(seq) => Ok(Delivered::Osc52(seq)),
            }
        }
        .boxed()
    }
}

/// Fetch `role`'s credentials into the store as the command after the picker would, but
/// never logging in (a browser or a prompt can't run under the picker): an ended session is
/// `NeedsLogin`, for the picker to log in first.
async fn prepare_role(ctx: &Context, role: &PickRole) -> BackendResult<Readiness> {
    use crate::credentials::{CredentialsError, Provider};
    let mut ctx = ctx.clone();
    ctx.instance = role.sso.to_string();
    let Ok(store) = crate::app::open_store_quietly(&ctx) else {
        // A store that needs a password: the command after the picker asks for it.
        return Ok(Readiness::Ready);
    };
    let Some((account, name)) = crate::role::split_role_arn(&role.arn) else {
        return Ok(Readiness::Ready);
    };
    let id = crate::role::RoleId::new(account, name);
    let provider = Provider::new(
        &ctx.instance,
        ctx.sso(),
        Arc::new(store),
        crate::app::roles::session_factory(&ctx),
        TokenMode::NonInteractive,
        crate::app::retry_settings(&ctx),
        Box::new(io::sink()),
    );
    match provider.credentials(&id, false).await {
        Ok(_) => {
            // The Expires column of the next run shows what was fetched.
            crate::app::roles::record(&ctx, None, &provider.fetched(), None)
                .map_err(PickerError::Failed)?;
            Ok(Readiness::Ready)
        }
        Err(CredentialsError::Auth(crate::auth::AuthError::NotLoggedIn { .. })) => {
            Ok(Readiness::NeedsLogin)
        }
        Err(e) => Err(PickerError::Credentials(e)),
    }
}

/// The role as `--arn` selects it.
fn by_arn(role: &PickRole) -> RoleQuery {
    RoleQuery {
        arn: Some(role.arn.to_string()),
        ..RoleQuery::default()
    }
}

/// What `eval --arn <role>` prints, in the dialect of `$SHELL`.
async fn exports(ctx: &Context, role: &PickRole) -> anyhow::Result<String> {
    let target = by_arn(role)
        .target()?
        .ok_or_else(|| anyhow::anyhow!("the picked role has no ARN"))?;
    let opts = ExportOptions {
        shell: shell_exports::dialect(None)?,
        no_region: false,
        overwrite_region: false,
        region: None,
        sts_refresh: false,
    };
    shell_exports::statements(ctx, &target, &opts).await
}

/// The store for work started from inside the picker: a password prompt can't be answered
/// there, so a store that needs one says how to unlock it instead.
fn open_store_for_ui(ctx: &Context) -> BackendResult<crate::store::SecureStore> {
    crate::app::open_store_quietly(ctx).map_err(PickerError::Store)
}
