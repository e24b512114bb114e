//! Getting the login URL to a person: the lines written to the terminal (always, whatever the
//! URL action, so a login can be finished by hand when no browser opens) and the URL action
//! itself, behind the [`UrlOpener`] trait so tests can put a fake browser there.

use std::io::Write;

use crate::config::UrlAction;
use crate::urlaction::{self, Container, UrlContext};

use super::Authenticator;

/// Carries out a URL action for a login URL.
pub trait UrlOpener: Send + Sync {
    /// Do `action` with `url`. Login URLs open in a container named after SSO instance
    /// `instance` (blue, fingerprint) when the action is a container action. The print actions
    /// write to `out`. Returns a one-line reason on failure.
    fn open(
        &self,
        action: UrlAction,
        url: &str,
        instance: &str,
        out: &mut dyn Write,
    ) -> Result<(), String>;
}

/// The real thing: [`urlaction::perform`] with the `Browser` and `UrlExecCommand` settings.
#[derive(Debug, Clone, Default)]
pub struct ActionOpener {
    /// `--browser` / `$AWS_SSO_BROWSER` / `Browser`; empty means the system opener.
    pub browser: String,
    /// `UrlExecCommand`.
    pub exec_command: Vec<String>,
}

impl UrlOpener for ActionOpener {
    fn open(
        &self,
        action: UrlAction,
        url: &str,
        instance: &str,
        out: &mut dyn Write,
    ) -> Result<(), String> {
        // config and urlaction name the same actions; go through the shared spelling.
        let action: urlaction::UrlAction = action.as_str().parse().map_err(|e| format!("{e}"))?;
        let mut ctx = UrlContext {
            browser: Some(self.browser.clone()).filter(|b| !b.trim().is_empty()),
            exec_command: self.exec_command.clone(),
            container: Some(Container::for_login(instance)),
            stderr: out,
        };
        // A copied URL keeps being served by a background thread after the hold is dropped.
        urlaction::perform(action, url, &mut ctx)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// The line(s) shown before the URL action runs; empty for the print actions, which show the
/// URL themselves.
pub fn url_lines(action: UrlAction, url: &str) -> String {
    match action {
        UrlAction::Print | UrlAction::PrintUrl => String::new(),
        UrlAction::Clip | UrlAction::AnsiOsc52 => {
            format!(
                "Open this URL in your browser to log in (it is also on your clipboard):\n\n{url}\n\n"
            )
        }
        _ => format!(
            "Opening the login page in your browser. If it does not open, go to:\n\n{url}\n\n"
        ),
    }
}

impl Authenticator {
    /// Tell the person where to log in, then run the URL action. Failures only warn: the URL
    /// is on the terminal and the flow keeps waiting.
    pub(crate) fn show_url(&self, action: UrlAction, url: &str, out: &mut (dyn Write + Send)) {
        // Writes are best effort: a closed stderr must not abort a login that can still work.
        let _ = out.write_all(url_lines(action, url).as_bytes());
        if let Err(reason) = self.opener.open(action, url, &self.settings.instance, out) {
            tracing::warn!(action = %action, "cannot open the login URL: {reason}");
            let _ = write!(
                out,
                "Could not {action} the login URL ({reason}); open it yourself:\n\n{url}\n\n"
            );
        }
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_but_print_gets_a_line_with_the_url() {
        for &action in UrlAction::ALL {
            let lines = url_lines(action, "https://x/authorize?a=b");
            match action {
                UrlAction::Print | UrlAction::PrintUrl => assert!(lines.is_empty()),
                _ => assert!(
                    lines.contains("\nhttps://x/authorize?a=b\n"),
                    "{action}: {lines}"
                ),
            }
        }
    }
}
