use super::read::{DAMAGED, Unusable, decode_file, read_parts};
use super::*;

/// `bytes` with the checksum made to match again, to reach the checks behind it.
fn resealed(mut bytes: Vec<u8>) -> Vec<u8> {
    let sum = xxhash_rust::xxh3::xxh3_64(&bytes[PREFIX..]);
    bytes[MAGIC.len()..PREFIX].copy_from_slice(&sum.to_le_bytes());
    bytes
}

fn sample() -> CacheFile {
    let json = r#"{"Version":4,"ConfigCreatedAt":7,"SSO":{"Default":{"LastUpdate":9,
      "ConfigHash":"abc","History":["arn:aws:iam::000000000222:role/Admin"],
      "Roles":{"Accounts":{
        "222":{"Alias":"beta","EmailAddress":"b@x","Tags":{"Team":"core"},"Roles":{
          "Admin":{"Arn":"arn:aws:iam::000000000222:role/Admin","Expires":5000,
                   "Tags":{"History":"beta:Admin,9","Role":"Admin"}},
          "ReadOnly":{"Arn":"arn:aws:iam::000000000222:role/ReadOnly","Profile":"ro",
                      "Via":"arn:aws:iam::000000000222:role/Admin","DefaultRegion":"eu-west-1"}}},
        "1111111":{"Alias":"alpha","Name":"Alpha Co","DefaultRegion":"us-east-2","Roles":{}}},
      "SSORegion":"us-east-1","StartUrl":"https://d/start","DefaultRegion":"us-west-2"}},
      "Other":{"LastUpdate":1,"Roles":{"Accounts":{}}}}}"#;
    serde_json::from_str(json).unwrap()
}

fn fingerprint(len: u64) -> Fingerprint {
    Fingerprint {
        len,
        mtime_secs: 1,
        mtime_nanos: 2,
        dev: 3,
        ino: 4,
    }
}

#[test]
fn a_snapshot_round_trips_the_whole_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.bin");
    let file = sample();
    store(&path, fingerprint(10), &file).unwrap();
    assert_eq!(load(&path, fingerprint(10)), Some(file));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn a_table_longer_than_the_first_read_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.bin");
    let mut file = sample();
    let accounts = &mut file.sso.get_mut("Default").unwrap().roles.accounts;
    for id in 0..300u64 {
        let mut account = accounts[&222].clone();
        account.alias = Text::new(&format!("account-number-{id}"));
        accounts.insert(1000 + id, account);
    }
    store(&path, fingerprint(10), &file).unwrap();
    let (_, head, records) = read_parts(&path).unwrap();
    assert!(head.len() > 1024, "the table is read past the first 1 KiB");
    assert!(!records.is_empty());
    assert_eq!(load(&path, fingerprint(10)), Some(file));
}

#[test]
fn a_snapshot_of_another_cache_json_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.bin");
    store(&path, fingerprint(10), &sample()).unwrap();
    assert_eq!(load(&path, fingerprint(11)), None);
    let other_inode = Fingerprint {
        ino: 5,
        ..fingerprint(10)
    };
    assert_eq!(load(&path, other_inode), None);
}

#[test]
fn a_damaged_snapshot_is_never_used_and_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.bin");
    store(&path, fingerprint(10), &sample()).unwrap();
    let good = fs::read(&path).unwrap();
    // Truncated anywhere: never a panic, never a partial catalog.
    for cut in 0..good.len() {
        fs::write(&path, &good[..cut]).unwrap();
        assert_eq!(load(&path, fingerprint(10)), None, "cut at {cut}");
        assert!(!path.exists(), "a cut file is deleted (cut at {cut})");
    }
    // Any byte changed, in the magic, the checksum, the header, the table or the records:
    // the whole snapshot is refused (and deleted), never a changed catalog.
    for i in 0..good.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut damaged = good.clone();
            damaged[i] ^= flip;
            fs::write(&path, &damaged).unwrap();
            assert_eq!(load(&path, fingerprint(10)), None, "byte {i} ^ {flip:#x}");
            assert!(!path.exists(), "byte {i} ^ {flip:#x}: deleted");
        }
    }
    // A string index past the table is refused as a whole, even with a checksum that holds.
    let empty = CacheFile {
        version: 4,
        ..Default::default()
    };
    let mut bad = encode(fingerprint(10), &empty);
    assert_eq!(bad.pop(), Some(0), "the instance count ends the file");
    bad.extend([1, 5]); // one instance, named by string #5 of an empty table
    assert!(matches!(
        decode_file(&bad, Some(fingerprint(10))),
        Err(Unusable::Damaged("checksum mismatch"))
    ));
    assert_eq!(
        decode_file(&resealed(bad), Some(fingerprint(10))),
        Err(Unusable::Damaged(DAMAGED))
    );
}

