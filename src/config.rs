//! `config.yaml`: discovery, schema, defaults and validation, loaded the way aws-sso-cli v2
//! loads it so an existing config works unchanged.
//!
//! * [`ConfigEnv`] + [`Paths::discover`]: where the config directory and files are.
//! * [`Config::load`] / [`Config::load_with`] / [`Config::from_yaml`]: parse, apply defaults and deprecations,
//!   validate. Schema keys match case-insensitively, unknown keys are ignored, values
//!   convert weakly like Go's mapstructure. Errors are one line with
//!   `file:line:column`, the dotted key path and what is allowed.
//! * [`Config::select_instance`]: `--sso` > `$AWS_SSO` > `DefaultSSO` > the only one.
//! * [`SsoConfig::role_region`] / [`Config::effective_region`]: region precedence.

mod colors;
#[cfg(test)]
mod compat_tests;
mod enums;
mod error;
mod govalue;
mod instance;
mod keys;
mod load;
mod locate;
mod paths;
mod schema;
mod validate;

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

pub use colors::{PROMPT_COLOR_DEFAULTS, PromptColor, PromptColors};
pub use enums::{
    AuthWorkflow, InvalidValue, LogLevel, OnePasswordAuth, SecureStoreKind, UrlAction,
};
pub use error::{ConfigError, Location};
pub use govalue::{go_float, go_value_string};
pub use paths::{ConfigEnv, Paths, expand_tilde};
pub use schema::{
    AccountId, Config, DEFAULT_ACCOUNT_PRIMARY_TAG, DEFAULT_API_TIMEOUT, DEFAULT_LIST_FIELDS,
    DEFAULT_PROCESS_TIMEOUT, DEFAULT_PROFILE_FORMAT, DEFAULT_REGION,
    DEFAULT_SECRET_SERVICE_COLLECTION, DEFAULT_SSO_NAME, EMPTY_PROFILE_FORMAT, OnePassword,
    SsoAccount, SsoConfig, SsoRole,
};
pub use validate::is_plain_role_arn;

impl Config {
    /// Read and validate the config file at `path` (`~` expanded), using this process's
    /// environment for the config directory (default `JsonStore`) and the `AuthWorkflow`
    /// default. Same as [`Config::load_with`] with [`ConfigEnv::from_process`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let env = ConfigEnv::from_process();
        let paths = Paths::discover(&env, Some(path))?;
        Config::load_with(&paths, &env)
    }

    /// Read and validate `paths.config_file` under an explicit environment; records the
    /// file's modification time.
    pub fn load_with(paths: &Paths, env: &ConfigEnv) -> Result<Config, ConfigError> {
        let path = &paths.config_file;
        let read_err = |error: io::Error| ConfigError::Read {
            path: path.clone(),
            error,
        };
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(ConfigError::NotFound { path: path.clone() });
            }
            Err(e) => return Err(read_err(e)),
        };
        let modified = file.metadata().and_then(|m| m.modified()).ok();
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(read_err)?;
        let mut config = Config::from_yaml(&text, paths, env)?;
        config.mtime = modified.map(unix_seconds);
        Ok(config)
    }

    /// Parse and validate config text as if it were `paths.config_file` (named in errors).
    /// `mtime` stays `None`.
    pub fn from_yaml(yaml: &str, paths: &Paths, env: &ConfigEnv) -> Result<Config, ConfigError> {
        let ctx = load::LoadCtx {
            json_store_default: &paths.json_store,
            home: env.home.as_deref(),
            remote_host: env.remote_host,
        };
        load::parse(yaml, &paths.config_file, &ctx)
    }
}

fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}
