//! Arguments of `ecs server|load|unload|list|profile|docker` and `setup ecs auth|ssl`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::RoleFlags;

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

#[derive(Debug, Clone, Args)]
pub struct EcsServerArgs {
    /// Address to listen on (anything but loopback exposes your credentials to the network)
    /// [default: 127.0.0.1]
    #[arg(long = "bind-ip", value_name = "IP")]
    pub bind_ip: Option<std::net::IpAddr>,
    /// Also answer requests for this host name (repeatable); loopback addresses, `localhost`
    /// and the --bind-ip address are always answered, any other Host is refused
    #[arg(
        long = "allow-host",
        value_name = "NAME",
        conflicts_with = "unix_socket"
    )]
    pub allow_host: Vec<String>,
    /// TCP port to listen on (0: any free port, logged at start)
    #[arg(long, default_value_t = crate::ecs::DEFAULT_PORT, value_name = "PORT")]
    pub port: u16,
    /// Listen on this unix socket (mode 0600, plain HTTP) instead of TCP
    #[arg(long = "unix-socket", value_name = "PATH", conflicts_with_all = ["bind_ip", "port"])]
    pub unix_socket: Option<PathBuf>,
    /// Load this profile into the default slot at start (needs a valid SSO session)
    #[arg(short = 'd', long = "default", value_name = "PROFILE")]
    pub default_profile: Option<String>,
    /// Serve without the bearer token, even if one is set with `setup ecs auth`
    #[arg(long = "disable-auth")]
    pub disable_auth: bool,
    /// Serve plain HTTP, even if a certificate is set with `setup ecs ssl`
    #[arg(long = "disable-ssl")]
    pub disable_ssl: bool,
    /// Renew a slot's credentials this many seconds before they expire (at most half their
    /// lifetime ahead); 0 renews only once they are about to run out
    #[arg(long = "renew-before", default_value_t = crate::ecs::renew::DEFAULT_RENEW_BEFORE_SECS,
          value_name = "SECS", value_parser = clap::value_parser!(i64).range(0..))]
    pub renew_before: i64,
    /// Never renew slots: they expire like aws-sso-cli's
    #[arg(long = "no-renew")]
    pub no_renew: bool,
    /// (container image entrypoint: bind 0.0.0.0 unless --bind-ip, read the secure store and
    /// ~/.aws-sso/mnt/docker-ecs)
    #[arg(long, hide = true)]
    pub docker: bool,
}

/// `--server`, shared by the client commands.
#[derive(Debug, Clone, Args)]
pub struct EcsServerFlag {
    /// ECS server: HOST:PORT, or unix:PATH for a server started with --unix-socket
    #[arg(long, env = "AWS_SSO_ECS_SERVER", default_value = crate::ecs::DEFAULT_SERVER,
          value_name = "HOST:PORT")]
    pub server: String,
}

#[derive(Debug, Clone, Args)]
pub struct EcsLoadArgs {
    #[command(flatten)]
    pub role: RoleFlags,
    #[command(flatten)]
    pub server: EcsServerFlag,
    /// Load into the slot named after the profile (GET /slot/<profile>) instead of the
    /// default slot
    #[arg(short = 's', long)]
    pub slotted: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
}

#[derive(Debug, Clone, Args)]
pub struct EcsUnloadArgs {
    #[command(flatten)]
    pub server: EcsServerFlag,
    /// Named slot to empty [default: the default slot]
    #[arg(short = 'p', long, value_name = "PROFILE")]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum EcsDockerCommand {
    /// Not supported (fails): aws-sso has no Docker integration
    Start(EcsDockerStartArgs),
    /// Not supported (fails): aws-sso has no Docker integration
    Stop(EcsDockerStopArgs),
}

/// aws-sso-cli's flags, accepted so that its scripts get the clear refusal, not a parse error.
#[derive(Debug, Clone, Args)]
pub struct EcsDockerStartArgs {
    #[arg(long = "disable-auth", hide = true)]
    pub disable_auth: bool,
    #[arg(long = "disable-ssl", hide = true)]
    pub disable_ssl: bool,
    #[arg(long = "bind-ip", hide = true)]
    pub bind_ip: Option<String>,
    #[arg(long, hide = true)]
    pub port: Option<String>,
    #[arg(long, hide = true)]
    pub image: Option<String>,
    #[arg(long, hide = true)]
    pub version: Option<String>,
    #[arg(short = 'd', long = "default", hide = true)]
    pub default_profile: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct EcsDockerStopArgs {
    #[arg(long, hide = true)]
    pub version: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SetupEcsCommand {
    /// Set, generate or delete the ECS server's bearer token
    Auth(SetupEcsAuthArgs),
    /// Store, print or delete the ECS server's TLS certificate and private key
    Ssl(SetupEcsSslArgs),
}

#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("mode").required(true).args(["bearer_token", "generate", "delete", "print"]))]
pub struct SetupEcsAuthArgs {
    /// Token the SDKs must send (AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer <token>")
    #[arg(short = 't', long = "bearer-token", value_name = "TOKEN")]
    pub bearer_token: Option<String>,
    /// Generate a random token, store it and print it (once)
    #[arg(long)]
    pub generate: bool,
    /// Delete the stored token (the server then runs without auth)
    #[arg(short = 'd', long)]
    pub delete: bool,
    /// Print the stored token (for AWS_CONTAINER_AUTHORIZATION_TOKEN on another machine)
    #[arg(short = 'p', long)]
    pub print: bool,
}

#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("mode").required(true).args(["certificate", "delete", "print"]))]
pub struct SetupEcsSslArgs {
    /// PEM file with the certificate (chain, leaf first)
    #[arg(short = 'c', long, alias = "cert-chain", value_name = "FILE")]
    pub certificate: Option<PathBuf>,
    /// PEM file with the private key (PKCS#8) of the certificate
    #[arg(
        short = 'k',
        long = "private-key",
        value_name = "FILE",
        requires = "certificate"
    )]
    pub private_key: Option<PathBuf>,
    /// Print the stored certificate
    #[arg(short = 'p', long)]
    pub print: bool,
    /// Delete the stored certificate and key (the server then serves plain HTTP)
    #[arg(short = 'd', long)]
    pub delete: bool,
    /// (aws-sso-cli required it to store a certificate; accepted and not needed)
    #[arg(long, hide = true)]
    pub force: bool,
}
