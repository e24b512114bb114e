//! Which requests the server will look at at all, whatever the auth mode: the `Host` check
//! against DNS rebinding, and the refusal of anything a web browser sent.
//!
//! DNS rebinding: a web page on `evil.example` re-points that name to 127.0.0.1, and its
//! scripts then talk to the server as if it were their own site, sending `Host: evil.example`.
//! Rebinding needs a name the attacker controls, so the server answers only a `Host` that is a
//! loopback address, `localhost`, the address it was told to bind (any IP address when that is
//! 0.0.0.0 or `::`: an address literal cannot be rebound), or a name the user allowed
//! (`--allow-host`). The port is not checked: forwarding (ssh, Docker) changes it.

use std::net::IpAddr;

use hyper::HeaderMap;
use hyper::header::{HeaderValue, ORIGIN};
use hyper::http::uri::Authority;

/// The `Host` values a listener answers.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    /// `None`: any `Host` (a unix socket, which no browser can open).
    bind: Option<IpAddr>,
    /// Lower-case names allowed besides `localhost`.
    names: Vec<String>,
}

impl HostPolicy {
    /// A TCP listener bound to `bind`, also answering the names in `names`.
    pub fn tcp(bind: IpAddr, names: &[String]) -> HostPolicy {
        HostPolicy {
            bind: Some(bind.to_canonical()),
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
        }
    }

    /// Loopback and `localhost` only.
    pub fn loopback() -> HostPolicy {
        HostPolicy::tcp(IpAddr::from([127, 0, 0, 1]), &[])
    }

    /// Any `Host`: for a unix socket. Browsers cannot connect to one, so no page can rebind
    /// to it, and curl sends whatever host its URL names.
    pub fn any() -> HostPolicy {
        HostPolicy {
            bind: None,
            names: Vec::new(),
        }
    }

    /// Whether a request with this `Host` header (if any) is for us. A request without one
    /// is refused on TCP: HTTP/1.1 requires it and every SDK sends it.
    pub fn admits(&self, host: Option<&HeaderValue>) -> bool {
        let Some(bind) = self.bind else {
            return true;
        };
        let Some(host) = host.and_then(|h| h.to_str().ok()) else {
            return false;
        };
        // `Authority` would also take `user@host`; a Host header never carries one.
        if host.contains('@') {
            return false;
        }
        let Ok(authority) = host.parse::<Authority>() else {
            return false;
        };
        let name = authority.host();
        let literal = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        match literal.parse::<IpAddr>() {
            Ok(ip) => {
                let ip = ip.to_canonical();
                ip.is_loopback() || ip == bind || bind.is_unspecified()
            }
            Err(_) => {
                name.eq_ignore_ascii_case("localhost")
                    || self.names.iter().any(|n| name.eq_ignore_ascii_case(n))
            }
        }
    }
}

/// Whether a web browser sent the request. SDKs, curl and `aws-sso ecs` never send `Origin`;
/// browsers send it on every cross-origin request and on same-origin writes. Browsers also
/// send `Sec-Fetch-Site`: `none` only when the user typed the address themselves, anything
/// else (`cross-site`, `same-site`, and `same-origin`, which is what a rebound page looks
/// like) means a page's scripts or links made the request, so it is refused.
pub fn browser_originated(headers: &HeaderMap) -> bool {
    if headers.contains_key(ORIGIN) {
        return true;
    }
    headers
        .get_all("sec-fetch-site")
        .iter()
        .any(|v| !v.as_bytes().eq_ignore_ascii_case(b"none"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admits(policy: &HostPolicy, host: &str) -> bool {
        policy.admits(Some(&HeaderValue::from_str(host).unwrap()))
    }

    #[test]
    fn loopback_and_localhost_pass_names_do_not() {
        let p = HostPolicy::loopback();
        for ok in [
            "127.0.0.1",
            "127.0.0.1:4144",
            "127.9.8.7:1",
            "localhost",
            "LocalHost:4144",
            "[::1]",
            "[::1]:4144",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(admits(&p, ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:4144",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "localhost.",
            "user@localhost",
            "10.0.0.1",
            "0x7f.1",
            "",
            "local host",
        ] {
            assert!(!admits(&p, bad), "{bad}");
        }
        assert!(!p.admits(None));
    }

    #[test]
    fn the_bind_address_and_allowed_names_pass() {
        let p = HostPolicy::tcp("192.168.1.5".parse().unwrap(), &["ECS.lan".into()]);
        assert!(admits(&p, "192.168.1.5:4144"));
        assert!(admits(&p, "ecs.lan:4144") && admits(&p, "ECS.LAN"));
        assert!(admits(&p, "localhost"));
        assert!(!admits(&p, "192.168.1.6") && !admits(&p, "other.lan"));
        // A wildcard bind answers any address literal, but still no other name.
        let any = HostPolicy::tcp("0.0.0.0".parse().unwrap(), &[]);
        assert!(admits(&any, "172.17.0.2:4144") && admits(&any, "[fd00:ec2::23]"));
        assert!(!admits(&any, "evil.example"));
        let any6 = HostPolicy::tcp("::".parse().unwrap(), &[]);
        assert!(admits(&any6, "169.254.170.2") && !admits(&any6, "evil.example"));
    }

    #[test]
    fn a_unix_socket_takes_any_host() {
        let p = HostPolicy::any();
        assert!(admits(&p, "whatever") && p.admits(None));
    }

    #[test]
    fn origin_and_sec_fetch_site_other_than_none_mean_a_browser() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.append(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(!browser_originated(&headers(&[])));
        assert!(!browser_originated(&headers(&[("sec-fetch-site", "none")])));
        for sent in [
            &[("origin", "https://evil.example")][..],
            &[("origin", "null")],
            &[("sec-fetch-site", "cross-site")],
            &[("sec-fetch-site", "same-site")],
            &[("sec-fetch-site", "same-origin")],
            &[("sec-fetch-site", "none"), ("sec-fetch-site", "cross-site")],
        ] {
            assert!(browser_originated(&headers(sent)), "{sent:?}");
        }
    }
}
