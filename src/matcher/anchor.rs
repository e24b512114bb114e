//! Scoring one nucleo atom against one value, with anchored terms (`^text`, `text$`,
//! `^text$`) compared on the anchored stretch only.
//!
//! Why: nucleo 0.5 compares a case-sensitive anchored term on an ASCII value with the *whole*
//! value, so `^Data` (smart case: an upper-case letter makes case matter) never matched
//! `DataScientist` and `Access$` never matched `AdministratorAccess`, while `^data` did.
//! Cutting the value down to the stretch the anchor covers first makes "the whole value" and
//! "the anchored stretch" the same thing, for every case mode.

use nucleo::Utf32Str;
use nucleo::pattern::{Atom, AtomKind};

/// The stretch of `hay` an anchored `atom` must equal, and where it starts; `None` when the
/// value is too short. Leading/trailing white space is skipped as nucleo does (unless the
/// term itself starts/ends with white space). Other kinds get the whole value.
fn stretch<'h>(atom: &Atom, hay: Utf32Str<'h>) -> Option<(Utf32Str<'h>, usize)> {
    let needle = atom.needle_text();
    let n = needle.len();
    if n == 0
        || !matches!(
            atom.kind,
            AtomKind::Prefix | AtomKind::Postfix | AtomKind::Exact
        )
    {
        return Some((hay, 0));
    }
    let len = hay.len();
    let lead = if needle.chars().next().is_some_and(char::is_whitespace) {
        0
    } else {
        hay.chars().take_while(|c| c.is_whitespace()).count()
    };
    let trail = if needle.chars().next_back().is_some_and(char::is_whitespace) {
        0
    } else {
        hay.chars().rev().take_while(|c| c.is_whitespace()).count()
    };
    let start = match atom.kind {
        AtomKind::Prefix => lead,
        AtomKind::Postfix => len.checked_sub(trail + n)?,
        // `^text$`: the value without its surrounding white space is the term's length.
        _ => Some(lead).filter(|&l| l + n + trail == len)?,
    };
    (start + n <= len).then(|| (hay.slice(start..start + n), start))
}

/// `atom.score`, anchors fixed (see the module docs).
pub(super) fn score(atom: &Atom, hay: Utf32Str<'_>, m: &mut nucleo::Matcher) -> Option<u16> {
    let (part, _) = stretch(atom, hay)?;
    atom.score(part, m)
}

/// `atom.indices`, anchors fixed: the indices are into `hay`.
pub(super) fn indices(
    atom: &Atom,
    hay: Utf32Str<'_>,
    m: &mut nucleo::Matcher,
    out: &mut Vec<u32>,
) -> Option<u16> {
    let (part, start) = stretch(atom, hay)?;
    let from = out.len();
    let score = atom.indices(part, m, out)?;
    let start = u32::try_from(start).unwrap_or(u32::MAX);
    for i in &mut out[from..] {
        *i += start;
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use nucleo::pattern::{CaseMatching, Normalization};

    use super::*;

    fn hits(term: &str, value: &str) -> Option<Vec<u32>> {
        let atom = Atom::parse(term, CaseMatching::Smart, Normalization::Smart);
        let mut m = nucleo::Matcher::new(nucleo::Config::DEFAULT);
        let mut buf = Vec::new();
        let hay = Utf32Str::new(value, &mut buf);
        let scored = score(&atom, hay, &mut m);
        let mut out = Vec::new();
        let indexed = indices(&atom, hay, &mut m, &mut out);
        assert_eq!(scored.is_some(), indexed.is_some(), "{term} on {value}");
        indexed.map(|_| out)
    }

    #[test]
    fn anchored_terms_follow_smart_case() {
        assert_eq!(hits("^Data", "DataScientist"), Some(vec![0, 1, 2, 3]));
        assert_eq!(hits("^data", "DataScientist"), Some(vec![0, 1, 2, 3]));
        assert_eq!(
            hits("^DATA", "DataScientist"),
            None,
            "case typed: case counts"
        );
        assert_eq!(
            hits("Access$", "AdministratorAccess"),
            Some((13..19).collect())
        );
        assert_eq!(
            hits("access$", "AdministratorAccess").map(|v| v.len()),
            Some(6)
        );
        assert_eq!(hits("ACCESS$", "AdministratorAccess"), None);
        assert_eq!(hits("^Billing$", "Billing"), Some((0..7).collect()));
        assert_eq!(hits("^Bill$", "Billing"), None);
        assert_eq!(hits("^Billing$", " Billing "), Some((1..8).collect()));
        assert_eq!(hits("^Data", "Da"), None, "shorter than the term");
        assert_eq!(hits("Access$", "Admin"), None);
    }

    #[test]
    fn anchors_skip_surrounding_white_space_and_work_on_unicode_values() {
        assert_eq!(hits("^Data", "  DataX"), Some(vec![2, 3, 4, 5]));
        assert_eq!(hits("Team$", "R&D Team "), Some(vec![4, 5, 6, 7]));
        assert_eq!(hits("^Équipe", "Équipe R&D").map(|v| v.len()), Some(6));
        assert_eq!(hits("R&D$", "Équipe R&D"), Some(vec![7, 8, 9]));
    }

    #[test]
    fn exact_and_negated_terms_follow_smart_case() {
        assert!(hits("'Scien", "DataScientist").is_some());
        assert!(hits("'scien", "DataScientist").is_some());
        assert!(hits("'SCIEN", "DataScientist").is_none());
        // A negated term is matched as the plain one; the engine inverts it.
        let atom = Atom::parse("!^Data", CaseMatching::Smart, Normalization::Smart);
        assert!(atom.negative && atom.kind == AtomKind::Prefix);
    }
}
