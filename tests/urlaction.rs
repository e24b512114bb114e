//! Tests of `aws_sso::urlaction`: action names, container URLs, the exact bytes of the printing
//! actions, and the side-effecting actions (exec, open, clip) against throw-away scripts.
//!
//! Tests that need a different environment (PATH, HOME, no DISPLAY) re-run this test binary
//! with one `child_*` helper selected, because changing the environment of the test process
//! itself would race with the other tests.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aws_sso::urlaction::{
    COLORS, Container, ContainerKind, ICONS, Outcome, UrlAction, UrlActionError, UrlContext,
    container_url, is_remote_host, perform,
};

const URL: &str = "https://d-1234.awsapps.com/start/#/device?user_code=ABCD-EFGH";

// ---------------------------------------------------------------- helpers

/// Writes an executable shell script that appends each argument on its own line to `log`.
fn arg_logger(dir: &Path, name: &str, log: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join(name);
    // Write to a temp file and rename so a poller never sees half the output.
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{log}.tmp'\nmv '{log}.tmp' '{log}'\n",
        log = log.display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Polls for `path` to appear and returns its lines.
fn wait_for_lines(path: &Path) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text.lines().map(str::to_owned).collect();
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the ignored helper test `name` in a child copy of this binary with `env` set and
/// `remove` unset, and asserts it ran and passed.
fn run_child(name: &str, env: &[(&str, OsString)], remove: &[&str]) {
    run_child_with(
        Command::new(std::env::current_exe().unwrap()),
        name,
        env,
        remove,
    );
}

fn run_child_with(mut cmd: Command, name: &str, env: &[(&str, OsString)], remove: &[&str]) {
    cmd.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    cmd.env("URLACTION_CHILD", name);
    for (k, v) in env {
        cmd.env(k, v);
    }
    for k in remove {
        cmd.env_remove(k);
    }
    let out = cmd.output().expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "child {name} failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "child {name} did not run:\n{stdout}"
    );
}

/// True when this process is the child started for helper `name`.
fn is_child(name: &str) -> bool {
    std::env::var("URLACTION_CHILD").is_ok_and(|v| v == name)
}

fn env_path(k: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(k).unwrap_or_else(|| panic!("${k} not set for the child")))
}

// ---------------------------------------------------------------- names

#[test]
fn action_names_round_trip() {
    let names = [
        "open",
        "print",
        "printurl",
        "clip",
        "exec",
        "ansi-osc52",
        "open-url-in-container",
        "granted-containers",
    ];
    for name in names {
        let action: UrlAction = name.parse().unwrap();
        assert_eq!(action.to_string(), name);
    }
    for action in UrlAction::ALL {
        assert_eq!(action.to_string().parse::<UrlAction>().unwrap(), action);
    }
    assert_eq!(
        "PrintUrl".parse::<UrlAction>().unwrap(),
        UrlAction::PrintUrl
    );
    assert_eq!(UrlAction::default(), UrlAction::Open);
}

#[test]
fn unknown_action_is_rejected_listing_valid_values() {
    let err = "firefox".parse::<UrlAction>().unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("invalid Action: firefox"), "{msg}");
    for action in UrlAction::ALL {
        assert!(msg.contains(action.as_str()), "{msg} lacks {action}");
    }
    assert!("".parse::<UrlAction>().is_err());
}

#[test]
fn remote_host_detection() {
    assert!(is_remote_host(
        |k| (k == "SSH_TTY").then(|| "/dev/pts/1".into())
    ));
    assert!(is_remote_host(
        |k| (k == "WSL_DISTRO_NAME").then(|| "Ubuntu".into())
    ));
    assert!(!is_remote_host(|_| None));
    assert!(!is_remote_host(|k| (k == "SSH_TTY").then(String::new)));
}

// ---------------------------------------------------------------- container URLs

/// The fallback rule from the spec, computed independently of the implementation.
fn expected_fallback<'a>(name: &str, list: &[&'a str]) -> &'a str {
    let sum: u32 = name.bytes().map(u32::from).sum();
    list[(sum % 256) as usize % list.len()]
}

