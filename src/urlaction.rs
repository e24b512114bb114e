//! What to do with a URL the user must visit (login verification URLs, console sign-in URLs):
//! open it, print it, copy it, hand it to a command or to a Firefox container add-on.
//!
//! This module never prints by itself: whatever the user should see goes to the `stderr`
//! writer in [`UrlContext`]. URLs may carry secrets (a console URL holds a sign-in token), so
//! they never appear in logs or error messages.

mod container;
mod exec;

pub use crate::clipboard::{Hold as ClipboardHold, osc52_sequence};
pub use container::{
    COLORS, Container, ContainerKind, ICONS, container_color, container_icon, container_url,
    fallback_index, query_escape,
};
pub use exec::{exec_argv, expand_tilde, validate_exec_command};

use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::time::Duration;

/// How long a URL copied with the `clip` action is served when nothing else takes the
/// clipboard (the command waits that long at most, so the user can still paste).
pub const CLIPBOARD_HOLD: Duration = Duration::from_secs(60);

/// The `UrlAction` / `AuthUrlAction` / `--url-action` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UrlAction {
    /// Hand the URL to the system opener, or to `Browser` when configured.
    #[default]
    Open,
    /// Print an instruction and the URL to stderr.
    Print,
    /// Print only the URL to stderr.
    PrintUrl,
    /// Copy the URL to the clipboard.
    Clip,
    /// Run `UrlExecCommand` with the URL.
    Exec,
    /// Ask the terminal to copy the URL (OSC 52 escape on stderr).
    AnsiOsc52,
    /// Run `UrlExecCommand` with an `ext+container:` URL.
    OpenUrlInContainer,
    /// Run `UrlExecCommand` with an `ext+granted-containers:` URL.
    GrantedContainers,
}

impl UrlAction {
    /// Every action, in the order error messages list them.
    pub const ALL: [UrlAction; 8] = [
        UrlAction::Clip,
        UrlAction::Exec,
        UrlAction::Print,
        UrlAction::PrintUrl,
        UrlAction::Open,
        UrlAction::GrantedContainers,
        UrlAction::OpenUrlInContainer,
        UrlAction::AnsiOsc52,
    ];

    /// The name used in `config.yaml` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Print => "print",
            Self::PrintUrl => "printurl",
            Self::Clip => "clip",
            Self::Exec => "exec",
            Self::AnsiOsc52 => "ansi-osc52",
            Self::OpenUrlInContainer => "open-url-in-container",
            Self::GrantedContainers => "granted-containers",
        }
    }

    /// The container add-on this action targets, if it is a container action.
    pub fn container_kind(self) -> Option<ContainerKind> {
        match self {
            Self::OpenUrlInContainer => Some(ContainerKind::OpenUrlInContainer),
            Self::GrantedContainers => Some(ContainerKind::GrantedContainers),
            _ => None,
        }
    }

    /// Whether the action runs `UrlExecCommand` (exec and the container actions).
    pub fn uses_exec_command(self) -> bool {
        matches!(self, Self::Exec) || self.container_kind().is_some()
    }
}

impl fmt::Display for UrlAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown action name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Action: {value} (valid: {})", valid_names())]
pub struct ParseUrlActionError {
    pub value: String,
}

fn valid_names() -> String {
    UrlAction::ALL.map(UrlAction::as_str).join(", ")
}

impl FromStr for UrlAction {
    type Err = ParseUrlActionError;

    /// Accepts the names in any ASCII case (`Print` works as `print`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UrlAction::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseUrlActionError {
                value: s.to_owned(),
            })
    }
}

/// Everything an action may need besides the URL.
pub struct UrlContext<'a> {
    /// `Browser` / `--browser`: program the `open` action starts with the URL.
    pub browser: Option<String>,
    /// `UrlExecCommand`: argv for `exec` and the container actions.
    pub exec_command: Vec<String>,
    /// The container for the container actions (SSO instance name for login, profile name for
    /// the console).
    pub container: Option<Container>,
    /// Where user-facing text goes.
    pub stderr: &'a mut dyn Write,
}

impl<'a> UrlContext<'a> {
    /// A context with no browser, no exec command and no container.
    pub fn new(stderr: &'a mut dyn Write) -> Self {
        Self {
            browser: None,
            exec_command: Vec::new(),
            container: None,
            stderr,
        }
    }
}

/// What [`perform`] did.
#[derive(Debug)]
pub enum Outcome {
    /// The system opener or the configured browser accepted the URL.
    Opened,
    /// The URL (or the OSC 52 sequence) was written to stderr.
    Printed,
    /// The URL is on the system clipboard, served by the returned hold.
    Copied(ClipboardHold),
    /// No usable clipboard: the URL was sent with OSC 52 instead, for `reason`.
    CopiedViaOsc52 { reason: String },
    /// `UrlExecCommand` was started with this pid.
    Spawned { pid: u32 },
}

/// Why an action failed. Messages never contain the URL.
#[derive(Debug, thiserror::Error)]
pub enum UrlActionError {
    #[error(
        "URL action {0} runs UrlExecCommand, which config.yaml does not set{legacy}: add e.g. UrlExecCommand: [/usr/bin/firefox, \"%s\"] to config.yaml, or pass --url-action open",
        legacy = legacy_source(*.0)
    )]
    ExecCommandMissing(UrlAction),
    #[error(
        "UrlExecCommand needs a program and at least one argument (got {0} items), e.g. [firefox, \"%s\"]"
    )]
    ExecCommandTooShort(usize),
    #[error("UrlExecCommand {0:?} has no argument containing %s (where the URL goes)")]
    ExecCommandNoPlaceholder(Vec<String>),
    #[error("URL action {0} needs a container name, but none was given")]
    MissingContainer(UrlAction),
    #[error("could not start UrlExecCommand program {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not open the URL with {opener} ({kind}); set Browser or use --url-action print")]
    Open {
        opener: String,
        kind: std::io::ErrorKind,
    },
    #[error("could not write to stderr: {0}")]
    Write(#[source] std::io::Error),
}

