//! Several processes writing the secure store at once must never lose each other's entries or
//! leave a damaged store (#1084). The test re-executes its own binary: children are told what
//! to do through `AWS_SSO_STORE_CHILD` and run the same test function in "child mode".
//!
//! Two writers and a reader run against the `json` and the encrypted `file` backend:
//! * phase 1, lock-step: each writer keeps one long-lived store and waits for the other's
//!   previous entry before writing, so a writer that wrote back its stale cached view would
//!   drop the other's entries;
//! * phase 2, free-running: each write through a fresh store, as fast as possible, so a
//!   read-modify-write that is not serialised by `storage.lock` would lose updates;
//! * the reader keeps loading fresh stores and must never see a torn or damaged document.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sso::store::file::KdfParams;
use aws_sso::store::password::FixedPassword;
use aws_sso::store::{RoleCredentials, Secret, SecureStore, StoreOptions};

const CHILD_ENV: &str = "AWS_SSO_STORE_CHILD";
const LOCKSTEP_WRITES: usize = 30;
const FREE_WRITES: usize = 40;
const READS: usize = 60;
const ROLES: [&str; 3] = ["writer:a", "writer:b", "reader"];
/// 2100-01-01: fixed so values compare equal across processes.
const FAR_FUTURE_MS: i64 = 4_102_444_800_000;

fn open(config_dir: &Path, kind: &str) -> SecureStore {
    let mut o = StoreOptions::new(config_dir);
    o.secure_store = Some(kind.to_owned());
    o.kdf = KdfParams::fast_for_tests();
    o.lock_timeout = Duration::from_secs(60);
    let pw = Arc::new(FixedPassword(Secret::from("concurrency-pw")));
    SecureStore::open(&o, pw).unwrap().0
}

/// The entry named `name` lives at ARN `arn:<name>`; its role name is `name` too, so a reader
/// can check every entry it sees is whole.
fn arn(name: &str) -> String {
    format!("arn:{name}")
}

fn creds(name: &str) -> RoleCredentials {
    RoleCredentials {
        role_name: name.to_owned(),
        account_id: 123456789012,
        access_key_id: format!("ASIA-{name}"),
        secret_access_key: Secret::from(format!("secret-{name}")),
        session_token: Secret::from(format!("token-{name}")),
        expiration: FAR_FUTURE_MS,
        role_chaining: false,
    }
}

fn entry_names() -> Vec<String> {
    let mut names = Vec::new();
    for tag in ["a", "b"] {
        names.extend((0..LOCKSTEP_WRITES).map(|i| format!("{tag}-step-{i}")));
        names.extend((0..FREE_WRITES).map(|i| format!("{tag}-free-{i}")));
    }
    names
}

/// A cross-process barrier: announce ourselves, then wait until every child has, so the
/// children really overlap instead of running one after the other.
fn start_together(dir: &Path, role: &str) {
    let flag = |r: &str| dir.join(format!("ready-{}", r.replace(':', "-")));
    std::fs::write(flag(role), b"").unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ROLES.iter().all(|r| flag(r).exists()) {
        assert!(Instant::now() < deadline, "siblings never started");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Poll fresh stores (each a full load under the shared lock) until entry `name` shows up.
fn wait_for(dir: &Path, kind: &str, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while open(dir, kind)
        .role_credentials(&arn(name))
        .unwrap()
        .is_none()
    {
        assert!(Instant::now() < deadline, "{name} never appeared");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn writer(dir: &Path, kind: &str, tag: &str) {
    let other = if tag == "a" { "b" } else { "a" };
    let store = open(dir, kind);
    for i in 0..LOCKSTEP_WRITES {
        if i > 0 {
            wait_for(dir, kind, &format!("{other}-step-{}", i - 1));
        }
        let name = format!("{tag}-step-{i}");
        store
            .put_role_credentials(&arn(&name), creds(&name))
            .unwrap();
    }
    for i in 0..FREE_WRITES {
        let name = format!("{tag}-free-{i}");
        open(dir, kind)
            .put_role_credentials(&arn(&name), creds(&name))
            .unwrap();
    }
}

fn reader(dir: &Path, kind: &str) {
    for _ in 0..READS {
        for (a, c) in open(dir, kind).list_role_credentials().unwrap() {
            assert_eq!(a, arn(&c.role_name), "entry {a} is whole");
            assert_eq!(c, creds(&c.role_name), "entry {a} is whole");
        }
    }
}

/// Child mode: `<kind>|<dir>|<role>`.
fn run_child(spec: &str) {
    let mut parts = spec.splitn(3, '|');
    let kind = parts.next().unwrap();
    let dir = Path::new(parts.next().unwrap());
    let role = parts.next().unwrap();
    start_together(dir, role);
    match role.strip_prefix("writer:") {
        Some(tag) => writer(dir, kind, tag),
        None => reader(dir, kind),
    }
}

fn spawn(kind: &str, dir: &Path, role: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "concurrent_processes_lose_nothing",
            "--nocapture",
        ])
        .env(CHILD_ENV, format!("{kind}|{}|{role}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn check_kind(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = ROLES
        .iter()
        .map(|role| (role, spawn(kind, dir.path(), role)))
        .collect();
    for (role, child) in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("test result: ok. 1 passed"),
            "{kind} {role} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = open(dir.path(), kind);
    let stored: Vec<String> = store
        .list_role_credentials()
        .unwrap()
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    let mut expected: Vec<String> = entry_names().iter().map(|n| arn(n)).collect();
    expected.sort();
    assert_eq!(stored, expected, "{kind}: some writes were lost");
    for name in entry_names() {
        assert_eq!(
            store.role_credentials(&arn(&name)).unwrap(),
            Some(creds(&name))
        );
    }
}

#[test]
fn concurrent_processes_lose_nothing() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        run_child(&spec);
        return;
    }
    check_kind("json");
    check_kind("file");
}
