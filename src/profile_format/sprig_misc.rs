//! sprig v3.3.0 functions beyond plain strings: defaults (`default`, `empty`, `coalesce`,
//! `ternary`), conversions with `spf13/cast` semantics (`int`, `atoi`, …), integer math,
//! lists, `split*`/`join`, `path` helpers and the environment.

use serde_json::Value as Json;

use super::func_spec::{Arg, FnResult, FuncSpec, Ret, Ty, func, int, s, truthy, val};
use super::{gofmt, gopath, limits};

pub(crate) static FUNCS: &[FuncSpec] = &[
    func!("default", [Any], Some(Ty::Any), |a| {
        Ok(match a.get(1) {
            Some(given) if !empty(given.json()) => Ret::Val(given.json().clone()),
            _ => Ret::Val(val(a, 0).clone()),
        })
    }),
    func!("empty", [Any], None, |a| Ok(empty(val(a, 0)).into())),
    func!("coalesce", [], Some(Ty::Any), |a| {
        Ok(Ret::Val(
            a.iter()
                .map(|x| x.json())
                .find(|v| !empty(v))
                .cloned()
                .unwrap_or(Json::Null),
        ))
    }),
    func!("all", [], Some(Ty::Any), |a| Ok(a
        .iter()
        .all(|x| !empty(x.json()))
        .into())),
    func!("any", [], Some(Ty::Any), |a| Ok(a
        .iter()
        .any(|x| !empty(x.json()))
        .into())),
    func!("ternary", [Any, Any, Bool], None, |a| {
        Ok(Ret::Val(
            if val(a, 2).as_bool() == Some(true) {
                val(a, 0)
            } else {
                val(a, 1)
            }
            .clone(),
        ))
    }),
    func!("atoi", [Str], None, |a| Ok(parse_int(s(a, 0), 10)
        .unwrap_or(0)
        .into())),
    func!("int", [Any], None, |a| Ok(to_int64(val(a, 0)).into())),
    func!("int64", [Any], None, |a| Ok(to_int64(val(a, 0)).into())),
    func!("float64", [Any], None, |a| Ok(float(to_float64(val(a, 0))))),
    func!("toDecimal", [Any], None, |a| Ok(parse_int(
        &gofmt::value_string(val(a, 0)),
        8
    )
    .unwrap_or(0)
    .into())),
    func!("add1", [Any], None, |a| Ok(to_int64(val(a, 0))
        .wrapping_add(1)
        .into())),
    func!("add", [], Some(Ty::Any), |a| Ok(a
        .iter()
        .fold(0i64, |acc, x| acc.wrapping_add(to_int64(x.json())))
        .into())),
    func!("sub", [Any, Any], None, |a| Ok(to_int64(val(a, 0))
        .wrapping_sub(to_int64(val(a, 1)))
        .into())),
    func!("mul", [Any], Some(Ty::Any), |a| {
        Ok(a[1..]
            .iter()
            .fold(to_int64(val(a, 0)), |acc, x| {
                acc.wrapping_mul(to_int64(x.json()))
            })
            .into())
    }),
    func!("div", [Any, Any], None, |a| int_op(a, i64::checked_div)),
    func!("mod", [Any, Any], None, |a| int_op(a, i64::checked_rem)),
    func!("max", [Any], Some(Ty::Any), |a| Ok(a
        .iter()
        .map(|x| to_int64(x.json()))
        .fold(to_int64(val(a, 0)), i64::max)
        .into())),
    func!("biggest", [Any], Some(Ty::Any), |a| {
        Ok(a.iter()
            .map(|x| to_int64(x.json()))
            .fold(to_int64(val(a, 0)), i64::max)
            .into())
    }),
    func!("min", [Any], Some(Ty::Any), |a| Ok(a
        .iter()
        .map(|x| to_int64(x.json()))
        .fold(to_int64(val(a, 0)), i64::min)
        .into())),
    func!("floor", [Any], None, |a| Ok(float(
        to_float64(val(a, 0)).floor()
    ))),
    func!("ceil", [Any], None, |a| Ok(float(
        to_float64(val(a, 0)).ceil()
    ))),
    func!("round", [Any, Int], Some(Ty::Any), |a| {
        let round_on = a.get(2).map_or(0.5, |x| to_float64(x.json()));
        let pow = 10f64.powi(int(a, 1) as i32);
        let digit = pow * to_float64(val(a, 0));
        let rounded = if digit.fract() >= round_on {
            digit.ceil()
        } else {
            digit.floor()
        };
        Ok(float(rounded / pow))
    }),
    func!("until", [Int], None, |a| {
        let n = int(a, 0);
        until_step(0, n, if n < 0 { -1 } else { 1 })
    }),
    func!("untilStep", [Int, Int, Int], None, |a| until_step(
        int(a, 0),
        int(a, 1),
        int(a, 2)
    )),
    func!("env", [Str], None, |a| Ok(std::env::var(s(a, 0))
        .unwrap_or_default()
        .into())),
    func!("expandenv", [Str], None, |a| Ok(expand_env(s(a, 0)).into())),
    func!("base", [Str], None, |a| Ok(gopath::base(s(a, 0)).into())),
    func!("dir", [Str], None, |a| Ok(gopath::dir(s(a, 0)).into())),
    func!("clean", [Str], None, |a| Ok(gopath::clean(s(a, 0)).into())),
    func!("ext", [Str], None, |a| Ok(gopath::ext(s(a, 0)).into())),
    func!("isAbs", [Str], None, |a| Ok(s(a, 0)
        .starts_with('/')
        .into())),
];

