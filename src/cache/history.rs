//! Role history: the `History` list (most-recent-first ARNs) and the matching `History` tag
//! (`<AccountAlias>:<RoleName>,<unix seconds>`) that aws-sso-cli keeps per role.

use super::SsoCache;

/// A parsed `History` tag value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryTag {
    pub label: String,
    pub used_at: i64,
}

impl HistoryTag {
    pub fn parse(value: &str) -> Option<HistoryTag> {
        let (label, ts) = value.rsplit_once(',')?;
        Some(HistoryTag {
            label: label.to_string(),
            used_at: ts.trim().parse().ok()?,
        })
    }

    pub fn render(&self) -> String {
        format!("{},{}", self.label, self.used_at)
    }
}

impl SsoCache {
    /// Record that `arn` was used at `now`: move it to the front of the history list (at most
    /// `limit` entries, 0 disables history) and stamp its `History` tag.
    pub fn add_history(&mut self, arn: &str, now: i64, limit: usize) {
        if limit == 0 {
            return;
        }
        self.history.retain(|a| a != arn);
        self.history.insert(0, arn.to_string());
        let dropped: Vec<String> = self.history.split_off(self.history.len().min(limit));
        for old in dropped {
            if let Some(role) = self.role_mut(&old) {
                role.tags.remove("History");
            }
        }
        let alias = self
            .role(arn)
            .map(|(_, account, _)| account.alias)
            .unwrap_or_default();
        if let Some(role) = self.role_mut(arn) {
            let role_name = arn.rsplit('/').next().unwrap_or_default().to_string();
            let tag = HistoryTag {
                label: format!("{alias}:{role_name}"),
                used_at: now,
            };
            role.tags.insert("History", tag.render());
        }
    }

    /// Drop history entries older than `minutes` (≤ 0: no age limit) or beyond `limit`, with
    /// their tags. Returns whether anything changed.
    pub fn prune_history(&mut self, now: i64, limit: usize, minutes: i64) -> bool {
        let before = self.history.clone();
        let mut keep = Vec::new();
        for arn in &before {
            let used_at = self
                .role(arn)
                .and_then(|(_, _, r)| r.tags.get("History"))
                .and_then(HistoryTag::parse)
                .map(|t| t.used_at);
            let fresh = match used_at {
                Some(t) => minutes <= 0 || t + minutes * 60 >= now,
                None => false,
            };
            if fresh && keep.len() < limit {
                keep.push(arn.clone());
            } else if let Some(role) = self.role_mut(arn) {
                role.tags.remove("History");
            }
        }
        let changed = keep != before;
        self.history = keep;
        changed
    }
}
