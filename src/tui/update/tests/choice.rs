//! `update` for carrying out a choice: credentials first, a login when the session ended,
//! the region key and `-` for the previous role.

use super::*;
use crate::app::picker::Readiness;

/// The selected role without cached credentials.
fn uncached(s: &mut State) -> PickRole {
    let mut r = role(1);
    r.expires = 0;
    s.selected = Some(r.clone());
    r
}

#[test]
fn enter_without_cached_credentials_fetches_them_first() {
    let mut s = state(Launch::Exec, 3);
    let r = uncached(&mut s);
    assert_eq!(
        update(&mut s, key(Action::Accept)),
        vec![Effect::Prepare(r.clone())]
    );
    assert_eq!(s.pending, Some((r.clone(), Choice::Exec)));
    assert_eq!(
        update(&mut s, Msg::Prepared(Ok(Readiness::Ready))),
        vec![Effect::Exit(Outcome::Chosen {
            role: r,
            choice: Choice::Exec,
            region: None,
        })]
    );
    assert_eq!(s.pending, None);
    // A result nobody waits for any more does nothing.
    assert!(update(&mut s, Msg::Prepared(Ok(Readiness::Ready))).is_empty());
}

#[test]
fn enter_after_the_session_ended_logs_in_then_runs_the_action() {
    let mut s = state(Launch::Console, 3);
    s.input.insert_str("acct");
    let r = uncached(&mut s);
    update(&mut s, key(Action::Accept));
    assert_eq!(
        update(&mut s, Msg::Prepared(Ok(Readiness::NeedsLogin))),
        vec![Effect::Login]
    );
    assert!(
        matches!(&s.overlay, Overlay::Login { lines, .. } if lines[0].contains("session has ended"))
    );
    update(
        &mut s,
        Msg::LoginLine("Open https://device.example/".into()),
    );
    assert_eq!(
        update(&mut s, Msg::LoginDone(Ok(9_999))),
        vec![Effect::Exit(Outcome::Chosen {
            role: r,
            choice: Choice::Console,
            region: None,
        })]
    );
    assert_eq!(s.input.text(), "acct");
    assert_eq!(s.session_expires, Some(9_999));
}

#[test]
fn a_pending_action_is_dropped_by_esc_a_failure_or_another_role() {
    // Esc on the login box: the login goes on, the action is off.
    let mut s = state(Launch::Eval, 3);
    uncached(&mut s);
    update(&mut s, key(Action::Accept));
    update(&mut s, Msg::Prepared(Ok(Readiness::NeedsLogin)));
    assert!(update(&mut s, key(Action::Cancel)).is_empty());
    assert_eq!(
        (s.pending.clone(), s.overlay.clone()),
        (None, Overlay::None)
    );
    assert_eq!(
        update(&mut s, Msg::LoginDone(Ok(9_999))),
        vec![Effect::Refresh],
        "a plain login again"
    );
    // A failed fetch says why and stays.
    let mut s = state(Launch::Eval, 3);
    uncached(&mut s);
    update(&mut s, key(Action::Accept));
    assert!(update(&mut s, Msg::Prepared(Err("no network".into()))).is_empty());
    assert_eq!(s.pending, None);
    assert_eq!(
        s.status.as_ref().map(|st| st.text.as_str()),
        Some("no network")
    );
    // Moving to another role drops it; the same role again (a re-match) keeps it.
    let mut s = state(Launch::Eval, 3);
    let r = uncached(&mut s);
    update(&mut s, key(Action::Accept));
    update(&mut s, Msg::Selected(Some(r)));
    assert!(s.pending.is_some());
    update(&mut s, Msg::Selected(Some(role(2))));
    assert_eq!(s.pending, None);
    // A failed login drops it too.
    let mut s = state(Launch::Eval, 3);
    uncached(&mut s);
    update(&mut s, key(Action::Accept));
    update(&mut s, Msg::Prepared(Ok(Readiness::NeedsLogin)));
    assert!(update(&mut s, Msg::LoginDone(Err("denied".into()))).is_empty());
    assert_eq!(s.pending, None);
}

fn recent(n: u64, used_at: i64) -> Recent {
    Recent {
        label: format!("acct-{n}:Admin"),
        arn: role(n).arn.to_string(),
        used_at,
    }
}

#[test]
fn dash_on_an_empty_query_selects_the_previous_role_and_is_typed_elsewhere() {
    let mut s = state(Launch::Eval, 30);
    // Without two roles in History there is no previous one.
    assert!(update(&mut s, typed('-')).is_empty());
    assert_eq!(s.status.as_ref().map(|st| st.level), Some(Level::Warn));
    assert_eq!(s.input.text(), "");
    s.recent = vec![recent(7, 900), recent(3, 800), recent(5, 700)];
    assert_eq!(
        update(&mut s, typed('-')),
        vec![Effect::SelectArn(role(3).arn.to_string())]
    );
    assert_eq!(
        s.status.as_ref().map(|st| st.text.as_str()),
        Some("previous role: acct-3:Admin")
    );
    assert_eq!(s.input.text(), "", "not typed");
    // Inside a query it is an ordinary character.
    update(&mut s, typed('w'));
    let fx = update(&mut s, typed('-'));
    assert_eq!(fx, vec![Effect::Query("w-".into()), Effect::Select(0)]);
}

#[test]
fn the_region_key_cycles_from_the_default_region_and_goes_with_the_choice() {
    let mut s = state(Launch::Eval, 3);
    // role(1)'s DefaultRegion (eu-west-1) comes first, then every other region in order.
    update(&mut s, key(Action::CycleRegion));
    assert_eq!(s.region.as_deref(), Some("af-south-1"));
    update(&mut s, key(Action::CycleRegion));
    assert_eq!(s.region.as_deref(), Some("ap-east-1"));
    assert_eq!(
        s.status.as_ref().map(|st| st.text.as_str()),
        Some("region for the action: ap-east-1")
    );
    assert_eq!(
        update(&mut s, key(Action::Accept)),
        vec![Effect::Exit(Outcome::Chosen {
            role: role(1),
            choice: Choice::Eval,
            region: Some("ap-east-1".into()),
        })]
    );
    let regions = crate::completion::REGIONS.len();
    // Round the whole list (every region once, the default first) back to the default:
    // then nothing overrides it.
    for _ in 0..regions - 2 {
        update(&mut s, key(Action::CycleRegion));
    }
    assert_eq!(s.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        update(&mut s, key(Action::OpenConsole)),
        vec![Effect::Exit(Outcome::Chosen {
            role: role(1),
            choice: Choice::Console,
            region: None,
        })]
    );
    // A role without a DefaultRegion starts at the first region; without a role, nothing.
    let mut s = state(Launch::Exec, 3);
    let mut r = role(2);
    r.region = Text::new("");
    s.selected = Some(r);
    update(&mut s, key(Action::CycleRegion));
    assert_eq!(s.region.as_deref(), Some(crate::completion::REGIONS[0]));
    let mut none = state(Launch::Exec, 0);
    update(&mut none, key(Action::CycleRegion));
    assert_eq!(none.region, None);
}
