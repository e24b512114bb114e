//! strconv's float formatting for Go's `%e`, `%f` and `%g` (shortest digits, or a given
//! number of significant digits), used by [`super::printf`] and Go's default value printing.

use std::fmt::Write as _;

/// Decimal digits of a float plus the position of the decimal point (`0.123` has digits
/// `123` and point 0), as strconv's `decimal` type represents them.
pub(super) struct Digits {
    neg: bool,
    digits: Vec<u8>,
    point: i32,
}

/// Shortest round-trip digits when `sig` is `None`, otherwise rounded to `sig` significant
/// digits (trailing zeros removed, like strconv).
pub(super) fn float_digits(f: f64, sig: Option<usize>) -> Digits {
    let neg = f.is_sign_negative();
    let a = f.abs();
    let s = match sig {
        None => format!("{a:e}"),
        Some(p) => format!("{a:.*e}", p.max(1) - 1),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits == [b'0'] {
        return Digits {
            neg,
            digits: Vec::new(),
            point: 0,
        };
    }
    Digits {
        neg,
        digits,
        point: exp + 1,
    }
}

fn digit_at(d: &Digits, i: i32) -> char {
    if i >= 0 && (i as usize) < d.digits.len() {
        char::from(d.digits[i as usize])
    } else {
        '0'
    }
}

pub(super) fn fmt_e(d: &Digits, prec: usize, upper: bool) -> String {
    let mut s = String::new();
    if d.neg {
        s.push('-');
    }
    s.push(if d.digits.is_empty() {
        '0'
    } else {
        digit_at(d, 0)
    });
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            s.push(digit_at(d, i as i32));
        }
    }
    s.push(if upper { 'E' } else { 'e' });
    let exp = if d.digits.is_empty() { 0 } else { d.point - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let _ = write!(s, "{:02}", exp.abs());
    s
}

fn fmt_f(d: &Digits, prec: usize) -> String {
    let mut s = String::new();
    if d.neg {
        s.push('-');
    }
    if d.point > 0 {
        for i in 0..d.point {
            s.push(digit_at(d, i));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 0..prec {
            s.push(digit_at(d, d.point + i as i32));
        }
    }
    s
}

/// `strconv.FormatFloat(f, 'g', prec, 64)`; `None` is the shortest representation (`%v`).
pub(crate) fn format_g(f: f64, prec: Option<usize>) -> String {
    format_g_case(f, prec, false)
}

pub(super) fn format_g_case(f: f64, prec: Option<usize>, upper: bool) -> String {
    if let Some(s) = non_finite(f) {
        return s.to_string();
    }
    let d = float_digits(f, prec.map(|p| p.max(1)));
    let nd = d.digits.len() as i32;
    let eprec = match prec {
        None => 6,
        Some(p) => {
            let p = p.max(1) as i32;
            if p > nd && nd >= d.point { nd } else { p }
        }
    };
    let exp = d.point - 1;
    if nd > 0 && (exp < -4 || exp >= eprec) {
        return fmt_e(&d, (nd - 1) as usize, upper);
    }
    fmt_f(&d, (nd - d.point).max(0) as usize)
}

pub(super) fn non_finite(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf" } else { "-Inf" })
    } else {
        None
    }
}
