//! Scoring one role against a query: facets first (cheap), then each term against the role's
//! distinct values through the per-term [`Memo`], and a greedy match over the joined values
//! for a fuzzy term no single value holds; each term is also judged compact or scattered
//! ([`super::tight`]). See [`super::engine`] for the rules.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use nucleo::Utf32Str;
use nucleo::pattern::{Atom, AtomKind};

use super::anchor;
use super::query::Facet;
use super::store::{Chunks, Segments};
use super::tight::{self, Needle};
use crate::roster::PickRole;

/// In a [`Memo`] score cell: the term sits tightly in the value.
const TIGHT: u32 = 1 << 20;
/// In a [`Memo`] pieces cell: known (the rest is [`Needle::pieces`]).
const KNOWN: u64 = 1 << 63;

/// What is known of one term over every distinct value, filled lazily and concurrently (the
/// same value scored twice is harmless). `scores`: 0 not yet known, 1 no match, else
/// score+2, with [`TIGHT`] set for a compact match. `pieces` (only for a term that splits):
/// 0 not yet known, else [`KNOWN`] | the value's [`Needle::pieces`].
pub(super) struct Memo {
    pub atom: Atom,
    pub needle: Needle,
    pub scores: Vec<AtomicU32>,
    pub pieces: Vec<AtomicU64>,
}

impl Memo {
    pub(super) fn new(atom: Atom) -> Memo {
        Memo {
            needle: Needle::new(&atom),
            atom,
            scores: Vec::new(),
            pieces: Vec::new(),
        }
    }

    /// Make room for `count` values.
    pub(super) fn grow(&mut self, count: usize) {
        self.scores.resize_with(count, || AtomicU32::new(0));
        if self.atom.kind == AtomKind::Fuzzy && self.needle.splits() {
            self.pieces.resize_with(count, || AtomicU64::new(0));
        }
    }

    /// The term's score on value `seg`, and whether it is compact there (always, for `'`,
    /// `^` and `$` terms).
    fn score(
        &self,
        seg: u32,
        segs: &Segments,
        m: &mut nucleo::Matcher,
        buf: &mut Vec<char>,
    ) -> Option<(u16, bool)> {
        let cell = self.scores.get(seg as usize);
        match cell.map(|c| c.load(Ordering::Relaxed)) {
            Some(1) => return None,
            Some(s) if s >= 2 => return Some((((s & !TIGHT) - 2) as u16, s & TIGHT != 0)),
            _ => {}
        }
        let hay = Utf32Str::new(segs.text(seg), buf);
        let score = anchor::score(&self.atom, hay, m);
        let tight =
            score.is_some() && (self.atom.kind != AtomKind::Fuzzy || self.needle.tight(hay));
        if let Some(c) = cell {
            let bits = score.map_or(1, |s| u32::from(s) + 2);
            c.store(if tight { bits | TIGHT } else { bits }, Ordering::Relaxed);
        }
        score.map(|s| (s, tight))
    }

    /// Does the term split in two pieces tight in the role's short values?
    fn in_pieces(&self, role_segs: &[u32], segs: &Segments, buf: &mut Vec<char>) -> bool {
        if self.pieces.is_empty() {
            return false;
        }
        let mut mask = 0;
        for &seg in role_segs {
            if !segs.is_short(seg) {
                continue;
            }
            let Some(cell) = self.pieces.get(seg as usize) else {
                continue;
            };
            let mut bits = cell.load(Ordering::Relaxed);
            if bits == 0 {
                bits = KNOWN | self.needle.pieces(Utf32Str::new(segs.text(seg), buf));
                cell.store(bits, Ordering::Relaxed);
            }
            mask |= bits & !KNOWN;
            if tight::covered(mask) {
                return true;
            }
        }
        false
    }
}

/// Scores roles for one job.
pub(super) struct Scorer<'a> {
    pub roles: &'a Chunks,
    pub segs: &'a Segments,
    pub facets: &'a [Facet],
    pub atoms: &'a [Atom],
    pub memos: &'a [Memo],
}

/// A worker thread's matcher and scratch buffers.
struct Scratch {
    matcher: nucleo::Matcher,
    buf: Vec<char>,
    joined: String,
    joined_buf: Vec<char>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch {
        matcher: nucleo::Matcher::new(nucleo::Config::DEFAULT),
        buf: Vec::new(),
        joined: String::new(),
        joined_buf: Vec::new(),
    });
}

/// A role's sort key: the number of scattered terms (high byte), then the score, higher
/// first (the low 24 bits hold `MAX_SCORE - score`). Ascending keys are best first.
pub(super) fn sort_key(scattered: u32, score: u32) -> u32 {
    (scattered.min(0xFF) << 24) | (MAX_SCORE - score.min(MAX_SCORE))
}

