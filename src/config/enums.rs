//! Closed value sets of `config.yaml` (URL actions, auth workflow, secure stores, log
//! levels, 1Password auth types) with their exact aws-sso-cli spellings.

use std::fmt;
use std::str::FromStr;

/// A value outside a closed set; its message lists what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", invalid_message(.what, .value, .allowed))]
pub struct InvalidValue {
    /// What kind of value was expected, e.g. `AuthWorkflow`.
    pub what: &'static str,
    pub value: String,
    pub allowed: &'static [&'static str],
}

fn invalid_message(what: &str, value: &str, allowed: &[&str]) -> String {
    let allowed = allowed.join(", ");
    // aws-sso-cli words URL-action errors as `invalid Action: <x>`; keep that prefix.
    if what == "Action" {
        format!("invalid Action: {value} (allowed: {allowed})")
    } else {
        format!("invalid {what} '{value}' (allowed: {allowed})")
    }
}

macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every accepted spelling, in aws-sso-cli's order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// Every value, in the same order as [`Self::NAMES`].
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical spelling written in `config.yaml`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = InvalidValue;

            /// Case-insensitive: aws-sso-cli users write `Open`, `PKCE`, `Info`.
            fn from_str(s: &str) -> Result<Self, InvalidValue> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
                    .ok_or_else(|| InvalidValue {
                        what: $what,
                        value: s.to_string(),
                        allowed: Self::NAMES,
                    })
            }
        }
    };
}

closed_enum! {
    /// What to do with a URL (login page, console sign-in link).
    UrlAction, "Action" {
        Clip => "clip",
        Exec => "exec",
        Print => "print",
        PrintUrl => "printurl",
        Open => "open",
        GrantedContainers => "granted-containers",
        OpenUrlInContainer => "open-url-in-container",
        AnsiOsc52 => "ansi-osc52",
    }
}

impl UrlAction {
    /// Firefox container actions (they need `UrlExecCommand` and a container name).
    pub fn is_container(self) -> bool {
        matches!(
            self,
            UrlAction::GrantedContainers | UrlAction::OpenUrlInContainer
        )
    }

    /// Actions that run `UrlExecCommand`.
    pub fn uses_exec_command(self) -> bool {
        self == UrlAction::Exec || self.is_container()
    }

    /// `ConfigProfilesUrlAction` follows `UrlAction` when unset, except that the
    /// print actions cannot work from `credential_process` and become `open`.
    pub fn for_config_profiles(self) -> UrlAction {
        match self {
            UrlAction::Print | UrlAction::PrintUrl => UrlAction::Open,
            other => other,
        }
    }
}

closed_enum! {
    /// The OIDC flow used to log in.
    AuthWorkflow, "AuthWorkflow" {
        DeviceCode => "device_code",
        Pkce => "pkce",
    }
}

closed_enum! {
    /// Where tokens and role credentials are kept.
    SecureStoreKind, "SecureStore" {
        File => "file",
        Keychain => "keychain",
        Kwallet => "kwallet",
        Pass => "pass",
        SecretService => "secret-service",
        Wincred => "wincred",
        Json => "json",
        OnePassword => "1password",
    }
}

closed_enum! {
    /// Log verbosity.
    LogLevel, "LogLevel" {
        Error => "error",
        Warn => "warn",
        Info => "info",
        Debug => "debug",
        Trace => "trace",
    }
}

closed_enum! {
    /// How the 1Password store authenticates.
    OnePasswordAuth, "OnePassword.AuthType" {
        Desktop => "desktop",
        ServiceAccount => "service-account",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_case_insensitive_and_round_trips() {
        for (i, name) in UrlAction::NAMES.iter().enumerate() {
            let parsed: UrlAction = name.to_uppercase().parse().unwrap();
            assert_eq!(parsed, UrlAction::ALL[i]);
            assert_eq!(parsed.as_str(), *name);
        }
        assert_eq!("PKCE".parse::<AuthWorkflow>().unwrap(), AuthWorkflow::Pkce);
        assert_eq!(
            "1password".parse::<SecureStoreKind>().unwrap(),
            SecureStoreKind::OnePassword
        );
    }

    #[test]
    fn unknown_value_lists_allowed() {
        let err = "verbose".parse::<LogLevel>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid LogLevel 'verbose' (allowed: error, warn, info, debug, trace)"
        );
    }

    #[test]
    fn url_action_errors_use_aws_sso_cli_wording() {
        let err = "firefox".parse::<UrlAction>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid Action: firefox (allowed: clip, exec, print, printurl, open, \
             granted-containers, open-url-in-container, ansi-osc52)"
        );
    }

    #[test]
    fn config_profiles_action_tracks_url_action() {
        assert_eq!(UrlAction::Print.for_config_profiles(), UrlAction::Open);
        assert_eq!(UrlAction::PrintUrl.for_config_profiles(), UrlAction::Open);
        assert_eq!(UrlAction::Clip.for_config_profiles(), UrlAction::Clip);
        assert!(UrlAction::OpenUrlInContainer.uses_exec_command());
        assert!(!UrlAction::Open.uses_exec_command());
    }
}
