//! `aws-sso setup profiles` (and v1's `config-profiles`, and AutoConfigCheck after `cache`):
//! keep one marked block per SSO instance in `~/.aws/config` with a profile for every cached
//! role whose `credential_process` calls `aws-sso process --arn` (docs/formats.md, "The ~/.aws/config block"). The block is
//! rendered and spliced by [`crate::awsconfig`], which keeps the rest of the file byte for
//! byte; this file decides what goes in it and asks before writing.

use std::io::{self, BufRead as _, IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use super::Globals;
use crate::app::refresh_if_due;
use crate::app::{Context, no_cached_roles, now};
use crate::awsconfig::{self, Profile, Update};
use crate::cache::Cache;
use crate::catalog;
use crate::config::go_value_string;
use crate::display::escape;
use crate::profile_format::ProfileFormat;

#[derive(Debug, Clone, Default, Args)]
pub struct SetupProfilesArgs {
    /// Show the changes as a diff (and still ask before writing)
    #[arg(long, conflicts_with = "print")]
    pub diff: bool,
    /// Print the managed block instead of changing the file
    #[arg(long)]
    pub print: bool,
    /// Write without asking
    #[arg(long)]
    pub force: bool,
    /// AWS config file to update [default: ~/.aws/config]
    #[arg(long = "aws-config", env = "AWS_CONFIG_FILE", value_name = "FILE")]
    pub aws_config: Option<std::path::PathBuf>,
    /// (aws-sso-cli v1 `config-profiles --open`; ignored)
    #[arg(long = "open", hide = true, value_name = "ACTION")]
    pub open: Option<String>,
}

/// How an update is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Confirm {
    /// `--force`: write without asking.
    Never,
    /// Show the diff (always with `--diff`) and ask on the terminal.
    Ask { show_diff: bool },
}

/// The program `credential_process` runs: `ConfigProfilesBinaryPath`, else this executable
/// (bare `aws-sso` when it lives in the Nix store, whose paths change on every upgrade).
pub(super) fn binary_path(configured: &str) -> Result<String> {
    if !configured.trim().is_empty() {
        return Ok(configured.trim().to_string());
    }
    let exe = std::env::current_exe().context(
        "cannot tell where the aws-sso binary is: set ConfigProfilesBinaryPath in config.yaml",
    )?;
    Ok(binary_for_exe(&exe.to_string_lossy()))
}

/// The Nix rule: a binary in the Nix store is written as bare `aws-sso` (found on PATH),
/// since the store path changes with every upgrade and would break `credential_process`.
fn binary_for_exe(exe: &str) -> String {
    if exe.starts_with("/nix/store/") {
        "aws-sso".to_string()
    } else {
        exe.to_string()
    }
}

/// `<bin> -S "<instance>" process --arn <arn>`, the exact line aws-sso-cli writes (the binary
/// quoted only when it needs to be, so botocore's shell split keeps it whole).
pub(super) fn credential_process(bin: &str, instance: &str, arn: &str) -> String {
    let bin = if bin.contains(char::is_whitespace) || bin.contains('"') {
        format!("\"{}\"", bin.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        bin.to_string()
    };
    format!("{bin} -S \"{instance}\" process --arn {arn}")
}

/// The block for the selected instance, from the cached roles. A role whose profile name
/// cannot be a section of `~/.aws/config` is left out with a warning saying how to name it,
/// so one odd account name does not keep every other profile from being written.
pub(super) fn block(ctx: &Context, cache: &Cache) -> Result<String> {
    let instance = cache
        .instance(&ctx.instance)
        .ok_or_else(|| no_cached_roles(ctx))?;
    let roles = catalog::instance_roles(&ctx.instance, instance);
    let template = ProfileFormat::compile(&ctx.config.profile_format)?;
    let names = catalog::profile_names(&roles, |v| template.render(v), now())?;
    let bin = binary_path(&ctx.config.config_profiles_binary_path)?;
    let profiles: Vec<Profile> = roles
        .iter()
        .zip(names)
        .filter(|(role, name)| match awsconfig::profile_name_problem(name) {
            None => true,
            Some(why) => {
                tracing::warn!("{}", skipped_role(&ctx.instance, role, name, why));
                false
            }
        })
        .map(|(role, name)| Profile {
            name,
            arn: role.arn().to_string(),
            credential_process: credential_process(&bin, &ctx.instance, role.arn()),
            region: Some(role.default_region().to_string()).filter(|r| !r.is_empty()),
        })
        .collect();
    let variables: Vec<(String, String)> = ctx
        .config
        .config_variables
        .iter()
        .map(|(k, v)| (k.clone(), go_value_string(v)))
        .collect();
    Ok(awsconfig::render_block(
        &ctx.instance,
        &profiles,
        &variables,
    )?)
}

/// The warning for a role left out of the block: the role, its name shown escaped, why it
/// is refused and where in config.yaml the `Profile:` that fixes it goes.
fn skipped_role(instance: &str, role: &catalog::FlatRole<'_>, name: &str, why: &str) -> String {
    let place = format!(
        "SSOConfig.{}.Accounts.{}.Roles.{}",
        instance,
        role.account_id_pad(),
        role.role_name
    );
    let fix = if role.explicit_profile().is_some() {
        format!("change the Profile: under {place} in config.yaml")
    } else {
        format!("set Profile: under {place} in config.yaml")
    };
    escape(&format!(
        "skipped {}: its profile name \"{name}\" is not valid in ~/.aws/config ({why}); {fix}",
        role.arn()
    ))
    .into_owned()
}

/// `--aws-config` / `$AWS_CONFIG_FILE`, else `~/.aws/config`.
pub(super) fn config_path(flag: Option<&Path>) -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    if let Some(p) = flag.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(crate::config::expand_tilde(p, home.as_deref()));
    }
    let home = home.context("HOME is not set: pass --aws-config FILE")?;
    Ok(home.join(".aws").join("config"))
}

