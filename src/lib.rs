//! aws-sso: log in to AWS IAM Identity Center, keep the role catalog cached, hand out
//! short-lived role credentials.
//!
//! Module map and the one rule of dependency direction:
//!
//! * Domain layer (knows nothing of clap, ratatui or crossterm, and never prints):
//!   - [`config`]: `config.yaml` discovery, schema, defaults and validation.
//!   - [`profile_format`]: `ProfileFormat` templates (aws-sso-cli's Go-template dialect,
//!     rendered with handlebars).
//!   - [`catalog`]: SSO instances → accounts → roles, tags and config overlays.
//!   - [`role`]: role identity: [`role::RoleId`], role ARNs, account ids.
//!   - [`cache`]: `cache.json` (aws-sso-cli Version 4 layout), expiry and history.
//!   - [`format`]: tables and CSV exactly as aws-sso-cli lays them out; [`display`]: outside
//!     text escaped for the terminal (control and bidi characters shown, not obeyed).
//!   - [`store`]: the secure store (OS keyrings, encrypted file, json) behind one trait.
//!   - [`aws`], [`auth`], [`refresh`], [`ratelimit`], [`urlaction`]: talking to AWS;
//!     [`sync`] brings an instance's cached catalog up to date.
//!   - [`ecs`]: the ECS credential server (slots, renewal, HTTP/TLS/unix-socket serving)
//!     and its client.
//!   - [`fsutil`]: atomic, permission-aware file writes; [`http`]: the HTTP client builder.
//!   - [`wizard`]: what the setup wizard asks, validates and writes into config.yaml.
//!   - [`completion`]: the values Tab completion offers, from config.yaml and the cache only.
//!   - [`roster`] + [`matcher`]: the picker's rows and fuzzy matching (the only place nucleo
//!     appears); [`clipboard`]: copies that outlive the process.
//! * Application layer: [`app`], the use cases both front-ends share (context, store,
//!   authenticator, role resolution, credentials, refresh).
//! * Front-ends: [`commands`] (the clap grammar and one file per subcommand, its arguments
//!   next to its `run`) and [`tui`] (the full-screen picker, which only returns the chosen
//!   role). Only they print.

pub mod app;
pub mod auth;
pub mod aws;
pub mod awsconfig;
pub mod cache;
pub mod catalog;
pub mod clipboard;
pub mod commands;
pub mod completion;
pub mod config;
pub mod console;
pub mod credentials;
pub mod credfile;
pub mod display;
pub mod ecs;
pub mod format;
pub mod frecency;
pub mod fsutil;
pub mod http;
pub mod logging;
pub mod matcher;
pub mod profile_format;
pub mod ratelimit;
pub mod refresh;
pub mod role;
pub mod roster;
pub mod selection;
pub mod shell;
pub mod shellrc;
pub mod store;
pub mod sync;
pub mod tui;
pub mod urlaction;
pub mod wizard;
