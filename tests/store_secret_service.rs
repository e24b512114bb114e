//! The keyring backends against the real thing: gnome-keyring's Secret Service inside a private
//! `dbus-run-session`, and the kernel keyring inside `keyctl session`. Also the failure modes:
//! no session bus, a locked keyring, no keyring at all — each must fail fast with a clear
//! message, never hang.
//!
//! Each test starts the environment itself and re-executes this test binary inside it; the
//! child runs the same test function with `AWS_SSO_KEYRING_CHILD=<scenario>`. A fresh
//! `XDG_DATA_HOME` (where gnome-keyring keeps its keyrings) and `XDG_RUNTIME_DIR` per test keep
//! runs apart. Needs the Debian packages `dbus gnome-keyring libsecret-tools keyutils`.

#![cfg(target_os = "linux")]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sso::store::password::NoPasswordSource;
use aws_sso::store::{
    BackendKind, CreateTokenResponse, RegisterClientData, RoleCredentials, Secret, SecureStore,
    StoreError, StoreOptions,
};

const CHILD_ENV: &str = "AWS_SSO_KEYRING_CHILD";
const CONFIG_ENV: &str = "AWS_SSO_KEYRING_TEST_CONFIG";
const PACKAGES: &str = "dbus gnome-keyring libsecret-tools keyutils";
/// A failing keyring call must come back well before this.
const FAST: Duration = Duration::from_secs(5);
const ITEM_ATTRS: [&str; 4] = ["service", "aws-sso-cli", "username", "aws-sso-cli-records"];

