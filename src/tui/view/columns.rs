//! Which table columns are shown and how wide each is, from the values on screen. Pure (text in,
//! widths out), so the rules are tested without drawing:
//!
//! - A column gives its space away when every visible row leaves it empty (Expires with no
//!   cached credentials) or when it only repeats other columns: every value equals another
//!   column's, or is `A:B` of two other columns (a Profile from the default profile format,
//!   `alias:role`). Its matched characters move to the columns it repeats.
//! - The role name and the account alias get their whole width first, then the fixed-shape
//!   columns (ids, expiry), then the rest share what is left; a column is cut only when the
//!   terminal has no room for it. Widths are display columns (a CJK character takes two).

use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use crate::catalog::ListField;
use crate::display;

/// Columns between cells.
pub const GAP: usize = 2;
/// A cut column keeps at least this much (or its whole value, if shorter).
const MIN_CELL: usize = 8;
/// The least a column gets on a terminal too narrow for every minimum.
const TINY_CELL: usize = 4;

/// The column heading: shorter than the `ListFields` name, since the picker's columns are
/// narrow and the names are spelled out in the details pane and help.
pub fn heading(field: ListField) -> &'static str {
    match field {
        ListField::AccountId | ListField::AccountIdPad => "Account",
        ListField::AccountAlias => "Alias",
        ListField::AccountName => "Name",
        ListField::DefaultRegion => "Region",
        ListField::EmailAddress => "Email",
        ListField::ExpiresEpoch => "Expiry",
        ListField::RoleName => "Role",
        other => other.name(),
    }
}

/// Who is served first when the row is too narrow for every value.
fn tier(field: ListField) -> u8 {
    match field {
        // What people read a role by: never cut while there is room for them.
        ListField::RoleName | ListField::AccountAlias => 0,
        // Same-shape values that mean nothing when cut.
        ListField::AccountId
        | ListField::AccountIdPad
        | ListField::Expires
        | ListField::ExpiresEpoch
        | ListField::Id => 1,
        _ => 2,
    }
}

/// One column's claim on the row: the width it wants, the least it takes, and its tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub want: usize,
    pub min: usize,
    pub tier: u8,
}

/// Widths for `claims` in `room` columns (gaps already taken out). Everyone gets what they
/// want when it fits. Otherwise everyone starts at their minimum and the rest is handed out
/// tier by tier; inside a tier by water-filling (narrowest need first, each at most an equal
/// share of what remains), so short values stay whole and only long ones are cut. When even
/// the minimums do not fit, the flexible columns water-fill from nothing.
pub fn allocate(claims: &[Claim], room: usize) -> Vec<usize> {
    let wants: Vec<usize> = claims.iter().map(|c| c.want).collect();
    if wants.iter().sum::<usize>() <= room {
        return wants;
    }
    let mins: usize = claims.iter().map(|c| c.min.min(c.want)).sum();
    let all: Vec<usize> = (0..claims.len()).collect();
    if mins > room {
        // Too narrow for everyone's minimum: fixed-shape columns stay whole (a cut id means
        // nothing) and the others share the rest, at least a few columns each.
        let mut widths: Vec<usize> = claims
            .iter()
            .map(|c| if c.tier == 1 { c.want } else { 0 })
            .collect();
        let flexible: Vec<usize> = all
            .iter()
            .copied()
            .filter(|i| claims[*i].tier != 1)
            .collect();
        let fixed: usize = widths.iter().sum();
        water_fill(&mut widths, &wants, &flexible, room.saturating_sub(fixed));
        for i in flexible {
            widths[i] = widths[i].max(TINY_CELL.min(wants[i]));
        }
        return widths;
    }
    let mut widths: Vec<usize> = claims.iter().map(|c| c.min.min(c.want)).collect();
    let mut spare = room - mins;
    for t in 0..=2 {
        let members: Vec<usize> = all
            .iter()
            .copied()
            .filter(|i| claims[*i].tier == t)
            .collect();
        spare = water_fill(&mut widths, &wants, &members, spare);
    }
    widths
}

/// Raise `members` toward `wants` with `spare` columns; returns what is left.
fn water_fill(widths: &mut [usize], wants: &[usize], members: &[usize], mut spare: usize) -> usize {
    let mut order = members.to_vec();
    order.sort_by_key(|i| wants[*i] - widths[*i]);
    let count = order.len();
    for (n, i) in order.into_iter().enumerate() {
        let give = (wants[i] - widths[i]).min(spare / (count - n));
        widths[i] += give;
        spare -= give;
    }
    spare
}

/// The table's plan for the visible rows: the shown columns (indices into the fields) and
/// their widths, and what each hidden column repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub shown: Vec<usize>,
    pub widths: Vec<usize>,
    repeats: Vec<Option<Repeat>>,
}

