//! `ProfileFormat`: the template that names a role's AWS profile, written in aws-sso-cli's
//! dialect (Go `text/template` with sprig v3 and five aws-sso-cli functions) and rendered
//! with handlebars.
//!
//! A Go template is parsed (`parser.rs`, `lexer.rs`), checked the way Go checks it at parse
//! time, translated to handlebars source (`translate.rs`) and registered once with the
//! helpers that implement Go's semantics (`helpers.rs`, `funcs.rs`, `sprig*.rs`). Each
//! render evaluates it against the role's flat record, a JSON object with the keys `Id
//! AccountId AccountIdPad AccountAlias AccountName EmailAddress Expires ExpiresEpoch Arn
//! RoleName Profile DefaultRegion SSO SSORegion StartUrl Tags Via`.
//!
//! Output matches Go's for the same template and role: integers print in decimal
//! (`.AccountId` is not padded), a missing tag prints `<no value>`, a field the record does
//! not have is an error, sprig functions keep sprig's argument order and quirks.
//!
//! A render is bounded (`limits.rs`): its output, each value, its loops and the work it
//! does; going over a bound is an error naming the template, never minutes of work.

mod builtins;
mod func_spec;
mod funcs;
mod gochar;
mod gofmt;
mod gopath;
mod helpers;
mod lexer;
mod limits;
mod literal;
mod parser;
mod printf;
mod sprig;
mod sprig_list;
mod sprig_misc;
mod strconv;
mod translate;
mod xstrings;

use handlebars::{Context, Handlebars, RenderErrorReason, Template};
use serde_json::Value;

/// aws-sso-cli's default ("Friendly"): the config's account name, else the AWS account
/// alias without white space, then the role name.
pub const FRIENDLY: &str = "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}";

/// The wizard's "Default" choice, and the format used when `ProfileFormat` is empty.
pub const ACCOUNT_ID_PAD: &str = "{{ .AccountIdPad }}:{{ .RoleName }}";

const NAME: &str = "profile_format";

/// Whether a template failed to parse or failed while rendering a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Parse,
    Exec,
}

/// A ProfileFormat error: what is wrong and where in the template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ProfileFormat '{}': {}{}", one_line(.template), Location(.line, .column), .message)]
pub struct TemplateError {
    template: String,
    line: usize,
    column: usize,
    kind: ErrorKind,
    message: String,
}

impl TemplateError {
    fn at(template: &str, offset: Option<usize>, kind: ErrorKind, message: String) -> Self {
        let (line, column) = offset.map_or((0, 0), |o| line_col(template, o));
        TemplateError {
            template: template.to_string(),
            line,
            column,
            kind,
            message,
        }
    }

    /// The template text.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// 1-based line of the offending action (0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column, in characters, of the offending action (0 when unknown).
    pub fn column(&self) -> usize {
        self.column
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The bare message, without template and position.
    pub fn message(&self) -> &str {
        &self.message
    }
}

struct Location<'a>(&'a usize, &'a usize);

impl std::fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (*self.0, *self.1) {
            (0, _) | (_, 0) => Ok(()),
            (1, col) => write!(f, "column {col}: "),
            (line, col) => write!(f, "line {line}, column {col}: "),
        }
    }
}

/// Keeps error messages on one line even for multi-line templates, with any other control
/// character escaped too.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    crate::display::escape(s)
}