#[test]
fn container_url_escapes_the_url_and_keeps_valid_tags() {
    let url = "https://x.signin.aws.amazon.com/federation?Action=login&Destination=a b~c/d";
    let got = container_url(
        ContainerKind::OpenUrlInContainer,
        "Dev:Admin",
        url,
        "red",
        "Cart",
    );
    assert_eq!(
        got,
        "ext+container:name=Dev:Admin&url=https%3A%2F%2Fx.signin.aws.amazon.com%2Ffederation\
         %3FAction%3Dlogin%26Destination%3Da+b~c%2Fd&color=red&icon=cart"
    );
    let granted = container_url(ContainerKind::GrantedContainers, "n", "u", "blue", "tree");
    assert_eq!(
        granted,
        "ext+granted-containers:name=n&url=u&color=blue&icon=tree"
    );
}

#[test]
fn container_url_falls_back_deterministically() {
    // Long enough that the byte sum wraps past 255.
    for name in ["Production:AdministratorAccess", "MySSO", "a", ""] {
        let got = container_url(ContainerKind::OpenUrlInContainer, name, "u", "mauve", "");
        let color = expected_fallback(name, &COLORS);
        let icon = expected_fallback(name, &ICONS);
        assert!(
            got.ends_with(&format!("&color={color}&icon={icon}")),
            "{name}: {got}"
        );
    }
    // The wrap matters: this name's byte sum is above 255.
    let long = "Production:AdministratorAccess";
    assert!(long.bytes().map(u32::from).sum::<u32>() > 255);
}

// ---------------------------------------------------------------- printing actions

fn run_printing(action: UrlAction, url: &str) -> (Outcome, Vec<u8>) {
    let mut buf = Vec::new();
    let outcome = perform(action, url, &mut UrlContext::new(&mut buf)).unwrap();
    (outcome, buf)
}

#[test]
fn print_actions_write_exact_bytes() {
    let (outcome, bytes) = run_printing(UrlAction::Print, URL);
    assert!(matches!(outcome, Outcome::Printed));
    assert_eq!(
        bytes,
        format!("Please open the following URL in your browser:\n\n{URL}\n\n").as_bytes()
    );
    let (_, bytes) = run_printing(UrlAction::PrintUrl, URL);
    assert_eq!(bytes, format!("{URL}\n").as_bytes());
    let (outcome, bytes) = run_printing(UrlAction::AnsiOsc52, "https://example.com/");
    assert!(matches!(outcome, Outcome::Printed));
    assert_eq!(bytes, b"\x1b]52;c;aHR0cHM6Ly9leGFtcGxlLmNvbS8=\x07");
}

// ---------------------------------------------------------------- exec and containers

fn exec_ctx<'a>(stderr: &'a mut Vec<u8>, command: &[&str]) -> UrlContext<'a> {
    let mut ctx = UrlContext::new(stderr);
    ctx.exec_command = command.iter().map(|s| s.to_string()).collect();
    ctx
}

#[test]
fn exec_runs_the_command_with_the_url_substituted() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("args.log");
    let script = arg_logger(dir.path(), "logargs", &log);
    let mut err = Vec::new();
    let cmd = [script.to_str().unwrap(), "--url=%s", "plain", "%s%s"];
    let outcome = perform(UrlAction::Exec, URL, &mut exec_ctx(&mut err, &cmd)).unwrap();
    assert!(matches!(outcome, Outcome::Spawned { pid } if pid > 0));
    assert_eq!(
        wait_for_lines(&log),
        [
            format!("--url={URL}"),
            "plain".into(),
            format!("{URL}{URL}")
        ]
    );
    assert!(err.is_empty(), "exec must not write to stderr");
}

