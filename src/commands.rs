//! The non-interactive front-end: the command-line grammar (clap) and one file per
//! subcommand, each holding its arguments next to its `run`: parse → call [`crate::app`] →
//! print. This is the only place (with `main.rs`) that decides exit codes and writes to
//! stdout. Argument groups several commands share live in [`flags`].

mod bare;
mod cache;
mod clipboard;
pub mod complete;
mod console;
mod credentials;
mod demo;
mod ecs;
mod ecs_client;
mod ecs_server;
mod eval;
mod exec;
mod flags;
mod list;
mod list_sso_roles;
mod login;
mod logout;
mod pick;
mod process;
mod progress;
mod setup;
mod setup_completions;
mod setup_ecs;
mod setup_man;
mod setup_profiles;
mod setup_wizard;
mod tags;
mod time;
mod version;

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

pub use crate::app::Context;
pub use flags::{GlobalArgs, LegacyArgs, RoleFlags};

use crate::app::{Interrupted, Invocation};
use crate::display;
use crate::logging;
use cache::CacheArgs;
use console::ConsoleArgs;
use credentials::CredentialsArgs;
use demo::DemoArgs;
use ecs::EcsCommand;
use eval::EvalArgs;
use exec::ExecArgs;
use list::ListArgs;
use login::LoginArgs;
use logout::LogoutArgs;
use process::ProcessArgs;
use setup::SetupCommand;
use setup_completions::SetupCompletionsArgs;
use setup_profiles::SetupProfilesArgs;
use setup_wizard::SetupWizardArgs;
use tags::TagsArgs;

const ABOUT: &str =
    "Log in to AWS IAM Identity Center (AWS SSO) and get short-lived role credentials.";

const LONG_ABOUT: &str = "\
Log in to AWS IAM Identity Center (AWS SSO) and get short-lived role credentials.

aws-sso keeps a cache of every account and role you can reach, so listing and picking a role is
instant, and hands out role credentials to your shell, to the AWS CLI/SDKs and to containers.
It reads the same ~/.aws-sso/config.yaml and cache.json as aws-sso-cli v2.

Getting started:
  aws-sso demo                     try it against a built-in demo organisation (no AWS needed)
  aws-sso login                    log in (opens your browser; device code on SSH/WSL)
  aws-sso list                     show the roles you can assume
  aws-sso list --csv Profile       just the profile names, for scripts
  aws-sso tags                     show the tags of every role

Configuration lives in ~/.aws-sso/config.yaml (or $XDG_CONFIG_HOME/aws-sso/config.yaml);
see the README for every setting.";

/// Parses the command line, or exits with clap's report of the mistake (usage, suggestion,
/// exit status 2). Clap echoes arguments as they are, so when one holds a control or bidi
/// character the report is made again from the arguments shown escaped
/// ([`crate::display`]), which make the same mistake: the echo stays on one line and cannot
/// act on the terminal.
pub fn parse_args(args: Vec<OsString>) -> Cli {
    let err = match Cli::try_parse_from(&args) {
        Ok(cli) => return cli,
        Err(err) => err,
    };
    let shown: Vec<String> = args
        .iter()
        .map(|a| crate::display::escape(&a.to_string_lossy()).into_owned())
        .collect();
    let changed = shown
        .iter()
        .zip(&args)
        .any(|(s, a)| a.to_str() != Some(s.as_str()));
    if !changed || !err.use_stderr() {
        err.exit()
    }
    match Cli::try_parse_from(&shown) {
        Err(again) => again.exit(),
        // Escaping made the line acceptable: report the first mistake, escaped as a whole.
        Ok(_) => {
            let text = err.render().to_string();
            let shown = crate::display::one_line(text.trim_end());
            let _ = writeln!(std::io::stderr(), "{shown}");
            std::process::exit(2)
        }
    }
}

