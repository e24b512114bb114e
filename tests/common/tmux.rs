//! A real terminal for end-to-end tests of the picker: a private tmux server (its own socket,
//! no user config) running one command in a pane of a given size, with `send-keys` for input
//! and `capture-pane` to read the screen. Waits poll the screen, never sleep blindly.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub(crate) struct Tmux {
    socket: String,
    pub dir: tempfile::TempDir,
}

/// Is tmux installed? It must be: `.ci/test` runs `.ci/setup`, which installs it, so a missing
/// tmux is a failure, never a silent skip. (Returns `true` so call sites read as a guard.)
pub(crate) fn available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "tmux is required for the picker tests: run `bash .ci/setup`"
    );
    found
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl Tmux {
    /// Start `script` (run by `sh -c`) in a `width`x`height` pane with exactly `env`.
    pub(crate) fn start(script: &str, env: &[(String, String)], width: u16, height: u16) -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let socket = format!("aws-sso-test-{}", std::process::id());
        let socket = format!(
            "{socket}-{}",
            dir.path().file_name().unwrap().to_string_lossy()
        );
        // The pane inherits the test's environment through the tmux server: drop every
        // AWS/aws-sso variable first so only `env` counts.
        let mut exports = String::from(
            "for v in $(env | sed -n 's/^\\(AWS_[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset \"$v\"; done; ",
        );
        for (k, v) in env {
            exports.push_str(&format!("export {k}={}; ", shell_quote(v)));
        }
        let full = format!("{exports}{script}");
        let t = Tmux { socket, dir };
        let status = t
            .tmux()
            .args(["-f", "/dev/null", "new-session", "-d", "-s", "t", "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .arg("sh")
            .arg("-c")
            .arg(&full)
            .status()
            .unwrap();
        assert!(status.success(), "tmux new-session failed");
        let _ = t
            .tmux()
            .args(["set-option", "-g", "remain-on-exit", "on"])
            .status();
        t
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-L").arg(&self.socket);
        c
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Keys in tmux's notation (`Enter`, `Escape`, `C-c`, `Down`) or literal text with `-l`.
    pub(crate) fn keys(&self, keys: &[&str]) {
        let status = self
            .tmux()
            .args(["send-keys", "-t", "t"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub(crate) fn type_text(&self, text: &str) {
        let status = self
            .tmux()
            .args(["send-keys", "-t", "t", "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub(crate) fn screen(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(crate) fn display(&self, format: &str) -> String {
        let out = self
            .tmux()
            .args(["display-message", "-p", "-t", "t", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub(crate) fn resize(&self, width: u16, height: u16) {
        let status = self
            .tmux()
            .args(["resize-window", "-t", "t", "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Wait until the screen satisfies `pred`; panics with the screen after `secs`.
    pub(crate) fn wait_for(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait for a file the script writes when it ends (its exit status).
    pub(crate) fn wait_file(&self, path: &Path, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(text) = std::fs::read_to_string(path)
                && text.ends_with('\n')
            {
                return text;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {}; screen:\n{}",
                    path.display(),
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
    }
}
