//! Go's `fmt.Sprintf` (flags `#0+- `, width, precision, `*`, the verbs `v d s q x X o O b
//! c U t e E f F g G T %`) and strconv's float formatting, for template values. Diagnostics
//! such as `%!d(string=x)`, `%!d(MISSING)` and `%!(EXTRA …)` read as Go's do.
//!
//! Widths and precisions above [`limits::MAX_VALUE`] are an error (Go accepts up to a
//! million, which is no profile name), and the result is checked as it grows, since a width
//! applies to every item of a list.

use serde_json::Value as Json;
use std::fmt::Write as _;

use super::gofmt::{push_escaped, quote, sorted_entries, type_name, write_value};
use super::limits;
use super::strconv::{float_digits, fmt_e, format_g_case, non_finite};

/// Go's single-quoted rune literal (`%q` of an integer).
fn quote_rune(r: i64) -> String {
    let c = u32::try_from(r)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}');
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

impl Spec {
    /// `fmt.pad`: width counts runes; `-` pads on the right, `0` with zeros on the left.
    fn pad(&self, out: &mut String, s: &str) {
        let Some(w) = self.width else {
            out.push_str(s);
            return;
        };
        let n = s.chars().count();
        if n >= w {
            out.push_str(s);
            return;
        }
        let fill = w - n;
        if self.minus {
            out.push_str(s);
            out.extend(std::iter::repeat_n(' ', fill));
        } else {
            out.extend(std::iter::repeat_n(if self.zero { '0' } else { ' ' }, fill));
            out.push_str(s);
        }
    }

    /// Pads a number whose sign must stay in front of any zero padding.
    fn pad_number(&self, out: &mut String, s: &str) {
        if self.zero
            && !self.minus
            && let (Some(w), Some(sign)) = (
                self.width,
                s.chars().next().filter(|c| matches!(c, '-' | '+' | ' ')),
            )
        {
            let n = s.chars().count();
            if w > n {
                out.push(sign);
                out.extend(std::iter::repeat_n('0', w - n));
                out.push_str(&s[1..]);
                return;
            }
        }
        self.pad(out, s);
    }
}

/// `fmt.Sprintf` over template values.
pub(crate) fn sprintf(format: &str, args: &[&Json]) -> Result<String, String> {
    let mut out = String::with_capacity(format.len() + 16);
    let mut next_arg = 0usize;
    let mut chars = format.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '#' => spec.sharp = true,
                '0' => spec.zero = !spec.minus,
                '+' => spec.plus = true,
                '-' => {
                    spec.minus = true;
                    spec.zero = false;
                }
                ' ' => spec.space = true,
                _ => break,
            }
            chars.next();
        }
        spec.width = read_count(&mut chars, args, &mut next_arg, &mut out, &mut spec, false);
        check_count("width", spec.width)?;
        if chars.peek().map(|p| p.1) == Some('.') {
            chars.next();
            spec.prec = Some(
                read_count(&mut chars, args, &mut next_arg, &mut out, &mut spec, true).unwrap_or(0),
            );
            check_count("precision", spec.prec)?;
        }
        let Some((_, verb)) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next_arg) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        next_arg += 1;
        format_arg(&mut out, arg, verb, spec)?;
        limits::check_len(out.len())?;
    }
    if next_arg < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, arg) in args[next_arg..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if arg.is_null() {
                out.push_str("<nil>");
            } else {
                out.push_str(type_name(arg));
                out.push('=');
                write_value(&mut out, arg);
            }
        }
        out.push(')');
    }
    Ok(out)
}

/// A width or precision that would make a value over [`limits::MAX_VALUE`] is refused
/// before any padding is made.
fn check_count(what: &str, n: Option<usize>) -> Result<(), String> {
    match n {
        Some(n) if n > limits::MAX_VALUE => Err(format!(
            "printf {what} {n} is over the limit of {}",
            limits::MAX_VALUE
        )),
        _ => Ok(()),
    }
}

/// Reads a width or precision: digits, or `*` taking an int argument.
fn read_count(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    args: &[&Json],
    next_arg: &mut usize,
    out: &mut String,
    spec: &mut Spec,
    is_prec: bool,
) -> Option<usize> {
    if chars.peek().map(|p| p.1) == Some('*') {
        chars.next();
        let n = args.get(*next_arg).and_then(|a| a.as_i64());
        *next_arg += 1;
        return match n {
            Some(n) if n < 0 && !is_prec => {
                spec.minus = true;
                spec.zero = false;
                Some(n.unsigned_abs() as usize)
            }
            Some(n) if n >= 0 => Some(n as usize),
            _ => {
                out.push_str(if is_prec {
                    "%!(BADPREC)"
                } else {
                    "%!(BADWIDTH)"
                });
                None
            }
        };
    }
    let mut n: Option<usize> = None;
    while let Some(&(_, d)) = chars.peek() {
        let Some(v) = d.to_digit(10) else { break };
        n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(v as usize));
        chars.next();
    }
    n
}

fn bad_verb(out: &mut String, arg: &Json, verb: char) {
    let _ = write!(out, "%!{verb}(");
    if arg.is_null() {
        out.push_str("<nil>");
    } else {
        out.push_str(type_name(arg));
        out.push('=');
        write_value(out, arg);
    }
    out.push(')');
}

