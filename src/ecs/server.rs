//! Serving the API: bind a listener (TCP, TCP + TLS, or a unix socket with mode 0600), run
//! each connection on hyper's HTTP/1.1, log every request at INFO (remote, code, method,
//! path, time: never a header or a body), and shut down cleanly: stop accepting, let open
//! requests finish (5 s at most), remove the socket file.
//!
//! Against a stalling neighbour: a request is admitted (Host, browser, token) from its
//! headers before any body is read; headers, bodies and TLS handshakes get a few seconds
//! each; connections are capped ([`super::conns`]) and a full descriptor table on `accept`
//! closes an idle connection instead of spinning.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::api::{self, Reply};
use super::auth::BearerAuth;
use super::conns::{ConnSlot, Conns};
use super::guard::HostPolicy;
use super::renew::Renewal;
use super::routes::Api;
use super::slots::Slots;

/// Load requests are a few hundred bytes; anything this large is not one.
const MAX_BODY: usize = 64 * 1024;
/// Open connections get this long to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(5);
/// A client on this machine sends a request in milliseconds: a connection that takes longer
/// for its TLS handshake, its headers or its body is stalling, and is closed. The header
/// timeout also closes a keep-alive connection that stays idle this long.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections the kernel may queue before they are accepted (capped by somaxconn).
const LISTEN_BACKLOG: u32 = 1024;
/// After a failed `accept` (out of descriptors, …): a pause, not a spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);

/// Where to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    Tcp(SocketAddr),
    /// A unix socket at this path (created with mode 0600; plain HTTP).
    Unix(PathBuf),
}

/// How to serve.
pub struct ServerOptions {
    pub listen: Listen,
    pub auth: BearerAuth,
    /// TLS on TCP listeners (`None`: plain HTTP).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Renew slots before they expire (`None`: slots just expire, as in aws-sso-cli).
    pub renewal: Option<Arc<Renewal>>,
    /// Host names served besides loopback, `localhost` and the bind address (TCP only).
    pub allowed_hosts: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source} (pick another --port or --bind-ip)")]
    BindTcp {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot listen on unix socket {path}: {detail}")]
    BindUnix { path: PathBuf, detail: &'static str },
    #[error("cannot listen on unix socket {path}: {what}{source}")]
    BindUnixIo {
        path: PathBuf,
        /// What was being done, ending in `: ` (or empty when binding itself failed).
        what: &'static str,
        source: std::io::Error,
    },
}

enum Listener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

/// A bound server, ready to [`EcsServer::serve`].
pub struct EcsServer {
    api: Arc<Api>,
    listener: Listener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    endpoint: String,
    socket_file: Option<PathBuf>,
}

impl EcsServer {
    pub async fn bind(opts: ServerOptions) -> Result<EcsServer, ServeError> {
        let hosts = match &opts.listen {
            Listen::Tcp(addr) => HostPolicy::tcp(addr.ip(), &opts.allowed_hosts),
            Listen::Unix(_) => HostPolicy::any(),
        };
        let api = Arc::new(Api::new(opts.auth, opts.renewal).with_hosts(hosts));
        match opts.listen {
            Listen::Tcp(addr) => {
                let listener =
                    listen_tcp(addr).map_err(|source| ServeError::BindTcp { addr, source })?;
                let local = listener
                    .local_addr()
                    .map_err(|source| ServeError::BindTcp { addr, source })?;
                let scheme = if opts.tls.is_some() { "https" } else { "http" };
                Ok(EcsServer {
                    api,
                    listener: Listener::Tcp(listener),
                    tls: opts.tls.map(tokio_rustls::TlsAcceptor::from),
                    endpoint: format!("{scheme}://{local}"),
                    socket_file: None,
                })
            }
            Listen::Unix(path) => bind_unix(api, path),
        }
    }

    /// `http://127.0.0.1:4144`, `https://…`, or `unix:/path`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn slots(&self) -> &Arc<Slots> {
        &self.api.slots
    }

    /// Serve until `shutdown` resolves, then drain.
    pub async fn serve(self, shutdown: impl Future<Output = ()>) {
        let cap = super::conns::default_cap();
        let (stop_tx, stop_rx) = watch::channel(false);
        let renewer = self
            .api
            .renewal
            .clone()
            .map(|r| tokio::spawn(r.run(self.api.slots.clone())));
        let conns = Conns::new(cap);
        tracing::debug!("ECS server: at most {cap} connections");
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                _ = &mut shutdown => break,
                accepted = accept(&self.listener) => accepted,
            };
            let (io, remote) = match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of descriptors and the like: free one if a connection idles,
                    // and pause rather than spin on the same error.
                    tracing::warn!("ECS server: accepting a connection failed: {e}");
                    conns.evict_longest_waiting();
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                () = conns.make_room() => {}
            }
            let slot = conns.register();
            let id = slot.id();
            let api = self.api.clone();
            let tls = self.tls.clone();
            let stop = stop_rx.clone();
            let task = tokio::spawn(async move {
                match (io, tls) {
                    (Conn::Tcp(tcp), Some(tls)) => {
                        match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, tls.accept(tcp)).await {
                            Ok(Ok(stream)) => {
                                serve_connection(stream, api, remote, slot, stop).await
                            }
                            Ok(Err(e)) => tracing::debug!(%remote, "TLS handshake failed: {e}"),
                            Err(_) => tracing::debug!(%remote, "TLS handshake timed out"),
                        }
                    }
                    (Conn::Tcp(tcp), None) => serve_connection(tcp, api, remote, slot, stop).await,
                    #[cfg(unix)]
                    (Conn::Unix(unix), _) => serve_connection(unix, api, remote, slot, stop).await,
                }
            });
            conns.set_abort(id, task.abort_handle());
        }
        tracing::info!("ECS server shutting down");
        drop(self.listener);
        if let Some(path) = &self.socket_file {
            let _ = std::fs::remove_file(path);
        }
        let _ = stop_tx.send(true);
        if tokio::time::timeout(DRAIN, conns.closed()).await.is_err() {
            tracing::debug!("ECS server: closing connections still open after {DRAIN:?}");
            conns.abort_all();
        }
        if let Some(r) = renewer {
            r.abort();
        }
    }
}

