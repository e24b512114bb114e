//! The picker's state machine: `update(state, msg) -> effects`, pure (no I/O, no clock: time
//! arrives as `Msg::Tick`), so every key and background event is tested without a terminal.

use super::action::Action;
use super::keymap::KeyResult;
use super::state::{
    Choice, Effect, Launch, Level, MENU, MenuItem, Msg, Outcome, Overlay, Refresh, State, Status,
};
use crate::app::picker::Copyable;

/// How long a status message stays, in seconds.
const STATUS_SECS: i64 = 6;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    state.dirty = true;
    match msg {
        Msg::Key(KeyResult::Ignored) => {
            state.dirty = false;
            Vec::new()
        }
        Msg::Key(KeyResult::Insert(c)) => insert(state, c),
        Msg::Key(KeyResult::Action(action)) => act(state, action),
        Msg::Paste(text) => {
            if state.overlay != Overlay::None {
                return Vec::new();
            }
            state.input.insert_str(text.trim());
            query_changed(state)
        }
        Msg::Scroll(rows) => {
            if state.overlay == Overlay::Help {
                return scroll_help(state, Some(i64::from(rows)), None);
            }
            if state.overlay != Overlay::None {
                return Vec::new();
            }
            let target = i64::from(state.cursor) + i64::from(rows);
            move_to(state, target)
        }
        Msg::Click(row) => {
            if state.overlay != Overlay::None {
                return Vec::new();
            }
            let target = state.offset + u32::from(row);
            if target >= state.matches.matched {
                return Vec::new();
            }
            if target == state.cursor && state.selected.is_some() {
                // A second click on the selected row is Enter.
                return accept(state);
            }
            move_to(state, i64::from(target))
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            Vec::new()
        }
        Msg::Matched(status) => {
            let changed = status.changed;
            state.matches = status;
            if !changed {
                return Vec::new();
            }
            // Keep the cursor on a real row when results shrink (or first arrive).
            let last = state.matches.matched.saturating_sub(1);
            if state.cursor > last {
                state.cursor = last;
            }
            clamp_offset(state);
            vec![Effect::Select(state.cursor)]
        }
        Msg::Reselect(pos) => move_to(state, i64::from(pos)),
        Msg::Selected(role) => {
            // The pending action was for the role that was selected; another one drops it.
            if state.pending.as_ref().map(|(p, _)| &p.arn) != role.as_ref().map(|r| &r.arn) {
                state.pending = None;
            }
            state.selected = role;
            Vec::new()
        }
        Msg::Tick(now) => {
            let before = (state.now, state.status.is_some());
            state.now = now;
            if state.status.as_ref().is_some_and(|s| s.until <= now) {
                state.status = None;
            }
            // The expiry pane counts down in seconds; otherwise only a dropped status shows.
            state.dirty =
                (state.panes.expiry && before.0 != now) || before.1 != state.status.is_some();
            Vec::new()
        }
        Msg::Recent(recent) => {
            state.recent = recent;
            Vec::new()
        }
        Msg::RefreshStarted => {
            state.refresh = Refresh::Running;
            Vec::new()
        }
        Msg::RefreshDone(result) => {
            state.refresh = Refresh::Idle;
            match result {
                Ok((session, summary)) => {
                    if session.is_some() {
                        state.session_expires = session;
                    }
                    say(state, Level::Info, summary);
                }
                Err(e) => say(state, Level::Error, e),
            }
            Vec::new()
        }
        Msg::LoginLine(line) => {
            match &mut state.overlay {
                Overlay::Login { lines, .. } => lines.push(line),
                _ => {
                    state.overlay = Overlay::Login {
                        lines: vec![line],
                        done: false,
                    }
                }
            }
            Vec::new()
        }
        Msg::LoginDone(result) => {
            state.overlay = Overlay::None;
            let pending = state.pending.take();
            match result {
                Ok(expires) => {
                    state.session_expires = Some(expires);
                    // Enter started this login: carry out what it chose.
                    if let Some((role, choice)) = pending {
                        return vec![Effect::Exit(chosen(state, role, choice))];
                    }
                    say(state, Level::Info, "logged in; refreshing roles".into());
                    vec![Effect::Refresh]
                }
                Err(e) => {
                    say(state, Level::Error, format!("login failed: {e}"));
                    Vec::new()
                }
            }
        }
        Msg::Copied(what, result) => {
            match result {
                Ok(delivered) => {
                    let text = copied_text(state, what, &delivered);
                    say(state, Level::Info, text);
                }
                Err(e) => say(state, Level::Error, e),
            }
            Vec::new()
        }
        Msg::Prepared(result) => prepared(state, result),
        Msg::SessionExpires(expires) => {
            state.session_expires = expires;
            Vec::new()
        }
        Msg::Resumed => Vec::new(),
    }
}

