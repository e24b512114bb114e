//! Exact bytes of `render` and of `merge` over hand-written files, and what `write_merged`
//! does on disk.

use super::*;
use crate::fsutil::{Parents, Refused};

pub(super) fn stanza(profile: &str, n: u32) -> Stanza {
    Stanza {
        profile: profile.to_owned(),
        expires: format!("2026-08-22T10:{n:02}:00-07:00"),
        access_key_id: format!("ASIA{n:016}"),
        secret_access_key: format!("secret/{n}+key="),
        session_token: format!("token{n}//+=="),
    }
}

/// What `stanza(profile, n)` merges in as, with `eol` line endings.
fn lines(profile: &str, n: u32, eol: &str) -> String {
    [
        format!("[{profile}]"),
        format!("# Expires: 2026-08-22T10:{n:02}:00-07:00"),
        format!("aws_access_key_id = ASIA{n:016}"),
        format!("aws_secret_access_key = secret/{n}+key="),
        format!("aws_session_token = token{n}//+=="),
    ]
    .map(|line| line + eol)
    .concat()
}

#[test]
fn render_is_aws_sso_cli_layout() {
    assert_eq!(
        render(&[stanza("dev", 1)]),
        "\n[dev]\n# Expires: 2026-08-22T10:01:00-07:00\naws_access_key_id = ASIA0000000000000001\n\
         aws_secret_access_key = secret/1+key=\naws_session_token = token1//+==\n\n"
    );
    assert_eq!(
        render(&[stanza("a", 1), stanza("b", 2)]),
        format!("\n{}\n{}\n", lines("a", 1, "\n"), lines("b", 2, "\n"))
    );
    assert_eq!(render(&[]), "\n");
}

#[test]
fn merge_into_empty_file_is_the_stdout_layout() {
    assert_eq!(merge("", &[stanza("p", 1)]), render(&[stanza("p", 1)]));
    let two = [stanza("p", 1), stanza("q", 2)];
    assert_eq!(merge("", &two), render(&two));
    assert_eq!(merge(&render(&two), &two), render(&two));
}

#[test]
fn merge_appends_after_a_blank_line_and_keeps_the_rest() {
    let existing = "# my creds\n[default]\naws_access_key_id=AKIA\n\taws_secret_access_key =  x \n";
    assert_eq!(
        merge(existing, &[stanza("new", 3)]),
        format!("{existing}\n{}\n", lines("new", 3, "\n"))
    );
    // Already ends with a blank line: no second one.
    let existing = "[default]\nk = v\n\n";
    assert_eq!(
        merge(existing, &[stanza("new", 3)]),
        format!("{existing}{}\n", lines("new", 3, "\n"))
    );
}

#[test]
fn merge_adds_the_missing_final_newline_before_appending() {
    let existing = "[default]\nk = v";
    assert_eq!(
        merge(existing, &[stanza("new", 1)]),
        format!("{existing}\n\n{}\n", lines("new", 1, "\n"))
    );
}

#[test]
fn merge_completes_a_last_line_ending_in_a_lone_cr_as_crlf() {
    // A file cut after the `\r` of its only CRLF: the inserted lines are CRLF, and merging
    // again changes nothing.
    let crlf = lines("new", 1, "\r\n");
    for (existing, want) in [
        ("\r", format!("\r\n{crlf}\r\n")),
        ("k = v\r", format!("k = v\r\n\r\n{crlf}\r\n")),
    ] {
        let merged = merge(existing, &[stanza("new", 1)]);
        assert_eq!(merged, want, "{existing:?}");
        assert_eq!(merge(&merged, &[stanza("new", 1)]), merged, "{existing:?}");
    }
    // In an LF file the `\n` is added all the same, not a second `\r`.
    let merged = merge("[a]\nk = v\r", &[stanza("new", 1)]);
    assert_eq!(
        merged,
        format!("[a]\nk = v\r\n\n{}\n", lines("new", 1, "\n"))
    );
}

