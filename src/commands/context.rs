//! What every command starts from: the parsed global flags, the discovered files, the loaded
//! config.yaml and the selected SSO instance. Commands that need no config (`version`) never
//! build one.

use std::path::Path;

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
        Ok(Context {
            global: global.clone(),
            legacy: legacy.clone(),
            paths,
            config,
            instance,
        })
    }

    /// Build a context around an already loaded config (the demo does this).
    pub fn from_parts(global: GlobalArgs, paths: Paths, config: Config) -> Result<Context> {
        let (instance, _) = config.select_instance(global.sso.as_deref(), None)?;
        let instance = instance.to_string();
        Ok(Context {
            global,
            legacy: LegacyArgs::default(),
            paths,
            config,
            instance,
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
