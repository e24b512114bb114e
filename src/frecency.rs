//! Frecency: how often and how recently each role was used, for the picker's order before
//! anything is typed. aws-sso-cli's History in cache.json keeps only the last few roles and
//! one time each, so the uses are counted in a file of our own, `frecency.json` beside
//! cache.json: aws-sso-cli never reads it, and deleting it only forgets the order.
//!
//! Every use is worth 1 and loses half its weight every [`HALF_LIFE_SECS`] (three days):
//! a role's score at time `t` is the sum over its uses of `2^(-(t - use) / half-life)`. The
//! sum is kept as the score at the last use plus that time, so a use is one update:
//! `score = score_at_last_use * 2^(-(now - last) / half-life) + 1`.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::roster::PickRole;

/// A use's weight halves every three days.
pub const HALF_LIFE_SECS: f64 = 3.0 * 24.0 * 3600.0;

/// Roles kept in the file; the ones with the lowest score go first.
pub const MAX_ROLES: usize = 500;

/// The file's name, in the config directory beside cache.json.
pub const FILE_NAME: &str = "frecency.json";

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Entry {
    /// The score just after the last use.
    score: f64,
    /// The last use, unix seconds.
    last: i64,
}

/// The uses of every role, by ARN.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Frecency {
    #[serde(default)]
    roles: BTreeMap<String, Entry>,
}

fn decayed(e: &Entry, now: i64) -> f64 {
    // Precision: the age as f64 is exact far beyond any real age in seconds.
    let age = (now - e.last).max(0) as f64;
    e.score * 0.5f64.powf(age / HALF_LIFE_SECS)
}

impl Frecency {
    /// The file at `path`; missing or unreadable means no uses yet (it only orders the list).
    pub fn load(path: &Path) -> Frecency {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Write the file atomically (0600: it says which roles someone uses).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        crate::fsutil::write_atomic(path, &json, 0o600).map(|_| ())
    }

    /// `arn` was used at `now`.
    pub fn record(&mut self, arn: &str, now: i64) {
        let score = self.roles.get(arn).map_or(0.0, |e| decayed(e, now)) + 1.0;
        self.roles
            .insert(arn.to_string(), Entry { score, last: now });
        if self.roles.len() > MAX_ROLES {
            let mut scores: Vec<(f64, String)> = self
                .roles
                .iter()
                .map(|(arn, e)| (decayed(e, now), arn.clone()))
                .collect();
            scores.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (_, arn) in scores.into_iter().take(self.roles.len() - MAX_ROLES) {
                self.roles.remove(&arn);
            }
        }
    }

    /// The score of `arn` at `now` (0: never used).
    pub fn score(&self, arn: &str, now: i64) -> f64 {
        self.roles.get(arn).map_or(0.0, |e| decayed(e, now))
    }

    /// Roles with a score first, highest first; the others keep their order (History's most
    /// recent first, then the catalog's).
    pub fn order(&self, roles: &mut Vec<PickRole>, now: i64) {
        if self.roles.is_empty() {
            return;
        }
        let scores: HashMap<&str, f64> = self
            .roles
            .iter()
            .map(|(arn, e)| (arn.as_str(), decayed(e, now)))
            .collect();
        let (mut used, rest): (Vec<PickRole>, Vec<PickRole>) = std::mem::take(roles)
            .into_iter()
            .partition(|r| scores.contains_key(r.arn.as_str()));
        let score = |r: &PickRole| scores.get(r.arn.as_str()).copied().unwrap_or(0.0);
        used.sort_by(|a, b| score(b).total_cmp(&score(a)));
        used.extend(rest);
        *roles = used;
    }
}

/// Count a use of `arn` in the frecency file of `config_dir`.
pub fn record_use(config_dir: &Path, arn: &str, now: i64) -> io::Result<()> {
    let path = config_dir.join(FILE_NAME);
    let mut f = Frecency::load(&path);
    f.record(arn, now);
    f.save(&path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{Tags, Text};

    const DAY: i64 = 24 * 3600;

    fn role(name: &str) -> PickRole {
        PickRole {
            sso: Text::new("Default"),
            arn: Text::new(&format!("arn:aws:iam::000000000001:role/{name}")),
            account_id: 1,
            account_alias: Text::new("a"),
            account_name: Text::new(""),
            email: Text::new(""),
            role_name: Text::new(name),
            profile: Text::new(name),
            region: Text::new(""),
            via: Text::new(""),
            tags: Tags::new(),
            expires: 0,
            last_used: None,
        }
    }

    fn names(roles: &[PickRole]) -> Vec<&str> {
        roles.iter().map(|r| r.role_name.as_str()).collect()
    }

    #[test]
    fn uses_add_up_and_halve_every_three_days() {
        let mut f = Frecency::default();
        let arn = "arn:aws:iam::000000000001:role/A";
        f.record(arn, 0);
        f.record(arn, 0);
        assert_eq!(f.score(arn, 0), 2.0);
        assert!((f.score(arn, 3 * DAY) - 1.0).abs() < 1e-9);
        f.record(arn, 3 * DAY);
        assert!((f.score(arn, 3 * DAY) - 2.0).abs() < 1e-9);
        assert!((f.score(arn, 6 * DAY) - 1.0).abs() < 1e-9);
        assert_eq!(f.score("never", 0), 0.0);
    }

    #[test]
    fn often_beats_once_more_recently_until_it_is_old() {
        let mut f = Frecency::default();
        let (often, once) = (role("Often"), role("Once"));
        for day in 0..5 {
            f.record(often.arn.as_str(), day * DAY);
        }
        f.record(once.arn.as_str(), 5 * DAY);
        let mut roles = vec![role("Never"), once.clone(), often.clone()];
        f.order(&mut roles, 5 * DAY);
        assert_eq!(names(&roles), ["Often", "Once", "Never"]);
        // A month on, one fresh use outweighs five old ones.
        f.record(once.arn.as_str(), 35 * DAY);
        f.order(&mut roles, 35 * DAY);
        assert_eq!(names(&roles), ["Once", "Often", "Never"]);
    }

    #[test]
    fn roles_without_uses_keep_their_order_and_the_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut roles: Vec<PickRole> = ["C", "B", "A", "D"].iter().map(|n| role(n)).collect();
        Frecency::load(&dir.path().join(FILE_NAME)).order(&mut roles, 0);
        assert_eq!(names(&roles), ["C", "B", "A", "D"], "no file: no change");
        record_use(dir.path(), roles[2].arn.as_str(), 100).unwrap();
        let f = Frecency::load(&dir.path().join(FILE_NAME));
        assert_eq!(f.score(roles[2].arn.as_str(), 100), 1.0);
        f.order(&mut roles, 100);
        assert_eq!(names(&roles), ["A", "C", "B", "D"]);
    }

    #[test]
    fn the_file_keeps_the_strongest_roles() {
        let mut f = Frecency::default();
        f.record("strong", 0);
        f.record("strong", 0);
        for i in 0..MAX_ROLES {
            f.record(&format!("weak-{i}"), 0);
        }
        assert_eq!(f.roles.len(), MAX_ROLES);
        assert_eq!(f.score("strong", 0), 2.0);
    }
}