/// aws-sso command line.
#[derive(Debug, Parser)]
#[command(name = "aws-sso", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(flatten)]
    pub legacy: LegacyArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the roles you can assume (served from the cache)
    List(ListArgs),
    /// Show the tags of every role
    Tags(TagsArgs),
    /// Log in to IAM Identity Center
    Login(LoginArgs),
    /// End the SSO session and delete cached role credentials
    #[command(alias = "flush")]
    Logout(LogoutArgs),
    /// Refresh the cached list of accounts and roles now
    Cache(CacheArgs),
    /// Print shell commands that export a role's credentials: eval "$(aws-sso eval -p NAME)"
    Eval(EvalArgs),
    /// Run a command (default: $SHELL) with a role's credentials in its environment
    Exec(ExecArgs),
    /// Print a role's credentials for the AWS CLI/SDK credential_process setting
    Process(ProcessArgs),
    /// Print or write role credentials in ~/.aws/credentials format
    Credentials(CredentialsArgs),
    /// Open the AWS Management Console as a role
    Console(ConsoleArgs),
    /// Print how long the credentials in this shell ($AWS_SSO_SESSION_EXPIRATION) last
    Time,
    /// Set up aws-sso: AWS CLI profiles, shell helpers, the picker key, the ECS server
    #[command(subcommand)]
    Setup(SetupCommand),
    /// Serve role credentials to containers and SDKs (AWS_CONTAINER_CREDENTIALS_FULL_URI)
    #[command(subcommand)]
    Ecs(EcsCommand),
    /// (aws-sso-cli v1 name of `setup wizard`)
    #[command(hide = true)]
    Config(SetupWizardArgs),
    /// (aws-sso-cli v1 name of `setup profiles`)
    #[command(name = "config-profiles", hide = true)]
    ConfigProfiles(SetupProfilesArgs),
    /// (aws-sso-cli v1 name of `setup completions`)
    #[command(hide = true)]
    Completions(SetupCompletionsArgs),
    /// List every account and role live from IAM Identity Center, bypassing the cache
    #[command(name = "list-sso-roles", hide = true)]
    ListSsoRoles,
    /// Run aws-sso against a built-in demo organisation (no AWS account needed)
    Demo(DemoArgs),
    /// Serve a copy on the X11/Wayland clipboard (used by the picker)
    #[command(name = "__clipboard", hide = true)]
    Clipboard,
    /// Print version and build information
    Version,
}

/// What every subcommand's `run` gets besides its own arguments: the global flags, what they
/// ask of every use case, and the log handle. A command loads the [`Context`] itself, so the
/// ones that need no config.yaml (`version`, `time`, the ECS client) never read it.
pub struct Globals<'a> {
    pub flags: &'a GlobalArgs,
    pub invocation: Invocation,
    log: &'a logging::LogHandle,
}

impl Globals<'_> {
    /// config.yaml, the instance and the deadlines, or the error that says what to fix.
    pub fn context(&self) -> Result<Context> {
        Context::load(&self.invocation, self.log)
    }

    /// The context when config.yaml is there, for commands that also work without it
    /// (`why` names the command in the debug log).
    pub fn optional_context(&self, why: &str) -> Option<Context> {
        self.context()
            .inspect_err(|e| tracing::debug!("{why} without config.yaml: {e:#}"))
            .ok()
    }
}

