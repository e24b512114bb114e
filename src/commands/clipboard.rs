//! The hidden `aws-sso __clipboard`: the detached helper [`crate::clipboard::copy`] starts
//! to keep a copy on the X11/Wayland clipboard after the picker has exited. It takes no
//! arguments: what to serve, and for how long, arrive on stdin.

use std::io;
use std::process::ExitCode;

use anyhow::Result;

/// Read the request from stdin, answer `ok` (or why not) on stdout, serve the copy.
pub(super) fn run() -> Result<ExitCode> {
    crate::clipboard::serve(&mut io::stdin(), &mut io::stdout())?;
    Ok(ExitCode::SUCCESS)
}
