//! Logging setup (front-end): tracing to stderr in aws-sso-cli's `LEVEL message` style, colour
//! only when stderr is a terminal. The level can be changed once the config is read.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;

use crate::display;
use tracing_subscriber::{
    EnvFilter, Registry, layer::SubscriberExt, reload, util::SubscriberInitExt,
};

/// Lets the caller switch the log level after config.yaml is loaded.
pub struct LogHandle {
    reload: Option<reload::Handle<EnvFilter, Registry>>,
}

impl LogHandle {
    /// Switch to `level` (error|warn|info|debug|trace).
    pub fn set_level(&self, level: &str) {
        if let Some(handle) = &self.reload {
            let _ = handle.modify(|f| *f = filter_for(level));
        }
    }
}

fn filter_for(level: &str) -> EnvFilter {
    EnvFilter::new(format!("{},aws_sso={level}", deps_level(level)))
}

/// Dependencies (hyper, rustls, the AWS SDK…) speak only when asked to: their warnings are
/// about their own plumbing (a missing `$AWS_CONFIG_FILE`, a retried connection), not about
/// anything a person asked aws-sso to do, so they show from `debug` on; `trace` adds their
/// debug output, which is noisy and may echo request details. Their errors always show.
fn deps_level(level: &str) -> &'static str {
    match level {
        "trace" => "debug",
        "debug" => "warn",
        _ => "error",
    }
}

/// Install the global subscriber. Safe to call more than once (later calls are no-ops).
pub fn init(level: &str, lines: bool) -> LogHandle {
    let (filter, handle) = reload::Layer::new(filter_for(level));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(|| LogWriter)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .with_target(false)
        .with_file(lines)
        .with_line_number(lines);
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .try_init()
        .is_ok();
    LogHandle {
        reload: installed.then_some(handle),
    }
}

/// While the picker owns the terminal, log lines are kept here instead of drawn over it.
static HELD: Mutex<Option<Vec<u8>>> = Mutex::new(None);

/// stderr, or the held buffer while a [`Hold`] is alive.
struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let line = sanitize(buf);
        let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
        match held.as_mut() {
            Some(buffer) => buffer.extend_from_slice(&line),
            None => io::stderr().write_all(&line)?,
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

/// One formatted event as it may reach the terminal: on one line, its values' control and
/// bidi characters escaped ([`crate::display`]). tracing already escapes ESC in messages
/// (as `\x1b`), so an ESC still here is one of its own colour codes and is kept.
fn sanitize(buf: &[u8]) -> Cow<'_, [u8]> {
    let Ok(text) = std::str::from_utf8(buf) else {
        return Cow::Borrowed(buf);
    };
    let (body, end) = match text.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (text, ""),
    };
    if !body
        .chars()
        .any(|c| c != '\x1b' && display::needs_escape(c))
    {
        return Cow::Borrowed(buf);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in body.chars() {
        if c == '\x1b' {
            out.push(c);
        } else {
            display::push_char(&mut out, c);
        }
    }
    out.push_str(end);
    Cow::Owned(out.into_bytes())
}

/// Keeps log output back until dropped, then writes it to stderr in order.
pub struct Hold(());

/// Hold log lines (a full-screen UI is up).
pub fn hold() -> Hold {
    *HELD.lock().unwrap_or_else(|p| p.into_inner()) = Some(Vec::new());
    Hold(())
}

impl Drop for Hold {
    fn drop(&mut self) {
        let held = HELD.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(lines) = held {
            let _ = io::stderr().write_all(&lines);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_stay_quiet_below_debug() {
        assert_eq!(deps_level("error"), "error");
        assert_eq!(deps_level("info"), "error");
        assert_eq!(deps_level("debug"), "warn");
        assert_eq!(deps_level("trace"), "debug");
    }

    #[test]
    fn a_log_line_keeps_its_colours_and_one_line_break_only() {
        let clean = b"\x1b[33m WARN\x1b[0m cache has expired\n";
        assert!(matches!(sanitize(clean), Cow::Borrowed(_)));
        assert_eq!(
            &*sanitize(b"\x1b[33m WARN\x1b[0m role a\rb\nc\x07 \xe2\x80\xae\n"),
            b"\x1b[33m WARN\x1b[0m role a\\rb\\nc\\x07 \\u{202e}\n"
        );
    }
}
