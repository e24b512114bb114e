//! `aws-sso setup wizard` (and v1's `config`): write config.yaml by answering questions on
//! the terminal, or from flags with `--yes` for scripts. It also runs by itself the first
//! time an interactive command finds no config.yaml.
//!
//! Every answer is checked as it is given and asked again when wrong; nothing is written
//! until the whole file has been shown and confirmed, an existing file is backed up first,
//! and the write is atomic (0600). Ctrl-C or end of input aborts with nothing written.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use clap::Args;
use serde_yaml_ng::Value;

use super::Globals;
use crate::config::{ConfigEnv, Paths};
use crate::store::select::{StoreOptions, availability};
use crate::urlaction::UrlAction;
use crate::wizard::{self, Advanced, Answers, Partition};
use crate::{catalog, fsutil};

#[derive(Debug, Clone, Default, Args)]
pub struct SetupWizardArgs {
    /// Also ask about the instance name, cache refresh, search, console duration, history and logging
    #[arg(long)]
    pub advanced: bool,
    /// IAM Identity Center start URL (https://<id>.awsapps.com/start)
    #[arg(long, value_name = "URL")]
    pub start_url: Option<String>,
    /// Region of IAM Identity Center
    #[arg(long, value_name = "REGION")]
    pub sso_region: Option<String>,
    /// Region for AWS_DEFAULT_REGION [default: none]
    #[arg(long, value_name = "REGION")]
    pub default_region: Option<String>,
    /// What to do with login and console URLs
    #[arg(long, value_name = "ACTION")]
    pub url_action: Option<String>,
    /// Where secrets are kept: secret-service, keyutils, keychain, wincred, file, json [default: auto-pick]
    #[arg(long, value_name = "STORE")]
    pub secure_store: Option<String>,
    /// Profile names: friendly, default (account id:role) or a template of your own
    #[arg(long, value_name = "FORMAT")]
    pub profile_format: Option<String>,
    /// SSO instance name
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// Do not check that the start URL answers (no network)
    #[arg(long)]
    pub offline: bool,
    /// Write without asking anything (the flags give the answers; --start-url and --sso-region required)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// Ends the wizard without writing.
#[derive(Debug, thiserror::Error)]
#[error("setup wizard aborted: nothing was written")]
pub(super) struct Aborted;

/// What an existing config.yaml already says, to offer as defaults.
#[derive(Default)]
struct Current {
    text: Option<String>,
    instance: Option<String>,
    start_url: Option<String>,
    sso_region: Option<String>,
    default_region: Option<String>,
    url_action: Option<String>,
    secure_store: Option<String>,
    profile_format: Option<String>,
}

fn current(path: &Path) -> Result<Current> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Current::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let v: Value = serde_yaml_ng::from_str(&text).unwrap_or(Value::Null);
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let instance = v["DefaultSSO"].as_str().map(str::to_owned).or_else(|| {
        v["SSOConfig"]
            .as_mapping()
            .and_then(|m| m.keys().next())
            .and_then(|k| k.as_str().map(str::to_owned))
    });
    let sso = instance
        .as_deref()
        .map(|i| v["SSOConfig"][i].clone())
        .unwrap_or(Value::Null);
    Ok(Current {
        instance,
        start_url: s(&sso["StartUrl"]),
        sso_region: s(&sso["SSORegion"]),
        default_region: s(&sso["DefaultRegion"]),
        url_action: s(&v["UrlAction"]),
        secure_store: s(&v["SecureStore"]),
        profile_format: s(&v["ProfileFormat"]),
        text: Some(text),
    })
}

/// A few profile names the format would give the cached roles (empty without a cache).
fn preview(paths: &Paths, instance: &str, format: &str) -> Vec<String> {
    let Ok(cache) = crate::cache::Cache::load(&paths.cache_file) else {
        return Vec::new();
    };
    let Some(sso) = cache.instance(instance) else {
        return Vec::new();
    };
    let Ok(template) = crate::profile_format::ProfileFormat::compile(format) else {
        return vec!["(this template does not compile)".into()];
    };
    let roles = catalog::instance_roles(instance, sso);
    let roles = &roles[..roles.len().min(3)];
    catalog::profile_names(roles, |v| template.render(v), crate::app::now())
        .unwrap_or_else(|e| vec![e.to_string()])
}

