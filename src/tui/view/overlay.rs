//! Modal layers over the list: the `?` help (generated from the active keymap, scrolled when
//! it does not fit), the action
//! menu of plain `aws-sso`, and the login box showing the URL and device code.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::text::{shown, wrap_words};
use crate::tui::action::Action;
use crate::tui::keymap::Keymap;
use crate::tui::state::{MENU, State};
use crate::tui::theme::Theme;

/// A box of `w`x`h` centred in `area` (shrunk to fit).
fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn boxed<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(format!(" {title} "), theme.title))
}

/// The help box's widest, and the column its keys are right-aligned in.
const HELP_WIDTH: u16 = 84;
const KEY_COLUMN: usize = 18;

/// The help's opening lines, above the keys: the query language in brief (each wraps to
/// the box).
const INTRO: &[&str] = &[
    "All terms match: text fuzzy, 'text exact, ^text start, text$ end, !text excludes.",
    "key:value filters a field or tag (env:prod, role:Admin); a capital: exact case.",
    "Scattered matches hide if others match tightly. Paste an ARN/profile/id to jump.",
];

/// One line of the help: the key column (`None` for a full-width line, empty on a wrapped
/// description's continuation) and text.
type HelpRow = (Option<String>, String);

/// The help's lines at `inner` columns: the intro wrapped, then every action (bound or not,
/// so the length does not depend on the keymap) with its keys, descriptions wrapped under
/// themselves. `keys` names an action's keys.
fn help_rows(keys: &dyn Fn(Action) -> Option<String>, inner: usize) -> Vec<HelpRow> {
    let mut rows: Vec<HelpRow> = Vec::new();
    for text in INTRO {
        rows.extend(wrap_words(text, inner).into_iter().map(|l| (None, l)));
    }
    rows.push((None, String::new()));
    let text_width = inner.saturating_sub(KEY_COLUMN + 2).max(8);
    for action in Action::ALL {
        let label = keys(action).unwrap_or_else(|| "(no key)".into());
        for (n, line) in wrap_words(action.description(), text_width)
            .into_iter()
            .enumerate()
        {
            let key = if n == 0 {
                fit(&label, KEY_COLUMN)
            } else {
                String::new()
            };
            rows.push((Some(key), line));
        }
    }
    let previous = "first in the query: the role used before the current one (like cd -)";
    for (n, line) in wrap_words(previous, text_width).into_iter().enumerate() {
        rows.push((Some(if n == 0 { "-".into() } else { String::new() }), line));
    }
    rows
}

/// `text` cut to `width` columns with a `…`.
fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + c.width().unwrap_or(0) + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The help box in `area`, and how many lines it holds.
fn help_box(area: Rect) -> (Rect, usize) {
    let w = HELP_WIDTH.min(area.width);
    let rows = help_rows(&|_| None, usize::from(w.saturating_sub(2))).len();
    let rect = centred(area, w, u16::try_from(rows + 2).unwrap_or(u16::MAX));
    (rect, rows)
}

/// How far the help scrolls on a `width`×`height` terminal: 0 when it fits.
pub fn help_max_scroll(size: (u16, u16)) -> u16 {
    let (rect, rows) = help_box(Rect::new(0, 0, size.0, size.1));
    let visible = usize::from(rect.height.saturating_sub(2));
    u16::try_from(rows.saturating_sub(visible)).unwrap_or(u16::MAX)
}

/// The `?` help, scrolled `scroll` lines down; its title says how to scroll when it does not
/// fit.
pub fn help(frame: &mut Frame<'_>, area: Rect, scroll: u16, theme: &Theme, keymap: &Keymap) {
    let bound: HashMap<Action, String> = keymap
        .bindings()
        .into_iter()
        .map(|(keys, action)| (action, keys))
        .collect();
    let (rect, _) = help_box(area);
    let inner = usize::from(rect.width.saturating_sub(2));
    let rows = help_rows(&|a| bound.get(&a).cloned(), inner);
    let visible = usize::from(rect.height.saturating_sub(2));
    let max = rows.len().saturating_sub(visible);
    let scroll = usize::from(scroll).min(max);
    let lines: Vec<Line<'_>> = rows
        .into_iter()
        .map(|(key, text)| match key {
            None => Line::from(Span::styled(text, theme.help_text)),
            Some(key) => Line::from(vec![
                Span::styled(format!("{key:>KEY_COLUMN$}  "), theme.help_key),
                Span::styled(text, theme.help_text),
            ]),
        })
        .collect();
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused);
    if max == 0 {
        block = block.title(Span::styled(" Keys (any key closes) ", theme.title));
    } else {
        let hint = |a: Action| keymap.hint(a).unwrap_or_default();
        block = block
            .title(Span::styled(
                format!(
                    " Keys: {} {} {} {} scroll, other keys close ",
                    hint(Action::Up),
                    hint(Action::Down),
                    hint(Action::PageUp),
                    hint(Action::PageDown)
                ),
                theme.title,
            ))
            .title_bottom(
                Line::from(Span::styled(
                    format!(" {}–{} of {} ", scroll + 1, scroll + visible, lines.len()),
                    theme.muted,
                ))
                .right_aligned(),
            );
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(block)
            .style(theme.menu),
        rect,
    );
}

pub fn menu(frame: &mut Frame<'_>, area: Rect, state: &State, selected: usize, theme: &Theme) {
    let mut lines = Vec::new();
    if let Some(role) = &state.selected {
        lines.push(Line::from(Span::styled(shown(&role.arn), theme.muted)));
    }
    for (i, item) in MENU.iter().enumerate() {
        let style = if i == selected {
            theme.menu_selected
        } else {
            theme.menu
        };
        let marker = if i == selected {
            theme.selected_symbol()
        } else {
            "  "
        };
        lines.push(Line::from(Span::styled(
            format!("{marker}{} {}", i + 1, item.label()),
            style,
        )));
    }
    let h = lines.len() + 2;
    popup(
        frame,
        area,
        64,
        h,
        "What now?",
        Paragraph::new(lines),
        theme,
    );
}

pub fn login(frame: &mut Frame<'_>, area: Rect, lines: &[String], theme: &Theme) {
    let mut text: Vec<Line<'_>> = lines
        .iter()
        .map(|l| Line::from(Span::styled(shown(l), theme.help_text)))
        .collect();
    text.push(Line::from(""));
    text.push(Line::from(Span::styled(
        "Waiting for the browser… (Esc hides this box)",
        theme.muted,
    )));
    let h = text.len() + 4;
    let w = area.width.saturating_sub(4).max(40);
    let body = Paragraph::new(text).wrap(Wrap { trim: false });
    popup(frame, area, w, h, "Log in", body, theme);
}

/// A boxed `body` of `w`×`h` cells centred over whatever is below it.
fn popup(
    frame: &mut Frame<'_>,
    area: Rect,
    w: u16,
    h: usize,
    title: &str,
    body: Paragraph<'_>,
    theme: &Theme,
) {
    let rect = centred(area, w, u16::try_from(h).unwrap_or(u16::MAX));
    frame.render_widget(Clear, rect);
    frame.render_widget(body.block(boxed(title, theme)).style(theme.menu), rect);
}
