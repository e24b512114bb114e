//! The `~/.aws/config` managed block against a corpus of hand-written config files in
//! `tests/fixtures/awsconfig/`: exact outputs (insta snapshots), every byte outside our block
//! kept, idempotence, and botocore (configparser, as the AWS CLI and boto3 use it) reading the
//! result back with every foreign setting intact and our profiles exactly as rendered.
//! Needs python3 with boto3 (`python3 -m pip install boto3`); missing either is a failure.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sso::awsconfig::{Profile, Update, markers, render_block, splice};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/awsconfig");

/// The example block of the spec, for `instance`.
fn profiles(instance: &str) -> Vec<Profile> {
    let profile = |name: &str, arn: &str, region: Option<&str>| Profile {
        name: name.to_owned(),
        arn: arn.to_owned(),
        credential_process: format!("/usr/local/bin/aws-sso -S \"{instance}\" process --arn {arn}"),
        region: region.map(str::to_owned),
    };
    vec![
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
    ]
}

fn variables() -> Vec<(String, String)> {
    vec![
        ("sts_regional_endpoints".to_owned(), "regional".to_owned()),
        ("output".to_owned(), "json".to_owned()),
    ]
}

fn block(instance: &str) -> String {
    render_block(instance, &profiles(instance), &variables()).unwrap()
}

/// Text with its invisible bytes shown, so the snapshot pins them too (insta normalises line
/// endings and trailing whitespace when comparing): `␍` for CR, `␉` for tab, `␠` for a space at
/// the end of a line, and a closing line saying whether the file ends with a newline.
fn visible(text: &str) -> String {
    assert!(
        !text.contains(['␍', '␉', '␠', '⟨']),
        "fixture uses a marker glyph"
    );
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let (body, cr) = match body.strip_suffix('\r') {
            Some(b) => (b, "␍"),
            None => (body, ""),
        };
        let trimmed = body.trim_end_matches(' ');
        out.push_str(&trimmed.replace('\t', "␉"));
        out.push_str(&"␠".repeat(body.len() - trimmed.len()));
        out.push_str(cr);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    if text.is_empty() || text.ends_with('\n') {
        out.push_str("⟨EOF⟩\n");
    } else {
        out.push_str("\n⟨no newline at EOF⟩\n");
    }
    out
}