fn interactive(
    p: &mut Prompter<'_>,
    args: &SetupWizardArgs,
    paths: &Paths,
    cur: &Current,
) -> Result<Answers> {
    writeln!(
        p.output,
        "aws-sso setup wizard: the answers go into {}.\nEnter keeps the [value]; Ctrl-C or Ctrl-D stops without writing anything.\n",
        paths.config_file.display()
    )?;
    let instance = if args.advanced {
        let d = args
            .instance
            .clone()
            .or(cur.instance.clone())
            .unwrap_or("Default".into());
        p.ask("SSO instance name", Some(&d), |a| {
            wizard::instance_name(a).map_err(|e| e.to_string())
        })?
    } else {
        args.instance
            .clone()
            .or(cur.instance.clone())
            .unwrap_or("Default".into())
    };
    let start_default = args.start_url.clone().or(cur.start_url.clone());
    let start_url = loop {
        let url = p.ask(
            "SSO start URL (https://<id>.awsapps.com/start, or the directory id d-<id>)",
            start_default.as_deref(),
            |a| wizard::start_url(a).map_err(|e| e.to_string()),
        )?;
        let known = cur.start_url.as_deref() == Some(url.as_str());
        if args.offline || known || reachable_or_accepted(p, &url)? {
            break url;
        }
    };
    let region_default = args
        .sso_region
        .clone()
        .or(cur.sso_region.clone())
        .or_else(|| wizard::region_in_start_url(&start_url).map(str::to_owned));
    let partition = match region_default.as_deref() {
        Some(r) => Partition::of_region(r),
        None => {
            let labels: Vec<String> = Partition::ALL.iter().map(|p| p.label().into()).collect();
            Partition::ALL[p.choose("AWS partition:", &labels, 0)?]
        }
    };
    let regions = partition.regions();
    writeln!(p.output, "Regions: {}", regions.join(", "))?;
    let sso_region = p.ask(
        "SSO region (where IAM Identity Center lives)",
        Some(region_default.as_deref().unwrap_or(partition.home_region())),
        |a| wizard::region(a, partition).map_err(|e| e.to_string()),
    )?;
    // A new config proposes the SSO region, so `setup profiles` writes a `region` line; an
    // existing one keeps what it had (none included).
    let default_region_default = match (&args.default_region, &cur.default_region) {
        (Some(r), _) | (None, Some(r)) => r.as_str(),
        (None, None) if cur.text.is_some() => "none",
        (None, None) => sso_region.as_str(),
    };
    let default_region = p.ask(
        "Default region for AWS_DEFAULT_REGION (\"none\" for none)",
        Some(default_region_default),
        |a| match a {
            "none" | "-" => Ok(None),
            r => wizard::region(r, partition)
                .map(Some)
                .map_err(|e| e.to_string()),
        },
    )?;
    let actions: Vec<String> = UrlAction::ALL.iter().map(|a| a.as_str().into()).collect();
    let action_default = args
        .url_action
        .clone()
        .or(cur.url_action.clone())
        .unwrap_or("open".into());
    writeln!(p.output, "URL actions: {}", actions.join(", "))?;
    let url_action = p.ask(
        "What to do with login and console URLs",
        Some(&action_default),
        |a| {
            a.parse::<UrlAction>()
                .map(|u| u.as_str().to_owned())
                .map_err(|e| e.to_string())
        },
    )?;
    let secure_store = choose_store(p, paths, cur)?;
    let formats = [
        format!("friendly: {}", crate::profile_format::FRIENDLY),
        format!("default:  {}", wizard::ACCOUNT_ID_FORMAT),
        "custom:   a template of your own".to_string(),
    ];
    let format_default = match cur.profile_format.as_deref() {
        Some(f) if f == wizard::ACCOUNT_ID_FORMAT => 1,
        Some(f) if f != crate::profile_format::FRIENDLY => 2,
        _ => 0,
    };
    let profile_format = loop {
        let format = match p.choose("Profile names:", &formats, format_default)? {
            0 => crate::profile_format::FRIENDLY.to_owned(),
            1 => wizard::ACCOUNT_ID_FORMAT.to_owned(),
            _ => p.ask(
                "ProfileFormat template",
                cur.profile_format.as_deref(),
                |a| {
                    crate::profile_format::ProfileFormat::compile(a)
                        .map(|_| a.to_owned())
                        .map_err(|e| e.to_string())
                },
            )?,
        };
        let names = preview(paths, &instance, &format);
        if names.is_empty() {
            break format;
        }
        writeln!(
            p.output,
            "Your roles would be named: {}, ...",
            crate::display::escape(&names.join(", "))
        )?;
        if p.confirm("Keep this format?", true)? {
            break format;
        }
    };
    let advanced = if args.advanced {
        Some(Advanced {
            cache_refresh: p.ask(
                "Hours between role cache refreshes (0: never)",
                Some("168"),
                |a| wizard::number(a, "CacheRefresh", 0..=8760).map_err(|e| e.to_string()),
            )?,
            full_text_search: p.confirm("Fuzzy-match every field in the picker?", true)?,
            console_duration: p.ask("Console session minutes (15-720)", Some("720"), |a| {
                wizard::number(a, "ConsoleDuration", 15..=720).map_err(|e| e.to_string())
            })?,
            history_limit: p.ask("Recently used roles to remember", Some("10"), |a| {
                wizard::number(a, "HistoryLimit", 0..=1000).map_err(|e| e.to_string())
            })?,
            history_minutes: p.ask("Minutes a role stays in the history", Some("1440"), |a| {
                wizard::number(a, "HistoryMinutes", 0..=525_600).map_err(|e| e.to_string())
            })?,
            log_level: p.ask(
                "Log level (error, warn, info, debug, trace)",
                Some("error"),
                |a| match a {
                    "error" | "warn" | "info" | "debug" | "trace" => Ok(a.to_owned()),
                    _ => Err(format!(
                        "'{a}' is not one of error, warn, info, debug, trace"
                    )),
                },
            )?,
        })
    } else {
        None
    };
    Ok(Answers {
        instance,
        start_url,
        sso_region,
        default_region,
        url_action,
        secure_store,
        profile_format,
        advanced,
    })
}

