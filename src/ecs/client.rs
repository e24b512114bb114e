//! The client of `ecs load|unload|list|profile` (docs/ecs-protocol.md, "Client side"): one HTTP/1.1 request per call to
//! `HOST:PORT` (HTTPS when the secure store holds the server's certificate, trusting the
//! system roots plus that certificate) or to `unix:PATH`, with the bearer token if one is set.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tokio::io::{AsyncRead, AsyncWrite};

use super::api::{Ack, LoadRequest, ProfileReply};
use crate::store::Secret;

/// What Go's `url.PathEscape` leaves alone, near enough: escape everything else (`/` too).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the server is: `--server` / `$AWS_SSO_ECS_SERVER`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerAddr {
    Tcp { host: String, port: u16 },
    Unix(PathBuf),
}

impl ServerAddr {
    /// `HOST:PORT` (`[::1]:4144` for IPv6) with a port in 1..65535, or `unix:PATH`.
    pub fn parse(s: &str) -> Result<ServerAddr, ClientError> {
        let bad = || ClientError::BadAddress(s.to_string());
        let s_trim = s.trim();
        if let Some(path) = s_trim.strip_prefix("unix:") {
            if path.is_empty() {
                return Err(bad());
            }
            return Ok(ServerAddr::Unix(PathBuf::from(path)));
        }
        let (host, port) = s_trim.rsplit_once(':').ok_or_else(bad)?;
        let host = match host.strip_prefix('[') {
            Some(v6) => v6.strip_suffix(']').ok_or_else(bad)?,
            None if host.contains(':') => return Err(bad()),
            None => host,
        };
        let port: u16 = port.parse().map_err(|_| bad())?;
        if host.is_empty() || port == 0 || host.contains(['/', ' ']) {
            return Err(bad());
        }
        Ok(ServerAddr::Tcp {
            host: host.to_string(),
            port,
        })
    }
}

impl std::fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerAddr::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            ServerAddr::Tcp { host, port } => write!(f, "{host}:{port}"),
            ServerAddr::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "invalid ECS server address '{0}': expected HOST:PORT with a port in 1..65535 (like localhost:4144), or unix:PATH (check --server / $AWS_SSO_ECS_SERVER)"
    )]
    BadAddress(String),
    #[error(
        "cannot reach the ECS server at {server}: {detail} (is `aws-sso ecs server` running? check --server / $AWS_SSO_ECS_SERVER)"
    )]
    Connect {
        server: String,
        #[source]
        detail: ConnectFailure,
    },
    #[error("ECS Server HTTP error: {status}{}", message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Status {
        status: u16,
        message: Option<String>,
    },
    #[error("unexpected reply from the ECS server at {server}: {detail}")]
    Reply { server: String, detail: String },
}

