//! Fuzzy matching of picker roles: the only module that knows nucleo. It owns the matching
//! engine (a background thread and its pool, [`engine`]) and the roles' store, turns the
//! query language of [`query`] into nucleo patterns, and hands the UI only the visible window
//! of results with highlight ranges, as our own [`MatchedRow`] type, so the matcher can
//! change without touching the UI.

mod anchor;
mod engine;
pub mod query;
mod score;
mod store;
mod tight;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nucleo::pattern::{AtomKind, CaseMatching, Normalization, Pattern};

use crate::cache::Text;
use crate::catalog::ListField;
use crate::roster::PickRole;
use engine::{Inbox, Job, Published, Shared, lock};
use query::{Known, Query};

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
/// name, and is the longest value; a displayed Arn column is matched, and a pasted ARN or
/// `arn:` jumps or filters anyway.
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

/// The hasher of the matcher's tables (filled for every role at start-up: SipHash's DoS
/// resistance buys nothing for our own cache's strings).
type FastHash = foldhash::fast::RandomState;

/// What the roles taken in make known: tag keys (for `key:value`) and profile names (for
/// jumps), plus a count to tell when everything pushed has been taken in.
#[derive(Default)]
struct Index {
    keys: Mutex<HashSet<String>>,
    profiles: Mutex<HashSet<Text, FastHash>>,
    pushed: AtomicU32,
    /// Bumped whenever keys or profiles are added: a query typed before they arrived may
    /// mean something else now (`env:prod` is a filter once some role has an `env` tag).
    version: AtomicU64,
}

impl Known for Index {
    fn is_key(&self, key: &str) -> bool {
        lock(&self.keys).contains(key)
    }
    fn is_profile(&self, profile: &str) -> bool {
        lock(&self.profiles).contains(profile)
    }
}

/// Adds roles to the matcher; cheap to clone and send to another thread. One handed out
/// before a [`Matcher::restart`] no longer reaches it.
#[derive(Clone)]
pub struct RoleInjector {
    shared: Arc<Shared>,
    index: Arc<Index>,
    epoch: u64,
    /// Counts the live injectors of this epoch.
    _alive: Arc<()>,
}

impl RoleInjector {
    pub fn push(&self, role: PickRole) {
        self.extend(vec![role]);
    }

    pub fn extend(&self, roles: Vec<PickRole>) {
        let mut inbox = lock(&self.shared.inbox);
        if inbox.epoch != self.epoch {
            return;
        }
        let n = roles.len() as u32;
        // A whole roster is handed over as it is: at 100,000 roles a copy is 9 MB.
        if inbox.pending.is_empty() {
            inbox.pending = roles;
        } else {
            inbox.pending.extend(roles);
        }
        self.index.pushed.fetch_add(n, Ordering::Release);
        drop(inbox);
        self.shared.wake.notify_one();
    }
}

