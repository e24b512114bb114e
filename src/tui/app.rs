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

use super::keymap::{KeyResult, Keymap};
use super::layout;
use super::state::{Effect, Msg, Outcome, Recent, Settings, State};
use super::terminal::Tty;
use super::theme::Theme;
use super::update::update;
use super::view;
use crate::app::picker::{Copyable, Delivered, PickerBackend, Refreshed};
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
    /// Seconds a copied secret stays on the clipboard (0: as long as any copy).
    pub clipboard_clear_secs: u64,
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
    /// The time to keep the n-th OSC 52 copy (a secret) is up.
    ClearOsc52(u64),
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

/// What the effect runner needs of the screen besides drawing: the terminal can be handed
/// back to the shell (Ctrl-Z) and take raw bytes (an OSC 52 copy). A headless test passes
/// one that records the calls.
pub(crate) trait Screen {
    fn suspend(&mut self) -> Result<()>;
    fn write_raw(&mut self, bytes: &[u8]) -> Result<()>;
}

impl Screen for Tty {
    fn suspend(&mut self) -> Result<()> {
        Ok(Tty::suspend(self)?)
    }
    fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        Ok(Tty::write_raw(self, bytes)?)
    }
}

/// The effect runner: the only code that turns [`Effect`]s into work (the matcher, the
/// backend, the screen) and work's results back into [`Msg`]s. It never writes to [`State`];
/// every change goes through [`update`], so the loop below only moves messages, and a test
/// can drive the whole picker without a terminal.
pub(crate) struct Driver {
    matcher: Matcher,
    backend: Arc<dyn PickerBackend>,
    bg_tx: mpsc::UnboundedSender<Bg>,
    bg_rx: mpsc::UnboundedReceiver<Bg>,
    notify: Arc<Notify>,
    queue: VecDeque<Msg>,
    /// The role to select again once a refreshed roster is matched.
    restore_arn: Option<String>,
    /// OSC 52 copies written so far (a clear is only for the latest).
    osc52_copies: u64,
}

impl Driver {
    pub(crate) fn new(
        fields: Vec<ListField>,
        full_text_search: bool,
        roster: Roster,
        backend: Arc<dyn PickerBackend>,
    ) -> Driver {
        let notify = Arc::new(Notify::new());
        let waker = Arc::clone(&notify);
        let matcher = Matcher::new(
            MatchOptions {
                fields,
                full_text_search,
                threads: None,
            },
            Arc::new(move || waker.notify_one()),
        );
        let (bg_tx, bg_rx) = mpsc::unbounded_channel::<Bg>();
        let mut driver = Driver {
            matcher,
            backend,
            bg_tx,
            bg_rx,
            notify,
            queue: VecDeque::new(),
            restore_arn: None,
            osc52_copies: 0,
        };
        driver.push(Msg::Recent(recent(&roster, 20)));
        inject(driver.matcher.injector(), roster);
        driver
    }

    pub(crate) fn push(&mut self, msg: Msg) {
        self.queue.push_back(msg);
    }

    /// Run every queued message through `update` and carry out its effects, until nothing is
    /// left; `Some` when the picker is done.
    pub(crate) fn drain(
        &mut self,
        state: &mut State,
        screen: &mut dyn Screen,
    ) -> Result<Option<Outcome>> {
        while let Some(msg) = self.queue.pop_front() {
            for effect in update(state, msg) {
                if let Some(outcome) = self.run(effect, screen)? {
                    return Ok(Some(outcome));
                }
            }
        }
        Ok(None)
    }

