//! The one HTTP client builder of the outbound calls made outside the AWS SDK (the console's
//! federation endpoint, the wizard's start-URL check): HTTP/1.1 over rustls with the
//! system's root certificates. The ECS client speaks to its own server over TCP, TLS with a
//! pinned chain, or a unix socket, so it drives hyper's connection API itself.

use bytes::Bytes;
use http_body_util::Empty;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

/// A client for bodiless requests. `plain_http` also allows `http://` (endpoints overridden
/// for tests and the demo's emulator); otherwise only `https://` is spoken.
pub fn client(
    plain_http: bool,
) -> Result<Client<HttpsConnector<HttpConnector>, Empty<Bytes>>, String> {
    let roots = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| format!("no TLS root certificates ({e})"))?;
    let connector = if plain_http {
        roots.https_or_http()
    } else {
        roots.https_only()
    }
    .enable_http1()
    .build();
    Ok(Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector))
}
