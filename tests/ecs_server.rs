//! The ECS credential server as users run it: the real binary's `ecs server` against the
//! emulator, fed by `ecs load`, read by botocore's container credential provider (which then
//! calls STS on the emulator), curl over a unix socket and over TLS, and raw HTTP.

mod common;

use std::time::Duration;

use aws_sso_emulator::{EmulatorConfig, Operation, Org};
use common::ecs::{EcsServer, boto3_caller, curl, http};
use common::emulated::{Setup, setup};
use common::{fails, ok};
use serde_json::Value;

fn org() -> EmulatorConfig {
    EmulatorConfig {
        org: Org::synthetic(2, 2, 11),
        ..EmulatorConfig::default()
    }
}

/// Two cached roles: (arn, profile) each.
fn two_roles(s: &Setup) -> [(String, String); 2] {
    let out = ok(s.run(&["list", "--csv", "Arn,Profile"]));
    let mut roles = out.lines().map(|l| {
        let (a, p) = l.split_once(',').unwrap();
        (a.to_string(), p.to_string())
    });
    [roles.next().unwrap(), roles.next().unwrap()]
}

fn role_name(arn: &str) -> &str {
    arn.rsplit_once('/').unwrap().1
}

fn generate_token(s: &Setup) -> String {
    let token = ok(s.run(&["setup", "ecs", "auth", "--generate"]))
        .trim()
        .to_string();
    assert!(token.len() >= 40, "{token}");
    token
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn expiry(creds: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(creds["Expiration"].as_str().unwrap())
        .unwrap()
        .timestamp()
}

#[test]
fn boto3_and_the_ecs_commands_over_tcp_with_a_bearer_token() {
    let s = setup(org(), "").logged_in();
    let [(arn1, profile1), (arn2, profile2)] = two_roles(&s);
    let token = generate_token(&s);
    let server = EcsServer::start(&s, &["--port", "0"]);
    let log = server.log();
    assert!(
        log.contains("HTTP Auth: enabled") && log.contains("SSL/TLS: disabled"),
        "{log}"
    );
    let addr = server.host_port();
    let ecs = |args: &[&str]| {
        let mut all = vec!["ecs"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--server", &addr]);
        s.run(&all)
    };

    let err = fails(ecs(&["profile"]));
    assert!(err.contains("no profile loaded in ECS Server"), "{err}");
    assert_eq!(
        ok(ecs(&["list"])),
        "No profiles are stored in any named slots.\n"
    );

    ok(ecs(&["load", "-p", &profile1]));
    ok(ecs(&["load", "--slotted", "--arn", &arn2]));

    // botocore: default slot, then the named one.
    let base = server.endpoint.clone();
    let (key1, caller1) = boto3_caller(&s.emu.url(), &format!("{base}/"), Some(&token));
    assert!(caller1.contains(role_name(&arn1)), "{caller1} vs {arn1}");
    let slot_uri = format!(
        "{base}/slot/{}",
        profile2.replace(':', "%3A").replace('/', "%2F")
    );
    let (key2, caller2) = boto3_caller(&s.emu.url(), &slot_uri, Some(&token));
    assert!(caller2.contains(role_name(&arn2)), "{caller2} vs {arn2}");
    assert_ne!(key1, key2);
    assert!(s.calls(Operation::GetCallerIdentity) >= 2);

    let table = ok(ecs(&["profile"]));
    assert!(table.starts_with("ProfileName"), "{table}");
    assert!(
        table.contains(&profile1) && table.contains(role_name(&arn1)),
        "{table}"
    );
    let table = ok(ecs(&["list"]));
    assert!(
        table.contains(&profile2) && !table.contains(&profile1),
        "{table}"
    );

    // History was recorded for the loaded role.
    let cache = std::fs::read_to_string(s.home.config_dir().join("cache.json")).unwrap();
    assert!(cache.contains("\"History\""), "no History in cache.json");

    ok(ecs(&["unload", "-p", &profile2]));
    assert_eq!(
        ok(ecs(&["list"])),
        "No profiles are stored in any named slots.\n"
    );
    ok(ecs(&["unload"]));
    fails(ecs(&["profile"]));
    let err = fails(ecs(&["unload"]));
    assert!(err.contains("ECS Server HTTP error: 404"), "{err}");

    // Every request was logged, without the token or any secret.
    let (status, log) = server.terminate();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(
        log.contains("ECS request") && log.contains("code=200"),
        "{log}"
    );
    assert!(
        log.contains("method=PUT") && log.contains("path=/slot/"),
        "{log}"
    );
    assert!(!log.contains(&token), "the token was logged:\n{log}");
    let store = std::fs::read_to_string(s.home.config_dir().join("store.json")).unwrap();
    let secret = json(&store)["RoleCredentials"][&arn1]["secretAccessKey"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!log.contains(&secret), "a secret key was logged");
}

#[test]
fn a_missing_or_wrong_token_gets_403_and_nothing_else() {
    let s = setup(org(), "").logged_in();
    let [(_, profile), _] = two_roles(&s);
    let token = generate_token(&s);
    let server = EcsServer::start(&s, &["--port", "0"]);
    ok(s.run(&[
        "ecs",
        "load",
        "-p",
        &profile,
        "--server",
        &server.host_port(),
    ]));
    let port = server.port();
    let good = format!("Bearer {token}");
    let (code, body) = http(port, "GET", "/", Some(&good));
    assert_eq!(code, 200, "{body}");
    let secret = json(&body)["SecretAccessKey"].as_str().unwrap().to_string();

    let forbidden = "{\"code\":\"403\",\"message\":\"Invalid authorization token\"}\n";
    let wrong = format!("Bearer {token}x");
    for auth in [
        None,
        Some("Bearer nope"),
        Some(token.as_str()),
        Some(wrong.as_str()),
    ] {
        for path in ["/", "/profile", "/slot", &format!("/slot/{profile}")] {
            for method in ["GET", "PUT", "DELETE"] {
                let (code, body) = http(port, method, path, auth);
                assert_eq!(
                    (code, body.as_str()),
                    (403, forbidden),
                    "{method} {path} {auth:?}"
                );
            }
        }
    }
    // Still loaded: no refused DELETE went through. Health checks need no token.
    assert_eq!(http(port, "GET", "/", Some(&good)).0, 200);
    let (code, body) = http(port, "GET", "/healthcheck", None);
    assert_eq!(code, 200);
    let h = json(&body);
    assert_eq!(
        (h["status"].as_str(), h["profile"].as_str()),
        (Some("ok"), Some(profile.as_str()))
    );
    assert!(!body.contains(&secret));

    // A client holding another token is refused with the server's message.
    ok(s.run(&["setup", "ecs", "auth", "-t", "some-other-token"]));
    let err = fails(s.run(&["ecs", "list", "--server", &server.host_port()]));
    assert!(
        err.contains("ECS Server HTTP error: 403 (Invalid authorization token)"),
        "{err}"
    );
    let log = server.log();
    assert!(log.contains("code=403"), "{log}");
    for leaked in [token.as_str(), secret.as_str(), "some-other-token", "nope"] {
        assert!(!log.contains(leaked), "{leaked} in the log:\n{log}");
    }
    drop(server);

    // With auth disabled, a request that sends a header anyway is served (aws-sso-cli: 403).
    let open = EcsServer::start(&s, &["--port", "0", "--disable-auth"]);
    assert!(open.log().contains("HTTP Auth: disabled"));
    ok(s.run(&["ecs", "load", "-p", &profile, "--server", &open.host_port()]));
    assert_eq!(
        http(open.port(), "GET", "/", Some("Bearer whatever")).0,
        200
    );
    assert_eq!(http(open.port(), "GET", "/", None).0, 200);
}

#[test]
fn unix_socket_with_mode_0600_and_a_clean_sigterm() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup(org(), "").logged_in();
    let [(arn, profile), _] = two_roles(&s);
    let token = generate_token(&s);
    let sock = s.home.path().join("ecs.sock");
    let sock_s = sock.to_str().unwrap();
    let server = EcsServer::start(&s, &["--unix-socket", sock_s]);
    assert_eq!(server.endpoint, format!("unix:{sock_s}"));
    let mode = std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let target = format!("unix:{sock_s}");
    ok(s.run(&["ecs", "load", "-p", &profile, "--server", &target]));
    let auth = format!("Authorization: Bearer {token}");
    let (code, body) = curl(&["--unix-socket", sock_s, "-H", &auth, "http://localhost/"]);
    assert_eq!(code, 200, "{body}");
    let creds = json(&body);
    assert_eq!(creds["RoleArn"], arn.as_str());
    assert!(expiry(&creds) > chrono::Utc::now().timestamp() + 600);
    let (code, _) = curl(&["--unix-socket", sock_s, "http://localhost/"]);
    assert_eq!(code, 403);
    assert!(ok(s.run(&["ecs", "profile", "--server", &target])).contains(&profile));

    let (status, log) = server.terminate();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(log.contains("shutting down"), "{log}");
    assert!(!sock.exists(), "the socket file was left behind");
}

#[test]
fn tls_with_a_self_signed_certificate() {
    let s = setup(org(), "").logged_in();
    let [(arn, profile), _] = two_roles(&s);
    let token = generate_token(&s);
    let dir = s.home.path();
    let (cert, key, other_key) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("other.pem"),
    );
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .output()
            .expect("run openssl (install it: .ci/setup does)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
        "-keyout",
        key.to_str().unwrap(),
        "-out",
        cert.to_str().unwrap(),
    ]);
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-out",
        other_key.to_str().unwrap(),
    ]);
    let (cert_s, key_s) = (cert.to_str().unwrap(), key.to_str().unwrap());
    // A key of another certificate is refused, naming the files, quoting nothing.
    let err = fails(s.run(&[
        "setup",
        "ecs",
        "ssl",
        "-c",
        cert_s,
        "-k",
        other_key.to_str().unwrap(),
    ]));
    assert!(err.contains("other.pem") && !err.contains("BEGIN"), "{err}");
    let err = fails(s.run(&["setup", "ecs", "ssl", "-c", key_s]));
    assert!(err.contains("no certificate found"), "{err}");
    ok(s.run(&["setup", "ecs", "ssl", "-c", cert_s, "-k", key_s]));
    let printed = ok(s.run(&["setup", "ecs", "ssl", "--print"]));
    assert_eq!(printed, std::fs::read_to_string(&cert).unwrap());

    let server = EcsServer::start(&s, &["--port", "0"]);
    assert!(
        server.endpoint.starts_with("https://"),
        "{}",
        server.endpoint
    );
    assert!(server.log().contains("SSL/TLS: enabled"));
    let target = format!("localhost:{}", server.port());
    // The client trusts the stored certificate.
    ok(s.run(&[
        "ecs",
        "load",
        "--slotted",
        "-p",
        &profile,
        "--server",
        &target,
    ]));
    let url = format!(
        "https://localhost:{}/slot/{}",
        server.port(),
        profile.replace(':', "%3A")
    );
    let auth = format!("Authorization: Bearer {token}");
    let (code, body) = curl(&["--cacert", cert_s, "-H", &auth, &url]);
    assert_eq!(code, 200, "{body}");
    assert_eq!(json(&body)["RoleArn"], arn.as_str());
    // Without trusting it, or in clear text, nothing.
    let (code, _) = curl(&["-H", &auth, &url]);
    assert_eq!(code, 0);
    let (code, _) = curl(&["-H", &auth, &url.replace("https://", "http://")]);
    assert_ne!(code, 200);

    ok(s.run(&["setup", "ecs", "ssl", "--delete"]));
    let err = fails(s.run(&["setup", "ecs", "ssl", "--print"]));
    assert!(err.contains("no certificate found"), "{err}");
}

