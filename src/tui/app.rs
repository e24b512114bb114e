//! The picker's event loop: one `tokio::select!` over terminal events, background results,
//! the matcher's wake-ups, a one-second clock and termination signals. Each input becomes a
//! [`Msg`] for the pure [`update`]; the loop carries out the [`Effect`]s it returns and redraws
//! only when the state is dirty.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{Event, EventStream, KeyEventKind, MouseButton, MouseEventKind};
use futures::StreamExt;
use tokio::sync::{Notify, mpsc};

use super::backend::{Copyable, Delivered, PickerBackend, Refreshed};
use super::keymap::Keymap;
use super::layout;
use super::state::{Effect, Msg, Outcome, Recent, Settings, State};
use super::terminal::Tty;
use super::theme::Theme;
use super::update::update;
use super::view;
use crate::catalog::ListField;
use crate::matcher::{MatchOptions, Matcher, RoleInjector};
use crate::roster::Roster;

/// Everything the picker starts from.
pub struct PickerInput {
    pub settings: Settings,
    pub instance: String,
    pub roster: Roster,
    pub session_expires: Option<i64>,
    pub full_text_search: bool,
    pub theme: Theme,
    pub keymap: Keymap,
    /// The cache is due: refresh in the background as soon as the first frame is up.
    pub refresh_on_start: bool,
}

/// The table's columns: `ListFields`, plus the instance when there is more than one.
pub fn display_fields(settings: &Settings) -> Vec<ListField> {
    let mut fields = settings.fields.clone();
    if settings.instances.len() > 1 && !fields.contains(&ListField::Sso) {
        fields.insert(0, ListField::Sso);
    }
    fields
}

/// Roles used before, most recent first, for the history pane.
pub fn recent(roster: &Roster, limit: usize) -> Vec<Recent> {
    let mut out: Vec<Recent> = roster
        .roles
        .iter()
        .filter_map(|r| {
            r.last_used.map(|used_at| Recent {
                label: format!(
                    "{}:{}",
                    if r.account_alias.is_empty() {
                        r.account_id.to_string()
                    } else {
                        r.account_alias.to_string()
                    },
                    r.role_name
                ),
                arn: r.arn.to_string(),
                used_at,
            })
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.used_at));
    out.truncate(limit);
    out
}

