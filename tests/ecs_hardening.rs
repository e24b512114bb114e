//! The ECS credential server against a hostile neighbour, end to end on the real binary over
//! 127.0.0.1: DNS rebinding (a foreign `Host`), requests from a web browser, hundreds of
//! stalled connections under a low `ulimit -n`, bad PUT bodies, and the start without a token.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aws_sso_emulator::{EmulatorConfig, Org};
use common::ecs::{EcsServer, curl, http, http_with};
use common::emulated::{Setup, setup};
use common::ok;
use serde_json::Value;

fn org() -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(1, 1, 3),
        ..EmulatorConfig::default()
    }
}

fn generate_token(s: &Setup) -> String {
    ok(s.run(&["setup", "ecs", "auth", "--generate"]))
        .trim()
        .to_string()
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// A PUT body loading `profile` with credentials valid for an hour.
fn load_body(profile: &str, key: &str) -> String {
    let expiration = (chrono::Utc::now().timestamp() + 3600) * 1000;
    serde_json::json!({
        "Creds": {"roleName": "Evil", "accountId": 666, "accessKeyId": key,
                  "secretAccessKey": "s", "sessionToken": "t", "expiration": expiration},
        "ProfileName": profile,
    })
    .to_string()
}

/// GET / and PUT / with `host` (and `auth`): both refused with 421, the slot untouched.
fn assert_host_refused(port: u16, host: &str, auth: Option<&str>) {
    let mut headers = vec![("Host", host)];
    headers.extend(auth.map(|a| ("Authorization", a)));
    let (code, body) = http_with(port, "GET", "/", &headers, "");
    assert_eq!(code, 421, "GET with Host {host}: {body}");
    assert!(!body.contains("AccessKeyId"), "{body}");
    assert_eq!(json(&body)["code"], "421");
    let (code, body) = http_with(port, "PUT", "/", &headers, &load_body("evil", "ASIAEVIL"));
    assert_eq!(code, 421, "PUT with Host {host}: {body}");
    let (code, body) = http_with(port, "GET", "/healthcheck", &headers, "");
    assert_eq!(code, 421, "healthcheck with Host {host}: {body}");
}

#[test]
fn a_rebinding_host_or_a_browser_is_refused_with_a_token_and_without() {
    let s = setup(org(), "").logged_in();
    let (_, profile) = s.first_role();

    // No token stored at all: the Host and browser checks still hold.
    let open = EcsServer::start(&s, &["--port", "0"]);
    ok(s.run(&["ecs", "load", "-p", &profile, "--server", &open.host_port()]));
    let port = open.port();
    for host in [
        "evil.example",
        "evil.example:4144",
        "localhost.evil.example",
    ] {
        assert_host_refused(port, host, None);
    }
    let (code, body) = http_with(port, "GET", "/", &[], "");
    assert_eq!(code, 421, "no Host at all: {body}");
    let (code, body) = http(port, "GET", "/", None);
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        json(&body)["AccessKeyId"]
            .as_str()
            .map(|k| k.contains("EVIL")),
        Some(false)
    );
    drop(open);

    let token = generate_token(&s);
    let good = format!("Bearer {token}");
    let server = EcsServer::start(&s, &["--port", "0", "--allow-host", "ecs.test"]);
    ok(s.run(&[
        "ecs",
        "load",
        "-p",
        &profile,
        "--server",
        &server.host_port(),
    ]));
    let port = server.port();
    for host in [
        "evil.example",
        "evil.example:80",
        "127.0.0.1.evil.example",
        "ecs.test.evil",
    ] {
        assert_host_refused(port, host, Some(&good));
    }
    // A browser: any Origin, or a Sec-Fetch-Site other than `none` (a rebound page's own
    // requests are `same-origin`).
    for extra in [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Site", "same-origin"),
    ] {
        let headers = [
            ("Host", "localhost"),
            ("Authorization", good.as_str()),
            extra,
        ];
        let (code, body) = http_with(port, "GET", "/", &headers, "");
        assert_eq!(
            (code, json(&body)["code"].clone()),
            (403, "403".into()),
            "{extra:?}"
        );
        let (code, _) = http_with(port, "PUT", "/", &headers, &load_body("evil", "ASIAEVIL"));
        assert_eq!(code, 403, "{extra:?}");
    }
    // Loopback, localhost and the allowed name are served; so is a typed-in address.
    let port_s = format!("localhost:{port}");
    for host in [
        "127.0.0.1",
        "127.0.0.1:4144",
        "[::1]:4144",
        "LOCALHOST",
        &port_s,
        "ecs.test",
    ] {
        let (code, body) = http_with(
            port,
            "GET",
            "/",
            &[("Host", host), ("Authorization", &good)],
            "",
        );
        assert_eq!(code, 200, "Host {host}: {body}");
        assert_eq!(
            json(&body)["AccessKeyId"]
                .as_str()
                .map(|k| k.contains("EVIL")),
            Some(false)
        );
    }
    let typed = [
        ("Host", "127.0.0.1"),
        ("Authorization", good.as_str()),
        ("Sec-Fetch-Site", "none"),
    ];
    assert_eq!(http_with(port, "GET", "/", &typed, "").0, 200);
    let log = server.log();
    assert!(
        log.contains("code=421") && log.contains("code=403"),
        "{log}"
    );
    assert!(!log.contains("evil.example"), "the Host was logged:\n{log}");
}

