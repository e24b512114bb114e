//! Tests of `SecureStore`'s typed operations and its read-modify-write discipline.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::store::keyring::{KeyringBackend, KeyringConfig};

fn far_future_ms() -> i64 {
    (now_unix() + 3600) * 1000
}

fn creds(key: &str) -> RoleCredentials {
    RoleCredentials {
        role_name: "Admin".into(),
        account_id: 1111111,
        access_key_id: format!("ASIA{key}"),
        secret_access_key: Secret::from(format!("sak-{key}")),
        session_token: Secret::from(format!("st-{key}")),
        expiration: far_future_ms(),
        role_chaining: false,
    }
}

fn json_store(dir: &std::path::Path) -> SecureStore {
    SecureStore::new(
        Box::new(json::JsonBackend::new(dir.join("store.json"))),
        StoreLock::in_dir(dir, Duration::from_secs(5)),
    )
}

#[test]
fn typed_operations_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = json_store(dir.path());
    assert_eq!(store.registration("Default").unwrap(), None);
    let reg = RegisterClientData {
        client_id: "cid".into(),
        client_secret: Secret::from("cs"),
        client_secret_expires_at: now_unix() + 1000,
        grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        ..Default::default()
    };
    store.put_registration("Default", reg.clone()).unwrap();
    let token = CreateTokenResponse {
        access_token: Secret::from("at"),
        refresh_token: Secret::from("rt"),
        expires_at: now_unix() + 100,
        expires_in: 100,
        token_type: "Bearer".into(),
        ..Default::default()
    };
    store.put_token("Default", token.clone()).unwrap();
    store.put_role_credentials("arn:b", creds("b")).unwrap();
    store.put_role_credentials("arn:a", creds("a")).unwrap();
    store
        .set_ecs_bearer_token(Secret::from("Bearer t"))
        .unwrap();
    store.set_ecs_private_key(Secret::from("KEY")).unwrap();
    store.set_ecs_cert_chain("CHAIN".into()).unwrap();

    // A second process sees everything, in aws-sso-cli's json-store layout.
    let other = json_store(dir.path());
    assert_eq!(other.registration("Default").unwrap(), Some(reg));
    assert_eq!(other.token("Default").unwrap(), Some(token));
    let arns: Vec<String> = other
        .list_role_credentials()
        .unwrap()
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(arns, ["arn:a", "arn:b"]);
    assert_eq!(
        other.ecs_bearer_token().unwrap().unwrap().expose(),
        "Bearer t"
    );
    assert_eq!(other.ecs_private_key().unwrap().unwrap().expose(), "KEY");
    assert_eq!(other.ecs_cert_chain().unwrap().as_deref(), Some("CHAIN"));
    let text = std::fs::read_to_string(dir.path().join("store.json")).unwrap();
    assert!(text.contains("\"RegisterClient\": {"), "{text}");

    assert!(other.delete_role_credentials("arn:a").unwrap());
    assert!(!other.delete_role_credentials("arn:a").unwrap());
    other.forget_sso("Default").unwrap();
    other.set_ecs_bearer_token(Secret::default()).unwrap();
    assert_eq!(other.ecs_bearer_token().unwrap(), None);
    assert_eq!(other.token("Default").unwrap(), None);
    assert_eq!(other.registration("Default").unwrap(), None);
}

#[test]
fn writes_merge_with_what_other_processes_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let a = json_store(dir.path());
    let b = json_store(dir.path());
    // Both load (empty) first, then write different entries: neither may lose the other's.
    assert!(a.list_role_credentials().unwrap().is_empty());
    assert!(b.list_role_credentials().unwrap().is_empty());
    a.put_role_credentials("arn:a", creds("a")).unwrap();
    b.put_role_credentials("arn:b", creds("b")).unwrap();
    assert_eq!(b.list_role_credentials().unwrap().len(), 2);
    // `a` still serves its cached view until it reloads.
    assert_eq!(a.list_role_credentials().unwrap().len(), 1);
    a.reload();
    assert_eq!(a.list_role_credentials().unwrap().len(), 2);
}

#[test]
fn expired_role_credentials_are_pruned_and_an_empty_store_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = json_store(dir.path());
    let mut old = creds("old");
    old.expiration = (now_unix() - 10) * 1000;
    store
        .modify(|d| {
            d.role_credentials.insert("arn:old".into(), old);
            d.role_credentials.insert("arn:new".into(), creds("new"));
        })
        .unwrap();
    let arns: Vec<String> = store
        .list_role_credentials()
        .unwrap()
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(arns, ["arn:new"]);
    store.delete_role_credentials("arn:new").unwrap();
    let text = std::fs::read_to_string(dir.path().join("store.json")).unwrap();
    assert_eq!(text, "{}", "an emptied store is saved, not deleted");
}