fn format_arg(out: &mut String, arg: &Json, verb: char, spec: Spec) -> Result<(), String> {
    if verb == 'T' {
        spec.pad(out, type_name(arg));
        return Ok(());
    }
    match arg {
        Json::Null => match verb {
            'v' => spec.pad(out, "<nil>"),
            _ => bad_verb(out, arg, verb),
        },
        Json::Bool(b) => match verb {
            't' | 'v' => spec.pad(out, if *b { "true" } else { "false" }),
            _ => bad_verb(out, arg, verb),
        },
        Json::String(s) => format_string(out, s, verb, spec, arg),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => format_int(out, i, verb, spec, arg),
            (None, Some(f)) if n.is_u64() => format_int(out, f as i64, verb, spec, arg),
            (None, Some(f)) => format_float(out, f, verb, spec, arg),
            _ => bad_verb(out, arg, verb),
        },
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                format_arg(out, item, verb, spec)?;
                limits::check_len(out.len())?;
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push_str("map[");
            for (i, (k, v)) in sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                format_string(out, k, verb, spec, &Json::Null);
                out.push(':');
                format_arg(out, v, verb, spec)?;
                limits::check_len(out.len())?;
            }
            out.push(']');
        }
    }
    Ok(())
}

fn format_string(out: &mut String, s: &str, verb: char, spec: Spec, arg: &Json) {
    match verb {
        'v' | 's' => {
            let s = match spec.prec {
                Some(p) => s.chars().take(p).collect::<String>(),
                None => s.to_string(),
            };
            spec.pad(out, &s);
        }
        'q' => {
            let s = match spec.prec {
                Some(p) => s.chars().take(p).collect::<String>(),
                None => s.to_string(),
            };
            spec.pad(out, &quote(&s));
        }
        'x' | 'X' => {
            let bytes = s.as_bytes();
            let bytes = &bytes[..spec.prec.unwrap_or(bytes.len()).min(bytes.len())];
            let mut h = String::new();
            for (i, b) in bytes.iter().enumerate() {
                if spec.space && i > 0 {
                    h.push(' ');
                }
                if spec.sharp && (spec.space || i == 0) {
                    h.push_str(if verb == 'x' { "0x" } else { "0X" });
                }
                let _ = if verb == 'x' {
                    write!(h, "{b:02x}")
                } else {
                    write!(h, "{b:02X}")
                };
            }
            spec.pad(out, &h);
        }
        _ if arg.is_string() => bad_verb(out, arg, verb),
        _ => bad_verb(out, &Json::String(s.to_string()), verb),
    }
}

fn format_int(out: &mut String, i: i64, verb: char, spec: Spec, arg: &Json) {
    let (base, upper) = match verb {
        'v' | 'd' => (10, false),
        'b' => (2, false),
        'o' | 'O' => (8, false),
        'x' => (16, false),
        'X' => (16, true),
        'c' => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            spec.pad(out, &c.to_string());
            return;
        }
        'q' => {
            spec.pad(out, &quote_rune(i));
            return;
        }
        'U' => {
            spec.pad(out, &format!("U+{:04X}", i));
            return;
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            // Go formats an int with a float verb as a bad verb.
            bad_verb(out, arg, verb);
            return;
        }
        _ => {
            bad_verb(out, arg, verb);
            return;
        }
    };
    let neg = i < 0;
    let u = i.unsigned_abs();
    let mut digits = match base {
        2 => format!("{u:b}"),
        8 => format!("{u:o}"),
        16 if upper => format!("{u:X}"),
        16 => format!("{u:x}"),
        _ => u.to_string(),
    };
    // Precision, or zero padding expressed as a precision, sets the minimum digit count.
    let min_digits = match spec.prec {
        Some(0) if u == 0 => {
            spec.pad(out, "");
            return;
        }
        Some(p) => p,
        None if spec.zero && !spec.minus => {
            let w = spec.width.unwrap_or(0);
            if neg || spec.plus || spec.space {
                w.saturating_sub(1)
            } else {
                w
            }
        }
        None => 0,
    };
    if digits.len() < min_digits {
        digits = "0".repeat(min_digits - digits.len()) + &digits;
    }
    let mut s = String::new();
    if neg {
        s.push('-');
    } else if spec.plus {
        s.push('+');
    } else if spec.space {
        s.push(' ');
    }
    if spec.sharp || verb == 'O' {
        match (base, verb) {
            (2, _) => s.push_str("0b"),
            (8, 'O') => s.push_str("0o"),
            (8, _) if !digits.starts_with('0') => s.push('0'),
            (16, _) => s.push_str(if upper { "0X" } else { "0x" }),
            _ => {}
        }
    }
    s.push_str(&digits);
    let no_zero = Spec {
        zero: false,
        ..spec
    };
    no_zero.pad(out, &s);
}

fn format_float(out: &mut String, f: f64, verb: char, spec: Spec, arg: &Json) {
    let mut s = match verb {
        'v' | 'g' => format_g_case(f, spec.prec, false),
        'G' => format_g_case(f, spec.prec, true),
        'e' | 'E' => match non_finite(f) {
            Some(n) => n.to_string(),
            None => fmt_e(
                &float_digits(f, Some(spec.prec.unwrap_or(6) + 1)),
                spec.prec.unwrap_or(6),
                verb == 'E',
            ),
        },
        'f' | 'F' => match non_finite(f) {
            Some(n) => n.to_string(),
            None => format!("{:.*}", spec.prec.unwrap_or(6), f),
        },
        _ => {
            bad_verb(out, arg, verb);
            return;
        }
    };
    if s == "-0" && !f.is_sign_negative() {
        s = "0".into();
    }
    if !s.starts_with('-') && !s.starts_with('+') {
        if spec.plus {
            s.insert(0, '+');
        } else if spec.space {
            s.insert(0, ' ');
        }
    } else if s.starts_with('+') && !spec.plus {
        // "+Inf" keeps its sign only with the plus flag.
        s.remove(0);
    }
    if f.is_finite() {
        spec.pad_number(out, &s)
    } else {
        Spec {
            zero: false,
            ..spec
        }
        .pad(out, &s)
    }
}

#[cfg(test)]
mod tests;
