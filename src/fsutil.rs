//! Atomic, permission-aware file writes. Every file the tool writes goes through here so a
//! crash or a full disk never leaves a half-written `cache.json`, store or `~/.aws/config`,
//! a planted symbolic link never redirects a write ([`links`]), and the temp files of
//! interrupted writes do not pile up ([`leftovers`]).

mod leftovers;
mod links;

use std::fs;
use std::io::{self, Write};
use std::path::Path;

pub use links::{Refused, write_target};

/// File mode for anything that may hold secrets or user data.
pub const MODE_PRIVATE: u32 = 0o600;
/// Directory mode for directories that hold secrets.
pub const MODE_PRIVATE_DIR: u32 = 0o700;

/// Which missing parent directories a write may create (mode 0700).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parents<'a> {
    /// Any: for aws-sso's own files, at paths it chose itself.
    Create,
    /// Only inside this directory (`~/.aws`): a file named on the command line or in the
    /// environment must not create directories anywhere because of a typo.
    Within(&'a Path),
    /// None.
    Existing,
}

/// Write `data` to `path` atomically: a temp file in the same directory, fsync, chmod, rename.
/// Parent directories are created (0700) when missing. A symbolic link at `path` is written
/// through when [`write_target`] allows it, else the write is refused ([`Refused`]). Returns
/// the metadata of the file written (read from its handle, so a concurrent writer's rename
/// cannot swap it for theirs).
pub fn write_atomic(path: &Path, data: &[u8], mode: u32) -> io::Result<fs::Metadata> {
    write_atomic_with(path, mode, |w| w.write_all(data))
}

/// [`write_atomic`] creating only the missing parent directories `parents` allows.
pub fn write_atomic_in(
    path: &Path,
    data: &[u8],
    mode: u32,
    parents: Parents,
) -> io::Result<fs::Metadata> {
    write_impl(path, mode, parents, &mut |w| w.write_all(data))
}

/// [`write_atomic`] for contents produced by `fill` as they are written (through a buffer),
/// so a large file need not be held in memory first. Nothing replaces `path` when `fill`
/// fails.
pub fn write_atomic_with(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<fs::Metadata> {
    let mut fill = Some(fill);
    write_impl(path, mode, Parents::Create, &mut |w| match fill.take() {
        Some(fill) => fill(w),
        None => Ok(()),
    })
}

fn write_impl(
    path: &Path,
    mode: u32,
    parents: Parents,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<fs::Metadata> {
    let target = write_target(path)?;
    let dir = links::parent_dir(&target);
    ensure_dir(&dir, parents)?;
    let tmp = tempfile::Builder::new()
        .prefix(leftovers::PREFIX)
        .tempfile_in(&dir)?;
    // Held until the rename: tells `leftovers::sweep` in other processes that this file is
    // being written. Where locks are not supported, the sweep leaves every file alone.
    let _ = tmp.as_file().try_lock();
    let mut out = io::BufWriter::with_capacity(64 * 1024, tmp);
    fill(&mut out)?;
    let tmp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    tmp.as_file().sync_all()?;
    set_mode(tmp.path(), mode)?;
    let file = tmp.persist(&target).map_err(|e| e.error)?;
    let meta = file.metadata();
    drop(file);
    leftovers::sweep(&dir);
    meta
}

/// Make sure `dir` exists, creating what `parents` allows.
fn ensure_dir(dir: &Path, parents: Parents) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    match parents {
        Parents::Create => create_private_dir_all(dir),
        Parents::Within(root) if within(dir, root) => create_private_dir_all(dir),
        Parents::Within(root) => Err(Refused::NoDirectory {
            dir: dir.to_path_buf(),
            root: root.to_path_buf(),
        }
        .into_io()),
        Parents::Existing => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "directory {} does not exist: create it first, or check the path",
                dir.display()
            ),
        )),
    }
}

/// Whether `dir` is `root` or inside it, compared by their components (no `..` escapes).
fn within(dir: &Path, root: &Path) -> bool {
    use std::path::Component;
    let plain = |p: &Path| p.components().all(|c| !matches!(c, Component::ParentDir));
    plain(dir) && plain(root) && dir.starts_with(root)
}

/// Create `dir` and its parents; directories this creates get mode 0700.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(MODE_PRIVATE_DIR)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// Set unix permission bits; a no-op elsewhere.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/deeper/file.json");
        write_atomic(&path, b"one", MODE_PRIVATE).unwrap();
        write_atomic(&path, b"two", MODE_PRIVATE).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dmode = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dmode, 0o700);
        }
        // No temp files are left behind.
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_streamed_write_that_fails_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        write_atomic_with(&path, MODE_PRIVATE, |w| w.write_all(b"kept")).unwrap();
        let failed = write_atomic_with(&path, MODE_PRIVATE, |w| {
            w.write_all(b"half of it")?;
            Err(io::Error::other("disk full"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "disk full");
        assert_eq!(fs::read(&path).unwrap(), b"kept");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
