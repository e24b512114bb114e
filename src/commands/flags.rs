//! Argument groups more than one command takes: the global flags (valid before or after the
//! subcommand, with their environment fallbacks), aws-sso-cli v1's hidden global flags, and
//! the role selection flags (`--arn` / `--account` + `--role` / `--profile`).

use clap::Args;

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

/// `--arn` / `--account` + `--role` / `--profile`.
#[derive(Debug, Clone, Default, Args)]
pub struct RoleFlags {
    /// ARN of the role (arn:aws:iam::<account>:role/<name>, or <account>:<role>)
    #[arg(short = 'a', long, value_name = "ARN", conflicts_with_all = ["account", "role"])]
    pub arn: Option<String>,
    /// Account id of the role (needs --role)
    #[arg(short = 'A', long, value_name = "ACCOUNT", conflicts_with = "profile")]
    pub account: Option<String>,
    /// Role name (needs --account)
    #[arg(short = 'R', long, value_name = "ROLE", conflicts_with = "profile")]
    pub role: Option<String>,
    /// Profile name of the role (ProfileFormat, or its Profile in config.yaml)
    #[arg(short = 'p', long, value_name = "PROFILE")]
    pub profile: Option<String>,
}

impl RoleFlags {
    /// The flags as the role query the application layer resolves.
    pub fn query(&self) -> crate::selection::RoleQuery {
        crate::selection::RoleQuery {
            profile: self.profile.clone(),
            arn: self.arn.clone(),
            account: self.account.clone(),
            role: self.role.clone(),
        }
    }
}
