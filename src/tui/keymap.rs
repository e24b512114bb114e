//! Keys to actions: readline/fzf-like defaults, overridable per action from config.yaml
//! (`KeyBindings: {copy_arn: "alt-a, f5", suspend: none}`). Resolving a key is a pure
//! lookup; printable characters without Ctrl/Alt are typed into the query instead.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// What a key press means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyResult {
    Action(Action),
    /// A character for the query.
    Insert(char),
    Ignored,
}

/// A key with its modifiers, normalised (no Shift on characters: `?` is `?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    mods: KeyModifiers,
}

impl Key {
    fn of(event: &KeyEvent) -> Key {
        let mut mods =
            event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match event.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    /// Short form for the footer: `^O`, `M-a`, `F1`, `Enter`.
    fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "BS".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other:?}"),
        };
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push('^');
            return s + &base.to_uppercase();
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("M-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            s.push_str("S-");
        }
        s + &base
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeymapError {
    #[error(
        "unknown action '{0}' in KeyBindings (see the keys listed by `?` in the picker, e.g. copy_arn)"
    )]
    UnknownAction(String),
    #[error(
        "unknown key '{key}' for {action} in KeyBindings (write keys like ctrl-o, alt-a, f5, enter, pageup; 'none' unbinds)"
    )]
    UnknownKey { action: String, key: String },
}

/// Parse `ctrl-n`, `alt-b`, `shift-up`, `f1`, `pageup`, `enter`, `esc`, `tab`, `ctrl-/`, `x`.
pub fn parse_key(text: &str) -> Option<Key> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl-") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt-") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        // `ctrl--` and the like: a lone `-` after the prefix is the key itself.
        if rest.len() == len {
            return None;
        }
        mods |= m;
        rest = &rest[len..];
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bs" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        "comma" => KeyCode::Char(','),
        f if f.len() >= 2 && f.starts_with('f') && f[1..].bytes().all(|b| b.is_ascii_digit()) => {
            let n: u8 = f[1..].parse().ok()?;
            if !(1..=24).contains(&n) {
                return None;
            }
            KeyCode::F(n)
        }
        _ => {
            let mut chars = rest.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            KeyCode::Char(c)
        }
    };
    Some(Key::of(&KeyEvent::new(code, mods)))
}

const DEFAULTS: &[(Action, &str)] = &[
    (Action::Up, "up, ctrl-p, ctrl-k"),
    (Action::Down, "down, ctrl-n, ctrl-j"),
    (Action::PageUp, "pageup"),
    (Action::PageDown, "pagedown"),
    (Action::Home, "home"),
    (Action::End, "end"),
    (Action::Accept, "enter"),
    (Action::Cancel, "esc, ctrl-c, ctrl-g"),
    (Action::OpenConsole, "ctrl-o"),
    (Action::ActionMenu, "ctrl-x"),
    (Action::CopyExports, "ctrl-y"),
    (Action::CopyConsoleUrl, "alt-u"),
    (Action::CopyArn, "alt-a"),
    (Action::CopyProfile, "alt-p"),
    (Action::Refresh, "ctrl-r"),
    (Action::Login, "ctrl-l"),
    (Action::SwitchInstance, "ctrl-s"),
    (Action::TogglePanes, "tab"),
    (Action::ToggleDetails, "f2"),
    (Action::ToggleExpiry, "f3"),
    (Action::ToggleHistory, "f4"),
    (Action::Help, "f1, ctrl-/, ctrl-_"),
    (Action::Suspend, "ctrl-z"),
    (Action::CycleRegion, "alt-r"),
    (Action::CursorLeft, "left, ctrl-b"),
    (Action::CursorRight, "right, ctrl-f"),
    (Action::CursorStart, "ctrl-a"),
    (Action::CursorEnd, "ctrl-e"),
    (Action::WordLeft, "alt-b, ctrl-left"),
    (Action::WordRight, "alt-f, ctrl-right"),
    (Action::DeleteBack, "backspace, ctrl-h"),
    (Action::DeleteForward, "delete, ctrl-d"),
    (Action::DeleteWord, "ctrl-w, alt-backspace"),
    (Action::DeleteToStart, "ctrl-u"),
];

#[derive(Debug, Clone)]
pub struct Keymap {
    keys: HashMap<Key, Action>,
    /// Per action, its keys in the order given (the first is shown in hints).
    by_action: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::with_overrides(&BTreeMap::new()).unwrap_or_else(|_| Keymap {
            keys: HashMap::new(),
            by_action: BTreeMap::new(),
        })
    }
}

fn parse_list(action: Action, list: &str) -> Result<Vec<Key>, KeymapError> {
    if list.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    // Keys are comma separated; the comma key itself is written `comma`.
    let mut keys = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        keys.push(parse_key(part).ok_or_else(|| KeymapError::UnknownKey {
            action: action.name(),
            key: part.to_string(),
        })?);
    }
    Ok(keys)
}

