//! The interactive front-end: the full-screen role picker. Its job ends when it returns the
//! chosen role (and what to do with it); `commands` then runs the same code the flags run.
//!
//! * [`app`]: the event loop (one `tokio::select!`), carrying out effects.
//! * [`state`] + [`update`]: all picker state and the pure function that changes it.
//! * [`action`] + [`keymap`]: user intents and the configurable keys that trigger them.
//! * [`view`] + [`layout`]: drawing only; [`theme`]: semantic styles from `themes/`.
//! * [`terminal`]: `/dev/tty`, raw mode, restore on exit/panic/suspend.
//! * What the picker asks of the rest of the program (refresh, login, credentials, copies)
//!   is the [`crate::app::picker::PickerBackend`] trait: defined and implemented in the
//!   application layer, so `tui` depends on `app` and never the other way round.
//!
//! Fuzzy matching lives in [`crate::matcher`] (the only place nucleo appears).

pub mod action;
pub mod app;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod state;
#[cfg(unix)]
pub mod suspend;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
