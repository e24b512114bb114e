//! Lexer for Go's `text/template` syntax (delimiters `{{ }}`), following
//! `text/template/parse/lex.go`: `{{- ` / ` -}}` trim the white space (`' '`, `\t`, `\r`,
//! `\n`) next to the action, `{{/* … */}}` comments vanish, and inside actions it yields
//! fields, variables, identifiers, keywords, numbers, strings, parentheses and pipes.
//!
//! Errors are returned as a final [`Tok::Error`] token so that the parser reports whatever
//! comes first in the template, as Go's concurrently running lexer and parser do.

use super::gochar::{is_ascii_blank, is_letter};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Text(String),
    LeftDelim,
    RightDelim,
    Space,
    /// `.Name` (without the dot).
    Field(String),
    Dot,
    /// `$` or `$name`.
    Variable(String),
    Ident(String),
    Keyword(&'static str),
    Bool(bool),
    Nil,
    Number(String),
    CharConst(String),
    /// A quoted string, quotes included.
    Str(String),
    /// A raw (back-quoted) string, quotes included.
    RawStr(String),
    LeftParen,
    RightParen,
    Pipe,
    Declare,
    Assign,
    Char(char),
    Error(String),
    Eof,
}

impl Tok {
    /// How Go names a token in "unexpected X in Y" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Eof => "EOF".into(),
            Tok::Keyword(k) => format!("<{k}>"),
            Tok::LeftDelim => "\"{{\"".into(),
            Tok::RightDelim => "\"}}\"".into(),
            Tok::Space => "space".into(),
            Tok::Text(t) => format!("{t:?}"),
            Tok::Field(f) => format!("\".{f}\""),
            Tok::Dot => "\".\"".into(),
            Tok::Variable(v)
            | Tok::Ident(v)
            | Tok::Number(v)
            | Tok::CharConst(v)
            | Tok::Str(v)
            | Tok::RawStr(v) => {
                format!("{v:?}")
            }
            Tok::Bool(b) => format!("\"{b}\""),
            Tok::Nil => "<nil>".into(),
            Tok::LeftParen => "\"(\"".into(),
            Tok::RightParen => "\")\"".into(),
            Tok::Pipe => "\"|\"".into(),
            Tok::Declare => "\":=\"".into(),
            Tok::Assign => "\"=\"".into(),
            Tok::Char(c) => format!("{:?}", c.to_string()),
            Tok::Error(e) => e.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub(crate) tok: Tok,
    /// Byte offset in the template.
    pub(crate) pos: usize,
}

const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with",
];

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric() || (!c.is_ascii() && (is_letter(c) || c.is_numeric()))
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    items: Vec<Item>,
    paren_depth: i32,
}

/// Tokenises a whole template. The last item is `Eof` or `Error`.
pub(crate) fn lex(input: &str) -> Vec<Item> {
    let mut l = Lexer {
        input,
        pos: 0,
        items: Vec::new(),
        paren_depth: 0,
    };
    if let Err((pos, msg)) = l.run() {
        l.items.push(Item {
            tok: Tok::Error(msg),
            pos,
        });
    } else {
        l.items.push(Item {
            tok: Tok::Eof,
            pos: input.len(),
        });
    }
    l.items
}

fn trim_left_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_ascii_blank).len()
}

/// `{{- ` needs a blank after the minus, otherwise `{{-3}}` is the number -3.
fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_ascii_blank(char::from(b[1]))
}

fn has_right_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_ascii_blank(char::from(b[0])) && b[1] == b'-'
}

type LexResult = Result<(), (usize, String)>;

