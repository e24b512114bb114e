use super::*;

fn claim(want: usize, tier: u8) -> Claim {
    Claim {
        want,
        min: if tier == 1 { want } else { MIN_CELL },
        tier,
    }
}

#[test]
fn fixed_columns_keep_their_width_and_the_rest_share_by_need() {
    let fields = [
        ListField::AccountIdPad,
        ListField::AccountAlias,
        ListField::RoleName,
    ];
    let rows = vec![vec![
        "000000000001".into(),
        "prod".into(),
        "AdministratorAccess".into(),
    ]];
    // Plenty of room: everyone gets what they need (the heading "Alias" is wider than "prod").
    assert_eq!(plan(&fields, &rows, 100).widths, vec![12, 5, 19]);
    // Tight: the short column stays whole and the long one takes the cut, never below 4.
    assert_eq!(
        plan(&fields, &rows, 30).widths,
        vec![12, 5, 30 - 12 - 4 - 5]
    );
    assert_eq!(plan(&fields, &rows, 18).widths, vec![12, 4, 4]);
}

#[test]
fn alias_and_role_are_served_before_the_other_columns() {
    // Account 12, alias 28, role 21, email 40: 101 wanted in 80 (gaps already out).
    let claims = [claim(12, 1), claim(28, 0), claim(21, 0), claim(40, 2)];
    assert_eq!(allocate(&claims, 80), vec![12, 28, 21, 19]);
    // Less: the email keeps its minimum, alias and role share the rest by water-filling.
    assert_eq!(allocate(&claims, 60), vec![12, 20, 20, 8]);
    // Room for all: nobody is cut.
    assert_eq!(allocate(&claims, 101), vec![12, 28, 21, 40]);
}

#[test]
fn repeated_and_empty_columns_give_their_room_away() {
    let fields = [
        ListField::AccountIdPad,
        ListField::AccountAlias,
        ListField::RoleName,
        ListField::Profile,
        ListField::Expires,
    ];
    let row = |alias: &str, role: &str, profile: &str, exp: &str| -> Vec<String> {
        vec![
            "000000000001".into(),
            alias.into(),
            role.into(),
            profile.into(),
            exp.into(),
        ]
    };
    let rows = vec![
        row(
            "acme-prod",
            "ReadOnlyAccess",
            "acme-prod:ReadOnlyAccess",
            "",
        ),
        // The default profile format drops the alias's spaces.
        row("my team", "Admin", "myteam:Admin", ""),
    ];
    let p = plan(&fields, &rows, 200);
    assert_eq!(p.shown, vec![0, 1, 2], "Profile repeats, Expires is empty");
    // A match in the hidden profile shows on the alias and the role instead.
    let hl = p.highlights(
        &rows[1],
        &[vec![], vec![], vec![], vec![1..4, 7..9], vec![]],
    );
    assert_eq!(hl[1], vec![1..2, 3..5], "`y`, then `te` after the space");
    assert_eq!(hl[2], vec![0..2]);
    // One profile of a different shape keeps the column; one credential keeps Expires.
    let mut other = rows.clone();
    other.push(row("dev", "Admin", "dev-admin", "7h 59m"));
    assert_eq!(plan(&fields, &other, 200).shown, vec![0, 1, 2, 3, 4]);
    // No rows: every heading stays.
    assert_eq!(plan(&fields, &[], 200).shown, vec![0, 1, 2, 3, 4]);
}

#[test]
fn wide_characters_are_measured_by_display_width() {
    let fields = [ListField::AccountAlias, ListField::RoleName];
    // 4 CJK characters and an emoji: 10 columns, 5 chars, 19 bytes.
    let rows = vec![vec!["東京本社🚀".to_string(), "Admin".to_string()]];
    assert_eq!(plan(&fields, &rows, 100).widths, vec![10, 5]);
}

#[test]
fn the_demos_names_are_whole_from_100_columns() {
    let fields = [
        ListField::AccountIdPad,
        ListField::AccountAlias,
        ListField::RoleName,
        ListField::Profile,
        ListField::Expires,
    ];
    let alias = "acme-staging-notifications-2";
    let role = "DatabaseAdministrator";
    let rows = vec![vec![
        "000000000001".to_string(),
        alias.to_string(),
        role.to_string(),
        format!("{alias}:{role}"),
        "7h 59m".to_string(),
    ]];
    // The list's width in a 100-column terminal, less the selection marker.
    let p = plan(&fields, &rows, 98);
    assert_eq!(p.shown, vec![0, 1, 2, 4]);
    assert_eq!(p.widths, vec![12, alias.len(), role.len(), 7]);
}
