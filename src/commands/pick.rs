//! Opening the picker from the command line: when `aws-sso` runs bare on a terminal, or
//! `eval`/`exec`/`console`/`credentials` get no role. The picker returns a role; the caller
//! then fills the role flags with its ARN and runs the very same command code as
//! `--arn` would. Also the [`PickerBackend`] the picker uses for refresh, login and copies.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use super::RoleFlags;
use crate::app::{Context, now};
use crate::app::{authenticator, refresh_cache_with};
use crate::auth::{LoginOptions, LoginOutcome, TokenMode};
use crate::catalog::ListField;
use crate::clipboard;
use crate::logging;
use crate::refresh::NoProgress;
use crate::roster::{self, PickRole, Roster};
use crate::tui::app::{self, PickerInput};
use crate::tui::backend::{
    BackendResult, Copyable, Delivered, PickerBackend, Readiness, Refreshed,
};
use crate::tui::keymap::Keymap;
use crate::tui::state::{Choice, Launch, Outcome, Settings};
use crate::tui::terminal;
use crate::tui::theme::Theme;

/// The person left the picker without choosing (exit status 130, nothing on stdout).
#[derive(Debug, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// A picker can be shown: a terminal to draw on and a person at it (stdin is a terminal; a
/// captured stdout is fine, that is `eval "$(aws-sso eval)"`).
pub fn available() -> bool {
    io::stdin().is_terminal() && terminal::available()
}

/// The role chosen, as the flags that select it, and what to do with it.
pub struct Picked {
    pub flags: RoleFlags,
    pub profile: String,
    pub instance: String,
    pub choice: Choice,
    /// The region picked in the picker (as `--region`), when not the role's DefaultRegion.
    pub region: Option<String>,
}

fn instances(ctx: &Context) -> Vec<String> {
    // The selected instance first, then the other configured ones that have cached roles.
    let mut out = vec![ctx.instance.clone()];
    out.extend(
        ctx.config
            .sso_config
            .keys()
            .filter(|k| **k != ctx.instance)
            .cloned(),
    );
    out
}

fn fields(ctx: &Context) -> Result<Vec<ListField>> {
    ctx.config
        .list_fields
        .iter()
        .map(|f| f.trim().parse::<ListField>().map_err(anyhow::Error::from))
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("ListFields in {}", ctx.config_file().display()))
}

fn build_roster(ctx: &Context, cache: &mut crate::cache::Cache) -> Result<Roster> {
    let names = instances(ctx);
    let present: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| cache.instance(n).is_some())
        .collect();
    Ok(roster::build(cache, &ctx.config, &present, now())?)
}

/// The picker's roles and whether the cache is due for a refresh: straight from cache.bin
/// when it can give them, else from the loaded catalog (which makes the next start fast).
fn load_roster(ctx: &Context) -> Result<(Roster, bool)> {
    let names = instances(ctx);
    let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    let config_mtime = ctx.config.mtime().unwrap_or(0);
    let fast = roster::from_snapshot(&ctx.paths.cache_file, &ctx.config.profile_format, &wanted);
    if let Some(fast) = fast {
        let expired = fast.expired(&ctx.instance, ctx.config.cache_refresh, config_mtime, now());
        return Ok((fast.roster, expired));
    }
    let mut cache = crate::cache::Cache::load_deferring_snapshot(&ctx.paths.cache_file)?;
    let roster = build_roster(ctx, &mut cache)?;
    cache.resnapshot_if_due();
    // The roster holds all the picker needs: the catalog goes before the matcher fills up.
    Ok((roster, ctx.cache_expired(&cache)))
}

/// The order before anything is typed: the most used roles (often and lately) first.
fn by_frecency(ctx: &Context, roster: &mut Roster) {
    crate::frecency::Frecency::load(&ctx.paths.config_dir.join(crate::frecency::FILE_NAME))
        .order(&mut roster.roles, now());
}

/// The SSO session's expiry, read once from the store without asking for a password (a
/// locked store just leaves the countdown unknown).
fn session_expiry(ctx: &Context) -> Option<i64> {
    let store = crate::app::open_store_quietly(ctx).ok()?;
    store
        .token(&ctx.instance)
        .ok()
        .flatten()
        .map(|t| t.expires_at)
        .filter(|e| *e > 0)
}

