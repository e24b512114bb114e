//! The picker in every mode, end to end: the real binary run from an interactive bash in tmux
//! (the way people type `eval "$(aws-sso eval)"`), logged in to the emulator. Ctrl-Z with and
//! without job control, a login started by Enter when the session has ended, the region key
//! and `-` for the previous role; stdout must only ever hold the exports.

mod common;

use std::path::PathBuf;

use aws_sso_emulator::{EmulatorConfig, Org};
use common::emulated::{Setup, setup};
use common::ok;
use common::tmux::{self, Tmux};

const EXE: &str = env!("CARGO_BIN_EXE_aws-sso");

fn org() -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(3, 2, 5),
        ..EmulatorConfig::default()
    }
}

/// The n-th cached role (ARN, profile), in `list` order.
fn nth_role(s: &Setup, n: usize) -> (String, String) {
    let out = ok(s.run(&["list", "--csv", "Arn,Profile"]));
    let line = out.lines().nth(n).expect("enough roles").to_string();
    let (arn, profile) = line.split_once(',').unwrap();
    (arn.to_string(), profile.to_string())
}

/// An interactive bash (job control on) in a `w`x`h` pane, in a fresh directory `dir`, with
/// `aws-sso` on PATH.
fn bash(s: &Setup, w: u16, h: u16) -> (Tmux, PathBuf) {
    let dir = tempfile::tempdir().unwrap().keep();
    let bin = std::path::Path::new(EXE)
        .parent()
        .unwrap()
        .display()
        .to_string();
    let mut env = s.env();
    for (k, v) in env.iter_mut() {
        if k == "PATH" {
            *v = format!("{bin}:{v}");
        }
    }
    env.push(("PS1".into(), "$ ".into()));
    let t = Tmux::start(
        &format!("cd '{}' && exec bash --norc --noprofile -i", dir.display()),
        &env,
        w,
        h,
    );
    t.wait_for("the prompt", 10, |sc| sc.trim_end().ends_with('$'));
    (t, dir)
}

fn picker_up(t: &Tmux, total: usize) -> String {
    t.wait_for("the picker with every role", 20, |screen| {
        screen.contains(&format!(" {total}/{total}"))
    })
}

/// Run `command` in the pane's bash, wait for the picker over the six roles and type
/// `profile` until it is the one match.
fn run_and_find(t: &Tmux, command: &str, profile: &str) {
    t.type_text(command);
    t.keys(&["Enter"]);
    picker_up(t, 6);
    t.type_text(profile);
    t.wait_for("one match", 10, |sc| sc.contains(" 1/6"));
}

/// Every line of `out` is an `export` statement.
fn only_exports(out: &str) {
    assert!(!out.is_empty(), "no exports at all");
    for line in out.lines() {
        assert!(
            line.starts_with("export "),
            "not an export: {line:?}\n{out}"
        );
    }
}

#[test]
fn ctrl_z_under_eval_gives_a_shell_and_the_exports_stay_clean() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let (arn, profile) = nth_role(&s, 3);
    let (t, dir) = bash(&s, 120, 30);
    // What `eval "$(aws-sso eval)"` would run is kept in `out` too.
    run_and_find(
        &t,
        "out=\"$(aws-sso eval --shell bash)\"; printf '%s\\n' \"$out\" > out; eval \"$out\"; echo \"$?|$AWS_SSO_ROLE_ARN|${AWS_SECRET_ACCESS_KEY:+secret}\" > result",
        &profile,
    );
    t.keys(&["C-z"]);
    // Inside $(…) no shell can `fg` the picker: it gives a shell of its own instead.
    t.wait_for("the picker's shell", 10, |sc| {
        sc.contains("`exit` returns to")
    });
    t.type_text("echo inside-$((6*7))");
    t.keys(&["Enter"]);
    t.wait_for("the shell at work", 10, |sc| sc.contains("inside-42"));
    t.type_text("exit");
    t.keys(&["Enter"]);
    // Back with the query as it was.
    t.wait_for("the picker again", 10, |sc| {
        sc.contains(" 1/6") && sc.contains(&profile)
    });
    t.keys(&["Enter"]);
    assert_eq!(
        t.wait_file(&dir.join("result"), 20),
        format!("0|{arn}|secret\n")
    );
    only_exports(&std::fs::read_to_string(dir.join("out")).unwrap());
}

#[test]
fn ctrl_z_then_fg_resumes_the_picker_as_a_job() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let (arn, profile) = nth_role(&s, 2);
    let (t, dir) = bash(&s, 120, 30);
    run_and_find(&t, "aws-sso eval --shell bash > out", &profile);
    t.keys(&["C-z"]);
    t.wait_for("the stopped job", 10, |sc| sc.contains("Stopped"));
    assert_eq!(
        t.display("#{alternate_on}"),
        "0",
        "the shell has its screen back"
    );
    t.type_text("fg; echo $? > rc");
    t.keys(&["Enter"]);
    t.wait_for("the picker again", 10, |sc| {
        sc.contains(" 1/6") && sc.contains(&profile)
    });
    t.keys(&["Enter"]);
    assert_eq!(t.wait_file(&dir.join("rc"), 20), "0\n");
    let out = std::fs::read_to_string(dir.join("out")).unwrap();
    only_exports(&out);
    assert!(out.contains(&format!("AWS_SSO_ROLE_ARN='{arn}'")), "{out}");
}

