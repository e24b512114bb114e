//! An aws-sso-cli user's own files, used as they are: config.yaml in the loose forms
//! aws-sso-cli's loader accepts, a cache.json as aws-sso-cli writes it (account tags kept on
//! the account, `Profile` and `Via` as role fields), and the role names people type into
//! `--profile` that are really another spelling of a role.

mod common;

use aws_sso_emulator::{Account, EmulatorConfig, Org};
use common::emulated::{Setup, setup};
use common::{Home, fails, fixture_text, ok, stderr};

/// A HOME holding the aws-sso-cli config and cache of `tests/fixtures/cli_written`, with
/// `extra` top-level lines added to the config.
fn cli_home(extra: &str) -> Home {
    let home = Home::new();
    home.write(
        "config.yaml",
        format!("{}{extra}", fixture_text("cli_written/config.yaml")),
    );
    home.fixture("cli_written/cache.json", "cache.json");
    home
}

/// The emulator serving the accounts of the cli_written fixture.
fn cli_org() -> EmulatorConfig {
    let account = |id: &str, name: &str, email: &str, roles: &[&str]| Account {
        id: id.into(),
        name: name.into(),
        email: email.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    };
    EmulatorConfig {
        org: Org::from_accounts(vec![
            account(
                "000001111111",
                "Production Account",
                "prod@example.com",
                &["AdministratorAccess", "ReadOnlyAccess"],
            ),
            account(
                "002222222222",
                "dev sandbox",
                "dev@example.com",
                &["PowerUserAccess"],
            ),
        ])
        .unwrap(),
        ..EmulatorConfig::default()
    }
}

/// Replace the emulated HOME's config: one `Default` instance with `instance_extra` lines in
/// it, the json store, PKCE, and `extra` top-level lines.
fn write_config(s: &Setup, instance_extra: &str, extra: &str) {
    let json_store = s.home.config_dir().join("store.json");
    s.home.write(
        "config.yaml",
        format!(
            "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1234567890.awsapps.com/start\n{instance_extra}\
             SecureStore: json\nJsonStore: {}\nAuthWorkflow: pkce\n{extra}",
            json_store.display()
        ),
    );
}

// ---- configs aws-sso-cli accepts ------------------------------------------------------------

#[test]
fn tags_written_as_lists_of_one_key_maps_load_and_reach_the_roles() {
    let s = setup(cli_org(), "");
    write_config(
        &s,
        "    Accounts:\n      \"000001111111\":\n        Tags:\n          - Type: Main Account\n          - Team: platform\n        Roles:\n          ReadOnlyAccess:\n            Tags:\n              - Team: audit\n              - Tier: \"1\"\n",
        "",
    );
    ok(s.run(&["login"]));
    let tags = ok(s.run(&["tags", "-A", "000001111111"]));
    let block = |i: usize| format!("{}\n", tags.split("\n\n").nth(i).unwrap());
    let admin = block(0);
    assert!(admin.contains("\n  Type: Main Account\n"), "{tags}");
    assert!(admin.contains("\n  Team: platform\n"), "{tags}");
    let read = block(1);
    assert!(read.contains("\n  Team: audit\n"), "role tags win: {tags}");
    assert!(read.contains("\n  Tier: 1\n"), "{tags}");
    assert!(read.contains("\n  Type: Main Account\n"), "{tags}");
}

#[test]
fn loose_forms_of_every_shape_load() {
    // Instances and accounts as lists of one-key maps, a comma string for a list, numbers and
    // booleans as strings, lower-case keys, and values checked only where they are used.
    let home = Home::new();
    home.fixture("cli_written/cache.json", "cache.json");
    home.write(
        "config.yaml",
        "ssoconfig:\n  - Default:\n      ssoregion: us-east-1\n      StartURL: https://d-1234567890.awsapps.com/start\n      Accounts:\n        - 1111111:\n            Name: Production\n            Tags: [{Type: prod}]\n\
         ListFields: \"AccountIdPad, RoleName\"\nCacheRefresh: \"0\"\nAutoLogin: \"false\"\nFullTextSearch: 1\n\
         ConsoleDuration: 5\nUrlAction: exec\nSecureStore: json\n",
    );
    let out = home.run(&["list"]);
    assert_eq!(stderr(&out), "");
    let listed = ok(out);
    assert!(
        listed.contains("AccountIdPad | RoleName"),
        "the two ListFields are the columns:\n{listed}"
    );
    assert!(listed.contains("000001111111 | ReadOnlyAccess"), "{listed}");
}

