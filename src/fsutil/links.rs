//! Where a write really goes, and whether it may: the symbolic-link rule every writer obeys.
//!
//! Dotfile managers symlink `~/.aws/credentials` and `~/.aws/config`, so a write follows
//! links to the file they point at (a link is kept, not replaced by a plain file). But a link
//! can also be planted: in `/tmp` anyone can create `/tmp/creds -> ~/.ssh/authorized_keys`
//! before the user runs `credentials --file /tmp/creds`. So a link is written through only
//! when every link on the way and the file it ends at belong to the user, and none of them
//! sits in a directory anyone may write to (sticky and world-writable, like `/tmp`).
//! Otherwise the write is refused with a [`Refused`] that says why and what to do.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Links followed before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// A write refused for safety. It travels inside an [`io::Error`] (see [`Refused::into_io`])
/// so every writer's error path reports it; its message is one line with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error(
        "refusing to write through {}: that symbolic link belongs to another user (uid {owner}); remove it or write to another file",
        link.display()
    )]
    LinkOwner { link: PathBuf, owner: u32 },
    #[error(
        "refusing to write through {}: that symbolic link is in {}, a directory anyone can write to; write to a file in a private directory instead",
        link.display(),
        dir.display()
    )]
    LinkInSharedDir { link: PathBuf, dir: PathBuf },
    #[error(
        "refusing to write through {}: it points to {}, which belongs to another user (uid {owner}); remove the link or write to another file",
        link.display(),
        target.display()
    )]
    TargetOwner {
        link: PathBuf,
        target: PathBuf,
        owner: u32,
    },
    #[error(
        "refusing to write through {}: it points into {}, a directory anyone can write to; point it at a file in a private directory, or write to another file",
        link.display(),
        dir.display()
    )]
    TargetInSharedDir { link: PathBuf, dir: PathBuf },
    #[error(
        "refusing to write through {}: it points to {}, which is not a regular file; point it at a file, or write to another file",
        link.display(),
        target.display()
    )]
    NotAFile { link: PathBuf, target: PathBuf },
    #[error(
        "refusing to write {}: too many levels of symbolic links; point the link straight at a file",
        link.display()
    )]
    TooManyLinks { link: PathBuf },
    #[error(
        "directory {} does not exist, and aws-sso creates directories only inside {}: create it first, or check the path",
        dir.display(),
        root.display()
    )]
    NoDirectory { dir: PathBuf, root: PathBuf },
}

impl Refused {
    /// As an I/O error (permission denied; not found for a missing directory).
    pub fn into_io(self) -> io::Error {
        let kind = match self {
            Refused::NoDirectory { .. } => io::ErrorKind::NotFound,
            _ => io::ErrorKind::PermissionDenied,
        };
        io::Error::new(kind, self)
    }

    /// The refusal inside `err`, if it carries one; otherwise `err` back.
    pub fn from_io(err: io::Error) -> Result<Refused, io::Error> {
        let kind = err.kind();
        match err.into_inner() {
            Some(inner) => match inner.downcast::<Refused>() {
                Ok(refused) => Ok(*refused),
                Err(other) => Err(io::Error::new(kind, other)),
            },
            None => Err(io::Error::from(kind)),
        }
    }
}

/// The file a write of `path` goes to: `path` itself unless it is a symbolic link, else the
/// end of its chain of links, when the rule allows writing through them (a dangling link's
/// target is where the file will be created).
pub fn write_target(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    let mut hops = 0;
    loop {
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => break,
            Err(e) => return Err(e),
        };
        if !meta.file_type().is_symlink() {
            break;
        }
        if hops == MAX_LINKS {
            return Err(Refused::TooManyLinks {
                link: path.to_path_buf(),
            }
            .into_io());
        }
        hops += 1;
        check_owner(&meta, || Refused::LinkOwner {
            link: current.clone(),
            owner: owner_of(&meta),
        })?;
        let dir = parent_dir(&current);
        if shared(&dir) {
            return Err(Refused::LinkInSharedDir {
                link: current.clone(),
                dir,
            }
            .into_io());
        }
        let next = fs::read_link(&current)?;
        current = if next.is_relative() {
            dir.join(next)
        } else {
            next
        };
    }
    if hops > 0 {
        check_target(path, &current)?;
    }
    Ok(current)
}

