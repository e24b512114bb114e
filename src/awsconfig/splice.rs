//! Splicing one instance's block into the text of a config file, aws-sso-cli's way: copy up
//! to our BEGIN line, put the new block there, drop the old block through our END line, copy
//! the rest; append when the file has no block yet. Only our block's bytes ever change (plus,
//! when appending, a line ending on a last line that had none), so comments, spacing, line
//! endings and other instances' blocks survive untouched.

use super::BlockError;
use super::render::{check_instance, is_any_marker, markers};

/// One physical line: `text` includes its terminator, `body` does not.
struct Line<'a> {
    text: &'a str,
    body: &'a str,
}

impl Line<'_> {
    /// What marker matching compares: trailing `\r` and whitespace do not count, leading
    /// whitespace does (aws-sso-cli only ever writes markers at the start of a line).
    fn key(&self) -> &str {
        self.body.trim_end()
    }

    fn is_crlf(&self) -> bool {
        self.text.ends_with("\r\n")
    }

    fn is_lf(&self) -> bool {
        self.text.ends_with('\n') && !self.is_crlf()
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    text.split_inclusive('\n')
        .map(|t| Line {
            text: t,
            body: t.strip_suffix('\n').unwrap_or(t),
        })
        .collect()
}

/// Replace `instance`'s block in `existing` with `block` (as made by
/// [`render_block`](super::render_block)), or append it when there is none. The block gets
/// CRLF line endings when most lines outside it already have them.
pub fn splice(existing: &str, instance: &str, block: &str) -> Result<String, BlockError> {
    splice_checked(existing, instance, block, true)
}

/// [`splice`] for files that are not INI (shell rc files): the same markers and the same
/// byte-for-byte guarantee, without botocore's section rules.
pub fn splice_text(existing: &str, instance: &str, block: &str) -> Result<String, BlockError> {
    splice_checked(existing, instance, block, false)
}

/// `existing` without `instance`'s block (BEGIN through END); unchanged when it has none.
/// Undoes an append by [`splice`] on a file that ended in a line break, byte for byte.
pub fn remove(existing: &str, instance: &str) -> Result<String, BlockError> {
    check_instance(instance)?;
    let (begin, end) = markers(instance);
    let all = lines(existing);
    let Some((b, e)) = find_block(&all, &begin, &end)? else {
        return Ok(existing.to_owned());
    };
    let mut out = String::with_capacity(existing.len());
    all[..b].iter().for_each(|l| out.push_str(l.text));
    all[e + 1..].iter().for_each(|l| out.push_str(l.text));
    Ok(out)
}

fn splice_checked(
    existing: &str,
    instance: &str,
    block: &str,
    ini: bool,
) -> Result<String, BlockError> {
    check_instance(instance)?;
    let (begin, end) = markers(instance);
    let block = normalize_block(instance, &begin, &end, block)?;
    let all = lines(existing);
    let range = find_block(&all, &begin, &end)?;
    let outside = |i: usize| range.is_none_or(|(b, e)| i < b || i > e);
    if ini {
        check_sections(&all, &outside, &block)?;
    }

    // Appending ends an unterminated last line. One ending in `\r` (a CRLF cut short) only
    // gets the `\n` it lacks and is a CRLF line from then on, so it counts as one now: else
    // the next splice would judge the line endings differently and rewrite the block.
    let completes_crlf = range.is_none() && existing.ends_with('\r');
    let (crlf, lf) = all.iter().enumerate().filter(|(i, _)| outside(*i)).fold(
        (usize::from(completes_crlf), 0usize),
        |(c, l), (_, line)| {
            (
                c + usize::from(line.is_crlf()),
                l + usize::from(line.is_lf()),
            )
        },
    );
    let eol = if crlf > lf { "\r\n" } else { "\n" };
    let block = if eol == "\n" {
        block
    } else {
        block.replace('\n', eol)
    };

    let mut out = String::with_capacity(existing.len() + block.len() + 2);
    match range {
        Some((b, e)) => {
            all[..b].iter().for_each(|l| out.push_str(l.text));
            out.push_str(&block);
            all[e + 1..].iter().for_each(|l| out.push_str(l.text));
        }
        None => {
            out.push_str(existing);
            if !existing.is_empty() && !existing.ends_with('\n') {
                out.push_str(if completes_crlf { "\n" } else { eol });
            }
            out.push_str(&block);
        }
    }
    Ok(out)
}

/// LF-only block text ending in `\n`, checked to be exactly one block of ours: anything else
/// would be appended again on every run instead of replaced.
fn normalize_block(
    instance: &str,
    begin: &str,
    end: &str,
    block: &str,
) -> Result<String, BlockError> {
    let mut text = block.replace("\r\n", "\n");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let body: Vec<&str> = text.lines().collect();
    let well_formed = !text.contains('\r')
        && body.len() >= 2
        && body[0].trim_end() == begin
        && body[body.len() - 1].trim_end() == end
        && !body[1..body.len() - 1]
            .iter()
            .any(|l| is_any_marker(l.trim_end()));
    if well_formed {
        Ok(text)
    } else {
        Err(BlockError::MalformedBlock {
            instance: instance.to_owned(),
            begin: begin.to_owned(),
            end: end.to_owned(),
        })
    }
}

