//! The ECS server's HTTP API (docs/ecs-protocol.md, "Routes") as one function of method, path,
//! `Authorization` header and body: [`Api::handle`], preceded by [`Api::admit`], which refuses
//! from the headers alone (wrong `Host`, a browser, no token) before any body is read. No
//! sockets here, so every status code is unit-tested.
//!
//! Where aws-sso-cli differs from its own docs this follows the docs: `DELETE /slot` empties
//! every named slot, a deleted default slot answers 404 (aws-sso-cli's handler panicked), and
//! with auth disabled a request carrying an `Authorization` header is served.

use std::sync::Arc;
use std::time::Duration;

use hyper::header::{AUTHORIZATION, HOST, HeaderValue};
use hyper::{HeaderMap, Method};
use percent_encoding::percent_decode_str;

use super::api::{CredentialsReply, Health, LoadRequest, ProfileReply, Reply};
use super::auth::BearerAuth;
use super::guard::{self, HostPolicy};
use super::renew::Renewal;
use super::slots::{Slot, SlotCell, SlotKey, Slots};
use crate::credentials::exports::rfc3339_local;
use crate::credentials::{REUSE_MARGIN_SECS, now_unix};

/// A request that finds its slot's credentials this close to expiry (or past it) waits for
/// the renewal; otherwise it is answered at once while the renewal runs.
const WAIT_MARGIN_SECS: i64 = REUSE_MARGIN_SECS;

/// The longest a request waits for a renewal before answering with what the slot has.
const RENEW_WAIT: Duration = Duration::from_secs(20);

/// Everything the handlers share.
pub struct Api {
    pub slots: Arc<Slots>,
    pub auth: BearerAuth,
    pub renewal: Option<Arc<Renewal>>,
    pub hosts: HostPolicy,
}

impl Api {
    /// Serving loopback and `localhost` only, until [`Api::with_hosts`].
    pub fn new(auth: BearerAuth, renewal: Option<Arc<Renewal>>) -> Api {
        Api {
            slots: Arc::new(Slots::default()),
            auth,
            renewal,
            hosts: HostPolicy::loopback(),
        }
    }

    pub fn with_hosts(self, hosts: HostPolicy) -> Api {
        Api { hosts, ..self }
    }

    /// Whether to go on with a request, from its headers alone, whatever the auth mode:
    /// 421 for a `Host` that is not ours (DNS rebinding), 403 for a browser's request, then
    /// the bearer token (but for the health checks).
    pub fn admit(&self, path: &str, headers: &HeaderMap) -> Result<(), Reply> {
        if !self.hosts.admits(headers.get(HOST)) {
            return Err(Reply::ack(
                421,
                "refused: the Host header is not loopback, localhost or the server's address (DNS rebinding protection; see --allow-host)",
            ));
        }
        if guard::browser_originated(headers) {
            return Err(Reply::ack(
                403,
                "refused: a web browser's request (Origin or Sec-Fetch-Site header)",
            ));
        }
        if is_health(path) {
            return Ok(());
        }
        match self
            .auth
            .allows(headers.get(AUTHORIZATION).map(HeaderValue::as_bytes))
        {
            true => Ok(()),
            false => Err(Reply::forbidden()),
        }
    }

    /// Answer one request. `path` is the URL path as sent (still percent-encoded). The token
    /// is checked here too, so this stays safe on its own; [`Api::admit`] comes first.
    pub async fn handle(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        authorization: Option<&[u8]>,
        body: &[u8],
    ) -> Reply {
        // Health checks come from orchestrators that hold no token.
        if path == "/healthcheck" {
            return match *method {
                Method::GET => self.health(&SlotKey::Default).await,
                _ => Reply::bad_request(),
            };
        }
        if let Some(name) = path.strip_prefix("/healthcheck/slot/") {
            return match *method {
                Method::GET => self.health(&SlotKey::Named(decode(name))).await,
                _ => Reply::bad_request(),
            };
        }
        if !self.auth.allows(authorization) {
            return Reply::forbidden();
        }
        match path {
            // aws-sso-cli matches the whole URL, so `/?x` is not the default slot.
            "/" if query.is_none() => match *method {
                Method::GET => self.credentials(&SlotKey::Default).await,
                Method::PUT => self.load(SlotTarget::Default, body),
                Method::DELETE => match self.slots.remove(&SlotKey::Default) {
                    true => Reply::ok(),
                    false => Reply::expired(),
                },
                _ => Reply::bad_request(),
            },
            "/profile" => match *method {
                Method::GET => self.profile().await,
                _ => Reply::bad_request(),
            },
            "/slot" | "/slot/" => match *method {
                Method::GET => self.list(),
                Method::DELETE => {
                    let n = self.slots.clear_named();
                    tracing::debug!("unloaded {n} named ECS slot(s)");
                    Reply::ok()
                }
                _ => Reply::bad_request(),
            },
            _ => match path.strip_prefix("/slot/") {
                Some(name) => {
                    let key = SlotKey::Named(decode(name));
                    match *method {
                        Method::GET => self.credentials(&key).await,
                        Method::PUT => self.load(SlotTarget::Named, body),
                        Method::DELETE => match self.slots.remove(&key) {
                            true => Reply::ok(),
                            false => Reply::unavailable(),
                        },
                        _ => Reply::bad_request(),
                    }
                }
                None => Reply::unavailable(),
            },
        }
    }

