//! The picker's terminal: drawn on `/dev/tty` (not stdout, which `eval "$(aws-sso eval)"`
//! captures), raw mode, the alternate screen, mouse and bracketed paste. The terminal is put
//! back however the picker ends: on drop, from a panic hook, and around Ctrl-Z.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::sync::Once;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type TtyTerminal = Terminal<CrosstermBackend<File>>;

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
}

impl Tty {
    pub fn open() -> io::Result<Tty> {
        install_panic_hook();
        let tty = open_tty()?;
        enter(&mut tty.try_clone()?)?;
        let terminal = Terminal::new(CrosstermBackend::new(tty.try_clone()?))?;
        Ok(Tty { terminal, tty })
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
