//! Semantic styles for the picker (a role per kind of text, never raw colours at call sites),
//! loaded from the built-in `themes/*.toml` or a user theme, with parents filling roles a
//! theme leaves out and `NO_COLOR` honoured. Format: themes/README.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// Every role with the role it falls back to.
const ROLES: &[(&str, Option<&str>)] = &[
    ("base", None),
    ("muted", Some("base")),
    ("border", Some("muted")),
    ("border_focused", Some("border")),
    ("title", Some("base")),
    ("header", Some("title")),
    ("selected", Some("base")),
    ("selected_marker", Some("selected")),
    ("match_hl", Some("base")),
    ("match_hl_selected", Some("match_hl")),
    ("prompt", Some("title")),
    ("query", Some("base")),
    ("counter", Some("muted")),
    ("status_ok", Some("base")),
    ("status_warn", Some("status_ok")),
    ("status_error", Some("status_warn")),
    ("expiry_ok", Some("base")),
    ("expiry_soon", Some("status_warn")),
    ("expiry_gone", Some("status_error")),
    ("key_hint", Some("title")),
    ("help_key", Some("key_hint")),
    ("help_text", Some("base")),
    ("menu", Some("base")),
    ("menu_selected", Some("selected")),
    ("tag_key", Some("muted")),
    ("tag_value", Some("base")),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    symbol: String,
    pub base: Style,
    pub muted: Style,
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub header: Style,
    pub selected: Style,
    pub selected_marker: Style,
    pub match_hl: Style,
    pub match_hl_selected: Style,
    pub prompt: Style,
    pub query: Style,
    pub counter: Style,
    pub status_ok: Style,
    pub status_warn: Style,
    pub status_error: Style,
    pub expiry_ok: Style,
    pub expiry_soon: Style,
    pub expiry_gone: Style,
    pub key_hint: Style,
    pub help_key: Style,
    pub help_text: Style,
    pub menu: Style,
    pub menu_selected: Style,
    pub tag_key: Style,
    pub tag_value: Style,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error(
        "unknown theme '{0}': use dark, light, high-contrast, a file in {1}, or a path to a .toml file"
    )]
    Unknown(String, String),
    #[error("theme {file}: {message}")]
    Invalid { file: String, message: String },
    #[error("theme {0} inherits itself (through 'inherits')")]
    Loop(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    inherits: Option<String>,
    symbol: Option<String>,
    #[serde(default)]
    styles: BTreeMap<String, StyleSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<Color>,
    bg: Option<Color>,
    #[serde(default)]
    modifiers: Vec<String>,
}

fn modifier(name: &str) -> Option<Modifier> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        "crossed_out" => Modifier::CROSSED_OUT,
        "slow_blink" => Modifier::SLOW_BLINK,
        "rapid_blink" => Modifier::RAPID_BLINK,
        "hidden" => Modifier::HIDDEN,
        _ => return None,
    })
}

impl StyleSpec {
    fn style(&self, file: &str, role: &str) -> Result<Style, ThemeError> {
        let mut style = Style::new();
        if let Some(fg) = self.fg {
            style = style.fg(fg);
        }
        if let Some(bg) = self.bg {
            style = style.bg(bg);
        }
        for m in &self.modifiers {
            let m = modifier(m).ok_or_else(|| ThemeError::Invalid {
                file: file.to_string(),
                message: format!("unknown modifier '{m}' in {role} (bold, dim, italic, underlined, reversed, crossed_out, slow_blink)"),
            })?;
            style = style.add_modifier(m);
        }
        Ok(style)
    }
}

/// Where a theme's text comes from, for error messages.
fn source(name: &str, config_dir: &Path) -> Result<(String, String), ThemeError> {
    if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
        return Ok((format!("{name} (built in)"), (*text).to_string()));
    }
    let path = if name.ends_with(".toml") || name.contains('/') {
        PathBuf::from(name)
    } else {
        config_dir.join("themes").join(format!("{name}.toml"))
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok((path.display().to_string(), text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ThemeError::Unknown(
            name.to_string(),
            config_dir.join("themes").display().to_string(),
        )),
        Err(e) => Err(ThemeError::Invalid {
            file: path.display().to_string(),
            message: e.to_string(),
        }),
    }
}

