//! How closely a fuzzy term's letters sit in a value: what tells a *compact* match
//! (`adm` in `AdministratorAccess`, `sbx` in `sandbox`) from a *scattered* one (`adm` spread
//! over `aws+dev-payments@example.com`). The engine keeps only the roles with the fewest
//! scattered terms (see [`super::engine`]).
//!
//! * A stretch of a value holding a term of `k` letters in order is *tight* when it is at
//!   most [`budget`]`(k)` characters long: at most `min(k + 1, 8)` characters in between.
//! * A term is also compact on a role when it splits in two pieces of at least
//!   [`MIN_PIECE`] letters, each tight in one of the role's short values (`prodadm`:
//!   `prod` in the alias `acme-prod-web`, `adm` in the role name), in either order.

use std::ops::Range;

use nucleo::Utf32Str;
use nucleo::chars::{normalize, to_lower_case};
use nucleo::pattern::{Atom, AtomKind, CaseMatching, Normalization};

/// The shortest piece of a split term: two letters are found close together almost
/// anywhere (`ro` in the tag value `prod`).
pub(super) const MIN_PIECE: usize = 3;

/// Longest term whose tightness is judged (one bit per letter in [`Needle::pieces`]);
/// a longer term counts as compact wherever it matches.
const MAX_LETTERS: usize = 31;

/// The longest tight stretch for `k` letters.
pub(super) fn budget(k: usize) -> usize {
    k + (k + 1).min(8)
}

/// A fuzzy term's letters, compared as nucleo compares them (smart case, smart
/// normalisation: an upper-case letter typed makes case count, a plain letter also matches
/// its accented forms unless the term has an accented letter itself).
#[derive(Debug, Clone)]
pub(super) struct Needle {
    chars: Vec<char>,
    /// The letters backwards, for the pieces that end the term.
    rev: Vec<char>,
    ignore_case: bool,
    normalize: bool,
}

impl Needle {
    pub(super) fn new(atom: &Atom) -> Needle {
        let chars: Vec<char> = atom.needle_text().chars().collect();
        Needle {
            ignore_case: !chars.iter().any(|&c| c.is_uppercase()),
            normalize: chars.iter().all(|&c| normalize(c) == c),
            rev: chars.iter().rev().copied().collect(),
            chars,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.chars.len()
    }

    /// Worth splitting in two pieces.
    pub(super) fn splits(&self) -> bool {
        self.len() >= 2 * MIN_PIECE && self.len() <= MAX_LETTERS
    }

    fn fold(&self, mut c: char) -> char {
        if self.normalize {
            c = normalize(c);
        }
        if self.ignore_case {
            c = to_lower_case(c);
        }
        c
    }

    /// Is the whole term in a tight stretch of `hay`?
    pub(super) fn tight(&self, hay: Utf32Str<'_>) -> bool {
        let k = self.len();
        if k > MAX_LETTERS {
            return true;
        }
        let mut shortest = [usize::MAX; MAX_LETTERS + 1];
        self.shortest(&self.chars, hay.chars(), &mut shortest);
        shortest[k] <= budget(k)
    }

    /// Which pieces of the term are tight in `hay`: bit `i` of the low half says the first
    /// `i` letters are, bit `i` of the high half that the letters from `i` on are (only for
    /// pieces of at least [`MIN_PIECE`] letters). 0 for a term that does not split.
    pub(super) fn pieces(&self, hay: Utf32Str<'_>) -> u64 {
        let k = self.len();
        if !self.splits() {
            return 0;
        }
        let mut mask = 0u64;
        let mut shortest = [usize::MAX; MAX_LETTERS + 1];
        self.shortest(&self.chars, hay.chars(), &mut shortest);
        for (i, &len) in shortest.iter().enumerate().take(k - MIN_PIECE + 1) {
            if i >= MIN_PIECE && len <= budget(i) {
                mask |= 1 << i;
            }
        }
        // The suffixes are the prefixes of the reversed term in the reversed value.
        let mut shortest = [usize::MAX; MAX_LETTERS + 1];
        self.shortest(&self.rev, hay.chars().rev(), &mut shortest);
        for (n, &len) in shortest.iter().enumerate().take(k - MIN_PIECE + 1) {
            if n >= MIN_PIECE && len <= budget(n) {
                mask |= 1 << (32 + k - n);
            }
        }
        mask
    }

    /// `out[n]`: the length of the shortest stretch of `hay` holding the first `n` letters
    /// of `needle` in order (`usize::MAX`: none). One pass over `hay` keeping, for each `n`,
    /// the latest start of such a stretch seen so far.
    fn shortest(
        &self,
        letters: &[char],
        hay: impl Iterator<Item = char>,
        out: &mut [usize; MAX_LETTERS + 1],
    ) {
        let mut start = [usize::MAX; MAX_LETTERS + 1];
        let k = letters.len().min(MAX_LETTERS);
        for (j, c) in hay.enumerate() {
            let c = self.fold(c);
            for n in (1..=k).rev() {
                if c != letters[n - 1] {
                    continue;
                }
                let s = if n == 1 { j } else { start[n - 1] };
                if s != usize::MAX {
                    start[n] = s;
                    out[n] = out[n].min(j - s + 1);
                }
            }
        }
    }
}

impl Needle {
    /// For highlighting a split term in a value that holds only pieces of it: the longest
    /// tight beginning and the longest tight rest in `hay`, as fuzzy atoms of their own.
    pub(super) fn piece_atoms(&self, hay: Utf32Str<'_>) -> Vec<Atom> {
        let mask = self.pieces(hay);
        let prefixes = mask & 0xFFFF_FFFF;
        let rests = mask >> 32;
        let k = self.len();
        let mut ranges: Vec<Range<usize>> = Vec::new();
        if prefixes != 0 {
            ranges.push(0..(63 - prefixes.leading_zeros()) as usize);
        }
        if rests != 0 {
            ranges.push(rests.trailing_zeros() as usize..k);
        }
        let case = if self.ignore_case {
            CaseMatching::Smart
        } else {
            CaseMatching::Respect
        };
        ranges
            .into_iter()
            .map(|r| {
                let piece: String = self.chars[r].iter().collect();
                Atom::new(&piece, case, Normalization::Smart, AtomKind::Fuzzy, false)
            })
            .collect()
    }
}

/// Do the pieces found in a role's values (OR of [`Needle::pieces`]) cover the term: a
/// tight beginning and a tight rest that meet?
pub(super) fn covered(mask: u64) -> bool {
    (mask & 0xFFFF_FFFF) & (mask >> 32) != 0
}

#[cfg(test)]
mod tests {
    use nucleo::pattern::{CaseMatching, Normalization};

