//! Loading aws-sso-cli `config.yaml` files: every key and default, case-insensitive keys,
//! deprecations, account-id spellings, exact error messages with file:line:col, instance
//! selection and config-directory discovery.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use aws_sso::config::*;
use serde_yaml_ng::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

fn env() -> ConfigEnv {
    ConfigEnv {
        home: Some("/home/u".into()),
        xdg_config_home: None,
        aws_sso_config: None,
        remote_host: false,
    }
}

fn paths_for(file: PathBuf) -> Paths {
    Paths::new("/home/u/.config/aws-sso".into(), file)
}

fn load(name: &str) -> Config {
    Config::load_with(&paths_for(fixture(name)), &env())
        .unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn load_err(name: &str) -> String {
    match Config::load_with(&paths_for(fixture(name)), &env()) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => e.to_string(),
    }
}

/// Assert the whole message: `config error in <fixture><rest>`.
fn assert_err(name: &str, rest: &str) {
    let expected = format!("config error in {}{rest}", fixture(name).display());
    assert_eq!(load_err(name), expected);
}

fn acct(id: u64) -> AccountId {
    AccountId::new(id).unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn full_example_loads_every_value() {
    let c = load("full.yaml");
    assert_eq!(c.file, fixture("full.yaml"));
    assert!(c.mtime.is_some_and(|t| t > 1_000_000_000));
    assert_eq!(c.sso_config.len(), 1);
    let sso = &c.sso_config["Default"];
    assert_eq!(sso.sso_region, "us-east-1");
    assert_eq!(sso.start_url, "https://d-1234567890.awsapps.com/start");
    assert_eq!(sso.default_region.as_deref(), Some("us-west-2"));
    assert_eq!(sso.auth_url_action, Some(UrlAction::Open));
    let prod = sso.account(acct(1111111)).expect("account 000001111111");
    assert_eq!(prod.name.as_deref(), Some("Production"));
    assert_eq!(prod.default_region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        prod.tags,
        tags(&[("Type", "prod"), ("Color", "red"), ("Icon", "dollar")])
    );
    let admin = &prod.roles["AdministratorAccess"];
    assert_eq!(admin.profile.as_deref(), Some("prod-admin"));
    assert_eq!(admin.default_region.as_deref(), Some("eu-central-1"));
    assert_eq!(admin.tags, tags(&[("Team", "ops")]));
    assert_eq!(admin.via, None);
    let chained = &prod.roles["CrossAccountRole"];
    assert_eq!(
        chained.via.as_deref(),
        Some("arn:aws:iam::000001111111:role/AdministratorAccess")
    );
    assert_eq!(chained.source_identity.as_deref(), Some("alice"));
    assert_eq!(chained.external_id.as_deref(), Some("xyz"));
    assert_eq!(chained.profile, None);

    assert_eq!(c.default_sso, "Default");
    assert_eq!(c.default_region, "us-east-1");
    assert_eq!(c.auth_workflow, AuthWorkflow::Pkce);
    assert!(!c.auto_login);
    assert_eq!(c.cache_refresh, 168);
    assert!(!c.auto_config_check);
    assert_eq!((c.threads, c.max_retry, c.max_backoff), (5, 10, 5));
    assert_eq!(c.browser, "/usr/bin/firefox");
    assert_eq!(c.url_action, UrlAction::OpenUrlInContainer);
    assert_eq!(c.url_exec_command, strings(&["/usr/bin/firefox", "%s"]));
    // Not set: tracks UrlAction.
    assert_eq!(c.config_profiles_url_action, UrlAction::OpenUrlInContainer);
    assert_eq!(c.config_profiles_binary_path, "/usr/local/bin/aws-sso");
    assert_eq!(c.console_duration, 60);
    assert_eq!(c.log_level, LogLevel::Info);
    assert!(!c.log_lines);
    assert_eq!((c.history_limit, c.history_minutes), (10, 1440));
    assert_eq!(c.secure_store, Some(SecureStoreKind::File));
    assert_eq!(
        c.json_store,
        Path::new("/home/u/.config/aws-sso/store.json")
    );
    assert_eq!(c.secret_service_collection, "awsssocli");
    assert_eq!(
        c.one_password,
        OnePassword {
            vault: "aws".into(),
            auth_type: OnePasswordAuth::Desktop,
            account: "me@example.com".into(),
        }
    );
    assert_eq!(c.profile_format, "{{ .AccountIdPad }}:{{ .RoleName }}");
    let vars: Vec<(&str, String)> = c
        .config_variables
        .iter()
        .map(|(k, v)| (k.as_str(), go_value_string(v)))
        .collect();
    assert_eq!(
        vars,
        [
            ("output", "json".to_string()),
            ("sts_regional_endpoints", "regional".to_string())
        ]
    );
    assert_eq!(c.first_tag, "History");
    assert!(c.full_text_search);
    assert_eq!(
        c.account_primary_tag,
        strings(&["AccountName", "AccountAlias", "Email"])
    );
    assert_eq!(
        c.prompt_colors.get("SuggestionBGColor"),
        Some(PromptColor::Cyan)
    );
    assert_eq!(
        c.list_fields,
        strings(&[
            "AccountIdPad",
            "AccountAlias",
            "RoleName",
            "Profile",
            "Expires"
        ])
    );
    assert_eq!(c.env_var_tags, strings(&["Team", "Type"]));

    // Region precedence: role > account > instance > global.
    assert_eq!(
        c.effective_region(sso, acct(1111111), "AdministratorAccess"),
        "eu-central-1"
    );
    assert_eq!(
        c.effective_region(sso, acct(1111111), "CrossAccountRole"),
        "eu-west-1"
    );
    assert_eq!(c.effective_region(sso, acct(42), "Any"), "us-west-2");
    let roles: Vec<_> = sso
        .roles()
        .map(|(id, name, _)| (id.padded(), name))
        .collect();
    assert_eq!(
        roles,
        [
            ("000001111111".to_string(), "AdministratorAccess"),
            ("000001111111".to_string(), "CrossAccountRole")
        ]
    );
}

#[test]
fn load_by_path_uses_the_process_environment() {
    let c = Config::load(&fixture("full.yaml")).unwrap();
    assert_eq!(c.file, fixture("full.yaml"));
    assert_eq!(c.sso_config["Default"].sso_region, "us-east-1");
    assert!(c.mtime.is_some());
    let err = Config::load(&fixture("does-not-exist.yaml")).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }), "{err}");
}

