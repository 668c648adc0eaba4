//! Where the phones reach the laptop: the address shown in the join URL, and the address the room's server
//! binds to, as the coach writes it on the command line.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The port the room's server listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8765;

/// The longest part of a rejected bind address quoted back in the error.
const QUOTED_MAX_CHARS: usize = 64;

/// The laptop's address on the venue network, for the join URL: the first IPv4 address of an interface
/// that is up and is not the loopback, preferring any other address to a link-local one (169.254.0.0/16,
/// what a machine gives itself when no DHCP server answered). `None` when there is no such address (no
/// network, or not a Unix system).
#[must_use]
pub fn room_address() -> Option<Ipv4Addr> {
    pick_room_address(&interfaces())
}

/// The address a room's server binds to, from `ADDR`, `ADDR:PORT` or `:PORT`: a missing port is
/// [`DEFAULT_PORT`], a missing address is every interface (`0.0.0.0`). An IPv6 address with a port is
/// written in brackets (`[::1]:8765`). Host names are not looked up.
///
/// # Errors
/// A sentence for the coach naming what was given (quoted, shortened, control characters escaped).
pub fn parse_bind(text: &str) -> Result<SocketAddr, String> {
    let trimmed = text.trim();
    let bare = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(trimmed);
    let parsed = if let Ok(addr) = trimmed.parse::<SocketAddr>() {
        Some(addr)
    } else if let Ok(ip) = bare.parse::<IpAddr>() {
        Some(SocketAddr::new(ip, DEFAULT_PORT))
    } else {
        // Checked last: an IPv6 address such as `::1` starts with a colon too.
        let port = trimmed.strip_prefix(':').and_then(parse_port);
        port.map(|port| SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port))
    };
    parsed.ok_or_else(|| {
        format!(
            "{} is not an address to listen on: write ADDR, ADDR:PORT or :PORT, with an IP address and a port \
             from 0 to 65535 (for example 0.0.0.0:{DEFAULT_PORT})",
            quoted(text)
        )
    })
}

/// A port number written in decimal digits only (no sign, no spaces).
fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `text` quoted for an error message: at most [`QUOTED_MAX_CHARS`] characters, control characters escaped.
fn quoted(text: &str) -> String {
    let mut shown: String = text.chars().take(QUOTED_MAX_CHARS).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// One IPv4 address of a network interface, and what the interface's flags say of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InterfaceAddr {
    ip: Ipv4Addr,
    up: bool,
    loopback: bool,
}

/// The join URL's address among the machine's interface addresses, in the order the system lists them.
fn pick_room_address(addrs: &[InterfaceAddr]) -> Option<Ipv4Addr> {
    let usable = || addrs.iter().filter(|a| a.up && !a.loopback && !a.ip.is_loopback() && !a.ip.is_unspecified());
    usable().find(|a| !a.ip.is_link_local()).or_else(|| usable().next()).map(|a| a.ip)
}

/// The machine's IPv4 interface addresses, from `getifaddrs`; none when it fails.
#[cfg(unix)]
fn interfaces() -> Vec<InterfaceAddr> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs only writes the head of a list it allocates; it is freed once, by the guard.
    if unsafe { libc::getifaddrs(&raw mut head) } != 0 {
        return Vec::new();
    }
    let list = IfAddrs(head);
    let mut found = Vec::new();
    let mut cursor = list.0;
    while !cursor.is_null() {
        // SAFETY: a non-null node of the list getifaddrs gave, alive until the guard frees the list.
        let node = unsafe { &*cursor };
        if let Some(ip) = ipv4_of(node.ifa_addr) {
            let flags = node.ifa_flags;
            found.push(InterfaceAddr {
                ip,
                up: has_flag(flags, libc::IFF_UP),
                loopback: has_flag(flags, libc::IFF_LOOPBACK),
            });
        }
        cursor = node.ifa_next;
    }
    found
}

#[cfg(not(unix))]
fn interfaces() -> Vec<InterfaceAddr> {
    Vec::new()
}

/// The list `getifaddrs` allocated, freed when dropped.
#[cfg(unix)]
struct IfAddrs(*mut libc::ifaddrs);