/// `(before, block, after)` around our first BEGIN … END pair, found without the library's
/// code, plus how many BEGIN and END lines of ours the text has.
fn cut<'a>(text: &'a str, instance: &str) -> (Option<(&'a str, &'a str, &'a str)>, usize, usize) {
    let (begin, end) = markers(instance);
    let (mut begins, mut ends, mut start, mut found, mut offset) = (0, 0, None, None, 0);
    for line in text.split_inclusive('\n') {
        if line.trim_end() == begin {
            begins += 1;
            start.get_or_insert(offset);
        } else if line.trim_end() == end {
            ends += 1;
            if let (Some(s), None) = (start, found) {
                found = Some((s, offset + line.len()));
            }
        }
        offset += line.len();
    }
    let parts = found.map(|(s, e)| (&text[..s], &text[s..e], &text[e..]));
    (parts, begins, ends)
}

fn read_fixture(file: &str) -> String {
    fs::read_to_string(Path::new(FIXTURES).join(file)).unwrap()
}

/// Snapshot one corpus file and, when it splices, check the invariants every file must keep.
fn check(snapshot: &str, file: &str, instance: &str) {
    let input = read_fixture(file);
    let block = block(instance);
    let output = match splice(&input, instance, &block) {
        Ok(out) => out,
        Err(e) => {
            insta::assert_snapshot!(snapshot, format!("error: {e}"));
            return;
        }
    };
    insta::assert_snapshot!(snapshot, visible(&output));

    let (parts, begins, ends) = cut(&output, instance);
    assert_eq!(
        (begins, ends),
        (1, 1),
        "{file}: our block is not there exactly once"
    );
    let (before, ours, after) = parts.unwrap();
    assert!(
        ours == block || ours == block.replace('\n', "\r\n"),
        "{file}: block {ours:?}"
    );
    match cut(&input, instance).0 {
        Some((old_before, _, old_after)) => {
            assert_eq!(before, old_before, "{file}: text before the block changed");
            assert_eq!(after, old_after, "{file}: text after the block changed");
        }
        None => {
            assert_eq!(after, "", "{file}: an appended block must come last");
            let with_eol = [format!("{input}\n"), format!("{input}\r\n")];
            let kept = before == input
                || (!input.ends_with('\n')
                    && !input.is_empty()
                    && with_eol.iter().any(|t| t == before));
            assert!(
                kept,
                "{file}: text before the appended block changed: {before:?}"
            );
        }
    }
    assert_eq!(
        splice(&output, instance, &block).unwrap(),
        output,
        "{file}: second run changed it"
    );
}

macro_rules! corpus {
    ($($test:ident: $file:literal as $instance:literal;)*) => {
        /// Every `(file, instance)` the corpus tests run.
        const CORPUS: &[(&str, &str)] = &[$(($file, $instance)),*];
        $(
            #[test]
            fn $test() {
                check(stringify!($test), $file, $instance);
            }
        )*
    };
}

corpus! {
    comments_and_odd_spacing: "comments_spacing.ini" as "Default";
    crlf_file_gets_a_crlf_block: "crlf.ini" as "Default";
    mostly_crlf_file_gets_a_crlf_block: "mostly_crlf.ini" as "Default";
    missing_final_newline_is_added_before_the_block: "no_final_newline.ini" as "Default";
    crlf_missing_final_newline: "crlf_no_final_newline.ini" as "Default";
    tabs_and_subsections: "tabs.ini" as "Default";
    old_block_in_the_middle_between_foreign_profiles: "old_block_middle.ini" as "Default";
    old_block_at_end_without_newline: "old_block_at_end_no_newline.ini" as "Default";
    markers_with_trailing_whitespace: "marker_whitespace.ini" as "Default";
    two_instances_update_default: "two_instances.ini" as "Default";
    two_instances_update_prod: "two_instances.ini" as "Prod";
    prod2_block_is_not_prods: "prefix_instances.ini" as "Prod";
    empty_file: "empty.ini" as "Default";
    empty_file_named_instance: "empty.ini" as "Prod";
    error_only_begin: "err_only_begin.ini" as "Default";
    error_duplicate_begin: "err_duplicate_begin.ini" as "Default";
    error_end_without_begin: "err_end_without_begin.ini" as "Default";
    error_section_conflict: "err_section_conflict.ini" as "Default";
    error_other_instance_nested_in_ours: "err_nested_instance.ini" as "Default";
}

#[test]
fn every_fixture_is_in_the_corpus() {
    let listed: BTreeSet<&str> = CORPUS.iter().map(|(f, _)| *f).collect();
    let on_disk: BTreeSet<String> = fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let listed: BTreeSet<String> = listed.into_iter().map(str::to_owned).collect();
    assert_eq!(listed, on_disk);
}

#[test]
fn the_spec_example_renders_exactly() {
    insta::assert_snapshot!(block("Default"));
}

/// botocore's view of each config file: `{path: full_config}` or `{path: "error: …"}`.
fn botocore_configs(paths: &[PathBuf]) -> serde_json::Map<String, Value> {
    const SCRIPT: &str = r#"
import json, sys
import botocore.session
out = {}
for path in sys.argv[1:]:
    s = botocore.session.Session()
    s.set_config_variable("config_file", path)
    s.set_config_variable("credentials_file", "/nonexistent")
    try:
        out[path] = s.full_config
    except Exception as e:
        out[path] = "error: %s: %s" % (type(e).__name__, e)
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .args(paths)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONFIG_FILE")
        .output()
        .unwrap_or_else(|e| panic!("python3 cannot be run ({e}); install Python 3 and boto3"));
    assert!(
        out.status.success(),
        "botocore is not importable ({}); install it with `python3 -m pip install boto3`",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    match serde_json::from_slice(&out.stdout).unwrap() {
        Value::Object(map) => map,
        other => panic!("unexpected script output {other}"),
    }
}

/// For every corpus file that splices: botocore reads the result, sees our profiles with
/// exactly the rendered values, and sees everything else exactly as in the file without our
/// block (so no foreign setting was lost, shadowed or merged).
#[test]
fn botocore_reads_every_result_as_expected() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    let mut paths = Vec::new();
    for (i, (file, instance)) in CORPUS.iter().enumerate() {
        let input = read_fixture(file);
        let Ok(output) = splice(&input, instance, &block(instance)) else {
            continue;
        };
        let rest = match cut(&input, instance).0 {
            Some((before, _, after)) => format!("{before}{after}"),
            None => input,
        };
        let out_path = dir.path().join(format!("{i}-out.ini"));
        let rest_path = dir.path().join(format!("{i}-rest.ini"));
        fs::write(&out_path, &output).unwrap();
        fs::write(&rest_path, &rest).unwrap();
        paths.extend([out_path.clone(), rest_path.clone()]);
        cases.push((*file, *instance, out_path, rest_path));
    }
    assert!(cases.len() >= 10, "too few corpus files splice");
    let parsed = botocore_configs(&paths);
    let get = |p: &Path| parsed[&p.display().to_string()].clone();

    for (file, instance, out_path, rest_path) in cases {
        let seen = get(&out_path);
        let mut expected = get(&rest_path);
        assert!(
            seen.is_object(),
            "{file}: botocore rejects the result: {seen}"
        );
        assert!(
            expected.is_object(),
            "{file}: fixture invalid without our block: {expected}"
        );
        let expected_profiles = expected["profiles"].as_object_mut().unwrap();
        for p in profiles(instance) {
            let mut ours = serde_json::json!({
                "credential_process": p.credential_process,
                "output": "json",
                "sts_regional_endpoints": "regional",
            });
            if let Some(region) = &p.region {
                ours["region"] = Value::String(region.clone());
            }
            let clash = expected_profiles.insert(p.name.clone(), ours);
            assert!(
                clash.is_none(),
                "{file}: fixture already has profile {}",
                p.name
            );
        }
        assert_eq!(seen, expected, "{file} as {instance}");
    }
}

/// The whole path the command takes: plan and apply on a real file, then botocore reading it
/// through `AWS_CONFIG_FILE` exactly as the AWS CLI and boto3 would.
#[test]
fn applied_update_is_read_by_botocore_through_aws_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".aws/config");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let original = read_fixture("old_block_middle.ini");
    fs::write(&path, &original).unwrap();

    let update = Update::plan(&path, "Default", &block("Default")).unwrap();
    assert!(
        update.diff().contains("+[profile prod-admin]\n"),
        "{}",
        update.diff()
    );
    let backup = update.apply().unwrap().expect("a backup of the old file");
    assert_eq!(fs::read_to_string(backup).unwrap(), original);
    assert!(
        Update::plan(&path, "Default", &block("Default"))
            .unwrap()
            .is_noop()
    );

    let script = "import json, botocore.session\n\
                  print(json.dumps(botocore.session.Session().full_config['profiles']))";
    let out = Command::new("python3")
        .args(["-c", script])
        .env("AWS_CONFIG_FILE", &path)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeSet<&str> = seen
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected = [
        "000002222222:ReadOnly",
        "after",
        "before",
        "default",
        "prod-admin",
    ];
    assert_eq!(names, expected.into_iter().collect());
    for p in profiles("Default") {
        assert_eq!(
            seen[&p.name]["credential_process"],
            p.credential_process.as_str()
        );
    }
    assert_eq!(seen["prod-admin"]["region"], "eu-central-1");
    assert_eq!(seen["before"]["source_profile"], "default");
}
