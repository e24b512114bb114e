//! The wizard's dialogue driven through buffers: wrong answers are asked again, end of
//! input aborts with nothing written, and what is written loads as a config.

use super::*;

fn paths(dir: &Path) -> Paths {
    let env = ConfigEnv {
        home: Some(dir.to_path_buf()),
        ..ConfigEnv::default()
    };
    Paths::discover(&env, None).unwrap()
}

/// Interactive, without the start-URL reachability check (no network in tests).
fn offline() -> SetupWizardArgs {
    SetupWizardArgs {
        offline: true,
        ..SetupWizardArgs::default()
    }
}

fn talk(args: &SetupWizardArgs, paths: &Paths, answers: &str) -> (Result<()>, String) {
    let mut input = io::Cursor::new(answers.as_bytes().to_vec());
    let mut output = Vec::new();
    let r = run_with(
        args,
        paths,
        &mut Prompter {
            input: &mut input,
            output: &mut output,
        },
    );
    (r, String::from_utf8(output).unwrap())
}

#[test]
fn wrong_answers_are_asked_again_and_the_confirmed_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    // bad URL, good URL, partition, bad region, region, default region, url action,
    // store (json), profile format (default), write.
    let answers = "https://example.com/nope\nhttps://d-1234567890.awsapps.com/start\n1\ncn-north-1\neu-west-1\n\nprint\njson\n2\ny\n";
    let (r, out) = talk(&offline(), &p, answers);
    r.unwrap();
    assert!(
        out.contains("'https://example.com/nope' is not an IAM Identity Center start URL"),
        "{out}"
    );
    assert!(out.contains("'cn-north-1' is not a region of aws"), "{out}");
    // The store list says what works here.
    assert!(
        out.contains("json - works (cleartext: not secure)"),
        "{out}"
    );
    assert!(out.contains("auto - pick the first that works"), "{out}");
    let text = std::fs::read_to_string(&p.config_file).unwrap();
    let config = crate::config::Config::load_with(&p, &ConfigEnv::default()).unwrap();
    assert_eq!(config.sso_config["Default"].sso_region, "eu-west-1");
    assert_eq!(
        config.sso_config["Default"].start_url,
        "https://d-1234567890.awsapps.com/start"
    );
    assert_eq!(config.profile_format, wizard::ACCOUNT_ID_FORMAT);
    assert!(
        text.contains("SecureStore: json") && text.contains("UrlAction: print"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p.config_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn end_of_input_or_a_no_writes_nothing_and_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    let (r, _) = talk(
        &SetupWizardArgs::default(),
        &p,
        "1\nhttps://d-1.awsapps.com/start\n",
    );
    assert!(r.unwrap_err().is::<Aborted>());
    assert!(!p.config_file.exists());
    std::fs::create_dir_all(&p.config_dir).unwrap();
    std::fs::write(&p.config_file, "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://old.awsapps.com/start\n").unwrap();
    // Enter keeps every current value; then "n" at the end.
    let (r, out) = talk(&offline(), &p, "\n\n\n\n\n\nn\n");
    assert!(r.unwrap_err().is::<Aborted>(), "{out}");
    assert!(out.contains("[https://old.awsapps.com/start]"), "{out}");
    assert!(
        std::fs::read_to_string(&p.config_file)
            .unwrap()
            .contains("old.awsapps.com")
    );
    let backups = std::fs::read_dir(&p.config_dir).unwrap().count();
    assert_eq!(backups, 1, "nothing backed up or written");
}

#[test]
fn rerunning_keeps_answers_as_defaults_and_backs_the_old_file_up() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    std::fs::create_dir_all(&p.config_dir).unwrap();
    let old = "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://old.awsapps.com/start\n    Accounts:\n      \"000000000042\":\n        Name: Keep\n";
    std::fs::write(&p.config_file, old).unwrap();
    let (r, out) = talk(&offline(), &p, "\n\n\n\n\n\ny\n");
    r.unwrap();
    assert!(out.contains("Saved the old file as"), "{out}");
    let text = std::fs::read_to_string(&p.config_file).unwrap();
    assert!(
        text.contains("Name: Keep") && text.contains("old.awsapps.com"),
        "{text}"
    );
    let backup = std::fs::read_dir(&p.config_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("config.2")
        })
        .expect("a backup");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), old);
}

#[test]
fn yes_takes_the_answers_from_flags_and_checks_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    let mut args = SetupWizardArgs {
        yes: true,
        ..SetupWizardArgs::default()
    };
    let (r, _) = talk(&args, &p, "");
    assert!(r.unwrap_err().to_string().contains("--start-url"));
    args.start_url = Some("https://d-9.awsapps.com/start".into());
    args.sso_region = Some("us-gov-west-1".into());
    args.default_region = Some("us-east-1".into());
    let (r, _) = talk(&args, &p, "");
    assert!(
        r.unwrap_err()
            .to_string()
            .contains("'us-east-1' is not a region of aws-us-gov")
    );
    args.default_region = None;
    args.secure_store = Some("file".into());
    args.profile_format = Some("default".into());
    let (r, _) = talk(&args, &p, "");
    r.unwrap();
    let config = crate::config::Config::load_with(&p, &ConfigEnv::default()).unwrap();
    assert_eq!(config.sso_config["Default"].sso_region, "us-gov-west-1");
    assert_eq!(config.profile_format, wizard::ACCOUNT_ID_FORMAT);
}

#[test]
fn a_start_url_that_does_not_answer_is_asked_again_unless_kept() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    // Nothing listens on 127.0.0.1:443 here: the check fails at once (no network needed).
    let answers = "https://127.0.0.1/start\nn\nhttps://127.0.0.1/start\ny\n";
    let (r, out) = talk(&SetupWizardArgs::default(), &p, answers);
    assert!(r.unwrap_err().is::<Aborted>(), "{out}");
    assert_eq!(
        out.matches("https://127.0.0.1/start does not answer")
            .count(),
        2,
        "{out}"
    );
    assert_eq!(out.matches("SSO start URL").count(), 2, "{out}");
    assert!(out.contains("AWS partition"), "kept the second time: {out}");
}

#[test]
fn a_first_run_proposes_us_east_1_and_the_sso_region_and_enter_writes() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    // directory id, partition, then Enter for every proposal (store: json), Enter to write.
    let (r, out) = talk(&offline(), &p, "d-1234567890\n1\n\n\n\njson\n\n\n");
    r.unwrap();
    assert!(
        out.contains("SSO region (where IAM Identity Center lives) [us-east-1]"),
        "{out}"
    );
    assert!(out.contains("Write this file? [Y/n]"), "{out}");
    let config = crate::config::Config::load_with(&p, &ConfigEnv::default()).unwrap();
    let sso = &config.sso_config["Default"];
    assert_eq!(sso.start_url, "https://d-1234567890.awsapps.com/start");
    assert_eq!(sso.sso_region, "us-east-1");
    assert_eq!(sso.default_region.as_deref(), Some("us-east-1"));
}