impl Keymap {
    /// The defaults with `overrides` (action name → keys) applied. A key given to an action
    /// is taken from whichever action had it by default.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> Result<Keymap, KeymapError> {
        let mut by_action: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        for (action, keys) in DEFAULTS {
            by_action.insert(*action, parse_list(*action, keys)?);
        }
        let mut claimed = Vec::new();
        for (name, keys) in overrides {
            let action =
                Action::from_name(name).ok_or_else(|| KeymapError::UnknownAction(name.clone()))?;
            let keys = parse_list(action, keys)?;
            claimed.extend(keys.iter().copied());
            by_action.insert(action, keys);
        }
        let explicit: Vec<Action> = overrides
            .keys()
            .filter_map(|n| Action::from_name(n))
            .collect();
        for (action, keys) in by_action.iter_mut() {
            if !explicit.contains(action) {
                keys.retain(|k| !claimed.contains(k));
            }
        }
        let mut map = HashMap::new();
        for (action, keys) in &by_action {
            for k in keys {
                map.insert(*k, *action);
            }
        }
        Ok(Keymap {
            keys: map,
            by_action,
        })
    }

    pub fn resolve(&self, event: &KeyEvent) -> KeyResult {
        let key = Key::of(event);
        if let Some(action) = self.keys.get(&key) {
            return KeyResult::Action(*action);
        }
        match key.code {
            KeyCode::Char(c)
                if !key
                    .mods
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                KeyResult::Insert(c)
            }
            _ => KeyResult::Ignored,
        }
    }

    /// The first key of `action`, as the footer shows it.
    pub fn hint(&self, action: Action) -> Option<String> {
        self.by_action.get(&action)?.first().map(Key::label)
    }

    /// Every bound action with its keys, for the help overlay (in `Action::ALL` order).
    pub fn bindings(&self) -> Vec<(String, Action)> {
        Action::ALL
            .iter()
            .filter_map(|a| {
                let keys = self.by_action.get(a)?;
                (!keys.is_empty()).then(|| {
                    (
                        keys.iter().map(Key::label).collect::<Vec<_>>().join(" "),
                        *a,
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_feel_native_and_characters_are_typed() {
        let k = Keymap::default();
        let c = KeyModifiers::CONTROL;
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('n'), c)),
            KeyResult::Action(Action::Down)
        );
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('K'), c | KeyModifiers::SHIFT)),
            KeyResult::Action(Action::Up)
        );
        assert_eq!(
            k.resolve(&ev(KeyCode::Esc, KeyModifiers::NONE)),
            KeyResult::Action(Action::Cancel)
        );
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('c'), c)),
            KeyResult::Action(Action::Cancel)
        );
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('a'), KeyModifiers::ALT)),
            KeyResult::Action(Action::CopyArn)
        );
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('A'), KeyModifiers::SHIFT)),
            KeyResult::Insert('A')
        );
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            KeyResult::Insert('?')
        );
        assert_eq!(k.resolve(&ev(KeyCode::Char('q'), c)), KeyResult::Ignored);
        assert_eq!(
            k.resolve(&ev(KeyCode::F(1), KeyModifiers::NONE)),
            KeyResult::Action(Action::Help)
        );
        assert_eq!(k.hint(Action::OpenConsole).as_deref(), Some("^O"));
        assert_eq!(k.hint(Action::CopyArn).as_deref(), Some("M-a"));
        assert_eq!(k.hint(Action::Accept).as_deref(), Some("Enter"));
    }

    #[test]
    fn overrides_rebind_unbind_and_steal_keys() {
        let mut o = BTreeMap::new();
        o.insert("copy_arn".to_string(), "ctrl-o, f5".to_string());
        o.insert("suspend".to_string(), "none".to_string());
        let k = Keymap::with_overrides(&o).unwrap();
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('o'), KeyModifiers::CONTROL)),
            KeyResult::Action(Action::CopyArn)
        );
        assert_eq!(
            k.resolve(&ev(KeyCode::F(5), KeyModifiers::NONE)),
            KeyResult::Action(Action::CopyArn)
        );
        assert_eq!(k.hint(Action::OpenConsole), None, "its only key was taken");
        assert_eq!(
            k.resolve(&ev(KeyCode::Char('z'), KeyModifiers::CONTROL)),
            KeyResult::Ignored
        );
        assert!(k.bindings().iter().all(|(_, a)| *a != Action::Suspend));
    }

    #[test]
    fn bad_bindings_are_named() {
        let mut o = BTreeMap::new();
        o.insert("fly".to_string(), "f1".to_string());
        assert_eq!(
            Keymap::with_overrides(&o).unwrap_err(),
            KeymapError::UnknownAction("fly".into())
        );
        let mut o = BTreeMap::new();
        o.insert("up".to_string(), "ctrl-up, hyper-x".to_string());
        let err = Keymap::with_overrides(&o).unwrap_err().to_string();
        assert!(err.contains("'hyper-x'") && err.contains("up"), "{err}");
    }

    #[test]
    fn key_strings_parse() {
        assert_eq!(parse_key("Ctrl-N"), parse_key("ctrl-n"));
        assert!(
            parse_key("f13").is_some() && parse_key("f25").is_none() && parse_key("f").is_some()
        );
        assert!(
            parse_key("ctrl-").is_none() && parse_key("").is_none() && parse_key("ab").is_none()
        );
        assert_eq!(
            parse_key("alt-comma"),
            Some(Key::of(&KeyEvent::new(
                KeyCode::Char(','),
                KeyModifiers::ALT
            )))
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in ".{0,20}") {
            let _ = parse_key(&s);
            let mut o = BTreeMap::new();
            o.insert("up".to_string(), s);
            let _ = Keymap::with_overrides(&o);
        }
    }
}
