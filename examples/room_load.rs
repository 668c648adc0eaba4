//! Room mode under load (issue 15): PHONES simulated phones each send IDEAS ideas, all at once, over
//! loopback, each from its own address (127.0.x.y, as phones on a Wi-Fi each have one). Prints one JSON line:
//! how many were sent and acknowledged, latency percentiles, and throughput. With `--hello`, the same
//! traffic goes to a hello-world server of the same framework (`room::http::Server`, the same limits, a
//! handler that reads the form and answers 303 without doing anything), for the ratio.
//!
//! ```sh
//! cargo run --release --example room_load -- http://127.0.0.1:PORT/j/TOKEN 300 10
//! cargo run --release --example room_load -- --hello 300 10
//! ```
//! Bounded: every request times out after 10 s and the whole run stops after 120 s. `bench/run.py
//! room-load` runs both against the real app and checks that nothing was lost.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use innolab::room::http::{Response, Server};
use socket2::{Domain, Socket, Type};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// One request from `from` to `to`: the status and the `Set-Cookie` value, if any.
fn request(from: Ipv4Addr, to: SocketAddr, text: &str) -> Option<(u16, Option<String>)> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).ok()?;
    socket.bind(&SocketAddr::V4(SocketAddrV4::new(from, 0)).into()).ok()?;
    socket.connect_timeout(&to.into(), REQUEST_TIMEOUT).ok()?;
    let mut stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(REQUEST_TIMEOUT)).ok()?;
    stream.write_all(text.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let cookie = text
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: phone="))
        .map(|v| v.split(';').next().unwrap_or("").to_string());
    Some((status, cookie))
}

/// What one phone saw: the latency of each acknowledged idea, ideas given up on, retries after 503/429.
#[derive(Default)]
struct Phone {
    latencies: Vec<Duration>,
    failed: usize,
    retries: usize,
}

fn phone(k: usize, to: SocketAddr, base: &str, ideas: usize, deadline: Instant) -> Phone {
    let from = Ipv4Addr::new(127, 0, 1 + u8::try_from(k / 250).unwrap_or(200), 1 + u8::try_from(k % 250).unwrap_or(0));
    let mut seen = Phone::default();
    let join = format!("GET {base} HTTP/1.1\r\nHost: x\r\n\r\n");
    let cookie = loop {
        match request(from, to, &join) {
            Some((200, Some(cookie))) => break cookie,
            _ if Instant::now() < deadline => {
                seen.retries += 1;
                thread::sleep(Duration::from_millis(20));
            }
            _ => {
                seen.failed = ideas;
                return seen;
            }
        }
    };
    for i in 0..ideas {
        let body = format!(
            "table={}&csrf={cookie}&nonce=p{k}i{i}&name=-&other=Peserta+{k}&title=Ide+{i}+dari+ponsel+{k}&description=",
            1 + (k % 6)
        );
        let post = format!(
            "POST {base}/send HTTP/1.1\r\nHost: x\r\nCookie: phone={cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let started = Instant::now();
        loop {
            match request(from, to, &post) {
                Some((303, _)) => {
                    seen.latencies.push(started.elapsed());
                    break;
                }
                // Busy: try again, as the page asks; the same form is one submission however often sent.
                Some((503 | 429, _)) | None if Instant::now() < deadline => {
                    seen.retries += 1;
                    thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    seen.failed += 1;
                    break;
                }
            }
        }
    }
    seen
}

/// A hello-world server of the same framework: reads the form and answers 303.
fn hello() -> (Server, SocketAddr) {
    let mut server = Server::bind_with_limits("127.0.0.1:0".parse().unwrap(), innolab::room::ROOM_LIMITS).unwrap();
    let addr = server.local_addr();
    server
        .serve(Arc::new(|request, _| {
            if request.path.ends_with("/send") {
                let _ = request.form();
                Response::redirect_see_other("/j/hello/mine?sent=1").into()
            } else {
                Response::html(200, "hello".into())
                    .with_header("Set-Cookie", "phone=abcdefghijklmnopqrstuvwxyz; Path=/")
                    .unwrap()
                    .into()
            }
        }))
        .unwrap();
    (server, addr)
}

/// The allocator innolab's binary uses (src/main.rs), so that the hello-world server is the same framework on the
/// same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (target, phones, ideas) = match args.as_slice() {
        [target, phones, ideas] => (target.clone(), phones.parse().unwrap_or(0), ideas.parse().unwrap_or(0)),
        _ => {
            eprintln!("usage: room_load (URL | --hello) PHONES IDEAS");
            return ExitCode::FAILURE;
        }
    };
    let _hello_server;
    let (to, base) = if target == "--hello" {
        let (server, addr) = hello();
        _hello_server = server;
        (addr, "/j/hello".to_string())
    } else {
        let rest = target.strip_prefix("http://").unwrap_or(&target);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        (host.parse().unwrap(), format!("/{path}"))
    };
    let started = Instant::now();
    let deadline = started + RUN_LIMIT;
    let threads: Vec<_> = (0..phones)
        .map(|k| {
            let base = base.clone();
            thread::Builder::new().stack_size(256 * 1024).spawn(move || phone(k, to, &base, ideas, deadline)).unwrap()
        })
        .collect();
    let seen: Vec<Phone> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut latencies: Vec<Duration> = seen.iter().flat_map(|p| p.latencies.iter().copied()).collect();
    latencies.sort_unstable();
    let at = |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)));
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let acknowledged = latencies.len();
    println!(
        "{{\"sent\": {}, \"acknowledged\": {acknowledged}, \"failed\": {}, \"retries\": {}, \"p50_ms\": {:.1}, \
         \"p99_ms\": {:.1}, \"max_ms\": {:.1}, \"seconds\": {seconds:.2}, \"per_second\": {:.0}}}",
        phones * ideas,
        seen.iter().map(|p| p.failed).sum::<usize>(),
        seen.iter().map(|p| p.retries).sum::<usize>(),
        ms(at(0.50)),
        ms(at(0.99)),
        ms(latencies.last()),
        acknowledged as f64 / seconds,
    );
    ExitCode::SUCCESS
}