fn short_lived() -> EmulatorConfig {
    EmulatorConfig {
        role_credential_lifetime: Duration::from_secs(20),
        ..org()
    }
}

#[test]
fn a_loaded_slot_is_renewed_across_its_expiry() {
    let s = setup(short_lived(), "").logged_in();
    let [(arn, profile), _] = two_roles(&s);
    let server = EcsServer::start(&s, &["--port", "0"]);
    ok(s.run(&[
        "ecs",
        "load",
        "-p",
        &profile,
        "--server",
        &server.host_port(),
    ]));
    let port = server.port();
    let (code, body) = http(port, "GET", "/", None);
    assert_eq!(code, 200, "{body}");
    let first = json(&body);
    let first_expiry = expiry(&first);
    let left = first_expiry - chrono::Utc::now().timestamp();
    assert!((1..=20).contains(&left), "{left}");
    std::thread::sleep(Duration::from_secs(u64::try_from(left).unwrap() + 2));

    let (code, body) = http(port, "GET", "/", None);
    assert_eq!(code, 200, "{body}\n{}", server.log());
    let renewed = json(&body);
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);
    assert!(expiry(&renewed) > chrono::Utc::now().timestamp());
    assert!(s.calls(Operation::GetRoleCredentials) >= 2);
    // The renewed credentials work.
    let (key, caller) = boto3_caller(&s.emu.url(), &format!("{}/", server.endpoint), None);
    assert!(caller.contains(role_name(&arn)), "{caller}");
    assert_ne!(key, first["AccessKeyId"].as_str().unwrap());
    assert!(
        server.log().contains("renewed the credentials"),
        "{}",
        server.log()
    );
}

