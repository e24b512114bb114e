//! Keyring backend tests against keyring-core's mock store (with error injection) and a
//! deliberately hanging store for the timeout path.

use std::time::Instant;

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::mock;

use super::*;

fn mock_store() -> Arc<CredentialStore> {
    mock::Store::new().unwrap()
}

fn backend(name: &'static str, store: &Arc<CredentialStore>, layout: Layout) -> KeyringBackend {
    let cfg = KeyringConfig {
        layout,
        ..KeyringConfig::new(Duration::from_secs(5))
    };
    KeyringBackend::new(name, store.clone(), cfg)
}

fn raw_get(store: &Arc<CredentialStore>, user: &str) -> Option<Vec<u8>> {
    match store.build(SERVICE, user, None).unwrap().get_secret() {
        Ok(v) => Some(v),
        Err(KrError::NoEntry) => None,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn single_item_round_trip() {
    let store = mock_store();
    let b = backend("mock", &store, Layout::Single);
    assert!(b.load().unwrap().is_none());
    b.save(b"{\"a\":1}").unwrap();
    assert_eq!(&*b.load().unwrap().unwrap(), b"{\"a\":1}");
    assert_eq!(raw_get(&store, USER).unwrap(), b"{\"a\":1}");
    b.delete().unwrap();
    assert!(b.load().unwrap().is_none());
    b.delete().unwrap();
}

#[test]
fn chunked_layout_splits_reassembles_and_cleans_up() {
    let store = mock_store();
    let layout = Layout::Chunked {
        chunk_size: 7,
        target_prefix: None,
    };
    let b = backend("wincred", &store, layout);
    let doc: Vec<u8> = (0..50u8).collect();
    b.save(&doc).unwrap();
    assert_eq!(&*b.load().unwrap().unwrap(), &doc[..]);
    let first = raw_get(&store, &format!("{USER}_0")).unwrap();
    assert_eq!(&first[..8], &50u64.to_be_bytes());
    assert_eq!(&first[8..], &doc[..7]);
    assert!(raw_get(&store, &format!("{USER}_7")).is_some());
    assert!(raw_get(&store, &format!("{USER}_8")).is_none());

    // A shorter document removes the chunks it no longer needs.
    b.save(b"short").unwrap();
    assert_eq!(&*b.load().unwrap().unwrap(), b"short");
    assert!(raw_get(&store, &format!("{USER}_1")).is_none());

    // A missing middle chunk is reported, not silently truncated.
    b.save(&doc).unwrap();
    store
        .build(SERVICE, &format!("{USER}_3"), None)
        .unwrap()
        .delete_credential()
        .unwrap();
    let err = b.load().unwrap_err().to_string();
    assert!(err.contains("chunk 3 is missing"), "{err}");

    b.delete().unwrap();
    assert!((0..8).all(|n| raw_get(&store, &format!("{USER}_{n}")).is_none()));
}

#[test]
fn chunks_written_by_the_8_plus_2000_rule_are_read() {
    // aws-sso-cli may count the 8-byte header inside the first chunk: a reader must not care.
    let store = mock_store();
    let set = |n: usize, data: &[u8]| {
        store
            .build(SERVICE, &format!("{USER}_{n}"), None)
            .unwrap()
            .set_secret(data)
            .unwrap()
    };
    let mut c0 = 10u64.to_be_bytes().to_vec();
    c0.extend_from_slice(b"abc");
    set(0, &c0);
    set(1, b"defghij");
    let b = backend(
        "wincred",
        &store,
        Layout::Chunked {
            chunk_size: 5,
            target_prefix: None,
        },
    );
    assert_eq!(&*b.load().unwrap().unwrap(), b"abcdefghij");
}

#[test]
fn injected_errors_become_clear_messages() {
    let store = mock_store();
    let b = backend("secret-service", &store, Layout::Single);
    b.save(b"{}").unwrap();
    let entry = store.build(SERVICE, USER, None).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();

    cred.set_error(KrError::NoStorageAccess(Box::new(std::io::Error::other(
        "SS Error: object locked",
    ))));
    let msg = b.load().unwrap_err().to_string();
    assert!(
        msg.contains("the Secret Service keyring is locked: unlock it"),
        "{msg}"
    );

    cred.set_error(KrError::TooLong("secret".into(), 2560));
    let msg = b.save(b"{}").unwrap_err().to_string();
    assert!(msg.contains("larger than the platform allows"), "{msg}");

    cred.set_error(KrError::BadEncoding(b"topsecret".to_vec()));
    let err = b.load().unwrap_err();
    assert!(!format!("{err} {err:?}").contains("topsecret"));

    // The error is consumed: the next call works again and the data is intact.
    assert_eq!(&*b.load().unwrap().unwrap(), b"{}");
}

/// A store whose every read hangs, like a Secret Service waiting on an invisible prompt.
#[derive(Debug)]
struct HangingStore;
#[derive(Debug)]
struct HangingCred;

impl CredentialApi for HangingCred {
    fn set_secret(&self, _: &[u8]) -> keyring_core::Result<()> {
        std::thread::sleep(Duration::from_secs(30));
        Ok(())
    }
    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        std::thread::sleep(Duration::from_secs(30));
        Err(KrError::NoEntry)
    }
    fn delete_credential(&self) -> keyring_core::Result<()> {
        Ok(())
    }
    fn get_credential(&self) -> keyring_core::Result<Option<Arc<keyring_core::Credential>>> {
        Ok(None)
    }
    fn get_specifiers(&self) -> Option<(String, String)> {
        None
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl CredentialStoreApi for HangingStore {
    fn vendor(&self) -> String {
        "hanging".into()
    }
    fn id(&self) -> String {
        "hanging".into()
    }
    fn build(
        &self,
        _: &str,
        _: &str,
        _: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        Ok(Entry::new_with_credential(Arc::new(HangingCred)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[test]
fn a_hanging_keyring_times_out_fast_with_a_hint() {
    let cfg = KeyringConfig {
        unlock_before_lock: true,
        ..KeyringConfig::new(Duration::from_millis(300))
    };
    let b = KeyringBackend::new("secret-service", Arc::new(HangingStore), cfg);
    let start = Instant::now();
    let err = b.prepare(Intent::Read).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let msg = err.to_string();
    assert!(
        msg.contains("did not answer within 1s") && msg.contains("locked"),
        "{msg}"
    );
    assert!(matches!(
        b.save(b"x"),
        Err(StoreError::KeyringTimeout { .. })
    ));
}
