//! Translates the Go template AST into handlebars source for the helpers in `helpers.rs`.
//!
//! `{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}` becomes
//! `{{go_print (FirstItem (go_field this "AccountName") (nospace (go_field this
//! "AccountAlias")))}}:{{go_print (go_field this "RoleName")}}`: a pipeline's value is the
//! last argument of the next command, `.` is handlebars' `this`, variables are block
//! parameters named `$0`, `$1`, … and control structures are block helpers.
//!
//! Two handlebars behaviours would change Go's output and are defused here: a block tag
//! alone on its line swallows that line's white space ("standalone" tags), so every block
//! tag is preceded by an empty comment `{{!}}`; and text ending in `{` or `\` would merge
//! with the following `{{`, so such characters are written by the `go_text` helper.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::funcs;
use super::parser::{Cmd, Node, Operand, Pipe, VarRef};

pub(crate) struct Translation {
    pub(crate) source: String,
    /// (byte offset of a `{{` in `source`, byte offset of the Go action it came from)
    pub(crate) marks: Vec<(usize, usize)>,
    /// Template functions the source calls.
    pub(crate) functions: BTreeSet<&'static str>,
    /// Fields of the role record the template reads, or `None` when it uses the record
    /// as a whole (`{{ . }}`, `$` as a value); lets a render copy only those fields.
    pub(crate) root_fields: Option<BTreeSet<String>>,
}

#[derive(Debug)]
pub(crate) struct TranslateError {
    pub(crate) pos: usize,
    pub(crate) msg: String,
}

type TResult<T> = Result<T, TranslateError>;

pub(crate) fn translate(nodes: &[Node]) -> TResult<Translation> {
    let mut t = Translator {
        out: String::new(),
        marks: Vec::new(),
        functions: BTreeSet::new(),
        root_fields: BTreeSet::new(),
        whole_root: false,
    };
    t.list(nodes, true)?;
    let root_fields = (!t.whole_root).then_some(t.root_fields);
    Ok(Translation {
        source: t.out,
        marks: t.marks,
        functions: t.functions,
        root_fields,
    })
}

struct Translator {
    out: String,
    marks: Vec<(usize, usize)>,
    functions: BTreeSet<&'static str>,
    root_fields: BTreeSet<String>,
    whole_root: bool,
}

