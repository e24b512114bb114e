//! Temp files of writes that never finished (a `kill -9`, a power cut) are removed by the next
//! write into the same directory, without ever touching a write still in progress.
//!
//! A writer holds an exclusive lock on its temp file from creation to rename; the kernel drops
//! it when the writer dies, however it dies. So a temp file is stale when it has our naming
//! pattern, belongs to us, is a plain file, was last written a while ago, and its lock can be
//! taken. The age covers the instant between a temp file's creation and its lock, and writers
//! of older builds, which took no lock (their files also have an older pattern, and must be
//! an hour old).

use std::fs::{self, File};
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::links;

/// The name every temp file of ours starts with; 6 random letters and digits follow.
pub(super) const PREFIX: &str = ".tmp-aws-sso-";

/// Temp files of builds before [`PREFIX`]: `.tmp-` and 6 random letters and digits.
const OLD_PREFIX: &str = ".tmp-";

const RANDOM_LEN: usize = 6;

/// How long ago one of our temp files must have been written to be looked at.
const STALE_AFTER: Duration = Duration::from_secs(10);

/// The same for temp files of older builds, whose writers took no lock.
const OLD_STALE_AFTER: Duration = Duration::from_secs(3600);

/// How old a temp file called `name` must be to be removed, if it is one of ours at all.
fn stale_after(name: &str) -> Option<Duration> {
    let random =
        |rest: &str| rest.len() == RANDOM_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    if name.strip_prefix(PREFIX).is_some_and(random) {
        Some(STALE_AFTER)
    } else if name.strip_prefix(OLD_PREFIX).is_some_and(random) {
        Some(OLD_STALE_AFTER)
    } else {
        None
    }
}

/// Remove the stale temp files in `dir`. Best effort: what cannot be checked is left alone.
pub(super) fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(age) = name.to_str().and_then(stale_after) else {
            continue;
        };
        let path = entry.path();
        // Not followed: a link named like ours is not ours to remove.
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|elapsed| elapsed >= age);
        if !meta.is_file() || !links::is_ours(&meta) || !old {
            continue;
        }
        let Ok(file) = File::open(&path) else {
            continue;
        };
        // Held for the removal: a live writer holds it, and then we must not remove.
        if file.try_lock().is_ok() {
            match fs::remove_file(&path) {
                Ok(()) => {
                    tracing::debug!("removed {}, left by an interrupted write", path.display())
                }
                Err(e) => tracing::debug!("cannot remove {}: {e}", path.display()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backdate(path: &Path, by: Duration) {
        let file = File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - by).unwrap();
    }

    #[test]
    fn only_old_unlocked_temp_files_of_ours_go() {
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str, age: Duration| {
            let path = dir.path().join(name);
            fs::write(&path, "partial").unwrap();
            backdate(&path, age);
            path
        };
        let minute = Duration::from_secs(60);
        let dead = make(".tmp-aws-sso-Ab12Cd", minute);
        let fresh = make(".tmp-aws-sso-Ef34Gh", Duration::ZERO);
        let locked = make(".tmp-aws-sso-Ij56Kl", minute);
        let old_build = make(".tmp-Mn78Op", 2 * OLD_STALE_AFTER);
        let recent_old_build = make(".tmp-Qr90St", minute);
        let not_ours = make(".tmp-aws-sso-toolong1", minute);
        let other = make("credentials", minute);
        let holder = File::open(&locked).unwrap();
        holder.lock().unwrap();
        #[cfg(unix)]
        let link = {
            let link = dir.path().join(".tmp-aws-sso-Uv12Wx");
            std::os::unix::fs::symlink(&other, &link).unwrap();
            link
        };

        sweep(dir.path());

        assert!(!dead.exists(), "a dead writer's file goes");
        assert!(!old_build.exists(), "an old build's file an hour old goes");
        for kept in [&fresh, &locked, &recent_old_build, &not_ours, &other] {
            assert!(kept.exists(), "{} is kept", kept.display());
        }
        #[cfg(unix)]
        assert!(
            fs::symlink_metadata(&link).is_ok(),
            "links are never removed"
        );
        drop(holder);
        sweep(dir.path());
        assert!(!locked.exists(), "once its writer is gone");
    }
}
