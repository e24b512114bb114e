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

    /// The warning for a `DefaultSSO` written in the file that names no instance, when it does
    /// not stop the command: no `--sso`/`$AWS_SSO` (`flag`) was given and the only instance is
    /// used instead (with several, [`Config::select_instance`] fails and lists them).
    pub fn default_sso_warning(&self, flag: Option<&str>) -> Option<String> {
        if !self.default_sso_set
            || flag.is_some_and(|s| !s.is_empty())
            || self.sso_config.contains_key(&self.default_sso)
            || self.sso_config.len() != 1
        {
            return None;
        }
        let only = self.sso_config.keys().next()?;
        Some(format!(
            "DefaultSSO '{}' in {} names no SSO instance (instances: {only}); using '{only}': \
             set DefaultSSO: {only} or remove the line",
            self.default_sso,
            self.file.display()
        ))
    }

    /// Instance names, sorted.
    pub fn instance_names(&self) -> impl Iterator<Item = &str> {
        self.sso_config.keys().map(String::as_str)
    }
}
