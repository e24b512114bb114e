use super::*;
use crate::cache::Tags;

pub(super) fn role(account: u64, alias: &str, name: &str, env: &str) -> PickRole {
    let mut tags = Tags::new();
    tags.insert("Env", env);
    tags.insert("Cost Center", "R and D");
    PickRole {
        sso: Text::new("Work"),
        arn: Text::new(&format!("arn:aws:iam::{account:012}:role/{name}")),
        account_id: account,
        account_alias: Text::new(alias),
        account_name: Text::new(""),
        email: Text::new(&format!("{alias}@example.com")),
        role_name: Text::new(name),
        profile: Text::new(&format!("{alias}:{name}")),
        region: Text::new("eu-west-1"),
        via: Text::new(""),
        tags,
        expires: 0,
        last_used: None,
    }
}

pub(super) fn roles() -> Vec<PickRole> {
    let mut out = Vec::new();
    for (i, (alias, env)) in [
        ("prod-web", "prod"),
        ("prod-data", "production"),
        ("staging", "staging"),
        ("sandbox", "dev"),
    ]
    .iter()
    .enumerate()
    {
        for name in ["AdministratorAccess", "ReadOnly", "PowerUser"] {
            out.push(role(i as u64 + 1, alias, name, env));
        }
    }
    out
}

pub(super) fn fields() -> Vec<ListField> {
    vec![
        ListField::AccountIdPad,
        ListField::AccountAlias,
        ListField::RoleName,
        ListField::Expires,
    ]
}

pub(super) fn matcher(full_text: bool) -> Matcher {
    let mut m = Matcher::new(
        MatchOptions {
            fields: fields(),
            full_text_search: full_text,
            threads: Some(1),
        },
        Arc::new(|| {}),
    );
    let inj = m.injector();
    for r in roles() {
        inj.push(r);
    }
    drop(inj);
    settle(&mut m);
    m
}

pub(super) fn settle(m: &mut Matcher) -> MatchStatus {
    loop {
        let s = m.tick(10);
        if m.is_idle() && !s.running {
            return s;
        }
    }
}

pub(super) fn find(m: &mut Matcher, q: &str) -> Vec<String> {
    m.set_query(q);
    let n = settle(m).matched;
    m.rows(0..n, 0)
        .iter()
        .map(|r| r.role.profile.to_string())
        .collect()
}

#[test]
fn empty_query_keeps_insertion_order_and_counts_everything() {
    let mut m = matcher(true);
    let s = settle(&mut m);
    assert_eq!((s.matched, s.total), (12, 12));
    assert_eq!(
        m.get(0).unwrap().profile.as_str(),
        "prod-web:AdministratorAccess"
    );
    assert_eq!(m.get(11).unwrap().profile.as_str(), "sandbox:PowerUser");
    assert!(m.get(12).is_none());
}

#[test]
fn fuzzy_terms_search_fields_and_tag_values() {
    let mut m = matcher(true);
    let hits = find(&mut m, "sbxpow");
    assert_eq!(hits.first().map(String::as_str), Some("sandbox:PowerUser"));
    // A tag value ("R and D") is searchable too.
    assert_eq!(find(&mut m, "'R and").len(), 12);
    assert!(find(&mut m, "zzzz").is_empty());
}

#[test]
fn key_value_filters_match_value_prefixes_of_fields_and_tags() {
    let mut m = matcher(true);
    let prod = find(&mut m, "env:prod");
    assert_eq!(prod.len(), 6, "prod and production: {prod:?}");
    let exact_acct = find(&mut m, "env:prod alias:prod-web role:admin");
    assert_eq!(exact_acct, ["prod-web:AdministratorAccess"]);
    let excluded = find(&mut m, "!env:prod");
    assert_eq!(excluded.len(), 6);
    assert!(excluded.iter().all(|p| !p.starts_with("prod")));
    // Tag keys with spaces are typed with underscores.
    assert_eq!(find(&mut m, "cost_center:R_and").len(), 12);
    // An unknown key is just text.
    assert!(find(&mut m, "nokey:prod").len() < 12);
}

#[test]
fn exclusion_and_exact_terms() {
    let mut m = matcher(true);
    let not_sandbox = find(&mut m, "!sandbox");
    assert_eq!(not_sandbox.len(), 9);
    assert_eq!(find(&mut m, "'ReadOnly").len(), 4);
}

#[test]
fn pasting_an_arn_profile_or_account_id_jumps() {
    let mut m = matcher(true);
    assert_eq!(
        find(&mut m, "arn:aws:iam::000000000002:role/ReadOnly"),
        ["prod-data:ReadOnly"]
    );
    assert_eq!(find(&mut m, "staging:PowerUser"), ["staging:PowerUser"]);
    let acct = find(&mut m, "000000000004");
    assert_eq!(acct.len(), 3);
    assert!(acct.iter().all(|p| p.starts_with("sandbox:")));
    assert!(find(&mut m, "arn:aws:iam::000000000009:role/ReadOnly").is_empty());
}

#[test]
fn prefix_mode_requires_value_prefixes() {
    let mut m = matcher(false);
    assert_eq!(find(&mut m, "sand").len(), 3);
    // "andbox" is inside a value but starts none, and fuzzy is off.
    assert!(find(&mut m, "andbox").is_empty());
    assert!(find(&mut m, "sbx").is_empty());
}