#[test]
fn two_hundred_parallel_clients_on_a_due_slot_cause_one_get_role_credentials() {
    let s = setup(short_lived(), "").logged_in();
    let [(_, profile), _] = two_roles(&s);
    let server = EcsServer::start(&s, &["--port", "0"]);
    ok(s.run(&[
        "ecs",
        "load",
        "-p",
        &profile,
        "--server",
        &server.host_port(),
    ]));
    let port = server.port();
    let first = json(&http(port, "GET", "/", None).1);
    // Renewal is due half-way through the 20 s; make it take 3 s so the clients all arrive
    // while it runs, with the old credentials a few seconds from expiry.
    s.emu
        .set_latency(Operation::GetRoleCredentials, Duration::from_secs(3));
    let before = s.calls(Operation::GetRoleCredentials);
    let due = expiry(&first) - 10;
    let wait = (due - chrono::Utc::now().timestamp()).max(0);
    std::thread::sleep(Duration::from_millis(
        u64::try_from(wait).unwrap() * 1000 + 600,
    ));

    let clients: Vec<_> = (0..200)
        .map(|_| std::thread::spawn(move || http(port, "GET", "/", None)))
        .collect();
    let mut keys = std::collections::BTreeSet::new();
    for c in clients {
        let (code, body) = c.join().unwrap();
        assert_eq!(code, 200, "{body}");
        keys.insert(json(&body)["AccessKeyId"].as_str().unwrap().to_string());
    }
    assert_eq!(
        s.calls(Operation::GetRoleCredentials),
        before + 1,
        "{}",
        server.log()
    );
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(!keys.contains(first["AccessKeyId"].as_str().unwrap()));
}

