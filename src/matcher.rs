//! Fuzzy matching of picker roles: the only module that knows nucleo. It owns the matcher
//! (worker threads, the item store), turns the query language of [`query`] into nucleo
//! patterns, and hands the UI only the visible window of results with highlight ranges, as
//! our own [`MatchedRow`] type, so the matcher can change without touching the UI.

pub mod query;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, RwLock};

use nucleo::pattern::{CaseMatching, Normalization};
use nucleo::{Nucleo, Utf32String};

use crate::cache::Text;
use crate::catalog::ListField;
use crate::roster::PickRole;
use query::{Columns, Known};

/// Where the matcher is, for the counter and the spinner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MatchStatus {
    /// The results changed since the last tick.
    pub changed: bool,
    /// Workers are still matching (results may be partial).
    pub running: bool,
    pub matched: u32,
    pub total: u32,
}

/// One visible result: its position among the matches, the role, and for each displayed
/// field the matched char ranges (sorted, merged) in the text `PickRole::field` returns.
#[derive(Debug, Clone)]
pub struct MatchedRow<'a> {
    pub position: u32,
    pub role: &'a PickRole,
    pub highlights: Vec<Vec<Range<usize>>>,
}

#[derive(Debug, Clone)]
pub struct MatchOptions {
    /// The displayed columns, in order.
    pub fields: Vec<ListField>,
    /// config.yaml `FullTextSearch` (false: free terms are value prefixes).
    pub full_text_search: bool,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
}

/// Fields that can be searched (not the ones that change with the clock).
fn searchable(f: ListField) -> bool {
    !matches!(
        f,
        ListField::Expires | ListField::ExpiresEpoch | ListField::Id
    )
}

/// Matched even when not displayed. Not the ARN: it only repeats the account id and role
/// name, and is the longest value, so it would cost a third of the matching time for nothing;
/// a displayed Arn column is matched, and a pasted ARN or `arn:` jumps or filters anyway.
const ALL_SEARCHABLE: [ListField; 10] = [
    ListField::AccountIdPad,
    ListField::AccountName,
    ListField::AccountAlias,
    ListField::EmailAddress,
    ListField::RoleName,
    ListField::Profile,
    ListField::DefaultRegion,
    ListField::Sso,
    ListField::Via,
    ListField::AccountId,
];

/// What the injected roles make known: tag keys (for `key:value`) and profile names (for
/// jumps), plus a count to tell when everything pushed has been matched.
#[derive(Default)]
struct Index {
    keys: RwLock<HashSet<String>>,
    profiles: RwLock<HashSet<Text>>,
    pushed: AtomicU32,
}

impl Known for Index {
    fn is_key(&self, key: &str) -> bool {
        self.keys
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(key)
    }
    fn is_profile(&self, profile: &str) -> bool {
        self.profiles
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(profile)
    }
}

/// Adds roles to the matcher; cheap to clone and send to another thread.
#[derive(Clone)]
pub struct RoleInjector {
    inner: nucleo::Injector<PickRole>,
    text_fields: Arc<[ListField]>,
    index: Arc<Index>,
}

impl RoleInjector {
    pub fn push(&self, role: PickRole) {
        {
            let mut keys = self.index.keys.write().unwrap_or_else(|p| p.into_inner());
            for (k, _) in role.tags.iter() {
                keys.insert(query::facet_key(k));
            }
        }
        if !role.profile.is_empty() {
            self.index
                .profiles
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(role.profile);
        }
        let fields = Arc::clone(&self.text_fields);
        self.inner.push(role, |role, cols| {
            cols[0] = Utf32String::from(text_haystack(role, &fields));
            cols[1] = Utf32String::from(facet_haystack(role));
        });
        self.index.pushed.fetch_add(1, Ordering::Release);
    }
}

/// Column 0: the searchable values, one space between: the fields, then the tag values that
/// do not just repeat one of them (aws-sso-cli's default tags copy the account id, alias,
/// email and role name; matching them twice only costs time).
fn text_haystack(role: &PickRole, fields: &[ListField]) -> String {
    let texts: Vec<_> = fields.iter().map(|f| role.field(*f, 0)).collect();
    let mut s = texts.join(" ");
    for (_, v) in role.tags.iter() {
        if !texts.iter().any(|t| t.as_ref() == v) {
            s.push(' ');
            s.push_str(v);
        }
    }
    s
}

/// Column 1: a `␟key␞value␟` token per field alias and tag.
fn facet_haystack(role: &PickRole) -> String {
    let mut s = String::with_capacity(200);
    let account = crate::catalog::pad_account(role.account_id);
    let pairs: [(&str, &str); 11] = [
        ("account", &account),
        ("account", role.account_alias.as_str()),
        ("account", role.account_name.as_str()),
        ("alias", role.account_alias.as_str()),
        ("name", role.account_name.as_str()),
        ("email", role.email.as_str()),
        ("role", role.role_name.as_str()),
        ("profile", role.profile.as_str()),
        ("region", role.region.as_str()),
        ("sso", role.sso.as_str()),
        ("arn", role.arn.as_str()),
    ];
    for (k, v) in pairs
        .into_iter()
        .chain(std::iter::once(("via", role.via.as_str())))
    {
        if !v.is_empty() {
            s.push_str(&query::facet_token(k, v));
        }
    }
    for (k, v) in role.tags.iter() {
        s.push_str(&query::facet_token(k, v));
    }
    s
}

pub struct Matcher {
    nucleo: Nucleo<PickRole>,
    /// A second matcher for highlight indices of visible rows (the workers' are busy).
    highlighter: nucleo::Matcher,
    fields: Vec<ListField>,
    text_fields: Arc<[ListField]>,
    full_text_search: bool,
    index: Arc<Index>,
    query: String,
    columns: Columns,
    running: bool,
}

