//! Where aws-sso keeps its files: the config directory (legacy `~/.aws-sso` first, then
//! XDG), the config file (`--config` > `$AWS_SSO_CONFIG` > default) and the files that
//! always live in the config directory. Pure over an explicit [`ConfigEnv`] so it can be
//! tested with temporary directories.

use std::path::{Path, PathBuf};

use super::error::ConfigError;

/// The environment the config layer depends on, captured once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigEnv {
    /// `$HOME` (or the platform home directory).
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, when set and non-empty.
    pub xdg_config_home: Option<PathBuf>,
    /// `$AWS_SSO_CONFIG`, when set and non-empty.
    pub aws_sso_config: Option<PathBuf>,
    /// `$SSH_TTY` or `$WSL_DISTRO_NAME` is set: a remote/headless session where the
    /// device-code flow works better than PKCE.
    pub remote_host: bool,
}

impl ConfigEnv {
    /// Read the variables from this process's environment.
    pub fn from_process() -> ConfigEnv {
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        ConfigEnv {
            home: non_empty("HOME")
                .map(PathBuf::from)
                .or_else(std::env::home_dir),
            xdg_config_home: non_empty("XDG_CONFIG_HOME").map(PathBuf::from),
            aws_sso_config: non_empty("AWS_SSO_CONFIG").map(PathBuf::from),
            remote_host: non_empty("SSH_TTY").is_some() || non_empty("WSL_DISTRO_NAME").is_some(),
        }
    }

    /// `~/.aws-sso` if that directory exists, else `$XDG_CONFIG_HOME/aws-sso`, else
    /// `~/.config/aws-sso`.
    pub fn config_dir(&self) -> Result<PathBuf, ConfigError> {
        if let Some(home) = &self.home {
            let legacy = home.join(".aws-sso");
            if legacy.is_dir() {
                return Ok(legacy);
            }
        }
        if let Some(xdg) = &self.xdg_config_home {
            return Ok(xdg.join("aws-sso"));
        }
        match &self.home {
            Some(home) => Ok(home.join(".config").join("aws-sso")),
            None => Err(ConfigError::NoHome),
        }
    }

    /// Expand a leading `~` with this environment's home directory.
    pub fn expand(&self, path: &Path) -> PathBuf {
        expand_tilde(path, self.home.as_deref())
    }
}

/// Replace a leading `~` or `~/` with `home`; other paths (and `~user`) are unchanged.
pub fn expand_tilde(path: &Path, home: Option<&Path>) -> PathBuf {
    let Some(home) = home else {
        return path.to_path_buf();
    };
    match path.strip_prefix("~") {
        Ok(rest) if rest.as_os_str().is_empty() => home.to_path_buf(),
        Ok(rest) => home.join(rest),
        Err(_) => path.to_path_buf(),
    }
}

/// The files aws-sso reads and writes. Everything except the config file is always under
/// `config_dir`, whatever `--config` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub config_file: PathBuf,
    /// `cache.json`.
    pub cache_file: PathBuf,
    /// `store.json`: default `JsonStore`.
    pub json_store: PathBuf,
    /// `secure/`: the encrypted file keyring.
    pub secure_dir: PathBuf,
    /// `storage.lock`: guards secure-store access.
    pub lock_file: PathBuf,
}

impl Paths {
    /// Lay out the files for a config directory and config file.
    pub fn new(config_dir: PathBuf, config_file: PathBuf) -> Paths {
        Paths {
            cache_file: config_dir.join("cache.json"),
            json_store: config_dir.join("store.json"),
            secure_dir: config_dir.join("secure"),
            lock_file: config_dir.join("storage.lock"),
            config_file,
            config_dir,
        }
    }

    /// Resolve the paths: config file = `config_flag` (`--config`) > `$AWS_SSO_CONFIG` >
    /// `<ConfigDir>/config.yaml`, with `~` expanded.
    pub fn discover(env: &ConfigEnv, config_flag: Option<&Path>) -> Result<Paths, ConfigError> {
        let explicit = config_flag
            .filter(|p| !p.as_os_str().is_empty())
            .or(env.aws_sso_config.as_deref());
        let dir = match env.config_dir() {
            Ok(dir) => dir,
            // An explicit config file still works without a home directory; the other
            // files then live next to it.
            Err(err) => match explicit {
                Some(file) => env
                    .expand(file)
                    .parent()
                    .map(Path::to_path_buf)
                    .ok_or(err)?,
                None => return Err(err),
            },
        };
        let file = match explicit {
            Some(file) => env.expand(file),
            None => dir.join("config.yaml"),
        };
        Ok(Paths::new(dir, file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expansion() {
        let home = Path::new("/home/u");
        assert_eq!(expand_tilde(Path::new("~"), Some(home)), home);
        assert_eq!(
            expand_tilde(Path::new("~/x/y.yaml"), Some(home)),
            Path::new("/home/u/x/y.yaml")
        );
        assert_eq!(
            expand_tilde(Path::new("~bob/x"), Some(home)),
            Path::new("~bob/x")
        );
        assert_eq!(
            expand_tilde(Path::new("/a/~"), Some(home)),
            Path::new("/a/~")
        );
        assert_eq!(expand_tilde(Path::new("~/x"), None), Path::new("~/x"));
    }

    #[test]
    fn files_live_under_config_dir() {
        let p = Paths::new("/c".into(), "/elsewhere/config.yaml".into());
        assert_eq!(p.cache_file, Path::new("/c/cache.json"));
        assert_eq!(p.json_store, Path::new("/c/store.json"));
        assert_eq!(p.secure_dir, Path::new("/c/secure"));
        assert_eq!(p.lock_file, Path::new("/c/storage.lock"));
    }

    #[test]
    fn no_home_without_xdg_is_an_error() {
        let env = ConfigEnv::default();
        assert!(matches!(
            Paths::discover(&env, None),
            Err(ConfigError::NoHome)
        ));
        let p = Paths::discover(&env, Some(Path::new("/etc/aws-sso/c.yaml"))).unwrap();
        assert_eq!(p.config_dir, Path::new("/etc/aws-sso"));
    }
}
