//! sprig v3.3.0 string functions, with sprig's argument order (the string being worked on
//! comes last so that it can be piped in) and the exact behaviour of the Go code behind
//! them: `strings`, `huandu/xstrings` and `Masterminds/goutils`.
//!
//! Several goutils functions index bytes rather than runes (`nospace`, `initials`,
//! `abbrev`, `wrap`) and `trunc`/`substr` slice bytes; multi-byte UTF-8 text is handled the
//! same way here, with any split character replaced by U+FFFD because a Rust string
//! cannot hold the broken bytes Go would produce.

use base64::Engine as _;
use serde_json::Value as Json;
use sha2::Digest as _;

use super::func_spec::{Arg, FnResult, FuncSpec, Ret, Ty, func, int, s, val};
use super::{gochar, gofmt, limits, xstrings};

pub(crate) static FUNCS: &[FuncSpec] = &[
    func!("hello", [], None, |_| Ok("Hello!".into())),
    func!("abbrev", [Int, Str], None, |a| Ok(abbrev(
        int(a, 0),
        s(a, 1)
    )
    .into())),
    func!("abbrevboth", [Int, Int, Str], None, |a| Ok(abbrevboth(
        int(a, 0),
        int(a, 1),
        s(a, 2)
    )
    .into())),
    func!("trunc", [Int, Str], None, |a| Ok(
        trunc(int(a, 0), s(a, 1)).into()
    )),
    func!("trim", [Str], None, |a| Ok(s(a, 0)
        .trim_matches(gochar::is_space)
        .into())),
    func!("upper", [Str], None, |a| Ok(
        gochar::str_to_upper(s(a, 0)).into()
    )),
    func!("lower", [Str], None, |a| Ok(
        gochar::str_to_lower(s(a, 0)).into()
    )),
    func!("title", [Str], None, |a| Ok(title(s(a, 0)).into())),
    func!("untitle", [Str], None, |a| Ok(untitle(s(a, 0)).into())),
    func!("substr", [Int, Int, Str], None, |a| substr(
        int(a, 0),
        int(a, 1),
        s(a, 2)
    )),
    func!("repeat", [Int, Str], None, |a| {
        let (n, text) = (count(int(a, 0))?, s(a, 1));
        limits::check_len(text.len().saturating_mul(n))?;
        Ok(text.repeat(n).into())
    }),
    func!("trimall", [Str, Str], None, |a| Ok(trim_all(
        s(a, 0),
        s(a, 1)
    )
    .into())),
    func!("trimAll", [Str, Str], None, |a| Ok(trim_all(
        s(a, 0),
        s(a, 1)
    )
    .into())),
    func!("trimSuffix", [Str, Str], None, |a| Ok(s(a, 1)
        .strip_suffix(s(a, 0))
        .unwrap_or(s(a, 1))
        .into())),
    func!("trimPrefix", [Str, Str], None, |a| Ok(s(a, 1)
        .strip_prefix(s(a, 0))
        .unwrap_or(s(a, 1))
        .into())),
    func!("nospace", [Str], None, |a| Ok(nospace(s(a, 0)).into())),
    func!("initials", [Str], None, |a| Ok(initials(s(a, 0)).into())),
    func!("swapcase", [Str], None, |a| Ok(swapcase(s(a, 0)).into())),
    func!("snakecase", [Str], None, |a| Ok(xstrings::to_snake_case(
        s(a, 0)
    )
    .into())),
    func!("camelcase", [Str], None, |a| Ok(xstrings::to_camel_case(
        s(a, 0)
    )
    .into())),
    func!("kebabcase", [Str], None, |a| Ok(xstrings::to_kebab_case(
        s(a, 0)
    )
    .into())),
    func!("wrap", [Int, Str], None, |a| Ok(wrap(
        s(a, 1),
        int(a, 0),
        "\n",
        false
    )?
    .into())),
    func!("wrapWith", [Int, Str, Str], None, |a| Ok(wrap(
        s(a, 2),
        int(a, 0),
        s(a, 1),
        true
    )?
    .into())),
    func!("contains", [Str, Str], None, |a| Ok(s(a, 1)
        .contains(s(a, 0))
        .into())),
    func!("hasPrefix", [Str, Str], None, |a| Ok(s(a, 1)
        .starts_with(s(a, 0))
        .into())),
    func!("hasSuffix", [Str, Str], None, |a| Ok(s(a, 1)
        .ends_with(s(a, 0))
        .into())),
    func!("quote", [], Some(Ty::Any), |a| Ok(quote_each(a, |v| {
        gofmt::quote(&strval(v))
    })
    .into())),
    func!("squote", [], Some(Ty::Any), |a| Ok(quote_each(
        a,
        |v| format!("'{}'", gofmt::value_string(v))
    )
    .into())),
    func!("cat", [], Some(Ty::Any), |a| Ok(quote_each(
        a,
        gofmt::value_string
    )
    .into())),
    func!("indent", [Int, Str], None, |a| Ok(indent(
        count(int(a, 0))?,
        s(a, 1)
    )?
    .into())),
    func!("nindent", [Int, Str], None, |a| Ok(format!(
        "\n{}",
        indent(count(int(a, 0))?, s(a, 1))?
    )
    .into())),
    func!("replace", [Str, Str, Str], None, |a| Ok(replace(
        s(a, 2),
        s(a, 0),
        s(a, 1)
    )?
    .into())),
    func!("plural", [Str, Str, Int], None, |a| Ok(if int(a, 2) == 1 {
        s(a, 0)
    } else {
        s(a, 1)
    }
    .into())),
    func!("toString", [Any], None, |a| Ok(strval(val(a, 0)).into())),
    func!("b64enc", [Str], None, |a| Ok(
        base64::engine::general_purpose::STANDARD
            .encode(s(a, 0))
            .into()
    )),
    func!("b64dec", [Str], None, |a| Ok(b64dec(s(a, 0)).into())),
    func!("sha256sum", [Str], None, |a| Ok(hex::encode(
        sha2::Sha256::digest(s(a, 0).as_bytes())
    )
    .into())),
    func!("adler32sum", [Str], None, |a| Ok(adler32(
        s(a, 0).as_bytes()
    )
    .to_string()
    .into())),
    func!("fail", [Str], None, |a| Err(s(a, 0).to_string())),
];