#[test]
fn snapshots_of_older_builds_are_stale_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.bin");
    // The layout before checksums: the old magic, then the header.
    let mut old = OLD_MAGIC.to_vec();
    old.extend_from_slice(&encode(fingerprint(10), &sample())[PREFIX..]);
    fs::write(&path, &old).unwrap();
    assert_eq!(
        read_parts(&path).err(),
        Some(Unusable::Stale("written by an older build"))
    );
    assert_eq!(load(&path, fingerprint(10)), None);
    assert!(path.exists(), "left for the next write to replace");
    // Another format number behind a good checksum: another build.
    let mut other = encode(fingerprint(10), &sample());
    other[PREFIX] = FORMAT as u8 + 1;
    fs::write(&path, resealed(other)).unwrap();
    assert_eq!(
        read_parts(&path).err(),
        Some(Unusable::Stale("written by another build"))
    );
}

#[test]
fn rendered_names_are_kept_only_when_every_role_has_one() {
    let mut file = sample();
    let sso = file.sso.get_mut("Default").unwrap();
    sso.rendered_with = Some("{{ .RoleName }}".into());
    for role in sso
        .roles
        .accounts
        .values_mut()
        .flat_map(|a| a.roles.values_mut())
    {
        role.rendered_profile = Text::new(&format!("p-{}", role.arn));
    }
    let other = file.sso.get_mut("Other").unwrap();
    other.rendered_with = Some("{{ .RoleName }}".into());
    let back = decode_file(&encode(fingerprint(1), &file), Some(fingerprint(1))).unwrap();
    assert_eq!(
        back, file,
        "both instances: every role (of none, for Other) has a name"
    );
    let sso = file.sso.get_mut("Default").unwrap();
    let account = sso.roles.accounts.get_mut(&222).unwrap();
    account
        .roles
        .get_mut(&Text::new("Admin"))
        .unwrap()
        .rendered_profile = Text::default();
    let back = decode_file(&encode(fingerprint(1), &file), Some(fingerprint(1))).unwrap();
    assert_eq!(back.sso["Default"].rendered_with, None);
    assert_eq!(
        back.sso["Other"].rendered_with.as_deref(),
        Some("{{ .RoleName }}")
    );
}

#[test]
fn a_second_load_in_one_process_shares_the_strings_of_the_first() {
    // The first load of a process keeps the file's bytes as its strings; a later one
    // finds them interned already (and copies only what is new).
    let file = sample();
    let first = decode_file(&encode(fingerprint(1), &file), Some(fingerprint(1))).unwrap();
    let mut changed = file.clone();
    changed.sso.get_mut("Other").unwrap().config_hash = "new-hash".into();
    let second = decode_file(&encode(fingerprint(1), &changed), Some(fingerprint(1))).unwrap();
    assert_eq!(second, changed);
    assert_eq!(first, file);
    let alias = |f: &CacheFile| f.sso["Default"].roles.accounts[&222].alias;
    assert_eq!(
        alias(&first).id(),
        alias(&second).id(),
        "one handle per string"
    );
    assert_eq!(Text::new("beta").id(), alias(&first).id());
}

#[test]
fn varint_lengths_are_what_is_written() {
    for v in [
        0,
        1,
        127,
        128,
        16_383,
        16_384,
        u64::from(u32::MAX),
        u64::MAX,
    ] {
        let mut out = Vec::new();
        put_uint(&mut out, v);
        assert_eq!(uint_len(v), out.len(), "{v}");
    }
}

#[test]
fn strings_are_stored_once() {
    let file = sample();
    let bytes = encode(fingerprint(1), &file);
    let arn = b"arn:aws:iam::000000000222:role/Admin";
    let times = bytes.windows(arn.len()).filter(|w| w == arn).count();
    assert_eq!(times, 1, "history, Arn and Via share one copy");
    assert_eq!(decode_file(&bytes, Some(fingerprint(1))), Ok(file));
}

#[test]
fn decode_any_reads_a_snapshot_of_any_source_and_refuses_damage() {
    let file = sample();
    let bytes = encode(fingerprint(99), &file);
    assert_eq!(decode_any(&bytes), Ok(file));
    assert!(decode_any(&bytes[..bytes.len() - 1]).is_err());
    assert!(decode_any(b"not a snapshot").is_err());
}
