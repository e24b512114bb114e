//! sprig v3.3.0 list functions (`list`, `first`, `last`, `rest`, `initial`, `reverse`,
//! `uniq`, `compact`, `has`, `without`, `append`, `prepend`, `concat`, `slice`) and the
//! splitting/joining ones (`split`, `splitn`, `splitList`, `join`, `toStrings`,
//! `sortAlpha`). Non-list arguments fail with sprig's messages (`Cannot find first on type
//! string`).

use serde_json::Value as Json;

use super::func_spec::{Arg, FnResult, FuncSpec, Ret, Ty, func, int, s, val};
use super::limits;
use super::sprig::{string_list, strval};
use super::sprig_misc::{empty, to_int64};

pub(crate) static FUNCS: &[FuncSpec] = &[
    func!("split", [Str, Str], None, |a| Ok(index_map(go_split(
        s(a, 1),
        s(a, 0),
        -1
    )))),
    func!("splitn", [Str, Int, Str], None, |a| Ok(index_map(
        go_split(s(a, 2), s(a, 0), int(a, 1))
    ))),
    func!("splitList", [Str, Str], None, |a| Ok(string_list(
        go_split(s(a, 1), s(a, 0), -1)
    ))),
    func!("toStrings", [Any], None, |a| Ok(string_list(strslice(
        val(a, 0)
    )))),
    func!("join", [Str, Any], None, |a| join(s(a, 0), val(a, 1))),
    func!("sortAlpha", [Any], None, |a| {
        let v = val(a, 0);
        let mut items = if v.is_array() {
            strslice(v)
        } else {
            vec![strval(v)]
        };
        items.sort();
        Ok(string_list(items))
    }),
    func!("list", [], Some(Ty::Any), |a| Ok(Ret::Val(Json::Array(
        a.iter().map(|x| x.json().clone()).collect()
    )))),
    func!("tuple", [], Some(Ty::Any), |a| Ok(Ret::Val(Json::Array(
        a.iter().map(|x| x.json().clone()).collect()
    )))),
    func!("first", [Any], None, |a| list_op(a, "first", |l| l
        .first()
        .cloned()
        .unwrap_or(Json::Null))),
    func!("mustFirst", [Any], None, |a| list_op(a, "first", |l| l
        .first()
        .cloned()
        .unwrap_or(Json::Null))),
    func!("last", [Any], None, |a| list_op(a, "last", |l| l
        .last()
        .cloned()
        .unwrap_or(Json::Null))),
    func!("mustLast", [Any], None, |a| list_op(a, "last", |l| l
        .last()
        .cloned()
        .unwrap_or(Json::Null))),
    func!("rest", [Any], None, |a| list_op(a, "rest", |l| {
        nil_if_empty(l, || l[1..].to_vec())
    })),
    func!("mustRest", [Any], None, |a| list_op(a, "rest", |l| {
        nil_if_empty(l, || l[1..].to_vec())
    })),
    func!("initial", [Any], None, |a| list_op(a, "initial", |l| {
        nil_if_empty(l, || l[..l.len() - 1].to_vec())
    })),
    func!("mustInitial", [Any], None, |a| list_op(a, "initial", |l| {
        nil_if_empty(l, || l[..l.len() - 1].to_vec())
    })),
    func!("reverse", [Any], None, |a| list_op(a, "reverse", |l| {
        Json::Array(l.iter().rev().cloned().collect())
    })),
    func!("mustReverse", [Any], None, |a| list_op(a, "reverse", |l| {
        Json::Array(l.iter().rev().cloned().collect())
    })),
    func!("uniq", [Any], None, |a| list_op(a, "uniq", uniq)),
    func!("mustUniq", [Any], None, |a| list_op(a, "uniq", uniq)),
    func!("compact", [Any], None, |a| list_op(a, "compact", compact)),
    func!("mustCompact", [Any], None, |a| list_op(
        a, "compact", compact
    )),
    func!("has", [Any, Any], None, has),
    func!("mustHas", [Any, Any], None, has),
    func!("without", [Any], Some(Ty::Any), without),
    func!("mustWithout", [Any], Some(Ty::Any), without),
    func!("append", [Any, Any], None, |a| list_op(a, "append", |l| {
        push(l, val(a, 1), false)
    })),
    func!("push", [Any, Any], None, |a| list_op(a, "push", |l| push(
        l,
        val(a, 1),
        false
    ))),
    func!("mustAppend", [Any, Any], None, |a| list_op(
        a,
        "append",
        |l| push(l, val(a, 1), false)
    )),
    func!("mustPush", [Any, Any], None, |a| list_op(a, "push", |l| {
        push(l, val(a, 1), false)
    })),
    func!("prepend", [Any, Any], None, |a| list_op(
        a,
        "prepend",
        |l| push(l, val(a, 1), true)
    )),
    func!("mustPrepend", [Any, Any], None, |a| list_op(
        a,
        "prepend",
        |l| push(l, val(a, 1), true)
    )),
    func!("concat", [], Some(Ty::Any), concat),
    func!("slice", [Any], Some(Ty::Any), slice),
    func!("mustSlice", [Any], Some(Ty::Any), slice),
];

