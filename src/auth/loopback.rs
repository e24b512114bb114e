//! The PKCE redirect listener on `127.0.0.1:<random port>`. It is bound *before* the browser
//! is opened and kept until the redirect arrives, so a fast browser can never hit a closed
//! port (#1441). A deliberately tiny HTTP/1 server: it reads one request head per connection,
//! answers `GET /?code=…&state=…`, and serves connections concurrently (browsers open
//! speculative connections that never send a request) without spawning tasks, so dropping
//! the future — Ctrl-C — closes everything at once. Only a request carrying this login's
//! `state` ends the wait: anything else (another path, a wrong or missing state) is answered
//! and ignored, so no other local process can abort a login.

use std::time::Duration;

use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use subtle::ConstantTimeEq as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use zeroize::Zeroizing;

use super::error::{AuthError, clean};

/// Largest request head read; the redirect is a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;
/// A connection that sends no complete request head within this time is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

const SUCCESS_PAGE: &str = "<html><body><h1>Authentication complete</h1><p>You can close this window and return to aws-sso.</p></body></html>";

/// A bound listener waiting for the authorization redirect.
pub(crate) struct Loopback {
    listener: TcpListener,
    port: u16,
}

/// What one connection amounted to.
enum Verdict {
    /// Not the redirect (favicon, preconnect, other path): keep waiting.
    Ignored,
    /// The redirect: its authorization code, or why it failed.
    Done(Result<Zeroizing<String>, AuthError>),
}

impl Loopback {
    /// Bind `127.0.0.1:0`.
    pub(crate) async fn bind() -> Result<Loopback, AuthError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(AuthError::Loopback)?;
        let port = listener.local_addr().map_err(AuthError::Loopback)?.port();
        Ok(Loopback { listener, port })
    }

    /// `http://127.0.0.1:<port>`: no path, the handler answers on `/`.
    pub(crate) fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Wait up to `timeout` for the redirect whose `state` is `state`; returns the code.
    pub(crate) async fn wait(
        self,
        state: &str,
        timeout: Duration,
    ) -> Result<Zeroizing<String>, AuthError> {
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut conns = FuturesUnordered::new();
        loop {
            tokio::select! {
                () = &mut deadline => {
                    return Err(AuthError::LoginTimedOut { secs: timeout.as_secs() });
                }
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => conns.push(serve(stream, state)),
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, keep listening.
                        tracing::debug!(error = %e, "loopback accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                Some(verdict) = conns.next(), if !conns.is_empty() => {
                    if let Verdict::Done(result) = verdict {
                        return result;
                    }
                }
            }
        }
    }
}

/// Handle one connection: read the request head, judge it, answer, close.
async fn serve(mut stream: TcpStream, state: &str) -> Verdict {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => return Verdict::Ignored,
    };
    let (status, body, verdict) = judge(&head, state);
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may already be gone; the verdict stands either way.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    verdict
}

/// Read up to the blank line that ends the request head; `None` on EOF, error or oversize.
async fn read_head(stream: &mut TcpStream) -> Option<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(1024));
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        chunk.fill(0);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            return Some(buf);
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

/// Decide what a request head means: (status line, page, verdict).
fn judge(head: &[u8], expected_state: &str) -> (&'static str, String, Verdict) {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.trim_end().split(' ');
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != "/" {
        return ("404 Not Found", error_page("Not found"), Verdict::Ignored);
    }
    let mut code = None;
    let mut state = None;
    let mut error = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "code" => code = Some(Zeroizing::new(v.into_owned())),
            "state" => state = Some(Zeroizing::new(v.into_owned())),
            "error" => error = Some(clean(&v, 60)),
            _ => {}
        }
    }
    let fail = |e: AuthError| {
        let page = error_page(&e.to_string());
        ("400 Bad Request", page, Verdict::Done(Err(e)))
    };
    let state_ok = state
        .as_ref()
        .is_some_and(|s| bool::from(s.as_bytes().ct_eq(expected_state.as_bytes())));
    if !state_ok {
        // Not our redirect: a stale browser tab, or another local process poking the port.
        // Answering it must not end the login, or any process on this machine could abort
        // every login; the real redirect may still come.
        tracing::debug!("loopback: ignored a request without this login's state");
        return (
            "400 Bad Request",
            error_page(
                "This request does not belong to the login aws-sso is waiting for (its state does not match). aws-sso keeps waiting for the right one.",
            ),
            Verdict::Ignored,
        );
    }
    match (error, code) {
        (Some(e), _) if e == "access_denied" => fail(AuthError::LoginDenied),
        (Some(error), _) => fail(AuthError::Redirect { error }),
        (None, Some(code)) if !code.is_empty() => {
            ("200 OK", SUCCESS_PAGE.to_owned(), Verdict::Done(Ok(code)))
        }
        (None, _) => fail(AuthError::MissingCode),
    }
}

