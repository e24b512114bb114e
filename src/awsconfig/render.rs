//! Rendering one SSO instance's managed block: the markers and aws-sso-cli's profile layout.
//! Everything that goes into the block is checked here, because a stray line break or a
//! duplicate section would not just look wrong — botocore refuses the whole file.

use std::collections::HashSet;

use super::BlockError;

/// The instance whose markers carry no suffix, as aws-sso-cli writes them.
const DEFAULT_INSTANCE: &str = "Default";
const BEGIN: &str = "# BEGIN_AWS_SSO_CLI";
const END: &str = "# END_AWS_SSO_CLI";

/// Keys aws-sso writes on every profile, so ConfigVariables may not repeat them.
const RESERVED_KEYS: &[&str] = &["credential_process"];
/// Written only when the role has a default region; the role's region is more specific than
/// the global ConfigVariables, so it wins and the variable is left out for that profile.
const REGION_KEY: &str = "region";

/// One generated `[profile …]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub arn: String,
    /// The complete `credential_process` value, built by the caller.
    pub credential_process: String,
    /// The role's default region; `None` or empty writes no `region` line.
    pub region: Option<String>,
}

/// `(begin, end)` marker lines of `instance`'s block, without line endings.
pub fn markers(instance: &str) -> (String, String) {
    if instance == DEFAULT_INSTANCE {
        (BEGIN.to_owned(), END.to_owned())
    } else {
        (format!("{BEGIN}_{instance}"), format!("{END}_{instance}"))
    }
}

/// True for any aws-sso-cli marker line (ours or another instance's), already trimmed.
pub(super) fn is_any_marker(trimmed: &str) -> bool {
    [BEGIN, END].iter().any(|m| {
        trimmed
            .strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
    })
}

/// Instance names become part of a marker line that is matched after trimming trailing
/// whitespace, so anything that would not survive that round trip is refused.
pub(super) fn check_instance(instance: &str) -> Result<(), BlockError> {
    let ok = !instance.is_empty()
        && instance.trim() == instance
        && !instance.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(BlockError::InvalidInstance {
            name: instance.to_owned(),
        })
    }
}

/// The block text: LF line endings, markers included, ending with the END line and `\n`.
/// Profiles are ordered by role ARN (then name), ConfigVariables by key, like aws-sso-cli's
/// Go template ranging over sorted maps.
pub fn render_block(
    instance: &str,
    profiles: &[Profile],
    variables: &[(String, String)],
) -> Result<String, BlockError> {
    check_instance(instance)?;
    let mut vars: Vec<&(String, String)> = variables.iter().collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    check_variables(&vars)?;
    let mut profs: Vec<&Profile> = profiles.iter().collect();
    profs.sort_by(|a, b| a.arn.cmp(&b.arn).then_with(|| a.name.cmp(&b.name)));
    check_profiles(&profs)?;

    let (begin, end) = markers(instance);
    let mut out = format!("{begin}\n");
    for p in profs {
        out.push_str(&format!(
            "\n[profile {}]\ncredential_process = {}\n",
            p.name, p.credential_process
        ));
        let region = p.region.as_deref().filter(|r| !r.is_empty());
        if let Some(region) = region {
            out.push_str(&format!("{REGION_KEY} = {region}\n"));
        }
        for (key, value) in &vars {
            if region.is_some() && key.eq_ignore_ascii_case(REGION_KEY) {
                continue;
            }
            out.push_str(&format!("{key} = {value}\n"));
        }
    }
    out.push_str(&format!("\n{end}\n"));
    Ok(out)
}

fn invalid(what: &'static str, value: &str, why: &'static str) -> BlockError {
    BlockError::InvalidField {
        what,
        value: value.to_owned(),
        why,
    }
}

/// A line break would split the value into a second, unintended line (possibly a fake
/// marker); other control characters have no business in an INI file either.
fn check_text(what: &'static str, value: &str) -> Result<(), BlockError> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid(
            what,
            value,
            "it contains a line break or control character",
        ));
    }
    Ok(())
}

