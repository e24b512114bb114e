//! `<ConfigDir>/storage.lock`: the advisory file lock that serialises secure-store writers
//! across processes (shared for reads, exclusive for read-modify-write), the same protocol as
//! aws-sso-cli so both tools can run side by side.
//!
//! Waiting polls `try_lock*` with jittered exponential backoff (10 ms → 1 s) up to a timeout
//! instead of blocking in `flock`, so a stuck holder produces an error naming the file and the
//! last writer instead of a silent hang (#1379). The OS drops the lock when the holding process
//! dies, so Ctrl-C can never leave it held.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::Rng;

use super::error::StoreError;
use crate::fsutil;

/// Default time to wait for another process to release the lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

const FIRST_BACKOFF: Duration = Duration::from_millis(10);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// Where the lock lives and how long to wait for it.
#[derive(Clone, Debug)]
pub struct StoreLock {
    path: PathBuf,
    timeout: Duration,
}

/// A held lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct LockGuard {
    file: File,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first just makes it prompt.
        let _ = self.file.unlock();
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Shared,
    Exclusive,
}

impl StoreLock {
    /// The lock file `storage.lock` in `config_dir`.
    pub fn in_dir(config_dir: &Path, timeout: Duration) -> Self {
        StoreLock::new(config_dir.join("storage.lock"), timeout)
    }

    pub fn new(path: PathBuf, timeout: Duration) -> Self {
        StoreLock { path, timeout }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Take the lock for reading: many readers at once, no writer.
    pub fn shared(&self) -> Result<LockGuard, StoreError> {
        self.acquire(Mode::Shared)
    }

    /// Take the lock for writing: nobody else. Records our pid and command in the lock file
    /// so a process that times out can say who was holding it.
    pub fn exclusive(&self) -> Result<LockGuard, StoreError> {
        let mut guard = self.acquire(Mode::Exclusive)?;
        if let Err(e) = record_holder(&mut guard.file) {
            // Only a diagnostic aid: never fail the write because of it.
            tracing::debug!(path = %self.path.display(), error = %e, "cannot record lock holder");
        }
        Ok(guard)
    }

    fn open(&self) -> Result<File, StoreError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fsutil::create_private_dir_all(dir)
                .map_err(|e| StoreError::io("create directory", dir, e))?;
        }
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(fsutil::MODE_PRIVATE);
        }
        opts.open(&self.path)
            .map_err(|e| StoreError::io("open lock file", &self.path, e))
    }

    fn acquire(&self, mode: Mode) -> Result<LockGuard, StoreError> {
        let file = self.open()?;
        let start = Instant::now();
        let mut backoff = FIRST_BACKOFF;
        let mut announced = false;
        loop {
            let attempt = match mode {
                Mode::Shared => file.try_lock_shared(),
                Mode::Exclusive => file.try_lock(),
            };
            match attempt {
                Ok(()) => return Ok(LockGuard { file }),
                Err(TryLockError::Error(e)) => {
                    return Err(StoreError::io("lock", &self.path, e));
                }
                Err(TryLockError::WouldBlock) => {}
            }
            let waited = start.elapsed();
            if waited >= self.timeout {
                return Err(StoreError::LockTimeout {
                    path: self.path.clone(),
                    waited_secs: waited.as_secs_f64().round() as u64,
                    holder: describe_holder(&self.path),
                });
            }
            if !announced && waited >= Duration::from_secs(1) {
                announced = true;
                tracing::info!(path = %self.path.display(), "waiting for another aws-sso process to release the secure-store lock");
            }
            // Full jitter in [backoff/2, backoff] keeps competing processes from retrying in
            // lock-step; never sleep past the deadline.
            let jittered = rand::rng().random_range(backoff / 2..=backoff);
            std::thread::sleep(jittered.min(self.timeout.saturating_sub(waited)));
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}

/// `pid=<pid> cmd=<program> <first argument>`: enough to find the process, never the whole
/// command line (later arguments can be anything, including secrets).
fn record_holder(file: &mut File) -> std::io::Result<()> {
    let mut args = std::env::args_os();
    let program = args
        .next()
        .map(|p| {
            Path::new(&p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let sub = args
        .next()
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| !a.starts_with('-'))
        .unwrap_or_default();
    let line = format!("pid={} cmd={} {}\n", std::process::id(), program, sub);
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(line.trim_end().as_bytes())?;
    file.write_all(b"\n")?;
    file.flush()
}

/// Text for the timeout error: who last held the lock exclusively, and whether it still runs.
fn describe_holder(path: &Path) -> String {
    let mut content = String::new();
    let read = File::open(path).and_then(|mut f| f.read_to_string(&mut content));
    if read.is_err() {
        return String::new();
    }
    let line = content.lines().next().unwrap_or("").trim();
    let Some(rest) = line.strip_prefix("pid=") else {
        return String::new();
    };
    let (pid, cmd) = match rest.split_once(" cmd=") {
        Some((pid, cmd)) => (pid.trim(), cmd.trim()),
        None => (rest.trim(), ""),
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return String::new();
    };
    let cmd = if cmd.is_empty() {
        String::new()
    } else {
        format!(": {cmd}")
    };
    match process_alive(pid) {
        Some(true) => format!(" (held by pid {pid}{cmd})"),
        Some(false) => format!(" (last writer pid {pid}{cmd} has exited; a reader may hold it)"),
        None => format!(" (last writer: pid {pid}{cmd})"),
    }
}

/// Whether `pid` still exists, where the OS lets us tell cheaply.
fn process_alive(pid: u32) -> Option<bool> {
    if cfg!(target_os = "linux") {
        Some(Path::new("/proc").join(pid.to_string()).exists())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_locks_coexist_and_exclusive_waits_then_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let lock = StoreLock::in_dir(dir.path(), Duration::from_millis(300));
        let w = lock.exclusive().unwrap();
        let start = Instant::now();
        let err = lock.shared().unwrap_err();
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(300), "{waited:?}");
        assert!(waited < Duration::from_secs(3), "{waited:?}");
        let msg = err.to_string();
        let path = dir.path().join("storage.lock");
        assert!(msg.contains(&format!("lock {}", path.display())), "{msg}");
        assert!(msg.contains(&format!("lsof {}", path.display())), "{msg}");
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(w);

        let r1 = lock.shared().unwrap();
        let r2 = lock.shared().unwrap();
        assert!(matches!(
            lock.exclusive(),
            Err(StoreError::LockTimeout { .. })
        ));
        drop((r1, r2));
        lock.exclusive().unwrap();
    }

    #[test]
    fn waiter_gets_the_lock_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let lock = StoreLock::in_dir(dir.path(), Duration::from_secs(10));
        let held = lock.exclusive().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let l2 = lock.clone();
        let t = std::thread::spawn(move || {
            let g = l2.exclusive();
            tx.send(()).unwrap();
            g.map(drop)
        });
        // The waiter must still be blocked while we hold the lock.
        assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
        drop(held);
        rx.recv_timeout(Duration::from_secs(5))
            .expect("waiter got the lock");
        t.join().unwrap().unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn lock_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let lock = StoreLock::in_dir(&dir.path().join("cfg"), DEFAULT_LOCK_TIMEOUT);
        drop(lock.shared().unwrap());
        let mode = std::fs::metadata(lock.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