#[test]
fn firefox_container_v1_setting_loads_and_complains_only_when_a_url_is_opened() {
    let s = setup(
        cli_org(),
        "FirefoxOpenUrlInContainer: true\nCacheRefresh: 0\n",
    );
    s.home.fixture("cli_written/cache.json", "cache.json");
    let out = s.run(&["list"]);
    assert_eq!(stderr(&out), "", "loading says nothing");
    ok(out);
    // Logging in the way the message will suggest works.
    ok(s.run(&["login", "--url-action", "open"]));
    let err = fails(s.run(&["console", "-p", "Production:ReadOnlyAccess"]));
    assert!(
        err.contains("URL action open-url-in-container runs UrlExecCommand, which config.yaml does not set (FirefoxOpenUrlInContainer: true selects this action): add e.g. UrlExecCommand: [/usr/bin/firefox, \"%s\"]"),
        "{err}"
    );
    assert!(err.contains("or pass --url-action open"), "{err}");
}

#[test]
fn console_duration_out_of_range_fails_only_the_console() {
    let home = cli_home("ConsoleDuration: 5\n");
    ok(home.run(&["list"]));
    let err = fails(home.run(&["console", "-p", "prod-admin"]));
    assert!(
        err.contains("ConsoleDuration 5 in ")
            && err.contains("must be between 15 and 720 minutes: fix it or pass --duration"),
        "{err}"
    );
}

#[test]
fn a_via_that_is_not_a_role_arn_fails_only_that_role() {
    let s = setup(cli_org(), "");
    write_config(
        &s,
        "    Accounts:\n      \"000001111111\":\n        Roles:\n          Chained:\n            Via: AdministratorAccess\n",
        "",
    );
    ok(s.run(&["login"]));
    let read = ok(s.run(&[
        "eval",
        "--arn",
        "arn:aws:iam::000001111111:role/ReadOnlyAccess",
    ]));
    assert!(read.contains("AWS_SESSION_TOKEN="), "{read}");
    let err = fails(s.run(&["eval", "--arn", "000001111111:Chained"]));
    assert!(
        err.contains("invalid Via 'AdministratorAccess' for arn:aws:iam::000001111111:role/Chained in config.yaml: expected arn:aws:iam::<account>:role/<name>"),
        "{err}"
    );
}

