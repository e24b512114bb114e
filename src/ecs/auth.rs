//! The bearer-token check of every route but `/healthcheck*` (docs/ecs-protocol.md, "Authentication"). The header must be
//! exactly `Bearer <token>`. Both sides are hashed before the constant-time comparison, so
//! neither the token's content nor its length shows in the timing.
//!
//! With auth disabled every request passes, whatever it sends: aws-sso-cli answered 403 to a
//! request that carried an `Authorization` header then (`[bug?]`), but its docs promise open
//! access, and SDKs send the header whenever `AWS_CONTAINER_AUTHORIZATION_TOKEN` is set.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::store::Secret;

/// What a request must carry.
pub struct BearerAuth {
    /// SHA-256 of `Bearer <token>`; `None`: auth disabled.
    expected: Option<[u8; 32]>,
}

impl BearerAuth {
    /// Require `Authorization: Bearer <token>`.
    pub fn required(token: &Secret) -> BearerAuth {
        let header = format!("Bearer {}", token.expose());
        let digest = Sha256::digest(header.as_bytes()).into();
        // The formatted copy holds the secret too: wipe it.
        let mut header = header;
        zeroize::Zeroize::zeroize(&mut header);
        BearerAuth {
            expected: Some(digest),
        }
    }

    /// Let every request through.
    pub fn disabled() -> BearerAuth {
        BearerAuth { expected: None }
    }

    pub fn is_enabled(&self) -> bool {
        self.expected.is_some()
    }

    /// Whether a request with this `Authorization` header value (if any) may pass.
    pub fn allows(&self, header: Option<&[u8]>) -> bool {
        let Some(expected) = &self.expected else {
            return true;
        };
        let Some(sent) = header else {
            return false;
        };
        let sent: [u8; 32] = Sha256::digest(sent).into();
        sent.ct_eq(expected).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_header_passes() {
        let auth = BearerAuth::required(&Secret::new("s3cr3t"));
        assert!(auth.is_enabled());
        assert!(auth.allows(Some(b"Bearer s3cr3t")));
        for bad in [
            &b"s3cr3t"[..],
            b"Bearer s3cr3t ",
            b"bearer s3cr3t",
            b"Bearer s3cr3",
            b"Bearer s3cr3tX",
            b"",
        ] {
            assert!(!auth.allows(Some(bad)), "{}", String::from_utf8_lossy(bad));
        }
        assert!(!auth.allows(None));
    }

    #[test]
    fn disabled_auth_lets_everything_through_even_a_header() {
        let auth = BearerAuth::disabled();
        assert!(!auth.is_enabled());
        assert!(auth.allows(None));
        assert!(auth.allows(Some(b"Bearer whatever")));
    }
}
