//! `update` as a pure function: keys, mouse and background results in, state and effects out.

use super::*;
use crate::app::picker::Delivered;
use crate::cache::{Tags, Text};
use crate::catalog::ListField;
use crate::matcher::MatchStatus;
use crate::roster::PickRole;
use crate::tui::state::{Launch, Recent, Settings};

pub(super) fn role(n: u64) -> PickRole {
    PickRole {
        sso: Text::new("Default"),
        arn: Text::new(&format!("arn:aws:iam::{n:012}:role/Admin")),
        account_id: n,
        account_alias: Text::new(&format!("acct-{n}")),
        account_name: Text::new(""),
        email: Text::new(""),
        role_name: Text::new("Admin"),
        profile: Text::new(&format!("{n:012}:Admin")),
        region: Text::new("eu-west-1"),
        via: Text::new(""),
        tags: Tags::new(),
        // Credentials cached for an hour past the state's clock: Enter needs no fetch.
        expires: 1_000 + 3_600,
        last_used: None,
    }
}

fn settings(launch: Launch) -> Settings {
    Settings {
        launch,
        fields: vec![ListField::AccountIdPad, ListField::RoleName],
        instances: vec!["Default".into()],
        first_tag: String::new(),
        account_primary_tag: vec!["AccountAlias".into()],
    }
}

/// A state showing `matched` of 100 roles, the first selected.
fn state(launch: Launch, matched: u32) -> State {
    let mut s = State::new(settings(launch), "Default".into(), 1_000);
    // 80x13: no room for panes, so the list shows 10 rows under its header.
    s.size = (80, 13);
    update(&mut s, Msg::Matched(status(matched)));
    s.selected = (matched > 0).then(|| role(1));
    s
}

fn status(matched: u32) -> MatchStatus {
    MatchStatus {
        changed: true,
        running: false,
        matched,
        total: 100,
    }
}

fn key(a: Action) -> Msg {
    Msg::Key(KeyResult::Action(a))
}

fn typed(c: char) -> Msg {
    Msg::Key(KeyResult::Insert(c))
}

#[test]
fn typing_edits_the_query_sends_it_to_the_matcher_and_goes_back_to_the_top() {
    let mut s = state(Launch::Eval, 50);
    update(&mut s, key(Action::Down));
    update(&mut s, key(Action::Down));
    assert_eq!(s.cursor, 2);
    let fx = update(&mut s, typed('p'));
    assert_eq!(fx, vec![Effect::Query("p".into()), Effect::Select(0)]);
    assert_eq!((s.cursor, s.offset), (0, 0));
    update(&mut s, typed('r'));
    let fx = update(&mut s, key(Action::DeleteBack));
    assert_eq!(fx[0], Effect::Query("p".into()));
    // Moving the cursor in the line changes nothing the matcher sees.
    assert!(update(&mut s, key(Action::CursorStart)).is_empty());
    assert!(
        update(&mut s, key(Action::DeleteBack)).is_empty(),
        "nothing before the cursor"
    );
}

#[test]
fn moving_clamps_to_the_matches_and_scrolls_the_window() {
    let mut s = state(Launch::Eval, 25);
    assert_eq!(update(&mut s, key(Action::Up)), vec![Effect::Select(0)]);
    update(&mut s, key(Action::PageDown));
    assert_eq!((s.cursor, s.offset), (9, 0));
    update(&mut s, key(Action::Down));
    assert_eq!((s.cursor, s.offset), (10, 1));
    update(&mut s, key(Action::End));
    assert_eq!((s.cursor, s.offset), (24, 15));
    update(&mut s, key(Action::Down));
    assert_eq!(s.cursor, 24);
    update(&mut s, key(Action::Home));
    assert_eq!((s.cursor, s.offset), (0, 0));
    update(&mut s, Msg::Scroll(3));
    assert_eq!(s.cursor, 3);
    // Results shrinking under the cursor pull it back onto a real row.
    s.cursor = 20;
    let fx = update(&mut s, Msg::Matched(status(5)));
    assert_eq!((s.cursor, fx), (4, vec![Effect::Select(4)]));
    // No matches: moving does nothing, Enter does nothing.
    let mut empty = state(Launch::Eval, 0);
    assert!(update(&mut empty, key(Action::Down)).is_empty());
    assert!(update(&mut empty, key(Action::Accept)).is_empty());
}