/// True when the start URL answers, or the person keeps it anyway (offline, a proxy…).
fn reachable_or_accepted(p: &mut Prompter<'_>, url: &str) -> Result<bool> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match rt.block_on(wizard::reachable(url, std::time::Duration::from_secs(5))) {
        Ok(()) => Ok(true),
        Err(why) => {
            writeln!(p.output, "  {url} does not answer: {why}")?;
            p.confirm("Use it anyway?", false)
        }
    }
}

fn choose_store(p: &mut Prompter<'_>, paths: &Paths, cur: &Current) -> Result<Option<String>> {
    let options = StoreOptions::new(paths.config_dir.clone());
    let mut names: Vec<Option<String>> = Vec::new();
    let mut labels = Vec::new();
    for (kind, works) in availability(&options) {
        let note = match (kind.as_str(), works) {
            ("file", _) => "works (encrypted; asks for its password)".to_string(),
            ("json", _) => "works (cleartext: not secure)".to_string(),
            (_, Ok(())) => "works here".to_string(),
            (_, Err(why)) => format!("does not work here: {why}"),
        };
        labels.push(format!("{kind} - {note}"));
        names.push(Some(kind.as_str().to_owned()));
    }
    labels.push("auto - pick the first that works, each time".into());
    names.push(None);
    let default = names
        .iter()
        .position(|n| n.as_deref() == cur.secure_store.as_deref())
        .unwrap_or(names.len() - 1);
    let i = p.choose(
        "Where to keep the SSO session and credentials:",
        &labels,
        default,
    )?;
    Ok(names[i].clone())
}

