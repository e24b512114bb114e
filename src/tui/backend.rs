//! What the picker asks of the rest of the program while it is open: a refresh of the role
//! cache, a login, and the text of a clipboard copy. The `commands` front-end implements it
//! with the same domain code the flags use, so the TUI never opens a store or builds an SDK
//! client itself, and tests can drive the loop with a scripted backend.

use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use crate::roster::{PickRole, Roster};

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

/// Errors are already one line, ready for the status bar.
pub type BackendResult<T> = Result<T, String>;

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
