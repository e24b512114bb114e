//! Signing in to the AWS Management Console as a role: the role comes from a role query,
//! the variables of an aws-sso shell, credentials already in the environment (their caller
//! is asked of STS) or a cached `$AWS_PROFILE`; its credentials are exchanged for a sign-in
//! token and the console URL is built (deep links with a service or a path). `console`
//! opens the URL, the picker copies it.

use anyhow::{Result, anyhow};

use super::context::Context;
use super::roles::{self, EnvFallback};
use crate::console::{self as signin, Destination};
use crate::role::RoleId;
use crate::selection::{RoleQuery, Target};
use crate::store::RoleCredentials;
use crate::urlaction::Container;

/// What the sign-in is for: the role flags and `console`'s options.
#[derive(Debug, Clone, Default)]
pub struct SignInRequest {
    /// The role asked for (empty: the environment says).
    pub role: RoleQuery,
    /// Session length in minutes [default: config `ConsoleDuration`].
    pub duration: Option<i64>,
    /// Region the console opens in [default: the role's].
    pub region: Option<String>,
    /// Fetch new credentials even if the cached ones are still valid.
    pub sts_refresh: bool,
    pub service: Option<String>,
    pub path: Option<String>,
}

/// A sign-in URL and what opening it needs.
pub struct SignIn {
    pub url: String,
    pub container: Container,
}

/// Credentials exported in this shell, when all three parts are there.
pub fn env_credentials() -> Option<RoleCredentials> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(RoleCredentials {
        access_key_id: var("AWS_ACCESS_KEY_ID")?,
        secret_access_key: var("AWS_SECRET_ACCESS_KEY")?.into(),
        session_token: var("AWS_SESSION_TOKEN")?.into(),
        ..RoleCredentials::default()
    })
}

/// The role behind an STS caller ARN (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`).
pub fn role_of_caller(arn: &str) -> Option<RoleId> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("sts::")?;
    let (account, resource) = rest.split_once(':')?;
    let mut parts = resource.strip_prefix("assumed-role/")?.split('/');
    let role = parts.next().filter(|r| !r.is_empty())?;
    Some(RoleId::new(crate::role::parse_account_id(account)?, role))
}

async fn caller_role(ctx: &Context, creds: &RoleCredentials) -> Result<RoleId> {
    let provided = aws_sdk_sts::config::Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.expose().to_string(),
        Some(creds.session_token.expose().to_string()),
        None,
        "environment",
    );
    let sts = crate::aws::sts_client(
        &ctx.sso().sso_region,
        super::session::retry_settings(ctx),
        provided,
    )
    .await;
    let out = sts.get_caller_identity().send().await.map_err(|e| {
        use crate::aws::failure::{Transport, advice};
        use aws_sdk_sts::error::ProvideErrorMetadata as _;
        match Transport::of(&e) {
            Some(failure) => anyhow!(
                "cannot reach STS at {}: {failure}: {}",
                crate::aws::sts_endpoint(&ctx.sso().sso_region),
                advice(&failure, "SSORegion and AWS_ENDPOINT_URL_STS")
            ),
            None => anyhow!(
                "the credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN were rejected by STS ({}): run `aws-sso eval` again or pass --profile",
                crate::auth::error::clean(
                    &e.as_service_error()
                        .map(|s| format!(
                            "{}: {}",
                            s.code().unwrap_or("UnknownError"),
                            s.message().unwrap_or("no message")
                        ))
                        .unwrap_or_else(|| "no reason given".into()),
                    200
                )
            ),
        }
    })?;
    let arn = out.arn().unwrap_or_default();
    role_of_caller(arn).ok_or_else(|| {
        anyhow!("the credentials in this shell belong to {arn}, not an assumed role: pass --profile instead")
    })
}