#[test]
fn minimal_config_gets_every_default() {
    let c = load("minimal.yaml");
    let sso = &c.sso_config["Default"];
    assert_eq!(sso.default_region, None);
    assert_eq!(sso.auth_url_action, None);
    assert!(sso.accounts.is_empty());
    assert_eq!(c.default_sso, "Default");
    assert_eq!(c.default_region, "us-east-1");
    assert_eq!(c.auth_workflow, AuthWorkflow::Pkce);
    assert!(!c.auto_login && !c.auto_config_check && !c.log_lines);
    assert_eq!(c.cache_refresh, 168);
    assert_eq!(c.threads, 5);
    assert_eq!(c.max_retry, 10);
    assert_eq!(c.max_backoff, 5);
    assert_eq!(c.browser, "");
    assert_eq!(c.url_action, UrlAction::Open);
    assert!(c.url_exec_command.is_empty());
    assert_eq!(c.config_profiles_url_action, UrlAction::Open);
    assert_eq!(c.config_profiles_binary_path, "");
    assert_eq!(c.console_duration, 60);
    assert_eq!(c.log_level, LogLevel::Info);
    assert_eq!(c.history_limit, 10);
    assert_eq!(c.history_minutes, 1440);
    assert_eq!(c.secure_store, None);
    assert_eq!(
        c.json_store,
        Path::new("/home/u/.config/aws-sso/store.json")
    );
    assert_eq!(c.secret_service_collection, "awsssocli");
    assert_eq!(c.one_password, OnePassword::default());
    assert_eq!(c.one_password.auth_type, OnePasswordAuth::Desktop);
    assert_eq!(
        c.profile_format,
        "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}"
    );
    assert!(c.config_variables.is_empty());
    assert_eq!(c.first_tag, "");
    assert!(c.full_text_search);
    assert_eq!(
        c.account_primary_tag,
        strings(&["AccountName", "AccountAlias", "Email"])
    );
    assert_eq!(c.prompt_colors, PromptColors::default());
    assert_eq!(
        c.list_fields,
        strings(&[
            "AccountIdPad",
            "AccountAlias",
            "RoleName",
            "Profile",
            "Expires"
        ])
    );
    assert!(c.env_var_tags.is_empty());
    assert_eq!(c.effective_region(sso, acct(1), "R"), "us-east-1");
}

