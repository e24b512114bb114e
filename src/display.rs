//! Making outside text safe to show on a terminal. Account names, aliases, tags, role names
//! and profile names come from the SSO portal and from hand-edited files (config.yaml,
//! cache.json); a control character in one of them would reach the terminal as a command
//! (ESC starts a sequence that can clear the screen or retitle the window, CR rewrites the
//! line, BEL rings) and a bidi override would make the text read differently from what it
//! is. Every front-end shows such text through [`escape`] (or [`push_char`] while laying
//! out highlighted text), so a hostile value shows up as what it is, on one line.
//!
//! The scheme is the one tracing already uses for log messages, so a value reads the same
//! in an error, a table and a log line: `\t`, `\n` and `\r` for tab and line breaks,
//! `\xNN` for the other C0 controls and DEL (`\x1b` for ESC, `\x07` for BEL), `\u{NNNN}`
//! for C1 controls and the invisible bidi formatting characters (`\u{202e}`). A backslash
//! is left alone: this is for reading, not a reversible encoding, and names with a
//! backslash should look as they are.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Whether `c` is shown escaped: C0 controls, DEL, C1 controls and the bidi embedding,
/// override, isolate and mark characters (U+061C, U+200E/F, U+202A–202E, U+2066–2069).
pub fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Whether all of `s` can be shown as it is. Printable ASCII, the common case, is decided
/// byte by byte without decoding.
fn is_clean(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(needs_escape)
}

/// `s` with every character that [`needs_escape`] replaced by its escape; borrowed (no
/// allocation) when there is none, which is every legitimate name.
pub fn escape(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped when it [`needs_escape`].
pub fn push_char(out: &mut String, c: char) {
    if !needs_escape(c) {
        out.push(c);
        return;
    }
    // Writing to a String cannot fail.
    let _ = match c {
        '\t' => out.write_str("\\t"),
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\0'..='\x1f' | '\x7f' => write!(out, "\\x{:02x}", c as u32),
        _ => write!(out, "\\u{{{:x}}}", c as u32),
    };
}

/// How many terminal columns `c` takes once escaped, `None` when it is shown as it is. An
/// escape is plain ASCII, one column a byte.
pub fn escaped_width(c: char) -> Option<usize> {
    if !needs_escape(c) {
        return None;
    }
    let mut s = String::new();
    push_char(&mut s, c);
    Some(s.len())
}

/// `format!("{}", Shown(s))` writes `s` escaped, for messages built with `format!`.
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

/// A whole message (an error with its causes, a log line) on one line: every character
/// that [`needs_escape`] is escaped, line breaks included, except one final `\n`.
pub fn one_line(s: &str) -> Cow<'_, str> {
    match s.strip_suffix('\n') {
        Some(body) => match escape(body) {
            Cow::Borrowed(_) => Cow::Borrowed(s),
            Cow::Owned(mut e) => {
                e.push('\n');
                Cow::Owned(e)
            }
        },
        None => escape(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed() {
        for s in [
            "",
            "prod-admin",
            "Production Account",
            "日本語",
            "Café",
            "a\\b",
        ] {
            assert!(matches!(escape(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn controls_and_bidi_are_shown_escaped() {
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("x\ny\r\tz"), "x\\ny\\r\\tz");
        assert_eq!(escape("ding\x07\x7f\0"), "ding\\x07\\x7f\\x00");
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(
            escape("\u{2066}\u{2069}\u{200f}\u{61c}"),
            "\\u{2066}\\u{2069}\\u{200f}\\u{61c}"
        );
        assert_eq!(Shown("a\rb").to_string(), "a\\rb");
    }

    #[test]
    fn escaped_width_counts_the_escape() {
        assert_eq!(escaped_width('a'), None);
        assert_eq!(escaped_width('日'), None);
        assert_eq!(escaped_width('\x1b'), Some(4));
        assert_eq!(escaped_width('\n'), Some(2));
        assert_eq!(escaped_width('\u{202e}'), Some(8));
    }

    #[test]
    fn one_line_keeps_only_a_final_newline() {
        assert_eq!(one_line("error: x\ny\n"), "error: x\\ny\n");
        assert_eq!(one_line("error: x\ny"), "error: x\\ny");
        assert!(matches!(one_line("fine\n"), Cow::Borrowed("fine\n")));
    }
}
