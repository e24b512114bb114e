//! Reading one YAML mapping the way aws-sso-cli's koanf + mapstructure does: schema keys
//! match case-insensitively, unknown keys are ignored (debug log), and scalars convert
//! "weakly" (`"5"` → 5, `1` → `true`, `"a,b"` → a two-item list, a list of one-key
//! mappings → one mapping).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_yaml_ng::{Mapping, Value};

use super::error::{Issue, Seg, Target, dotted};

/// Strip YAML tags (`!foo bar` → `bar`); aws-sso-cli's parser ignores them too.
pub(crate) fn untag(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => untag(&tagged.value),
        other => other,
    }
}

/// A map key as text, the way Go's `%v` turned yaml.v3's decoded key into a string.
pub(crate) fn key_text(key: &Value) -> String {
    match untag(key) {
        Value::String(s) => s.clone(),
        other => super::govalue::go_value_string(other),
    }
}

/// Short description of what a value is, for "expected X, found Y" messages.
pub(crate) fn kind(value: &Value) -> String {
    match untag(value) {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!(
            "the number {}",
            super::govalue::go_value_string(&Value::Number(n.clone()))
        ),
        Value::String(s) => format!("\"{s}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

pub(crate) fn type_issue(path: Vec<Seg>, expected: &str, value: &Value) -> Issue {
    Issue::new(
        path,
        Target::Value,
        format!("expected {expected}, found {}", kind(value)),
    )
}

/// A string from any scalar (numbers as Go prints them, booleans as `1`/`0` as
/// mapstructure does); null is the empty string.
pub(crate) fn weak_string(value: &Value, path: &[Seg]) -> Result<String, Issue> {
    match untag(value) {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(if *b { "1" } else { "0" }.into()),
        Value::Number(n) => Ok(match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (_, Some(i), _) => i.to_string(),
            // mapstructure formats floats with %f-style shortest digits.
            (_, _, Some(f)) => format!("{f}"),
            _ => String::new(),
        }),
        other => Err(type_issue(path.to_vec(), "a string", other)),
    }
}

/// A whole number; strings parse like Go's `strconv.ParseInt(s, 0, 64)`, floats truncate,
/// booleans are 1/0, null is 0.
pub(crate) fn weak_int(value: &Value, path: &[Seg]) -> Result<i64, Issue> {
    let bad = || type_issue(path.to_vec(), "a whole number", value);
    match untag(value) {
        Value::Null => Ok(0),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(i),
            (None, Some(f)) if f.is_finite() && f.abs() < 9.2e18 => Ok(f.trunc() as i64),
            _ => Err(bad()),
        },
        Value::String(s) => parse_go_int(s).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn parse_go_int(text: &str) -> Option<i64> {
    if text.is_empty() {
        return Some(0);
    }
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string())
    } else {
        (10, lower.clone())
    };
    let digits = digits.replace('_', "");
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = i64::from_str_radix(&digits, radix).ok()?;
    Some(if neg { -magnitude } else { magnitude })
}

/// A boolean; strings parse like Go's `strconv.ParseBool`, numbers are true when non-zero,
/// null and the empty string are false.
pub(crate) fn weak_bool(value: &Value, path: &[Seg]) -> Result<bool, Issue> {
    let bad = || type_issue(path.to_vec(), "true or false", value);
    match untag(value) {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => Ok(n.as_f64().is_some_and(|f| f != 0.0)),
        Value::String(s) => match s.as_str() {
            "" | "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// A list of strings; a string is split at commas (`"a, b"` → `[a, b]`, `""` → `[]`), any
/// other scalar becomes a one-item list, null or an empty mapping an empty list.
pub(crate) fn weak_list(value: &Value, path: &[Seg]) -> Result<Vec<String>, Issue> {
    match untag(value) {
        Value::Null => Ok(Vec::new()),
        // aws-sso-cli's loader splits a string given for a list at its commas.
        Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        Value::String(s) => Ok(s.split(',').map(|item| item.trim().to_string()).collect()),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mut at = path.to_vec();
                at.push(Seg::Index(i));
                weak_string(item, &at)
            })
            .collect(),
        Value::Mapping(m) if m.is_empty() => Ok(Vec::new()),
        Value::Mapping(_) => Err(type_issue(path.to_vec(), "a list of strings", value)),
        scalar => Ok(vec![weak_string(scalar, path)?]),
    }
}

/// A mapping, or `None` for null.
pub(crate) fn mapping<'v>(
    value: &'v Value,
    path: &[Seg],
    expected: &str,
) -> Result<Option<&'v Mapping>, Issue> {
    match untag(value) {
        Value::Null => Ok(None),
        Value::Mapping(m) => Ok(Some(m)),
        other => Err(type_issue(path.to_vec(), expected, other)),
    }
}