#[test]
fn remote_hosts_default_to_device_code_unless_set() {
    let remote = ConfigEnv {
        remote_host: true,
        ..env()
    };
    let c = Config::load_with(&paths_for(fixture("minimal.yaml")), &remote).unwrap();
    assert_eq!(c.auth_workflow, AuthWorkflow::DeviceCode);
    let c = Config::load_with(&paths_for(fixture("full.yaml")), &remote).unwrap();
    assert_eq!(c.auth_workflow, AuthWorkflow::Pkce);
}

#[test]
fn every_setting_can_be_changed() {
    let c = load("nondefault.yaml");
    assert_eq!(c.default_sso, "Work");
    assert_eq!(c.default_region, "ap-southeast-2");
    assert_eq!(c.auth_workflow, AuthWorkflow::DeviceCode);
    assert!(c.auto_login && c.auto_config_check && c.log_lines);
    assert_eq!(c.cache_refresh, 0);
    assert_eq!((c.threads, c.max_retry, c.max_backoff), (20, 3, 30));
    assert_eq!(c.browser, "/opt/browser");
    assert_eq!(c.url_action, UrlAction::Exec);
    assert_eq!(
        c.url_exec_command,
        strings(&["/usr/bin/open", "-a", "Safari", "%s"])
    );
    assert_eq!(c.config_profiles_url_action, UrlAction::Clip);
    assert_eq!(c.config_profiles_binary_path, "/opt/aws-sso");
    assert_eq!(c.console_duration, 720);
    assert_eq!(c.log_level, LogLevel::Debug);
    assert_eq!((c.history_limit, c.history_minutes), (0, -1));
    assert_eq!(c.secure_store, Some(SecureStoreKind::Json));
    assert_eq!(c.json_store, Path::new("/var/lib/aws-sso/store.json"));
    assert_eq!(c.secret_service_collection, "mine");
    assert_eq!(c.one_password.vault, "v");
    assert_eq!(c.one_password.auth_type, OnePasswordAuth::ServiceAccount);
    // An explicitly empty ProfileFormat means the AccountIdPad form.
    assert_eq!(c.profile_format, "{{ .AccountIdPad }}:{{ .RoleName }}");
    let vars: BTreeMap<&str, String> = c
        .config_variables
        .iter()
        .map(|(k, v)| (k.as_str(), go_value_string(v)))
        .collect();
    assert_eq!(vars["cli_pager"], "");
    assert_eq!(vars["retries"], "3");
    assert_eq!(vars["ratio"], "1.5");
    assert_eq!(vars["big"], "1.2e+10");
    assert_eq!(vars["flag"], "true");
    assert_eq!(vars["nothing"], "<nil>");
    assert_eq!(c.config_variables["retries"], Value::from(3));
    assert_eq!(c.first_tag, "AccountName");
    assert!(!c.full_text_search);
    // Empty AccountPrimaryTag gets the default list.
    assert_eq!(
        c.account_primary_tag,
        strings(&["AccountName", "AccountAlias", "Email"])
    );
    assert_eq!(
        c.prompt_colors.get("SuggestionBGColor"),
        Some(PromptColor::Red)
    );
    assert_eq!(
        c.prompt_colors.get("ScrollbarThumbColor"),
        Some(PromptColor::DarkGray)
    );
    // Unknown colour names fall back to DefaultColor, as in aws-sso-cli.
    assert_eq!(
        c.prompt_colors.get("InputTextColor"),
        Some(PromptColor::DefaultColor)
    );
    assert_eq!(
        c.prompt_colors.get("PrefixTextColor"),
        Some(PromptColor::Blue)
    );
    // A single string becomes a one-item list.
    assert_eq!(c.list_fields, strings(&["Arn"]));
    assert_eq!(c.env_var_tags, strings(&["Team"]));
}

