//! The `aws-sso-emulator` binary as scripts use it: its first stdout line names the URL it
//! serves on, and that URL answers like the portal API.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The status code of `GET /assignment/accounts` without a token (the portal answers 401).
fn unauthorised_status(url: &str) -> Option<u16> {
    let host = url.strip_prefix("http://")?;
    let mut stream = TcpStream::connect(host).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let request =
        format!("GET /assignment/accounts HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut reply = String::new();
    BufReader::new(stream).read_to_string(&mut reply).ok()?;
    reply.split(' ').nth(1)?.parse().ok()
}

#[test]
fn the_binary_prints_its_url_first() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aws-sso-emulator"))
        .args(["--port", "0", "--accounts", "3", "--roles", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn aws-sso-emulator");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("first line");
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .map(str::to_owned);
    let status = url.as_deref().and_then(unauthorised_status);
    child.kill().expect("stop the emulator");
    let _ = child.wait();
    let url = url.unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(status, Some(401));
}
