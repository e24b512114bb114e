//! The picker's terminal: drawn on `/dev/tty` (not stdout, which `eval "$(aws-sso eval)"`
//! captures), raw mode, the alternate screen, mouse and bracketed paste. The terminal is put
//! back however the picker ends: on drop, from a panic hook, and around Ctrl-Z.
//!
//! Output goes through one buffer that holds a whole frame and is flushed once per draw:
//! written straight to the file, every escape sequence and cell was its own `write()` (about
//! 2,000 per frame), and over SSH each can become a packet.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::{Frame, Terminal};

pub type TtyTerminal = Terminal<CrosstermBackend<TtyOut>>;

/// Room for a full 200x50 frame even with a style change on most cells (a full frame of the
/// picker in colour is about 14 KB), so a frame leaves in one `write()`.
const FRAME_BUFFER: usize = 256 * 1024;

/// The terminal's output: buffered, flushed by every `flush()` except those ratatui makes in
/// the middle of a draw (after the diff and after moving the cursor), which [`Tty::draw`]
/// holds back so the whole frame goes out at its end.
pub struct TtyOut {
    out: BufWriter<File>,
    /// Shared with [`Tty`] (ratatui lends out its backend's writer only as an unstable API).
    hold: Arc<AtomicBool>,
}

impl TtyOut {
    fn new(tty: File, hold: Arc<AtomicBool>) -> TtyOut {
        TtyOut {
            out: BufWriter::with_capacity(FRAME_BUFFER, tty),
            hold,
        }
    }
}

impl Write for TtyOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.hold.load(Ordering::Relaxed) {
            return Ok(());
        }
        self.out.flush()
    }
}

/// Whether a picker can be shown: there is a controlling terminal to draw on.
pub fn available() -> bool {
    open_tty().is_ok()
}

fn open_tty() -> io::Result<File> {
    OpenOptions::new().read(true).write(true).open("/dev/tty")
}

/// The raw-mode, alternate-screen terminal; restored when dropped.
pub struct Tty {
    pub terminal: TtyTerminal,
    /// The terminal device itself, for a shell started on Ctrl-Z.
    #[cfg_attr(not(unix), allow(dead_code))]
    tty: File,
    hold: Arc<AtomicBool>,
}

impl Tty {
    pub fn open() -> io::Result<Tty> {
        install_panic_hook();
        let hold = Arc::new(AtomicBool::new(false));
        let tty = open_tty()?;
        let mut out = TtyOut::new(tty.try_clone()?, Arc::clone(&hold));
        enter(&mut out)?;
        let terminal = Terminal::new(CrosstermBackend::new(out))?;
        Ok(Tty {
            terminal,
            tty,
            hold,
        })
    }

    /// Draw a frame (only the cells that changed since the last one) and send it to the
    /// terminal in one go.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame<'_>)) -> io::Result<()> {
        self.hold.store(true, Ordering::Relaxed);
        let drawn = self.terminal.draw(render).map(drop);
        self.hold.store(false, Ordering::Relaxed);
        // Flush what was drawn even when the draw failed half way.
        let flushed = self.terminal.backend_mut().flush();
        drawn.and(flushed)
    }

    /// Write raw bytes (an OSC 52 clipboard sequence) to the terminal.
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(bytes)?;
        out.flush()
    }

    /// Ctrl-Z: give the terminal back, stop like any job, and take it again on `fg`.
    pub fn suspend(&mut self) -> io::Result<()> {
        leave(self.terminal.backend_mut())?;
        #[cfg(unix)]
        super::suspend::suspend(&self.tty)?;
        self.resume()
    }

    /// Take the terminal again (after a stop, whoever stopped us) and draw everything anew.
    pub fn resume(&mut self) -> io::Result<()> {
        enter(self.terminal.backend_mut())?;
        // Not `Terminal::clear`: that asks the terminal for the cursor position, writing the
        // query to stdout, which `eval "$(aws-sso eval)"` would run.
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        // A panic inside a draw must not keep the way out of the alternate screen buffered.
        self.hold.store(false, Ordering::Relaxed);
        let _ = leave(self.terminal.backend_mut());
    }
}

fn enter(out: &mut impl Write) -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Show
    )
}

fn leave(out: &mut impl Write) -> io::Result<()> {
    let raw = terminal::disable_raw_mode();
    execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    )?;
    raw
}

/// A panic while the picker is up must not leave the shell in raw mode on the alternate
/// screen: restore first, then let the usual hook print the message where it can be read.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(mut tty) = open_tty() {
                let _ = leave(&mut tty);
            }
            previous(info);
        }));
    });
}