fn check_variables(vars: &[&(String, String)]) -> Result<(), BlockError> {
    let mut seen = HashSet::new();
    for (key, value) in vars {
        check_text("ConfigVariables key", key)?;
        check_text("ConfigVariables value", value)?;
        // configparser splits options at the first `=` or `:` and treats `#`, `;` and `[`
        // at the start of a line as a comment or a section header.
        if key.is_empty()
            || key.trim() != key
            || key.contains(['=', ':'])
            || key.starts_with(['#', ';', '['])
        {
            return Err(invalid(
                "ConfigVariables key",
                key,
                "keys must be non-empty, unpadded, and free of `=`, `:` and a leading `#`, `;` or `[`",
            ));
        }
        // configparser lower-cases option names, so `Output` and `output` collide.
        let folded = key.to_ascii_lowercase();
        if RESERVED_KEYS.contains(&folded.as_str()) {
            return Err(BlockError::ReservedVariable { key: key.clone() });
        }
        if !seen.insert(folded) {
            return Err(BlockError::DuplicateVariable { key: key.clone() });
        }
    }
    Ok(())
}

/// Why `name` cannot be a `[profile …]` section name, `None` when it can: a line break
/// would end the header, brackets would end it early or start another, and botocore trims
/// the name (so padding would not survive) and ignores an empty one.
pub fn profile_name_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(|c| c.is_control() && c != '\t') {
        Some("it contains a line break or control character")
    } else if name.is_empty() || name.trim() != name || name.contains(['[', ']']) {
        Some("names must be non-empty, unpadded and free of `[` and `]`")
    } else {
        None
    }
}

