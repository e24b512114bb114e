//! The fields `aws-sso list` can show, sort and filter by, with aws-sso-cli's names, value
//! formatting and ordering rules (docs/formats.md, "`list`").

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::flat::{FlatRole, expires_text};

/// A column of `aws-sso list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListField {
    Id,
    Arn,
    AccountId,
    AccountIdPad,
    AccountName,
    AccountAlias,
    DefaultRegion,
    EmailAddress,
    Expires,
    ExpiresEpoch,
    RoleName,
    Sso,
    Via,
    Profile,
}

/// Every field, in the order `--list-fields` prints them (sorted by name, byte order).
pub const ALL_FIELDS: [ListField; 14] = [
    ListField::AccountAlias,
    ListField::AccountId,
    ListField::AccountIdPad,
    ListField::AccountName,
    ListField::Arn,
    ListField::DefaultRegion,
    ListField::EmailAddress,
    ListField::Expires,
    ListField::ExpiresEpoch,
    ListField::Id,
    ListField::Profile,
    ListField::RoleName,
    ListField::Sso,
    ListField::Via,
];

impl ListField {
    pub fn name(self) -> &'static str {
        match self {
            ListField::Id => "Id",
            ListField::Arn => "Arn",
            ListField::AccountId => "AccountId",
            ListField::AccountIdPad => "AccountIdPad",
            ListField::AccountName => "AccountName",
            ListField::AccountAlias => "AccountAlias",
            ListField::DefaultRegion => "DefaultRegion",
            ListField::EmailAddress => "EmailAddress",
            ListField::Expires => "Expires",
            ListField::ExpiresEpoch => "ExpiresEpoch",
            ListField::RoleName => "RoleName",
            ListField::Sso => "SSO",
            ListField::Via => "Via",
            ListField::Profile => "Profile",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ListField::Id => "Row number in this listing (changes with sort and filters)",
            ListField::Arn => "ARN of the IAM role",
            ListField::AccountId => "AWS account id, without leading zeros",
            ListField::AccountIdPad => "AWS account id, zero-padded to 12 digits",
            ListField::AccountName => "Account name given in config.yaml",
            ListField::AccountAlias => "Account name reported by IAM Identity Center",
            ListField::DefaultRegion => "Default region of the role, account or SSO instance",
            ListField::EmailAddress => "Root email address of the account",
            ListField::Expires => "Time left on cached role credentials",
            ListField::ExpiresEpoch => "Expiry of cached role credentials (unix seconds)",
            ListField::RoleName => "Name of the IAM role",
            ListField::Sso => "Name of the SSO instance",
            ListField::Via => "Role this role is assumed through (role chaining)",
            ListField::Profile => "Profile name (config Profile or ProfileFormat)",
        }
    }

    /// Fields `-P Field=Prefix` may filter on.
    pub fn filterable(self) -> bool {
        !matches!(self, ListField::Expires | ListField::ExpiresEpoch)
    }

    /// The text this field shows for `role`. `profile` is the role's computed profile name.
    /// Borrowed from the cache wherever the text is stored as shown.
    pub fn value<'a>(
        self,
        role: &FlatRole<'a>,
        id: usize,
        profile: &'a str,
        now: i64,
    ) -> Cow<'a, str> {
        match self {
            ListField::Id => id.to_string().into(),
            ListField::Arn => role.arn().into(),
            ListField::AccountId => role.account_id.to_string().into(),
            ListField::AccountIdPad => role.account_id_pad().into(),
            ListField::AccountName => role.account_name().into(),
            ListField::AccountAlias => role.account_alias().into(),
            ListField::DefaultRegion => role.default_region().into(),
            ListField::EmailAddress => role.email().into(),
            ListField::Expires => expires_text(role.role.expires, now).into(),
            ListField::ExpiresEpoch => role.live_expiry(now).unwrap_or(0).to_string().into(),
            ListField::RoleName => role.role_name.into(),
            ListField::Sso => role.sso.into(),
            ListField::Via => role.via().into(),
            ListField::Profile => profile.into(),
        }
    }

    /// aws-sso-cli's sort order for this field: numbers numerically, credential expiry with
    /// "none" last, everything else as case-sensitive text.
    pub fn compare(
        self,
        a: (&FlatRole<'_>, usize, &str),
        b: (&FlatRole<'_>, usize, &str),
        now: i64,
    ) -> Ordering {
        const NO_CREDS: i64 = 1 << 62;
        match self {
            ListField::Id => a.1.cmp(&b.1),
            ListField::AccountId | ListField::AccountIdPad => a.0.account_id.cmp(&b.0.account_id),
            ListField::Expires | ListField::ExpiresEpoch => {
                let ka = a.0.live_expiry(now).unwrap_or(NO_CREDS);
                let kb = b.0.live_expiry(now).unwrap_or(NO_CREDS);
                ka.cmp(&kb)
            }
            other => other
                .value(a.0, a.1, a.2, now)
                .cmp(&other.value(b.0, b.1, b.2, now)),
        }
    }
}

impl fmt::Display for ListField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `unsupported field: '<f>'`, as aws-sso-cli words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported field: '{0}' (see `aws-sso list --list-fields`)")]
pub struct UnknownField(pub String);

impl FromStr for ListField {
    type Err = UnknownField;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Deprecated spellings aws-sso-cli still accepts.
        let s = match s {
            "ExpiresStr" => "Expires",
            "AccountIdStr" => "AccountIdPad",
            "ARN" => "Arn",
            other => other,
        };
        ALL_FIELDS
            .iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownField(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_are_sorted_for_list_fields() {
        for f in ALL_FIELDS {
            assert_eq!(f.name().parse::<ListField>().unwrap(), f);
        }
        let names: Vec<&str> = ALL_FIELDS.iter().map(|f| f.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert_eq!("ARN".parse::<ListField>().unwrap(), ListField::Arn);
        assert_eq!(
            "Tags".parse::<ListField>().unwrap_err().to_string(),
            "unsupported field: 'Tags' (see `aws-sso list --list-fields`)"
        );
    }
}
