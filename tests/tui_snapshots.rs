//! Every screen of the picker drawn into ratatui's `TestBackend` and kept as insta snapshots
//! that include the styles (the buffer's Debug form lists each style run), so a change in
//! layout, text or colour shows up in review. The rows come from the real matcher.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sso::cache::{Tags, Text};
use aws_sso::catalog::ListField;
use aws_sso::matcher::{MatchOptions, Matcher};
use aws_sso::roster::PickRole;
use aws_sso::tui::action::Action;
use aws_sso::tui::app::display_fields;
use aws_sso::tui::keymap::Keymap;
use aws_sso::tui::state::{Launch, Msg, Overlay, Recent, Refresh, Settings, State};
use aws_sso::tui::theme::Theme;
use aws_sso::tui::update::update;
use aws_sso::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: i64 = 1_800_000_000;

fn role(account: u64, alias: &str, name: &str, env: &str, expires_in: i64) -> PickRole {
    let mut tags = Tags::new();
    tags.insert("env", env);
    tags.insert("team", "platform");
    PickRole {
        sso: Text::new("Default"),
        arn: Text::new(&format!("arn:aws:iam::{account:012}:role/{name}")),
        account_id: account,
        account_alias: Text::new(alias),
        account_name: Text::new(&format!("{alias} account")),
        email: Text::new(&format!("{alias}@example.com")),
        role_name: Text::new(name),
        profile: Text::new(&format!("{alias}:{name}")),
        region: Text::new("eu-west-1"),
        via: Text::new(""),
        tags,
        expires: if expires_in > 0 { NOW + expires_in } else { 0 },
        last_used: None,
    }
}

fn roles() -> Vec<PickRole> {
    let mut out = Vec::new();
    for (i, (alias, env)) in [
        ("prod-web", "prod"),
        ("prod-data", "prod"),
        ("staging", "staging"),
        ("sandbox", "dev"),
    ]
    .iter()
    .enumerate()
    {
        for (j, name) in ["AdministratorAccess", "ReadOnly", "PowerUser"]
            .iter()
            .enumerate()
        {
            let expires = if (i + j) % 3 == 0 {
                3_000 + 100 * i as i64
            } else {
                0
            };
            out.push(role(100_000_000_000 + i as u64, alias, name, env, expires));
        }
    }
    out[0].last_used = Some(NOW - 700);
    out
}

fn settings(launch: Launch) -> Settings {
    Settings {
        launch,
        fields: vec![
            ListField::AccountIdPad,
            ListField::AccountAlias,
            ListField::RoleName,
            ListField::Profile,
            ListField::Expires,
        ],
        instances: vec!["Default".into()],
        first_tag: "env".into(),
        account_primary_tag: vec!["AccountName".into(), "AccountAlias".into()],
    }
}

/// The picker for `roles` with `query` typed, after the matcher finished.
struct Screen {
    state: State,
    matcher: Matcher,
    fields: Vec<ListField>,
}

fn wait(m: &mut Matcher) -> aws_sso::matcher::MatchStatus {
    loop {
        let s = m.tick(10);
        if m.is_idle() && !s.running {
            return s;
        }
    }
}

fn screen(roles: Vec<PickRole>, query: &str, launch: Launch) -> Screen {
    let settings = settings(launch);
    let fields = display_fields(&settings);
    let mut matcher = Matcher::new(
        MatchOptions {
            fields: fields.clone(),
            full_text_search: true,
            threads: Some(1),
        },
        Arc::new(|| {}),
    );
    let injector = matcher.injector();
    for r in roles {
        injector.push(r);
    }
    drop(injector);
    let mut state = State::new(settings, "Default".into(), NOW);
    state.session_expires = Some(NOW + 8 * 3600 - 75);
    state.recent = vec![Recent {
        label: "prod-web:AdministratorAccess".into(),
        arn: "arn:aws:iam::100000000000:role/AdministratorAccess".into(),
        used_at: NOW - 700,
    }];
    matcher.set_query(query);
    for c in query.chars() {
        state.input.insert(c);
    }
    let status = wait(&mut matcher);
    update(&mut state, Msg::Matched(status));
    state.selected = matcher.get(state.cursor).cloned();
    Screen {
        state,
        matcher,
        fields,
    }
}

