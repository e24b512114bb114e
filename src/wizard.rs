//! The setup wizard's knowledge (docs/formats.md, "The setup wizard"), without any prompting: partitions and their
//! regions, validation of each answer, and the config.yaml it writes. The front-end
//! (`commands::setup_wizard`) asks; this module decides what is valid and what the file says.
//!
//! An existing config.yaml is updated key by key: settings the wizard does not ask about
//! (account overlays, other instances, key bindings…) are kept, where aws-sso-cli rewrote
//! the file from its own model. Comments are not kept (the YAML is re-serialised).

use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

use crate::completion::REGIONS;
use crate::profile_format::FRIENDLY;

#[cfg(test)]
mod tests;

/// The wizard's "Default" profile format (aws-sso-cli v1's default).
pub const ACCOUNT_ID_FORMAT: &str = "{{ .AccountIdPad }}:{{ .RoleName }}";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WizardError {
    #[error(
        "'{0}' is not an IAM Identity Center start URL: expected https://<id>.awsapps.com/start (or your custom domain ending in /start)"
    )]
    StartUrl(String),
    #[error("'{0}' is not a region of {1}: pick one from the list")]
    Region(String, &'static str),
    #[error("'{0}' is not a valid instance name: use letters, digits and - _ @ :")]
    InstanceName(String),
    #[error("'{value}' is not valid for {setting}: {hint}")]
    Value {
        setting: &'static str,
        value: String,
        hint: String,
    },
    #[error("{path} is not a YAML mapping: fix or move it, then run `aws-sso setup wizard` again")]
    NotAMapping { path: String },
}

/// An AWS partition, as the wizard offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    UsGov,
    China,
    Eusc,
}

impl Partition {
    pub const ALL: [Partition; 4] = [
        Partition::Aws,
        Partition::UsGov,
        Partition::China,
        Partition::Eusc,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Partition::Aws => "Commercial (aws)",
            Partition::UsGov => "US GovCloud (aws-us-gov)",
            Partition::China => "China (aws-cn)",
            Partition::Eusc => "EU Sovereign Cloud (aws-eusc)",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::UsGov => "aws-us-gov",
            Partition::China => "aws-cn",
            Partition::Eusc => "aws-eusc",
        }
    }

    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("us-gov-") {
            Partition::UsGov
        } else if region.starts_with("cn-") {
            Partition::China
        } else if region.starts_with("eusc-") {
            Partition::Eusc
        } else {
            Partition::Aws
        }
    }

    /// The region the wizard proposes when nothing tells it better: where IAM Identity
    /// Center is most often set up (the commercial partition's `us-east-1`).
    pub fn home_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::UsGov => "us-gov-west-1",
            Partition::China => "cn-north-1",
            Partition::Eusc => "eusc-de-east-1",
        }
    }

    /// The partition's regions, in list order.
    pub fn regions(self) -> Vec<&'static str> {
        REGIONS
            .iter()
            .copied()
            .filter(|r| Partition::of_region(r) == self)
            .collect()
    }
}

/// The region a start URL's host names, when it names one (`*.portal.eu-west-1.app.aws`);
/// the classic `d-xxxxxxxxxx.awsapps.com` host does not.
pub fn region_in_start_url(url: &str) -> Option<&'static str> {
    let host = url.strip_prefix("https://")?.split('/').next()?;
    host.split('.')
        .find_map(|label| REGIONS.iter().copied().find(|r| *r == label))
}

/// A bare directory id (`d-` and ten letters or digits) stands for its portal's start URL.
fn directory_start_url(s: &str) -> Option<String> {
    let id = s.strip_prefix("d-")?;
    (id.len() == 10 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| format!("https://{}.awsapps.com/start", s.to_ascii_lowercase()))
}

/// `https://<host>/start` (a trailing slash allowed), the host made of letters, digits, `-`
/// and `.`: the awsapps.com portal or a custom domain; or a bare directory id
/// (`d-1234567890`), expanded to its awsapps.com start URL. Returns the URL as it will be
/// written.
pub fn start_url(input: &str) -> Result<String, WizardError> {
    let s = input.trim();
    if let Some(url) = directory_start_url(s) {
        return Ok(url);
    }
    let bad = || WizardError::StartUrl(s.to_owned());
    let rest = s.strip_prefix("https://").ok_or_else(bad)?;
    let (host, path) = rest.split_once('/').ok_or_else(bad)?;
    let host_ok = !host.is_empty()
        && host.contains('.')
        && !host.starts_with(['.', '-'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !host_ok || !matches!(path, "start" | "start/") {
        return Err(bad());
    }
    Ok(s.trim_end_matches('/').to_owned())
}

/// A region of `partition`.
pub fn region(input: &str, partition: Partition) -> Result<String, WizardError> {
    let r = input.trim();
    if partition.regions().contains(&r) {
        Ok(r.to_owned())
    } else {
        Err(WizardError::Region(r.to_owned(), partition.name()))
    }
}

/// An SSO instance name (`[a-zA-Z0-9-_@:]+`).
pub fn instance_name(input: &str) -> Result<String, WizardError> {
    let s = input.trim();
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_@:".contains(&b))
    {
        Ok(s.to_owned())
    } else {
        Err(WizardError::InstanceName(s.to_owned()))
    }
}

/// A whole number in `range`, for `setting`.
pub fn number(
    input: &str,
    setting: &'static str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, WizardError> {
    input
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| WizardError::Value {
            setting,
            value: input.trim().to_owned(),
            hint: format!("a whole number from {} to {}", range.start(), range.end()),
        })
}

/// `ProfileFormat` from the answer: `default`, `friendly`, or a template of one's own.
pub fn profile_format(input: &str) -> String {
    match input.trim() {
        "default" | "Default" => ACCOUNT_ID_FORMAT.to_owned(),
        "friendly" | "Friendly" | "" => FRIENDLY.to_owned(),
        custom => custom.to_owned(),
    }
}

/// What the wizard asked and was told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub instance: String,
    pub start_url: String,
    pub sso_region: String,
    pub default_region: Option<String>,
    pub url_action: String,
    /// `None`: leave `SecureStore` unset (auto-pick).
    pub secure_store: Option<String>,
    pub profile_format: String,
    pub advanced: Option<Advanced>,
}

