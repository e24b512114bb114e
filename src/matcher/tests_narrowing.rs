//! The narrowing rules on a small roster shaped like the demo's: compact beats scattered,
//! anchored and exact terms follow smart case, a partial ARN filters.

use super::tests::{find, role, settle};
use super::*;

/// Accounts as `aws-sso demo` names them (`acme-<env>-<team>[-n]`, e-mail
/// `aws+<env>-<team>@example.com`); account ids 1, 2, … in this order.
const ACCOUNTS: [(&str, &str, &[&str]); 7] = [
    (
        "acme-dev-web",
        "dev",
        &["AdministratorAccess", "ReadOnlyAccess", "DeveloperAccess"],
    ),
    (
        "acme-dev-web-2",
        "dev",
        &["NetworkAdministrator", "SupportUser"],
    ),
    (
        "acme-perf-web-2",
        "perf",
        &["DeveloperAccess", "ReadOnlyAccess"],
    ),
    (
        "acme-prod-media",
        "prod",
        &["AdministratorAccess", "ReadOnlyAccess", "DataScientist"],
    ),
    (
        "acme-prod-payments",
        "prod",
        &["SystemAdministrator", "Billing"],
    ),
    (
        "acme-sandbox-ledger",
        "sandbox",
        &["ViewOnlyAccess", "AdministratorAccess"],
    ),
    (
        "acme-dev-mobile",
        "dev",
        &["ReadOnlyAccess", "DatabaseAdministrator"],
    ),
];

fn demo_like() -> Vec<PickRole> {
    let mut out = Vec::new();
    for (i, (alias, env, names)) in ACCOUNTS.iter().enumerate() {
        for name in *names {
            let mut r = role(i as u64 + 1, alias, name, env);
            let label = alias.trim_start_matches("acme-");
            r.email = Text::new(&format!("aws+{label}@example.com"));
            out.push(r);
        }
    }
    out
}

