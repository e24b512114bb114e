//! Unit tests for cache loading, expiry and history.

use super::*;
use std::io::Write;

const ARN_A: &str = "arn:aws:iam::000001111111:role/Admin";
const ARN_B: &str = "arn:aws:iam::000002222222:role/ReadOnly";

fn sample() -> CacheFile {
    let json = format!(
        r#"{{"Version":4,"ConfigCreatedAt":100,"SSO":{{"Default":{{"LastUpdate":1000,
        "ConfigHash":"","History":[],"Roles":{{"Accounts":{{
          "1111111":{{"Alias":"prod","Roles":{{"Admin":{{"Arn":"{ARN_A}"}}}}}},
          "2222222":{{"Alias":"dev","Roles":{{"ReadOnly":{{"Arn":"{ARN_B}"}}}}}}}},
        "SSORegion":"us-east-1","StartUrl":"https://d-1.awsapps.com/start","DefaultRegion":""}}}}}}}}"#
    );
    serde_json::from_str(&json).unwrap()
}

/// `sample()` saved as `dir/cache.json`.
fn saved_sample(dir: &Path) -> (PathBuf, Cache) {
    let path = dir.join("cache.json");
    let mut cache = Cache::empty(&path);
    cache.file = sample();
    cache.save().unwrap();
    (path, cache)
}

#[test]
fn missing_file_is_an_empty_current_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::load(&dir.path().join("cache.json")).unwrap();
    assert!(cache.file.sso.is_empty());
    assert_eq!(cache.file.version, CACHE_VERSION);
    assert!(cache.problem.is_none());
}

#[test]
fn corrupt_truncated_and_future_files_are_set_aside() {
    let p = Path::new("/x/cache.json");
    let full = serde_json::to_string(&sample()).unwrap();
    let truncated = Cache::from_bytes(p, &full.as_bytes()[..full.len() / 2]);
    assert!(matches!(truncated.problem, Some(CacheProblem::Corrupt(_))));
    assert!(truncated.file.sso.is_empty());
    let garbage = Cache::from_bytes(p, b"\x00\xffnot json");
    assert!(matches!(garbage.problem, Some(CacheProblem::Corrupt(_))));
    let future = Cache::from_bytes(p, br#"{"Version":99,"SSO":{}}"#);
    assert_eq!(future.problem, Some(CacheProblem::FutureVersion(99)));
    assert!(future.is_expired("Default", 168, 0, 0));
}

#[test]
fn save_round_trips_with_private_mode() {
    let dir = tempfile::tempdir().unwrap();
    let (path, cache) = saved_sample(dir.path());
    let again = Cache::load(&path).unwrap();
    assert_eq!(again.file, cache.file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn expiry_follows_ttl_config_mtime_and_version() {
    let mut cache = Cache::empty(Path::new("c.json"));
    cache.file = sample();
    // fresh: updated at 1000, 1h TTL, now 1000+3599, config older than the refresh
    assert!(!cache.is_expired("Default", 1, 50, 1000 + 3599));
    assert!(cache.is_expired("Default", 1, 50, 1000 + 3601));
    assert!(cache.is_expired("Default", 1, 101, 1000));
    assert!(
        !cache.is_expired("Default", 0, 101, 10_000_000),
        "≤0 disables"
    );
    assert!(cache.is_expired("Other", 1, 50, 1000), "unknown instance");
    cache.file.version = 3;
    assert!(cache.is_expired("Default", 0, 0, 0));
}

#[test]
fn history_moves_to_front_respects_limit_and_tags() {
    let mut file = sample();
    let sso = file.sso.get_mut("Default").unwrap();
    sso.add_history(ARN_A, 500, 1);
    assert_eq!(sso.history, vec![ARN_A]);
    assert_eq!(
        &sso.role(ARN_A).unwrap().2.tags["History"],
        "prod:Admin,500"
    );
    sso.add_history(ARN_B, 600, 1);
    assert_eq!(sso.history, vec![ARN_B]);
    assert!(!sso.role(ARN_A).unwrap().2.tags.contains_key("History"));
    assert_eq!(
        &sso.role(ARN_B).unwrap().2.tags["History"],
        "dev:ReadOnly,600"
    );
}

#[test]
fn history_prunes_by_age() {
    let mut file = sample();
    let sso = file.sso.get_mut("Default").unwrap();
    sso.add_history(ARN_A, 0, 10);
    sso.add_history(ARN_B, 3000, 10);
    assert!(sso.prune_history(3600, 10, 30));
    assert_eq!(sso.history, vec![ARN_B]);
    assert!(!sso.role(ARN_A).unwrap().2.tags.contains_key("History"));
    assert!(!sso.prune_history(3600, 10, 30));
}

#[test]
fn prune_instances_removes_unknown() {
    let mut cache = Cache::empty(Path::new("c.json"));
    cache.file = sample();
    cache.file.sso.insert("Old".into(), SsoCache::default());
    assert_eq!(cache.prune_instances(["Default"]), vec!["Old".to_string()]);
    assert!(cache.instance("Default").is_some());
}

#[test]
fn the_snapshot_serves_only_the_cache_json_it_was_taken_from() {
    let dir = tempfile::tempdir().unwrap();
    let (path, cache) = saved_sample(dir.path());
    let snap = snapshot::path_for(&path);
    assert!(snap.exists(), "save writes the snapshot beside cache.json");
    assert_eq!(Cache::load(&path).unwrap().file, cache.file);

    // Another tool (aws-sso-cli) rewrites cache.json in place: same inode, new content.
    let mut edited = sample();
    edited
        .sso
        .get_mut("Default")
        .unwrap()
        .roles
        .accounts
        .remove(&2222222);
    let json = serde_json::to_vec_pretty(&edited).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&path)
        .unwrap()
        .write_all(&json)
        .unwrap();
    let loaded = Cache::load(&path).unwrap();
    assert_eq!(loaded.file, edited, "the JSON wins over a stale snapshot");
    // ...and the snapshot was retaken from it.
    let fresh = snapshot::Fingerprint::of(&fs::metadata(&path).unwrap());
    assert_eq!(snapshot::load(&snap, fresh), Some(edited));
}

#[test]
fn a_corrupt_cache_json_is_never_masked_by_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = saved_sample(dir.path());
    fs::write(&path, b"{\"Version\":4,\"SSO\":{").unwrap();
    let loaded = Cache::load(&path).unwrap();
    assert!(matches!(loaded.problem, Some(CacheProblem::Corrupt(_))));
    assert!(loaded.file.sso.is_empty());
}

#[test]
fn a_large_cache_round_trips_through_load() {
    // A few MB (once memory-mapped), with a snapshot absent: the JSON parse path.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    let mut file = sample();
    let accounts = &mut file.sso.get_mut("Default").unwrap().roles.accounts;
    let template = accounts[&1111111].clone();
    for i in 0..30_000u64 {
        let mut a = template.clone();
        a.alias = Text::new(&format!("account-{i}"));
        accounts.insert(10_000_000 + i, a);
    }
    let json = serde_json::to_vec_pretty(&file).unwrap();
    assert!(json.len() > 4 << 20);
    fs::write(&path, &json).unwrap();
    assert_eq!(Cache::load(&path).unwrap().file, file);
}
