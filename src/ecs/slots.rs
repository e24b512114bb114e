//! The server's credentials, in memory only: one default slot (`GET /`) and named slots
//! keyed by profile name (`GET /slot/<profile>`). Each slot is a [`SlotCell`] shared by the
//! requests reading it and the renewal that replaces its credentials, so an unload during a
//! renewal only drops the cell from the map and the renewal lands nowhere.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::role::RoleId;
use crate::store::RoleCredentials;

/// Which slot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlotKey {
    Default,
    Named(String),
}

/// The credentials in one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub profile: String,
    pub creds: RoleCredentials,
    /// Unix seconds when these credentials were loaded or renewed: with the expiry it gives
    /// their lifetime, which bounds how early they are renewed.
    pub obtained_at: i64,
    /// The SSO instance the loader said the role belongs to, if it said.
    pub sso: Option<String>,
}

impl Slot {
    /// Expiry in unix seconds.
    pub fn expires_at(&self) -> i64 {
        self.creds.expires_at_secs()
    }

    pub fn is_expired(&self, now: i64) -> bool {
        !self.creds.is_valid_for(now, 0)
    }

    /// When to renew: `renew_before` seconds ahead of the expiry, but never earlier than
    /// half-way through the lifetime (short-lived credentials would renew all the time).
    pub fn renew_at(&self, renew_before: i64) -> i64 {
        let life = (self.expires_at() - self.obtained_at).max(0);
        self.expires_at() - renew_before.clamp(0, life / 2)
    }

    pub fn role(&self) -> RoleId {
        RoleId::new(self.creds.account_id, self.creds.role_name.clone())
    }
}

/// One slot, shared between the map, the requests and the renewal.
#[derive(Debug)]
pub struct SlotCell {
    slot: Mutex<Slot>,
    /// Held while a renewal runs, so there is only ever one per slot (single flight).
    pub(crate) flight: tokio::sync::Mutex<()>,
    /// No renewal is tried before this unix second (after a failure).
    retry_after: AtomicI64,
}

impl SlotCell {
    fn new(slot: Slot) -> SlotCell {
        SlotCell {
            slot: Mutex::new(slot),
            flight: tokio::sync::Mutex::new(()),
            retry_after: AtomicI64::new(0),
        }
    }

    /// A copy of the slot as it is now.
    pub fn snapshot(&self) -> Slot {
        self.slot.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Put renewed credentials in.
    pub fn renewed(&self, creds: RoleCredentials, now: i64) {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.creds = creds;
        slot.obtained_at = now;
        self.retry_after.store(0, Ordering::Relaxed);
    }

    pub fn retry_after(&self) -> i64 {
        self.retry_after.load(Ordering::Relaxed)
    }

    pub fn set_retry_after(&self, at: i64) {
        self.retry_after.store(at, Ordering::Relaxed);
    }
}

#[derive(Debug, Default)]
struct Maps {
    default: Option<Arc<SlotCell>>,
    named: BTreeMap<String, Arc<SlotCell>>,
}

/// All slots. Locks are held only to copy an `Arc` in or out, never across an await.
#[derive(Debug, Default)]
pub struct Slots {
    maps: RwLock<Maps>,
    changed: tokio::sync::Notify,
}

impl Slots {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Maps> {
        self.maps.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Maps> {
        self.maps.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Load a slot (replacing what was there) and wake the renewal loop.
    pub fn put(&self, key: SlotKey, slot: Slot) {
        let cell = Arc::new(SlotCell::new(slot));
        {
            let mut maps = self.write();
            match key {
                SlotKey::Default => maps.default = Some(cell),
                SlotKey::Named(name) => {
                    maps.named.insert(name, cell);
                }
            }
        }
        self.changed.notify_one();
    }

    pub fn get(&self, key: &SlotKey) -> Option<Arc<SlotCell>> {
        let maps = self.read();
        match key {
            SlotKey::Default => maps.default.clone(),
            SlotKey::Named(name) => maps.named.get(name).cloned(),
        }
    }

    /// Returns whether there was one.
    pub fn remove(&self, key: &SlotKey) -> bool {
        let mut maps = self.write();
        match key {
            SlotKey::Default => maps.default.take().is_some(),
            SlotKey::Named(name) => maps.named.remove(name).is_some(),
        }
    }

    /// Empty every named slot; returns how many there were.
    pub fn clear_named(&self) -> usize {
        std::mem::take(&mut self.write().named).len()
    }

    /// The named slots, sorted by profile name.
    pub fn named(&self) -> Vec<(String, Slot)> {
        self.read()
            .named
            .iter()
            .map(|(k, c)| (k.clone(), c.snapshot()))
            .collect()
    }

    /// Every slot's cell, the default one first.
    pub fn cells(&self) -> Vec<Arc<SlotCell>> {
        let maps = self.read();
        maps.default
            .iter()
            .chain(maps.named.values())
            .cloned()
            .collect()
    }

    /// Resolves after the next [`Slots::put`] (or at once if one happened since the last wait).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(profile: &str, obtained_at: i64, expires_at: i64) -> Slot {
        Slot {
            profile: profile.into(),
            creds: RoleCredentials {
                role_name: "Admin".into(),
                account_id: 42,
                access_key_id: format!("AK-{profile}"),
                secret_access_key: "s".into(),
                session_token: "t".into(),
                expiration: expires_at * 1000,
                role_chaining: false,
            },
            obtained_at,
            sso: None,
        }
    }

