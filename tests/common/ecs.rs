//! Running `aws-sso ecs server` as a child process for the ECS tests: its endpoint read from
//! its own start-up log, its stderr collected, SIGTERM for a clean stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::emulated::Setup;

pub(crate) struct EcsServer {
    child: Child,
    /// `http://127.0.0.1:PORT`, `https://…` or `unix:/path`.
    pub endpoint: String,
    log: Arc<Mutex<String>>,
}

impl EcsServer {
    /// `aws-sso ecs server ARGS`, waiting until it listens.
    pub(crate) fn start(s: &Setup, args: &[&str]) -> EcsServer {
        let mut cmd = s.cmd();
        cmd.args(["ecs", "server"]).args(args);
        EcsServer::spawn(cmd)
    }

    /// [`EcsServer::start`] with at most `nofile` file descriptors (`ulimit -n`).
    pub(crate) fn start_with_nofile(s: &Setup, nofile: u32, args: &[&str]) -> EcsServer {
        let inner = s.cmd();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
            .arg(inner.get_program())
            .args(["ecs", "server"])
            .args(args);
        for (key, value) in inner.get_envs() {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        EcsServer::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> EcsServer {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn aws-sso ecs server");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some((_, ep)) = line.split_once("listening on ") {
                    let _ = tx.send(ep.trim().to_string());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let endpoint = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(ep) => ep,
            Err(_) => {
                let _ = child.kill();
                panic!("the ECS server did not start:\n{}", log.lock().unwrap());
            }
        };
        EcsServer {
            child,
            endpoint,
            log,
        }
    }

    /// `127.0.0.1:PORT` (for --server) of a TCP server.
    pub(crate) fn host_port(&self) -> String {
        let rest = self.endpoint.split_once("://").expect("a TCP endpoint").1;
        rest.to_string()
    }

    pub(crate) fn port(&self) -> u16 {
        self.host_port()
            .rsplit_once(':')
            .unwrap()
            .1
            .parse()
            .unwrap()
    }

    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// SIGTERM, then wait (10 s at most) for the exit.
    pub(crate) fn terminate(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread catch the last lines.
                std::thread::sleep(Duration::from_millis(200));
                return (status, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "no exit after SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for EcsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One plain HTTP/1.1 request to 127.0.0.1:`port`; returns the status and body.
pub(crate) fn http(
    port: u16,
    method: &str,
    path: &str,
    authorization: Option<&str>,
) -> (u16, String) {
    let auth = authorization.map(|a| ("Authorization", a));
    http_with(
        port,
        method,
        path,
        &[("Host", "127.0.0.1")]
            .into_iter()
            .chain(auth)
            .collect::<Vec<_>>(),
        "",
    )
}

/// One plain HTTP/1.1 request to 127.0.0.1:`port` with exactly these headers (plus
/// Content-Length and Connection: close) and body; returns the status and body.
pub(crate) fn http_with(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    write!(
        stream,
        "{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read reply");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a full reply");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json; charset=utf-8"),
        "{head}"
    );
    (status, body.to_string())
}

/// `curl ARGS`; returns the status and body.
pub(crate) fn curl(args: &[&str]) -> (u16, String) {
    let out = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "30", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("run curl (install it: .ci/setup does)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (
        code.trim().parse().unwrap_or(0),
        format!("{body}{}", String::from_utf8_lossy(&out.stderr)),
    )
}

/// botocore's container credential provider against `uri` (with `token` as
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`), then STS GetCallerIdentity on the emulator.
/// Returns the access key id botocore got and the caller ARN.
pub(crate) fn boto3_caller(emulator: &str, uri: &str, token: Option<&str>) -> (String, String) {
    const SCRIPT: &str = "\
import sys, boto3
s = boto3.session.Session(region_name='us-east-1')
c = s.get_credentials()
assert c is not None, 'no credentials'
assert c.method == 'container-role', c.method
f = c.get_frozen_credentials()
arn = s.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn']
print(f.access_key)
print(arn)
";
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-c", SCRIPT, emulator]);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri);
    if let Some(t) = token {
        cmd.env("AWS_CONTAINER_AUTHORIZATION_TOKEN", format!("Bearer {t}"));
    }
    let out = cmd.output().expect("run python3 (with boto3)");
    assert!(
        out.status.success(),
        "boto3 failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = text.lines();
    (
        lines.next().unwrap().to_string(),
        lines.next().unwrap().to_string(),
    )
}
