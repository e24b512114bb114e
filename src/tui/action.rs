//! Every user intent of the picker. The names (snake_case) are what `KeyBindings` in
//! config.yaml refers to; the descriptions fill the `?` help.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Accept,
    Cancel,
    OpenConsole,
    CopyExports,
    CopyConsoleUrl,
    CopyArn,
    CopyProfile,
    Refresh,
    Login,
    SwitchInstance,
    ToggleDetails,
    ToggleExpiry,
    ToggleHistory,
    TogglePanes,
    Help,
    ActionMenu,
    Suspend,
    CycleRegion,
    CursorLeft,
    CursorRight,
    CursorStart,
    CursorEnd,
    WordLeft,
    WordRight,
    DeleteBack,
    DeleteForward,
    DeleteWord,
    DeleteToStart,
}

impl Action {
    pub const ALL: [Action; 34] = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Home,
        Action::End,
        Action::Accept,
        Action::Cancel,
        Action::OpenConsole,
        Action::CopyExports,
        Action::CopyConsoleUrl,
        Action::CopyArn,
        Action::CopyProfile,
        Action::Refresh,
        Action::Login,
        Action::SwitchInstance,
        Action::ToggleDetails,
        Action::ToggleExpiry,
        Action::ToggleHistory,
        Action::TogglePanes,
        Action::Help,
        Action::ActionMenu,
        Action::Suspend,
        Action::CycleRegion,
        Action::CursorLeft,
        Action::CursorRight,
        Action::CursorStart,
        Action::CursorEnd,
        Action::WordLeft,
        Action::WordRight,
        Action::DeleteBack,
        Action::DeleteForward,
        Action::DeleteWord,
        Action::DeleteToStart,
    ];

    /// The config name, e.g. `copy_arn`.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name.trim())
    }

    pub fn description(self) -> &'static str {
        match self {
            Action::Up => "previous role",
            Action::Down => "next role",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Home => "first role",
            Action::End => "last role",
            Action::Accept => "choose the role (what the command is for)",
            Action::Cancel => "close a box, or leave without choosing (status 130)",
            Action::OpenConsole => "open the AWS console as the role",
            Action::CopyExports => "copy the role's exports",
            Action::CopyConsoleUrl => "copy a console sign-in URL",
            Action::CopyArn => "copy the role's ARN",
            Action::CopyProfile => "copy the profile name",
            Action::Refresh => "refresh the role cache now",
            Action::Login => "log in again",
            Action::SwitchInstance => "show one SSO instance / all",
            Action::ToggleDetails => "show/hide the details pane",
            Action::ToggleExpiry => "show/hide the expiry pane",
            Action::ToggleHistory => "show/hide the history pane",
            Action::TogglePanes => "show/hide all panes",
            Action::Help => "this help",
            Action::ActionMenu => "actions for the role (copy, console, shell)",
            Action::Suspend => "suspend (fg resumes; inside $(…) a shell, exit resumes)",
            Action::CycleRegion => "next region for the action (the role's DefaultRegion first)",
            Action::CursorLeft => "cursor left",
            Action::CursorRight => "cursor right",
            Action::CursorStart => "cursor to start of query",
            Action::CursorEnd => "cursor to end of query",
            Action::WordLeft => "word left",
            Action::WordRight => "word right",
            Action::DeleteBack => "delete before the cursor",
            Action::DeleteForward => "delete at the cursor",
            Action::DeleteWord => "delete the word before the cursor",
            Action::DeleteToStart => "clear to the start of the query",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_action_is_listed_once() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(&a.name()), Some(a));
            assert!(!a.description().is_empty());
        }
        let mut sorted = Action::ALL.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), Action::ALL.len());
        assert_eq!(Action::CopyConsoleUrl.name(), "copy_console_url");
        assert_eq!(Action::from_name("nope"), None);
    }
}
