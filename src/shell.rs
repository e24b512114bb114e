//! The shell dialects of `aws-sso eval`: which shell the user runs (`--shell NAME` or
//! detection from the environment, following aws-sso-cli's rules) and how a list of
//! environment changes is written so that the shell reproduces every value exactly when it
//! evaluates the output. The quoting rules of each dialect live in [`quote`].
//!
//! Rendering is pure: the caller decides which variables change and in which order, and does
//! the printing.

mod quote;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

/// Shell dialect of `aws-sso eval` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    /// bash, zsh, sh, dash, ksh: `export NAME='value'`.
    Posix,
    /// fish: `set -gx NAME 'value';`.
    Fish,
    /// PowerShell (Windows PowerShell and pwsh): `$Env:NAME = 'value'`.
    PowerShell,
    /// xonsh: `$NAME = 'value'` with a Python string literal.
    Xonsh,
}

/// Every name `--shell` accepts, in the order the error message lists them. Detection uses
/// the same table for the basename of `$SHELL`, so `--shell X` and `SHELL=/bin/X` agree.
const NAMES: &[(&str, Shell)] = &[
    ("bash", Shell::Posix),
    ("zsh", Shell::Posix),
    ("sh", Shell::Posix),
    ("dash", Shell::Posix),
    ("ksh", Shell::Posix),
    ("posix", Shell::Posix),
    ("fish", Shell::Fish),
    ("powershell", Shell::PowerShell),
    ("pwsh", Shell::PowerShell),
    ("xonsh", Shell::Xonsh),
];

/// Why no shell dialect could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    /// `--shell` named a shell this tool does not write for.
    #[error("unknown shell '{given}': use one of {}", valid_names())]
    Unknown { given: String },
    /// `--shell` was not given and `$SHELL` names no supported shell.
    #[error(
        "cannot tell which shell this is from $SHELL='{shell_env}': pass --shell bash|zsh|fish|powershell|xonsh"
    )]
    Undetectable { shell_env: String },
}

fn valid_names() -> String {
    NAMES
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Shell {
    type Err = ShellError;

    /// `--shell NAME`, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        lookup(s).ok_or_else(|| ShellError::Unknown {
            given: s.to_owned(),
        })
    }
}

fn lookup(name: &str) -> Option<Shell> {
    NAMES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(_, shell)| *shell)
}

impl Shell {
    /// Detection when `--shell` is not given, following aws-sso-cli: `$XONSH_VERSION` (which
    /// xonsh exports to everything it runs) wins, then the basename of `$SHELL` (a Windows path
    /// such as `C:\…\bash.exe` counts too), and on Windows anything else is PowerShell, the
    /// only shell there that sets no `$SHELL`.
    pub fn detect(
        shell_env: Option<&str>,
        xonsh_version: Option<&str>,
        windows: bool,
    ) -> Result<Shell, ShellError> {
        // An empty variable is how a parent "unsets" it in many launchers; treat it as absent.
        if xonsh_version.is_some_and(|v| !v.is_empty()) {
            return Ok(Shell::Xonsh);
        }
        let shell_env = shell_env.unwrap_or("");
        // Both separators on every OS: Git Bash and MSYS report either style.
        let base = shell_env.rsplit(['/', '\\']).next().unwrap_or("");
        let base = strip_suffix_ignore_case(base, ".exe");
        if let Some(shell) = lookup(base) {
            return Ok(shell);
        }
        if windows {
            return Ok(Shell::PowerShell);
        }
        Err(ShellError::Undetectable {
            shell_env: shell_env.to_owned(),
        })
    }

    /// The canonical name, as `--shell` accepts it.
    pub fn name(self) -> &'static str {
        match self {
            Shell::Posix => "posix",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
            Shell::Xonsh => "xonsh",
        }
    }
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> &'a str {
    let split = s.len().saturating_sub(suffix.len());
    match (s.get(..split), s.get(split..)) {
        (Some(head), Some(tail)) if tail.eq_ignore_ascii_case(suffix) => head,
        _ => s,
    }
}

impl fmt::Display for Shell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One change to the caller's environment.
///
/// `Debug` shows the length of a value, never the value: these carry secret keys and session
/// tokens, and a `?changes` in a log line must not leak them.
#[derive(Clone, PartialEq, Eq)]
pub enum EnvChange {
    Set { name: String, value: String },
    Unset { name: String },
}

impl EnvChange {
    /// `Set` from anything string-like.
    pub fn set(name: impl Into<String>, value: impl Into<String>) -> Self {
        EnvChange::Set {
            name: name.into(),
            value: value.into(),
        }
    }

    /// `Unset` from anything string-like.
    pub fn unset(name: impl Into<String>) -> Self {
        EnvChange::Unset { name: name.into() }
    }

    /// The variable this change is about (what the caller sorts by).
    pub fn name(&self) -> &str {
        match self {
            EnvChange::Set { name, .. } | EnvChange::Unset { name } => name,
        }
    }
}

impl fmt::Debug for EnvChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvChange::Set { name, value } => f
                .debug_struct("Set")
                .field("name", name)
                .field("value", &format_args!("<{} bytes>", value.len()))
                .finish(),
            EnvChange::Unset { name } => f.debug_struct("Unset").field("name", name).finish(),
        }
    }
}

/// `value` as one word in `shell`'s syntax, read back byte for byte.
pub fn quote_word(shell: Shell, value: &str) -> String {
    quote::word(shell, value)
}

/// Render the changes, one statement per line, in the order given (the caller sorts). A `Set`
/// with an empty value renders as an unset, as aws-sso-cli does.
///
/// Every value round-trips exactly, except that no environment can hold a NUL character; the
/// caller never passes one (checked in debug builds).
pub fn render(shell: Shell, changes: &[EnvChange]) -> String {
    let mut out = String::new();
    for change in changes {
        let name = change.name();
        debug_assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
            "environment variable names must be [A-Z0-9_]+, got {name:?}"
        );
        match change {
            EnvChange::Set { value, .. } if !value.is_empty() => {
                debug_assert!(!value.contains('\0'), "{name} holds a NUL character");
                quote::set(shell, name, value, &mut out);
            }
            _ => quote::unset(shell, name, &mut out),
        }
    }
    out
}
