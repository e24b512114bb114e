//! The picker's output reaches the terminal in a few `write()` calls per frame, not one per
//! escape sequence (over SSH each write can become a packet). The real binary runs in tmux
//! under `strace`, which records every `write()` and every key read on the terminal; the
//! writes between one key's read and the next are that key's frame.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sso_emulator::{EmulatorConfig, Org};
use common::emulated::{Setup, setup};
use common::tmux::{self, Tmux};

const EXE: &str = env!("CARGO_BIN_EXE_aws-sso");

/// Per key: one frame, flushed as one write (a frame larger than the buffer, or a tick of
/// the one-second clock in between, may add one or two). Unbuffered it was ~2,000.
const MAX_WRITES_PER_KEY: usize = 4;

/// Is strace installed and allowed to trace here? `.ci/setup` installs it, so a missing
/// strace is a failure, never a silent skip.
fn strace_works() -> bool {
    let ok = Command::new("strace")
        .args(["-f", "-e", "trace=none", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "strace (with ptrace permitted) is required: run `bash .ci/setup`"
    );
    ok
}

/// One system call on a terminal from the trace: a `write` (any length) or a `read` that
/// returned data (a key).
#[derive(Debug, PartialEq)]
enum TtyCall {
    Write,
    KeyRead,
}

/// The calls on terminal descriptors (`/dev/tty`, `/dev/pts/*`: `strace -y` names each
/// descriptor's file), in order. The picker's stdout is a file here, so these are its
/// terminal output and input.
fn tty_calls(trace: &str) -> Vec<TtyCall> {
    trace
        .lines()
        .filter_map(|line| {
            // `PID  write(9</dev/pts/3>, "\33[1;1H"..., 4000) = 4000`
            let call = line.split_once(' ')?.1.trim_start();
            let (_, args) = call.split_once('(')?;
            let fd = args.split(',').next()?;
            if !(fd.contains("</dev/pts/") || fd.contains("</dev/tty>")) {
                return None;
            }
            if call.starts_with("write(") {
                Some(TtyCall::Write)
            } else if call.starts_with("read(") {
                let ret = call.rsplit_once("= ")?.1.split(' ').next()?;
                (ret.parse::<i64>().ok()? > 0).then_some(TtyCall::KeyRead)
            } else {
                None
            }
        })
        .collect()
}

/// The picker (`eval`) over 60 roles in a 160x45 pane, under strace; the trace's path.
fn traced_picker() -> (Setup, Tmux, PathBuf) {
    let s = setup(
        EmulatorConfig {
            org: Org::synthetic(20, 3, 7),
            ..EmulatorConfig::default()
        },
        "",
    )
    .logged_in();
    let trace = s.home.path().join("trace");
    // `-y` names each descriptor's file; `-s 0` keeps the trace small; `-qq` drops the
    // process exit lines.
    let script = format!(
        "cd \"$HOME\" && strace -f -qq -y -s 0 -e trace=read,write -o {} {EXE} eval --shell bash > out; echo $? > rc",
        trace.display()
    );
    let t = Tmux::start(&script, &s.env(), 160, 45);
    t.wait_for("the picker with every role", 30, |sc| sc.contains(" 60/60"));
    (s, t, trace)
}

/// Leave with Esc; the writes after each read from the terminal, up to the next read (the
/// last read is Esc: after it the picker leaves the screen).
fn writes_per_read(s: &Setup, t: &Tmux, trace: &Path) -> Vec<usize> {
    t.keys(&["Escape"]);
    assert_eq!(t.wait_file(&s.home.path().join("rc"), 20), "130\n");
    let mut per_read = Vec::new();
    let mut count = None;
    for call in tty_calls(&std::fs::read_to_string(trace).unwrap()) {
        match call {
            TtyCall::KeyRead => {
                if let Some(n) = count {
                    per_read.push(n);
                }
                count = Some(0);
            }
            TtyCall::Write => {
                if let Some(n) = count.as_mut() {
                    *n += 1;
                }
            }
        }
    }
    per_read
}

#[test]
fn each_keystroke_reaches_the_terminal_in_a_few_writes() {
    if !tmux::available() || !strace_works() {
        return;
    }
    let (s, t, trace) = traced_picker();
    let keys = ["a", "d", "m", "i", "n"];
    let mut typed = String::new();
    for key in keys {
        typed.push_str(key);
        t.type_text(key);
        let want = format!("> {typed}");
        t.wait_for(&format!("the query {typed:?} on screen"), 10, |sc| {
            sc.contains(&want)
        });
    }
    for key in ["Down", "Down", "BSpace"] {
        let before = t.screen();
        t.keys(&[key]);
        t.wait_for(&format!("{key} on screen"), 10, |sc| sc != before);
    }
    let per_key = writes_per_read(&s, &t, &trace);
    assert!(
        per_key.len() >= keys.len() + 3,
        "every key read from the terminal is in the trace: {per_key:?}"
    );
    assert!(
        per_key.iter().all(|&n| n >= 1),
        "every key drew a frame: writes per key {per_key:?}"
    );
    assert!(
        per_key.iter().all(|&n| n <= MAX_WRITES_PER_KEY),
        "at most {MAX_WRITES_PER_KEY} write() calls per keystroke, got {per_key:?}"
    );
}

/// A query typed faster than frames are drawn (typed ahead while the picker starts, or sent
/// by a script) is matched and drawn once, not a frame (and a matcher wait) per character.
#[test]
fn characters_read_together_are_drawn_as_one_frame() {
    if !tmux::available() || !strace_works() {
        return;
    }
    let (s, t, trace) = traced_picker();
    let query = "no-such-role-anywhere";
    t.type_text(query);
    let want = format!("> {query}");
    t.wait_for("the whole query on screen", 10, |sc| sc.contains(&want));
    let per_read = writes_per_read(&s, &t, &trace);
    let writes: usize = per_read.iter().sum();
    assert!(
        writes <= MAX_WRITES_PER_KEY * per_read.len(),
        "{} characters in {} reads took {writes} write() calls: {per_read:?}",
        query.len(),
        per_read.len()
    );
}