/// The picker drawn at `w`×`h` with `theme`.
fn draw(s: &mut Screen, w: u16, h: u16, theme: &Theme) -> Terminal<TestBackend> {
    let keymap = Keymap::with_overrides(&BTreeMap::new()).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    s.state.size = (w, h);
    let rows = s.matcher.rows(
        s.state.offset..s.state.offset + u32::from(s.state.list_height()),
        NOW,
    );
    terminal
        .draw(|f| view::draw(f, &s.state, &rows, &s.fields, theme, &keymap))
        .unwrap();
    terminal
}

fn render(s: &mut Screen, w: u16, h: u16, theme: &Theme) -> String {
    format!("{:?}", draw(s, w, h, theme).backend().buffer())
}

fn dark() -> Theme {
    let dir = tempfile::tempdir().unwrap();
    Theme::load("dark", dir.path(), false).unwrap()
}

#[test]
fn full_list_with_panes_beside() {
    let mut s = screen(roles(), "", Launch::Eval);
    insta::assert_snapshot!(render(&mut s, 120, 24, &dark()));
}

#[test]
fn filtered_with_highlights_and_a_tag_filter() {
    let mut s = screen(roles(), "env:prod adm", Launch::Eval);
    assert_eq!(
        s.state.matches.matched, 2,
        "env:prod narrows to the two prod accounts, adm to their administrator roles (in \
         ReadOnly and PowerUser rows a…d…m only scatters over the e-mail or across values)"
    );
    let best: Vec<String> = s
        .matcher
        .rows(0..2, NOW)
        .iter()
        .map(|r| r.role.role_name.to_string())
        .collect();
    assert_eq!(
        best,
        ["AdministratorAccess", "AdministratorAccess"],
        "admin ranks first"
    );
    insta::assert_snapshot!(render(&mut s, 120, 24, &dark()));
}

#[test]
fn no_match() {
    let mut s = screen(roles(), "zzzz", Launch::Eval);
    assert_eq!(s.state.matches.matched, 0);
    insta::assert_snapshot!(render(&mut s, 100, 20, &dark()));
}

#[test]
fn empty_cache_without_a_session() {
    let mut s = screen(Vec::new(), "", Launch::Eval);
    s.state.session_expires = None;
    insta::assert_snapshot!(render(&mut s, 100, 20, &dark()));
}

#[test]
fn loading_and_refresh_streaming_in() {
    let mut s = screen(Vec::new(), "", Launch::Eval);
    s.state.refresh = Refresh::Running;
    insta::assert_snapshot!("loading", render(&mut s, 100, 20, &dark()));
    // The first roles of a refresh have arrived, more are coming.
    let mut s = screen(roles().into_iter().take(4).collect(), "", Launch::Eval);
    s.state.refresh = Refresh::Running;
    s.state.matches.running = true;
    insta::assert_snapshot!("streaming", render(&mut s, 100, 20, &dark()));
}

#[test]
fn session_expired() {
    let mut s = screen(roles(), "", Launch::Eval);
    s.state.session_expires = Some(NOW - 10);
    insta::assert_snapshot!(render(&mut s, 120, 24, &dark()));
}

#[test]
fn help_overlay() {
    let mut s = screen(roles(), "", Launch::Eval);
    s.state.overlay = Overlay::Help;
    insta::assert_snapshot!(render(&mut s, 120, 40, &dark()));
}

#[test]
fn action_menu_of_plain_aws_sso() {
    let mut s = screen(roles(), "", Launch::Menu);
    s.state.overlay = Overlay::Menu { selected: 1 };
    insta::assert_snapshot!(render(&mut s, 100, 24, &dark()));
}

#[test]
fn login_box_with_the_device_code() {
    let mut s = screen(Vec::new(), "", Launch::Eval);
    s.state.session_expires = None;
    s.state.overlay = Overlay::Login {
        lines: vec![
            "Verify this code in your browser: ABCD-EFGH".into(),
            "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH".into(),
        ],
        done: false,
    };
    insta::assert_snapshot!(render(&mut s, 100, 20, &dark()));
}