/// The end of a chain of links: a regular file of ours outside shared directories, or
/// nothing yet (created by the write).
fn check_target(link: &Path, target: &Path) -> io::Result<()> {
    match fs::symlink_metadata(target) {
        Ok(meta) => {
            if !meta.is_file() {
                return Err(Refused::NotAFile {
                    link: link.to_path_buf(),
                    target: target.to_path_buf(),
                }
                .into_io());
            }
            check_owner(&meta, || Refused::TargetOwner {
                link: link.to_path_buf(),
                target: target.to_path_buf(),
                owner: owner_of(&meta),
            })?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let dir = parent_dir(target);
    if shared(&dir) {
        return Err(Refused::TargetInSharedDir {
            link: link.to_path_buf(),
            dir,
        }
        .into_io());
    }
    Ok(())
}

/// The directory `path` is in (`.` for a bare name).
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(unix)]
fn owner_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.uid()
}

#[cfg(not(unix))]
fn owner_of(_meta: &fs::Metadata) -> u32 {
    0
}

/// The user this process acts as.
#[cfg(unix)]
pub(super) fn our_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Whether `meta` (not followed through a link) belongs to us.
#[cfg(unix)]
pub(super) fn is_ours(meta: &fs::Metadata) -> bool {
    owner_of(meta) == our_uid()
}

#[cfg(not(unix))]
pub(super) fn is_ours(_meta: &fs::Metadata) -> bool {
    true
}

fn check_owner(meta: &fs::Metadata, refused: impl FnOnce() -> Refused) -> io::Result<()> {
    if is_ours(meta) {
        Ok(())
    } else {
        Err(refused().into_io())
    }
}

/// A directory anyone may create files in, with the sticky bit (`/tmp`, `/var/tmp`): a
/// place where a name can be planted by someone else.
#[cfg(unix)]
fn shared(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(dir).is_ok_and(|m| {
        let mode = m.permissions().mode();
        mode & 0o1000 != 0 && mode & 0o002 != 0
    })
}

#[cfg(not(unix))]
fn shared(_dir: &Path) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    #[test]
    fn plain_paths_are_their_own_target() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials");
        assert_eq!(write_target(&file).unwrap(), file);
        fs::write(&file, "x").unwrap();
        assert_eq!(write_target(&file).unwrap(), file);
    }

    #[test]
    fn links_of_ours_are_followed_also_when_dangling() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/credentials");
        fs::create_dir(dir.path().join("dotfiles")).unwrap();
        let link = dir.path().join("credentials");
        symlink("dotfiles/credentials", &link).unwrap();
        assert_eq!(write_target(&link).unwrap(), real, "dangling");
        fs::write(&real, "x").unwrap();
        let second = dir.path().join("second");
        symlink(&link, &second).unwrap();
        assert_eq!(write_target(&second).unwrap(), real, "a chain");
    }

    #[test]
    fn links_in_or_into_shared_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("tmp");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
        let private = dir.path().join("private");
        fs::write(&private, "x").unwrap();
        let planted = shared.join("creds");
        symlink(&private, &planted).unwrap();
        let err = Refused::from_io(write_target(&planted).unwrap_err()).unwrap();
        assert!(matches!(err, Refused::LinkInSharedDir { .. }), "{err}");
        assert!(err.to_string().contains("anyone can write to"), "{err}");

        let into = dir.path().join("into");
        symlink(shared.join("target"), &into).unwrap();
        let err = Refused::from_io(write_target(&into).unwrap_err()).unwrap();
        assert!(matches!(err, Refused::TargetInSharedDir { .. }), "{err}");

        // A plain file in a shared directory is no link: created by rename, as before.
        assert_eq!(
            write_target(&shared.join("plain")).unwrap(),
            shared.join("plain")
        );
    }

    #[test]
    fn links_to_what_is_not_a_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        symlink(dir.path(), &link).unwrap();
        let err = Refused::from_io(write_target(&link).unwrap_err()).unwrap();
        assert!(matches!(err, Refused::NotAFile { .. }), "{err}");
        let looped = dir.path().join("loop");
        symlink(&looped, &looped).unwrap();
        let err = Refused::from_io(write_target(&looped).unwrap_err()).unwrap();
        assert!(matches!(err, Refused::TooManyLinks { .. }), "{err}");
    }

    #[test]
    fn refusals_survive_the_trip_through_io_errors() {
        let refused = Refused::NoDirectory {
            dir: "/x".into(),
            root: "/home/u/.aws".into(),
        };
        let err = refused.clone().into_io();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(err.to_string(), refused.to_string());
        assert_eq!(Refused::from_io(err).unwrap(), refused);
        let plain = io::Error::other("disk full");
        assert_eq!(
            Refused::from_io(plain).unwrap_err().to_string(),
            "disk full"
        );
    }
}
