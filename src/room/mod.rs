//! Room mode (issue 15): the laptop serves a small web page on the venue Wi-Fi, and the table groups send
//! their ideas from their phones. `http` is the hardened HTTP/1.1 server core, `site` the pages and what
//! each address does, `token` the secret in the join URL, `qr` the join URL's QR code drawn in the
//! terminal, and `addr` the address the phones reach the laptop at. The runtime runs the server and feeds
//! what phones send into `update` (`runtime::room`).
//!
//! This module is held to clippy's pedantic lints (on top of the crate's own).
#![warn(clippy::pedantic)]

pub mod addr;
pub mod http;
pub mod qr;
pub mod site;
pub mod token;
