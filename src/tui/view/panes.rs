//! The side panes: the selected role's details, the credential and session countdowns, and
//! the recently used roles.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::text::{ago, countdown, shown, wrap_at_separators};
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

/// A `key: value` pair in lines of `width` columns, broken after a `:`, `/` or space (a
/// profile `alias:role` splits between its parts, never inside a name); both may come from
/// outside and are shown escaped.
fn pair<'a>(key: &str, value: &str, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let key = format!("{}: ", Shown(key));
    let text = format!("{key}{}", shown(value));
    let mut key_left = key.chars().count();
    wrap_at_separators(&text, width)
        .into_iter()
        .map(|line| {
            let split = line
                .char_indices()
                .nth(key_left)
                .map_or(line.len(), |(i, _)| i);
            key_left = key_left.saturating_sub(line.chars().count());
            let (k, v) = line.split_at(split);
            Line::from(vec![
                Span::styled(k.to_string(), theme.tag_key),
                Span::styled(v.to_string(), theme.tag_value),
            ])
        })
        .collect()
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
    // The ARN breaks after a `:` or `/`, never inside a name.
    let inner = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line<'_>> = wrap_at_separators(&shown(&role.arn), inner)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, theme.title)))
        .collect();
    lines.extend(pair("Profile", &role.profile, inner, theme));
    if let Some((key, value)) = primary(role, &state.settings.account_primary_tag) {
        let label = match key.as_str() {
            "AccountName" => "Account name",
            "AccountAlias" => "Account alias",
            "Email" | "EmailAddress" => "Email",
            tag => tag,
        };
        lines.extend(pair(label, &value, inner, theme));
    }
    lines.extend(pair(
        "Account id",
        &format!("{:012}", role.account_id),
        inner,
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
        lines.extend(pair("Region", &text, inner, theme));
    } else if !region.is_empty() {
        lines.extend(pair("Region", region, inner, theme));
    }
    if state.settings.instances.len() > 1 {
        lines.extend(pair("SSO", &role.sso, inner, theme));
    }
    if !role.via.is_empty() {
        lines.extend(pair(
            "Via",
            &format!("{} → this role", role.via),
            inner,
            theme,
        ));
    }
    let tags = ordered_tags(role, &state.settings.first_tag);
    if !tags.is_empty() {
        lines.push(Line::from(Span::styled("Tags", theme.muted)));
        for (k, v) in tags {
            lines.extend(pair(k, v, inner, theme));
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

/// The role's and the session's time left, each `label: time` on one line, or the time on a
/// line of its own under its label when `width` is too narrow for both.
pub fn expiry_lines<'a>(state: &State, theme: &Theme, width: usize) -> Vec<Line<'a>> {
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
    let items = [
        (
            "Role credentials:".to_string(),
            role_text,
            time_style(role_until, now, theme),
        ),
        (
            format!("SSO session ({}):", Shown(&state.instance)),
            session_text,
            time_style(state.session_expires, now, theme),
        ),
    ];
    let mut lines = Vec::new();
    for (label, time, style) in items {
        if label.width() + 1 + time.width() <= width {
            lines.push(Line::from(vec![
                Span::styled(format!("{label} "), theme.tag_key),
                Span::styled(time, style),
            ]));
        } else {
            lines.push(Line::from(Span::styled(label, theme.tag_key)));
            lines.push(Line::from(Span::styled(format!("  {time}"), style)));
        }
    }
    lines
}

pub fn expiry(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    frame.render_widget(
        Paragraph::new(expiry_lines(
            state,
            theme,
            usize::from(area.width.saturating_sub(2)),
        ))
        .wrap(Wrap { trim: false })
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
