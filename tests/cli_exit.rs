//! How the real binary ends: Ctrl-C (SIGINT) exits 130 while a login waits, and so does a
//! stopped ECS server; an error says its message once; the "no usable secure store" error
//! is a few short lines; and no secret of ours reaches a program aws-sso starts.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aws_sso_emulator::{EmulatorConfig, Org};
use common::emulated::{Setup, setup};
use common::{Home, fails, ok, stderr};

fn emulated() -> Setup {
    let cfg = EmulatorConfig {
        org: Org::synthetic(2, 1, 7),
        ..EmulatorConfig::default()
    };
    setup(cfg, "")
}

/// Starts `cmd` with stderr piped; returns once a stderr line contains `ready`, with the
/// lines seen so far (the rest keep coming on the receiver).
fn spawn_until(mut cmd: std::process::Command, ready: &str) -> (Child, mpsc::Receiver<String>) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    while !seen.contains(ready) {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
            }
            Err(_) => {
                let _ = child.kill();
                panic!("never saw {ready:?}:\n{seen}");
            }
        }
    }
    (child, rx)
}

/// Sends `signal` (`INT`, `TERM`) and returns the exit code and the rest of stderr.
fn signal(mut child: Child, rx: mpsc::Receiver<String>, signal: &str) -> (Option<i32>, String) {
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args([&format!("-{signal}"), pid.as_str()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("no exit within 10 s of SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(100));
    (status.code(), rx.try_iter().collect::<Vec<_>>().join("\n"))
}

#[test]
fn ctrl_c_while_a_login_waits_exits_130_quietly() {
    let s = emulated();
    for workflow in ["pkce", "device_code"] {
        let mut cmd = s.cmd();
        // `print`: no browser comes back, the login waits (said at the debug level).
        cmd.args([
            "-L",
            "debug",
            "login",
            "--workflow",
            workflow,
            "--url-action",
            "print",
        ]);
        let (child, rx) = spawn_until(cmd, "Waiting for SSO authentication");
        let (code, rest) = signal(child, rx, "INT");
        assert_eq!(code, Some(130), "{workflow}: {rest}");
        assert!(
            !rest.contains("aws-sso:"),
            "{workflow}: no error line: {rest}"
        );
    }
}

#[test]
fn ctrl_c_stops_the_ecs_server_with_130_and_sigterm_with_0() {
    let s = emulated().logged_in();
    for (sig, want) in [("INT", 130), ("TERM", 0)] {
        let mut cmd = s.cmd();
        cmd.args(["ecs", "server", "--port", "0"]);
        let (child, rx) = spawn_until(cmd, "listening on");
        let (code, rest) = signal(child, rx, sig);
        assert_eq!(code, Some(want), "SIG{sig}: {rest}");
    }
}

#[test]
fn an_aws_config_block_error_says_its_message_once() {
    let s = emulated().logged_in();
    let file = s.home.path().join("aws-config");
    std::fs::write(
        &file,
        "[default]\nregion = us-east-1\n# BEGIN_AWS_SSO_CLI\n[profile x]\n",
    )
    .unwrap();
    let err = fails(s.run(&["setup", "profiles", "--aws-config", file.to_str().unwrap()]));
    let what = "line 3 has `# BEGIN_AWS_SSO_CLI` but no `# END_AWS_SSO_CLI` follows it";
    assert_eq!(err.matches(what).count(), 1, "{err}");
    assert!(
        err.contains(file.to_str().unwrap()),
        "names the file: {err}"
    );
}

/// Without `SecureStore`, a session bus, a password or a terminal, auto-pick finds nothing.
/// Where the kernel keyring works it is picked instead, and the error cannot be shown.
#[test]
fn the_no_usable_store_error_is_at_most_three_short_lines() {
    let home = Home::new();
    home.write(
        "config.yaml",
        "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1234567890.awsapps.com/start\n",
    );
    let dead = "http://127.0.0.1:9";
    let out = home
        .cmd()
        .args(["login", "--url-action", "print"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("AWS_SSO_FILE_PASSWORD")
        .env("AWS_ENDPOINT_URL_SSO", dead)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", dead)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let Some(start) = err.find("aws-sso: no usable secure store") else {
        // The kernel keyring took the job; then the login fails on the dead endpoint.
        assert!(err.contains("cannot reach IAM Identity Center"), "{err}");
        return;
    };
    let lines: Vec<&str> = err[start..].lines().collect();
    assert!(lines.len() <= 3, "{err}");
    for line in &lines {
        assert!(line.chars().count() <= 120, "a long line: {line}");
    }
    assert!(err[start..].contains("AWS_SSO_FILE_PASSWORD"), "{err}");
}

#[test]
fn exec_keeps_our_secrets_from_the_child() {
    let s = emulated().logged_in();
    let (arn, _) = s.first_role();
    let out = s
        .cmd()
        .args(["exec", "--arn", &arn, "--", "env"])
        .env("AWS_SSO_FILE_PASSWORD", "file-store-sekrit")
        .env("AWS_SSO_OP_SERVICE_ACCOUNT_TOKEN", "op-sekrit")
        .env("SOME_OTHER_VAR", "kept")
        .output()
        .unwrap();
    let env = ok(out);
    assert!(env.contains("AWS_ACCESS_KEY_ID="), "{env}");
    assert!(env.contains("SOME_OTHER_VAR=kept"), "{env}");
    for secret in ["AWS_SSO_FILE_PASSWORD", "file-store-sekrit", "op-sekrit"] {
        assert!(!env.contains(secret), "{secret} reached the child:\n{env}");
    }
}

/// Log in with `settings` appended to config.yaml, the file store's password and a 1Password
/// token in the environment; `settings` gets the fake browser script and the file the
/// browser must write its environment to. Returns that environment.
fn browser_environment(settings: impl FnOnce(&Path, &Path, &Path) -> String) -> String {
    let fake = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake_browser.py");
    let cfg = EmulatorConfig {
        org: Org::synthetic(2, 1, 7),
        ..EmulatorConfig::default()
    };
    let s = setup(cfg, "");
    let seen = s.home.path().join("browser-env");
    let config = s.home.config_dir().join("config.yaml");
    let extra = settings(&fake, &seen, s.home.path());
    let before = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{before}{extra}")).unwrap();
    let out = s
        .cmd()
        .arg("login")
        .env("AWS_SSO_FILE_PASSWORD", "file-store-sekrit")
        .env("AWS_SSO_OP_SERVICE_ACCOUNT_TOKEN", "op-sekrit")
        .output()
        .unwrap();
    ok(out);
    std::fs::read_to_string(&seen).unwrap()
}

/// `UrlExecCommand` starts a program too (the browser of `UrlAction: exec`).
#[test]
fn the_url_exec_command_does_not_get_our_secrets() {
    let dump = "import os, subprocess, sys\nopen(sys.argv[1], 'w').write('\\n'.join(os.environ))\nsubprocess.run([sys.executable, sys.argv[2], sys.argv[3]])\n";
    let env = browser_environment(|fake, seen, _| {
        format!(
            "UrlAction: exec\nUrlExecCommand: [python3, -c, {dump:?}, {:?}, {:?}, \"%s\"]\n",
            seen.to_str().unwrap(),
            fake.to_str().unwrap(),
        )
    });
    assert!(env.lines().any(|k| k == "HOME"), "{env}");
    assert!(!env.lines().any(|k| k == "AWS_SSO_FILE_PASSWORD"), "{env}");
    assert!(
        !env.lines().any(|k| k == "AWS_SSO_OP_SERVICE_ACCOUNT_TOKEN"),
        "{env}"
    );
}

/// The `Browser` setting (`UrlAction: open`): a launcher that notes its environment, then
/// "clicks allow".
#[test]
fn a_browser_opened_for_a_login_does_not_get_our_secrets() {
    let env = browser_environment(|fake, seen, home| {
        let browser = home.join("browser.sh");
        let script = format!(
            "#!/bin/sh\nenv > {:?}\nexec python3 {:?} \"$1\"\n",
            seen.to_str().unwrap(),
            fake.to_str().unwrap()
        );
        std::fs::write(&browser, script).unwrap();
        let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        std::fs::set_permissions(&browser, mode).unwrap();
        format!(
            "UrlAction: open\nBrowser: {:?}\n",
            browser.to_str().unwrap()
        )
    });
    assert!(env.lines().any(|l| l.starts_with("HOME=")), "{env}");
    assert!(!env.contains("sekrit"), "{env}");
}
