//! `aws-sso login`, `cache` and `logout` as a user runs them: the real binary, its real AWS SDK
//! clients (pointed at the emulator through the standard `AWS_ENDPOINT_URL_*` variables) and a
//! fake `xdg-open` that plays the person at the browser.

mod common;

use std::time::{Duration, Instant};

use aws_sso_emulator::{BackgroundEmulator, EmulatorConfig, Fault, Operation, Org, RateLimit};
use common::{Home, fails, ok, stderr};

struct Setup {
    home: Home,
    emu: BackgroundEmulator,
    path: String,
}

fn setup(cfg: EmulatorConfig, extra_config: &str) -> Setup {
    let emu = BackgroundEmulator::start(cfg).expect("emulator");
    let home = Home::new();
    home.config_with_json_store(extra_config);
    let path = home.install_fake_browser();
    Setup { home, emu, path }
}

impl Setup {
    fn run(&self, args: &[&str]) -> std::process::Output {
        self.home
            .cmd()
            .args(args)
            .env("AWS_ENDPOINT_URL_SSO", self.emu.url())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", self.emu.url())
            .env("PATH", &self.path)
            .env_remove("DISPLAY")
            .output()
            .expect("run aws-sso")
    }

    fn listed_arns(&self) -> Vec<String> {
        let out = ok(self.run(&["list", "--csv", "Arn"]));
        out.lines().map(str::to_string).collect()
    }

    fn all_arns(&self) -> Vec<String> {
        let mut arns: Vec<String> = self
            .emu
            .org()
            .accounts()
            .iter()
            .flat_map(|a| {
                a.roles
                    .iter()
                    .map(move |r| format!("arn:aws:iam::{:012}:role/{r}", a.id))
            })
            .collect();
        arns.sort();
        arns
    }
}

fn org(accounts: usize, roles: usize) -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(accounts, roles, 7),
        ..EmulatorConfig::default()
    }
}

#[test]
fn pkce_login_from_a_fresh_home_then_list_shows_every_role() {
    let s = setup(org(40, 3), "");
    let started = Instant::now();
    let out = s.run(&["login"]);
    let took = started.elapsed();
    let err = stderr(&out);
    ok(out);
    // The URL is always shown, whatever the URL action does.
    assert!(err.contains("/authorize?"), "{err}");
    assert!(took < Duration::from_secs(10), "login took {took:?}");
    let opened = std::fs::read_to_string(s.home.path().join("bin/xdg-open.log")).unwrap();
    assert!(opened.contains("code_challenge_method=S256"), "{opened}");
    let mut listed = s.listed_arns();
    listed.sort();
    assert_eq!(listed, s.all_arns());
    assert_eq!(s.emu.counters().calls(Operation::RegisterClient), 1);

    // A second login reuses the session.
    let out = s.run(&["login"]);
    assert!(
        stderr(&out).contains("You are already logged in. :)"),
        "{}",
        stderr(&out)
    );
    ok(out);
    assert_eq!(s.emu.counters().calls(Operation::CreateToken), 1);

    // --force ends the session server-side and logs in again.
    ok(s.run(&["login", "--force"]));
    assert_eq!(s.emu.counters().calls(Operation::Logout), 1);
    assert_eq!(s.emu.counters().calls(Operation::CreateToken), 2);
}

#[test]
fn device_code_login_prints_the_code() {
    let s = setup(
        EmulatorConfig {
            device_poll_interval: Duration::from_millis(200),
            device_auto_approve_after: Some(1),
            ..org(5, 2)
        },
        "",
    );
    let out = s.run(&[
        "login",
        "--workflow",
        "device_code",
        "--url-action",
        "print",
    ]);
    let err = stderr(&out);
    ok(out);
    assert!(err.contains("Verify this code in your browser: "), "{err}");
    assert!(
        err.contains("Please open the following URL in your browser:"),
        "{err}"
    );
    assert_eq!(s.listed_arns().len(), 10);
}

