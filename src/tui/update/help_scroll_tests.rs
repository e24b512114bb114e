//! The help overlay scrolls on a small terminal and closes on any other key.

use super::*;
use crate::tui::state::{Launch, Settings};
use crate::tui::view::overlay::help_max_scroll;

fn help_at(w: u16, h: u16) -> State {
    let settings = Settings {
        launch: Launch::Eval,
        fields: Vec::new(),
        instances: vec!["Default".into()],
        first_tag: String::new(),
        account_primary_tag: Vec::new(),
    };
    let mut s = State::new(settings, "Default".into(), 1_000);
    update(&mut s, Msg::Resize(w, h));
    update(&mut s, Msg::Key(KeyResult::Action(Action::Help)));
    s
}

fn key(state: &mut State, action: Action) {
    update(state, Msg::Key(KeyResult::Action(action)));
}

#[test]
fn the_help_scrolls_at_60x15_within_its_length() {
    let mut s = help_at(60, 15);
    let max = help_max_scroll((60, 15));
    assert!(max > 10, "the help is much taller than 13 rows");
    key(&mut s, Action::Down);
    key(&mut s, Action::Down);
    assert_eq!((s.overlay.clone(), s.help_scroll), (Overlay::Help, 2));
    key(&mut s, Action::Up);
    assert_eq!(s.help_scroll, 1);
    key(&mut s, Action::PageDown);
    assert_eq!(
        s.help_scroll,
        1 + 11,
        "a page keeps two lines of the last one in view"
    );
    key(&mut s, Action::End);
    assert_eq!(s.help_scroll, max);
    key(&mut s, Action::Down);
    assert_eq!(s.help_scroll, max, "never past the last line");
    update(&mut s, Msg::Scroll(-3));
    assert_eq!(s.help_scroll, max - 3, "the mouse wheel scrolls too");
    key(&mut s, Action::Home);
    assert_eq!(s.help_scroll, 0);
    key(&mut s, Action::PageUp);
    assert_eq!(s.help_scroll, 0);
    // A taller screen after a resize: the next key counts from what is shown.
    key(&mut s, Action::End);
    update(&mut s, Msg::Resize(60, 30));
    key(&mut s, Action::Up);
    assert_eq!(s.help_scroll, help_max_scroll((60, 30)) - 1);
    // Any other key closes it; it opens at the top again.
    key(&mut s, Action::ToggleDetails);
    assert_eq!(s.overlay, Overlay::None);
    key(&mut s, Action::Help);
    assert_eq!(s.help_scroll, 0);
}

#[test]
fn a_help_that_fits_closes_on_a_moving_key_as_before() {
    let mut s = help_at(120, 60);
    assert_eq!(help_max_scroll((120, 60)), 0);
    key(&mut s, Action::Down);
    assert_eq!(s.overlay, Overlay::None);
}
