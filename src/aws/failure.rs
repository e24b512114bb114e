//! What went wrong on the way to an AWS endpoint, in words a person can act on, and which of
//! those failures are worth another attempt.
//!
//! The SDK's own rendering of a transport error (`DisplayErrorContext`) ends in the Rust debug
//! structure of the whole error; nothing here ever prints that. A refused connection, an
//! unknown host name or a network with no route to the host will not get better within the
//! seconds a retry waits, so [`FailFast`] forbids retrying them and the user hears at once.

use std::error::Error as StdError;
use std::fmt;

use aws_sdk_sso::config::interceptors::InterceptorContext;
use aws_sdk_sso::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_sso::error::SdkError;

/// A failure to get an answer from an endpoint (as opposed to an answer that says no).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Nothing listens at that address and port.
    Refused,
    /// The host name does not resolve.
    Dns,
    /// The host or its network cannot be reached from here.
    NoRoute,
    /// No answer before the deadline; `after` is the deadline as the SDK reported it (`2s`).
    TimedOut { after: Option<String> },
    /// Anything else (reset connection, TLS failure, unreadable reply): its innermost cause.
    Other(String),
}

impl Transport {
    /// The transport failure inside an SDK error; `None` when the endpoint answered (a
    /// service error, or a reply that could not be read) or the request was never built.
    pub fn of<E, R>(err: &SdkError<E, R>) -> Option<Transport>
    where
        E: StdError + 'static,
        R: fmt::Debug,
    {
        match err {
            SdkError::TimeoutError(_) => Some(Transport::TimedOut {
                after: source_of(err).and_then(deadline_text),
            }),
            SdkError::DispatchFailure(_) => {
                Some(source_of(err).map_or(Transport::Other(String::new()), Transport::of_chain))
            }
            _ => None,
        }
    }

    /// Reads a transport error's cause chain (a connector error and what it wraps).
    pub fn of_chain(err: &(dyn StdError + 'static)) -> Transport {
        let mut leaf = err;
        let mut cur = Some(err);
        let mut timeout = false;
        while let Some(e) = cur {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                match io.kind() {
                    std::io::ErrorKind::ConnectionRefused => return Transport::Refused,
                    std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable => {
                        return Transport::NoRoute;
                    }
                    std::io::ErrorKind::TimedOut => timeout = true,
                    _ => {}
                }
            }
            let text = e.to_string();
            // hyper-util's resolver failure: `dns error` over the resolver's own text.
            if text == "dns error" {
                return Transport::Dns;
            }
            timeout |= text == "timeout" || text.contains("timed out");
            leaf = e;
            cur = e.source();
        }
        if timeout {
            return Transport::TimedOut {
                after: deadline_text(leaf),
            };
        }
        Transport::Other(one_line(&leaf.to_string()))
    }

    /// True when another attempt cannot help within the seconds a retry waits.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Transport::Refused | Transport::Dns | Transport::NoRoute
        )
    }

    /// True when the deadline ran out (the advice then says how to allow more time).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Transport::TimedOut { .. })
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Refused => f.write_str("connection refused (nothing listens there)"),
            Transport::Dns => f.write_str("the host name does not resolve (DNS lookup failed)"),
            Transport::NoRoute => f.write_str("no route to the host"),
            Transport::TimedOut { after: Some(d) } => write!(f, "no answer within {d}"),
            Transport::TimedOut { after: None } => f.write_str("no answer in time"),
            Transport::Other(text) if text.is_empty() => f.write_str("the connection failed"),
            Transport::Other(text) => write!(f, "the connection failed ({text})"),
        }
    }
}

/// The advice that ends a transport error's line, for an endpoint whose address comes from
/// `settings` (e.g. `SSORegion and AWS_ENDPOINT_URL_SSO*`).
pub fn advice(failure: &Transport, settings: &str) -> String {
    if failure.is_timeout() {
        format!(
            "check the network, {settings}, or allow more time (AWS_SSO_TIMEOUT, or ApiTimeout / ProcessTimeout in config.yaml)"
        )
    } else {
        format!("check the network, {settings}")
    }
}

/// The innermost cause of `err` on one line (for replies that could not be read).
pub fn innermost(err: &(dyn StdError + 'static)) -> String {
    let mut leaf = err;
    while let Some(next) = leaf.source() {
        leaf = next;
    }
    one_line(&leaf.to_string())
}

fn source_of<E, R>(err: &SdkError<E, R>) -> Option<&(dyn StdError + 'static)>
where
    E: StdError + 'static,
    R: fmt::Debug,
{
    StdError::source(err)
}

/// `2s` out of the SDK's `operation timeout (…) occurred after 2s`.
fn deadline_text(err: &(dyn StdError + 'static)) -> Option<String> {
    let text = err.to_string();
    let (_, after) = text.rsplit_once("occurred after ")?;
    let after = after.trim();
    (!after.is_empty() && after.len() < 16).then(|| after.to_string())
}

/// Control characters out, whitespace runs folded, at most 160 characters: the text ends up
/// in a one-line error on a terminal.
fn one_line(text: &str) -> String {
    let folded: String = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if folded.chars().count() > 160 {
        let mut cut: String = folded.chars().take(160).collect();
        cut.push('…');
        cut
    } else {
        folded
    }
}

/// The SDK retry classifier that forbids retrying a failure [`Transport::is_final`] calls
/// final. The SDK's own transient-error classifier would otherwise retry a refused
/// connection `MaxRetry` times with backoff: half a minute before the user hears anything.
#[derive(Debug, Clone, Copy, Default)]
pub struct FailFast;

impl ClassifyRetry for FailFast {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let connector = match ctx.output_or_error() {
            Some(Err(err)) => err.as_connector_error(),
            _ => None,
        };
        match connector {
            Some(c) if Transport::of_chain(c).is_final() => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "aws-sso fail fast on refused connections and DNS failures"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrap(&'static str, Box<dyn StdError + Send + Sync>);
    impl fmt::Display for Wrap {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Wrap {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&*self.1)
        }
    }

    #[test]
    fn reads_the_cause_chain() {
        let refused = Wrap(
            "client error (Connect)",
            Box::new(Wrap(
                "tcp connect error",
                Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
            )),
        );
        assert_eq!(Transport::of_chain(&refused), Transport::Refused);
        let dns = Wrap(
            "client error (Connect)",
            Box::new(Wrap(
                "dns error",
                Box::new(std::io::Error::other(
                    "failed to lookup address information",
                )),
            )),
        );
        assert_eq!(Transport::of_chain(&dns), Transport::Dns);
        assert!(Transport::Refused.is_final() && Transport::Dns.is_final());
        let reset = Wrap(
            "io error",
            Box::new(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "connection reset\nby peer",
            )),
        );
        let got = Transport::of_chain(&reset);
        assert_eq!(got, Transport::Other("connection reset by peer".into()));
        assert!(!got.is_final());
        let timeout = std::io::Error::other("operation timeout (all attempts) occurred after 2s");
        let wrapped = Wrap("timeout", Box::new(timeout));
        assert_eq!(
            Transport::of_chain(&wrapped).to_string(),
            "no answer within 2s"
        );
    }

    #[test]
    fn advice_mentions_the_deadline_only_for_timeouts() {
        let setting = "AWS_ENDPOINT_URL_SSO";
        assert!(!advice(&Transport::Refused, setting).contains("AWS_SSO_TIMEOUT"));
        assert!(advice(&Transport::TimedOut { after: None }, setting).contains("AWS_SSO_TIMEOUT"));
    }
}