/// Why a request did not get through to the server.
#[derive(Debug, thiserror::Error)]
pub enum ConnectFailure {
    #[error("{0}")]
    Io(#[source] std::io::Error),
    #[error("TLS: {0}")]
    Tls(#[source] std::io::Error),
    #[error("{0}")]
    Http(#[source] hyper::Error),
    #[error("{0}")]
    Request(#[source] hyper::http::Error),
    #[error("{0}")]
    ServerName(#[source] rustls::pki_types::InvalidDnsNameError),
    /// Nothing failed below us: the reason is all there is.
    #[error("{0}")]
    Reason(String),
}

/// Talks to one server.
pub struct EcsClient {
    addr: ServerAddr,
    token: Option<Secret>,
    /// HTTPS on TCP when set.
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl EcsClient {
    pub fn new(
        addr: ServerAddr,
        token: Option<Secret>,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> EcsClient {
        EcsClient { addr, token, tls }
    }

    pub fn addr(&self) -> &ServerAddr {
        &self.addr
    }

    /// Whether requests are encrypted (TLS, or a local unix socket).
    pub fn is_private(&self) -> bool {
        self.tls.is_some() || matches!(self.addr, ServerAddr::Unix(_))
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// PUT credentials into the default slot, or (`slotted`) the slot named by the profile.
    pub async fn load(&self, req: &LoadRequest, slotted: bool) -> Result<(), ClientError> {
        let path = if slotted {
            slot_path(&req.profile_name)
        } else {
            "/".to_string()
        };
        let body = serde_json::to_vec(req).map_err(|e| self.reply_error(e))?;
        self.expect_ok(Method::PUT, &path, Some(body)).await
    }

    /// DELETE the default slot, or the named one.
    pub async fn unload(&self, profile: Option<&str>) -> Result<(), ClientError> {
        let path = profile.map_or_else(|| "/".to_string(), slot_path);
        self.expect_ok(Method::DELETE, &path, None).await
    }

    /// The named slots.
    pub async fn list(&self) -> Result<Vec<ProfileReply>, ClientError> {
        let (status, body) = self.send(Method::GET, "/slot", None).await?;
        check(status, &body)?;
        serde_json::from_slice(&body).map_err(|e| self.reply_error(e))
    }

    /// The default slot's profile; `None` when nothing is loaded (404).
    pub async fn profile(&self) -> Result<Option<ProfileReply>, ClientError> {
        let (status, body) = self.send(Method::GET, "/profile", None).await?;
        if status == 404 {
            return Ok(None);
        }
        check(status, &body)?;
        serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| self.reply_error(e))
    }

    async fn expect_ok(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(), ClientError> {
        let (status, body) = self.send(method, path, body).await?;
        check(status, &body)
    }

    fn reply_error(&self, e: impl std::fmt::Display) -> ClientError {
        ClientError::Reply {
            server: self.addr.to_string(),
            detail: e.to_string(),
        }
    }

    /// One request; returns the status and body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, Bytes), ClientError> {
        let connect = |detail: ConnectFailure| ClientError::Connect {
            server: self.addr.to_string(),
            detail,
        };
        let host = match &self.addr {
            ServerAddr::Tcp { .. } => self.addr.to_string(),
            ServerAddr::Unix(_) => "localhost".to_string(),
        };
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, host)
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| connect(ConnectFailure::Request(e)))?;
        req.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(token) = &self.token {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                .map_err(|_| connect(ConnectFailure::Reason("the stored bearer token is not a valid header value (set it again with `aws-sso setup ecs auth`)".into())))?;
            value.set_sensitive(true);
            req.headers_mut().insert(AUTHORIZATION, value);
        }
        let exchange = async {
            match &self.addr {
                ServerAddr::Tcp { host, port } => {
                    let tcp = tokio::net::TcpStream::connect((host.as_str(), *port))
                        .await
                        .map_err(|e| connect(ConnectFailure::Io(e)))?;
                    match &self.tls {
                        Some(config) => {
                            let name = rustls::pki_types::ServerName::try_from(host.clone())
                                .map_err(|e| connect(ConnectFailure::ServerName(e)))?;
                            let tls = tokio_rustls::TlsConnector::from(config.clone())
                                .connect(name, tcp)
                                .await
                                .map_err(|e| connect(ConnectFailure::Tls(e)))?;
                            exchange(tls, req)
                                .await
                                .map_err(|e| connect(ConnectFailure::Http(e)))
                        }
                        None => exchange(tcp, req)
                            .await
                            .map_err(|e| connect(ConnectFailure::Http(e))),
                    }
                }
                #[cfg(unix)]
                ServerAddr::Unix(path) => {
                    let unix = tokio::net::UnixStream::connect(path)
                        .await
                        .map_err(|e| connect(ConnectFailure::Io(e)))?;
                    exchange(unix, req)
                        .await
                        .map_err(|e| connect(ConnectFailure::Http(e)))
                }
                #[cfg(not(unix))]
                ServerAddr::Unix(_) => Err(connect(ConnectFailure::Reason(
                    "unix sockets are not supported on this platform".into(),
                ))),
            }
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| {
                connect(ConnectFailure::Reason(format!(
                    "no reply within {REQUEST_TIMEOUT:?}"
                )))
            })?
    }
}

async fn exchange<IO>(io: IO, req: Request<Full<Bytes>>) -> Result<(u16, Bytes), hyper::Error>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let resp = sender.send_request(req).await?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    driver.abort();
    Ok((status, body))
}

/// `/slot/<profile>`, the profile escaped like Go's `url.PathEscape`.
pub fn slot_path(profile: &str) -> String {
    format!("/slot/{}", utf8_percent_encode(profile, SEGMENT))
}

fn check(status: u16, body: &[u8]) -> Result<(), ClientError> {
    if status == 200 {
        return Ok(());
    }
    let message = serde_json::from_slice::<Ack>(body).ok().map(|a| a.message);
    Err(ClientError::Status { status, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_connection_keeps_the_io_error_as_its_cause() {
        // A port nothing listens on: bind one, then let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = ServerAddr::parse(&format!("127.0.0.1:{port}")).unwrap();
        let err = EcsClient::new(addr, None, None).list().await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "cannot reach the ECS server at 127.0.0.1:{port}: "
            )),
            "{text}"
        );
        let io = std::error::Error::source(&err)
            .and_then(|c| c.source())
            .and_then(|c| c.downcast_ref::<std::io::Error>())
            .map(std::io::Error::kind);
        assert_eq!(io, Some(std::io::ErrorKind::ConnectionRefused));
    }

    #[test]
    fn server_addresses() {
        assert_eq!(
            ServerAddr::parse("localhost:4144").unwrap(),
            ServerAddr::Tcp {
                host: "localhost".into(),
                port: 4144
            }
        );
        let v6 = ServerAddr::parse("[::1]:80").unwrap();
        assert_eq!(v6.to_string(), "[::1]:80");
        assert_eq!(
            ServerAddr::parse("unix:/tmp/ecs.sock").unwrap(),
            ServerAddr::Unix("/tmp/ecs.sock".into())
        );
        for bad in [
            "localhost",
            "localhost:0",
            "localhost:65536",
            ":4144",
            "host:port",
            "::1:80",
            "unix:",
            "http://localhost:4144",
            "",
        ] {
            let err = ServerAddr::parse(bad).unwrap_err().to_string();
            assert!(
                err.contains(&format!("'{bad}'")) && err.contains("HOST:PORT"),
                "{err}"
            );
        }
    }

    #[test]
    fn slot_paths_escape_like_go() {
        assert_eq!(slot_path("team/dev:Admin"), "/slot/team%2Fdev%3AAdmin");
        assert_eq!(slot_path("a-b_c.d~e"), "/slot/a-b_c.d~e");
    }

    #[test]
    fn status_errors_carry_the_server_message() {
        let err = check(
            403,
            b"{\"code\":\"403\",\"message\":\"Invalid authorization token\"}\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ECS Server HTTP error: 403 (Invalid authorization token)"
        );
        assert_eq!(
            check(502, b"nope").unwrap_err().to_string(),
            "ECS Server HTTP error: 502"
        );
    }
}
