//! Choosing the SSO instance: `--sso` > `$AWS_SSO` > `DefaultSSO` > the only instance.

use super::error::ConfigError;
use super::schema::{Config, SsoConfig};

impl Config {
    /// Pick the instance to use. A name given by `flag` (`--sso`) or `env` (`$AWS_SSO`)
    /// must exist; `DefaultSSO` falls back to the only configured instance when it names
    /// none. Empty strings count as unset.
    pub fn select_instance(
        &self,
        flag: Option<&str>,
        env: Option<&str>,
    ) -> Result<(&str, &SsoConfig), ConfigError> {
        let explicit = flag
            .filter(|s| !s.is_empty())
            .or(env.filter(|s| !s.is_empty()));
        let wanted = explicit.unwrap_or(self.default_sso.as_str());
        if let Some((name, sso)) = self.sso_config.get_key_value(wanted) {
            return Ok((name.as_str(), sso));
        }
        if explicit.is_none() && self.sso_config.len() == 1 {
            let (name, sso) = self.sso_config.iter().next().expect("one instance");
            return Ok((name.as_str(), sso));
        }
        Err(ConfigError::UnknownInstance {
            name: wanted.to_string(),
            // BTreeMap keys: already sorted.
            valid: self.sso_config.keys().cloned().collect(),
        })
    }

    /// Instance names, sorted.
    pub fn instance_names(&self) -> impl Iterator<Item = &str> {
        self.sso_config.keys().map(String::as_str)
    }
}
