//! Small text helpers for the views: highlighted, width-limited spans and countdowns. Role
//! data is shown through [`crate::display`], so a control or bidi character in a name shows
//! escaped instead of acting on the terminal.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

use crate::display;

/// Outside text (names, tags, messages) for a span: escaped, on one line.
pub fn shown(text: &str) -> String {
    display::escape(text).into_owned()
}

/// Terminal columns `c` takes as shown: its escape's length, or its own width.
fn columns(c: char) -> usize {
    display::escaped_width(c).unwrap_or_else(|| c.width().unwrap_or(0))
}

/// `text` as spans no wider than `width` display columns, the chars in `ranges` (char
/// positions, sorted) in `hl`, the rest in `base`; cut text ends with `…`. A character that
/// needs escaping is shown as its escape, highlighted as the character would be.
pub fn highlighted<'a>(
    text: &str,
    ranges: &[Range<usize>],
    width: usize,
    base: Style,
    hl: Style,
) -> Vec<Span<'a>> {
    let total: usize = text.chars().map(columns).sum();
    let budget = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    let mut used = 0;
    let mut next_range = 0;
    for (i, c) in text.chars().enumerate() {
        let w = columns(c);
        if used + w > budget {
            break;
        }
        used += w;
        while next_range < ranges.len() && ranges[next_range].end <= i {
            next_range += 1;
        }
        let is_hl = ranges.get(next_range).is_some_and(|r| r.contains(&i));
        if is_hl != run_hl && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hl { hl } else { base },
            ));
        }
        run_hl = is_hl;
        display::push_char(&mut run, c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hl { hl } else { base }));
    }
    if total > width && width > 0 {
        spans.push(Span::styled("…", base));
    }
    spans
}

/// Time left as a live countdown: `7h 59m 12s`, `4m 05s`, `42s`, or `expired`.
pub fn countdown(until: i64, now: i64) -> String {
    let left = until - now;
    if left <= 0 {
        return "expired".into();
    }
    let (h, m, s) = (left / 3600, (left % 3600) / 60, left % 60);
    if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// How long ago, coarse: `just now`, `12m ago`, `3h ago`, `2d ago`.
pub fn ago(then: i64, now: i64) -> String {
    let d = (now - then).max(0);
    match d {
        0..60 => "just now".into(),
        60..3600 => format!("{}m ago", d / 60),
        3600..86400 => format!("{}h ago", d / 3600),
        _ => format!("{}d ago", d / 86400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn flat(spans: &[Span<'_>]) -> Vec<(String, bool)> {
        spans
            .iter()
            .map(|s| {
                (
                    s.content.to_string(),
                    s.style.add_modifier.contains(Modifier::BOLD),
                )
            })
            .collect()
    }

    #[test]
    fn highlights_split_runs_and_long_text_ends_in_an_ellipsis() {
        let hl = Style::new().add_modifier(Modifier::BOLD);
        let spans = highlighted("AdminAccess", &[0..1, 5..7], 20, Style::new(), hl);
        assert_eq!(
            flat(&spans),
            vec![
                ("A".into(), true),
                ("dmin".into(), false),
                ("Ac".into(), true),
                ("cess".into(), false)
            ]
        );
        let spans = highlighted(
            "AdminAccess",
            std::slice::from_ref(&(5..7)),
            7,
            Style::new(),
            hl,
        );
        assert_eq!(
            flat(&spans),
            vec![
                ("Admin".into(), false),
                ("A".into(), true),
                ("…".into(), false)
            ]
        );
        let wide = highlighted("日本語テキスト", &[], 5, Style::new(), hl);
        assert_eq!(
            flat(&wide),
            vec![("日本".into(), false), ("…".into(), false)]
        );
    }

    #[test]
    fn control_characters_show_escaped_with_their_highlight_and_width() {
        let hl = Style::new().add_modifier(Modifier::BOLD);
        let spans = highlighted(
            "a\x1b[2J\rb\x07",
            std::slice::from_ref(&(1..2)),
            40,
            Style::new(),
            hl,
        );
        assert_eq!(
            flat(&spans),
            vec![
                ("a".into(), false),
                ("\\x1b".into(), true),
                ("[2J\\rb\\x07".into(), false)
            ]
        );
        // The escapes count in the width: `ab\x1b` is 6 columns, cut to 5 with the `…`.
        let cut = highlighted("ab\x1bcd", &[], 5, Style::new(), hl);
        assert_eq!(flat(&cut), vec![("ab".into(), false), ("…".into(), false)]);
    }

    #[test]
    fn countdowns_and_ages_read_naturally() {
        assert_eq!(countdown(100, 100), "expired");
        assert_eq!(countdown(142, 100), "42s");
        assert_eq!(countdown(100 + 245, 100), "4m 05s");
        assert_eq!(countdown(100 + 7 * 3600 + 59 * 60 + 12, 100), "7h 59m 12s");
        assert_eq!(ago(0, 30), "just now");
        assert_eq!(ago(0, 720), "12m ago");
        assert_eq!(ago(0, 3 * 3600 + 5), "3h ago");
        assert_eq!(ago(0, 2 * 86400 + 5), "2d ago");
    }
}
