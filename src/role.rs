//! Role identity, in one place: [`RoleId`] (an account and a role name), role ARNs and
//! account ids as aws-sso-cli spells them. ARNs always carry the account zero-padded to 12
//! digits; account ids are read base-10 with leading zeros allowed.

/// Highest valid AWS account id.
pub const MAX_ACCOUNT_ID: u64 = 999_999_999_999;

/// `arn:aws:iam::<12 digits>:role/<name>`.
pub fn role_arn(account_id: u64, role_name: &str) -> String {
    format!("arn:aws:iam::{account_id:012}:role/{role_name}")
}

/// The 12-digit form of an account id.
pub fn pad_account(account_id: u64) -> String {
    format!("{account_id:012}")
}

/// Parse an account id: decimal, leading zeros allowed, at most 12 digits.
pub fn parse_account_id(text: &str) -> Option<u64> {
    let t = text.trim();
    if t.is_empty() || t.len() > 12 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Split a plain role ARN (`arn:<partition>:iam::<acct>:role/<name>`) into account id and role
/// name. Role names may contain path separators after `role/` only in the last segment form
/// aws-sso-cli uses, so everything after `role/` is the name.
pub fn split_role_arn(arn: &str) -> Option<(u64, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let name = resource.strip_prefix("role/")?;
    if name.is_empty() {
        return None;
    }
    Some((parse_account_id(account)?, name))
}

/// Parse the `--arn` forms aws-sso-cli accepts: a full role ARN or the short `<acct>:<role>`.
/// A role path (`role/Foo/Bar`) is refused: Identity Center roles have none, so such an ARN
/// can only be a mistake, better said at once than after a round trip to AWS.
pub fn parse_role_ref(text: &str) -> Option<(u64, String)> {
    let (account, role) = if text.starts_with("arn:") {
        split_role_arn(text)?
    } else {
        let (account, role) = text.split_once(':')?;
        (parse_account_id(account)?, role)
    };
    if role.is_empty() || role.contains([':', '/']) {
        return None;
    }
    Some((account, role.to_string()))
}

/// A role named by account and role name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleId {
    pub account_id: u64,
    pub role_name: String,
}

impl RoleId {
    pub fn new(account_id: u64, role_name: impl Into<String>) -> RoleId {
        RoleId {
            account_id,
            role_name: role_name.into(),
        }
    }

    /// Parse a role ARN (`arn:<partition>:iam::<acct>:role/<name>`) or the short
    /// `<acct>:<role>` form.
    pub fn parse(text: &str) -> Option<RoleId> {
        parse_role_ref(text.trim()).map(|(a, r)| RoleId::new(a, r))
    }

    /// `arn:aws:iam::<12 digits>:role/<name>`.
    pub fn arn(&self) -> String {
        role_arn(self.account_id, &self.role_name)
    }

    pub fn account_pad(&self) -> String {
        pad_account(self.account_id)
    }
}

impl std::fmt::Display for RoleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.arn())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_round_trip_with_padding() {
        let arn = role_arn(1111111, "Admin");
        assert_eq!(arn, "arn:aws:iam::000001111111:role/Admin");
        assert_eq!(split_role_arn(&arn), Some((1111111, "Admin")));
        assert_eq!(
            split_role_arn("arn:aws-us-gov:iam::123456789012:role/X"),
            Some((123456789012, "X"))
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "arn:aws:iam::abc:role/X",
            "arn:aws:iam::0000000000001:role/X",
            "arn:aws:iam::1:user/X",
            "arn:aws:sts::1:role/X",
            "arn:aws:iam::1:role/",
        ] {
            assert_eq!(split_role_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn short_form() {
        assert_eq!(parse_role_ref("0012:Dev"), Some((12, "Dev".into())));
        assert_eq!(
            parse_role_ref("arn:aws:iam::000000000012:role/Dev"),
            Some((12, "Dev".into()))
        );
        assert_eq!(parse_role_ref("12"), None);
        assert_eq!(parse_role_ref("x:Dev"), None);
    }
}