fn say(state: &mut State, level: Level, text: String) {
    state.status = Some(Status {
        level,
        text,
        until: state.now + STATUS_SECS,
    });
}

fn insert(state: &mut State, c: char) -> Vec<Effect> {
    match state.overlay {
        Overlay::None => {}
        Overlay::Help => {
            // Any key closes the help; `?` again too.
            state.overlay = Overlay::None;
            return Vec::new();
        }
        Overlay::Menu { .. } => {
            // Digits pick a menu entry directly.
            if let Some(d) = c.to_digit(10).and_then(|d| usize::try_from(d).ok())
                && (1..=MENU.len()).contains(&d)
            {
                return choose(state, MENU[d - 1]);
            }
            return Vec::new();
        }
        Overlay::Login { .. } => return Vec::new(),
    }
    if c == '?' && state.input.is_empty() {
        state.overlay = Overlay::Help;
        state.help_scroll = 0;
        return Vec::new();
    }
    // `-` first, like `cd -`: the role used before the current one. Anywhere else it is
    // part of the query (`web-dev`).
    if c == '-' && state.input.is_empty() {
        return previous_role(state);
    }
    state.input.insert(c);
    query_changed(state)
}

fn query_changed(state: &mut State) -> Vec<Effect> {
    state.cursor = 0;
    state.offset = 0;
    vec![Effect::Query(state.matcher_query()), Effect::Select(0)]
}

fn clamp_offset(state: &mut State) {
    let height = u32::from(state.list_height().max(1));
    if state.cursor < state.offset {
        state.offset = state.cursor;
    } else if state.cursor >= state.offset + height {
        state.offset = state.cursor + 1 - height;
    }
    let max_offset = state.matches.matched.saturating_sub(height);
    state.offset = state.offset.min(max_offset);
}

fn move_to(state: &mut State, target: i64) -> Vec<Effect> {
    let count = state.matches.matched;
    if count == 0 {
        return Vec::new();
    }
    let target = target.clamp(0, i64::from(count) - 1);
    state.cursor = u32::try_from(target).unwrap_or(0);
    clamp_offset(state);
    vec![Effect::Select(state.cursor)]
}

fn page(state: &State) -> i64 {
    i64::from(state.list_height().max(2) - 1)
}

fn act(state: &mut State, action: Action) -> Vec<Effect> {
    match &mut state.overlay {
        Overlay::None => {}
        Overlay::Help => {
            // The moving keys scroll a help taller than the screen; any other key closes it
            // (and, but for Ctrl-C, acts).
            let page = i64::from(state.size.1.saturating_sub(4).max(1));
            let scrolled = match action {
                Action::Up => Some((Some(-1), None)),
                Action::Down => Some((Some(1), None)),
                Action::PageUp => Some((Some(-page), None)),
                Action::PageDown => Some((Some(page), None)),
                Action::Home => Some((None, Some(0))),
                Action::End => Some((None, Some(i64::MAX))),
                _ => None,
            };
            if let Some((by, to)) = scrolled
                && super::view::overlay::help_max_scroll(state.size) > 0
            {
                return scroll_help(state, by, to);
            }
            state.overlay = Overlay::None;
            // Ctrl-C still quits from the help.
            return if action == Action::Cancel {
                Vec::new()
            } else {
                act(state, action)
            };
        }
        Overlay::Menu { selected } => {
            match action {
                Action::Up => *selected = selected.checked_sub(1).unwrap_or(MENU.len() - 1),
                Action::Down => *selected = (*selected + 1) % MENU.len(),
                Action::Home => *selected = 0,
                Action::End => *selected = MENU.len() - 1,
                Action::Accept => {
                    let item = MENU[*selected];
                    return choose(state, item);
                }
                Action::Cancel | Action::ActionMenu => state.overlay = Overlay::None,
                _ => {}
            }
            return Vec::new();
        }
        Overlay::Login { .. } => {
            // The login runs on; Esc hides its box (the result still arrives) and drops the
            // action Enter had chosen.
            if action == Action::Cancel {
                state.overlay = Overlay::None;
                state.pending = None;
            }
            return Vec::new();
        }
    }
    let cursor = i64::from(state.cursor);
    match action {
        Action::Up => move_to(state, cursor - 1),
        Action::Down => move_to(state, cursor + 1),
        Action::PageUp => move_to(state, cursor - page(state)),
        Action::PageDown => move_to(state, cursor + page(state)),
        Action::Home => move_to(state, 0),
        Action::End => move_to(state, i64::MAX),
        Action::Accept => accept(state),
        Action::Cancel => vec![Effect::Exit(Outcome::Cancelled)],
        Action::OpenConsole => run(state, Choice::Console),
        Action::CopyExports => copy(state, Copyable::Exports),
        Action::CopyConsoleUrl => copy(state, Copyable::ConsoleUrl),
        Action::CopyArn => copy(state, Copyable::Arn),
        Action::CopyProfile => copy(state, Copyable::Profile),
        Action::Refresh => {
            if state.refresh == Refresh::Running {
                return Vec::new();
            }
            state.refresh = Refresh::Running;
            vec![Effect::Refresh]
        }
        Action::Login => {
            state.overlay = Overlay::Login {
                lines: vec!["Starting the login…".into()],
                done: false,
            };
            vec![Effect::Login]
        }
        Action::SwitchInstance => {
            let instances = &state.settings.instances;
            if instances.len() < 2 {
                say(
                    state,
                    Level::Warn,
                    "only one SSO instance is configured".into(),
                );
                return Vec::new();
            }
            // All → first → second → … → all.
            state.scope = match &state.scope {
                None => Some(instances[0].clone()),
                Some(cur) => instances
                    .iter()
                    .position(|i| i == cur)
                    .and_then(|p| instances.get(p + 1))
                    .cloned(),
            };
            query_changed(state)
        }
        Action::ToggleDetails => toggle(&mut state.panes.details),
        Action::ToggleExpiry => toggle(&mut state.panes.expiry),
        Action::ToggleHistory => toggle(&mut state.panes.history),
        Action::TogglePanes => {
            let p = &mut state.panes;
            let any = p.details || p.expiry || p.history;
            p.details = !any;
            p.expiry = !any;
            p.history = !any;
            Vec::new()
        }
        Action::Help => {
            state.overlay = Overlay::Help;
            state.help_scroll = 0;
            Vec::new()
        }
        Action::ActionMenu => {
            if state.selected.is_some() {
                state.overlay = Overlay::Menu { selected: 0 };
            }
            Vec::new()
        }
        Action::Suspend => vec![Effect::Suspend],
        Action::CycleRegion => {
            cycle_region(state);
            Vec::new()
        }
        Action::CursorLeft => edit(state, |i| i.left()),
        Action::CursorRight => edit(state, |i| i.right()),
        Action::CursorStart => edit(state, |i| i.start()),
        Action::CursorEnd => edit(state, |i| i.end()),
        Action::WordLeft => edit(state, |i| i.word_left()),
        Action::WordRight => edit(state, |i| i.word_right()),
        Action::DeleteBack => change(state, |i| i.delete_back()),
        Action::DeleteForward => change(state, |i| i.delete_forward()),
        Action::DeleteWord => change(state, |i| i.delete_word()),
        Action::DeleteToStart => change(state, |i| i.delete_to_start()),
    }
}

