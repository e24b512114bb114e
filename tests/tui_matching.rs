//! The picker's narrowing, end to end: the real binary in tmux over the demo organisation
//! (300 accounts x 4 roles), the counter and the rows read off the screen as typed.

mod common;

use aws_sso_emulator::{EmulatorConfig, Org};
use common::emulated::setup;
use common::tmux::{self, Tmux};

const EXE: &str = env!("CARGO_BIN_EXE_aws-sso");
const TOTAL: usize = 1200;

/// The matched count in the counter at the top right (`12/1200`).
fn count(screen: &str) -> Option<usize> {
    let first = screen.lines().next()?;
    let (n, total) = first.split_whitespace().last()?.split_once('/')?;
    (total == TOTAL.to_string()).then(|| n.parse().ok())?
}

/// Type `text`, then wait until the counter reads the same twice 300 ms apart.
fn type_and_settle(t: &Tmux, text: &str) -> (usize, String) {
    t.type_text(text);
    let mut last: Option<usize> = None;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let screen = t.screen();
        let now = count(&screen);
        if now.is_some() && now == last {
            return (now.unwrap_or_default(), screen);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the counter never settled:\n{screen}"
        );
        last = now;
    }
}

/// The result rows on screen (those with an account id first).
fn rows(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .skip(1)
        .filter(|l| {
            let l = l.trim_start_matches(['▶', ' ']);
            l.len() > 12 && l.as_bytes()[..12].iter().all(u8::is_ascii_digit)
        })
        .collect()
}

#[test]
fn a_second_term_narrows_and_anchors_follow_smart_case_in_the_demo_org() {
    if !tmux::available() {
        return;
    }
    let s = setup(
        EmulatorConfig {
            org: Org::synthetic(300, 4, 42),
            ..EmulatorConfig::default()
        },
        "",
    )
    .logged_in();
    let t = Tmux::start(
        &format!("{EXE} eval --shell bash > /dev/null"),
        &s.env(),
        160,
        60,
    );
    t.wait_for("the picker with every role", 30, |sc| {
        count(sc) == Some(TOTAL) && !rows(sc).is_empty()
    });

    let (web_dev, _) = type_and_settle(&t, "web-dev");
    let (web_dev_adm, screen) = type_and_settle(&t, " adm");
    assert!(
        web_dev_adm > 0 && web_dev_adm < web_dev,
        "`web-dev adm` ({web_dev_adm}) narrows `web-dev` ({web_dev}):\n{screen}"
    );
    let shown = rows(&screen);
    assert_eq!(shown.len(), web_dev_adm, "{screen}");
    for row in shown {
        assert!(
            row.contains("-web") && row.contains("Administrator"),
            "only web accounts' administrator roles: {row}\n{screen}"
        );
    }

    t.keys(&["C-u"]);
    let (data, screen) = type_and_settle(&t, "^Data");
    assert!(data > 0, "^Data finds the Data… roles:\n{screen}");
    for row in rows(&screen) {
        assert!(
            row.contains(" DataScientist ") || row.contains(" DatabaseAdministrator "),
            "{row}"
        );
    }
    t.keys(&["C-u"]);
    let (access, screen) = type_and_settle(&t, "Access$");
    assert!(access > 0, "Access$ finds the …Access roles:\n{screen}");
    t.keys(&["Escape"]);
}
