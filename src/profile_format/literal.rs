//! Go literal syntax inside template actions: numbers (decimal, `0x`/`0o`/`0b`, legacy
//! octal, `_` separators, floats), double-quoted strings with Go escapes and character
//! constants, decoded as `strconv` does.

use super::sprig_misc::parse_int;

/// A number constant: Go's `int` or `float64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    Int(i64),
    Float(f64),
}

/// A number literal as Go's `idealConstant` sees it: an `int` unless the text has a
/// fraction or exponent.
pub(crate) fn number(text: &str) -> Result<Number, String> {
    if text.ends_with('i') {
        return Err(format!(
            "complex number {text} is not supported in a ProfileFormat"
        ));
    }
    let unsigned = text.trim_start_matches(['+', '-']);
    let hex = unsigned.len() > 1 && (unsigned.starts_with("0x") || unsigned.starts_with("0X"));
    let is_float = if hex {
        text.contains(['p', 'P'])
    } else {
        text.contains(['.', 'e', 'E'])
    };
    if !is_float {
        if let Some(i) = parse_int(text, 0) {
            return Ok(Number::Int(i));
        }
        if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
            return Err(format!("{text} overflows int"));
        }
        return Err(format!("illegal number syntax: {text:?}"));
    }
    match text.replace('_', "").parse::<f64>() {
        Ok(f) if f.is_finite() && !hex => Ok(Number::Float(f)),
        _ => Err(format!("illegal number syntax: {text:?}")),
    }
}

/// `strconv.Unquote` of a double-quoted Go string.
pub(crate) fn unquote(lit: &str) -> Result<String, String> {
    let body = &lit[1..lit.len() - 1];
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            rest = &rest[c.len_utf8()..];
            continue;
        }
        rest = unquote_escape(rest, '"', &mut out)?;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// One escape sequence at the start of `s` (which begins with a backslash); appends its
/// bytes and returns what follows.
fn unquote_escape<'a>(s: &'a str, quote: char, out: &mut Vec<u8>) -> Result<&'a str, String> {
    let bad = || "invalid syntax".to_string();
    let mut chars = s[1..].chars();
    let c = chars.next().ok_or_else(bad)?;
    let rest = &s[1 + c.len_utf8()..];
    let simple = match c {
        'a' => Some(7u8),
        'b' => Some(8),
        'f' => Some(12),
        'n' => Some(b'\n'),
        'r' => Some(b'\r'),
        't' => Some(b'\t'),
        'v' => Some(11),
        '\\' => Some(b'\\'),
        c if c == quote => Some(c as u8),
        _ => None,
    };
    if let Some(b) = simple {
        out.push(b);
        return Ok(rest);
    }
    let hex = |n: usize| -> Result<u32, String> {
        let digits = rest.get(..n).ok_or_else(bad)?;
        u32::from_str_radix(digits, 16).map_err(|_| bad())
    };
    match c {
        'x' => {
            out.push(hex(2)? as u8);
            Ok(&rest[2..])
        }
        'u' | 'U' => {
            let n = if c == 'u' { 4 } else { 8 };
            let ch = char::from_u32(hex(n)?).ok_or_else(bad)?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            Ok(&rest[n..])
        }
        '0'..='7' => {
            let digits = s.get(1..4).ok_or_else(bad)?;
            let v = u32::from_str_radix(digits, 8).map_err(|_| bad())?;
            if v > 255 {
                return Err(bad());
            }
            out.push(v as u8);
            Ok(&s[4..])
        }
        _ => Err(bad()),
    }
}

/// A character constant (`'a'`, `'\n'`, `'\u00e9'`) as its code point.
pub(crate) fn unquote_char(lit: &str) -> Result<u32, String> {
    let body = &lit[1..lit.len() - 1];
    let malformed = || format!("malformed character constant: {lit}");
    if body.starts_with('\\') {
        let mut bytes = Vec::new();
        let rest = unquote_escape(body, '\'', &mut bytes)?;
        if !rest.is_empty() {
            return Err(malformed());
        }
        return match std::str::from_utf8(&bytes) {
            Ok(s) if s.chars().count() == 1 => Ok(s.chars().next().map_or(0, u32::from)),
            _ if bytes.len() == 1 => Ok(u32::from(bytes[0])),
            _ => Err(malformed()),
        };
    }
    let mut chars = body.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(u32::from(c)),
        _ => Err(malformed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert!(matches!(number("0x1F"), Ok(Number::Int(31))));
        assert!(matches!(number("010"), Ok(Number::Int(8))));
        assert!(matches!(number("1_000"), Ok(Number::Int(1000))));
        assert!(matches!(number("-3"), Ok(Number::Int(-3))));
        assert!(matches!(number("1.5"), Ok(Number::Float(f)) if f == 1.5));
        assert!(matches!(number("1e3"), Ok(Number::Float(f)) if f == 1000.0));
        assert!(number("-").is_err());
        assert_eq!(unquote(r#""a\tb\"c\u00e9\x41\101""#).unwrap(), "a\tb\"céAA");
        assert!(unquote(r#""\'""#).is_err());
        assert_eq!(unquote_char("'a'").unwrap(), 97);
        assert_eq!(unquote_char(r"'\n'").unwrap(), 10);
        assert_eq!(unquote_char(r"'\''").unwrap(), 39);
    }
}
