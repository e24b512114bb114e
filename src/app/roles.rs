//! What the credential commands share: turning the role flags (and, where aws-sso-cli allows,
//! the environment) into a role, building the credential [`Provider`], and recording what
//! happened in cache.json (`Expires` hints, History) with one write.

use std::io;
use std::sync::Arc;

use anyhow::{Result, bail};

use super::context::{Context, no_cached_roles, now};
use super::session::{auth_settings, retry_settings};
use super::store::open_store;
use crate::auth::{Authenticator, TokenMode};
use crate::aws::SsoClients;
use crate::cache::{Cache, profile_index};
use crate::catalog::FlatRole;
use crate::credentials::exports::RoleInfo;
use crate::credentials::{Provider, SessionFactory};
use crate::profile_format::ProfileFormat;
use crate::role::RoleId;
use crate::selection::{self, RoleQuery, Target};
use crate::store::SecureStore;

/// Whether unset role flags may come from `$AWS_SSO_ROLE_ARN`, `$AWS_SSO_ACCOUNT_ID` /
/// `$AWS_SSO_ROLE_NAME` and `$AWS_SSO_PROFILE` (exec, console, ecs load; not eval/process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvFallback {
    Yes,
    No,
}

/// The role query as given; with [`EnvFallback::Yes`] and nothing given, from the variables
/// an aws-sso shell carries (so `exec`/`console` inside one re-select its role). Explicit
/// flags always win over the environment.
pub fn query(q: RoleQuery, fallback: EnvFallback) -> RoleQuery {
    if fallback == EnvFallback::No || !q.is_empty() {
        return q;
    }
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let Some(arn) = var("AWS_SSO_ROLE_ARN") {
        return RoleQuery {
            arn: Some(arn),
            ..RoleQuery::default()
        };
    }
    if let (Some(account), Some(role)) = (var("AWS_SSO_ACCOUNT_ID"), var("AWS_SSO_ROLE_NAME")) {
        return RoleQuery {
            account: Some(account),
            role: Some(role),
            ..RoleQuery::default()
        };
    }
    RoleQuery {
        profile: var("AWS_SSO_PROFILE"),
        ..RoleQuery::default()
    }
}

/// The error of a command run without role flags (the picker will open here instead once a
/// terminal picker exists).
pub fn no_role(command: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "`aws-sso {command}` needs a role: pass --profile NAME, --arn ARN, or --account ID --role NAME (see `aws-sso list`)"
    )
}

/// Resolve a target to a role id. An ARN needs no cache; a profile name does.
pub fn resolve(ctx: &Context, target: &Target, cache: Option<&Cache>) -> Result<RoleId> {
    match target {
        Target::Role(id) => Ok(id.clone()),
        Target::Profile(name) => {
            let template_src = &ctx.config.profile_format;
            let cache_path = &ctx.paths.cache_file;
            if let Some(Some(arn)) =
                profile_index::lookup(cache_path, &ctx.instance, template_src, name)
                && let Some(id) = RoleId::parse(&arn)
            {
                return Ok(id);
            }
            let owned;
            let cache = match cache {
                Some(c) => c,
                None => {
                    owned = ctx.load_cache()?;
                    &owned
                }
            };
            let instance = cache
                .instance(&ctx.instance)
                .ok_or_else(|| no_cached_roles(ctx))?;
            let roles = crate::catalog::instance_roles(&ctx.instance, instance);
            let template = ProfileFormat::compile(template_src)?;
            let names = crate::catalog::profile_names(&roles, |v| template.render(v), now())
                .map_err(|e| selection::SelectionError::Profiles(e.to_string()))?;
            if cache.problem.is_none() {
                profile_index::write(
                    cache_path,
                    &ctx.instance,
                    template_src,
                    names
                        .iter()
                        .map(String::as_str)
                        .zip(roles.iter().map(|r| r.arn())),
                );
            }
            match names.iter().position(|n| n == name) {
                Some(i) => Ok(RoleId::new(roles[i].account_id, roles[i].role_name)),
                None => Err(selection::SelectionError::UnknownProfile {
                    profile: name.clone(),
                    hint: selection::profile_miss_hint(name, &roles, &names),
                }
                .into()),
            }
        }
    }
}

/// The cached role, or an error naming the closest ones.
pub fn cached_role<'c>(ctx: &'c Context, cache: &'c Cache, id: &RoleId) -> Result<FlatRole<'c>> {
    let instance = cache
        .instance(&ctx.instance)
        .ok_or_else(|| no_cached_roles(ctx))?;
    Ok(selection::find_role(&ctx.instance, instance, id)?)
}

