//! Which role a command is about: the `--profile` / `--arn` / `--account` + `--role` flags,
//! their environment fallbacks and aws-sso-cli's priority rules (docs/formats.md, "Selecting a role"), shared by every
//! credential command and later by the picker.
//!
//! Resolution happens in two steps so the hot path stays cheap: [`RoleQuery::target`] turns the
//! flags into a [`Target`] without reading anything, and only a `--profile` (or the checks a
//! command asks for) needs the cached catalog (or its profile index). An unknown profile or ARN gets
//! a one-line error naming the closest matches.

use crate::cache::SsoCache;
use crate::catalog::{self, FlatRole};
use crate::profile_format::ProfileFormat;
use crate::role::RoleId;

/// The role flags as given (after any environment fallback the command allows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleQuery {
    pub profile: Option<String>,
    pub arn: Option<String>,
    pub account: Option<String>,
    pub role: Option<String>,
}

/// What the flags point at, before looking anything up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A profile name, to be found in the cached catalog.
    Profile(String),
    /// An ARN or account + role.
    Role(RoleId),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error(
        "Invalid --arn {0}: expected arn:aws:iam::<account>:role/<name> (no role path) or <account>:<role>"
    )]
    InvalidArn(String),
    #[error("Invalid --account {0}: expected an account id of up to 12 digits")]
    InvalidAccount(String),
    #[error("Must specify both --account and --role")]
    AccountWithoutRole,
    #[error("Invalid --profile {profile}: no cached role has that profile name{hint}")]
    UnknownProfile { profile: String, hint: String },
    #[error(
        "{arn} is not a role of SSO instance '{instance}' in the cache{hint} (run `aws-sso cache` if it is new)"
    )]
    UnknownRole {
        arn: String,
        instance: String,
        hint: String,
    },
    #[error("cannot compute profile names: {0}")]
    Profiles(String),
}

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl RoleQuery {
    /// True when no role flag is set.
    pub fn is_empty(&self) -> bool {
        self.profile.is_none()
            && self.arn.is_none()
            && self.account.is_none()
            && self.role.is_none()
    }

    /// Apply aws-sso-cli's priority: `--profile` > `--arn` > `--account` + `--role`.
    /// `Ok(None)` means no role was named.
    pub fn target(&self) -> Result<Option<Target>, SelectionError> {
        if let Some(p) = set(&self.profile) {
            return Ok(Some(Target::Profile(p.to_string())));
        }
        if let Some(a) = set(&self.arn) {
            return RoleId::parse(a)
                .map(|r| Some(Target::Role(r)))
                .ok_or_else(|| SelectionError::InvalidArn(a.to_string()));
        }
        match (set(&self.account), set(&self.role)) {
            (Some(account), Some(role)) => {
                let id = parse_account(account)
                    .ok_or_else(|| SelectionError::InvalidAccount(account.to_string()))?;
                Ok(Some(Target::Role(RoleId::new(id, role))))
            }
            (None, None) => Ok(None),
            _ => Err(SelectionError::AccountWithoutRole),
        }
    }
}

/// Account ids as aws-sso-cli takes them: decimal with leading zeros, or the scientific
/// notation YAML sometimes produces (`1.2e+10`).
pub fn parse_account(text: &str) -> Option<u64> {
    let t = text.trim();
    if let Some(id) = crate::role::parse_account_id(t) {
        return Some(id);
    }
    let f: f64 = t.parse().ok()?;
    (f.fract() == 0.0 && (0.0..=crate::role::MAX_ACCOUNT_ID as f64).contains(&f))
        .then_some(f as u64)
}

/// The profile name of one role: its explicit `Profile`, or `ProfileFormat` rendered.
pub fn profile_name(
    template: &ProfileFormat,
    role: &FlatRole<'_>,
    now: i64,
) -> Result<String, SelectionError> {
    if let Some(p) = role.explicit_profile() {
        return Ok(p.to_string());
    }
    template
        .render(&role.template_value(0, now))
        .map_err(|e| SelectionError::Profiles(format!("{} ({e})", role.arn())))
}