#[test]
fn enter_after_the_session_ended_logs_in_inside_the_picker_and_runs_the_action() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let (arn, profile) = nth_role(&s, 4);
    let logins = s.home.path().join("bin/xdg-open.log");
    let before = std::fs::read_to_string(&logins)
        .unwrap_or_default()
        .lines()
        .count();
    // Signed out on the server's side: the stored token looks fine but is refused.
    s.emu.revoke_all_tokens();
    let (t, dir) = bash(&s, 120, 30);
    run_and_find(
        &t,
        "aws-sso eval --shell bash > out; echo $? > rc",
        &profile,
    );
    t.keys(&["Enter"]);
    assert_eq!(t.wait_file(&dir.join("rc"), 30), "0\n", "{}", t.screen());
    let out = std::fs::read_to_string(dir.join("out")).unwrap();
    only_exports(&out);
    assert!(out.contains(&format!("AWS_SSO_ROLE_ARN='{arn}'")), "{out}");
    let after = std::fs::read_to_string(&logins)
        .unwrap_or_default()
        .lines()
        .count();
    assert_eq!(after, before + 1, "one login through the browser");
    // The new session is stored: the next command needs no login.
    ok(s.run(&["list"]));
}

#[test]
fn dash_picks_the_role_used_before_the_current_one_in_the_picker_and_on_the_command_line() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let (before, before_profile) = nth_role(&s, 1);
    let (current, current_profile) = nth_role(&s, 4);
    let err = common::fails(s.run(&["eval", "--shell", "bash", "-"]));
    assert!(err.contains("`-` needs two roles in the History"), "{err}");
    ok(s.run(&["eval", "--shell", "bash", "--profile", &before_profile]));
    // History stamps are in seconds: the two uses must not share one.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(s.run(&["eval", "--shell", "bash", "--profile", &current_profile]));

    let (t, dir) = bash(&s, 120, 30);
    t.type_text("aws-sso eval --shell bash > out; echo $? > rc");
    t.keys(&["Enter"]);
    picker_up(&t, 6);
    t.type_text("-");
    t.wait_for("the previous role", 10, |sc| sc.contains("previous role:"));
    t.keys(&["Enter"]);
    assert_eq!(t.wait_file(&dir.join("rc"), 20), "0\n", "{}", t.screen());
    let out = std::fs::read_to_string(dir.join("out")).unwrap();
    assert!(
        out.contains(&format!("AWS_SSO_ROLE_ARN='{before}'")),
        "{out}"
    );

    // Now `before` is the current role: `-` on the command line goes back to the other one,
    // for `eval` and for `exec` (whose command follows the `-`).
    let out = ok(s.run(&["eval", "--shell", "bash", "-"]));
    assert!(
        out.contains(&format!("AWS_SSO_ROLE_ARN='{current}'")),
        "{out}"
    );
    let out = ok(s.run(&["exec", "-", "sh", "-c", "echo \"$AWS_SSO_ROLE_ARN\""]));
    assert_eq!(out.trim(), before);
}

#[test]
fn the_region_key_picks_the_region_the_exports_and_the_shell_get() {
    if !tmux::available() {
        return;
    }
    // A press moves on from the role's DefaultRegion (none here) to the first region.
    let s = setup(org(), "").logged_in();
    let (arn, profile) = nth_role(&s, 2);
    let (t, dir) = bash(&s, 120, 30);
    run_and_find(
        &t,
        "aws-sso eval --shell bash > out; echo $? > rc",
        &profile,
    );
    t.keys(&["M-r"]);
    t.wait_for("the picked region in the details", 10, |sc| {
        sc.contains("Region: af-south-1 (picked)")
    });
    t.keys(&["Enter"]);
    assert_eq!(t.wait_file(&dir.join("rc"), 20), "0\n", "{}", t.screen());
    let out = std::fs::read_to_string(dir.join("out")).unwrap();
    only_exports(&out);
    assert!(out.contains(&format!("AWS_SSO_ROLE_ARN='{arn}'")), "{out}");
    assert!(out.contains("AWS_DEFAULT_REGION='af-south-1'"), "{out}");
    // The same through exec: the shell it starts has the picked region.
    run_and_find(
        &t,
        "clear; aws-sso exec -- sh -c 'echo \"region=$AWS_REGION\" > exec-out'",
        &profile,
    );
    t.keys(&["M-r", "M-r"]);
    t.wait_for("the second region", 10, |sc| {
        sc.contains("Region: ap-east-1 (picked")
    });
    t.keys(&["Enter"]);
    assert_eq!(t.wait_file(&dir.join("exec-out"), 20), "region=ap-east-1\n");
}

#[test]
fn before_typing_the_most_used_role_comes_first_not_only_the_last_used() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let (a, c, b) = (nth_role(&s, 5).1, nth_role(&s, 3).1, nth_role(&s, 4).1);
    // A three times, C twice, B once and last.
    for p in [&a, &c, &a, &c, &a, &b] {
        ok(s.run(&["eval", "--shell", "bash", "--profile", p]));
    }
    let (t, _dir) = bash(&s, 160, 30);
    t.type_text("aws-sso eval --shell bash > out");
    t.keys(&["Enter"]);
    let screen = picker_up(&t, 6);
    let rows: Vec<&str> = screen.lines().skip(2).take(3).collect();
    // The Profile column is left out (it only repeats `alias:role`): find both halves.
    for (row, profile) in rows.iter().zip([&a, &c, &b]) {
        let (alias, role) = profile.split_once(':').unwrap();
        assert!(
            row.contains(&format!(" {alias} ")) && row.contains(&format!(" {role} ")),
            "{profile} expected in {row}\n{screen}"
        );
    }
    t.keys(&["Escape"]);
}
