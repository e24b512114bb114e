//! Modal layers over the list: the `?` help (generated from the active keymap), the action
//! menu of plain `aws-sso`, and the login box showing the URL and device code.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::text::shown;
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

pub fn help(frame: &mut Frame<'_>, area: Rect, theme: &Theme, keymap: &Keymap) {
    let mut lines = vec![
        // The query language (docs/query-language.md) in three lines of at most 82.
        Line::from(Span::styled(
            "All terms match: text fuzzy, 'text exact, ^text start, text$ end, !text excludes.",
            theme.help_text,
        )),
        Line::from(Span::styled(
            "key:value filters a field or tag (env:prod, role:Admin); a capital: exact case.",
            theme.help_text,
        )),
        Line::from(Span::styled(
            "Scattered matches hide if others match tightly. Paste an ARN/profile/id to jump.",
            theme.help_text,
        )),
        Line::from(""),
    ];
    for (keys, action) in keymap.bindings() {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:>18}  "), theme.help_key),
            Span::styled(action.description(), theme.help_text),
        ]));
    }
    let h = lines.len() + 2;
    popup(
        frame,
        area,
        84,
        h,
        "Keys (any key closes)",
        Paragraph::new(lines),
        theme,
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
