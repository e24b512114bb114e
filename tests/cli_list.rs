//! `aws-sso list`, `tags` and `version` as a user runs them, against fixtures written from the
//! aws-sso-cli spec: the output must match what aws-sso-cli prints, byte for byte.

mod common;

use common::{Home, fails, fixture_text, ok, stderr};

fn compat_home(config: &str) -> Home {
    let home = Home::new();
    home.fixture(&format!("compat/{config}"), "config.yaml");
    home.fixture("compat/cache.json", "cache.json");
    home
}

#[test]
fn list_csv_matches_aws_sso_cli() {
    let home = compat_home("config.yaml");
    assert_eq!(
        ok(home.run(&["list", "--csv"])),
        fixture_text("compat/list_csv_default.txt")
    );
    assert_eq!(
        ok(home.run(&[
            "list",
            "--csv",
            "-s",
            "Arn",
            "--reverse",
            "Id",
            "AccountId",
            "Arn",
            "DefaultRegion",
            "Via",
            "ExpiresEpoch",
        ])),
        fixture_text("compat/list_csv_fields.txt")
    );
    assert_eq!(
        ok(home.run(&[
            "list",
            "--csv",
            "-P",
            "AccountAlias=dev",
            "AccountName",
            "EmailAddress",
            "SSO",
            "Profile",
        ])),
        fixture_text("compat/list_csv_prefix.txt")
    );
    assert_eq!(
        ok(home.run(&["-S", "Sandbox", "list", "--csv", "Arn", "Profile"])),
        fixture_text("compat/list_csv_sandbox.txt")
    );
}

#[test]
fn fields_and_sort_come_from_the_environment_too() {
    let home = compat_home("config.yaml");
    let out = home
        .cmd()
        .args(["list", "--csv"])
        .env(
            "AWS_SSO_FIELDS",
            "Id,AccountId,Arn,DefaultRegion,Via,ExpiresEpoch",
        )
        .env("AWS_SSO_FIELD_SORT", "Arn")
        .env("AWS_SSO_FIELD_SORT_REVERSE", "true")
        .output()
        .unwrap();
    assert_eq!(ok(out), fixture_text("compat/list_csv_fields.txt"));
    let out = home
        .cmd()
        .args(["list", "--csv", "Arn", "Profile"])
        .env("AWS_SSO", "Sandbox")
        .output()
        .unwrap();
    assert_eq!(ok(out), fixture_text("compat/list_csv_sandbox.txt"));
}

#[test]
fn go_template_profile_format() {
    let home = compat_home("config_custom_format.yaml");
    assert_eq!(
        ok(home.run(&["list", "--csv", "Profile"])),
        fixture_text("compat/list_csv_custom_format.txt")
    );
}

#[test]
fn list_table_matches_gotable_layout() {
    let home = compat_home("config.yaml");
    assert_eq!(
        ok(home.run(&["list"])),
        fixture_text("compat/list_table.txt")
    );
    // The no-argument command lists with the config's ListFields.
    assert_eq!(ok(home.run(&[])), fixture_text("compat/list_table.txt"));
}

#[test]
fn tags_match_aws_sso_cli() {
    let home = compat_home("config.yaml");
    assert_eq!(ok(home.run(&["tags"])), fixture_text("compat/tags.txt"));
    assert_eq!(
        ok(home.run(&[
            "tags",
            "--account",
            "2222222222",
            "--role",
            "ReadOnlyAccess"
        ])),
        fixture_text("compat/tags_filtered.txt")
    );
    assert_eq!(ok(home.run(&["tags", "-A", "999"])), "");
}

#[test]
fn list_fields_table() {
    let home = compat_home("config.yaml");
    let out = ok(home.run(&["list", "--list-fields"]));
    let mut lines = out.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("Field         | Description")
    );
    assert!(lines.next().unwrap().chars().all(|c| c == '='));
    let names: Vec<&str> = lines
        .map(|l| l.split(" | ").next().unwrap().trim())
        .collect();
    assert_eq!(
        names,
        [
            "AccountAlias",
            "AccountId",
            "AccountIdPad",
            "AccountName",
            "Arn",
            "DefaultRegion",
            "EmailAddress",
            "Expires",
            "ExpiresEpoch",
            "Id",
            "Profile",
            "RoleName",
            "SSO",
            "Via"
        ]
    );
}

