//! `aws-sso logout` (and v1's `flush`): delete live role credentials and the SSO token from the
//! secure store, zero the credential hints in cache.json, and end the session server-side.

use anyhow::Result;

use crate::app::Context;
use crate::app::{authenticator, open_store};
use crate::catalog;

pub async fn run(ctx: &Context) -> Result<()> {
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
