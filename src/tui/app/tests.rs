//! The picker driven headless: the real [`Driver`] (matcher, effect runner, background
//! tasks) and the real `update`, with a scripted backend and a screen that records what it is
//! asked to do. No terminal, no clock.

use std::sync::Mutex;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use super::*;
use crate::app::picker::{BackendResult, PickerError, Readiness};
use crate::cache::{Tags, Text};
use crate::roster::PickRole;
use crate::tui::action::Action;
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

/// Refreshes hand out the queued rosters, one each; `prepare` says what `readiness` holds
/// (ready when empty) and a login succeeds when `login_expires` is set.
#[derive(Default)]
struct Scripted {
    rosters: Mutex<Vec<Roster>>,
    readiness: Mutex<Vec<BackendResult<Readiness>>>,
    login_expires: Option<i64>,
    prepared: Mutex<Vec<String>>,
}

impl PickerBackend for Scripted {
    fn refresh(&self) -> BoxFuture<'static, BackendResult<Refreshed>> {
        let next = self.rosters.lock().unwrap().pop();
        async move {
            let roster =
                next.ok_or_else(|| PickerError::Failed(anyhow::anyhow!("no refresh scripted")))?;
            Ok(Refreshed {
                roster,
                session_expires: Some(9_999),
                summary: "refreshed".into(),
            })
        }
        .boxed()
    }
    fn login(&self, show: UnboundedSender<String>) -> BoxFuture<'static, BackendResult<i64>> {
        let expires = self.login_expires;
        async move {
            let _ = show.send("Open https://example.test/device".into());
            expires.ok_or_else(|| PickerError::Failed(anyhow::anyhow!("no login here")))
        }
        .boxed()
    }
    fn prepare(&self, role: PickRole) -> BoxFuture<'static, BackendResult<Readiness>> {
        self.prepared.lock().unwrap().push(role.arn.to_string());
        let next = self.readiness.lock().unwrap().pop();
        async move { next.unwrap_or(Ok(Readiness::Ready)) }.boxed()
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
        Harness::with(
            start,
            Scripted {
                rosters: Mutex::new(refreshes),
                ..Scripted::default()
            },
        )
    }

    fn with(start: Roster, backend: Scripted) -> Harness {
        let backend = Arc::new(backend);
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

    /// Let background work run until the picker ends (10 s at most).
    async fn outcome(&mut self) -> Outcome {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(outcome) = self
                .driver
                .drain(&mut self.state, &mut self.screen)
                .expect("drain")
            {
                return outcome;
            }
            let wait = self.driver.next_background(&self.state, &mut self.screen);
            if tokio::time::timeout_at(deadline, wait).await.is_err() {
                panic!("timed out waiting for the picker to end");
            }
        }
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
    assert_eq!(
        status.as_deref(),
        Some("sent the ARN to the terminal's clipboard")
    );
}

#[tokio::test]
async fn accepting_a_role_ends_the_driver_with_it() {
    // Credentials cached for an hour: Enter ends the picker at once.
    let mut start = roster(7..=9);
    for r in &mut start.roles {
        r.expires = 1_000 + 3_600;
    }
    let mut h = Harness::new(start, Vec::new());
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

#[tokio::test]
async fn enter_after_the_session_ended_logs_in_and_then_runs_the_action() {
    let backend = Scripted {
        readiness: Mutex::new(vec![Ok(Readiness::NeedsLogin)]),
        login_expires: Some(50_000),
        ..Scripted::default()
    };
    let mut h = Harness::with(roster(7..=9), backend);
    h.until("the roles are matched", |s| s.selected.is_some())
        .await;
    for c in "000008".chars() {
        h.send(Msg::Key(KeyResult::Insert(c)));
    }
    h.until("one role left", |s| {
        s.matches.matched == 1 && s.selected.as_ref().is_some_and(|r| r.account_id == 8)
    })
    .await;
    assert_eq!(h.send(Msg::Key(KeyResult::Action(Action::Accept))), None);
    match h.outcome().await {
        Outcome::Chosen { role, choice, .. } => {
            assert_eq!(role.account_id, 8);
            assert_eq!(choice, crate::tui::state::Choice::Eval);
        }
        other => panic!("expected the chosen role, got {other:?}"),
    }
    assert_eq!(
        h.state.input.text(),
        "000008",
        "the query was kept throughout"
    );
    assert_eq!(h.state.session_expires, Some(50_000));
}

#[tokio::test]
async fn a_failed_login_keeps_the_picker_and_its_query() {
    let backend = Scripted {
        readiness: Mutex::new(vec![Ok(Readiness::NeedsLogin)]),
        ..Scripted::default()
    };
    let mut h = Harness::with(roster(7..=9), backend);
    h.until("the roles are matched", |s| s.selected.is_some())
        .await;
    h.send(Msg::Key(KeyResult::Insert('9')));
    h.send(Msg::Key(KeyResult::Action(Action::Accept)));
    h.until("the login fails", |s| {
        s.status
            .as_ref()
            .is_some_and(|st| st.text.contains("login failed"))
    })
    .await;
    assert!(h.state.pending.is_none());
    assert_eq!(h.state.input.text(), "9");
}
