//! `splice` over generated config files — comments, sections, odd whitespace, other
//! instances' blocks, mixed line endings, a missing final newline, with or without an old
//! block of ours — checked with a block finder written apart from the splice code.

use proptest::prelude::*;

use super::*;

const OTHERS: &[&str] = &["Default", "Prod", "Prod2", "Dev"];

/// Lines that are never a marker of any instance, including near misses of ours.
fn plain_line() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "# a comment",
            "; semicolon comment",
            "#",
            "  # indented comment",
            "[default]",
            "[profile x]",
            "  [profile 000011112222:Admin]\t",
            "[sso-session corp]",
            "region = us-east-1",
            "output=json",
            "\tkey\t=\tvalue\t",
            "s3 =",
            "    max_concurrent_requests = 10",
            "",
            "   ",
            "\t",
            "#BEGIN_AWS_SSO_CLI",
            "  # BEGIN_AWS_SSO_CLI",
            "# BEGIN_AWS_SSO_CLIX",
            "# END AWS_SSO_CLI",
            "x # END_AWS_SSO_CLI",
        ])
        .prop_map(str::to_owned),
        ("[a-z_]{1,8}", "[ -~]{0,12}").prop_map(|(k, v)| format!("{k} = {v}")),
    ]
}

/// One item of a file: a plain line, or another instance's complete block.
fn item(instance: &'static str) -> impl Strategy<Value = Vec<String>> {
    let others: Vec<&'static str> = OTHERS.iter().copied().filter(|o| *o != instance).collect();
    prop_oneof![
        4 => plain_line().prop_map(|l| vec![l]),
        1 => prop::sample::select(others).prop_map(|other| {
            let (begin, end) = markers(other);
            vec![
                begin,
                String::new(),
                format!("[profile {other}-role]"),
                format!("credential_process = aws-sso -S \"{other}\" process"),
                String::new(),
                end,
            ]
        }),
    ]
}

/// An old block of ours: its markers with trailing whitespace variants, any plain content.
fn old_block(instance: &'static str) -> impl Strategy<Value = Vec<String>> {
    let pad = || prop::sample::select(vec!["", " ", "\t", "  \t"]);
    (pad(), pad(), prop::collection::vec(plain_line(), 0..6)).prop_map(move |(bp, ep, body)| {
        let (begin, end) = markers(instance);
        let mut lines = vec![format!("{begin}{bp}")];
        lines.extend(body);
        lines.push(format!("{end}{ep}"));
        lines
    })
}

/// A generated file and which instance to update in it.
#[derive(Debug, Clone)]
struct Case {
    instance: &'static str,
    text: String,
    had_block: bool,
}

fn case() -> impl Strategy<Value = Case> {
    prop::sample::select(vec!["Default", "Prod"]).prop_flat_map(|instance| {
        (
            prop::collection::vec(item(instance), 0..12),
            prop::option::of((old_block(instance), any::<prop::sample::Index>())),
            0..3usize,
            prop::collection::vec(any::<bool>(), 64),
            any::<bool>(),
        )
            .prop_map(move |(mut items, ours, eol_style, crlf, final_newline)| {
                let had_block = ours.is_some();
                if let Some((block, at)) = ours {
                    items.insert(at.index(items.len() + 1), block);
                }
                let lines: Vec<String> = items.into_iter().flatten().collect();
                let mut text = String::new();
                for (i, line) in lines.iter().enumerate() {
                    text.push_str(line);
                    let is_crlf = match eol_style {
                        0 => false,
                        1 => true,
                        _ => crlf[i % crlf.len()],
                    };
                    text.push_str(if is_crlf { "\r\n" } else { "\n" });
                }
                if !final_newline {
                    let last = text
                        .strip_suffix("\r\n")
                        .or_else(|| text.strip_suffix('\n'));
                    text = last.unwrap_or(&text).to_owned();
                }
                Case {
                    instance,
                    text,
                    had_block,
                }
            })
    })
}