#[test]
fn curl_over_a_unix_socket_works_whatever_host_its_url_names() {
    let s = setup(org(), "").logged_in();
    let (_, profile) = s.first_role();
    let token = generate_token(&s);
    let sock = s.home.path().join("ecs.sock");
    let sock_s = sock.to_str().unwrap();
    let _server = EcsServer::start(&s, &["--unix-socket", sock_s]);
    ok(s.run(&[
        "ecs",
        "load",
        "-p",
        &profile,
        "--server",
        &format!("unix:{sock_s}"),
    ]));
    let auth = format!("Authorization: Bearer {token}");
    for url in ["http://localhost/", "http://ecs/"] {
        let (code, body) = curl(&["--unix-socket", sock_s, "-H", &auth, url]);
        assert_eq!(code, 200, "{url}: {body}");
    }
    let (code, _) = curl(&[
        "--unix-socket",
        sock_s,
        "-H",
        &auth,
        "-H",
        "Origin: http://x",
        "http://localhost/",
    ]);
    assert_eq!(code, 403);
}

#[test]
fn docker_mode_uses_the_stored_token() {
    let s = setup(org(), "").logged_in();
    let token = generate_token(&s);
    let server = EcsServer::start(&s, &["--docker", "--bind-ip", "127.0.0.1", "--port", "0"]);
    assert!(
        server.endpoint.starts_with("http://127.0.0.1:"),
        "{}",
        server.endpoint
    );
    let log = server.log();
    assert!(log.contains("HTTP Auth: enabled"), "{log}");
    assert!(!log.contains("WITHOUT a bearer token"), "{log}");
    let port = server.port();
    assert_eq!(http(port, "GET", "/", None).0, 403);
    let (code, body) = http(port, "GET", "/", Some(&format!("Bearer {token}")));
    assert_eq!(
        (code, json(&body)["message"].clone()),
        (404, "Credentials expired".into())
    );
}

#[test]
fn a_put_with_bad_json_or_missing_fields_is_a_400_with_a_one_line_reason() {
    let s = setup(org(), "").logged_in();
    let token = generate_token(&s);
    let good = format!("Bearer {token}");
    let server = EcsServer::start(&s, &["--port", "0"]);
    let port = server.port();
    let headers = [("Host", "127.0.0.1"), ("Authorization", good.as_str())];
    let mut no_key = json(&load_body("dev", "ASIAOK"));
    no_key["Creds"]
        .as_object_mut()
        .unwrap()
        .remove("accessKeyId");
    let no_key = no_key.to_string();
    for (path, body, says) in [
        ("/", "{not json", "Syntax error at line 1 column 2"),
        ("/", "", "Eof error"),
        (
            "/slot/dev",
            r#"{"ProfileName":"dev"}"#,
            "missing field `Creds`",
        ),
        (
            "/",
            r#"{"Creds":{"accountId":"SEKRIT"},"ProfileName":"x"}"#,
            "Data error",
        ),
        ("/slot/dev", &no_key, "missing accessKeyId"),
        ("/", &load_body("", "ASIAOK"), "missing ProfileName"),
    ] {
        let (code, reply) = http_with(port, "PUT", path, &headers, body);
        assert_eq!(code, 400, "{body}: {reply}");
        let message = json(&reply)["message"].as_str().unwrap().to_string();
        assert!(message.contains(says), "{body}: {message}");
        assert!(
            !message.contains('\n') && !message.contains("SEKRIT"),
            "{message}"
        );
    }
    assert_eq!(http(port, "GET", "/", Some(&good)).0, 404);
}

