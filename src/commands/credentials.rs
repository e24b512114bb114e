//! `aws-sso credentials`: role credentials in `~/.aws/credentials` format (docs/formats.md, "`credentials` output"), on
//! stdout or merged into a file (`--file`, `$AWS_SHARED_CREDENTIALS_FILE`): the named
//! profiles' sections are replaced, everything else in the file is kept byte for byte, and
//! the file is written atomically with mode 0600.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::{Globals, pick};
use crate::app::Context;
use crate::app::roles;
use crate::config::ConfigEnv;
use crate::credentials::exports::rfc3339_local;
use crate::credfile::{self, Stanza};
use crate::fsutil::Parents;
use crate::selection::Target;
use crate::tui::state::Launch;

#[derive(Debug, Clone, Default, Args)]
pub struct CredentialsArgs {
    /// Profiles to write (repeatable, or comma separated)
    #[arg(short = 'p', long, value_name = "PROFILE", value_delimiter = ',')]
    pub profile: Vec<String>,
    /// Credentials file to update [default: print to stdout]
    #[arg(
        short = 'f',
        long,
        value_name = "FILE",
        env = "AWS_SHARED_CREDENTIALS_FILE"
    )]
    pub file: Option<std::path::PathBuf>,
    /// Keep the file's other profiles (always done; accepted for aws-sso-cli scripts)
    #[arg(short = 'a', long)]
    pub append: bool,
    /// Fetch new credentials even if the cached ones are still valid
    #[arg(long = "sts-refresh")]
    pub sts_refresh: bool,
}

/// Run `credentials`: without `--profile` the picker chooses one.
pub(super) fn run(
    globals: &Globals,
    mut args: CredentialsArgs,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let mut ctx = globals.context()?;
    if args.profile.is_empty() && pick::available() {
        let picked = pick::choose(&ctx, Launch::Credentials)?;
        ctx.instance = picked.instance;
        args.profile = vec![picked.profile];
    }
    super::block_on(write(&ctx, &args, out))
}

/// Print the profiles' credentials, or merge them into the credentials file.
pub(super) async fn write(
    ctx: &Context,
    args: &CredentialsArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let cache = ctx.load_cache()?;
    let provider = roles::provider(ctx)?;
    let mut stanzas = Vec::new();
    let names: Vec<&str> = args
        .profile
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    if names.is_empty() {
        anyhow::bail!("--profile needs at least one profile name (see `aws-sso list Profile`)");
    }
    for name in names {
        let id = roles::resolve(ctx, &Target::Profile(name.to_string()), Some(&cache))?;
        let obtained = provider
            .credentials(&id, args.sts_refresh || ctx.invocation.sts_refresh)
            .await?;
        let c = &obtained.creds;
        stanzas.push(Stanza {
            profile: name.to_string(),
            expires: rfc3339_local(c.expires_at_secs()),
            access_key_id: c.access_key_id.clone(),
            secret_access_key: c.secret_access_key.expose().to_string(),
            session_token: c.session_token.expose().to_string(),
        });
    }
    match &args.file {
        Some(path) => {
            let aws_dir = ConfigEnv::from_process().home.map(|h| h.join(".aws"));
            let parents = match &aws_dir {
                Some(dir) => Parents::Within(dir),
                None => Parents::Existing,
            };
            credfile::write_merged(path, &stanzas, parents)?;
            tracing::debug!("wrote {} profile(s) to {}", stanzas.len(), path.display());
        }
        None => out.write_all(credfile::render(&stanzas).as_bytes())?,
    }
    roles::record(ctx, Some(cache), &provider.fetched(), None)?;
    Ok(())
}
