//! The query line at the top (prompt, query with cursor, match counter, refresh spinner) and
//! the footer (key hints, or a status message, or the selected role's expiry when no pane
//! has room).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::text::{countdown, shown};
use crate::tui::action::Action;
use crate::tui::keymap::Keymap;
use crate::tui::state::{Launch, Level, Refresh, State};
use crate::tui::theme::Theme;

const PROMPT: &str = "> ";

pub(super) fn query(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let m = &state.matches;
    let mut counter = format!("{}/{}", m.matched, m.total);
    if m.running {
        counter.push_str(" …");
    }
    if state.refresh == Refresh::Running {
        counter.push_str("  refreshing");
    }
    if let Some(scope) = &state.scope {
        counter = format!("[{scope}]  {counter}");
    }
    let counter = format!(" {counter} ");
    let text = state.input.text();
    let room = usize::from(area.width).saturating_sub(PROMPT.len() + counter.width());
    // Keep the cursor in view on a long query: show its tail.
    let chars: Vec<char> = text.chars().collect();
    let cursor = state.input.cursor();
    let start = cursor.saturating_sub(room.saturating_sub(1));
    let shown: String = chars[start..].iter().collect();
    let shown: String = shown.chars().take(room).collect();
    let pad = room.saturating_sub(shown.width());
    let line = Line::from(vec![
        Span::styled(PROMPT, theme.prompt),
        Span::styled(shown, theme.query),
        Span::raw(" ".repeat(pad)),
        Span::styled(counter, theme.counter),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme.base), area);
    let before: String = chars[start..cursor].iter().collect();
    let x = area.x + u16::try_from(PROMPT.len() + before.width()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(area.x + area.width.saturating_sub(1)),
        area.y,
    ));
}

/// What Enter does in this launch mode, for the footer.
fn enter_label(launch: Launch) -> &'static str {
    match launch {
        Launch::Menu => "actions",
        Launch::Eval => "export",
        Launch::Exec => "shell",
        Launch::Console => "console",
        Launch::Credentials => "credentials",
    }
}

pub(super) fn footer(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &State,
    theme: &Theme,
    keymap: &Keymap,
    panes_shown: bool,
) {
    if let Some(status) = &state.status {
        let style = match status.level {
            Level::Info => theme.status_ok,
            Level::Warn => theme.status_warn,
            Level::Error => theme.status_error,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(shown(&status.text), style)).style(theme.base),
            area,
        );
        return;
    }
    let mut spans = Vec::new();
    if !panes_shown && let Some(role) = &state.selected {
        let left = if role.expires > state.now {
            countdown(role.expires, state.now)
        } else {
            "no creds".into()
        };
        spans.push(Span::styled(format!("{left}  "), theme.muted));
    }
    let hints: [(Action, &str); 6] = [
        (Action::Accept, enter_label(state.settings.launch)),
        (Action::OpenConsole, "console"),
        (Action::ActionMenu, "copy…"),
        (Action::Refresh, "refresh"),
        (Action::Help, "help"),
        (Action::Cancel, "quit"),
    ];
    for (action, label) in hints {
        if let Some(key) = keymap.hint(action) {
            spans.push(Span::styled(key, theme.key_hint));
            spans.push(Span::styled(format!(" {label}  "), theme.muted));
        }
    }
    if !state.session_live()
        && let Some(key) = keymap.hint(Action::Login)
    {
        spans.push(Span::styled(key, theme.key_hint));
        spans.push(Span::styled(" log in  ", theme.status_warn));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}