/// A setting whose value is a map of user keys (instances, accounts, roles, tags, …): a
/// mapping, or a list of mappings merged into one in order, later keys winning
/// (`Tags: [{Type: prod}, {Team: ops}]`, as aws-sso-cli's loader reads it); `None` for null.
pub(crate) fn go_map<'v>(
    value: &'v Value,
    path: &[Seg],
    expected: &str,
) -> Result<Option<Cow<'v, Mapping>>, Issue> {
    let items = match untag(value) {
        // A list with no mapping in it is not this shape at all (e.g. role names alone).
        Value::Sequence(items)
            if items.iter().any(|i| untag(i).is_mapping()) || items.is_empty() =>
        {
            items
        }
        _ => return Ok(mapping(value, path, expected)?.map(Cow::Borrowed)),
    };
    let mut merged = Mapping::new();
    for (i, item) in items.iter().enumerate() {
        let mut at = path.to_vec();
        at.push(Seg::Index(i));
        match untag(item) {
            Value::Null => {}
            Value::Mapping(m) => {
                for (k, v) in m {
                    merged.insert(k.clone(), v.clone());
                }
            }
            other => {
                let what = format!("{expected} (or a list of such mappings)");
                return Err(type_issue(at, &what, other));
            }
        }
    }
    Ok(Some(Cow::Owned(merged)))
}

/// A user map of strings (tags): keys keep their case, values convert weakly; a list of
/// one-key mappings (`- Type: prod`) merges into one map.
pub(crate) fn string_map(value: &Value, path: &[Seg]) -> Result<BTreeMap<String, String>, Issue> {
    let Some(map) = go_map(value, path, "a mapping of names to values")? else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for (k, v) in map.iter() {
        let key = key_text(k);
        let mut at = path.to_vec();
        at.push(Seg::Key(key.clone()));
        out.insert(key, weak_string(v, &at)?);
    }
    Ok(out)
}

/// The keys of one schema mapping, looked up case-insensitively by canonical name.
pub(crate) struct Fields<'v> {
    base: Vec<Seg>,
    entries: Vec<(String, &'v Value, bool)>,
}

