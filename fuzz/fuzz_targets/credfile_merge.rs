//! The credentials-file merge.
//!
//! Input: the first line lists profile names separated by tabs, the rest is the existing
//! file. The stanzas that pass `Stanza::check` (as `write_merged` requires) are merged in;
//! merging them again changes nothing, and each profile's header is in the result.
#![no_main]

use aws_sso::credfile::{Stanza, merge};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (names, existing) = text.split_once('\n').unwrap_or((text, ""));
    let stanzas: Vec<Stanza> = names
        .split('\t')
        .enumerate()
        .map(|(i, profile)| Stanza {
            profile: profile.to_owned(),
            expires: "2030-01-01T00:00:00Z".to_owned(),
            access_key_id: format!("ASIAFUZZ{i}"),
            secret_access_key: format!("secret{i}"),
            session_token: format!("token{i}"),
        })
        .filter(|s| s.check().is_ok())
        .collect();
    let merged = merge(existing, &stanzas);
    assert_eq!(
        merge(&merged, &stanzas),
        merged,
        "merging twice differs from once, input {existing:?}"
    );
    for s in &stanzas {
        assert!(
            merged.contains(&format!("[{}]", s.profile)),
            "{:?} missing",
            s.profile
        );
    }
});