fn parse(file: &str, text: &str) -> Result<ThemeFile, ThemeError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let message = e.message().trim().to_string();
        ThemeError::Invalid {
            file: file.to_string(),
            message: match line {
                Some(l) => format!("line {l}: {message}"),
                None => message,
            },
        }
    })
}

impl Theme {
    /// The theme `name` (built in, `<config_dir>/themes/<name>.toml`, or a path).
    pub fn load(name: &str, config_dir: &Path, no_color: bool) -> Result<Theme, ThemeError> {
        let name = if name.trim().is_empty() {
            "dark"
        } else {
            name.trim()
        };
        // The chain of inherited files, most basic first.
        let mut chain: Vec<(String, ThemeFile)> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(n) = next {
            if seen.contains(&n) {
                return Err(ThemeError::Loop(name.to_string()));
            }
            seen.push(n.clone());
            let (file, text) = source(&n, config_dir)?;
            let parsed = parse(&file, &text)?;
            next = parsed.inherits.clone();
            chain.push((file, parsed));
        }
        chain.reverse();
        let mut specs: BTreeMap<String, Style> = BTreeMap::new();
        let mut symbol = "▶ ".to_string();
        for (file, theme) in &chain {
            if let Some(s) = &theme.symbol {
                symbol = s.clone();
            }
            for (role, spec) in &theme.styles {
                if !ROLES.iter().any(|(r, _)| r == role) {
                    return Err(ThemeError::Invalid {
                        file: file.clone(),
                        message: format!(
                            "unknown role '{role}' (see themes/README.md for the list)"
                        ),
                    });
                }
                specs.insert(role.clone(), spec.style(file, role)?);
            }
        }
        let mut resolved: BTreeMap<&str, Style> = BTreeMap::new();
        for (role, parent) in ROLES {
            let style = specs
                .get(*role)
                .copied()
                .or_else(|| parent.and_then(|p| resolved.get(p).copied()))
                .unwrap_or_default();
            resolved.insert(role, style);
        }
        let get = |r: &str| resolved.get(r).copied().unwrap_or_default();
        let mut theme = Theme {
            name: name.to_string(),
            symbol,
            base: get("base"),
            muted: get("muted"),
            border: get("border"),
            border_focused: get("border_focused"),
            title: get("title"),
            header: get("header"),
            selected: get("selected"),
            selected_marker: get("selected_marker"),
            match_hl: get("match_hl"),
            match_hl_selected: get("match_hl_selected"),
            prompt: get("prompt"),
            query: get("query"),
            counter: get("counter"),
            status_ok: get("status_ok"),
            status_warn: get("status_warn"),
            status_error: get("status_error"),
            expiry_ok: get("expiry_ok"),
            expiry_soon: get("expiry_soon"),
            expiry_gone: get("expiry_gone"),
            key_hint: get("key_hint"),
            help_key: get("help_key"),
            help_text: get("help_text"),
            menu: get("menu"),
            menu_selected: get("menu_selected"),
            tag_key: get("tag_key"),
            tag_value: get("tag_value"),
        };
        // Colour is never the only signal: matches are always bold and underlined.
        let emphasis = Modifier::BOLD | Modifier::UNDERLINED;
        theme.match_hl = theme.match_hl.add_modifier(emphasis);
        theme.match_hl_selected = theme.match_hl_selected.add_modifier(emphasis);
        if no_color {
            theme.strip_colours();
        }
        Ok(theme)
    }

    /// `NO_COLOR`: no colours at all; the selection shows by reverse video and its marker.
    fn strip_colours(&mut self) {
        for style in self.styles_mut() {
            style.fg = None;
            style.bg = None;
            style.underline_color = None;
        }
        for s in [
            &mut self.selected,
            &mut self.selected_marker,
            &mut self.match_hl_selected,
            &mut self.menu_selected,
        ] {
            *s = s.add_modifier(Modifier::REVERSED);
        }
    }

