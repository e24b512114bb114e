//! Renewing a slot's role credentials before they expire, for as long as the SSO session
//! lasts (beyond aws-sso-cli, whose slots simply expire).
//!
//! A slot is due at [`Slot::renew_at`]: [`DEFAULT_RENEW_BEFORE_SECS`] ahead of its expiry
//! (botocore refetches container credentials 15 minutes before they expire, so it then finds
//! fresh ones), or half-way through a shorter lifetime. Two things renew: a background loop
//! that wakes when the next slot is due, and a request that finds its slot due. Both go
//! through [`Renewal::renew_if_due`], which holds the slot's flight lock, so however many
//! clients hit a slot at once, one `GetRoleCredentials` is made.
//!
//! [`Renewer`] is what fetches; [`ProviderRenewer`] does it through [`Provider`] with the
//! server's SSO session, never opening a browser.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::slots::{Slot, SlotCell, Slots};
use crate::credentials::{Provider, now_unix};
use crate::role::RoleId;
use crate::store::RoleCredentials;

/// Default of `ecs server --renew-before`.
pub const DEFAULT_RENEW_BEFORE_SECS: i64 = 15 * 60;

/// After a failed renewal the slot is left alone this long (it keeps serving what it has).
pub const RETRY_AFTER_FAILURE_SECS: i64 = 60;

/// How long the background loop sleeps at most between looks at the slots.
const MAX_NAP_SECS: i64 = 60;

/// Fetches new credentials for a role.
pub trait Renewer: Send + Sync {
    /// The SSO instance this renewer is logged in to.
    fn instance(&self) -> &str;

    /// Credentials for `role` that expire later than `current`.
    fn renew<'a>(
        &'a self,
        role: &'a RoleId,
        current: &'a RoleCredentials,
    ) -> BoxFuture<'a, Result<RoleCredentials, String>>;
}

/// The renewal policy of one server.
pub struct Renewal {
    renewer: Arc<dyn Renewer>,
    renew_before: i64,
}

impl Renewal {
    pub fn new(renewer: Arc<dyn Renewer>, renew_before_secs: i64) -> Renewal {
        Renewal {
            renewer,
            renew_before: renew_before_secs.max(0),
        }
    }

    /// Whether this server can renew the slot: a role it names, and (when the loader said)
    /// the server's own SSO instance.
    pub fn covers(&self, slot: &Slot) -> bool {
        let same_instance = slot
            .sso
            .as_deref()
            .is_none_or(|s| s == self.renewer.instance());
        same_instance && slot.creds.account_id != 0 && !slot.creds.role_name.is_empty()
    }

    /// When the slot should next be renewed (`None`: never).
    pub fn due_at(&self, cell: &SlotCell, slot: &Slot) -> Option<i64> {
        self.covers(slot)
            .then(|| slot.renew_at(self.renew_before).max(cell.retry_after()))
    }

    pub fn is_due(&self, cell: &SlotCell, slot: &Slot, now: i64) -> bool {
        self.due_at(cell, slot).is_some_and(|at| at <= now)
    }

    /// Renew the slot if it is (still) due, one renewal per slot at a time; returns the slot
    /// as it is afterwards. A failure is logged and the old credentials stay.
    pub async fn renew_if_due(&self, cell: &SlotCell) -> Slot {
        let _flight = cell.flight.lock().await;
        // Whoever held the lock before us may have renewed already.
        let slot = cell.snapshot();
        let now = now_unix();
        if !self.is_due(cell, &slot, now) {
            return slot;
        }
        let role = slot.role();
        match self.renewer.renew(&role, &slot.creds).await {
            Ok(creds) => {
                tracing::info!(
                    profile = %slot.profile,
                    expires = %crate::credentials::exports::rfc3339_local(creds.expires_at_secs()),
                    "renewed the credentials of an ECS slot"
                );
                cell.renewed(creds, now_unix());
            }
            Err(e) => {
                tracing::warn!(
                    profile = %slot.profile,
                    "cannot renew the credentials of an ECS slot (retrying in {RETRY_AFTER_FAILURE_SECS}s; run `aws-sso login` if the SSO session ended): {e}"
                );
                cell.set_retry_after(now_unix() + RETRY_AFTER_FAILURE_SECS);
            }
        }
        cell.snapshot()
    }

    /// The background loop: renew every slot when it falls due. Runs until dropped.
    pub async fn run(self: Arc<Self>, slots: Arc<Slots>) {
        loop {
            let now = now_unix();
            let mut next = now + MAX_NAP_SECS;
            for cell in slots.cells() {
                let slot = cell.snapshot();
                let Some(at) = self.due_at(&cell, &slot) else {
                    continue;
                };
                if at <= now {
                    if slot.is_expired(now) && cell.retry_after() == 0 {
                        tracing::debug!(profile = %slot.profile, "ECS slot expired before renewal");
                    }
                    let me = self.clone();
                    tokio::spawn(async move {
                        me.renew_if_due(&cell).await;
                    });
                    // Look again soon: the renewed slot's next due time is not known yet.
                    next = next.min(now + 1);
                } else {
                    next = next.min(at);
                }
            }
            let nap = Duration::from_secs(u64::try_from((next - now).max(1)).unwrap_or(1));
            tokio::select! {
                _ = tokio::time::sleep(nap) => {}
                _ = slots.changed() => {}
            }
        }
    }
}

/// Renews through the credential [`Provider`] of the server's SSO instance: first the secure
/// store (another aws-sso process may hold newer credentials for the role), then AWS.
pub struct ProviderRenewer {
    provider: Provider<'static>,
}

impl ProviderRenewer {
    pub fn new(provider: Provider<'static>) -> ProviderRenewer {
        ProviderRenewer { provider }
    }
}

impl Renewer for ProviderRenewer {
    fn instance(&self) -> &str {
        self.provider.instance()
    }

    fn renew<'a>(
        &'a self,
        role: &'a RoleId,
        current: &'a RoleCredentials,
    ) -> BoxFuture<'a, Result<RoleCredentials, String>> {
        Box::pin(async move {
            self.provider.store().reload();
            let stored = self
                .provider
                .credentials(role, false)
                .await
                .map_err(|e| e.to_string())?;
            if stored.creds.expiration > current.expiration {
                return Ok(stored.creds);
            }
            let fetched = self
                .provider
                .credentials(role, true)
                .await
                .map_err(|e| e.to_string())?;
            Ok(fetched.creds)
        })
    }
}