/// `strings.SplitN` (`n < 0` means no limit); an empty separator splits into runes.
fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<String> = s.chars().map(String::from).collect();
        if n < 0 || chars.len() <= n as usize {
            return chars;
        }
        let head = chars[..n as usize - 1].to_vec();
        let tail: String = s.chars().skip(n as usize - 1).collect();
        return head.into_iter().chain(std::iter::once(tail)).collect();
    }
    if n < 0 {
        s.split(sep).map(String::from).collect()
    } else {
        s.splitn(n as usize, sep).map(String::from).collect()
    }
}

/// sprig `split`/`splitn` results: a map `_0`, `_1`, … so that `$parts._0` works.
fn index_map(parts: Vec<String>) -> Ret {
    let map = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Json::String(p)))
        .collect();
    Ret::Val(Json::Object(map))
}

/// sprig `strslice`: list items as strings (nil items dropped), a nil value as an empty
/// list and any other value as a one-item list.
fn strslice(v: &Json) -> Vec<String> {
    match v {
        Json::Array(items) => items.iter().filter(|i| !i.is_null()).map(strval).collect(),
        Json::Null => Vec::new(),
        other => vec![strval(other)],
    }
}

/// Runs `f` on a list argument; other types are an error as in sprig (`Cannot find first
/// on type string`).
fn list_op(a: &[Arg<'_>], what: &str, f: impl FnOnce(&[Json]) -> Json) -> FnResult {
    match val(a, 0) {
        Json::Array(l) => Ok(Ret::Val(f(l))),
        Json::Null => {
            Err("runtime error: invalid memory address or nil pointer dereference".into())
        }
        other => Err(format!("Cannot find {what} on type {}", go_kind(other))),
    }
}

fn go_kind(v: &Json) -> &'static str {
    match v {
        Json::String(_) => "string",
        Json::Number(n) if n.is_f64() => "float64",
        Json::Number(_) => "int",
        Json::Bool(_) => "bool",
        Json::Object(_) => "map",
        Json::Array(_) => "slice",
        Json::Null => "invalid",
    }
}

fn nil_if_empty(l: &[Json], f: impl FnOnce() -> Vec<Json>) -> Json {
    if l.is_empty() {
        Json::Null
    } else {
        Json::Array(f())
    }
}

/// The list's items joined by `sep`, refused before it is built when a long separator
/// would make it too large.
fn join(sep: &str, list: &Json) -> FnResult {
    let items = strslice(list);
    let len = items
        .iter()
        .map(String::len)
        .sum::<usize>()
        .saturating_add(sep.len().saturating_mul(items.len().saturating_sub(1)));
    limits::check_len(len)?;
    Ok(items.join(sep).into())
}

/// Keeps the first of equal items. Equal items have equal [`canonical`] keys, so this takes
/// one pass, not the quadratic scan of a list of tens of thousands of items.
fn uniq(l: &[Json]) -> Json {
    let mut seen = std::collections::HashSet::with_capacity(l.len());
    let mut out: Vec<Json> = Vec::new();
    for item in l {
        let mut key = String::new();
        canonical(item, &mut key);
        if seen.insert(key) {
            out.push(item.clone());
        }
    }
    Json::Array(out)
}

