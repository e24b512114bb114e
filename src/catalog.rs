//! The role catalog: SSO instances → accounts → roles, as cached in `cache.json`, with the
//! computed profile names and the `list` query (fields, sort, prefix filter). Building the
//! catalog from IAM Identity Center answers plus config overlays lives in [`build`].

pub mod build;
mod fields;
mod flat;

use std::borrow::Cow;
use std::collections::HashMap;

pub use fields::{ALL_FIELDS, ListField, UnknownField};
pub use flat::{FlatRole, expires_text, instance_roles, remaining_text, role_tags};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("ProfileFormat failed for {arn}: {message} (fix ProfileFormat in config.yaml)")]
    Template { arn: String, message: String },
    #[error(
        "duplicate profile name '{profile}' for: {first}, {second} (give one of them a Profile in config.yaml or change ProfileFormat)"
    )]
    DuplicateProfile {
        profile: String,
        first: String,
        second: String,
    },
}

/// The profile name of every role (explicit `Profile` or the rendered `ProfileFormat`, given
/// as `render`), checked for uniqueness within the instance. The first problem in role order
/// is reported, be it a duplicate or a template error.
pub fn profile_names<E: std::fmt::Display>(
    roles: &[FlatRole<'_>],
    render: impl Fn(&serde_json::Value) -> Result<String, E>,
    now: i64,
) -> Result<Vec<String>, CatalogError> {
    let mut names = Vec::with_capacity(roles.len());
    let mut failed = None;
    for (id, role) in roles.iter().enumerate() {
        match role.explicit_profile() {
            Some(p) => names.push(p.to_string()),
            None => match render(&role.template_value(id, now)) {
                Ok(name) => names.push(name),
                Err(e) => {
                    failed = Some(CatalogError::Template {
                        arn: role.arn().to_string(),
                        message: e.to_string(),
                    });
                    break;
                }
            },
        }
    }
    // Borrowing the names (rather than keeping a second copy of each) halves the memory
    // this takes for a large organisation.
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    for (id, name) in names.iter().enumerate() {
        if let Some(first) = seen.insert(name, id) {
            return Err(CatalogError::DuplicateProfile {
                profile: name.clone(),
                first: roles[first].arn().to_string(),
                second: roles[id].arn().to_string(),
            });
        }
    }
    failed.map_or(Ok(names), Err)
}

/// [`profile_names`] through `cache.profiles` (see [`crate::cache::profile_index`]): the names
/// come from the index when it is current for this cache.json, instance and template and
/// names every role; otherwise they are rendered and, when `may_index` (the cache was read
/// without problems), the index is written for next time.
pub fn profile_names_indexed<E: std::fmt::Display>(
    cache_path: &std::path::Path,
    instance: &str,
    template: &str,
    roles: &[FlatRole<'_>],
    render: impl Fn(&serde_json::Value) -> Result<String, E>,
    now: i64,
    may_index: bool,
) -> Result<Vec<String>, CatalogError> {
    use crate::cache::profile_index;
    // Names cache.bin kept for this template (see `SsoCache::rendered_with`): no file to read.
    if roles
        .first()
        .is_some_and(|r| r.instance.rendered_template() == Some(template))
    {
        return Ok(roles
            .iter()
            .map(|r| r.role.rendered_profile.to_string())
            .collect());
    }
    if let Some(body) = profile_index::read_current(cache_path, instance, template) {
        // ARN → profile, borrowed from the file's text.
        let index: Option<hashbrown::HashMap<&str, &str, foldhash::fast::RandomState>> =
            profile_index::pairs(&body)
                .map(|p| p.map(|(profile, arn)| (arn, profile)))
                .collect();
        if let Some(index) = index.filter(|i| i.len() == roles.len()) {
            let names: Option<Vec<String>> = roles
                .iter()
                .map(|r| index.get(r.arn()).map(|p| (*p).to_owned()))
                .collect();
            if let Some(names) = names {
                return Ok(names);
            }
        }
    }
    let names = profile_names(roles, render, now)?;
    if may_index {
        profile_index::write(
            cache_path,
            instance,
            template,
            names
                .iter()
                .map(String::as_str)
                .zip(roles.iter().map(|r| r.arn())),
        );
    }
    Ok(names)
}

/// What `aws-sso list` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub fields: Vec<ListField>,
    pub sort: ListField,
    pub reverse: bool,
    pub prefix: Option<(ListField, String)>,
}

impl ListQuery {
    /// Whether answering needs the (possibly costly) profile names.
    pub fn needs_profiles(&self) -> bool {
        self.fields.contains(&ListField::Profile)
            || self.sort == ListField::Profile
            || matches!(self.prefix, Some((ListField::Profile, _)))
    }
}

/// The rows `query` asks for: the roles that pass the prefix filter, stably sorted. Cells are
/// computed when a row is read, so even a 100k-role listing holds one row's text at a time.
pub struct ListRows<'r, 'a> {
    roles: &'r [FlatRole<'a>],
    profiles: &'r [String],
    fields: &'r [ListField],
    picked: Vec<usize>,
    now: i64,
}

impl<'r, 'a> ListRows<'r, 'a> {
    /// The cells of every row in order, `Id` renumbered from 0. The iterator is `Clone`, so a
    /// table can walk it once for the column widths and once to print.
    pub fn iter(&self) -> impl Iterator<Item = Vec<Cow<'r, str>>> + Clone + '_ {
        self.picked.iter().enumerate().map(move |(row_id, &i)| {
            let profile = profile_of(self.profiles, i);
            self.fields
                .iter()
                .map(|f| f.value(&self.roles[i], row_id, profile, self.now))
                .collect()
        })
    }
}

fn profile_of(profiles: &[String], i: usize) -> &str {
    profiles.get(i).map(String::as_str).unwrap_or("")
}

/// Filter by prefix and stable-sort for `query`. `profiles[i]` is the profile of `roles[i]`
/// (may be empty when not needed).
pub fn list_rows<'r, 'a>(
    roles: &'r [FlatRole<'a>],
    profiles: &'r [String],
    query: &'r ListQuery,
    now: i64,
) -> ListRows<'r, 'a> {
    let profile = |i: usize| profile_of(profiles, i);
    let mut picked: Vec<usize> = (0..roles.len())
        .filter(|&i| match &query.prefix {
            Some((field, prefix)) => field
                .value(&roles[i], i, profile(i), now)
                .starts_with(prefix.as_str()),
            None => true,
        })
        .collect();
    picked.sort_by(|&a, &b| {
        let ord = query
            .sort
            .compare((&roles[a], a, profile(a)), (&roles[b], b, profile(b)), now);
        if query.reverse { ord.reverse() } else { ord }
    });
    ListRows {
        roles,
        profiles,
        fields: &query.fields,
        picked,
        now,
    }
}

#[cfg(test)]
mod tests;
