//! The bearer token shared by every call of one refresh, and its serialised renewal: when
//! several in-flight calls are rejected with 401 at once, the first to get here renews and the
//! rest see the fresh token and simply retry — one renewal (one browser tab at most) per
//! rejected token, the failure mode of aws-sso-cli#520.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret as _, SecretString};

use super::{RefreshError, TokenSource};

/// One token value. Identity (not the string) tells renewals apart: a source may legitimately
/// hand back the same string, and that still counts as one renewal.
pub(super) type Token = Arc<SecretString>;

pub(super) struct TokenCell<'a> {
    source: &'a dyn TokenSource,
    current: Mutex<Token>,
    /// Held for the whole of a renewal so concurrent 401s queue behind it.
    renewing: tokio::sync::Mutex<()>,
    renewals: AtomicU32,
    max_renewals: u32,
}

impl<'a> TokenCell<'a> {
    /// Fetches the starting token from `source`.
    pub(super) async fn new(
        source: &'a dyn TokenSource,
        max_renewals: u32,
    ) -> Result<TokenCell<'a>, RefreshError> {
        let first = source.token().await?;
        Ok(TokenCell {
            source,
            current: Mutex::new(Arc::new(SecretString::from(first))),
            renewing: tokio::sync::Mutex::new(()),
            renewals: AtomicU32::new(0),
            max_renewals,
        })
    }

    /// The token to send now.
    pub(super) fn current(&self) -> Token {
        // Poisoning cannot leave a half-written Arc behind; keep going.
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Called after `rejected` earned a 401: makes sure a newer token is current, renewing
    /// through the source only if nobody else already has.
    pub(super) async fn renew(&self, rejected: &Token) -> Result<(), RefreshError> {
        let _one_at_a_time = self.renewing.lock().await;
        if !Arc::ptr_eq(&self.current(), rejected) {
            return Ok(());
        }
        let done = self.renewals.load(Ordering::Relaxed);
        if done >= self.max_renewals {
            return Err(RefreshError::TokenRejected { renewals: done });
        }
        tracing::info!("IAM Identity Center rejected the access token; renewing it");
        let fresh = self.source.renew(rejected.expose_secret()).await?;
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) =
            Arc::new(SecretString::from(fresh));
        self.renewals.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    pub(super) fn renewals(&self) -> u32 {
        self.renewals.load(Ordering::Relaxed)
    }
}
