//! The rows the picker shows and searches: every cached role of the chosen SSO instances as
//! one compact record of interned strings, with its profile name and when it was last used,
//! ordered recently-used first. Built from cache.json and config.yaml only (no store, no
//! network), so the picker's first frame costs a cache load.

use std::borrow::Cow;

use crate::cache::{Cache, HistoryTag, Tags, Text};
use crate::catalog::{self, CatalogError, ListField, expires_text};
use crate::config::Config;
use crate::profile_format::ProfileFormat;

/// One role as the picker shows and searches it. Strings are interned [`Text`] (4 bytes,
/// `Copy`), so 100,000 rows stay small and cloning the selected one is cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct PickRole {
    pub sso: Text,
    pub arn: Text,
    pub account_id: u64,
    pub account_alias: Text,
    pub account_name: Text,
    pub email: Text,
    pub role_name: Text,
    pub profile: Text,
    pub region: Text,
    pub via: Text,
    /// The role's tags as cached, without the `History` bookkeeping tag.
    pub tags: Tags,
    /// Unix seconds when cached role credentials expire (0: none).
    pub expires: i64,
    /// Unix seconds of the last use recorded in History.
    pub last_used: Option<i64>,
}

impl PickRole {
    /// The text `list` prints for `field` (`Id` has no meaning here and is empty).
    pub fn field(&self, field: ListField, now: i64) -> Cow<'_, str> {
        match field {
            ListField::Id => Cow::Borrowed(""),
            ListField::Arn => self.arn.as_str().into(),
            ListField::AccountId => self.account_id.to_string().into(),
            ListField::AccountIdPad => catalog::pad_account(self.account_id).into(),
            ListField::AccountName => self.account_name.as_str().into(),
            ListField::AccountAlias => self.account_alias.as_str().into(),
            ListField::DefaultRegion => self.region.as_str().into(),
            ListField::EmailAddress => self.email.as_str().into(),
            // `list` says "Expired" for roles never fetched, as aws-sso-cli does; in the picker
            // a column of those would hide the few roles that do have credentials.
            ListField::Expires if self.expires == 0 => Cow::Borrowed(""),
            ListField::Expires => expires_text(self.expires, now).into(),
            ListField::ExpiresEpoch => (if self.expires > now { self.expires } else { 0 })
                .to_string()
                .into(),
            ListField::RoleName => self.role_name.as_str().into(),
            ListField::Sso => self.sso.as_str().into(),
            ListField::Via => self.via.as_str().into(),
            ListField::Profile => self.profile.as_str().into(),
        }
    }
}

/// The picker's roles, in display order, and the instances they come from.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub roles: Vec<PickRole>,
    pub instances: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("ProfileFormat in config.yaml: {0}")]
    Template(String),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// Every cached role of `instances` (in that order; missing ones are skipped): recently used
/// first, most recent first, then by instance, account id and role name.
pub fn build(
    cache: &Cache,
    config: &Config,
    instances: &[&str],
    now: i64,
) -> Result<Roster, RosterError> {
    let template = ProfileFormat::compile(&config.profile_format)
        .map_err(|e| RosterError::Template(e.to_string()))?;
    let mut roster = Roster::default();
    for name in instances {
        let Some(instance) = cache.instance(name) else {
            continue;
        };
        roster.instances.push((*name).to_string());
        let flat = catalog::instance_roles(name, instance);
        let profiles = catalog::profile_names_indexed(
            cache.path(),
            name,
            &config.profile_format,
            &flat,
            |v| template.render(v),
            now,
            cache.problem.is_none(),
        )?;
        let sso = Text::new(name);
        for (role, profile) in flat.iter().zip(profiles) {
            let mut tags = role.tags().clone();
            let last_used = tags
                .remove("History")
                .and_then(|t| HistoryTag::parse(t.as_str()))
                .map(|h| h.used_at)
                .or_else(|| {
                    // A History entry without its tag (written by an older version): order
                    // it by its place in the list, after everything that has a time.
                    instance
                        .history
                        .iter()
                        .position(|a| a == role.arn())
                        .map(|_| 0)
                });
            roster.roles.push(PickRole {
                sso,
                arn: role.role.arn,
                account_id: role.account_id,
                account_alias: role.account.alias,
                account_name: role.account.name,
                email: role.account.email_address,
                role_name: Text::new(role.role_name),
                profile: Text::from(profile),
                region: Text::new(role.default_region()),
                via: role.role.via,
                tags,
                expires: role.role.expires,
                last_used,
            });
        }
    }
    // Stable: within "never used" the cache order (instance, account, role) stays.
    roster
        .roles
        .sort_by_key(|r| std::cmp::Reverse(r.last_used.map(|t| t.max(1))));
    Ok(roster)
}

#[cfg(test)]
mod tests;
