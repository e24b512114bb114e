//! The secure store from async code: every call runs on the blocking pool, because keyring
//! backends may wait on D-Bus or a password prompt. A cancelled caller (Ctrl-C) never leaves
//! a lock held: the blocking call finishes on its own thread and drops its guard there.

use std::sync::Arc;

use crate::store::{CreateTokenResponse, RegisterClientData, SecureStore, StoreError};

use super::error::AuthError;

/// Shared handle on the secure store.
#[derive(Clone, Debug)]
pub(crate) struct Store(pub(crate) Arc<SecureStore>);

impl Store {
    async fn run<T, F>(&self, what: &'static str, f: F) -> Result<T, AuthError>
    where
        T: Send + 'static,
        F: FnOnce(&SecureStore) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.0.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(r) => r.map_err(AuthError::from),
            Err(e) => Err(AuthError::Internal(format!("{what} ({e})"))),
        }
    }

    pub(crate) async fn registration(
        &self,
        sso: &str,
    ) -> Result<Option<RegisterClientData>, AuthError> {
        let sso = sso.to_owned();
        self.run("reading the client registration", move |s| {
            s.registration(&sso)
        })
        .await
    }

    pub(crate) async fn put_registration(
        &self,
        sso: &str,
        reg: RegisterClientData,
    ) -> Result<(), AuthError> {
        let sso = sso.to_owned();
        self.run("saving the client registration", move |s| {
            s.put_registration(&sso, reg)
        })
        .await
    }

    pub(crate) async fn delete_registration(&self, sso: &str) -> Result<bool, AuthError> {
        let sso = sso.to_owned();
        self.run("deleting the client registration", move |s| {
            s.delete_registration(&sso)
        })
        .await
    }

    /// The stored token; with `fresh`, re-read from the backend first (another process may
    /// have refreshed it since this one loaded the store).
    pub(crate) async fn token(
        &self,
        sso: &str,
        fresh: bool,
    ) -> Result<Option<CreateTokenResponse>, AuthError> {
        let sso = sso.to_owned();
        self.run("reading the SSO token", move |s| {
            if fresh {
                s.reload();
            }
            s.token(&sso)
        })
        .await
    }

    pub(crate) async fn put_token(
        &self,
        sso: &str,
        token: CreateTokenResponse,
    ) -> Result<(), AuthError> {
        let sso = sso.to_owned();
        self.run("saving the SSO token", move |s| s.put_token(&sso, token))
            .await
    }

    pub(crate) async fn delete_token(&self, sso: &str) -> Result<bool, AuthError> {
        let sso = sso.to_owned();
        self.run("deleting the SSO token", move |s| s.delete_token(&sso))
            .await
    }

    /// Delete the stored role credentials still valid at `now` (unix seconds), limited to
    /// `only` when given; returns the ARNs deleted, sorted.
    pub(crate) async fn delete_live_role_credentials(
        &self,
        now: i64,
        only: Option<Vec<String>>,
    ) -> Result<Vec<String>, AuthError> {
        self.run("deleting role credentials", move |s| {
            s.modify(|doc| {
                let doomed: Vec<String> = doc
                    .role_credentials
                    .iter()
                    .filter(|(arn, c)| {
                        c.is_valid_for(now, 0) && only.as_ref().is_none_or(|o| o.contains(arn))
                    })
                    .map(|(arn, _)| arn.clone())
                    .collect();
                for arn in &doomed {
                    doc.role_credentials.remove(arn);
                }
                doomed
            })
        })
        .await
    }
}
