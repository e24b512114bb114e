//! The open connections of the server, capped, so a neighbour who opens hundreds of
//! connections and sends nothing (or half a request) cannot crowd out an authorised client.
//!
//! A connection is *waiting* while no admitted request of it is being answered: before its
//! first request, between keep-alive requests, and while its headers or body trickle in.
//! Only a waiting connection may be closed to make room, the one that has waited longest
//! first; a connection whose request is being answered (a renewal can take seconds) is
//! never cut. When every connection is busy, a new one waits for room.
//!
//! The cap stays below the process's file-descriptor limit, so `accept` keeps working and the
//! renewal's own HTTPS connections still find descriptors.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// At most this many connections, however high the descriptor limit.
const MAX_CONNECTIONS: usize = 1024;
/// Descriptors kept for everything else: stdio, the runtime, listeners, renewal calls, files.
const RESERVED_FDS: u64 = 64;
/// Connections closed to make room whose sockets may still be open (within the reserve).
const CLOSING_SLACK: usize = 32;
/// Never fewer than this, however low the limit.
const MIN_CONNECTIONS: usize = 16;

/// The connection cap for the current descriptor limit.
pub fn default_cap() -> usize {
    cap_for(open_files_limit())
}

fn cap_for(limit: Option<u64>) -> usize {
    let Some(limit) = limit else {
        return MAX_CONNECTIONS;
    };
    let usable = usize::try_from(limit.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX);
    usable.clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
}

#[cfg(unix)]
fn open_files_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<u64> {
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for a request since this tick of `Inner::clock`.
    Waiting(u64),
    /// Answering a request.
    Busy,
    /// Told to close; still counted until its task has dropped the socket.
    Closing,
}

struct Entry {
    state: State,
    abort: Option<AbortHandle>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    clock: u64,
    open: HashMap<u64, Entry>,
}

/// The registry of open connections.
pub struct Conns {
    cap: usize,
    inner: Mutex<Inner>,
    /// Signalled when a connection closes or starts waiting (room may be made).
    changed: Notify,
}

impl Conns {
    pub fn new(cap: usize) -> Arc<Conns> {
        Arc::new(Conns {
            cap: cap.max(1),
            inner: Mutex::new(Inner::default()),
            changed: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns once one more connection fits: at once below the cap, else after closing
    /// the connection that has waited longest, else when a busy one finishes. A closed
    /// connection's socket is only gone once its task has been dropped: up to
    /// [`CLOSING_SLACK`] of those may be pending, so evictions don't wait on each other,
    /// and the descriptors stay bounded all the same.
    pub async fn make_room(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut inner = self.lock();
                let closing = inner
                    .open
                    .values()
                    .filter(|e| e.state == State::Closing)
                    .count();
                let live = inner.open.len() - closing;
                if live >= self.cap && closing < CLOSING_SLACK && evict(&mut inner) {
                    continue;
                }
                if live < self.cap && closing < CLOSING_SLACK {
                    return;
                }
            }
            changed.await;
        }
    }

    /// Close the connection that has waited longest for a request; false if none waits.
    pub fn evict_longest_waiting(&self) -> bool {
        evict(&mut self.lock())
    }

    /// Count a new connection (waiting); it leaves the registry when the returned
    /// [`ConnSlot`] is dropped.
    pub fn register(self: &Arc<Conns>) -> ConnSlot {
        let mut inner = self.lock();
        let id = inner.next_id;
        inner.next_id += 1;
        inner.clock += 1;
        let since = inner.clock;
        inner.open.insert(
            id,
            Entry {
                state: State::Waiting(since),
                abort: None,
            },
        );
        ConnSlot {
            conns: self.clone(),
            id,
        }
    }

    /// How to close the connection's task when it is evicted.
    pub fn set_abort(&self, slot_id: u64, abort: AbortHandle) {
        if let Some(e) = self.lock().open.get_mut(&slot_id) {
            e.abort = Some(abort);
        }
    }

    /// Close every connection still open (the end of a shutdown).
    pub fn abort_all(&self) {
        for e in self.lock().open.values_mut() {
            e.state = State::Closing;
            if let Some(abort) = &e.abort {
                abort.abort();
            }
        }
    }

    /// Returns once no connection is open.
    pub async fn closed(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.is_empty() {
                return;
            }
            changed.await;
        }
    }