#[test]
fn schema_keys_are_case_insensitive_but_user_keys_keep_case() {
    let c = load("case_insensitive.yaml");
    assert_eq!(c.instance_names().collect::<Vec<_>>(), ["MyCorp"]);
    let sso = &c.sso_config["MyCorp"];
    assert_eq!(sso.sso_region, "us-west-2");
    assert_eq!(sso.start_url, "https://mycorp.awsapps.com/start");
    assert_eq!(sso.default_region.as_deref(), Some("us-east-2"));
    assert_eq!(sso.auth_url_action, Some(UrlAction::Print));
    let account = sso.account(acct(123456789012)).unwrap();
    assert_eq!(account.name.as_deref(), Some("Dev Account"));
    assert_eq!(account.tags, tags(&[("Env", "Dev"), ("env", "lower")]));
    let role = sso.role(acct(123456789012), "PowerUser").unwrap();
    assert_eq!(role.profile.as_deref(), Some("dev-power"));
    assert_eq!(role.tags, tags(&[("Owner", "Bob")]));
    assert!(sso.role(acct(123456789012), "poweruser").is_none());
    assert_eq!(c.default_sso, "MyCorp");
    assert_eq!(c.url_action, UrlAction::Clip);
    assert_eq!(c.config_profiles_url_action, UrlAction::Clip);
    assert_eq!(
        c.prompt_colors.get("SuggestionBGColor"),
        Some(PromptColor::Blue)
    );
    assert_eq!(
        c.prompt_colors.get("DescriptionTextColor"),
        Some(PromptColor::White)
    );
    assert_eq!(c.history_limit, 3);
    assert!(!c.full_text_search);
    assert_eq!(c.config_variables.keys().collect::<Vec<_>>(), ["Output"]);
}

#[test]
fn deprecated_keys_are_rewritten() {
    let c = load("deprecated.yaml");
    assert_eq!(c.url_action, UrlAction::OpenUrlInContainer);
    assert_eq!(c.config_profiles_url_action, UrlAction::OpenUrlInContainer);
    assert_eq!(
        c.list_fields,
        strings(&["AccountIdPad", "Arn", "Expires", "RoleName"])
    );
    assert_eq!(c.profile_format, "{{ .AccountIdPad }}:{{ .RoleName }}");
}

