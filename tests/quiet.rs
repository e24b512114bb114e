//! Quiet by default: a command that succeeds prints nothing on stderr at the default level
//! beyond what was asked for — with the cleartext json store, a missing `$AWS_CONFIG_FILE`
//! (which the AWS SDK warns about) and a browser that opens. `login` shows its URL notice and
//! the one known insecure setting; the picker never has log lines drawn over it; `cache` says
//! one line when nothing changed and shows the right account total from the start.

mod common;

use std::time::{Duration, Instant};

use aws_sso_emulator::{EmulatorConfig, Org};
use common::emulated::{Setup, setup};
use common::tmux::{self, Tmux};
use common::{ok, stderr};

fn org() -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(3, 2, 9),
        ..EmulatorConfig::default()
    }
}

/// Run and return stdout, asserting success and an empty stderr.
#[track_caller]
fn quiet(s: &Setup, args: &[&str]) -> String {
    quiet_cmd(s.cmd().args(args), args)
}

#[track_caller]
fn quiet_cmd(cmd: &mut std::process::Command, args: &[&str]) -> String {
    let out = cmd.output().expect("run aws-sso");
    let err = stderr(&out);
    let text = ok(out);
    assert_eq!(err, "", "`aws-sso {}` wrote on stderr", args.join(" "));
    text
}

#[test]
fn every_happy_path_is_silent_on_stderr() {
    let s = setup(org(), "");
    let login = s.run(&["login"]);
    let said = stderr(&login);
    ok(login);
    // login: the browser notice, the insecure store said once, and the outcome. Nothing else
    // (no SDK warnings, no "Opening URL", no "Waiting…", no role count).
    let lines: Vec<&str> = said.lines().filter(|l| !l.trim().is_empty()).collect();
    let insecure = lines
        .iter()
        .filter(|l| l.contains("Using insecure json file for SecureStore"))
        .count();
    assert_eq!(insecure, 1, "{said}");
    for line in &lines {
        let expected = line.contains("insecure json")
            || line.starts_with("Opening the login page")
            || line.starts_with("http://127.0.0.1")
            || line.contains("Logged in to SSO instance 'Default'");
        assert!(
            expected,
            "unexpected line {line:?} in login's stderr:\n{said}"
        );
    }

    let (arn, profile) = s.first_role();
    let p = profile.as_str();
    let listed = quiet(&s, &["list"]);
    assert!(listed.contains(&profile), "{listed}");
    quiet(&s, &["list", "--csv", "Profile"]);
    quiet(&s, &["tags"]);
    let exports = quiet(&s, &["eval", "-p", p]);
    assert!(exports.contains("AWS_ACCESS_KEY_ID"), "{exports}");
    quiet(&s, &["eval", "--arn", &arn]);
    quiet(&s, &["eval", "--clear"]);
    quiet(&s, &["exec", "-p", p, "--", "true"]);
    let json = quiet(&s, &["process", "-p", p]);
    assert!(json.starts_with("{\"Version\":1"), "{json}");
    // What the shell helper passes.
    quiet(&s, &["-L", "error", "process", "--arn", &arn]);
    let creds = quiet_cmd(
        s.cmd()
            .env_remove("AWS_SHARED_CREDENTIALS_FILE")
            .args(["credentials", "-p", p]),
        &["credentials"],
    );
    assert!(creds.contains(&format!("[{profile}]")), "{creds}");
    let file = s.home.path().join("creds");
    quiet(&s, &["credentials", "-p", p, "-f", file.to_str().unwrap()]);
    // The fake browser opens the console: one URL, nothing said about it.
    quiet(&s, &["console", "-p", p]);
    let time = quiet_cmd(
        s.cmd()
            .env("AWS_SSO_SESSION_EXPIRATION", "2999-01-01T00:00:00Z")
            .arg("time"),
        &["time"],
    );
    assert!(!time.is_empty());
    let cached = quiet(&s, &["cache"]);
    assert_eq!(cached, "6 roles, no changes\n");
    quiet(&s, &["setup", "profiles", "--print"]);
    let wrote = quiet(&s, &["setup", "profiles", "--force"]);
    assert!(wrote.contains("no-aws-config"), "says which file: {wrote}");
    quiet(&s, &["version"]);
    quiet(&s, &["logout"]);
}

#[test]
fn the_picker_has_nothing_printed_over_it_or_left_behind() {
    assert!(tmux::available());
    let s = setup(org(), "").logged_in();
    let t = Tmux::start(
        &format!("{}; echo EXIT=$?; sleep 30", env!("CARGO_BIN_EXE_aws-sso")),
        &s.env(),
        120,
        30,
    );
    let screen = t.wait_for("the picker", 20, |sc| sc.contains(" 6/6"));
    assert!(!screen.contains("WARN"), "{screen}");
    t.keys(&["Escape"]);
    let screen = t.wait_for("the exit", 10, |sc| sc.contains("EXIT="));
    assert!(!screen.contains("WARN"), "{screen}");
}

#[test]
fn the_refresh_progress_total_is_right_from_the_start() {
    assert!(tmux::available());
    // Three pages of accounts, slow enough that the listing takes a while.
    let s = setup(
        EmulatorConfig {
            org: Org::synthetic(210, 1, 4),
            latency: Duration::from_millis(60),
            ..EmulatorConfig::default()
        },
        "",
    )
    .logged_in();
    let t = Tmux::start(
        &format!(
            "{} cache; echo EXIT=$?; sleep 60",
            env!("CARGO_BIN_EXE_aws-sso")
        ),
        &s.env(),
        120,
        10,
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut totals = Vec::new();
    let last = loop {
        let screen = t.screen();
        for line in screen.lines() {
            if let Some(total) = line
                .split_whitespace()
                .find_map(|w| w.split_once('/').map(|(_, t)| t.to_string()))
                .filter(|_| line.contains(" accounts ("))
            {
                totals.push(total);
            }
        }
        if screen.contains("EXIT=") {
            break screen;
        }
        assert!(Instant::now() < deadline, "still running:\n{screen}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!totals.is_empty(), "no progress bar seen");
    totals.dedup();
    assert_eq!(totals, ["210"], "the totals shown, in order");
    assert!(last.contains("210 roles, no changes"), "{last}");
}
