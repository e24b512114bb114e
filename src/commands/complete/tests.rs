//! The line walk and the grammar-derived candidates (no config needed for these).

use super::*;

fn os(v: &[&str]) -> Vec<OsString> {
    v.iter().map(OsString::from).collect()
}

fn complete(line: &str) -> Vec<String> {
    candidates(&Request {
        line: line.into(),
        shell_word: None,
    })
}

#[test]
fn requests_come_only_from_the_completion_calling_conventions() {
    let line = Some("aws-sso li");
    // fish hook: no arguments.
    assert!(request(&os(&["aws-sso"]), line, None).is_some());
    // bash `complete -C`: command, word, previous word.
    let r = request(
        &os(&["/usr/bin/aws-sso", "aws-sso", "li", "aws-sso"]),
        line,
        Some("7"),
    )
    .unwrap();
    assert_eq!(r.line, "aws-sso");
    assert_eq!(r.shell_word.as_deref(), Some("li"));
    // A normal run inside a completion function keeps working.
    assert!(request(&os(&["aws-sso", "list", "--csv", "Profile"]), line, None).is_none());
    assert!(request(&os(&["aws-sso", "list"]), line, None).is_none());
    assert!(request(&os(&["aws-sso"]), None, None).is_none());
}

#[test]
fn subcommands_and_nested_subcommands() {
    assert_eq!(complete("aws-sso li"), ["list"]);
    assert_eq!(complete("aws-sso lo"), ["login", "logout"]);
    let all = complete("aws-sso ");
    for c in [
        "console", "eval", "exec", "list", "process", "setup", "version",
    ] {
        assert!(all.contains(&c.to_string()), "{c} missing from {all:?}");
    }
    assert!(
        !all.contains(&"__clipboard".to_string()),
        "hidden commands stay hidden"
    );
    assert_eq!(complete("aws-sso setup pro"), ["profiles"]);
    assert_eq!(complete("aws-sso -L debug setup comp"), ["completions"]);
}

#[test]
fn flags_of_the_command_under_the_cursor_including_globals() {
    let eval = complete("aws-sso eval --");
    for f in [
        "--profile",
        "--arn",
        "--account",
        "--role",
        "--sso",
        "--help",
    ] {
        assert!(eval.contains(&f.to_string()), "{f} missing from {eval:?}");
    }
    assert!(eval.contains(&"--sts-refresh".to_string()));
    let root = complete("aws-sso --");
    assert!(root.contains(&"--level".to_string()));
    assert!(
        !root.contains(&"--threads".to_string()),
        "hidden flags stay hidden"
    );
    assert_eq!(complete("aws-sso list --cs"), ["--csv"]);
    assert!(complete("aws-sso eval -").contains(&"-p".to_string()));
}

#[test]
fn possible_values_of_the_grammar() {
    assert_eq!(complete("aws-sso -L d"), ["debug"]);
    assert_eq!(complete("aws-sso --level=t"), ["--level=trace"]);
    assert_eq!(
        complete("aws-sso login --workflow "),
        ["device_code", "pkce"]
    );
}

#[test]
fn fixed_domain_lists_for_regions_url_actions_and_fields() {
    assert_eq!(
        complete("aws-sso console --region us-gov-w"),
        ["us-gov-west-1"]
    );
    assert!(complete("aws-sso login -u ").contains(&"printurl".to_string()));
    assert_eq!(
        complete("aws-sso list AccountI"),
        ["AccountId", "AccountIdPad"]
    );
    assert_eq!(complete("aws-sso list Profile RoleN"), ["RoleName"]);
}

#[test]
fn bash_gets_back_only_the_part_after_its_own_word_break() {
    let r = Request {
        line: "aws-sso login --url-action=pri".into(),
        shell_word: Some("pri".into()),
    };
    assert_eq!(candidates(&r), ["print", "printurl"]);
    let r = Request {
        line: "aws-sso login --url-action=pri".into(),
        shell_word: Some("--url-action=pri".into()),
    };
    assert_eq!(
        candidates(&r),
        ["--url-action=print", "--url-action=printurl"]
    );
}