fn matcher_of(roles: Vec<PickRole>) -> Matcher {
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
    m.injector().extend(roles);
    settle(&mut m);
    m
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn a_term_found_compactly_drops_the_roles_where_it_only_scatters() {
    let mut m = matcher_of(demo_like());
    // `web` and `dev` in the alias (either order) or `web-2` + `Developer`; not the roles
    // where the letters only scatter over the e-mail, the ARN or across values.
    assert_eq!(
        sorted(find(&mut m, "web-dev")),
        [
            "acme-dev-web-2:NetworkAdministrator",
            "acme-dev-web-2:SupportUser",
            "acme-dev-web:AdministratorAccess",
            "acme-dev-web:DeveloperAccess",
            "acme-dev-web:ReadOnlyAccess",
            "acme-perf-web-2:DeveloperAccess",
        ]
    );
    // Every term must match, compactly where some role has it so: a second term narrows.
    assert_eq!(
        sorted(find(&mut m, "web-dev adm")),
        [
            "acme-dev-web-2:NetworkAdministrator",
            "acme-dev-web:AdministratorAccess"
        ]
    );
    // One term over two values: `prod` in the alias, `adm` in the role name.
    assert_eq!(
        sorted(find(&mut m, "prodadm")),
        [
            "acme-prod-media:AdministratorAccess",
            "acme-prod-payments:SystemAdministrator"
        ]
    );
    assert_eq!(find(&mut m, "adm").len(), 6, "the six administrator roles");
    assert_eq!(find(&mut m, "prod adm").len(), 2);
}

#[test]
fn the_roles_with_the_fewest_scattered_terms_stay_so_a_match_never_vanishes() {
    let mut a = role(1, "alpha-one", "Zed", "x");
    a.tags.insert("Note", "b_x_x_e_x_x_t");
    let mut b = role(2, "beta-two", "Yak", "x");
    b.tags.insert("Note", "a_x_x_l_x_x_p");
    let mut m = matcher_of(vec![a.clone(), b.clone()]);
    // Each role has one term compact and the other scattered: both stay.
    assert_eq!(
        sorted(find(&mut m, "alp bet")),
        ["alpha-one:Zed", "beta-two:Yak"]
    );
    // A term no role holds compactly keeps every role it matches (here scattered over the
    // tag on one, across values on the other).
    assert_eq!(
        sorted(find(&mut m, "bxt")),
        ["alpha-one:Zed", "beta-two:Yak"]
    );
    // A role with both terms compact hides the two.
    let both = role(3, "alpha-bet", "Owl", "x");
    let mut m = matcher_of(vec![a, b, both]);
    assert_eq!(find(&mut m, "alp bet"), ["alpha-bet:Owl"]);
}

#[test]
fn anchored_exact_and_negated_terms_follow_smart_case() {
    let mut m = matcher_of(demo_like());
    let data = [
        "acme-prod-media:DataScientist",
        "acme-dev-mobile:DatabaseAdministrator",
    ];
    assert_eq!(find(&mut m, "^Data"), data);
    assert_eq!(find(&mut m, "^data"), data);
    assert!(
        find(&mut m, "^DATA").is_empty(),
        "an upper case typed counts"
    );
    assert_eq!(find(&mut m, "Access$").len(), 10);
    assert_eq!(find(&mut m, "access$").len(), 10);
    assert_eq!(find(&mut m, "^Billing$"), ["acme-prod-payments:Billing"]);
    assert_eq!(find(&mut m, "!^Data").len(), 14);
    assert_eq!(find(&mut m, "!Access$").len(), 6);
    assert_eq!(find(&mut m, "!^DATA").len(), 16);
    assert_eq!(find(&mut m, "'Scien"), ["acme-prod-media:DataScientist"]);
    assert!(find(&mut m, "'SCIEN").is_empty());
}

#[test]
fn a_partial_arn_typed_filters_the_roles_whose_arn_it_starts() {
    let mut m = matcher_of(demo_like());
    assert_eq!(find(&mut m, "arn:aws:iam::00000000000").len(), 16);
    let media = find(&mut m, "arn:aws:iam::000000000004");
    assert_eq!(media.len(), 3, "{media:?}");
    assert!(media.iter().all(|p| p.starts_with("acme-prod-media:")));
    assert_eq!(find(&mut m, "arn:aws:iam::000000000004:role/").len(), 3);
    assert_eq!(find(&mut m, "!arn:aws:iam::000000000004").len(), 13);
    // The ARN with its `arn:` typed twice (the old way round) still works.
    assert_eq!(find(&mut m, "arn:arn:aws:iam::000000000004").len(), 3);
    // A whole ARN still jumps.
    assert_eq!(
        find(&mut m, "arn:aws:iam::000000000005:role/Billing"),
        ["acme-prod-payments:Billing"]
    );
}

#[test]
fn typing_a_narrowing_query_gives_what_a_fresh_matcher_gives() {
    for query in ["web-dev adm", "prodadm", "^Data", "Access$ !read"] {
        let mut typing = matcher_of(demo_like());
        for end in 1..=query.len() {
            find(&mut typing, &query[..end]);
        }
        let mut fresh = matcher_of(demo_like());
        assert_eq!(find(&mut typing, query), find(&mut fresh, query), "{query}");
    }
}

#[test]
fn a_term_split_over_values_highlights_each_piece() {
    let mut m = matcher_of(demo_like());
    m.set_query("prodadm");
    assert_eq!(settle(&mut m).matched, 2);
    let rows = m.rows(0..2, 0);
    let admin = rows
        .iter()
        .find(|r| r.role.role_name.as_str() == "AdministratorAccess")
        .expect("acme-prod-media:AdministratorAccess");
    // Fields: account id, alias, role, profile, expires.
    assert_eq!(admin.highlights[1], vec![5..9], "prod in acme-prod-media");
    assert_eq!(admin.highlights[2], vec![0..3], "Adm in the role name");
}
