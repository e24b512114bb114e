//! `aws-sso setup ecs auth|ssl`: the ECS server's bearer token and TLS certificate + key in
//! the secure store's `EcsBearerToken`, `EcsPrivateKey` and `EcsCertChain`.
//! Beyond aws-sso-cli: `auth --generate` makes a random token, and `ssl` checks that the key
//! belongs to the certificate before storing either.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use base64::Engine as _;
use clap::{Args, Subcommand};
use rand::RngCore as _;

use super::Globals;
use crate::app::Context;
use crate::app::open_store;
use crate::ecs::tls;
use crate::store::Secret;

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

/// Random bytes in a generated token (256 bits).
const TOKEN_BYTES: usize = 32;

/// `setup ecs auth|ssl`.
pub(super) fn run(
    globals: &Globals,
    command: SetupEcsCommand,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let ctx = globals.context()?;
    match command {
        SetupEcsCommand::Auth(args) => auth(&ctx, &args, out)?,
        SetupEcsCommand::Ssl(args) => ssl(&ctx, &args, out)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn auth(ctx: &Context, args: &SetupEcsAuthArgs, out: &mut dyn Write) -> Result<()> {
    let store = open_store(ctx)?;
    if args.delete {
        store.set_ecs_bearer_token(Secret::default())?;
        tracing::info!("deleted the ECS server's bearer token");
        return Ok(());
    }
    if args.print {
        let token = store.ecs_bearer_token()?.filter(|t| !t.expose().is_empty());
        let token = token.ok_or_else(|| {
            anyhow::anyhow!(
                "no ECS bearer token is stored: run `aws-sso setup ecs auth --generate` (or --bearer-token TOKEN)"
            )
        })?;
        writeln!(out, "{}", token.expose())?;
        return Ok(());
    }
    let token = match &args.bearer_token {
        Some(t) => Secret::new(t.trim()),
        None => generate_token(),
    };
    check_token(&token)?;
    store.set_ecs_bearer_token(token.clone())?;
    if args.generate {
        // Printed once, on stdout only, so `TOKEN=$(aws-sso setup ecs auth --generate)` works.
        writeln!(out, "{}", token.expose())?;
        tracing::info!(
            "stored a new ECS bearer token; give the SDKs AWS_CONTAINER_AUTHORIZATION_TOKEN=\"Bearer <token>\""
        );
    } else {
        tracing::info!("stored the ECS server's bearer token");
    }
    Ok(())
}

fn generate_token() -> Secret {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    zeroize::Zeroize::zeroize(&mut bytes);
    Secret::new(token)
}

/// aws-sso-cli's rules, plus what an HTTP header can carry.
fn check_token(token: &Secret) -> Result<()> {
    let t = token.expose();
    if t.is_empty() {
        bail!("no bearer token provided: pass --bearer-token TOKEN, or --generate");
    }
    if t.starts_with("Bearer ") {
        bail!("token should not start with 'Bearer ': pass only the token itself");
    }
    if !t.bytes().all(|b| b.is_ascii_graphic()) {
        bail!(
            "the bearer token may only contain visible ASCII characters (no spaces or control characters)"
        );
    }
    Ok(())
}

fn ssl(ctx: &Context, args: &SetupEcsSslArgs, out: &mut dyn Write) -> Result<()> {
    let store = open_store(ctx)?;
    if args.delete {
        store.set_ecs_cert_chain(String::new())?;
        store.set_ecs_private_key(Secret::default())?;
        tracing::info!("deleted the ECS server's certificate and private key");
        return Ok(());
    }
    if args.print {
        match store.ecs_cert_chain()? {
            Some(pem) => out.write_all(pem.as_bytes())?,
            None => bail!(
                "no certificate found: store one with `aws-sso setup ecs ssl -c CERT.pem -k KEY.pem`"
            ),
        }
        return Ok(());
    }
    let Some(cert_path) = &args.certificate else {
        bail!("pass --certificate FILE (and --private-key FILE), --print or --delete");
    };
    let cert = std::fs::read_to_string(cert_path)
        .with_context(|| format!("cannot read --certificate {}", cert_path.display()))?;
    tls::check_certificate(&cert)
        .with_context(|| format!("--certificate {}", cert_path.display()))?;
    let key = match &args.private_key {
        Some(path) => {
            let key = Secret::new(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read --private-key {}", path.display()))?,
            );
            tls::server_config(&cert, key.expose()).with_context(|| {
                format!(
                    "--private-key {} with --certificate {}",
                    path.display(),
                    cert_path.display()
                )
            })?;
            Some(key)
        }
        None => None,
    };
    store.set_ecs_cert_chain(cert)?;
    if let Some(key) = key {
        store.set_ecs_private_key(key)?;
    }
    tracing::info!(
        "stored the ECS server's certificate{}",
        if args.private_key.is_some() {
            " and private key"
        } else {
            ""
        }
    );
    tracing::warn!(
        "AWS SDKs only trust their own CA bundle for the ECS endpoint (aws-sso-cli #936): a self-signed certificate works for `aws-sso ecs` and curl --cacert, not for boto3 or the AWS CLI"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_generated_ones_are_long_and_distinct() {
        assert!(check_token(&Secret::new("")).is_err());
        let e = check_token(&Secret::new("Bearer abc"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("token should not start with 'Bearer '"),
            "{e}"
        );
        assert!(check_token(&Secret::new("a b")).is_err());
        let (a, b) = (generate_token(), generate_token());
        assert!(check_token(&a).is_ok());
        assert_eq!(a.expose().len(), 43);
        assert_ne!(a, b);
    }
}