fn find_tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` is not installed: run `apt-get install -y --no-install-recommends {PACKAGES}`")
        })
}

fn options(kind: Option<&str>) -> StoreOptions {
    let dir = std::env::var(CONFIG_ENV).expect("config dir from the parent");
    let mut o = StoreOptions::new(dir);
    o.secure_store = kind.map(str::to_owned);
    o.keyring_timeout = Duration::from_secs(8);
    o.lock_timeout = Duration::from_secs(10);
    o
}

fn open(kind: Option<&str>) -> Result<(SecureStore, aws_sso::store::Selection), StoreError> {
    SecureStore::open(&options(kind), Arc::new(NoPasswordSource))
}

/// Run `f`, which must fail, and return its message after checking it failed fast.
fn fails_fast<T>(what: &str, f: impl FnOnce() -> Result<T, StoreError>) -> String {
    let start = Instant::now();
    let result = f();
    let took = start.elapsed();
    let msg = match result {
        Ok(_) => panic!("{what}: expected an error"),
        Err(e) => e.to_string(),
    };
    assert!(took < FAST, "{what} took {took:?} (must fail fast): {msg}");
    assert!(
        !msg.contains('\n'),
        "{what}: one-line message expected: {msg}"
    );
    msg
}

/// [`fails_fast`] for auto-pick, whose error may take three short lines (tried, why, fix).
fn auto_pick_fails_fast<T>(what: &str, f: impl FnOnce() -> Result<T, StoreError>) -> String {
    let start = Instant::now();
    let result = f();
    let took = start.elapsed();
    let msg = match result {
        Ok(_) => panic!("{what}: expected an error"),
        Err(e) => e.to_string(),
    };
    assert!(took < FAST, "{what} took {took:?} (must fail fast): {msg}");
    assert!(
        msg.lines().count() <= 3,
        "{what}: at most three lines: {msg}"
    );
    assert!(
        msg.lines().all(|l| l.chars().count() <= 120),
        "{what}: short lines expected: {msg}"
    );
    msg
}

/// 2100-01-01: fixed so values compare equal across processes.
const FAR_FUTURE_MS: i64 = 4_102_444_800_000;

fn creds(tag: &str) -> RoleCredentials {
    RoleCredentials {
        role_name: tag.to_owned(),
        account_id: 123456789012,
        access_key_id: format!("ASIA{tag}"),
        secret_access_key: Secret::from(format!("sak-{tag}")),
        session_token: Secret::from(format!("st-{tag}")),
        expiration: FAR_FUTURE_MS,
        role_chaining: false,
    }
}

fn secret_tool(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(find_tool("secret-tool"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn lookup_our_item() -> Option<String> {
    let mut args = vec!["lookup"];
    args.extend(ITEM_ATTRS);
    let out = secret_tool(&args, None);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

// ---------------------------------------------------------------- child scenarios

fn child_roundtrip() {
    let (store, sel) = open(Some("secret-service")).unwrap();
    assert_eq!(sel.kind, BackendKind::SecretService);
    let reg = RegisterClientData {
        client_id: "cid".into(),
        client_secret: Secret::from("csecret"),
        grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        ..Default::default()
    };
    store.put_registration("Default", reg.clone()).unwrap();
    let token = CreateTokenResponse {
        access_token: Secret::from("atoken"),
        refresh_token: Secret::from("rtoken"),
        token_type: "Bearer".into(),
        ..Default::default()
    };
    store.put_token("Default", token.clone()).unwrap();
    store
        .put_role_credentials("arn:aws:iam::123456789012:role/A", creds("A"))
        .unwrap();

    // What other tools see: one item, the compact keyring document.
    let raw = lookup_our_item().expect("secret-tool finds our item");
    assert!(
        raw.starts_with("{\"RegisterClientData\":{\"client-data:Default\""),
        "{raw}"
    );
    assert!(raw.contains("\"token-response:Default\""), "{raw}");

    // A second process (fresh store), explicit and auto-picked, reads the same.
    let (again, _) = open(Some("secret-service")).unwrap();
    assert_eq!(again.registration("Default").unwrap(), Some(reg));
    assert_eq!(again.token("Default").unwrap(), Some(token));
    let (auto, sel) = open(None).unwrap();
    assert_eq!(
        (sel.kind, sel.auto_picked),
        (BackendKind::SecretService, true),
        "{sel:?}"
    );
    assert_eq!(
        auto.role_credentials("arn:aws:iam::123456789012:role/A")
            .unwrap(),
        Some(creds("A"))
    );

    // Logging out empties the document; delete_all removes the item.
    again.forget_sso("Default").unwrap();
    again
        .delete_role_credentials("arn:aws:iam::123456789012:role/A")
        .unwrap();
    let raw = lookup_our_item().expect("emptied item is kept");
    assert!(raw.starts_with("{\"RegisterClientData\":{},"), "{raw}");
    again.delete_all().unwrap();
    assert_eq!(lookup_our_item(), None, "item deleted");

    // aws-sso-cli's own Secret Service item (99designs/keyring `Item`) is imported.
    use base64::Engine;
    let legacy_doc = r#"{"RegisterClientData":{},"CreateTokenResponse":{},"RoleCredentials":{"arn:legacy":{"roleName":"L","accountId":1,"accessKeyId":"AK","secretAccessKey":"s","sessionToken":"t","expiration":99999999999999,"roleChaining":false}},"StaticCredentials":{},"EcsBearerToken":"","EcsPrivateKey":"","EcsCertChain":""}"#;
    let item = serde_json::json!({
        "Key": "aws-sso-cli-records",
        "Data": base64::engine::general_purpose::STANDARD.encode(legacy_doc),
        "Label": "aws-sso-cli",
        "Description": "aws-sso secure storage",
        "KeychainNotTrustApplication": false,
        "KeychainNotSynchronizable": false,
    });
    let out = secret_tool(
        &[
            "store",
            "--label=aws-sso-cli-records",
            "profile",
            "aws-sso-cli-records",
        ],
        Some(&item.to_string()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (imported, _) = open(Some("secret-service")).unwrap();
    assert_eq!(
        imported
            .role_credentials("arn:legacy")
            .unwrap()
            .unwrap()
            .role_name,
        "L"
    );

    // A named collection cannot be created without a prompt here: fast, clear error.
    let mut named = options(Some("secret-service"));
    named.secret_service_collection = Some("work".into());
    let msg = fails_fast("write to a new named collection", || {
        let (s, _) = SecureStore::open(&named, Arc::new(NoPasswordSource))?;
        s.put_token("Default", CreateTokenResponse::default())
    });
    assert!(
        msg.contains("collection 'work'") && msg.contains("SecureStore: file"),
        "{msg}"
    );
}

fn child_seed() {
    let (store, _) = open(Some("secret-service")).unwrap();
    store
        .put_role_credentials("arn:seed", creds("seed"))
        .unwrap();
    assert!(lookup_our_item().is_some());
}

fn child_locked() {
    let msg = fails_fast("read from a locked keyring", || {
        let (s, _) = open(Some("secret-service"))?;
        s.role_credentials("arn:seed")
    });
    assert!(
        msg.contains("the Secret Service keyring is locked: unlock it"),
        "{msg}"
    );
    // Auto-pick must not choose the locked keyring, and must say why it passed it over.
    // (Only the Secret Service is tried: outside `keyctl session` the kernel keyring of a
    // container may half-work and keep a stray key.)
    let msg = auto_pick_fails_fast("auto-pick with a locked keyring", || {
        auto_pick_secret_service_only()
    });
    assert!(
        msg.starts_with("no usable secure store: secret-service"),
        "{msg}"
    );
    assert!(
        msg.contains("locked") && msg.contains("AWS_SSO_FILE_PASSWORD"),
        "{msg}"
    );
}

fn auto_pick_secret_service_only() -> Result<(SecureStore, aws_sso::store::Selection), StoreError> {
    let mut o = options(None);
    o.auto_candidates = vec![BackendKind::SecretService];
    SecureStore::open(&o, Arc::new(NoPasswordSource))
}

fn child_no_keyring() {
    let msg = fails_fast("write without any keyring", || {
        let (s, _) = open(Some("secret-service"))?;
        s.put_role_credentials("arn:x", creds("x"))
    });
    assert!(
        msg.starts_with("secret-service secure store: the Secret Service"),
        "{msg}"
    );
    assert!(msg.contains("SecureStore: file"), "{msg}");
}

fn child_no_bus() {
    let msg = fails_fast("open without a session bus", || {
        open(Some("secret-service"))
    });
    assert!(
        msg.contains("Secret Service not reachable (DBUS_SESSION_BUS_ADDRESS unset)"),
        "{msg}"
    );
    let msg = auto_pick_fails_fast(
        "auto-pick without bus or password",
        auto_pick_secret_service_only,
    );
    assert!(
        msg.starts_with("no usable secure store: secret-service"),
        "{msg}"
    );
    assert!(msg.contains("DBUS_SESSION_BUS_ADDRESS unset"), "{msg}");
    assert!(
        msg.contains("gnome-keyring") && msg.contains("AWS_SSO_FILE_PASSWORD"),
        "{msg}"
    );
}

fn child_keyutils() {
    let (store, sel) = open(Some("keyutils")).unwrap();
    assert_eq!(sel.kind, BackendKind::Keyutils);
    // Start clean: keyutils also links keys into the per-user persistent keyring.
    store.delete_all().unwrap();
    store.put_role_credentials("arn:k", creds("k")).unwrap();
    // The kernel sees one user key with keyring-core's description holding the document.
    let keyctl = find_tool("keyctl");
    let out = Command::new(&keyctl)
        .args([
            "search",
            "@s",
            "user",
            "keyring:aws-sso-cli-records@aws-sso-cli",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "keyctl search: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let out = Command::new(&keyctl).args(["pipe", &id]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"arn:k\""));

    let (auto, sel) = open(None).unwrap();
    assert_eq!(sel.kind, BackendKind::Keyutils, "{sel:?}");
    assert_eq!(auto.role_credentials("arn:k").unwrap(), Some(creds("k")));
    // Clean up: keyutils links keys into the persistent keyring, which outlives the session.
    auto.delete_role_credentials("arn:k").unwrap();
    let (fresh, _) = open(Some("keyutils")).unwrap();
    assert!(fresh.list_role_credentials().unwrap().is_empty());
    fresh.delete_all().unwrap();
    let out = Command::new(&keyctl)
        .args([
            "search",
            "@s",
            "user",
            "keyring:aws-sso-cli-records@aws-sso-cli",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "key removed");
}

fn run_child(scenario: &str) {
    match scenario {
        "roundtrip" => child_roundtrip(),
        "seed" => child_seed(),
        "locked" => child_locked(),
        "no-keyring" => child_no_keyring(),
        "no-bus" => child_no_bus(),
        "keyutils" => child_keyutils(),
        other => panic!("unknown scenario {other}"),
    }
}

// ---------------------------------------------------------------- parent side

/// Per-test directories: keyrings, runtime dir, aws-sso config dir.
struct Env {
    _root: tempfile::TempDir,
    data_home: PathBuf,
    runtime: PathBuf,
    config: PathBuf,
}

fn env() -> Env {
    let root = tempfile::tempdir().unwrap();
    let mk = |name: &str| {
        let p = root.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        p
    };
    Env {
        data_home: mk("data"),
        runtime: mk("run"),
        config: mk("config"),
        _root: root,
    }
}

fn child_argv(test: &str) -> Vec<String> {
    vec![
        std::env::current_exe().unwrap().display().to_string(),
        "--exact".into(),
        test.into(),
        "--nocapture".into(),
        "--test-threads=1".into(),
    ]
}

/// Run `cmd` (the child) with the test environment, killing it after two minutes.
fn run(mut cmd: Command, env: &Env, scenario: &str) -> Output {
    cmd.env(CHILD_ENV, scenario)
        .env(CONFIG_ENV, &env.config)
        .env("XDG_DATA_HOME", &env.data_home)
        .env("XDG_RUNTIME_DIR", &env.runtime)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("AWS_SSO_FILE_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "child `{scenario}` failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // `--exact` with a wrong name would run nothing and still exit 0.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "child `{scenario}` ran no test:\n{stdout}"
    );
    out
}

#[derive(Clone, Copy)]
enum Daemon<'a> {
    /// `gnome-keyring-daemon --unlock` with this password (creates the login keyring).
    Unlock(&'a str),
    /// `gnome-keyring-daemon --start`: running, keyring locked (or absent).
    Start,
}

/// The child inside `dbus-run-session` with gnome-keyring's Secret Service started.
fn in_keyring_session(env: &Env, daemon: Daemon<'_>, test: &str, scenario: &str) -> Output {
    find_tool("gnome-keyring-daemon");
    find_tool("secret-tool");
    let setup = match daemon {
        Daemon::Unlock(_) => {
            "printf %s \"$KEYRING_PASSWORD\" | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        }
        Daemon::Start => "gnome-keyring-daemon --start --components=secrets >/dev/null",
    };
    let mut cmd = Command::new(find_tool("dbus-run-session"));
    cmd.args(["--", "sh", "-c", &format!("{setup} && exec \"$@\""), "sh"])
        .args(child_argv(test));
    if let Daemon::Unlock(pw) = daemon {
        cmd.env("KEYRING_PASSWORD", pw);
    }
    run(cmd, env, scenario)
}

fn child_scenario() -> Option<String> {
    std::env::var(CHILD_ENV).ok()
}

#[test]
fn secret_service_round_trip_with_real_gnome_keyring() {
    if let Some(s) = child_scenario() {
        return run_child(&s);
    }
    let env = env();
    in_keyring_session(
        &env,
        Daemon::Unlock("ci-password"),
        "secret_service_round_trip_with_real_gnome_keyring",
        "roundtrip",
    );
}

#[test]
fn locked_keyring_fails_fast() {
    if let Some(s) = child_scenario() {
        return run_child(&s);
    }
    let env = env();
    let name = "locked_keyring_fails_fast";
    in_keyring_session(&env, Daemon::Unlock("right-password"), name, "seed");
    in_keyring_session(&env, Daemon::Start, name, "locked");
    // gnome-keyring-daemon exits 0 on a wrong password but leaves the keyring locked.
    in_keyring_session(&env, Daemon::Unlock("wrong-password"), name, "locked");
}

#[test]
fn missing_keyring_fails_fast() {
    if let Some(s) = child_scenario() {
        return run_child(&s);
    }
    let env = env();
    in_keyring_session(
        &env,
        Daemon::Start,
        "missing_keyring_fails_fast",
        "no-keyring",
    );
}

#[test]
fn no_session_bus_fails_fast() {
    if let Some(s) = child_scenario() {
        return run_child(&s);
    }
    let env = env();
    let argv = child_argv("no_session_bus_fails_fast");
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    run(cmd, &env, "no-bus");
}

#[test]
fn keyutils_in_a_session_keyring() {
    if let Some(s) = child_scenario() {
        return run_child(&s);
    }
    let env = env();
    let mut cmd = Command::new(find_tool("keyctl"));
    cmd.args(["session", "-"])
        .args(child_argv("keyutils_in_a_session_keyring"));
    run(cmd, &env, "keyutils");
}

#[test]
fn tools_are_reported_by_package_name() {
    let msg = std::panic::catch_unwind(|| find_tool("definitely-not-installed-tool"))
        .err()
        .and_then(|e| e.downcast_ref::<String>().cloned())
        .unwrap();
    assert!(msg.contains(PACKAGES), "{msg}");
}