#[test]
fn cache_refresh_prints_the_diff_and_survives_throttling() {
    let s = setup(
        EmulatorConfig {
            rate_limit: Some(RateLimit::new(40.0, 4)),
            ..org(60, 2)
        },
        "",
    );
    ok(s.run(&["login"]));
    std::fs::remove_file(s.home.config_dir().join("cache.json")).unwrap();
    let out = ok(s.run(&["cache"]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("Updated cache: added=120, deleted=0"));
    let added: Vec<&str> = lines.map(|l| l.strip_prefix("+ ").unwrap()).collect();
    assert_eq!(added, s.all_arns());
    // Nothing changed: one line that says so (`--silent` keeps stdout empty).
    assert_eq!(ok(s.run(&["cache"])), "120 roles, no changes\n");
    assert_eq!(ok(s.run(&["cache", "--silent"])), "");
}

#[test]
fn unauthorized_during_refresh_renews_the_token_silently() {
    let s = setup(org(20, 2), "");
    ok(s.run(&["login"]));
    s.emu.expire_access_tokens();
    s.emu
        .inject_fault(Operation::ListAccountRoles, Fault::unauthorized(), 1);
    std::fs::remove_file(s.home.config_dir().join("cache.json")).unwrap();
    let out = ok(s.run(&["cache"]));
    assert!(
        out.starts_with("Updated cache: added=40, deleted=0"),
        "{out}"
    );
}

#[test]
fn logout_then_commands_needing_a_session_say_how_to_fix_it() {
    let s = setup(org(5, 2), "");
    ok(s.run(&["login"]));
    ok(s.run(&["logout"]));
    assert_eq!(s.emu.counters().calls(Operation::Logout), 1);
    let err = fails(s.run(&["cache"]));
    assert!(err.contains("aws-sso login"), "{err}");
    // list never needs a session: it is served from the cache.
    assert_eq!(s.listed_arns().len(), 10);
    // flush is the v1 name of logout.
    ok(s.run(&["flush"]));
}

#[test]
fn revoked_session_is_not_logged_in() {
    let s = setup(org(5, 2), "");
    ok(s.run(&["login"]));
    s.emu.revoke_all_tokens();
    s.emu.expire_access_tokens();
    let err = fails(s.run(&["cache"]));
    assert!(err.contains("aws-sso login"), "{err}");
}

#[test]
fn bad_url_action_is_a_one_line_error() {
    let s = setup(org(2, 1), "");
    let err = fails(s.run(&["login", "-u", "teleport"]));
    assert!(err.contains("Invalid --url-action"), "{err}");
}

#[test]
fn default_command_refreshes_a_due_cache_without_a_browser() {
    let s = setup(org(6, 2), "");
    ok(s.run(&["login"]));
    let before = s.emu.counters().calls(Operation::ListAccounts);
    // Editing config.yaml makes the cache due (its mtime is newer than the last refresh).
    std::thread::sleep(Duration::from_millis(1100));
    let config = s.home.config_dir().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}# edited\n")).unwrap();
    let out = ok(s.run(&[]));
    assert!(
        out.contains("List of AWS roles for SSO Instance: Default"),
        "{out}"
    );
    assert_eq!(s.emu.counters().calls(Operation::ListAccounts), before + 1);
    // Logged out: the due cache is listed as it is, with a warning, and no browser opens.
    ok(s.run(&["logout"]));
    std::thread::sleep(Duration::from_millis(1100));
    std::fs::write(&config, format!("{text}# edited again\n")).unwrap();
    let opened_before = std::fs::read_to_string(s.home.path().join("bin/xdg-open.log")).unwrap();
    let out = s.run(&[]);
    assert!(
        stderr(&out).contains("Cache has expired"),
        "{}",
        stderr(&out)
    );
    ok(out);
    let opened_after = std::fs::read_to_string(s.home.path().join("bin/xdg-open.log")).unwrap();
    assert_eq!(
        opened_before, opened_after,
        "a background refresh must never open a browser"
    );
}

#[test]
fn after_a_refresh_the_picker_can_start_from_cache_bin() {
    let s = setup(org(40, 3), "");
    ok(s.run(&["login"]));
    let cache = s.home.config_dir().join("cache.json");
    let template = aws_sso::config::DEFAULT_PROFILE_FORMAT;
    // The refresh kept the profile names it checked: no catalog or rendering needed.
    let fast = aws_sso::roster::from_snapshot(&cache, template, &["Default"])
        .expect("cache.bin holds the profile names after a refresh");
    assert_eq!(fast.roster.roles.len(), 120);
    let mut arns: Vec<String> = fast
        .roster
        .roles
        .iter()
        .map(|r| r.arn.to_string())
        .collect();
    arns.sort();
    assert_eq!(arns, s.all_arns());
    // And they are the names `list` prints.
    let listed = ok(s.run(&["list", "--csv", "Arn,Profile"]));
    let mut want: Vec<String> = listed.lines().map(str::to_string).collect();
    want.sort();
    let mut got: Vec<String> = fast
        .roster
        .roles
        .iter()
        .map(|r| format!("{},{}", r.arn, r.profile))
        .collect();
    got.sort();
    assert_eq!(got, want);
}