fn var_name(id: u32) -> String {
    format!("${id}")
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

impl Translator {
    fn text(&mut self, text: &str) {
        let keep = text.trim_end_matches(['{', '\\']);
        self.out.push_str(keep);
        let tail = &text[keep.len()..];
        if !tail.is_empty() {
            let _ = write!(self.out, "{{{{go_text {}}}}}", json_str(tail));
        }
    }

    fn mustache(&mut self, go_pos: usize, body: &str) {
        self.marks.push((self.out.len(), go_pos));
        let _ = write!(self.out, "{{{{{body}}}}}");
    }

    fn open(&mut self, go_pos: usize, helper: &str, param: &str, block_params: &[String]) {
        self.out.push_str("{{!}}");
        let mut body = format!("#{helper} {param}");
        if !block_params.is_empty() {
            let _ = write!(body, " as |{}|", block_params.join(" "));
        }
        self.mustache(go_pos, &body);
    }

    fn else_tag(&mut self) {
        self.out.push_str("{{!}}{{else}}");
    }

    fn close(&mut self, helper: &str) {
        let _ = write!(self.out, "{{{{!}}}}{{{{/{helper}}}}}");
    }

    /// `dot_root`: whether `.` is still the role record (outside `with`/`range` bodies).
    fn list(&mut self, nodes: &[Node], dot_root: bool) -> TResult<()> {
        for (i, node) in nodes.iter().enumerate() {
            match node {
                Node::Text(t) => self.text(t),
                Node::Action { pos, pipe } => {
                    let expr = self.pipe(pipe, dot_root)?;
                    if let Some(&id) = pipe.decl.first() {
                        // `$x := …` is in scope until the end of the enclosing list.
                        self.open(*pos, "go_let", &expr, &[var_name(id)]);
                        self.list(&nodes[i + 1..], dot_root)?;
                        self.close("go_let");
                        return Ok(());
                    }
                    if let [Cmd { args, pos: cmd_pos }] = pipe.cmds.as_slice()
                        && let [Operand::Nil] = args.as_slice()
                    {
                        return Err(TranslateError {
                            pos: *cmd_pos,
                            msg: "nil is not a command".into(),
                        });
                    }
                    self.mustache(*pos, &format!("go_print {expr}"));
                }
                Node::If(c) | Node::With(c) => {
                    let helper = if matches!(node, Node::If(_)) {
                        "go_if"
                    } else {
                        "go_with"
                    };
                    let mut cond = self.pipe(&c.pipe, dot_root)?;
                    if let Some(&id) = c.pipe.decl.first() {
                        self.open(c.pos, "go_let", &cond, &[var_name(id)]);
                        cond = var_name(id);
                    }
                    self.open(c.pos, helper, &cond, &[]);
                    self.list(&c.list, dot_root && helper == "go_if")?;
                    if let Some(else_list) = &c.else_list {
                        self.else_tag();
                        self.list(else_list, dot_root)?;
                    }
                    self.close(helper);
                    if !c.pipe.decl.is_empty() {
                        self.close("go_let");
                    }
                }
                Node::Range(c) => {
                    let value = self.pipe(&c.pipe, dot_root)?;
                    // Block params are |element key|; Go declares `$key, $element`.
                    let params: Vec<String> =
                        c.pipe.decl.iter().rev().map(|id| var_name(*id)).collect();
                    self.open(c.pos, "go_range", &value, &params);
                    self.list(&c.list, false)?;
                    if let Some(else_list) = &c.else_list {
                        self.else_tag();
                        self.list(else_list, dot_root)?;
                    }
                    self.close("go_range");
                }
            }
        }
        Ok(())
    }

    fn pipe(&mut self, pipe: &Pipe, dot_root: bool) -> TResult<String> {
        let mut acc: Option<String> = None;
        for cmd in &pipe.cmds {
            acc = Some(self.cmd(cmd, acc, dot_root)?);
        }
        Ok(acc.unwrap_or_else(|| "null".into()))
    }

    fn cmd(&mut self, cmd: &Cmd, last: Option<String>, dot_root: bool) -> TResult<String> {
        let first = &cmd.args[0];
        if let Operand::Func(name) = first {
            let mut parts = Vec::with_capacity(cmd.args.len() + 1);
            for arg in &cmd.args[1..] {
                parts.push(self.operand(arg, cmd.pos, dot_root)?);
            }
            parts.extend(last);
            return self.call(name, parts, cmd.pos);
        }
        if cmd.args.len() > 1 || last.is_some() {
            return Err(TranslateError {
                pos: cmd.pos,
                msg: format!("can't give argument to non-function {}", describe(first)),
            });
        }
        self.operand(first, cmd.pos, dot_root)
    }

    fn call(&mut self, name: &str, parts: Vec<String>, pos: usize) -> TResult<String> {
        let spec = funcs::lookup(name).ok_or_else(|| TranslateError {
            pos,
            msg: format!("function {name:?} not defined"),
        })?;
        spec.check_arity(parts.len())
            .map_err(|msg| TranslateError { pos, msg })?;
        self.functions.insert(spec.name);
        if parts.is_empty() {
            // A handlebars sub-expression needs at least one parameter or hash pair.
            return Ok(format!("({name} _=0)"));
        }
        Ok(format!("({name} {})", parts.join(" ")))
    }

    fn operand(&mut self, op: &Operand, pos: usize, dot_root: bool) -> TResult<String> {
        Ok(match op {
            Operand::Dot => {
                self.whole_root |= dot_root;
                "this".into()
            }
            Operand::Nil => "null".into(),
            Operand::Bool(b) => b.to_string(),
            Operand::Int(i) => i.to_string(),
            Operand::Float(f) => {
                // The handlebars number grammar wants an upper case `E` and no `+`.
                let s = format!("{f:e}").replace('e', "E");
                if s.contains('.') || s.contains('E') {
                    s
                } else {
                    format!("{s}.0")
                }
            }
            Operand::Str(s) => json_str(s),
            Operand::Field(names) => {
                if dot_root {
                    self.root_fields.insert(names[0].clone());
                }
                field("this", names)
            }
            Operand::Var(VarRef::Root, names) => {
                let root = if dot_root { "this" } else { "(go_root 0)" };
                match names.first() {
                    None => {
                        self.whole_root = true;
                        root.into()
                    }
                    Some(first) => {
                        self.root_fields.insert(first.clone());
                        field(root, names)
                    }
                }
            }
            Operand::Var(VarRef::Id(id), names) => {
                if names.is_empty() {
                    var_name(*id)
                } else {
                    field(&var_name(*id), names)
                }
            }
            Operand::Func(name) => self.call(name, Vec::new(), pos)?,
            Operand::Pipe(p) => self.pipe(p, dot_root)?,
            Operand::Chain(inner, names) => {
                let recv = self.operand(inner, pos, dot_root)?;
                field(&recv, names)
            }
        })
    }
}

fn field(recv: &str, names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| json_str(n)).collect();
    format!("(go_field {recv} {})", quoted.join(" "))
}