/// The `--advanced` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advanced {
    pub cache_refresh: i64,
    pub full_text_search: bool,
    pub console_duration: i64,
    pub history_limit: i64,
    pub history_minutes: i64,
    pub log_level: String,
}

fn key(k: &str) -> Value {
    Value::String(k.to_owned())
}

fn set(map: &mut Mapping, k: &str, v: Value) {
    map.insert(key(k), v);
}

fn set_default(map: &mut Mapping, k: &str, v: Value) {
    if !map.contains_key(key(k)) {
        map.insert(key(k), v);
    }
}

/// The config.yaml text for `answers`, on top of `existing` (the current file's text, if
/// any): asked-about keys are set, everything else is kept; a new file gets aws-sso-cli's
/// defaults for a fresh config.
pub fn render(
    answers: &Answers,
    existing: Option<&str>,
    path: &Path,
) -> Result<String, WizardError> {
    let mut root = match existing.map(serde_yaml_ng::from_str::<Value>) {
        None => Mapping::new(),
        Some(Ok(Value::Mapping(m))) => m,
        Some(Ok(Value::Null)) => Mapping::new(),
        Some(_) => {
            return Err(WizardError::NotAMapping {
                path: path.display().to_string(),
            });
        }
    };
    let mut sso_config = match root.remove(key("SSOConfig")) {
        Some(Value::Mapping(m)) => m,
        _ => Mapping::new(),
    };
    let mut instance = match sso_config.remove(key(&answers.instance)) {
        Some(Value::Mapping(m)) => m,
        _ => Mapping::new(),
    };
    set(&mut instance, "SSORegion", key(&answers.sso_region));
    set(&mut instance, "StartUrl", key(&answers.start_url));
    match &answers.default_region {
        Some(r) => set(&mut instance, "DefaultRegion", key(r)),
        None => {
            instance.remove(key("DefaultRegion"));
        }
    }
    sso_config.insert(key(&answers.instance), Value::Mapping(instance));
    // SSOConfig first, as people expect to read it.
    let mut out = Mapping::new();
    out.insert(key("SSOConfig"), Value::Mapping(sso_config));
    for (k, v) in root {
        out.insert(k, v);
    }
    if out.len() == 1 || !out.contains_key(key("DefaultSSO")) {
        set(&mut out, "DefaultSSO", key(&answers.instance));
    }
    set(&mut out, "UrlAction", key(&answers.url_action));
    match &answers.secure_store {
        Some(s) => set(&mut out, "SecureStore", key(s)),
        None => {
            out.remove(key("SecureStore"));
        }
    }
    set(&mut out, "ProfileFormat", key(&answers.profile_format));
    if let Some(a) = &answers.advanced {
        set(
            &mut out,
            "CacheRefresh",
            Value::Number(a.cache_refresh.into()),
        );
        set(&mut out, "FullTextSearch", Value::Bool(a.full_text_search));
        set(
            &mut out,
            "ConsoleDuration",
            Value::Number(a.console_duration.into()),
        );
        set(
            &mut out,
            "HistoryLimit",
            Value::Number(a.history_limit.into()),
        );
        set(
            &mut out,
            "HistoryMinutes",
            Value::Number(a.history_minutes.into()),
        );
        set(&mut out, "LogLevel", key(&a.log_level));
    }
    // aws-sso-cli's values for a new config.
    set_default(&mut out, "LogLevel", key("error"));
    set_default(&mut out, "ConsoleDuration", Value::Number(720.into()));
    set_default(&mut out, "CacheRefresh", Value::Number(168.into()));
    set_default(&mut out, "FullTextSearch", Value::Bool(true));
    set_default(&mut out, "HistoryLimit", Value::Number(10.into()));
    set_default(&mut out, "HistoryMinutes", Value::Number(1440.into()));
    let yaml = serde_yaml_ng::to_string(&Value::Mapping(out)).unwrap_or_default();
    Ok(format!(
        "# Written by `aws-sso setup wizard`; see the README for every setting.\n{yaml}"
    ))
}

/// Where the current config is copied before the wizard replaces it:
/// `<name>.<YYYY-MM-DD-HH:MM:SS>.yaml` beside it, as aws-sso-cli names it.
pub fn backup_path(config: &Path, now: chrono::DateTime<chrono::Local>) -> PathBuf {
    let stem = config
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    config.with_file_name(format!("{stem}.{}.yaml", now.format("%Y-%m-%d-%H:%M:%S")))
}

/// Whether the start URL answers over HTTPS (any HTTP status counts: the portal redirects
/// browsers). A failure is only a warning for the front-end: offline, or behind a proxy, the
/// URL may well be right. Bounded by `timeout`.
pub async fn reachable(url: &str, timeout: std::time::Duration) -> Result<(), String> {
    let client = crate::http::client(false)?;
    let request = axum::http::Request::head(url)
        .body(http_body_util::Empty::new())
        .map_err(|_| "not a valid URL".to_string())?;
    match tokio::time::timeout(timeout, client.request(request)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                why = s.to_string();
                source = s.source();
            }
            Err(why)
        }
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}
