//! `aws-sso process`: credentials for the AWS CLI/SDK `credential_process` setting, as
//! credential_process Version 1 JSON with no trailing newline (docs/formats.md, "`credential_process` output").
//!
//! This runs on every `aws` call, so it reads only what it needs: config.yaml and the secure
//! store for `--arn` (what `setup profiles` writes); cache.json only to resolve a `--profile`
//! and, after a fetch, to record the new expiry. Valid cached credentials mean no network and
//! no writes.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::{Globals, RoleFlags};
use crate::app::roles::{self, EnvFallback};
use crate::credentials::exports::rfc3339_local;
use crate::store::RoleCredentials;

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

/// The credential_process reply, keys in aws-sso-cli's order.
#[derive(Serialize)]
struct ProcessOutput<'a> {
    #[serde(rename = "Version")]
    version: u8,
    #[serde(rename = "AccessKeyId")]
    access_key_id: &'a str,
    #[serde(rename = "SecretAccessKey")]
    secret_access_key: &'a str,
    #[serde(rename = "SessionToken")]
    session_token: &'a str,
    #[serde(rename = "Expiration")]
    expiration: String,
}

/// The JSON document for `creds`.
pub(super) fn render(creds: &RoleCredentials) -> Result<String> {
    Ok(serde_json::to_string(&ProcessOutput {
        version: 1,
        access_key_id: &creds.access_key_id,
        secret_access_key: creds.secret_access_key.expose(),
        session_token: creds.session_token.expose(),
        expiration: rfc3339_local(creds.expires_at_secs()),
    })?)
}

/// Run `process`: answered synchronously when the credentials are cached (no runtime, no
/// threads), otherwise on a small runtime that fetches them.
pub(super) fn run(globals: &Globals, args: ProcessArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut ctx = globals.context()?;
    ctx.use_process_deadline()?;
    let ctx = &ctx;
    let target = roles::query(args.role.query(), EnvFallback::No)
        .target()?
        .ok_or_else(|| {
            anyhow::anyhow!("please specify --arn or --account and --role (or --profile)")
        })?;
    let id = roles::resolve(ctx, &target, None)?;
    let provider = roles::provider(ctx)?;
    let force = args.sts_refresh || ctx.invocation.sts_refresh;
    if !force && let Some(creds) = provider.cached_blocking(&id)? {
        out.write_all(render(&creds)?.as_bytes())?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let obtained = runtime.block_on(provider.credentials(&id, force))?;
    out.write_all(render(&obtained.creds)?.as_bytes())?;
    out.flush()?;
    roles::record(ctx, None, &provider.fetched(), None)?;
    Ok(ExitCode::SUCCESS)
}