/// How a v1 config may have chosen `action` without naming it.
fn legacy_source(action: UrlAction) -> &'static str {
    match action {
        UrlAction::OpenUrlInContainer => " (FirefoxOpenUrlInContainer: true selects this action)",
        _ => "",
    }
}

/// Carries out `action` for `url`.
pub fn perform(
    action: UrlAction,
    url: &str,
    ctx: &mut UrlContext<'_>,
) -> Result<Outcome, UrlActionError> {
    match action {
        UrlAction::Open => open_url(url, ctx.browser.as_deref()),
        UrlAction::Print => {
            let text = format!("Please open the following URL in your browser:\n\n{url}\n\n");
            write_all(ctx.stderr, &text)?;
            Ok(Outcome::Printed)
        }
        UrlAction::PrintUrl => {
            write_all(ctx.stderr, &format!("{url}\n"))?;
            Ok(Outcome::Printed)
        }
        UrlAction::AnsiOsc52 => {
            write_all(ctx.stderr, &osc52_sequence(url))?;
            Ok(Outcome::Printed)
        }
        UrlAction::Clip => copy(url, ctx.stderr),
        // aws-sso-cli accepts a config without `UrlExecCommand`; only using it is an error.
        UrlAction::Exec | UrlAction::OpenUrlInContainer | UrlAction::GrantedContainers
            if ctx.exec_command.is_empty() =>
        {
            Err(UrlActionError::ExecCommandMissing(action))
        }
        UrlAction::Exec => exec::spawn(&ctx.exec_command, url).map(|pid| Outcome::Spawned { pid }),
        UrlAction::OpenUrlInContainer | UrlAction::GrantedContainers => {
            let kind = action.container_kind().expect("container action");
            let c = ctx
                .container
                .as_ref()
                .ok_or(UrlActionError::MissingContainer(action))?;
            // Validate first so a bad command is reported before any URL is built.
            validate_exec_command(&ctx.exec_command)?;
            let target = container_url(kind, &c.name, url, &c.color, &c.icon);
            exec::spawn(&ctx.exec_command, &target).map(|pid| Outcome::Spawned { pid })
        }
    }
}

/// True on a machine reached remotely (`$SSH_TTY`) or inside WSL (`$WSL_DISTRO_NAME`), where a
/// local browser cannot complete a loopback redirect, so device-code auth is the default.
/// `env` looks a variable up, e.g. `|k| std::env::var(k).ok()`.
pub fn is_remote_host(env: impl Fn(&str) -> Option<String>) -> bool {
    ["SSH_TTY", "WSL_DISTRO_NAME"]
        .into_iter()
        .any(|k| env(k).is_some_and(|v| !v.is_empty()))
}

fn write_all(w: &mut dyn Write, text: &str) -> Result<(), UrlActionError> {
    w.write_all(text.as_bytes())
        .and_then(|()| w.flush())
        .map_err(UrlActionError::Write)
}

fn open_url(url: &str, browser: Option<&str>) -> Result<Outcome, UrlActionError> {
    tracing::debug!("Opening URL");
    // open's errors quote the launcher command line, URL included: keep only the kind.
    match browser.filter(|b| !b.trim().is_empty()) {
        Some(browser) => {
            let home = std::env::var_os("HOME");
            let program = expand_tilde(browser, home.as_deref())
                .to_string_lossy()
                .into_owned();
            let launcher = open::with_command(url, program.clone());
            spawn_detached(vec![launcher]).map_err(|e| UrlActionError::Open {
                opener: program,
                kind: e.kind(),
            })?;
        }
        None => spawn_detached(open::commands(url)).map_err(|e| UrlActionError::Open {
            opener: "the system opener".to_owned(),
            kind: e.kind(),
        })?,
    }
    Ok(Outcome::Opened)
}

/// Start the first launcher that can be started, on its own: no terminal streams, its own
/// process group (Ctrl-C in our terminal is not its business), not waited for. A browser is
/// given nothing of ours that is secret (the file store's password, a 1Password token).
fn spawn_detached(launchers: Vec<std::process::Command>) -> std::io::Result<()> {
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no launcher");
    for mut cmd in launchers {
        for var in crate::store::password::SECRET_VARS {
            cmd.env_remove(var);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        match cmd.spawn() {
            Ok(_) => return Ok(()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn copy(url: &str, stderr: &mut dyn Write) -> Result<Outcome, UrlActionError> {
    let reason = match crate::clipboard::display_reason() {
        Some(reason) => reason.to_owned(),
        None => match crate::clipboard::hold(url, CLIPBOARD_HOLD) {
            Ok(hold) => {
                tracing::info!("Please open URL copied to clipboard.");
                return Ok(Outcome::Copied(hold));
            }
            Err(e) => e.to_string(),
        },
    };
    let note = format!(
        "No clipboard available ({reason}); sent the URL to your terminal's clipboard with \
         OSC 52 instead. If nothing was copied, use --url-action print.\n"
    );
    write_all(stderr, &note)?;
    write_all(stderr, &osc52_sequence(url))?;
    Ok(Outcome::CopiedViaOsc52 { reason })
}
