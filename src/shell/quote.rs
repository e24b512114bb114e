//! The quoting rules of each dialect: how one `set` or `unset` statement is spelled so the
//! shell reads the value back byte for byte, however the user feeds our output to it.
//!
//! Beyond plain quoting, two ways users evaluate the output shape these rules:
//! * fish `eval (aws-sso eval …)` splits the output on newlines and joins the pieces with
//!   spaces, and PowerShell `aws-sso eval … | Invoke-Expression` runs each line on its own. So
//!   in those dialects no value may put a raw line break into the output; line breaks (and
//!   other control characters for fish) are written as escapes outside the quotes instead.
//! * xonsh output is pure ASCII, so a console code page (Windows) cannot alter a value on the
//!   way into the interpreter.

use std::fmt::Write as _;

use super::Shell;

/// Append the statement that sets `name` to the non-empty `value`.
pub(super) fn set(shell: Shell, name: &str, value: &str, out: &mut String) {
    match shell {
        Shell::Posix => {
            out.push_str("export ");
            out.push_str(name);
            out.push('=');
            posix_word(value, out);
            out.push('\n');
        }
        Shell::Fish => {
            out.push_str("set -gx ");
            out.push_str(name);
            out.push(' ');
            fish_word(value, out);
            // `eval (cmd)` joins our lines with spaces: the `;` keeps statements apart.
            out.push_str(";\n");
        }
        Shell::PowerShell => {
            out.push_str("$Env:");
            out.push_str(name);
            out.push_str(" = ");
            powershell_expr(value, out);
            out.push_str("\r\n");
        }
        Shell::Xonsh => {
            out.push('$');
            out.push_str(name);
            out.push_str(" = ");
            python_str(value, out);
            out.push('\n');
        }
    }
}

/// Append the statement that removes `name` from the environment.
pub(super) fn unset(shell: Shell, name: &str, out: &mut String) {
    match shell {
        Shell::Posix => {
            out.push_str("unset ");
            out.push_str(name);
            out.push('\n');
        }
        Shell::Fish => {
            out.push_str("set -e ");
            out.push_str(name);
            out.push_str(";\n");
        }
        Shell::PowerShell => {
            out.push_str("$Env:");
            out.push_str(name);
            out.push_str(" = $null\r\n");
        }
        Shell::Xonsh => {
            // A bare `del $NAME` raises KeyError when NAME is not set, which aborts the rest of
            // a sourced script; `eval --clear` unsets variables that are usually absent.
            let _ = writeln!(out, "if '{name}' in ${{...}}: del ${name}");
        }
    }
}

/// `value` as one word of `shell` (for scripts that embed a path, like the shell helpers).
pub(super) fn word(shell: Shell, value: &str) -> String {
    let mut out = String::new();
    match shell {
        Shell::Fish => fish_word(value, &mut out),
        Shell::PowerShell => powershell_expr(value, &mut out),
        Shell::Xonsh => python_str(value, &mut out),
        Shell::Posix => posix_word(value, &mut out),
    }
    out
}

/// POSIX single quotes: nothing inside is special, and a `'` is closed, escaped, reopened.
fn posix_word(value: &str, out: &mut String) {
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
}

/// fish: inside single quotes only `\\` and `\'` are escapes. Control characters go between
/// quoted runs as fish's own escapes (`'a'\n'b'` is one word), which keeps the line intact.
fn fish_word(value: &str, out: &mut String) {
    let mut quoted = false;
    for c in value.chars() {
        if c.is_ascii_control() {
            if quoted {
                out.push('\'');
                quoted = false;
            }
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                _ => {
                    let _ = write!(out, "\\x{:02x}", u32::from(c));
                }
            }
            continue;
        }
        if !quoted {
            out.push('\'');
            quoted = true;
        }
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    if quoted {
        out.push('\'');
    }
}

/// PowerShell treats these four as single quotes too, so each must be doubled like `'`.
const POWERSHELL_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// PowerShell: single-quoted runs (a quote character doubled) joined with `+` to the
/// double-quoted escapes "`r" and "`n" for line breaks.
fn powershell_expr(value: &str, out: &mut String) {
    let mut first = true;
    for piece in value.split_inclusive(['\r', '\n']) {
        let (text, brk) = match piece.strip_suffix(['\r', '\n']) {
            Some(text) => (text, piece.get(text.len()..)),
            None => (piece, None),
        };
        if !text.is_empty() {
            join(&mut first, out);
            out.push('\'');
            for c in text.chars() {
                if POWERSHELL_QUOTES.contains(&c) {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('\'');
        }
        if let Some(brk) = brk {
            join(&mut first, out);
            out.push_str(if brk == "\r" { "\"`r\"" } else { "\"`n\"" });
        }
    }

    fn join(first: &mut bool, out: &mut String) {
        if !*first {
            out.push_str(" + ");
        }
        *first = false;
    }
}

/// A Python string literal in single quotes, ASCII only.
fn python_str(value: &str, out: &mut String) {
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                let code = u32::from(c);
                let _ = match code {
                    0..=0xff => write!(out, "\\x{code:02x}"),
                    0x100..=0xffff => write!(out, "\\u{code:04x}"),
                    _ => write!(out, "\\U{code:08x}"),
                };
            }
        }
    }
    out.push('\'');
}
