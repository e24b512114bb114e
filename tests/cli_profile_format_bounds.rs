//! A runaway ProfileFormat (a loop of ten million, a printf width of a billion) fails at
//! once with one line naming the template, in `list` and in `process`; `setup profiles`
//! leaves out a role whose name cannot be a section of `~/.aws/config` and writes the rest.

mod common;

use std::time::{Duration, Instant};

use common::{Home, fails, fixture_text, ok, stderr};

fn home_with(profile_format: &str, cache: &str) -> Home {
    let home = Home::new();
    let config = fixture_text("compat/config.yaml");
    home.write(
        "config.yaml",
        format!("{config}ProfileFormat: '{profile_format}'\n"),
    );
    home.write("cache.json", cache);
    home
}

/// Runs `args`, which must fail within a few seconds (minutes and gigabytes without the
/// bounds) with one error line naming the template.
#[track_caller]
fn fails_fast(home: &Home, args: &[&str], template: &str, because: &str) {
    let started = Instant::now();
    let err = fails(home.run(args));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{args:?} took {:?}",
        started.elapsed()
    );
    assert!(
        err.contains(&format!("ProfileFormat '{template}'")),
        "{err}"
    );
    assert!(err.contains(because), "{err}");
}

#[test]
fn a_runaway_loop_fails_fast_in_list_and_process() {
    let template = "{{ range $i := until 10000000 }}x{{ end }}";
    let home = home_with(template, &fixture_text("compat/cache.json"));
    let because =
        "error calling until: the list would have 10000000 items, over the limit of 65536";
    fails_fast(&home, &["list"], template, because);
    fails_fast(&home, &["list", "--csv", "Profile"], template, because);
    fails_fast(
        &home,
        &["process", "--profile", "prod-admin"],
        template,
        because,
    );
}

#[test]
fn a_huge_printf_width_fails_fast_in_list_and_process() {
    let template = r#"{{ printf "%0999999999d" 1 }}"#;
    let home = home_with(template, &fixture_text("compat/cache.json"));
    let because = "printf width 999999999 is over the limit of 65536";
    fails_fast(&home, &["list"], template, because);
    fails_fast(&home, &["process", "--profile", "x"], template, because);
}

#[test]
fn a_profile_name_of_kilobytes_is_refused() {
    let template = r#"{{ repeat 300 .RoleName }}"#;
    let home = home_with(template, &fixture_text("compat/cache.json"));
    let because = "output exceeds 4096 bytes; a profile name must be shorter";
    fails_fast(&home, &["list"], template, because);
}

#[test]
fn setup_profiles_skips_a_role_with_an_invalid_name_and_writes_the_rest() {
    // The alias of account 333333333333 makes `Sec]urity:BreakGlass`: a `]` would end the
    // section header early.
    let cache = fixture_text("compat/cache.json").replace("Security Tooling", "Sec]urity");
    let home = home_with("{{ .AccountAlias }}:{{ .RoleName }}", &cache);
    let aws_config = home.path().join("aws-config");
    let out = home.run(&[
        "setup",
        "profiles",
        "--force",
        "--aws-config",
        aws_config.to_str().unwrap(),
    ]);
    let warnings = stderr(&out);
    ok(out);
    let written = std::fs::read_to_string(&aws_config).unwrap();
    for profile in [
        "[profile prod-admin]",
        "[profile Production Account:ReadOnlyAccess]",
        "[profile dev sandbox:PowerUserAccess]",
        "[profile dev sandbox:ReadOnlyAccess]",
    ] {
        assert!(written.contains(profile), "{profile} missing:\n{written}");
    }
    assert!(!written.contains("Sec]urity"), "{written}");
    assert!(!written.contains("333333333333"), "{written}");
    for role in ["BreakGlass", "SecurityAudit"] {
        let expected = format!(
            "skipped arn:aws:iam::333333333333:role/{role}: its profile name \"Sec]urity:{role}\" is not valid in ~/.aws/config (names must be non-empty, unpadded and free of `[` and `]`); set Profile: under SSOConfig.Default.Accounts.333333333333.Roles.{role} in config.yaml"
        );
        assert!(
            warnings.lines().any(|l| l.ends_with(&expected)),
            "no warning for {role}:\n{warnings}"
        );
    }
}
