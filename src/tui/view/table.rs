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
use crate::display;
use crate::matcher::MatchedRow;
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// Columns between cells.
const GAP: usize = 2;

/// The natural width of a column whose values all have the same shape.
fn fixed_width(field: ListField) -> Option<usize> {
    match field {
        ListField::AccountId | ListField::AccountIdPad => Some(12),
        ListField::Expires => Some(7),
        ListField::ExpiresEpoch => Some(10),
        ListField::Id => Some(6),
        _ => None,
    }
}

/// The column heading: shorter than the `ListFields` name, since the picker's columns are
/// narrow and the names are spelled out in the details pane and help.
pub fn heading(field: ListField) -> &'static str {
    match field {
        ListField::AccountId | ListField::AccountIdPad => "Account",
        ListField::AccountAlias => "Alias",
        ListField::AccountName => "Name",
        ListField::DefaultRegion => "Region",
        ListField::EmailAddress => "Email",
        ListField::ExpiresEpoch => "Expiry",
        ListField::RoleName => "Role",
        other => other.name(),
    }
}

/// Widths for `fields` in `total` columns: fixed-shape fields get theirs, the rest share what
/// is left by water-filling (narrowest first, each taking at most an equal share of what
/// remains), so short columns stay whole and only the long ones are cut.
pub fn column_widths(fields: &[ListField], rows: &[Vec<String>], total: usize) -> Vec<usize> {
    let gaps = GAP * fields.len().saturating_sub(1);
    let mut widths: Vec<usize> = fields
        .iter()
        .map(|f| fixed_width(*f).unwrap_or(0).max(heading(*f).len()))
        .collect();
    let fixed: usize = fields
        .iter()
        .zip(&widths)
        .filter(|(f, _)| fixed_width(**f).is_some())
        .map(|(_, w)| *w)
        .sum();
    let mut flexible: Vec<(usize, usize)> = (0..fields.len())
        .filter(|i| fixed_width(fields[*i]).is_none())
        .map(|i| {
            let want = rows
                .iter()
                .map(|r| display::escape(&r[i]).width())
                .max()
                .unwrap_or(0);
            (i, want.max(heading(fields[i]).len()))
        })
        .collect();
    flexible.sort_by_key(|(_, want)| *want);
    let mut room = total.saturating_sub(fixed + gaps);
    let count = flexible.len();
    for (n, (i, want)) in flexible.into_iter().enumerate() {
        let share = room / (count - n);
        widths[i] = want.min(share).max(4);
        room = room.saturating_sub(widths[i]);
    }
    widths
}

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
    let widths = column_widths(
        fields,
        &texts,
        usize::from(area.width).saturating_sub(marker_width),
    );
    let mut lines = Vec::with_capacity(rows.len() + 1);
    let mut header = vec![Span::styled(" ".repeat(marker_width), theme.header)];
    for (i, f) in fields.iter().enumerate() {
        header.push(Span::styled(pad(heading(*f), widths[i]), theme.header));
        if i + 1 < fields.len() {
            header.push(Span::styled(" ".repeat(GAP), theme.header));
        }
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
        for (i, value) in text.iter().enumerate() {
            let ranges = row.highlights.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let cell = highlighted(value, ranges, widths[i], base, hl);
            let used: usize = cell.iter().map(|s| s.content.width()).sum();
            spans.extend(cell);
            let fill = widths[i].saturating_sub(used) + if i + 1 < text.len() { GAP } else { 0 };
            spans.push(Span::styled(" ".repeat(fill), base));
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
    let mut s: String = text.chars().take(width).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_columns_keep_their_width_and_the_rest_share_by_need() {
        let fields = [
            ListField::AccountIdPad,
            ListField::AccountAlias,
            ListField::RoleName,
        ];
        let rows = vec![vec![
            "000000000001".into(),
            "prod".into(),
            "AdministratorAccess".into(),
        ]];
        // Plenty of room: everyone gets what they need (the heading "Alias" is wider than "prod").
        assert_eq!(column_widths(&fields, &rows, 100), vec![12, 5, 19]);
        // Tight: the short column stays whole and the long one takes the cut, never below 4.
        let w = column_widths(&fields, &rows, 30);
        assert_eq!(w, vec![12, 5, 30 - 12 - 4 - 5]);
        let w = column_widths(&fields, &rows, 18);
        assert_eq!(w, vec![12, 4, 4]);
    }
}
