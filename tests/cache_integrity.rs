//! The caches as another program or a bad disk can leave them, met by the real binary: a
//! large cache.json rewritten in place while `list` reads it, and single-byte damage to the
//! derived caches (cache.bin, cache.profiles), which must never change what is printed.

mod common;

use std::fs;
use std::io::Write;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_sso_emulator::{EmulatorConfig, Org};
use common::{Home, ok, stderr, stdout};

/// A Version 4 cache.json with `accounts` accounts of 10 roles each (~4.7 KB an account).
fn large_cache(accounts: usize) -> String {
    let mut out = String::from("{\"Version\":4,\"ConfigCreatedAt\":1,\"SSO\":{\"Default\":{");
    out.push_str("\"LastUpdate\":1,\"ConfigHash\":\"\",\"History\":[],\"Roles\":{\"Accounts\":{");
    for i in 0..accounts {
        let id = 100_000_000_000u64 + i as u64 * 7919;
        let alias = format!("acme-{}-{i:05}", ["prod", "dev", "sandbox"][i % 3]);
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "\n  \"{id}\": {{\n    \"Alias\": \"{alias}\",\n    \"EmailAddress\": \"aws+{i}@example.com\",\n    \"Roles\": {{"
        ));
        for r in 0..10 {
            if r > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                "\n      \"Role{r}\": {{\n        \"Arn\": \"arn:aws:iam::{id:012}:role/Role{r}\",\n        \"Tags\": {{\n          \"AccountAlias\": \"{alias}\",\n          \"AccountID\": \"{id:012}\",\n          \"Email\": \"aws+{i}@example.com\",\n          \"Role\": \"Role{r}\",\n          \"Team\": \"team-{}\"\n        }}\n      }}",
                i % 8
            ));
        }
        out.push_str("\n    }\n  }");
    }
    out.push_str("},\"SSORegion\":\"us-east-1\",\"StartUrl\":\"https://d-1234567890.awsapps.com/start\",\"DefaultRegion\":\"\"}}}}\n");
    out
}

fn plain_home() -> Home {
    let home = Home::new();
    home.write(
        "config.yaml",
        "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1234567890.awsapps.com/start\nCacheRefresh: 0\n",
    );
    home
}

/// Exit 0 with every role, or exit 1 with one error line about cache.json; never a signal.
#[track_caller]
fn clean_outcome(out: &Output, roles: usize) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            out.status.signal(),
            None,
            "killed by a signal; stderr:\n{}",
            stderr(out)
        );
    }
    match out.status.code() {
        Some(0) => {
            assert_eq!(stdout(out).lines().count(), roles, "a complete list");
            true
        }
        Some(1) => {
            let err = stderr(out);
            let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("aws-sso:")).collect();
            assert_eq!(lines.len(), 1, "one error line:\n{err}");
            assert!(lines[0].contains("cache.json"), "{err}");
            false
        }
        other => panic!("exit {other:?}:\n{}", stderr(out)),
    }
}

#[test]
fn list_never_dies_while_another_program_rewrites_a_large_cache_in_place() {
    let home = plain_home();
    let accounts = 1500;
    let json = large_cache(accounts);
    assert!(
        json.len() > 4 << 20,
        "large enough to have been memory-mapped: {}",
        json.len()
    );
    let path = home.write("cache.json", &json);
    // Unharmed, it lists every role.
    assert!(clean_outcome(
        &home.run(&["list", "--csv", "Arn"]),
        accounts * 10
    ));

    // Another program truncates and rewrites the file where it is, pausing in between.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, path, json) = (stop.clone(), path.clone(), json.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let mut f = fs::OpenOptions::new().write(true).open(&path).unwrap();
                f.set_len(0).unwrap();
                f.write_all(json.as_bytes()).unwrap();
                drop(f);
                std::thread::sleep(Duration::from_millis(40));
            }
        })
    };
    // Each run lists every role or says in one line that cache.json kept changing.
    for _ in 0..8 {
        clean_outcome(&home.run(&["list", "--csv", "Arn"]), accounts * 10);
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    // Once the writer stops, the next run lists everything again.
    assert!(clean_outcome(
        &home.run(&["list", "--csv", "Arn"]),
        accounts * 10
    ));
}

