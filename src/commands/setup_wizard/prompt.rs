//! Asking on a line-based terminal: a question with a default, asked again until the
//! answer is valid; a numbered choice. End of input aborts the wizard.

use std::io::{BufRead, Write};

use anyhow::Result;

use super::Aborted;

/// The questions' input and output (stdin/stderr in real use, buffers in tests).
pub(crate) struct Prompter<'a> {
    pub input: &'a mut dyn BufRead,
    pub output: &'a mut dyn Write,
}

impl Prompter<'_> {
    /// Ask until `check` accepts; Enter takes `default` (when there is one).
    pub(crate) fn ask<T>(
        &mut self,
        question: &str,
        default: Option<&str>,
        check: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T> {
        loop {
            match default {
                Some(d) if !d.is_empty() => write!(self.output, "{question} [{d}]: ")?,
                _ => write!(self.output, "{question}: ")?,
            }
            self.output.flush()?;
            let mut line = String::new();
            if self.input.read_line(&mut line)? == 0 {
                writeln!(self.output)?;
                return Err(Aborted.into());
            }
            let answer = line.trim();
            let answer = if answer.is_empty() {
                default.unwrap_or("")
            } else {
                answer
            };
            match check(answer) {
                Ok(v) => return Ok(v),
                Err(why) => writeln!(self.output, "  {why}")?,
            }
        }
    }

    /// A yes/no question, `[Y/n]` or `[y/N]`: Enter takes `default`.
    pub(crate) fn confirm(&mut self, question: &str, default: bool) -> Result<bool> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        self.ask(&format!("{question} {hint}"), None, |a| {
            if a.is_empty() { Ok(default) } else { yes_no(a) }
        })
    }

    /// Pick one of `options` (by number or by name); returns its index.
    pub(crate) fn choose(
        &mut self,
        question: &str,
        options: &[String],
        default: usize,
    ) -> Result<usize> {
        writeln!(self.output, "{question}")?;
        for (i, o) in options.iter().enumerate() {
            writeln!(self.output, "  {}) {o}", i + 1)?;
        }
        let default_text = (default + 1).to_string();
        self.ask("Choice", Some(&default_text), |a| {
            a.parse::<usize>()
                .ok()
                .filter(|n| (1..=options.len()).contains(n))
                .map(|n| n - 1)
                .or_else(|| {
                    options
                        .iter()
                        .position(|o| o.split_whitespace().next() == Some(a))
                })
                .ok_or_else(|| format!("'{a}' is not one of 1-{}", options.len()))
        })
    }
}

fn yes_no(a: &str) -> Result<bool, String> {
    match a.to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(true),
        "n" | "no" => Ok(false),
        _ => Err(format!("'{a}': answer y or n")),
    }
}
