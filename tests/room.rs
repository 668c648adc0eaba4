//! Room mode end to end: the real binary in a pseudo-terminal serving the phones' page on 127.0.0.1 (a port
//! the system picks), a phone played by a plain HTTP client over loopback. A sent idea is on disk when the
//! phone is told so (kill -9 right after loses nothing), the coach approves it from the queue, the board
//! shows it and the phone says "on the wall"; a new start gives a new token; quitting leaves nothing
//! listening. Every wait is bounded.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::Pty;
use innolab::model::SubmissionState;

/// What a phone gets back: status, headers (names in lower case), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One request over loopback, read to the end (the server closes every connection).
fn http(addr: SocketAddr, request: &str) -> Answer {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer { status, headers, body: body.to_string() }
}

fn get(addr: SocketAddr, path: &str, cookie: &str) -> Answer {
    http(addr, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nAccept-Language: en\r\n\r\n"))
}

fn post(addr: SocketAddr, path: &str, cookie: &str, body: &str) -> Answer {
    http(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nAccept-Language: en\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The join address on the wall (one line at this size): where to connect and the path with the token.
fn join_address(app: &mut Pty) -> (SocketAddr, String) {
    app.wait_for("the join address", |s| s.contains("http://127.0.0.1:"));
    let screen = app.screen();
    let at = screen.find("http://").unwrap();
    let url: String = screen[at + 7..].chars().take_while(|c| !c.is_whitespace()).collect();
    let (host, path) = url.split_once('/').unwrap();
    (host.parse().unwrap(), format!("/{path}"))
}

fn load(path: &Path) -> innolab::model::Session {
    innolab::store::load(path).unwrap()
}

#[test]
fn a_phone_sends_an_idea_the_coach_approves_it_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let args = ["--lang", "en", "run", "lab.json", "--room", "--bind", "127.0.0.1:0"];
    let mut app = Pty::spawn(dir.path(), &args, 90, 30);
    let (addr, base) = join_address(&mut app);
    assert_eq!(base.len(), "/j/".len() + 26, "a 128-bit token");

    // The phone joins (and gets its id), picks table 2 and sends an idea with an emoji.
    let joined = get(addr, &base, "");
    assert_eq!(joined.status, 200);
    assert!(joined.body.contains("Which table are you at?"));
    let cookie = joined.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let phone = cookie.strip_prefix("phone=").unwrap().to_string();
    let form = get(addr, &format!("{base}/t/2"), &cookie);
    assert!(form.status == 200 && form.body.contains("name=\"title\""));
    let title = "Layanan antre daring puskesmas 🏥";
    let body = format!("table=2&csrf={phone}&nonce=n1&name=-&other=Siti+Rahayu&title={}&description=", encode(title));
    let sent = post(addr, &format!("{base}/send"), &cookie, &body);
    assert_eq!(sent.status, 303, "{}", sent.body);
    // Told "received": it is on disk. A kill -9 now loses nothing.
    app.kill_9();
    let session = load(&path);
    let kept = &session.room.submissions[0];
    assert_eq!((kept.title.as_str(), kept.state, kept.name.as_str()), (title, SubmissionState::Pending, "Siti Rahayu"));

    // Started again: a new token; the old address is gone.
    let mut app = Pty::spawn(dir.path(), &args, 90, 30);
    let (addr2, base2) = join_address(&mut app);
    assert_ne!(base2, base, "a new token each start");
    assert_eq!(get(addr2, &base, &cookie).status, 404, "the old token no longer opens anything");
    // The coach approves it from the queue; the board shows it.
    app.send("M");
    app.wait_for("the queue", |s| s.contains("From the phones: 1 waiting") && s.contains("Layanan antre daring"));
    app.send("\r");
    app.send("\x1b");
    app.wait_for("the idea on the board", |s| s.contains("Meja 2 · 1") && s.contains("Layanan antre daring"));
    // The phone (same id, new address) sees it on the wall.
    let mine = get(addr2, &format!("{base2}/mine"), &cookie);
    assert!(mine.body.contains(title) && mine.body.contains("on the wall"), "{}", mine.body);
    let deadline = Instant::now() + Duration::from_secs(10);
    while load(&path).ideas.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let session = load(&path);
    let idea = session.ideas.last().unwrap();
    assert_eq!(
        (idea.title.as_str(), idea.author.as_deref(), idea.source),
        (title, Some("Siti Rahayu"), Some(innolab::model::Source::Room))
    );
    assert_eq!(session.room.submissions[0].state, SubmissionState::Approved);

    // Quitting stops the server: nothing listens any more.
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    assert!(TcpStream::connect_timeout(&addr2, Duration::from_secs(2)).is_err(), "nothing listening after q");
}

#[test]
fn w_turns_the_room_on_and_off_with_a_new_token_each_time() {
    let dir = tempfile::tempdir().unwrap();
    common::new_session_on_group_work(dir.path());
    let mut app = Pty::spawn(dir.path(), &["--lang", "en", "run", "lab.json", "--bind", "127.0.0.1:0"], 90, 30);
    app.wait_for("the group-work block", |s| s.contains("Group work"));
    assert!(!app.screen().contains("http://"), "the room never starts unless asked");
    app.send("w");
    let (addr, base) = join_address(&mut app);
    assert_eq!(get(addr, &base, "").status, 200);
    app.send("w");
    app.wait_for("the room off", |s| !s.contains("http://"));
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err(), "off: nothing listening");
    app.send("w");
    let (addr2, base2) = join_address(&mut app);
    assert_ne!(base2, base);
    assert_eq!(get(addr2, &base2, "").status, 200);
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

/// One idea sent from its own loopback address (127.0.x.y, as each phone on a Wi-Fi has one), retried
/// while the room is busy; true once acknowledged.
fn send_from(k: usize, to: SocketAddr, base: &str, cookie: &str, body: &str) -> bool {
    post_from(k, to, &format!("{base}/send"), cookie, body)
}

/// A form posted to `path` from phone `k`'s own loopback address, retried while the room is busy; true once
/// acknowledged (303).
fn post_from(k: usize, to: SocketAddr, path: &str, cookie: &str, body: &str) -> bool {
    let from = std::net::Ipv4Addr::new(127, 0, 1 + (k / 250) as u8, 1 + (k % 250) as u8);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    for _ in 0..200 {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.bind(&SocketAddr::new(from.into(), 0).into()).unwrap();
        if socket.connect_timeout(&to.into(), Duration::from_secs(5)).is_ok() {
            let mut stream: TcpStream = socket.into();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut raw = Vec::new();
            if stream.write_all(request.as_bytes()).is_ok() && stream.read_to_end(&mut raw).is_ok() {
                if raw.starts_with(b"HTTP/1.1 303") {
                    return true;
                }
                assert!(raw.starts_with(b"HTTP/1.1 503"), "{}", String::from_utf8_lossy(&raw));
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// 300 phones send 10 ideas each at once (bounded: 3,000 sends, every wait limited): every one is
/// acknowledged and every acknowledged one is in the file. Speed is measured by `bench/run.py room-load`.
#[test]
fn three_hundred_phones_sending_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let args = ["--lang", "en", "run", "lab.json", "--room", "--bind", "127.0.0.1:0"];
    let mut app = Pty::spawn(dir.path(), &args, 90, 30);
    let (addr, base) = join_address(&mut app);
    let (phones, ideas) = (300, 10);
    let acknowledged: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..phones)
            .map(|k| {
                let base = base.clone();
                scope.spawn(move || {
                    // Joining at the same moment as 299 others: a busy room says 503, the phone tries again.
                    let mut joined = get(addr, &base, "");
                    for _ in 0..200 {
                        if joined.status == 200 {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(20));
                        joined = get(addr, &base, "");
                    }
                    let cookie = joined.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
                    let phone = cookie.strip_prefix("phone=").unwrap().to_string();
                    (0..ideas)
                        .filter(|i| {
                            let body = format!(
                                "table={}&csrf={phone}&nonce=n{i}&name=-&other=Peserta+{k}&title=Ide+{i}+dari+{k}",
                                1 + k % 6
                            );
                            send_from(k, addr, &base, &cookie, &body)
                        })
                        .count()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    assert_eq!(acknowledged, phones * ideas, "every idea acknowledged");
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let session = load(&path);
    assert_eq!(session.room.submissions.len(), acknowledged, "every acknowledged idea is in the file");
    let mut ids: Vec<u64> = session.room.submissions.iter().map(|s| s.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), acknowledged, "ids unique and in order");
}

/// A session on the group-work block with three ideas to vote on.
fn session_with_ideas(dir: &Path) -> std::path::PathBuf {
    common::session_on_group_work_with(dir, &["Antrean daring", "Bank sampah", "Taman baca"])
}

/// Joins as a new phone (a busy room says 503: tried again); its cookie and phone id.
fn join(addr: SocketAddr, base: &str) -> (String, String) {
    let mut joined = get(addr, base, "");
    for _ in 0..200 {
        if joined.status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        joined = get(addr, base, "");
    }
    let cookie = joined.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let phone = cookie.strip_prefix("phone=").unwrap().to_string();
    (cookie, phone)
}

/// The coach opens a vote (`v`, Enter: dot voting, 3 dots each), then 300 phones cast a ballot each at once
/// (bounded: 300 posts, every wait limited): every ballot is acknowledged, the wall counts them, and the
/// file holds exactly the acknowledged ballots, whose dots add up to what was sent.
#[test]
fn three_hundred_ballots_at_once_are_all_counted_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = session_with_ideas(dir.path());
    let args = ["--lang", "en", "run", "lab.json", "--room", "--bind", "127.0.0.1:0"];
    let mut app = Pty::spawn(dir.path(), &args, 90, 30);
    let (addr, base) = join_address(&mut app);
    app.send("v");
    app.wait_for("the vote form", |s| s.contains("Open a vote"));
    app.send("\r");
    app.wait_for("the vote on the wall", |s| s.contains("0 ballots"));
    let (cookie, _) = join(addr, &base);
    let page = get(addr, &format!("{base}/vote"), &cookie).body;
    let marker = "name=\"vote\" value=\"";
    let at = page.find(marker).unwrap() + marker.len();
    let vote: String = page[at..].chars().take_while(char::is_ascii_digit).collect();
    let voters = 300;
    let acknowledged: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..voters)
            .map(|k| {
                let (base, vote) = (base.clone(), vote.clone());
                scope.spawn(move || {
                    let (cookie, phone) = join(addr, &base);
                    // Voter k: one dot on idea 1 + k % 3, two on idea 1 + (k + 1) % 3.
                    let (a, b) = (1 + k % 3, 1 + (k + 1) % 3);
                    let body = format!("vote={vote}&csrf={phone}&name=-&other=Pemilih+{k}&dot={a}&dot={b}&dot={b}");
                    usize::from(post_from(k, addr, &format!("{base}/ballot"), &cookie, &body))
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    assert_eq!(acknowledged, voters, "every ballot acknowledged");
    app.wait_for("the wall's count", |s| s.contains("300 ballots"));
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let session = load(&path);
    let saved = &session.votes[0];
    assert_eq!(saved.ballots.len(), acknowledged, "every acknowledged ballot is in the file, once");
    // An independent count: every voter's dots, added up from what was sent.
    let mut sent = [0u64; 4];
    for k in 0..voters {
        sent[1 + k % 3] += 1;
        sent[1 + (k + 1) % 3] += 2;
    }
    for standing in saved.standings() {
        assert_eq!(standing.votes, sent[standing.idea as usize], "idea #{}", standing.idea);
    }
}
