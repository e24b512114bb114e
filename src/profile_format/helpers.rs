//! The handlebars helpers a translated ProfileFormat runs on.
//!
//! * `go_print v` writes `v` as Go's `{{ v }}` would (`<no value>` for a missing key).
//! * `go_text "…"` writes literal text that handlebars could misread as syntax.
//! * `go_field recv "A" "B"` is Go's field chain `recv.A.B`: a missing map key is Go's
//!   invalid value, a missing field of the role record (the root object) is an error.
//! * `go_root 0` is Go's `$` where handlebars' `this` no longer is the root.
//! * `#go_if`, `#go_with`, `#go_range`, `#go_let` are Go's `if`, `with`, `range` and
//!   `$x := …` with Go's truthiness and iteration order (sorted map keys).
//! * Every template function is a [`FuncHelper`] around its [`FuncSpec`].
//!
//! Loops, copies and function results are charged to the render's [`limits`] budget.

use handlebars::{
    BlockContext, BlockParams, Context, Handlebars, Helper, HelperDef, HelperResult,
    JsonRender as _, Output, RenderContext, RenderError, RenderErrorReason, Renderable, ScopedJson,
};
use serde_json::Value as Json;

use super::funcs::{self, FuncSpec, Ret};
use super::{gofmt, limits};

fn fail(msg: String) -> RenderError {
    RenderErrorReason::Other(msg).into()
}

/// The value of parameter `i`, `None` when handlebars found nothing there (Go's invalid
/// value).
fn param<'a>(h: &'a Helper<'_>, i: usize) -> Option<&'a Json> {
    h.param(i)
        .filter(|p| !p.is_value_missing())
        .map(|p| p.value())
}

fn is_root(v: &Json, ctx: &Context) -> bool {
    std::ptr::eq(v, ctx.data())
}

pub(crate) struct GoPrint;

impl HelperDef for GoPrint {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        match param(h, 0) {
            None => out.write("<no value>")?,
            Some(Json::String(s)) => out.write(s)?,
            Some(Json::Object(m)) if is_root(param(h, 0).unwrap_or(&Json::Null), ctx) => {
                // Go prints the role record, a *struct, as `&{field values…}`.
                let mut s = String::from("&{");
                for (i, v) in m.values().enumerate() {
                    if i > 0 {
                        s.push(' ');
                    }
                    gofmt::write_value(&mut s, v);
                }
                s.push('}');
                out.write(&s)?;
            }
            Some(v) => {
                let mut s = String::new();
                gofmt::write_value(&mut s, v);
                out.write(&s)?;
            }
        }
        Ok(())
    }
}

pub(crate) struct GoText;

impl HelperDef for GoText {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        out.write(&param(h, 0).map(|v| v.render()).unwrap_or_default())?;
        Ok(())
    }
}

/// Follows `names` from `start`. `Ok(None)` is Go's invalid value (a missing map key,
/// after which the rest of the chain is invalid too).
fn walk<'v>(start: &'v Json, names: &[&str], root: &Json) -> Result<Option<&'v Json>, String> {
    let mut cur = start;
    for name in names {
        cur = match cur {
            Json::Object(m) => match m.get(*name) {
                Some(v) => v,
                None if std::ptr::eq(cur, root) => {
                    let mut fields: Vec<&str> = m.keys().map(String::as_str).collect();
                    fields.sort_unstable();
                    return Err(format!(
                        "can't evaluate field {name} (valid fields: {})",
                        fields.join(", ")
                    ));
                }
                None => return Ok(None),
            },
            Json::Null => return Err(format!("nil pointer evaluating interface {{}}.{name}")),
            other => {
                return Err(format!(
                    "can't evaluate field {name} in type {}",
                    gofmt::type_name(other)
                ));
            }
        };
    }
    Ok(Some(cur))
}

pub(crate) struct GoField;

impl HelperDef for GoField {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let names: Vec<&str> = h
            .params()
            .iter()
            .skip(1)
            .map(|p| p.value().as_str().unwrap_or(""))
            .collect();
        let Some(recv) = param(h, 0) else {
            return Ok(ScopedJson::Missing);
        };
        let root = ctx.data();
        if is_root(recv, ctx) {
            // Borrow from the context instead of cloning: the common `.AccountName` case.
            return match walk(root, &names, root).map_err(fail)? {
                Some(v) => Ok(ScopedJson::Context(v, Vec::new())),
                None => Ok(ScopedJson::Missing),
            };
        }
        match walk(recv, &names, root).map_err(fail)? {
            Some(v) => {
                limits::work(limits::size(v)).map_err(fail)?;
                Ok(ScopedJson::Derived(v.clone()))
            }
            None => Ok(ScopedJson::Missing),
        }
    }
}

pub(crate) struct GoRoot;

impl HelperDef for GoRoot {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        _: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        Ok(ScopedJson::Context(ctx.data(), Vec::new()))
    }
}

fn render_branch<'reg: 'rc, 'rc>(
    h: &Helper<'rc>,
    then: bool,
    r: &'reg Handlebars<'reg>,
    ctx: &'rc Context,
    rc: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    match if then { h.template() } else { h.inverse() } {
        Some(t) => t.render(r, ctx, rc, out),
        None => Ok(()),
    }
}