fn from_flags(args: &SetupWizardArgs, cur: &Current) -> Result<Answers> {
    let need =
        |flag: &str| anyhow!("setup wizard --yes needs {flag} (no config.yaml to take it from)");
    let start_url = wizard::start_url(
        args.start_url
            .as_deref()
            .or(cur.start_url.as_deref())
            .ok_or_else(|| need("--start-url"))?,
    )?;
    let sso_region = args
        .sso_region
        .as_deref()
        .or(cur.sso_region.as_deref())
        .ok_or_else(|| need("--sso-region"))?;
    let partition = Partition::of_region(sso_region);
    let sso_region = wizard::region(sso_region, partition)?;
    let default_region = match args
        .default_region
        .as_deref()
        .or(cur.default_region.as_deref())
    {
        Some(r) => Some(wizard::region(r, partition)?),
        // As interactively: a new config gets the SSO region, an existing one keeps none.
        None if cur.text.is_none() => Some(sso_region.clone()),
        None => None,
    };
    let url_action = args
        .url_action
        .as_deref()
        .or(cur.url_action.as_deref())
        .unwrap_or("open")
        .parse::<UrlAction>()?
        .as_str()
        .to_owned();
    let secure_store = match args.secure_store.as_deref().or(cur.secure_store.as_deref()) {
        None | Some("auto") => None,
        Some(s) => Some(
            s.parse::<crate::store::backend::BackendKind>()?
                .as_str()
                .to_owned(),
        ),
    };
    let profile_format = match args.profile_format.as_deref() {
        Some(f) => wizard::profile_format(f),
        None => cur
            .profile_format
            .clone()
            .unwrap_or_else(|| crate::profile_format::FRIENDLY.to_owned()),
    };
    crate::profile_format::ProfileFormat::compile(&profile_format)?;
    let instance = wizard::instance_name(
        args.instance
            .as_deref()
            .or(cur.instance.as_deref())
            .unwrap_or("Default"),
    )?;
    Ok(Answers {
        instance,
        start_url,
        sso_region,
        default_region,
        url_action,
        secure_store,
        profile_format,
        advanced: None,
    })
}

/// Run the wizard with `p` (interactive) or from the flags (`--yes`), then write.
pub(super) fn run_with(args: &SetupWizardArgs, paths: &Paths, p: &mut Prompter<'_>) -> Result<()> {
    let cur = current(&paths.config_file)?;
    let answers = if args.yes {
        from_flags(args, &cur)?
    } else {
        interactive(p, args, paths, &cur)?
    };
    let text = wizard::render(&answers, cur.text.as_deref(), &paths.config_file)?;
    if !args.yes {
        writeln!(p.output, "\n{}:\n\n{text}", paths.config_file.display())?;
        if !p.confirm("Write this file?", true)? {
            return Err(Aborted.into());
        }
    }
    if cur.text.is_some() {
        let backup = wizard::backup_path(&paths.config_file, chrono::Local::now());
        std::fs::copy(&paths.config_file, &backup).with_context(|| {
            format!(
                "cannot back up {} to {}",
                paths.config_file.display(),
                backup.display()
            )
        })?;
        writeln!(p.output, "Saved the old file as {}", backup.display())?;
    }
    fsutil::create_private_dir_all(&paths.config_dir)
        .with_context(|| format!("cannot create {}", paths.config_dir.display()))?;
    fsutil::write_atomic(&paths.config_file, text.as_bytes(), fsutil::MODE_PRIVATE)
        .with_context(|| format!("cannot write {}", paths.config_file.display()))?;
    writeln!(
        p.output,
        "Wrote {}. Next: `aws-sso login`.",
        paths.config_file.display()
    )?;
    Ok(())
}

/// `setup wizard` (and v1's `config`).
pub(super) fn run(globals: &Globals, args: SetupWizardArgs) -> Result<ExitCode> {
    on_terminal(&args, globals.flags.config.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// `setup wizard` on this process's terminal.
fn on_terminal(args: &SetupWizardArgs, config_flag: Option<&Path>) -> Result<()> {
    let env = ConfigEnv::from_process();
    let paths = Paths::discover(&env, config_flag)?;
    let terminal = io::stdin().is_terminal() && io::stderr().is_terminal();
    if !args.yes && !terminal {
        bail!(
            "setup wizard needs a terminal; for scripts pass --start-url URL --sso-region REGION --yes"
        );
    }
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut err = io::stderr();
    run_with(
        args,
        &paths,
        &mut Prompter {
            input: &mut input,
            output: &mut err,
        },
    )
}

/// First run: an interactive command found no config.yaml. On a terminal, offer the wizard
/// (and go on with the command when it wrote one); otherwise do nothing and let the command
/// report the missing file as it always does.
pub(super) fn first_run(config_flag: Option<&Path>) -> Result<()> {
    let env = ConfigEnv::from_process();
    let Ok(paths) = Paths::discover(&env, config_flag) else {
        return Ok(());
    };
    if paths.config_file.exists() || !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Ok(());
    }
    let mut err = io::stderr();
    writeln!(
        err,
        "No {} yet: let's write one.",
        paths.config_file.display()
    )?;
    on_terminal(&SetupWizardArgs::default(), config_flag)
}

mod prompt;
#[cfg(test)]
mod tests;

pub(super) use prompt::Prompter;
