//! Small text helpers for the views: highlighted, width-limited spans and countdowns. Role
//! data is shown through [`crate::display`], so a control or bidi character in a name shows
//! escaped instead of acting on the terminal.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
/// positions, sorted) in `hl`, the rest in `base`; cut text ends with `…`. When a matched
/// character lies in the part that would be cut, the cell scrolls (as fzf does): it starts
/// with `…` and shows the text up to the last match. A character that needs escaping is shown
/// as its escape, highlighted as the character would be.
pub fn highlighted<'a>(
    text: &str,
    ranges: &[Range<usize>],
    width: usize,
    base: Style,
    hl: Style,
) -> Vec<Span<'a>> {
    let cols: Vec<usize> = text.chars().map(columns).collect();
    let start = window_start(&cols, ranges, width);
    let rest: usize = cols[start..].iter().sum();
    let lead = usize::from(start > 0);
    let cut = lead + rest > width;
    let budget = width.saturating_sub(lead + usize::from(cut));
    let mut spans = Vec::new();
    if start > 0 {
        spans.push(Span::styled("…", base));
    }
    let mut run = String::new();
    let mut run_hl = false;
    let mut used = 0;
    let mut next_range = 0;
    for (i, c) in text.chars().enumerate().skip(start) {
        let w = cols[i];
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
    if cut && width > 0 {
        spans.push(Span::styled("…", base));
    }
    spans
}

/// The first char shown of a value whose chars take `cols` columns each, in a cell of
/// `width`: 0 unless a matched char would be cut off, else the earliest start that shows the
/// last matched char after a leading `…` (never past the first matched char), moved back to
/// fill the cell when the rest of the value fits.
pub fn window_start(cols: &[usize], ranges: &[Range<usize>], width: usize) -> usize {
    let total: usize = cols.iter().sum();
    let Some(last) = ranges
        .iter()
        .rev()
        .find(|r| r.start < r.end && r.start < cols.len())
        .map(|r| r.end.min(cols.len()) - 1)
    else {
        return 0;
    };
    let first = ranges.iter().map(|r| r.start).min().unwrap_or(0).min(last);
    // Room for the text when the cell is cut at the end (`…`), and with `…` at both ends.
    if total <= width || cols[..=last].iter().sum::<usize>() < width || width < 3 {
        return 0;
    }
    let mut start = last + 1;
    let mut used = 0;
    while start > 0 && used + cols[start - 1] <= width - 2 {
        start -= 1;
        used += cols[start];
    }
    let mut start = start.min(first).max(1);
    // The rest fits behind the leading `…`: show as much of the value as fits.
    let mut rest: usize = cols[start..].iter().sum();
    if rest < width {
        while start > 1 && 1 + rest + cols[start - 1] <= width {
            start -= 1;
            rest += cols[start];
        }
    }
    start
}

/// `text` in lines of at most `width` display columns, broken after a `:`, `/` or space
/// (where an ARN or a profile name reads naturally), a piece wider than a line split where it
/// must.
pub fn wrap_at_separators(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    for c in text.chars() {
        piece.push(c);
        if c == ':' || c == '/' || c == ' ' {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for piece in pieces {
        let w = UnicodeWidthStr::width(piece.as_str());
        if used + w > width && used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in piece.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` in lines of at most `width` display columns, broken at spaces (a word wider than a
/// line goes on a line of its own and is cut by the drawing).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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
        // The match's `c` would be cut after `Admin A`: the cell scrolls to show all of it.
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
                ("…".into(), false),
                ("min".into(), false),
                ("Ac".into(), true),
                ("…".into(), false)
            ]
        );
        // Cut text without a match in the cut-off part ends in an ellipsis.
        let spans = highlighted(
            "AdminAccess",
            std::slice::from_ref(&(0..1)),
            7,
            Style::new(),
            hl,
        );
        assert_eq!(
            flat(&spans),
            vec![
                ("A".into(), true),
                ("dminA".into(), false),
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
    fn a_match_in_the_cut_off_part_scrolls_the_cell_to_it() {
        let hl = Style::new().add_modifier(Modifier::BOLD);
        let text = "acme-staging-notifications-2";
        // `ions` (chars 22..26) lies past what a 12-column cell shows from the start.
        let spans = highlighted(text, std::slice::from_ref(&(22..26)), 12, Style::new(), hl);
        assert_eq!(
            flat(&spans),
            vec![
                ("…".into(), false),
                ("ificat".into(), false),
                ("ions".into(), true),
                ("…".into(), false)
            ]
        );
        // Near the end: the rest fits behind the `…`, so the cell fills up to the end.
        let spans = highlighted(text, std::slice::from_ref(&(27..28)), 12, Style::new(), hl);
        assert_eq!(
            flat(&spans),
            vec![
                ("…".into(), false),
                ("fications-".into(), false),
                ("2".into(), true)
            ]
        );
        // A match that is already in view changes nothing.
        let spans = highlighted(text, std::slice::from_ref(&(0..4)), 12, Style::new(), hl);
        assert_eq!(
            flat(&spans),
            vec![
                ("acme".into(), true),
                ("-stagin".into(), false),
                ("…".into(), false)
            ]
        );
    }

    #[test]
    fn the_scroll_window_counts_display_columns() {
        // Wide chars take two columns: the window holds four of them (8 columns) after `…`.
        let cols = [2usize; 10];
        assert_eq!(window_start(&cols, std::slice::from_ref(&(9..10)), 10), 6);
        assert_eq!(window_start(&cols, std::slice::from_ref(&(7..8)), 10), 4);
        assert_eq!(window_start(&cols, &[], 10), 0);
        // The first and last matches cannot both fit: the first one wins.
        assert_eq!(window_start(&[1; 40], &[10..11, 39..40], 12), 10);
    }

    #[test]
    fn arns_wrap_after_colons_and_slashes() {
        let arn = "arn:aws:iam::000290566164:role/AdministratorAccess";
        assert_eq!(
            wrap_at_separators(arn, 42),
            vec!["arn:aws:iam::000290566164:role/", "AdministratorAccess"]
        );
        assert_eq!(
            wrap_at_separators(arn, 20),
            vec!["arn:aws:iam::", "000290566164:role/", "AdministratorAccess"]
        );
        // A piece wider than the line is split where it must be.
        assert_eq!(
            wrap_at_separators("role/AdministratorAccess", 10),
            vec!["role/", "Administra", "torAccess"]
        );
        assert_eq!(wrap_at_separators(arn, 80), vec![arn]);
        // Display width: 2 columns per CJK character.
        assert_eq!(wrap_at_separators("東京/大阪", 5), vec!["東京/", "大阪"]);
        assert_eq!(
            wrap_at_separators("Profile: prod:Admin", 14),
            vec!["Profile: prod:", "Admin"]
        );
    }

    #[test]
    fn words_wrap_at_spaces() {
        assert_eq!(
            wrap_words("close a box, or leave without choosing", 16),
            vec!["close a box, or", "leave without", "choosing"]
        );
        assert_eq!(wrap_words("", 10), vec![String::new()]);
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