/// Parse-independent entry point used by `main`: run the command, print a one-line error and
/// map it to an exit status. A closed stdout (`aws-sso list | head`) exits quietly with 0.
pub fn run(cli: Cli) -> ExitCode {
    let level = cli.global.level.clone().unwrap_or_else(|| "info".into());
    let log = logging::init(&level, cli.global.lines);
    match dispatch(cli, &log) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        // Ctrl-C, or backing out of the picker: 130 as a shell reports it, quietly.
        Err(err) if is_interrupt(&err) => ExitCode::from(130),
        Err(err) => {
            let _ = writeln!(io::stderr(), "aws-sso: {}", shown(&err));
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli, log: &logging::LogHandle) -> Result<ExitCode> {
    if wants_first_run_wizard(&cli.command) {
        setup_wizard::first_run(cli.global.config.as_deref())?;
    }
    let g = Globals {
        flags: &cli.global,
        invocation: invocation(&cli),
        log,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let code = match cli.command {
        None => bare::run(&g, &mut out),
        Some(Command::List(a)) => list::run(&g, a, &mut out),
        Some(Command::Tags(a)) => tags::run(&g, a, &mut out),
        Some(Command::Login(a)) => login::run(&g, a),
        Some(Command::Logout(a)) => logout::run(&g, a),
        Some(Command::Cache(a)) => cache::run(&g, a, &mut out),
        Some(Command::Eval(a)) => eval::run(&g, a, &mut out),
        Some(Command::Exec(a)) => exec::run(&g, a),
        Some(Command::Process(a)) => process::run(&g, a, &mut out),
        Some(Command::Credentials(a)) => credentials::run(&g, a, &mut out),
        Some(Command::Console(a)) => console::run(&g, a),
        Some(Command::Time) => time::run(&mut out),
        Some(Command::Setup(c)) => setup::run(&g, c, &mut out),
        Some(Command::Ecs(c)) => ecs::run(&g, c, &mut out),
        Some(Command::Config(a)) => setup_wizard::run(&g, a),
        Some(Command::ConfigProfiles(a)) => setup_profiles::run(&g, a, &mut out),
        Some(Command::Completions(a)) => setup_completions::run(a, &mut out),
        Some(Command::ListSsoRoles) => list_sso_roles::run(&g, &mut out),
        Some(Command::Demo(a)) => demo::run(&g, a, &mut out),
        Some(Command::Clipboard) => clipboard::run(),
        Some(Command::Version) => version::run(&mut out),
    }?;
    out.flush()?;
    Ok(code)
}

/// Commands a person runs at a terminal that cannot work without config.yaml: on the
/// first run they start the setup wizard instead of failing.
fn wants_first_run_wizard(command: &Option<Command>) -> bool {
    matches!(
        command,
        None | Some(
            Command::List(_)
                | Command::Tags(_)
                | Command::Login(_)
                | Command::Cache(_)
                | Command::Eval(_)
                | Command::Exec(_)
                | Command::Console(_)
                | Command::Credentials(_)
                | Command::Setup(SetupCommand::Profiles(_))
        )
    )
}

/// What the global and legacy flags ask of every use case.
fn invocation(cli: &Cli) -> Invocation {
    Invocation {
        config: cli.global.config.clone(),
        sso: cli.global.sso.clone(),
        level_given: cli.global.level.is_some(),
        browser: cli.global.browser.clone(),
        theme: cli.global.theme.clone(),
        url_action: cli.legacy.url_action.clone(),
        sts_refresh: cli.legacy.sts_refresh,
        no_config_check: cli.legacy.no_config_check,
        threads: cli.legacy.threads,
    }
}

/// Run an async command to its end on [`runtime`]: it succeeded, or says why not.
fn block_on(work: impl Future<Output = Result<()>>) -> Result<ExitCode> {
    runtime()?.block_on(work)?;
    Ok(ExitCode::SUCCESS)
}

/// Commands that talk to AWS run on a small multi-threaded runtime (the PKCE loopback
/// listener and the refresh workers need more than one thread).
fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// The error line as printed. Values in it (arguments, names from the portal or hand-edited
/// files) may hold line breaks or terminal controls: they are shown escaped, on one line. The
/// one error laid out on several lines by design (no usable secure store: tried, why, fix)
/// keeps its lines, each escaped.
fn shown(err: &anyhow::Error) -> String {
    let text = message(err);
    let laid_out = err.chain().any(|c| {
        matches!(
            c.downcast_ref::<crate::store::StoreError>(),
            Some(crate::store::StoreError::NoUsableStore { .. })
        )
    });
    if laid_out {
        let lines: Vec<_> = text.lines().map(display::escape).collect();
        lines.join("\n")
    } else {
        display::one_line(&text).into_owned()
    }
}

fn is_interrupt(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|c| c.is::<pick::Cancelled>() || c.is::<Interrupted>())
}

/// The error and its causes on one line, each said once: many errors already quote their
/// cause (`cannot read X: permission denied`), and repeating it after another colon only
/// makes the line longer.
fn message(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if part.is_empty() || text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests;