/// Show the picker and wait for a role. `Err(Cancelled)` when the person backs out.
pub fn choose(ctx: &Context, launch: Launch) -> Result<Picked> {
    // Log lines would scribble over the picker: hold them from before anything the picker
    // reads (the store, the cache) until it is gone.
    let _quiet = logging::hold();
    let (mut roster, cache_expired) = load_roster(ctx)?;
    by_frecency(ctx, &mut roster);
    let theme_name = ctx
        .invocation
        .theme
        .clone()
        .unwrap_or_else(|| ctx.config.theme.clone());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::load(&theme_name, &ctx.paths.config_dir, no_color)?;
    let keymap = Keymap::with_overrides(&ctx.config.key_bindings)
        .with_context(|| format!("KeyBindings in {}", ctx.config_file().display()))?;
    let session_expires = session_expiry(ctx);
    let settings = Settings {
        launch,
        fields: fields(ctx)?,
        instances: roster.instances.clone(),
        first_tag: ctx.config.first_tag.clone(),
        account_primary_tag: ctx.config.account_primary_tag.clone(),
    };
    let refresh_on_start = cache_expired && session_expires.is_some_and(|e| e > now());
    let input = PickerInput {
        settings,
        instance: ctx.instance.clone(),
        roster,
        session_expires,
        full_text_search: ctx.config.full_text_search,
        theme,
        keymap,
        refresh_on_start,
        clipboard_clear_secs: clipboard_clear_secs(ctx),
    };
    let backend = Arc::new(Backend {
        ctx: Arc::new(ctx.clone()),
    });
    let rt = super::runtime()?;
    let outcome = rt.block_on(app::run(input, backend))?;
    drop(rt);
    match outcome {
        Outcome::Cancelled => Err(Cancelled.into()),
        Outcome::Chosen {
            role,
            choice,
            region,
        } => Ok(Picked {
            flags: RoleFlags {
                arn: Some(role.arn.to_string()),
                ..RoleFlags::default()
            },
            profile: role.profile.to_string(),
            instance: role.sso.to_string(),
            choice,
            region,
        }),
    }
}

/// The picker's link to the domain, through the same functions the commands use.
struct Backend {
    ctx: Arc<Context>,
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
                .map_err(|e| format!("{e} (Ctrl-L logs in)"))?;
            let session_expires = Some(token.expires_at());
            let mut cache = ctx.load_cache().map_err(|e| format!("{e:#}"))?;
            let opts = crate::app::refresh::refresh_options(&ctx, None);
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
            .map_err(|e| format!("{e:#}"))?;
            let mut roster = build_roster(&ctx, &mut cache).map_err(|e| format!("{e:#}"))?;
            by_frecency(&ctx, &mut roster);
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
                .map_err(|e| e.to_string())?
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
                Copyable::Exports => super::eval::exports_text(&ctx, &role_flags(&role))
                    .await
                    .map_err(|e| format!("{e:#}"))?,
                Copyable::ConsoleUrl => super::console::url_text(&ctx, &role_flags(&role))
                    .await
                    .map_err(|e| format!("{e:#}"))?,
            };
            let keep = match clipboard_clear_secs(&ctx) {
                secs if what.is_secret() && secs > 0 => Some(std::time::Duration::from_secs(secs)),
                _ => None,
            };
            match clipboard::copy(&text, keep).map_err(|e| e.to_string())? {
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
                .map_err(|e| format!("{e:#}"))?;
            Ok(Readiness::Ready)
        }
        Err(CredentialsError::Auth(crate::auth::AuthError::NotLoggedIn { .. })) => {
            Ok(Readiness::NeedsLogin)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Seconds a copied secret (exports, console URL) stays on the clipboard:
/// `$AWS_SSO_CLIPBOARD_CLEAR`, else `ClipboardClearSeconds`; 0 keeps it as long as any copy.
fn clipboard_clear_secs(ctx: &Context) -> u64 {
    std::env::var("AWS_SSO_CLIPBOARD_CLEAR")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or_else(|| u64::try_from(ctx.config.clipboard_clear_seconds).unwrap_or(0))
}

fn role_flags(role: &PickRole) -> RoleFlags {
    RoleFlags {
        arn: Some(role.arn.to_string()),
        ..RoleFlags::default()
    }
}

/// The store for work started from inside the picker: a password prompt can't be answered
/// there, so a store that needs one says how to unlock it instead.
fn open_store_for_ui(ctx: &Context) -> BackendResult<crate::store::SecureStore> {
    crate::app::open_store_quietly(ctx)
        .map_err(|e| format!("{e:#} (set AWS_SSO_FILE_PASSWORD, or choose the role with Enter)"))
}
