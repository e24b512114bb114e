//! Unit tests of the profile index: lookups, staleness and damage.

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

const T: &str = "{{ .AccountAlias }}:{{ .RoleName }}";

/// An index of `n` profiles beside a `cache.json` in `dir`: the cache path and the pairs.
fn indexed(dir: &Path, n: usize) -> (PathBuf, Vec<(String, String)>) {
    let cache = dir.join("cache.json");
    fs::write(&cache, "{}").unwrap();
    let names: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("acct-{i:03}:Role"),
                format!("arn:aws:iam::{:012}:role/Role", 100 + i),
            )
        })
        .collect();
    write(
        &cache,
        "Default",
        T,
        names.iter().map(|(p, a)| (p.as_str(), a.as_str())),
    );
    (cache, names)
}

#[test]
fn a_damaged_index_never_answers_otherwise_and_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, names) = indexed(dir.path(), 20);
    let path = path_for(&cache);
    let good = fs::read(&path).unwrap();
    let body = read_current(&cache, "Default", T).unwrap();
    let mut deleted = 0;
    for i in 0..good.len() {
        // Bits that make another letter or digit, break a line (0x0a ^ 0x20) or the UTF-8.
        for flip in [[0x01u8, 0x20, 0x80][i % 3]] {
            let mut damaged = good.clone();
            damaged[i] ^= flip;
            let what = format!("byte {i} ^ {flip:#x}");
            // Each lookup: the right answer or none at all (the caller's slow path).
            for (p, a) in names.iter().step_by(4) {
                fs::write(&path, &damaged).unwrap();
                match lookup(&cache, "Default", T, p) {
                    Some(found) => assert_eq!(found.as_ref(), Some(a), "{what}: {p}"),
                    None => {
                        assert!(!path.exists(), "{what}: refused, so deleted");
                        deleted += 1;
                    }
                }
            }
            fs::write(&path, &damaged).unwrap();
            assert!(
                matches!(
                    lookup(&cache, "Default", T, "acct-999:Role"),
                    None | Some(None)
                ),
                "{what}"
            );
            // Reading all of it sees every line: always refused.
            fs::write(&path, &damaged).unwrap();
            assert_eq!(read_current(&cache, "Default", T), None, "{what}");
            assert!(!path.exists(), "{what}: deleted");
        }
    }
    assert!(deleted > good.len(), "lookups met the damage: {deleted}");
    // Intact, it answers, and the body reads back.
    fs::write(&path, &good).unwrap();
    assert_eq!(read_current(&cache, "Default", T), Some(body.clone()));
    let pairs: Vec<_> = pairs(&body).collect::<Option<_>>().unwrap();
    assert_eq!(pairs.len(), names.len());
    assert_eq!(pairs[7], (names[7].0.as_str(), names[7].1.as_str()));
}

#[test]
fn a_cut_index_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, names) = indexed(dir.path(), 5);
    let path = path_for(&cache);
    let good = fs::read(&path).unwrap();
    for cut in 0..good.len() {
        fs::write(&path, &good[..cut]).unwrap();
        assert_eq!(
            lookup(&cache, "Default", T, &names[4].0),
            None,
            "cut at {cut}"
        );
        fs::write(&path, &good[..cut]).unwrap();
        assert_eq!(read_current(&cache, "Default", T), None, "cut at {cut}");
    }
}

#[test]
fn indexes_of_older_builds_are_stale_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, names) = indexed(dir.path(), 3);
    let path = path_for(&cache);
    let meta = fs::metadata(&cache).unwrap();
    let old = format!(
        "aws-sso-profiles-v1 {} 00\n{}\t{}\n",
        stamp(&meta),
        names[0].0,
        names[0].1
    );
    fs::write(&path, &old).unwrap();
    assert_eq!(lookup(&cache, "Default", T, &names[0].0), None);
    assert_eq!(read_current(&cache, "Default", T), None);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        old,
        "left for the slow path to replace"
    );
}

#[test]
fn only_lines_with_their_own_checksum_open() {
    let line = sealed("p\tarn:aws:iam::000000000001:role/R");
    let line = line.strip_suffix('\n').unwrap();
    assert_eq!(opened(line), Some("p\tarn:aws:iam::000000000001:role/R"));
    assert_eq!(opened(&line.to_uppercase()), None);
    assert_eq!(opened(&line.replacen('p', "q", 1)), None);
    assert_eq!(opened("short"), None);
    assert_eq!(opened("\t+0000000"), None);
}
