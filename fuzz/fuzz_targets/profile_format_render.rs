//! ProfileFormat rendering: a template that compiles is rendered against one fixed role (the
//! record `list`, `setup profiles` and `process` render), giving a name or an error.
//!
//! Templates that loop or pad without bound are expected to hit libFuzzer's `-timeout` /
//! `-rss_limit_mb` until rendering is bounded: run.sh passes both.
#![no_main]

use std::sync::LazyLock;

use aws_sso::profile_format::ProfileFormat;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// A role's flat record, with every key a template may read (see `FlatRole::template_value`).
static ROLE: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "Id": 7,
        "AccountId": 11_112_222,
        "AccountIdPad": "000011112222",
        "AccountAlias": "Corp Prod",
        "AccountName": "prod",
        "EmailAddress": "aws-prod@example.com",
        "Expires": "1h 5m",
        "ExpiresEpoch": 1_767_225_600,
        "Arn": "arn:aws:iam::000011112222:role/Admin",
        "RoleName": "Admin",
        "Profile": "",
        "DefaultRegion": "eu-west-1",
        "SSO": "Default",
        "SSORegion": "us-east-1",
        "StartUrl": "https://d-1234567890.awsapps.com/start",
        "Tags": {"AccountAlias": "Corp Prod", "Email": "aws-prod@example.com", "Team": "a b"},
        "Via": "",
    })
});

fuzz_target!(|data: &[u8]| {
    let Ok(template) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(format) = ProfileFormat::compile(template) else {
        return;
    };
    let rendered = format.render(&ROLE);
    if let Err(e) = &rendered {
        let message = e.to_string();
        assert!(
            !message.contains('\n'),
            "error on more than one line: {message:?}"
        );
    }
    // The copy-free path gives the same answer.
    assert_eq!(format.render_owned(ROLE.clone()), rendered);
});