/// Positions to damage in a file of `len` bytes: every one of the first `head` bytes (magic,
/// checksum, header), then `samples` spread over the rest (string table, records), and the
/// last bytes.
fn positions(len: usize, head: usize, samples: usize) -> Vec<usize> {
    let mut at: Vec<usize> = (0..head.min(len)).collect();
    let rest = len.saturating_sub(head);
    at.extend((0..samples).map(|i| head + i * rest / samples));
    at.extend(len.saturating_sub(4)..len);
    at.sort_unstable();
    at.dedup();
    at
}

/// The warnings of a run about damage (tracing's `WARN` lines).
fn warnings(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("damaged"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_damaged_cache_bin_never_changes_what_list_prints() {
    let home = Home::new();
    home.fixture("compat/config.yaml", "config.yaml");
    home.fixture("compat/cache.json", "cache.json");
    let snapshot = home.config_dir().join("cache.bin");
    let list = || home.run(&["list", "--csv"]);
    let first = ok(list());
    assert!(snapshot.exists(), "the first run writes cache.bin");
    let expected = ok(list());
    assert_eq!(first, expected);
    let good = fs::read(&snapshot).unwrap();

    for at in positions(good.len(), 48, 90) {
        let mut damaged = good.clone();
        damaged[at] ^= [0x01, 0x10, 0x80][at % 3];
        fs::write(&snapshot, &damaged).unwrap();
        let out = list();
        let what = format!("byte {at} of {}", good.len());
        assert_eq!(stdout(&out), expected, "{what}: {}", stderr(&out));
        assert!(out.status.success(), "{what}");
        let warned = warnings(&out);
        assert_eq!(warned.len(), 1, "{what}: one warning: {warned:?}");
        assert!(warned[0].contains("cache.bin"), "{warned:?}");
        // Rebuilt from cache.json, and used again without a word.
        assert_eq!(fs::read(&snapshot).unwrap(), good, "{what}: rebuilt");
    }
    let out = list();
    assert_eq!(stdout(&out), expected);
    assert!(warnings(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_damaged_cache_profiles_never_sends_eval_to_another_role() {
    let s = common::emulated::setup(
        EmulatorConfig {
            org: Org::synthetic(6, 3, 5),
            ..EmulatorConfig::default()
        },
        "",
    )
    .logged_in();
    let (arn, profile) = s.first_role();
    let index = s.home.config_dir().join("cache.profiles");
    let eval = || s.run(&["eval", "--profile", &profile]);
    ok(eval());
    assert!(index.exists(), "the first lookup writes cache.profiles");
    let expected = ok(eval());
    assert!(expected.contains(&arn), "{expected}");
    let good = fs::read(&index).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let line = text.find(&format!("\n{profile}\t")).unwrap() + 1;
    let line_end = line + text[line..].find('\n').unwrap();

    // The header, every byte of the profile's own line, and a sample of the others.
    let mut at = positions(good.len(), 40, 40);
    at.extend(line..=line_end);
    at.sort_unstable();
    at.dedup();
    for at in at {
        let mut damaged = good.clone();
        damaged[at] ^= [0x01, 0x04, 0x20][at % 3];
        fs::write(&index, &damaged).unwrap();
        let out = eval();
        let what = format!("byte {at} of {}", good.len());
        assert_eq!(stdout(&out), expected, "{what}: {}", stderr(&out));
        assert!(out.status.success(), "{what}");
        let warned = warnings(&out);
        assert!(warned.len() <= 1, "{what}: at most one warning: {warned:?}");
        if let Some(w) = warned.first() {
            assert!(w.contains("cache.profiles"), "{w}");
        }
    }
    let last = eval();
    assert_eq!(stdout(&last), expected);
    assert!(warnings(&last).is_empty(), "{}", stderr(&last));
    assert!(index.exists(), "rebuilt");
}
