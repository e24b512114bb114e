use std::path::{Path, PathBuf};

use super::*;
use crate::config::{ConfigEnv, Paths};

fn config(extra: &str) -> Config {
    let yaml = format!(
        "SSOConfig:\n  Work:\n    SSORegion: us-east-1\n    StartUrl: https://d-1.awsapps.com/start\n  Lab:\n    SSORegion: us-east-1\n    StartUrl: https://d-2.awsapps.com/start\n{extra}"
    );
    let paths = Paths::new(
        PathBuf::from("/nonexistent"),
        PathBuf::from("/nonexistent/config.yaml"),
    );
    Config::from_yaml(&yaml, &paths, &ConfigEnv::default()).unwrap()
}

fn instance(history: &[&str], roles: &str) -> String {
    let history: Vec<String> = history.iter().map(|h| format!("\"{h}\"")).collect();
    format!(
        r#"{{"LastUpdate": 1, "ConfigHash": "", "History": [{}], "Roles": {{"Accounts": {roles}, "SSORegion": "us-east-1", "StartUrl": "https://d-1.awsapps.com/start", "DefaultRegion": "eu-west-1"}}}}"#,
        history.join(",")
    )
}

fn cache() -> Cache {
    let work = instance(
        &["arn:aws:iam::000000000002:role/Dev"],
        r#"{
          "1": {"Alias": "one", "Roles": {
             "Admin": {"Arn": "arn:aws:iam::000000000001:role/Admin", "Tags": {"env": "prod"}},
             "Read": {"Arn": "arn:aws:iam::000000000001:role/Read", "Profile": "explicit-read"}}},
          "2": {"Alias": "two", "Roles": {
             "Dev": {"Arn": "arn:aws:iam::000000000002:role/Dev", "Tags": {"History": "two:Dev,1700000000"}}}}
        }"#,
    );
    let lab = instance(
        &[],
        r#"{"3": {"Alias": "lab", "Roles": {"Play": {"Arn": "arn:aws:iam::000000000003:role/Play"}}}}"#,
    );
    let json = format!(
        r#"{{"Version": 4, "ConfigCreatedAt": 0, "SSO": {{"Work": {work}, "Lab": {lab}}}}}"#
    );
    let cache = Cache::from_bytes(Path::new("/nonexistent/cache.json"), json.as_bytes());
    assert!(cache.problem.is_none(), "{:?}", cache.problem);
    cache
}

#[test]
fn recently_used_roles_come_first_then_cache_order_across_instances() {
    let r = build(&cache(), &config(""), &["Work", "Lab", "Gone"], 0).unwrap();
    let arns: Vec<&str> = r.roles.iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(
        arns,
        [
            "arn:aws:iam::000000000002:role/Dev",
            "arn:aws:iam::000000000001:role/Admin",
            "arn:aws:iam::000000000001:role/Read",
            "arn:aws:iam::000000000003:role/Play",
        ]
    );
    assert_eq!(r.instances, ["Work", "Lab"]);
    assert_eq!(r.roles[0].last_used, Some(1_700_000_000));
    assert!(
        r.roles[0].tags.get("History").is_none(),
        "bookkeeping is not a tag to search"
    );
    assert_eq!(r.roles[3].sso.as_str(), "Lab");
}

#[test]
fn profiles_follow_profile_format_unless_explicit_and_fields_read_like_list() {
    let r = build(
        &cache(),
        &config("ProfileFormat: '{{ .AccountAlias }}/{{ .RoleName }}'\n"),
        &["Work"],
        0,
    )
    .unwrap();
    let admin = r
        .roles
        .iter()
        .find(|r| r.role_name.as_str() == "Admin")
        .unwrap();
    assert_eq!(admin.profile.as_str(), "one/Admin");
    let read = r
        .roles
        .iter()
        .find(|r| r.role_name.as_str() == "Read")
        .unwrap();
    assert_eq!(read.profile.as_str(), "explicit-read");
    assert_eq!(admin.field(ListField::AccountIdPad, 0), "000000000001");
    assert_eq!(admin.field(ListField::DefaultRegion, 0), "eu-west-1");
    // Never fetched: blank in the picker (`list` says "Expired"); fetched and lapsed: Expired.
    assert_eq!(admin.field(ListField::Expires, 0), "");
    let mut lapsed = admin.clone();
    lapsed.expires = 100;
    assert_eq!(lapsed.field(ListField::Expires, 200), "Expired");
    assert_eq!(admin.tags.get("env"), Some("prod"));
}

#[test]
fn a_broken_template_is_one_line_naming_profile_format() {
    let err = build(
        &cache(),
        &config("ProfileFormat: '{{ .Nope'\n"),
        &["Work"],
        0,
    )
    .unwrap_err();
    assert!(err.to_string().contains("ProfileFormat"), "{err}");
}
