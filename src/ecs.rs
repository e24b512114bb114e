//! The ECS credential server (docs/ecs-protocol.md): role credentials for the AWS SDKs' container
//! credential provider (`AWS_CONTAINER_CREDENTIALS_FULL_URI` +
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`), and the client the `ecs load|unload|list|profile`
//! commands use to talk to it.
//!
//! * [`api`]: the JSON shapes and status codes on the wire.
//! * [`auth`]: the bearer-token check (constant time).
//! * [`guard`]: the `Host` check against DNS rebinding, and the refusal of browsers.
//! * [`conns`]: the cap on open connections, and which idle one makes room.
//! * [`slots`]: the default slot and the named slots, in memory only.
//! * [`renew`]: renewing a slot's credentials before they expire, one request per slot.
//! * [`routes`]: method + path → reply, everything the HTTP API does.
//! * [`server`]: listeners (TCP, TLS, unix socket), request logging, clean shutdown.
//! * [`tls`]: PEM certificates and keys → rustls configurations.
//! * [`client`]: the HTTP(S)/unix-socket client of the `ecs` commands.
//!
//! Domain code: no clap, no printing; front-ends are `commands::ecs_*`.

pub mod api;
pub mod auth;
pub mod client;
pub mod conns;
pub mod guard;
pub mod renew;
pub mod routes;
pub mod server;
pub mod slots;
pub mod tls;

/// Where the server listens and the clients connect by default.
pub const DEFAULT_PORT: u16 = 4144;

/// The clients' default `--server`.
pub const DEFAULT_SERVER: &str = "localhost:4144";
