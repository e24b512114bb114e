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

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::format::{CacheFile, CachedAccount, CachedRole};
use super::text::{Tags, Text};
use crate::fsutil;

mod sink;
use sink::FileSink;
pub use sink::{InstanceHead, Sink};

/// First bytes of every snapshot file.
const MAGIC: &[u8; 8] = b"awssso\x00\x01";

/// Bumped whenever the layout below changes (the crate version is checked too).
const FORMAT: u32 = 2;

/// Where the snapshot of `cache` lives: `cache.bin` for `cache.json`.
pub fn path_for(cache: &Path) -> PathBuf {
    cache.with_extension("bin")
}

/// Identifies one version of `cache.json` on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    len: u64,
    mtime_secs: u64,
    mtime_nanos: u32,
    dev: u64,
    ino: u64,
}

impl Fingerprint {
    /// From the metadata of the open file (not the path, so it describes what was read).
    pub fn of(meta: &fs::Metadata) -> Fingerprint {
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
}

/// Write the snapshot of `file`, taken from the `cache.json` described by `source`.
pub fn store(path: &Path, source: Fingerprint, file: &CacheFile) -> io::Result<()> {
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
pub fn load(path: &Path, source: Fingerprint) -> Option<CacheFile> {
    let mut sink = FileSink::default();
    visit(path, source, &mut sink).then(|| sink.finish())
}

/// Read the snapshot at `path` into `sink` if it was taken from `source`. `false` when there
/// is no usable snapshot; the sink may then have seen part of it and must be discarded.
pub fn visit(path: &Path, source: Fingerprint, sink: &mut impl Sink) -> bool {
    let decoded =
        read_parts(path).and_then(|(h, head, records)| decode(&h, head, &records, source, sink));
    if let Err(why) = &decoded {
        tracing::debug!("not using snapshot {}: {why}", path.display());
    }
    decoded.is_ok()
}

// The layout, every integer a LEB128 varint (signed ones zigzagged), every string an index
// into the table:
//   MAGIC, FORMAT, build version (len + bytes), fingerprint (5 ints), table length in
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
    let mut head = MAGIC.to_vec();
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
    out.write_all(&head)?;
    let mut len = Vec::with_capacity(10);
    for s in &w.strings {
        len.clear();
        put_uint(&mut len, s.len() as u64);
        out.write_all(&len)?;
        out.write_all(s.as_bytes())?;
    }
    out.write_all(&w.body)
}

/// Reads what [`encode`] wrote; every read is bounds-checked, so damage gives an error.
struct Reader<'a> {
    bytes: &'a [u8],
    texts: Vec<Text>,
}

const DAMAGED: &str = "damaged or truncated";

impl<'a> Reader<'a> {
    fn uint(&mut self) -> Result<u64, &'static str> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.bytes.split_first().ok_or(DAMAGED)?;
            self.bytes = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(DAMAGED)
    }

    fn int(&mut self) -> Result<i64, &'static str> {
        let v = self.uint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A count of items that each take at least one byte (so damage cannot ask for a huge
    /// allocation).
    fn count(&mut self) -> Result<usize, &'static str> {
        let n = self.uint()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.bytes.len())
            .ok_or(DAMAGED)
    }

    fn bytes(&mut self) -> Result<&'a [u8], &'static str> {
        let n = self.count()?;
        let (b, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(b)
    }

    fn text(&mut self) -> Result<Text, &'static str> {
        let i = self.uint()?;
        usize::try_from(i)
            .ok()
            .and_then(|i| self.texts.get(i).copied())
            .ok_or(DAMAGED)
    }

    fn tags(&mut self) -> Result<Tags, &'static str> {
        let n = self.count()?;
        let mut pairs = Vec::with_capacity(n);
        for _ in 0..n {
            pairs.push((self.text()?, self.text()?));
        }
        Ok(Tags::from_sorted(pairs))
    }
}

/// The header up to the end of the string table, and the records after it, read into
/// separate buffers: the first may become the strings' storage for good (see
/// [`Text::intern_table`]), the second is gone once decoded.
fn read_parts(path: &Path) -> Result<(Header, Vec<u8>, Vec<u8>), &'static str> {
    use std::io::Read;
    let unreadable = |_| "cannot be read";
    let mut file = fs::File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    let mut head = Vec::new();
    (&mut file)
        .take(1024)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    let h = header(&head)?;
    let table_end = usize::try_from(h.table_end).map_err(|_| DAMAGED)?;
    if table_end as u64 > len {
        return Err(DAMAGED);
    }
    let mut records = Vec::new();
    if table_end <= head.len() {
        records = head.split_off(table_end);
    } else {
        head.reserve_exact(table_end - head.len());
        (&mut file)
            .take((table_end - head.len()) as u64)
            .read_to_end(&mut head)
            .map_err(unreadable)?;
    }
    records.reserve_exact((len - table_end as u64) as usize);
    file.read_to_end(&mut records).map_err(unreadable)?;
    Ok((h, head, records))
}

