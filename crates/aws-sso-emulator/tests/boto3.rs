//! Runs `tests/conformance/boto3_conformance.py` against the emulator under both error styles:
//! botocore must parse every reply and map every error to its modelled exception class.
//! Needs python3 with boto3 (`python3 -m pip install boto3`); missing either is a failure,
//! not a skip, because CI installs them.

use std::process::Command;
use std::time::Duration;

use aws_sso_emulator::{Emulator, EmulatorConfig, ErrorStyle, Operation, Org, RateLimit};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/conformance/boto3_conformance.py"
);

fn require_boto3() {
    let probe = Command::new("python3")
        .args(["-c", "import boto3"])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "boto3 is not importable by python3 ({}); install it with `python3 -m pip install boto3`",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!(
            "python3 cannot be run ({e}); install Python 3, then `python3 -m pip install boto3`"
        ),
    }
}

/// The emulator set-up the script's docstring asks for.
fn config(error_style: ErrorStyle) -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(250, 3, 11),
        error_style,
        device_poll_interval: Duration::from_secs(1),
        device_code_lifetime: Duration::from_secs(3),
        rate_limit: Some(RateLimit::new(20.0, 40)),
        ..Default::default()
    }
}

fn run_conformance(error_style: ErrorStyle) {
    require_boto3();
    let emu = Emulator::start_background(config(error_style)).expect("start the emulator");
    let out = Command::new("python3")
        .arg(SCRIPT)
        .arg(emu.url())
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        out.status.success() && last.ends_with(" 0 failed") && !last.starts_with("0 passed"),
        "boto3 conformance ({error_style:?}) failed: {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    // The script really reached the emulator: every operation family shows up in the log.
    let c = emu.counters();
    assert!(
        c.errors("TooManyRequestsException") >= 1 && c.throttled >= 1,
        "{c:?}"
    );
    let missing: Vec<_> = Operation::ALL
        .iter()
        .filter(|op| c.calls(**op) == 0)
        .collect();
    assert!(
        missing.is_empty(),
        "operations the script never called: {missing:?}"
    );
}

#[test]
fn boto3_conformance_header_error_style() {
    run_conformance(ErrorStyle::Header);
}

#[test]
fn boto3_conformance_type_error_style() {
    run_conformance(ErrorStyle::Type);
}
