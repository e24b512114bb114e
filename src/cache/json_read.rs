//! Reading `cache.json` while another program may be rewriting it in place.
//!
//! We replace cache.json by rename, but other tools (aws-sso-cli, editors, sync clients) may
//! truncate and rewrite it where it is. So the file is only ever read, never memory-mapped: a
//! mapped file that shrinks under the reader kills the process with SIGBUS. And a read during
//! which the file changed is not trusted: it is read again a few times, then reported.
//!
//! A file up to [`STREAM_THRESHOLD`] is read into memory, checked unchanged, then parsed:
//! the read takes milliseconds, so a rewrite rarely overlaps it. A larger one is parsed
//! straight from a buffered reader (1.6x slower) rather than from a copy of all of it: a
//! 100,000-role cache is ~47 MB, and holding it next to the catalog built from it would nearly
//! double the memory of a start that has to parse it.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::time::Duration;

use super::format::CacheFile;
use super::snapshot::Fingerprint;

/// Files up to this size are read into memory and parsed from there; larger ones are parsed
/// as a stream.
pub(super) const STREAM_THRESHOLD: u64 = 16 << 20;

/// Reads of a file that keeps changing before we give up.
pub(super) const ATTEMPTS: u32 = 4;

/// The pause after `failed` reads that found the file changing: 50, 100, 200 ms.
pub(super) fn pause_after(failed: u32) -> Duration {
    Duration::from_millis(50 << failed.saturating_sub(1).min(4))
}

/// How long a file whose content did not parse must stay unchanged before it counts as
/// damaged rather than caught in the middle of a rewrite (a truncate of a large file takes a
/// few milliseconds, during which the file looks empty and unchanging).
pub(super) const DAMAGE_GRACE: Duration = Duration::from_millis(100);

/// What parsing the file gave: its catalog, or why its content is not a cache.
pub(super) type Parsed = Result<CacheFile, serde_json::Error>;

/// Read and parse the open `file` (opened from `path`; `before` is how it was then).
/// `Ok(None)`: what was read cannot be trusted, because the file changed during the read or,
/// when its content did not parse, `path` no longer names that very file unchanged after
/// [`DAMAGE_GRACE`] (a rewrite caught half-way); read it again. An I/O error is returned as
/// such, not as bad JSON.
pub(super) fn read(path: &Path, file: &File, before: Fingerprint) -> io::Result<Option<Parsed>> {
    read_with(path, file, before, STREAM_THRESHOLD)
}

fn read_with(
    path: &Path,
    file: &File,
    before: Fingerprint,
    stream_threshold: u64,
) -> io::Result<Option<Parsed>> {
    let unchanged =
        |meta: io::Result<fs::Metadata>| meta.is_ok_and(|m| Fingerprint::of(&m) == before);
    let parsed = if before.size() <= stream_threshold {
        let mut bytes = Vec::with_capacity(usize::try_from(before.size()).unwrap_or(0));
        let mut reader: &File = file;
        reader.read_to_end(&mut bytes)?;
        if !unchanged(file.metadata()) {
            return Ok(None);
        }
        serde_json::from_slice(&bytes)
    } else {
        let parsed = serde_json::from_reader(BufReader::with_capacity(1 << 16, file));
        if !unchanged(file.metadata()) {
            return Ok(None);
        }
        parsed
    };
    match parsed {
        Err(e) if e.is_io() => Err(io::Error::other(e)),
        Ok(file) => Ok(Some(Ok(file))),
        Err(e) => {
            std::thread::sleep(DAMAGE_GRACE);
            let damaged = unchanged(file.metadata()) && unchanged(fs::metadata(path));
            Ok(damaged.then_some(Err(e)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn open(path: &Path) -> (File, Fingerprint) {
        let file = File::open(path).unwrap();
        let before = Fingerprint::of(&file.metadata().unwrap());
        (file, before)
    }

    #[test]
    fn damage_is_reported_and_a_rewrite_in_progress_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.json");
        fs::write(&path, b"{\"Version\":4").unwrap();
        for threshold in [0, STREAM_THRESHOLD] {
            let (file, before) = open(&path);
            let parsed = read_with(&path, &file, before, threshold).unwrap();
            assert!(
                parsed.unwrap().is_err(),
                "truncated and unchanging: damaged"
            );
        }
        // Rewritten in place after it was opened: neither way of reading trusts it.
        for threshold in [0, STREAM_THRESHOLD] {
            fs::write(&path, b"{\"Version\":4").unwrap();
            let (file, before) = open(&path);
            let mut again = fs::OpenOptions::new().write(true).open(&path).unwrap();
            again.write_all(b"{\"Version\":4,\"SSO\":{}}").unwrap();
            assert!(
                read_with(&path, &file, before, threshold)
                    .unwrap()
                    .is_none()
            );
        }
    }

    #[test]
    fn a_stream_and_a_copy_in_memory_parse_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.json");
        let json = r#"{"Version":4,"ConfigCreatedAt":7,"SSO":{"Default":{"LastUpdate":2,
            "History":["arn:aws:iam::000000000002:role/R"],"Roles":{"Accounts":{
            "2":{"Alias":"two \u00e9\n","Tags":{"a":"b"},"Roles":{"R":{"Arn":"arn:aws:iam::000000000002:role/R","Expires":9}}},
            "0011":{"Alias":"eleven"}},"SSORegion":"us-east-1"}}}}"#;
        fs::write(&path, json).unwrap();
        let parse = |threshold| {
            let (file, before) = open(&path);
            read_with(&path, &file, before, threshold)
                .unwrap()
                .unwrap()
                .unwrap()
        };
        let streamed = parse(0);
        assert_eq!(streamed, parse(u64::MAX));
        assert_eq!(
            streamed.sso["Default"].roles.accounts[&2].alias,
            "two \u{e9}\n"
        );
        fs::write(&path, format!("{json} trailing")).unwrap();
        let (file, before) = open(&path);
        assert!(
            read_with(&path, &file, before, 0)
                .unwrap()
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn pauses_grow_and_stay_short() {
        let total: Duration = (1..ATTEMPTS).map(pause_after).sum();
        assert_eq!(pause_after(1), Duration::from_millis(50));
        assert!(total < Duration::from_secs(1), "{total:?}");
    }
}
