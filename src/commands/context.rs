//! What every command starts from: the parsed global flags, the discovered files, the loaded
//! config.yaml and the selected SSO instance. Commands that need no config (`version`) never
//! build one.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::cache::Cache;
use crate::cli::{GlobalArgs, LegacyArgs};
use crate::config::{Config, ConfigEnv, Paths, SsoConfig};
use crate::logging::LogHandle;

/// Resolved inputs shared by the commands.
#[derive(Clone)]
pub struct Context {
    pub global: GlobalArgs,
    pub legacy: LegacyArgs,
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
    pub fn load(global: &GlobalArgs, legacy: &LegacyArgs, log: &LogHandle) -> Result<Context> {
        let env = ConfigEnv::from_process();
        let paths = Paths::discover(&env, global.config.as_deref())?;
        let config = Config::load_with(&paths, &env)?;
        if global.level.is_none() {
            log.set_level(config.log_level.as_str());
        }
        let (instance, _) = config.select_instance(global.sso.as_deref(), None)?;
        let instance = instance.to_string();
        let deadline = deadline(config.api_timeout)?;
        Ok(Context {
            global: global.clone(),
            legacy: legacy.clone(),
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
    pub fn from_parts(global: GlobalArgs, paths: Paths, config: Config) -> Result<Context> {
        let (instance, _) = config.select_instance(global.sso.as_deref(), None)?;
        let instance = instance.to_string();
        let deadline = deadline(config.api_timeout)?;
        Ok(Context {
            global,
            legacy: LegacyArgs::default(),
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