/// A TCP listener with a deep accept queue: a burst of connections waiting there (while the
/// cap makes room) must not overflow it, or the kernel drops SYNs and a client waits a
/// whole retransmission second.
fn listen_tcp(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    // As std's TcpListener::bind does: a restart may bind while old connections linger.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

#[cfg(unix)]
fn bind_unix(api: Arc<Api>, path: PathBuf) -> Result<EcsServer, ServeError> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let fail = |detail: &'static str| ServeError::BindUnix {
        path: path.clone(),
        detail,
    };
    let io_fail = |what: &'static str, source: std::io::Error| ServeError::BindUnixIo {
        path: path.clone(),
        what,
        source,
    };
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        if !meta.file_type().is_socket() {
            return Err(fail("a file that is not a socket is in the way"));
        }
        if std::os::unix::net::UnixStream::connect(&path).is_ok() {
            return Err(fail(
                "another server is listening there (stop it, or pick another path)",
            ));
        }
        // A socket left behind by a server that died.
        std::fs::remove_file(&path).map_err(|e| io_fail("cannot remove the stale socket: ", e))?;
    }
    // Bind under a temporary name, restrict it, then move it into place: nobody can connect
    // while the socket still has the umask's permissions.
    let mut tmp = path.clone().into_os_string();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let listener = tokio::net::UnixListener::bind(&tmp).map_err(|e| io_fail("", e))?;
    let placed = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_fail("", e));
    }
    Ok(EcsServer {
        api,
        listener: Listener::Unix(listener),
        tls: None,
        endpoint: format!("unix:{}", path.display()),
        socket_file: Some(path),
    })
}

#[cfg(not(unix))]
fn bind_unix(_api: Arc<Api>, path: PathBuf) -> Result<EcsServer, ServeError> {
    Err(ServeError::BindUnix {
        path,
        detail: "unix sockets are not supported on this platform: use --port",
    })
}

enum Conn {
    Tcp(tokio::net::TcpStream),
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &Listener) -> std::io::Result<(Conn, Arc<str>)> {
    match listener {
        Listener::Tcp(l) => {
            let (s, addr) = l.accept().await?;
            let _ = s.set_nodelay(true);
            Ok((Conn::Tcp(s), addr.to_string().into()))
        }
        #[cfg(unix)]
        Listener::Unix(l) => {
            let (s, _) = l.accept().await?;
            Ok((Conn::Unix(s), "unix".into()))
        }
    }
}

async fn serve_connection<IO>(
    io: IO,
    api: Arc<Api>,
    remote: Arc<str>,
    slot: ConnSlot,
    mut stop: watch::Receiver<bool>,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let slot = Arc::new(slot);
    let service = service_fn(move |req| respond(api.clone(), remote.clone(), slot.clone(), req));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!("ECS connection ended: {e}");
            }
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

async fn respond(
    api: Arc<Api>,
    remote: Arc<str>,
    slot: Arc<ConnSlot>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let reply = match api.admit(parts.uri.path(), &parts.headers) {
        // Refused from the headers alone: the body is never read (hyper closes the
        // connection rather than reuse it with a body unread).
        Err(refused) => refused,
        Ok(()) => match read_body(body).await {
            Ok(body) => {
                let _busy = slot.busy();
                let authorization = parts.headers.get(AUTHORIZATION).map(HeaderValue::as_bytes);
                api.handle(
                    &parts.method,
                    parts.uri.path(),
                    parts.uri.query(),
                    authorization,
                    &body,
                )
                .await
            }
            Err(refused) => refused,
        },
    };
    tracing::info!(
        remote = %remote,
        code = reply.status,
        method = %parts.method,
        path = %parts.uri.path(),
        time = ?started.elapsed(),
        "ECS request"
    );
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(api::CONTENT_TYPE));
    Ok(response)
}

/// The whole body, within [`MAX_BODY`] and [`BODY_READ_TIMEOUT`].
async fn read_body(body: Incoming) -> Result<Bytes, Reply> {
    match tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, MAX_BODY).collect()).await {
        Ok(Ok(body)) => Ok(body.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            Err(Reply::ack(413, "request body too large"))
        }
        Ok(Err(_)) => Err(Reply::ack(400, "the request body could not be read")),
        Err(_) => Err(Reply::ack(408, "the request body did not arrive in time")),
    }
}
