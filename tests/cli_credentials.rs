//! The credential commands as a user runs them: the real binary, its real AWS SDK clients
//! pointed at the emulator through the standard `AWS_ENDPOINT_URL_*` variables, a fake
//! `xdg-open` that plays the person at the browser, and real shells.

mod common;

use aws_sso_emulator::{EmulatorConfig, Operation, Org};
use common::emulated::{Setup, setup};
use common::{Home, fails, ok, stderr, stdout};
use serde_json::Value;

fn org(accounts: usize, roles: usize) -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(accounts, roles, 11),
        ..EmulatorConfig::default()
    }
}

#[test]
fn process_prints_credential_process_json_and_reuses_cached_credentials() {
    let s = setup(org(3, 2), "").logged_in();
    let (arn, profile) = s.first_role();
    let out = s.run(&["process", "--arn", &arn]);
    let json = ok(out);
    assert!(!json.ends_with('\n'), "no trailing newline: {json:?}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = json
        .trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .map(|kv| kv.split(':').next().unwrap().trim_matches('"'))
        .collect();
    assert_eq!(
        keys,
        [
            "Version",
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration"
        ]
    );
    assert_eq!(v["Version"], 1);
    let exp = chrono::DateTime::parse_from_rfc3339(v["Expiration"].as_str().unwrap()).unwrap();
    assert!(exp.timestamp() > chrono::Utc::now().timestamp() + 3000);
    assert_eq!(s.calls(Operation::GetRoleCredentials), 1);

    // Cached: same credentials, no call; by profile and by account + role too.
    let again: Value = serde_json::from_str(&ok(s.run(&["process", "--arn", &arn]))).unwrap();
    assert_eq!(again["AccessKeyId"], v["AccessKeyId"]);
    let by_profile: Value = serde_json::from_str(&ok(s.run(&["process", "-p", &profile]))).unwrap();
    assert_eq!(by_profile["AccessKeyId"], v["AccessKeyId"]);
    let (account, role) = arn
        .strip_prefix("arn:aws:iam::")
        .unwrap()
        .split_once(":role/")
        .unwrap();
    let by_pair: Value =
        serde_json::from_str(&ok(s.run(&["process", "-A", account, "-R", role]))).unwrap();
    assert_eq!(by_pair["AccessKeyId"], v["AccessKeyId"]);
    assert_eq!(s.calls(Operation::GetRoleCredentials), 1);

    // The cache records the expiry for `list`.
    let listed = ok(s.run(&["list", "--csv", "Arn,ExpiresEpoch"]));
    let line = listed.lines().find(|l| l.starts_with(&arn)).unwrap();
    assert_eq!(line, format!("{arn},{}", exp.timestamp()));

    // --sts-refresh forces a new fetch (and v1's global flag still works).
    let forced: Value =
        serde_json::from_str(&ok(s.run(&["process", "--arn", &arn, "--sts-refresh"]))).unwrap();
    assert_ne!(forced["AccessKeyId"], v["AccessKeyId"]);
    ok(s.run(&["-u", "open", "--sts-refresh", "process", "--arn", &arn]));
    assert_eq!(s.calls(Operation::GetRoleCredentials), 3);
}

#[test]
fn bad_role_arguments_are_one_line_errors_with_hints() {
    let s = setup(org(3, 2), "").logged_in();
    let (arn, profile) = s.first_role();
    let err = fails(s.run(&["process"]));
    assert!(
        err.contains("please specify --arn or --account and --role"),
        "{err}"
    );
    let err = fails(s.run(&["process", "-A", "1"]));
    assert!(
        err.contains("Must specify both --account and --role"),
        "{err}"
    );
    let err = fails(s.run(&["process", "--arn", "arn:aws:iam::nope"]));
    assert!(err.contains("Invalid --arn arn:aws:iam::nope"), "{err}");
    let typo = format!("{}x", &profile[..profile.len() - 1]);
    let err = fails(s.run(&["process", "-p", &typo]));
    assert!(err.contains(&format!("Invalid --profile {typo}")), "{err}");
    assert!(err.contains(&format!("did you mean {profile}")), "{err}");
    let bad_role = format!("{arn}Nope");
    let err = fails(s.run(&["eval", "--arn", &bad_role]));
    assert!(err.contains("did you mean"), "{err}");
    let err = fails(s.run(&["exec", "--", "true"]));
    assert!(err.contains("needs a role: pass --profile"), "{err}");
    let err = fails(s.run(&["eval"]));
    assert!(err.contains("please specify --refresh, --clear"), "{err}");
    let err = fails(s.run(&["eval", "--refresh"]));
    assert!(
        err.contains("unable to determine current IAM role"),
        "{err}"
    );
    assert_eq!(s.calls(Operation::GetRoleCredentials), 0);
}

#[test]
fn without_a_session_credential_commands_say_to_log_in_and_auto_login_logs_in() {
    let s = setup(org(2, 2), "");
    ok(s.run(&["login"]));
    let (arn, _) = s.first_role();
    ok(s.run(&["logout"]));
    let err = fails(s.run(&["process", "--arn", &arn]));
    assert!(err.contains("Must run `aws-sso login`"), "{err}");
    let auto = setup(org(2, 2), "AutoLogin: true\n");
    ok(auto.run(&["login"]));
    ok(auto.run(&["logout"]));
    let out = auto.run(&["process", "--arn", &arn]);
    let json = ok(out);
    assert!(json.starts_with("{\"Version\":1"), "{json}");
}

#[test]
fn a_revoked_session_is_renewed_before_fetching() {
    let s = setup(org(2, 2), "").logged_in();
    let (arn, _) = s.first_role();
    s.emu.revoke_all_tokens();
    let err = fails(s.run(&["process", "--arn", &arn]));
    assert!(err.contains("Must run `aws-sso login`"), "{err}");
    // With AutoLogin the same path logs in again (the fake browser approves) and retries.
    let auto = setup(org(2, 2), "AutoLogin: true\n").logged_in();
    auto.emu.revoke_all_tokens();
    let json = ok(auto.run(&["process", "--arn", &arn]));
    assert!(json.contains("\"AccessKeyId\""), "{json}");
}

/// Run `script` in real bash after `eval "$(aws-sso eval ARGS)"`, in the test's environment.
fn bash_env(s: &Setup, eval_args: &[&str], script: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_aws-sso");
    let quoted: Vec<String> = eval_args.iter().map(|a| format!("'{a}'")).collect();
    let full = format!(
        "eval \"$('{bin}' eval {})\" || exit 9\n{script}",
        quoted.join(" ")
    );
    let template = s.cmd();
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c").arg(full);
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn eval_exports_everything_a_role_needs_and_clear_removes_it() {
    let extra = "DefaultRegion: ap-south-1\nEnvVarTags: [Role]\n";
    let s = setup(org(2, 2), extra).logged_in();
    let (arn, profile) = s.first_role();
    let printed = bash_env(
        &s,
        &["-p", &profile],
        "for v in AWS_ACCESS_KEY_ID AWS_SSO_ROLE_ARN AWS_SSO_PROFILE AWS_SSO AWS_DEFAULT_REGION AWS_REGION AWS_SSO_DEFAULT_REGION AWS_SSO_TAG_ROLE AWS_SSO_ACCOUNT_ID; do printf '%s=%s\\n' \"$v\" \"${!v}\"; done",
    );
    let get = |k: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("{k} missing in {printed}"))
            .to_string()
    };
    assert!(get("AWS_ACCESS_KEY_ID").starts_with("ASIA"), "{printed}");
    assert_eq!(get("AWS_SSO_ROLE_ARN"), arn);
    assert_eq!(get("AWS_SSO_PROFILE"), profile);
    assert_eq!(get("AWS_SSO"), "Default");
    assert_eq!(get("AWS_DEFAULT_REGION"), "ap-south-1");
    assert_eq!(get("AWS_REGION"), "ap-south-1");
    assert_eq!(get("AWS_SSO_DEFAULT_REGION"), "ap-south-1");
    assert_eq!(get("AWS_SSO_TAG_ROLE"), arn.rsplit('/').next().unwrap());
    assert_eq!(get("AWS_SSO_ACCOUNT_ID").len(), 12);

    // The raw output is sorted.
    let raw = ok(s.run(&["eval", "-p", &profile]));
    let names: Vec<&str> = raw
        .lines()
        .map(|l| l.trim_start_matches("export ").split('=').next().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "{raw}");

    // A region the user set is kept unless -O.
    let kept = s
        .cmd()
        .args(["eval", "-p", &profile])
        .env("AWS_DEFAULT_REGION", "eu-north-1")
        .output()
        .unwrap();
    let text = ok(kept);
    assert!(!text.contains("AWS_DEFAULT_REGION"), "{text}");
    assert!(text.contains("unset AWS_SSO_DEFAULT_REGION"), "{text}");
    let over = s
        .cmd()
        .args(["eval", "-p", &profile, "-O"])
        .env("AWS_DEFAULT_REGION", "eu-north-1")
        .output()
        .unwrap();
    assert!(ok(over).contains("export AWS_DEFAULT_REGION='ap-south-1'"));
    let none = ok(s.run(&["eval", "-p", &profile, "--no-region"]));
    assert!(!none.contains("AWS_REGION"), "{none}");

    // --clear needs neither the store nor a session.
    std::fs::remove_file(s.home.config_dir().join("store.json")).unwrap();
    let clear = s
        .cmd()
        .args(["eval", "--clear"])
        .env("AWS_DEFAULT_REGION", "ap-south-1")
        .env("AWS_SSO_DEFAULT_REGION", "ap-south-1")
        .output()
        .unwrap();
    let clear = ok(clear);
    assert!(clear.starts_with("unset AWS_ACCESS_KEY_ID\n"), "{clear}");
    assert!(clear.contains("unset AWS_DEFAULT_REGION\n"), "{clear}");
    assert!(!clear.contains("unset AWS_REGION\n"), "{clear}");
    assert!(clear.contains("unset AWS_SSO_TAG_ROLE\n"), "{clear}");
    assert!(!s.home.config_dir().join("store.json").exists());
    let fish = ok(s.run(&["eval", "--clear", "--shell", "fish"]));
    assert!(fish.starts_with("set -e AWS_ACCESS_KEY_ID;"), "{fish}");
}

