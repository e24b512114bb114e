//! A compact binary copy of `cache.json` (`cache.bin` beside it) that makes start-up fast.
//!
//! `cache.json` stays the source of truth, in aws-sso-cli's layout. But a large
//! organisation's file is tens of MB of indented JSON, and parsing it costs more than the whole
//! start-up budget of `list` or the picker. The snapshot holds the same catalog with every
//! distinct string stored once and referred to by index, so loading it is a short read plus
//! one intern per distinct string.
//!
//! A snapshot is only used for the exact `cache.json` it was taken from: it records the file's
//! size, modification time and (on Unix) device and inode. We replace `cache.json` by rename,
//! so each of our writes gets a new inode; any other writer changes the mtime. A snapshot that
//! does not match, cannot be read or comes from another build is ignored (and rewritten after
//! the JSON is parsed), so it can never make us show something `cache.json` does not say.
//! Nor can damage: the file carries a checksum of all of it, and one whose checksum does not
//! hold is deleted with a warning and rebuilt from cache.json.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use xxhash_rust::xxh3::Xxh3;

use super::format::CacheFile;
use super::text::{Tags, Text};
use crate::fsutil;

mod read;
mod sink;
use read::Unusable;
use sink::FileSink;
pub use sink::{InstanceHead, Sink};

/// First bytes of every snapshot file; the little-endian xxh3-64 of everything after it
/// follows.
const MAGIC: &[u8; 8] = b"awssso\x00\x02";

/// The magic of the snapshots written before they had a checksum: stale, not damaged.
const OLD_MAGIC: &[u8; 8] = b"awssso\x00\x01";

/// Where the header starts: after the magic and the checksum.
const PREFIX: usize = MAGIC.len() + 8;

/// Bumped whenever the layout below changes (the crate version is checked too).
const FORMAT: u32 = 3;

/// Where the snapshot of `cache` lives: `cache.bin` for `cache.json`.
pub(super) fn path_for(cache: &Path) -> PathBuf {
    cache.with_extension("bin")
}

/// Identifies one version of `cache.json` on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fingerprint {
    len: u64,
    mtime_secs: u64,
    mtime_nanos: u32,
    dev: u64,
    ino: u64,
}

impl Fingerprint {
    /// From the metadata of the open file (not the path, so it describes what was read).
    pub(super) fn of(meta: &fs::Metadata) -> Fingerprint {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .unwrap_or_default();
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Fingerprint {
            len: meta.len(),
            mtime_secs: mtime.as_secs(),
            mtime_nanos: mtime.subsec_nanos(),
            dev,
            ino,
        }
    }

    /// The file's size in bytes.
    pub(super) fn size(&self) -> u64 {
        self.len
    }
}

/// Write the snapshot of `file`, taken from the `cache.json` described by `source`.
pub(super) fn store(path: &Path, source: Fingerprint, file: &CacheFile) -> io::Result<()> {
    let records = records(file);
    // Streamed: the table is written from the interned strings, never copied into the file's
    // image (12 MB at 100,000 roles).
    fsutil::write_atomic_with(path, fsutil::MODE_PRIVATE, |out| {
        write_snapshot(out, source, &records)
    })
    .map(drop)
}

/// The catalog in the snapshot at `path` if it was taken from `source`; `None` when there is
/// no usable snapshot (missing, stale, from another build, or damaged).
pub(super) fn load(path: &Path, source: Fingerprint) -> Option<CacheFile> {
    let mut sink = FileSink::default();
    visit(path, source, &mut sink).then(|| sink.finish())
}

/// Read the snapshot at `path` into `sink` if it was taken from `source`. `false` when there
/// is no usable snapshot; the sink may then have seen part of it and must be discarded.
pub(super) fn visit(path: &Path, source: Fingerprint, sink: &mut impl Sink) -> bool {
    let decoded = read::read_parts(path)
        .and_then(|(h, head, records)| read::decode(&h, head, &records, source, sink));
    match decoded {
        Ok(()) => true,
        Err(Unusable::Stale(why)) => {
            tracing::debug!("not using snapshot {}: {why}", path.display());
            false
        }
        Err(Unusable::Damaged(why)) => {
            // Deleted, so that the load that follows (and any other process) finds it
            // missing rather than warning again; cache.json rebuilds it.
            let _ = fs::remove_file(path);
            tracing::warn!(
                "cache snapshot {} was damaged ({why}): deleted it, it is rebuilt from cache.json",
                path.display()
            );
            false
        }
    }
}

// The layout, every integer a LEB128 varint (signed ones zigzagged), every string an index
// into the table:
//   MAGIC, checksum (8 bytes: xxh3-64 of everything after it, little-endian), FORMAT, build version (len + bytes), fingerprint (5 ints), table length in
//   bytes, table (string count, then len + bytes each), Version, ConfigCreatedAt, instance count, instances:
//     name, LastUpdate, ConfigHash, History (count + strings), SSORegion, StartUrl,
//     DefaultRegion, rendered (0, or 1 + the ProfileFormat), role count, account count,
//     accounts:
//       id, Alias, Name, EmailAddress, DefaultRegion, tags, role count, roles:
//         name, Arn, DefaultRegion, Expires, Profile, Via, tags, rendered profile
//   where tags = count + (key, value) pairs in key order.

