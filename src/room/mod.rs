//! Room mode (issue 15): the laptop serves a small web page on the venue Wi-Fi, and the table groups send
//! their ideas from their phones. `http` is the hardened HTTP/1.1 server core, `site` the pages and what
//! each address does, `remote` the coach's remote (the coach's view on the coach's own phone), `token` the
//! secrets in the join and remote URLs, `qr` the join URL's QR code drawn in the terminal, and `addr` the
//! address the phones reach the laptop at. The runtime runs the server and feeds
//! what phones send into `update` (`runtime::room`).
//!
//! This module is held to clippy's pedantic lints (on top of the crate's own).
#![warn(clippy::pedantic)]

pub mod addr;
pub mod http;
pub mod qr;
pub mod remote;
pub mod site;
pub mod token;

/// The limits of the room's server: a room of a few hundred phones, each request answered within 5 s (a
/// phone's send waits for the app's save, keeping its place but not its worker), up to 256 at once; one
/// more is told 503 and tries again.
pub const ROOM_LIMITS: http::ServerLimits = http::ServerLimits {
    max_connections: 256,
    request_deadline: std::time::Duration::from_secs(5),
    write_timeout: std::time::Duration::from_secs(5),
    linger: std::time::Duration::from_secs(1),
};
