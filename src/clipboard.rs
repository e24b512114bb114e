//! Copies from the picker. On X11/Wayland the clipboard lives in the process that owns it,
//! and the picker exits right after a copy more often than not, so the text is handed to a
//! small detached helper (`aws-sso __clipboard`, hidden) that owns the selection until
//! another program takes it or the time the caller gave passes (then the text is gone from
//! the clipboard: secrets are kept briefly). Without a display the caller gets an
//! OSC 52 sequence to write to its terminal. The text (credentials, sign-in URLs) is never
//! logged and never appears in an error.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::urlaction::clip;

/// How long the helper serves a copy nobody replaces, at most.
pub const HOLD: Duration = Duration::from_secs(600);

/// How the caller tells the helper how long to keep the text (whole seconds).
const KEEP_VAR: &str = "AWS_SSO_CLIPBOARD_KEEP_SECS";

/// How the text reached the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    System,
    /// No display: write this to the terminal (OSC 52).
    Osc52(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    #[error("the clipboard helper could not start: {0}")]
    Spawn(String),
    #[error("the clipboard did not take the text: {0}")]
    Refused(String),
}

/// Put `text` on the clipboard for `keep` (at most [`HOLD`]), or say how to, with OSC 52.
pub fn copy(text: &str, keep: Duration) -> Result<Copied, ClipboardError> {
    if clip::display_reason().is_some() {
        return Ok(Copied::Osc52(clip::osc52_sequence(text)));
    }
    let exe = std::env::current_exe().map_err(|e| ClipboardError::Spawn(e.to_string()))?;
    let mut cmd = Command::new(exe);
    cmd.arg("__clipboard")
        .env(KEEP_VAR, keep.min(HOLD).as_secs().max(1).to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        // Its own process group: a Ctrl-C in the terminal must not take the copy with it.
        use std::os::unix::process::CommandExt as _;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| ClipboardError::Spawn(e.to_string()))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| ClipboardError::Spawn("no stdin".into()))?;
    stdin
        .write_all(text.as_bytes())
        .map_err(|e| ClipboardError::Spawn(e.to_string()))?;
    drop(stdin);
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| ClipboardError::Spawn("no stdout".into()))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    // The helper answers `ok` once it owns the selection (so a paste works at once), or why not.
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(line) if line.trim() == "ok" => {
            // Reap it in the background when it is done serving.
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            Ok(Copied::System)
        }
        Ok(line) => {
            let _ = child.wait();
            Err(ClipboardError::Refused(if line.trim().is_empty() {
                "no answer".into()
            } else {
                line.trim().into()
            }))
        }
        Err(_) => {
            let _ = child.kill();
            Err(ClipboardError::Refused("timed out".into()))
        }
    }
}

/// The helper's side: read the text from `input`, take the clipboard, say `ok` on `out`,
/// then serve until replaced or the time the caller asked for (at most [`HOLD`]) passes.
pub fn serve(input: &mut dyn Read, out: &mut dyn Write) -> std::io::Result<()> {
    let mut text = String::new();
    input.read_to_string(&mut text)?;
    let keep = std::env::var(KEEP_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(HOLD, |secs| Duration::from_secs(secs).min(HOLD));
    match clip::copy_for(&text, keep) {
        Ok(hold) => {
            writeln!(out, "ok")?;
            out.flush()?;
            hold.wait();
        }
        Err(e) => {
            writeln!(out, "{e}")?;
            out.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_base64_encoded() {
        assert_eq!(
            clip::osc52_sequence("hi there"),
            "\u{1b}]52;c;aGkgdGhlcmU=\u{7}"
        );
    }
}
