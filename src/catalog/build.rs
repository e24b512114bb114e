//! Build an instance's cached catalog from what IAM Identity Center reported plus the
//! config.yaml overlays (names, regions, tags, explicit profiles, `Via` role chaining),
//! carrying over cached credential expiry and history (docs/formats.md, "Refresh").

use std::collections::{BTreeMap, BTreeSet};

use crate::cache::{CachedAccount, CachedRole, InstanceRoles, SsoCache, Text};
use crate::role::{pad_account, role_arn};

/// An account and the roles the user may assume in it, as ListAccounts/ListAccountRoles said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredAccount {
    pub id: u64,
    /// AWS's account name (aws-sso-cli's "alias").
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

/// Per-account settings from config.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountOverlay {
    pub name: String,
    pub default_region: String,
    pub tags: BTreeMap<String, String>,
    pub roles: BTreeMap<String, RoleOverlay>,
}

/// Per-role settings from config.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleOverlay {
    pub profile: String,
    pub default_region: String,
    pub tags: BTreeMap<String, String>,
    pub via: String,
}

/// Instance-level facts stored alongside the roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceInfo {
    pub sso_region: String,
    pub start_url: String,
    pub default_region: String,
}

/// Roles that appeared or disappeared since the previous refresh (Via roles excluded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleDiff {
    pub added: Vec<String>,
    pub deleted: Vec<String>,
}

impl RoleDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.deleted.is_empty()
    }
}

/// Build the new catalog. `previous` supplies credential expiry hints and history to keep.
pub fn build_instance(
    info: &InstanceInfo,
    discovered: &[DiscoveredAccount],
    overlays: &BTreeMap<u64, AccountOverlay>,
    previous: Option<&SsoCache>,
) -> (SsoCache, RoleDiff) {
    let mut accounts: BTreeMap<u64, CachedAccount> = BTreeMap::new();
    let mut listed: BTreeSet<Text> = BTreeSet::new();
    for found in discovered {
        let overlay = overlays.get(&found.id);
        let account = accounts
            .entry(found.id)
            .or_insert_with(|| account_record(&found.name, &found.email, overlay));
        for role_name in &found.roles {
            let role = role_record(found.id, account, role_name, overlay);
            listed.insert(role.arn);
            account.roles.insert(role_name.into(), role);
        }
    }
    add_via_roles(&mut accounts, overlays);

    let before: BTreeSet<Text> = previous
        .map(|p| {
            p.roles
                .accounts
                .values()
                .flat_map(|a| a.roles.values())
                .filter(|r| r.via.is_empty())
                .map(|r| r.arn)
                .collect()
        })
        .unwrap_or_default();
    let diff = RoleDiff {
        added: listed.difference(&before).map(|a| a.to_string()).collect(),
        deleted: before.difference(&listed).map(|a| a.to_string()).collect(),
    };

    let mut out = SsoCache {
        last_update: previous.map(|p| p.last_update).unwrap_or(0),
        config_hash: String::new(),
        history: Vec::new(),
        roles: InstanceRoles {
            accounts,
            sso_region: info.sso_region.clone(),
            start_url: info.start_url.clone(),
            default_region: info.default_region.clone(),
        },
        rendered_with: None,
    };
    if let Some(prev) = previous {
        carry_over(prev, &mut out);
    }
    (out, diff)
}

fn account_record(aws_name: &str, email: &str, overlay: Option<&AccountOverlay>) -> CachedAccount {
    CachedAccount {
        alias: aws_name.into(),
        name: overlay.map(|o| Text::new(&o.name)).unwrap_or_default(),
        email_address: email.into(),
        tags: overlay.map(|o| o.tags.iter().collect()).unwrap_or_default(),
        roles: BTreeMap::new(),
        default_region: overlay
            .map(|o| Text::new(&o.default_region))
            .unwrap_or_default(),
    }
}

/// Base tags, then account tags, then role tags (later ones win). No `DefaultRegion` tag: the
/// region is the role's `DefaultRegion` field, and aws-sso-cli never tags it either.
fn role_record(
    account_id: u64,
    account: &CachedAccount,
    role_name: &str,
    overlay: Option<&AccountOverlay>,
) -> CachedRole {
    let role_overlay = overlay.and_then(|o| o.roles.get(role_name));
    let mut pairs: Vec<(Text, Text)> = vec![
        ("AccountID".into(), pad_account(account_id).into()),
        ("AccountAlias".into(), account.alias),
        ("Email".into(), account.email_address),
        ("Role".into(), role_name.into()),
    ];
    if !account.name.is_empty() {
        pairs.push(("AccountName".into(), account.name));
    }
    if let Some(o) = overlay {
        pairs.extend(o.tags.iter().map(|(k, v)| (k.into(), v.into())));
    }
    if let Some(r) = role_overlay {
        pairs.extend(r.tags.iter().map(|(k, v)| (k.into(), v.into())));
    }
    let text =
        |f: fn(&RoleOverlay) -> &String| role_overlay.map(|r| Text::new(f(r))).unwrap_or_default();
    CachedRole {
        arn: role_arn(account_id, role_name).into(),
        default_region: text(|r| &r.default_region),
        expires: 0,
        profile: text(|r| &r.profile),
        // Later pairs win, so role tags override account tags override the built-ins.
        tags: pairs.into_iter().collect(),
        via: text(|r| &r.via),
        rendered_profile: Text::default(),
    }
}

