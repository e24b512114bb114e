//! Unit tests for completion values: narrowing by -A/-R, prefixes, order.

use super::*;

fn sources() -> Sources {
    let row = |account: u64, role: &str, profile: &str| Row {
        arn: crate::role::role_arn(account, role),
        account,
        role: role.into(),
        profile: profile.into(),
    };
    Sources {
        instances: vec!["Work".into(), "Default".into()],
        rows: vec![
            row(222, "Admin", "beta:Admin"),
            row(222, "ReadOnly", "beta:ReadOnly"),
            row(1111111, "Admin", "alpha:Admin"),
            row(1111111, "Billing", ""),
        ],
    }
}

#[test]
fn profiles_and_arns_follow_the_prefix_and_the_narrowing() {
    let s = sources();
    let none = Narrowing::default();
    assert_eq!(
        s.values(ValueKind::Profile, &none, ""),
        ["alpha:Admin", "beta:Admin", "beta:ReadOnly"]
    );
    assert_eq!(
        s.values(ValueKind::Profile, &none, "beta:R"),
        ["beta:ReadOnly"]
    );
    let admin = Narrowing {
        role: Some("Admin".into()),
        ..Narrowing::default()
    };
    assert_eq!(
        s.values(ValueKind::Arn, &admin, "arn:aws:iam::000000000222"),
        ["arn:aws:iam::000000000222:role/Admin"]
    );
}

#[test]
fn accounts_are_narrowed_by_role_and_roles_by_account() {
    let s = sources();
    let billing = Narrowing {
        role: Some("Billing".into()),
        ..Narrowing::default()
    };
    assert_eq!(s.values(ValueKind::Account, &billing, ""), ["000001111111"]);
    assert_eq!(
        s.values(ValueKind::Account, &Narrowing::default(), ""),
        ["000000000222", "000001111111"]
    );
    let beta = Narrowing {
        account: Some(222),
        ..Narrowing::default()
    };
    assert_eq!(s.values(ValueKind::Role, &beta, ""), ["Admin", "ReadOnly"]);
    assert_eq!(
        s.values(ValueKind::Role, &Narrowing::default(), ""),
        ["Admin", "Billing", "ReadOnly"]
    );
}

#[test]
fn fixed_lists_are_sorted_and_filtered() {
    let s = sources();
    let none = Narrowing::default();
    assert_eq!(
        s.values(ValueKind::Instance, &none, ""),
        ["Default", "Work"]
    );
    assert_eq!(
        s.values(ValueKind::Region, &none, "us-gov"),
        ["us-gov-east-1", "us-gov-west-1"]
    );
    assert!(
        s.values(ValueKind::UrlAction, &none, "")
            .contains(&"printurl".to_string())
    );
    assert!(
        s.values(ValueKind::ListField, &none, "Acc")
            .contains(&"AccountIdPad".to_string())
    );
    assert!(s.values(ValueKind::ListField, &none, "zzz").is_empty());
}

#[test]
fn a_current_profile_index_answers_without_loading_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.json");
    // A cache.json with no roles at all: only the index can name any.
    std::fs::write(&cache, r#"{"Version":4,"SSO":{}}"#).unwrap();
    let env = crate::config::ConfigEnv {
        home: Some(dir.path().to_path_buf()),
        ..crate::config::ConfigEnv::default()
    };
    let paths = crate::config::Paths::discover(&env, None).unwrap();
    let yaml = "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1.awsapps.com/start\n";
    let config = Config::from_yaml(yaml, &paths, &env).unwrap();
    let arn = crate::role::role_arn(42, "Admin");
    profile_index::write(
        &cache,
        "Default",
        &config.profile_format,
        [("team:Admin", arn.as_str())].into_iter(),
    );
    let s = Sources::default().with_roles(&config, &cache, "Default", 0);
    let none = Narrowing::default();
    assert_eq!(s.values(ValueKind::Profile, &none, ""), ["team:Admin"]);
    assert_eq!(s.values(ValueKind::Account, &none, ""), ["000000000042"]);
    assert_eq!(s.values(ValueKind::Role, &none, ""), ["Admin"]);
    // Another instance's (or a stale) index is not used: back to the (empty) catalog.
    let other = Sources::default().with_roles(&config, &cache, "Other", 0);
    assert!(other.values(ValueKind::Profile, &none, "").is_empty());
}
