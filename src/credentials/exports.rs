//! The environment a role's credentials become in `eval` and `exec`, the region
//! rules and what `eval --clear` removes (docs/formats.md: "`eval` and `exec` variables",
//! "Region resolution", "`eval --clear`"). Pure functions of their inputs: the
//! caller passes the relevant environment variables in.

use chrono::{DateTime, Local, SecondsFormat, Utc};

use crate::role::RoleId;
use crate::store::RoleCredentials;

/// The region-related variables of the calling environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionEnv {
    /// `$AWS_DEFAULT_REGION`
    pub default_region: Option<String>,
    /// `$AWS_REGION`
    pub region: Option<String>,
    /// `$AWS_SSO_DEFAULT_REGION`: the region aws-sso set last time (so it may replace it).
    pub sso_default_region: Option<String>,
}

impl RegionEnv {
    /// Read the three variables (empty counts as unset).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> RegionEnv {
        let get = |k: &str| var(k).filter(|v| !v.is_empty());
        RegionEnv {
            default_region: get("AWS_DEFAULT_REGION"),
            region: get("AWS_REGION"),
            sso_default_region: get("AWS_SSO_DEFAULT_REGION"),
        }
    }
}

/// Which region to export: none with `--no-region`; none when the user manages the
/// region themselves (`$AWS_DEFAULT_REGION`/`$AWS_REGION` set to something aws-sso did not
/// set) unless `overwrite` (`-O`); otherwise the most specific configured one.
pub fn choose_region(
    no_region: bool,
    overwrite: bool,
    env: &RegionEnv,
    configured: &str,
) -> Option<String> {
    if no_region || configured.is_empty() {
        return None;
    }
    if !overwrite {
        let current = env.default_region.as_ref().or(env.region.as_ref());
        if let Some(cur) = current
            && Some(cur) != env.sso_default_region.as_ref()
        {
            return None;
        }
    }
    Some(configured.to_string())
}

/// What describes the role beyond its credentials.
#[derive(Debug, Clone, Default)]
pub struct RoleInfo {
    pub instance: String,
    pub profile: String,
    pub region: Option<String>,
    /// `(tag key, value)` for each `EnvVarTags` key the role has.
    pub env_tags: Vec<(String, String)>,
}

/// `AWS_SSO_TAG_<KEY>`: upper-cased, anything but `[A-Z0-9_]` becomes `_`.
pub fn tag_var(key: &str) -> String {
    let mut name = String::from("AWS_SSO_TAG_");
    name.extend(key.chars().map(|c| {
        let c = c.to_ascii_uppercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        }
    }));
    name
}

/// RFC 3339 in the local time zone, seconds precision (`Z` when local time is UTC), as Go's
/// `time.RFC3339` prints it.
pub fn rfc3339_local(unix_secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_secs, 0)
        .unwrap_or_default()
        .with_timezone(&Local)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The variables of §3.8, sorted by name. An empty value means "unset it".
pub fn role_env(role: &RoleId, creds: &RoleCredentials, info: &RoleInfo) -> Vec<(String, String)> {
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID".into(), creds.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY".into(),
            creds.secret_access_key.expose().to_string(),
        ),
        (
            "AWS_SESSION_TOKEN".into(),
            creds.session_token.expose().to_string(),
        ),
        ("AWS_SSO_ACCOUNT_ID".into(), role.account_pad()),
        ("AWS_SSO_ROLE_NAME".into(), role.role_name.clone()),
        ("AWS_SSO_ROLE_ARN".into(), role.arn()),
        (
            "AWS_SSO_SESSION_EXPIRATION".into(),
            rfc3339_local(creds.expires_at_secs()),
        ),
        ("AWS_SSO".into(), info.instance.clone()),
        ("AWS_SSO_PROFILE".into(), info.profile.clone()),
    ];
    match &info.region {
        Some(r) => {
            for name in ["AWS_DEFAULT_REGION", "AWS_REGION", "AWS_SSO_DEFAULT_REGION"] {
                vars.push((name.into(), r.clone()));
            }
        }
        None => vars.push(("AWS_SSO_DEFAULT_REGION".into(), String::new())),
    }
    for (key, value) in &info.env_tags {
        vars.push((tag_var(key), value.clone()));
    }
    vars.sort();
    vars.dedup_by(|a, b| a.0 == b.0);
    vars
}

