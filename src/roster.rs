//! The rows the picker shows and searches: every cached role of the chosen SSO instances as
//! one compact record of interned strings, with its profile name and when it was last used,
//! ordered recently-used first. Built from cache.json and config.yaml only (no store, no
//! network): straight from cache.bin when it holds the profile names ([`from_snapshot`], the
//! picker's fast start), otherwise from the loaded catalog ([`build`], which then keeps the
//! names in cache.bin for next time).

use std::borrow::Cow;

use crate::cache::{CachedAccount, CachedRole, HistoryTag, Tags, Text};
use crate::catalog::{CatalogError, ListField, expires_text, role_tags};

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
    /// The role's tags as shown ([`role_tags`]), without the `History` bookkeeping tag.
    pub tags: Tags,
    /// Unix seconds when cached role credentials expire (0: none).
    pub expires: i64,
    /// Unix seconds of the last use recorded in History.
    pub last_used: Option<i64>,
}

impl PickRole {
    /// `role` of `account` as the picker holds it: the region the first of role, account and
    /// instance (`instance_region`) that has one, the `History` tag turned into `last_used`
    /// (`in_history`: whether the instance's History list names the ARN).
    #[allow(clippy::too_many_arguments)]
    fn from_cached(
        sso: Text,
        account_id: u64,
        account: &CachedAccount,
        role_name: Text,
        role: CachedRole,
        instance_region: Text,
        profile: Text,
        in_history: impl FnOnce(Text) -> bool,
    ) -> PickRole {
        let mut tags = role_tags(account_id, account, &role);
        let CachedRole {
            arn,
            default_region,
            expires,
            via,
            ..
        } = role;
        let last_used = take_last_used(&mut tags, || in_history(arn));
        let region = [default_region, account.default_region, instance_region]
            .into_iter()
            .find(|r| !r.is_empty())
            .unwrap_or_default();
        PickRole {
            sso,
            arn,
            account_id,
            account_alias: account.alias,
            account_name: account.name,
            email: account.email_address,
            role_name,
            profile,
            region,
            via,
            tags,
            expires,
            last_used,
        }
    }

    /// The text `list` prints for `field` (`Id` has no meaning here and is empty).
    pub fn field(&self, field: ListField, now: i64) -> Cow<'_, str> {
        match field {
            ListField::Id => Cow::Borrowed(""),
            ListField::Arn => self.arn.as_str().into(),
            ListField::AccountId => self.account_id.to_string().into(),
            ListField::AccountIdPad => crate::role::pad_account(self.account_id).into(),
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

/// The `last_used` of a role with these tags (the `History` tag taken out of them): the
/// tag's time, or 0 for a role only named in the instance's History list (written by an older
/// version; it sorts after everything that has a time).
fn take_last_used(tags: &mut Tags, in_history: impl FnOnce() -> bool) -> Option<i64> {
    tags.remove("History")
        .and_then(|t| HistoryTag::parse(t.as_str()))
        .map(|h| h.used_at)
        .or_else(|| in_history().then_some(0))
}

/// Recently used first, most recent first; stable, so within "never used" the order the
/// roles came in (instance, account, role) stays.
fn order(roles: &mut [PickRole]) {
    roles.sort_by_key(|r| std::cmp::Reverse(r.last_used.map(|t| t.max(1))));
}

mod build;
mod fast;

pub use build::build;
pub use fast::{FromSnapshot, from_snapshot};

#[cfg(test)]
mod tests;