    fn styles_mut(&mut self) -> [&mut Style; 26] {
        [
            &mut self.base,
            &mut self.muted,
            &mut self.border,
            &mut self.border_focused,
            &mut self.title,
            &mut self.header,
            &mut self.selected,
            &mut self.selected_marker,
            &mut self.match_hl,
            &mut self.match_hl_selected,
            &mut self.prompt,
            &mut self.query,
            &mut self.counter,
            &mut self.status_ok,
            &mut self.status_warn,
            &mut self.status_error,
            &mut self.expiry_ok,
            &mut self.expiry_soon,
            &mut self.expiry_gone,
            &mut self.key_hint,
            &mut self.help_key,
            &mut self.help_text,
            &mut self.menu,
            &mut self.menu_selected,
            &mut self.tag_key,
            &mut self.tag_value,
        ]
    }

    /// The marker drawn in front of the selected row.
    pub fn selected_symbol(&self) -> &str {
        &self.symbol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn every_builtin_loads_and_marks_matches_without_colour() {
        let d = dir();
        for (name, _) in BUILTIN {
            let t = Theme::load(name, d.path(), false).unwrap();
            assert!(
                t.match_hl
                    .add_modifier
                    .contains(Modifier::BOLD | Modifier::UNDERLINED),
                "{name}"
            );
            assert!(!t.selected_symbol().trim().is_empty(), "{name}");
            assert_ne!(t.selected, t.base, "{name}: the selection must stand out");
        }
        assert_eq!(
            ROLES.len(),
            Theme::load("dark", d.path(), false)
                .unwrap()
                .clone()
                .styles_mut()
                .len()
        );
    }

    #[test]
    fn user_themes_inherit_and_missing_roles_fall_back_to_parents() {
        let d = dir();
        std::fs::create_dir_all(d.path().join("themes")).unwrap();
        std::fs::write(
            d.path().join("themes/mine.toml"),
            "inherits = \"dark\"\n[styles]\nselected = { fg = \"black\", bg = \"#ffaf00\" }\n",
        )
        .unwrap();
        let t = Theme::load("mine", d.path(), false).unwrap();
        assert_eq!(t.selected.bg, Some(Color::Rgb(0xff, 0xaf, 0x00)));
        let dark = Theme::load("dark", d.path(), false).unwrap();
        assert_eq!(t.header, dark.header);
        // A theme with only a base: everything derives from it.
        std::fs::write(
            d.path().join("themes/plain.toml"),
            "[styles]\nbase = { fg = \"blue\" }\n",
        )
        .unwrap();
        let p = Theme::load("plain", d.path(), false).unwrap();
        assert_eq!(p.expiry_gone.fg, Some(Color::Blue));
        assert_eq!(p.menu_selected.fg, Some(Color::Blue));
    }

    #[test]
    fn no_color_keeps_only_modifiers() {
        let t = Theme::load("dark", dir().path(), true).unwrap();
        let mut t2 = t.clone();
        assert!(
            t2.styles_mut()
                .iter()
                .all(|s| s.fg.is_none() && s.bg.is_none())
        );
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(
            t.match_hl
                .add_modifier
                .contains(Modifier::BOLD | Modifier::UNDERLINED)
        );
    }

    #[test]
    fn broken_themes_name_the_file_and_line() {
        let d = dir();
        let bad = d.path().join("bad.toml");
        std::fs::write(
            &bad,
            "[styles]\nbase = { fg = \"blue\" }\nmuted = { fg = \"nocolour\" }\n",
        )
        .unwrap();
        let err = Theme::load(bad.to_str().unwrap(), d.path(), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml") && err.contains("line 3"), "{err}");
        std::fs::write(&bad, "[styles]\nbse = { fg = \"blue\" }\n").unwrap();
        let err = Theme::load(bad.to_str().unwrap(), d.path(), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown role 'bse'"), "{err}");
        let err = Theme::load("nope", d.path(), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown theme 'nope'"), "{err}");
        std::fs::create_dir_all(d.path().join("themes")).unwrap();
        std::fs::write(d.path().join("themes/a.toml"), "inherits = \"a\"\n").unwrap();
        assert!(matches!(
            Theme::load("a", d.path(), false),
            Err(ThemeError::Loop(_))
        ));
    }
}
