//! Where each part of the picker goes for a given terminal size and set of open panes. Pure,
//! so the loop can size the list (and map mouse clicks) with the same numbers `view` draws.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

/// Side panes take this share of the width (in tenths), within these bounds.
const SIDE_SHARE_TENTHS: u16 = 3;
const SIDE_MIN: u16 = 34;
const SIDE_MAX: u16 = 64;
/// The list keeps at least this many columns beside the panes: the marker, a 12-digit
/// account id, a 28-column alias and a 21-column role name (the demo's longest,
/// `acme-staging-notifications-2` and `DatabaseAdministrator`) and an expiry, with the gaps
/// between them. Narrower, the panes go below the list (or away) instead.
pub const LIST_MIN_BESIDE: u16 = 76;
/// Bottom panes need this many rows under a usable list.
const BOTTOM_MIN_HEIGHT: u16 = 22;
const BOTTOM_HEIGHT: u16 = 9;

/// Which side panes are open (each toggled by a key; all open at first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub details: bool,
    pub expiry: bool,
    pub history: bool,
}

impl Default for Panes {
    fn default() -> Panes {
        Panes {
            details: true,
            expiry: true,
            history: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub query: Rect,
    /// The table, including its header row.
    pub list: Rect,
    pub details: Option<Rect>,
    pub expiry: Option<Rect>,
    pub history: Option<Rect>,
    pub footer: Rect,
}

impl Areas {
    /// Rows of roles the list can show (the table header takes one).
    pub fn list_rows(&self) -> u16 {
        self.list.height.saturating_sub(1)
    }

    /// The list row under a screen position, if it is on one.
    pub fn row_at(&self, column: u16, row: u16) -> Option<u16> {
        let first = self.list.y + 1;
        let inside = column >= self.list.x
            && column < self.list.x + self.list.width
            && row >= first
            && row < self.list.y + self.list.height;
        inside.then(|| row - first)
    }
}

pub fn areas(area: Rect, panes: Panes) -> Areas {
    let [query, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut out = Areas {
        query,
        list: body,
        footer,
        ..Areas::default()
    };
    let wanted: Vec<u8> = [panes.details, panes.expiry, panes.history]
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .map(|(i, _)| i as u8)
        .collect();
    if wanted.is_empty() {
        return out;
    }
    let cells = if let Some(side_width) = side_width(area.width) {
        let [list, side] = Layout::horizontal([Constraint::Min(1), Constraint::Length(side_width)])
            .spacing(1)
            .areas(body);
        out.list = list;
        split(side, Direction::Vertical, &wanted)
    } else if area.height >= BOTTOM_MIN_HEIGHT {
        let [list, bottom] =
            Layout::vertical([Constraint::Min(5), Constraint::Length(BOTTOM_HEIGHT)]).areas(body);
        out.list = list;
        split(bottom, Direction::Horizontal, &wanted)
    } else {
        // Too small for panes (down to 60x15): the list gets everything; the footer still
        // shows the selected role's expiry.
        return out;
    };
    for (which, rect) in wanted.iter().zip(cells) {
        match which {
            0 => out.details = Some(rect),
            1 => out.expiry = Some(rect),
            _ => out.history = Some(rect),
        }
    }
    out
}

/// The side panes' width at this terminal width, or `None` when the list beside them would
/// be narrower than [`LIST_MIN_BESIDE`].
pub fn side_width(width: u16) -> Option<u16> {
    let share = (u32::from(width) * u32::from(SIDE_SHARE_TENTHS) / 10) as u16;
    let side = share.clamp(SIDE_MIN, SIDE_MAX);
    (width.saturating_sub(side + 1) >= LIST_MIN_BESIDE).then_some(side)
}

/// Details get the most room; expiry needs only a few lines.
fn split(area: Rect, direction: Direction, wanted: &[u8]) -> Vec<Rect> {
    let constraints: Vec<Constraint> = wanted
        .iter()
        .map(|w| match (w, direction) {
            _ if wanted.len() == 1 => Constraint::Fill(1),
            (0, _) => Constraint::Fill(3),
            (1, Direction::Vertical) => Constraint::Length(5),
            (1, Direction::Horizontal) => Constraint::Fill(2),
            _ => Constraint::Fill(2),
        })
        .collect();
    Layout::default()
        .direction(direction)
        .constraints(constraints)
        .split(area)
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Panes {
        Panes::default()
    }

    #[test]
    fn wide_terminals_put_panes_beside_the_list() {
        let a = areas(Rect::new(0, 0, 140, 40), all());
        let side = side_width(140).unwrap();
        // One blank column keeps the last cell off the pane border.
        assert_eq!(a.list.width, 140 - side - 1);
        assert_eq!(a.list.height, 38);
        let d = a.details.unwrap();
        assert_eq!(d.x, 140 - side);
        assert!(a.expiry.unwrap().y > d.y && a.history.unwrap().y > a.expiry.unwrap().y);
    }

    #[test]
    fn the_side_panes_take_a_share_and_leave_the_list_its_minimum() {
        assert_eq!(side_width(110), None, "the list would get 75 columns");
        assert_eq!(side_width(111), Some(34));
        assert_eq!(side_width(120), Some(36));
        assert_eq!(side_width(200), Some(60));
        assert_eq!(side_width(400), Some(64));
        for w in 0..=400 {
            if let Some(side) = side_width(w) {
                assert!(w - side > LIST_MIN_BESIDE, "at {w}");
                let a = areas(Rect::new(0, 0, w, 40), all());
                assert_eq!(a.list.width, w - side - 1, "at {w}");
            }
        }
        // Below the threshold the panes go under the list, or away on a short terminal.
        let a = areas(Rect::new(0, 0, 110, 40), all());
        assert_eq!(a.list.width, 110);
        assert!(a.details.unwrap().y > a.list.y);
    }

    #[test]
    fn tall_narrow_terminals_put_panes_below_and_small_ones_drop_them() {
        let a = areas(Rect::new(0, 0, 80, 30), all());
        assert_eq!(a.list.width, 80);
        assert_eq!(a.list.height, 30 - 2 - BOTTOM_HEIGHT);
        assert_eq!(a.details.unwrap().y, a.list.y + a.list.height);
        let small = areas(Rect::new(0, 0, 60, 15), all());
        assert_eq!(
            (small.details, small.expiry, small.history),
            (None, None, None)
        );
        assert_eq!(small.list_rows(), 12);
    }

    #[test]
    fn closed_panes_give_their_room_back_and_clicks_map_to_rows() {
        let panes = Panes {
            details: false,
            expiry: true,
            history: false,
        };
        let a = areas(Rect::new(0, 0, 140, 40), panes);
        assert!(a.details.is_none() && a.history.is_none());
        assert_eq!(a.expiry.unwrap().height, 38);
        assert_eq!(a.row_at(3, 2), Some(0));
        assert_eq!(a.row_at(3, 1), None, "the header row is not a role");
        assert_eq!(a.row_at(139, 5), None, "a click in the side pane");
    }
}
