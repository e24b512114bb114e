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
//!
//! Every line ends with a checksum of itself (a tab and 8 hex digits of its xxh3), so a lookup
//! verifies each line it reads without reading the rest of the file. A file with a line that
//! does not verify is deleted with a warning, never used; the slow path writes a new one.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_64;

use crate::fsutil;

const MAGIC: &str = "aws-sso-profiles-v2";
/// The header of the files written before lines had checksums: stale, not damaged.
const OLD_MAGIC: &str = "aws-sso-profiles-v1 ";
const CHUNK: usize = 4096;
/// Length of a line's checksum field: a tab and 8 hex digits.
const SUM_LEN: usize = 9;

/// Why an index was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unusable {
    /// Missing, unreadable, or for another cache.json, instance, template or build.
    Stale,
    /// Not what we wrote: deleted with a warning.
    Damaged(&'static str),
}

/// The checksum of a line's `content`.
fn sum(content: &[u8]) -> u32 {
    // The low half of the 64-bit hash: plenty to tell a damaged line from an intact one.
    xxh3_64(content) as u32
}

/// `content` as a line: the content, its checksum and a newline.
fn sealed(content: &str) -> String {
    format!("{content}\t{:08x}\n", sum(content.as_bytes()))
}

/// The content of `line` (without its newline) if its checksum holds.
fn opened(line: &str) -> Option<&str> {
    let split = line.len().checked_sub(SUM_LEN)?;
    let (content, field) = (line.get(..split)?, line.get(split..)?);
    let hex = field.strip_prefix('\t')?;
    let stored = u32::from_str_radix(hex, 16).ok()?;
    // from_str_radix takes a sign; only what `sealed` writes counts.
    let canonical = hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (canonical && stored == sum(content.as_bytes())).then_some(content)
}

/// The length of the body (everything after the header line) if `first_line` (without its
/// newline) is the header of an index with `identity` (see [`identity`]).
fn parse_header(first_line: &[u8], identity: &str) -> Result<u64, Unusable> {
    let line =
        std::str::from_utf8(first_line).map_err(|_| Unusable::Damaged("its header is not text"))?;
    if line.starts_with(OLD_MAGIC) {
        return Err(Unusable::Stale);
    }
    let content = opened(line).ok_or(Unusable::Damaged("its header does not verify"))?;
    // Verified, so written by us: for another cache.json, instance or template.
    let body_len = content.strip_prefix(identity).ok_or(Unusable::Stale)?;
    body_len
        .parse()
        .map_err(|_| Unusable::Damaged("its header has no length"))
}

/// The body of the index in `bytes` (a whole file) with `identity`, every line verified.
fn body_of<'a>(bytes: &'a [u8], identity: &str) -> Result<&'a str, Unusable> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let body_len = parse_header(first, identity)?;
    let body = bytes.get(first.len() + 1..).unwrap_or_default();
    if body.len() as u64 != body_len {
        return Err(Unusable::Damaged("it is not as long as its header says"));
    }
    verify_body(body)
}

/// Every line of an index body verified: the body of `(profile, ARN)` lines, or why not.
fn verify_body(body: &[u8]) -> Result<&str, Unusable> {
    let text = std::str::from_utf8(body).map_err(|_| Unusable::Damaged("it is not text"))?;
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(Unusable::Damaged("it was cut short"));
    }
    for line in text.lines() {
        let content = opened(line).ok_or(Unusable::Damaged("a line does not verify"))?;
        if !content.contains('\t') {
            return Err(Unusable::Damaged("a line has no ARN"));
        }
    }
    Ok(text)
}

/// Delete a damaged index and say so once; the slow path writes a new one.
fn discard(path: &Path, why: &str) {
    let _ = fs::remove_file(path);
    tracing::warn!(
        "profile index {} was damaged ({why}): deleted it, it is rebuilt from cache.json",
        path.display()
    );
}

/// The result of reading an index, with damage reported and the file deleted.
fn usable<T>(path: &Path, read: Result<T, Unusable>) -> Option<T> {
    match read {
        Ok(v) => Some(v),
        Err(Unusable::Stale) => None,
        Err(Unusable::Damaged(why)) => {
            discard(path, why);
            None
        }
    }
}

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

/// What the header names: the cache.json, instance and template the index was made for (the
/// header line is this, the length of the body after it, and the line's checksum).
fn identity(cache_meta: &fs::Metadata, instance: &str, template: &str) -> String {
    let mut h = Sha256::new();
    h.update(instance.as_bytes());
    h.update([0]);
    h.update(template.as_bytes());
    format!(
        "{MAGIC} {} {} ",
        stamp(cache_meta),
        hex::encode(h.finalize())
    )
}

