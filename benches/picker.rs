//! The picker's own path per keystroke, at 10,000 and 100,000 roles: the key through the
//! keymap and `update`, the query into the matcher (the loop's `tick(8)`), the visible rows
//! fetched and the frame drawn into ratatui's `TestBackend` (120x40) — everything the event
//! loop does between a key press and a redrawn frame except the terminal write. Also the time
//! until the results are complete. See benches/README.md.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use aws_sso::cache::{Tags, Text};
use aws_sso::catalog::ListField;
use aws_sso::matcher::{MatchOptions, Matcher};
use aws_sso::roster::PickRole;
use aws_sso::tui::keymap::{KeyResult, Keymap};
use aws_sso::tui::state::{Effect, Launch, Msg, Settings, State};
use aws_sso::tui::theme::Theme;
use aws_sso::tui::update::update;
use aws_sso::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ROLES: [&str; 10] = [
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "Billing",
    "DeveloperAccess",
    "SecurityAudit",
    "NetworkAdmin",
    "DataScientist",
    "SupportUser",
    "ViewOnlyAccess",
];
const ENVS: [&str; 5] = ["prod", "staging", "dev", "sandbox", "shared"];
const TEAMS: [&str; 8] = [
    "payments", "search", "identity", "platform", "data", "mobile", "growth", "infra",
];

fn roster(total: usize) -> Vec<PickRole> {
    let mut out = Vec::with_capacity(total);
    for i in 0..total / ROLES.len() {
        let acct = 100_000_000_000 + (i as u64) * 7919;
        let env = ENVS[i % ENVS.len()];
        let team = TEAMS[(i / ENVS.len()) % TEAMS.len()];
        let alias = format!("acme-{env}-{team}-{i:05}");
        for r in ROLES {
            let mut tags = Tags::new();
            tags.insert("Env", env);
            tags.insert("Team", team);
            out.push(PickRole {
                sso: Text::new("Default"),
                arn: Text::new(&format!("arn:aws:iam::{acct:012}:role/{r}")),
                account_id: acct,
                account_alias: Text::new(&alias),
                account_name: Text::new(""),
                email: Text::new(&format!("aws+{env}-{team}-{i}@example.com")),
                role_name: Text::new(r),
                profile: Text::new(&format!("{acct:012}:{r}")),
                region: Text::new("us-east-1"),
                via: Text::new(""),
                tags,
                expires: 0,
                last_used: None,
            });
        }
    }
    out
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip_while(|a| a != "--sizes")
        .nth(1)
        .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    let queries = [
        "prodadm",
        "env:prod adm",
        "payments read",
        "acme-dev-search-0042",
    ];
    let theme = Theme::load("dark", std::path::Path::new("/nonexistent"), false).unwrap();
    let keymap = Keymap::with_overrides(&BTreeMap::new()).unwrap();
    println!("| roles | keystroke -> frame p50 | p99 | results complete p50 | p99 | max |");
    println!("|---|---|---|---|---|---|");
    for total in sizes {
        let settings = Settings {
            launch: Launch::Eval,
            fields: vec![
                ListField::AccountIdPad,
                ListField::AccountAlias,
                ListField::RoleName,
                ListField::Profile,
                ListField::Expires,
            ],
            instances: vec!["Default".into()],
            first_tag: String::new(),
            account_primary_tag: vec!["AccountAlias".into()],
        };
        let fields = aws_sso::tui::app::display_fields(&settings);
        let mut matcher = Matcher::new(
            MatchOptions {
                fields: fields.clone(),
                full_text_search: true,
                threads: None,
            },
            Arc::new(|| {}),
        );
        let injector = matcher.injector();
        injector.extend(roster(total));
        drop(injector);
        while !matcher.is_idle() {
            matcher.tick(10);
        }
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut frame_ms = Vec::new();
        let mut complete_ms = Vec::new();
        let detail = std::env::var_os("PICKER_BENCH_DETAIL").is_some();
        let mut worst: BTreeMap<(usize, usize), (f64, f64)> = BTreeMap::new();
        for round in 0..5 {
            for (qi, q) in queries.iter().enumerate() {
                let mut state = State::new(settings.clone(), "Default".into(), 0);
                state.size = (120, 40);
                matcher.set_query("");
                while !matcher.is_idle() {
                    matcher.tick(10);
                }
                for (ci, c) in q.chars().enumerate() {
                    let start = Instant::now();
                    let key = match keymap.resolve(&crossterm::event::KeyEvent::from(
                        crossterm::event::KeyCode::Char(c),
                    )) {
                        KeyResult::Ignored => KeyResult::Insert(c),
                        other => other,
                    };
                    let mut pending = vec![Msg::Key(key)];
                    while let Some(msg) = pending.pop() {
                        for effect in update(&mut state, msg) {
                            match effect {
                                Effect::Query(text) => {
                                    matcher.set_query(&text);
                                    pending.push(Msg::Matched(matcher.tick(8)));
                                }
                                Effect::Select(pos) => {
                                    pending.push(Msg::Selected(matcher.get(pos).cloned()))
                                }
                                _ => {}
                            }
                        }
                    }
                    let rows = matcher.rows(
                        state.offset..state.offset + u32::from(state.list_height()),
                        0,
                    );
                    terminal
                        .draw(|f| view::draw(f, &state, &rows, &fields, &theme, &keymap))
                        .unwrap();
                    drop(rows);
                    let frame = start.elapsed().as_secs_f64() * 1000.0;
                    loop {
                        let s = matcher.tick(10);
                        if !s.running && matcher.is_idle() {
                            break;
                        }
                    }
                    if round > 0 {
                        let complete = start.elapsed().as_secs_f64() * 1000.0;
                        frame_ms.push(frame);
                        complete_ms.push(complete);
                        let w = worst.entry((qi, ci)).or_default();
                        w.0 = w.0.max(frame);
                        w.1 = w.1.max(complete);
                    }
                }
            }
        }
        if detail {
            for ((qi, ci), (f, c)) in &worst {
                eprintln!(
                    "{total} {:?} +{:?}: frame {f:.2} complete {c:.2}",
                    queries[*qi],
                    queries[*qi].chars().nth(*ci).unwrap()
                );
            }
        }
        frame_ms.sort_by(f64::total_cmp);
        complete_ms.sort_by(f64::total_cmp);
        println!(
            "| {total} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            pct(&frame_ms, 0.5),
            pct(&frame_ms, 0.99),
            pct(&complete_ms, 0.5),
            pct(&complete_ms, 0.99),
            complete_ms.last().unwrap()
        );
    }
}