impl Matcher {
    pub fn new(opts: MatchOptions, notify: Arc<dyn Fn() + Send + Sync>) -> Matcher {
        let mut text_fields: Vec<ListField> = opts
            .fields
            .iter()
            .copied()
            .filter(|f| searchable(*f))
            .collect();
        for f in ALL_SEARCHABLE {
            let dup = text_fields.contains(&f)
                || (f == ListField::AccountId && text_fields.contains(&ListField::AccountIdPad))
                || (f == ListField::AccountIdPad && text_fields.contains(&ListField::AccountId));
            if !dup {
                text_fields.push(f);
            }
        }
        Matcher {
            nucleo: Nucleo::new(nucleo::Config::DEFAULT, notify, opts.threads, 2),
            highlighter: nucleo::Matcher::new(nucleo::Config::DEFAULT),
            fields: opts.fields,
            text_fields: text_fields.into(),
            full_text_search: opts.full_text_search,
            index: Arc::new(Index::default()),
            query: String::new(),
            columns: Columns::default(),
            running: false,
        }
    }

    pub fn injector(&self) -> RoleInjector {
        RoleInjector {
            inner: self.nucleo.injector(),
            text_fields: Arc::clone(&self.text_fields),
            index: Arc::clone(&self.index),
        }
    }

    /// Start over with a new set of roles (a refresh); injectors handed out before no longer
    /// reach this matcher. The caller pushes the first screenful at once, so nothing flickers.
    pub fn restart(&mut self) -> RoleInjector {
        self.nucleo.restart(false);
        self.index = Arc::new(Index::default());
        // The query may name profiles/keys of the new roles: parse it again.
        let q = std::mem::take(&mut self.query);
        self.columns = Columns::default();
        self.set_query(&q);
        self.injector()
    }

    pub fn set_query(&mut self, query: &str) {
        let next = query::translate(query, self.full_text_search, self.index.as_ref());
        for (col, (old, new)) in [
            (&self.columns.text, &next.text),
            (&self.columns.facets, &next.facets),
        ]
        .into_iter()
        .enumerate()
        {
            if old != new {
                // Typing more only narrows: nucleo then filters the previous matches.
                let append = new.starts_with(old.as_str()) && !old.is_empty();
                self.nucleo.pattern.reparse(
                    col,
                    new,
                    CaseMatching::Smart,
                    Normalization::Smart,
                    append,
                );
            }
        }
        self.columns = next;
        self.query = query.to_string();
    }

    pub fn tick(&mut self, timeout_ms: u64) -> MatchStatus {
        let status = self.nucleo.tick(timeout_ms);
        self.running = status.running;
        let snap = self.nucleo.snapshot();
        MatchStatus {
            changed: status.changed,
            running: status.running || self.nucleo.active_injectors() > 0,
            matched: snap.matched_item_count(),
            total: snap.item_count(),
        }
    }

    /// Nothing is running, nothing more can arrive, and every role pushed is matched.
    pub fn is_idle(&self) -> bool {
        !self.running
            && self.nucleo.active_injectors() == 0
            && self.nucleo.snapshot().item_count() == self.index.pushed.load(Ordering::Acquire)
    }

    pub fn get(&self, position: u32) -> Option<&PickRole> {
        self.nucleo
            .snapshot()
            .get_matched_item(position)
            .map(|i| i.data)
    }

    pub fn position_of(&self, arn: &str) -> Option<u32> {
        let snap = self.nucleo.snapshot();
        snap.matched_items(..)
            .position(|i| i.data.arn == arn)
            .and_then(|p| u32::try_from(p).ok())
    }

    /// The results in `range` (clamped to the matches), with highlights.
    pub fn rows(&mut self, range: Range<u32>, now: i64) -> Vec<MatchedRow<'_>> {
        let snap = self.nucleo.snapshot();
        let count = snap.matched_item_count();
        let (start, end) = (range.start.min(count), range.end.min(count));
        let pattern = snap.pattern().column_pattern(0);
        let mut out = Vec::with_capacity((end - start) as usize);
        for (n, item) in snap.matched_items(start..end).enumerate() {
            out.push(MatchedRow {
                position: start + n as u32,
                role: item.data,
                highlights: highlights(
                    item.data,
                    &self.fields,
                    pattern,
                    &mut self.highlighter,
                    now,
                ),
            });
        }
        out
    }
}

/// Matched characters per displayed field. Each positive atom is matched against each
/// displayed field on its own: nucleo's indices over the whole haystack may land on a hidden
/// copy of a value (a tag repeating the role name, the email), which would show no highlight
/// at all on a row that plainly matches.
fn highlights(
    role: &PickRole,
    fields: &[ListField],
    pattern: &nucleo::pattern::Pattern,
    matcher: &mut nucleo::Matcher,
    now: i64,
) -> Vec<Vec<Range<usize>>> {
    let mut buf = Vec::new();
    let mut indices: Vec<u32> = Vec::new();
    fields
        .iter()
        .map(|f| {
            if !searchable(*f) || pattern.atoms.is_empty() {
                return Vec::new();
            }
            let text = role.field(*f, now);
            let hay = nucleo::Utf32Str::new(&text, &mut buf);
            indices.clear();
            for atom in pattern.atoms.iter().filter(|a| !a.negative) {
                atom.indices(hay, matcher, &mut indices);
            }
            indices.sort_unstable();
            indices.dedup();
            let mut ranges: Vec<Range<usize>> = Vec::new();
            for &i in &indices {
                let i = i as usize;
                match ranges.last_mut() {
                    Some(r) if r.end == i => r.end += 1,
                    _ => ranges.push(i..i + 1),
                }
            }
            ranges
        })
        .collect()
}

#[cfg(test)]
mod tests;
