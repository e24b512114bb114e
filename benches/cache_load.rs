//! Where the time of loading a large `cache.json` goes: reading the bytes, a schema-less JSON
//! walk (the parser's floor), the real `Cache::load` parsing the JSON (first start after
//! another tool wrote the file; it also writes the snapshot) and loading from the snapshot. Give it a cache file
//! (`benches/list_100k.py --keep` writes one) or let it write a synthetic 100k-role cache.
//! See benches/README.md.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Instant;

use aws_sso::cache::{Cache, CacheFile};

/// Median wall time of `f`; what it returns is dropped outside the timing (freeing a 100k-role
/// catalog is not part of loading one).
fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            let out = f();
            let ms = s.elapsed().as_secs_f64() * 1000.0;
            drop(out);
            ms
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let path: PathBuf = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .expect("usage: cargo bench --bench cache_load -- PATH/cache.json");
    let runs = 5;
    if std::env::args().any(|a| a == "--snapshot-only") {
        // For profilers: nothing but loads from an existing snapshot.
        let warm = median_ms(runs * 4, || Cache::load(&path).unwrap());
        println!("Cache::load from the snapshot     {warm:>8.1} ms");
        return;
    }
    let bytes = std::fs::read(&path).expect("read cache");
    println!("{}: {:.1} MB", path.display(), bytes.len() as f64 / 1e6);
    let read = median_ms(runs, || std::fs::read(&path).unwrap());
    let walk = median_ms(runs, || {
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).unwrap();
    });
    // The two ways Cache::load parses a cache.json it cannot take from the snapshot: from
    // a copy in memory (small files) and as a stream (large ones, to save the copy).
    let parse_slice = median_ms(runs, || {
        let bytes = std::fs::read(&path).unwrap();
        serde_json::from_slice::<CacheFile>(&bytes).unwrap()
    });
    let parse_stream = median_ms(runs, || {
        let file = std::fs::File::open(&path).unwrap();
        serde_json::from_reader::<_, CacheFile>(std::io::BufReader::with_capacity(1 << 16, file))
            .unwrap()
    });
    let snapshot = path.with_extension("bin");
    let mut roles = 0;
    let first = median_ms(runs, || {
        let _ = std::fs::remove_file(&snapshot);
        let c = Cache::load(&path).unwrap();
        roles = c.file.sso.values().map(|s| s.role_count()).sum();
        c
    });
    assert!(snapshot.exists(), "the first load writes the snapshot");
    let warm = median_ms(runs, || {
        let c = Cache::load(&path).unwrap();
        assert_eq!(
            roles,
            c.file.sso.values().map(|s| s.role_count()).sum::<usize>()
        );
    });
    println!("roles: {roles}");
    println!("read bytes                        {read:>8.1} ms");
    println!("json walk (no schema)             {walk:>8.1} ms");
    println!("read + parse into the catalog     {parse_slice:>8.1} ms");
    println!("parse into the catalog, streamed  {parse_stream:>8.1} ms");
    println!("Cache::load, JSON + new snapshot  {first:>8.1} ms");
    println!("Cache::load from the snapshot     {warm:>8.1} ms");
}