/// Profile name, exported region and `EnvVarTags` of a cached role.
pub fn role_info(ctx: &Context, role: &FlatRole<'_>, region: Option<String>) -> Result<RoleInfo> {
    let template = ProfileFormat::compile(&ctx.config.profile_format)?;
    let profile = selection::profile_name(&template, role, now())?;
    let env_tags = ctx
        .config
        .env_var_tags
        .iter()
        .filter_map(|k| role.tags().get(k).map(|v| (k.clone(), v.to_string())))
        .collect();
    Ok(RoleInfo {
        instance: ctx.instance.clone(),
        profile,
        region,
        env_tags,
    })
}

/// The region configured for a role: role > account > instance > global `DefaultRegion`.
pub fn configured_region(ctx: &Context, role: &FlatRole<'_>) -> String {
    let cached = role.default_region();
    if cached.is_empty() {
        ctx.config.default_region.clone()
    } else {
        cached.to_string()
    }
}

/// Builds the SSO session when a fetch needs one (reads `AWS_ENDPOINT_URL_SSO*`).
pub fn session_factory(ctx: &Context) -> SessionFactory {
    let settings = auth_settings(ctx);
    let region = ctx.sso().sso_region.clone();
    let retry = retry_settings(ctx);
    Box::new(move |store: Arc<SecureStore>| {
        let settings = settings.clone();
        let region = region.clone();
        Box::pin(async move {
            let clients = SsoClients::new(&region, retry).await;
            Authenticator::new(settings, clients, store)
        })
    })
}

/// The credential provider of the selected instance (opens the secure store).
pub fn provider(ctx: &Context) -> Result<Provider<'_>> {
    let store = Arc::new(open_store(ctx)?);
    Ok(Provider::new(
        &ctx.instance,
        ctx.sso(),
        store,
        session_factory(ctx),
        TokenMode::from_auto_login(ctx.config.auto_login),
        retry_settings(ctx),
        Box::new(io::stderr()),
    ))
}

/// Write what a command learnt into cache.json in one go: the expiry of every credential it
/// fetched, and (`history`) that a role was used. Nothing is written when nothing changed,
/// and a cache that could not be read is never overwritten.
pub fn record(
    ctx: &Context,
    cache: Option<Cache>,
    fetched: &[(RoleId, i64)],
    history: Option<&RoleId>,
) -> Result<()> {
    if fetched.is_empty() && history.is_none() {
        return Ok(());
    }
    let mut cache = match cache {
        Some(c) => c,
        None => ctx.load_cache()?,
    };
    if cache.problem.is_some() || cache.instance(&ctx.instance).is_none() {
        return Ok(());
    }
    let before = cache.file.clone();
    let instance = cache.instance_mut(&ctx.instance);
    for (id, expires) in fetched {
        if let Some(role) = instance.role_mut(&id.arn()) {
            role.expires = *expires;
        }
    }
    if let Some(id) = history.filter(|id| !recently_recorded(instance, id, now())) {
        let limit = usize::try_from(ctx.config.history_limit.max(0)).unwrap_or(0);
        let t = now();
        instance.prune_history(t, limit, ctx.config.history_minutes);
        instance.add_history(&id.arn(), t, limit);
        // Only orders the picker: a file that can't be written costs nothing else.
        if let Err(e) = crate::frecency::record_use(&ctx.paths.config_dir, &id.arn(), t) {
            tracing::debug!(
                "cannot count the use in {}: {e}",
                crate::frecency::FILE_NAME
            );
        }
    }
    if cache.file != before {
        let path = ctx.paths.cache_file.clone();
        let old = std::fs::metadata(&path).ok();
        cache.save()?;
        if let Some(old) = old {
            profile_index::carry_forward(&path, &old, &ctx.instance, &ctx.config.profile_format);
        }
    }
    Ok(())
}

/// True when `id` already heads the history with a stamp under five minutes old: re-recording
/// it would rewrite cache.json for nothing on every `eval` in a prompt hook.
fn recently_recorded(instance: &crate::cache::SsoCache, id: &RoleId, now: i64) -> bool {
    let arn = id.arn();
    instance.history.first() == Some(&arn)
        && instance
            .role(&arn)
            .and_then(|(_, _, r)| r.tags.get("History"))
            .and_then(crate::cache::HistoryTag::parse)
            .is_some_and(|t| now - t.used_at < 300)
}

/// The one-line refusal of `exec` when credentials are already in the environment.
pub fn check_env_conflicts(overwrite: bool) -> Result<()> {
    if overwrite {
        return Ok(());
    }
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"] {
        if std::env::var_os(name).is_some_and(|v| !v.is_empty()) {
            bail!(
                "Unable to continue: conflicting environment variable '{name}' is set (already inside `aws-sso exec`?): exit that shell, unset it, or pass -O to replace every AWS_* variable"
            );
        }
    }
    Ok(())
}