#[test]
fn merge_replaces_a_middle_section_in_place() {
    let existing = "[a]\nk = 1\n\n# the b profile\n[ b ]\naws_access_key_id = OLD\n\
                    aws_session_token = OLD\n\n; about c\n[c]\nk = 3";
    let want = format!(
        "[a]\nk = 1\n\n# the b profile\n{}\n; about c\n[c]\nk = 3",
        lines("b", 7, "\n")
    );
    assert_eq!(merge(existing, &[stanza("b", 7)]), want);
    assert_eq!(merge(&want, &[stanza("b", 7)]), want);
}

#[test]
fn merge_tolerates_spaced_and_tabbed_headers() {
    for header in ["[p]", "[ p ]", "  [p]", "\t[\tp ]  "] {
        let existing = format!("{header}\naws_access_key_id = OLD\n[q]\nk = v\n");
        assert_eq!(
            merge(&existing, &[stanza("p", 2)]),
            format!("{}[q]\nk = v\n", lines("p", 2, "\n")),
            "header {header:?}"
        );
    }
}

#[test]
fn merge_keeps_crlf_and_writes_crlf() {
    let existing = "[a]\r\nk = 1\r\n\r\n[b]\r\nold = 1\r\n";
    assert_eq!(
        merge(existing, &[stanza("b", 1), stanza("c", 2)]),
        format!(
            "[a]\r\nk = 1\r\n\r\n{}\r\n{}\r\n",
            lines("b", 1, "\r\n"),
            lines("c", 2, "\r\n")
        )
    );
}

#[test]
fn merge_replaces_first_duplicate_and_drops_later_ones() {
    let existing = "[p]\nold = 1\n[q]\nk = v\n[p]\nold = 2\n# before r\n[r]\nk = w\n";
    assert_eq!(
        merge(existing, &[stanza("p", 5)]),
        format!(
            "{}[q]\nk = v\n# before r\n[r]\nk = w\n",
            lines("p", 5, "\n")
        )
    );
}

#[test]
fn merge_uses_the_last_of_repeated_stanzas() {
    let existing = "[x]\nk = v\n";
    assert_eq!(
        merge(existing, &[stanza("p", 1), stanza("q", 2), stanza("p", 3)]),
        format!(
            "{existing}\n{}\n{}\n",
            lines("p", 3, "\n"),
            lines("q", 2, "\n")
        )
    );
}

#[test]
fn merge_keeps_the_preamble_and_key_less_sections() {
    let existing = "aws_access_key_id = outside\n; note\n[]\n[p]\n[q]\n";
    assert_eq!(
        merge(existing, &[stanza("p", 1)]),
        format!(
            "aws_access_key_id = outside\n; note\n[]\n{}[q]\n",
            lines("p", 1, "\n")
        )
    );
}

#[test]
fn check_rejects_names_and_values_that_break_the_file() {
    for name in ["", " p", "p ", "a\nb", "a\rb", "tab\there"] {
        let err = stanza(name, 1).check().unwrap_err();
        assert!(
            matches!(err, CredFileError::BadProfileName { .. }),
            "{name:?}"
        );
    }
    let mut bad = stanza("p", 1);
    bad.secret_access_key = "wJalr\nXUtn".to_owned();
    let msg = bad.check().unwrap_err().to_string();
    assert_eq!(
        msg,
        "the secret access key for profile 'p' contains a line break: run `aws-sso flush` and \
         fetch the credentials again"
    );
    assert!(stanza("odd ]name[ with #", 1).check().is_ok());
}

#[test]
fn debug_hides_secrets() {
    let shown = format!("{:?}", stanza("p", 1));
    assert!(shown.contains("ASIA0000000000000001"), "{shown}");
    assert!(
        !shown.contains("secret/1") && !shown.contains("token1"),
        "{shown}"
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn write_merged_creates_a_private_file_and_directory() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join(".aws/credentials");
    let aws = home.path().join(".aws");
    write_merged(&path, &[stanza("p", 1)], Parents::Within(&aws)).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        render(&[stanza("p", 1)])
    );
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
}

