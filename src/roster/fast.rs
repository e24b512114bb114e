//! The roster straight from cache.bin: its records become [`PickRole`]s as they are read,
//! with no catalog, profile rendering or `cache.profiles` lookup in between. This is what
//! keeps the picker's first frame within budget at 100,000 roles. It works when cache.bin is
//! current for cache.json and holds every wanted instance's profile names for the configured
//! `ProfileFormat`; otherwise the caller loads the cache and takes [`super::build`].

use std::path::Path;

use super::{PickRole, Roster, order};
use crate::cache::{self, CachedAccount, CachedRole, InstanceHead, Sink, Text};

/// A roster read from cache.bin, with what the expiry rule needs to know of the cache.
pub struct FromSnapshot {
    pub roster: Roster,
    version: i64,
    config_created_at: i64,
    /// `LastUpdate` of each instance in `roster.instances`.
    last_update: Vec<(String, i64)>,
}

impl FromSnapshot {
    /// Whether `instance`'s catalog is due for a refresh ([`cache::expired`]).
    pub fn expired(&self, instance: &str, refresh_hours: i64, config_mtime: i64, now: i64) -> bool {
        let last_update = self
            .last_update
            .iter()
            .find(|(n, _)| n == instance)
            .map(|(_, t)| *t);
        cache::expired(
            self.version,
            self.config_created_at,
            last_update,
            refresh_hours,
            config_mtime,
            now,
        )
    }
}

/// The roster of `instances` (in that order; missing ones are skipped) from the snapshot of
/// the cache.json at `cache_path`, or `None` when the snapshot cannot give it (then nothing
/// was changed and the slow path is as good as ever).
pub fn from_snapshot(
    cache_path: &Path,
    template: &str,
    instances: &[&str],
) -> Option<FromSnapshot> {
    let mut sink = RosterSink {
        wanted: instances,
        template,
        version: 0,
        config_created_at: 0,
        found: instances.iter().map(|_| None).collect(),
        current: None,
        account: None,
        usable: true,
    };
    if !cache::visit_snapshot(cache_path, &mut sink) || !sink.usable {
        return None;
    }
    let mut out = FromSnapshot {
        roster: Roster::default(),
        version: sink.version,
        config_created_at: sink.config_created_at,
        last_update: Vec::new(),
    };
    for (name, found) in instances.iter().zip(sink.found) {
        let Some((last_update, roles)) = found else {
            continue;
        };
        out.roster.instances.push((*name).to_string());
        out.last_update.push(((*name).to_string(), last_update));
        if out.roster.roles.is_empty() {
            out.roster.roles = roles;
        } else {
            out.roster.roles.extend(roles);
        }
    }
    order(&mut out.roster.roles);
    Some(out)
}

/// The instance being read, when it is one of the wanted.
struct Current {
    slot: usize,
    sso: Text,
    history: Vec<Text>,
    default_region: Text,
}

struct RosterSink<'a> {
    wanted: &'a [&'a str],
    template: &'a str,
    version: i64,
    config_created_at: i64,
    /// Per wanted instance: its `LastUpdate` and roles in catalog order.
    found: Vec<Option<(i64, Vec<PickRole>)>>,
    current: Option<Current>,
    account: Option<(u64, CachedAccount)>,
    /// Cleared when a wanted instance has no profile names for `template`.
    usable: bool,
}

impl Sink for RosterSink<'_> {
    fn start(&mut self, version: i64, config_created_at: i64) {
        self.version = version;
        self.config_created_at = config_created_at;
    }

    fn instance(&mut self, head: InstanceHead) {
        self.account = None;
        self.current = self
            .wanted
            .iter()
            .position(|w| head.name == *w)
            .map(|slot| Current {
                slot,
                sso: head.name,
                history: head.history,
                default_region: head.default_region,
            });
        if let Some(c) = &self.current {
            if head.rendered_with.is_none_or(|t| t != self.template) {
                self.usable = false;
            }
            self.found[c.slot] = Some((head.last_update, Vec::with_capacity(head.roles)));
        }
    }

    fn account(&mut self, id: u64, account: CachedAccount) {
        if self.current.is_some() {
            self.account = Some((id, account));
        }
    }

    fn role(&mut self, name: Text, role: CachedRole) {
        let (Some(current), Some((account_id, account))) = (&self.current, &self.account) else {
            return;
        };
        let Some((_, roles)) = &mut self.found[current.slot] else {
            return;
        };
        let profile = role.rendered_profile;
        roles.push(PickRole::from_cached(
            current.sso,
            *account_id,
            account,
            name,
            role,
            current.default_region,
            profile,
            |arn| current.history.contains(&arn),
        ));
    }
}
