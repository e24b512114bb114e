//! `aws-sso ecs …`: the ECS credential server ([`super::ecs_server`]) and the commands that
//! talk to a running one ([`super::ecs_client`]).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use super::Globals;
use super::ecs_client::{self, EcsLoadArgs, EcsServerFlag, EcsUnloadArgs};
use super::ecs_server::{self, EcsDockerCommand, EcsServerArgs};

#[derive(Debug, Subcommand)]
pub enum EcsCommand {
    /// Run the ECS credential server in the foreground (until Ctrl-C / SIGTERM)
    #[command(alias = "run")]
    Server(EcsServerArgs),
    /// Load a role's credentials into the ECS server (default slot, or --slotted)
    Load(EcsLoadArgs),
    /// Remove credentials from the ECS server (default slot, or --profile)
    Unload(EcsUnloadArgs),
    /// List the profiles in the ECS server's named slots
    List(EcsServerFlag),
    /// Show the profile in the ECS server's default slot
    Profile(EcsServerFlag),
    /// Not supported: Docker integration is not part of aws-sso (run `ecs server` instead)
    #[command(subcommand)]
    Docker(EcsDockerCommand),
}

pub(super) fn run(globals: &Globals, command: EcsCommand, out: &mut dyn Write) -> Result<ExitCode> {
    match command {
        EcsCommand::Server(a) => ecs_server::run(globals, a),
        EcsCommand::Load(a) => ecs_client::load(globals, a),
        EcsCommand::Unload(a) => ecs_client::unload(globals, a),
        EcsCommand::List(a) => ecs_client::list(globals, a, out),
        EcsCommand::Profile(a) => ecs_client::profile(globals, a, out),
        EcsCommand::Docker(c) => ecs_server::docker(c),
    }
}