/// `(before, block, after)` around the first exact BEGIN … END pair, and how many BEGIN and
/// END lines of ours there are.
fn cut<'a>(text: &'a str, instance: &str) -> (Option<(&'a str, &'a str, &'a str)>, usize, usize) {
    let (begin, end) = markers(instance);
    let (mut begins, mut ends) = (0, 0);
    let mut start = None;
    let mut found = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let key = line.trim_end();
        if key == begin {
            begins += 1;
            start.get_or_insert(offset);
        } else if key == end {
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

fn block(instance: &str) -> String {
    let arn = |n: &str| format!("arn:aws:iam::00000000000{n}:role/R");
    let profiles = [
        Profile {
            name: "gen-b".to_owned(),
            arn: arn("2"),
            credential_process: format!("aws-sso -S \"{instance}\" process --arn {}", arn("2")),
            region: Some("eu-west-1".to_owned()),
        },
        Profile {
            name: "gen-a".to_owned(),
            arn: arn("1"),
            credential_process: format!("aws-sso -S \"{instance}\" process --arn {}", arn("1")),
            region: None,
        },
    ];
    render_block(
        instance,
        &profiles,
        &[("output".to_owned(), "json".to_owned())],
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn splice_touches_only_our_block_and_is_idempotent(case in case()) {
        let block = block(case.instance);
        let out = splice(&case.text, case.instance, &block).unwrap();

        let (parts, begins, ends) = cut(&out, case.instance);
        prop_assert_eq!((begins, ends), (1, 1), "block not exactly once in {:?}", out);
        let (before, ours, after) = parts.unwrap();
        let lf = ours.replace("\r\n", "\n");
        prop_assert_eq!(&lf, &block);
        prop_assert!(ours == block || ours == block.replace('\n', "\r\n"), "mixed endings {:?}", ours);

        if case.had_block {
            let (old_parts, _, _) = cut(&case.text, case.instance);
            let (old_before, _, old_after) = old_parts.unwrap();
            prop_assert_eq!(before, old_before);
            prop_assert_eq!(after, old_after);
        } else {
            prop_assert_eq!(after, "");
            let text = case.text.as_str();
            let ok = before == text
                || (!text.is_empty()
                    && !text.ends_with('\n')
                    && (before == format!("{text}\n") || before == format!("{text}\r\n")));
            prop_assert!(ok, "before {:?} vs input {:?}", before, text);
        }

        let again = splice(&out, case.instance, &block).unwrap();
        prop_assert_eq!(again, out);
    }

    #[test]
    fn remove_undoes_an_append_and_leaves_the_rest(case in case()) {
        let block = block(case.instance);
        let out = splice_text(&case.text, case.instance, &block).unwrap();
        let removed = remove(&out, case.instance).unwrap();
        if !case.had_block && (case.text.is_empty() || case.text.ends_with('\n')) {
            prop_assert_eq!(&removed, &case.text);
        }
        let (parts, begins, _) = cut(&removed, case.instance);
        prop_assert!(parts.is_none() && begins == 0, "block left in {:?}", removed);
        prop_assert_eq!(remove(&removed, case.instance).unwrap(), removed.clone());
    }
}

/// Files at the edges of line-ending handling: empty, a lone CR (a CRLF cut after its `\r`),
/// CRLF, no final line break, with and without a block of ours; generated files with a lone
/// CR added at the end.
fn odd_text() -> impl Strategy<Value = (&'static str, String)> {
    let fixed = prop::sample::select(vec![
        "",
        "\r",
        "\n",
        "\r\n",
        "\r\r",
        "\n\r",
        "x\r",
        "[default]\r",
        "[default]\r\n\r",
        "# c\r\nregion = x",
        "a\nb\r",
        "\r\n\r\n\r",
    ])
    .prop_map(|t| ("Default", t.to_owned()));
    let generated = case().prop_flat_map(|c| {
        prop::sample::select(vec!["", "\r", "\r\n", "\n\r"])
            .prop_map(move |tail| (c.instance, format!("{}{tail}", c.text)))
    });
    prop_oneof![fixed, generated]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn splice_is_idempotent_whatever_the_line_endings((instance, text) in odd_text()) {
        let block = block(instance);
        for splice in [splice, splice_text] {
            let once = splice(&text, instance, &block).unwrap();
            let twice = splice(&once, instance, &block).unwrap();
            prop_assert_eq!(&twice, &once, "input {:?}", text);
            let removed = remove(&once, instance).unwrap();
            prop_assert_eq!(remove(&removed, instance).unwrap(), removed);
        }
    }
}
