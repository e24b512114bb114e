//! `SecureStore: file`: the document encrypted at rest in `<ConfigDir>/secure/aws-sso-cli-records`
//! (0600, directory 0700).
//!
//! Format: a small JSON envelope (readable with `jq`, so a damaged file can be diagnosed):
//! `{"format":"aws-sso-secure-file","version":1,"kdf":{"alg":"argon2id","m_cost_kib":…,
//! "t_cost":…,"p_cost":…,"salt":b64},"cipher":"xchacha20poly1305","check":b64,"nonce":b64,
//! "data":b64}`. The key is Argon2id(password, salt) with the parameters stored in the file, so
//! they can be raised later without breaking old files. Every header field is bound to the
//! ciphertext as AEAD associated data. `check` is a 16-byte hash of the key: it tells a wrong
//! password (check differs) from a damaged file (check matches, authentication fails).
//!
//! The password is asked for once per process, in [`Backend::prepare`], before the store lock is
//! taken; the derived key is cached so each save costs one encryption, not one Argon2 run.
//!
//! aws-sso-cli keeps a JWE at the same path; such a file is recognised and reported (it is
//! never overwritten).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::backend::{Backend, Intent};
use super::error::StoreError;
use super::password::{PasswordRequest, PasswordSource};
use super::secret::Secret;
use crate::fsutil;

const FORMAT: &str = "aws-sso-secure-file";
const VERSION: u32 = 1;
const KDF_ALG: &str = "argon2id";
const CIPHER: &str = "xchacha20poly1305";
/// Wrong passwords a person may retry before giving up.
const PROMPT_ATTEMPTS: usize = 3;