#[test]
fn enter_runs_the_launch_mode_and_escape_cancels() {
    for (launch, choice) in [
        (Launch::Eval, Choice::Eval),
        (Launch::Exec, Choice::Exec),
        (Launch::Console, Choice::Console),
        (Launch::Credentials, Choice::Credentials),
    ] {
        let mut s = state(launch, 3);
        assert_eq!(
            update(&mut s, key(Action::Accept)),
            vec![Effect::Exit(Outcome::Chosen {
                role: role(1),
                choice,
                region: None,
            })]
        );
    }
    let mut s = state(Launch::Eval, 3);
    assert_eq!(
        update(&mut s, key(Action::Cancel)),
        vec![Effect::Exit(Outcome::Cancelled)]
    );
    let mut s = state(Launch::Eval, 3);
    assert_eq!(
        update(&mut s, key(Action::OpenConsole)),
        vec![Effect::Exit(Outcome::Chosen {
            role: role(1),
            choice: Choice::Console,
            region: None,
        })]
    );
}

#[test]
fn plain_aws_sso_opens_a_menu_whose_entries_run_or_copy() {
    let mut s = state(Launch::Menu, 3);
    assert!(update(&mut s, key(Action::Accept)).is_empty());
    assert_eq!(s.overlay, Overlay::Menu { selected: 0 });
    update(&mut s, key(Action::Up));
    assert_eq!(
        s.overlay,
        Overlay::Menu {
            selected: MENU.len() - 1
        }
    );
    update(&mut s, key(Action::Down));
    update(&mut s, key(Action::Down));
    assert_eq!(
        update(&mut s, key(Action::Accept)),
        vec![Effect::Exit(Outcome::Chosen {
            role: role(1),
            choice: Choice::Console,
            region: None,
        })]
    );
    // Digits pick directly; a copy keeps the picker open with a message.
    let mut s = state(Launch::Menu, 3);
    update(&mut s, key(Action::Accept));
    let fx = update(&mut s, typed('6'));
    assert_eq!(fx, vec![Effect::Copy(role(1), Copyable::Arn)]);
    assert_eq!(s.overlay, Overlay::None);
    // Esc closes the menu, and only then cancels.
    update(&mut s, key(Action::Accept));
    assert!(update(&mut s, key(Action::Cancel)).is_empty());
    assert_eq!(s.overlay, Overlay::None);
    assert_eq!(
        update(&mut s, key(Action::Cancel)),
        vec![Effect::Exit(Outcome::Cancelled)]
    );
}

#[test]
fn question_mark_is_help_only_on_an_empty_query() {
    let mut s = state(Launch::Eval, 3);
    assert!(update(&mut s, typed('?')).is_empty());
    assert_eq!(s.overlay, Overlay::Help);
    // Any key closes the help and is not typed.
    assert!(update(&mut s, typed('x')).is_empty());
    assert_eq!((s.overlay.clone(), s.input.text()), (Overlay::None, ""));
    update(&mut s, typed('a'));
    update(&mut s, typed('?'));
    assert_eq!((s.overlay.clone(), s.input.text()), (Overlay::None, "a?"));
    // From the help, a real action still works (Down moves), Esc only closes.
    update(&mut s, key(Action::Help));
    assert!(update(&mut s, key(Action::Cancel)).is_empty());
    assert_eq!(s.overlay, Overlay::None);
}

#[test]
fn copies_need_a_selection_and_report_back() {
    let mut s = state(Launch::Eval, 3);
    assert_eq!(
        update(&mut s, key(Action::CopyExports)),
        vec![Effect::Copy(role(1), Copyable::Exports)]
    );
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("getting the exports")
    );
    update(
        &mut s,
        Msg::Copied(Copyable::Exports, Ok(Delivered::Clipboard)),
    );
    assert_eq!(
        s.status.as_ref().unwrap().text,
        "copied the exports; cleared in 30 s"
    );
    // OSC 52 may be ignored by the terminal: only "sent"; an ARN is no secret.
    update(
        &mut s,
        Msg::Copied(
            Copyable::Arn,
            Ok(Delivered::Osc52("\x1b]52;c;eA==\x07".into())),
        ),
    );
    assert_eq!(
        s.status.as_ref().unwrap().text,
        "sent the ARN to the terminal's clipboard"
    );
    s.clipboard_clear_secs = 0;
    update(
        &mut s,
        Msg::Copied(Copyable::ConsoleUrl, Ok(Delivered::Clipboard)),
    );
    assert_eq!(s.status.as_ref().unwrap().text, "copied the console URL");
    update(&mut s, Msg::Copied(Copyable::Arn, Err("no display".into())));
    assert_eq!(s.status.as_ref().unwrap().level, Level::Error);
    // The message goes away after a few seconds.
    update(&mut s, Msg::Tick(1_000 + STATUS_SECS));
    assert!(s.status.is_none());
    let mut none = state(Launch::Eval, 0);
    assert!(update(&mut none, key(Action::CopyArn)).is_empty());
}

