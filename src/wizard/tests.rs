//! Validation of answers and the config.yaml the wizard writes.

use super::*;

fn answers() -> Answers {
    Answers {
        instance: "Default".into(),
        start_url: "https://d-1234567890.awsapps.com/start".into(),
        sso_region: "eu-west-1".into(),
        default_region: Some("eu-central-1".into()),
        url_action: "open".into(),
        secure_store: Some("file".into()),
        profile_format: FRIENDLY.into(),
        advanced: None,
    }
}

#[test]
fn start_urls_must_be_https_host_slash_start() {
    assert_eq!(
        start_url(" https://d-1234567890.awsapps.com/start/ ").unwrap(),
        "https://d-1234567890.awsapps.com/start"
    );
    assert_eq!(
        start_url("https://sso.example.com/start").unwrap(),
        "https://sso.example.com/start"
    );
    for bad in [
        "http://d-1.awsapps.com/start",
        "https://d-1.awsapps.com/",
        "https://d-1.awsapps.com/start/x",
        "https:///start",
        "https://bad_host.com/start",
        "d-12345",
    ] {
        let e = start_url(bad).unwrap_err().to_string();
        assert!(
            e.contains("expected https://<id>.awsapps.com/start"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn regions_belong_to_their_partition() {
    assert!(Partition::Aws.regions().contains(&"us-east-1"));
    assert!(!Partition::Aws.regions().contains(&"us-gov-west-1"));
    assert_eq!(
        Partition::UsGov.regions(),
        ["us-gov-east-1", "us-gov-west-1"]
    );
    assert_eq!(Partition::Eusc.regions(), ["eusc-de-east-1"]);
    assert_eq!(
        region("cn-north-1", Partition::China).unwrap(),
        "cn-north-1"
    );
    assert_eq!(
        region("us-east-1", Partition::China)
            .unwrap_err()
            .to_string(),
        "'us-east-1' is not a region of aws-cn: pick one from the list"
    );
    assert_eq!(Partition::of_region("us-gov-east-1"), Partition::UsGov);
}

#[test]
fn names_numbers_and_formats() {
    assert_eq!(instance_name("work@corp:1").unwrap(), "work@corp:1");
    assert!(instance_name("has space").is_err());
    assert!(instance_name("").is_err());
    assert_eq!(number(" 720 ", "ConsoleDuration", 15..=720).unwrap(), 720);
    assert_eq!(
        number("5", "ConsoleDuration", 15..=720)
            .unwrap_err()
            .to_string(),
        "'5' is not valid for ConsoleDuration: a whole number from 15 to 720"
    );
    assert_eq!(profile_format("default"), ACCOUNT_ID_FORMAT);
    assert_eq!(profile_format(""), FRIENDLY);
    assert_eq!(profile_format("{{ .RoleName }}"), "{{ .RoleName }}");
}

#[test]
fn a_new_config_gets_the_answers_and_aws_sso_clis_defaults() {
    let path = Path::new("/x/config.yaml");
    let text = render(&answers(), None, path).unwrap();
    let v: Value = serde_yaml_ng::from_str(&text).unwrap();
    assert_eq!(
        v["SSOConfig"]["Default"]["StartUrl"],
        key("https://d-1234567890.awsapps.com/start")
    );
    assert_eq!(v["SSOConfig"]["Default"]["SSORegion"], key("eu-west-1"));
    assert_eq!(
        v["SSOConfig"]["Default"]["DefaultRegion"],
        key("eu-central-1")
    );
    assert_eq!(v["DefaultSSO"], key("Default"));
    assert_eq!(v["SecureStore"], key("file"));
    assert_eq!(v["UrlAction"], key("open"));
    assert_eq!(v["LogLevel"], key("error"));
    assert_eq!(v["ConsoleDuration"], Value::Number(720.into()));
    assert_eq!(v["CacheRefresh"], Value::Number(168.into()));
    assert_eq!(v["HistoryMinutes"], Value::Number(1440.into()));
    assert!(text.starts_with("# Written by `aws-sso setup wizard`"));
}

#[test]
fn an_existing_config_keeps_what_the_wizard_does_not_ask_about() {
    let existing = "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://old.awsapps.com/start\n    Accounts:\n      \"000000000042\":\n        Name: Keep me\n  Other:\n    SSORegion: us-west-2\n    StartUrl: https://other.awsapps.com/start\nDefaultSSO: Other\nLogLevel: debug\nKeyBindings:\n  copy: ctrl-y\n";
    let mut a = answers();
    a.secure_store = None;
    a.default_region = None;
    let text = render(&a, Some(existing), Path::new("c.yaml")).unwrap();
    let v: Value = serde_yaml_ng::from_str(&text).unwrap();
    assert_eq!(
        v["SSOConfig"]["Default"]["Accounts"]["000000000042"]["Name"],
        key("Keep me")
    );
    assert_eq!(
        v["SSOConfig"]["Default"]["StartUrl"],
        key("https://d-1234567890.awsapps.com/start")
    );
    assert_eq!(v["SSOConfig"]["Other"]["SSORegion"], key("us-west-2"));
    assert_eq!(v["DefaultSSO"], key("Other"), "DefaultSSO is kept");
    assert_eq!(v["LogLevel"], key("debug"), "not asked: kept");
    assert_eq!(v["KeyBindings"]["copy"], key("ctrl-y"));
    assert!(v.get("SecureStore").is_none());
    let err = render(&a, Some("- a list"), Path::new("c.yaml")).unwrap_err();
    assert!(err.to_string().contains("c.yaml is not a YAML mapping"));
}

#[test]
fn backups_are_named_like_aws_sso_clis() {
    use chrono::TimeZone;
    let t = chrono::Local
        .with_ymd_and_hms(2026, 12, 3, 9, 5, 7)
        .unwrap();
    assert_eq!(
        backup_path(Path::new("/h/.aws-sso/config.yaml"), t),
        Path::new("/h/.aws-sso/config.2026-12-03-09:05:07.yaml")
    );
}

#[test]
fn a_bare_directory_id_is_its_start_url() {
    assert_eq!(
        start_url(" d-1234567890 ").unwrap(),
        "https://d-1234567890.awsapps.com/start"
    );
    assert_eq!(
        start_url("d-9067abcdef").unwrap(),
        "https://d-9067abcdef.awsapps.com/start"
    );
    assert!(start_url("d-123").is_err());
    assert!(start_url("d-1234567890x").is_err());
}

#[test]
fn the_proposed_region_comes_from_the_start_url_or_is_the_partitions_home() {
    assert_eq!(
        region_in_start_url("https://ssoins-1.portal.eu-west-1.app.aws/start"),
        Some("eu-west-1")
    );
    assert_eq!(
        region_in_start_url("https://d-1234567890.awsapps.com/start"),
        None
    );
    assert_eq!(Partition::Aws.home_region(), "us-east-1");
    for p in Partition::ALL {
        assert!(p.regions().contains(&p.home_region()), "{p:?}");
    }
}