/// A text that is the same for two values exactly when they are equal as JSON values: map
/// keys sorted (maps compare without regard to order), zero without its sign.
fn canonical(v: &Json, out: &mut String) {
    match v {
        Json::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| *k);
            out.push('{');
            for (k, item) in entries {
                out.push_str(&Json::String(k.clone()).to_string());
                out.push(':');
                canonical(item, out);
                out.push(',');
            }
            out.push('}');
        }
        Json::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => out.push_str("0.0"),
        other => out.push_str(&other.to_string()),
    }
}

fn compact(l: &[Json]) -> Json {
    Json::Array(l.iter().filter(|v| !empty(v)).cloned().collect())
}

fn push(l: &[Json], v: &Json, front: bool) -> Json {
    let mut out = l.to_vec();
    if front {
        out.insert(0, v.clone());
    } else {
        out.push(v.clone());
    }
    Json::Array(out)
}

fn has(a: &[Arg<'_>]) -> FnResult {
    match val(a, 1) {
        Json::Null => Ok(false.into()),
        Json::Array(l) => Ok(l.contains(val(a, 0)).into()),
        other => Err(format!("Cannot find has on type {}", go_kind(other))),
    }
}

fn without(a: &[Arg<'_>]) -> FnResult {
    let omit: Vec<&Json> = a[1..].iter().map(|x| x.json()).collect();
    list_op(a, "without", |l| {
        Json::Array(l.iter().filter(|v| !omit.contains(v)).cloned().collect())
    })
}

fn concat(a: &[Arg<'_>]) -> FnResult {
    let mut out = Vec::new();
    for x in a {
        match x.json() {
            Json::Array(l) => out.extend(l.iter().cloned()),
            other => return Err(format!("Cannot concat type {} as list", go_kind(other))),
        }
    }
    Ok(Ret::Val(Json::Array(out)))
}

/// sprig `slice list [start [end]]` (lists only; it replaces Go's builtin `slice`).
fn slice(a: &[Arg<'_>]) -> FnResult {
    let l = match val(a, 0) {
        Json::Array(l) => l,
        Json::Null => {
            return Err("runtime error: invalid memory address or nil pointer dereference".into());
        }
        other => {
            return Err(format!(
                "list should be type of slice or array but {}",
                go_kind(other)
            ));
        }
    };
    if l.is_empty() {
        return Ok(Ret::Val(Json::Null));
    }
    let start = a.get(1).map_or(0, |x| to_int64(x.json()));
    let end = a.get(2).map_or(l.len() as i64, |x| to_int64(x.json()));
    if start < 0 || end < start || end > l.len() as i64 {
        return Err(format!("reflect: slice index out of range [{start}:{end}]"));
    }
    Ok(Ret::Val(Json::Array(
        l[start as usize..end as usize].to_vec(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniq_keeps_the_first_of_equal_items_in_one_pass() {
        let l: Vec<Json> = serde_json::from_str(
            r#"[1, "1", 1, 1.0, 0.0, -0.0, {"a":1,"b":[2]}, {"b":[2],"a":1}, [1], [1], null, null]"#,
        )
        .unwrap();
        let want: Vec<Json> =
            serde_json::from_str(r#"[1, "1", 1.0, 0.0, {"a":1,"b":[2]}, [1], null]"#).unwrap();
        assert_eq!(uniq(&l), Json::Array(want));
        // Agrees with the plain scan it replaces.
        let mut slow: Vec<Json> = Vec::new();
        for item in &l {
            if !slow.contains(item) {
                slow.push(item.clone());
            }
        }
        assert_eq!(uniq(&l), Json::Array(slow));
    }

    #[test]
    fn splitting() {
        assert_eq!(go_split("a-b-c", "-", -1), ["a", "b", "c"]);
        assert_eq!(go_split("a-b-c", "-", 2), ["a", "b-c"]);
        assert_eq!(go_split("abc", "", -1), ["a", "b", "c"]);
        assert!(go_split("", "", -1).is_empty());
        assert_eq!(go_split("", ",", -1), [""]);
    }
}