#[test]
fn refresh_runs_once_at_a_time_and_reports() {
    let mut s = state(Launch::Eval, 3);
    assert_eq!(update(&mut s, key(Action::Refresh)), vec![Effect::Refresh]);
    assert!(
        update(&mut s, key(Action::Refresh)).is_empty(),
        "already running"
    );
    update(
        &mut s,
        Msg::RefreshDone(Ok((Some(5_000), "refreshed 3 roles".into()))),
    );
    assert_eq!(
        (s.refresh.clone(), s.session_expires),
        (Refresh::Idle, Some(5_000))
    );
    update(&mut s, Msg::RefreshStarted);
    update(
        &mut s,
        Msg::RefreshDone(Err("not logged in (Ctrl-L logs in)".into())),
    );
    assert_eq!(s.status.as_ref().unwrap().level, Level::Error);
    assert_eq!(s.refresh, Refresh::Idle);
}

#[test]
fn login_shows_its_lines_and_refreshes_when_done() {
    let mut s = state(Launch::Eval, 0);
    assert!(!s.session_live());
    assert_eq!(update(&mut s, key(Action::Login)), vec![Effect::Login]);
    update(
        &mut s,
        Msg::LoginLine("Open https://device.example/ and enter ABCD-EFGH".into()),
    );
    match &s.overlay {
        Overlay::Login { lines, .. } => assert!(lines.iter().any(|l| l.contains("ABCD-EFGH"))),
        other => panic!("{other:?}"),
    }
    // Keys don't leak into the query while the login box is up.
    update(&mut s, typed('x'));
    assert_eq!(s.input.text(), "");
    assert_eq!(
        update(&mut s, Msg::LoginDone(Ok(9_999))),
        vec![Effect::Refresh]
    );
    assert_eq!(
        (s.overlay.clone(), s.session_expires),
        (Overlay::None, Some(9_999))
    );
    assert!(s.session_live());
    update(&mut s, key(Action::Login));
    let fx = update(&mut s, Msg::LoginDone(Err("denied".into())));
    assert!(fx.is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("denied"));
}

#[test]
fn switching_instance_scopes_the_query_and_cycles_back_to_all() {
    let mut s = state(Launch::Eval, 3);
    update(&mut s, key(Action::SwitchInstance));
    assert!(s.scope.is_none(), "one instance: nothing to switch");
    s.settings.instances = vec!["Work".into(), "Lab Org".into()];
    update(&mut s, typed('x'));
    assert_eq!(
        update(&mut s, key(Action::SwitchInstance))[0],
        Effect::Query("sso:Work x".into())
    );
    assert_eq!(
        update(&mut s, key(Action::SwitchInstance))[0],
        Effect::Query("sso:Lab_Org x".into())
    );
    assert_eq!(
        update(&mut s, key(Action::SwitchInstance))[0],
        Effect::Query("x".into())
    );
}

#[test]
fn panes_toggle_one_by_one_and_all_at_once() {
    let mut s = state(Launch::Eval, 3);
    update(&mut s, key(Action::ToggleHistory));
    assert!(s.panes.details && s.panes.expiry && !s.panes.history);
    update(&mut s, key(Action::TogglePanes));
    assert!(!s.panes.details && !s.panes.expiry && !s.panes.history);
    update(&mut s, key(Action::TogglePanes));
    assert!(s.panes.details && s.panes.expiry && s.panes.history);
}

#[test]
fn clicks_select_and_a_second_click_accepts() {
    let mut s = state(Launch::Eval, 30);
    update(&mut s, key(Action::PageDown));
    update(&mut s, key(Action::Down));
    assert_eq!(s.offset, 1);
    assert_eq!(update(&mut s, Msg::Click(2)), vec![Effect::Select(3)]);
    s.selected = Some(role(4));
    assert_eq!(
        update(&mut s, Msg::Click(2)),
        vec![Effect::Exit(Outcome::Chosen {
            role: role(4),
            choice: Choice::Eval,
            region: None,
        })]
    );
    assert!(
        update(&mut s, Msg::Click(40)).is_empty(),
        "below the last match"
    );
}

#[test]
fn paste_goes_into_the_query_trimmed() {
    let mut s = state(Launch::Eval, 3);
    let fx = update(
        &mut s,
        Msg::Paste("  arn:aws:iam::000000000001:role/Admin\n".into()),
    );
    assert_eq!(
        fx[0],
        Effect::Query("arn:aws:iam::000000000001:role/Admin".into())
    );
}

#[test]
fn ticks_redraw_only_for_the_countdown_or_a_dropped_message() {
    let mut s = state(Launch::Eval, 3);
    s.dirty = false;
    update(&mut s, Msg::Tick(1_001));
    assert!(s.dirty, "the expiry pane counts seconds");
    s.panes.expiry = false;
    s.dirty = false;
    update(&mut s, Msg::Tick(1_002));
    assert!(!s.dirty);
    update(
        &mut s,
        Msg::Recent(vec![Recent {
            label: "a:b".into(),
            arn: "x".into(),
            used_at: 1,
        }]),
    );
    assert_eq!(s.recent.len(), 1);
}

mod choice;
