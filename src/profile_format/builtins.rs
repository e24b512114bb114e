//! Go's `text/template` builtins: `and or not len index print printf println html js
//! urlquery eq ne lt le gt ge` (`call` is absent: role data holds no functions, and
//! sprig's `slice` replaces Go's). Comparisons follow Go 1.18+: a missing value compares
//! unequal without error, mixed kinds are "incompatible types for comparison".

use serde_json::Value as Json;

use super::func_spec::{Arg, FnResult, FuncSpec, Ret, Ty, as_int, func, s, truth};
use super::{gofmt, printf};

/// Go's `text/template` builtins (`call` is absent: the data has no functions).
pub(crate) static FUNCS: &[FuncSpec] = &[
    func!("and", [Value], Some(Ty::Value), |a| {
        Ok(a.iter()
            .find(|x| !truth(**x))
            .unwrap_or(&a[a.len() - 1])
            .to_ret())
    }),
    func!("or", [Value], Some(Ty::Value), |a| Ok(a
        .iter()
        .find(|x| truth(**x))
        .unwrap_or(&a[a.len() - 1])
        .to_ret())),
    func!("not", [Value], None, |a| Ok((!truth(a[0])).into())),
    func!("len", [Value], None, |a| builtin_len(a[0])),
    func!("index", [Value], Some(Ty::Value), builtin_index),
    func!("print", [], Some(Ty::Any), |a| Ok(
        gofmt::sprint(&jsons(a)).into()
    )),
    func!("println", [], Some(Ty::Any), |a| Ok(gofmt::sprintln(
        &jsons(a)
    )
    .into())),
    func!("printf", [Str], Some(Ty::Any), |a| Ok(printf::sprintf(
        s(a, 0),
        &jsons(&a[1..])
    )?
    .into())),
    func!("html", [], Some(Ty::Any), |a| Ok(gofmt::html_escape(
        &escaper_input(a)
    )
    .into())),
    func!("js", [], Some(Ty::Any), |a| Ok(gofmt::js_escape(
        &escaper_input(a)
    )
    .into())),
    func!("urlquery", [], Some(Ty::Any), |a| Ok(gofmt::query_escape(
        &escaper_input(a)
    )
    .into())),
    func!("eq", [Value], Some(Ty::Value), |a| {
        if a.len() < 2 {
            return Err("missing argument for comparison".into());
        }
        for b in &a[1..] {
            if eq(a[0], *b)? {
                return Ok(true.into());
            }
        }
        Ok(false.into())
    }),
    func!(
        "ne",
        [Value, Value],
        None,
        |a| Ok((!eq(a[0], a[1])?).into())
    ),
    func!("lt", [Value, Value], None, |a| Ok(lt(a[0], a[1])?.into())),
    func!("le", [Value, Value], None, |a| Ok((lt(a[0], a[1])?
        || eq(a[0], a[1])?)
    .into())),
    func!("gt", [Value, Value], None, |a| Ok((!(lt(a[0], a[1])?
        || eq(a[0], a[1])?))
    .into())),
    func!(
        "ge",
        [Value, Value],
        None,
        |a| Ok((!lt(a[0], a[1])?).into())
    ),
];

fn jsons<'a>(a: &[Arg<'a>]) -> Vec<&'a Json> {
    a.iter().map(|x| x.json()).collect()
}

