//! The picker driven headless: the real [`Driver`] (matcher, effect runner, background
//! tasks) and the real `update`, with a scripted backend and a screen that records what it is
//! asked to do. No terminal, no clock.

use std::sync::Mutex;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use super::*;
use crate::cache::{Tags, Text};
use crate::roster::PickRole;
use crate::tui::action::Action;
use crate::tui::backend::BackendResult;
use crate::tui::keymap::KeyResult;
use crate::tui::state::Launch;

fn role(account: u64, name: &str) -> PickRole {
    PickRole {
        sso: Text::new("Default"),
        arn: Text::new(&format!("arn:aws:iam::{account:012}:role/{name}")),
        account_id: account,
        account_alias: Text::new(&format!("acct-{account}")),
        account_name: Text::new(""),
        email: Text::new(""),
        role_name: Text::new(name),
        profile: Text::new(&format!("acct-{account}:{name}")),
        region: Text::new(""),
        via: Text::new(""),
        tags: Tags::new(),
        expires: 0,
        last_used: None,
    }
}

fn roster(accounts: impl Iterator<Item = u64>) -> Roster {
    Roster {
        roles: accounts.map(|a| role(a, "Admin")).collect(),
        instances: vec!["Default".into()],
    }
}

/// Refreshes hand out the queued rosters, one each.
struct Scripted {
    rosters: Mutex<Vec<Roster>>,
}

impl PickerBackend for Scripted {
    fn refresh(&self) -> BoxFuture<'static, BackendResult<Refreshed>> {
        let next = self.rosters.lock().unwrap().pop();
        async move {
            let roster = next.ok_or_else(|| "no refresh scripted".to_string())?;
            Ok(Refreshed {
                roster,
                session_expires: Some(9_999),
                summary: "refreshed".into(),
            })
        }
        .boxed()
    }
    fn login(&self, _show: UnboundedSender<String>) -> BoxFuture<'static, BackendResult<i64>> {
        async { Err("no login here".to_string()) }.boxed()
    }
    fn copy(&self, _: PickRole, _: Copyable) -> BoxFuture<'static, BackendResult<Delivered>> {
        async { Ok(Delivered::Osc52("\x1b]52;c;eA==\x07".into())) }.boxed()
    }
}

#[derive(Default)]
struct Recorded {
    suspended: usize,
    raw: Vec<u8>,
}

impl Screen for Recorded {
    fn suspend(&mut self) -> Result<()> {
        self.suspended += 1;
        Ok(())
    }
    fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.raw.extend_from_slice(bytes);
        Ok(())
    }
}

fn settings() -> Settings {
    Settings {
        launch: Launch::Eval,
        fields: vec![ListField::AccountIdPad, ListField::RoleName],
        instances: vec!["Default".into()],
        first_tag: String::new(),
        account_primary_tag: vec!["AccountAlias".into()],
    }
}

struct Harness {
    driver: Driver,
    state: State,
    screen: Recorded,
}

impl Harness {
    fn new(start: Roster, refreshes: Vec<Roster>) -> Harness {
        let backend = Arc::new(Scripted {
            rosters: Mutex::new(refreshes),
        });
        let mut driver = Driver::new(settings().fields, true, start, backend);
        driver.push(Msg::Resize(80, 13));
        Harness {
            driver,
            state: State::new(settings(), "Default".into(), 1_000),
            screen: Recorded::default(),
        }
    }

    fn send(&mut self, msg: Msg) -> Option<Outcome> {
        self.driver.push(msg);
        self.driver
            .drain(&mut self.state, &mut self.screen)
            .expect("drain")
    }

    /// Let background work and the matcher run until `done` holds (10 s at most).
    async fn until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            self.driver
                .drain(&mut self.state, &mut self.screen)
                .expect("drain");
            if done(&self.state) {
                return;
            }
            let wait = self.driver.next_background(&self.state, &mut self.screen);
            if tokio::time::timeout_at(deadline, wait).await.is_err() {
                panic!("timed out waiting until {what}");
            }
        }
    }
}

fn selected_arn(state: &State) -> Option<String> {
    state.selected.as_ref().map(|r| r.arn.to_string())
}

#[tokio::test]
async fn the_selected_role_is_selected_again_after_a_refresh_streams_in() {
    // Before: accounts 1..=40. After the refresh, 20 new accounts come first, so the role
    // that was selected moves down the list.
    let after = roster((100..120).chain(1..=40));
    let mut h = Harness::new(roster(1..=40), vec![after]);
    h.until("all 40 roles are matched", |s| {
        s.matches.total == 40 && !s.matches.running && s.matches.matched == 40
    })
    .await;
    for _ in 0..25 {
        h.send(Msg::Key(KeyResult::Action(Action::Down)));
    }
    let chosen = selected_arn(&h.state).expect("a role is selected");
    assert_eq!(chosen, "arn:aws:iam::000000000026:role/Admin");

    h.send(Msg::Key(KeyResult::Action(Action::Refresh)));
    h.until("the refreshed roster is in and the role reselected", |s| {
        s.matches.total == 60
            && !s.matches.running
            && s.refresh == crate::tui::state::Refresh::Idle
            && s.cursor != 25
    })
    .await;
    assert_eq!(selected_arn(&h.state).as_deref(), Some(chosen.as_str()));
    assert_eq!(h.state.cursor, 45, "20 new roles now come before it");
    assert!(h.state.cursor >= h.state.offset);
    assert!(h.state.cursor < h.state.offset + u32::from(h.state.list_height()));
    assert_eq!(h.state.session_expires, Some(9_999));
    assert_eq!(
        h.state.recent.len(),
        0,
        "no role of the new roster was used"
    );
}

#[tokio::test]
async fn suspend_and_osc52_copies_go_through_the_screen() {
    let mut h = Harness::new(roster(1..=3), Vec::new());
    h.until("the roles are matched", |s| {
        s.matches.matched == 3 && s.selected.is_some()
    })
    .await;
    h.state.dirty = false;
    h.send(Msg::Key(KeyResult::Action(Action::Suspend)));
    assert_eq!(h.screen.suspended, 1);
    assert!(h.state.dirty, "the picker draws itself again after `fg`");

    h.send(Msg::Key(KeyResult::Action(Action::CopyArn)));
    h.until("the copy is reported", |s| s.status.is_some())
        .await;
    assert_eq!(h.screen.raw, b"\x1b]52;c;eA==\x07");
    let status = h.state.status.as_ref().map(|s| s.text.clone());
    assert_eq!(status.as_deref(), Some("copied the ARN"));
}

#[tokio::test]
async fn accepting_a_role_ends_the_driver_with_it() {
    let mut h = Harness::new(roster(7..=9), Vec::new());
    h.until("the roles are matched", |s| s.selected.is_some())
        .await;
    h.send(Msg::Key(KeyResult::Action(Action::Down)));
    let outcome = h.send(Msg::Key(KeyResult::Action(Action::Accept)));
    match outcome {
        Some(Outcome::Chosen { role, .. }) => {
            assert_eq!(role.arn.to_string(), "arn:aws:iam::000000000008:role/Admin")
        }
        other => panic!("expected a chosen role, got {other:?}"),
    }
}