#[test]
fn bad_server_addresses_and_docker_are_clear_one_line_errors() {
    let s = setup(org(), "");
    for bad in [
        "localhost",
        "localhost:0",
        "localhost:99999",
        "http://localhost:4144",
    ] {
        let err = fails(s.run(&["ecs", "list", "--server", bad]));
        assert!(
            err.contains(&format!("'{bad}'")) && err.contains("HOST:PORT"),
            "{err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let err = fails(
        s.cmd()
            .args(["ecs", "list"])
            .env("AWS_SSO_ECS_SERVER", "nope")
            .output()
            .unwrap(),
    );
    assert!(err.contains("'nope'"), "{err}");
    let err = fails(s.run(&["ecs", "list", "--server", "127.0.0.1:1"]));
    assert!(
        err.contains("cannot reach the ECS server at 127.0.0.1:1"),
        "{err}"
    );
    for cmd in [&["ecs", "docker", "start"][..], &["ecs", "docker", "stop"]] {
        let err = fails(s.run(cmd));
        assert!(err.contains("Docker integration"), "{err}");
    }
    let err = fails(s.run(&["setup", "ecs", "auth", "-t", "Bearer x"]));
    assert!(
        err.contains("token should not start with 'Bearer '"),
        "{err}"
    );
    // --print shows the stored token, or says how to make one.
    let err = fails(s.run(&["setup", "ecs", "auth", "--print"]));
    assert!(err.contains("no ECS bearer token is stored"), "{err}");
    let token = generate_token(&s);
    assert_eq!(
        ok(s.run(&["setup", "ecs", "auth", "--print"])).trim(),
        token
    );
    ok(s.run(&["setup", "ecs", "auth", "--delete"]));
    fails(s.run(&["setup", "ecs", "auth", "--print"]));
}