/// Scroll the help `by` lines or `to` a line, within what the screen leaves hidden.
fn scroll_help(state: &mut State, by: Option<i64>, to: Option<i64>) -> Vec<Effect> {
    let max = i64::from(super::view::overlay::help_max_scroll(state.size));
    let now = i64::from(state.help_scroll).min(max);
    let target = to.unwrap_or(now + by.unwrap_or(0)).clamp(0, max);
    state.help_scroll = u16::try_from(target).unwrap_or(0);
    Vec::new()
}

fn toggle(flag: &mut bool) -> Vec<Effect> {
    *flag = !*flag;
    Vec::new()
}

fn edit(state: &mut State, f: impl FnOnce(&mut super::input::LineInput)) -> Vec<Effect> {
    f(&mut state.input);
    Vec::new()
}

fn change(state: &mut State, f: impl FnOnce(&mut super::input::LineInput)) -> Vec<Effect> {
    let before = state.input.text().to_string();
    f(&mut state.input);
    if state.input.text() == before {
        return Vec::new();
    }
    query_changed(state)
}

fn accept(state: &mut State) -> Vec<Effect> {
    if state.selected.is_none() {
        return Vec::new();
    }
    match state.settings.launch {
        Launch::Menu => {
            state.overlay = Overlay::Menu { selected: 0 };
            Vec::new()
        }
        Launch::Eval => run(state, Choice::Eval),
        Launch::Exec => run(state, Choice::Exec),
        Launch::Console => run(state, Choice::Console),
        Launch::Credentials => run(state, Choice::Credentials),
    }
}

fn copy(state: &mut State, what: Copyable) -> Vec<Effect> {
    let Some(role) = state.selected.clone() else {
        return Vec::new();
    };
    if what.needs_credentials() {
        say(state, Level::Info, format!("getting the {}…", what.label()));
    }
    vec![Effect::Copy(role, what)]
}

fn choose(state: &mut State, item: MenuItem) -> Vec<Effect> {
    state.overlay = Overlay::None;
    match item {
        MenuItem::Run(choice) => run(state, choice),
        MenuItem::Copy(what) => copy(state, what),
    }
}

mod choice;
use choice::{chosen, copied_text, cycle_region, prepared, previous_role, run};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod help_scroll_tests;
