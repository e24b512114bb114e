//! Everything the picker shows, as plain data: the query, the selection and scroll position,
//! the match counts, which panes and overlay are open, the session and refresh status. The
//! loop owns one [`State`]; [`super::update`] changes it and `view` draws it.

pub use super::layout::Panes;
use crate::catalog::ListField;
use crate::matcher::MatchStatus;
use crate::roster::PickRole;

use super::input::LineInput;
use super::keymap::KeyResult;
use crate::app::picker::{Copyable, Delivered, Readiness};

/// How the picker was started, which decides what Enter does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// Plain `aws-sso`: Enter opens the action menu.
    Menu,
    Eval,
    Exec,
    Console,
    Credentials,
}

/// What runs after the picker closes, through the same code as the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Eval,
    Exec,
    Console,
    Credentials,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Chosen {
        role: PickRole,
        choice: Choice,
        /// A region picked in the picker instead of the role's DefaultRegion.
        region: Option<String>,
    },
    Cancelled,
}

/// The entries of the action menu (plain `aws-sso`), in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    Run(Choice),
    Copy(Copyable),
}

pub const MENU: [MenuItem; 7] = [
    MenuItem::Run(Choice::Exec),
    MenuItem::Run(Choice::Console),
    MenuItem::Run(Choice::Eval),
    MenuItem::Copy(Copyable::Exports),
    MenuItem::Copy(Copyable::ConsoleUrl),
    MenuItem::Copy(Copyable::Arn),
    MenuItem::Copy(Copyable::Profile),
];

impl MenuItem {
    pub fn label(self) -> &'static str {
        match self {
            MenuItem::Run(Choice::Exec) => "Start a shell with these credentials",
            MenuItem::Run(Choice::Console) => "Open the AWS console",
            MenuItem::Run(Choice::Eval) => "Print the exports",
            MenuItem::Run(Choice::Credentials) => "Print a credentials file stanza",
            MenuItem::Copy(Copyable::Exports) => "Copy the exports",
            MenuItem::Copy(Copyable::ConsoleUrl) => "Copy a console sign-in URL",
            MenuItem::Copy(Copyable::Arn) => "Copy the ARN",
            MenuItem::Copy(Copyable::Profile) => "Copy the profile name",
        }
    }
}

/// A modal layer drawn over the list; keys go to it first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Menu {
        selected: usize,
    },
    /// A login in progress: the lines the person must act on (URL, device code).
    Login {
        lines: Vec<String>,
        done: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    Idle,
    Running,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A one-line message in the status bar, cleared after a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub level: Level,
    pub text: String,
    /// Unix seconds after which it is dropped.
    pub until: i64,
}

/// A recently used role, for the history pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Recent {
    pub label: String,
    pub arn: String,
    pub used_at: i64,
}

/// Fixed for the picker's lifetime: what the config asked for.
#[derive(Debug, Clone)]
pub struct Settings {
    pub launch: Launch,
    /// Table columns (`ListFields`).
    pub fields: Vec<ListField>,
    /// Every SSO instance in the list; more than one adds a column and instance switching.
    pub instances: Vec<String>,
    /// The tag listed first in the details pane (`FirstTag`).
    pub first_tag: String,
    /// Where the account's description comes from (`AccountPrimaryTag`).
    pub account_primary_tag: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub settings: Settings,
    pub input: LineInput,
    /// The selected position among the matches, and the first one on screen.
    pub cursor: u32,
    pub offset: u32,
    pub matches: MatchStatus,
    /// The role at `cursor`, as the matcher last reported it (`Msg::Selected`).
    pub selected: Option<PickRole>,
    pub panes: Panes,
    pub overlay: Overlay,
    /// Lines the help overlay is scrolled down.
    pub help_scroll: u16,
    pub refresh: Refresh,
    pub instance: String,
    /// Only roles of this instance, when set (cycled with SwitchInstance).
    pub scope: Option<String>,
    pub session_expires: Option<i64>,
    pub status: Option<Status>,
    pub recent: Vec<Recent>,
    /// Seconds a copied secret stays on the clipboard (`ClipboardClearSeconds`; 0: as long as
    /// any copy).
    pub clipboard_clear_secs: u64,
    /// The region picked for the action (`CycleRegion`); `None`: the role's DefaultRegion.
    pub region: Option<String>,
    /// The action Enter chose, waiting for the role's credentials (and maybe a login).
    pub pending: Option<(PickRole, Choice)>,
    pub now: i64,
    pub size: (u16, u16),
    /// Something changed since the last frame.
    pub dirty: bool,
}

impl State {
    pub fn new(settings: Settings, instance: String, now: i64) -> State {
        State {
            settings,
            input: LineInput::default(),
            cursor: 0,
            offset: 0,
            matches: MatchStatus {
                changed: false,
                running: false,
                matched: 0,
                total: 0,
            },
            selected: None,
            panes: Panes::default(),
            overlay: Overlay::None,
            help_scroll: 0,
            refresh: Refresh::Idle,
            instance,
            scope: None,
            session_expires: None,
            status: None,
            recent: Vec::new(),
            pending: None,
            region: None,
            clipboard_clear_secs: 30,
            now,
            size: (80, 24),
            dirty: true,
        }
    }

    /// Rows of roles the list shows at this size with these panes: the layout `view` draws
    /// with, so paging and scrolling agree with the screen.
    pub fn list_height(&self) -> u16 {
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        super::layout::areas(area, self.panes).list_rows()
    }

    /// The query the matcher gets: the instance scope (a field filter) plus what was typed.
    pub fn matcher_query(&self) -> String {
        match &self.scope {
            Some(sso) => format!(
                "sso:{} {}",
                sso.replace(char::is_whitespace, "_"),
                self.input.text()
            ),
            None => self.input.text().to_string(),
        }
    }

    /// The region the action will use for `role`: the one picked, else its DefaultRegion
    /// (empty: none).
    pub fn region_for<'a>(&'a self, role: &'a PickRole) -> &'a str {
        self.region.as_deref().unwrap_or(&role.region)
    }

    pub fn session_live(&self) -> bool {
        self.session_expires.is_some_and(|e| e > self.now)
    }
}

/// Everything the loop feeds to [`super::update::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyResult),
    Paste(String),
    /// Mouse wheel: positive is down.
    Scroll(i32),
    /// A click on the n-th visible list row.
    Click(u16),
    Resize(u16, u16),
    Matched(MatchStatus),
    /// Put the cursor on this position (the previously selected role after a refresh).
    Reselect(u32),
    Selected(Option<PickRole>),
    Tick(i64),
    Recent(Vec<Recent>),
    RefreshStarted,
    RefreshDone(Result<(Option<i64>, String), String>),
    LoginLine(String),
    LoginDone(Result<i64, String>),
    Copied(Copyable, Result<Delivered, String>),
    /// Whether the pending action's credentials could be had (`Effect::Prepare`).
    Prepared(Result<Readiness, String>),
    SessionExpires(Option<i64>),
    /// The picker is back on the screen after a suspend (Ctrl-Z, then `fg`): draw it again.
    Resumed,
}

/// What the loop must do after an update (the only way `update` reaches the world).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Give the matcher this query.
    Query(String),
    /// Look up the role at this position and send it back as `Msg::Selected`.
    Select(u32),
    /// Move the cursor to the role with this ARN, when it is among the matches.
    SelectArn(String),
    Refresh,
    Login,
    Copy(PickRole, Copyable),
    /// Get the role's credentials ready for the chosen action (answered by `Msg::Prepared`).
    Prepare(PickRole),
    Suspend,
    Exit(Outcome),
}