/// Index of our BEGIN and END lines, or `None` when there is no block. Refuses anything
/// ambiguous rather than guess which lines are ours.
fn find_block(
    all: &[Line<'_>],
    begin: &str,
    end: &str,
) -> Result<Option<(usize, usize)>, BlockError> {
    let mut start: Option<usize> = None;
    let mut stop: Option<usize> = None;
    for (i, line) in all.iter().enumerate() {
        let key = line.key();
        if key == begin {
            if let Some(first) = start {
                return Err(BlockError::DuplicateBegin {
                    first: first + 1,
                    second: i + 1,
                    begin: begin.to_owned(),
                    end: end.to_owned(),
                });
            }
            start = Some(i);
        } else if key == end {
            if start.is_none() || stop.is_some() {
                return Err(BlockError::EndWithoutBegin {
                    line: i + 1,
                    begin: begin.to_owned(),
                    end: end.to_owned(),
                });
            }
            stop = Some(i);
        }
    }
    let range = match (start, stop) {
        (None, _) => return Ok(None),
        (Some(b), None) => {
            return Err(BlockError::Unterminated {
                line: b + 1,
                begin: begin.to_owned(),
                end: end.to_owned(),
            });
        }
        (Some(b), Some(e)) => (b, e),
    };
    // Replacing our block would delete another instance's block nested in it.
    if let Some(i) = (range.0 + 1..range.1).find(|&i| is_any_marker(all[i].key())) {
        return Err(BlockError::ForeignMarkerInside {
            line: i + 1,
            marker: all[i].key().to_owned(),
            begin: begin.to_owned(),
            begin_line: range.0 + 1,
            end_line: range.1 + 1,
        });
    }
    Ok(Some(range))
}

/// The section name configparser reads from a line: after stripping, `[` then everything up to
/// the last `]` (its header pattern is greedy and need not reach the end of the line).
fn section_name(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix('[')?;
    let name = &rest[..rest.rfind(']')?];
    (!name.is_empty()).then_some(name)
}

/// botocore reads config files with a strict configparser, so a section defined both outside
/// our block and inside it would make every AWS tool on the machine reject the file.
fn check_sections(
    all: &[Line<'_>],
    outside: &dyn Fn(usize) -> bool,
    block: &str,
) -> Result<(), BlockError> {
    let ours: Vec<&str> = block.lines().filter_map(section_name).collect();
    if ours.is_empty() {
        return Ok(());
    }
    for (i, line) in all.iter().enumerate().filter(|(i, _)| outside(*i)) {
        if let Some(name) = section_name(line.body).filter(|n| ours.contains(n)) {
            return Err(BlockError::SectionConflict {
                line: i + 1,
                section: name.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str =
        "# BEGIN_AWS_SSO_CLI\n\n[profile p]\ncredential_process = x\n\n# END_AWS_SSO_CLI\n";

    #[test]
    fn appends_to_empty_and_unterminated_files() {
        assert_eq!(splice("", "Default", BLOCK).unwrap(), BLOCK);
        assert_eq!(
            splice("[a]\nk = v", "Default", BLOCK).unwrap(),
            format!("[a]\nk = v\n{BLOCK}")
        );
        assert_eq!(
            splice("[a]\r\nk = v", "Default", BLOCK).unwrap(),
            format!("[a]\r\nk = v\r\n{}", BLOCK.replace('\n', "\r\n"))
        );
    }

    #[test]
    fn a_last_line_ending_in_a_lone_cr_becomes_a_crlf_line() {
        let crlf = BLOCK.replace('\n', "\r\n");
        for (text, want) in [
            ("\r", format!("\r\n{crlf}")),
            ("[a]\r", format!("[a]\r\n{crlf}")),
            ("[a]\nk = v\r", format!("[a]\nk = v\r\n{BLOCK}")),
        ] {
            let once = splice(text, "Default", BLOCK).unwrap();
            assert_eq!(once, want, "{text:?}");
            assert_eq!(splice(&once, "Default", BLOCK).unwrap(), once, "{text:?}");
        }
    }

    #[test]
    fn replaces_in_place_and_keeps_the_rest() {
        let old = "a\n# BEGIN_AWS_SSO_CLI \r\nold\n# END_AWS_SSO_CLI\t\nb";
        assert_eq!(
            splice(old, "Default", BLOCK).unwrap(),
            format!("a\n{BLOCK}b")
        );
    }

    #[test]
    fn line_endings_follow_the_majority_outside_the_block() {
        let lf_block = "# BEGIN_AWS_SSO_CLI\r\n1\r\n2\r\n3\r\n# END_AWS_SSO_CLI\r\n";
        // The old block's own CRLF lines do not count; the one LF line outside wins.
        let out = splice(&format!("x\n{lf_block}"), "Default", BLOCK).unwrap();
        assert_eq!(out, format!("x\n{BLOCK}"));
        let out = splice("x\r\ny\r\nz\n", "Default", BLOCK).unwrap();
        assert_eq!(out, format!("x\r\ny\r\nz\n{}", BLOCK.replace('\n', "\r\n")));
        // A tie is LF.
        let out = splice("x\r\nz\n", "Default", BLOCK).unwrap();
        assert_eq!(out, format!("x\r\nz\n{BLOCK}"));
    }

    #[test]
    fn other_instances_markers_are_not_ours() {
        let prod = "# BEGIN_AWS_SSO_CLI_Prod\n[profile q]\n# END_AWS_SSO_CLI_Prod\n";
        assert_eq!(
            splice(prod, "Default", BLOCK).unwrap(),
            format!("{prod}{BLOCK}")
        );
        let prod_block = BLOCK
            .replace("CLI\n", "CLI_Prod\n")
            .replace("[profile p]", "[profile r]");
        let both = format!("{BLOCK}{prod}");
        assert_eq!(
            splice(&both, "Prod", &prod_block).unwrap(),
            format!("{BLOCK}{prod_block}")
        );
        // `Prod2` is a different instance even though `Prod` is a prefix of it.
        let prod2 = "# BEGIN_AWS_SSO_CLI_Prod2\n# END_AWS_SSO_CLI_Prod2\n";
        assert_eq!(
            splice(prod2, "Prod", &prod_block).unwrap(),
            format!("{prod2}{prod_block}")
        );
    }

    #[test]
    fn refuses_broken_or_ambiguous_blocks() {
        let err = |text: &str| splice(text, "Default", BLOCK).unwrap_err();
        assert!(matches!(
            err("a\n# BEGIN_AWS_SSO_CLI\nb\n"),
            BlockError::Unterminated { line: 2, .. }
        ));
        assert!(matches!(
            err(
                "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n\n# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n"
            ),
            BlockError::DuplicateBegin {
                first: 1,
                second: 4,
                ..
            }
        ));
        assert!(matches!(
            err("x\n# END_AWS_SSO_CLI\n"),
            BlockError::EndWithoutBegin { line: 2, .. }
        ));
        assert!(matches!(
            err("# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n"),
            BlockError::EndWithoutBegin { line: 3, .. }
        ));
        assert!(matches!(
            err(
                "# BEGIN_AWS_SSO_CLI\n# BEGIN_AWS_SSO_CLI_Prod\n# END_AWS_SSO_CLI_Prod\n# END_AWS_SSO_CLI\n"
            ),
            BlockError::ForeignMarkerInside {
                line: 2,
                begin_line: 1,
                end_line: 4,
                ..
            }
        ));
        assert_eq!(
            err("[default]\n  [profile p] ; mine\n"),
            BlockError::SectionConflict {
                line: 2,
                section: "profile p".to_owned()
            }
        );
    }

    #[test]
    fn error_messages_name_the_line_and_the_fix() {
        let e = splice("# BEGIN_AWS_SSO_CLI\n", "Default", BLOCK).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1 has `# BEGIN_AWS_SSO_CLI` but no `# END_AWS_SSO_CLI` follows it; add `# END_AWS_SSO_CLI` after line 1 or delete the partial block"
        );
    }

    #[test]
    fn refuses_a_block_that_is_not_ours() {
        for block in [
            "",
            "# BEGIN_AWS_SSO_CLI_Prod\n# END_AWS_SSO_CLI_Prod\n",
            "# BEGIN_AWS_SSO_CLI\n",
            "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI_Prod\n# END_AWS_SSO_CLI\n",
            "# BEGIN_AWS_SSO_CLI\nx\ry\n# END_AWS_SSO_CLI\n",
        ] {
            assert!(
                matches!(
                    splice("", "Default", block),
                    Err(BlockError::MalformedBlock { .. })
                ),
                "{block:?}"
            );
        }
        // A block without its final newline is accepted and completed.
        assert_eq!(splice("", "Default", BLOCK.trim_end()).unwrap(), BLOCK);
    }

    #[test]
    fn section_names_as_configparser_reads_them() {
        assert_eq!(section_name("[profile x]"), Some("profile x"));
        assert_eq!(section_name("  [profile x] # c\t"), Some("profile x"));
        assert_eq!(section_name("[a]b]"), Some("a]b"));
        assert_eq!(section_name("[]"), None);
        assert_eq!(section_name("# [profile x]"), None);
        assert_eq!(section_name("[profile x"), None);
    }
}
