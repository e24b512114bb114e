//! The real binary against endpoints that fail: a refused connection or an unknown host ends
//! the command at once with one line naming the endpoint and the fix; an endpoint that
//! accepts and never answers is cut off by the `process` deadline; and a stray request to the
//! PKCE login listener cannot abort a login.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use aws_sso_emulator::{EmulatorConfig, Operation, Org};
use common::emulated::{Setup, setup};
use common::{fails, ok, stderr};

fn logged_in(extra_config: &str) -> Setup {
    let cfg = EmulatorConfig {
        org: Org::synthetic(3, 2, 7),
        ..EmulatorConfig::default()
    };
    setup(cfg, extra_config).logged_in()
}

/// A port on 127.0.0.1 nothing listens on (bound, then closed).
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A listener that accepts every connection and never answers; it lives as long as the value.
struct Silent {
    url: String,
    _listener: std::thread::JoinHandle<()>,
}

fn silent_endpoint() -> Silent {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in l.incoming() {
            match conn {
                Ok(c) => held.push(c),
                Err(_) => break,
            }
        }
    });
    Silent {
        url,
        _listener: handle,
    }
}

/// Runs `args` with the SSO portal (and OIDC) at `endpoint`; returns stderr and how long it took.
fn against(s: &Setup, endpoint: &str, args: &[&str], env: &[(&str, &str)]) -> (String, Duration) {
    let started = Instant::now();
    let mut cmd = s.cmd();
    cmd.args(args)
        .env("AWS_ENDPOINT_URL_SSO", endpoint)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", endpoint);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let took = started.elapsed();
    (fails(out), took)
}

fn error_line(err: &str) -> &str {
    err.lines().find(|l| l.starts_with("aws-sso:")).unwrap()
}

#[test]
fn a_refused_connection_fails_at_once_with_one_line_naming_the_endpoint() {
    let s = logged_in("");
    let (arn, _) = s.first_role();
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    for args in [
        vec!["process", "--arn", arn.as_str()],
        vec!["eval", "--arn", arn.as_str()],
        vec!["cache"],
    ] {
        let (err, took) = against(&s, &endpoint, &args, &[]);
        let line = error_line(&err);
        // Ten retries with backoff took half a minute before.
        assert!(
            took < Duration::from_secs(5),
            "{args:?} took {took:?}: {err}"
        );
        assert!(line.contains(&endpoint), "{args:?}: {line}");
        assert!(line.contains("connection refused"), "{args:?}: {line}");
        assert!(line.contains("AWS_ENDPOINT_URL_SSO"), "{args:?}: {line}");
        assert!(!err.contains("DispatchFailure"), "{args:?}: {err}");
        assert!(!err.contains("{ "), "a debug structure: {err}");
    }
}

#[test]
fn an_unknown_host_fails_at_once() {
    let s = logged_in("");
    let (arn, _) = s.first_role();
    // `.invalid` never resolves (RFC 6761).
    let endpoint = "http://aws-sso-test.invalid";
    let (err, took) = against(&s, endpoint, &["process", "--arn", &arn], &[]);
    let line = error_line(&err);
    assert!(took < Duration::from_secs(10), "took {took:?}: {err}");
    assert!(line.contains(endpoint) && line.contains("DNS"), "{line}");
    assert!(!err.contains("DispatchFailure"), "{err}");
}

#[test]
fn a_silent_endpoint_is_cut_off_by_the_process_deadline() {
    let s = logged_in("ProcessTimeout: 2\n");
    let (arn, _) = s.first_role();
    let silent = silent_endpoint();
    let (err, took) = against(&s, &silent.url, &["process", "--arn", &arn], &[]);
    let line = error_line(&err);
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "took {took:?}: {err}"
    );
    assert!(line.contains(&silent.url), "{line}");
    assert!(line.contains("no answer within 2s"), "{line}");
    assert!(line.contains("AWS_SSO_TIMEOUT"), "{line}");
    assert!(
        !err.contains("TimeoutError") && !err.contains("{ "),
        "{err}"
    );

    // $AWS_SSO_TIMEOUT wins over the file, for eval too.
    let (err, took) = against(
        &s,
        &silent.url,
        &["eval", "--arn", &arn],
        &[("AWS_SSO_TIMEOUT", "1")],
    );
    assert!(took < Duration::from_secs(8), "took {took:?}: {err}");
    assert!(error_line(&err).contains("no answer within 1s"), "{err}");
}

#[test]
fn a_slow_emulator_is_cut_off_by_the_api_timeout_and_a_bad_timeout_is_refused() {
    let s = logged_in("ApiTimeout: 2\n");
    // Longer than the deadline, short enough not to hold up the emulator's shutdown.
    s.emu
        .set_latency(Operation::ListAccounts, Duration::from_secs(8));
    let started = Instant::now();
    let err = fails(s.run(&["cache"]));
    let took = started.elapsed();
    // One attempt plus a retry at most: never MaxRetry attempts of 30 s.
    assert!(took < Duration::from_secs(10), "took {took:?}: {err}");
    let line = error_line(&err);
    assert!(
        line.contains(&s.emu.url()) && line.contains("no answer within"),
        "{line}"
    );

    let err = fails(
        s.cmd()
            .arg("cache")
            .env("AWS_SSO_TIMEOUT", "soon")
            .output()
            .unwrap(),
    );
    assert!(
        error_line(&err).contains("AWS_SSO_TIMEOUT must be a number of seconds"),
        "{err}"
    );
    let home = common::Home::new();
    home.config_with_json_store("ProcessTimeout: 0\n");
    let err = fails(home.run(&["list"]));
    assert!(
        err.contains("ProcessTimeout") && err.contains("from 1 to 3600"),
        "{err}"
    );
}

/// A stand-in browser that first pokes the login listener the way another local process
/// could (wrong state, no state, another path), logging each status, then completes the login.
const POKING_BROWSER: &str = r#"#!/usr/bin/env python3
import sys, urllib.error, urllib.parse, urllib.request
url = sys.argv[1]
redirect = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)['redirect_uri'][0]
log = open(sys.argv[0] + '.log', 'a')
for probe in ['/?code=stolen&state=wrong', '/?code=stolen', '/?error=access_denied&state=x', '/favicon.ico']:
    try:
        urllib.request.urlopen(redirect.rstrip('/') + probe, timeout=10).read()
        log.write('200\n')
    except urllib.error.HTTPError as e:
        log.write('%d\n' % e.code)
    log.flush()
urllib.request.urlopen(url, timeout=10).read()
log.write('done\n')
"#;

#[test]
fn a_request_without_the_login_state_is_refused_and_the_login_goes_on() {
    let cfg = EmulatorConfig {
        org: Org::synthetic(2, 1, 7),
        ..EmulatorConfig::default()
    };
    let s = setup(cfg, "");
    let opener = s.home.path().join("bin/xdg-open");
    std::fs::write(&opener, POKING_BROWSER).unwrap();
    let out = s.run(&["login"]);
    let err = stderr(&out);
    ok(out);
    let log = std::fs::read_to_string(s.home.path().join("bin/xdg-open.log")).unwrap();
    assert_eq!(log, "400\n400\n400\n404\ndone\n", "{err}");
    assert_eq!(s.emu.counters().calls(Operation::CreateToken), 1);
    assert_eq!(ok(s.run(&["list", "--csv", "Arn"])).lines().count(), 2);
}