/// The variables `eval --clear` unsets, in aws-sso-cli's order. Region variables are
/// removed only where they still hold what aws-sso set (`$AWS_SSO_DEFAULT_REGION`), so a
/// region the user exported is never lost. With `--no-region` the region is left as it is:
/// when all three still agree, the marker stays with the region it marks (a later `eval`
/// still knows the region is aws-sso's); when they disagree, only the stale marker goes.
pub fn clear_vars(no_region: bool, env: &RegionEnv, env_var_tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SSO_ACCOUNT_ID",
        "AWS_SSO_ROLE_NAME",
        "AWS_SSO_ROLE_ARN",
        "AWS_SSO_SESSION_EXPIRATION",
        "AWS_SSO_PROFILE",
        "AWS_SSO",
    ]
    .map(String::from)
    .to_vec();
    if let Some(ours) = &env.sso_default_region {
        let default_ours = env.default_region.as_ref() == Some(ours);
        let region_ours = env.region.as_ref() == Some(ours);
        if !no_region && default_ours {
            out.push("AWS_DEFAULT_REGION".into());
        }
        if !no_region && region_ours {
            out.push("AWS_REGION".into());
        }
        if !(no_region && default_ours && region_ours) {
            out.push("AWS_SSO_DEFAULT_REGION".into());
        }
    }
    for key in env_var_tags {
        let name = tag_var(key);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Time left until `$AWS_SSO_SESSION_EXPIRATION` as `time` prints it: `1h5m`, `45m`,
/// `< 1m` or `Expired`; `None` when unset or unreadable.
pub fn time_left(expiration: Option<&str>, now: i64) -> Option<String> {
    let text = expiration?.trim();
    if text.is_empty() {
        return None;
    }
    let at = DateTime::parse_from_rfc3339(text).ok()?.timestamp();
    let left = at - now;
    Some(if left <= 0 {
        "Expired".to_string()
    } else if left < 60 {
        "< 1m".to_string()
    } else if left >= 3600 {
        format!("{}h{}m", left / 3600, (left % 3600) / 60)
    } else {
        format!("{}m", left / 60)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(d: Option<&str>, r: Option<&str>, t: Option<&str>) -> RegionEnv {
        let s = |v: Option<&str>| v.map(str::to_string);
        RegionEnv {
            default_region: s(d),
            region: s(r),
            sso_default_region: s(t),
        }
    }

    #[test]
    fn region_is_never_taken_from_a_user_who_set_their_own() {
        let fresh = env(None, None, None);
        assert_eq!(
            choose_region(false, false, &fresh, "eu-west-1").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(choose_region(true, false, &fresh, "eu-west-1"), None);
        let users = env(Some("ap-south-1"), None, None);
        assert_eq!(choose_region(false, false, &users, "eu-west-1"), None);
        assert_eq!(
            choose_region(false, true, &users, "eu-west-1").as_deref(),
            Some("eu-west-1")
        );
        let only_region = env(None, Some("ap-south-1"), None);
        assert_eq!(choose_region(false, false, &only_region, "eu-west-1"), None);
        // We set it last time: we may move it.
        let ours = env(Some("us-east-1"), Some("us-east-1"), Some("us-east-1"));
        assert_eq!(
            choose_region(false, false, &ours, "eu-west-1").as_deref(),
            Some("eu-west-1")
        );
    }

    #[test]
    fn role_env_is_sorted_and_complete() {
        let creds = RoleCredentials {
            role_name: "Admin".into(),
            account_id: 42,
            access_key_id: "ASIAX".into(),
            secret_access_key: "s".into(),
            session_token: "t".into(),
            expiration: 1_800_000_000_000,
            role_chaining: false,
        };
        let info = RoleInfo {
            instance: "Default".into(),
            profile: "prod:Admin".into(),
            region: None,
            env_tags: vec![("team-name".into(), "ops".into())],
        };
        let vars = role_env(&RoleId::new(42, "Admin"), &creds, &info);
        let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("AWS_SSO_ACCOUNT_ID"), Some("000000000042"));
        assert_eq!(
            get("AWS_SSO_ROLE_ARN"),
            Some("arn:aws:iam::000000000042:role/Admin")
        );
        assert_eq!(get("AWS_SSO_TAG_TEAM_NAME"), Some("ops"));
        assert_eq!(get("AWS_SSO_DEFAULT_REGION"), Some(""));
        assert_eq!(get("AWS_REGION"), None);
        let exp = get("AWS_SSO_SESSION_EXPIRATION").unwrap();
        assert_eq!(
            DateTime::parse_from_rfc3339(exp).unwrap().timestamp(),
            1_800_000_000
        );
    }

    #[test]
    fn clear_keeps_regions_the_user_set() {
        let base = 9;
        let ours = env(Some("eu-west-1"), Some("eu-west-1"), Some("eu-west-1"));
        let v = clear_vars(false, &ours, &["Team".into()]);
        assert_eq!(v.len(), base + 4);
        assert_eq!(
            &v[base..],
            [
                "AWS_DEFAULT_REGION",
                "AWS_REGION",
                "AWS_SSO_DEFAULT_REGION",
                "AWS_SSO_TAG_TEAM"
            ]
        );
        assert_eq!(v[0], "AWS_ACCESS_KEY_ID");
        assert_eq!(v[8], "AWS_SSO");
        let users = env(Some("ap-south-1"), Some("eu-west-1"), Some("eu-west-1"));
        assert_eq!(
            &clear_vars(false, &users, &[])[base..],
            ["AWS_REGION", "AWS_SSO_DEFAULT_REGION"]
        );
        // --no-region with all three agreeing: the region and its marker stay.
        assert!(clear_vars(true, &ours, &[])[base..].is_empty());
        // --no-region with a region changed since: only the stale marker goes.
        assert_eq!(
            &clear_vars(true, &users, &[])[base..],
            ["AWS_SSO_DEFAULT_REGION"]
        );
        assert_eq!(
            clear_vars(false, &env(Some("x"), None, None), &[]).len(),
            base
        );
    }

    #[test]
    fn time_left_formats_like_aws_sso_cli() {
        let at = |secs: i64| rfc3339_local(secs);
        assert_eq!(time_left(None, 0), None);
        assert_eq!(time_left(Some("garbage"), 0), None);
        assert_eq!(time_left(Some(&at(1000)), 2000).as_deref(), Some("Expired"));
        assert_eq!(time_left(Some(&at(1030)), 1000).as_deref(), Some("< 1m"));
        assert_eq!(
            time_left(Some(&at(1000 + 45 * 60 + 5)), 1000).as_deref(),
            Some("45m")
        );
        assert_eq!(
            time_left(Some(&at(1000 + 3600 + 5 * 60)), 1000).as_deref(),
            Some("1h5m")
        );
    }
}