impl<'v> Fields<'v> {
    pub(super) fn new(map: &'v Mapping, base: Vec<Seg>) -> Fields<'v> {
        let entries = map.iter().map(|(k, v)| (key_text(k), v, false)).collect();
        Fields { base, entries }
    }

    /// Path of a field of this mapping.
    pub(super) fn path(&self, name: &'static str) -> Vec<Seg> {
        let mut p = self.base.clone();
        p.push(Seg::Field(name));
        p
    }

    /// The raw value of a field. If several spellings are present, the canonical one wins,
    /// else the last one (mapstructure prefers the exact name too).
    pub(super) fn get(&mut self, name: &'static str) -> Option<&'v Value> {
        let mut exact = None;
        let mut folded = None;
        let mut count = 0;
        for (i, (key, _, used)) in self.entries.iter_mut().enumerate() {
            if key.eq_ignore_ascii_case(name) {
                *used = true;
                count += 1;
                if key == name {
                    exact = Some(i);
                }
                folded = Some(i);
            }
        }
        if count > 1 {
            tracing::debug!(
                key = %dotted(&self.path(name)),
                "config key given {count} times with different case; using one"
            );
        }
        exact.or(folded).map(|i| self.entries[i].1)
    }

    pub(super) fn string(&mut self, name: &'static str) -> Result<Option<String>, Issue> {
        let path = self.path(name);
        self.get(name).map(|v| weak_string(v, &path)).transpose()
    }

    /// `None` when absent, null or empty (how aws-sso-cli treats optional strings).
    pub(super) fn opt_string(&mut self, name: &'static str) -> Result<Option<String>, Issue> {
        Ok(self.string(name)?.filter(|s| !s.is_empty()))
    }

    pub(super) fn int(&mut self, name: &'static str) -> Result<Option<i64>, Issue> {
        let path = self.path(name);
        self.get(name).map(|v| weak_int(v, &path)).transpose()
    }

    pub(super) fn bool(&mut self, name: &'static str) -> Result<Option<bool>, Issue> {
        let path = self.path(name);
        self.get(name).map(|v| weak_bool(v, &path)).transpose()
    }

    pub(super) fn list(&mut self, name: &'static str) -> Result<Option<Vec<String>>, Issue> {
        let path = self.path(name);
        self.get(name).map(|v| weak_list(v, &path)).transpose()
    }

    pub(super) fn string_map(
        &mut self,
        name: &'static str,
    ) -> Result<Option<BTreeMap<String, String>>, Issue> {
        let path = self.path(name);
        self.get(name).map(|v| string_map(v, &path)).transpose()
    }

    /// Log the keys no schema field claimed; aws-sso-cli ignores them silently.
    pub(super) fn finish(self) {
        for (key, _, used) in &self.entries {
            if !used {
                let mut p = self.base.clone();
                p.push(Seg::Key(key.clone()));
                tracing::debug!(key = %dotted(&p), "unknown config key ignored");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        serde_yaml_ng::from_str(s).unwrap()
    }

    #[test]
    fn weak_ints_follow_go() {
        let p = [Seg::Field("Threads")];
        assert_eq!(weak_int(&yaml("7"), &p), Ok(7));
        assert_eq!(weak_int(&yaml("'12'"), &p), Ok(12));
        assert_eq!(weak_int(&yaml("'0x10'"), &p), Ok(16));
        assert_eq!(weak_int(&yaml("'010'"), &p), Ok(8));
        assert_eq!(weak_int(&yaml("''"), &p), Ok(0));
        assert_eq!(weak_int(&yaml("2.9"), &p), Ok(2));
        assert_eq!(weak_int(&yaml("true"), &p), Ok(1));
        let err = weak_int(&yaml("abc"), &p).unwrap_err();
        assert_eq!(err.message, "expected a whole number, found \"abc\"");
        assert!(weak_int(&yaml("[1]"), &p).is_err());
    }

    #[test]
    fn weak_bools_and_strings_follow_go() {
        let p = [Seg::Field("AutoLogin")];
        assert_eq!(weak_bool(&yaml("'T'"), &p), Ok(true));
        assert_eq!(weak_bool(&yaml("0"), &p), Ok(false));
        assert_eq!(weak_bool(&yaml("3"), &p), Ok(true));
        assert_eq!(
            weak_bool(&yaml("yes"), &p).unwrap_err().message,
            "expected true or false, found \"yes\""
        );
        assert_eq!(weak_string(&yaml("1.5"), &p), Ok("1.5".into()));
        assert_eq!(weak_string(&yaml("true"), &p), Ok("1".into()));
        assert_eq!(weak_string(&yaml("~"), &p), Ok(String::new()));
    }

    #[test]
    fn a_string_for_a_list_splits_at_commas() {
        let p = [Seg::Field("ListFields")];
        assert_eq!(
            weak_list(&yaml("'AccountIdPad, RoleName,Profile'"), &p),
            Ok(vec![
                "AccountIdPad".into(),
                "RoleName".into(),
                "Profile".into()
            ])
        );
        assert_eq!(weak_list(&yaml("''"), &p), Ok(vec![]));
        assert_eq!(weak_list(&yaml("42"), &p), Ok(vec!["42".into()]));
    }

    #[test]
    fn a_list_of_one_key_mappings_merges_into_one_map() {
        let p = [Seg::Field("Tags")];
        let tags = string_map(
            &yaml("[{Type: Main Account}, {Team: platform}, ~, {Type: prod, Cost: 7}]"),
            &p,
        )
        .unwrap();
        assert_eq!(
            tags.into_iter().collect::<Vec<_>>(),
            [
                ("Cost".to_string(), "7".to_string()),
                ("Team".into(), "platform".into()),
                ("Type".into(), "prod".into()),
            ],
            "later keys win"
        );
        assert!(string_map(&yaml("[]"), &p).unwrap().is_empty());
        let err = string_map(&yaml("[{Type: prod}, Team=ops]"), &p).unwrap_err();
        assert_eq!(err.path, vec![Seg::Field("Tags"), Seg::Index(1)]);
        assert_eq!(
            err.message,
            "expected a mapping of names to values (or a list of such mappings), found \"Team=ops\""
        );
    }

    #[test]
    fn single_scalar_becomes_list() {
        let p = [Seg::Field("UrlExecCommand")];
        assert_eq!(weak_list(&yaml("firefox"), &p), Ok(vec!["firefox".into()]));
        assert_eq!(weak_list(&yaml("{}"), &p), Ok(vec![]));
        let err = weak_list(&yaml("[a, [b]]"), &p).unwrap_err();
        assert_eq!(err.path, vec![Seg::Field("UrlExecCommand"), Seg::Index(1)]);
    }

    #[test]
    fn fields_match_case_insensitively_and_prefer_exact() {
        let v = yaml("startURL: a\nSSORegion: x\nssoregion: y\nbogus: 1\n");
        let map = v.as_mapping().unwrap();
        let mut f = Fields::new(map, vec![]);
        assert_eq!(f.string("StartUrl"), Ok(Some("a".into())));
        assert_eq!(f.string("SSORegion"), Ok(Some("x".into())));
        assert_eq!(f.string("DefaultRegion"), Ok(None));
        f.finish();
    }
}
