//! The picker's query language, parsed into what the matching engine checks. Pure and
//! independent of nucleo's types, so it is unit-tested on its own.
//!
//! * Free terms (`text`) keep nucleo's own syntax (fuzzy, `'exact`, `!not`, `^prefix`,
//!   `suffix$`) and are matched against every searchable value of a role.
//! * `key:value` terms become [`Facet`]s: the field's or tag's value must *start* with what
//!   was typed. A jump (a whole ARN, profile name or account id pasted) is a facet that must
//!   be the whole value. With `FullTextSearch: false`, free terms are facets without a key:
//!   some value must start with them.

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

/// A facet key as it is stored and typed: whitespace becomes `_` (as aws-sso-cli does for
/// tags), and keys are compared without case.
pub fn facet_key(key: &str) -> String {
    key.trim().to_lowercase().replace(char::is_whitespace, "_")
}

pub fn facet_value(value: &str) -> String {
    value.trim().replace(char::is_whitespace, "_")
}

/// One `key:value` condition (or a jump, or a prefix-mode term).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    /// `!key:value`: roles with such a value are excluded.
    pub negated: bool,
    /// The canonical field key or a lowercased tag key; `None`: any value.
    pub key: Option<String>,
    /// What was typed, whitespace as `_`.
    pub value: String,
    /// The value must be all of it (a jump), not just start with it.
    pub whole: bool,
}

impl Facet {
    /// Smart case, as nucleo's: a value typed in lower case matches any case.
    pub fn ignore_case(&self) -> bool {
        !self.value.chars().any(char::is_uppercase)
    }

    /// Does `candidate` (a stored value) satisfy this facet's value? Whitespace in the
    /// stored value compares as `_`, and it is trimmed, as [`facet_value`] would.
    pub fn accepts(&self, candidate: &str) -> bool {
        let ignore_case = self.ignore_case();
        let mut have = candidate.trim().chars();
        for want in self.value.chars() {
            let Some(c) = have.next() else {
                return false;
            };
            let c = if c.is_whitespace() { '_' } else { c };
            let same = if ignore_case {
                c == want || c.to_lowercase().eq(want.to_lowercase())
            } else {
                c == want
            };
            if !same {
                return false;
            }
        }
        !self.whole || have.next().is_none()
    }

    /// Every role this facet accepts is accepted by `older` too (typing on narrows).
    fn narrows(&self, older: &Facet) -> bool {
        !self.negated
            && !older.negated
            && !self.whole
            && !older.whole
            && self.key == older.key
            && self.value.starts_with(older.value.as_str())
            && self.ignore_case() == older.ignore_case()
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// Free terms, nucleo pattern syntax.
    pub text: String,
    pub facets: Vec<Facet>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.facets.is_empty()
    }

    /// Every role matching `self` also matches `older`, so only `older`'s matches need
    /// checking. Conservative: `false` whenever unsure.
    pub fn narrows(&self, older: &Query) -> bool {
        if older.is_empty() {
            return false;
        }
        let text_ok = self.text == older.text
            || (self.text.starts_with(older.text.as_str())
                && !older.text.ends_with('\\')
                && !older
                    .text
                    .split_whitespace()
                    .last()
                    .is_some_and(|t| t.starts_with('!')));
        if !text_ok || self.facets.len() < older.facets.len() {
            return false;
        }
        // The older facets all still hold (the last one may have grown), new ones only add.
        older.facets.iter().enumerate().all(|(i, f)| {
            let new = &self.facets[i];
            new == f || (i + 1 == older.facets.len() && new.narrows(f))
        })
    }
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
pub fn translate(query: &str, full_text: bool, known: &dyn Known) -> Query {
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
            return Query {
                text: String::new(),
                facets: vec![Facet {
                    negated: false,
                    key: Some(key.to_string()),
                    value: facet_value(value),
                    whole: true,
                }],
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
        if let Some((key, value)) = body.split_once(':')
            && !key.is_empty()
            && !value.is_empty()
        {
            let key = facet_key(key);
            if FIELD_KEYS.contains(&key.as_str()) || known.is_key(&key) {
                facets.push(Facet {
                    negated,
                    key: Some(canonical(&key).to_string()),
                    value: facet_value(value),
                    whole: false,
                });
                continue;
            }
        }
        if !full_text && !body.is_empty() && !body.starts_with(['\'', '^']) && !body.ends_with('$')
        {
            facets.push(Facet {
                negated,
                key: None,
                value: body.to_string(),
                whole: false,
            });
            continue;
        }
        text.push(term.to_string());
    }
    Query {
        text: text.join(" "),
        facets,
    }
}

/// Aliases of a field share one key.
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