/// The scattered terms of a [`sort_key`].
pub(super) fn scattered(key: u32) -> u32 {
    key >> 24
}

const MAX_SCORE: u32 = 0x00FF_FFFF;

impl Scorer<'_> {
    /// The roles of `rows` that match, as (sort key, row).
    pub(super) fn chunk(&self, rows: &[u32]) -> Vec<(u32, u32)> {
        SCRATCH.with_borrow_mut(|s| {
            rows.iter()
                .filter_map(|&row| self.role(row, s).map(|key| (key, row)))
                .collect()
        })
    }

    fn role(&self, row: u32, s: &mut Scratch) -> Option<u32> {
        if !self.facets.is_empty() {
            let role = self.roles.get(row)?;
            if self
                .facets
                .iter()
                .any(|f| facet_holds(f, role) == f.negated)
            {
                return None;
            }
        }
        let segs = self.segs.of(row);
        let mut total = 0u32;
        let mut scattered = 0u32;
        for (atom, memo) in self.atoms.iter().zip(self.memos) {
            let mut best: Option<u16> = None;
            let mut tight = false;
            for &seg in segs {
                if let Some((score, t)) = memo.score(seg, self.segs, &mut s.matcher, &mut s.buf) {
                    best = Some(best.map_or(score, |b| b.max(score)));
                    tight |= t;
                    if atom.negative {
                        break;
                    }
                }
            }
            if atom.negative {
                if best.is_some() {
                    return None;
                }
                continue;
            }
            let score = match best {
                Some(score) => score,
                None if atom.kind == AtomKind::Fuzzy && segs.len() > 1 => {
                    self.across(&memo.atom, segs, s)?
                }
                None => return None,
            };
            if !tight && !memo.in_pieces(segs, self.segs, &mut s.buf) {
                scattered += 1;
            }
            total += u32::from(score);
        }
        Some(sort_key(scattered, total))
    }

    /// A fuzzy term over all the role's values joined, greedily (linear time: this runs on
    /// every role for a query like `prodadm`).
    fn across(&self, atom: &Atom, segs: &[u32], s: &mut Scratch) -> Option<u16> {
        s.joined.clear();
        for (i, &seg) in segs.iter().enumerate() {
            if i > 0 {
                s.joined.push(' ');
            }
            s.joined.push_str(self.segs.text(seg));
        }
        // Scoring an empty haystack sets the matcher's case and normalisation options to the
        // atom's own (nucleo keeps them private to the atom) and returns at once.
        let _ = atom.score(Utf32Str::Ascii(&[]), &mut s.matcher);
        let hay = Utf32Str::new(&s.joined, &mut s.joined_buf);
        s.matcher.fuzzy_match_greedy(hay, atom.needle_text())
    }
}

/// Does `role` have a value that satisfies `facet` (ignoring its negation)?
fn facet_holds(facet: &Facet, role: &PickRole) -> bool {
    let field = |t: crate::cache::Text| facet.accepts(t.as_str());
    match facet.key.as_deref() {
        None => {
            facet.accepts(&crate::role::pad_account(role.account_id))
                || [
                    role.account_alias,
                    role.account_name,
                    role.email,
                    role.role_name,
                    role.profile,
                    role.region,
                    role.sso,
                    role.arn,
                    role.via,
                ]
                .into_iter()
                .any(|t| !t.is_empty() && field(t))
                || role.tags.iter().any(|(_, v)| facet.accepts(v))
        }
        Some("account") => {
            facet.accepts(&crate::role::pad_account(role.account_id))
                || field(role.account_alias)
                || field(role.account_name)
        }
        Some("alias") => field(role.account_alias),
        Some("name") => field(role.account_name),
        Some("email") => field(role.email),
        Some("role") => field(role.role_name),
        Some("profile") => field(role.profile),
        Some("region") => field(role.region),
        Some("sso") => field(role.sso),
        // Typed as `arn:VALUE`, so `arn:aws:iam::1234` (a partial ARN) starts the ARN too.
        Some("arn") => {
            field(role.arn)
                || role
                    .arn
                    .strip_prefix("arn:")
                    .is_some_and(|a| facet.accepts(a))
        }
        Some("via") => field(role.via),
        Some(key) => role
            .tags
            .iter()
            .any(|(k, v)| same_key(k, key) && facet.accepts(v)),
    }
}

/// `query::facet_key(stored) == typed`, without allocating.
fn same_key(stored: &str, typed: &str) -> bool {
    let mut typed = typed.chars();
    for c in stored.trim().chars() {
        let c = if c.is_whitespace() { '_' } else { c };
        for lc in c.to_lowercase() {
            if typed.next() != Some(lc) {
                return false;
            }
        }
    }
    typed.next().is_none()
}
