//! `aws-sso version`: the two-line banner aws-sso-cli prints, with our build facts.

use std::io::Write;
use std::process::ExitCode;

/// Write the version banner.
pub(super) fn run(out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let version = env!("CARGO_PKG_VERSION");
    let commit = option_env!("AWS_SSO_BUILD_COMMIT").unwrap_or("unknown");
    let built = option_env!("AWS_SSO_BUILD_DATE").unwrap_or("unknown");
    writeln!(
        out,
        "AWS SSO Version {version} -- Copyright 2026 the aws-sso developers"
    )?;
    writeln!(out, "{commit} (v{version}) built at {built}")?;
    Ok(ExitCode::SUCCESS)
}