    fn set_waiting(&self, id: u64, waiting: bool) {
        {
            let mut inner = self.lock();
            inner.clock += 1;
            let now = inner.clock;
            if let Some(e) = inner.open.get_mut(&id)
                && e.state != State::Closing
            {
                e.state = match waiting {
                    true => State::Waiting(now),
                    false => State::Busy,
                };
            }
        }
        if waiting {
            self.changed.notify_waiters();
        }
    }
}

/// Mark the longest-waiting connection closing and abort its task.
fn evict(inner: &mut Inner) -> bool {
    let oldest = inner
        .open
        .iter()
        .filter_map(|(id, e)| match e.state {
            State::Waiting(since) => Some((since, *id)),
            _ => None,
        })
        .min();
    let Some((_, id)) = oldest else {
        return false;
    };
    if let Some(e) = inner.open.get_mut(&id) {
        e.state = State::Closing;
        if let Some(abort) = &e.abort {
            abort.abort();
        }
    }
    tracing::debug!("ECS server: at the connection cap, closing an idle connection");
    true
}

/// One registered connection.
pub struct ConnSlot {
    conns: Arc<Conns>,
    id: u64,
}

impl ConnSlot {
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Mark the connection busy (not to be evicted) until the guard is dropped.
    pub fn busy(&self) -> BusyGuard<'_> {
        self.conns.set_waiting(self.id, false);
        BusyGuard(self)
    }
}

impl Drop for ConnSlot {
    fn drop(&mut self) {
        self.conns.lock().open.remove(&self.id);
        self.conns.changed.notify_waiters();
    }
}

/// While alive, the connection is answering a request.
pub struct BusyGuard<'a>(&'a ConnSlot);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.conns.set_waiting(self.0.id, true);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_cap_follows_the_descriptor_limit() {
        assert_eq!(cap_for(None), MAX_CONNECTIONS);
        assert_eq!(cap_for(Some(256)), 192);
        assert_eq!(cap_for(Some(1_048_576)), MAX_CONNECTIONS);
        assert_eq!(cap_for(Some(20)), MIN_CONNECTIONS);
    }

    /// A registered connection whose task holds its slot, as the server's do.
    fn open(conns: &Arc<Conns>) -> (Arc<ConnSlot>, tokio::task::JoinHandle<()>) {
        let slot = Arc::new(conns.register());
        let held = slot.clone();
        let task = tokio::spawn(async move {
            let _held = held;
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        conns.set_abort(slot.id(), task.abort_handle());
        (slot, task)
    }

    #[tokio::test]
    async fn the_longest_waiting_connection_makes_room_and_busy_ones_stay() {
        let conns = Conns::new(3);
        let (first, _t1) = open(&conns);
        let (second, t2) = open(&conns);
        let (third, t3) = open(&conns);
        drop((second, third));
        // The first one is busy: the second has waited longest. It counts until its task
        // is gone.
        let busy = first.busy();
        conns.make_room().await;
        assert!(t2.await.unwrap_err().is_cancelled());
        assert_eq!(conns.len(), 2);
        // Then the third, then nothing: the first is busy.
        assert!(conns.evict_longest_waiting());
        assert!(t3.await.unwrap_err().is_cancelled());
        assert_eq!(conns.len(), 1);
        assert!(!conns.evict_longest_waiting());
        drop(busy);
        assert!(conns.evict_longest_waiting());
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), conns.closed())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn room_is_waited_for_while_everyone_is_busy() {
        let conns = Conns::new(1);
        let (slot, task) = open(&conns);
        let busy = slot.busy();
        let waiter = tokio::spawn({
            let conns = conns.clone();
            async move { conns.make_room().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiter.is_finished());
        // Idle again: it is closed to make room.
        drop(busy);
        drop(slot);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
        assert!(task.await.unwrap_err().is_cancelled());
    }

    #[tokio::test]
    async fn sockets_still_closing_bound_the_evictions() {
        let conns = Conns::new(1);
        // Held here, so their sockets never close.
        let held: Vec<_> = (0..=CLOSING_SLACK).map(|_| conns.register()).collect();
        let room = tokio::time::timeout(Duration::from_millis(100), conns.make_room());
        assert!(room.await.is_err());
        let closing = |c: &Conns| {
            let inner = c.lock();
            inner
                .open
                .values()
                .filter(|e| e.state == State::Closing)
                .count()
        };
        assert_eq!(closing(&conns), CLOSING_SLACK);
        drop(held);
        tokio::time::timeout(Duration::from_secs(5), conns.make_room())
            .await
            .unwrap();
    }
}
