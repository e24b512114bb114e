//! Where each part of the picker goes for a given terminal size and set of open panes. Pure,
//! so the loop can size the list (and map mouse clicks) with the same numbers `view` draws.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

/// Side panes need this many columns next to a usable list.
const SIDE_MIN_WIDTH: u16 = 110;
const SIDE_WIDTH: u16 = 44;
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
    let cells = if area.width >= SIDE_MIN_WIDTH {
        let [list, side] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(SIDE_WIDTH)])
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
        // One blank column keeps the last cell off the pane border.
        assert_eq!(a.list.width, 140 - SIDE_WIDTH - 1);
        assert_eq!(a.list.height, 38);
        let d = a.details.unwrap();
        assert_eq!(d.x, 140 - SIDE_WIDTH);
        assert!(a.expiry.unwrap().y > d.y && a.history.unwrap().y > a.expiry.unwrap().y);
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
