//! What a refresh shows a person: a progress bar on stderr while accounts are listed, and the
//! list of added and deleted roles afterwards.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use crate::display::Shown;
use crate::refresh::Progress;
use crate::sync::SyncOutcome;

/// indicatif on stderr; hidden automatically when stderr is not a terminal.
///
/// IAM Identity Center's account listing has no count, so a total is shown only when it is
/// known: the previous refresh's count at first (usually right), the listed count once the
/// listing is complete. Before either, the bar counts without a total rather than show one
/// that grows page by page.
pub(super) struct Bar {
    bar: ProgressBar,
    /// A total is on screen (the bar style is set).
    total_known: AtomicBool,
    complete: AtomicBool,
}

fn counting_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg}: {pos} accounts done, listing the rest")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} accounts ({eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl Bar {
    pub(super) fn new() -> Bar {
        let bar = ProgressBar::new(0);
        bar.set_style(counting_style());
        bar.set_message("fetching roles");
        Bar {
            bar,
            total_known: AtomicBool::new(false),
            complete: AtomicBool::new(false),
        }
    }

    fn show_total(&self, total: usize) {
        self.bar.set_length(total as u64);
        if !self.total_known.swap(true, Ordering::Relaxed) {
            self.bar.set_style(bar_style());
        }
    }
}

impl Progress for Bar {
    fn accounts_expected(&self, total: usize) {
        if total > 0 && !self.complete.load(Ordering::Relaxed) {
            self.show_total(total);
        }
    }
    fn accounts_listed(&self, listed: usize) {
        // More listed than expected: the guess was low, the listing is the better bound.
        let shown = self.bar.length().unwrap_or(0) as usize;
        if self.total_known.load(Ordering::Relaxed)
            && !self.complete.load(Ordering::Relaxed)
            && listed > shown
        {
            self.show_total(listed);
        }
    }
    fn accounts_complete(&self, total: usize) {
        self.complete.store(true, Ordering::Relaxed);
        self.show_total(total);
    }
    fn account_done(&self, done: usize, _total: usize) {
        self.bar.set_position(done as u64);
    }
    fn throttled(&self) {
        self.bar
            .set_message("fetching roles (throttled, slowing down)");
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// `Updated cache: added=N, deleted=M` and the changed ARNs, as aws-sso-cli prints them;
/// one line (`100 roles, no changes`) when nothing changed, so the refresh is seen to be done.
pub(super) fn print_diff(out: &mut dyn Write, outcome: &SyncOutcome) -> io::Result<()> {
    let diff = &outcome.diff;
    if diff.is_empty() {
        return writeln!(out, "{} roles, no changes", outcome.roles);
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
