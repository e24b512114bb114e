//! [`EmulatorHandle`]: a running emulator's address plus everything a test inspects or
//! controls — counters, the request log, fault injection, token revocation and expiry.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::state::DeviceStatus;
use super::{Counters, EmulatorConfig, Fault, LoggedRequest, Operation, Org, Shared};

/// A cheap, cloneable view of a running emulator: its address plus every test control.
#[derive(Clone)]
pub struct EmulatorHandle {
    pub(super) shared: Arc<Shared>,
    pub(super) addr: SocketAddr,
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("url", &self.shared.url)
            .finish_non_exhaustive()
    }
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`: the endpoint URL for sso, sso-oidc, sts and console sign-in.
    pub fn url(&self) -> String {
        self.shared.url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accounts and roles served.
    pub fn org(&self) -> &Org {
        &self.shared.cfg.org
    }

    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.cfg
    }

    /// Per-operation call counts, error counts, 429s sent, faults served.
    pub fn counters(&self) -> Counters {
        self.shared.log.counters()
    }

    /// The request log, oldest first (at most the last 10,000 requests; no secrets).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.requests()
    }

    /// Clears the request log and the counters.
    pub fn reset_log(&self) {
        self.shared.log.reset();
    }

    /// The next `times` calls of `op` get `fault` instead of being handled (after latency,
    /// before the rate limit). Faults queue up in the order injected.
    pub fn inject_fault(&self, op: Operation, fault: Fault, times: usize) {
        self.shared.limits.inject(op, fault, times);
    }

    /// From now on every call of `op` waits `latency` (on top of the configured latency)
    /// before it is handled: makes a slow operation to race against.
    pub fn set_latency(&self, op: Operation, latency: Duration) {
        self.shared.limits.set_op_latency(op, latency);
    }

    /// Injected faults for `op` not yet served.
    pub fn pending_faults(&self, op: Operation) -> usize {
        self.shared.limits.pending_faults(op)
    }

    pub fn clear_faults(&self) {
        self.shared.limits.clear_faults();
    }

    /// Signs every session out: all access and refresh tokens stop working (as after Logout).
    pub fn revoke_all_tokens(&self) {
        let mut st = self.shared.lock();
        let sessions: Vec<u64> = st.access.values().map(|t| t.session).collect();
        let more: Vec<u64> = st.refresh.values().map(|t| t.session).collect();
        st.revoked_sessions.extend(sessions.into_iter().chain(more));
    }

    /// Every access token issued so far expires now (refresh tokens still work).
    pub fn expire_access_tokens(&self) {
        let past = past();
        self.shared
            .lock()
            .access
            .values_mut()
            .for_each(|t| t.expires_at = past);
    }

    /// Every refresh token issued so far expires now.
    pub fn expire_refresh_tokens(&self) {
        let past = past();
        self.shared
            .lock()
            .refresh
            .values_mut()
            .for_each(|t| t.expires_at = past);
    }

    /// Every role credential issued so far (GetRoleCredentials and AssumeRole) expires now.
    pub fn expire_role_credentials(&self) {
        let past = past();
        self.shared
            .lock()
            .creds
            .values_mut()
            .for_each(|c| c.expires_at = past);
    }

    /// Every device code issued so far expires now (`ExpiredTokenException` on the next poll).
    pub fn expire_device_codes(&self) {
        let past = past();
        self.shared
            .lock()
            .devices
            .values_mut()
            .for_each(|d| d.expires_at = past);
    }

    /// Every client secret issued so far expires now (`InvalidClientException`).
    pub fn expire_client_secrets(&self) {
        let past = past();
        self.shared
            .lock()
            .clients
            .values_mut()
            .for_each(|c| c.secret_expires_at = past);
    }

    /// Approves (or, with `deny_logins`, denies) every pending device authorization, as if the
    /// user had opened each `verificationUriComplete`. Returns how many were pending.
    pub fn approve_pending_devices(&self) -> usize {
        let verdict = if self.shared.cfg.deny_logins {
            DeviceStatus::Denied
        } else {
            DeviceStatus::Approved
        };
        let mut st = self.shared.lock();
        let pending = st
            .devices
            .values_mut()
            .filter(|d| d.status == DeviceStatus::Pending);
        pending.map(|d| d.status = verdict).count()
    }
}

fn past() -> SystemTime {
    SystemTime::now() - Duration::from_secs(1)
}