/// What the header says, and where the string table ends (from the start of the file).
struct Header {
    source: Fingerprint,
    /// Where the table (its count) starts.
    table_start: usize,
    table_end: u64,
}

fn header(bytes: &[u8]) -> Result<Header, &'static str> {
    let mut r = Reader {
        bytes: bytes.strip_prefix(MAGIC).ok_or("not a cache snapshot")?,
        texts: Vec::new(),
    };
    if r.uint()? != u64::from(FORMAT) || r.bytes()? != env!("CARGO_PKG_VERSION").as_bytes() {
        return Err("written by another build");
    }
    let mut print = [0u64; 5];
    for v in &mut print {
        *v = r.uint()?;
    }
    let [len, mtime_secs, nanos, dev, ino] = print;
    let source = Fingerprint {
        len,
        mtime_secs,
        mtime_nanos: u32::try_from(nanos).map_err(|_| DAMAGED)?,
        dev,
        ino,
    };
    let table_len = r.uint()?;
    let table_start = bytes.len() - r.bytes.len();
    Ok(Header {
        source,
        table_start,
        table_end: (table_start as u64).checked_add(table_len).ok_or(DAMAGED)?,
    })
}

/// Decode a snapshot read as `head` (up to the end of the string table, its header `h`) and
/// `records`.
fn decode(
    h: &Header,
    head: Vec<u8>,
    records: &[u8],
    source: Fingerprint,
    sink: &mut impl Sink,
) -> Result<(), &'static str> {
    if h.source != source {
        return Err("taken from another version of cache.json");
    }
    if h.table_end != head.len() as u64 {
        return Err(DAMAGED);
    }
    // One intern per distinct string, straight from the file's bytes; every use after that
    // copies a 4-byte handle.
    let mut r = Reader {
        bytes: &head[h.table_start..],
        texts: Vec::new(),
    };
    let n = r.count()?;
    let mut spans = Vec::with_capacity(n);
    for _ in 0..n {
        let s = r.bytes()?;
        spans.push((s.as_ptr() as usize - head.as_ptr() as usize, s.len()));
    }
    if !r.bytes.is_empty() {
        return Err(DAMAGED);
    }
    let texts = Text::intern_table(head, &spans).map_err(|_| DAMAGED)?;
    let mut r = Reader {
        bytes: records,
        texts,
    };

    sink.start(r.int()?, r.int()?);
    for _ in 0..r.count()? {
        let mut head = InstanceHead {
            name: r.text()?,
            last_update: r.int()?,
            config_hash: r.text()?,
            ..InstanceHead::default()
        };
        head.history = (0..r.count()?)
            .map(|_| r.text())
            .collect::<Result<_, _>>()?;
        (head.sso_region, head.start_url, head.default_region) = (r.text()?, r.text()?, r.text()?);
        head.rendered_with = match r.uint()? {
            0 => None,
            1 => Some(r.text()?),
            _ => return Err(DAMAGED),
        };
        head.roles = r.count()?;
        sink.instance(head);
        for _ in 0..r.count()? {
            let id = r.uint()?;
            let account = CachedAccount {
                alias: r.text()?,
                name: r.text()?,
                email_address: r.text()?,
                default_region: r.text()?,
                tags: r.tags()?,
                roles: BTreeMap::new(),
            };
            sink.account(id, account);
            for _ in 0..r.count()? {
                let name = r.text()?;
                let role = CachedRole {
                    arn: r.text()?,
                    default_region: r.text()?,
                    expires: r.int()?,
                    profile: r.text()?,
                    via: r.text()?,
                    tags: r.tags()?,
                    rendered_profile: r.text()?,
                };
                sink.role(name, role);
            }
        }
    }
    if !r.bytes.is_empty() {
        return Err(DAMAGED);
    }
    Ok(())
}

/// [`decode`] a whole file's bytes into a catalog (tests, and [`decode_any`]).
fn decode_file(bytes: &[u8], source: Fingerprint) -> Result<CacheFile, &'static str> {
    let h = header(bytes)?;
    let end = usize::try_from(h.table_end).map_err(|_| DAMAGED)?;
    if end > bytes.len() {
        return Err(DAMAGED);
    }
    let mut sink = FileSink::default();
    decode(&h, bytes[..end].to_vec(), &bytes[end..], source, &mut sink).map(|()| sink.finish())
}

/// [`decode`] a whole file's bytes, whichever cache.json its header names: the fuzzing entry
/// point, so that random input reaches the decoder instead of stopping at the fingerprint.
/// Readers of real files go through [`load`] / [`visit`], which also check the source.
#[doc(hidden)]
pub fn decode_any(bytes: &[u8]) -> Result<CacheFile, &'static str> {
    decode_file(bytes, header(bytes)?.source)
}

#[cfg(test)]
mod tests;
