//! The roster from a loaded [`Cache`]: profile names from cache.bin's rendered names when
//! they are there, else from `cache.profiles` or by rendering `ProfileFormat`; names that had
//! to be found are kept in cache.bin so the next start can take [`super::from_snapshot`].

use super::{PickRole, Roster, RosterError, order};
use crate::cache::profile_index;
use crate::cache::{Cache, Text};
use crate::catalog;
use crate::config::Config;
use crate::profile_format::ProfileFormat;

/// Every cached role of `instances` (in that order; missing ones are skipped): recently used
/// first, most recent first, then by instance, account id and role name.
pub fn build(
    cache: &mut Cache,
    config: &Config,
    instances: &[&str],
    now: i64,
) -> Result<Roster, RosterError> {
    let source = &config.profile_format;
    let template =
        ProfileFormat::compile(source).map_err(|e| RosterError::Template(e.to_string()))?;
    let mut roster = Roster::default();
    // Names found here (not yet in cache.bin), per instance, in catalog order.
    let mut learnt: Vec<(String, Vec<Text>)> = Vec::new();
    for name in instances {
        let Some(instance) = cache.instance(name) else {
            continue;
        };
        roster.instances.push((*name).to_string());
        let flat = catalog::instance_roles(name, instance);
        let profiles: Vec<Text> = if instance.rendered_template() == Some(source.as_str()) {
            flat.iter().map(|r| r.role.rendered_profile).collect()
        } else {
            let names = catalog::profile_names_indexed(
                cache.path(),
                name,
                source,
                &flat,
                |v| template.render(v),
                now,
                cache.problem.is_none(),
            )?;
            let names: Vec<Text> = Text::intern_all(names.iter().map(String::as_str));
            learnt.push(((*name).to_string(), names.clone()));
            names
        };
        let sso = Text::new(name);
        let region = Text::new(&instance.roles.default_region);
        for (role, profile) in flat.iter().zip(profiles) {
            roster.roles.push(PickRole::from_cached(
                sso,
                role.account_id,
                role.account,
                Text::new(role.role_name),
                role.role.clone(),
                region,
                profile,
                |arn| instance.history.iter().any(|a| *a == arn),
            ));
        }
    }
    order(&mut roster.roles);
    if !learnt.is_empty() && cache.problem.is_none() && profile_index::indexable(source) {
        remember(cache, source, learnt);
    }
    Ok(roster)
}

/// Keep `learnt` names in the cache and in cache.bin. Only names that depend on cache.json
/// alone (an indexable template) are kept: cache.bin is only used for the cache.json it was
/// taken from, so they stay true as long as it is used.
fn remember(cache: &mut Cache, template: &str, learnt: Vec<(String, Vec<Text>)>) {
    for (name, names) in learnt {
        cache.instance_mut(&name).set_rendered(template, names);
    }
    cache.resnapshot();
}
