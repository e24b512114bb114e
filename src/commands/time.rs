//! `aws-sso time`: how long the credentials in this shell last, from
//! `$AWS_SSO_SESSION_EXPIRATION` alone: no config, no store (it runs in shell prompts).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::app::now;
use crate::credentials::exports::time_left;

pub(super) fn run(out: &mut dyn Write) -> Result<ExitCode> {
    let value = std::env::var("AWS_SSO_SESSION_EXPIRATION").ok();
    match time_left(value.as_deref(), now()) {
        Some(left) => out.write_all(left.as_bytes())?,
        None if value.as_deref().is_some_and(|v| !v.trim().is_empty()) => anyhow::bail!(
            "AWS_SSO_SESSION_EXPIRATION='{}' is not an RFC 3339 time: run `aws-sso eval` again",
            value.unwrap_or_default()
        ),
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}
