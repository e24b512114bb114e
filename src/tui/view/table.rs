//! The list of roles: a header of `ListFields` names and one line per visible match, matched
//! characters highlighted, the selected row marked (a symbol as well as a colour).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::text::highlighted;
use crate::catalog::ListField;
use crate::matcher::MatchedRow;
use crate::tui::state::State;
use crate::tui::theme::Theme;

pub use super::columns::heading;
use super::columns::{GAP, plan};

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &State,
    rows: &[MatchedRow<'_>],
    fields: &[ListField],
    theme: &Theme,
) {
    let marker = theme.selected_symbol();
    let marker_width = marker.width();
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            fields
                .iter()
                .map(|f| r.role.field(*f, state.now).into_owned())
                .collect()
        })
        .collect();
    let plan = plan(
        fields,
        &texts,
        usize::from(area.width).saturating_sub(marker_width),
    );
    let mut lines = Vec::with_capacity(rows.len() + 1);
    let mut header = vec![Span::styled(" ".repeat(marker_width), theme.header)];
    for (n, (&i, &w)) in plan.shown.iter().zip(&plan.widths).enumerate() {
        if n > 0 {
            header.push(Span::styled(" ".repeat(GAP), theme.header));
        }
        header.push(Span::styled(pad(heading(fields[i]), w), theme.header));
    }
    lines.push(Line::from(header));
    for (row, text) in rows.iter().zip(&texts) {
        let selected = row.position == state.cursor;
        let (base, hl) = if selected {
            (theme.selected, theme.match_hl_selected)
        } else {
            (theme.base, theme.match_hl)
        };
        let mut spans = vec![if selected {
            Span::styled(marker.to_string(), theme.selected_marker)
        } else {
            Span::styled(" ".repeat(marker_width), base)
        }];
        let highlights = plan.highlights(text, &row.highlights);
        for (n, (&i, &w)) in plan.shown.iter().zip(&plan.widths).enumerate() {
            if n > 0 {
                spans.push(Span::styled(" ".repeat(GAP), base));
            }
            let cell = highlighted(&text[i], &highlights[i], w, base, hl);
            let used: usize = cell.iter().map(|s| s.content.width()).sum();
            spans.extend(cell);
            spans.push(Span::styled(" ".repeat(w.saturating_sub(used)), base));
        }
        let mut line = Line::from(spans);
        if selected {
            // The whole width, so the selection reads as a bar.
            line = line.style(base);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).style(theme.base), area);
}

fn pad(text: &str, width: usize) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if s.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > width {
            break;
        }
        s.push(c);
    }
    let w = s.width();
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    s
}

/// The empty list's message: why there is nothing, and what to do.
pub fn empty_message(state: &State) -> &'static str {
    if state.matches.total == 0 {
        if state.refresh == crate::tui::state::Refresh::Running {
            "Loading roles…"
        } else if !state.session_live() {
            "No roles cached yet. Press Ctrl-L to log in."
        } else {
            "No roles cached yet. Press Ctrl-R to refresh."
        }
    } else if state.matches.running {
        "Searching…"
    } else {
        "No role matches. Ctrl-U clears the query."
    }
}

pub fn draw_empty(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let text = Line::from(Span::styled(empty_message(state), theme.muted));
    let y = area.y + area.height / 3;
    let rect = Rect::new(
        area.x,
        y.min(area.y + area.height.saturating_sub(1)),
        area.width,
        1,
    );
    frame.render_widget(
        Paragraph::new(text).centered().style(Style::default()),
        rect,
    );
}