    fn f(negated: bool, key: Option<&str>, value: &str, whole: bool) -> Facet {
        Facet {
            negated,
            key: key.map(str::to_string),
            value: value.to_string(),
            whole,
        }
    }

    fn t(q: &str) -> (String, Vec<Facet>) {
        let c = translate(q, true, &K);
        (c.text, c.facets)
    }

    #[test]
    fn free_terms_keep_nucleo_syntax_intact() {
        assert_eq!(t("  prod  adm "), ("prod adm".into(), vec![]));
        assert_eq!(
            t("'exact !sandbox ^acme dev$"),
            ("'exact !sandbox ^acme dev$".into(), vec![])
        );
    }

    #[test]
    fn key_value_tokens_become_prefix_facets_for_known_keys_only() {
        assert_eq!(
            t("env:prod adm"),
            ("adm".into(), vec![f(false, Some("env"), "prod", false)])
        );
        assert_eq!(
            t("Role:Admin").1,
            vec![f(false, Some("role"), "Admin", false)]
        );
        assert_eq!(
            t("AccountAlias:web").1,
            vec![f(false, Some("alias"), "web", false)]
        );
        assert_eq!(t("!env:prod").1, vec![f(true, Some("env"), "prod", false)]);
        // Not a key: stays a fuzzy term (a profile-like `123:Admin`, a trailing colon).
        assert_eq!(t("123:Admin env:"), ("123:Admin env:".into(), vec![]));
    }

    #[test]
    fn whole_arns_account_ids_and_profiles_jump() {
        let arn = "arn:aws:iam::000000000042:role/Admin";
        assert_eq!(
            t(arn),
            (String::new(), vec![f(false, Some("arn"), arn, true)])
        );
        assert_eq!(
            t(" 000000000042 ").1,
            vec![f(false, Some("account"), "000000000042", true)]
        );
        assert_eq!(
            t("prod:Admin").1,
            vec![f(false, Some("profile"), "prod:Admin", true)]
        );
        assert_eq!(
            t("my profile").1,
            vec![f(false, Some("profile"), "my_profile", true)]
        );
        // An almost-ARN is an `arn:` prefix filter, not a jump; 11 digits are plain text.
        assert_eq!(
            t("arn:aws:iam::42:role/Admin").1,
            vec![f(false, Some("arn"), "aws:iam::42:role/Admin", false)]
        );
        assert_eq!(t("00000000004").0, "00000000004");
    }

    #[test]
    fn prefix_mode_turns_free_terms_into_value_prefixes() {
        let c = translate("prod !dev 'x", false, &K);
        assert_eq!(c.text, "'x");
        assert_eq!(
            c.facets,
            vec![f(false, None, "prod", false), f(true, None, "dev", false)]
        );
    }

    #[test]
    fn facets_accept_value_prefixes_with_smart_case_and_whitespace_as_underscore() {
        let v = f(false, Some("cost_center"), "R&D_t", false);
        assert!(v.accepts(" R&D team "));
        assert!(
            !v.accepts("r&d team"),
            "an upper-case letter typed: case matters"
        );
        assert!(f(false, None, "r&d_t", false).accepts("R&D team"));
        assert!(
            !f(false, None, "team", false).accepts("R&D team"),
            "a prefix, not inside"
        );
        let whole = f(false, Some("profile"), "prod:Admin", true);
        assert!(whole.accepts("prod:Admin") && !whole.accepts("prod:AdminX"));
    }

    #[test]
    fn typing_on_narrows_but_changing_or_negating_does_not() {
        let q = |s: &str| translate(s, true, &K);
        assert!(q("prod").narrows(&q("pro")));
        assert!(q("prod adm").narrows(&q("prod")));
        assert!(q("env:prod").narrows(&q("env:pro")));
        assert!(q("env:prod adm").narrows(&q("env:prod")));
        assert!(q("env:prod team:x").narrows(&q("env:prod")));
        assert!(!q("pro").narrows(&q("prod")), "deleting widens");
        assert!(
            !q("!sandboxes").narrows(&q("!sandbox")),
            "a longer exclusion excludes less"
        );
        assert!(!q("!env:prods").narrows(&q("!env:prod")));
        assert!(
            !q("prod").narrows(&q("")),
            "from nothing: match everything anyway"
        );
        assert!(
            !q("env:Prod").narrows(&q("env:p")),
            "case sensitivity switched on"
        );
    }
}
