//! Output details an aws-sso-cli user relies on: `list`'s banner with the session's expiry,
//! `credentials`' stanza layout in a file too, `eval --clear --no-region` leaving a region
//! that is still aws-sso's alone, `list` surviving a ProfileFormat that does not compile, and
//! an `--arn` with a role path refused before any network call.

mod common;

use aws_sso_emulator::{EmulatorConfig, Operation, Org};
use common::emulated::setup;
use common::{fails, ok, stderr};

fn org() -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(2, 2, 3),
        ..EmulatorConfig::default()
    }
}

#[test]
fn the_list_banner_says_when_the_session_expires() {
    let s = setup(org(), "").logged_in();
    let out = ok(s.run(&["list"]));
    let banner = out.lines().next().unwrap();
    // The emulator's sessions last 8 hours.
    let ok_banner = [
        "List of AWS roles for SSO Instance: Default [Expires in: 8h  0m]",
        "List of AWS roles for SSO Instance: Default [Expires in: 7h 59m]",
    ];
    assert!(ok_banner.contains(&banner), "{out}");
    // No session: no suffix.
    ok(s.run(&["logout"]));
    let out = ok(s.run(&["list"]));
    assert_eq!(
        out.lines().next(),
        Some("List of AWS roles for SSO Instance: Default")
    );
}

#[test]
fn credentials_written_to_a_new_file_have_aws_sso_clis_layout() {
    let s = setup(org(), "").logged_in();
    let out = ok(s.run(&["list", "--csv", "Profile"]));
    let profiles: Vec<&str> = out.lines().take(2).collect();
    let printed = ok(s
        .cmd()
        .args(["credentials", "-p", &profiles.join(",")])
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .output()
        .unwrap());
    let file = s.home.path().join("creds");
    ok(s.run(&[
        "credentials",
        "-p",
        &profiles.join(","),
        "-f",
        file.to_str().unwrap(),
    ]));
    let written = std::fs::read_to_string(&file).unwrap();
    // A blank line before each [profile] and one at the end, as on stdout.
    assert!(
        written.starts_with(&format!("\n[{}]\n", profiles[0])),
        "{written:?}"
    );
    assert!(
        written.contains(&format!("\n\n[{}]\n", profiles[1])),
        "{written:?}"
    );
    assert!(
        written.ends_with("\n\n") && !written.ends_with("\n\n\n"),
        "{written:?}"
    );
    assert_eq!(written.len(), printed.len(), "{written:?}\n{printed:?}");
    // Writing the same profiles again changes nothing but the values.
    ok(s.run(&[
        "credentials",
        "-p",
        profiles[1],
        "-f",
        file.to_str().unwrap(),
    ]));
    let again = std::fs::read_to_string(&file).unwrap();
    assert_eq!(again.len(), written.len(), "{again:?}");
}

#[test]
fn eval_clear_no_region_leaves_a_region_that_is_still_aws_ssos() {
    let s = setup(org(), "");
    let clear = |d: &str, r: &str, t: &str| {
        ok(s.cmd()
            .args(["eval", "--clear", "--no-region"])
            .env("AWS_DEFAULT_REGION", d)
            .env("AWS_REGION", r)
            .env("AWS_SSO_DEFAULT_REGION", t)
            .output()
            .unwrap())
    };
    let out = clear("eu-west-1", "eu-west-1", "eu-west-1");
    assert!(out.contains("unset AWS_ACCESS_KEY_ID"), "{out}");
    assert!(
        !out.contains("REGION"),
        "all three agree: none unset\n{out}"
    );
    // The user changed the region since: only aws-sso's stale marker goes.
    let out = clear("us-west-2", "eu-west-1", "eu-west-1");
    assert!(out.contains("unset AWS_SSO_DEFAULT_REGION"), "{out}");
    assert!(
        !out.contains("unset AWS_DEFAULT_REGION") && !out.contains("unset AWS_REGION"),
        "{out}"
    );
}

#[test]
fn a_profile_format_that_does_not_compile_leaves_list_working() {
    let s = setup(org(), "").logged_in();
    let arns = ok(s.run(&["list", "--csv", "Arn"]));
    let config = s.home.config_dir().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}ProfileFormat: '{{{{ .AccountId '\n"),
    )
    .unwrap();
    let out = s.run(&["list", "--csv", "Arn,Profile"]);
    let err = stderr(&out);
    let listed = ok(out);
    let want: String = arns.lines().map(|a| format!("{a},\n")).collect();
    assert_eq!(listed, want, "every role, with an empty Profile");
    // (Editing config.yaml also makes the cache due: that warning may come too.)
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("WARN") && !l.contains("Cache has expired"))
        .collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("'{{ .AccountId '") && warnings[0].contains("ProfileFormat"),
        "names the template: {err}"
    );
    let table = ok(s.run(&["list"]));
    assert!(table.contains("Profile"), "{table}");
}

#[test]
fn an_arn_with_a_role_path_is_refused_before_any_network_call() {
    let s = setup(org(), "").logged_in();
    let before = s.calls(Operation::GetRoleCredentials);
    let path = "arn:aws:iam::000000000001:role/Foo/Bar";
    for args in [
        vec!["process", "--arn", path],
        vec!["eval", "--arn", path],
        vec!["exec", "--arn", "000000000001:Foo/Bar", "--", "true"],
    ] {
        let e = fails(s.run(&args));
        assert!(
            e.contains("Invalid --arn") && e.contains("no role path"),
            "{e}"
        );
    }
    assert_eq!(s.calls(Operation::GetRoleCredentials), before);
}
