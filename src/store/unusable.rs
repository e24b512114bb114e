//! The error auto-pick gives when no secure store works: three short lines (what was tried,
//! the gist of why each store failed, the fix) instead of every store's full message, which
//! quotes the platform's own error text and ran to 700 characters. The full reasons are in
//! the debug log.

/// Longest line of the "no usable store" error. Each store's full reason (with the
/// platform's own error text) is in the debug log; the error itself must stay readable.
const REPORT_WIDTH: usize = 118;

/// Three short lines: which stores were tried, the gist of why each failed, the fix.
pub(super) fn no_store_message(reasons: &[(&str, String)], advice: &str) -> String {
    let names: Vec<&str> = reasons.iter().map(|(kind, _)| *kind).collect();
    let line = |gists: &[String]| -> String {
        let parts: Vec<String> = names
            .iter()
            .zip(gists)
            .map(|(kind, why)| format!("{kind}: {why}"))
            .collect();
        format!("  {}", parts.join("; "))
    };
    let fits = |gists: &[String]| line(gists).chars().count() <= REPORT_WIDTH;
    let mut gists: Vec<String> = reasons
        .iter()
        .map(|(kind, msg)| gist(kind, msg, true))
        .collect();
    // Too long: drop the parenthesised details, the last store's first (the first store
    // tried is the one most people expect to work, its detail matters most)...
    for (i, (kind, msg)) in reasons.iter().enumerate().rev() {
        if fits(&gists) {
            break;
        }
        gists[i] = gist(kind, msg, false);
    }
    // ...then shorten the longest reason a word at a time.
    while !fits(&gists) {
        let Some(longest) = gists.iter_mut().max_by_key(|g| g.chars().count()) else {
            break;
        };
        let trimmed = longest.trim_end_matches('…');
        match trimmed.rsplit_once(' ') {
            Some((head, _)) if !head.is_empty() => *longest = format!("{head}…"),
            _ => break,
        }
    }
    format!(
        "{} tried (details with --level debug)\n{}\n  fix: {advice}",
        names.join(", "),
        line(&gists)
    )
}

/// What happened, without the store's name, the platform's raw error text (a parenthesis
/// holding a `:` or a long text; with `!details`, every parenthesis) or the advice after
/// the first `: `.
fn gist(kind: &str, msg: &str, details: bool) -> String {
    let msg = msg
        .strip_prefix(kind)
        .map(|rest| {
            rest.trim_start_matches(" secure store")
                .trim_start_matches(": ")
        })
        .unwrap_or(msg);
    let mut out = String::new();
    let mut group = String::new();
    let mut depth = 0usize;
    for c in msg.chars() {
        match c {
            '(' => {
                depth += 1;
                group.push(c);
            }
            ')' if depth > 0 => {
                depth -= 1;
                group.push(c);
                if depth == 0 {
                    let inner = &group[1..group.len() - 1];
                    if details && !inner.contains(':') && inner.chars().count() <= 40 {
                        out.push_str(&group);
                    }
                    group.clear();
                }
            }
            _ if depth > 0 => group.push(c),
            _ => out.push(c),
        }
    }
    let head = out.split(": ").next().unwrap_or_default();
    let head = head.split("; ").next().unwrap_or_default();
    head.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_store_error_is_three_short_lines() {
        let dbus = "Secret Service not reachable (DBUS_SESSION_BUS_ADDRESS unset) (zbus error: Failed to connect to address `unix:path=/run/user/0/bus`: No such file or directory (os error 2)): install and unlock gnome-keyring, or choose SecureStore: file with AWS_SSO_FILE_PASSWORD";
        let keyutils = "the kernel keyring refused access (AccessDenied): there is no usable session keyring (containers, sudo, cron); run aws-sso under `keyctl session` or choose SecureStore: file";
        let reasons = [
            (
                "secret-service",
                format!("secret-service secure store: {dbus}"),
            ),
            ("keyutils", format!("keyutils secure store: {keyutils}")),
            (
                "file",
                "no password (no AWS_SSO_FILE_PASSWORD, no terminal)".to_string(),
            ),
        ];
        let msg = no_store_message(&reasons, "set SecureStore: file");
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines.len(), 3, "{msg}");
        assert!(
            lines.iter().all(|l| l.chars().count() <= REPORT_WIDTH),
            "{msg}"
        );
        assert_eq!(
            lines[0],
            "secret-service, keyutils, file tried (details with --level debug)"
        );
        assert_eq!(
            lines[1],
            "  secret-service: Secret Service not reachable; keyutils: the kernel keyring refused access; file: no password"
        );
        assert!(!msg.contains("zbus"), "{msg}");
        assert_eq!(lines[2], "  fix: set SecureStore: file");
        assert_eq!(
            gist(
                "secret-service",
                &format!("secret-service secure store: {dbus}"),
                true
            ),
            "Secret Service not reachable (DBUS_SESSION_BUS_ADDRESS unset)"
        );
        // With fewer stores there is room for the first one's detail.
        let msg = no_store_message(&reasons[..1], "x");
        assert!(msg.contains("(DBUS_SESSION_BUS_ADDRESS unset)"), "{msg}");
    }
}
