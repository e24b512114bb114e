//! Turning keyring-core errors into one-line messages that say what is wrong and what to do,
//! per backend. The platform text is kept (it names D-Bus objects and error codes, never
//! secrets); the data-carrying variants (`BadEncoding`, `BadDataFormat`) are never printed.

use keyring_core::Error as KrError;

use super::error::StoreError;

pub(crate) const LOCKED_SECRET_SERVICE: &str = "the Secret Service keyring is locked: unlock it (e.g. log in to the desktop, or gnome-keyring-daemon --unlock) or choose SecureStore: file";

/// What to suggest when a keyring call hangs.
pub(crate) fn timeout_hint(backend: &'static str) -> &'static str {
    match backend {
        "secret-service" => {
            "the keyring may be locked and waiting for an unlock prompt nobody can answer"
        }
        "keychain" => "the keychain may be waiting for a password prompt",
        _ => "the keyring call hung",
    }
}

fn bus_hint() -> &'static str {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        " (DBUS_SESSION_BUS_ADDRESS unset)"
    } else {
        ""
    }
}

/// The message for `err` from backend `backend`; `item` names the keyring item.
pub(crate) fn map_error(backend: &'static str, item: &str, err: KrError) -> StoreError {
    let message = match err {
        KrError::NoStorageAccess(e) => no_access(backend, &e.to_string()),
        KrError::PlatformFailure(e) => platform_failure(backend, &e.to_string()),
        KrError::NoEntry => format!("{item} does not exist"),
        KrError::BadEncoding(_) | KrError::BadDataFormat(..) => {
            return StoreError::Corrupt {
                location: format!("{backend} item {item}"),
                reason: "the stored data is not in the expected format".into(),
            };
        }
        KrError::BadStoreFormat(reason) => format!("the keyring itself is damaged: {reason}"),
        KrError::TooLong(what, limit) => format!(
            "the secure-store document is larger than the platform allows for {what} ({limit}); choose SecureStore: file"
        ),
        KrError::Invalid(attr, reason) => format!("{item}: {attr} {reason}"),
        KrError::Ambiguous(items) => format!(
            "{} keyring items match {item}: delete all but one (e.g. with seahorse or `secret-tool clear service aws-sso-cli username aws-sso-cli-records`)",
            items.len()
        ),
        KrError::NoDefaultStore => "no keyring store configured (internal error)".into(),
        KrError::NotSupportedByStore(what) => format!("not supported by this keyring: {what}"),
        other => other.to_string(),
    };
    StoreError::Keyring { backend, message }
}

fn no_access(backend: &'static str, text: &str) -> String {
    match backend {
        "secret-service" => {
            if text.contains("result not returned") {
                format!(
                    "the Secret Service has no usable keyring collection and cannot create one without a prompt ({text}): create/unlock the login keyring (e.g. gnome-keyring-daemon --unlock) or choose SecureStore: file"
                )
            } else {
                // Locked, prompt dismissed, prompt failed to show (headless): all mean locked.
                LOCKED_SECRET_SERVICE.to_owned()
            }
        }
        "keyutils" => format!(
            "the kernel keyring refused access ({text}): there is no usable session keyring (containers, sudo, cron); run aws-sso under `keyctl session` or choose SecureStore: file"
        ),
        "keychain" => format!(
            "the macOS keychain refused access ({text}): unlock the login keychain (`security unlock-keychain`) or allow aws-sso in Keychain Access"
        ),
        "wincred" => format!("Windows Credential Manager refused access ({text})"),
        _ => format!("the keyring refused access ({text})"),
    }
}

fn platform_failure(backend: &'static str, text: &str) -> String {
    match backend {
        "secret-service" => {
            let lower = text.to_ascii_lowercase();
            if lower.contains("was not provided by any .service files")
                || lower.contains("serviceunknown")
                || lower.contains("no secret service provider")
            {
                format!(
                    "no Secret Service provider is running{}: install and unlock gnome-keyring (or KeePassXC's Secret Service), or choose SecureStore: file with AWS_SSO_FILE_PASSWORD",
                    bus_hint()
                )
            } else if lower.contains("connect")
                || lower.contains("address")
                || lower.contains("no such file")
                || lower.contains("i/o error")
                || lower.contains("bus")
            {
                format!(
                    "Secret Service not reachable{} ({text}): install and unlock gnome-keyring, or choose SecureStore: file with AWS_SSO_FILE_PASSWORD",
                    bus_hint()
                )
            } else {
                format!("Secret Service call failed ({text})")
            }
        }
        "keyutils" if text.contains("QuotaExceeded") => format!(
            "the kernel keyring quota is full ({text}; see /proc/sys/kernel/keys/maxbytes): choose SecureStore: file"
        ),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(s: &str) -> Box<dyn std::error::Error + Send + Sync> {
        Box::new(std::io::Error::other(s.to_owned()))
    }

    #[test]
    fn locked_secret_service_gets_the_unlock_hint() {
        let msg = map_error(
            "secret-service",
            "x",
            KrError::NoStorageAccess(boxed("SS error: prompt dismissed")),
        )
        .to_string();
        assert_eq!(
            msg,
            format!("secret-service secure store: {LOCKED_SECRET_SERVICE}")
        );
    }

    #[test]
    fn missing_provider_and_bus() {
        let msg = map_error(
            "secret-service",
            "x",
            KrError::PlatformFailure(boxed("zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files")),
        )
        .to_string();
        assert!(
            msg.contains("no Secret Service provider is running"),
            "{msg}"
        );
        let msg = map_error(
            "secret-service",
            "x",
            KrError::PlatformFailure(boxed(
                "zbus error: I/O error: No such file or directory (os error 2)",
            )),
        )
        .to_string();
        assert!(msg.contains("Secret Service not reachable"), "{msg}");
    }

    #[test]
    fn data_carrying_errors_never_print_their_data() {
        let err = map_error("keychain", "item", KrError::BadEncoding(b"sekrit".to_vec()));
        assert!(matches!(err, StoreError::Corrupt { .. }));
        assert!(!format!("{err} {err:?}").contains("sekrit"));
    }

    #[test]
    fn keyutils_access_denied_suggests_keyctl_session() {
        let msg = map_error(
            "keyutils",
            "x",
            KrError::NoStorageAccess(boxed("AccessDenied")),
        )
        .to_string();
        assert!(msg.contains("keyctl session"), "{msg}");
    }
}
