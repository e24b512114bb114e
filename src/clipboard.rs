//! The one way aws-sso keeps a copy on the clipboard. On X11/Wayland the clipboard lives in
//! the process that owns it, so a copy must be served until someone pastes it: [`hold`]
//! serves it from a background thread of this process (for `--url-action clip`, which waits
//! on it), and [`copy`] hands the text to a small detached helper (`aws-sso __clipboard`,
//! hidden) that runs the same [`hold`], so the caller (the picker) can exit at once. Either
//! way the copy is served until another program takes the clipboard or its time is up.
//! macOS and Windows keep clipboard contents after the owner exits: nothing to serve there.
//! Without a display the caller gets an OSC 52 sequence to write to its terminal instead.
//! The text (credentials, sign-in URLs) is never logged and never appears in an error.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine as _;

/// How long a copy is served when the caller names no time.
pub const HOLD: Duration = Duration::from_secs(600);

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
    Spawn(#[source] io::Error),
    /// The helper's answer: why its clipboard did not take the text.
    #[error("the clipboard did not take the text: {0}")]
    Refused(String),
    #[error("{0}")]
    Unavailable(#[source] arboard::Error),
    #[error("cannot start the clipboard thread: {0}")]
    Thread(#[source] io::Error),
}

/// Put `text` on the clipboard and keep it there for `keep_for` (default [`HOLD`]), or
/// until another program takes the clipboard, from a detached helper process; without a
/// display, the OSC 52 sequence to write to the terminal.
pub fn copy(text: &str, keep_for: Option<Duration>) -> Result<Copied, ClipboardError> {
    if display_reason().is_some() {
        return Ok(Copied::Osc52(osc52_sequence(text)));
    }
    let exe = std::env::current_exe().map_err(ClipboardError::Spawn)?;
    let mut cmd = Command::new(exe);
    cmd.arg("__clipboard")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        // Its own process group: a Ctrl-C in the terminal must not take the copy with it.
        use std::os::unix::process::CommandExt as _;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(ClipboardError::Spawn)?;
    let piped = |what| ClipboardError::Spawn(io::Error::other(what));
    let mut stdin = child.stdin.take().ok_or_else(|| piped("no stdin"))?;
    // The request: the seconds to serve on the first line, then the text.
    let secs = keep_for.unwrap_or(HOLD).as_secs().max(1);
    stdin
        .write_all(format!("{secs}\n{text}").as_bytes())
        .map_err(ClipboardError::Spawn)?;
    drop(stdin);
    let stdout = child.stdout.take().ok_or_else(|| piped("no stdout"))?;
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

/// The helper's side: read the request from `input` (seconds to serve on the first line,
/// then the text), take the clipboard, say `ok` on `out`, then serve until replaced or the
/// time has passed.
pub fn serve(input: &mut dyn Read, out: &mut dyn Write) -> io::Result<()> {
    let mut request = String::new();
    input.read_to_string(&mut request)?;
    let (secs, text) = request.split_once('\n').unwrap_or(("", &request));
    let keep_for = secs.parse().map(Duration::from_secs).unwrap_or(HOLD);
    match hold(text, keep_for) {
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

/// Keeps serving a copy from a background thread until its time has passed or another
/// application takes the clipboard. Dropping it leaves the thread running (it ends with the
/// process); a front-end about to exit calls [`Hold::wait`] first so the user can still
/// paste.
#[derive(Debug)]
pub struct Hold {
    server: Option<JoinHandle<()>>,
}

impl Hold {
    /// Blocks until the clipboard is no longer ours or the hold time is over.
    pub fn wait(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }

    /// Whether the copy is still being served.
    pub fn is_serving(&self) -> bool {
        self.server.as_ref().is_some_and(|s| !s.is_finished())
    }
}

/// Put `text` on the system clipboard and serve it from this process for up to `keep_for`.
pub fn hold(text: &str, keep_for: Duration) -> Result<Hold, ClipboardError> {
    let mut clipboard = arboard::Clipboard::new().map_err(ClipboardError::Unavailable)?;
    set(&mut clipboard, text, None).map_err(ClipboardError::Unavailable)?;
    let text = text.to_owned();
    let server = std::thread::Builder::new()
        .name("clipboard".into())
        .spawn(move || {
            let deadline = Instant::now() + keep_for;
            // Re-asserting ownership and waiting keeps the selection alive for readers.
            if let Err(e) = set(&mut clipboard, &text, Some(deadline)) {
                tracing::debug!(error = %e, "clipboard: stopped serving");
            }
        })
        .map_err(ClipboardError::Thread)?;
    Ok(Hold {
        server: Some(server),
    })
}

/// The OSC 52 "set clipboard" sequence for `text`: `ESC ] 52 ; c ; base64(text) BEL`.
pub fn osc52_sequence(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// Why no X11 or Wayland display can be reached, if it can't; without one arboard would
/// only fail (after a connection timeout), so callers go straight to OSC 52.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn display_reason() -> Option<&'static str> {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        None
    } else {
        Some("no $DISPLAY or $WAYLAND_DISPLAY")
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn display_reason() -> Option<&'static str> {
    None
}

#[cfg(all(unix, not(target_os = "macos")))]
fn set(
    clipboard: &mut arboard::Clipboard,
    text: &str,
    wait_until: Option<Instant>,
) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux as _;
    // Copies carry credentials and sign-in tokens: keep them out of clipboard-manager
    // histories.
    let set = clipboard.set().exclude_from_history();
    match wait_until {
        Some(deadline) => set.wait_until(deadline).text(text),
        None => set.text(text),
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn set(
    clipboard: &mut arboard::Clipboard,
    text: &str,
    wait_until: Option<Instant>,
) -> Result<(), arboard::Error> {
    // macOS and Windows keep clipboard contents after the owner exits: nothing to serve.
    match wait_until {
        Some(_) => Ok(()),
        None => clipboard.set_text(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_base64_encoded() {
        assert_eq!(osc52_sequence("hi there"), "\u{1b}]52;c;aGkgdGhlcmU=\u{7}");
    }
}
