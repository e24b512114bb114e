//! Merging stanzas into the text of an existing credentials file.
//!
//! The file is cut into a preamble (lines before the first header) and sections (a header
//! line through the line before the next header). A header is a line that, trimmed, starts
//! with `[` and ends with `]`; its name is what lies between, trimmed (so `[ name ]` counts).
//!
//! * A section named like a stanza is replaced in place. Its trailing blank and comment lines
//!   stay: they usually introduce the next section (aws-sso's own blank separator is one).
//! * A later section with the same name is dropped the same way (trailing lines stay).
//!   botocore refuses a file with duplicate sections and other SDKs let the last one win,
//!   so leaving a stale duplicate would either break the file or shadow the fresh values.
//! * Stanzas whose profile is not in the file are appended in aws-sso-cli's layout: a blank
//!   line before each and one after the last (so a new file reads exactly like
//!   `credentials` on stdout, and merging the same profiles again changes nothing).
//! * If a profile appears twice in `stanzas`, the last values win.
//!
//! Every other byte (preamble, other sections, comments, spacing, CRLF, a missing final
//! newline) is kept. Inserted lines use the file's line ending, judged by its first line.

use super::Stanza;

/// Merge into an existing credentials file's text; see the module docs for the rules.
/// Callers check each stanza with [`Stanza::check`] first (`write_merged` does).
pub fn merge(existing: &str, stanzas: &[Stanza]) -> String {
    let eol = match existing.find('\n') {
        Some(i) if existing[..i].ends_with('\r') => "\r\n",
        // One unterminated line ending in `\r` (a CRLF cut short) becomes a CRLF line when
        // its `\n` is added below, so it already sets the file's line ending: judged as LF,
        // the next merge would see CRLF and rewrite every line it inserted.
        None if existing.ends_with('\r') => "\r\n",
        _ => "\n",
    };
    let wanted = dedup(stanzas);
    let mut written = vec![false; wanted.len()];
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();

    let mut out = String::with_capacity(existing.len() + 256 * wanted.len());
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = header_name(lines[i]) else {
            out.push_str(lines[i]);
            i += 1;
            continue;
        };
        let end = (i + 1..lines.len())
            .find(|&j| header_name(lines[j]).is_some())
            .unwrap_or(lines.len());
        match wanted.iter().position(|s| s.profile == name) {
            None => lines[i..end].iter().for_each(|line| out.push_str(line)),
            Some(k) => {
                if !written[k] {
                    written[k] = true;
                    wanted[k].write_lines(eol, &mut out);
                } else {
                    tracing::debug!(profile = name, "dropping a duplicate credentials section");
                }
                let body_end = (i + 1..end)
                    .rev()
                    .find(|&j| !is_blank_or_comment(lines[j]))
                    .map_or(i + 1, |j| j + 1);
                lines[body_end..end]
                    .iter()
                    .for_each(|line| out.push_str(line));
            }
        }
        i = end;
    }

    let mut first_appended = true;
    for (stanza, _) in wanted.iter().zip(&written).filter(|(_, done)| !**done) {
        if first_appended {
            if !out.is_empty() && !out.ends_with('\n') {
                // A last line ending in `\r` only lacks the `\n` of its CRLF.
                out.push_str(if out.ends_with('\r') { "\n" } else { eol });
            }
            if out.is_empty() || !last_line_is_blank(&out) {
                out.push_str(eol);
            }
            first_appended = false;
        } else {
            out.push_str(eol);
        }
        stanza.write_lines(eol, &mut out);
    }
    if !first_appended {
        out.push_str(eol);
    }
    out
}

/// One stanza per profile, at the first position with the last values.
fn dedup(stanzas: &[Stanza]) -> Vec<&Stanza> {
    let mut wanted: Vec<&Stanza> = Vec::with_capacity(stanzas.len());
    for stanza in stanzas {
        match wanted.iter().position(|w| w.profile == stanza.profile) {
            Some(k) => wanted[k] = stanza,
            None => wanted.push(stanza),
        }
    }
    wanted
}

/// The line without its line ending.
fn content(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// The section name if `line` is a header.
fn header_name(line: &str) -> Option<&str> {
    let trimmed = content(line).trim();
    trimmed.strip_prefix('[')?.strip_suffix(']').map(str::trim)
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = content(line).trim();
    trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';')
}

/// Whether the text (which ends with a newline) ends with a blank line.
fn last_line_is_blank(text: &str) -> bool {
    let body = content(text);
    let last = body.rfind('\n').map_or(body, |i| &body[i + 1..]);
    body.is_empty() || last.trim().is_empty()
}