/// Messages from background tasks (results that are not plain data for `update`).
enum Bg {
    Refreshed(Result<Refreshed, String>),
    Copied(Copyable, Result<Delivered, String>),
    Msg(Msg),
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Feed `roster` to the matcher. This only queues the roles: the engine takes them in on its
/// own thread, a first screenful before the rest, so the first frame has rows.
fn inject(injector: RoleInjector, roster: Roster) {
    injector.extend(roster.roles);
}

/// Run the picker until a role is chosen or it is cancelled.
pub async fn run(input: PickerInput, backend: Arc<dyn PickerBackend>) -> Result<Outcome> {
    let PickerInput {
        settings,
        instance,
        roster,
        session_expires,
        full_text_search,
        theme,
        keymap,
        refresh_on_start,
    } = input;
    let fields = display_fields(&settings);
    let notify = Arc::new(Notify::new());
    let waker = Arc::clone(&notify);
    let mut matcher = Matcher::new(
        MatchOptions {
            fields: fields.clone(),
            full_text_search,
            threads: None,
        },
        Arc::new(move || waker.notify_one()),
    );
    let mut state = State::new(settings, instance, now());
    state.session_expires = session_expires;
    state.recent = recent(&roster, 20);
    inject(matcher.injector(), roster);

    let (bg_tx, mut bg_rx) = mpsc::unbounded_channel::<Bg>();
    let mut tty = Tty::open()?;
    let size = tty.terminal.size()?;
    let mut queue: VecDeque<Msg> = VecDeque::new();
    queue.push_back(Msg::Resize(size.width, size.height));
    queue.push_back(Msg::Matched(matcher.tick(5)));
    if refresh_on_start {
        queue.push_back(Msg::RefreshStarted);
        spawn_refresh(&backend, &bg_tx);
    }
    let mut events = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let mut terminate = terminate_signal()?;
    let mut restore_arn: Option<String> = None;

    loop {
        while let Some(msg) = queue.pop_front() {
            let effects = update(&mut state, msg);
            for effect in effects {
                match effect {
                    Effect::Query(q) => {
                        matcher.set_query(&q);
                        // Up to a few ms for the workers, so most keystrokes draw complete
                        // results; slower ones draw what is there and finish on the notify.
                        queue.push_back(Msg::Matched(matcher.tick(8)));
                    }
                    Effect::Select(pos) => {
                        let role = matcher.get(pos).cloned();
                        state.selected = role;
                    }
                    Effect::Refresh => spawn_refresh(&backend, &bg_tx),
                    Effect::Login => {
                        let (line_tx, mut line_rx) = mpsc::unbounded_channel::<String>();
                        let tx = bg_tx.clone();
                        tokio::spawn(async move {
                            while let Some(line) = line_rx.recv().await {
                                let _ = tx.send(Bg::Msg(Msg::LoginLine(line)));
                            }
                        });
                        let fut = backend.login(line_tx);
                        let tx = bg_tx.clone();
                        tokio::spawn(async move {
                            let _ = tx.send(Bg::Msg(Msg::LoginDone(fut.await)));
                        });
                    }
                    Effect::Copy(role, what) => {
                        let fut = backend.copy(role, what);
                        let tx = bg_tx.clone();
                        tokio::spawn(async move {
                            let _ = tx.send(Bg::Copied(what, fut.await));
                        });
                    }
                    Effect::Suspend => {
                        tty.suspend()?;
                        state.dirty = true;
                    }
                    Effect::Exit(outcome) => return Ok(outcome),
                }
            }
        }
        if state.dirty {
            let areas = layout::areas(tty.terminal.get_frame().area(), state.panes);
            state.list_height = areas.list_rows();
            let start = state.offset;
            let end = start.saturating_add(u32::from(state.list_height));
            let rows = matcher.rows(start..end, state.now);
            tty.terminal
                .draw(|f| view::draw(f, &state, &rows, &fields, &theme, &keymap))?;
            state.dirty = false;
        }

        tokio::select! {
            biased;
            _ = terminate.recv() => return Ok(Outcome::Cancelled),
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(msg) = translate(event, &keymap, &state) {
                        queue.push_back(msg);
                    }
                }
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Outcome::Cancelled),
            },
            Some(bg) = bg_rx.recv() => match bg {
                Bg::Refreshed(Ok(refreshed)) => {
                    restore_arn = state.selected.as_ref().map(|r| r.arn.to_string());
                    state.recent = recent(&refreshed.roster, 20);
                    inject(matcher.restart(), refreshed.roster);
                    queue.push_back(Msg::RefreshDone(Ok((refreshed.session_expires, refreshed.summary))));
                }
                Bg::Refreshed(Err(e)) => queue.push_back(Msg::RefreshDone(Err(e))),
                Bg::Copied(what, result) => {
                    if let Ok(Delivered::Osc52(seq)) = &result {
                        // No display: the terminal itself takes the text.
                        tty.write_raw(seq.as_bytes())?;
                    }
                    queue.push_back(Msg::Copied(result.map(|_| what.label().to_string())));
                }
                Bg::Msg(msg) => queue.push_back(msg),
            },
            _ = notify.notified() => {
                let status = matcher.tick(0);
                queue.push_back(Msg::Matched(status));
                if let Some(arn) = restore_arn.as_deref()
                    && matcher.is_idle()
                {
                    if let Some(pos) = matcher.position_of(arn) {
                        queue.push_back(Msg::Reselect(pos));
                    }
                    restore_arn = None;
                }
            },
            _ = clock.tick() => queue.push_back(Msg::Tick(now())),
        }
    }
}

fn spawn_refresh(backend: &Arc<dyn PickerBackend>, tx: &mpsc::UnboundedSender<Bg>) {
    let fut = backend.refresh();
    let tx = tx.clone();
    tokio::spawn(async move {
        let _ = tx.send(Bg::Refreshed(fut.await));
    });
}

/// A terminal event as a message for `update` (mouse positions mapped with the layout).
fn translate(event: Event, keymap: &Keymap, state: &State) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(keymap.resolve(&key))),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Msg::Scroll(3)),
            MouseEventKind::ScrollUp => Some(Msg::Scroll(-3)),
            MouseEventKind::Down(MouseButton::Left) => {
                let area = ratatui::layout::Rect::new(0, 0, state.size.0, state.size.1);
                layout::areas(area, state.panes)
                    .row_at(m.column, m.row)
                    .map(Msg::Click)
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(unix)]
fn terminate_signal() -> Result<Terminate> {
    use tokio::signal::unix::{SignalKind, signal};
    Ok(Terminate {
        term: signal(SignalKind::terminate())?,
        hup: signal(SignalKind::hangup())?,
    })
}

#[cfg(unix)]
struct Terminate {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Terminate {
    async fn recv(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.hup.recv() => {},
        }
    }
}

#[cfg(not(unix))]
fn terminate_signal() -> Result<Terminate> {
    Ok(Terminate)
}

#[cfg(not(unix))]
struct Terminate;

#[cfg(not(unix))]
impl Terminate {
    async fn recv(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
