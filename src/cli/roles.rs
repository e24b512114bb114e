//! Arguments of the commands that hand out role credentials: `eval`, `exec`, `process`,
//! `credentials`, `console`, `time` and `setup profiles`.

use clap::Args;

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

#[derive(Debug, Clone, Default, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    /// Print commands that unset the variables instead (no login needed)
    #[arg(short = 'c', long, conflicts_with_all = ["refresh", "arn", "account", "role", "profile"])]
    pub clear: bool,
    /// Don't set AWS_DEFAULT_REGION / AWS_REGION
    #[arg(short = 'n', long = "no-region")]
    pub no_region: bool,
    /// Replace a region the user set themselves
    #[arg(short = 'O', long = "overwrite-region", alias = "overwrite-env")]
    pub overwrite_region: bool,
    /// New credentials for the role in $AWS_SSO_ROLE_ARN
    #[arg(short = 'r', long)]
    pub refresh: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
    /// Region to export instead of the role's DefaultRegion (replaces a region already set)
    #[arg(long, value_name = "REGION", conflicts_with = "no_region")]
    pub region: Option<String>,
    /// Output dialect: bash, zsh, sh, fish, powershell, xonsh [default: from $SHELL]
    #[arg(long, value_name = "SHELL")]
    pub shell: Option<String>,
    /// `-`: the role used before the current one in History (like `cd -`)
    #[arg(
        value_name = "-",
        value_parser = ["-"],
        hide_possible_values = true,
        conflicts_with_all = ["refresh", "clear", "arn", "account", "role", "profile"]
    )]
    pub previous: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    /// Don't set AWS_DEFAULT_REGION / AWS_REGION
    #[arg(short = 'n', long = "no-region")]
    pub no_region: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
    /// Run even if AWS credentials are already set: drop every AWS_* variable first
    #[arg(short = 'O', long = "overwrite-env", alias = "overwrite-region")]
    pub overwrite_env: bool,
    /// Region to set instead of the role's DefaultRegion (replaces a region already set)
    #[arg(long, value_name = "REGION", conflicts_with = "no_region")]
    pub region: Option<String>,
    /// Command to run [default: $SHELL]; `-` first: the role used before the current one in
    /// History (like `cd -`), then the command
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Arguments of the command
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ProcessArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
    /// (aws-sso-cli v1; accepted and ignored)
    #[arg(short = 'u', long = "url-action", hide = true, value_name = "ACTION")]
    pub url_action: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct CredentialsArgs {
    /// Profiles to write (repeatable, or comma separated)
    #[arg(short = 'p', long, value_name = "PROFILE", value_delimiter = ',')]
    pub profile: Vec<String>,
    /// Credentials file to update [default: print to stdout]
    #[arg(
        short = 'f',
        long,
        value_name = "FILE",
        env = "AWS_SHARED_CREDENTIALS_FILE"
    )]
    pub file: Option<std::path::PathBuf>,
    /// Keep the file's other profiles (always done; accepted for aws-sso-cli scripts)
    #[arg(short = 'a', long)]
    pub append: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    /// Console session length in minutes (15..720) [default: config ConsoleDuration]
    #[arg(short = 'd', long, value_name = "MINUTES")]
    pub duration: Option<i64>,
    /// Pick the role interactively even if one is selected
    #[arg(short = 'P', long)]
    pub prompt: bool,
    /// Region the console opens in [default: the role's DefaultRegion]
    #[arg(long, env = "AWS_DEFAULT_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
    /// What to do with the console URL: open, print, printurl, clip, exec, ansi-osc52,
    /// open-url-in-container, granted-containers
    #[arg(short = 'u', long = "url-action", value_name = "ACTION")]
    pub url_action: Option<String>,
    /// Open this service's console (s3, ec2, cloudwatch, …)
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Open this path inside the console (e.g. /cloudwatch/home#logs)
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct SetupProfilesArgs {
    /// Show the changes as a diff (and still ask before writing)
    #[arg(long, conflicts_with = "print")]
    pub diff: bool,
    /// Print the managed block instead of changing the file
    #[arg(long)]
    pub print: bool,
    /// Write without asking
    #[arg(long)]
    pub force: bool,
    /// AWS config file to update [default: ~/.aws/config]
    #[arg(long = "aws-config", env = "AWS_CONFIG_FILE", value_name = "FILE")]
    pub aws_config: Option<std::path::PathBuf>,
    /// (aws-sso-cli v1 `config-profiles --open`; ignored)
    #[arg(long = "open", hide = true, value_name = "ACTION")]
    pub open: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
#[command(group = clap::ArgGroup::new("mode").required(true).args(["source", "install", "uninstall", "generate"]))]
pub struct SetupCompletionsArgs {
    /// Print the helpers for `eval "$(aws-sso setup completions --source)"` (fish: `| source`)
    #[arg(long)]
    pub source: bool,
    /// Install the picker key binding, aws-sso-profile and aws-sso-clear into your shell's files
    #[arg(short = 'I', long)]
    pub install: bool,
    /// Remove them again (only aws-sso's marked block is touched)
    #[arg(short = 'U', long)]
    pub uninstall: bool,
    /// Print a static completion script for bash, zsh, fish, powershell or elvish (commands
    /// and flags only; the installed helpers also complete profiles, ARNs, accounts, roles)
    #[arg(long, value_name = "SHELL")]
    pub generate: Option<String>,
    /// Shell: bash, zsh or fish [default: from $SHELL]
    #[arg(long, value_name = "SHELL")]
    pub shell: Option<String>,
    /// File to change instead of ~/.bash_profile or ~/.zshrc (fish: instead of conf.d/aws-sso.fish)
    #[arg(long = "shell-script", value_name = "FILE")]
    pub shell_script: Option<std::path::PathBuf>,
    /// Key sequence that opens the picker, like "ctrl-x ctrl-a" or "alt-s"
    #[arg(long, value_name = "KEYS", default_value = crate::shellrc::DEFAULT_KEY)]
    pub key: String,
    /// Write without asking
    #[arg(long)]
    pub force: bool,
}