    /// `GET /`, `GET /slot/<profile>`.
    async fn credentials(&self, key: &SlotKey) -> Reply {
        let Some(cell) = self.slots.get(key) else {
            return match key {
                SlotKey::Default => Reply::expired(),
                SlotKey::Named(_) => Reply::unavailable(),
            };
        };
        let slot = self.current(cell).await;
        if slot.is_expired(now_unix()) {
            return Reply::expired();
        }
        Reply::json(200, &CredentialsReply::new(&slot.creds))
    }

    /// `GET /profile`.
    async fn profile(&self) -> Reply {
        let Some(cell) = self.slots.get(&SlotKey::Default) else {
            return Reply::unavailable();
        };
        let slot = self.current(cell).await;
        let now = now_unix();
        if slot.is_expired(now) {
            return Reply::expired();
        }
        Reply::json(200, &ProfileReply::new(&slot.profile, &slot.creds, now))
    }

    /// `GET /slot`: the named slots that have not expired, by profile name.
    fn list(&self) -> Reply {
        let now = now_unix();
        let profiles: Vec<ProfileReply> = self
            .slots
            .named()
            .into_iter()
            .filter(|(name, slot)| {
                let live = !slot.is_expired(now);
                if !live {
                    tracing::debug!(profile = %name, "ECS slot expired: not listed");
                }
                live
            })
            .map(|(name, slot)| ProfileReply::new(&name, &slot.creds, now))
            .collect();
        Reply::json(200, &profiles)
    }

    /// `PUT /`, `PUT /slot/<profile>`: the slot's key is the body's ProfileName.
    fn load(&self, target: SlotTarget, body: &[u8]) -> Reply {
        let req: LoadRequest = match serde_json::from_slice(body) {
            Ok(r) => r,
            // A client's mistake: 400 (aws-sso-cli answered 500). A missing field is named;
            // otherwise only the position, as serde's other messages can quote the value.
            Err(e) => {
                let msg = e.to_string();
                return Reply::ack(
                    400,
                    &match msg.starts_with("missing field") {
                        true => format!("invalid request body: {msg}"),
                        false => format!(
                            "invalid request body ({:?} error at line {} column {})",
                            e.classify(),
                            e.line(),
                            e.column()
                        ),
                    },
                );
            }
        };
        if let Err(msg) = req.validate() {
            return Reply::ack(400, &msg);
        }
        let now = now_unix();
        if !req.creds.is_valid_for(now, 0) {
            return match target {
                SlotTarget::Default => Reply::expired(),
                SlotTarget::Named => Reply::ack(500, "expired creds"),
            };
        }
        let key = match target {
            SlotTarget::Default => SlotKey::Default,
            SlotTarget::Named => SlotKey::Named(req.profile_name.clone()),
        };
        tracing::info!(profile = %req.profile_name, slot = ?key, "loaded ECS credentials");
        self.slots.put(
            key,
            Slot {
                profile: req.profile_name,
                creds: req.creds,
                obtained_at: now,
                sso: req.sso,
            },
        );
        Reply::ok()
    }

    /// `GET /healthcheck[/slot/<profile>]`.
    async fn health(&self, key: &SlotKey) -> Reply {
        let status = |s: &str| Health {
            status: s.into(),
            profile: None,
            expires: None,
        };
        let Some(cell) = self.slots.get(key) else {
            return Reply::health(
                503,
                &status(match key {
                    SlotKey::Default => "no credentials loaded",
                    SlotKey::Named(_) => "slot not found",
                }),
            );
        };
        let slot = self.current(cell).await;
        if slot.is_expired(now_unix()) {
            return Reply::health(503, &status("credentials expired"));
        }
        Reply::health(
            200,
            &Health {
                status: "ok".into(),
                profile: Some(slot.profile.clone()),
                expires: Some(rfc3339_local(slot.expires_at())),
            },
        )
    }

    /// The slot's credentials, renewed first when they are due and about to run out.
    async fn current(&self, cell: Arc<SlotCell>) -> Slot {
        let slot = cell.snapshot();
        let Some(renewal) = &self.renewal else {
            return slot;
        };
        let now = now_unix();
        if !renewal.is_due(&cell, &slot, now) {
            return slot;
        }
        let must_wait = !slot.creds.is_valid_for(now, WAIT_MARGIN_SECS);
        if !must_wait && cell.flight.try_lock().is_err() {
            // Already being renewed, and what we have is still good.
            return slot;
        }
        // A task of its own: a client that hangs up must not cancel a renewal half-way.
        let task = tokio::spawn({
            let renewal = renewal.clone();
            let cell = cell.clone();
            async move { renewal.renew_if_due(&cell).await }
        });
        if !must_wait {
            return slot;
        }
        match tokio::time::timeout(RENEW_WAIT, task).await {
            Ok(Ok(renewed)) => renewed,
            _ => cell.snapshot(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum SlotTarget {
    Default,
    Named,
}

/// `/healthcheck` and `/healthcheck/slot/<profile>`: orchestrators hold no token.
fn is_health(path: &str) -> bool {
    path == "/healthcheck" || path.starts_with("/healthcheck/slot/")
}

/// A profile name from the path (clients escape it like Go's `url.PathEscape`).
fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
#[path = "routes_tests.rs"]
mod tests;
