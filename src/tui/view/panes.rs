//! The side panes: the selected role's details, the credential and session countdowns, and
//! the recently used roles.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::text::{ago, countdown, shown};
use crate::display::Shown;
use crate::roster::PickRole;
use crate::tui::state::State;
use crate::tui::theme::Theme;

fn block<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

/// A `key: value` line; both may come from outside and are shown escaped.
fn pair<'a>(key: &str, value: &str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{}: ", Shown(key)), theme.tag_key),
        Span::styled(shown(value), theme.tag_value),
    ])
}

/// The account's description per `AccountPrimaryTag`: the first of those fields (or tags)
/// that has a value.
pub fn primary(role: &PickRole, keys: &[String]) -> Option<(String, String)> {
    keys.iter().find_map(|k| {
        let v = match k.as_str() {
            "AccountName" => role.account_name.as_str(),
            "AccountAlias" => role.account_alias.as_str(),
            "Email" | "EmailAddress" => role.email.as_str(),
            tag => role.tags.get(tag).unwrap_or(""),
        };
        (!v.is_empty()).then(|| (k.clone(), v.to_string()))
    })
}

/// Tags in display order: `FirstTag` first, then by key.
pub fn ordered_tags<'a>(role: &'a PickRole, first: &str) -> Vec<(&'a str, &'a str)> {
    let mut tags: Vec<(&str, &str)> = role.tags.iter().collect();
    tags.sort_by_key(|(k, _)| (*k != first, *k));
    tags
}

pub fn details(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let Some(role) = &state.selected else {
        frame.render_widget(
            Paragraph::new(Span::styled("No role selected", theme.muted))
                .block(block("Role", theme)),
            area,
        );
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled(shown(&role.arn), theme.title)),
        pair("Profile", &role.profile, theme),
    ];
    if let Some((key, value)) = primary(role, &state.settings.account_primary_tag) {
        let label = match key.as_str() {
            "AccountName" => "Account name",
            "AccountAlias" => "Account alias",
            "Email" | "EmailAddress" => "Email",
            tag => tag,
        };
        lines.push(pair(label, &value, theme));
    }
    lines.push(pair(
        "Account id",
        &format!("{:012}", role.account_id),
        theme,
    ));
    let region = state.region_for(role);
    if region != role.region.as_str() {
        // Picked for the action (CycleRegion): it replaces the DefaultRegion.
        let text = if role.region.is_empty() {
            format!("{region} (picked)")
        } else {
            format!("{region} (picked; default {})", role.region)
        };
        lines.push(pair("Region", &text, theme));
    } else if !region.is_empty() {
        lines.push(pair("Region", region, theme));
    }
    if state.settings.instances.len() > 1 {
        lines.push(pair("SSO", &role.sso, theme));
    }
    if !role.via.is_empty() {
        lines.push(pair("Via", &format!("{} → this role", role.via), theme));
    }
    let tags = ordered_tags(role, &state.settings.first_tag);
    if !tags.is_empty() {
        lines.push(Line::from(Span::styled("Tags", theme.muted)));
        for (k, v) in tags {
            lines.push(pair(k, v, theme));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block("Role", theme))
            .style(theme.base),
        area,
    );
}

/// The style for time left: fine, running out (under 10 minutes), gone.
fn time_style(until: Option<i64>, now: i64, theme: &Theme) -> Style {
    match until {
        Some(t) if t - now > 600 => theme.expiry_ok,
        Some(t) if t > now => theme.expiry_soon,
        _ => theme.expiry_gone,
    }
}

pub fn expiry_lines<'a>(state: &State, theme: &Theme) -> Vec<Line<'a>> {
    let now = state.now;
    let role_until = state
        .selected
        .as_ref()
        .map(|r| r.expires)
        .filter(|e| *e > now);
    let role_text = match role_until {
        Some(t) => countdown(t, now),
        None => "none cached".into(),
    };
    let session_text = match state.session_expires {
        Some(t) => countdown(t, now),
        None => "not logged in".into(),
    };
    vec![
        Line::from(vec![
            Span::styled("Role credentials: ", theme.tag_key),
            Span::styled(role_text, time_style(role_until, now, theme)),
        ]),
        Line::from(vec![
            Span::styled(
                format!("SSO session ({}): ", Shown(&state.instance)),
                theme.tag_key,
            ),
            Span::styled(session_text, time_style(state.session_expires, now, theme)),
        ]),
    ]
}

pub fn expiry(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    frame.render_widget(
        Paragraph::new(expiry_lines(state, theme))
            .block(block("Expiry", theme))
            .style(theme.base),
        area,
    );
}

pub fn history(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let lines: Vec<Line<'_>> = if state.recent.is_empty() {
        vec![Line::from(Span::styled("No roles used yet", theme.muted))]
    } else {
        state
            .recent
            .iter()
            .map(|r| {
                let style = if state
                    .selected
                    .as_ref()
                    .is_some_and(|s| s.arn == r.arn.as_str())
                {
                    theme.title
                } else {
                    theme.base
                };
                Line::from(vec![
                    Span::styled(format!("{:>9}  ", ago(r.used_at, state.now)), theme.muted),
                    Span::styled(shown(&r.label), style),
                ])
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(block("History", theme))
            .style(theme.base),
        area,
    );
}
