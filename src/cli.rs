//! Command-line grammar (clap): the global flags of aws-sso-cli v2 with their environment
//! fallbacks, the legacy v1 flags it still meets in old `~/.aws/config` files, and one
//! argument struct per subcommand. Parsing only: [`crate::commands`] resolves and runs.

mod ecs;
mod roles;

use std::ffi::OsString;
use std::io::Write as _;

use clap::{Args, Parser, Subcommand};

pub use ecs::{
    EcsCommand, EcsDockerCommand, EcsLoadArgs, EcsServerArgs, EcsServerFlag, EcsUnloadArgs,
    SetupEcsAuthArgs, SetupEcsCommand, SetupEcsSslArgs,
};
pub use roles::{
    ConsoleArgs, CredentialsArgs, EvalArgs, ExecArgs, ProcessArgs, RoleFlags, SetupCompletionsArgs,
    SetupProfilesArgs,
};

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

/// Flags valid before or after the subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Browser to open URLs with (overrides the config's Browser)
    #[arg(
        short = 'b',
        long,
        global = true,
        env = "AWS_SSO_BROWSER",
        value_name = "PATH"
    )]
    pub browser: Option<String>,

    /// Config file to use [default: ~/.aws-sso/config.yaml]
    #[arg(long, global = true, env = "AWS_SSO_CONFIG", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,

    /// Log level (overrides the config's LogLevel)
    #[arg(short = 'L', long, global = true, value_name = "LEVEL",
          value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub level: Option<String>,

    /// Add the source file and line to log messages
    #[arg(long, global = true)]
    pub lines: bool,

    /// Colour theme of the picker: dark, light, high-contrast, or a theme file
    #[arg(long, global = true, env = "AWS_SSO_THEME", value_name = "THEME")]
    pub theme: Option<String>,

    /// SSO instance to use (overrides the config's DefaultSSO)
    #[arg(short = 'S', long, global = true, env = "AWS_SSO", value_name = "NAME")]
    pub sso: Option<String>,
}

