//! `merge` over generated credentials files, checked with a small INI reader written apart
//! from the merge code, and the written file read back by botocore.

use std::process::Command;

use proptest::prelude::*;

use super::tests::stanza;
use super::*;

/// A section as the test reader sees it: the trimmed name and the raw text from its header
/// through the line before the next header.
struct RawSection<'a> {
    name: String,
    text: &'a str,
}

/// Cut `text` at header lines (trimmed `[…]`); returns the preamble and the sections.
fn sections(text: &str) -> (&str, Vec<RawSection<'_>>) {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.len() >= 2 && t.starts_with('[') && t.ends_with(']') {
            starts.push((offset, t[1..t.len() - 1].trim().to_owned()));
        }
        offset += line.len();
    }
    let preamble = &text[..starts.first().map_or(text.len(), |s| s.0)];
    let mut out = Vec::new();
    for (k, (start, name)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(text.len(), |s| s.0);
        out.push(RawSection {
            name: name.clone(),
            text: &text[*start..end],
        });
    }
    (preamble, out)
}

/// The `key = value` pairs of a section's text (comments and blanks skipped).
fn keys(section: &str) -> Vec<(String, String)> {
    section
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

const NAMES: &[&str] = &["default", "dev", "prod", "p1", "x y", "a]b", "new1", "new2"];

fn misc_line() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[a-z_]{1,8}", "[ -~]{0,12}", 0..3usize).prop_map(|(k, v, style)| match style {
            0 => format!("{k} = {v}"),
            1 => format!("{k}={v}"),
            _ => format!("\t{k} =  {v}"),
        }),
        "[#;][ -~]{0,16}",
        Just(String::new()),
        "[ \t]{1,3}",
    ]
}

fn header() -> impl Strategy<Value = String> {
    (0..6usize, 0..4usize).prop_map(|(n, style)| {
        let name = NAMES[n];
        match style {
            0 => format!("[{name}]"),
            1 => format!("[ {name} ]"),
            2 => format!("  [{name}]\t"),
            _ => format!("\t[\t{name}]"),
        }
    })
}

/// A whole file: preamble, sections, one line ending throughout, maybe no final newline.
fn file() -> impl Strategy<Value = String> {
    let section = (header(), prop::collection::vec(misc_line(), 0..4));
    (
        prop::collection::vec(misc_line(), 0..3),
        prop::collection::vec(section, 0..6),
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(preamble, sections, crlf, final_newline)| {
            let mut lines = preamble;
            for (header, body) in sections {
                lines.push(header);
                lines.extend(body);
            }
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text: String = lines.iter().map(|l| format!("{l}{eol}")).collect();
            if !final_newline && !text.is_empty() {
                text.truncate(text.len() - eol.len());
            }
            text
        })
}

fn stanzas() -> impl Strategy<Value = Vec<Stanza>> {
    prop::collection::vec((0..NAMES.len(), 0..60u32), 1..4).prop_map(|picks| {
        picks
            .into_iter()
            .map(|(n, seed)| stanza(NAMES[n], seed))
            .collect()
    })
}

proptest! {
    #[test]
    fn merge_keeps_other_sections_is_idempotent_and_reads_back(
        existing in file(),
        stanzas in stanzas(),
    ) {
        let merged = merge(&existing, &stanzas);
        let named = |name: &str| stanzas.iter().any(|s| s.profile == name);

        // Sections not named appear byte for byte, in their order; the preamble stays first.
        let (preamble, before) = sections(&existing);
        prop_assert!(merged.starts_with(preamble));
        let mut from = 0;
        for section in before.iter().filter(|s| !named(&s.name)) {
            let found = merged[from..].find(section.text);
            prop_assert!(found.is_some(), "lost section {:?} in {:?}", section.text, merged);
            from += found.unwrap() + section.text.len();
        }

        prop_assert_eq!(merge(&merged, &stanzas), merged.clone());

        // Each profile once, holding the last stanza given for it.
        let (_, after) = sections(&merged);
        for s in &stanzas {
            let last = stanzas.iter().rfind(|t| t.profile == s.profile).unwrap();
            let found: Vec<_> = after.iter().filter(|a| a.name == s.profile).collect();
            prop_assert_eq!(found.len(), 1, "{:?} in {:?}", s.profile, merged);
            let body = found[0].text;
            let second = body.lines().nth(1).unwrap_or("");
            prop_assert_eq!(second.trim_end(), format!("# Expires: {}", last.expires));
            let want = vec![
                ("aws_access_key_id".to_owned(), last.access_key_id.clone()),
                ("aws_secret_access_key".to_owned(), last.secret_access_key.clone()),
                ("aws_session_token".to_owned(), last.session_token.clone()),
            ];
            prop_assert_eq!(keys(body), want);
        }

        // Inserted lines follow the file's line ending.
        if existing.contains("\r\n") {
            prop_assert_eq!(merged.matches('\n').count(), merged.matches("\r\n").count());
        } else {
            prop_assert!(!merged.contains('\r'));
        }
    }
}

/// Files at the edges of line-ending handling: empty, a lone CR (a CRLF cut after its `\r`),
/// CRLF, no final line break; generated files with a lone CR added at the end.
fn odd_file() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "\r",
            "\n",
            "\r\n",
            "\r\r",
            "\n\r",
            "x\r",
            "[dev]",
            "[dev]\r",
            "[dev]\r\n",
            "# c\r\n[dev]\r\nk = v",
            "[dev]\nk = v\r",
            "\r\n\r",
            "[prod]\r\n\r",
        ])
        .prop_map(str::to_owned),
        file().prop_map(|f| f + "\r"),
        file(),
    ]
}

proptest! {
    #[test]
    fn merge_is_idempotent_whatever_the_line_endings(
        existing in odd_file(),
        stanzas in stanzas(),
    ) {
        let merged = merge(&existing, &stanzas);
        prop_assert_eq!(merge(&merged, &stanzas), merged.clone(), "input {:?}", existing);
        // Nothing of the input is lost: it is a prefix, or its sections were replaced.
        if !stanzas.iter().any(|s| existing.contains(&s.profile)) {
            prop_assert!(merged.starts_with(&existing), "{:?} → {:?}", existing, merged);
        }
    }
}

/// botocore, the reference reader, sees every profile with the values written.
#[test]
fn botocore_reads_the_merged_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    std::fs::write(
        &path,
        "# hand-made\n[default]\naws_access_key_id = AKIADEFAULT\n\
                           aws_secret_access_key = s\n\n[dev]\naws_access_key_id = OLD\n",
    )
    .unwrap();
    let written = [stanza("dev", 1), stanza("prod", 2)];
    write_merged(&path, &written, crate::fsutil::Parents::Existing).unwrap();

    let script = r#"
import sys, botocore.session
for name in sys.argv[1:]:
    c = botocore.session.Session(profile=name).get_credentials()
    print(name, c.access_key, c.secret_key, c.token)
"#;
    let out = Command::new("python3")
        .args(["-c", script, "default", "dev", "prod"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &path)
        .env("AWS_CONFIG_FILE", dir.path().join("no-config"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap_or_else(|e| panic!("python3 cannot be run ({e}): install Python 3 and boto3"));
    assert!(
        out.status.success(),
        "botocore could not read the file (install boto3 with `python3 -m pip install boto3` \
         if it is missing): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want: String = std::iter::once("default AKIADEFAULT s None\n".to_owned())
        .chain(written.iter().map(|s| {
            format!(
                "{} {} {} {}\n",
                s.profile, s.access_key_id, s.secret_access_key, s.session_token
            )
        }))
        .collect();
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}