/// The header line of an index with `identity` and a body of `body_len` bytes. The length
/// makes a file cut at a line boundary (whose every line still verifies) detectable.
fn header(identity: &str, body_len: u64) -> String {
    sealed(&format!("{identity}{body_len}"))
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
    // Each line: profile, tab, ARN, then the tab, 8 hex digits and newline of `sealed`.
    let body_len: usize = rows
        .iter()
        .map(|(p, a)| p.len() + 1 + a.len() + SUM_LEN + 1)
        .sum();
    let head = header(&identity(&meta, instance, template), body_len as u64);
    let written = fsutil::write_atomic_with(&path, fsutil::MODE_PRIVATE, |out| {
        out.write_all(head.as_bytes())?;
        let mut content = String::new();
        for (p, a) in rows {
            content.clear();
            content.push_str(p);
            content.push('\t');
            content.push_str(a);
            out.write_all(sealed(&content).as_bytes())?;
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
    let Some(body) = usable(&path, body_of(&bytes, &identity(old, instance, template))) else {
        return;
    };
    let Ok(new_meta) = fs::metadata(cache) else {
        return;
    };
    let head = header(&identity(&new_meta, instance, template), body.len() as u64);
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
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
    let path = path_for(cache);
    let file = File::open(&path).ok()?;
    usable(
        &path,
        search(&file, &identity(&meta, instance, template), profile),
    )
}

/// Binary search of the sorted lines of `file` after the header of `identity`, verifying each
/// line it reads.
fn search(file: &File, identity: &str, profile: &str) -> Result<Option<String>, Unusable> {
    let len = file.metadata().map_err(|_| Unusable::Stale)?.len();
    let Some((first, newline)) = scan_to_newline(file, 0, len)? else {
        return Err(Unusable::Damaged("it has no header"));
    };
    let body_len = parse_header(&first, identity)?;
    let start = newline + 1;
    if start.checked_add(body_len) != Some(len) {
        return Err(Unusable::Damaged("it is not as long as its header says"));
    }
    if len > start {
        // A last line without its newline would be skipped as "no line here".
        let mut last = [0u8];
        read_exact_at(file, &mut last, len - 1).map_err(|_| Unusable::Stale)?;
        if last[0] != b'\n' {
            return Err(Unusable::Damaged("it was cut short"));
        }
    }
    let (mut lo, mut hi) = (start, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let Some((s, e, line)) = line_from(file, mid, start, len)? else {
            hi = mid;
            continue;
        };
        if s >= hi {
            hi = mid;
            continue;
        }
        let content = opened(&line).ok_or(Unusable::Damaged("a line does not verify"))?;
        let (key, arn) = content
            .split_once('\t')
            .ok_or(Unusable::Damaged("a line has no ARN"))?;
        match key.cmp(profile) {
            std::cmp::Ordering::Equal => return Ok(Some(arn.to_string())),
            std::cmp::Ordering::Less => lo = e,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    Ok(None)
}

/// The body of a current index (`profile\tARN\tchecksum` lines, see [`pairs`]), every line
/// verified; `None` when there is no usable one. One read of the file: the picker and `list`
/// use it instead of rendering `ProfileFormat` for every role (about 3 µs a role).
pub fn read_current(cache: &Path, instance: &str, template: &str) -> Option<String> {
    if !indexable(template) {
        return None;
    }
    let meta = fs::metadata(cache).ok()?;
    let path = path_for(cache);
    let bytes = fs::read(&path).ok()?;
    let body = usable(&path, body_of(&bytes, &identity(&meta, instance, template)))?;
    Some(body.to_owned())
}

/// The (profile, ARN) pairs of a body [`read_current`] returned; `None` for a malformed line.
pub fn pairs(body: &str) -> impl Iterator<Item = Option<(&str, &str)>> {
    body.lines().map(|line| {
        let content = line.get(..line.len().checked_sub(SUM_LEN)?)?;
        content.split_once('\t')
    })
}

/// The first whole line starting at or after `pos`: (start, end after its newline, text).
/// `Ok(None)`: no line starts there.
fn line_from(
    file: &File,
    pos: u64,
    data_start: u64,
    len: u64,
) -> Result<Option<(u64, u64, String)>, Unusable> {
    let mut s = pos;
    if pos > data_start {
        // A line starts at `pos` only if the byte before it is a newline.
        let Some((_, newline)) = scan_to_newline(file, pos - 1, len)? else {
            return Ok(None);
        };
        s = newline + 1;
    }
    if s >= len {
        return Ok(None);
    }
    let Some((line, newline)) = scan_to_newline(file, s, len)? else {
        return Ok(None);
    };
    let text = String::from_utf8(line).map_err(|_| Unusable::Damaged("a line is not text"))?;
    Ok(Some((s, newline + 1, text)))
}

/// The bytes from `at` up to the next newline, and that newline's offset (`None` at EOF).
fn scan_to_newline(file: &File, mut at: u64, len: u64) -> Result<Option<(Vec<u8>, u64)>, Unusable> {
    let mut bytes = Vec::new();
    loop {
        let n = CHUNK.min(len.saturating_sub(at) as usize);
        if n == 0 {
            return Ok(None);
        }
        let mut buf = vec![0u8; n];
        read_exact_at(file, &mut buf, at).map_err(|_| Unusable::Stale)?;
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            bytes.extend_from_slice(&buf[..i]);
            return Ok(Some((bytes, at + i as u64)));
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
mod tests;