fn describe(op: &Operand) -> String {
    match op {
        Operand::Dot => ".".into(),
        Operand::Nil => "nil".into(),
        Operand::Bool(b) => b.to_string(),
        Operand::Int(i) => i.to_string(),
        Operand::Float(f) => f.to_string(),
        Operand::Str(s) => format!("{s:?}"),
        Operand::Field(n) => format!(".{}", n.join(".")),
        Operand::Var(VarRef::Root, n) if n.is_empty() => "$".into(),
        Operand::Var(_, n) if n.is_empty() => "variable".into(),
        Operand::Var(_, n) => format!("$….{}", n.join(".")),
        Operand::Func(f) => f.clone(),
        Operand::Pipe(_) => "(pipeline)".into(),
        Operand::Chain(_, n) => format!("(…).{}", n.join(".")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse;
    use super::*;

    fn hbs(src: &str) -> String {
        translate(&parse(src).unwrap()).unwrap().source
    }

    #[test]
    fn friendly_translation() {
        assert_eq!(
            hbs("{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}"),
            "{{go_print (FirstItem (go_field this \"AccountName\") (nospace (go_field this \"AccountAlias\")))}}:{{go_print (go_field this \"RoleName\")}}"
        );
    }

    #[test]
    fn control_structures_are_guarded_blocks() {
        assert_eq!(
            hbs("{{ if .A }}x{{ else }}y{{ end }}"),
            "{{!}}{{#go_if (go_field this \"A\")}}x{{!}}{{else}}y{{!}}{{/go_if}}"
        );
        assert_eq!(
            hbs("{{ range $k, $v := .Tags }}{{ $k }}{{ end }}"),
            "{{!}}{{#go_range (go_field this \"Tags\") as |$1 $0|}}{{go_print $0}}{{!}}{{/go_range}}"
        );
    }

    #[test]
    fn risky_text_goes_through_go_text() {
        assert_eq!(
            hbs("a\\{{ .A }}"),
            "a{{go_text \"\\\\\"}}{{go_print (go_field this \"A\")}}"
        );
        assert_eq!(hbs("{ {{- 1 }}"), "{{go_text \"{\"}}{{go_print 1}}");
    }

    #[test]
    fn static_errors() {
        let err = |s: &str| translate(&parse(s).unwrap()).map(|_| ()).unwrap_err().msg;
        assert_eq!(
            err("{{ trunc 3 }}"),
            "wrong number of args for trunc: want 2 got 1"
        );
        assert_eq!(
            err("{{ \"x\" | printf \"%s\" | .A }}"),
            "can't give argument to non-function .A"
        );
        assert_eq!(err("{{ nil }}"), "nil is not a command");
    }
}