#[cfg(unix)]
impl Drop for IfAddrs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful getifaddrs and is freed only here.
        unsafe { libc::freeifaddrs(self.0) };
    }
}

/// The IPv4 address a socket address of an interface holds, if it is one.
#[cfg(unix)]
fn ipv4_of(addr: *const libc::sockaddr) -> Option<Ipv4Addr> {
    if addr.is_null() {
        return None;
    }
    // SAFETY: a non-null ifa_addr points to a socket address at least as large as `sockaddr`.
    let family = i32::from(unsafe { (*addr).sa_family });
    if family != libc::AF_INET {
        return None;
    }
    // SAFETY: an AF_INET socket address is a `sockaddr_in`; read_unaligned asks nothing of its alignment.
    let sin = unsafe { std::ptr::read_unaligned(addr.cast::<libc::sockaddr_in>()) };
    Some(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)))
}

/// Whether an interface's flags word has this `IFF_` flag.
#[cfg(unix)]
fn has_flag(flags: libc::c_uint, flag: libc::c_int) -> bool {
    libc::c_uint::try_from(flag).is_ok_and(|flag| flags & flag != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn parse_bind_takes_an_address_with_or_without_port() {
        assert_eq!(parse_bind("192.168.1.23"), Ok(v4("192.168.1.23:8765")));
        assert_eq!(parse_bind("192.168.1.23:9000"), Ok(v4("192.168.1.23:9000")));
        assert_eq!(parse_bind(":9000"), Ok(v4("0.0.0.0:9000")));
        assert_eq!(parse_bind(" 0.0.0.0 "), Ok(v4("0.0.0.0:8765")));
        assert_eq!(parse_bind("127.0.0.1:0"), Ok(v4("127.0.0.1:0")));
        assert_eq!(parse_bind("::1"), Ok("[::1]:8765".parse().unwrap()));
        assert_eq!(parse_bind("[::1]"), Ok("[::1]:8765".parse().unwrap()));
        assert_eq!(parse_bind("[::]:9000"), Ok("[::]:9000".parse().unwrap()));
        assert_eq!(parse_bind("::"), Ok("[::]:8765".parse().unwrap()));
    }

    #[test]
    fn parse_bind_refuses_what_is_not_an_address() {
        for bad in [
            "",
            ":",
            "localhost",
            "localhost:80",
            "1.2.3.4:",
            "1.2.3.4:65536",
            ":65536",
            ":+80",
            ": 80",
            ":-1",
            "1.2.3",
            "256.1.1.1",
            "[::1",
        ] {
            let err = parse_bind(bad).unwrap_err();
            assert!(err.contains("ADDR:PORT"), "{bad}: {err}");
        }
    }

    #[test]
    fn parse_bind_errors_quote_input_safely() {
        let err = parse_bind("evil\r\nSet-Cookie: x").unwrap_err();
        assert!(!err.contains('\r') && !err.contains('\n'), "{err}");
        assert!(err.contains("\\r\\n"), "{err}");
        let err = parse_bind(&"9".repeat(10_000)).unwrap_err();
        assert!(err.len() < 400, "{}", err.len());
    }

    #[test]
    fn the_room_address_is_none_or_not_loopback() {
        if let Some(ip) = room_address() {
            assert!(!ip.is_loopback() && !ip.is_unspecified(), "{ip}");
        }
    }

    fn iface(ip: &str, up: bool, loopback: bool) -> InterfaceAddr {
        InterfaceAddr { ip: ip.parse().unwrap(), up, loopback }
    }

    #[test]
    fn the_room_address_skips_loopback_down_and_link_local_interfaces() {
        let lo = iface("127.0.0.1", true, true);
        let link_local = iface("169.254.7.1", true, false);
        let down = iface("10.0.0.5", false, false);
        let wifi = iface("192.168.1.23", true, false);
        let wired = iface("10.1.2.3", true, false);
        assert_eq!(pick_room_address(&[lo, link_local, down, wifi, wired]), Some(wifi.ip));
        assert_eq!(pick_room_address(&[lo, link_local, down]), Some(link_local.ip));
        assert_eq!(pick_room_address(&[lo, down]), None);
        assert_eq!(pick_room_address(&[]), None);
    }
}
