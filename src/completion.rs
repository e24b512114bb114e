//! The values shell completion offers for flags (docs/shell.md, "Candidates"): profile names, role ARNs,
//! account ids, role names, SSO instance names, URL actions, regions and list fields. Read
//! from config.yaml and the role cache only: completion never opens the secure store (no
//! password prompt from a file store on Tab) and never touches the network. A missing or
//! broken file just means fewer candidates; completion must never fail loudly.
//!
//! Which flag wants which kind of value, and the walk over the command line, belong to the
//! front-end (`commands::complete`), which knows the command grammar.

use std::path::Path;

use crate::cache::{Cache, profile_index};
use crate::catalog::{self, ALL_FIELDS};
use crate::config::Config;
use crate::profile_format::ProfileFormat;
use crate::urlaction::UrlAction;

#[cfg(test)]
mod tests;

/// What kind of value a flag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Profile,
    Arn,
    Account,
    Role,
    Instance,
    UrlAction,
    Region,
    ListField,
}

/// Narrowing already on the command line: `-A` limits `-R` and `-R` limits `-A`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub account: Option<u64>,
    pub role: Option<String>,
}

/// AWS regions, GovCloud, China and the European Sovereign Cloud included.
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

/// One cached role, as completion needs it.
struct Row {
    arn: String,
    account: u64,
    role: String,
    profile: String,
}

/// The roles as a current `cache.profiles` lists them; `None` when there is none (or a line
/// is not a role ARN).
fn index_rows(cache_file: &Path, instance: &str, template: &str) -> Option<Vec<Row>> {
    let body = profile_index::read_current(cache_file, instance, template)?;
    profile_index::pairs(&body)
        .map(|pair| {
            let (profile, arn) = pair?;
            let (account, role) = crate::role::split_role_arn(arn)?;
            Some(Row {
                arn: arn.to_owned(),
                account,
                role: role.to_owned(),
                profile: profile.to_owned(),
            })
        })
        .collect()
}

/// Everything completion may offer, loaded once per Tab press.
#[derive(Default)]
pub struct Sources {
    instances: Vec<String>,
    rows: Vec<Row>,
}

impl Sources {
    /// From a loaded config: the instance names only (no cache read).
    pub fn from_config(config: &Config) -> Sources {
        Sources {
            instances: config.sso_config.keys().cloned().collect(),
            rows: Vec::new(),
        }
    }

    /// Add the cached roles of `instance` (with their profile names, from `cache.profiles`
    /// when it is current). Any problem leaves the role list empty.
    pub fn with_roles(
        mut self,
        config: &Config,
        cache_file: &Path,
        instance: &str,
        now: i64,
    ) -> Sources {
        // Fast path: `cache.profiles` alone names every role (profile + ARN, and the ARN
        // gives account and role name), so a Tab press need not load the catalog.
        if let Some(rows) = index_rows(cache_file, instance, &config.profile_format) {
            self.rows = rows;
            return self;
        }
        let Ok(cache) = Cache::load(cache_file) else {
            return self;
        };
        let Some(sso) = cache.instance(instance) else {
            return self;
        };
        let roles = catalog::instance_roles(instance, sso);
        let profiles = ProfileFormat::compile(&config.profile_format)
            .ok()
            .and_then(|t| {
                catalog::profile_names_indexed(
                    cache_file,
                    instance,
                    &config.profile_format,
                    &roles,
                    |v| t.render(v),
                    now,
                    cache.problem.is_none(),
                )
                .ok()
            })
            .unwrap_or_default();
        self.rows = roles
            .iter()
            .enumerate()
            .map(|(i, r)| Row {
                arn: r.arn().to_owned(),
                account: r.account_id,
                role: r.role_name.to_owned(),
                profile: profiles.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        self
    }

    /// The candidates of `kind`, narrowed, starting with `prefix`, sorted and unique.
    pub fn values(&self, kind: ValueKind, narrowing: &Narrowing, prefix: &str) -> Vec<String> {
        let rows = self.rows.iter().filter(|r| {
            narrowing.account.is_none_or(|a| a == r.account)
                && narrowing.role.as_deref().is_none_or(|n| n == r.role)
        });
        let mut out: Vec<String> = match kind {
            ValueKind::Profile => rows
                .filter(|r| !r.profile.is_empty())
                .map(|r| r.profile.clone())
                .collect(),
            ValueKind::Arn => rows.map(|r| r.arn.clone()).collect(),
            // Narrowing -A by -R: only the accounts that have that role (and vice versa).
            ValueKind::Account => self
                .rows
                .iter()
                .filter(|r| narrowing.role.as_deref().is_none_or(|n| n == r.role))
                .map(|r| crate::role::pad_account(r.account))
                .collect(),
            ValueKind::Role => self
                .rows
                .iter()
                .filter(|r| narrowing.account.is_none_or(|a| a == r.account))
                .map(|r| r.role.clone())
                .collect(),
            ValueKind::Instance => self.instances.clone(),
            ValueKind::UrlAction => UrlAction::ALL.map(|a| a.as_str().to_owned()).to_vec(),
            ValueKind::Region => REGIONS.iter().map(|r| (*r).to_owned()).collect(),
            ValueKind::ListField => ALL_FIELDS.iter().map(|f| f.name().to_owned()).collect(),
        };
        out.retain(|v| v.starts_with(prefix));
        out.sort_unstable();
        out.dedup();
        out
    }
}
