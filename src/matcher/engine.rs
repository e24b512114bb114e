//! The matching engine: one background thread that takes in new roles and queries, scores
//! roles on a small rayon pool with nucleo's matcher, sorts, and publishes the result for the
//! UI thread ([`super::Matcher`]) to pick up without waiting.
//!
//! Why not `nucleo::Nucleo`: it scores one long haystack per role (every field and tag,
//! ~160 characters), so each keystroke at 100,000 roles ran nucleo's optimal DP over ~16M
//! characters. Here a term is scored once per *distinct value* ([`Segments`]: an account's
//! alias once for all its roles) and the result kept per term while the query grows
//! ([`Memo`]), and typing on only rechecks the previous matches ([`Query::narrows`]).
//!
//! Matching rules: a term (nucleo atom) matches a role when it matches one of its values;
//! its score is the best value's. A fuzzy term no single value holds may still match across
//! values (`prodadm` on `acme-prod` + `AdministratorAccess`): it is then matched greedily on
//! the values joined by spaces, as one haystack. `^`/`$` anchor to a value's start and end.
//!
//! Narrowing: a matched fuzzy term is *compact* on a role when its letters sit close together
//! in one value, or it splits in two pieces that do in short values ([`super::tight`]), and
//! *scattered* otherwise. Only the roles with the fewest scattered terms are shown: when some
//! role matches every term compactly, the roles where a term only scatters over a long value
//! (an e-mail) or across values are dropped instead of trailing as thousands of weak rows.
//! All matches are kept (`scored`) for typing on; the filter applies to what is published.
//! Results are sorted by score, then by roster order (recently used, then by account).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use nucleo::pattern::Pattern;
use rayon::prelude::*;

use super::query::{self, Query};
use super::score::{self, Memo, Scorer};
use super::store::{Chunks, Segments};
use super::{FastHash, Index};
use crate::catalog::ListField;
use crate::roster::PickRole;

/// What the UI asks for.
#[derive(Clone, Default)]
pub(super) struct Job {
    pub generation: u64,
    pub query: Query,
    /// `query.text` parsed.
    pub pattern: Pattern,
}

/// What the engine publishes after each intake or query.
#[derive(Clone)]
pub(super) struct Published {
    pub generation: u64,
    pub epoch: u64,
    pub roles: Chunks,
    /// Indices into `roles`, best first.
    pub matches: Arc<Vec<u32>>,
}

#[derive(Default)]
pub(super) struct Inbox {
    pub pending: Vec<PickRole>,
    pub job: Option<Job>,
    /// Bumped by a restart: the engine drops what it holds.
    pub epoch: u64,
    pub shutdown: bool,
}

pub(super) struct Shared {
    pub inbox: Mutex<Inbox>,
    pub wake: Condvar,
    pub out: Mutex<Option<Published>>,
    pub ready: Condvar,
    /// The newest generation asked for: a job older than this is abandoned.
    pub wanted: AtomicU64,
    pub notify: Arc<dyn Fn() + Send + Sync>,
}

/// Lock, ignoring poison: the data stays consistent (every update is a single assignment).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The engine thread's state.
struct Engine {
    shared: Arc<Shared>,
    index: Arc<Index>,
    fields: Arc<[ListField]>,
    pool: rayon::ThreadPool,
    epoch: u64,
    roles: Chunks,
    segs: Segments,
    memos: Vec<Memo>,
    /// The last job completed, everything it matched (sort key, role; best first, see
    /// [`score::sort_key`]), and over how many roles.
    done: Option<Job>,
    scored: Vec<(u32, u32)>,
    matched_upto: u32,
}

const MEMOS_KEPT: usize = 8;
const CHUNK: usize = 1024;
const FIRST_BATCH: usize = 512;

pub(super) fn spawn(
    shared: Arc<Shared>,
    index: Arc<Index>,
    fields: Arc<[ListField]>,
    threads: Option<usize>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("aws-sso-match-{i}"))
        .build()
        .map_err(std::io::Error::other)?;
    std::thread::Builder::new()
        .name("aws-sso-matcher".into())
        .spawn(move || {
            Engine {
                shared,
                index,
                fields,
                pool,
                epoch: 0,
                roles: Chunks::default(),
                segs: Segments::new(),
                memos: Vec::new(),
                done: None,
                scored: Vec::new(),
                matched_upto: 0,
            }
            .run();
        })
}

impl Engine {
    fn run(mut self) {
        loop {
            let (pending, job, epoch) = {
                let mut inbox = lock(&self.shared.inbox);
                while inbox.pending.is_empty()
                    && inbox.job.is_none()
                    && !inbox.shutdown
                    && inbox.epoch == self.epoch
                {
                    inbox = self
                        .shared
                        .wake
                        .wait(inbox)
                        .unwrap_or_else(|p| p.into_inner());
                }
                if inbox.shutdown {
                    return;
                }
                // From nothing, a first screenful is published before the rest is taken in.
                let pending = if self.roles.len() == 0 && inbox.pending.len() > FIRST_BATCH {
                    inbox.pending.drain(..FIRST_BATCH).collect()
                } else {
                    std::mem::take(&mut inbox.pending)
                };
                (pending, inbox.job.take(), inbox.epoch)
            };
            if epoch != self.epoch {
                self.reset(epoch);
            }
            let before = self.roles.len();
            self.intake(pending);
            let job = job.or_else(|| self.done.clone()).unwrap_or_default();
            if self.search(&job, before) {
                self.publish(job.generation);
            }
        }
    }

