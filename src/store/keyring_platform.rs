//! Constructors for the OS keyring backends, each compiled only where its store crate exists
//! (`cfg` per OS) so the crate builds on Linux, macOS and Windows; elsewhere they return
//! [`StoreError::WrongPlatform`]. Creating a store may itself talk to the OS (the Secret
//! Service connects to D-Bus), so that runs under the keyring timeout too.

use std::time::Duration;

use super::error::StoreError;
use super::keyring::KeyringBackend;
#[cfg(any(target_os = "linux", target_os = "macos", windows))]
use super::keyring::KeyringConfig;

/// The Secret Service (Linux). `collection`: `None` = the default (login) collection.
#[cfg(target_os = "linux")]
pub(super) fn secret_service(
    collection: Option<&str>,
    timeout: Duration,
) -> Result<KeyringBackend, StoreError> {
    use super::keyring::with_timeout;
    use super::keyring_errors::map_error;
    const NAME: &str = "secret-service";
    let store = with_timeout(NAME, timeout, || {
        zbus_secret_service_keyring_store::Store::new()
            .map_err(|e| map_error(NAME, "connection", e))
    })?;
    let mut cfg = KeyringConfig::new(timeout);
    cfg.modifiers
        .push(("label".into(), "aws-sso secure storage".into()));
    if let Some(c) = collection {
        cfg.modifiers.push(("target".into(), c.to_owned()));
    }
    cfg.unlock_before_lock = true;
    cfg.import_aws_sso_cli_item = true;
    Ok(KeyringBackend::new(NAME, store, cfg))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn secret_service(
    _collection: Option<&str>,
    _timeout: Duration,
) -> Result<KeyringBackend, StoreError> {
    Err(StoreError::WrongPlatform {
        name: "secret-service",
        os: "Linux",
    })
}

/// The kernel keyring (Linux): needs a session keyring; lost at reboot.
#[cfg(target_os = "linux")]
pub(super) fn keyutils(timeout: Duration) -> Result<KeyringBackend, StoreError> {
    use super::keyring_errors::map_error;
    const NAME: &str = "keyutils";
    let store =
        linux_keyutils_keyring_store::Store::new().map_err(|e| map_error(NAME, "store", e))?;
    Ok(KeyringBackend::new(
        NAME,
        store,
        KeyringConfig::new(timeout),
    ))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn keyutils(_timeout: Duration) -> Result<KeyringBackend, StoreError> {
    Err(StoreError::WrongPlatform {
        name: "keyutils",
        os: "Linux",
    })
}

/// The macOS login keychain: generic password `aws-sso-cli`/`aws-sso-cli-records`, the same
/// item aws-sso-cli uses.
#[cfg(target_os = "macos")]
pub(super) fn keychain(timeout: Duration) -> Result<KeyringBackend, StoreError> {
    use super::keyring_errors::map_error;
    const NAME: &str = "keychain";
    let store = apple_native_keyring_store::keychain::Store::new()
        .map_err(|e| map_error(NAME, "store", e))?;
    let mut cfg = KeyringConfig::new(timeout);
    cfg.unlock_before_lock = true;
    Ok(KeyringBackend::new(NAME, store, cfg))
}

#[cfg(not(target_os = "macos"))]
pub(super) fn keychain(_timeout: Duration) -> Result<KeyringBackend, StoreError> {
    Err(StoreError::WrongPlatform {
        name: "keychain",
        os: "macOS",
    })
}

/// Windows Credential Manager, chunked like aws-sso-cli (the blob limit is 2560 bytes).
#[cfg(windows)]
pub(super) fn wincred(timeout: Duration) -> Result<KeyringBackend, StoreError> {
    use super::keyring::Layout;
    use super::keyring_errors::map_error;
    const NAME: &str = "wincred";
    let store =
        windows_native_keyring_store::Store::new().map_err(|e| map_error(NAME, "store", e))?;
    let mut cfg = KeyringConfig::new(timeout);
    // Local: stays on this machine (Enterprise would roam with a domain profile).
    cfg.modifiers.push(("persistence".into(), "Local".into()));
    cfg.layout = Layout::Chunked {
        chunk_size: 2000,
        target_prefix: Some("aws-sso-cli:aws-sso-cli:".into()),
    };
    Ok(KeyringBackend::new(NAME, store, cfg))
}

#[cfg(not(windows))]
pub(super) fn wincred(_timeout: Duration) -> Result<KeyringBackend, StoreError> {
    Err(StoreError::WrongPlatform {
        name: "wincred",
        os: "Windows",
    })
}
