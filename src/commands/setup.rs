//! `aws-sso setup …`: the subcommands that set aws-sso up, each in its own file.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use super::Globals;
use super::setup_completions::{self, SetupCompletionsArgs};
use super::setup_ecs::{self, SetupEcsCommand};
use super::setup_man::{self, SetupManArgs};
use super::setup_profiles::{self, SetupProfilesArgs};
use super::setup_wizard::{self, SetupWizardArgs};

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

pub(super) fn run(
    globals: &Globals,
    command: SetupCommand,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    match command {
        SetupCommand::Profiles(a) => setup_profiles::run(globals, a, out),
        SetupCommand::Completions(a) => setup_completions::run(a, out),
        SetupCommand::Wizard(a) => setup_wizard::run(globals, a),
        SetupCommand::Ecs(c) => setup_ecs::run(globals, c, out),
        SetupCommand::Man(a) => setup_man::run(a, out),
    }
}
