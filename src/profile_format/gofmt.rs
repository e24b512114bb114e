//! Go `fmt`/`strconv` formatting of template values: `%v` printing (what an action writes),
//! `fmt.Sprint`, `fmt.Sprintln`, `fmt.Sprintf` (flags, width, precision and the usual
//! verbs) and `strconv.Quote`.
//!
//! Values are JSON: integers stand for Go ints, floats for `float64`, objects for maps
//! (printed with sorted keys, as Go's `fmt` does) and arrays for slices.

use serde_json::Value as Json;
use std::fmt::Write as _;

use super::{gochar, strconv};

/// The Go type name shown by `%T` and in `%!verb(type=value)` diagnostics.
pub(crate) fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "<nil>",
        Json::Bool(_) => "bool",
        Json::Number(n) if n.is_f64() => "float64",
        Json::Number(_) => "int",
        Json::String(_) => "string",
        Json::Array(_) => "[]interface {}",
        Json::Object(_) => "map[string]interface {}",
    }
}

/// Appends `v` formatted like Go's `%v`.
pub(crate) fn write_value(out: &mut String, v: &Json) {
    match v {
        Json::Null => out.push_str("<nil>"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => write_number(out, n),
        Json::String(s) => out.push_str(s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push_str("map[");
            for (i, (k, val)) in sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_value(out, val);
            }
            out.push(']');
        }
    }
}

/// `%v` of a value as an owned string.
pub(crate) fn value_string(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        _ => {
            let mut s = String::new();
            write_value(&mut s, v);
            s
        }
    }
}

/// Go's `fmt` prints map entries sorted by key.
pub(crate) fn sorted_entries(map: &serde_json::Map<String, Json>) -> Vec<(&String, &Json)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        out.push_str(&strconv::format_g(f, None));
    }
}

/// `fmt.Sprint`: spaces go between operands when neither side is a string.
pub(crate) fn sprint(args: &[&Json]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = arg.is_string();
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        write_value(&mut out, arg);
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln`: always separated by spaces, newline appended.
pub(crate) fn sprintln(args: &[&Json]) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(&mut out, arg);
    }
    out.push('\n');
    out
}

/// `strconv.Quote`: double-quoted Go string literal, printable runes kept as they are.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

pub(crate) fn push_escaped(out: &mut String, c: char, quote: char) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if gochar::is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// `template.HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `template.JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if c.is_ascii() || gochar::is_print(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out
}

/// `url.QueryEscape`: space becomes `+`, everything but `A-Za-z0-9-_.~` is `%XX`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn value_printing_matches_go() {
        let mut s = String::new();
        write_value(&mut s, &json!({"b": 2, "a": "x", "c": [1, "y", null]}));
        assert_eq!(s, "map[a:x b:2 c:[1 y <nil>]]");
        assert_eq!(strconv::format_g(1e6, None), "1e+06");
        assert_eq!(strconv::format_g(123456.0, None), "123456");
        assert_eq!(strconv::format_g(0.0001, None), "0.0001");
        assert_eq!(strconv::format_g(0.00001, None), "1e-05");
        assert_eq!(strconv::format_g(1.5, None), "1.5");
        assert_eq!(strconv::format_g(3.0, None), "3");
        assert_eq!(strconv::format_g(0.0, None), "0");
        assert_eq!(strconv::format_g(-2.5e-7, None), "-2.5e-07");
    }

    #[test]
    fn sprint_spacing() {
        assert_eq!(
            sprint(&[&json!("a"), &json!(1), &json!(2), &json!("b")]),
            "a1 2b"
        );
        assert_eq!(sprintln(&[&json!("a"), &json!(1)]), "a 1\n");
    }

    #[test]
    fn quoting_and_escaping() {
        assert_eq!(quote("a\tb\"é\u{1}"), "\"a\\tb\\\"é\\x01\"");
        assert_eq!(
            html_escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"
        );
        assert_eq!(
            js_escape("a'b\"<=>&\\\n"),
            "a\\'b\\\"\\u003C\\u003D\\u003E\\u0026\\\\\\u000A"
        );
        assert_eq!(query_escape("a b&c/é"), "a+b%26c%2F%C3%A9");
    }
}