impl Lexer<'_> {
    fn emit(&mut self, tok: Tok, pos: usize) {
        self.items.push(Item { tok, pos });
    }

    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn run(&mut self) -> LexResult {
        loop {
            let rest = self.rest();
            let Some(x) = rest.find("{{") else {
                if !rest.is_empty() {
                    self.emit(Tok::Text(rest.to_string()), self.pos);
                }
                self.pos = self.input.len();
                return Ok(());
            };
            let after = &rest[x + 2..];
            let trim = has_left_trim(after);
            let text = if trim {
                rest[..x].trim_end_matches(is_ascii_blank)
            } else {
                &rest[..x]
            };
            if !text.is_empty() {
                self.emit(Tok::Text(text.to_string()), self.pos);
            }
            let delim_pos = self.pos + x;
            self.pos = delim_pos + 2;
            let marker = if trim { 2 } else { 0 };
            if self.input[self.pos + marker..].starts_with("/*") {
                self.pos += marker;
                self.comment(delim_pos)?;
                continue;
            }
            self.emit(Tok::LeftDelim, delim_pos);
            self.pos += marker;
            self.paren_depth = 0;
            self.inside_action()?;
        }
    }

    /// `Some(trim)` when the input continues with `}}` or ` -}}`.
    fn at_right_delim(&self) -> Option<bool> {
        let rest = self.rest();
        if has_right_trim(rest) && rest[2..].starts_with("}}") {
            return Some(true);
        }
        rest.starts_with("}}").then_some(false)
    }

    fn right_delim(&mut self, trim: bool) {
        if trim {
            self.pos += 2;
        }
        self.emit(Tok::RightDelim, self.pos);
        self.pos += 2;
        if trim {
            self.pos += trim_left_len(self.rest());
        }
    }

    fn comment(&mut self, start: usize) -> LexResult {
        self.pos += 2;
        let Some(end) = self.rest().find("*/") else {
            return Err((start, "unclosed comment".into()));
        };
        self.pos += end + 2;
        match self.at_right_delim() {
            Some(trim) => {
                if trim {
                    self.pos += 2;
                }
                self.pos += 2;
                if trim {
                    self.pos += trim_left_len(self.rest());
                }
                Ok(())
            }
            None => Err((self.pos, "comment ends before closing delimiter".into())),
        }
    }

    fn inside_action(&mut self) -> LexResult {
        loop {
            if let Some(trim) = self.at_right_delim() {
                if self.paren_depth != 0 {
                    return Err((self.pos, "unclosed left paren".into()));
                }
                self.right_delim(trim);
                return Ok(());
            }
            let start = self.pos;
            let Some(c) = self.peek() else {
                return Err((start, "unclosed action".into()));
            };
            self.pos += c.len_utf8();
            match c {
                c if is_ascii_blank(c) => self.space(start),
                '=' => self.emit(Tok::Assign, start),
                ':' => {
                    if self.peek() != Some('=') {
                        return Err((start, "expected :=".into()));
                    }
                    self.pos += 1;
                    self.emit(Tok::Declare, start);
                }
                '|' => self.emit(Tok::Pipe, start),
                '"' => self.quote(start, '"', "unterminated quoted string")?,
                '\'' => self.quote(start, '\'', "unterminated character constant")?,
                '`' => {
                    let Some(end) = self.rest().find('`') else {
                        return Err((start, "unterminated raw quoted string".into()));
                    };
                    self.pos += end + 1;
                    self.emit(Tok::RawStr(self.input[start..self.pos].to_string()), start);
                }
                '$' => self.field_or_variable(start, true)?,
                '.' if self.peek().is_some_and(|n| !n.is_ascii_digit()) => {
                    self.field_or_variable(start, false)?
                }
                '.' | '+' | '-' | '0'..='9' => {
                    self.pos = start;
                    self.number(start)?;
                }
                c if is_alnum(c) => {
                    self.pos = start;
                    self.identifier(start)?;
                }
                '(' => {
                    self.paren_depth += 1;
                    self.emit(Tok::LeftParen, start);
                }
                ')' => {
                    self.paren_depth -= 1;
                    if self.paren_depth < 0 {
                        return Err((start, "unexpected right paren".into()));
                    }
                    self.emit(Tok::RightParen, start);
                }
                c if c.is_ascii() && !c.is_ascii_control() => self.emit(Tok::Char(c), start),
                c => {
                    return Err((
                        start,
                        format!("unrecognized character in action: U+{:04X} {c:?}", c as u32),
                    ));
                }
            }
        }
    }

    /// A run of blanks, leaving the last one in place when it belongs to ` -}}`.
    fn space(&mut self, start: usize) {
        let len = trim_left_len(self.rest());
        self.pos += len;
        let n = len + 1;
        let before = &self.input[self.pos - 1..];
        if has_right_trim(before) && before[2..].starts_with("}}") {
            self.pos -= 1;
            if n == 1 {
                return;
            }
        }
        self.emit(Tok::Space, start);
    }

    fn quote(&mut self, start: usize, q: char, unterminated: &str) -> LexResult {
        let mut chars = self.rest().char_indices();
        loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, c)) if c != '\n' => {}
                    _ => return Err((start, unterminated.into())),
                },
                Some((_, '\n')) | None => return Err((start, unterminated.into())),
                Some((i, c)) if c == q => {
                    self.pos += i + 1;
                    break;
                }
                Some(_) => {}
            }
        }
        let lexeme = self.input[start..self.pos].to_string();
        self.emit(
            if q == '"' {
                Tok::Str(lexeme)
            } else {
                Tok::CharConst(lexeme)
            },
            start,
        );
        Ok(())
    }

    /// Go's `atTerminator`: what may follow a field, variable or identifier.
    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_ascii_blank(c) || matches!(c, '.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with("}}"),
        }
    }

    fn field_or_variable(&mut self, start: usize, variable: bool) -> LexResult {
        if self.at_terminator() {
            self.emit(
                if variable {
                    Tok::Variable("$".into())
                } else {
                    Tok::Dot
                },
                start,
            );
            return Ok(());
        }
        let len: usize = self
            .rest()
            .chars()
            .take_while(|c| is_alnum(*c))
            .map(char::len_utf8)
            .sum();
        self.pos += len;
        if !self.at_terminator() {
            return Err((self.pos, self.bad_character()));
        }
        let text = &self.input[start..self.pos];
        self.emit(
            if variable {
                Tok::Variable(text.to_string())
            } else {
                Tok::Field(text[1..].to_string())
            },
            start,
        );
        Ok(())
    }

    fn bad_character(&self) -> String {
        let c = self.peek().unwrap_or('\0');
        format!("bad character U+{:04X} {c:?}", c as u32)
    }

    fn identifier(&mut self, start: usize) -> LexResult {
        let len: usize = self
            .rest()
            .chars()
            .take_while(|c| is_alnum(*c))
            .map(char::len_utf8)
            .sum();
        self.pos += len;
        if !self.at_terminator() {
            return Err((self.pos, self.bad_character()));
        }
        let word = &self.input[start..self.pos];
        let tok = match word {
            "true" => Tok::Bool(true),
            "false" => Tok::Bool(false),
            "nil" => Tok::Nil,
            w => match KEYWORDS.iter().find(|k| **k == w) {
                Some(k) => Tok::Keyword(k),
                None => Tok::Ident(w.to_string()),
            },
        };
        self.emit(tok, start);
        Ok(())
    }

    /// Go's `scanNumber`: sign, base prefix, digits with `_`, fraction, exponent, `i`.
    fn number(&mut self, start: usize) -> LexResult {
        let b = self.input.as_bytes();
        let mut p = self.pos;
        let accept = |p: &mut usize, set: &[u8]| -> bool {
            if *p < b.len() && set.contains(&b[*p]) {
                *p += 1;
                true
            } else {
                false
            }
        };
        let accept_run = |p: &mut usize, set: &[u8]| {
            while *p < b.len() && set.contains(&b[*p]) {
                *p += 1;
            }
        };
        accept(&mut p, b"+-");
        let mut digits: &[u8] = b"0123456789_";
        if accept(&mut p, b"0") {
            if accept(&mut p, b"xX") {
                digits = b"0123456789abcdefABCDEF_";
            } else if accept(&mut p, b"oO") {
                digits = b"01234567_";
            } else if accept(&mut p, b"bB") {
                digits = b"01_";
            }
        }
        accept_run(&mut p, digits);
        if accept(&mut p, b".") {
            accept_run(&mut p, digits);
        }
        if digits.len() == 11 && accept(&mut p, b"eE") {
            accept(&mut p, b"+-");
            accept_run(&mut p, b"0123456789_");
        }
        if digits.len() == 23 && accept(&mut p, b"pP") {
            accept(&mut p, b"+-");
            accept_run(&mut p, b"0123456789_");
        }
        accept(&mut p, b"i");
        self.pos = p;
        if self.peek().is_some_and(is_alnum) {
            let c = self.peek().map_or(0, char::len_utf8);
            return Err((
                start,
                format!("bad number syntax: {:?}", &self.input[start..self.pos + c]),
            ));
        }
        self.emit(Tok::Number(self.input[start..self.pos].to_string()), start);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