    #[test]
    fn renewal_is_ahead_of_expiry_but_not_before_half_the_lifetime() {
        // One hour: fifteen minutes ahead.
        assert_eq!(slot("a", 0, 3600).renew_at(900), 2700);
        // Twenty seconds: half-way.
        assert_eq!(slot("a", 100, 120).renew_at(900), 110);
        // Zero: at expiry.
        assert_eq!(slot("a", 0, 3600).renew_at(0), 3600);
        let s = slot("a", 0, 3600);
        assert!(!s.is_expired(3599) && s.is_expired(3600));
        assert_eq!(s.role(), RoleId::new(42, "Admin"));
    }

    #[test]
    fn slots_load_replace_list_and_unload() {
        let slots = Slots::default();
        assert!(slots.get(&SlotKey::Default).is_none());
        slots.put(SlotKey::Named("b".into()), slot("b", 0, 10));
        slots.put(SlotKey::Named("a".into()), slot("a", 0, 10));
        slots.put(SlotKey::Default, slot("d", 0, 10));
        slots.put(SlotKey::Named("a".into()), slot("a2", 0, 20));
        let names: Vec<_> = slots
            .named()
            .into_iter()
            .map(|(k, s)| (k, s.profile))
            .collect();
        assert_eq!(names, [("a".into(), "a2".into()), ("b".into(), "b".into())]);
        assert_eq!(slots.cells().len(), 3);
        assert_eq!(slots.cells()[0].snapshot().profile, "d");
        assert!(slots.remove(&SlotKey::Named("b".into())));
        assert!(!slots.remove(&SlotKey::Named("b".into())));
        assert_eq!(slots.clear_named(), 1);
        assert!(slots.named().is_empty());
        assert!(slots.remove(&SlotKey::Default));
        assert!(!slots.remove(&SlotKey::Default));
    }

    #[test]
    fn a_renewal_replaces_the_credentials_of_a_held_cell() {
        let slots = Slots::default();
        slots.put(SlotKey::Default, slot("d", 0, 10));
        let cell = slots.get(&SlotKey::Default).unwrap();
        cell.set_retry_after(99);
        let mut fresh = cell.snapshot().creds;
        fresh.expiration = 50_000;
        cell.renewed(fresh, 20);
        let now = slots.get(&SlotKey::Default).unwrap().snapshot();
        assert_eq!((now.expires_at(), now.obtained_at), (50, 20));
        assert_eq!(cell.retry_after(), 0);
    }
}