/// A block whose dot is `v`; the root stays borrowed so that field errors still name it.
fn dot_block<'rc>(v: &Json, ctx: &Context) -> Result<BlockContext<'rc>, RenderError> {
    let mut block = BlockContext::new();
    if !is_root(v, ctx) {
        limits::work(limits::size(v)).map_err(fail)?;
        block.set_base_value(v.clone());
    }
    Ok(block)
}

pub(crate) struct GoIf;

impl HelperDef for GoIf {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let t = param(h, 0).is_some_and(funcs::truthy);
        render_branch(h, t, r, ctx, rc, out)
    }
}

pub(crate) struct GoWith;

impl HelperDef for GoWith {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        match param(h, 0).filter(|v| funcs::truthy(v)) {
            Some(v) => {
                rc.push_block(dot_block(v, ctx)?);
                let res = render_branch(h, true, r, ctx, rc, out);
                rc.pop_block();
                res
            }
            None => render_branch(h, false, r, ctx, rc, out),
        }
    }
}

pub(crate) struct GoRange;

impl HelperDef for GoRange {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let Some(v) = param(h, 0) else {
            return render_branch(h, false, r, ctx, rc, out);
        };
        // Charged before anything is copied: `range 10000000` fails at once. Each element
        // is copied up to three times (the list below, the variable, the dot).
        let count = match v {
            Json::Array(a) => a.len(),
            Json::Object(m) => m.len(),
            Json::Number(n) if (n.is_i64() || n.is_u64()) && h.block_param_pair().is_none() => n
                .as_i64()
                .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(0)),
            _ => 0,
        };
        limits::iterations(count).map_err(fail)?;
        limits::work(limits::size(v).saturating_mul(3)).map_err(fail)?;
        let items: Vec<(Json, Json)> = match v {
            Json::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, e)| (Json::from(i), e.clone()))
                .collect(),
            Json::Object(m) => gofmt::sorted_entries(m)
                .into_iter()
                .map(|(k, e)| (Json::String(k.clone()), e.clone()))
                .collect(),
            Json::Number(n) if n.is_i64() || n.is_u64() => {
                if h.block_param_pair().is_some() {
                    return Err(fail(format!(
                        "can't use {n} to iterate over more than one variable"
                    )));
                }
                (0..n.as_i64().unwrap_or(0).max(0))
                    .map(|i| (Json::from(i), Json::from(i)))
                    .collect()
            }
            other => {
                let mut shown = String::new();
                gofmt::write_value(&mut shown, other);
                return Err(fail(format!("range can't iterate over {shown}")));
            }
        };
        if items.is_empty() {
            return render_branch(h, false, r, ctx, rc, out);
        }
        let Some(t) = h.template() else { return Ok(()) };
        for (key, elem) in items {
            let mut block = BlockContext::new();
            let mut params = BlockParams::new();
            if let Some(name) = h.block_param() {
                params.add_value(name, elem.clone())?;
            } else if let Some((elem_name, key_name)) = h.block_param_pair() {
                params.add_value(elem_name, elem.clone())?;
                params.add_value(key_name, key)?;
            }
            block.set_block_params(params);
            block.set_base_value(elem);
            rc.push_block(block);
            let res = t.render(r, ctx, rc, out);
            rc.pop_block();
            res?;
        }
        Ok(())
    }
}

pub(crate) struct GoLet;

impl HelperDef for GoLet {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        // Same dot as the enclosing block; only a variable is added.
        let mut block = BlockContext::new();
        if let Some(parent) = rc.block() {
            block.base_path_mut().clone_from(parent.base_path());
            if let Some(v) = parent.base_value() {
                limits::work(limits::size(v)).map_err(fail)?;
                block.set_base_value(v.clone());
            }
        }
        // A missing value is not bound at all: looking the variable up then finds
        // nothing, which is how Go's invalid value behaves.
        if let (Some(v), Some(name)) = (param(h, 0), h.block_param()) {
            limits::work(limits::size(v)).map_err(fail)?;
            let mut params = BlockParams::new();
            params.add_value(name, v.clone())?;
            block.set_block_params(params);
        }
        rc.push_block(block);
        let res = render_branch(h, true, r, ctx, rc, out);
        rc.pop_block();
        res
    }
}

/// A template function.
pub(crate) struct FuncHelper(pub(crate) &'static FuncSpec);

impl HelperDef for FuncHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let spec = self.0;
        let raw: Vec<Option<&Json>> = h
            .params()
            .iter()
            .map(|p| {
                if p.is_value_missing() {
                    None
                } else {
                    Some(p.value())
                }
            })
            .collect();
        let args = spec
            .check_args(&raw)
            .map_err(|m| fail(format!("{m} (calling {})", spec.name)))?;
        match (spec.imp)(&args) {
            Ok(Ret::Val(v)) => {
                limits::check_result(&v)
                    .map_err(|m| fail(format!("error calling {}: {m}", spec.name)))?;
                Ok(ScopedJson::Derived(v))
            }
            Ok(Ret::Missing) => Ok(ScopedJson::Missing),
            Err(m) => Err(fail(format!("error calling {}: {m}", spec.name))),
        }
    }
}