#[test]
fn account_keys_accept_ints_floats_and_leading_zeros() {
    let c = load("account_keys.yaml");
    let names: Vec<(String, String)> = c.sso_config["Default"]
        .accounts()
        .map(|(id, a)| (id.padded(), a.name.clone().unwrap_or_default()))
        .collect();
    let expected = [
        ("000000000000", "zero"),
        ("000001111111", "quoted-leading-zeros"),
        ("000002222222", "plain-int"),
        ("000003333333", "unquoted-leading-zeros"),
        ("012000000000", "float"),
        ("999999999999", "max"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(names, expected);
    assert_eq!(acct(2222222).get(), 2222222);
}

#[test]
fn null_roles_and_accounts_are_allowed() {
    let c = load("null_roles.yaml");
    let sso = &c.sso_config["Default"];
    let one = sso.account(acct(1111111)).unwrap();
    assert_eq!(one.roles.keys().collect::<Vec<_>>(), ["MyRole", "Other"]);
    assert_eq!(one.roles["MyRole"], SsoRole::default());
    assert_eq!(sso.account(acct(2222222)), Some(&SsoAccount::default()));
    assert!(sso.account(acct(3333333)).unwrap().roles.is_empty());
}

#[test]
fn null_values_take_go_zero_values() {
    let paths = paths_for("/tmp/c.yaml".into());
    let yaml = "SSOConfig: {D: {SSORegion: r, StartUrl: u}}\nCacheRefresh:\nProfileFormat:\n\
                FullTextSearch: ~\nDefaultRegion:\nUrlAction:\n";
    let c = Config::from_yaml(yaml, &paths, &env()).unwrap();
    assert_eq!(c.cache_refresh, 0);
    assert_eq!(c.profile_format, EMPTY_PROFILE_FORMAT);
    assert!(!c.full_text_search);
    assert_eq!(c.default_region, "");
    assert_eq!(c.url_action, UrlAction::Open);
    assert_eq!(c.mtime, None);
}

#[test]
fn yaml_anchors_and_merge_keys_work() {
    let paths = paths_for("/tmp/c.yaml".into());
    let yaml = "base: &base {SSORegion: eu-west-1, StartUrl: https://a/start}\n\
                SSOConfig:\n  A:\n    <<: *base\n  B:\n    <<: *base\n    SSORegion: us-east-2\n";
    let c = Config::from_yaml(yaml, &paths, &env()).unwrap();
    assert_eq!(c.sso_config["A"].sso_region, "eu-west-1");
    assert_eq!(c.sso_config["B"].sso_region, "us-east-2");
    assert_eq!(c.sso_config["B"].start_url, "https://a/start");
}

#[test]
fn only_the_first_yaml_document_counts() {
    // aws-sso-cli's yaml.v3 decodes the first document and never looks further.
    let paths = paths_for("/tmp/c.yaml".into());
    let yaml = "SSOConfig: {D: {SSORegion: r, StartUrl: u}}\n---\nSSOConfig: [broken\n";
    let c = Config::from_yaml(yaml, &paths, &env()).unwrap();
    assert_eq!(c.sso_config["D"].sso_region, "r");
    // CRLF line endings still locate errors by line.
    let crlf = "SSOConfig:\r\n  D:\r\n    SSORegion: r\r\n    StartUrl: u\r\nThreads: x\r\n";
    let err = Config::from_yaml(crlf, &paths, &env()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "config error in /tmp/c.yaml:5:10: Threads: expected a whole number, found \"x\""
    );
}

#[test]
fn malformed_yaml_reports_parser_position() {
    assert_err(
        "err_bad_yaml.yaml",
        ":5:4: invalid YAML: did not find expected key, while parsing a block mapping at line 2 column 3",
    );
    assert_err(
        "err_duplicate_key.yaml",
        ":5:5: SSOConfig.Default.SSORegion: invalid YAML: duplicate key \"SSORegion\" (remove one of them)",
    );
}

#[test]
fn wrong_types_are_located() {
    assert_err(
        "err_wrong_type.yaml",
        ":5:10: Threads: expected a whole number, found \"lots\"",
    );
    assert_err(
        "err_roles_type.yaml",
        ":7:16: SSOConfig.Default.Accounts.000001111111.Roles: expected a mapping of role names to role settings, found a list",
    );
    assert_err(
        "err_tags_type.yaml",
        ":8:17: SSOConfig.Default.Accounts.000001111111.Tags.Team: expected a string, found a list",
    );
    assert_err(
        "err_top_level_list.yaml",
        ":1:1: expected a mapping of settings at the top level, found a list",
    );
}

#[test]
fn missing_and_empty_required_keys() {
    assert_err(
        "err_missing_start_url.yaml",
        ":2:3: SSOConfig.Default.StartUrl: missing required key (set it to your AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start)",
    );
    assert_err(
        "err_missing_sso_region.yaml",
        ":6:3: SSOConfig.Other.SSORegion: missing required key (set it to your Identity Center region, e.g. us-east-1)",
    );
    assert_err(
        "err_empty_start_url.yaml",
        ":4:15: SSOConfig.Default.StartUrl: must not be empty (set it to your AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start)",
    );
    assert_err(
        "err_no_instances.yaml",
        ":1:1: SSOConfig: no SSO instances configured (add one with SSORegion and StartUrl)",
    );
    assert_err(
        "err_empty.yaml",
        ": file is empty; it needs an SSOConfig section with at least one instance (SSORegion and StartUrl)",
    );
    let paths = paths_for("/tmp/c.yaml".into());
    let err = Config::from_yaml("DefaultRegion: us-west-2\n", &paths, &env()).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "config error in /tmp/c.yaml: SSOConfig: missing required key (add an instance"
        ),
        "{err}"
    );
}