/// Resolve the role, get its credentials, exchange them for a sign-in token, build the URL
/// and record the role in History.
pub async fn sign_in(ctx: &Context, args: &SignInRequest) -> Result<SignIn> {
    let duration = match args.duration {
        Some(minutes) => signin::check_duration(minutes)?,
        // config.yaml loads with any ConsoleDuration (as aws-sso-cli's does); say where it is.
        None => signin::check_duration(ctx.config.console_duration).map_err(|_| {
            anyhow!(
                "ConsoleDuration {} in {} must be between 15 and 720 minutes: fix it or pass --duration",
                ctx.config.console_duration,
                ctx.config_file().display()
            )
        })?,
    };
    let cache = ctx.load_cache()?;
    let provider = roles::provider(ctx)?;
    let force = args.sts_refresh || ctx.invocation.sts_refresh;

    let (id, creds, from_env) = match roles::query(args.role.clone(), EnvFallback::Yes).target()? {
        Some(target) => {
            let id = roles::resolve(ctx, &target, Some(&cache))?;
            let creds = provider.credentials(&id, force).await?.creds;
            (id, creds, false)
        }
        None => match env_credentials() {
            Some(creds) => (caller_role(ctx, &creds).await?, creds, true),
            None => {
                let profile = std::env::var("AWS_PROFILE")
                    .ok()
                    .filter(|p| !p.trim().is_empty())
                    .ok_or_else(|| roles::no_role("console"))?;
                let id = roles::resolve(ctx, &Target::Profile(profile.clone()), Some(&cache))
                    .map_err(|_| anyhow!("AWS_PROFILE={profile} was not found in our cache: pass --profile, or run `aws-sso cache` if the role is new"))?;
                let creds = provider.credentials(&id, force).await?.creds;
                (id, creds, false)
            }
        },
    };

    // The cached role gives the region, profile name and container colour; credentials from
    // the environment may belong to a role the cache doesn't know.
    let role = roles::cached_role(ctx, &cache, &id).ok();
    let region = match args.region.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(r) => r.to_string(),
        None => role
            .as_ref()
            .map(|r| roles::configured_region(ctx, r))
            .unwrap_or_else(|| ctx.config.default_region.clone()),
    };
    let chained = creds.role_chaining || (from_env && provider.via_of(&id)?.is_some());
    let sso = ctx.sso();
    let federation = crate::aws::signin_endpoint_from_env(&sso.sso_region);
    let token = signin::signin_token(&federation, &creds, (!chained).then_some(duration)).await?;
    let destination = signin::destination_url(
        &sso.sso_region,
        &Destination {
            region,
            service: args.service.clone(),
            path: args.path.clone(),
        },
    )?;
    let url = signin::login_url(&federation, &sso.start_url, &destination, &token);

    let container = match &role {
        Some(r) => {
            let info = roles::role_info(ctx, r, None)?;
            let tag = |k: &str| r.tags().get(k).map(str::to_string).unwrap_or_default();
            Container {
                name: info.profile,
                color: tag("Color"),
                icon: tag("Icon"),
            }
        }
        None => Container {
            name: format!("{}:{}", id.account_pad(), id.role_name),
            ..Container::default()
        },
    };
    let known = role.is_some();
    let fetched = provider.fetched();
    roles::record(ctx, Some(cache), &fetched, known.then_some(&id))?;
    Ok(SignIn { url, container })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_arns_of_assumed_roles_name_the_role() {
        assert_eq!(
            role_of_caller(
                "arn:aws:sts::000000000042:assumed-role/AWSReservedSSO_Admin_ab12/jane@example.com"
            ),
            Some(RoleId::new(42, "AWSReservedSSO_Admin_ab12"))
        );
        assert_eq!(
            role_of_caller("arn:aws-us-gov:sts::000000000042:assumed-role/R/s"),
            Some(RoleId::new(42, "R"))
        );
        assert_eq!(role_of_caller("arn:aws:iam::000000000042:user/bob"), None);
    }
}
