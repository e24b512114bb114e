//! The picker end to end: the real binary in a real terminal (tmux), logged in to the
//! emulator, driven by keystrokes and read back from the screen, the captured stdout, the
//! exit status, the X clipboard (Xvfb + xclip) and the fake browser's log.

mod common;

use std::process::{Child, Command, Stdio};

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

/// Run `args` in a 120x30 pane with stdout to `out`, the exit status to `rc`.
fn start(s: &Setup, args: &str, extra_env: &[(&str, &str)], w: u16, h: u16) -> Tmux {
    let mut env = s.env();
    env.extend(
        extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    // The pane makes its own directory for `out` and `rc` and says where (`~/dir`). Plain
    // `aws-sso` only opens the picker when stdout is the terminal too, so it keeps its stdout.
    let redirect = if args.is_empty() { "" } else { " > out" };
    let script = format!("cd \"$T\" && {EXE} {args}{redirect}; echo $? > rc");
    Tmux::start(
        &format!(
            "T=\"$(mktemp -d)\"; echo \"$T\" > {}/dir; {script}",
            s.home.path().display()
        ),
        &env,
        w,
        h,
    )
}

fn pane_dir(s: &Setup) -> std::path::PathBuf {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Ok(text) = std::fs::read_to_string(s.home.path().join("dir"))
            && text.ends_with('\n')
        {
            return text.trim().into();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the pane never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn picker_up(t: &Tmux, total: usize) -> String {
    t.wait_for("the picker with every role", 20, |screen| {
        screen.contains(&format!(" {total}/{total}"))
    })
}

#[test]
fn eval_picks_the_typed_role_and_prints_exports_bash_can_source() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let (arn, profile) = nth_role(&s, 3);
    let t = start(&s, "eval --shell bash", &[], 120, 30);
    picker_up(&t, 6);
    t.type_text(&profile);
    let screen = t.wait_for("one match", 10, |sc| sc.contains(" 1/6"));
    assert!(screen.contains(&profile), "{screen}");
    t.keys(&["Enter"]);
    let dir = pane_dir(&s);
    assert_eq!(t.wait_file(&dir.join("rc"), 20), "0\n");
    let exports = std::fs::read_to_string(dir.join("out")).unwrap();
    assert!(exports.contains("AWS_SECRET_ACCESS_KEY="), "{exports}");
    let seen = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {}/out && echo \"$AWS_SSO_ROLE_ARN|$AWS_SSO_PROFILE\"",
            dir.display()
        ))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&seen.stdout).trim(),
        format!("{arn}|{profile}")
    );
    assert_eq!(
        t.display("#{alternate_on}"),
        "0",
        "the alternate screen was left"
    );
}

#[test]
fn escape_and_ctrl_c_cancel_with_130_and_nothing_on_stdout() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    for key in ["Escape", "C-c"] {
        let _ = std::fs::remove_file(s.home.path().join("dir"));
        let t = start(&s, "eval --shell bash", &[], 100, 24);
        picker_up(&t, 6);
        t.type_text("adm");
        t.keys(&[key]);
        let dir = pane_dir(&s);
        assert_eq!(t.wait_file(&dir.join("rc"), 20), "130\n", "{key}");
        assert_eq!(
            std::fs::read_to_string(dir.join("out")).unwrap(),
            "",
            "{key}: stdout stays empty"
        );
        assert_eq!(
            t.display("#{alternate_on}"),
            "0",
            "{key}: the alternate screen was left"
        );
        let screen = t.screen();
        assert!(
            !screen.contains("/6"),
            "{key}: the picker is gone from the screen:\n{screen}"
        );
    }
}

#[test]
fn the_picker_starts_from_cache_json_alone_and_from_the_snapshot_it_leaves() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let cache = s.home.config_dir().join("cache.json");
    let bin = s.home.config_dir().join("cache.bin");
    let template = aws_sso::config::DEFAULT_PROFILE_FORMAT;
    // As after aws-sso-cli wrote the cache: no snapshot, so the catalog is loaded and the
    // names rendered; then the snapshot with them makes the next start the fast one.
    std::fs::remove_file(&bin).unwrap();
    let (_, profile) = nth_role(&s, 4);
    std::fs::remove_file(&bin).unwrap();
    for round in ["cold", "warm"] {
        let _ = std::fs::remove_file(s.home.path().join("dir"));
        let t = start(&s, "eval --shell bash", &[], 100, 24);
        picker_up(&t, 6);
        t.type_text(&profile);
        t.wait_for("the typed profile alone", 10, |screen| {
            screen.contains(" 1/6")
        });
        t.keys(&["Enter"]);
        let dir = pane_dir(&s);
        assert_eq!(t.wait_file(&dir.join("rc"), 20), "0\n", "{round}");
        let out = std::fs::read_to_string(dir.join("out")).unwrap();
        assert!(
            out.contains(&format!("AWS_SSO_PROFILE={profile}"))
                || out.contains(&format!("AWS_SSO_PROFILE='{profile}'"))
                || out.contains(&format!("AWS_SSO_PROFILE=\"{profile}\"")),
            "{round}: {out}"
        );
        assert!(
            aws_sso::roster::from_snapshot(&cache, template, &["Default"]).is_some(),
            "{round}: cache.bin holds the names for the next start"
        );
    }
}