#[test]
fn highlights_land_on_the_displayed_field_chars() {
    let mut m = matcher(true);
    m.set_query("'sandbox 'Power");
    let n = settle(&mut m).matched;
    assert_eq!(n, 1);
    let rows = m.rows(0..5, 0);
    assert_eq!(rows.len(), 1);
    let hl = &rows[0].highlights;
    assert_eq!(hl.len(), 4);
    assert!(hl[0].is_empty(), "account id: {:?}", hl[0]);
    assert_eq!(hl[1], vec![0..7], "alias 'sandbox'");
    assert_eq!(hl[2], vec![0..5], "role 'Power'");
    assert!(hl[3].is_empty(), "Expires is never searched");
}

#[test]
fn restart_takes_the_new_roles_and_drops_old_injectors() {
    let mut m = matcher(true);
    let stale = m.injector();
    let fresh = m.restart();
    stale.push(role(9, "ghost", "Old", "dev"));
    fresh.push(role(7, "new", "Admin", "prod"));
    drop((stale, fresh));
    let s = settle(&mut m);
    assert_eq!((s.matched, s.total), (1, 1));
    assert_eq!(m.get(0).unwrap().profile.as_str(), "new:Admin");
    assert_eq!(
        m.position_of("arn:aws:iam::000000000007:role/Admin"),
        Some(0)
    );
    assert_eq!(m.position_of("arn:aws:iam::000000000009:role/Old"), None);
}

#[test]
fn highlights_of_a_multi_word_query_show_in_the_displayed_fields() {
    let mut r = role(
        475493290519,
        "acme-prod-edge",
        "DatabaseAdministrator",
        "prod",
    );
    // Tags that repeat displayed values, as aws-sso-cli's default tags do.
    r.tags.insert("AccountAlias", "acme-prod-edge");
    r.tags.insert("AccountID", "475493290519");
    r.tags.insert("Role", "DatabaseAdministrator");
    r.tags.insert("Email", "aws+prod-edge@example.com");
    let mut m = Matcher::new(
        MatchOptions {
            fields: vec![
                ListField::AccountIdPad,
                ListField::AccountAlias,
                ListField::RoleName,
                ListField::Profile,
                ListField::Expires,
            ],
            full_text_search: true,
            threads: Some(1),
        },
        Arc::new(|| {}),
    );
    m.injector().push(r);
    m.set_query("prod data admin");
    assert_eq!(settle(&mut m).matched, 1);
    let rows = m.rows(0..1, 0);
    let hl = &rows[0].highlights;
    assert_eq!(hl[1], vec![5..9], "alias 'prod'");
    assert_eq!(hl[2], vec![0..4, 8..13], "role 'Data…Admin'");
    assert!(!hl[3].is_empty(), "profile: {hl:?}");
    assert!(hl[0].is_empty() && hl[4].is_empty(), "{hl:?}");
}

#[test]
fn a_filter_typed_before_the_roles_arrive_applies_once_they_do() {
    let mut m = Matcher::new(
        MatchOptions {
            fields: fields(),
            full_text_search: true,
            threads: Some(2),
        },
        Arc::new(|| {}),
    );
    // `env` is no known key yet: the query first reads as text, then as a filter.
    m.set_query("env:prod");
    m.injector().extend(roles());
    let s = settle(&mut m);
    assert_eq!(s.matched, 6, "prod and production");
}

#[test]
fn fuzzy_terms_match_across_values_but_rank_below_a_match_inside_one() {
    let mut m = matcher(true);
    // "sbxadm": s-b-x in "sandbox", a-d-m in "AdministratorAccess" (no single value has it).
    let hits = find(&mut m, "sbxadm");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("sandbox:AdministratorAccess")
    );
    // "prodadm": a match inside one value (the profile) beats one spread over values.
    let mut r = role(50, "prodadm", "Other", "dev");
    r.profile = Text::new("prodadm-other");
    let inj = m.injector();
    inj.push(r);
    drop(inj);
    settle(&mut m);
    assert_eq!(
        find(&mut m, "prodadm").first().map(String::as_str),
        Some("prodadm-other")
    );
}

#[test]
fn equal_scores_keep_the_roster_order() {
    let mut m = matcher(true);
    let admins = find(&mut m, "'AdministratorAccess");
    assert_eq!(
        admins,
        [
            "prod-web:AdministratorAccess",
            "prod-data:AdministratorAccess",
            "staging:AdministratorAccess",
            "sandbox:AdministratorAccess"
        ]
    );
}

#[test]
fn typing_on_gives_what_a_fresh_matcher_gives() {
    // The engine narrows from the previous matches and keeps term scores between
    // keystrokes; neither may change the outcome.
    for query in [
        "prod adm",
        "env:prod adm",
        "!sandbox pow",
        "staging:PowerUser",
        "'Read",
    ] {
        let mut typing = matcher(true);
        for end in 1..=query.len() {
            if query.is_char_boundary(end) {
                find(&mut typing, &query[..end]);
            }
        }
        let mut fresh = matcher(true);
        assert_eq!(find(&mut typing, query), find(&mut fresh, query), "{query}");
    }
}

#[test]
fn roles_streaming_in_under_a_query_join_its_results() {
    let mut m = matcher(true);
    assert_eq!(find(&mut m, "'ReadOnly").len(), 4);
    let inj = m.injector();
    inj.push(role(8, "late", "ReadOnly", "dev"));
    inj.push(role(9, "later", "Admin", "dev"));
    drop(inj);
    let s = settle(&mut m);
    assert_eq!((s.matched, s.total), (5, 14));
    assert_eq!(m.get(4).unwrap().profile.as_str(), "late:ReadOnly");
}