#[test]
fn a_default_sso_naming_no_instance_warns_with_the_instances() {
    let home = cli_home("DefaultSSO: Defualt\n");
    let out = home.run(&["list", "--csv", "Arn"]);
    let err = stderr(&out);
    assert!(
        err.contains("DefaultSSO 'Defualt' in ")
            && err.contains(
                "names no SSO instance (instances: Default); using 'Default': set DefaultSSO: Default or remove the line"
            ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(ok(out).lines().count(), 4, "the command still works");
    // Quiet when the level asks for errors only (what the shell helpers pass).
    assert_eq!(stderr(&home.run(&["-L", "error", "list"])), "");
}

// ---- tags as aws-sso-cli shows them ------------------------------------------------------

#[test]
fn tags_show_account_tags_profile_and_via_like_aws_sso_cli() {
    let home = cli_home("");
    assert_eq!(
        ok(home.run(&["tags"])),
        fixture_text("cli_written/tags.txt")
    );
}

#[test]
fn profile_format_sees_the_merged_tags() {
    let home = cli_home("ProfileFormat: '{{ .RoleName }}@{{ index .Tags \"Cost\" }}'\n");
    assert_eq!(
        ok(home.run(&["list", "--csv", "Arn,Profile"])),
        "arn:aws:iam::000001111111:role/AdministratorAccess,prod-admin\n\
         arn:aws:iam::000001111111:role/ChainedAdmin,ChainedAdmin@cc-100\n\
         arn:aws:iam::000001111111:role/ReadOnlyAccess,ReadOnlyAccess@cc-100\n\
         arn:aws:iam::002222222222:role/PowerUserAccess,PowerUserAccess@\n"
    );
}

#[test]
fn env_var_tags_export_account_tags_and_profile() {
    let s = setup(cli_org(), "");
    let json_store = s.home.config_dir().join("store.json");
    s.home.write(
        "config.yaml",
        format!(
            "{}JsonStore: {}\nAuthWorkflow: pkce\nEnvVarTags: [Type, Profile]\n",
            fixture_text("cli_written/config.yaml"),
            json_store.display()
        ),
    );
    s.home.fixture("cli_written/cache.json", "cache.json");
    ok(s.run(&["login"]));
    assert_eq!(
        ok(s.run(&["tags", "-R", "ReadOnlyAccess"])),
        fixture_text("cli_written/tags.txt")
            .split("\n\n")
            .nth(2)
            .unwrap()
            .to_string()
            + "\n\n",
        "login kept aws-sso-cli's cache"
    );
    let read = ok(s.run(&["eval", "-p", "Production:ReadOnlyAccess"]));
    assert!(read.contains("AWS_SSO_TAG_TYPE='prod'"), "{read}");
    let admin = ok(s.run(&["eval", "-p", "prod-admin"]));
    assert!(
        admin.contains("AWS_SSO_TAG_PROFILE='prod-admin'"),
        "{admin}"
    );
    assert!(admin.contains("AWS_SSO_TAG_TYPE='prod'"), "{admin}");
}

#[test]
fn a_refresh_adds_no_default_region_tag_and_the_region_still_applies() {
    let s = setup(cli_org(), "");
    write_config(
        &s,
        "    Accounts:\n      \"000001111111\":\n        Roles:\n          AdministratorAccess:\n            DefaultRegion: eu-central-1\n",
        "",
    );
    ok(s.run(&["login"]));
    let tags = ok(s.run(&["tags", "-R", "AdministratorAccess"]));
    assert!(tags.contains("\n  Role: AdministratorAccess\n"), "{tags}");
    assert!(!tags.contains("DefaultRegion"), "{tags}");
    assert!(
        ok(s.run(&["list", "--csv", "Arn,DefaultRegion"]))
            .contains("arn:aws:iam::000001111111:role/AdministratorAccess,eu-central-1\n")
    );
    let exports = ok(s.run(&[
        "eval",
        "--arn",
        "arn:aws:iam::000001111111:role/AdministratorAccess",
    ]));
    assert!(
        exports.contains("AWS_DEFAULT_REGION='eu-central-1'"),
        "{exports}"
    );
}

// ---- helpful misses --------------------------------------------------------------------------

#[test]
fn a_role_spelled_another_way_in_profile_gets_the_right_flag_or_profile() {
    let home = cli_home("");
    let err = fails(home.run(&["eval", "-p", "003114143160:DeveloperAccess"]));
    assert!(
        err.contains(
            "Invalid --profile 003114143160:DeveloperAccess: no cached role has that profile name; that is an account id and role (the --arn short form): use --arn 003114143160:DeveloperAccess"
        ),
        "{err}"
    );
    assert!(!err.contains("did you mean"), "{err}");

    let arn = "arn:aws:iam::000001111111:role/ReadOnlyAccess";
    let err = fails(home.run(&["exec", "-p", arn, "true"]));
    assert!(
        err.contains(&format!("that is a role ARN: use --arn {arn}")),
        "{err}"
    );

    // Account alias (with its space) and role: the role's real profile.
    let err = fails(home.run(&["eval", "-p", "Production Account:AdministratorAccess"]));
    assert!(
        err.contains(
            "that role's profile is prod-admin (or use --arn 000001111111:AdministratorAccess)"
        ),
        "{err}"
    );
    let err = fails(home.run(&["eval", "-p", "dev sandbox:poweruseraccess"]));
    assert!(
        err.contains("that role's profile is devsandbox:PowerUserAccess"),
        "{err}"
    );
}