#[test]
fn resizing_redraws_the_layout_for_the_new_size() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let t = start(&s, "eval --shell bash", &[], 140, 30);
    picker_up(&t, 6);
    // The whole first frame (tmux may show it half-drawn for a moment).
    t.wait_for("the panes beside the list", 10, |sc| {
        sc.contains("Expiry") && sc.contains("History")
    });
    t.resize(60, 15);
    let narrow = t.wait_for("the narrow layout", 10, |sc| {
        !sc.contains("Expiry") && sc.contains("/6")
    });
    assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
    t.resize(140, 30);
    t.wait_for("the panes again", 10, |sc| sc.contains("Expiry"));
    t.keys(&["Escape"]);
    assert_eq!(t.wait_file(&pane_dir(&s).join("rc"), 20), "130\n");
}

#[test]
fn the_console_opens_through_xdg_open_for_the_chosen_role() {
    if !tmux::available() {
        return;
    }
    let s = setup(org(), "").logged_in();
    let (_, profile) = nth_role(&s, 1);
    let t = start(&s, "console", &[], 120, 30);
    picker_up(&t, 6);
    t.type_text(&profile);
    t.wait_for("one match", 10, |sc| sc.contains(" 1/6"));
    t.keys(&["Enter"]);
    assert_eq!(
        t.wait_file(&pane_dir(&s).join("rc"), 30),
        "0\n",
        "{}",
        t.screen()
    );
    // The browser is started detached, so its log line may come just after aws-sso exits.
    let log_path = s.home.path().join("bin/xdg-open.log");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let console = loop {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        if let Some(line) = log.lines().find(|l| l.contains("Action=login")) {
            break line.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the console was never opened: {log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(console.contains("SigninToken="), "{console}");
}

/// An X server of our own for the clipboard test.
struct Xvfb {
    child: Child,
    display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn xvfb() -> Option<Xvfb> {
    let have = |p: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {p}"))
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(
        have("Xvfb") && have("xclip"),
        "Xvfb and xclip are required for the clipboard test: run `bash .ci/setup`"
    );
    let display = format!(":{}", 50 + std::process::id() % 400);
    let child = Command::new("Xvfb")
        .args([
            display.as_str(),
            "-nolisten",
            "tcp",
            "-screen",
            "0",
            "640x480x24",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let x = Xvfb { child, display };
    for _ in 0..100 {
        let up = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &x.display)
            .stderr(Stdio::null())
            .output();
        // xclip fails with "Error: target STRING not available" once the server is up.
        if up.is_ok_and(|o| !String::from_utf8_lossy(&o.stderr).contains("Can't open display")) {
            return Some(x);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    None
}

#[test]
fn plain_aws_sso_copies_the_arn_to_the_x_clipboard_from_its_menu() {
    if !tmux::available() {
        return;
    }
    let Some(x) = xvfb() else { return };
    let s = setup(org(), "").logged_in();
    let (arn, profile) = nth_role(&s, 2);
    let t = start(&s, "", &[("DISPLAY", x.display.as_str())], 120, 30);
    picker_up(&t, 6);
    t.type_text(&profile);
    t.wait_for("one match", 10, |sc| sc.contains(" 1/6"));
    t.keys(&["Enter"]);
    t.wait_for("the action menu", 10, |sc| sc.contains("What now?"));
    t.type_text("6");
    t.wait_for("the copy", 10, |sc| sc.contains("copied the ARN"));
    t.keys(&["Escape"]);
    assert_eq!(t.wait_file(&pane_dir(&s).join("rc"), 20), "130\n");
    // The picker is gone; the clipboard still holds the ARN.
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", &x.display)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), arn);
}

#[test]
fn the_demo_opens_the_picker_and_the_chosen_role_runs_against_its_emulator() {
    if !tmux::available() {
        return;
    }
    // README's first command, from a fresh HOME: its own emulator, login and cache, then the
    // picker; Enter, then "Print the exports" fetches the role's credentials from the emulator.
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("HOME".to_string(), home.path().display().to_string()),
        ("TERM".to_string(), "xterm-256color".to_string()),
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
    ];
    let t = Tmux::start(
        &format!("{EXE} demo --accounts 4 --roles 3; echo \"demo exit $?\""),
        &env,
        120,
        30,
    );
    t.wait_for("the picker over the demo organisation", 60, |screen| {
        screen.contains(" 12/12") && screen.contains("acme-")
    });
    t.type_text("billing");
    t.wait_for("the Billing roles", 10, |screen| screen.contains(" 4/12"));
    t.keys(&["Enter"]);
    t.wait_for("the action menu", 10, |screen| screen.contains("What now?"));
    let item = aws_sso::tui::state::MENU
        .iter()
        .position(|m| *m == aws_sso::tui::state::MenuItem::Run(aws_sso::tui::state::Choice::Eval))
        .unwrap();
    t.type_text(&(item + 1).to_string());
    let screen = t.wait_for("the exports and the demo's exit", 30, |screen| {
        screen.contains("demo exit ")
    });
    assert!(screen.contains("demo exit 0"), "{screen}");
    assert!(
        screen.contains("export AWS_ACCESS_KEY_ID='ASIA"),
        "{screen}"
    );
    assert!(
        screen.contains("export AWS_SSO_ROLE_NAME='Billing'"),
        "{screen}"
    );
    // The person's own HOME is untouched: the demo keeps its files in a directory of its own.
    assert!(!home.path().join(".aws-sso").exists());
}

#[test]
fn at_120x40_the_demos_longest_alias_and_role_name_are_never_cut() {
    if !tmux::available() {
        return;
    }
    // The names `aws-sso demo` serves (its default organisation: 300 accounts, 4 roles, seed 42).
    let org = Org::synthetic(300, 4, 42);
    let alias = org
        .accounts()
        .iter()
        .map(|a| a.name.clone())
        .max_by_key(|n| n.len())
        .unwrap();
    let role = org
        .accounts()
        .iter()
        .flat_map(|a| a.roles.iter().cloned())
        .max_by_key(|n| n.len())
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("HOME".to_string(), home.path().display().to_string()),
        ("TERM".to_string(), "xterm-256color".to_string()),
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
    ];
    let t = Tmux::start(&format!("{EXE} demo"), &env, 120, 40);
    t.wait_for("the picker over the demo organisation", 60, |screen| {
        screen.contains(" 1200/1200") && screen.contains("Expiry")
    });
    for name in [&alias, &role] {
        t.keys(&["C-u"]);
        t.type_text(&format!("'{name}"));
        // The first list row (below the query and the header) holds the name whole: followed
        // by the gap to the next column or the end of the list, not by an ellipsis.
        let screen = t.wait_for(name, 10, |screen| {
            screen
                .lines()
                .nth(2)
                .is_some_and(|row| row.starts_with('▶') && row.contains(name.as_str()))
        });
        let row = screen.lines().nth(2).unwrap();
        assert!(
            row.contains(&format!("{name} ")) && !row.contains(&format!("{name}…")),
            "{name} is cut:\n{screen}"
        );
        assert!(
            screen.contains("┌ Role"),
            "the side pane is beside the list at 120 columns:\n{screen}"
        );
    }
    t.keys(&["Escape"]);
}

#[test]
fn copied_exports_leave_the_x_clipboard_after_the_clear_time() {
    if !tmux::available() {
        return;
    }
    let Some(x) = xvfb() else { return };
    let s = setup(org(), "ClipboardClearSeconds: 600\n").logged_in();
    let (_, profile) = nth_role(&s, 2);
    // The variable wins over config.yaml.
    let env = [
        ("DISPLAY", x.display.as_str()),
        ("AWS_SSO_CLIPBOARD_CLEAR", "2"),
    ];
    let t = start(&s, "", &env, 120, 30);
    picker_up(&t, 6);
    t.type_text(&profile);
    t.wait_for("one match", 10, |sc| sc.contains(" 1/6"));
    t.keys(&["C-y"]);
    t.wait_for("the copy and when it goes", 20, |sc| {
        sc.contains("copied the exports; cleared in 2 s")
    });
    let clipboard = || {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &x.display)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(clipboard().contains("AWS_SECRET_ACCESS_KEY"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while clipboard().contains("AWS_SECRET_ACCESS_KEY") {
        assert!(
            std::time::Instant::now() < deadline,
            "the secret is still on the clipboard"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    t.keys(&["Escape"]);
    assert_eq!(t.wait_file(&pane_dir(&s).join("rc"), 20), "130\n");
}
