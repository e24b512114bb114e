//! Several processes writing the secure store at once must never lose each other's entries or
//! leave a damaged store (#1084). The test re-executes its own binary: children are told what
//! to do through `AWS_SSO_STORE_CHILD` and run the same test function in "child mode".

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use aws_sso::store::file::KdfParams;
use aws_sso::store::password::FixedPassword;
use aws_sso::store::{RoleCredentials, Secret, SecureStore, StoreOptions};

const CHILD_ENV: &str = "AWS_SSO_STORE_CHILD";
const WRITES: usize = 60;
const READS: usize = 60;

fn options(config_dir: &Path, kind: &str) -> StoreOptions {
    let mut o = StoreOptions::new(config_dir);
    o.secure_store = Some(kind.to_owned());
    o.kdf = KdfParams::fast_for_tests();
    o.lock_timeout = Duration::from_secs(60);
    o
}

fn open(config_dir: &Path, kind: &str) -> SecureStore {
    let pw = Arc::new(FixedPassword(Secret::from("concurrency-pw")));
    SecureStore::open(&options(config_dir, kind), pw).unwrap().0
}

/// 2100-01-01: fixed so values compare equal across processes.
const FAR_FUTURE_MS: i64 = 4_102_444_800_000;

fn creds(tag: &str, i: usize) -> RoleCredentials {
    RoleCredentials {
        role_name: format!("{tag}-{i}"),
        account_id: i as u64,
        access_key_id: format!("ASIA{tag}{i}"),
        secret_access_key: Secret::from(format!("secret-{tag}-{i}")),
        session_token: Secret::from(format!("token-{tag}-{i}")),
        expiration: FAR_FUTURE_MS,
        role_chaining: false,
    }
}

/// Child mode: `writer:<tag>` or `reader`, against `<kind>` in `<dir>`.
fn run_child(spec: &str) {
    let mut parts = spec.splitn(3, '|');
    let (kind, dir, role) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let dir = Path::new(dir);
    start_together(dir, role);
    if let Some(tag) = role.strip_prefix("writer:") {
        // One long-lived store, like a busy `aws-sso` process: its cached view goes stale,
        // but every write must re-read what the other writer stored.
        // Alternate with the other writer (wait until its previous entry is visible) so the
        // writes interleave for sure; a writer that wrote back its stale cached view would
        // then drop the other's entries.
        let other = if tag == "a" { "b" } else { "a" };
        let store = open(dir, kind);
        for i in 0..WRITES {
            if i > 0 {
                wait_for(dir, kind, &format!("arn:{other}:{}", i - 1));
            }
            store
                .put_role_credentials(&format!("arn:{tag}:{i}"), creds(tag, i))
                .unwrap();
        }
    } else {
        // Fresh stores, each loading under the shared lock: must never see a torn document.
        for _ in 0..READS {
            let store = open(dir, kind);
            let all = store.list_role_credentials().unwrap();
            for (arn, c) in all {
                let tag_i = arn.strip_prefix("arn:").unwrap().replace(':', "-");
                assert_eq!(c.role_name, tag_i, "entry {arn} is intact");
            }
        }
    }
}

const ROLES: [&str; 3] = ["writer:a", "writer:b", "reader"];

/// A cross-process barrier: announce ourselves, then wait until every child has, so the
/// writers really overlap instead of running one after the other.
fn start_together(dir: &Path, role: &str) {
    let flag = |r: &str| dir.join(format!("ready-{}", r.replace(':', "-")));
    std::fs::write(flag(role), b"").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !ROLES.iter().all(|r| flag(r).exists()) {
        assert!(
            std::time::Instant::now() < deadline,
            "siblings never started"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Poll fresh stores (each a full load under the shared lock) until `arn` shows up.
fn wait_for(dir: &Path, kind: &str, arn: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while open(dir, kind).role_credentials(arn).unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "{arn} never appeared");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn spawn(kind: &str, dir: &Path, role: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "concurrent_processes_lose_nothing",
            "--nocapture",
            "--test-threads=1",
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
        assert!(
            out.status.success(),
            "{kind} {role} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = open(dir.path(), kind);
    let all = store.list_role_credentials().unwrap();
    assert_eq!(all.len(), 2 * WRITES, "{kind}: some writes were lost");
    for tag in ["a", "b"] {
        for i in 0..WRITES {
            let got = store
                .role_credentials(&format!("arn:{tag}:{i}"))
                .unwrap()
                .unwrap();
            let want = creds(tag, i);
            assert_eq!(got.role_name, want.role_name);
            assert_eq!(got.secret_access_key, want.secret_access_key);
            assert_eq!(got.session_token, want.session_token);
        }
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