#[test]
fn unchanged_documents_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = json_store(dir.path());
    store.put_role_credentials("arn:a", creds("a")).unwrap();
    let path = dir.path().join("store.json");
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    assert!(!store.delete_token("nope").unwrap());
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn a_corrupt_store_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    std::fs::write(&path, "{\"RoleCredentials\": [").unwrap();
    let store = json_store(dir.path());
    let err = store.put_role_credentials("arn:a", creds("a")).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "names the file: {msg}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\"RoleCredentials\": ["
    );
}

#[test]
fn keyring_backend_through_the_store_with_mock() {
    let dir = tempfile::tempdir().unwrap();
    let mock: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let backend = KeyringBackend::new(
        "mock",
        mock.clone(),
        KeyringConfig::new(Duration::from_secs(5)),
    );
    let store = SecureStore::new(
        Box::new(backend),
        StoreLock::in_dir(dir.path(), Duration::from_secs(5)),
    );
    store
        .put_role_credentials("arn:aws:iam::000001111111:role/A", creds("a"))
        .unwrap();
    let raw = mock
        .build(keyring::SERVICE, keyring::USER, None)
        .unwrap()
        .get_secret()
        .unwrap();
    let text = String::from_utf8(raw).unwrap();
    assert!(
        text.starts_with("{\"RegisterClientData\":{}"),
        "compact keyring shape: {text}"
    );
    assert!(text.contains("\"accountId\":1111111"), "{text}");
    let again = SecureStore::new(
        Box::new(KeyringBackend::new(
            "mock",
            mock,
            KeyringConfig::new(Duration::from_secs(5)),
        )),
        StoreLock::in_dir(dir.path(), Duration::from_secs(5)),
    );
    assert_eq!(
        again
            .role_credentials("arn:aws:iam::000001111111:role/A")
            .unwrap(),
        Some(creds("a"))
    );
}

#[test]
fn a_held_lock_times_out_with_the_lock_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let holder = StoreLock::in_dir(dir.path(), Duration::from_secs(5));
    let _held = holder.exclusive().unwrap();
    let store = SecureStore::new(
        Box::new(MemoryBackend::new()),
        StoreLock::in_dir(dir.path(), Duration::from_millis(200)),
    );
    let msg = store
        .put_token("x", CreateTokenResponse::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("storage.lock") && msg.contains("lsof"),
        "{msg}"
    );
}

#[test]
fn delete_all_removes_the_backing_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = json_store(dir.path());
    store.put_role_credentials("arn:a", creds("a")).unwrap();
    assert!(dir.path().join("store.json").exists());
    store.delete_all().unwrap();
    assert!(!dir.path().join("store.json").exists());
    assert!(store.list_role_credentials().unwrap().is_empty());
}

#[test]
fn the_store_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(json_store(dir.path()));
    assert_send_sync(&store);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let s = store.clone();
            std::thread::spawn(move || s.put_role_credentials(&format!("arn:{i}"), creds("t")))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    assert_eq!(store.list_role_credentials().unwrap().len(), 4);
}

#[test]
fn a_damaged_json_store_is_set_aside_and_a_fresh_one_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    let store = json_store(dir.path());
    store.put_role_credentials("arn:a", creds("a")).unwrap();
    let whole = std::fs::read(&path).unwrap();
    assert_eq!(
        store.set_aside_if_damaged().unwrap(),
        None,
        "intact: left alone"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "store + lock"
    );

    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let broken = json_store(dir.path());
    assert!(matches!(
        broken.registration("Default"),
        Err(StoreError::Corrupt { .. })
    ));
    let fresh = json_store(dir.path());
    let set_aside = fresh.set_aside_if_damaged().unwrap().unwrap();
    assert_eq!(set_aside.location, path.display().to_string());
    assert!(
        set_aside.reason.contains("truncated JSON"),
        "{}",
        set_aside.reason
    );
    assert!(!set_aside.reason.contains("sak-a"), "no content quoted");
    assert_eq!(
        std::fs::read(&set_aside.kept).unwrap(),
        whole[..whole.len() / 2]
    );
    // The login's writes go to a fresh document.
    fresh
        .put_token("Default", CreateTokenResponse::default())
        .unwrap();
    assert!(json_store(dir.path()).token("Default").unwrap().is_some());
    assert!(
        json_store(dir.path())
            .role_credentials("arn:a")
            .unwrap()
            .is_none()
    );
}

#[test]
fn backends_without_copies_keep_reporting_damage() {
    let dir = tempfile::tempdir().unwrap();
    let backend = MemoryBackend::new();
    backend.save(b"{\"truncated").unwrap();
    let store = SecureStore::new(
        Box::new(backend),
        StoreLock::in_dir(dir.path(), Duration::from_secs(5)),
    );
    assert_eq!(store.set_aside_if_damaged().unwrap(), None);
    assert!(matches!(store.token("x"), Err(StoreError::Corrupt { .. })));
}
