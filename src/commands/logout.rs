//! `aws-sso logout` (and v1's `flush`): delete live role credentials and the SSO token from the
//! secure store, zero the credential hints in cache.json, and end the session server-side.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::Globals;
use crate::app::Context;
use crate::app::{authenticator, open_store};
use crate::catalog;

#[derive(Debug, Clone, Default, Args)]
pub struct LogoutArgs {
    /// (aws-sso-cli v1 `flush --type`; accepted and ignored: logout clears everything)
    #[arg(short = 't', long = "type", hide = true, value_name = "TYPE")]
    pub kind: Option<String>,
}

pub(super) fn run(globals: &Globals, _args: LogoutArgs) -> Result<ExitCode> {
    let ctx = globals.context()?;
    super::block_on(log_out(&ctx))
}

async fn log_out(ctx: &Context) -> Result<()> {
    let mut cache = ctx.load_cache()?;
    let arns: Vec<String> = cache
        .instance(&ctx.instance)
        .map(|i| {
            catalog::instance_roles(&ctx.instance, i)
                .iter()
                .map(|r| r.arn().to_string())
                .collect()
        })
        .unwrap_or_default();
    let store = open_store(ctx)?;
    let auth = authenticator(ctx, store).await;
    let report = auth.logout(Some(&arns)).await?;
    if let Some(warning) = &report.remote_warning {
        tracing::warn!("{warning}");
    }
    if let Some(instance) = cache.file.sso.get_mut(&ctx.instance) {
        for account in instance.roles.accounts.values_mut() {
            for role in account.roles.values_mut() {
                role.expires = 0;
            }
        }
        cache.save()?;
    }
    tracing::debug!("Deleted cached AWS STS credentials");
    if !report.had_token {
        tracing::info!("no SSO session was stored for instance '{}'", ctx.instance);
    }
    Ok(())
}
