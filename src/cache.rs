//! `cache.json`: the cached role catalog of every SSO instance, in aws-sso-cli's Version 4
//! layout so an existing cache keeps working. This module owns reading (tolerantly: a corrupt,
//! truncated or future-version file is set aside with a warning, never a panic), writing
//! (atomic, 0600), the expiry rule and the role-history bookkeeping.

mod format;
mod history;
mod json_read;
pub mod profile_index;
mod snapshot;
mod text;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use format::{
    CACHE_VERSION, CacheFile, CachedAccount, CachedRole, InstanceRoles, SsoCache, parse_account_key,
};
pub use history::HistoryTag;
#[doc(hidden)]
pub use snapshot::decode_any as decode_snapshot;
pub use snapshot::{InstanceHead, Sink};
pub use text::{Tags, Text};

use crate::fsutil;

/// Why a cache file on disk could not be used as-is (reported as a one-line warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheProblem {
    Corrupt(String),
    FutureVersion(i64),
}

impl std::fmt::Display for CacheProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheProblem::Corrupt(why) => write!(f, "it is not valid cache JSON ({why})"),
            CacheProblem::FutureVersion(v) => write!(
                f,
                "it was written by a newer version (Version {v}, this build reads {CACHE_VERSION})"
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot read cache {path}: {source} (check its permissions, or delete it to rebuild)")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write cache {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "cache {path} kept changing while it was read (another program is rewriting it in place): run the command again once that program is done"
    )]
    Changing { path: PathBuf },
}

/// The loaded cache plus where it lives.
#[derive(Debug, Clone)]
pub struct Cache {
    path: PathBuf,
    pub file: CacheFile,
    /// Set when the file on disk was unusable and this cache starts empty.
    pub problem: Option<CacheProblem>,
    /// The cache.json this was read from or last written to (see [`Cache::resnapshot`]).
    source: Option<snapshot::Fingerprint>,
    /// Read from the JSON by [`Cache::load_deferring_snapshot`]: cache.bin is still to write.
    snapshot_due: bool,
}