/// The cached role `id` of `instance`, or an error naming the closest cached ARNs.
pub fn find_role<'a>(
    sso: &'a str,
    instance: &'a SsoCache,
    id: &RoleId,
) -> Result<FlatRole<'a>, SelectionError> {
    let arn = id.arn();
    if let Some(account) = instance.roles.accounts.get(&id.account_id)
        && let Some((role_name, role)) = account.roles.get_key_value(id.role_name.as_str())
    {
        return Ok(FlatRole {
            sso,
            instance,
            account_id: id.account_id,
            account,
            role_name,
            role,
        });
    }
    let arns: Vec<String> = catalog::instance_roles(sso, instance)
        .iter()
        .map(|r| r.arn().to_string())
        .collect();
    Err(SelectionError::UnknownRole {
        hint: did_you_mean(&arn, arns.iter().map(String::as_str)),
        arn,
        instance: sso.to_string(),
    })
}

/// The end of the "unknown --profile" error. A name in a role's other spellings gets the
/// right flag or the role's real profile: the `--arn` forms (`<account id>:<role>`, a role
/// ARN), or `<account alias or name>:<role>` (what the default profile format shows without
/// its spaces); anything else the closest profile names. `names[i]` is the profile of
/// `roles[i]`.
pub fn profile_miss_hint(wanted: &str, roles: &[FlatRole<'_>], names: &[String]) -> String {
    let wanted = wanted.trim();
    if RoleId::parse(wanted).is_some() {
        let form = if wanted.starts_with("arn:") {
            "a role ARN"
        } else {
            "an account id and role (the --arn short form)"
        };
        return format!("; that is {form}: use --arn {wanted}");
    }
    if let Some((account, role_name)) = wanted.rsplit_once(':') {
        let squash = |s: &str| s.replace(' ', "").to_lowercase();
        let account = squash(account);
        let hits: Vec<usize> = (0..roles.len().min(names.len()))
            .filter(|&i| {
                let r = &roles[i];
                r.role_name.eq_ignore_ascii_case(role_name)
                    && !account.is_empty()
                    && [r.account_alias(), r.account_name()]
                        .iter()
                        .any(|a| squash(a) == account)
            })
            .collect();
        match hits.as_slice() {
            [] => {}
            [i] => {
                let r = &roles[*i];
                return format!(
                    "; that role's profile is {} (or use --arn {}:{})",
                    names[*i],
                    r.account_id_pad(),
                    r.role_name
                );
            }
            several => {
                let found: Vec<&str> = several.iter().take(3).map(|&i| names[i].as_str()).collect();
                return format!(
                    "; several accounts have that name: did you mean {}?",
                    or_list(&found)
                );
            }
        }
    }
    did_you_mean(wanted, names.iter().map(String::as_str))
}

/// `; did you mean a, b or c?` for the (up to three) candidates closest to `wanted`, or "".
pub fn did_you_mean<'c>(wanted: &str, candidates: impl Iterator<Item = &'c str>) -> String {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| {
            let lower = c.to_lowercase();
            let mut score = strsim::jaro_winkler(&wanted_lower, &lower);
            // A typed fragment of a long name is a strong hint too.
            if lower.contains(&wanted_lower) || wanted_lower.contains(&lower) {
                score = score.max(0.9);
            }
            (score, c)
        })
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    let best: Vec<&str> = scored.iter().take(3).map(|(_, c)| *c).collect();
    if best.is_empty() {
        return String::new();
    }
    format!("; did you mean {}?", or_list(&best))
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(
        profile: Option<&str>,
        arn: Option<&str>,
        account: Option<&str>,
        role: Option<&str>,
    ) -> RoleQuery {
        let s = |v: Option<&str>| v.map(str::to_string);
        RoleQuery {
            profile: s(profile),
            arn: s(arn),
            account: s(account),
            role: s(role),
        }
    }

    #[test]
    fn priority_is_profile_then_arn_then_account_and_role() {
        let all = q(Some("p"), Some("1:R"), Some("2"), Some("S"));
        assert_eq!(all.target().unwrap(), Some(Target::Profile("p".into())));
        let arn = q(
            None,
            Some("arn:aws:iam::000000000001:role/R"),
            Some("2"),
            Some("S"),
        );
        assert_eq!(
            arn.target().unwrap(),
            Some(Target::Role(RoleId::new(1, "R")))
        );
        let pair = q(None, None, Some("0002"), Some("S"));
        assert_eq!(
            pair.target().unwrap(),
            Some(Target::Role(RoleId::new(2, "S")))
        );
        assert_eq!(q(None, None, None, None).target().unwrap(), None);
        assert!(q(None, None, None, None).is_empty());
    }

    #[test]
    fn bad_flags_are_one_line_errors() {
        assert_eq!(
            q(None, None, Some("1"), None).target().unwrap_err(),
            SelectionError::AccountWithoutRole
        );
        assert_eq!(
            q(None, None, None, Some("R")).target().unwrap_err(),
            SelectionError::AccountWithoutRole
        );
        let e = q(None, Some("arn:aws:iam::x:role/R"), None, None)
            .target()
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Invalid --arn arn:aws:iam::x:role/R"),
            "{e}"
        );
        let e = q(None, None, Some("12ab"), Some("R")).target().unwrap_err();
        assert!(e.to_string().starts_with("Invalid --account 12ab"), "{e}");
    }

    #[test]
    fn account_ids_accept_leading_zeros_and_yaml_floats() {
        assert_eq!(parse_account("000000000042"), Some(42));
        assert_eq!(parse_account("1.2e+10"), Some(12_000_000_000));
        assert_eq!(parse_account("1.5"), None);
        assert_eq!(parse_account("1e13"), None);
        assert_eq!(parse_account("-1"), None);
    }

    #[test]
    fn arns_are_rendered_padded() {
        let id = RoleId::parse(" 42:Admin ").unwrap();
        assert_eq!(id.arn(), "arn:aws:iam::000000000042:role/Admin");
        assert_eq!(id.to_string(), id.arn());
    }

    #[test]
    fn a_profile_that_is_another_spelling_of_a_role_gets_the_right_hint() {
        let json = r#"{"Version": 4, "ConfigCreatedAt": 0, "SSO": {"W": {"LastUpdate": 1,
          "ConfigHash": "", "History": [], "Roles": {"SSORegion": "r", "StartUrl": "u",
          "DefaultRegion": "", "Accounts": {
            "1": {"Alias": "Prod Account", "Roles": {
               "Admin": {"Arn": "arn:aws:iam::000000000001:role/Admin"}}},
            "2": {"Alias": "Twin", "Roles": {"Read": {"Arn": "arn:aws:iam::000000000002:role/Read"}}},
            "3": {"Alias": "Twin", "Roles": {"Read": {"Arn": "arn:aws:iam::000000000003:role/Read"}}}
          }}}}}"#;
        let cache = crate::cache::Cache::from_bytes(
            std::path::Path::new("/nonexistent/cache.json"),
            json.as_bytes(),
        );
        let roles = catalog::instance_roles("W", cache.instance("W").unwrap());
        let names: Vec<String> = ["p-admin", "twin-2", "twin-3"].map(String::from).into();
        let hint = |wanted: &str| profile_miss_hint(wanted, &roles, &names);
        assert_eq!(
            hint("003114143160:DeveloperAccess"),
            "; that is an account id and role (the --arn short form): use --arn 003114143160:DeveloperAccess"
        );
        assert_eq!(
            hint("arn:aws:iam::000000000001:role/Admin"),
            "; that is a role ARN: use --arn arn:aws:iam::000000000001:role/Admin"
        );
        assert_eq!(
            hint("ProdAccount:admin"),
            "; that role's profile is p-admin (or use --arn 000000000001:Admin)"
        );
        assert_eq!(
            hint("twin:Read"),
            "; several accounts have that name: did you mean twin-2 or twin-3?"
        );
        assert_eq!(hint("p-admn"), "; did you mean p-admin?");
        assert_eq!(hint("Nobody:Admin"), "");
    }

    #[test]
    fn did_you_mean_names_the_closest_candidates() {
        let names = [
            "prod:Admin",
            "prod:ReadOnly",
            "dev:Admin",
            "staging:Billing",
        ];
        let hint = did_you_mean("prod:admn", names.iter().copied());
        assert!(hint.starts_with("; did you mean prod:Admin"), "{hint}");
        assert!(!hint.contains("staging"), "{hint}");
        assert_eq!(did_you_mean("zzzzzz", names.iter().copied()), "");
        let hint = did_you_mean("Admin", names.iter().copied());
        assert!(hint.contains(" or "), "{hint}");
    }
}