    use super::*;

    fn needle(term: &str) -> Needle {
        Needle::new(&Atom::parse(
            term,
            CaseMatching::Smart,
            Normalization::Smart,
        ))
    }

    fn tight(term: &str, value: &str) -> bool {
        let mut buf = Vec::new();
        needle(term).tight(Utf32Str::new(value, &mut buf))
    }

    fn pieces(term: &str, values: &[&str]) -> bool {
        let n = needle(term);
        let mut buf = Vec::new();
        let mask = values
            .iter()
            .fold(0, |m, v| m | n.pieces(Utf32Str::new(v, &mut buf)));
        covered(mask)
    }

    #[test]
    fn substrings_and_short_values_are_tight_spread_letters_are_not() {
        assert!(tight("adm", "AdministratorAccess"));
        assert!(
            tight("sbx", "sandbox"),
            "4 letters between 3: within budget"
        );
        assert!(tight("dbadmin", "DatabaseAdministrator"));
        assert!(tight("web-dev", "acme-web-dev"));
        assert!(!tight("adm", "aws+dev-payments@example.com"));
        assert!(!tight("adm", "acme-prod-media"));
        assert!(!tight("adm", "acme-dev-mobile"), "a…d…m: 7 letters between");
        assert!(!tight(
            "prodadm",
            "acme-prod-payments-00001 AdministratorAccess"
        ));
        assert!(!tight("Adm", "admin"), "smart case");
        assert!(
            tight("ä", "Ä"),
            "a letter typed accented must match as typed"
        );
        assert!(tight("a", "ä"), "a plain letter finds its accented forms");
    }

    #[test]
    fn a_term_splits_in_two_tight_pieces_over_short_values() {
        assert!(pieces("prodadm", &["acme-prod-web", "AdministratorAccess"]));
        assert!(pieces("prodadm", &["AdministratorAccess", "acme-prod-web"]));
        assert!(
            pieces("web-dev", &["acme-dev-web"]),
            "both pieces in one value, in any order"
        );
        assert!(!pieces("prodadm", &["acme-prod-web", "ReadOnlyAccess"]));
        // `proda` + `dm` would both be in `acme-prod-media`: pieces are 3 letters or more.
        assert!(!pieces("prodadm", &["acme-prod-media", "ReadOnlyAccess"]));
        assert!(
            !pieces("prodad", &["acme-prod-data"]),
            "dad is nowhere tight"
        );
        assert!(
            !pieces("prodro", &["acme-prod-web", "ReadOnly"]),
            "ro: too short"
        );
    }

    #[test]
    fn the_pieces_a_value_holds_are_what_it_highlights() {
        let texts = |term: &str, value: &str| -> Vec<String> {
            let mut buf = Vec::new();
            needle(term)
                .piece_atoms(Utf32Str::new(value, &mut buf))
                .iter()
                .map(|a| a.needle_text().to_string())
                .collect()
        };
        assert_eq!(texts("prodadm", "acme-prod-web"), ["prod"]);
        assert_eq!(texts("prodadm", "AdministratorAccess"), ["adm"]);
        assert_eq!(texts("web-dev", "acme-dev-web"), ["web", "-dev"]);
        assert!(texts("prodadm", "ReadOnlyAccess").is_empty());
    }
}