    fn run(&mut self, effect: Effect, screen: &mut dyn Screen) -> Result<Option<Outcome>> {
        match effect {
            Effect::Query(q) => {
                self.matcher.set_query(&q);
                // Up to a few ms for the workers, so most keystrokes draw complete results;
                // slower ones draw what is there and finish on the notify. Not while more
                // typed characters wait behind this one: only the last query is drawn.
                let wait = if self.queue.iter().any(is_typed) {
                    0
                } else {
                    8
                };
                let status = self.matcher.tick(wait);
                self.push(Msg::Matched(status));
            }
            Effect::Select(pos) => {
                let role = self.matcher.get(pos).cloned();
                self.push(Msg::Selected(role));
            }
            Effect::SelectArn(arn) => {
                if let Some(pos) = self.matcher.position_of(&arn) {
                    self.push(Msg::Reselect(pos));
                }
            }
            Effect::Refresh => self.spawn_refresh(),
            Effect::Login => {
                let (line_tx, mut line_rx) = mpsc::unbounded_channel::<String>();
                let tx = self.bg_tx.clone();
                tokio::spawn(async move {
                    while let Some(line) = line_rx.recv().await {
                        let _ = tx.send(Bg::Msg(Msg::LoginLine(line)));
                    }
                });
                let fut = self.backend.login(line_tx);
                let tx = self.bg_tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(Bg::Msg(Msg::LoginDone(
                        fut.await.map_err(|e| e.to_string()),
                    )));
                });
            }
            Effect::Copy(role, what) => {
                let fut = self.backend.copy(role, what);
                let tx = self.bg_tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(Bg::Copied(what, fut.await.map_err(|e| e.to_string())));
                });
            }
            Effect::Prepare(role) => {
                let fut = self.backend.prepare(role);
                let tx = self.bg_tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(Bg::Msg(Msg::Prepared(fut.await.map_err(|e| e.to_string()))));
                });
            }
            Effect::Suspend => {
                screen.suspend()?;
                self.push(Msg::Resumed);
            }
            Effect::Exit(outcome) => return Ok(Some(outcome)),
        }
        Ok(None)
    }

    fn spawn_refresh(&self) {
        let fut = self.backend.refresh();
        let tx = self.bg_tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(Bg::Refreshed(fut.await.map_err(|e| e.to_string())));
        });
    }

    /// A background task finished: its result becomes messages.
    fn finished(&mut self, bg: Bg, state: &State, screen: &mut dyn Screen) -> Result<()> {
        match bg {
            Bg::Refreshed(Ok(refreshed)) => {
                self.restore_arn = state.selected.as_ref().map(|r| r.arn.to_string());
                self.push(Msg::Recent(recent(&refreshed.roster, 20)));
                inject(self.matcher.restart(), refreshed.roster);
                self.push(Msg::RefreshDone(Ok((
                    refreshed.session_expires,
                    refreshed.summary,
                ))));
            }
            Bg::Refreshed(Err(e)) => self.push(Msg::RefreshDone(Err(e))),
            Bg::Copied(what, result) => {
                if let Ok(Delivered::Osc52(seq)) = &result {
                    // No display: the terminal itself takes the text.
                    screen.write_raw(seq.as_bytes())?;
                    self.osc52_copies += 1;
                    let secs = state.clipboard_clear_secs;
                    if what.is_secret() && secs > 0 {
                        let (tx, copy) = (self.bg_tx.clone(), self.osc52_copies);
                        tokio::spawn(async move {
                            tokio::time::sleep(Duration::from_secs(secs)).await;
                            let _ = tx.send(Bg::ClearOsc52(copy));
                        });
                    }
                }
                self.push(Msg::Copied(what, result));
            }
            // Empty the terminal's clipboard, unless something else was copied since.
            Bg::ClearOsc52(copy) if copy == self.osc52_copies => {
                screen.write_raw(b"\x1b]52;c;\x07")?;
            }
            Bg::ClearOsc52(_) => {}
            Bg::Msg(msg) => self.push(msg),
        }
        Ok(())
    }

    /// The matcher has news: publish it, and once a refreshed roster is fully matched, put
    /// the cursor back on the role that was selected before.
    fn matcher_woke(&mut self) {
        let status = self.matcher.tick(0);
        self.push(Msg::Matched(status));
        if let Some(arn) = self.restore_arn.as_deref()
            && self.matcher.is_idle()
        {
            if let Some(pos) = self.matcher.position_of(arn) {
                self.push(Msg::Reselect(pos));
            }
            self.restore_arn = None;
        }
    }

    /// Wait for the next background result or matcher wake-up and queue what it says (for
    /// tests: the loop below waits for these and the terminal together).
    #[cfg(test)]
    pub(crate) async fn next_background(&mut self, state: &State, screen: &mut dyn Screen) {
        tokio::select! {
            Some(bg) = self.bg_rx.recv() => {
                let _ = self.finished(bg, state, screen);
            }
            _ = self.notify.notified() => self.matcher_woke(),
        }
    }
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
        clipboard_clear_secs,
    } = input;
    let fields = display_fields(&settings);
    let mut driver = Driver::new(fields.clone(), full_text_search, roster, backend);
    let mut state = State::new(settings, instance, now());
    state.clipboard_clear_secs = clipboard_clear_secs;
    let mut tty = Tty::open()?;
    let size = tty.terminal.size()?;
    driver.push(Msg::SessionExpires(session_expires));
    driver.push(Msg::Resize(size.width, size.height));
    let first = driver.matcher.tick(5);
    driver.push(Msg::Matched(first));
    if refresh_on_start {
        driver.push(Msg::RefreshStarted);
        driver.spawn_refresh();
    }
    let mut events = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let mut terminate = signals::terminate_signal()?;
    let mut continued = signals::continue_signal()?;

    // An event read while taking in a burst of typed characters, kept for the next turn.
    let mut held: Option<Msg> = None;
    loop {
        if let Some(outcome) = driver.drain(&mut state, &mut tty)? {
            return Ok(outcome);
        }
        if state.dirty {
            let start = state.offset;
            let end = start.saturating_add(u32::from(state.list_height()));
            let rows = driver.matcher.rows(start..end, state.now);
            tty.draw(|f| view::draw(f, &state, &rows, &fields, &theme, &keymap))?;
            state.dirty = false;
        }
        // After the typed characters (and their matches), before waiting for more.
        if let Some(msg) = held.take() {
            driver.push(msg);
            continue;
        }

        tokio::select! {
            biased;
            _ = terminate.recv() => return Ok(Outcome::Cancelled),
            // Stopped from outside and resumed: the shell has had the terminal meanwhile.
            _ = continued.recv() => {
                tty.resume()?;
                driver.push(Msg::Resumed);
            }
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(msg) = translate(event, &keymap, &state) {
                        let typed = is_typed(&msg);
                        driver.push(msg);
                        if typed {
                            held = typeahead(&mut events, &mut driver, &keymap, &state).await?;
                        }
                    }
                }
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Outcome::Cancelled),
            },
            Some(bg) = driver.bg_rx.recv() => driver.finished(bg, &state, &mut tty)?,
            _ = driver.notify.notified() => driver.matcher_woke(),
            _ = clock.tick() => driver.push(Msg::Tick(now())),
        }
    }
}

/// A typed character (not a key bound to an action).
fn is_typed(msg: &Msg) -> bool {
    matches!(msg, Msg::Key(KeyResult::Insert(_)))
}

/// Characters typed (or sent) faster than frames are drawn, e.g. a query typed while the
/// picker starts: queue every one already read, so they are matched and drawn once, not a
/// frame each. Stops at the first other event, returned to be handled after them.
async fn typeahead(
    events: &mut EventStream,
    driver: &mut Driver,
    keymap: &Keymap,
    state: &State,
) -> Result<Option<Msg>> {
    // A zero timeout polls the stream with this task's waker (a no-op waker, as
    // `now_or_never` gives, would be kept by the stream and the next key would wake nothing).
    while let Ok(next) = tokio::time::timeout(Duration::ZERO, events.next()).await {
        let Some(event) = next else { return Ok(None) };
        let Some(msg) = translate(event?, keymap, state) else {
            continue;
        };
        if !is_typed(&msg) {
            return Ok(Some(msg));
        }
        driver.push(msg);
    }
    Ok(None)
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

mod signals;
#[cfg(test)]
mod tests;
