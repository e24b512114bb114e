//! `PromptColors`: the selector's colour settings, keyed by go-prompt option names, with
//! aws-sso-cli's defaults and colour names.

use std::collections::BTreeMap;
use std::fmt;

/// A go-prompt colour name. Unknown names load as [`PromptColor::DefaultColor`], as in
/// aws-sso-cli (its zero value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PromptColor {
    DefaultColor,
    Black,
    DarkRed,
    DarkGreen,
    Brown,
    DarkBlue,
    Purple,
    Cyan,
    LightGray,
    DarkGray,
    Red,
    Green,
    Yellow,
    Blue,
    Fuchsia,
    Turquoise,
    White,
}

impl PromptColor {
    const TABLE: &'static [(&'static str, PromptColor)] = &[
        ("DefaultColor", PromptColor::DefaultColor),
        ("Black", PromptColor::Black),
        ("DarkRed", PromptColor::DarkRed),
        ("DarkGreen", PromptColor::DarkGreen),
        ("Brown", PromptColor::Brown),
        ("DarkBlue", PromptColor::DarkBlue),
        ("Purple", PromptColor::Purple),
        ("Cyan", PromptColor::Cyan),
        ("LightGrey", PromptColor::LightGray),
        ("LightGray", PromptColor::LightGray),
        ("DarkGrey", PromptColor::DarkGray),
        ("DarkGray", PromptColor::DarkGray),
        ("Red", PromptColor::Red),
        ("Green", PromptColor::Green),
        ("Yellow", PromptColor::Yellow),
        ("Blue", PromptColor::Blue),
        ("Fuchsia", PromptColor::Fuchsia),
        ("Turquoise", PromptColor::Turquoise),
        ("White", PromptColor::White),
    ];

    /// Look a colour name up (case-insensitive; `Grey` and `Gray` both work).
    pub fn from_name(name: &str) -> Option<PromptColor> {
        Self::TABLE
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(_, c)| *c)
    }

    /// The canonical go-prompt spelling.
    pub fn name(self) -> &'static str {
        match self {
            PromptColor::LightGray => "LightGray",
            PromptColor::DarkGray => "DarkGray",
            other => Self::TABLE
                .iter()
                .find(|(_, c)| *c == other)
                .map(|(n, _)| *n)
                .unwrap_or("DefaultColor"),
        }
    }
}

impl fmt::Display for PromptColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The selector colour options with their defaults, in go-prompt option-name order.
pub const PROMPT_COLOR_DEFAULTS: &[(&str, PromptColor)] = &[
    ("DescriptionBGColor", PromptColor::Turquoise),
    ("DescriptionTextColor", PromptColor::Black),
    ("InputBGColor", PromptColor::DefaultColor),
    ("InputTextColor", PromptColor::DefaultColor),
    ("PrefixBackgroundColor", PromptColor::DefaultColor),
    ("PrefixTextColor", PromptColor::Blue),
    ("PreviewSuggestionBGColor", PromptColor::DefaultColor),
    ("PreviewSuggestionTextColor", PromptColor::Green),
    ("ScrollbarBGColor", PromptColor::Cyan),
    ("ScrollbarThumbColor", PromptColor::LightGray),
    ("SelectedDescriptionBGColor", PromptColor::DarkGray),
    ("SelectedDescriptionTextColor", PromptColor::White),
    ("SelectedSuggestionBGColor", PromptColor::DarkGray),
    ("SelectedSuggestionTextColor", PromptColor::White),
    ("SuggestionBGColor", PromptColor::Cyan),
    ("SuggestionTextColor", PromptColor::White),
];

/// All sixteen selector colours, always populated (defaults overlaid by the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptColors(BTreeMap<&'static str, PromptColor>);

impl Default for PromptColors {
    fn default() -> Self {
        PromptColors(PROMPT_COLOR_DEFAULTS.iter().copied().collect())
    }
}

impl PromptColors {
    /// The colour for an option such as `SuggestionBGColor` (case-insensitive);
    /// `None` for a name that is not a go-prompt colour option.
    pub fn get(&self, option: &str) -> Option<PromptColor> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(option))
            .map(|(_, c)| *c)
    }

    /// Every option and its colour, sorted by option name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, PromptColor)> + '_ {
        self.0.iter().map(|(k, c)| (*k, *c))
    }

    /// Set an option by its canonical name; returns false for unknown option names.
    pub(crate) fn set(&mut self, option: &'static str, color: PromptColor) -> bool {
        match self.0.get_mut(option) {
            Some(slot) => {
                *slot = color;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_all_sixteen_options() {
        let colors = PromptColors::default();
        assert_eq!(colors.iter().count(), 16);
        assert_eq!(colors.get("suggestionbgcolor"), Some(PromptColor::Cyan));
        assert_eq!(
            colors.get("ScrollbarThumbColor"),
            Some(PromptColor::LightGray)
        );
        assert_eq!(colors.get("NoSuchOption"), None);
    }

    #[test]
    fn names_accept_grey_and_gray() {
        assert_eq!(
            PromptColor::from_name("LightGrey"),
            Some(PromptColor::LightGray)
        );
        assert_eq!(
            PromptColor::from_name("darkgray"),
            Some(PromptColor::DarkGray)
        );
        assert_eq!(PromptColor::from_name("Mauve"), None);
        assert_eq!(PromptColor::Fuchsia.name(), "Fuchsia");
    }
}