/// sprig's `strval`: strings as they are, anything else through `%v`.
pub(crate) fn strval(v: &Json) -> String {
    gofmt::value_string(v)
}

/// Formats every non-nil argument and joins them with spaces (`quote`, `squote`, `cat`).
fn quote_each(args: &[Arg<'_>], f: impl Fn(&Json) -> String) -> String {
    args.iter()
        .map(|a| a.json())
        .filter(|v| !v.is_null())
        .map(f)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `strings.Repeat` panics on a negative count; the template sees that as an error.
fn count(n: i64) -> Result<usize, String> {
    usize::try_from(n).map_err(|_| "strings: negative Repeat count".to_string())
}

/// Bytes `[start, end)` of `s` as text.
fn bytes_of(s: &str, start: usize, end: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[start..end]).into_owned()
}

pub(crate) fn trunc(c: i64, s: &str) -> String {
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return bytes_of(s, (len + c) as usize, s.len());
    }
    if c >= 0 && len > c {
        return bytes_of(s, 0, c as usize);
    }
    s.to_string()
}

fn substr(start: i64, end: i64, s: &str) -> FnResult {
    let len = s.len() as i64;
    let (from, to) = if start < 0 {
        (0, end)
    } else if end < 0 || end > len {
        (start, len)
    } else {
        (start, end)
    };
    if from < 0 || to < from || to > len {
        return Err(format!(
            "runtime error: slice bounds out of range [{from}:{to}] with length {len}"
        ));
    }
    Ok(bytes_of(s, from as usize, to as usize).into())
}

fn trim_all(cutset: &str, s: &str) -> String {
    s.trim_matches(|c| cutset.contains(c)).to_string()
}

fn indent(spaces: usize, v: &str) -> Result<String, String> {
    let lines = v.matches('\n').count() + 1;
    limits::check_len(spaces.saturating_mul(lines).saturating_add(v.len()))?;
    let pad = " ".repeat(spaces);
    Ok(format!("{pad}{}", v.replace('\n', &format!("\n{pad}"))))
}

/// `strings.ReplaceAll`, refused before it allocates when the result would be too long (an
/// empty `old` matches around every character).
pub(crate) fn replace(s: &str, old: &str, new: &str) -> Result<String, String> {
    if new.len() > old.len() {
        let matches = if old.is_empty() {
            s.chars().count() + 1
        } else {
            s.matches(old).count()
        };
        let grown = matches.saturating_mul(new.len() - old.len());
        limits::check_len(s.len().saturating_add(grown))?;
    }
    Ok(s.replace(old, new))
}

