//! Parser for Go's `text/template` language (as in `text/template/parse/parse.go`) into
//! the small AST the handlebars translator consumes: text, actions, `if`/`with`/`range`
//! (with `else`, `else if`, `else with`) and pipelines of commands.
//!
//! Checks Go makes at parse time are made here with Go's wording: unknown functions,
//! undefined variables, empty pipelines, literals in later pipeline stages. `define`,
//! `template`, `block`, `break`, `continue` and variable re-assignment (`$x = …`) are
//! rejected as unsupported; profile names have no use for them.

use super::funcs;
use super::lexer::{Item, Tok, lex};
use super::literal::{Number, number, unquote, unquote_char};

#[derive(Debug)]
pub(crate) enum Node {
    Text(String),
    Action { pos: usize, pipe: Pipe },
    If(Control),
    With(Control),
    Range(Control),
}

#[derive(Debug)]
pub(crate) struct Control {
    /// Byte offset of the opening `{{`.
    pub(crate) pos: usize,
    pub(crate) pipe: Pipe,
    pub(crate) list: Vec<Node>,
    pub(crate) else_list: Option<Vec<Node>>,
}

#[derive(Debug)]
pub(crate) struct Pipe {
    /// Declared variables (`$x :=`, or `$i, $e :=` in `range`).
    pub(crate) decl: Vec<u32>,
    pub(crate) cmds: Vec<Cmd>,
}

#[derive(Debug)]
pub(crate) struct Cmd {
    pub(crate) pos: usize,
    pub(crate) args: Vec<Operand>,
}