/// How a hidden column's value is made of shown ones, to move its highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    Same(usize),
    /// `A:B` (A without its whitespace, as the default profile format writes an alias).
    Pair(usize, usize),
}

/// Is `value` exactly `a:b`, with `a`'s whitespace left out?
fn is_pair(value: &str, a: &str, b: &str) -> bool {
    let mut rest = value.chars();
    a.chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| rest.next() == Some(c))
        && rest.next() == Some(':')
        && rest.as_str() == b
}

fn repeat_of(col: usize, rows: &[Vec<String>], kept: &[bool]) -> Option<Repeat> {
    let others: Vec<usize> = (0..kept.len()).filter(|o| *o != col && kept[*o]).collect();
    let all = |f: &dyn Fn(&[String]) -> bool| rows.iter().all(|r| f(r));
    for &a in &others {
        if all(&|r| r[col] == r[a]) {
            return Some(Repeat::Same(a));
        }
    }
    for &a in &others {
        for &b in &others {
            if a != b && all(&|r| is_pair(&r[col], &r[a], &r[b])) {
                return Some(Repeat::Pair(a, b));
            }
        }
    }
    None
}

/// Which columns to show for these rows, and where each hidden column's values come from.
fn choose(rows: &[Vec<String>], columns: usize) -> (Vec<bool>, Vec<Option<Repeat>>) {
    let mut kept = vec![true; columns];
    let mut repeats = vec![None; columns];
    if rows.is_empty() {
        return (kept, repeats);
    }
    for col in 0..columns {
        if rows.iter().all(|r| r[col].is_empty()) {
            kept[col] = false;
        }
    }
    for col in 0..columns {
        if !kept[col] {
            continue;
        }
        if let Some(r) = repeat_of(col, rows, &kept) {
            kept[col] = false;
            repeats[col] = Some(r);
        }
    }
    if !kept.contains(&true) {
        kept = vec![true; columns];
    }
    (kept, repeats)
}

/// Plan the table for `rows` (one string per field) in `total` columns.
pub fn plan(fields: &[ListField], rows: &[Vec<String>], total: usize) -> Plan {
    let (kept, repeats) = choose(rows, fields.len());
    let shown: Vec<usize> = (0..fields.len()).filter(|i| kept[*i]).collect();
    let claims: Vec<Claim> = shown
        .iter()
        .map(|&i| {
            let head = heading(fields[i]).width();
            let want = rows
                .iter()
                .map(|r| display::escape(&r[i]).width())
                .max()
                .unwrap_or(0)
                .max(head);
            let tier = tier(fields[i]);
            let min = if tier == 1 { want } else { MIN_CELL.max(head) };
            Claim { want, min, tier }
        })
        .collect();
    let gaps = GAP * shown.len().saturating_sub(1);
    let widths = allocate(&claims, total.saturating_sub(gaps));
    Plan {
        shown,
        widths,
        repeats,
    }
}

impl Plan {
    /// The highlights of one row per field: a hidden column's matched characters land on
    /// the columns it repeats, so a match is never lost with its column.
    pub fn highlights(
        &self,
        row: &[String],
        highlights: &[Vec<Range<usize>>],
    ) -> Vec<Vec<Range<usize>>> {
        let repeats = &self.repeats;
        let mut per: Vec<Vec<usize>> = (0..row.len())
            .map(|i| positions(highlights.get(i).map(Vec::as_slice).unwrap_or(&[])))
            .collect();
        for (col, repeat) in repeats.iter().enumerate() {
            let moved = positions(highlights.get(col).map(Vec::as_slice).unwrap_or(&[]));
            match repeat {
                None => {}
                Some(Repeat::Same(a)) => per[*a].extend(moved),
                Some(Repeat::Pair(a, b)) => {
                    // Char positions of A's non-whitespace characters, as they appear in `A:B`.
                    let a_chars: Vec<usize> = row[*a]
                        .chars()
                        .enumerate()
                        .filter(|(_, c)| !c.is_whitespace())
                        .map(|(i, _)| i)
                        .collect();
                    for p in moved {
                        if let Some(i) = a_chars.get(p) {
                            per[*a].push(*i);
                        } else if p > a_chars.len() {
                            per[*b].push(p - a_chars.len() - 1);
                        }
                    }
                }
            }
        }
        per.into_iter().map(ranges).collect()
    }
}

fn positions(ranges: &[Range<usize>]) -> Vec<usize> {
    ranges.iter().flat_map(|r| r.clone()).collect()
}

/// Sorted, merged ranges from char positions.
fn ranges(mut positions: Vec<usize>) -> Vec<Range<usize>> {
    positions.sort_unstable();
    positions.dedup();
    let mut out: Vec<Range<usize>> = Vec::new();
    for p in positions {
        match out.last_mut() {
            Some(r) if r.end == p => r.end = p + 1,
            _ => out.push(p..p + 1),
        }
    }
    out
}

#[cfg(test)]
mod tests;
