use std::path::{Path, PathBuf};

use super::*;
use crate::cache::Cache;
use crate::config::Config;
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
    let r = build(&mut cache(), &config(""), &["Work", "Lab", "Gone"], 0).unwrap();
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
        &mut cache(),
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
        &mut cache(),
        &config("ProfileFormat: '{{ .Nope'\n"),
        &["Work"],
        0,
    )
    .unwrap_err();
    assert!(err.to_string().contains("ProfileFormat"), "{err}");
}

/// cache.json of [`cache`] in a directory of its own, loaded (which writes cache.bin).
fn cache_on_disk() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    let mut file = cache().file;
    file.sso.get_mut("Work").unwrap().last_update = 1_700_000_000;
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    let cache = Cache::load(&path).unwrap();
    assert!(cache.problem.is_none());
    (dir, cache)
}

const WANTED: [&str; 3] = ["Work", "Lab", "Gone"];

#[test]
fn the_snapshot_gives_the_roster_build_gives_once_it_holds_the_names() {
    let (_dir, mut cache) = cache_on_disk();
    let cfg = config("ProfileFormat: '{{ .AccountAlias }}/{{ .RoleName }}'\n");
    let template = cfg.profile_format.as_str();
    assert!(
        from_snapshot(cache.path(), template, &WANTED).is_none(),
        "cache.bin written by a plain load holds no profile names"
    );
    let built = build(&mut cache, &cfg, &WANTED, 0).unwrap();
    let fast = from_snapshot(cache.path(), template, &WANTED).expect("names kept by build");
    assert_eq!(fast.roster.roles, built.roles);
    assert_eq!(fast.roster.instances, built.instances);
    assert_eq!(fast.roster.roles[1].profile.as_str(), "one/Admin");
    for (refresh, now) in [(0, 0), (1, 1_700_000_000 + 60), (1, 1_700_000_000 + 7200)] {
        for instance in ["Work", "Lab", "Gone"] {
            assert_eq!(
                fast.expired(instance, refresh, 0, now),
                cache.is_expired(instance, refresh, 0, now),
                "{instance} refresh={refresh} now={now}"
            );
        }
    }
    // Another ProfileFormat: its names are not there.
    assert!(from_snapshot(cache.path(), "{{ .RoleName }}", &WANTED).is_none());
    // A build from what the snapshot holds gives the same roster again.
    let mut reloaded = Cache::load(cache.path()).unwrap();
    assert_eq!(
        build(&mut reloaded, &cfg, &WANTED, 0).unwrap().roles,
        built.roles
    );
}

#[test]
fn the_names_survive_our_own_saves_but_not_a_foreign_write_or_new_roles() {
    let (_dir, mut cache) = cache_on_disk();
    let cfg = config("");
    let template = cfg.profile_format.clone();
    build(&mut cache, &cfg, &WANTED, 0).unwrap();
    // Credentials fetched: Expires is saved, the names stay good.
    let arn = "arn:aws:iam::000000000001:role/Admin";
    cache.instance_mut("Work").role_mut(arn).unwrap().expires = 4_000_000_000;
    cache.save().unwrap();
    let fast = from_snapshot(cache.path(), &template, &WANTED).expect("still usable");
    let admin = fast.roster.roles.iter().find(|r| r.arn == arn).unwrap();
    assert_eq!(admin.expires, 4_000_000_000);
    assert_eq!(admin.profile.as_str(), "one:Admin");
    // A refresh's new role has no name yet: the slow path again.
    let mut added =
        cache.instance("Lab").unwrap().roles.accounts[&3].roles[&Text::new("Play")].clone();
    added.arn = Text::new("arn:aws:iam::000000000003:role/New");
    added.rendered_profile = Text::default();
    let lab = cache.instance_mut("Lab");
    lab.roles
        .accounts
        .get_mut(&3)
        .unwrap()
        .roles
        .insert(Text::new("New"), added);
    cache.save().unwrap();
    assert!(from_snapshot(cache.path(), &template, &WANTED).is_none());
    // cache.json written by someone else (aws-sso-cli): cache.bin is not used at all.
    build(&mut cache, &cfg, &WANTED, 0).unwrap();
    assert!(from_snapshot(cache.path(), &template, &WANTED).is_some());
    let json = std::fs::read(cache.path()).unwrap();
    std::fs::write(cache.path(), [json.as_slice(), b" "].concat()).unwrap();
    assert!(from_snapshot(cache.path(), &template, &WANTED).is_none());
}

