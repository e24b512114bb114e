//! Scoring one role against a query: facets first (cheap), then each term against the role's
//! distinct values through the per-term [`Memo`], and a greedy match over the joined values
//! for a fuzzy term no single value holds. See [`super::engine`] for the rules.

use std::sync::atomic::{AtomicU32, Ordering};

use nucleo::Utf32Str;
use nucleo::pattern::{Atom, AtomKind};

use super::query::Facet;
use super::store::{Chunks, Segments};
use crate::roster::PickRole;

/// Scores of one term over every distinct value: 0 not yet known, 1 no match, else score+2.
/// Filled lazily and concurrently (the same value scored twice is harmless).
pub struct Memo {
    pub atom: Atom,
    pub scores: Vec<AtomicU32>,
}

impl Memo {
    fn score(
        &self,
        seg: u32,
        segs: &Segments,
        m: &mut nucleo::Matcher,
        buf: &mut Vec<char>,
    ) -> Option<u16> {
        let cell = self.scores.get(seg as usize);
        match cell.map(|c| c.load(Ordering::Relaxed)) {
            Some(1) => return None,
            Some(s) if s >= 2 => return Some((s - 2) as u16),
            _ => {}
        }
        let hay = Utf32Str::new(segs.text(seg), buf);
        let score = self.atom.score(hay, m);
        if let Some(c) = cell {
            c.store(score.map_or(1, |s| u32::from(s) + 2), Ordering::Relaxed);
        }
        score
    }
}

/// Scores roles for one job.
pub struct Scorer<'a> {
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

impl Scorer<'_> {
    pub fn chunk(&self, rows: &[u32]) -> Vec<(u32, u32)> {
        SCRATCH.with_borrow_mut(|s| {
            rows.iter()
                .filter_map(|&row| self.role(row, s).map(|score| (score, row)))
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
        for (atom, memo) in self.atoms.iter().zip(self.memos) {
            let mut best: Option<u16> = None;
            for &seg in segs {
                if let Some(score) = memo.score(seg, self.segs, &mut s.matcher, &mut s.buf) {
                    best = Some(best.map_or(score, |b| b.max(score)));
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
            total += u32::from(score);
        }
        Some(total)
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
        Some("arn") => field(role.arn),
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
