//! The role catalog: SSO instances → accounts → roles, as cached in `cache.json`, with the
//! computed profile names and the `list` query (fields, sort, prefix filter). Building the
//! catalog from IAM Identity Center answers plus config overlays lives in [`build`].

pub mod arn;
pub mod build;
mod fields;
mod flat;

use std::collections::HashMap;

pub use arn::{pad_account, parse_account_id, parse_role_ref, role_arn, split_role_arn};
pub use fields::{ALL_FIELDS, ListField, UnknownField};
pub use flat::{FlatRole, expires_text, instance_roles, remaining_text};

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
/// as `render`), checked for uniqueness within the instance.
pub fn profile_names<E: std::fmt::Display>(
    roles: &[FlatRole<'_>],
    render: impl Fn(&serde_json::Value) -> Result<String, E>,
    now: i64,
) -> Result<Vec<String>, CatalogError> {
    let mut names = Vec::with_capacity(roles.len());
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(roles.len());
    for (id, role) in roles.iter().enumerate() {
        let name = match role.explicit_profile() {
            Some(p) => p.to_string(),
            None => render(&role.template_value(id, now)).map_err(|e| CatalogError::Template {
                arn: role.arn().to_string(),
                message: e.to_string(),
            })?,
        };
        if let Some(&first) = seen.get(&name) {
            return Err(CatalogError::DuplicateProfile {
                profile: name,
                first: roles[first].arn().to_string(),
                second: role.arn().to_string(),
            });
        }
        seen.insert(name.clone(), id);
        names.push(name);
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

/// Rows of cell text for `query`: filter by prefix, stable sort, renumber `Id`.
/// `profiles[i]` is the profile of `roles[i]` (may be empty when not needed).
pub fn list_rows(
    roles: &[FlatRole<'_>],
    profiles: &[String],
    query: &ListQuery,
    now: i64,
) -> Vec<Vec<String>> {
    let profile = |i: usize| profiles.get(i).map(String::as_str).unwrap_or("");
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
    picked
        .iter()
        .enumerate()
        .map(|(row_id, &i)| {
            query
                .fields
                .iter()
                .map(|f| f.value(&roles[i], row_id, profile(i), now))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests;