/// Argon2id cost parameters, recorded in every file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// 19 MiB, 2 passes, 1 lane (OWASP's Argon2id minimum): ≈28 ms (measured, cold) in a release build on
    /// this 2-core machine, paid once per process.
    fn default() -> Self {
        KdfParams {
            m_cost_kib: 19 * 1024,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

impl KdfParams {
    /// Deliberately weak parameters for tests (debug builds run Argon2 ~20x slower).
    pub fn fast_for_tests() -> Self {
        KdfParams {
            m_cost_kib: 256,
            t_cost: 1,
            p_cost: 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct KdfHeader {
    alg: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    kdf: KdfHeader,
    cipher: String,
    check: String,
    nonce: String,
    data: String,
}

struct State {
    password: Option<Secret>,
    /// The KDF header and key of the file as last read or written.
    key: Option<(KdfHeader, Zeroizing<[u8; 32]>)>,
}

/// The encrypted file backend.
pub struct FileBackend {
    path: PathBuf,
    kdf: KdfParams,
    passwords: std::sync::Arc<dyn PasswordSource>,
    state: Mutex<State>,
}

impl FileBackend {
    /// The store at `<config_dir>/secure/aws-sso-cli-records`.
    pub fn in_config_dir(
        config_dir: &Path,
        kdf: KdfParams,
        passwords: std::sync::Arc<dyn PasswordSource>,
    ) -> Self {
        let path = config_dir.join("secure").join("aws-sso-cli-records");
        FileBackend::new(path, kdf, passwords)
    }

    /// A store at an explicit path; new files use `kdf`.
    pub fn new(
        path: PathBuf,
        kdf: KdfParams,
        passwords: std::sync::Arc<dyn PasswordSource>,
    ) -> Self {
        FileBackend {
            path,
            kdf,
            passwords,
            state: Mutex::new(State {
                password: None,
                key: None,
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read_envelope(&self) -> Result<Option<Envelope>, StoreError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io("read", &self.path, e)),
        };
        if looks_like_jwe(&bytes) {
            return Err(self.corrupt(
                "it is aws-sso-cli's JWE file format, which aws-sso cannot read; move it away to keep it for aws-sso-cli",
            ));
        }
        let env: Envelope = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::corrupt_json(self.path.display().to_string(), &e))?;
        if env.format != FORMAT
            || env.version != VERSION
            || env.kdf.alg != KDF_ALG
            || env.cipher != CIPHER
        {
            return Err(self.corrupt("unknown format, version or algorithm"));
        }
        Ok(Some(env))
    }

    fn corrupt(&self, reason: &str) -> StoreError {
        StoreError::Corrupt {
            location: self.path.display().to_string(),
            reason: reason.to_owned(),
        }
    }

    /// Make sure we hold a password, asking the source when needed; empty aborts.
    fn ensure_password(
        &self,
        state: &mut State,
        request: PasswordRequest<'_>,
    ) -> Result<Secret, StoreError> {
        if let Some(pw) = &state.password {
            return Ok(pw.clone());
        }
        let pw = self.passwords.password(request)?;
        if pw.is_empty() {
            return Err(StoreError::EmptyPassword);
        }
        state.password = Some(pw.clone());
        Ok(pw)
    }

    /// The key for `header`, deriving (and checking against `check`) when not cached.
    fn key_for(
        &self,
        state: &mut State,
        header: &KdfHeader,
        check: &str,
    ) -> Result<Zeroizing<[u8; 32]>, StoreError> {
        if let Some((h, k)) = &state.key
            && h == header
        {
            if B64.encode(key_check(k)) != check {
                return Err(StoreError::WrongPassword {
                    path: self.path.clone(),
                });
            }
            return Ok(k.clone());
        }
        let attempts = if self.passwords.interactive() {
            PROMPT_ATTEMPTS
        } else {
            1
        };
        for attempt in 1..=attempts {
            let pw = self.ensure_password(state, PasswordRequest::Unlock { dir: self.dir() })?;
            let salt = B64
                .decode(&header.salt)
                .map_err(|_| self.corrupt("bad salt encoding"))?;
            let key = derive_key(&pw, &salt, header.params)?;
            if B64.encode(key_check(&key)) == check {
                state.key = Some((header.clone(), key.clone()));
                return Ok(key);
            }
            state.password = None;
            if attempt < attempts {
                tracing::warn!(path = %self.path.display(), "wrong password, try again");
            }
        }
        Err(StoreError::WrongPassword {
            path: self.path.clone(),
        })
    }
}

impl Backend for FileBackend {
    fn name(&self) -> &'static str {
        "file"
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn prepare(&self, intent: Intent) -> Result<(), StoreError> {
        let mut state = self.state();
        match self.read_envelope()? {
            Some(env) => self.key_for(&mut state, &env.kdf, &env.check).map(drop),
            None if intent == Intent::Write => self
                .ensure_password(&mut state, PasswordRequest::Create { dir: self.dir() })
                .map(drop),
            None => Ok(()),
        }
    }

    fn load(&self) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        let Some(env) = self.read_envelope()? else {
            return Ok(None);
        };
        let mut state = self.state();
        let key = self.key_for(&mut state, &env.kdf, &env.check)?;
        let nonce = B64
            .decode(&env.nonce)
            .map_err(|_| self.corrupt("bad nonce encoding"))?;
        let data = B64
            .decode(&env.data)
            .map_err(|_| self.corrupt("bad data encoding"))?;
        if nonce.len() != 24 {
            return Err(self.corrupt("bad nonce length"));
        }
        let cipher = XChaCha20Poly1305::new((&*key).into());
        let aad = associated_data(&env.kdf);
        let plain = cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &data,
                    aad: &aad,
                },
            )
            .map_err(|_| {
                self.corrupt("authentication failed: the file was damaged or truncated")
            })?;
        Ok(Some(Zeroizing::new(plain)))
    }

    fn save(&self, doc: &[u8]) -> Result<(), StoreError> {
        let mut state = self.state();
        // Keep the current salt and key while the parameters are unchanged: no Argon2 per save.
        let (header, key) = match &state.key {
            Some((h, k)) if h.params == self.kdf => (h.clone(), k.clone()),
            _ => {
                let pw =
                    self.ensure_password(&mut state, PasswordRequest::Create { dir: self.dir() })?;
                let mut salt = [0u8; 16];
                rand::rng().fill_bytes(&mut salt);
                let header = KdfHeader {
                    alg: KDF_ALG.to_owned(),
                    params: self.kdf,
                    salt: B64.encode(salt),
                };
                let key = derive_key(&pw, &salt, self.kdf)?;
                state.key = Some((header.clone(), key.clone()));
                (header, key)
            }
        };
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new((&*key).into());
        let aad = associated_data(&header);
        let data = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: doc,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Crypto("encryption failed".into()))?;
        let env = Envelope {
            format: FORMAT.to_owned(),
            version: VERSION,
            check: B64.encode(key_check(&key)),
            kdf: header,
            cipher: CIPHER.to_owned(),
            nonce: B64.encode(nonce),
            data: B64.encode(data),
        };
        let bytes = serde_json::to_vec(&env).map_err(|e| StoreError::Encode(e.to_string()))?;
        fsutil::create_private_dir_all(self.dir())
            .map_err(|e| StoreError::io("create directory", self.dir(), e))?;
        fsutil::write_atomic(&self.path, &bytes, fsutil::MODE_PRIVATE)
            .map(drop)
            .map_err(|e| StoreError::io("write", &self.path, e))
    }

    fn delete(&self) -> Result<(), StoreError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io("delete", &self.path, e)),
        }
    }
}

fn derive_key(
    password: &Secret,
    salt: &[u8],
    p: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let params = argon2::Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32))
        .map_err(|e| StoreError::Crypto(format!("invalid Argon2 parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password.expose().as_bytes(), salt, &mut *key)
        .map_err(|e| StoreError::Crypto(format!("key derivation failed: {e}")))?;
    Ok(key)
}

fn key_check(key: &[u8; 32]) -> [u8; 16] {
    let digest = Sha256::new_with_prefix(b"aws-sso secure file key check\0")
        .chain_update(key)
        .finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// Everything that shapes how the ciphertext is read, so changing any of it fails decryption.
fn associated_data(kdf: &KdfHeader) -> Vec<u8> {
    format!(
        "{FORMAT}|{VERSION}|{}|{}|{}|{}|{}|{CIPHER}",
        kdf.alg, kdf.params.m_cost_kib, kdf.params.t_cost, kdf.params.p_cost, kdf.salt
    )
    .into_bytes()
}

/// A JWE compact serialisation: five base64url parts, the first a JSON header (`eyJ`).
fn looks_like_jwe(bytes: &[u8]) -> bool {
    bytes.starts_with(b"eyJ") && bytes.iter().filter(|&&b| b == b'.').count() == 4
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
