//! The kit every template function is written with: Go's parameter types, the argument
//! values (a missing map key is Go's "invalid" value, [`Arg::Missing`]: it prints as
//! `<no value>`, becomes `nil` when passed to an `interface{}` parameter and is an error for
//! a `string` or `int` parameter, exactly as in Go), results, the signature checks with Go's
//! messages, and the `func!` macro. The tables that use it (`funcs`, `builtins`, `sprig*`)
//! import it; it imports none of them.

use serde_json::Value as Json;

use super::gofmt;

pub(crate) static NULL: Json = Json::Null;

/// Parameter types, as far as Go's argument checks can observe them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// `string`
    Str,
    /// `int`/`int64`
    Int,
    /// `bool`
    Bool,
    /// `interface{}`: anything; a missing value arrives as `nil`.
    Any,
    /// `reflect.Value` (Go's own builtins): a missing value stays missing.
    Value,
}

impl Ty {
    fn go_name(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Bool => "bool",
            Ty::Any => "interface {}",
            Ty::Value => "reflect.Value",
        }
    }
}

/// One argument after type checking.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    Missing,
    Val(&'a Json),
}

impl<'a> Arg<'a> {
    pub(crate) fn json(self) -> &'a Json {
        match self {
            Arg::Missing => &NULL,
            Arg::Val(v) => v,
        }
    }

    pub(crate) fn to_ret(self) -> Ret {
        match self {
            Arg::Missing => Ret::Missing,
            Arg::Val(v) => Ret::Val(v.clone()),
        }
    }
}

/// A function result: a value, or Go's invalid value (from `and`/`or`).
#[derive(Debug)]
pub(crate) enum Ret {
    Val(Json),
    Missing,
}

impl From<Json> for Ret {
    fn from(v: Json) -> Ret {
        Ret::Val(v)
    }
}

impl From<String> for Ret {
    fn from(s: String) -> Ret {
        Ret::Val(Json::String(s))
    }
}

impl From<&str> for Ret {
    fn from(s: &str) -> Ret {
        Ret::Val(Json::String(s.to_string()))
    }
}

impl From<bool> for Ret {
    fn from(b: bool) -> Ret {
        Ret::Val(Json::Bool(b))
    }
}

impl From<i64> for Ret {
    fn from(i: i64) -> Ret {
        Ret::Val(Json::from(i))
    }
}

pub(crate) type FnResult = Result<Ret, String>;
pub(crate) type Impl = fn(&[Arg<'_>]) -> FnResult;

/// A template function: Go signature plus implementation.
pub(crate) struct FuncSpec {
    pub(crate) name: &'static str,
    pub(crate) params: &'static [Ty],
    pub(crate) variadic: Option<Ty>,
    pub(crate) imp: Impl,
}

impl FuncSpec {
    /// Go's arity check (`wrong number of args for X: want N got M`).
    pub(crate) fn check_arity(&self, n: usize) -> Result<(), String> {
        let fixed = self.params.len();
        match self.variadic {
            None if n != fixed => Err(format!(
                "wrong number of args for {}: want {fixed} got {n}",
                self.name
            )),
            Some(_) if n < fixed => Err(format!(
                "wrong number of args for {}: want at least {fixed} got {n}",
                self.name
            )),
            _ => Ok(()),
        }
    }

    /// Go's argument conversion: `invalid value; expected T` for a missing value in a
    /// typed parameter, `wrong type for value; expected T; got U` for a mismatch.
    pub(crate) fn check_args<'a>(&self, raw: &[Option<&'a Json>]) -> Result<Vec<Arg<'a>>, String> {
        self.check_arity(raw.len())?;
        let mut out = Vec::with_capacity(raw.len());
        for (i, v) in raw.iter().enumerate() {
            let ty = self
                .params
                .get(i)
                .copied()
                .or(self.variadic)
                .unwrap_or(Ty::Any);
            let arg = match (ty, v) {
                (Ty::Value, None) => Arg::Missing,
                (Ty::Any, None) => Arg::Val(&NULL),
                (_, None) => return Err(format!("invalid value; expected {}", ty.go_name())),
                (_, Some(v)) => {
                    if !accepts(ty, v) {
                        return Err(format!(
                            "wrong type for value; expected {}; got {}",
                            ty.go_name(),
                            gofmt::type_name(v)
                        ));
                    }
                    Arg::Val(v)
                }
            };
            out.push(arg);
        }
        Ok(out)
    }
}

fn accepts(ty: Ty, v: &Json) -> bool {
    match ty {
        Ty::Str => v.is_string(),
        Ty::Bool => v.is_boolean(),
        Ty::Int => as_int(v).is_some(),
        Ty::Any | Ty::Value => true,
    }
}

/// An integer argument: JSON integers, and floats with an integral value (Go accepts an
/// untyped constant such as `3.0` for an `int` parameter).
pub(crate) fn as_int(v: &Json) -> Option<i64> {
    let n = v.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}

/// The string in argument `i` (checked to be a string by `check_args`).
pub(crate) fn s<'a>(args: &[Arg<'a>], i: usize) -> &'a str {
    args.get(i).and_then(|a| a.json().as_str()).unwrap_or("")
}

/// The integer in argument `i` (checked by `check_args`).
pub(crate) fn int(args: &[Arg<'_>], i: usize) -> i64 {
    args.get(i).and_then(|a| as_int(a.json())).unwrap_or(0)
}

/// The JSON value of argument `i` (`null` for a missing value).
pub(crate) fn val<'a>(args: &[Arg<'a>], i: usize) -> &'a Json {
    args.get(i).map_or(&NULL, |a| a.json())
}

/// Go's `truth`/`isTrue`: empty and zero values are false, missing values too.
pub(crate) fn truth(a: Arg<'_>) -> bool {
    match a {
        Arg::Missing => false,
        Arg::Val(v) => truthy(v),
    }
}

pub(crate) fn truthy(v: &Json) -> bool {
    match v {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
    }
}

macro_rules! func {
    ($name:literal, [$($p:ident),*], $var:expr, $imp:expr) => {
        FuncSpec { name: $name, params: &[$(Ty::$p),*], variadic: $var, imp: $imp }
    };
}
pub(crate) use func;
