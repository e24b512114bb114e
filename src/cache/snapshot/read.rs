//! Reading a snapshot: the checksum over the whole file first, then the header, the string
//! table and the records, every read bounds-checked. Nothing of a file whose checksum does
//! not hold reaches a [`Sink`], and damage found anyway is an error, never a panic.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use super::{FORMAT, Fingerprint, MAGIC, OLD_MAGIC, PREFIX, Sink};
use crate::cache::format::{CachedAccount, CachedRole};
use crate::cache::snapshot::InstanceHead;
use crate::cache::text::{Tags, Text};

/// Why a snapshot was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unusable {
    /// Missing, unreadable, from another build or of another cache.json: rebuilt quietly.
    Stale(&'static str),
    /// Not what we wrote (bad checksum, cut short, foreign bytes): discarded with a warning.
    Damaged(&'static str),
}

/// Reads what [`super::encode`] wrote; every read is bounds-checked, so damage gives an error.
struct Reader<'a> {
    bytes: &'a [u8],
    texts: Vec<Text>,
}

pub(super) const DAMAGED: &str = "damaged or truncated";

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

/// The file up to the end of the string table, and the records after it, read into separate
/// buffers (the first may become the strings' storage for good, see [`Text::intern_table`];
/// the second is gone once decoded), once the checksum shows both are what we wrote.
pub(super) fn read_parts(path: &Path) -> Result<(Header, Vec<u8>, Vec<u8>), Unusable> {
    let unreadable = |_| Unusable::Stale("cannot be read");
    let mut file = fs::File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    let mut head = Vec::new();
    (&mut file)
        .take(1024)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    if head.starts_with(OLD_MAGIC) {
        return Err(Unusable::Stale("written by an older build"));
    }
    if !head.starts_with(MAGIC) || head.len() < PREFIX {
        return Err(Unusable::Damaged("it does not start like a cache snapshot"));
    }
    // Where the table ends as the header says (not trusted before the checksum: nonsense
    // there reads the whole file into `head`, for the checksum to reject).
    let table_end = header(&head)
        .ok()
        .map(|h| h.table_end)
        .filter(|&end| end >= PREFIX as u64 && end <= len)
        .and_then(|end| usize::try_from(end).ok())
        .unwrap_or(usize::try_from(len).map_err(|_| Unusable::Damaged(DAMAGED))?);
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
    records.reserve_exact(usize::try_from(len).unwrap_or(0).saturating_sub(table_end));
    file.read_to_end(&mut records).map_err(unreadable)?;
    verify(&head, &records)?;
    Ok((header(&head)?, head, records))
}

/// Check the checksum after the magic against everything that follows it (`head`, then
/// `records`).
fn verify(head: &[u8], records: &[u8]) -> Result<(), Unusable> {
    let mut stored = [0u8; 8];
    stored.copy_from_slice(
        head.get(MAGIC.len()..PREFIX)
            .ok_or(Unusable::Damaged(DAMAGED))?,
    );
    let mut hasher = Xxh3::new();
    hasher.update(&head[PREFIX..]);
    hasher.update(records);
    if hasher.digest() == u64::from_le_bytes(stored) {
        Ok(())
    } else {
        Err(Unusable::Damaged("checksum mismatch"))
    }
}

/// What the header says, and where the string table ends (from the start of the file).
pub(super) struct Header {
    source: Fingerprint,
    /// Where the table (its count) starts.
    table_start: usize,
    table_end: u64,
}

/// Parse the header after the magic and checksum. Another format or build is stale, not
/// damage: the checksum was checked first.
fn header(bytes: &[u8]) -> Result<Header, Unusable> {
    let damaged = |_| Unusable::Damaged(DAMAGED);
    let mut r = Reader {
        bytes: bytes.get(PREFIX..).ok_or(Unusable::Damaged(DAMAGED))?,
        texts: Vec::new(),
    };
    if r.uint().map_err(damaged)? != u64::from(FORMAT)
        || r.bytes().map_err(damaged)? != env!("CARGO_PKG_VERSION").as_bytes()
    {
        return Err(Unusable::Stale("written by another build"));
    }
    let mut print = [0u64; 5];
    for v in &mut print {
        *v = r.uint().map_err(damaged)?;
    }
    let [len, mtime_secs, nanos, dev, ino] = print;
    let source = Fingerprint {
        len,
        mtime_secs,
        mtime_nanos: u32::try_from(nanos).map_err(|_| Unusable::Damaged(DAMAGED))?,
        dev,
        ino,
    };
    let table_len = r.uint().map_err(damaged)?;
    let table_start = bytes.len() - r.bytes.len();
    Ok(Header {
        source,
        table_start,
        table_end: (table_start as u64)
            .checked_add(table_len)
            .ok_or(Unusable::Damaged(DAMAGED))?,
    })
}

/// Decode a snapshot read as `head` (up to the end of the string table, its header `h`) and
/// `records`.
pub(super) fn decode(
    h: &Header,
    head: Vec<u8>,
    records: &[u8],
    source: Fingerprint,
    sink: &mut impl Sink,
) -> Result<(), Unusable> {
    if h.source != source {
        return Err(Unusable::Stale("taken from another version of cache.json"));
    }
    decode_body(h, head, records, sink).map_err(Unusable::Damaged)
}

/// The string table and the records of a snapshot whose checksum held.
fn decode_body(
    h: &Header,
    head: Vec<u8>,
    records: &[u8],
    sink: &mut impl Sink,
) -> Result<(), &'static str> {
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

/// [`decode`] a whole file's bytes into a catalog: for `source` and with its checksum checked
/// (tests), or, without `source`, whichever cache.json its header names and without the
/// checksum (the fuzzing entry point: the checksum only catches accidents, whoever can write
/// the file can fix the sum up, so the decoder must hold on any bytes by itself).
pub(super) fn decode_file(
    bytes: &[u8],
    source: Option<Fingerprint>,
) -> Result<crate::cache::CacheFile, Unusable> {
    if !bytes.starts_with(MAGIC) {
        return Err(Unusable::Damaged("it does not start like a cache snapshot"));
    }
    let h = header(bytes)?;
    let end = usize::try_from(h.table_end).map_err(|_| Unusable::Damaged(DAMAGED))?;
    if end > bytes.len() {
        return Err(Unusable::Damaged(DAMAGED));
    }
    let source = match source {
        Some(source) => {
            verify(&bytes[..end], &bytes[end..])?;
            source
        }
        None => h.source,
    };
    let mut sink = super::FileSink::default();
    decode(&h, bytes[..end].to_vec(), &bytes[end..], source, &mut sink).map(|()| sink.finish())
}