#[test]
fn unknown_enum_values_list_the_allowed_ones() {
    assert_err(
        "err_unknown_url_action.yaml",
        ":5:12: UrlAction: invalid Action: firefox (allowed: clip, exec, print, printurl, open, granted-containers, open-url-in-container, ansi-osc52)",
    );
    assert_err(
        "err_auth_workflow.yaml",
        ":2:15: AuthWorkflow: invalid AuthWorkflow 'implicit' (allowed: device_code, pkce)",
    );
    assert_err(
        "err_log_level.yaml",
        ":2:11: LogLevel: invalid LogLevel 'verbose' (allowed: error, warn, info, debug, trace)",
    );
    assert_err(
        "err_secure_store.yaml",
        ":2:14: SecureStore: invalid SecureStore 'vault' (allowed: file, keychain, kwallet, pass, secret-service, wincred, json, 1password)",
    );
}

#[test]
fn url_action_validation() {
    assert_err(
        "err_exec_container.yaml",
        ":4:26: ConfigProfilesUrlAction: must not select exec and a Firefox container option (UrlAction is open-url-in-container, ConfigProfilesUrlAction is exec; use the same kind for both)",
    );
    // A missing or short UrlExecCommand loads, as in aws-sso-cli: only opening a URL with an
    // action that runs it fails (tests/compat_files.rs).
    let c = load("url_exec_command_short.yaml");
    assert_eq!(c.url_action, UrlAction::Exec);
    assert_eq!(
        c.url_exec_command,
        strings(&["/usr/bin/firefox", "--new-tab"])
    );
    let c = load("auth_url_exec_unset.yaml");
    assert_eq!(
        c.sso_config["Default"].auth_url_action,
        Some(UrlAction::GrantedContainers)
    );
    assert!(c.url_exec_command.is_empty());
    let paths = paths_for("/tmp/c.yaml".into());
    let yaml = "SSOConfig: {D: {SSORegion: r, StartUrl: u}}\nConfigProfilesUrlAction: print\n";
    let err = Config::from_yaml(yaml, &paths, &env())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("config error in /tmp/c.yaml:2:26: ConfigProfilesUrlAction: invalid Action: print (allowed here: clip, exec, open,"),
        "{err}"
    );
    // UrlAction print is fine; ConfigProfilesUrlAction then tracks it as open.
    let yaml = "SSOConfig: {D: {SSORegion: r, StartUrl: u}}\nUrlAction: printurl\n";
    let c = Config::from_yaml(yaml, &paths, &env()).unwrap();
    assert_eq!(c.config_profiles_url_action, UrlAction::Open);
}

