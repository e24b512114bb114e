//! The application layer: the use cases both front-ends (`commands/` and `tui/`) share,
//! written once over the domain. It loads the [`Context`] (config.yaml, the instance, what
//! the invocation asked for), opens the secure store and the authenticator, refreshes the
//! role cache, resolves a role selection, builds the credential provider and records what a
//! command learnt in cache.json. It knows nothing of clap, ratatui or crossterm and prints
//! nothing of its own: progress goes to a [`crate::refresh::Progress`] the caller passes,
//! and only the login flows write the lines a person must act on (a URL, a device code) to
//! stderr.

pub mod context;
pub mod picker;
pub mod previous;
pub mod refresh;
pub mod roles;
pub mod session;
pub mod shell_exports;
pub mod sign_in;
pub mod store;

pub use context::{Context, Invocation, no_cached_roles, now};
pub use refresh::{live_catalog, refresh_cache, refresh_cache_with, refresh_if_due};
pub use session::{Interrupted, auth_settings, authenticator, interruptible, retry_settings};
pub use store::{open_store, open_store_quietly, session_expiry};
