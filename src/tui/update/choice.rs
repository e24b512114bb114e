//! Carrying out a choice: Enter's action on the selected role (at once, or after its
//! credentials are fetched and, when the SSO session has ended, a login), the region picked
//! for it, the previous role (`-`), and what a finished copy says.

use super::{Level, say};
use crate::app::picker::{Copyable, Delivered, Readiness};
use crate::roster::PickRole;
use crate::tui::state::{Choice, Effect, Outcome, Overlay, State};

/// Carry out `choice` on the selected role: at once when its credentials are cached, else
/// once they are fetched (after a login when the SSO session has ended), so a session that
/// ended never costs the query.
pub(super) fn run(state: &mut State, choice: Choice) -> Vec<Effect> {
    let Some(role) = state.selected.clone() else {
        return Vec::new();
    };
    if role.expires > state.now + crate::credentials::REUSE_MARGIN_SECS {
        return vec![Effect::Exit(chosen(state, role, choice))];
    }
    say(state, Level::Info, "getting the role's credentials…".into());
    state.pending = Some((role.clone(), choice));
    vec![Effect::Prepare(role)]
}

pub(super) fn prepared(state: &mut State, result: Result<Readiness, String>) -> Vec<Effect> {
    let Some((role, choice)) = state.pending.clone() else {
        return Vec::new();
    };
    match result {
        Ok(Readiness::Ready) => {
            state.pending = None;
            vec![Effect::Exit(chosen(state, role, choice))]
        }
        Ok(Readiness::NeedsLogin) => {
            state.status = None;
            state.overlay = Overlay::Login {
                lines: vec!["The SSO session has ended: logging in first…".into()],
                done: false,
            };
            vec![Effect::Login]
        }
        Err(e) => {
            state.pending = None;
            say(state, Level::Error, e);
            Vec::new()
        }
    }
}

/// The picker's result for `role` and `choice`, with the region picked for it when that is
/// not the role's own.
pub(super) fn chosen(state: &State, role: PickRole, choice: Choice) -> Outcome {
    let region = state.region.clone().filter(|r| *r != role.region.as_str());
    Outcome::Chosen {
        role,
        choice,
        region,
    }
}

/// The next region for the action: the selected role's DefaultRegion, then every AWS region
/// in order, and round again.
pub(super) fn cycle_region(state: &mut State) {
    let Some(role) = &state.selected else {
        return;
    };
    let default = role.region.to_string();
    let mut order: Vec<&str> = Vec::with_capacity(crate::completion::REGIONS.len() + 1);
    if !default.is_empty() {
        order.push(&default);
    }
    order.extend(crate::completion::REGIONS.iter().filter(|r| **r != default));
    let current = state.region.as_deref().unwrap_or(&default);
    let next = match order.iter().position(|r| *r == current) {
        Some(i) => order[(i + 1) % order.len()],
        None => order[0],
    };
    let next = next.to_string();
    say(state, Level::Info, format!("region for the action: {next}"));
    state.region = Some(next);
}

/// Select the role used before the current (most recent) one in History.
pub(super) fn previous_role(state: &mut State) -> Vec<Effect> {
    match state.recent.get(1) {
        Some(prev) => {
            let (label, arn) = (prev.label.clone(), prev.arn.clone());
            say(state, Level::Info, format!("previous role: {label}"));
            vec![Effect::SelectArn(arn)]
        }
        None => {
            say(
                state,
                Level::Warn,
                "no role before the current one in History".into(),
            );
            Vec::new()
        }
    }
}

/// What a finished copy says: where the text went (a terminal may ignore OSC 52, so that is
/// only "sent") and, for a secret, when it leaves the clipboard.
pub(super) fn copied_text(state: &State, what: Copyable, delivered: &Delivered) -> String {
    let label = what.label();
    let done = match delivered {
        Delivered::Clipboard => format!("copied the {label}"),
        Delivered::Osc52(_) => format!("sent the {label} to the terminal's clipboard"),
    };
    match (what.is_secret(), state.clipboard_clear_secs) {
        (true, secs) if secs > 0 => format!("{done}; cleared in {secs} s"),
        _ => done,
    }
}
