//! `cache.profiles`: profile name → role ARN for one SSO instance, sorted by name, beside
//! cache.json. `process --profile` looks a name up with a binary search of positioned reads
//! (a few 4 KiB reads at 100,000 roles) instead of loading the catalog and rendering
//! `ProfileFormat` for every role.
//!
//! Like `cache.bin` it is derived data, safe to delete. It is used only when its header names
//! the cache.json it was computed from (size, mtime, inode), the same instance and the same
//! template; anything else (a rewrite by aws-sso-cli, an edited ProfileFormat) makes it stale
//! and the caller takes the slow path, which writes a fresh one. Templates whose output can
//! change without cache.json changing (`.Expires`, `.Id`, the `History` tag) are never indexed.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::fsutil;

const MAGIC: &str = "aws-sso-profiles-v1";
const CHUNK: usize = 4096;

/// `cache.profiles` next to `cache`.
pub fn path_for(cache: &Path) -> PathBuf {
    cache.with_extension("profiles")
}

/// Whether names from `template` depend only on what cache.json holds.
pub fn indexable(template: &str) -> bool {
    let bytes = template.as_bytes();
    let uses_id = template.match_indices(".Id").any(|(i, _)| {
        bytes
            .get(i + 3)
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
    });
    !uses_id && !template.contains("Expires") && !template.contains("History")
}

/// Identity of the cache.json the index describes.
fn stamp(meta: &fs::Metadata) -> String {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    #[cfg(unix)]
    let ino = {
        use std::os::unix::fs::MetadataExt;
        meta.ino()
    };
    #[cfg(not(unix))]
    let ino = 0u64;
    format!(
        "{}.{}.{}.{}",
        meta.len(),
        mtime.as_secs(),
        mtime.subsec_nanos(),
        ino
    )
}

fn header(cache_meta: &fs::Metadata, instance: &str, template: &str) -> String {
    let mut h = Sha256::new();
    h.update(instance.as_bytes());
    h.update([0]);
    h.update(template.as_bytes());
    format!(
        "{MAGIC} {} {}\n",
        stamp(cache_meta),
        hex::encode(h.finalize())
    )
}

/// Write the index for `pairs` (profile, ARN). Best effort: a failure only means the next
/// lookup takes the slow path again.
pub fn write<'a>(
    cache: &Path,
    instance: &str,
    template: &str,
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) {
    if !indexable(template) {
        return;
    }
    let Ok(meta) = fs::metadata(cache) else {
        return;
    };
    let mut rows: Vec<(&str, &str)> = pairs.collect();
    if rows
        .iter()
        .any(|(p, a)| p.contains(['\t', '\n', '\r']) || a.contains(['\t', '\n', '\r']))
    {
        return;
    }
    rows.sort_unstable();
    let path = path_for(cache);
    // Streamed to the file: at 100,000 roles the text is 8 MB.
    let written = fsutil::write_atomic_with(&path, fsutil::MODE_PRIVATE, |out| {
        out.write_all(header(&meta, instance, template).as_bytes())?;
        for (p, a) in rows {
            for part in [p, "\t", a, "\n"] {
                out.write_all(part.as_bytes())?;
            }
        }
        Ok(())
    });
    if let Err(e) = written {
        tracing::debug!("cannot write profile index {}: {e}", path.display());
    }
}

/// After this process rewrote cache.json (`old` = its metadata before), carry a still-valid
/// index over to the new file so that our own `Expires`/History updates don't make the next
/// `--profile` lookup slow.
pub fn carry_forward(cache: &Path, old: &fs::Metadata, instance: &str, template: &str) {
    let path = path_for(cache);
    let Ok(bytes) = fs::read(&path) else {
        return;
    };
    let want = header(old, instance, template);
    if !bytes.starts_with(want.as_bytes()) {
        return;
    }
    let Ok(new_meta) = fs::metadata(cache) else {
        return;
    };
    let mut out = header(&new_meta, instance, template).into_bytes();
    out.extend_from_slice(&bytes[want.len()..]);
    if let Err(e) = fsutil::write_atomic(&path, &out, fsutil::MODE_PRIVATE) {
        tracing::debug!("cannot update profile index {}: {e}", path.display());
    }
}

