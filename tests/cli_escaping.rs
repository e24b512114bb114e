//! What reaches the terminal: names and tags from cache.json and config.yaml holding
//! terminal controls (a clear-screen sequence, CR, BEL) are shown escaped by `list` (table
//! and CSV), `tags` and every error, and an argument with a line break is echoed on one line.

mod common;

use common::{Home, fails, fixture_text, ok};

/// The compat fixtures with the account alias `Production Account` replaced by one that
/// clears the screen, returns the carriage and rings, and the `Team` tag retitling the
/// window.
fn hostile_home(extra_config: &str) -> Home {
    let home = Home::new();
    let config = fixture_text("compat/config.yaml");
    home.write("config.yaml", format!("{config}{extra_config}"));
    let cache = fixture_text("compat/cache.json")
        .replace("Production Account", r"Prod\u001b[2J\r\u0007")
        .replace(r#""ops""#, r#""ops\u001b]0;pwned\u0007""#);
    home.write("cache.json", cache);
    home
}

const RAW: [char; 3] = ['\x1b', '\r', '\x07'];
const ALIAS: &str = r"Prod\x1b[2J\r\x07";
const TAG: &str = r"ops\x1b]0;pwned\x07";

#[test]
fn list_table_and_csv_show_control_characters_escaped() {
    let home = hostile_home("");
    let table = ok(home.run(&["list"]));
    assert!(!table.contains(RAW), "{table:?}");
    assert!(
        table.contains(&format!(
            "000001111111 | {ALIAS} | AdministratorAccess | prod-admin"
        )),
        "{table}"
    );
    // Still a table: the escaped cell sets the column width.
    let widths: Vec<usize> = table.lines().skip(2).take(3).map(str::len).collect();
    assert_eq!(widths[0], widths[2], "{table}");

    let csv = ok(home.run(&["list", "--csv", "AccountAlias", "RoleName"]));
    assert!(!csv.contains(RAW), "{csv:?}");
    assert!(
        csv.lines().any(|l| l == format!("{ALIAS},ReadOnlyAccess")),
        "{csv}"
    );
}

#[test]
fn tags_show_control_characters_escaped() {
    let home = hostile_home("");
    let tags = ok(home.run(&["tags"]));
    assert!(!tags.contains(RAW), "{tags:?}");
    assert!(
        tags.contains(&format!("  AccountAlias: {ALIAS}\n")),
        "{tags}"
    );
    assert!(tags.contains(&format!("  Team: {TAG}\n")), "{tags}");
}

#[test]
fn an_argument_with_a_line_break_is_echoed_on_one_line() {
    let home = hostile_home("");
    let err = fails(home.run(&["eval", "--profile", "x\ny"]));
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.contains(r"--profile x\ny:"), "{err}");
    let err = fails(home.run(&["-S", "Bad\x1b[2J", "list"]));
    assert!(!err.trim_end().contains(RAW), "{err:?}");
    assert!(err.contains(r"'Bad\x1b[2J'"), "{err}");
}

#[test]
fn an_error_naming_a_hostile_value_shows_it_escaped() {
    // Profile names built from the alias carry its controls into the "did you mean" list.
    let home = hostile_home("ProfileFormat: '{{ .AccountAlias }}:{{ .RoleName }}'\n");
    let err = fails(home.run(&["eval", "--profile", "Prod"]));
    assert!(!err.trim_end().contains(RAW), "{err:?}");
    assert!(err.contains(&format!("{ALIAS}:ReadOnlyAccess")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
}

#[test]
fn a_command_line_mistake_echoes_the_argument_escaped() {
    let home = hostile_home("");
    let out = home.run(&["bad\x1b[2J\nx"]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(!err.contains(RAW), "{err:?}");
    assert!(
        err.lines()
            .any(|l| l == r"error: unrecognized subcommand 'bad\x1b[2J\nx'"),
        "{err}"
    );
    assert!(
        err.contains("Usage: aws-sso"),
        "clap's report is kept: {err}"
    );
}