fn error_page(message: &str) -> String {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    format!("<html><body><h1>Login failed</h1><p>{escaped}</p></body></html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(head: &str) -> (&'static str, Result<String, String>) {
        let (status, _, v) = judge(head.as_bytes(), "s1");
        let r = match v {
            Verdict::Ignored => Err("ignored".to_owned()),
            Verdict::Done(Ok(code)) => Ok(code.to_string()),
            Verdict::Done(Err(e)) => Err(e.to_string()),
        };
        (status, r)
    }

    #[test]
    fn judges_redirects() {
        let (s, r) = verdict("GET /?code=abc&state=s1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!((s, r), ("200 OK", Ok("abc".to_owned())));
        // Without this login's state: refused and ignored, whatever else it carries.
        for head in [
            "GET /?code=abc&state=s2 HTTP/1.1\r\n\r\n",
            "GET /?code=abc HTTP/1.1\r\n\r\n",
            "GET /?error=access_denied&state=s2 HTTP/1.1\r\n\r\n",
        ] {
            let (s, r) = verdict(head);
            assert_eq!((s, r), ("400 Bad Request", Err("ignored".to_owned())));
        }
        let (_, r) = verdict("GET /?error=access_denied&state=s1 HTTP/1.1\r\n\r\n");
        assert!(r.unwrap_err().contains("denied"));
        let (_, r) = verdict("GET /?error=invalid%1b_scope&state=s1 HTTP/1.1\r\n\r\n");
        assert!(r.unwrap_err().contains("'invalid _scope'"));
        let (_, r) = verdict("GET /?state=s1 HTTP/1.1\r\n\r\n");
        assert!(r.unwrap_err().contains("no authorization code"));
        let (s, r) = verdict("GET /favicon.ico HTTP/1.1\r\n\r\n");
        assert_eq!((s, r), ("404 Not Found", Err("ignored".to_owned())));
        let (_, r) = verdict("POST /?code=abc&state=s1 HTTP/1.1\r\n\r\n");
        assert_eq!(r, Err("ignored".to_owned()));
    }

    #[tokio::test]
    async fn waits_past_idle_connections_and_times_out() {
        let lb = Loopback::bind().await.unwrap();
        let uri = lb.redirect_uri();
        let addr = uri.trim_start_matches("http://").to_owned();
        let client = async move {
            // A speculative connection that never sends anything must not block the real one.
            let _idle = TcpStream::connect(&addr).await.unwrap();
            let mut s = TcpStream::connect(&addr).await.unwrap();
            s.write_all(b"GET /?code=c0de&state=st HTTP/1.1\r\n\r\n")
                .await
                .unwrap();
            let mut page = String::new();
            s.read_to_string(&mut page).await.unwrap();
            page
        };
        let (code, page) = tokio::join!(lb.wait("st", Duration::from_secs(5)), client);
        assert_eq!(code.unwrap().as_str(), "c0de");
        assert!(page.starts_with("HTTP/1.1 200 OK") && page.contains("Authentication complete"));

        let lb = Loopback::bind().await.unwrap();
        let err = lb.wait("st", Duration::from_millis(50)).await.unwrap_err();
        assert!(matches!(err, AuthError::LoginTimedOut { .. }), "{err}");
    }
}