#[test]
fn version_prints_two_lines() {
    let home = Home::new();
    let out = ok(home.run(&["version"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(&format!("AWS SSO Version {}", env!("CARGO_PKG_VERSION"))));
    assert!(lines[1].contains(" built at "));
}

#[test]
fn bad_fields_sort_and_prefix_are_one_line_errors() {
    let home = compat_home("config.yaml");
    let err = fails(home.run(&["list", "--csv", "Bogus"]));
    assert!(err.contains("unsupported field: 'Bogus'"), "{err}");
    let err = fails(home.run(&["list", "-s", "Tags"]));
    assert!(err.contains("unsupported field: 'Tags'"), "{err}");
    let err = fails(home.run(&["list", "-P", "Expires=1"]));
    assert!(err.contains("--prefix cannot filter on Expires"), "{err}");
    let err = fails(home.run(&["list", "-P", "RoleName"]));
    assert!(err.contains("must look like Field=Prefix"), "{err}");
    let err = fails(home.run(&["tags", "-A", "12x"]));
    assert!(err.contains("invalid --account '12x'"), "{err}");
}

#[test]
fn unknown_instance_names_the_valid_ones() {
    let home = compat_home("config.yaml");
    let err = fails(home.run(&["-S", "Nope", "list"]));
    assert!(
        err.contains("invalid SSO name 'Nope'. Valid options: Default, Sandbox"),
        "{err}"
    );
}

#[test]
fn malformed_config_names_file_line_and_column() {
    let home = compat_home("config.yaml");
    let path = home.write(
        "config.yaml",
        "SSOConfig:\n  Default:\n    SSORegion: [us-east-1\n",
    );
    let err = fails(home.run(&["list"]));
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(
        err.contains(":3:") || err.contains(":4:"),
        "line number in: {err}"
    );
}

#[test]
fn missing_config_says_how_to_create_one() {
    let home = Home::new();
    let err = fails(home.run(&["list"]));
    assert!(err.contains("config.yaml"), "{err}");
}

#[test]
fn corrupted_cache_warns_once_and_never_panics() {
    for bad in [
        &b"{\"Version\": 4, \"SSO\": {\"Default\": "[..],
        &b"\x00\x01garbage"[..],
        &b"{\"Version\": 99, \"SSO\": {}}"[..],
    ] {
        let home = compat_home("config.yaml");
        home.write("cache.json", bad);
        let out = home.run(&["list"]);
        let err = fails(out.clone());
        assert!(err.contains("cache.json"), "{err}");
        assert!(err.contains("aws-sso login"), "says how to rebuild: {err}");
        assert!(!stderr(&out).contains("panicked"), "{err}");
        let warnings = stderr(&out)
            .lines()
            .filter(|l| l.contains("ignoring cache"))
            .count();
        assert_eq!(warnings, 1, "{err}");
    }
}

#[test]
fn expired_cache_warns_but_still_lists() {
    let home = compat_home("config.yaml");
    // CacheRefresh back to the default (168 h): the fixture's LastUpdate is long past.
    let config = fixture_text("compat/config.yaml").replace("CacheRefresh: 0\n", "");
    home.write("config.yaml", config);
    let out = home.run(&["list", "--csv"]);
    assert!(stderr(&out).contains("Cache has expired.  Results may be out of date."));
    assert_eq!(ok(out), fixture_text("compat/list_csv_default.txt"));
}

#[test]
fn closed_stdout_exits_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let home = compat_home("config.yaml");
    let mut child = home
        .cmd()
        .args(["list", "--csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before we write
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "status {status:?}, stderr: {err}");
    assert!(err.is_empty(), "{err}");
}