#[test]
fn narrow_terminal_drops_the_panes() {
    let mut s = screen(roles(), "", Launch::Eval);
    insta::assert_snapshot!("narrow_60x15", render(&mut s, 60, 15, &dark()));
    insta::assert_snapshot!("panes_below_80x30", render(&mut s, 80, 30, &dark()));
}

#[test]
fn every_builtin_theme_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["dark", "light", "high-contrast"] {
        let theme = Theme::load(name, dir.path(), false).unwrap();
        let mut s = screen(roles(), "adm", Launch::Eval);
        insta::assert_snapshot!(format!("theme_{name}"), render(&mut s, 100, 20, &theme));
    }
    let theme = Theme::load("dark", dir.path(), true).unwrap();
    let mut s = screen(roles(), "adm", Launch::Eval);
    let shot = render(&mut s, 100, 20, &theme);
    assert!(
        !shot.contains("fg: Rgb") && !shot.contains("bg: Rgb"),
        "NO_COLOR leaves no colour"
    );
    insta::assert_snapshot!("theme_no_color", shot);
}

/// The buffer's text, one string per row, without styles.
fn plain_rows(s: &mut Screen, w: u16, h: u16) -> Vec<String> {
    let terminal = draw(s, w, h, &dark());
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn control_characters_in_names_and_tags_show_escaped() {
    let mut hostile = role(100_000_000_009, "evil\x1b[2J\r\x07", "Admin", "x", 3000);
    hostile.tags.insert("env", "\x1b]0;pwned\x07");
    hostile.tags.insert("team\u{202e}", "ops");
    let mut s = screen(vec![hostile], "", Launch::Eval);
    let rows = plain_rows(&mut s, 140, 40);
    let screen = rows.join("\n");
    assert!(
        !rows
            .iter()
            .any(|r| r.contains(|c: char| c.is_control() || c == '\u{202e}')),
        "{screen}"
    );
    let row = r"evil\x1b[2J\r\x07";
    let list_row = screen
        .lines()
        .find(|l| l.contains("Admin") && l.contains(row))
        .unwrap_or_else(|| panic!("no escaped row in\n{screen}"));
    assert!(list_row.contains(&format!("{row}:Admin")), "{list_row}");
    assert!(screen.contains(r"env: \x1b]0;pwned\x07"), "{screen}");
    assert!(screen.contains(r"team\u{202e}: ops"), "{screen}");
    assert!(
        screen.contains(r"Account name: evil\x1b[2J\r\x07 account"),
        "{screen}"
    );
}

/// The roles `aws-sso demo` shows: its organisation (300 accounts, 4 roles each, seed 42)
/// as the picker lists it, the alias being the account's name, the default profile format.
fn demo_roles() -> Vec<PickRole> {
    let org = aws_sso_emulator::Org::synthetic(300, 4, 42);
    let mut out = Vec::new();
    for account in org.accounts() {
        for name in &account.roles {
            let mut tags = Tags::new();
            tags.insert("AccountAlias", &account.name);
            tags.insert("AccountID", &account.id);
            tags.insert("Email", &account.email);
            tags.insert("Role", name);
            out.push(PickRole {
                sso: Text::new("Demo"),
                arn: Text::new(&format!("arn:aws:iam::{}:role/{name}", account.id)),
                account_id: account.id.parse().unwrap(),
                account_alias: Text::new(&account.name),
                account_name: Text::new(""),
                email: Text::new(&account.email),
                role_name: Text::new(name),
                profile: Text::new(&format!("{}:{name}", account.name)),
                region: Text::new("us-west-2"),
                via: Text::new(""),
                tags,
                expires: 0,
                last_used: None,
            });
        }
    }
    out.sort_by(|a, b| {
        (a.account_id, a.role_name.as_str()).cmp(&(b.account_id, b.role_name.as_str()))
    });
    out
}

/// The demo's longest alias and role name.
fn demo_longest() -> (String, String) {
    let roles = demo_roles();
    let longest = |f: fn(&PickRole) -> &str| {
        roles
            .iter()
            .map(f)
            .max_by_key(|s| s.len())
            .unwrap()
            .to_string()
    };
    (
        longest(|r| r.account_alias.as_str()),
        longest(|r| r.role_name.as_str()),
    )
}

#[test]
fn the_demo_at_every_size() {
    for (w, h) in [(60, 15), (80, 24), (120, 40), (200, 50)] {
        let mut s = screen(demo_roles(), "", Launch::Menu);
        insta::assert_snapshot!(format!("demo_{w}x{h}"), render(&mut s, w, h, &dark()));
    }
}

#[test]
fn the_demos_longest_names_are_whole_from_100_columns() {
    let (alias, role) = demo_longest();
    assert_eq!((alias.len(), role.as_str()), (28, "DatabaseAdministrator"));
    for (w, h) in [(100, 30), (120, 40), (200, 50)] {
        for query in [alias.as_str(), role.as_str()] {
            let mut s = screen(demo_roles(), &format!("'{query}"), Launch::Menu);
            let rows = plain_rows(&mut s, w, h);
            let list = &rows[2];
            assert!(
                list.contains(&format!("{query}  ")),
                "{w}x{h}: {query} is cut in\n{}",
                rows.join("\n")
            );
            assert!(
                !rows[1].contains("Profile"),
                "the Profile column only repeats alias:role"
            );
        }
    }
}

#[test]
fn a_match_in_the_cut_off_part_of_a_cell_scrolls_into_view() {
    let mut s = screen(demo_roles(), "'notifications-2", Launch::Menu);
    let rows = plain_rows(&mut s, 60, 15);
    assert!(
        !rows[2].contains("acme-staging-notifications-2"),
        "60 columns cut the alias"
    );
    assert!(
        rows[2].contains("…ging-notifications-2"),
        "the cell shows the match, after an ellipsis:\n{}",
        rows.join("\n")
    );
    insta::assert_snapshot!(
        "scrolled_to_the_match_60x15",
        render(&mut s, 60, 15, &dark())
    );
}

#[test]
fn the_expiry_pane_shows_both_times_at_90x30() {
    let mut roles = demo_roles();
    roles[0].expires = NOW + 3600 + 125;
    let mut s = screen(roles, "", Launch::Menu);
    let screen = plain_rows(&mut s, 90, 30).join("\n");
    assert!(screen.contains("1h 02m 05s"), "{screen}");
    assert!(screen.contains("7h 58m 45s"), "{screen}");
    assert!(screen.contains("AdministratorAccess"), "{screen}");
}

#[test]
fn the_help_scrolls_at_60x15() {
    let mut s = screen(demo_roles(), "", Launch::Menu);
    s.state.overlay = Overlay::Help;
    insta::assert_snapshot!("help_60x15_top", render(&mut s, 60, 15, &dark()));
    let first = plain_rows(&mut s, 60, 15).join("\n");
    assert!(first.contains("scroll, other keys close"), "{first}");
    for _ in 0..100 {
        update(
            &mut s.state,
            Msg::Key(aws_sso::tui::keymap::KeyResult::Action(Action::Down)),
        );
    }
    // At the end: the last action's description is on screen.
    let last = plain_rows(&mut s, 60, 15).join("\n");
    let description = Action::ALL.last().unwrap().description();
    let words: String = description.chars().take(20).collect();
    assert!(last.contains(&words), "{last}");
    insta::assert_snapshot!("help_60x15_bottom", render(&mut s, 60, 15, &dark()));
}

#[test]
fn a_region_picked_for_the_action_shows_in_the_details() {
    let mut s = screen(roles(), "", Launch::Eval);
    let picked = update(
        &mut s.state,
        Msg::Key(aws_sso::tui::keymap::KeyResult::Action(
            aws_sso::tui::action::Action::CycleRegion,
        )),
    );
    assert!(picked.is_empty());
    let rows = plain_rows(&mut s, 120, 24);
    assert!(
        rows.iter()
            .any(|r| r.contains("Region: af-south-1 (picked;")),
        "{rows:#?}"
    );
    insta::assert_snapshot!(render(&mut s, 120, 24, &dark()));
}
