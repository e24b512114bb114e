//! Firefox container URLs (`ext+container:` for the "Open external links in a container"
//! add-on, `ext+granted-containers:` for Granted's add-on) and the `Color`/`Icon` tag rules.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Container colours the add-ons accept, in the order the deterministic fallback indexes.
pub const COLORS: [&str; 8] = [
    "blue",
    "turquoise",
    "green",
    "yellow",
    "orange",
    "red",
    "pink",
    "purple",
];

/// Container icons the add-ons accept, in the order the deterministic fallback indexes.
pub const ICONS: [&str; 12] = [
    "fingerprint",
    "briefcase",
    "dollar",
    "cart",
    "gift",
    "vacation",
    "food",
    "fruit",
    "pet",
    "tree",
    "chill",
    "circle",
];

/// Which add-on's URL scheme to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// "Open external links in a container": `ext+container:`.
    OpenUrlInContainer,
    /// Granted's Firefox add-on: `ext+granted-containers:`.
    GrantedContainers,
}

impl ContainerKind {
    /// The URL scheme, including the colon.
    pub fn scheme(self) -> &'static str {
        match self {
            Self::OpenUrlInContainer => "ext+container:",
            Self::GrantedContainers => "ext+granted-containers:",
        }
    }
}

/// The container a URL should open in: its name plus the raw `Color`/`Icon` tag values
/// (empty or invalid values get the deterministic fallback).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Container {
    pub name: String,
    pub color: String,
    pub icon: String,
}

impl Container {
    /// A container for login URLs: named after the SSO instance, blue with a fingerprint.
    pub fn for_login(sso_name: &str) -> Self {
        Self {
            name: sso_name.to_owned(),
            color: "blue".to_owned(),
            icon: "fingerprint".to_owned(),
        }
    }
}

/// Index picked for an invalid/missing colour or icon: the sum of the name's bytes, wrapping
/// at 256 like the reference tool's uint8, modulo the list length. Stable across runs so a
/// profile keeps its colour.
pub fn fallback_index(name: &str, len: usize) -> usize {
    let sum = name.bytes().fold(0u8, u8::wrapping_add);
    usize::from(sum) % len
}

fn pick(list: &'static [&'static str], name: &str, value: &str) -> &'static str {
    let value = value.trim();
    list.iter()
        .find(|known| known.eq_ignore_ascii_case(value))
        .copied()
        .unwrap_or_else(|| list[fallback_index(name, list.len())])
}

/// The colour to use: `color` when it is a known colour (any case), else the fallback.
pub fn container_color(name: &str, color: &str) -> &'static str {
    pick(&COLORS, name, color)
}

/// The icon to use: `icon` when it is a known icon (any case), else the fallback.
pub fn container_icon(name: &str, icon: &str) -> &'static str {
    pick(&ICONS, name, icon)
}

/// Characters Go's `url.QueryEscape` leaves alone: ASCII letters, digits and `-_.~`.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Escapes `s` for use inside a query string the way Go's `url.QueryEscape` does (space → `+`),
/// which is what the container add-ons decode.
pub fn query_escape(s: &str) -> String {
    // `%` itself becomes `%25`, so every `%20` in the output stands for a space.
    utf8_percent_encode(s, QUERY)
        .to_string()
        .replace("%20", "+")
}

/// Builds `<scheme>name=<name>&url=<query-escaped url>&color=<c>&icon=<i>`.
/// The name goes in unescaped, as the add-ons and the reference tool expect.
pub fn container_url(
    kind: ContainerKind,
    name: &str,
    url: &str,
    color: &str,
    icon: &str,
) -> String {
    format!(
        "{}name={}&url={}&color={}&icon={}",
        kind.scheme(),
        name,
        query_escape(url),
        container_color(name, color),
        container_icon(name, icon),
    )
}
