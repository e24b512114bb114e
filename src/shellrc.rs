//! The shell helpers behind `aws-sso setup completions` (docs/shell.md, "The helpers"): the picker's key binding
//! (a widget that opens the picker on the terminal and applies the chosen role's exports to
//! the *current* shell), `aws-sso-profile` with profile-name completion, and `aws-sso-clear`,
//! for bash, zsh and fish. This module owns the scripts (templates under `shellrc/`), where
//! each shell keeps them, and the key notation; the marked blocks are spliced into those files
//! by [`crate::awsconfig`], which leaves every other byte alone. It never prints or writes:
//! the command plans, confirms and applies.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::awsconfig::{self, AwsConfigError, Update};
use crate::shell::{self, Shell};

pub mod bash_rc;
#[cfg(test)]
mod tests;

/// The instance whose markers carry no suffix: `# BEGIN_AWS_SSO_CLI` / `# END_AWS_SSO_CLI`,
/// as aws-sso-cli writes them into rc files.
const MARKER_INSTANCE: &str = "Default";
/// The picker's key when `--key` is not given.
pub const DEFAULT_KEY: &str = "ctrl-x ctrl-a";

/// A shell `setup completions` knows how to extend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RcShell {
    Bash,
    Zsh,
    Fish,
}

impl RcShell {
    pub fn name(self) -> &'static str {
        match self {
            RcShell::Bash => "bash",
            RcShell::Zsh => "zsh",
            RcShell::Fish => "fish",
        }
    }

    /// The shell named by the basename of `$SHELL` (the login shell as the session sees it).
    pub fn detect(shell_env: Option<&str>) -> Result<RcShell, ShellRcError> {
        let value = shell_env.unwrap_or("");
        let base = value.rsplit('/').next().unwrap_or("");
        base.parse().map_err(|_| ShellRcError::Undetected {
            shell_env: value.to_owned(),
        })
    }

    fn dialect(self) -> Shell {
        match self {
            RcShell::Fish => Shell::Fish,
            RcShell::Bash | RcShell::Zsh => Shell::Posix,
        }
    }
}

impl fmt::Display for RcShell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RcShell {
    type Err = ShellRcError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "bash" => Ok(RcShell::Bash),
            "zsh" => Ok(RcShell::Zsh),
            "fish" => Ok(RcShell::Fish),
            other => Err(ShellRcError::UnknownShell {
                name: other.to_owned(),
            }),
        }
    }
}

/// One key press of a binding: a character with Ctrl or Alt, or alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chord {
    Ctrl(char),
    Alt(char),
    Plain(char),
}

/// A key sequence in a notation that is the same for every shell (`ctrl-x ctrl-a`, `alt-s`),
/// spelled for each shell's binding command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySequence {
    text: String,
    chords: Vec<Chord>,
}

impl FromStr for KeySequence {
    type Err = ShellRcError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ShellRcError::BadKey { key: s.to_owned() };
        let chords = s
            .split_whitespace()
            .map(|word| {
                let lower = word.to_ascii_lowercase();
                let (make, rest): (fn(char) -> Chord, &str) =
                    if let Some(rest) = lower.strip_prefix("ctrl-") {
                        (Chord::Ctrl, rest)
                    } else if let Some(rest) = lower.strip_prefix("alt-") {
                        (Chord::Alt, rest)
                    } else {
                        (Chord::Plain, lower.as_str())
                    };
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_ascii_alphanumeric() => Ok(make(c)),
                    _ => Err(bad()),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        // A single plain letter would make that letter unusable at the prompt.
        if chords.is_empty() || matches!(chords.as_slice(), [Chord::Plain(_)]) {
            return Err(bad());
        }
        Ok(KeySequence {
            text: s.split_whitespace().collect::<Vec<_>>().join(" "),
            chords,
        })
    }
}

impl KeySequence {
    /// readline's notation for `bind -x`: `\C-x\C-a`, `\es`.
    fn bash(&self) -> String {
        self.chords
            .iter()
            .map(|c| match c {
                Chord::Ctrl(k) => format!("\\C-{k}"),
                Chord::Alt(k) => format!("\\e{k}"),
                Chord::Plain(k) => k.to_string(),
            })
            .collect()
    }

    /// zle's notation for `bindkey`: `^X^A`, `^[s`.
    fn zsh(&self) -> String {
        self.chords
            .iter()
            .map(|c| match c {
                Chord::Ctrl(k) => format!("^{}", k.to_ascii_uppercase()),
                Chord::Alt(k) => format!("^[{k}"),
                Chord::Plain(k) => k.to_string(),
            })
            .collect()
    }

    /// fish's notation for `bind` (fish 3 and 4): `\cx\ca`, `\es`.
    fn fish(&self) -> String {
        self.chords
            .iter()
            .map(|c| match c {
                Chord::Ctrl(k) => format!("\\c{k}"),
                Chord::Alt(k) => format!("\\e{k}"),
                Chord::Plain(k) => k.to_string(),
            })
            .collect()
    }
}

impl fmt::Display for KeySequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where the helpers go, from the environment of the user running `setup completions`.
#[derive(Debug, Clone)]
pub struct Target {
    pub shell: RcShell,
    pub home: PathBuf,
    /// `$XDG_CONFIG_HOME`, if set (fish keeps its files there).
    pub xdg_config_home: Option<PathBuf>,
    /// `--shell-script`: replaces the first file of the shell's list.
    pub script: Option<PathBuf>,
    /// macOS, where every terminal window starts a login shell (see [`bash_rc`]).
    pub macos: bool,
}

/// One file and the text of the block aws-sso keeps in it (markers included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperFile {
    pub path: PathBuf,
    pub block: String,
}

