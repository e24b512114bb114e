//! The last aws-sso-cli commands and aliases (spec §1): the hidden live `list-sso-roles`,
//! and v1 command names kept as hidden aliases.

mod common;

use aws_sso::emulator::{EmulatorConfig, Operation, Org};
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