    fn reset(&mut self, epoch: u64) {
        self.epoch = epoch;
        self.roles = Chunks::default();
        self.segs = Segments::new();
        self.memos.clear();
        self.done = None;
        self.scored.clear();
        self.matched_upto = 0;
        // What the old roster made known goes with it (the engine is what fills the index).
        lock(&self.index.keys).clear();
        lock(&self.index.profiles).clear();
    }

    fn intake(&mut self, pending: Vec<PickRole>) {
        if pending.is_empty() {
            return;
        }
        {
            let mut keys = lock(&self.index.keys);
            let mut profiles = lock(&self.index.profiles);
            let mut seen = HashSet::with_hasher(FastHash::default());
            for role in &pending {
                for (k, _) in role.tags.iter() {
                    if seen.insert(k) {
                        keys.insert(query::facet_key(k));
                    }
                }
                if !role.profile.is_empty() {
                    profiles.insert(role.profile);
                }
            }
        }
        self.index.version.fetch_add(1, Ordering::Release);
        for role in &pending {
            self.segs.add(role, &self.fields);
        }
        self.roles.push(pending);
    }

    /// Bring the matches up to date for `job`; `before`: roles held before this intake.
    /// `false`: abandoned for a newer job.
    fn search(&mut self, job: &Job, before: u32) -> bool {
        let n = self.roles.len();
        let same =
            self.matched_upto == before && self.done.as_ref().is_some_and(|d| d.query == job.query);
        if job.query.is_empty() {
            if !same {
                self.scored.clear();
            }
            let from = self.scored.len() as u32;
            self.scored.extend((from..n).map(|row| (0, row)));
            self.finish(job, n);
            return true;
        }
        // Which roles need scoring, and which earlier matches stand as they are.
        let (candidates, kept): (Vec<u32>, Vec<(u32, u32)>) = if same {
            ((before..n).collect(), std::mem::take(&mut self.scored))
        } else if self
            .done
            .as_ref()
            .is_some_and(|d| job.query.narrows(&d.query))
        {
            let mut c: Vec<u32> = self.scored.iter().map(|&(_, row)| row).collect();
            c.extend(self.matched_upto..n);
            (c, Vec::new())
        } else {
            ((0..n).collect(), Vec::new())
        };
        let memos = self.memos_for(&job.pattern);
        let scorer = Scorer {
            roles: &self.roles,
            segs: &self.segs,
            facets: &job.query.facets,
            atoms: &job.pattern.atoms,
            memos: &memos,
        };
        let wanted = &self.shared.wanted;
        let generation = job.generation;
        let scored: Option<Vec<Vec<(u32, u32)>>> = self.pool.install(|| {
            candidates
                .par_chunks(CHUNK)
                .map(|chunk| {
                    if wanted.load(Ordering::Acquire) > generation {
                        return None;
                    }
                    Some(scorer.chunk(chunk))
                })
                .collect()
        });
        // Keep what was learnt about the terms even when abandoned: the next query shares
        // most of them.
        self.keep_memos(memos);
        let Some(scored) = scored else {
            if same {
                self.scored = kept;
            }
            return false;
        };
        let mut all = kept;
        all.extend(scored.into_iter().flatten());
        self.pool.install(|| all.par_sort_unstable());
        self.scored = all;
        self.finish(job, n);
        true
    }

    fn finish(&mut self, job: &Job, n: u32) {
        self.done = Some(job.clone());
        self.matched_upto = n;
    }

    /// The memo of each atom (negative ones match as positive: the memo holds the raw match).
    fn memos_for(&mut self, pattern: &Pattern) -> Vec<Memo> {
        let count = self.segs.count();
        pattern
            .atoms
            .iter()
            .map(|atom| {
                let mut key = atom.clone();
                key.negative = false;
                let mut memo = match self.memos.iter().position(|m| m.atom == key) {
                    Some(i) => self.memos.swap_remove(i),
                    None => Memo::new(key),
                };
                memo.grow(count);
                memo
            })
            .collect()
    }

    fn keep_memos(&mut self, used: Vec<Memo>) {
        let mut kept = used;
        kept.append(&mut self.memos);
        kept.truncate(MEMOS_KEPT);
        self.memos = kept;
    }

    fn publish(&self, generation: u64) {
        *lock(&self.shared.out) = Some(Published {
            generation,
            epoch: self.epoch,
            roles: self.roles.clone(),
            matches: Arc::new(shown(&self.scored)),
        });
        self.shared.ready.notify_all();
        (self.shared.notify)();
    }
}

/// The matches to show: those with as few scattered terms as the best one (the rest sort
/// after them).
fn shown(scored: &[(u32, u32)]) -> Vec<u32> {
    let fewest = scored.first().map_or(0, |&(key, _)| score::scattered(key));
    scored
        .iter()
        .take_while(|&&(key, _)| score::scattered(key) == fewest)
        .map(|&(_, row)| row)
        .collect()
}