/// 1-based line and character column of a byte offset.
fn line_col(s: &str, offset: usize) -> (usize, usize) {
    let before = &s[..offset.min(s.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// pest's line/column (as handlebars reports it) of each byte offset in `offsets`, which
/// must be ascending.
fn pest_line_cols(src: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(offsets.len());
    let (mut line, mut col) = (1, 1);
    let mut chars = src.char_indices().peekable();
    for &target in offsets {
        while let Some(&(i, c)) = chars.peek() {
            if i >= target {
                break;
            }
            chars.next();
            match c {
                '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => {
                    chars.next();
                    line += 1;
                    col = 1;
                }
                '\n' => {
                    line += 1;
                    col = 1;
                }
                _ => col += 1,
            }
        }
        out.push((line, col));
    }
    out
}

/// A compiled ProfileFormat: parse once, render for every role.
pub struct ProfileFormat {
    source: String,
    handlebars_source: String,
    registry: Handlebars<'static>,
    /// (handlebars line, column) of each action → byte offset of the Go action.
    positions: Vec<((usize, usize), usize)>,
    /// The record fields the template reads (`None`: it needs the whole record).
    root_fields: Option<Vec<String>>,
}

impl std::fmt::Debug for ProfileFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileFormat")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl ProfileFormat {
    /// Parses a Go-template ProfileFormat. Unknown functions, undefined variables, syntax
    /// errors and calls with the wrong number of arguments are reported here.
    pub fn compile(go_template: &str) -> Result<Self, TemplateError> {
        let parse_err = |pos: usize, msg: String| {
            TemplateError::at(go_template, Some(pos), ErrorKind::Parse, msg)
        };
        let nodes = parser::parse(go_template).map_err(|e| parse_err(e.pos, e.msg))?;
        let t = translate::translate(&nodes).map_err(|e| parse_err(e.pos, e.msg))?;
        let template = Template::compile(&t.source).map_err(|e| {
            TemplateError::at(
                go_template,
                None,
                ErrorKind::Parse,
                format!("internal error: generated handlebars does not compile: {e}"),
            )
        })?;
        let mut registry = Handlebars::new();
        registry.register_escape_fn(handlebars::no_escape);
        registry.set_prevent_indent(true);
        registry.register_template(NAME, template);
        registry.register_helper("go_print", Box::new(helpers::GoPrint));
        registry.register_helper("go_text", Box::new(helpers::GoText));
        registry.register_helper("go_field", Box::new(helpers::GoField));
        registry.register_helper("go_root", Box::new(helpers::GoRoot));
        registry.register_helper("go_if", Box::new(helpers::GoIf));
        registry.register_helper("go_with", Box::new(helpers::GoWith));
        registry.register_helper("go_range", Box::new(helpers::GoRange));
        registry.register_helper("go_let", Box::new(helpers::GoLet));
        for name in &t.functions {
            if let Some(spec) = funcs::lookup(name) {
                registry.register_helper(name, Box::new(helpers::FuncHelper(spec)));
            }
        }
        let offsets: Vec<usize> = t.marks.iter().map(|m| m.0).collect();
        let positions = pest_line_cols(&t.source, &offsets)
            .into_iter()
            .zip(t.marks.iter().map(|m| m.1))
            .collect();
        Ok(ProfileFormat {
            source: go_template.to_string(),
            handlebars_source: t.source,
            registry,
            positions,
            root_fields: t.root_fields.map(|f| f.into_iter().collect()),
        })
    }

    /// The Go template this was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The generated handlebars template (for debugging).
    pub fn handlebars_source(&self) -> &str {
        &self.handlebars_source
    }

    /// Renders the profile name of one role (its flat record as a JSON object).
    pub fn render(&self, role: &Value) -> Result<String, TemplateError> {
        // Copying only the fields the template reads keeps a render cheap; when one is
        // absent the whole record is used so that the error lists the valid fields.
        if let (Some(fields), Some(record)) = (&self.root_fields, role.as_object())
            && fields.iter().all(|f| record.contains_key(f))
        {
            let subset = fields
                .iter()
                .map(|f| (f.clone(), record[f].clone()))
                .collect();
            return self.render_context(&Context::from(Value::Object(subset)));
        }
        self.render_context(&Context::from(role.clone()))
    }

    /// Like [`render`](Self::render) for a record the caller no longer needs, saving a copy.
    pub fn render_owned(&self, role: Value) -> Result<String, TemplateError> {
        self.render_context(&Context::from(role))
    }

    fn render_context(&self, ctx: &Context) -> Result<String, TemplateError> {
        // Not `render_with_context`: it starts every output at 8 KiB of capacity, which the
        // returned name keeps (800 MB retained over a 100k-role list).
        let mut buf = CappedOutput::default();
        limits::start();
        let rendered = self
            .registry
            .render_with_context_to_write(NAME, ctx, &mut buf);
        if buf.over {
            return Err(TemplateError::at(
                &self.source,
                None,
                ErrorKind::Exec,
                format!(
                    "output exceeds {} bytes; a profile name must be shorter",
                    limits::MAX_OUTPUT
                ),
            ));
        }
        let buf = buf.bytes;
        rendered.map_err(|e| {
            let offset = match (e.line_no, e.column_no) {
                (Some(l), Some(c)) => self
                    .positions
                    .iter()
                    .find(|(lc, _)| *lc == (l, c))
                    .map(|p| p.1),
                _ => None,
            };
            let message = match e.reason() {
                RenderErrorReason::Other(m) => m.clone(),
                other => other.to_string(),
            };
            TemplateError::at(&self.source, offset, ErrorKind::Exec, message)
        })?;
        // Every piece written is a `&str`, so the bytes are UTF-8; lossy is only a fallback.
        Ok(String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

/// The render's output, refusing to grow past [`limits::MAX_OUTPUT`]: the write error stops
/// handlebars at once and `over` tells it apart from other errors.
#[derive(Default)]
struct CappedOutput {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for CappedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > limits::MAX_OUTPUT {
            self.over = true;
            return Err(std::io::Error::other("profile name too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Names of all template functions a ProfileFormat may call, sorted.
pub fn supported_functions() -> Vec<&'static str> {
    funcs::names()
}