fn float(f: f64) -> Ret {
    Ret::Val(serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number))
}

/// sprig's `empty`: zero numbers, `false`, nil and empty strings, lists and maps.
pub(crate) fn empty(v: &Json) -> bool {
    !truthy(v)
}

/// `strconv.ParseInt(s, base, 64)`, with base 0 meaning Go literal syntax (`0x`, `0o`,
/// `0b`, a leading `0` for octal, `_` separators).
pub(crate) fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits, underscores) = if base == 0 {
        let lower = body.to_ascii_lowercase();
        if lower.starts_with("0x") {
            (16, &body[2..], true)
        } else if lower.starts_with("0o") {
            (8, &body[2..], true)
        } else if lower.starts_with("0b") {
            (2, &body[2..], true)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..], true)
        } else {
            (10, body, true)
        }
    } else {
        (base, body, false)
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let cleaned: String = if underscores {
        digits.replace('_', "")
    } else {
        digits.to_string()
    };
    if !underscores && digits.contains('_') {
        return None;
    }
    let magnitude = u64::from_str_radix(&cleaned, radix).ok()?;
    if neg {
        if magnitude > i64::MAX as u64 + 1 {
            None
        } else {
            Some((magnitude as i64).wrapping_neg())
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `cast.ToInt64`: numbers truncate, strings parse with Go literal syntax after dropping a
/// zero fraction (`"12.00"`), booleans are 0/1, anything unparsable is 0.
pub(crate) fn to_int64(v: &Json) -> i64 {
    match v {
        Json::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().map(|u| u as i64))
            .unwrap_or_else(|| n.as_f64().map_or(0, |f| f as i64)),
        Json::String(s) => parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
        Json::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b'.' if found_zero => return &s[..i],
            b'.' => return s,
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToFloat64`.
fn to_float64(v: &Json) -> f64 {
    match v {
        Json::Number(n) => n.as_f64().unwrap_or(0.0),
        Json::String(s) => s.parse().unwrap_or(0.0),
        Json::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Integer division and remainder panic on zero in Go; the template reports an error.
fn int_op(a: &[Arg<'_>], op: fn(i64, i64) -> Option<i64>) -> FnResult {
    let (x, y) = (to_int64(val(a, 0)), to_int64(val(a, 1)));
    if y == 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(op(x, y).unwrap_or(x).into())
}

/// sprig `untilStep`: `start`, `start+step`, … while short of `stop` (counting down for a
/// negative step). The item count is worked out first, so a huge range is refused before
/// anything is allocated and no step can overflow.
fn until_step(start: i64, stop: i64, step: i64) -> FnResult {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let items = match (stop < start, step) {
        (true, s) if s < 0 => (start - stop + (-s) - 1) / (-s),
        (false, s) if s > 0 => (stop - start + s - 1) / s,
        _ => 0,
    };
    limits::check_items(usize::try_from(items).unwrap_or(usize::MAX))?;
    // Every item lies between start and stop, so it fits an i64.
    let v = (0..items)
        .map(|k| Json::from(i64::try_from(start + k * step).unwrap_or_default()))
        .collect();
    Ok(Ret::Val(Json::Array(v)))
}

/// `os.ExpandEnv`: `$NAME` and `${NAME}`; a `$` not followed by a name stays.
fn expand_env(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            out.push_str(&s[i..j]);
            let (name, width) = shell_name(&s[j + 1..]);
            match (name, width) {
                (None, w) if w > 0 => {}
                (None, _) => out.push('$'),
                (Some(n), _) => out.push_str(&std::env::var(n).unwrap_or_default()),
            }
            j += width;
            i = j + 1;
        }
        j += 1;
    }
    out.push_str(&s[i.min(s.len())..]);
    out
}

fn shell_name(s: &str) -> (Option<&str>, usize) {
    let b = s.as_bytes();
    let special =
        |c: u8| matches!(c, b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-') || c.is_ascii_digit();
    if b[0] == b'{' {
        if b.len() > 2 && special(b[1]) && b[2] == b'}' {
            return (Some(&s[1..2]), 3);
        }
        return match b.iter().skip(1).position(|&c| c == b'}') {
            Some(0) => (None, 2),
            Some(i) => (Some(&s[1..=i]), i + 2),
            None => (None, 1),
        };
    }
    if special(b[0]) {
        return (Some(&s[..1]), 1);
    }
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    if n == 0 {
        (None, 0)
    } else {
        (Some(&s[..n]), n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cast_semantics() {
        assert_eq!(to_int64(&json!("42")), 42);
        assert_eq!(to_int64(&json!("0x1F")), 31);
        assert_eq!(
            to_int64(&json!("012")),
            10,
            "leading zero is octal for cast.ToInt64"
        );
        assert_eq!(to_int64(&json!("000012345678")), 0, "not valid octal: 0");
        assert_eq!(to_int64(&json!("12.00")), 12);
        assert_eq!(to_int64(&json!("12.5")), 0);
        assert_eq!(to_int64(&json!(3.9)), 3);
        assert_eq!(to_int64(&json!(true)), 1);
        assert_eq!(parse_int("-17", 10), Some(-17));
        assert_eq!(parse_int("1_000", 10), None);
        assert_eq!(parse_int("1_000", 0), Some(1000));
    }

    #[test]
    fn env_expansion() {
        // Reads PATH, which every test process has; nothing is modified.
        let home = std::env::var("PATH").unwrap_or_default();
        assert_eq!(expand_env("x${PATH}y"), format!("x{home}y"));
        assert_eq!(expand_env("cost $"), "cost $");
        assert_eq!(expand_env("a${}b"), "ab");
    }
}