/// aws-sso-cli v1 global flags, still written in old `credential_process` lines.
/// Accepted before the subcommand and used as fallbacks; hidden from help.
#[derive(Debug, Clone, Default, Args)]
pub struct LegacyArgs {
    #[arg(short = 'u', long = "url-action", hide = true, value_name = "ACTION")]
    pub url_action: Option<String>,
    #[arg(long = "sts-refresh", hide = true)]
    pub sts_refresh: bool,
    #[arg(long = "no-config-check", hide = true)]
    pub no_config_check: bool,
    #[arg(long = "threads", hide = true, value_name = "N")]
    pub threads: Option<usize>,
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

#[derive(Debug, Subcommand)]
pub enum SetupCommand {
    /// Write a profile for every role into ~/.aws/config (credential_process = aws-sso process)
    Profiles(SetupProfilesArgs),
    /// Install tab completion, the picker key binding (ctrl-x ctrl-a), aws-sso-profile and aws-sso-clear
    Completions(SetupCompletionsArgs),
    /// Write config.yaml by answering a few questions (or from flags, with --yes)
    Wizard(SetupWizardArgs),
    /// Configure the ECS server: bearer token (auth) and TLS certificate (ssl)
    #[command(subcommand)]
    Ecs(SetupEcsCommand),
    /// Print the manual page (roff), or write one page per command into --dir
    Man(SetupManArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct SetupManArgs {
    /// Write aws-sso.1 and a page per subcommand (aws-sso-login.1, …) into this directory
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct SetupWizardArgs {
    /// Also ask about the instance name, cache refresh, search, console duration, history and logging
    #[arg(long)]
    pub advanced: bool,
    /// IAM Identity Center start URL (https://<id>.awsapps.com/start)
    #[arg(long, value_name = "URL")]
    pub start_url: Option<String>,
    /// Region of IAM Identity Center
    #[arg(long, value_name = "REGION")]
    pub sso_region: Option<String>,
    /// Region for AWS_DEFAULT_REGION [default: none]
    #[arg(long, value_name = "REGION")]
    pub default_region: Option<String>,
    /// What to do with login and console URLs
    #[arg(long, value_name = "ACTION")]
    pub url_action: Option<String>,
    /// Where secrets are kept: secret-service, keyutils, keychain, wincred, file, json [default: auto-pick]
    #[arg(long, value_name = "STORE")]
    pub secure_store: Option<String>,
    /// Profile names: friendly, default (account id:role) or a template of your own
    #[arg(long, value_name = "FORMAT")]
    pub profile_format: Option<String>,
    /// SSO instance name
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// Do not check that the start URL answers (no network)
    #[arg(long)]
    pub offline: bool,
    /// Write without asking anything (the flags give the answers; --start-url and --sso-region required)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ListArgs {
    /// Fields to show [default: config ListFields]
    #[arg(env = "AWS_SSO_FIELDS", value_delimiter = ',', value_name = "FIELD")]
    pub fields: Vec<String>,

    /// List the available fields and exit
    #[arg(short = 'f', long = "list-fields", conflicts_with = "csv")]
    pub list_fields: bool,

    /// Print CSV without a header (for scripts and shell completion)
    #[arg(long)]
    pub csv: bool,

    /// Only roles whose FIELD starts with PREFIX (case-sensitive)
    #[arg(short = 'P', long, value_name = "FIELD=PREFIX")]
    pub prefix: Option<String>,

    /// Field to sort by
    #[arg(
        short = 's',
        long,
        env = "AWS_SSO_FIELD_SORT",
        default_value = "AccountId",
        value_name = "FIELD"
    )]
    pub sort: String,

    /// Reverse the sort order
    #[arg(long, env = "AWS_SSO_FIELD_SORT_REVERSE")]
    pub reverse: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct TagsArgs {
    /// Only roles in this account
    #[arg(short = 'A', long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Only roles with this name
    #[arg(short = 'R', long, value_name = "ROLE")]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct LoginArgs {
    /// What to do with the login URL: open, print, printurl, clip, exec, ansi-osc52,
    /// open-url-in-container, granted-containers
    #[arg(short = 'u', long = "url-action", value_name = "ACTION")]
    pub url_action: Option<String>,
    /// Login flow: pkce (browser redirect) or device_code (enter a code)
    #[arg(long = "workflow", value_name = "FLOW", value_parser = ["pkce", "device_code"])]
    pub workflow: Option<String>,
    /// Concurrent requests when refreshing the role cache after login
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// End the current session first, even if it is still valid
    #[arg(short = 'f', long)]
    pub force: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct LogoutArgs {
    /// (aws-sso-cli v1 `flush --type`; accepted and ignored: logout clears everything)
    #[arg(short = 't', long = "type", hide = true, value_name = "TYPE")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct CacheArgs {
    /// Don't update ~/.aws/config afterwards (AutoConfigCheck)
    #[arg(long = "no-config-check")]
    pub no_config_check: bool,
    /// Log a summary instead of printing the added/deleted roles
    #[arg(long)]
    pub silent: bool,
    /// Concurrent requests
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct DemoArgs {
    /// Accounts in the demo organisation
    #[arg(long, default_value_t = 300, value_name = "N")]
    pub accounts: usize,
    /// Roles per demo account
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub roles: usize,
    /// Keep the demo's temporary directory instead of deleting it
    #[arg(long)]
    pub keep: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn globals_work_after_the_subcommand_and_legacy_flags_before_it() {
        let cli = Cli::try_parse_from([
            "aws-sso",
            "-u",
            "open",
            "--sts-refresh",
            "list",
            "-S",
            "Prod",
            "--csv",
            "Profile",
        ])
        .unwrap();
        assert_eq!(cli.global.sso.as_deref(), Some("Prod"));
        assert_eq!(cli.legacy.url_action.as_deref(), Some("open"));
        let Some(Command::List(list)) = cli.command else {
            panic!("expected list")
        };
        assert!(list.csv);
        assert_eq!(list.fields, ["Profile"]);
    }

    #[test]
    fn flush_is_an_alias_of_logout() {
        let cli = Cli::try_parse_from(["aws-sso", "flush", "-t", "all"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Logout(_))));
    }

    #[test]
    fn list_fields_conflicts_with_csv() {
        assert!(Cli::try_parse_from(["aws-sso", "list", "--csv", "-f"]).is_err());
    }
}