#[test]
fn other_validation_errors() {
    // Checked by `console` only, as in aws-sso-cli (tests/compat_files.rs).
    assert_eq!(
        load("console_duration_out_of_range.yaml").console_duration,
        5
    );
    assert_err(
        "err_account_id.yaml",
        ":7:7: SSOConfig.Default.Accounts.prod-account: invalid account id 'prod-account' (expected a number from 0 to 999999999999, e.g. \"000001111111\")",
    );
    assert_err(
        "err_account_range.yaml",
        ":6:7: SSOConfig.Default.Accounts.1000000000000: invalid account id '1000000000000' (expected a number from 0 to 999999999999, e.g. \"000001111111\")",
    );
    assert_err(
        "err_account_twice.yaml",
        ":7:7: SSOConfig.Default.Accounts.1111111: account 000001111111 is listed twice (as '000001111111' and '1111111'); merge them",
    );
    // Refused when the role is used, as in aws-sso-cli (tests/compat_files.rs).
    let c = load("via_not_an_arn.yaml");
    let role = c.sso_config["Default"]
        .role(acct(1111111), "Chained")
        .unwrap();
    assert_eq!(role.via.as_deref(), Some("AdministratorAccess"));
    assert_err(
        "err_one_password.yaml",
        ":3:1: OnePassword.Vault: missing required key (name the 1Password vault to use, because SecureStore is 1password)",
    );
}

#[test]
fn missing_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("config.yaml");
    let err = Config::load_with(&paths_for(missing.clone()), &env()).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "config file {} not found: run `aws-sso setup wizard` to write it (in a script: `aws-sso setup wizard --yes --start-url URL --sso-region REGION`), or pass --config <file>",
            missing.display()
        )
    );

    // A directory where the file should be cannot be read (works even as root).
    let as_dir = dir.path().join("dir.yaml");
    fs::create_dir(&as_dir).unwrap();
    let err = Config::load_with(&paths_for(as_dir.clone()), &env()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ConfigError::Read { .. }), "{msg}");
    assert!(
        msg.starts_with(&format!("cannot read config file {}: ", as_dir.display())),
        "{msg}"
    );
    assert!(
        msg.ends_with("(check that it is a readable text file)"),
        "{msg}"
    );

    let binary = dir.path().join("binary.yaml");
    fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let err = Config::load_with(&paths_for(binary), &env()).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
}

#[test]
fn mtime_is_the_files_modification_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.yaml");
    fs::copy(fixture("minimal.yaml"), &file).unwrap();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(when)
        .unwrap();
    let c = Config::load_with(&paths_for(file), &env()).unwrap();
    assert_eq!(c.mtime(), Some(1_700_000_000));
}