/// `html`, `js` and `urlquery` print their arguments with `fmt.Sprint`, except that a lone
/// string is used as is and a nil argument shows as `<no value>`.
fn escaper_input(a: &[Arg<'_>]) -> String {
    if let [Arg::Val(Json::String(s))] = a {
        return s.clone();
    }
    let no_value = Json::String("<no value>".into());
    let vals: Vec<&Json> = a
        .iter()
        .map(|x| {
            if x.json().is_null() {
                &no_value
            } else {
                x.json()
            }
        })
        .collect();
    gofmt::sprint(&vals)
}

fn builtin_len(a: Arg<'_>) -> FnResult {
    let n = match a {
        Arg::Missing => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Arg::Val(Json::Null) => return Err("len of nil pointer".into()),
        Arg::Val(Json::String(s)) => s.len(),
        Arg::Val(Json::Array(v)) => v.len(),
        Arg::Val(Json::Object(m)) => m.len(),
        Arg::Val(v) => return Err(format!("len of type {}", gofmt::type_name(v))),
    };
    Ok((n as i64).into())
}

fn builtin_index(a: &[Arg<'_>]) -> FnResult {
    let mut item: Json = match a[0] {
        Arg::Missing | Arg::Val(Json::Null) => return Err("index of untyped nil".into()),
        Arg::Val(v) => v.clone(),
    };
    for idx in &a[1..] {
        item = match item {
            Json::Array(mut items) => {
                let i = index_arg(*idx, items.len())?;
                items.swap_remove(i)
            }
            Json::String(s) => {
                let i = index_arg(*idx, s.len())?;
                Json::from(s.as_bytes()[i])
            }
            Json::Object(mut map) => {
                let key = match idx {
                    Arg::Val(Json::String(k)) => k,
                    Arg::Missing | Arg::Val(Json::Null) => {
                        return Err("value is nil; should be of type string".into());
                    }
                    Arg::Val(v) => {
                        return Err(format!(
                            "value has type {}; should be string",
                            gofmt::type_name(v)
                        ));
                    }
                };
                // A missing key yields the element type's zero value; the maps in role
                // data (Tags) hold strings.
                let all_strings = map.values().all(Json::is_string);
                map.remove(key.as_str()).unwrap_or(if all_strings {
                    Json::String(String::new())
                } else {
                    Json::Null
                })
            }
            Json::Null => return Err("index of nil pointer".into()),
            other => {
                return Err(format!(
                    "can't index item of type {}",
                    gofmt::type_name(&other)
                ));
            }
        };
    }
    Ok(Ret::Val(item))
}

fn index_arg(idx: Arg<'_>, len: usize) -> Result<usize, String> {
    let x = match idx {
        Arg::Val(v) if v.is_i64() || v.is_u64() => as_int(v).unwrap_or(i64::MAX),
        Arg::Missing | Arg::Val(Json::Null) => {
            return Err("cannot index slice/array with nil".into());
        }
        Arg::Val(v) => {
            return Err(format!(
                "cannot index slice/array with type {}",
                gofmt::type_name(v)
            ));
        }
    };
    if x < 0 || x as u64 >= len as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    Str,
    Other,
}

fn kind(a: Arg<'_>) -> Kind {
    match a {
        Arg::Missing | Arg::Val(Json::Null) => Kind::Invalid,
        Arg::Val(Json::Bool(_)) => Kind::Bool,
        Arg::Val(Json::Number(n)) if n.is_f64() => Kind::Float,
        Arg::Val(Json::Number(_)) => Kind::Int,
        Arg::Val(Json::String(_)) => Kind::Str,
        Arg::Val(_) => Kind::Other,
    }
}

/// Go's `eq` for one pair.
fn eq(a: Arg<'_>, b: Arg<'_>) -> Result<bool, String> {
    let (ka, kb) = (kind(a), kind(b));
    if ka != kb {
        if ka != Kind::Invalid && kb != Kind::Invalid {
            return Err("incompatible types for comparison".into());
        }
        return Ok(false);
    }
    let (x, y) = (a.json(), b.json());
    Ok(match ka {
        Kind::Invalid => true,
        Kind::Int => x.as_i64() == y.as_i64() && x.as_u64() == y.as_u64(),
        Kind::Float => x.as_f64() == y.as_f64(),
        Kind::Bool | Kind::Str => x == y,
        Kind::Other => return Err(format!("non-comparable type {}", gofmt::type_name(x))),
    })
}

/// Go's `lt`.
fn lt(a: Arg<'_>, b: Arg<'_>) -> Result<bool, String> {
    let (ka, kb) = (kind(a), kind(b));
    for k in [ka, kb] {
        if matches!(k, Kind::Invalid | Kind::Other | Kind::Bool) {
            return Err("invalid type for comparison".into());
        }
    }
    if ka != kb {
        return Err("incompatible types for comparison".into());
    }
    let (x, y) = (a.json(), b.json());
    Ok(match ka {
        Kind::Int => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i < j,
            _ => x.as_f64() < y.as_f64(),
        },
        Kind::Float => x.as_f64() < y.as_f64(),
        _ => x.as_str() < y.as_str(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::funcs::tests::{call, ok};
    use super::*;
    use serde_json::json;

    #[test]
    fn comparisons() {
        assert_eq!(ok("eq", &[json!("a"), json!("b"), json!("a")]), json!(true));
        assert_eq!(ok("ne", &[json!(1), json!(2)]), json!(true));
        assert_eq!(ok("lt", &[json!("a"), json!("b")]), json!(true));
        assert_eq!(ok("ge", &[json!(2), json!(2)]), json!(true));
        assert_eq!(ok("gt", &[json!(2), json!(2)]), json!(false));
        assert!(
            call("eq", &[Some(json!(1)), Some(json!("1"))])
                .unwrap_err()
                .contains("incompatible types")
        );
        assert!(
            call("lt", &[Some(json!(true)), Some(json!(false))])
                .unwrap_err()
                .contains("invalid type")
        );
        // A missing value compares unequal without error, as in Go.
        assert!(matches!(
            call("eq", &[None, Some(json!("x"))]).unwrap(),
            Ret::Val(Json::Bool(false))
        ));
    }

    #[test]
    fn and_or_return_operands() {
        assert_eq!(ok("and", &[json!(1), json!(""), json!(2)]), json!(""));
        assert_eq!(ok("and", &[json!(1), json!(2)]), json!(2));
        assert_eq!(ok("or", &[json!(""), json!(0), json!("x")]), json!("x"));
        assert!(matches!(
            call("and", &[None, Some(json!(1))]).unwrap(),
            Ret::Missing
        ));
    }

    #[test]
    fn index_and_len() {
        assert_eq!(ok("index", &[json!({"a": "x"}), json!("a")]), json!("x"));
        assert_eq!(ok("index", &[json!({"a": "x"}), json!("b")]), json!(""));
        assert_eq!(ok("index", &[json!(["p", "q"]), json!(1)]), json!("q"));
        assert_eq!(ok("index", &[json!("abc"), json!(0)]), json!(97));
        assert!(
            call("index", &[Some(json!(["p"])), Some(json!(3))])
                .unwrap_err()
                .contains("index out of range: 3")
        );
        assert_eq!(ok("len", &[json!("héllo")]), json!(6));
        assert!(
            call("len", &[Some(json!(3))])
                .unwrap_err()
                .contains("len of type int")
        );
    }

    #[test]
    fn escapers() {
        assert_eq!(ok("html", &[json!("<b>")]), json!("&lt;b&gt;"));
        assert_eq!(ok("urlquery", &[json!("a b"), json!(1)]), json!("a+b1"));
        assert_eq!(ok("print", &[json!(1), json!(2)]), json!("1 2"));
        assert_eq!(
            ok("printf", &[json!("%s-%d"), json!("x"), json!(7)]),
            json!("x-7")
        );
    }
}