#[cfg(unix)]
#[test]
fn write_merged_replaces_the_file_atomically() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    let old = "[keep]\r\nk = v\r\n";
    std::fs::write(&path, old).unwrap();
    crate::fsutil::set_mode(&path, 0o644).unwrap();
    // A second name for the old file: an in-place rewrite would change what it shows.
    let link = dir.path().join("old-inode");
    std::fs::hard_link(&path, &link).unwrap();

    write_merged(&path, &[stanza("p", 1)], Parents::Existing).unwrap();
    let merged = std::fs::read_to_string(&path).unwrap();
    assert_eq!(merged, format!("{old}\r\n{}\r\n", lines("p", 1, "\r\n")));
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_to_string(&link).unwrap(), old);
    let (new_ino, old_ino) = (
        std::fs::metadata(&path).unwrap().ino(),
        std::fs::metadata(&link).unwrap().ino(),
    );
    assert_ne!(new_ino, old_ino);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "temp files left behind: {names:?}");
}

#[cfg(unix)]
#[test]
fn write_merged_follows_a_symlinked_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("dotfiles-credentials");
    std::fs::write(&target, "[keep]\nk = v\n").unwrap();
    let path = dir.path().join("credentials");
    std::os::unix::fs::symlink(&target, &path).unwrap();
    write_merged(&path, &[stanza("p", 1)], Parents::Existing).unwrap();
    assert!(
        std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        format!("[keep]\nk = v\n\n{}\n", lines("p", 1, "\n"))
    );
}

#[test]
fn write_merged_errors_name_the_file_not_the_secrets() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be cannot be read.
    let err = write_merged(dir.path(), &[stanza("p", 1)], Parents::Existing).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CredFileError::Read { .. }), "{msg}");
    assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
    assert!(
        !msg.contains("secret/1") && !msg.contains("token1"),
        "{msg}"
    );
    assert!(!format!("{err:?}").contains("secret/1"));

    let path = dir.path().join("latin1");
    std::fs::write(&path, b"# caf\xe9\n").unwrap();
    let err = write_merged(&path, &[stanza("p", 1)], Parents::Existing).unwrap_err();
    assert!(matches!(err, CredFileError::NotUtf8 { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"# caf\xe9\n");

    // Invalid stanzas are refused before anything is touched.
    let path = dir.path().join("untouched");
    assert!(write_merged(&path, &[stanza("a\nb", 1)], Parents::Existing).is_err());
    assert!(!path.exists());
}

#[cfg(unix)]
#[test]
fn write_merged_refuses_planted_links_and_stray_directories() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("tmp");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "[keep]\n").unwrap();
    crate::fsutil::set_mode(&victim, 0o644).unwrap();
    let planted = shared.join("creds");
    symlink(&victim, &planted).unwrap();
    let err = write_merged(&planted, &[stanza("p", 1)], Parents::Existing).unwrap_err();
    assert!(
        matches!(err, CredFileError::Refused(Refused::LinkInSharedDir { .. })),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "[keep]\n");
    assert_eq!(mode(&victim), 0o644, "the target's mode is left alone");

    // A directory that does not exist outside ~/.aws is not created.
    let aws = dir.path().join(".aws");
    let typo = dir.path().join("typo/creds");
    let err = write_merged(&typo, &[stanza("p", 1)], Parents::Within(&aws)).unwrap_err();
    assert!(
        matches!(err, CredFileError::Refused(Refused::NoDirectory { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(!dir.path().join("typo").exists());
    // Inside it, it is.
    write_merged(
        &aws.join("sub/creds"),
        &[stanza("p", 1)],
        Parents::Within(&aws),
    )
    .unwrap();
}
