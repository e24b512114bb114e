//! The picker's query language, turned into the text of nucleo's two columns. Pure and
//! independent of nucleo's types, so it is unit-tested on its own.
//!
//! * Column 0 (`text`) is every searchable value of a role, space separated: free terms go
//!   there with nucleo's own syntax (fuzzy, `'exact`, `!not`, `^prefix`, `suffix$`).
//! * Column 1 (`facets`) holds one token per field and tag, `␟key␞value␟` (unit and record
//!   separators, which nobody types). `key:value` becomes the substring atom `'␟key␞value`,
//!   so the value must *start* with what was typed; a jump (a whole ARN, profile name or
//!   account id) adds the closing `␟`, so it must be the whole value.

/// Starts and ends a facet token.
pub const UNIT: char = '\u{1f}';
/// Separates a facet's key from its value.
pub const RECORD: char = '\u{1e}';

/// Field names usable as `key:` besides the tag keys.
pub const FIELD_KEYS: &[&str] = &[
    "account",
    "accountid",
    "alias",
    "accountalias",
    "name",
    "accountname",
    "email",
    "role",
    "rolename",
    "profile",
    "region",
    "sso",
    "via",
    "arn",
];

/// A facet key or value as it is stored and typed: whitespace becomes `_` (as aws-sso-cli
/// does for tags), and keys are compared without case.
pub fn facet_key(key: &str) -> String {
    key.trim().to_lowercase().replace(char::is_whitespace, "_")
}

pub fn facet_value(value: &str) -> String {
    value.trim().replace(char::is_whitespace, "_")
}

/// One facet token of the haystack.
pub fn facet_token(key: &str, value: &str) -> String {
    format!(
        "{UNIT}{}{RECORD}{}{UNIT}",
        facet_key(key),
        facet_value(value)
    )
}

/// What the query asks of each column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Columns {
    pub text: String,
    pub facets: String,
}

/// How a whole-query jump is recognised.
pub trait Known {
    /// A tag key some role has (lowercased).
    fn is_key(&self, key: &str) -> bool;
    /// The exact profile name of some role.
    fn is_profile(&self, profile: &str) -> bool;
}

fn is_role_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:") else {
        return false;
    };
    let mut parts = rest.splitn(5, ':');
    let (_partition, service, _region, account, resource) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    );
    service == Some("iam")
        && account.is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        && resource.is_some_and(|r| r.starts_with("role/") && r.len() > 5)
}

/// Translate what was typed. `full_text` is config's `FullTextSearch`: when false, free terms
/// must be a prefix of some value (aws-sso-cli's prefix mode), not fuzzy.
pub fn translate(query: &str, full_text: bool, known: &dyn Known) -> Columns {
    let whole = query.trim();
    if !whole.is_empty() {
        let jump = if is_role_arn(whole) {
            Some(("arn", whole))
        } else if whole.len() == 12 && whole.bytes().all(|b| b.is_ascii_digit()) {
            Some(("account", whole))
        } else if known.is_profile(whole) {
            Some(("profile", whole))
        } else {
            None
        };
        if let Some((key, value)) = jump {
            return Columns {
                text: String::new(),
                facets: format!("'{}", facet_token(key, value)),
            };
        }
    }
    let mut text = Vec::new();
    let mut facets = Vec::new();
    for term in whole.split_whitespace() {
        let (negated, body) = match term.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, term),
        };
        let bang = if negated { "!" } else { "'" };
        if let Some((key, value)) = body.split_once(':')
            && !key.is_empty()
            && !value.is_empty()
        {
            let key = facet_key(key);
            if FIELD_KEYS.contains(&key.as_str()) || known.is_key(&key) {
                facets.push(format!(
                    "{bang}{UNIT}{}{RECORD}{}",
                    canonical(&key),
                    facet_value(value)
                ));
                continue;
            }
        }
        if !full_text && !body.is_empty() && !body.starts_with(['\'', '^']) && !body.ends_with('$')
        {
            facets.push(format!("{bang}{RECORD}{body}"));
            continue;
        }
        text.push(term.to_string());
    }
    Columns {
        text: text.join(" "),
        facets: facets.join(" "),
    }
}

/// Aliases of a field share one key in the haystack.
pub fn canonical(key: &str) -> &str {
    match key {
        "accountid" => "account",
        "accountalias" => "alias",
        "accountname" => "name",
        "rolename" => "role",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct K;
    impl Known for K {
        fn is_key(&self, key: &str) -> bool {
            matches!(key, "env" | "team")
        }
        fn is_profile(&self, p: &str) -> bool {
            p == "prod:Admin" || p == "my profile"
        }
    }

    fn t(q: &str) -> (String, String) {
        let c = translate(q, true, &K);
        (c.text, c.facets)
    }

    #[test]
    fn free_terms_go_to_the_text_column_with_nucleo_syntax_intact() {
        assert_eq!(t("  prod  adm "), ("prod adm".into(), String::new()));
        assert_eq!(
            t("'exact !sandbox ^acme dev$"),
            ("'exact !sandbox ^acme dev$".into(), String::new())
        );
    }

    #[test]
    fn key_value_tokens_become_prefix_facets_for_known_keys_only() {
        assert_eq!(
            t("env:prod adm"),
            ("adm".into(), "'\u{1f}env\u{1e}prod".into())
        );
        assert_eq!(
            t("Role:Admin"),
            ("".into(), "'\u{1f}role\u{1e}Admin".into())
        );
        assert_eq!(
            t("AccountAlias:web"),
            ("".into(), "'\u{1f}alias\u{1e}web".into())
        );
        assert_eq!(t("!env:prod"), ("".into(), "!\u{1f}env\u{1e}prod".into()));
        // Not a key: stays a fuzzy term (a profile-like `123:Admin`, a trailing colon).
        assert_eq!(
            t("123:Admin env:"),
            ("123:Admin env:".into(), String::new())
        );
    }

    #[test]
    fn whole_arns_account_ids_and_profiles_jump() {
        let arn = "arn:aws:iam::000000000042:role/Admin";
        assert_eq!(t(arn), ("".into(), format!("'\u{1f}arn\u{1e}{arn}\u{1f}")));
        assert_eq!(
            t(" 000000000042 "),
            ("".into(), "'\u{1f}account\u{1e}000000000042\u{1f}".into())
        );
        assert_eq!(
            t("prod:Admin"),
            ("".into(), "'\u{1f}profile\u{1e}prod:Admin\u{1f}".into())
        );
        assert_eq!(
            t("my profile"),
            ("".into(), "'\u{1f}profile\u{1e}my_profile\u{1f}".into())
        );
        // An almost-ARN is an `arn:` prefix filter, not a jump; 11 digits are plain text.
        assert_eq!(
            t("arn:aws:iam::42:role/Admin").1,
            "'\u{1f}arn\u{1e}aws:iam::42:role/Admin"
        );
        assert_eq!(t("00000000004").0, "00000000004");
    }

    #[test]
    fn prefix_mode_turns_free_terms_into_value_prefixes() {
        let c = translate("prod !dev 'x", false, &K);
        assert_eq!(c.text, "'x");
        assert_eq!(c.facets, "'\u{1e}prod !\u{1e}dev");
    }

    #[test]
    fn facet_tokens_normalise_keys_and_whitespace() {
        assert_eq!(
            facet_token("Cost Center", " R&D team "),
            "\u{1f}cost_center\u{1e}R&D_team\u{1f}"
        );
    }
}
