//! Ctrl-Z for the picker. In raw mode the terminal sends no SIGTSTP, so the picker stops its
//! job itself, the way the terminal would: SIGTSTP to its whole process group (stopping this
//! process alone would leave a calling script running and its shell waiting for nothing).
//!
//! The kernel discards that signal when no shell could resume the job: `eval "$(aws-sso eval)"`
//! runs the picker in the shell's own process group while the shell waits for its stdout, so
//! there is no job to `fg`. A stop that worked is followed by SIGCONT; when none comes, the
//! picker starts a shell on the terminal instead (as vi does without job control), and
//! leaving that shell returns to the picker.

use std::fs::File;
use std::io::{self, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How the terminal came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspended {
    /// The job was stopped and resumed (`fg`).
    Resumed,
    /// No job control: a shell ran on the terminal and has exited.
    ShellExited,
}

/// Set by every SIGCONT.
fn continued() -> io::Result<&'static Arc<AtomicBool>> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    if let Some(flag) = FLAG.get() {
        return Ok(flag);
    }
    let flag = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGCONT, Arc::clone(&flag))?;
    Ok(FLAG.get_or_init(|| flag))
}

/// Stop the job until `fg`, or (no job control) run a shell on `tty` until it exits. The
/// terminal must already be out of raw mode and off the alternate screen.
pub fn suspend(tty: &File) -> io::Result<Suspended> {
    let flag = continued()?;
    flag.store(false, Ordering::SeqCst);
    rustix::process::kill_current_process_group(rustix::process::Signal::TSTP)?;
    // A stop that happened ends with SIGCONT, whose handler may run on another thread a moment
    // after this one resumes; a stop the kernel discarded never gets one.
    let deadline = Instant::now() + Duration::from_millis(100);
    while Instant::now() < deadline {
        if flag.load(Ordering::SeqCst) {
            return Ok(Suspended::Resumed);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    subshell(tty)?;
    Ok(Suspended::ShellExited)
}

/// `$SHELL` (else `/bin/sh`) on the terminal, never on our stdout (that is what `eval` reads).
fn subshell(tty: &File) -> io::Result<()> {
    let shell = std::env::var_os("SHELL")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/bin/sh".into());
    let mut out = tty.try_clone()?;
    write!(
        out,
        "aws-sso: no `fg` inside $(…), so this is a new shell; `exit` returns to the picker.\r\n"
    )?;
    out.flush()?;
    let status = Command::new(&shell)
        .stdin(Stdio::from(tty.try_clone()?))
        .stdout(Stdio::from(tty.try_clone()?))
        .stderr(Stdio::from(tty.try_clone()?))
        .status();
    if let Err(e) = status {
        write!(
            out,
            "aws-sso: cannot start {}: {e}\r\n",
            std::path::Path::new(&shell).display()
        )?;
    }
    Ok(())
}
