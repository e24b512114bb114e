//! The `~/.aws/config` block editor over hand-written files and generated ones (proptest):
//! outside our block the output equals the input byte for byte, and updating twice is a no-op.

use aws_sso::awsconfig::{Profile, Update, markers, render_block, splice};
use proptest::prelude::*;

fn block(instance: &str, n: usize) -> String {
    let profiles: Vec<Profile> = (0..n)
        .map(|i| Profile {
            name: format!("acct{i}:Admin"),
            arn: format!("arn:aws:iam::{i:012}:role/Admin"),
            credential_process: format!(
                "/usr/bin/aws-sso -S \"{instance}\" process --arn arn:aws:iam::{i:012}:role/Admin"
            ),
            region: (i % 2 == 0).then(|| "eu-west-1".into()),
        })
        .collect();
    render_block(instance, &profiles, &[("output".into(), "json".into())]).unwrap()
}

/// The text before our BEGIN line and after our END line (or the whole text).
fn outside(text: &str, instance: &str) -> (String, String) {
    let (begin, end) = markers(instance);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let b = lines.iter().position(|l| l.trim_end() == begin);
    let e = lines.iter().position(|l| l.trim_end() == end);
    match (b, e) {
        (Some(b), Some(e)) => (lines[..b].concat(), lines[e + 1..].concat()),
        _ => (text.to_string(), String::new()),
    }
}

const CORPUS: &[&str] = &[
    "",
    "[default]\nregion = us-east-1\n",
    "# my settings\n[profile dev]\n\tregion=eu-west-1   \n  output = text\n",
    "[default]\r\nregion = us-east-1\r\n[profile x]\r\ncli_pager=\r\n",
    "[profile last]\nregion = x",
    "[a]\n# BEGIN_AWS_SSO_CLI\n\n[profile old]\ncredential_process = old\n\n# END_AWS_SSO_CLI\n[profile after]\nk = v\n",
    "# BEGIN_AWS_SSO_CLI_Prod\n[profile p]\n# END_AWS_SSO_CLI_Prod\n# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI",
    "[x]\r\n# BEGIN_AWS_SSO_CLI\r\n[profile old]\r\n# END_AWS_SSO_CLI\r\n",
];

#[test]
fn corpus_keeps_the_rest_byte_for_byte_and_is_idempotent() {
    for (i, original) in CORPUS.iter().enumerate() {
        for instance in ["Default", "Prod"] {
            let b = block(instance, 3);
            let once = splice(original, instance, &b).unwrap_or_else(|e| panic!("#{i}: {e}"));
            let twice = splice(&once, instance, &b).unwrap();
            assert_eq!(once, twice, "#{i} {instance}");
            let (before, after) = outside(original, instance);
            let (before2, after2) = outside(&once, instance);
            if original.contains(&format!("{}\n", markers(instance).0))
                || original.contains(&format!("{}\r\n", markers(instance).0))
            {
                assert_eq!((before, after), (before2, after2), "#{i} {instance}");
            } else {
                assert!(once.starts_with(original), "#{i} {instance}: {once:?}");
            }
            let begin = markers(instance).0;
            let ours = once
                .split_inclusive('\n')
                .filter(|l| l.trim_end() == begin)
                .count();
            assert_eq!(ours, 1, "#{i} {instance}");
        }
    }
}

#[test]
fn crlf_files_get_a_crlf_block_and_a_missing_final_newline_survives() {
    let out = splice(CORPUS[3], "Default", &block("Default", 1)).unwrap();
    assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    let out = splice(
        "[a]\n# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI",
        "Default",
        &block("Default", 1),
    )
    .unwrap();
    assert!(out.starts_with("[a]\n# BEGIN_AWS_SSO_CLI\n"), "{out:?}");
    assert!(out.trim_end().ends_with("# END_AWS_SSO_CLI"), "{out:?}");
}

#[test]
fn update_keeps_mode_writes_a_backup_and_refuses_concurrent_edits() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aws/config");
    let fresh = Update::plan(&path, "Default", &block("Default", 1)).unwrap();
    assert_eq!(fresh.apply().unwrap(), None);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let up = Update::plan(&path, "Default", &block("Default", 2)).unwrap();
    assert!(!up.is_noop() && up.diff().contains("+[profile acct1:Admin]"));
    let backup = up.apply().unwrap().unwrap();
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), before);
    assert_eq!(mode(&path), 0o644);
    let stale = Update::plan(&path, "Default", &block("Default", 3)).unwrap();
    std::fs::write(&path, "[edited]\n").unwrap();
    assert!(
        stale
            .apply()
            .unwrap_err()
            .to_string()
            .contains("changed on disk")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "[edited]\n");
    // A damaged file is an error naming the line and stays untouched.
    std::fs::write(&path, "[a]\n# BEGIN_AWS_SSO_CLI\n").unwrap();
    let e = Update::plan(&path, "Default", &block("Default", 1))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("# END_AWS_SSO_CLI"),
        "{e}"
    );
}

#[test]
fn botocore_reads_the_generated_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, "[default]\nregion = us-west-2\n").unwrap();
    Update::plan(&path, "Default", &block("Default", 2))
        .unwrap()
        .apply()
        .unwrap();
    let script = "import botocore.session as b\ns=b.Session()\nc=s.full_config['profiles']\nprint(c['acct1:Admin']['credential_process'])\nprint(c['acct0:Admin']['region'], c['default']['region'])";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .env("AWS_CONFIG_FILE", &path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "/usr/bin/aws-sso -S \"Default\" process --arn arn:aws:iam::000000000001:role/Admin\neu-west-1 us-west-2\n"
    );
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[profile x]".to_string()),
        Just("[default]".to_string()),
        Just("# comment".to_string()),
        Just("".to_string()),
        Just("  key = value  ".to_string()),
        Just("\tregion=eu-west-1".to_string()),
        Just("# BEGIN_AWS_SSO_CLI_Other\n[profile o]\n# END_AWS_SSO_CLI_Other".to_string()),
        "[a-z =#\\[\\]]{0,20}".prop_map(|s| s),
    ]
}

proptest! {
    #[test]
    fn generated_files_keep_everything_outside_our_block(
        head in proptest::collection::vec(line(), 0..8),
        tail in proptest::collection::vec(line(), 0..8),
        with_block in any::<bool>(),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = head.join(eol);
        if with_block {
            if !text.is_empty() { text.push_str(eol); }
            text.push_str(&format!("# BEGIN_AWS_SSO_CLI{eol}[profile old]{eol}# END_AWS_SSO_CLI"));
        }
        if !tail.is_empty() {
            if !text.is_empty() { text.push_str(eol); }
            text.push_str(&tail.join(eol));
        }
        if final_newline && !text.is_empty() { text.push_str(eol); }
        // Generated lines never spell our markers, so the file is well formed.
        let b = block("Default", 2);
        let once = splice(&text, "Default", &b).unwrap();
        prop_assert_eq!(&splice(&once, "Default", &b).unwrap(), &once);
        prop_assert_eq!(once.matches("# BEGIN_AWS_SSO_CLI\n").count() + once.matches("# BEGIN_AWS_SSO_CLI\r\n").count(), 1);
        if with_block {
            prop_assert_eq!(outside(&text, "Default"), outside(&once, "Default"));
        } else {
            prop_assert!(once.starts_with(&text));
        }
    }
}