#[test]
fn names_that_change_with_time_are_never_kept() {
    let (_dir, mut cache) = cache_on_disk();
    let cfg = config("ProfileFormat: '{{ .RoleName }}-{{ .Expires }}'\n");
    build(&mut cache, &cfg, &WANTED, 0).unwrap();
    assert!(from_snapshot(cache.path(), &cfg.profile_format, &WANTED).is_none());
}

#[test]
fn a_deferred_snapshot_is_written_once_with_the_names_or_on_request_without() {
    for (template, kept) in [
        ("", true),
        ("ProfileFormat: '{{ .RoleName }}-{{ .Expires }}'\n", false),
    ] {
        let (dir, cache) = cache_on_disk();
        let bin = dir.path().join("cache.bin");
        std::fs::remove_file(&bin).unwrap();
        let mut cache = Cache::load_deferring_snapshot(cache.path()).unwrap();
        assert!(!bin.exists(), "not written by the load");
        let cfg = config(template);
        build(&mut cache, &cfg, &WANTED, 0).unwrap();
        assert_eq!(
            bin.exists(),
            kept,
            "written with the names when they can be kept"
        );
        cache.resnapshot_if_due();
        assert!(bin.exists());
        assert_eq!(
            from_snapshot(cache.path(), &cfg.profile_format, &WANTED).is_some(),
            kept
        );
        // And it is the snapshot of this cache.json: a plain load uses it.
        let modified = std::fs::metadata(&bin).unwrap().modified().unwrap();
        let again = Cache::load(cache.path()).unwrap();
        assert_eq!(again.file.sso.len(), 2);
        assert_eq!(
            std::fs::metadata(&bin).unwrap().modified().unwrap(),
            modified
        );
    }
}

#[test]
fn picker_tags_are_the_ones_aws_sso_cli_shows() {
    // As aws-sso-cli writes it: account tags on the account only, Profile and Via as fields.
    let work = instance(
        &[],
        r#"{"1": {"Alias": "one", "Name": "One", "EmailAddress": "one@example.com",
              "Tags": {"Type": "prod", "Team": "acct"}, "Roles": {
             "Admin": {"Arn": "arn:aws:iam::000000000001:role/Admin", "Profile": "one-admin",
                       "Tags": {"AccountID": "000000000001", "Role": "Admin", "Team": "ops"}},
             "Chained": {"Arn": "arn:aws:iam::000000000001:role/Chained",
                         "Via": "arn:aws:iam::000000000001:role/Admin"}}}}"#,
    );
    let json = format!(r#"{{"Version": 4, "ConfigCreatedAt": 0, "SSO": {{"Work": {work}}}}}"#);
    let mut cache = Cache::from_bytes(Path::new("/nonexistent/cache.json"), json.as_bytes());
    let r = build(&mut cache, &config(""), &["Work"], 0).unwrap();
    let tags = |i: usize| -> Vec<(&str, &str)> { r.roles[i].tags.iter().collect() };
    assert_eq!(
        tags(0),
        [
            ("AccountAlias", "one"),
            ("AccountID", "000000000001"),
            ("AccountName", "One"),
            ("Email", "one@example.com"),
            ("Profile", "one-admin"),
            ("Role", "Admin"),
            ("Team", "ops"),
            ("Type", "prod"),
        ],
        "account tags under the role's own, plus Profile"
    );
    assert_eq!(
        tags(1),
        [
            ("AccountAlias", "one"),
            ("AccountID", "000000000001"),
            ("AccountName", "One"),
            ("Email", "one@example.com"),
            ("Team", "acct"),
            ("Type", "prod"),
            ("Via", "arn:aws:iam::000000000001:role/Admin"),
        ]
    );
}
