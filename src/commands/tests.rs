//! The command-line grammar: consistent, and parsing the way aws-sso-cli scripts expect.

use super::*;
use clap::CommandFactory;

#[test]
fn grammar_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn globals_work_after_the_subcommand_and_legacy_flags_before_it() {
    let cli = Cli::try_parse_from([
        "aws-sso",
        "-u",
        "open",
        "--sts-refresh",
        "list",
        "-S",
        "Prod",
        "--csv",
        "Profile",
    ])
    .unwrap();
    assert_eq!(cli.global.sso.as_deref(), Some("Prod"));
    assert_eq!(cli.legacy.url_action.as_deref(), Some("open"));
    let Some(Command::List(list)) = cli.command else {
        panic!("expected list")
    };
    assert!(list.csv);
    assert_eq!(list.fields, ["Profile"]);
}

#[test]
fn flush_is_an_alias_of_logout() {
    let cli = Cli::try_parse_from(["aws-sso", "flush", "-t", "all"]).unwrap();
    assert!(matches!(cli.command, Some(Command::Logout(_))));
}

#[test]
fn list_fields_conflicts_with_csv() {
    assert!(Cli::try_parse_from(["aws-sso", "list", "--csv", "-f"]).is_err());
}