#[derive(Debug)]
pub(crate) enum Operand {
    Dot,
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// `.A.B` on dot.
    Field(Vec<String>),
    /// `$x.A.B`, `$.A`, `$`.
    Var(VarRef, Vec<String>),
    /// A function name.
    Func(String),
    /// `( pipeline )`.
    Pipe(Box<Pipe>),
    /// `(pipeline).A.B`.
    Chain(Box<Operand>, Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VarRef {
    /// `$`: the data passed to the template.
    Root,
    /// A declared variable, numbered uniquely across the template.
    Id(u32),
}

#[derive(Debug)]
pub(crate) struct ParseError {
    pub(crate) pos: usize,
    pub(crate) msg: String,
}

type PResult<T> = Result<T, ParseError>;

enum Parsed {
    Node(Node),
    End,
    Else,
}

struct Parser {
    items: Vec<Item>,
    i: usize,
    vars: Vec<(String, VarRef)>,
    next_var: u32,
    /// Blocks and parenthesised pipelines open around the current token.
    depth: usize,
}

/// How deep blocks (`if`, `with`, `range`, each `else if`) and parentheses may nest: parsing,
/// translating and rendering recurse once per level, and a worker thread's 2 MiB stack must
/// hold them, else a template nested thousands deep aborts the process.
const MAX_DEPTH: usize = 100;

/// Parses a Go template.
pub(crate) fn parse(src: &str) -> PResult<Vec<Node>> {
    let mut p = Parser {
        items: lex(src),
        i: 0,
        vars: vec![("$".into(), VarRef::Root)],
        next_var: 0,
        depth: 0,
    };
    let mut list = Vec::new();
    while p.peek().tok != Tok::Eof {
        let pos = p.peek().pos;
        match p.text_or_action()? {
            Parsed::Node(n) => list.push(n),
            Parsed::End => return Err(err(pos, "unexpected {{end}}")),
            Parsed::Else => return Err(err(pos, "unexpected {{else}}")),
        }
    }
    Ok(list)
}

fn err(pos: usize, msg: impl Into<String>) -> ParseError {
    ParseError {
        pos,
        msg: msg.into(),
    }
}

impl Parser {
    fn peek(&self) -> &Item {
        &self.items[self.i.min(self.items.len() - 1)]
    }

    fn next(&mut self) -> PResult<Item> {
        let item = self.peek().clone();
        if let Tok::Error(msg) = &item.tok {
            return Err(err(item.pos, msg.clone()));
        }
        if self.i < self.items.len() - 1 {
            self.i += 1;
        }
        Ok(item)
    }

    fn backup(&mut self) {
        self.i -= 1;
    }

    fn skip_spaces(&mut self) {
        while self.peek().tok == Tok::Space {
            self.i += 1;
        }
    }

    fn next_non_space(&mut self) -> PResult<Item> {
        self.skip_spaces();
        self.next()
    }

    /// Like Go's `peekNonSpace`: consumes blanks, then looks at the next token.
    fn peek_non_space(&mut self) -> &Item {
        self.skip_spaces();
        self.peek()
    }

    fn unexpected(&self, item: &Item, context: &str) -> ParseError {
        if let Tok::Error(msg) = &item.tok {
            return err(item.pos, msg.clone());
        }
        err(
            item.pos,
            format!("unexpected {} in {context}", item.tok.describe()),
        )
    }

    fn expect(&mut self, tok: Tok, context: &str) -> PResult<Item> {
        let item = self.next_non_space()?;
        if item.tok != tok {
            return Err(self.unexpected(&item, context));
        }
        Ok(item)
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let item = self.next_non_space()?;
        match item.tok {
            Tok::Text(t) => Ok(Parsed::Node(Node::Text(t))),
            Tok::LeftDelim => self.action(item.pos),
            _ => Err(self.unexpected(&item, "input")),
        }
    }

    fn action(&mut self, pos: usize) -> PResult<Parsed> {
        let item = self.next_non_space()?;
        match item.tok {
            Tok::Keyword("if") => Ok(Parsed::Node(Node::If(self.control(pos, "if")?))),
            Tok::Keyword("with") => Ok(Parsed::Node(Node::With(self.control(pos, "with")?))),
            Tok::Keyword("range") => Ok(Parsed::Node(Node::Range(self.control(pos, "range")?))),
            Tok::Keyword("end") => {
                self.expect(Tok::RightDelim, "end")?;
                Ok(Parsed::End)
            }
            Tok::Keyword("else") => {
                // "{{else if …}}" and "{{else with …}}" leave the keyword for the caller.
                if !matches!(self.peek_non_space().tok, Tok::Keyword("if" | "with")) {
                    self.expect(Tok::RightDelim, "else")?;
                }
                Ok(Parsed::Else)
            }
            Tok::Keyword(k @ ("define" | "template" | "block")) => Err(err(
                item.pos,
                format!(
                    "{{{{{k}}}}} (template definitions and calls) is not supported in a ProfileFormat"
                ),
            )),
            Tok::Keyword(k @ ("break" | "continue")) => Err(err(
                item.pos,
                format!("{{{{{k}}}}} is not supported in a ProfileFormat"),
            )),
            _ => {
                self.backup();
                let pipe = self.pipeline("command", &Tok::RightDelim)?;
                Ok(Parsed::Node(Node::Action { pos, pipe }))
            }
        }
    }

    /// One more level of nesting at `pos`, refused past [`MAX_DEPTH`].
    fn enter(&mut self, pos: usize) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                pos,
                format!(
                    "blocks and parentheses nest more than {MAX_DEPTH} deep (an else-if chain nests too: use separate {{{{if}}}} blocks)"
                ),
            ));
        }
        Ok(())
    }

    fn control(&mut self, pos: usize, context: &str) -> PResult<Control> {
        self.enter(pos)?;
        let control = self.control_body(pos, context);
        self.depth -= 1;
        control
    }

    fn control_body(&mut self, pos: usize, context: &str) -> PResult<Control> {
        let mark = self.vars.len();
        let pipe = self.pipeline(context, &Tok::RightDelim)?;
        let (list, next) = self.item_list()?;
        let else_list = match next {
            Parsed::Else => {
                let peek = self.peek().tok.clone();
                if context == "if" && peek == Tok::Keyword("if") {
                    let p = self.next()?.pos;
                    Some(vec![Node::If(self.control(p, "if")?)])
                } else if context == "with" && peek == Tok::Keyword("with") {
                    let p = self.next()?.pos;
                    Some(vec![Node::With(self.control(p, "with")?)])
                } else {
                    let at = self.peek().pos;
                    let (list, next) = self.item_list()?;
                    if !matches!(next, Parsed::End) {
                        return Err(err(at, "expected end; found {{else}}"));
                    }
                    Some(list)
                }
            }
            _ => None,
        };
        self.vars.truncate(mark);
        Ok(Control {
            pos,
            pipe,
            list,
            else_list,
        })
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, Parsed)> {
        let mark = self.vars.len();
        let mut list = Vec::new();
        loop {
            if self.peek_non_space().tok == Tok::Eof {
                return Err(err(self.peek().pos, "unexpected EOF"));
            }
            match self.text_or_action()? {
                Parsed::Node(n) => list.push(n),
                other => {
                    // Variables declared in a branch end with it (Go would fail at run
                    // time when another branch used them).
                    self.vars.truncate(mark);
                    return Ok((list, other));
                }
            }
        }
    }

    fn declare(&mut self, name: &str) -> u32 {
        let id = self.next_var;
        self.next_var += 1;
        self.vars.push((name.to_string(), VarRef::Id(id)));
        id
    }

    fn pipeline(&mut self, context: &str, end: &Tok) -> PResult<Pipe> {
        let pos = self.peek().pos;
        self.enter(pos)?;
        let pipe = self.pipeline_body(context, end);
        self.depth -= 1;
        pipe
    }

    fn pipeline_body(&mut self, context: &str, end: &Tok) -> PResult<Pipe> {
        let mut decl = Vec::new();
        while let Tok::Variable(name) = self.peek_non_space().tok.clone() {
            let save = self.i;
            let var = self.next()?;
            let next = self.peek_non_space().clone();
            match next.tok {
                Tok::Declare => {
                    self.next()?;
                    decl.push(self.declare(&name));
                }
                Tok::Assign => {
                    return Err(err(
                        var.pos,
                        format!(
                            "assigning to a variable ({name} = …) is not supported in a ProfileFormat; declare a new one with :="
                        ),
                    ));
                }
                Tok::Char(',') => {
                    self.next()?;
                    decl.push(self.declare(&name));
                    if context == "range" && decl.len() < 2 {
                        match self.peek_non_space().tok {
                            Tok::Variable(_) | Tok::RightDelim | Tok::RightParen => continue,
                            _ => return Err(err(next.pos, "range can only initialize variables")),
                        }
                    }
                    return Err(err(next.pos, format!("too many declarations in {context}")));
                }
                _ => self.i = save,
            }
            break;
        }
        let mut cmds = Vec::new();
        loop {
            let item = self.next_non_space()?;
            if &item.tok == end {
                if cmds.is_empty() {
                    return Err(err(item.pos, format!("missing value for {context}")));
                }
                for (i, c) in cmds.iter().enumerate().skip(1) {
                    let c: &Cmd = c;
                    if matches!(
                        c.args[0],
                        Operand::Bool(_)
                            | Operand::Dot
                            | Operand::Nil
                            | Operand::Int(_)
                            | Operand::Float(_)
                            | Operand::Str(_)
                    ) {
                        return Err(err(
                            c.pos,
                            format!("non executable command in pipeline stage {}", i + 1),
                        ));
                    }
                }
                return Ok(Pipe { decl, cmds });
            }
            match item.tok {
                Tok::Bool(_)
                | Tok::CharConst(_)
                | Tok::Dot
                | Tok::Field(_)
                | Tok::Ident(_)
                | Tok::Number(_)
                | Tok::Nil
                | Tok::RawStr(_)
                | Tok::Str(_)
                | Tok::Variable(_)
                | Tok::LeftParen => {
                    self.backup();
                    cmds.push(self.command()?);
                }
                _ => return Err(self.unexpected(&item, context)),
            }
        }
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek_non_space().pos;
        let mut args = Vec::new();
        loop {
            self.skip_spaces();
            if let Some(op) = self.operand()? {
                args.push(op);
            }
            let item = self.next()?;
            match item.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return Err(self.unexpected(&item, "operand")),
            }
            break;
        }
        if args.is_empty() {
            return Err(err(pos, "empty command"));
        }
        Ok(Cmd { pos, args })
    }

    fn operand(&mut self) -> PResult<Option<Operand>> {
        let start = self.peek().pos;
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if !matches!(self.peek().tok, Tok::Field(_)) {
            return Ok(Some(node));
        }
        let mut fields = Vec::new();
        while let Tok::Field(f) = &self.peek().tok {
            fields.push(f.clone());
            self.i += 1;
        }
        Ok(Some(match node {
            Operand::Field(mut f) => {
                f.extend(fields);
                Operand::Field(f)
            }
            Operand::Var(v, mut f) => {
                f.extend(fields);
                Operand::Var(v, f)
            }
            Operand::Bool(_)
            | Operand::Str(_)
            | Operand::Int(_)
            | Operand::Float(_)
            | Operand::Nil
            | Operand::Dot => {
                return Err(err(start, "unexpected . after term"));
            }
            other => Operand::Chain(Box::new(other), fields),
        }))
    }

    fn term(&mut self) -> PResult<Option<Operand>> {
        let item = self.next_non_space()?;
        let pos = item.pos;
        Ok(Some(match item.tok {
            Tok::Ident(name) => {
                if funcs::lookup(&name).is_none() {
                    return Err(err(
                        pos,
                        match funcs::unsupported_reason(&name) {
                            Some(why) => format!(
                                "function {name:?} is not supported in a ProfileFormat: {why}"
                            ),
                            None => format!("function {name:?} not defined"),
                        },
                    ));
                }
                Operand::Func(name)
            }
            Tok::Dot => Operand::Dot,
            Tok::Nil => Operand::Nil,
            Tok::Variable(name) => match self.vars.iter().rev().find(|(n, _)| *n == name) {
                Some((_, r)) => Operand::Var(*r, Vec::new()),
                None => return Err(err(pos, format!("undefined variable {name:?}"))),
            },
            Tok::Field(f) => Operand::Field(vec![f]),
            Tok::Bool(b) => Operand::Bool(b),
            Tok::CharConst(c) => {
                Operand::Int(i64::from(unquote_char(&c).map_err(|m| err(pos, m))?))
            }
            Tok::Number(n) => match number(&n).map_err(|m| err(pos, m))? {
                Number::Int(i) => Operand::Int(i),
                Number::Float(f) => Operand::Float(f),
            },
            Tok::LeftParen => Operand::Pipe(Box::new(
                self.pipeline("parenthesized pipeline", &Tok::RightParen)?,
            )),
            Tok::Str(s) => Operand::Str(unquote(&s).map_err(|m| err(pos, m))?),
            Tok::RawStr(s) => Operand::Str(s[1..s.len() - 1].replace('\r', "")),
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

#[cfg(test)]
mod tests;