#[test]
fn eval_refresh_reselects_the_role_of_this_shell() {
    let s = setup(org(2, 2), "").logged_in();
    let (arn, _) = s.first_role();
    let out = s
        .cmd()
        .args(["eval", "--refresh"])
        .env("AWS_SSO_ROLE_ARN", &arn)
        .output()
        .unwrap();
    let text = ok(out);
    assert!(
        text.contains(&format!("export AWS_SSO_ROLE_ARN='{arn}'")),
        "{text}"
    );
}

#[test]
fn exec_runs_the_command_with_credentials_and_propagates_its_status() {
    let s = setup(org(2, 2), "").logged_in();
    let (arn, profile) = s.first_role();
    let out = s
        .cmd()
        .args([
            "exec",
            "-p",
            &profile,
            "--",
            "sh",
            "-c",
            "printf '%s %s' \"$AWS_SSO_ROLE_ARN\" \"$AWS_SSO_PROFILE\"; exit 7",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{arn} {profile}"));
    let out = s.run(&["exec", "-p", &profile, "--", "sh", "-c", "exit 130"]);
    assert_eq!(out.status.code(), Some(130));
    let out = s.run(&["exec", "-p", &profile, "--", "true"]);
    assert_eq!(out.status.code(), Some(0));

    // Default command: $SHELL, here a script that reports what it got.
    let shell = s.home.path().join("bin/fake-shell");
    std::fs::write(&shell, "#!/bin/sh\necho \"shell for $AWS_SSO_ROLE_ARN\"\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&shell, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = s
        .cmd()
        .args(["exec", "--arn", &arn])
        .env("SHELL", &shell)
        .output()
        .unwrap();
    assert_eq!(ok(out), format!("shell for {arn}\n"));

    // The nested guard, and -O which drops every inherited AWS_* variable.
    let nested = s
        .cmd()
        .args(["exec", "-p", &profile, "--", "true"])
        .env("AWS_ACCESS_KEY_ID", "ASIAOLD")
        .output()
        .unwrap();
    let err = fails(nested);
    assert!(
        err.contains("conflicting environment variable 'AWS_ACCESS_KEY_ID'"),
        "{err}"
    );
    let replaced = s
        .cmd()
        .args([
            "exec",
            "-p",
            &profile,
            "-O",
            "--",
            "sh",
            "-c",
            "printf '%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_STALE\"",
        ])
        .env("AWS_ACCESS_KEY_ID", "ASIAOLD")
        .env("AWS_STALE", "x")
        .output()
        .unwrap();
    let text = ok(replaced);
    let (key, stale) = text.split_once('|').unwrap();
    assert!(key.starts_with("ASIA") && key != "ASIAOLD", "{text}");
    assert_eq!(stale, "");

    // exec updates History; the role now heads the list.
    let cache: Value = serde_json::from_str(
        &std::fs::read_to_string(s.home.config_dir().join("cache.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cache["SSO"]["Default"]["History"][0], arn);
}

#[cfg(unix)]
#[test]
fn exec_forwards_sigterm_to_the_command() {
    use std::io::Read as _;
    let s = setup(org(1, 1), "").logged_in();
    let (_, profile) = s.first_role();
    let mut child = s
        .cmd()
        .args([
            "exec",
            "-p",
            &profile,
            "--",
            "sh",
            "-c",
            "trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.05; done",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 6];
    stdout.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ready\n");
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "got-term\n");
    assert_eq!(status.code(), Some(42));
}

#[test]
fn credentials_prints_stanzas_and_merges_into_a_file() {
    let s = setup(org(2, 2), "").logged_in();
    let out = ok(s.run(&["list", "--csv", "Profile"]));
    let profiles: Vec<&str> = out.lines().take(2).collect();
    let printed = ok(s
        .cmd()
        .args(["credentials", "-p", &profiles.join(",")])
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .output()
        .unwrap());
    assert!(
        printed.starts_with(&format!("\n[{}]\n# Expires: ", profiles[0])),
        "{printed}"
    );
    assert_eq!(printed.matches("aws_session_token = ").count(), 2);

    let file = s.home.path().join("creds");
    std::fs::write(&file, "[default]\r\naws_access_key_id = AKIAKEEP\r\n").unwrap();
    ok(s.cmd()
        .args(["credentials", "-p", profiles[0]])
        .env("AWS_SHARED_CREDENTIALS_FILE", &file)
        .output()
        .unwrap());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("[default]\r\naws_access_key_id = AKIAKEEP\r\n"),
        "{text}"
    );
    assert!(text.contains(&format!("[{}]", profiles[0])), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn time_reads_only_the_environment() {
    let home = Home::new();
    // No config at all: time still answers.
    let out = home.run(&["time"]);
    assert_eq!(ok(out), "");
    let later = chrono::Utc::now() + chrono::Duration::seconds(3600 + 5 * 60 + 30);
    let out = home
        .cmd()
        .arg("time")
        .env("AWS_SSO_SESSION_EXPIRATION", later.to_rfc3339())
        .output()
        .unwrap();
    assert_eq!(ok(out), "1h5m");
    let out = home
        .cmd()
        .arg("time")
        .env("AWS_SSO_SESSION_EXPIRATION", "2000-01-01T00:00:00Z")
        .output()
        .unwrap();
    assert_eq!(ok(out), "Expired");
}

#[test]
fn console_builds_a_signin_url_the_emulator_accepts() {
    let s = setup(org(2, 2), "ConsoleDuration: 120\n").logged_in();
    let (arn, profile) = s.first_role();
    let out = s.run(&[
        "console",
        "-p",
        &profile,
        "-u",
        "printurl",
        "--service",
        "s3",
        "--region",
        "eu-west-1",
    ]);
    let err = stderr(&out);
    ok(out);
    let url = err
        .lines()
        .find(|l| l.contains("Action=login"))
        .unwrap_or_else(|| panic!("no URL in {err}"));
    let parsed = url::Url::parse(url).unwrap();
    let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(q["Issuer"], "https://d-1234567890.awsapps.com/start");
    assert_eq!(
        q["Destination"],
        "https://console.aws.amazon.com/s3/home?region=eu-west-1"
    );
    // The emulator checks the sign-in token.
    let page = http_get(url);
    assert!(page.contains("Signed in"), "{page}");
    assert_eq!(s.calls(Operation::GetSigninToken), 1);
    let logged = s
        .emu
        .requests()
        .into_iter()
        .find(|r| r.operation == Some(Operation::GetSigninToken))
        .unwrap();
    assert!(
        logged
            .params
            .contains(&("SessionDuration".to_string(), "7200".to_string())),
        "{:?}",
        logged.params
    );

    let err = fails(s.run(&["console", "-p", &profile, "-d", "5"]));
    assert!(
        err.contains("invalid --duration 5.  Must be between 15 and 720"),
        "{err}"
    );
    let err = fails(s.run(&["console", "-p", &profile, "--path", "//evil.example"]));
    assert!(err.contains("invalid --path"), "{err}");

    // From the credentials of an aws-sso shell: no role flags needed.
    let env = ok(s.run(&["eval", "--arn", &arn]));
    let mut cmd = s.cmd();
    cmd.args([
        "console",
        "-u",
        "printurl",
        "--path",
        "/cloudwatch/home#logs",
    ]);
    for line in env.lines() {
        let line = line.trim_start_matches("export ");
        let (k, v) = line.split_once('=').unwrap();
        if [
            "AWS_SSO_ROLE_ARN",
            "AWS_SSO_ACCOUNT_ID",
            "AWS_SSO_ROLE_NAME",
            "AWS_SSO_PROFILE",
        ]
        .contains(&k)
        {
            continue; // make it use the credentials themselves
        }
        cmd.env(k, v.trim_matches('\''));
    }
    let out = cmd.output().unwrap();
    let err = stderr(&out);
    ok(out);
    let url = err.lines().find(|l| l.contains("Action=login")).unwrap();
    assert!(http_get(url).contains("cloudwatch/home?region="), "{url}");
    assert!(s.calls(Operation::GetCallerIdentity) >= 1);
}

fn http_get(url: &str) -> String {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys,urllib.request;print(urllib.request.urlopen(sys.argv[1]).read().decode())",
            url,
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Config lines that chain `Chained` (in the second account) through the first role.
fn via_config(s: &Setup) -> (String, String, String) {
    let accounts = s.emu.org().accounts();
    let (a, b) = (&accounts[0], &accounts[1]);
    let source = format!("arn:aws:iam::{}:role/{}", a.id, a.roles[0]);
    let chained = format!("arn:aws:iam::{}:role/Chained", b.id);
    let yaml = format!(
        "    Accounts:\n      \"{}\":\n        Roles:\n          Chained:\n            Via: {source}\n            SourceIdentity: jane\n            ExternalId: ext-123\n            DefaultRegion: eu-central-1\n",
        b.id
    );
    (yaml, source, chained)
}

fn rewrite_config(s: &Setup, instance_extra: &str, extra: &str) {
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

#[test]
fn via_roles_are_assumed_through_their_source_and_loops_are_refused() {
    let s = setup(org(2, 2), "").logged_in();
    let (yaml, source, chained) = via_config(&s);
    rewrite_config(&s, &yaml, "");
    ok(s.run(&["cache"]));
    let json = ok(s.run(&["process", "--arn", &chained]));
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(s.calls(Operation::GetRoleCredentials), 1, "the source role");
    assert_eq!(s.calls(Operation::AssumeRole), 1);
    // Both are cached now.
    ok(s.run(&["process", "--arn", &chained]));
    ok(s.run(&["process", "--arn", &source]));
    assert_eq!(s.calls(Operation::AssumeRole), 1);
    assert_eq!(s.calls(Operation::GetRoleCredentials), 1);

    // A -> B -> A is detected, not followed.
    let accounts = s.emu.org().accounts();
    let (a, b) = (&accounts[0], &accounts[1]);
    let looped = format!(
        "    Accounts:\n      \"{}\":\n        Roles:\n          LoopA:\n            Via: arn:aws:iam::{}:role/LoopB\n      \"{}\":\n        Roles:\n          LoopB:\n            Via: arn:aws:iam::{}:role/LoopA\n",
        a.id, b.id, b.id, a.id
    );
    rewrite_config(&s, &looped, "");
    let err = fails(s.run(&[
        "process",
        "--arn",
        &format!("arn:aws:iam::{}:role/LoopA", a.id),
    ]));
    assert!(err.contains("Detected role chain loop"), "{err}");
}

#[test]
fn setup_profiles_writes_a_block_boto3_uses_through_credential_process() {
    let s = setup(org(2, 2), "").logged_in();
    let (yaml, source, chained) = via_config(&s);
    rewrite_config(
        &s,
        &yaml,
        "ConfigVariables:\n  output: json\n  sts_regional_endpoints: regional\n",
    );
    ok(s.run(&["cache"]));
    let aws_config = s.home.path().join("aws-config");
    let mine = "# my own settings\r\n[profile mine]\r\nregion = us-west-2\r\n";
    std::fs::write(&aws_config, mine).unwrap();
    let run = |args: &[&str]| {
        s.cmd()
            .args(args)
            .env("AWS_CONFIG_FILE", &aws_config)
            .output()
            .unwrap()
    };
    // Not on a terminal and no --force: nothing is written.
    let err = fails(run(&["setup", "profiles"]));
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&aws_config).unwrap(), mine);

    let printed = ok(run(&["setup", "profiles", "--print"]));
    assert!(
        printed.starts_with("# BEGIN_AWS_SSO_CLI\n\n[profile "),
        "{printed}"
    );
    assert!(printed.ends_with("\n\n# END_AWS_SSO_CLI\n"), "{printed}");
    let bin = env!("CARGO_BIN_EXE_aws-sso");
    assert!(printed.contains(&format!("credential_process = {bin} -S \"Default\" process --arn {chained}\nregion = eu-central-1\noutput = json\nsts_regional_endpoints = regional\n")), "{printed}");

    ok(run(&["setup", "profiles", "--force"]));
    let written = std::fs::read_to_string(&aws_config).unwrap();
    assert!(written.starts_with(mine), "{written}");
    assert!(
        written.contains("\r\n# BEGIN_AWS_SSO_CLI\r\n"),
        "CRLF kept: {written:?}"
    );
    let again = ok(run(&["setup", "profiles", "--force"]));
    assert!(again.contains("no changes made"), "{again}");
    assert!(s.home.path().join("aws-config.aws-sso.bak").exists());

    // boto3, an independent client, gets credentials through our credential_process and
    // calls STS on the emulator, for a plain and a Via-chained profile.
    let profile_of = |arn: &str| {
        let listed = ok(s.run(&["list", "--csv", "Arn,Profile"]));
        listed
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{arn},")).map(str::to_string))
            .unwrap()
    };
    let script = "import sys, boto3\nfor p in sys.argv[1:]:\n    print(boto3.Session(profile_name=p).client('sts').get_caller_identity()['Arn'])\n";
    let mut cmd = s.cmd();
    cmd.args(["--version"]);
    let mut py = std::process::Command::new("python3");
    py.args(["-c", script, &profile_of(&source), &profile_of(&chained)]);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => py.env(k, v),
            None => py.env_remove(k),
        };
    }
    let out = py
        .env("AWS_CONFIG_FILE", &aws_config)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let arns = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = arns.lines().collect();
    let a = &s.emu.org().accounts()[0];
    assert!(
        lines[0].starts_with(&format!("arn:aws:sts::{}:assumed-role/", a.id)),
        "{arns}"
    );
    let b = &s.emu.org().accounts()[1];
    assert_eq!(
        lines[1],
        format!(
            "arn:aws:sts::{}:assumed-role/Chained/{}@{}",
            b.id, a.roles[0], a.id
        )
    );
}

#[test]
fn twenty_parallel_cold_process_calls_make_one_get_role_credentials() {
    let s = setup(org(2, 2), "").logged_in();
    let (arn, _) = s.first_role();
    let children: Vec<_> = (0..20)
        .map(|_| {
            s.cmd()
                .args(["process", "--arn", &arn])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let keys: std::collections::BTreeSet<String> = children
        .into_iter()
        .map(|c| {
            let v: Value = serde_json::from_str(&ok(c.wait_with_output().unwrap())).unwrap();
            v["AccessKeyId"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(keys.len(), 1, "everyone got the same credentials");
    assert_eq!(s.calls(Operation::GetRoleCredentials), 1);
}

#[test]
fn profile_lookups_use_an_index_that_never_outlives_its_cache_or_template() {
    let s = setup(org(3, 2), "").logged_in();
    let (arn, profile) = s.first_role();
    let index = s.home.config_dir().join("cache.profiles");
    let first: Value = serde_json::from_str(&ok(s.run(&["process", "-p", &profile]))).unwrap();
    assert!(index.exists(), "the slow path writes the index");
    let text = std::fs::read_to_string(&index).unwrap();
    assert!(text.contains(&format!("\n{profile}\t{arn}\t")), "{text}");
    // A fetch rewrote cache.json (Expires); the index was carried over and still answers.
    let again: Value = serde_json::from_str(&ok(s.run(&["process", "-p", &profile]))).unwrap();
    assert_eq!(again["AccessKeyId"], first["AccessKeyId"]);

    // A new ProfileFormat: old names are gone, new ones work, whatever the index said.
    let json_store = s.home.config_dir().join("store.json");
    s.home.write(
        "config.yaml",
        format!(
            "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1234567890.awsapps.com/start\n\
             SecureStore: json\nJsonStore: {}\nProfileFormat: 'x-{{{{ .AccountIdPad }}}}-{{{{ .RoleName }}}}'\n",
            json_store.display()
        ),
    );
    let err = fails(s.run(&["process", "-p", &profile]));
    assert!(err.contains("Invalid --profile"), "{err}");
    let (account, role) = arn
        .strip_prefix("arn:aws:iam::")
        .unwrap()
        .split_once(":role/")
        .unwrap();
    let renamed = format!("x-{account}-{role}");
    let v: Value = serde_json::from_str(&ok(s.run(&["process", "-p", &renamed]))).unwrap();
    assert_eq!(v["AccessKeyId"], first["AccessKeyId"]);
}
