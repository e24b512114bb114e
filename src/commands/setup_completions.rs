//! `aws-sso setup completions` (and v1's `completions`): install, uninstall or print the shell
//! helpers of [`crate::shellrc`] — the picker key binding, `aws-sso-profile` and
//! `aws-sso-clear` — for bash, zsh or fish. Each file gets one marked block, shown as a diff
//! and confirmed on a terminal like `setup profiles`; needs no config and no login.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use clap::Args;
use clap::CommandFactory;

use super::setup_profiles::{Confirm, binary_path, confirm_and_apply};
use crate::config::ConfigEnv;
use crate::shellrc::{self, Helpers, KeySequence, RcShell, Target};

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
    /// File to change instead of ~/.bashrc (macOS: the login file) or ~/.zshrc (fish:
    /// instead of conf.d/aws-sso.fish)
    #[arg(long = "shell-script", value_name = "FILE")]
    pub shell_script: Option<std::path::PathBuf>,
    /// Key sequence that opens the picker, like "ctrl-x ctrl-a" or "alt-s"
    #[arg(long, value_name = "KEYS", default_value = crate::shellrc::DEFAULT_KEY)]
    pub key: String,
    /// Write without asking
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: SetupCompletionsArgs, out: &mut dyn Write) -> Result<ExitCode> {
    apply(&args, out)?;
    Ok(ExitCode::SUCCESS)
}

/// Print, install or remove the helpers, or print a static completion script.
fn apply(args: &SetupCompletionsArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(name) = &args.generate {
        return generate(name, out);
    }
    let shell = match &args.shell {
        Some(name) => name.parse::<RcShell>()?,
        None => RcShell::detect(std::env::var("SHELL").ok().as_deref())?,
    };
    let key: KeySequence = args.key.parse()?;
    let helpers = Helpers::new(shell, &binary_path("")?, &key);
    if args.source {
        out.write_all(helpers.source().as_bytes())?;
        return Ok(());
    }
    let env = ConfigEnv::from_process();
    let home = env
        .home
        .clone()
        .ok_or_else(|| anyhow!("cannot tell your home directory: set $HOME"))?;
    let target = Target {
        shell,
        home,
        xdg_config_home: env.xdg_config_home.clone(),
        script: args.shell_script.as_ref().map(|p| env.expand(p)),
        macos: cfg!(target_os = "macos"),
    };
    let confirm = if args.force {
        Confirm::Never
    } else {
        Confirm::Ask { show_diff: false }
    };
    let verb = if args.install { "-I" } else { "-U" };
    let force = format!("aws-sso setup completions {verb} --shell {shell} --force");
    let files = helpers.files(&target);
    let mut updates = Vec::new();
    if args.install {
        for file in &files {
            updates.push(shellrc::plan_install(file)?);
        }
    }
    // Uninstall finds a block wherever one is (aws-sso-cli's ~/.bash_profile included);
    // install moves one found in another file to where the shell reads it. --shell-script
    // names the one file to change.
    let candidates = match &target.script {
        Some(_) => files.iter().map(|f| f.path.clone()).collect(),
        None => shellrc::block_files(&helpers, &target),
    };
    for path in candidates {
        if args.install && files.iter().any(|f| f.path == path) {
            continue;
        }
        let update = shellrc::plan_uninstall(&path)?;
        // A file that is not there holds no block (and must not be created empty).
        if update.old.is_some() && !update.is_noop() {
            updates.push(update);
        }
    }
    if args.uninstall && updates.is_empty() {
        writeln!(out, "no shell helpers found to remove")?;
    }
    let mut changed = false;
    for update in &updates {
        // A file left holding nothing once our block is out goes: a fish file held only the
        // block, and an empty ~/.bash_profile would only make login shells skip ~/.profile.
        let remove_file = update
            .old
            .as_ref()
            .is_some_and(|old| !old.trim().is_empty())
            && update.new.trim().is_empty();
        if confirm_and_apply(update, confirm, &force, out)? {
            changed = true;
            if remove_file {
                std::fs::remove_file(&update.path).with_context(|| {
                    format!("cannot remove the empty {}", update.path.display())
                })?;
                writeln!(
                    out,
                    "removed {}: nothing else was in it",
                    update.path.display()
                )?;
            }
        }
    }
    if changed {
        let what = if args.install {
            format!("the picker is on {key}, aws-sso-profile and aws-sso-clear are ready")
        } else {
            "the shell helpers are gone".to_string()
        };
        writeln!(
            out,
            "{what}: please restart your shell for the changes to take effect"
        )?;
    }
    if args.install && shell == RcShell::Bash && target.script.is_none() {
        let macos = target.macos;
        if let Some(login) = shellrc::bash_rc::login_file_skipping_bashrc(&target.home, macos) {
            writeln!(
                out,
                "note: login shells (ssh) read {} only, which does not source ~/.bashrc: add `. ~/.bashrc` to it to have the helpers there too",
                login.display()
            )?;
        }
    }
    Ok(())
}

/// clap_complete's static script for `name` (commands, flags, possible values).
fn generate(name: &str, out: &mut dyn Write) -> Result<()> {
    let shell: clap_complete::Shell = name.parse().map_err(|_| {
        anyhow!("unknown shell '{name}' for --generate: use bash, zsh, fish, powershell or elvish")
    })?;
    let mut cmd = super::Cli::command();
    clap_complete::generate(shell, &mut cmd, "aws-sso", out);
    Ok(())
}
