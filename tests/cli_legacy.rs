//! The last aws-sso-cli commands and aliases (docs/formats.md, "aws-sso-cli v1 names"): the hidden live `list-sso-roles`,
//! and v1 command names kept as hidden aliases.

mod common;

use aws_sso_emulator::{EmulatorConfig, Operation, Org};
use common::emulated::setup;
use common::{fails, ok};

#[test]
fn list_sso_roles_asks_identity_center_live_and_leaves_the_cache_alone() {
    let s = setup(
        EmulatorConfig {
            org: Org::synthetic(3, 2, 5),
            ..EmulatorConfig::default()
        },
        "",
    )
    .logged_in();
    let cache = std::fs::read(s.home.config_dir().join("cache.json")).unwrap();
    let before = s.calls(Operation::ListAccounts);
    let out = ok(s.run(&["list-sso-roles"]));
    assert!(s.calls(Operation::ListAccounts) > before, "not live");
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("AccountId")
            && header.contains("| AccountName")
            && header.contains("| RoleName"),
        "{out}"
    );
    assert!(lines.next().unwrap().starts_with("====="), "{out}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 6, "{out}");
    // Same roles as the cache holds.
    let cached = ok(s.run(&["list", "--csv", "AccountIdPad,RoleName"]));
    for line in cached.lines() {
        let (acct, role) = line.split_once(',').unwrap();
        assert!(
            rows.iter()
                .any(|r| r.starts_with(acct) && r.trim_end().ends_with(role)),
            "{acct} {role} missing from {out}"
        );
    }
    assert_eq!(
        std::fs::read(s.home.config_dir().join("cache.json")).unwrap(),
        cache
    );
    assert!(!ok(s.run(&["--help"])).contains("list-sso-roles"), "hidden");
}

#[test]
fn list_sso_roles_without_a_session_says_how_to_log_in() {
    let s = setup(EmulatorConfig::default(), "");
    let e = fails(s.run(&["list-sso-roles"]));
    assert!(e.contains("Must run `aws-sso login`"), "{e}");
}

#[test]
fn help_lists_every_aws_sso_cli_v2_command() {
    let home = common::Home::new();
    let top = ok(home.run(&["--help"]));
    for c in [
        "cache",
        "console",
        "credentials",
        "ecs",
        "eval",
        "exec",
        "list",
        "login",
        "logout",
        "process",
        "setup",
        "tags",
        "time",
        "version",
    ] {
        assert!(
            top.contains(&format!("\n  {c} ")),
            "{c} missing from --help:\n{top}"
        );
    }
    let setup = ok(home.run(&["setup", "--help"]));
    for c in ["completions", "ecs", "profiles", "wizard"] {
        assert!(
            setup.contains(&format!("\n  {c} ")),
            "setup {c} missing:\n{setup}"
        );
    }
    let ecs = ok(home.run(&["ecs", "--help"]));
    for c in ["docker", "list", "load", "profile", "server", "unload"] {
        assert!(
            ecs.contains(&format!("\n  {c} ")),
            "ecs {c} missing:\n{ecs}"
        );
    }
    let ssl = ok(home.run(&["setup", "ecs", "--help"]));
    assert!(
        ssl.contains("\n  auth ") && ssl.contains("\n  ssl "),
        "{ssl}"
    );
    // v1 names are accepted (hidden).
    for v1 in [
        ["config", "--help"],
        ["config-profiles", "--help"],
        ["completions", "--help"],
        ["flush", "--help"],
    ] {
        ok(home.run(&v1));
    }
}
