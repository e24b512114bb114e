//! Opening the secure store the configuration names (or the one auto-pick finds), with the
//! password prompt the caller allows.

use std::sync::Arc;

use anyhow::Result;

use super::context::Context;
use crate::store::{EnvPassword, PasswordSource, SecureStore, StoreOptions, TerminalPassword};

/// Open the configured secure store (or auto-pick one, saying which).
pub fn open_store(ctx: &Context) -> Result<SecureStore> {
    open_store_with(ctx, Arc::new(TerminalPassword))
}

/// The store without a terminal prompt: the file store unlocks only with
/// `$AWS_SSO_FILE_PASSWORD` (for work started while the picker owns the terminal).
pub fn open_store_quietly(ctx: &Context) -> Result<SecureStore> {
    open_store_with(ctx, Arc::new(EnvPassword))
}

fn open_store_with(ctx: &Context, password: Arc<dyn PasswordSource>) -> Result<SecureStore> {
    let mut options = StoreOptions::new(&ctx.paths.config_dir);
    options.secure_store = ctx.config.secure_store.map(|k| k.as_str().to_string());
    options.json_store = Some(ctx.config.json_store.clone());
    options.secret_service_collection = Some(ctx.config.secret_service_collection.clone());
    let (store, selection) = SecureStore::open(&options, password)?;
    if selection.auto_picked {
        tracing::info!("using secure store: {}", selection.kind.as_str());
        for skipped in &selection.skipped {
            tracing::debug!("secure store passed over: {skipped}");
        }
    }
    Ok(store)
}

/// The SSO session's expiry (unix seconds), read from the store without asking for a
/// password: a locked store just leaves it unknown. For the picker's countdown and `list`'s
/// banner.
pub fn session_expiry(ctx: &Context) -> Option<i64> {
    let store = open_store_quietly(ctx).ok()?;
    let token = store.token(&ctx.instance).ok()??;
    Some(token.expires_at).filter(|e| *e > 0)
}
