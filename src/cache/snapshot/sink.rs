//! What a snapshot is read into: the [`Sink`] a reader implements to build what it needs,
//! and [`FileSink`], which builds the whole [`CacheFile`].

use std::collections::BTreeMap;

use crate::cache::format::{CacheFile, CachedAccount, CachedRole, InstanceRoles, SsoCache};
use crate::cache::text::Text;

/// One SSO instance's record, before its accounts.
#[derive(Debug, Clone, Default)]
pub struct InstanceHead {
    pub name: Text,
    pub last_update: i64,
    pub config_hash: Text,
    /// Most-recent-first role ARNs.
    pub history: Vec<Text>,
    pub sso_region: Text,
    pub start_url: Text,
    pub default_region: Text,
    /// The `ProfileFormat` every role's `rendered_profile` was made with, if they were.
    pub rendered_with: Option<Text>,
    /// How many roles its accounts hold.
    pub roles: usize,
}

/// What a snapshot is read into, record by record, so a reader can build what it needs
/// (the whole [`CacheFile`], or just the picker's rows) without a catalog in between.
pub trait Sink {
    fn start(&mut self, version: i64, config_created_at: i64);
    fn instance(&mut self, head: InstanceHead);
    /// An account of the last instance, without its roles (they follow).
    fn account(&mut self, id: u64, account: CachedAccount);
    /// A role of the last account.
    fn role(&mut self, name: Text, role: CachedRole);
}

/// Builds the whole catalog.
#[derive(Default)]
pub(super) struct FileSink {
    file: CacheFile,
    instance: Option<(String, SsoCache)>,
    account: Option<(u64, CachedAccount)>,
}

impl FileSink {
    fn end_account(&mut self) {
        if let (Some((id, account)), Some((_, sso))) = (self.account.take(), &mut self.instance) {
            sso.roles.accounts.insert(id, account);
        }
    }

    fn end_instance(&mut self) {
        self.end_account();
        if let Some((name, sso)) = self.instance.take() {
            self.file.sso.insert(name, sso);
        }
    }

    pub(super) fn finish(mut self) -> CacheFile {
        self.end_instance();
        self.file
    }
}

impl Sink for FileSink {
    fn start(&mut self, version: i64, config_created_at: i64) {
        self.file.version = version;
        self.file.config_created_at = config_created_at;
    }

    fn instance(&mut self, head: InstanceHead) {
        self.end_instance();
        let sso = SsoCache {
            last_update: head.last_update,
            config_hash: head.config_hash.into(),
            history: head.history.into_iter().map(String::from).collect(),
            roles: InstanceRoles {
                accounts: BTreeMap::new(),
                sso_region: head.sso_region.into(),
                start_url: head.start_url.into(),
                default_region: head.default_region.into(),
            },
            rendered_with: head.rendered_with.map(String::from),
        };
        self.instance = Some((head.name.into(), sso));
    }

    fn account(&mut self, id: u64, account: CachedAccount) {
        self.end_account();
        self.account = Some((id, account));
    }

    fn role(&mut self, name: Text, role: CachedRole) {
        if let Some((_, account)) = &mut self.account {
            account.roles.insert(name, role);
        }
    }
}