/// Roles reached by role chaining are not listed by IAM Identity Center; add them from config.
fn add_via_roles(
    accounts: &mut BTreeMap<u64, CachedAccount>,
    overlays: &BTreeMap<u64, AccountOverlay>,
) {
    for (&id, overlay) in overlays {
        for (role_name, role) in &overlay.roles {
            if role.via.is_empty() {
                continue;
            }
            let account = accounts
                .entry(id)
                .or_insert_with(|| account_record("", "", Some(overlay)));
            if account.roles.contains_key(role_name.as_str()) {
                continue;
            }
            let record = role_record(id, account, role_name, Some(overlay));
            account.roles.insert(role_name.into(), record);
        }
    }
}

/// Keep credential expiry hints and history for roles that still exist.
fn carry_over(prev: &SsoCache, out: &mut SsoCache) {
    for account in prev.roles.accounts.values() {
        for old in account.roles.values() {
            let Some(new) = out.role_mut(&old.arn) else {
                continue;
            };
            new.expires = old.expires;
            if let Some(h) = old.tags.get("History") {
                new.tags.insert("History", h);
            }
        }
    }
    out.history = prev
        .history
        .iter()
        .filter(|arn| out.role(arn).is_some())
        .cloned()
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(id: u64, name: &str, roles: &[&str]) -> DiscoveredAccount {
        DiscoveredAccount {
            id,
            name: name.into(),
            email: format!("{name}@example.com"),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn tags_overlays_and_via_roles() {
        let mut overlays = BTreeMap::new();
        let mut roles = BTreeMap::new();
        roles.insert(
            "Admin".to_string(),
            RoleOverlay {
                profile: "prod-admin".into(),
                default_region: "eu-central-1".into(),
                tags: [("Team".to_string(), "ops".to_string())].into(),
                via: String::new(),
            },
        );
        roles.insert(
            "Chained".to_string(),
            RoleOverlay {
                via: role_arn(1111111, "Admin"),
                ..Default::default()
            },
        );
        overlays.insert(
            1111111,
            AccountOverlay {
                name: "Production".into(),
                default_region: "eu-west-1".into(),
                tags: [
                    ("Type".to_string(), "prod".to_string()),
                    ("Team".into(), "acct".into()),
                ]
                .into(),
                roles,
            },
        );
        let info = InstanceInfo::default();
        let (cache, diff) = build_instance(
            &info,
            &[found(1111111, "prod-acct", &["Admin", "ReadOnly"])],
            &overlays,
            None,
        );
        let admin = cache.role(&role_arn(1111111, "Admin")).unwrap().2;
        assert_eq!(admin.profile, "prod-admin");
        assert_eq!(
            &admin.tags["Team"], "ops",
            "role tags override account tags"
        );
        assert_eq!(&admin.tags["Type"], "prod");
        assert_eq!(&admin.tags["AccountName"], "Production");
        assert_eq!(&admin.tags["AccountID"], "000001111111");
        assert_eq!(admin.default_region, "eu-central-1");
        assert!(
            !admin.tags.contains_key("DefaultRegion"),
            "the region is a field, never a tag"
        );
        let ro = cache.role(&role_arn(1111111, "ReadOnly")).unwrap().2;
        assert_eq!(&ro.tags["Team"], "acct");
        assert!(!ro.tags.contains_key("DefaultRegion"));
        let chained = cache.role(&role_arn(1111111, "Chained")).unwrap().2;
        assert_eq!(chained.via, role_arn(1111111, "Admin"));
        assert_eq!(
            diff.added,
            vec![role_arn(1111111, "Admin"), role_arn(1111111, "ReadOnly")],
            "Via roles are not part of the diff"
        );
    }

    #[test]
    fn diff_and_carry_over() {
        let info = InstanceInfo::default();
        let (mut first, _) = build_instance(
            &info,
            &[found(1, "a", &["Old", "Keep"])],
            &BTreeMap::new(),
            None,
        );
        first.role_mut(&role_arn(1, "Keep")).unwrap().expires = 99;
        first.add_history(&role_arn(1, "Keep"), 50, 10);
        first.add_history(&role_arn(1, "Old"), 60, 10);
        let (second, diff) = build_instance(
            &info,
            &[found(1, "a", &["Keep", "New"])],
            &BTreeMap::new(),
            Some(&first),
        );
        assert_eq!(diff.added, vec![role_arn(1, "New")]);
        assert_eq!(diff.deleted, vec![role_arn(1, "Old")]);
        let keep = second.role(&role_arn(1, "Keep")).unwrap().2;
        assert_eq!(keep.expires, 99);
        assert_eq!(&keep.tags["History"], "a:Keep,50");
        assert_eq!(second.history, vec![role_arn(1, "Keep")]);
    }
}
