//! Tab completion as shells drive it: the `COMP_LINE` protocol of `complete -C aws-sso
//! aws-sso` (docs/shell.md) on the real binary, in real bash and zsh through tmux, and the
//! clap-generated scripts. The config uses the encrypted file store with no password
//! anywhere: completion must answer from the cache and never prompt.

mod common;

use std::process::{Output, Stdio};
use std::time::Duration;

use common::Home;
use common::tmux::{self, Tmux};

/// The compat fixtures (two instances, overlays, six roles in Default) with the file store.
fn home() -> Home {
    let home = Home::new();
    let config = common::fixture_text("compat/config.yaml")
        + "SecureStore: file\nFileStore: ~/.aws-sso/secure/store\n";
    home.write("config.yaml", config);
    home.fixture("compat/cache.json", "cache.json");
    home
}

/// `COMP_LINE` set, arguments as bash's `complete -C` passes them.
fn comp(home: &Home, line: &str, word: &str, prev: &str) -> Output {
    home.cmd()
        .args(["aws-sso", word, prev])
        .env("COMP_LINE", line)
        .env("COMP_POINT", line.chars().count().to_string())
        .env_remove("AWS_SSO_FILE_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn lines(out: &Output) -> Vec<String> {
    assert!(out.status.success(), "{out:?}");
    assert_eq!(common::stderr(out), "", "completion wrote to stderr");
    common::stdout(out).lines().map(String::from).collect()
}

#[test]
fn profiles_arns_accounts_and_roles_come_from_the_cache_without_a_password() {
    let h = home();
    assert_eq!(
        lines(&comp(&h, "aws-sso eval -p Prod", "Prod", "-p")),
        ["Production:ReadOnlyAccess"]
    );
    assert_eq!(
        lines(&comp(&h, "aws-sso eval --profile ", "", "--profile")).len(),
        6
    );
    // -R narrows -A and -A narrows -R.
    assert_eq!(
        lines(&comp(&h, "aws-sso exec -R ReadOnlyAccess -A ", "", "-A")),
        ["000001111111", "002222222222"]
    );
    assert_eq!(
        lines(&comp(&h, "aws-sso exec -A 2222222222 -R ", "", "-R")),
        ["PowerUserAccess", "ReadOnlyAccess"]
    );
    // -S picks the instance whose roles are offered.
    assert_eq!(
        lines(&comp(
            &h,
            "aws-sso -S Sandbox console --arn arn:aws",
            "arn:aws",
            "--arn"
        )),
        ["arn:aws:iam::444444444444:role/AdministratorAccess"]
    );
    assert_eq!(
        lines(&comp(&h, "aws-sso --sso S", "S", "--sso")),
        ["Sandbox"]
    );
    // The store was never opened: no store file, no password asked for.
    assert!(!h.config_dir().join("secure").exists());
}

#[test]
fn bash_word_breaks_at_colons_get_back_only_the_rest_of_the_word() {
    let h = home();
    // bash splits `devsandbox:Po` at the colon and completes `Po`.
    assert_eq!(
        lines(&comp(&h, "aws-sso eval -p devsandbox:Po", "Po", ":")),
        ["PowerUserAccess"]
    );
}

#[test]
fn a_broken_config_or_cache_gives_fewer_candidates_never_an_error() {
    let h = home();
    h.write("cache.json", "{ not json");
    assert_eq!(
        lines(&comp(&h, "aws-sso eval -p ", "", "-p")),
        Vec::<String>::new()
    );
    h.write("config.yaml", "SSOConfig: [broken");
    assert_eq!(
        lines(&comp(
            &h,
            "aws-sso console --region eu-central-",
            "eu-central-",
            "--region"
        )),
        ["eu-central-1", "eu-central-2"]
    );
    assert_eq!(
        lines(&comp(&h, "aws-sso ver", "ver", "aws-sso")),
        ["version"]
    );
}

#[test]
fn a_normal_run_with_comp_line_in_the_environment_is_not_hijacked() {
    let h = home();
    let out = h
        .cmd()
        .args(["list", "--csv", "Profile"])
        .env("COMP_LINE", "aws-sso-profile Pro")
        .output()
        .unwrap();
    assert_eq!(common::ok(out).lines().count(), 6);
}

#[test]
fn generated_scripts_cover_every_shell_and_are_valid_bash() {
    let h = home();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = common::ok(h.run(&["setup", "completions", "--generate", shell]));
        assert!(script.contains("aws-sso"), "{shell}: {script}");
        assert!(script.contains("console"), "{shell} lacks subcommands");
    }
    let script = common::ok(h.run(&["setup", "completions", "--generate", "bash"]));
    let path = h.path().join("gen.bash");
    std::fs::write(&path, script).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let e = common::fails(h.run(&["setup", "completions", "--generate", "tcsh"]));
    assert!(e.contains("tcsh"), "{e}");
}

