//! Drawing only: `draw(frame, state, rows, theme, keymap)` lays the picker out
//! ([`super::layout`]) and hands each area to its widget. Reads state, never changes it.

mod bars;
pub mod columns;
pub mod overlay;
pub mod panes;
pub mod table;
pub mod text;

use ratatui::Frame;

use super::keymap::Keymap;
use super::layout;
use super::state::{Overlay, State};
use super::theme::Theme;
use crate::catalog::ListField;
use crate::matcher::MatchedRow;

pub fn draw(
    frame: &mut Frame<'_>,
    state: &State,
    rows: &[MatchedRow<'_>],
    fields: &[ListField],
    theme: &Theme,
    keymap: &Keymap,
) {
    let area = frame.area();
    frame.render_widget(ratatui::widgets::Block::default().style(theme.base), area);
    let areas = layout::areas(area, state.panes);
    bars::query(frame, areas.query, state, theme);
    if rows.is_empty() {
        table::draw(frame, areas.list, state, &[], fields, theme);
        let below_header = ratatui::layout::Rect {
            y: areas.list.y + 1,
            height: areas.list.height.saturating_sub(1),
            ..areas.list
        };
        table::draw_empty(frame, below_header, state, theme);
    } else {
        table::draw(frame, areas.list, state, rows, fields, theme);
    }
    if let Some(a) = areas.details {
        panes::details(frame, a, state, theme);
    }
    if let Some(a) = areas.expiry {
        panes::expiry(frame, a, state, theme);
    }
    if let Some(a) = areas.history {
        panes::history(frame, a, state, theme);
    }
    let panes_shown = areas.details.is_some() || areas.expiry.is_some();
    bars::footer(frame, areas.footer, state, theme, keymap, panes_shown);
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help => overlay::help(frame, area, state.help_scroll, theme, keymap),
        Overlay::Menu { selected } => overlay::menu(frame, area, state, *selected, theme),
        Overlay::Login { lines, .. } => overlay::login(frame, area, lines, theme),
    }
}
