//! Opening the picker from the command line: when `aws-sso` runs bare on a terminal, or
//! `eval`/`exec`/`console`/`credentials` get no role. The picker returns a role; the caller
//! then fills the role flags with its ARN and runs the very same command code as
//! `--arn` would. The picker's backend (refresh, login, copies) is [`crate::app::picker`].

use std::io::{self, IsTerminal};
use std::sync::Arc;

use anyhow::{Context as _, Result};

use super::RoleFlags;
use crate::app::picker::{Backend, clipboard_clear_secs, fields, load_roster};
use crate::app::roles::{self, EnvFallback};
use crate::app::session_expiry;
use crate::app::{Context, now};
use crate::logging;
use crate::tui::app::{self, PickerInput};
use crate::tui::keymap::Keymap;
use crate::tui::state::{Choice, Launch, Outcome, Settings};
use crate::tui::terminal;
use crate::tui::theme::Theme;

/// The person left the picker without choosing (exit status 130, nothing on stdout).
#[derive(Debug, thiserror::Error)]
#[error("cancelled")]
pub(super) struct Cancelled;

/// A picker can be shown: a terminal to draw on and a person at it (stdin is a terminal; a
/// captured stdout is fine, that is `eval "$(aws-sso eval)"`).
pub(super) fn available() -> bool {
    io::stdin().is_terminal() && terminal::available()
}

/// No role flags (nor, with `fallback`, the variables of an aws-sso shell), and a terminal to
/// pick on.
pub(super) fn wanted(flags: &RoleFlags, fallback: EnvFallback) -> bool {
    roles::query(flags.query(), fallback).is_empty() && available()
}

/// Open the picker and put the chosen role into the flags, as if `--arn` had been given; the
/// region picked for it, if any, is for `--region`.
pub(super) fn into_flags(
    ctx: &mut Context,
    flags: &mut RoleFlags,
    launch: Launch,
) -> Result<Option<String>> {
    let picked = choose(ctx, launch)?;
    ctx.instance = picked.instance;
    *flags = picked.flags;
    Ok(picked.region)
}

/// The role chosen, as the flags that select it, and what to do with it.
pub(super) struct Picked {
    pub flags: RoleFlags,
    pub profile: String,
    pub instance: String,
    pub choice: Choice,
    /// The region picked in the picker (as `--region`), when not the role's DefaultRegion.
    pub region: Option<String>,
}

/// Show the picker and wait for a role. `Err(Cancelled)` when the person backs out.
pub(super) fn choose(ctx: &Context, launch: Launch) -> Result<Picked> {
    // Log lines would scribble over the picker: hold them from before anything the picker
    // reads (the store, the cache) until it is gone.
    let _quiet = logging::hold();
    let (roster, cache_expired) = load_roster(ctx)?;
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
    let backend = Arc::new(Backend::new(ctx.clone()));
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