#[test]
fn an_authorised_client_is_served_within_a_second_while_hundreds_of_connections_stall() {
    let s = setup(org(), "").logged_in();
    let (_, profile) = s.first_role();
    let token = generate_token(&s);
    let good = format!("Bearer {token}");
    // Fewer descriptors than stalled connections: the server must not run out, or spin.
    let server = EcsServer::start_with_nofile(&s, 256, &["--port", "0"]);
    ok(s.run(&[
        "ecs",
        "load",
        "-p",
        &profile,
        "--server",
        &server.host_port(),
    ]));
    let port = server.port();
    let (code, body) = http(port, "GET", "/", Some(&good));
    assert_eq!(code, 200, "{body}");
    let key = json(&body)["AccessKeyId"].as_str().unwrap().to_string();

    let put = |auth: &str| {
        format!(
            "PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Length: 4000\r\n\r\n{{\"Creds\":{{"
        )
    };
    let stalls = [
        String::new(),
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriza".to_string(),
        put(&format!("Authorization: {good}\r\n")),
        put(""),
    ];
    let mut stalled = Vec::new();
    for i in 0..480 {
        let mut c = TcpStream::connect(("127.0.0.1", port)).expect("connect a staller");
        c.write_all(stalls[i % stalls.len()].as_bytes()).unwrap();
        stalled.push(c);
    }
    let authorised_get = || {
        let started = Instant::now();
        let (code, body) = http(port, "GET", "/", Some(&good));
        let took = started.elapsed();
        assert_eq!(code, 200, "{body}");
        assert_eq!(json(&body)["AccessKeyId"], key.as_str());
        assert!(
            took < Duration::from_secs(1),
            "took {took:?}\n{}",
            server.log()
        );
    };
    for _ in 0..5 {
        authorised_get();
    }
    // More stall while the first ones are still open; then the stalled ones have timed out.
    for i in 0..200 {
        if let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = c.write_all(stalls[i % stalls.len()].as_bytes());
            stalled.push(c);
        }
    }
    authorised_get();
    std::thread::sleep(Duration::from_secs(6));
    authorised_get();
    let (code, body) = http(port, "GET", "/healthcheck", None);
    assert_eq!(code, 200, "{body}");
    drop(stalled);
    let (status, log) = server.terminate();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(!log.contains("panick"), "{log}");
}

/// Waits (30 s at most) for a stderr line of `aws-sso ARGS` that contains `needle`.
fn stderr_line(s: &Setup, args: &[&str], needle: &str) -> Option<String> {
    let mut child = s
        .cmd()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn aws-sso");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let needle = needle.to_string();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&needle) {
                let _ = tx.send(line);
            }
        }
    });
    let found = rx.recv_timeout(Duration::from_secs(30)).ok();
    let _ = child.kill();
    let _ = child.wait();
    found
}

#[test]
fn starting_without_a_token_says_so_on_stderr_whatever_the_log_level() {
    let s = setup(org(), "");
    let loud = "WARNING: the ECS server runs WITHOUT a bearer token";
    let line = stderr_line(&s, &["ecs", "server", "--port", "0", "-L", "error"], loud)
        .expect("no warning on stderr");
    assert!(
        line.starts_with(loud) && line.contains("aws-sso setup ecs auth --generate"),
        "{line}"
    );
    let line = stderr_line(
        &s,
        &[
            "ecs",
            "server",
            "--port",
            "0",
            "--disable-auth",
            "-L",
            "error",
        ],
        loud,
    )
    .expect("no warning with --disable-auth");
    assert!(line.contains("drop --disable-auth"), "{line}");

    let server = EcsServer::start(&s, &["--port", "0"]);
    assert_eq!(server.log().matches(loud).count(), 1, "{}", server.log());
    drop(server);
    generate_token(&s);
    let server = EcsServer::start(&s, &["--port", "0"]);
    assert!(!server.log().contains(loud), "{}", server.log());
}
