//! Bring one SSO instance's cached catalog up to date: ask IAM Identity Center (through
//! [`crate::refresh`]), lay the config.yaml overlays on top, check that every profile name is
//! unique, and save `cache.json`. Shared by `login`, `cache` and every automatic refresh.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::cache::{Cache, CacheError, Text, profile_index};
use crate::catalog::build::{AccountOverlay, InstanceInfo, RoleDiff, RoleOverlay, build_instance};
use crate::catalog::{self, CatalogError};
use crate::config::{Config, SsoConfig};
use crate::profile_format::{ProfileFormat, TemplateError};
use crate::refresh::{self, Progress, RefreshError, RefreshOptions, RefreshStats, TokenSource};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Refresh(#[from] RefreshError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("ProfileFormat in config.yaml is not a valid template: {0}")]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("SSO instance '{0}' is not in config.yaml")]
    UnknownInstance(String),
}

/// What a refresh changed.
#[derive(Debug, Clone)]
pub struct SyncOutcome {
    pub diff: RoleDiff,
    pub stats: RefreshStats,
    /// Roles now cached for the instance.
    pub roles: usize,
}

/// Refresh `instance` into `cache` and save it.
#[allow(clippy::too_many_arguments)]
pub async fn refresh_instance(
    config: &Config,
    instance: &str,
    cache: &mut Cache,
    portal: &aws_sdk_sso::Client,
    tokens: &dyn TokenSource,
    progress: &dyn Progress,
    opts: &RefreshOptions,
    now: i64,
) -> Result<SyncOutcome, SyncError> {
    let sso = config
        .sso_config
        .get(instance)
        .ok_or_else(|| SyncError::UnknownInstance(instance.to_string()))?;
    // Compile first: a broken template should fail before minutes of API calls.
    let template = ProfileFormat::compile(&config.profile_format)?;
    let (discovered, stats) = refresh::fetch_catalog(portal, tokens, progress, opts).await?;
    let info = InstanceInfo {
        sso_region: sso.sso_region.clone(),
        start_url: sso.start_url.clone(),
        default_region: sso.default_region.clone().unwrap_or_default(),
    };
    let (mut built, diff) =
        build_instance(&info, &discovered, &overlays(sso), cache.instance(instance));
    let names = {
        let roles = catalog::instance_roles(instance, &built);
        catalog::profile_names(&roles, |v| template.render(v), now)?
    };
    // Kept in cache.bin, so the picker's next start need not render them again.
    if profile_index::indexable(&config.profile_format) {
        let names = Text::intern_all(names.iter().map(String::as_str));
        built.set_rendered(&config.profile_format, names);
    }
    built.last_update = now;
    built.config_hash = config_hash(&config.profile_format, sso);
    let roles = built.role_count();
    *cache.instance_mut(instance) = built;
    cache.file.config_created_at = config.mtime().unwrap_or(now);
    cache.prune_instances(config.sso_config.keys().map(String::as_str));
    cache.save()?;
    Ok(SyncOutcome { diff, stats, roles })
}

/// The config.yaml overlays of an instance, keyed by account id.
pub fn overlays(sso: &SsoConfig) -> BTreeMap<u64, AccountOverlay> {
    sso.accounts()
        .map(|(id, account)| {
            let roles = account
                .roles
                .iter()
                .map(|(name, role)| {
                    let overlay = RoleOverlay {
                        profile: role.profile.clone().unwrap_or_default(),
                        default_region: role.default_region.clone().unwrap_or_default(),
                        tags: role.tags.clone(),
                        via: role.via.clone().unwrap_or_default(),
                    };
                    (name.clone(), overlay)
                })
                .collect();
            let overlay = AccountOverlay {
                name: account.name.clone().unwrap_or_default(),
                default_region: account.default_region.clone().unwrap_or_default(),
                tags: account.tags.clone(),
                roles,
            };
            (id.get(), overlay)
        })
        .collect()
}

/// aws-sso-cli records a hash of the inputs that shape the catalog; it is informational.
fn config_hash(profile_format: &str, sso: &SsoConfig) -> String {
    let mut h = Sha256::new();
    h.update(profile_format.as_bytes());
    h.update(format!("{:?}", sso.accounts).as_bytes());
    hex::encode(h.finalize())
}
