//! Unit tests for profile names and the `list` query.

use super::*;
use crate::cache::CacheFile;

fn cache() -> CacheFile {
    let json = r#"{"Version":4,"SSO":{"Default":{"LastUpdate":1,"Roles":{"Accounts":{
      "222":{"Alias":"beta","EmailAddress":"b@x","Roles":{
         "Admin":{"Arn":"arn:aws:iam::000000000222:role/Admin","Expires":5000},
         "ReadOnly":{"Arn":"arn:aws:iam::000000000222:role/ReadOnly","Profile":"explicit"}}},
      "1111111":{"Alias":"alpha","Name":"Alpha Co","Roles":{
         "Admin":{"Arn":"arn:aws:iam::000001111111:role/Admin","Expires":3000}}}},
      "SSORegion":"us-east-1","StartUrl":"https://d/start","DefaultRegion":"us-west-2"}}}}"#;
    serde_json::from_str(json).unwrap()
}

fn render(v: &serde_json::Value) -> Result<String, String> {
    Ok(format!(
        "{}:{}",
        v["AccountIdPad"].as_str().unwrap(),
        v["RoleName"].as_str().unwrap()
    ))
}

#[test]
fn roles_are_ordered_by_account_then_role() {
    let c = cache();
    let roles = instance_roles("Default", &c.sso["Default"]);
    let arns: Vec<&str> = roles.iter().map(|r| r.arn()).collect();
    assert_eq!(
        arns,
        [
            "arn:aws:iam::000000000222:role/Admin",
            "arn:aws:iam::000000000222:role/ReadOnly",
            "arn:aws:iam::000001111111:role/Admin"
        ]
    );
    assert_eq!(roles[0].default_region(), "us-west-2");
}

#[test]
fn explicit_profiles_win_and_duplicates_are_named() {
    let c = cache();
    let roles = instance_roles("Default", &c.sso["Default"]);
    let names = profile_names(&roles, render, 0).unwrap();
    assert_eq!(
        names,
        ["000000000222:Admin", "explicit", "000001111111:Admin"]
    );
    let err = profile_names(&roles, |_| Ok::<_, String>("same".into()), 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "duplicate profile name 'same' for: arn:aws:iam::000000000222:role/Admin, \
         arn:aws:iam::000001111111:role/Admin (give one of them a Profile in config.yaml or change ProfileFormat)"
    );
    let err = profile_names(&roles, |_| Err("boom"), 0).unwrap_err();
    assert!(
        err.to_string()
            .contains("arn:aws:iam::000000000222:role/Admin: boom")
    );
}

#[test]
fn list_sorts_filters_and_renumbers() {
    let c = cache();
    let roles = instance_roles("Default", &c.sso["Default"]);
    let profiles = profile_names(&roles, render, 0).unwrap();
    let q = ListQuery {
        fields: vec![
            ListField::Id,
            ListField::AccountAlias,
            ListField::ExpiresEpoch,
        ],
        sort: ListField::Expires,
        reverse: false,
        prefix: None,
    };
    let rows: Vec<_> = list_rows(&roles, &profiles, &q, 1000).iter().collect();
    assert_eq!(
        rows,
        [
            ["0", "alpha", "3000"],
            ["1", "beta", "5000"],
            ["2", "beta", "0"]
        ]
    );
    let q = ListQuery {
        fields: vec![ListField::Id, ListField::Profile],
        sort: ListField::AccountId,
        reverse: true,
        prefix: Some((ListField::AccountAlias, "be".into())),
    };
    assert!(q.needs_profiles());
    let rows: Vec<_> = list_rows(&roles, &profiles, &q, 1000).iter().collect();
    // Stable sort: equal keys keep their order even when reversed.
    assert_eq!(rows, [["0", "000000000222:Admin"], ["1", "explicit"]]);
}

#[test]
fn indexed_names_are_rendered_once_then_read_from_the_index_until_the_cache_changes() {
    use std::cell::Cell;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    std::fs::write(&path, "{}").unwrap();
    let c = cache();
    let roles = instance_roles("Default", &c.sso["Default"]);
    let renders = Cell::new(0);
    let counting = |v: &serde_json::Value| {
        renders.set(renders.get() + 1);
        render(v)
    };
    let tpl = "{{ .AccountIdPad }}:{{ .RoleName }}";
    let first = profile_names_indexed(&path, "Default", tpl, &roles, counting, 0, true).unwrap();
    assert_eq!(
        first,
        ["000000000222:Admin", "explicit", "000001111111:Admin"]
    );
    assert_eq!(renders.get(), 2, "the explicit profile is not rendered");
    let again = profile_names_indexed(&path, "Default", tpl, &roles, counting, 0, true).unwrap();
    assert_eq!(again, first);
    assert_eq!(renders.get(), 2, "second call is served by the index");
    // Another template or another instance does not use it.
    profile_names_indexed(
        &path,
        "Default",
        "{{ .RoleName }}x",
        &roles,
        counting,
        0,
        false,
    )
    .unwrap();
    assert_eq!(renders.get(), 4);
    // cache.json rewritten: the index is stale and the names are rendered again.
    std::fs::write(&path, "{ }").unwrap();
    profile_names_indexed(&path, "Default", tpl, &roles, counting, 0, false).unwrap();
    assert_eq!(renders.get(), 6);
    // A problem cache (may_index false) never writes one.
    profile_names_indexed(&path, "Default", tpl, &roles, counting, 0, false).unwrap();
    assert_eq!(renders.get(), 8);
}

#[test]
fn names_kept_in_cache_bin_for_the_template_are_used_without_rendering() {
    use std::cell::Cell;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    std::fs::write(&path, "{}").unwrap();
    let mut c = cache();
    let tpl = "{{ .AccountIdPad }}:{{ .RoleName }}";
    let kept = ["kept-1", "kept-2", "kept-3"].map(crate::cache::Text::new);
    c.sso.get_mut("Default").unwrap().set_rendered(tpl, kept);
    let roles = instance_roles("Default", &c.sso["Default"]);
    let renders = Cell::new(0);
    let counting = |v: &serde_json::Value| {
        renders.set(renders.get() + 1);
        render(v)
    };
    let names = profile_names_indexed(&path, "Default", tpl, &roles, counting, 0, false).unwrap();
    assert_eq!(names, ["kept-1", "kept-2", "kept-3"]);
    assert_eq!(renders.get(), 0);
    // Another template renders.
    let other = profile_names_indexed(
        &path,
        "Default",
        "{{ .RoleName }}",
        &roles,
        counting,
        0,
        false,
    );
    assert_eq!(
        other.unwrap(),
        ["000000000222:Admin", "explicit", "000001111111:Admin"]
    );
    assert_eq!(renders.get(), 2);
}