/// goutils `DeleteWhiteSpace`: walks bytes, treats each as a Latin-1 rune, drops the white
/// space ones (including 0x85 and 0xA0 bytes inside UTF-8 sequences) and re-encodes the
/// rest. Text without any such byte comes back unchanged.
pub(crate) fn nospace(s: &str) -> String {
    if !s.bytes().any(|b| gochar::is_space(gochar::latin1_rune(b))) {
        return s.to_string();
    }
    s.bytes()
        .map(gochar::latin1_rune)
        .filter(|c| !gochar::is_space(*c))
        .collect()
}

/// goutils `Initials`: first byte of every white-space separated word, as a Latin-1 rune.
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for c in s.bytes().map(gochar::latin1_rune) {
        if gochar::is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// goutils `SwapCase`: upper and title case become lower case; lower case becomes title
/// case at the start of a word and upper case elsewhere.
fn swapcase(s: &str) -> String {
    let mut word_start = true;
    s.chars()
        .map(|c| {
            if gochar::is_upper(c) || gochar::is_title(c) {
                word_start = false;
                gochar::to_lower(c)
            } else if gochar::is_lower(c) {
                let start = std::mem::replace(&mut word_start, false);
                if start {
                    gochar::to_title(c)
                } else {
                    gochar::to_upper(c)
                }
            } else {
                word_start = gochar::is_space(c);
                c
            }
        })
        .collect()
}

/// `strings.Title`: title-cases the first letter after a separator (anything but ASCII
/// letters, digits and `_`; beyond ASCII only white space separates).
fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let sep = if prev.is_ascii() {
                !(prev.is_ascii_alphanumeric() || prev == '_')
            } else {
                gochar::is_space(prev)
            };
            prev = c;
            if sep { gochar::to_title(c) } else { c }
        })
        .collect()
}

/// goutils `Uncapitalize`: lower-cases the first rune of each white-space separated word.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if gochar::is_space(c) {
                next = true;
                c
            } else if std::mem::replace(&mut next, false) {
                gochar::to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

fn abbrev(width: i64, s: &str) -> String {
    if width < 4 {
        return s.to_string();
    }
    abbreviate_full(s, 0, width).unwrap_or_default()
}

fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || left > 0 && right < 7 {
        return s.to_string();
    }
    abbreviate_full(s, left, right).unwrap_or_default()
}

/// goutils `AbbreviateFull` (byte based); `None` where goutils returns an error, for
/// which sprig substitutes the empty string.
fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> Option<String> {
    if s.is_empty() {
        return Some(String::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= max_width {
        return Some(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return Some(bytes_of(s, 0, (max_width - 3) as usize) + "...");
    }
    if max_width < 7 {
        return None;
    }
    if offset + max_width - 3 < len {
        let rest = bytes_of(s, offset as usize, s.len());
        return Some(format!(
            "...{}",
            abbreviate_full(&rest, 0, max_width - 3).unwrap_or_default()
        ));
    }
    Some(format!(
        "...{}",
        bytes_of(s, (len - (max_width - 3)) as usize, s.len())
    ))
}

/// goutils `WrapCustom` (byte based): breaks at the last space that fits; long words are
/// split only when `wrap_long` is set. A long `newline` can make the result many times the
/// input, so its length is checked as it grows.
fn wrap(s: &str, width: i64, newline: &str, wrap_long: bool) -> Result<String, String> {
    if s.is_empty() {
        return Ok(String::new());
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len() + 8);
    let mut offset = 0usize;
    while b.len() - offset > width {
        limits::check_len(out.len())?;
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        if let Some(space) = b[offset..end].iter().rposition(|&c| c == b' ') {
            out.extend_from_slice(&b[offset..offset + space]);
            out.extend_from_slice(newline.as_bytes());
            offset += space + 1;
        } else if wrap_long {
            out.extend_from_slice(&b[offset..offset + width]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                Some(i) => {
                    out.extend_from_slice(&b[offset..end + i]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = end + i + 1;
                }
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = b.len();
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// sprig `b64dec`: the decoded text, or Go's error message as the result.
fn b64dec(s: &str) -> String {
    match base64::engine::general_purpose::STANDARD.decode(s) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(base64::DecodeError::InvalidByte(at, _)) => {
            format!("illegal base64 data at input byte {at}")
        }
        Err(_) => format!(
            "illegal base64 data at input byte {}",
            s.len().saturating_sub(s.len() % 4)
        ),
    }
}

/// `hash/adler32` checksum.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// Shared by list helpers: a `Ret` holding a JSON array of strings.
pub(crate) fn string_list(items: impl IntoIterator<Item = String>) -> Ret {
    Ret::Val(Json::Array(items.into_iter().map(Json::String).collect()))
}

#[cfg(test)]
mod tests;
