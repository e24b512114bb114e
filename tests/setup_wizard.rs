//! The setup wizard on a real terminal (tmux), as a person meets it: a wrong start URL is
//! asked again, Ctrl-C aborts with nothing written, the first interactive command without a
//! config.yaml starts it; and `--yes` for scripts.

mod common;

use common::Home;
use common::tmux::{self, Tmux};

fn pane(home: &Home, script: &str) -> Tmux {
    assert!(tmux::available());
    let bin = env!("CARGO_BIN_EXE_aws-sso");
    let env = vec![
        ("HOME".to_string(), home.path().display().to_string()),
        ("NO_COLOR".to_string(), "1".to_string()),
        ("TERM".to_string(), "xterm-256color".to_string()),
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
    ];
    Tmux::start(&script.replace("@BIN@", bin), &env, 120, 40)
}

/// The last line on screen: where the wizard is waiting.
fn last_line(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

/// Wait until the wizard asks (the prompt is on the cursor's line), then answer.
fn answer(t: &Tmux, prompt: &str, text: &str) {
    t.wait_for(prompt, 10, |sc| {
        last_line(sc).contains(prompt)
            || (prompt != "Choice" && sc.contains(prompt) && last_line(sc).starts_with("Choice"))
    });
    t.type_text(text);
    t.keys(&["Enter"]);
}

#[test]
fn a_wrong_start_url_is_asked_again_and_the_confirmed_file_is_written() {
    let home = Home::new();
    let t = pane(
        &home,
        "@BIN@ setup wizard --offline; echo EXIT=$?; sleep 30",
    );
    answer(&t, "SSO start URL", "https://d-1234567890.awsapps.com/nope");
    t.wait_for("the error", 10, |sc| {
        sc.contains("is not an IAM Identity Center start URL")
    });
    answer(
        &t,
        "SSO start URL",
        "https://d-1234567890.awsapps.com/start",
    );
    answer(&t, "AWS partition", "1");
    answer(&t, "SSO region", "eu-west-1");
    answer(&t, "Default region", "");
    answer(&t, "What to do with login", "print");
    answer(&t, "Where to keep", "json");
    answer(&t, "Profile names", "2");
    t.wait_for("the preview", 10, |sc| sc.contains("Write this file?"));
    let screen = t.screen();
    assert!(
        screen.contains("StartUrl: https://d-1234567890.awsapps.com/start"),
        "{screen}"
    );
    t.type_text("y");
    t.keys(&["Enter"]);
    t.wait_for("the exit", 10, |sc| sc.contains("EXIT=0"));
    let text = std::fs::read_to_string(home.config_dir().join("config.yaml")).unwrap();
    assert!(text.contains("SSORegion: eu-west-1"), "{text}");
    // The file works: list says there is nothing cached yet (not a config error).
    let e = common::fails(home.run(&["list"]));
    assert!(e.contains("no cached roles"), "{e}");
}

#[test]
fn ctrl_c_aborts_and_writes_nothing() {
    let home = Home::new();
    let t = pane(&home, "exec @BIN@ setup wizard --offline");
    answer(
        &t,
        "SSO start URL",
        "https://d-1234567890.awsapps.com/start",
    );
    t.wait_for("the partition", 10, |sc| {
        last_line(sc).starts_with("Choice")
    });
    t.keys(&["C-c"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while t.display("#{pane_dead}") != "1" {
        assert!(
            std::time::Instant::now() < deadline,
            "still running: {}",
            t.screen()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!home.config_dir().join("config.yaml").exists());
    // Ctrl-D at a prompt: the same.
    let t = pane(
        &home,
        "@BIN@ setup wizard --offline; echo EXIT=$?; sleep 30",
    );
    t.wait_for("the prompt", 10, |sc| sc.contains("SSO start URL"));
    t.keys(&["C-d"]);
    let screen = t.wait_for("the exit", 10, |sc| sc.contains("EXIT=1"));
    assert!(
        screen.contains("setup wizard aborted: nothing was written"),
        "{screen}"
    );
    assert!(!home.config_dir().join("config.yaml").exists());
}

#[test]
fn the_first_interactive_command_without_a_config_starts_the_wizard() {
    let home = Home::new();
    let t = pane(&home, "@BIN@ list; echo EXIT=$?; sleep 30");
    let screen = t.wait_for("the wizard", 10, |sc| sc.contains("SSO start URL"));
    assert!(screen.contains("yet: let's write one"), "{screen}");
    // Without a terminal: one line that says how to write the file.
    let e = common::fails(home.run(&["list"]));
    assert!(e.contains("config.yaml"), "{e}");
    assert!(
        e.contains("run `aws-sso setup wizard`") && e.contains("--yes --start-url"),
        "{e}"
    );
}

#[test]
fn a_first_run_takes_enter_for_every_proposal() {
    let home = Home::new();
    let t = pane(
        &home,
        "@BIN@ setup wizard --offline; echo EXIT=$?; sleep 30",
    );
    // A bare directory id is enough.
    answer(&t, "SSO start URL", "d-1234567890");
    answer(&t, "AWS partition", "");
    answer(&t, "SSO region", "");
    answer(&t, "Default region", "");
    answer(&t, "What to do with login", "");
    answer(&t, "Where to keep", "json");
    answer(&t, "Profile names", "");
    let screen = t.wait_for("the preview", 10, |sc| {
        last_line(sc).contains("Write this file? [Y/n]")
    });
    assert!(
        screen.contains("SSO region (where IAM Identity Center lives) [us-east-1]"),
        "{screen}"
    );
    t.keys(&["Enter"]);
    t.wait_for("the exit", 10, |sc| sc.contains("EXIT=0"));
    let text = std::fs::read_to_string(home.config_dir().join("config.yaml")).unwrap();
    assert!(
        text.contains("StartUrl: https://d-1234567890.awsapps.com/start"),
        "{text}"
    );
    assert!(text.contains("SSORegion: us-east-1"), "{text}");
    // So that `setup profiles` writes a region line for every profile.
    assert!(text.contains("DefaultRegion: us-east-1"), "{text}");
}

#[test]
fn yes_writes_from_flags_and_a_wrong_flag_is_one_line() {
    let home = Home::new();
    let e = common::fails(home.run(&[
        "setup",
        "wizard",
        "--yes",
        "--start-url",
        "https://x.awsapps.com/begin",
        "--sso-region",
        "us-east-1",
    ]));
    assert!(
        e.contains("'https://x.awsapps.com/begin' is not an IAM Identity Center start URL"),
        "{e}"
    );
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert!(!home.config_dir().join("config.yaml").exists());
    common::ok(home.run(&[
        "setup",
        "wizard",
        "--yes",
        "--start-url",
        "https://x.awsapps.com/start",
        "--sso-region",
        "us-east-1",
        "--secure-store",
        "json",
    ]));
    let text = std::fs::read_to_string(home.config_dir().join("config.yaml")).unwrap();
    assert!(
        text.contains("StartUrl: https://x.awsapps.com/start"),
        "{text}"
    );
    // v1's `config` is the same command.
    common::ok(home.run(&["config", "--yes", "--profile-format", "default"]));
    let text = std::fs::read_to_string(home.config_dir().join("config.yaml")).unwrap();
    assert!(
        text.contains("ProfileFormat: '{{ .AccountIdPad }}:{{ .RoleName }}'"),
        "{text}"
    );
    let backups = std::fs::read_dir(home.config_dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("config.2")
        })
        .count();
    assert_eq!(backups, 1);
}