/// Look `profile` up. `None`: no usable index (take the slow path); `Some(None)`: the index is
/// current and has no such profile; `Some(Some(arn))`: found.
pub fn lookup(
    cache: &Path,
    instance: &str,
    template: &str,
    profile: &str,
) -> Option<Option<String>> {
    if !indexable(template) {
        return None;
    }
    let meta = fs::metadata(cache).ok()?;
    let want = header(&meta, instance, template);
    let file = File::open(path_for(cache)).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = vec![0u8; want.len()];
    read_exact_at(&file, &mut head, 0).ok()?;
    if head != want.as_bytes() {
        return None;
    }
    let start = want.len() as u64;
    let (mut lo, mut hi) = (start, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let Some((s, e, line)) = line_from(&file, mid, start, len) else {
            hi = mid;
            continue;
        };
        if s >= hi {
            hi = mid;
            continue;
        }
        let (key, arn) = line.split_once('\t')?;
        match key.cmp(profile) {
            std::cmp::Ordering::Equal => return Some(Some(arn.to_string())),
            std::cmp::Ordering::Less => lo = e,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    Some(None)
}

/// The body of a current index (`profile\tARN` lines, see [`pairs`]); `None` when there is
/// no usable one. One read of the file: the picker and `list` use it instead of rendering
/// `ProfileFormat` for every role (about 3 µs a role).
pub fn read_current(cache: &Path, instance: &str, template: &str) -> Option<String> {
    if !indexable(template) {
        return None;
    }
    let meta = fs::metadata(cache).ok()?;
    let want = header(&meta, instance, template);
    let mut bytes = fs::read(path_for(cache)).ok()?;
    if !bytes.starts_with(want.as_bytes()) {
        return None;
    }
    bytes.drain(..want.len());
    String::from_utf8(bytes).ok()
}

/// The (profile, ARN) pairs of an index body; `None` for a malformed line.
pub fn pairs(body: &str) -> impl Iterator<Item = Option<(&str, &str)>> {
    body.lines().map(|line| line.split_once('\t'))
}

/// The first whole line starting at or after `pos`: (start, end after its newline, text).
fn line_from(file: &File, pos: u64, data_start: u64, len: u64) -> Option<(u64, u64, String)> {
    let mut s = pos;
    if pos > data_start {
        // A line starts at `pos` only if the byte before it is a newline.
        let (_, newline) = scan_to_newline(file, pos - 1, len)?;
        s = newline + 1;
    }
    if s >= len {
        return None;
    }
    let (line, newline) = scan_to_newline(file, s, len)?;
    Some((s, newline + 1, String::from_utf8(line).ok()?))
}

/// The bytes from `at` up to the next newline, and that newline's offset (`None` at EOF).
fn scan_to_newline(file: &File, mut at: u64, len: u64) -> Option<(Vec<u8>, u64)> {
    let mut bytes = Vec::new();
    loop {
        let n = CHUNK.min((len - at) as usize);
        if n == 0 {
            return None;
        }
        let mut buf = vec![0u8; n];
        read_exact_at(file, &mut buf, at).ok()?;
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            bytes.extend_from_slice(&buf[..i]);
            return Some((bytes, at + i as u64));
        }
        bytes.extend_from_slice(&buf);
        at += n as u64;
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        let n = file.seek_read(&mut buf[done..], offset + done as u64)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        done += n;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_find_every_name_and_only_those() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache.json");
        fs::write(&cache, "{}").unwrap();
        let names: Vec<(String, String)> = (0..3000)
            .map(|i| {
                (
                    format!("acct-{i:05}:Role{}", i % 7),
                    format!("arn:aws:iam::{i:012}:role/R"),
                )
            })
            .collect();
        let t = "{{ .AccountAlias }}:{{ .RoleName }}";
        write(
            &cache,
            "Default",
            t,
            names.iter().map(|(p, a)| (p.as_str(), a.as_str())),
        );
        for (p, a) in names.iter().step_by(37).chain(names.last()) {
            assert_eq!(
                lookup(&cache, "Default", t, p),
                Some(Some(a.clone())),
                "{p}"
            );
        }
        assert_eq!(
            lookup(&cache, "Default", t, &names[0].0),
            Some(Some(names[0].1.clone()))
        );
        assert_eq!(lookup(&cache, "Default", t, "acct-00001:Role9"), Some(None));
        assert_eq!(lookup(&cache, "Default", t, ""), Some(None));
        assert_eq!(lookup(&cache, "Default", t, "zzz"), Some(None));
        // Another instance, template or cache.json: stale.
        assert_eq!(lookup(&cache, "Other", t, &names[0].0), None);
        assert_eq!(
            lookup(&cache, "Default", "{{ .RoleName }}", &names[0].0),
            None
        );
        let old = fs::metadata(&cache).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        fs::write(&cache, "{ }").unwrap();
        assert_eq!(lookup(&cache, "Default", t, &names[0].0), None);
        // ...unless we rewrote it ourselves and carried the index over.
        carry_forward(&cache, &old, "Default", t);
        assert_eq!(
            lookup(&cache, "Default", t, &names[5].0),
            Some(Some(names[5].1.clone()))
        );
    }

    #[test]
    fn time_dependent_templates_are_not_indexed() {
        assert!(indexable("{{ .AccountIdPad }}:{{ .RoleName }}"));
        assert!(!indexable("{{ .Id }}"));
        assert!(!indexable("{{ .Expires }}"));
        assert!(!indexable("{{ index .Tags \"History\" }}"));
    }
}