fn check_profiles(profiles: &[&Profile]) -> Result<(), BlockError> {
    let mut seen = HashSet::new();
    for p in profiles {
        if let Some(why) = profile_name_problem(&p.name) {
            return Err(invalid("profile name", &p.name, why));
        }
        check_text("role ARN", &p.arn)?;
        check_text("credential_process", &p.credential_process)?;
        if let Some(region) = &p.region {
            check_text("region", region)?;
        }
        if !seen.insert(p.name.as_str()) {
            return Err(BlockError::DuplicateProfile {
                name: p.name.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, arn: &str, region: Option<&str>) -> Profile {
        Profile {
            name: name.to_owned(),
            arn: arn.to_owned(),
            credential_process: format!(
                "/usr/local/bin/aws-sso -S \"Default\" process --arn {arn}"
            ),
            region: region.map(str::to_owned),
        }
    }

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn markers_of_default_and_named_instances() {
        assert_eq!(
            markers("Default"),
            (
                "# BEGIN_AWS_SSO_CLI".to_owned(),
                "# END_AWS_SSO_CLI".to_owned()
            )
        );
        assert_eq!(
            markers("Prod"),
            (
                "# BEGIN_AWS_SSO_CLI_Prod".to_owned(),
                "# END_AWS_SSO_CLI_Prod".to_owned()
            )
        );
        // Only the exact name `Default` drops the suffix.
        assert_eq!(markers("default").0, "# BEGIN_AWS_SSO_CLI_default");
    }

    #[test]
    fn renders_the_aws_sso_cli_layout() {
        let profiles = [
            profile(
                "000002222222:ReadOnly",
                "arn:aws:iam::000002222222:role/ReadOnly",
                None,
            ),
            profile(
                "prod-admin",
                "arn:aws:iam::000001111111:role/AdministratorAccess",
                Some("eu-central-1"),
            ),
        ];
        let variables = vars(&[("sts_regional_endpoints", "regional"), ("output", "json")]);
        let block = render_block("Default", &profiles, &variables).unwrap();
        assert_eq!(
            block,
            "# BEGIN_AWS_SSO_CLI\n\
             \n\
             [profile prod-admin]\n\
             credential_process = /usr/local/bin/aws-sso -S \"Default\" process --arn arn:aws:iam::000001111111:role/AdministratorAccess\n\
             region = eu-central-1\n\
             output = json\n\
             sts_regional_endpoints = regional\n\
             \n\
             [profile 000002222222:ReadOnly]\n\
             credential_process = /usr/local/bin/aws-sso -S \"Default\" process --arn arn:aws:iam::000002222222:role/ReadOnly\n\
             output = json\n\
             sts_regional_endpoints = regional\n\
             \n\
             # END_AWS_SSO_CLI\n"
        );
    }

    #[test]
    fn empty_block_and_empty_region() {
        assert_eq!(
            render_block("Prod", &[], &[]).unwrap(),
            "# BEGIN_AWS_SSO_CLI_Prod\n\n# END_AWS_SSO_CLI_Prod\n"
        );
        let block = render_block("Prod", &[profile("p", "arn:a", Some(""))], &[]).unwrap();
        assert!(!block.contains("region"), "{block}");
    }

    #[test]
    fn role_region_wins_over_the_region_variable() {
        let profiles = [
            profile("a", "arn:1", Some("eu-west-1")),
            profile("b", "arn:2", None),
        ];
        let block = render_block("Default", &profiles, &vars(&[("region", "us-east-1")])).unwrap();
        assert_eq!(block.matches("region = ").count(), 2, "{block}");
        assert!(block.contains("[profile a]\ncredential_process = /usr/local/bin/aws-sso -S \"Default\" process --arn arn:1\nregion = eu-west-1\n\n"));
        assert!(block.contains("arn:2\nregion = us-east-1\n"));
    }

    #[test]
    fn profile_name_problems_are_what_the_block_refuses() {
        for name in ["", " p", "p ", "a]b", "[x", "x\ny", "x\ry", "e\x1b[2J"] {
            assert!(profile_name_problem(name).is_some(), "{name:?}");
            assert!(render_block("Default", &[profile(name, "arn:1", None)], &[]).is_err());
        }
        for name in ["prod-admin", "dev sandbox:ReadOnly", "a\tb", "Café:Admin"] {
            assert_eq!(profile_name_problem(name), None, "{name:?}");
            assert!(render_block("Default", &[profile(name, "arn:1", None)], &[]).is_ok());
        }
    }

    #[test]
    fn refuses_values_that_would_break_the_file() {
        let bad_cp = Profile {
            credential_process: "x\n# END_AWS_SSO_CLI".to_owned(),
            ..profile("p", "arn:1", None)
        };
        assert!(matches!(
            render_block("Default", &[bad_cp], &[]),
            Err(BlockError::InvalidField {
                what: "credential_process",
                ..
            })
        ));
        for name in ["", " p", "a]b", "x\ry"] {
            let err = render_block("Default", &[profile(name, "arn:1", None)], &[]).unwrap_err();
            assert!(
                matches!(
                    err,
                    BlockError::InvalidField {
                        what: "profile name",
                        ..
                    }
                ),
                "{name:?}: {err}"
            );
        }
        for key in ["", "a=b", "a:b", "#x", " k", "k\n"] {
            let err = render_block("Default", &[], &vars(&[(key, "v")])).unwrap_err();
            assert!(
                matches!(err, BlockError::InvalidField { .. }),
                "{key:?}: {err}"
            );
        }
        let err = render_block("Default", &[], &vars(&[("k", "v\nw")])).unwrap_err();
        assert!(matches!(
            err,
            BlockError::InvalidField {
                what: "ConfigVariables value",
                ..
            }
        ));
        for name in ["", " Prod", "Prod ", "a\nb"] {
            assert_eq!(
                render_block(name, &[], &[]),
                Err(BlockError::InvalidInstance {
                    name: name.to_owned()
                })
            );
        }
    }

    #[test]
    fn refuses_duplicates_botocore_would_reject() {
        let dup = [profile("p", "arn:1", None), profile("p", "arn:2", None)];
        assert_eq!(
            render_block("Default", &dup, &[]),
            Err(BlockError::DuplicateProfile {
                name: "p".to_owned()
            })
        );
        assert_eq!(
            render_block(
                "Default",
                &[],
                &vars(&[("output", "json"), ("Output", "text")])
            ),
            Err(BlockError::DuplicateVariable {
                key: "output".to_owned()
            })
        );
        assert_eq!(
            render_block("Default", &[], &vars(&[("Credential_Process", "x")])),
            Err(BlockError::ReservedVariable {
                key: "Credential_Process".to_owned()
            })
        );
    }

    #[test]
    fn recognises_every_instances_markers() {
        for m in [
            "# BEGIN_AWS_SSO_CLI",
            "# END_AWS_SSO_CLI",
            "# BEGIN_AWS_SSO_CLI_Prod",
            "# END_AWS_SSO_CLI_x",
        ] {
            assert!(is_any_marker(m), "{m}");
        }
        for m in [
            "# BEGIN_AWS_SSO_CLIX",
            "#BEGIN_AWS_SSO_CLI",
            "  # BEGIN_AWS_SSO_CLI",
            "# END",
        ] {
            assert!(!is_any_marker(m), "{m}");
        }
    }
}