/// The helper scripts for a shell, with the executable and key filled in.
#[derive(Debug, Clone)]
pub struct Helpers {
    shell: RcShell,
    /// `(file name relative to the shell's directory, script)`; bash and zsh have one.
    scripts: Vec<(&'static str, String)>,
}

impl Helpers {
    /// `exe`: the aws-sso the helpers call (an absolute path, or `aws-sso` from PATH).
    pub fn new(shell: RcShell, exe: &str, key: &KeySequence) -> Helpers {
        let quoted = shell::quote_word(shell.dialect(), exe);
        let fill = |template: &str, key_text: &str| {
            template
                .replace("@EXE@", &quoted)
                .replace("@KEY_HELP@", &key.to_string())
                .replace("@KEY@", key_text)
        };
        let scripts = match shell {
            // The file name is decided per system in `files` (see `bash_rc`).
            RcShell::Bash => vec![(
                ".bashrc",
                fill(include_str!("shellrc/bash.sh"), &key.bash()),
            )],
            RcShell::Zsh => vec![(".zshrc", fill(include_str!("shellrc/zsh.zsh"), &key.zsh()))],
            RcShell::Fish => {
                let fish = key.fish();
                vec![
                    (
                        "conf.d/aws-sso.fish",
                        fill(include_str!("shellrc/fish/conf.d.fish"), &fish),
                    ),
                    (
                        "functions/aws-sso-profile.fish",
                        fill(include_str!("shellrc/fish/aws-sso-profile.fish"), &fish),
                    ),
                    (
                        "completions/aws-sso-profile.fish",
                        fill(
                            include_str!("shellrc/fish/aws-sso-profile.completion.fish"),
                            &fish,
                        ),
                    ),
                    (
                        "functions/aws-sso-clear.fish",
                        fill(include_str!("shellrc/fish/aws-sso-clear.fish"), &fish),
                    ),
                ]
            }
        };
        Helpers { shell, scripts }
    }

    /// Everything, for `--source` (`eval "$(aws-sso setup completions --source)"`, or
    /// `aws-sso setup completions --source --shell fish | source`).
    pub fn source(&self) -> String {
        self.scripts
            .iter()
            .map(|(_, text)| text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The files and their marked blocks for `target`.
    pub fn files(&self, target: &Target) -> Vec<HelperFile> {
        let (begin, end) = awsconfig::markers(MARKER_INSTANCE);
        let base = match self.shell {
            RcShell::Bash | RcShell::Zsh => target.home.clone(),
            RcShell::Fish => target
                .xdg_config_home
                .clone()
                .filter(|p| p.is_absolute())
                .unwrap_or_else(|| target.home.join(".config"))
                .join("fish"),
        };
        self.scripts
            .iter()
            .enumerate()
            .map(|(i, (name, text))| HelperFile {
                path: match (&target.script, i, self.shell) {
                    (Some(script), 0, _) => script.clone(),
                    (None, _, RcShell::Bash) => bash_rc::rc_file(&target.home, target.macos),
                    _ => base.join(name),
                },
                block: format!("{begin}\n{text}{end}\n"),
            })
            .collect()
    }
}

/// Every file a block for `target`'s shell may be in: where `files` installs, and for bash
/// also the other rc files (aws-sso-cli installed into `~/.bash_profile`).
pub fn block_files(helpers: &Helpers, target: &Target) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = helpers.files(target).into_iter().map(|f| f.path).collect();
    if helpers.shell == RcShell::Bash {
        for name in bash_rc::BLOCK_FILES {
            let path = target.home.join(name);
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// What installing would change in `file` (its block replaced, or appended).
pub fn plan_install(file: &HelperFile) -> Result<Update, AwsConfigError> {
    Update::plan_with(&file.path, |old| {
        awsconfig::splice_text(old, MARKER_INSTANCE, &file.block)
    })
}

/// What uninstalling would change in `path` (its block removed; a no-op without one).
pub fn plan_uninstall(path: &Path) -> Result<Update, AwsConfigError> {
    Update::plan_with(path, |old| awsconfig::remove(old, MARKER_INSTANCE))
}

/// Wrong input to `setup completions`; every message names the value and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellRcError {
    #[error("unsupported shell {name:?} for the shell helpers: use --shell bash, zsh or fish")]
    UnknownShell { name: String },
    #[error("cannot tell your shell from $SHELL={shell_env:?}: pass --shell bash, zsh or fish")]
    Undetected { shell_env: String },
    #[error(
        "key {key:?} is not a key sequence: write chords like \"ctrl-x ctrl-a\" or \"alt-s\" (letters and digits, not one plain letter)"
    )]
    BadKey { key: String },
}
