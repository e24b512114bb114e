//! What a refresh shows a person: a progress bar on stderr while accounts are listed, and the
//! list of added and deleted roles afterwards.

use std::io::{self, Write};

use indicatif::{ProgressBar, ProgressStyle};

use crate::display::Shown;
use crate::refresh::Progress;
use crate::sync::SyncOutcome;

/// indicatif on stderr; hidden automatically when stderr is not a terminal.
pub struct Bar(ProgressBar);

impl Bar {
    pub fn new() -> Bar {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} accounts ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("fetching roles");
        Bar(bar)
    }
}

impl Progress for Bar {
    fn accounts_listed(&self, total: usize) {
        self.0.set_length(total as u64);
    }
    fn account_done(&self, done: usize, _total: usize) {
        self.0.set_position(done as u64);
    }
    fn throttled(&self) {
        self.0
            .set_message("fetching roles (throttled, slowing down)");
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// `Updated cache: added=N, deleted=M` and the changed ARNs, as aws-sso-cli prints them.
pub fn print_diff(out: &mut dyn Write, outcome: &SyncOutcome) -> io::Result<()> {
    let diff = &outcome.diff;
    if diff.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "Updated cache: added={}, deleted={}",
        diff.added.len(),
        diff.deleted.len()
    )?;
    for arn in &diff.added {
        writeln!(out, "+ {}", Shown(arn))?;
    }
    for arn in &diff.deleted {
        writeln!(out, "- {}", Shown(arn))?;
    }
    Ok(())
}