pub struct Matcher {
    shared: Arc<Shared>,
    worker: Option<std::thread::JoinHandle<()>>,
    index: Arc<Index>,
    /// Held while injectors of this epoch live: the count tells when more may arrive.
    alive: Arc<()>,
    epoch: u64,
    generation: u64,
    current: Published,
    /// For highlight indices of visible rows.
    highlighter: nucleo::Matcher,
    pattern: Pattern,
    fields: Vec<ListField>,
    full_text_search: bool,
    query: String,
    parsed: Query,
    /// `Index::version` when `query` was parsed.
    parsed_at: u64,
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
        let shared = Arc::new(Shared {
            inbox: Mutex::new(Inbox::default()),
            wake: Default::default(),
            out: Mutex::new(None),
            ready: Default::default(),
            wanted: Default::default(),
            notify,
        });
        let index = Arc::new(Index::default());
        let worker = engine::spawn(
            Arc::clone(&shared),
            Arc::clone(&index),
            text_fields.into(),
            opts.threads,
        )
        .expect("cannot start the matcher thread");
        Matcher {
            shared,
            worker: Some(worker),
            index,
            alive: Arc::new(()),
            epoch: 0,
            generation: 0,
            current: Published {
                generation: 0,
                epoch: 0,
                roles: Default::default(),
                matches: Arc::default(),
            },
            highlighter: nucleo::Matcher::new(nucleo::Config::DEFAULT),
            pattern: Pattern::default(),
            fields: opts.fields,
            full_text_search: opts.full_text_search,
            query: String::new(),
            parsed: Query::default(),
            parsed_at: 0,
        }
    }

    pub fn injector(&self) -> RoleInjector {
        RoleInjector {
            shared: Arc::clone(&self.shared),
            index: Arc::clone(&self.index),
            epoch: self.epoch,
            _alive: Arc::clone(&self.alive),
        }
    }

    /// Start over with a new set of roles (a refresh); injectors handed out before no longer
    /// reach this matcher. The old results stay on screen until the new ones are in.
    pub fn restart(&mut self) -> RoleInjector {
        self.epoch += 1;
        self.alive = Arc::new(());
        {
            // The engine resets (and empties the index) on the new epoch, then runs the job.
            let mut inbox = lock(&self.shared.inbox);
            inbox.epoch = self.epoch;
            inbox.pending.clear();
            self.index.pushed.store(0, Ordering::Release);
        }
        // The query may name profiles/keys of the new roles: parse it again.
        let q = std::mem::take(&mut self.query);
        self.send_query(&q, true);
        self.injector()
    }

    pub fn set_query(&mut self, query: &str) {
        self.send_query(query, false);
    }

    fn send_query(&mut self, query: &str, always: bool) {
        self.parsed_at = self.index.version.load(Ordering::Acquire);
        let next = query::translate(query, self.full_text_search, self.index.as_ref());
        self.query = query.to_string();
        if next == self.parsed && !always {
            return;
        }
        self.pattern = Pattern::parse(&next.text, CaseMatching::Smart, Normalization::Smart);
        self.parsed = next;
        self.generation += 1;
        self.shared.wanted.store(self.generation, Ordering::Release);
        lock(&self.shared.inbox).job = Some(Job {
            generation: self.generation,
            query: self.parsed.clone(),
            pattern: self.pattern.clone(),
        });
        self.shared.wake.notify_one();
    }

    /// Everything asked for is in `current`, and nothing more is on its way.
    fn complete(&self) -> bool {
        self.current.generation == self.generation
            && self.current.epoch == self.epoch
            && self.current.roles.len() == self.index.pushed.load(Ordering::Acquire)
    }

    /// Take the newest results, waiting up to `timeout_ms` for complete ones.
    pub fn tick(&mut self, timeout_ms: u64) -> MatchStatus {
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        let mut changed = false;
        let mut out = lock(&self.shared.out);
        loop {
            if let Some(p) = out.take() {
                // Results of an earlier roster are not shown once the refresh is in.
                if p.epoch == self.epoch || self.current.epoch != self.epoch {
                    self.current = p;
                    changed = true;
                }
            }
            drop(out);
            if self.parsed_at != self.index.version.load(Ordering::Acquire) {
                let q = self.query.clone();
                self.send_query(&q, false);
            }
            if self.complete() {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            out = lock(&self.shared.out);
            if out.is_none() {
                out = self
                    .shared
                    .ready
                    .wait_timeout(out, deadline - now)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        }
        let running = !self.complete() || Arc::strong_count(&self.alive) > 1;
        MatchStatus {
            changed,
            running,
            matched: self.current.matches.len() as u32,
            total: self.current.roles.len(),
        }
    }

    /// Nothing is running, nothing more can arrive, and every role pushed is matched.
    pub fn is_idle(&self) -> bool {
        Arc::strong_count(&self.alive) == 1 && self.complete()
    }

    pub fn get(&self, position: u32) -> Option<&PickRole> {
        let row = *self.current.matches.get(position as usize)?;
        self.current.roles.get(row)
    }

    pub fn position_of(&self, arn: &str) -> Option<u32> {
        self.current
            .matches
            .iter()
            .position(|&row| self.current.roles.get(row).is_some_and(|r| r.arn == arn))
            .and_then(|p| u32::try_from(p).ok())
    }

    /// The results in `range` (clamped to the matches), with highlights.
    pub fn rows(&mut self, range: Range<u32>, now: i64) -> Vec<MatchedRow<'_>> {
        let count = self.current.matches.len() as u32;
        let (start, end) = (range.start.min(count), range.end.min(count));
        let mut out = Vec::with_capacity((end - start) as usize);
        for position in start..end {
            let row = self.current.matches[position as usize];
            let Some(role) = self.current.roles.get(row) else {
                continue;
            };
            out.push(MatchedRow {
                position,
                role,
                highlights: highlights(
                    role,
                    &self.fields,
                    &self.pattern,
                    &mut self.highlighter,
                    now,
                ),
            });
        }
        out
    }
}

impl Drop for Matcher {
    fn drop(&mut self) {
        lock(&self.shared.inbox).shutdown = true;
        self.shared.wake.notify_all();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
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
                if anchor::indices(atom, hay, matcher, &mut indices).is_none()
                    && atom.kind == AtomKind::Fuzzy
                {
                    // A term split over values (`prodadm`): show the pieces this one holds.
                    let needle = tight::Needle::new(atom);
                    if needle.splits() {
                        for piece in needle.piece_atoms(hay) {
                            piece.indices(hay, matcher, &mut indices);
                        }
                    }
                }
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
#[cfg(test)]
mod tests_narrowing;
