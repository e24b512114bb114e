//! Tests of the encrypted file backend: round trip, wrong password, damage, prompting.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::store::password::{FixedPassword, FnPassword};

fn backend(dir: &Path, pw: &str) -> FileBackend {
    FileBackend::in_config_dir(
        dir,
        KdfParams::fast_for_tests(),
        Arc::new(FixedPassword(Secret::from(pw))),
    )
}

#[test]
fn round_trip_and_private_modes() {
    let dir = tempfile::tempdir().unwrap();
    let b = backend(dir.path(), "pw");
    assert!(b.load().unwrap().is_none());
    b.prepare(Intent::Write).unwrap();
    b.save(b"{\"secret\":\"value-123\"}").unwrap();
    let raw = std::fs::read(b.path()).unwrap();
    assert!(
        !String::from_utf8_lossy(&raw).contains("value-123"),
        "plaintext on disk"
    );
    // A fresh process (new backend) with the same password reads it back.
    let b2 = backend(dir.path(), "pw");
    b2.prepare(Intent::Read).unwrap();
    assert_eq!(&*b2.load().unwrap().unwrap(), b"{\"secret\":\"value-123\"}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(b.path()), 0o600);
        assert_eq!(mode(&dir.path().join("secure")), 0o700);
    }
    b2.delete().unwrap();
    assert!(b2.load().unwrap().is_none());
    b2.delete().unwrap();
}

#[test]
fn wrong_password_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let b = backend(dir.path(), "right");
    b.save(b"{}").unwrap();
    let wrong = backend(dir.path(), "wrong");
    let err = wrong.prepare(Intent::Read).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassword { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("wrong password for the encrypted secure store")
    );
    assert!(matches!(
        wrong.load(),
        Err(StoreError::WrongPassword { .. })
    ));
}

#[test]
fn damaged_and_truncated_files_are_reported_not_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let b = backend(dir.path(), "pw");
    b.save(b"{\"k\":\"v\"}").unwrap();
    let good = std::fs::read_to_string(b.path()).unwrap();

    // Flip one character of the ciphertext: the key check still matches, the tag does not.
    let mut env: serde_json::Value = serde_json::from_str(&good).unwrap();
    let data = env["data"].as_str().unwrap().to_owned();
    let flipped = if data.starts_with('A') { "B" } else { "A" };
    env["data"] = format!("{flipped}{}", &data[1..]).into();
    std::fs::write(b.path(), env.to_string()).unwrap();
    let err = backend(dir.path(), "pw").load().unwrap_err();
    assert!(err.to_string().contains("authentication failed"), "{err}");

    // Tampering with the KDF parameters in the header must not go unnoticed either.
    let mut env: serde_json::Value = serde_json::from_str(&good).unwrap();
    env["kdf"]["t_cost"] = 2.into();
    std::fs::write(b.path(), env.to_string()).unwrap();
    assert!(backend(dir.path(), "pw").load().is_err());

    std::fs::write(b.path(), &good[..good.len() / 2]).unwrap();
    let err = backend(dir.path(), "pw").load().unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("truncated JSON"), "{err}");

    std::fs::write(b.path(), "eyJhbGciOiJQQkVTMi1IUzI1NitBMTI4S1cifQ.a.b.c.d").unwrap();
    let err = backend(dir.path(), "pw").prepare(Intent::Read).unwrap_err();
    assert!(err.to_string().contains("aws-sso-cli's JWE"), "{err}");
}

#[test]
fn asks_select_once_for_a_new_store_and_never_again() {
    let dir = tempfile::tempdir().unwrap();
    let asked = Arc::new(AtomicUsize::new(0));
    let creates = Arc::new(AtomicUsize::new(0));
    let (a, c) = (asked.clone(), creates.clone());
    let source = FnPassword(move |req: PasswordRequest<'_>| {
        a.fetch_add(1, Ordering::SeqCst);
        if matches!(req, PasswordRequest::Create { .. }) {
            c.fetch_add(1, Ordering::SeqCst);
        }
        Ok(Secret::from("pw"))
    });
    let b = FileBackend::in_config_dir(dir.path(), KdfParams::fast_for_tests(), Arc::new(source));
    b.prepare(Intent::Read).unwrap();
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "no prompt to read a store that does not exist"
    );
    b.prepare(Intent::Write).unwrap();
    b.save(b"one").unwrap();
    b.prepare(Intent::Write).unwrap();
    b.save(b"two").unwrap();
    assert_eq!(&*b.load().unwrap().unwrap(), b"two");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(creates.load(Ordering::SeqCst), 1);
}

#[test]
fn empty_password_aborts() {
    let dir = tempfile::tempdir().unwrap();
    let b = backend(dir.path(), "");
    assert!(matches!(
        b.prepare(Intent::Write),
        Err(StoreError::EmptyPassword)
    ));
}

struct Typist(Mutex<Vec<&'static str>>);

impl PasswordSource for Typist {
    fn password(&self, _: PasswordRequest<'_>) -> Result<Secret, StoreError> {
        Ok(Secret::from(self.0.lock().unwrap().remove(0)))
    }
    fn available(&self) -> bool {
        true
    }
    fn interactive(&self) -> bool {
        true
    }
}

#[test]
fn a_person_may_retype_a_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), "right").save(b"x").unwrap();
    let typist = Arc::new(Typist(Mutex::new(vec!["oops", "right"])));
    let b = FileBackend::in_config_dir(dir.path(), KdfParams::fast_for_tests(), typist.clone());
    b.prepare(Intent::Read).unwrap();
    assert_eq!(&*b.load().unwrap().unwrap(), b"x");
    assert!(typist.0.lock().unwrap().is_empty());
}

#[test]
fn new_kdf_parameters_apply_on_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    backend(dir.path(), "pw").save(b"x").unwrap();
    let stronger = KdfParams {
        m_cost_kib: 512,
        ..KdfParams::fast_for_tests()
    };
    let pw: Arc<dyn PasswordSource> = Arc::new(FixedPassword(Secret::from("pw")));
    let b = FileBackend::in_config_dir(dir.path(), stronger, pw);
    assert_eq!(&*b.load().unwrap().unwrap(), b"x");
    b.save(b"y").unwrap();
    let env: serde_json::Value = serde_json::from_slice(&std::fs::read(b.path()).unwrap()).unwrap();
    assert_eq!(env["kdf"]["m_cost_kib"], 512);
    assert_eq!(&*backend(dir.path(), "pw").load().unwrap().unwrap(), b"y");
}
