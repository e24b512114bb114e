//! The picker's backend: what the full-screen picker asks of the rest of the program while
//! it is open (a refresh of the role cache, a login, a role's credentials before Enter's
//! action, the text of a clipboard copy), and the roles, columns and session expiry it
//! starts with.
//!
//! The [`PickerBackend`] trait lives here, in the application layer, and not in `tui/`: the
//! TUI calls it, `app` implements it ([`Backend`]) over the same use cases the commands run,
//! and `app` never imports `tui` nor `commands`. So the dependencies point one way,
//! front-end → app → domain, the TUI never opens a store or builds an SDK client itself, and
//! tests drive the picker loop with a scripted backend.

mod backend;

use anyhow::{Context as _, Result};
use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use super::context::{Context, now};
use crate::auth::AuthError;
use crate::catalog::ListField;
use crate::clipboard::ClipboardError;
use crate::credentials::CredentialsError;
use crate::roster::{self, PickRole, Roster};

pub use backend::Backend;

/// What a clipboard copy takes from the selected role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copyable {
    /// The shell statements `eval` prints (they contain the credentials).
    Exports,
    /// A console sign-in URL (it carries a sign-in token).
    ConsoleUrl,
    Arn,
    Profile,
}

impl Copyable {
    pub fn label(self) -> &'static str {
        match self {
            Copyable::Exports => "exports",
            Copyable::ConsoleUrl => "console URL",
            Copyable::Arn => "ARN",
            Copyable::Profile => "profile name",
        }
    }

    /// Whether the text is a secret (credentials, a sign-in token): it is cleared from the
    /// clipboard after a short while.
    pub fn is_secret(self) -> bool {
        self.needs_credentials()
    }

    /// Whether getting the text needs role credentials (and so may take a round trip).
    pub fn needs_credentials(self) -> bool {
        matches!(self, Copyable::Exports | Copyable::ConsoleUrl)
    }
}

/// A finished refresh: the roles to show now and the SSO session's expiry.
#[derive(Debug)]
pub struct Refreshed {
    pub roster: Roster,
    pub session_expires: Option<i64>,
    /// One line for the status bar, e.g. `refreshed: 2 added, 0 deleted`.
    pub summary: String,
}

/// How a clipboard copy reached the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Handed to the system clipboard.
    Clipboard,
    /// No display: this OSC 52 sequence must be written to the terminal.
    Osc52(String),
}

/// Whether a role's credentials can be had now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// They are in the store (fetched now or before): the chosen action can run.
    Ready,
    /// The SSO session has ended (expired or revoked): a login must come first.
    NeedsLogin,
}

/// Why a refresh, login, credentials fetch or copy asked from the picker failed. Its text is
/// the one line the status bar shows (the cause included, escaped by the view); the cause
/// stays reachable through [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
pub enum PickerError {
    /// The secure store wants a password, which cannot be typed inside the picker.
    #[error("{0:#} (set AWS_SSO_FILE_PASSWORD, or choose the role with Enter)")]
    Store(#[source] anyhow::Error),
    /// No valid SSO session to refresh with.
    #[error("{0} (Ctrl-L logs in)")]
    NoSession(#[source] AuthError),
    #[error("{0}")]
    Login(#[source] AuthError),
    /// Getting a role's credentials before Enter's action failed (not for want of a login).
    #[error("{0}")]
    Credentials(#[source] CredentialsError),
    /// Refreshing the cache, or getting the credentials a copy needs, failed.
    #[error("{0:#}")]
    Failed(#[source] anyhow::Error),
    #[error("{0}")]
    Clipboard(#[source] ClipboardError),
}

pub type BackendResult<T> = Result<T, PickerError>;

pub trait PickerBackend: Send + Sync + 'static {
    /// Refresh the role cache of the current instance now and rebuild the roster.
    fn refresh(&self) -> BoxFuture<'static, BackendResult<Refreshed>>;

    /// Log in again. Lines the person must see (the URL, the device code) are sent to `show`
    /// while the login waits; the result is the new session's expiry.
    fn login(&self, show: UnboundedSender<String>) -> BoxFuture<'static, BackendResult<i64>>;

    /// Fetch `role`'s credentials into the store without logging in, so the action chosen
    /// with Enter can run; says when the SSO session has ended instead.
    fn prepare(&self, role: PickRole) -> BoxFuture<'static, BackendResult<Readiness>>;

    /// Copy `what` of `role` to the clipboard.
    fn copy(&self, role: PickRole, what: Copyable) -> BoxFuture<'static, BackendResult<Delivered>>;
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

/// The picker's columns (`ListFields`).
pub fn fields(ctx: &Context) -> Result<Vec<ListField>> {
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
/// The roles come in their order before anything is typed ([`by_frecency`]).
pub fn load_roster(ctx: &Context) -> Result<(Roster, bool)> {
    let names = instances(ctx);
    let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    let config_mtime = ctx.config.mtime().unwrap_or(0);
    let fast = roster::from_snapshot(&ctx.paths.cache_file, &ctx.config.profile_format, &wanted);
    if let Some(mut fast) = fast {
        let expired = fast.expired(&ctx.instance, ctx.config.cache_refresh, config_mtime, now());
        by_frecency(ctx, &mut fast.roster);
        return Ok((fast.roster, expired));
    }
    let mut cache = crate::cache::Cache::load_deferring_snapshot(&ctx.paths.cache_file)?;
    let mut roster = build_roster(ctx, &mut cache)?;
    cache.resnapshot_if_due();
    by_frecency(ctx, &mut roster);
    // The roster holds all the picker needs: the catalog goes before the matcher fills up.
    Ok((roster, ctx.cache_expired(&cache)))
}

/// The order before anything is typed: the most used roles (often and lately) first.
fn by_frecency(ctx: &Context, roster: &mut Roster) {
    crate::frecency::Frecency::load(&ctx.paths.config_dir.join(crate::frecency::FILE_NAME))
        .order(&mut roster.roles, now());
}

/// Seconds a copied secret (exports, console URL) stays on the clipboard:
/// `$AWS_SSO_CLIPBOARD_CLEAR`, else `ClipboardClearSeconds`; 0 keeps it as long as any copy.
pub fn clipboard_clear_secs(ctx: &Context) -> u64 {
    std::env::var("AWS_SSO_CLIPBOARD_CLEAR")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or_else(|| u64::try_from(ctx.config.clipboard_clear_seconds).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_keeps_the_whole_cause_and_the_chain_stays_reachable() {
        let locked = anyhow::anyhow!("wrong password").context("cannot open store.json");
        let err = PickerError::Store(locked);
        assert_eq!(
            err.to_string(),
            "cannot open store.json: wrong password (set AWS_SSO_FILE_PASSWORD, or choose the role with Enter)"
        );
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("cannot open store.json"));
    }
}