#[cfg(target_os = "linux")]
#[test]
fn exec_child_is_reaped() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("args.log");
    let script = arg_logger(dir.path(), "logargs", &log);
    let mut err = Vec::new();
    let cmd = [script.to_str().unwrap(), "%s"];
    let Outcome::Spawned { pid } =
        perform(UrlAction::Exec, URL, &mut exec_ctx(&mut err, &cmd)).unwrap()
    else {
        panic!("exec did not spawn");
    };
    wait_for_lines(&log);
    // An unreaped child stays in /proc as a zombie ("Z"); a reaped one disappears.
    let stat = PathBuf::from(format!("/proc/{pid}/stat"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while stat.exists() {
        assert!(Instant::now() < deadline, "child {pid} was never reaped");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn exec_command_errors_name_the_setting() {
    let mut err = Vec::new();
    for cmd in [&["firefox"][..], &[][..], &["firefox", "--new-tab"][..]] {
        let e = perform(UrlAction::Exec, URL, &mut exec_ctx(&mut err, cmd)).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("UrlExecCommand"), "{msg}");
        assert!(!msg.contains(URL), "error leaks the URL: {msg}");
    }
    let e = perform(UrlAction::Exec, URL, &mut exec_ctx(&mut err, &["firefox"])).unwrap_err();
    assert!(matches!(e, UrlActionError::ExecCommandTooShort(1)), "{e:?}");
    let cmd = ["/nonexistent/browser", "%s"];
    let e = perform(UrlAction::Exec, URL, &mut exec_ctx(&mut err, &cmd)).unwrap_err();
    assert!(matches!(e, UrlActionError::Spawn { .. }), "{e:?}");
}

#[test]
fn container_actions_exec_the_container_url() {
    let dir = tempfile::tempdir().unwrap();
    for (action, scheme) in [
        (UrlAction::OpenUrlInContainer, "ext+container:"),
        (UrlAction::GrantedContainers, "ext+granted-containers:"),
    ] {
        let log = dir.path().join(format!("{action}.log"));
        let script = arg_logger(dir.path(), &format!("{action}.sh"), &log);
        let mut err = Vec::new();
        let mut ctx = exec_ctx(&mut err, &[script.to_str().unwrap(), "%s"]);
        ctx.container = Some(Container::for_login("MySSO"));
        perform(action, URL, &mut ctx).unwrap();
        let kind = action.container_kind().unwrap();
        let expected = container_url(kind, "MySSO", URL, "blue", "fingerprint");
        assert!(expected.starts_with(scheme));
        assert_eq!(wait_for_lines(&log), [expected]);
    }
}

#[test]
fn container_action_without_container_or_command_fails() {
    let mut err = Vec::new();
    let e = perform(
        UrlAction::GrantedContainers,
        URL,
        &mut exec_ctx(&mut err, &["firefox", "%s"]),
    )
    .unwrap_err();
    assert!(matches!(e, UrlActionError::MissingContainer(_)), "{e:?}");
    let mut ctx = exec_ctx(&mut err, &["firefox"]);
    ctx.container = Some(Container::for_login("x"));
    let e = perform(UrlAction::OpenUrlInContainer, URL, &mut ctx).unwrap_err();
    assert!(e.to_string().contains("UrlExecCommand"), "{e}");
}

#[test]
fn exec_expands_tilde_in_the_program() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join("bin")).unwrap();
    let log = home.path().join("args.log");
    arg_logger(&home.path().join("bin"), "logargs", &log);
    run_child(
        "child_exec_tilde",
        &[
            ("HOME", home.path().into()),
            ("URLACTION_TEST_LOG", log.clone().into()),
        ],
        &[],
    );
    assert_eq!(wait_for_lines(&log), [URL]);
}

#[test]
#[ignore = "helper: run in a child process by exec_expands_tilde_in_the_program"]
fn child_exec_tilde() {
    if !is_child("child_exec_tilde") {
        return;
    }
    let mut err = Vec::new();
    perform(
        UrlAction::Exec,
        URL,
        &mut exec_ctx(&mut err, &["~/bin/logargs", "%s"]),
    )
    .unwrap();
    // Stay alive until the script ran so the reaper thread is not cut short.
    wait_for_lines(&env_path("URLACTION_TEST_LOG"));
}

// ---------------------------------------------------------------- open

#[test]
fn open_with_configured_browser_runs_it_with_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("browser.log");
    let browser = arg_logger(dir.path(), "browser", &log);
    let mut err = Vec::new();
    let mut ctx = UrlContext::new(&mut err);
    ctx.browser = Some(browser.to_string_lossy().into_owned());
    let outcome = perform(UrlAction::Open, URL, &mut ctx).unwrap();
    assert!(matches!(outcome, Outcome::Opened));
    assert_eq!(wait_for_lines(&log), [URL]);
}

