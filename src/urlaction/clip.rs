//! The `clip` action (system clipboard through arboard) and the OSC 52 terminal escape used by
//! `ansi-osc52` and as the fallback when there is no display.

use std::io::Write;
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine as _;

use super::UrlActionError;

/// How long a copied URL keeps being served when nothing else takes the clipboard. On X11 the
/// clipboard lives in the owning process, so the owner must stay alive until someone pastes.
pub const CLIPBOARD_HOLD: Duration = Duration::from_secs(60);

/// The OSC 52 "set clipboard" sequence for `text`: `ESC ] 52 ; c ; base64(text) BEL`.
pub fn osc52_sequence(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

pub(super) fn write_osc52(url: &str, stderr: &mut dyn Write) -> Result<(), UrlActionError> {
    stderr
        .write_all(osc52_sequence(url).as_bytes())
        .and_then(|()| stderr.flush())
        .map_err(UrlActionError::Write)
}

/// Keeps serving a copied URL from a background thread until [`CLIPBOARD_HOLD`] has passed or
/// another application takes the clipboard. Dropping it leaves the thread running (it ends with
/// the process); a front-end about to exit calls [`ClipboardHold::wait`] first so the user can
/// still paste.
#[derive(Debug)]
pub struct ClipboardHold {
    server: Option<JoinHandle<()>>,
}

impl ClipboardHold {
    /// Blocks until the clipboard is no longer ours or the hold time is over.
    pub fn wait(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }

    /// Whether the URL is still being served.
    pub fn is_serving(&self) -> bool {
        self.server.as_ref().is_some_and(|s| !s.is_finished())
    }
}

/// Whether an X11 or Wayland display can be reached; without one arboard would only fail
/// (after a connection timeout), so we go straight to OSC 52.
#[cfg(all(unix, not(target_os = "macos")))]
pub(crate) fn display_reason() -> Option<&'static str> {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        None
    } else {
        Some("no $DISPLAY or $WAYLAND_DISPLAY")
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
pub(crate) fn display_reason() -> Option<&'static str> {
    None
}

/// Puts `url` on the system clipboard. Errors are arboard's message (never the URL).
pub(super) fn copy(url: &str) -> Result<ClipboardHold, String> {
    copy_for(url, CLIPBOARD_HOLD)
}

/// [`copy`], serving for up to `hold`.
pub(crate) fn copy_for(url: &str, hold: Duration) -> Result<ClipboardHold, String> {
    let mut clipboard = arboard::Clipboard::new().map_err(|e| e.to_string())?;
    set(&mut clipboard, url, None).map_err(|e| e.to_string())?;
    let url = url.to_owned();
    let server = std::thread::Builder::new()
        .name("urlaction-clipboard".into())
        .spawn(move || {
            let deadline = std::time::Instant::now() + hold;
            // Re-asserting ownership and waiting keeps the selection alive for readers.
            if let Err(e) = set(&mut clipboard, &url, Some(deadline)) {
                tracing::debug!(error = %e, "clipboard: stopped serving");
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(ClipboardHold {
        server: Some(server),
    })
}

#[cfg(all(unix, not(target_os = "macos")))]
fn set(
    clipboard: &mut arboard::Clipboard,
    url: &str,
    wait_until: Option<std::time::Instant>,
) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux as _;
    // Console URLs carry a sign-in token: keep them out of clipboard-manager histories.
    let set = clipboard.set().exclude_from_history();
    match wait_until {
        Some(deadline) => set.wait_until(deadline).text(url),
        None => set.text(url),
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn set(
    clipboard: &mut arboard::Clipboard,
    url: &str,
    wait_until: Option<std::time::Instant>,
) -> Result<(), arboard::Error> {
    // macOS and Windows keep clipboard contents after the owner exits: nothing to serve.
    match wait_until {
        Some(_) => Ok(()),
        None => clipboard.set_text(url),
    }
}
