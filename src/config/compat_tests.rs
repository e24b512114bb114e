//! Files aws-sso-cli's loader accepts, in the loose forms people write them (lists of one-key
//! mappings for maps, comma strings for lists, numbers and booleans as strings, any key case,
//! v1 settings that only matter when used): each must load to what aws-sso-cli reads.

use std::path::PathBuf;

use super::*;

fn load(yaml: &str) -> Result<Config, ConfigError> {
    let paths = Paths::new(
        PathBuf::from("/nonexistent"),
        PathBuf::from("/nonexistent/config.yaml"),
    );
    Config::from_yaml(yaml, &paths, &ConfigEnv::default())
}

fn ok(yaml: &str) -> Config {
    load(yaml).unwrap_or_else(|e| panic!("should load: {e}\n{yaml}"))
}

const INSTANCE: &str = "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1.awsapps.com/start\n";

fn pairs(map: &std::collections::BTreeMap<String, String>) -> Vec<(&str, &str)> {
    map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn tags_as_a_list_of_one_key_mappings_merge_on_accounts_and_roles() {
    let c = ok(&format!(
        "{INSTANCE}    Accounts:\n      \"000001111111\":\n        Tags:\n          - Type: Main Account\n          - Team: platform\n        Roles:\n          Admin:\n            Tags:\n              - Team: ops\n              - Oncall: \"yes\"\n"
    ));
    let account = &c.sso_config["Default"].accounts[&AccountId::new(1111111).unwrap()];
    assert_eq!(
        pairs(&account.tags),
        [("Team", "platform"), ("Type", "Main Account")]
    );
    assert_eq!(
        pairs(&account.roles["Admin"].tags),
        [("Oncall", "yes"), ("Team", "ops")]
    );
}

#[test]
fn maps_of_instances_accounts_roles_and_variables_may_be_lists_too() {
    let c = ok(
        "SSOConfig:\n  - Work:\n      SSORegion: us-east-1\n      StartUrl: https://d-1.awsapps.com/start\n      Accounts:\n        - 1111111:\n            Roles:\n              - Admin: {Profile: a}\n              - Read:\n        - \"2222222222\": {Name: Two}\n  - Lab: {SSORegion: eu-west-1, StartUrl: https://d-2.awsapps.com/start}\nDefaultSSO: Work\nConfigVariables:\n  - output: json\n  - sts_regional_endpoints: regional\n",
    );
    assert_eq!(c.instance_names().collect::<Vec<_>>(), ["Lab", "Work"]);
    let work = &c.sso_config["Work"];
    let one = &work.accounts[&AccountId::new(1111111).unwrap()];
    assert_eq!(one.roles["Admin"].profile.as_deref(), Some("a"));
    assert!(one.roles.contains_key("Read"));
    let two = &work.accounts[&AccountId::new(2222222222).unwrap()];
    assert_eq!(two.name.as_deref(), Some("Two"));
    assert_eq!(
        c.config_variables.keys().collect::<Vec<_>>(),
        ["output", "sts_regional_endpoints"]
    );
}

#[test]
fn strings_for_lists_split_at_commas_and_scalars_convert() {
    let c = ok(&format!(
        "{INSTANCE}ListFields: \"AccountIdPad, RoleName\"\nEnvVarTags: Team,Type\nAccountPrimaryTag: AccountName\nCacheRefresh: \"0\"\nAutoLogin: \"true\"\nFullTextSearch: 0\nHistoryLimit: \"0x10\"\nconsoleduration: 30.0\nurlaction: PRINT\n"
    ));
    assert_eq!(c.list_fields, ["AccountIdPad", "RoleName"]);
    assert_eq!(c.env_var_tags, ["Team", "Type"]);
    assert_eq!(c.account_primary_tag, ["AccountName"]);
    assert_eq!(c.cache_refresh, 0);
    assert!(c.auto_login);
    assert!(!c.full_text_search);
    assert_eq!(c.history_limit, 16);
    assert_eq!(c.console_duration, 30);
    assert_eq!(c.url_action, UrlAction::Print);
}

#[test]
fn settings_checked_only_where_used_do_not_stop_loading() {
    // v1's container switch without the command it needs: aws-sso-cli loads it; opening a
    // URL that way is what fails (see urlaction).
    let c = ok(&format!("{INSTANCE}FirefoxOpenUrlInContainer: true\n"));
    assert_eq!(c.url_action, UrlAction::OpenUrlInContainer);
    assert!(c.url_exec_command.is_empty());
    for extra in [
        "UrlAction: exec\n",
        "UrlAction: exec\nUrlExecCommand: [firefox]\n",
        "ConsoleDuration: 5\n",
        "ConsoleDuration: 1440\n",
    ] {
        ok(&format!("{INSTANCE}{extra}"));
    }
    let c = ok(&format!(
        "{INSTANCE}    AuthUrlAction: granted-containers\n"
    ));
    assert_eq!(
        c.sso_config["Default"].auth_url_action,
        Some(UrlAction::GrantedContainers)
    );
}

#[test]
fn a_default_sso_naming_no_instance_is_reported_with_the_instances() {
    let c = ok(&format!("{INSTANCE}DefaultSSO: Defualt\n"));
    let (name, _) = c.select_instance(None, None).unwrap();
    assert_eq!(
        name, "Default",
        "the only instance is used, as aws-sso-cli does"
    );
    let warning = c.default_sso_warning(None).expect("a warning");
    assert_eq!(
        warning,
        "DefaultSSO 'Defualt' in /nonexistent/config.yaml names no SSO instance (instances: Default); using 'Default': set DefaultSSO: Default or remove the line"
    );
    assert_eq!(c.default_sso_warning(Some("Default")), None, "--sso given");
    // Unset, it is the built-in "Default": a lone instance of another name is just used.
    let c = ok("SSOConfig:\n  Work: {SSORegion: r, StartUrl: u}\n");
    assert_eq!(c.default_sso_warning(None), None);
    let c = ok(&format!("{INSTANCE}DefaultSSO: Default\n"));
    assert_eq!(c.default_sso_warning(None), None);
    // With several instances the typo stops the command and names them.
    let c = ok(&format!(
        "{INSTANCE}  Work: {{SSORegion: r, StartUrl: u}}\nDefaultSSO: Defualt\n"
    ));
    assert_eq!(
        c.select_instance(None, None).unwrap_err().to_string(),
        "invalid SSO name 'Defualt'. Valid options: Default, Work"
    );
}

#[test]
fn shapes_aws_sso_cli_rejects_still_fail_with_the_key() {
    let err = load(&format!(
        "{INSTANCE}    Accounts:\n      \"000001111111\":\n        Tags: [Type=prod]\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("SSOConfig.Default.Accounts.000001111111.Tags: expected a mapping of names to values, found a list"),
        "{err}"
    );
}