/// Real shells in tmux: the installed block (or aws-sso-cli's own one-liner) completes.
fn interactive_completion(program: &str, prep: &str) {
    assert!(tmux::available());
    let h = home();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_aws-sso"));
    let dir = bin.parent().unwrap().display().to_string();
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), h.path().display().to_string()),
        (
            "PATH".into(),
            format!("{dir}:{}", std::env::var("PATH").unwrap_or_default()),
        ),
        ("NO_COLOR".into(), "1".into()),
        (
            "AWS_CONFIG_FILE".into(),
            h.path().join("none").display().to_string(),
        ),
    ];
    env.push(("TERM".into(), "xterm-256color".into()));
    let t = Tmux::start(&format!("exec {program}"), &env, 120, 30);
    t.wait_for("the shell", 10, |sc| !sc.trim().is_empty());
    t.type_text(prep);
    t.keys(&["Enter"]);
    t.wait_for("the prompt", 10, |sc| sc.contains("READY>"));
    t.type_text("aws-sso eval --profile Producti");
    t.keys(&["Tab"]);
    t.wait_for("the completed profile", 10, |sc| {
        sc.contains("--profile Production:ReadOnlyAccess")
    });
    t.keys(&["C-u"]);
    t.type_text("aws-sso setup pro");
    t.keys(&["Tab"]);
    t.wait_for("the completed subcommand", 10, |sc| {
        sc.contains("aws-sso setup profiles")
    });
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !t.screen().to_lowercase().contains("password"),
        "completion asked for a password: {}",
        t.screen()
    );
}

#[test]
fn bash_completes_through_aws_sso_clis_own_complete_c_line() {
    interactive_completion(
        "bash --noprofile --norc -i",
        "complete -C aws-sso aws-sso; PS1='READY> '",
    );
}

#[test]
fn bash_completes_through_the_installed_helpers() {
    interactive_completion(
        "bash --noprofile --norc -i",
        "eval \"$(aws-sso setup completions --source --shell bash)\"; PS1='READY> '",
    );
}

#[test]
fn zsh_completes_through_the_installed_helpers() {
    interactive_completion(
        "zsh -f -i",
        "eval \"$(aws-sso setup completions --source --shell zsh)\"; PS1='READY> '",
    );
}

#[test]
fn fish_completes_through_the_installed_helpers() {
    let h = home();
    let bin = env!("CARGO_BIN_EXE_aws-sso");
    let out = std::process::Command::new("fish")
        .arg("--no-config")
        .arg("-c")
        .arg(format!(
            "{bin} setup completions --source --shell fish | source; \
             complete -C 'aws-sso eval --profile Producti'; \
             complete -C 'aws-sso setup pro'"
        ))
        .env("HOME", h.path())
        .env("NO_COLOR", "1")
        .env_remove("AWS_SSO")
        .env_remove("AWS_SSO_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = common::ok(out);
    assert!(
        text.lines().any(|l| l == "Production:ReadOnlyAccess"),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("profiles")), "{text}");
}