/// Builds the record section and the string table (each distinct string once) together.
/// Strings are found by their interned handle (a dense index), not hashed again.
#[derive(Default)]
struct Writer {
    body: Vec<u8>,
    /// `Text::id` → place in `strings` + 1 (0: not there yet).
    by_text: Vec<u32>,
    strings: Vec<Text>,
}

impl Writer {
    fn uint(&mut self, v: u64) {
        put_uint(&mut self.body, v);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn text(&mut self, t: Text) {
        let id = t.id() as usize;
        if id >= self.by_text.len() {
            self.by_text.resize(id + 1, 0);
        }
        if self.by_text[id] == 0 {
            self.strings.push(t);
            self.by_text[id] = u32::try_from(self.strings.len()).expect("< 2^32 strings");
        }
        self.uint(u64::from(self.by_text[id] - 1));
    }

    /// The few strings not held as `Text` (instance names, regions, History).
    fn str(&mut self, s: &str) {
        self.text(Text::new(s));
    }

    fn tags(&mut self, tags: &Tags) {
        self.uint(tags.len() as u64);
        for &(k, v) in tags.pairs() {
            self.text(k);
            self.text(v);
        }
    }
}

fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// How many bytes [`put_uint`] writes for `v`.
fn uint_len(v: u64) -> usize {
    (64 - v.max(1).leading_zeros() as usize).div_ceil(7)
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_uint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// The whole file, in memory (tests).
#[cfg(test)]
fn encode(source: Fingerprint, file: &CacheFile) -> Vec<u8> {
    let mut out = Vec::new();
    write_snapshot(&mut out, source, &records(file)).expect("writing to memory");
    out
}

/// The record section and the table of the strings it refers to.
fn records(file: &CacheFile) -> Writer {
    let mut w = Writer::default();
    w.int(file.version);
    w.int(file.config_created_at);
    w.uint(file.sso.len() as u64);
    for (name, sso) in &file.sso {
        w.str(name);
        w.int(sso.last_update);
        w.str(&sso.config_hash);
        w.uint(sso.history.len() as u64);
        for arn in &sso.history {
            w.str(arn);
        }
        w.str(&sso.roles.sso_region);
        w.str(&sso.roles.start_url);
        w.str(&sso.roles.default_region);
        // Rendered names are only worth keeping when every role has one.
        match sso.rendered_template() {
            Some(template) => {
                w.uint(1);
                w.str(template);
            }
            None => w.uint(0),
        }
        w.uint(sso.role_count() as u64);
        w.uint(sso.roles.accounts.len() as u64);
        for (&id, a) in &sso.roles.accounts {
            w.uint(id);
            w.text(a.alias);
            w.text(a.name);
            w.text(a.email_address);
            w.text(a.default_region);
            w.tags(&a.tags);
            w.uint(a.roles.len() as u64);
            for (name, r) in &a.roles {
                w.text(*name);
                w.text(r.arn);
                w.text(r.default_region);
                w.int(r.expires);
                w.text(r.profile);
                w.text(r.via);
                w.tags(&r.tags);
                w.text(r.rendered_profile);
            }
        }
    }
    w
}

fn write_snapshot(out: &mut dyn Write, source: Fingerprint, w: &Writer) -> io::Result<()> {
    let mut head = Vec::new();
    put_uint(&mut head, FORMAT.into());
    put_bytes(&mut head, env!("CARGO_PKG_VERSION").as_bytes());
    let f = source;
    for v in [f.len, f.mtime_secs, f.mtime_nanos.into(), f.dev, f.ino] {
        put_uint(&mut head, v);
    }
    // The table's length first, so a reader can read the table into a buffer of its own.
    let table_len = uint_len(w.strings.len() as u64)
        + w.strings
            .iter()
            .map(|s| uint_len(s.len() as u64) + s.len())
            .sum::<usize>();
    put_uint(&mut head, table_len as u64);
    put_uint(&mut head, w.strings.len() as u64);
    // Two passes over the same bytes, the checksum's and the file's: the file is streamed,
    // and its checksum comes first.
    let mut hasher = Xxh3::new();
    emit(&head, w, &mut |bytes| {
        hasher.update(bytes);
        Ok(())
    })?;
    out.write_all(MAGIC)?;
    out.write_all(&hasher.digest().to_le_bytes())?;
    emit(&head, w, &mut |bytes| out.write_all(bytes))
}

/// Everything after the checksum: `head`, the string table, the records.
fn emit(head: &[u8], w: &Writer, to: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
    to(head)?;
    let mut len = Vec::with_capacity(10);
    for s in &w.strings {
        len.clear();
        put_uint(&mut len, s.len() as u64);
        to(&len)?;
        to(s.as_bytes())?;
    }
    to(&w.body)
}

/// [`read::decode_file`] without a source or checksum, for the fuzz targets: any bytes in, a catalog or a one-line
/// reason out, never a panic.
#[doc(hidden)]
pub fn decode_any(bytes: &[u8]) -> Result<CacheFile, &'static str> {
    read::decode_file(bytes, None).map_err(|e| match e {
        read::Unusable::Stale(why) | read::Unusable::Damaged(why) => why,
    })
}

#[cfg(test)]
mod tests;