#[test]
fn instance_selection_order() {
    let c = load("full.yaml");
    assert_eq!(c.select_instance(None, None).unwrap().0, "Default");
    let err = c.select_instance(Some("Nope"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SSO name 'Nope'. Valid options: Default"
    );

    let two = load("two_instances.yaml");
    // flag > env > DefaultSSO.
    assert_eq!(
        two.select_instance(Some("alpha"), Some("beta")).unwrap().0,
        "alpha"
    );
    assert_eq!(two.select_instance(None, Some("beta")).unwrap().0, "beta");
    assert_eq!(
        two.select_instance(Some(""), Some("beta")).unwrap().0,
        "beta"
    );
    let (name, sso) = two.select_instance(Some("beta"), None).unwrap();
    assert_eq!(
        (name, sso.start_url.as_str()),
        ("beta", "https://b.awsapps.com/start")
    );
    // DefaultSSO "Default" names nothing and there are two: error, options sorted.
    let err = two.select_instance(None, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SSO name 'Default'. Valid options: alpha, beta"
    );
    let err = two.select_instance(None, Some("gamma")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SSO name 'gamma'. Valid options: alpha, beta"
    );

    // DefaultSSO naming nothing with a single instance: that instance.
    let paths = paths_for("/tmp/c.yaml".into());
    let one = Config::from_yaml(
        "SSOConfig: {Work: {SSORegion: r, StartUrl: u}}\nDefaultSSO: Missing\n",
        &paths,
        &env(),
    )
    .unwrap();
    assert_eq!(one.select_instance(None, None).unwrap().0, "Work");
    let chosen = Config::from_yaml(
        "SSOConfig: {Work: {SSORegion: r, StartUrl: u}, Home: {SSORegion: r, StartUrl: v}}\nDefaultSSO: Home\n",
        &paths,
        &env(),
    )
    .unwrap();
    assert_eq!(chosen.select_instance(None, None).unwrap().0, "Home");
}

fn temp_env(home: &Path) -> ConfigEnv {
    ConfigEnv {
        home: Some(home.to_path_buf()),
        xdg_config_home: None,
        aws_sso_config: None,
        remote_host: false,
    }
}

#[test]
fn discovery_prefers_legacy_dir_then_xdg_then_dot_config() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let xdg = tmp.path().join("xdg");
    fs::create_dir_all(&home).unwrap();

    // Nothing exists: ~/.config/aws-sso.
    let mut e = temp_env(&home);
    let p = Paths::discover(&e, None).unwrap();
    assert_eq!(p.config_dir, home.join(".config/aws-sso"));
    assert_eq!(p.config_file, home.join(".config/aws-sso/config.yaml"));

    // XDG_CONFIG_HOME set: $XDG_CONFIG_HOME/aws-sso (even if it does not exist yet).
    e.xdg_config_home = Some(xdg.clone());
    let p = Paths::discover(&e, None).unwrap();
    assert_eq!(p.config_dir, xdg.join("aws-sso"));
    assert_eq!(p.cache_file, xdg.join("aws-sso/cache.json"));

    // ~/.aws-sso exists: it wins over everything.
    fs::create_dir_all(home.join(".aws-sso")).unwrap();
    let p = Paths::discover(&e, None).unwrap();
    assert_eq!(p.config_dir, home.join(".aws-sso"));
    assert_eq!(p.config_file, home.join(".aws-sso/config.yaml"));
    assert_eq!(p.cache_file, home.join(".aws-sso/cache.json"));
    assert_eq!(p.json_store, home.join(".aws-sso/store.json"));
    assert_eq!(p.secure_dir, home.join(".aws-sso/secure"));
    assert_eq!(p.lock_file, home.join(".aws-sso/storage.lock"));

    // A plain file named ~/.aws-sso is not a config dir.
    let home2 = tmp.path().join("home2");
    fs::create_dir_all(&home2).unwrap();
    fs::write(home2.join(".aws-sso"), "").unwrap();
    let p = Paths::discover(&temp_env(&home2), None).unwrap();
    assert_eq!(p.config_dir, home2.join(".config/aws-sso"));
}

#[test]
fn config_file_flag_beats_env_beats_default_and_expands_tilde() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().to_path_buf();
    let mut e = temp_env(&home);
    e.aws_sso_config = Some("~/from-env.yaml".into());
    let p = Paths::discover(&e, None).unwrap();
    assert_eq!(p.config_file, home.join("from-env.yaml"));
    // Other files stay in the config dir.
    assert_eq!(p.cache_file, home.join(".config/aws-sso/cache.json"));

    let p = Paths::discover(&e, Some(Path::new("~/flag.yaml"))).unwrap();
    assert_eq!(p.config_file, home.join("flag.yaml"));
    let p = Paths::discover(&e, Some(Path::new("/abs/flag.yaml"))).unwrap();
    assert_eq!(p.config_file, Path::new("/abs/flag.yaml"));
    assert_eq!(p.config_dir, home.join(".config/aws-sso"));
    // An empty --config counts as unset.
    let p = Paths::discover(&e, Some(Path::new(""))).unwrap();
    assert_eq!(p.config_file, home.join("from-env.yaml"));
}

#[test]
fn loading_through_discovery_uses_the_config_dir_for_json_store() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().to_path_buf();
    let dir = home.join(".aws-sso");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(fixture("minimal.yaml"), dir.join("config.yaml")).unwrap();
    let e = temp_env(&home);
    let paths = Paths::discover(&e, None).unwrap();
    let c = Config::load_with(&paths, &e).unwrap();
    assert_eq!(c.json_store, dir.join("store.json"));
    assert_eq!(c.file, dir.join("config.yaml"));
}