/// Plan, show, confirm and apply an update of `path` with `block`. Returns whether the file
/// was written.
pub(super) fn update(
    ctx: &Context,
    path: &Path,
    block: &str,
    confirm: Confirm,
    out: &mut dyn Write,
) -> Result<bool> {
    let mut update = Update::plan(path, &ctx.instance, block)?;
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        update = update.creating_dirs_only_within(PathBuf::from(home).join(".aws"));
    }
    confirm_and_apply(&update, confirm, "aws-sso setup profiles --force", out)
}

/// Show, confirm and apply a planned update; `force` names the command that writes without
/// asking, for the error off a terminal. Returns whether the file was written.
pub(super) fn confirm_and_apply(
    update: &Update,
    confirm: Confirm,
    force: &str,
    out: &mut dyn Write,
) -> Result<bool> {
    // What was changed (or not) is the command's answer: on `out`, not in the log.
    let path = &update.path;
    if update.is_noop() {
        writeln!(out, "no changes made to {}", path.display())?;
        return Ok(false);
    }
    if let Confirm::Ask { show_diff } = confirm {
        let terminal = io::stdin().is_terminal() && io::stderr().is_terminal();
        if !terminal {
            if show_diff {
                out.write_all(update.diff().as_bytes())?;
            }
            bail!(
                "not changing {} without confirmation: run `{force}` (or on a terminal)",
                path.display()
            );
        }
        let mut err = io::stderr();
        err.write_all(update.diff().as_bytes())?;
        write!(err, "Modify {}? [y/N] ", path.display())?;
        err.flush()?;
        let mut answer = String::new();
        io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
            writeln!(out, "left {} unchanged", path.display())?;
            return Ok(false);
        }
    }
    match update.apply()? {
        Some(backup) => writeln!(
            out,
            "updated {} (previous version in {})",
            path.display(),
            backup.display()
        )?,
        None => writeln!(out, "wrote {}", path.display())?,
    }
    Ok(true)
}

pub(super) fn run(
    globals: &Globals,
    args: SetupProfilesArgs,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let ctx = globals.context()?;
    super::block_on(write_profiles(&ctx, &args, out))
}

/// Print the managed block, or bring the AWS config file's block up to date.
async fn write_profiles(
    ctx: &Context,
    args: &SetupProfilesArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let cache = refresh_if_due(ctx, &super::progress::Bar::new()).await?;
    let block = block(ctx, &cache)?;
    if args.print {
        out.write_all(block.as_bytes())?;
        return Ok(());
    }
    let path = config_path(args.aws_config.as_deref())?;
    let confirm = if args.force {
        Confirm::Never
    } else {
        Confirm::Ask {
            show_diff: args.diff,
        }
    };
    update(ctx, &path, &block, confirm, out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_store_binaries_are_written_bare_and_config_wins() {
        assert_eq!(
            binary_for_exe("/nix/store/abc-aws-sso-2.0/bin/aws-sso"),
            "aws-sso"
        );
        assert_eq!(
            binary_for_exe("/usr/local/bin/aws-sso"),
            "/usr/local/bin/aws-sso"
        );
        assert_eq!(binary_path("  /opt/aws-sso  ").unwrap(), "/opt/aws-sso");
    }

    #[test]
    fn credential_process_line_matches_aws_sso_cli() {
        assert_eq!(
            credential_process(
                "/usr/local/bin/aws-sso",
                "Default",
                "arn:aws:iam::000001111111:role/Admin"
            ),
            "/usr/local/bin/aws-sso -S \"Default\" process --arn arn:aws:iam::000001111111:role/Admin"
        );
        assert_eq!(
            credential_process("/opt/my tools/aws-sso", "Prod", "arn:x"),
            "\"/opt/my tools/aws-sso\" -S \"Prod\" process --arn arn:x"
        );
    }

    #[test]
    fn binary_path_prefers_the_setting() {
        assert_eq!(binary_path(" /bin/aws-sso ").unwrap(), "/bin/aws-sso");
        assert!(!binary_path("").unwrap().is_empty());
    }
}
