//! Shared helpers for black-box tests of the `aws-sso` binary: a throw-away HOME with a
//! config and cache in it, and a runner that keeps the caller's environment out of the way.
#![allow(dead_code)]

pub(crate) mod ecs;
pub(crate) mod emulated;
pub(crate) mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary HOME with `~/.aws-sso/` inside.
pub(crate) struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new() -> Home {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join(".aws-sso")).unwrap();
        Home { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn config_dir(&self) -> PathBuf {
        self.path().join(".aws-sso")
    }

    /// Write a file under `~/.aws-sso/`.
    pub(crate) fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.config_dir().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Copy a fixture from `tests/fixtures/<rel>` to `~/.aws-sso/<name>`.
    pub(crate) fn fixture(&self, rel: &str, name: &str) -> PathBuf {
        self.write(name, std::fs::read(fixture_path(rel)).unwrap())
    }

    /// The `aws-sso` binary with HOME here and no AWS/aws-sso variables inherited. `SHELL`
    /// is set (CI machines run without one) so `eval` gets as far as its arguments.
    pub(crate) fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aws-sso"));
        for (key, _) in std::env::vars() {
            if key.starts_with("AWS_") || key == "XDG_CONFIG_HOME" || key == "SSH_TTY" {
                cmd.env_remove(key);
            }
        }
        cmd.env("HOME", self.path())
            .env("AWS_CONFIG_FILE", self.path().join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.path().join("no-aws-credentials"),
            )
            .env("NO_COLOR", "1")
            .env("SHELL", "/bin/bash");
        cmd
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run aws-sso")
    }
}

/// A fake `xdg-open` that plays the person at the browser: it logs the URL it was given
/// (to `xdg-open.log` beside itself) and follows it, so a PKCE login completes by itself.
pub(crate) const FAKE_BROWSER: &str = "#!/usr/bin/env python3\n\
import sys, urllib.request\n\
open(sys.argv[0] + '.log', 'a').write(sys.argv[1] + '\\n')\n\
urllib.request.urlopen(sys.argv[1], timeout=10).read()\n";

impl Home {
    /// Write config.yaml for one `Default` instance with the json store, plus `extra` lines.
    pub(crate) fn config_with_json_store(&self, extra: &str) {
        let json_store = self.config_dir().join("store.json");
        self.write(
            "config.yaml",
            format!(
                "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1234567890.awsapps.com/start\n\
                 SecureStore: json\nJsonStore: {}\n{extra}",
                json_store.display()
            ),
        );
    }

    /// Install [`FAKE_BROWSER`] as `~/bin/xdg-open`; returns a `PATH` with `~/bin` first.
    pub(crate) fn install_fake_browser(&self) -> String {
        let bin = self.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let opener = bin.join("xdg-open");
        std::fs::write(&opener, FAKE_BROWSER).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

pub(crate) fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub(crate) fn fixture_text(rel: &str) -> String {
    std::fs::read_to_string(fixture_path(rel)).unwrap()
}

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Assert success and return stdout.
#[track_caller]
pub(crate) fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "aws-sso failed ({:?})\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// Assert failure with exit status 1 and a one-line error; return stderr.
#[track_caller]
pub(crate) fn fails(out: Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1\nstdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("aws-sso:")).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got:\n{err}");
    err
}