/// Read the snapshot of the cache.json at `path` (when it is current) into `sink`, without
/// parsing the JSON or building the catalog: the picker's fast start. `false`: no current
/// snapshot (missing, stale, damaged), and whatever `sink` saw must be discarded.
pub fn visit_snapshot(path: &Path, sink: &mut impl Sink) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    let started = std::time::Instant::now();
    let read = snapshot::visit(
        &snapshot::path_for(path),
        snapshot::Fingerprint::of(&meta),
        sink,
    );
    tracing::debug!(
        "read the snapshot of {} in {:.1} ms: {read}",
        path.display(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    read
}

/// aws-sso-cli's expiry rule (docs/formats.md, "Expiry rule") on the parts of a cache it needs: an old layout, a
/// stale instance (`last_update` of the instance, `None` when it is not cached), or a config
/// file edited after the last refresh. `cache_refresh_hours <= 0` disables the TTL and the
/// config-mtime check.
pub fn expired(
    version: i64,
    config_created_at: i64,
    last_update: Option<i64>,
    cache_refresh_hours: i64,
    config_mtime: i64,
    now: i64,
) -> bool {
    if version < CACHE_VERSION {
        return true;
    }
    if cache_refresh_hours <= 0 {
        return false;
    }
    let Some(last_update) = last_update else {
        return true;
    };
    if last_update + cache_refresh_hours * 3600 < now {
        return true;
    }
    config_mtime > config_created_at
}

impl Cache {
    /// Load `path`. A missing file gives an empty cache; an unusable one gives an empty cache
    /// with [`Cache::problem`] set (and a warning logged) so the next refresh rebuilds it.
    /// The binary snapshot beside it is used when it was taken from this very file; otherwise
    /// the JSON is parsed and a fresh snapshot written for next time.
    pub fn load(path: &Path) -> Result<Cache, CacheError> {
        Cache::load_with(path, true)
    }

    /// [`Cache::load`] that leaves writing a new cache.bin to [`Cache::resnapshot`], for a
    /// caller about to add to it (the picker adds the profile names): one write, not two.
    pub fn load_deferring_snapshot(path: &Path) -> Result<Cache, CacheError> {
        Cache::load_with(path, false)
    }

    fn load_with(path: &Path, snapshot_now: bool) -> Result<Cache, CacheError> {
        let read_err = |source| CacheError::Read {
            path: path.to_path_buf(),
            source,
        };
        let started = std::time::Instant::now();
        let mut attempt = 1;
        let (parsed, source) = loop {
            let file = match fs::File::open(path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Cache::empty(path)),
                Err(e) => return Err(read_err(e)),
            };
            let source = snapshot::Fingerprint::of(&file.metadata().map_err(read_err)?);
            if attempt == 1
                && let Some(file) = snapshot::load(&snapshot::path_for(path), source)
            {
                tracing::debug!(
                    "loaded cache {} from its snapshot in {:.1} ms",
                    path.display(),
                    started.elapsed().as_secs_f64() * 1000.0
                );
                return Ok(Cache {
                    path: path.to_path_buf(),
                    file,
                    problem: None,
                    source: Some(source),
                    snapshot_due: false,
                });
            }
            if let Some(parsed) = json_read::read(path, &file, source).map_err(read_err)? {
                break (parsed, source);
            }
            if attempt == json_read::ATTEMPTS {
                return Err(CacheError::Changing {
                    path: path.to_path_buf(),
                });
            }
            tracing::debug!(
                "{} changed while it was read; reading it again",
                path.display()
            );
            std::thread::sleep(json_read::pause_after(attempt));
            attempt += 1;
        };
        let cache = Cache::from_parsed(path, parsed);
        tracing::debug!(
            "loaded cache {} ({} bytes) in {:.1} ms",
            path.display(),
            source.size(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        let fine = cache.problem.is_none();
        if fine && snapshot_now {
            store_snapshot(path, source, &cache.file);
        }
        Ok(Cache {
            source: Some(source),
            snapshot_due: fine && !snapshot_now,
            ..cache
        })
    }

    /// Parse cache bytes that came from `path`.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Cache {
        Cache::from_parsed(path, serde_json::from_slice(bytes))
    }

    fn from_parsed(path: &Path, parsed: json_read::Parsed) -> Cache {
        let problem = match parsed {
            Ok(file) if file.version > CACHE_VERSION => CacheProblem::FutureVersion(file.version),
            Ok(file) => {
                return Cache {
                    path: path.to_path_buf(),
                    file,
                    problem: None,
                    source: None,
                    snapshot_due: false,
                };
            }
            Err(e) => CacheProblem::Corrupt(e.to_string()),
        };
        tracing::warn!(
            "ignoring cache {}: {problem}; it will be rebuilt on the next refresh",
            path.display()
        );
        Cache {
            problem: Some(problem),
            ..Cache::empty(path)
        }
    }

    pub fn empty(path: &Path) -> Cache {
        Cache {
            path: path.to_path_buf(),
            file: CacheFile {
                version: CACHE_VERSION,
                ..Default::default()
            },
            problem: None,
            source: None,
            snapshot_due: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write cache.bin again for the unchanged cache.json this was read from, to keep what
    /// was learnt since (the rendered profile names). Nothing happens when cache.json changed
    /// on disk in between. Call it only on a cache not modified since it was read or saved.
    pub fn resnapshot(&mut self) {
        self.snapshot_due = false;
        let Some(source) = self.source else {
            return;
        };
        let current = fs::metadata(&self.path).map(|m| snapshot::Fingerprint::of(&m));
        if current.is_ok_and(|c| c == source) {
            store_snapshot(&self.path, source, &self.file);
        }
    }

    /// [`Cache::resnapshot`] if [`Cache::load_deferring_snapshot`] left cache.bin to write
    /// and nothing wrote it since.
    pub fn resnapshot_if_due(&mut self) {
        if self.snapshot_due {
            self.resnapshot();
        }
    }

    /// Write the cache atomically with mode 0600, 2-space indented like the Go tool.
    pub fn save(&mut self) -> Result<(), CacheError> {
        let mut file = self.file.clone();
        file.version = CACHE_VERSION;
        let mut out = serde_json::to_vec_pretty(&file).map_err(|e| CacheError::Write {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        out.push(b'\n');
        let write_err = |source| CacheError::Write {
            path: self.path.clone(),
            source,
        };
        let written =
            fsutil::write_atomic(&self.path, &out, fsutil::MODE_PRIVATE).map_err(write_err)?;
        let source = snapshot::Fingerprint::of(&written);
        store_snapshot(&self.path, source, &file);
        self.source = Some(source);
        self.snapshot_due = false;
        Ok(())
    }

    pub fn instance(&self, name: &str) -> Option<&SsoCache> {
        self.file.sso.get(name)
    }

    pub fn instance_mut(&mut self, name: &str) -> &mut SsoCache {
        self.file.sso.entry(name.to_string()).or_default()
    }

    /// aws-sso-cli's expiry rule: an old layout, a stale instance, or a config file
    /// edited after the last refresh. `cache_refresh_hours <= 0` disables the TTL and the
    /// config-mtime check.
    pub fn is_expired(
        &self,
        instance: &str,
        cache_refresh_hours: i64,
        config_mtime: i64,
        now: i64,
    ) -> bool {
        self.problem.is_some()
            || expired(
                self.file.version,
                self.file.config_created_at,
                self.instance(instance).map(|i| i.last_update),
                cache_refresh_hours,
                config_mtime,
                now,
            )
    }

    /// Drop cached instances that are no longer in config.yaml.
    pub fn prune_instances<'a>(&mut self, keep: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let keep: std::collections::HashSet<&str> = keep.into_iter().collect();
        let gone: Vec<String> = self
            .file
            .sso
            .keys()
            .filter(|k| !keep.contains(k.as_str()))
            .cloned()
            .collect();
        for name in &gone {
            self.file.sso.remove(name);
        }
        gone
    }
}

/// Best effort: without a snapshot the next start parses the JSON again, nothing worse.
fn store_snapshot(cache: &Path, source: snapshot::Fingerprint, file: &CacheFile) {
    let path = snapshot::path_for(cache);
    if let Err(e) = snapshot::store(&path, source, file) {
        tracing::debug!("cannot write cache snapshot {}: {e}", path.display());
    }
}

impl SsoCache {
    /// Find a cached role by ARN.
    pub fn role(&self, arn: &str) -> Option<(&u64, &CachedAccount, &CachedRole)> {
        let (account_id, role_name) = crate::role::split_role_arn(arn)?;
        let account = self.roles.accounts.get(&account_id)?;
        let role = account.roles.get(role_name)?;
        Some((
            self.roles.accounts.get_key_value(&account_id)?.0,
            account,
            role,
        ))
    }

    pub fn role_mut(&mut self, arn: &str) -> Option<&mut CachedRole> {
        let (account_id, role_name) = crate::role::split_role_arn(arn)?;
        self.roles
            .accounts
            .get_mut(&account_id)?
            .roles
            .get_mut(role_name)
    }

    /// Keep the profile name of every role under `template`, in catalog order (account id,
    /// then role name, as [`crate::catalog::instance_roles`] lists them), for cache.bin.
    pub fn set_rendered(&mut self, template: &str, names: impl IntoIterator<Item = Text>) {
        let roles = self
            .roles
            .accounts
            .values_mut()
            .flat_map(|a| a.roles.values_mut());
        for (role, name) in roles.zip(names) {
            role.rendered_profile = name;
        }
        self.rendered_with = Some(template.to_string());
    }

    /// The template every role has a kept profile name for, if there is one.
    pub fn rendered_template(&self) -> Option<&str> {
        self.rendered_with.as_deref().filter(|_| {
            self.roles
                .accounts
                .values()
                .flat_map(|a| a.roles.values())
                .all(|r| !r.rendered_profile.is_empty())
        })
    }

    /// Number of roles across all accounts.
    pub fn role_count(&self) -> usize {
        self.roles.accounts.values().map(|a| a.roles.len()).sum()
    }
}

#[cfg(test)]
mod tests;