#[test]
fn open_without_browser_uses_xdg_open_from_path() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("xdg.log");
    arg_logger(&bin, "xdg-open", &log);
    let mut path = OsString::from(&bin);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    run_child(
        "child_open_system",
        &[("PATH", path), ("URLACTION_TEST_LOG", log.clone().into())],
        // Under WSL `open` prefers other launchers; make sure xdg-open is the one tried.
        &["WSL_DISTRO_NAME", "WSL_INTEROP"],
    );
    assert_eq!(wait_for_lines(&log), [URL]);
}

#[test]
#[ignore = "helper: run in a child process by open_without_browser_uses_xdg_open_from_path"]
fn child_open_system() {
    if !is_child("child_open_system") {
        return;
    }
    let mut err = Vec::new();
    let outcome = perform(UrlAction::Open, URL, &mut UrlContext::new(&mut err)).unwrap();
    assert!(matches!(outcome, Outcome::Opened));
    wait_for_lines(&env_path("URLACTION_TEST_LOG"));
}

// ---------------------------------------------------------------- clip

#[test]
fn clip_without_display_falls_back_to_osc52() {
    run_child(
        "child_clip_no_display",
        &[],
        &["DISPLAY", "WAYLAND_DISPLAY"],
    );
}

#[test]
#[ignore = "helper: run in a child process by clip_without_display_falls_back_to_osc52"]
fn child_clip_no_display() {
    if !is_child("child_clip_no_display") {
        return;
    }
    let mut err = Vec::new();
    let outcome = perform(UrlAction::Clip, URL, &mut UrlContext::new(&mut err)).unwrap();
    assert!(
        matches!(&outcome, Outcome::CopiedViaOsc52 { reason } if reason.contains("DISPLAY")),
        "{outcome:?}"
    );
    let text = String::from_utf8(err).unwrap();
    let osc = aws_sso::urlaction::osc52_sequence(URL);
    assert!(text.ends_with(&osc), "{text:?}");
    assert!(text.starts_with("No clipboard available"), "{text:?}");
    assert!(
        !text.contains(URL),
        "the fallback note must not show the URL"
    );
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "tell the runner why nothing was checked"
)]
fn clip_under_xvfb_is_readable_by_other_programs() {
    if !(on_path("xvfb-run") && on_path("xclip")) {
        // Install xvfb, xauth and xclip to run this; the no-display fallback is tested above.
        eprintln!("skipped: xvfb-run or xclip not installed");
        return;
    }
    let mut cmd = Command::new("xvfb-run");
    cmd.args(["-a", "-s", "-screen 0 640x480x24"])
        .arg(std::env::current_exe().unwrap());
    run_child_with(cmd, "child_clip_xvfb", &[], &["WAYLAND_DISPLAY"]);
}

#[test]
#[ignore = "helper: run under xvfb-run by clip_under_xvfb_is_readable_by_other_programs"]
fn child_clip_xvfb() {
    if !is_child("child_clip_xvfb") {
        return;
    }
    let mut err = Vec::new();
    let outcome = perform(UrlAction::Clip, URL, &mut UrlContext::new(&mut err)).unwrap();
    let Outcome::Copied(hold) = outcome else {
        panic!("expected a real clipboard under Xvfb, got {outcome:?}");
    };
    assert!(hold.is_serving());
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), URL);
    assert!(err.is_empty(), "a working clipboard needs no note");
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "tell the runner why nothing was checked"
)]
fn the_clipboard_helper_serves_a_copy_for_the_time_it_is_given_and_then_ends() {
    if !(on_path("xvfb-run") && on_path("xclip") && on_path("bash")) {
        eprintln!("skipped: xvfb-run, xclip or bash not installed");
        return;
    }
    // The helper the picker starts: it says `ok` once it owns the clipboard, serves the copy
    // to other programs, and exits by itself when the time it was given (the first line of
    // its request) has passed.
    let script = r#"
        coproc H { printf "2\ncopied text" | "$0" __clipboard; }
        read -r line <&"${H[0]}"
        echo "$line"
        xclip -o -selection clipboard
        echo
        wait "$H_PID"
        echo done
    "#;
    let started = Instant::now();
    let out = Command::new("timeout")
        .args([
            "60",
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 640x480x24",
            "bash",
            "-c",
        ])
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_aws-sso"))
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "ok\ncopied text\ndone\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "the helper outlived the time it was given"
    );
}
