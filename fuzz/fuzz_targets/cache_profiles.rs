//! The cache.profiles index (profile name → role ARN, binary-searched on disk).
//!
//! Input: the first line is the profile to look up, every later `name<TAB>arn` line a pair.
//! 1. The pairs are written as an index; every name written is then found, with one of its
//!    ARNs, and the probe is found exactly when it was written.
//! 2. The index's header followed by the raw input (unsorted, malformed, not UTF-8): lookups
//!    and reads answer or give up, never panic.
//!
//! The index only exists beside a cache.json, so a scratch directory holds one.
#![no_main]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use aws_sso::cache::profile_index;
use libfuzzer_sys::fuzz_target;

const INSTANCE: &str = "Default";
const TEMPLATE: &str = "{{ .AccountIdPad }}:{{ .RoleName }}";

/// A cache.json in a scratch directory (in memory when /dev/shm exists: one write a run).
static CACHE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("a scratch directory");
    let cache = dir.path().join("cache.json");
    fs::write(&cache, "{}\n").expect("cache.json written");
    (dir, cache)
});

fuzz_target!(|data: &[u8]| {
    let cache = &CACHE.1;
    let index = profile_index::path_for(cache);
    let _ = fs::remove_file(&index);

    if let Ok(text) = std::str::from_utf8(data) {
        let (probe, rest) = text.split_once('\n').unwrap_or((text, ""));
        let pairs: Vec<(&str, &str)> = rest.lines().filter_map(|l| l.split_once('\t')).collect();
        profile_index::write(cache, INSTANCE, TEMPLATE, pairs.iter().copied());
        if index.exists() {
            let lookup = |p: &str| profile_index::lookup(cache, INSTANCE, TEMPLATE, p);
            for (name, _) in &pairs {
                let found = lookup(name);
                let ok = matches!(&found, Some(Some(arn))
                    if pairs.iter().any(|(n, a)| n == name && a == arn));
                assert!(ok, "{name:?} written, lookup gave {found:?}");
            }
            let written = pairs.iter().any(|(n, _)| *n == probe);
            let found = lookup(probe);
            assert!(
                matches!(found, Some(Some(_))) == written && found.is_some(),
                "probe {probe:?} (written: {written}) gave {found:?}"
            );
            let body = profile_index::read_current(cache, INSTANCE, TEMPLATE)
                .expect("a fresh index is current");
            assert_eq!(profile_index::pairs(&body).count(), pairs.len());
        }
    }

    // A damaged body behind a genuine header.
    profile_index::write(cache, INSTANCE, TEMPLATE, std::iter::empty());
    let Ok(mut bytes) = fs::read(&index) else {
        return;
    };
    bytes.extend_from_slice(data);
    fs::write(&index, &bytes).expect("index written");
    let probe = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let _ = profile_index::lookup(cache, INSTANCE, TEMPLATE, &String::from_utf8_lossy(probe));
    if let Some(body) = profile_index::read_current(cache, INSTANCE, TEMPLATE) {
        for pair in profile_index::pairs(&body) {
            let _ = pair;
        }
    }
});
