//! What every use case starts from: what the invocation asked for, the discovered files, the
//! loaded config.yaml and the selected SSO instance. Commands that need no config (`version`)
//! never build one.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::cache::Cache;
use crate::config::{Config, ConfigEnv, Paths, SsoConfig};
use crate::logging::LogHandle;

/// What the person asked for on the command line (or its environment variables) that
/// matters beyond one command: the front-end fills it from its flags.
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    /// config.yaml to use instead of the discovered one.
    pub config: Option<std::path::PathBuf>,
    /// The SSO instance to use (`--sso`, `$AWS_SSO`).
    pub sso: Option<String>,
    /// Whether the log level was given (otherwise config.yaml's `LogLevel` applies).
    pub level_given: bool,
    /// Browser for URLs, over the config's `Browser`.
    pub browser: Option<String>,
    /// Picker theme, over the config's.
    pub theme: Option<String>,
    /// aws-sso-cli v1 flags still honoured.
    pub url_action: Option<String>,
    pub sts_refresh: bool,
    pub no_config_check: bool,
    pub threads: Option<usize>,
}

/// Resolved inputs shared by the use cases.
#[derive(Clone)]
pub struct Context {
    pub invocation: Invocation,
    pub paths: Paths,
    pub config: Config,
    /// Name of the selected SSO instance.
    pub instance: String,
    /// How long one AWS operation may take, retries included: `ApiTimeout`, or for `process`
    /// and `eval` `ProcessTimeout` ([`Context::use_process_deadline`]); `$AWS_SSO_TIMEOUT` wins.
    pub deadline: Duration,
}

impl Context {
    /// Discover the files, load config.yaml and select the instance (`--sso` > `$AWS_SSO`
    /// (both arrive through the flag) > `DefaultSSO` > the only instance).
    pub fn load(invocation: &Invocation, log: &LogHandle) -> Result<Context> {
        let env = ConfigEnv::from_process();
        let paths = Paths::discover(&env, invocation.config.as_deref())?;
        let config = Config::load_with(&paths, &env)?;
        if !invocation.level_given {
            log.set_level(config.log_level.as_str());
        }
        let (instance, _) = config.select_instance(invocation.sso.as_deref(), None)?;
        let instance = instance.to_string();
        if let Some(warning) = config.default_sso_warning(invocation.sso.as_deref()) {
            tracing::warn!("{warning}");
        }
        let deadline = deadline(config.api_timeout)?;
        Ok(Context {
            invocation: invocation.clone(),
            paths,
            config,
            instance,
            deadline,
        })
    }

    /// `process` and `eval`: a program (the AWS CLI, a shell) waits on them, so their AWS
    /// calls get the shorter `ProcessTimeout` unless `$AWS_SSO_TIMEOUT` says otherwise.
    pub fn use_process_deadline(&mut self) -> Result<()> {
        self.deadline = deadline(self.config.process_timeout)?;
        Ok(())
    }

    /// Build a context around an already loaded config (the demo does this).
    pub fn from_parts(invocation: Invocation, paths: Paths, config: Config) -> Result<Context> {
        let (instance, _) = config.select_instance(invocation.sso.as_deref(), None)?;
        let instance = instance.to_string();
        let deadline = deadline(config.api_timeout)?;
        Ok(Context {
            invocation,
            paths,
            config,
            instance,
            deadline,
        })
    }

    /// The selected instance's settings.
    pub fn sso(&self) -> &SsoConfig {
        &self.config.sso_config[&self.instance]
    }

    pub fn load_cache(&self) -> Result<Cache> {
        Ok(Cache::load(&self.paths.cache_file)?)
    }

    /// Whether the selected instance's cached catalog is due for a refresh.
    pub fn cache_expired(&self, cache: &Cache) -> bool {
        cache.is_expired(
            &self.instance,
            self.config.cache_refresh,
            self.config.mtime().unwrap_or(0),
            now(),
        )
    }

    pub fn config_file(&self) -> &Path {
        &self.paths.config_file
    }
}

/// The deadline of one AWS operation: `$AWS_SSO_TIMEOUT` seconds when set, else `configured`
/// (`ApiTimeout` or `ProcessTimeout`, checked at load).
fn deadline(configured: i64) -> Result<Duration> {
    let secs = match std::env::var("AWS_SSO_TIMEOUT") {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=3600).contains(s))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "AWS_SSO_TIMEOUT must be a number of seconds from 1 to 3600, got '{}': fix or unset it",
                    crate::auth::error::clean(&text, 40)
                )
            })?,
        _ => u64::try_from(configured.max(1)).unwrap_or(1),
    };
    Ok(Duration::from_secs(secs))
}

/// Unix seconds now.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A one-line error for a missing instance in the cache.
pub fn no_cached_roles(ctx: &Context) -> anyhow::Error {
    anyhow::anyhow!(
        "no cached roles for SSO instance '{}' in {}: run `aws-sso login` (or `aws-sso cache`) to fetch them",
        ctx.instance,
        ctx.paths.cache_file.display()
    )
}
