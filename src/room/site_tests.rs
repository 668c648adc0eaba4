//! The phones' site in process: every route, and hostile requests (each: its status, its message, and the
//! session unchanged). Requests go through the real parser (`parse_request`) from raw bytes.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::io::BufReader;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use super::*;
use crate::model::{Count, Member, Role, Session, SubmissionState, VoteMethod};
use crate::room::http::{PeerInfo, parse_request};
use crate::testing::{at, seed_session};

/// A site over an in-memory session: what the app does with a command, done on the model directly.
struct Harness {
    site: Site,
    session: Arc<Mutex<Session>>,
    token: String,
}

impl Harness {
    fn new() -> Harness {
        let mut session = seed_session(at("2022-11-02T08:00:00+07:00"));
        session.progress.block = "d2-curah-ide".into();
        session.groups[0].members.push(Member {
            name: "Siti <Rahayu>".into(),
            agency: Some("Dinas Kesehatan".into()),
            role: Role::Representative,
            present: true,
        });
        let session = Arc::new(Mutex::new(session));
        let view = Arc::new(Mutex::new(RoomView::of(&session.lock().unwrap())));
        let (shared, published) = (Arc::clone(&session), Arc::clone(&view));
        let index = Mutex::new(crate::model::room::RoomIndex::default());
        let submit: Submit = Arc::new(move |command| {
            let mut session = shared.lock().unwrap();
            let mut index = index.lock().unwrap();
            let now = at("2022-11-03T10:00:00+07:00");
            let answer = match command {
                Command::Submit(new) => session.submit(&mut index, new, now).map(|(id, _)| id),
                Command::Withdraw { id, phone } => session.withdraw(&mut index, id, &phone, now).map(|()| id),
                // As the app does (`State::room_ballot`): only the open vote, and only that one.
                Command::Ballot(cast) => match session.open_vote_mut().filter(|v| v.id == cast.vote) {
                    Some(vote) => vote
                        .cast(&cast.voter, &cast.dots, Some(&cast.phone), now)
                        .map(|()| cast.vote)
                        .map_err(|e| SubmitError::of_vote(&e)),
                    None => Err(SubmitError::VoteClosed),
                },
                // The coach's remote has its own tests (`remote_tests`): this site has none.
                Command::Remote(_) => Err(SubmitError::NotPending),
            };
            // As the runtime does: only the changed submission's phone is brought up to date.
            let changed: Vec<u64> = answer.iter().copied().collect();
            published.lock().unwrap().refresh(&session, &changed);
            Some(answer)
        });
        let token = Token::random().unwrap();
        let text = token.to_string();
        Harness { site: Site::new(token, view, submit), session, token: text }
    }

    fn base(&self) -> String {
        format!("/j/{}", self.token)
    }

    /// Sends raw request bytes from `peer`; a request the parser refuses gets its error's answer.
    fn raw(&self, bytes: &[u8], peer: u8) -> Response {
        let peer = PeerInfo { addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, peer)), 40000) };
        match parse_request(&mut BufReader::new(bytes)) {
            Ok(request) => self.site.handle(&request, peer),
            Err(e) => e.response().unwrap(),
        }
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let cookie = cookie.map(|c| format!("Cookie: phone={c}\r\n")).unwrap_or_default();
        self.raw(format!("GET {path} HTTP/1.1\r\nHost: x\r\n{cookie}\r\n").as_bytes(), 1)
    }

    fn post(&self, path: &str, cookie: Option<&str>, body: &str) -> Response {
        self.post_from(path, cookie, body, 1)
    }

    fn post_from(&self, path: &str, cookie: Option<&str>, body: &str, peer: u8) -> Response {
        let cookie = cookie.map(|c| format!("Cookie: phone={c}\r\n")).unwrap_or_default();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        self.raw(&[head.as_bytes(), body.as_bytes()].concat(), peer)
    }

    /// A phone id as the site gives them, from the first page.
    fn phone(&self) -> String {
        let response = self.get(&self.base(), None);
        let cookie = response.header("set-cookie").unwrap();
        cookie.strip_prefix("phone=").unwrap().split(';').next().unwrap().to_string()
    }

    fn submissions(&self) -> usize {
        self.session.lock().unwrap().room.submissions.len()
    }
}

fn body(response: &Response) -> String {
    String::from_utf8(response.body.clone()).unwrap()
}

fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn idea_form<'a>(phone: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("table", "1"), ("csrf", phone), ("nonce", "n1"), ("name", "Siti <Rahayu>"), ("title", title)]
}

#[test]
fn a_phone_joins_picks_a_table_sends_an_idea_and_sees_it() {
    let h = Harness::new();
    let first = h.get(&h.base(), None);
    assert_eq!(first.status, 200);
    assert!(body(&first).contains(&format!("href=\"{}/t/6\"", h.base())), "every table");
    let phone = h.phone();
    assert_eq!(phone.len(), 26);
    let page = body(&h.get(&format!("{}/t/1", h.base()), Some(&phone)));
    assert!(page.contains("Siti &lt;Rahayu&gt;"), "the roster's names, escaped");
    assert!(page.contains(&format!("name=\"csrf\" value=\"{phone}\"")));
    assert!(!page.contains("<script"), "no script at all");
    assert!(page.len() < 30 * 1024);
    let sent = h.post(&format!("{}/send", h.base()), Some(&phone), &form(&idea_form(&phone, "Antrean daring 🚀")));
    assert_eq!(sent.status, 303);
    assert_eq!(sent.header("location"), Some(format!("{}/mine?sent=1", h.base()).as_str()));
    let kept = h.session.lock().unwrap().room.submissions[0].clone();
    assert_eq!((kept.title.as_str(), kept.on_roster, kept.group.as_str()), ("Antrean daring 🚀", true, "meja-1"));
    let mine = body(&h.get(&format!("{}/mine?sent=1", h.base()), Some(&phone)));
    assert!(mine.contains("Antrean daring 🚀") && mine.contains("menunggu fasilitator"), "{mine}");
    // Another phone sees none of it.
    let other = body(&h.get(&format!("{}/mine", h.base()), Some(&h.phone())));
    assert!(!other.contains("Antrean daring"));
    // Approved on the wall: the phone says so; a pending one can be withdrawn.
    {
        let mut session = h.session.lock().unwrap();
        let mut index = crate::model::room::RoomIndex::of(&session.room);
        let when = at("2022-11-03T10:01:00+07:00");
        session.decide(&mut index, 1, crate::model::Decision::Approve, None, when).unwrap();
        h.site.view.lock().unwrap().refresh(&session, &[1]);
    }
    let second = h.post(
        &format!("{}/send", h.base()),
        Some(&phone),
        &form(&[
            ("table", "2"),
            ("csrf", &phone),
            ("nonce", "n2"),
            ("name", "-"),
            ("other", "Tamu"),
            ("title", "Lapor jalan"),
        ]),
    );
    assert_eq!(second.status, 303);
    let mine = body(&h.get(&format!("{}/mine", h.base()), Some(&phone)));
    assert!(mine.contains("di layar") && mine.contains("name=\"id\" value=\"2\""), "{mine}");
    let gone = h.post(&format!("{}/withdraw", h.base()), Some(&phone), &form(&[("id", "2"), ("csrf", &phone)]));
    assert_eq!(gone.status, 303);
    assert_eq!(h.session.lock().unwrap().submission(2).unwrap().state, SubmissionState::Withdrawn);
}

#[test]
fn the_language_follows_the_phone_and_the_switch() {
    let h = Harness::new();
    let raw = |lang: &str| format!("GET {} HTTP/1.1\r\nHost: x\r\nAccept-Language: {lang}\r\n\r\n", h.base());
    assert!(body(&h.raw(raw("en-US,en;q=0.9").as_bytes(), 1)).contains("Which table are you at?"));
    assert!(body(&h.raw(raw("id-ID,id;q=0.9,en;q=0.8").as_bytes(), 1)).contains("Anda di meja mana?"));
    let switched = h.get(&format!("{}?lang=en", h.base()), None);
    assert!(body(&switched).contains("Which table"));
    let cookies: Vec<_> = switched.headers.iter().filter(|(n, _)| n == "Set-Cookie").map(|(_, v)| v.clone()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("lang=en;")), "{cookies:?}");
}

/// Hostile requests: each gets its status and message, and the session is unchanged.
#[test]
fn hostile_requests_are_refused_and_change_nothing() {
    let h = Harness::new();
    let phone = h.phone();
    let b = h.base();
    let send = format!("{b}/send");
    let with = |changes: &[(&'static str, &str)]| {
        let mut fields = idea_form(&phone, "Ide");
        for (k, v) in changes {
            match fields.iter_mut().find(|(n, _)| n == k) {
                Some(field) => field.1 = v,
                None => fields.push((k, v)),
            }
        }
        form(&fields)
    };
    let long = |n: usize| "a".repeat(n);
    let (t201, n81, d1001) = (long(201), long(81), long(1001));
    let fields33 = (0..33).map(|i| format!("f{i}=x")).collect::<Vec<_>>().join("&");
    let bad_token = format!("/j/{}x", &h.token[..25]);
    let cases: Vec<(String, Response, u16, &str)> = vec![
        ("wrong token".into(), h.get(&bad_token, Some(&phone)), 404, "404"),
        ("no token".into(), h.get("/j/", Some(&phone)), 404, "404"),
        ("root".into(), h.get("/", Some(&phone)), 404, "404"),
        ("favicon".into(), h.get("/favicon.ico", None), 404, "404"),
        ("traversal".into(), h.get(&format!("{b}/../../etc/passwd"), Some(&phone)), 404, "404"),
        ("encoded traversal".into(), h.get(&format!("{b}/%2e%2e/%2e%2e/etc/passwd"), Some(&phone)), 404, "404"),
        ("token prefix".into(), h.get(&format!("/j/{}", &h.token[..10]), Some(&phone)), 404, "404"),
        ("table 0".into(), h.get(&format!("{b}/t/0"), Some(&phone)), 404, "404"),
        ("table 7".into(), h.get(&format!("{b}/t/7"), Some(&phone)), 404, "404"),
        ("table -1".into(), h.get(&format!("{b}/t/-1"), Some(&phone)), 404, "404"),
        ("table name".into(), h.get(&format!("{b}/t/meja-1"), Some(&phone)), 404, "404"),
        ("table huge".into(), h.get(&format!("{b}/t/99999999999999999999999"), Some(&phone)), 404, "404"),
        ("send by GET".into(), h.get(&send, Some(&phone)), 404, "404"),
        ("another session's file".into(), h.get(&format!("{b}/../lab.json"), Some(&phone)), 404, "404"),
        ("no cookie".into(), h.post(&send, None, &with(&[])), 403, "kedaluwarsa"),
        ("forged cookie".into(), h.post(&send, Some("ABC'\"<x>"), &with(&[])), 403, "kedaluwarsa"),
        ("cross-site, no csrf".into(), h.post(&send, Some(&phone), &with(&[("csrf", "")])), 403, "kedaluwarsa"),
        (
            "csrf of another phone".into(),
            h.post(&send, Some(&phone), &with(&[("csrf", &h.phone())])),
            403,
            "kedaluwarsa",
        ),
        ("unknown table".into(), h.post(&send, Some(&phone), &with(&[("table", "99")])), 400, "Meja itu tidak ada"),
        ("table zero".into(), h.post(&send, Some(&phone), &with(&[("table", "0")])), 400, "Meja itu tidak ada"),
        ("table text".into(), h.post(&send, Some(&phone), &with(&[("table", "meja-1")])), 400, "Meja itu tidak ada"),
        ("no title".into(), h.post(&send, Some(&phone), &with(&[("title", "")])), 400, "ketik ide Anda"),
        ("blank title".into(), h.post(&send, Some(&phone), &with(&[("title", "  \t ")])), 400, "ketik ide Anda"),
        (
            "escape-only title".into(),
            h.post(&send, Some(&phone), &with(&[("title", "\u{1b}[2J\u{1b}]0;x\u{7}")])),
            400,
            "ketik ide Anda",
        ),
        (
            "bidi-only title".into(),
            h.post(&send, Some(&phone), &with(&[("title", "\u{202E}\u{2066}")])),
            400,
            "ketik ide Anda",
        ),
        (
            "title too long".into(),
            h.post(&send, Some(&phone), &with(&[("title", &t201)])),
            400,
            "terlalu panjang untuk judul",
        ),
        (
            "no name".into(),
            h.post(&send, Some(&phone), &with(&[("name", "-"), ("other", "")])),
            400,
            "pilih atau ketik nama",
        ),
        (
            "name too long".into(),
            h.post(&send, Some(&phone), &with(&[("name", "-"), ("other", &n81)])),
            400,
            "Nama itu terlalu panjang",
        ),
        (
            "description too long".into(),
            h.post(&send, Some(&phone), &with(&[("description", &d1001)])),
            400,
            "Uraiannya terlalu panjang",
        ),
        ("too many fields".into(), h.post(&send, Some(&phone), &fields33), 400, ""),
        ("invalid UTF-8".into(), h.post(&send, Some(&phone), &format!("{}&title=%FF%FE", with(&[]))), 400, ""),
        ("bad escape".into(), h.post(&send, Some(&phone), &format!("{}&title=%ZZ", with(&[]))), 400, ""),
        (
            "withdraw not mine".into(),
            h.post(&format!("{b}/withdraw"), Some(&phone), &form(&[("id", "1"), ("csrf", &phone)])),
            400,
            "tidak menunggu",
        ),
        (
            "withdraw text id".into(),
            h.post(&format!("{b}/withdraw"), Some(&phone), &form(&[("id", "x"), ("csrf", &phone)])),
            400,
            "tidak menunggu",
        ),
        (
            "withdraw no csrf".into(),
            h.post(&format!("{b}/withdraw"), Some(&phone), &form(&[("id", "1")])),
            403,
            "kedaluwarsa",
        ),
        (
            "withdraw negative".into(),
            h.post(&format!("{b}/withdraw"), Some(&phone), &form(&[("id", "-1"), ("csrf", &phone)])),
            400,
            "tidak menunggu",
        ),
        ("body over 8 KiB".into(), h.post(&send, Some(&phone), &with(&[("description", &long(9000))])), 413, ""),
        (
            "PUT".into(),
            h.raw(format!("PUT {send} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").as_bytes(), 1),
            405,
            "",
        ),
        ("DELETE".into(), h.raw(format!("DELETE {b} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(), 1), 405, ""),
        (
            "chunked".into(),
            h.raw(
                format!("POST {send} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").as_bytes(),
                1,
            ),
            501,
            "",
        ),
        ("no length".into(), h.raw(format!("POST {send} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(), 1), 411, ""),
        (
            "two lengths".into(),
            h.raw(
                format!("POST {send} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
                    .as_bytes(),
                1,
            ),
            400,
            "",
        ),
        ("huge path".into(), h.get(&format!("{b}/{}", long(3000)), Some(&phone)), 414, ""),
        (
            "header flood".into(),
            h.raw(format!("GET {b} HTTP/1.1\r\nHost: x\r\n{}\r\n", "X-A: b\r\n".repeat(60)).as_bytes(), 1),
            431,
            "",
        ),
        ("no host".into(), h.raw(format!("GET {b} HTTP/1.1\r\n\r\n").as_bytes(), 1), 400, ""),
        ("HTTP/2 preface".into(), h.raw(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 1), 505, ""),
        ("bare CR in head".into(), h.raw(format!("GET {b} HTTP/1.1\r\nHost: x\rX: y\r\n\r\n").as_bytes(), 1), 400, ""),
        ("NUL in path".into(), h.raw(format!("GET {b}\0 HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(), 1), 400, ""),
        ("HEAD on send".into(), h.raw(format!("HEAD {send} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(), 1), 404, "404"),
        ("OPTIONS".into(), h.raw(format!("OPTIONS {b} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(), 1), 405, ""),
        (
            "lang header injection".into(),
            h.get(&format!("{b}?lang=en%0D%0ASet-Cookie:%20x=1"), Some(&phone)),
            200,
            "Anda di meja mana?",
        ),
    ];
    assert!(cases.len() >= 50, "{} cases", cases.len());
    for (what, response, status, message) in &cases {
        assert_eq!(response.status, *status, "{what}: {}", body(response));
        assert!(body(response).contains(message), "{what}: {}", body(response));
        assert!(!body(response).contains("<script"), "{what}");
        for (name, value) in &response.headers {
            assert!(!value.contains(['\r', '\n']), "{what}: header {name}");
            assert!(
                name != "Set-Cookie" || value.starts_with("phone=") || value.starts_with("lang="),
                "{what}: {value}"
            );
        }
    }
    assert_eq!(h.submissions(), 0, "nothing was let in");
    // A title with escape sequences or script is let in, cleaned, and shown as text.
    let ok = h.post(&send, Some(&phone), &with(&[("title", "<script>alert(1)</script>\u{1b}[31m merah")]));
    assert_eq!(ok.status, 303);
    assert_eq!(h.session.lock().unwrap().room.submissions[0].title, "<script>alert(1)</script> merah");
    let mine = body(&h.get(&format!("{b}/mine"), Some(&phone)));
    assert!(mine.contains("&lt;script&gt;alert(1)&lt;/script&gt; merah") && !mine.contains("<script"));
    // The same form sent again (a retry, a replay) is the one submission.
    let again = h.post(&send, Some(&phone), &with(&[("title", "<script>alert(1)</script>\u{1b}[31m merah")]));
    assert_eq!(again.status, 303);
    assert_eq!(h.submissions(), 1);
}

#[test]
fn floods_are_slowed_per_address_and_a_phone_holds_at_most_twenty_waiting() {
    let h = Harness::new();
    let phone = h.phone();
    let send = format!("{}/send", h.base());
    let mut statuses = Vec::new();
    for n in 0..(POSTS_PER_MINUTE_PER_ADDRESS + 3) {
        let nonce = format!("n{n}");
        let body = form(&[
            ("table", "1"),
            ("csrf", &phone),
            ("nonce", &nonce),
            ("name", "-"),
            ("other", "Tamu"),
            ("title", "Ide"),
        ]);
        statuses.push(h.post_from(&send, Some(&phone), &body, 7).status);
    }
    let pending = crate::model::room::MAX_PENDING_PER_PHONE;
    assert!(statuses[..pending].iter().all(|&s| s == 303), "{statuses:?}");
    assert!(statuses[pending..POSTS_PER_MINUTE_PER_ADDRESS as usize].iter().all(|&s| s == 400), "{statuses:?}");
    assert!(statuses[POSTS_PER_MINUTE_PER_ADDRESS as usize..].iter().all(|&s| s == 429), "{statuses:?}");
    assert_eq!(h.submissions(), pending);
    // Another address is not held back by the first one's flood.
    let other = h.phone();
    let body =
        form(&[("table", "1"), ("csrf", &other), ("nonce", "x"), ("name", "-"), ("other", "Tamu"), ("title", "Ide")]);
    assert_eq!(h.post_from(&send, Some(&other), &body, 8).status, 303);
}

impl Harness {
    /// Three ideas on the block and a vote open on them (`method`), as the view shows it.
    fn open_vote(&self, method: VoteMethod) -> u64 {
        let mut session = self.session.lock().unwrap();
        let now = at("2022-11-03T09:00:00+07:00");
        let idea =
            |title: &str| crate::model::NewIdea { group: "meja-1".into(), title: title.into(), ..Default::default() };
        session.add_ideas(vec![idea("Antrean daring"), idea("<b>Bank</b> sampah"), idea("Taman baca")], now).unwrap();
        let new = crate::model::NewVote {
            question: "Mana dulu? <script>alert(1)</script>".into(),
            scope: crate::model::VoteScope::Block,
            method,
            hidden: true,
            anonymous: false,
            block: "d2-curah-ide".into(),
        };
        let id = session.open_vote_on(new, now).unwrap();
        *self.site.view.lock().unwrap() = RoomView::of(&session);
        id
    }

    fn ballots(&self) -> Vec<crate::model::Ballot> {
        self.session.lock().unwrap().votes[0].ballots.clone()
    }
}

#[test]
fn a_phone_casts_a_ballot_moves_its_dots_and_a_second_device_replaces_it() {
    let h = Harness::new();
    let phone = h.phone();
    assert!(body(&h.get(&format!("{}/vote", h.base()), Some(&phone))).contains("tidak ada pemungutan suara"));
    let id = h.open_vote(VoteMethod::Dots { per_voter: 3, per_idea: 2 });
    let tables = body(&h.get(&h.base(), Some(&phone)));
    assert!(tables.contains(&format!("href=\"{}/vote\"", h.base())), "the tables page leads to the vote");
    let page = body(&h.get(&format!("{}/vote?lang=en", h.base()), Some(&phone)));
    assert!(page.contains("Mana dulu? &lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script"), "{page}");
    assert!(page.contains("&lt;b&gt;Bank&lt;/b&gt; sampah") && !page.contains("<b>"));
    assert_eq!(page.matches("name=\"dot\" value=\"2\"").count(), 2, "two boxes an idea: at most 2 on one");
    assert!(page.contains("<option value=\"Siti &lt;Rahayu&gt;\">"), "the roster's names, escaped");
    assert!(page.len() < 30 * 1024);
    let vote = id.to_string();
    let cast = |phone: &str, name: &str, dots: &[&str]| {
        let mut fields = vec![("vote", vote.as_str()), ("csrf", phone), ("name", name)];
        fields.extend(dots.iter().map(|d| ("dot", *d)));
        h.post(&format!("{}/ballot", h.base()), Some(phone), &form(&fields))
    };
    let answer = cast(&phone, "Siti <Rahayu>", &["1", "1", "3"]);
    assert_eq!(answer.status, 303);
    assert_eq!(answer.header("location"), Some(format!("{}/vote?cast=1", h.base()).as_str()));
    let ballots = h.ballots();
    assert_eq!(ballots.len(), 1);
    assert_eq!(ballots[0].dots, vec![Count { idea: 1, count: 2 }, Count { idea: 3, count: 1 }]);
    // The page shows the phone's ballot to move its dots: the voter chosen, three boxes ticked.
    let page = body(&h.get(&format!("{}/vote?cast=1", h.base()), Some(&phone)));
    assert!(page.contains("Surat suara diterima"));
    assert!(page.contains("<option value=\"Siti &lt;Rahayu&gt;\" selected>"));
    assert_eq!(page.matches(" checked").count(), 3);
    // Moved; then the same person from another phone: still one ballot, the newest.
    assert_eq!(cast(&phone, "Siti <Rahayu>", &["2"]).status, 303);
    let other = h.phone();
    assert_eq!(cast(&other, "siti <rahayu>", &["3", "3"]).status, 303);
    let ballots = h.ballots();
    assert_eq!(ballots.len(), 1);
    assert_eq!(ballots[0].dots, vec![Count { idea: 3, count: 2 }]);
    // Someone else at the same phone: a ballot of their own.
    assert_eq!(cast(&phone, "Tamu", &["1"]).status, 303);
    assert_eq!(h.ballots().len(), 2);
}

#[test]
fn a_single_choice_vote_takes_one_choice() {
    let h = Harness::new();
    let phone = h.phone();
    let id = h.open_vote(VoteMethod::Single);
    let page = body(&h.get(&format!("{}/vote", h.base()), Some(&phone)));
    assert_eq!(page.matches("type=\"radio\" name=\"choice\"").count(), 3);
    let vote = id.to_string();
    let fields = [("vote", vote.as_str()), ("csrf", phone.as_str()), ("name", "Budi"), ("choice", "2")];
    assert_eq!(h.post(&format!("{}/ballot", h.base()), Some(&phone), &form(&fields)).status, 303);
    assert_eq!(h.ballots()[0].dots, vec![Count { idea: 2, count: 1 }]);
    let two = [("vote", vote.as_str()), ("csrf", phone.as_str()), ("name", "Budi"), ("choice", "1"), ("choice", "2")];
    let refused = h.post(&format!("{}/ballot", h.base()), Some(&phone), &form(&two));
    assert_eq!(refused.status, 400);
    assert_eq!(h.ballots()[0].dots, vec![Count { idea: 2, count: 1 }], "unchanged");
}

#[test]
fn hostile_ballots_are_refused_with_a_message_and_change_nothing() {
    let h = Harness::new();
    let phone = h.phone();
    let id = h.open_vote(VoteMethod::Dots { per_voter: 3, per_idea: 2 });
    let vote = id.to_string();
    let ballot = |fields: &[(&str, &str)]| h.post(&format!("{}/ballot", h.base()), Some(&phone), &form(fields));
    let base = |dots: &[&'static str]| {
        let mut fields = vec![("vote", vote.clone()), ("csrf", phone.clone()), ("name", "Budi".to_string())];
        fields.extend(dots.iter().map(|d| ("dot", (*d).to_string())));
        fields
    };
    let send = |fields: Vec<(&str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ballot(&fields)
    };
    assert_eq!(send(base(&["1"])).status, 303);
    let before = h.ballots();
    let cases: Vec<(&str, Response, u16, &str)> = vec![
        ("an idea not on the ballot", send(base(&["9"])), 400, "tidak ikut dipilih"),
        ("four dots of three", send(base(&["1", "2", "3", "3"])), 400, "terlalu banyak: kurangi"),
        ("three on one idea", send(base(&["2", "2", "2"])), 400, "Terlalu banyak titik pada satu ide"),
        ("no dot", send(base(&[])), 400, "paling sedikit satu titik"),
        ("not a number", send(base(&["abc"])), 400, "tidak terbaca"),
        ("a negative idea", send(base(&["-1"])), 400, "tidak terbaca"),
        (
            "another vote",
            send(vec![("vote", "99".into()), ("csrf", phone.clone()), ("name", "Budi".into()), ("dot", "1".into())]),
            400,
            "sudah ditutup",
        ),
        (
            "no vote field",
            send(vec![("csrf", phone.clone()), ("name", "Budi".into()), ("dot", "1".into())]),
            400,
            "tidak terbaca",
        ),
        (
            "no name",
            send(vec![("vote", vote.clone()), ("csrf", phone.clone()), ("name", "-".into()), ("dot", "1".into())]),
            400,
            "nama",
        ),
        (
            "an escape-only name",
            send(vec![
                ("vote", vote.clone()),
                ("csrf", phone.clone()),
                ("name", "\u{1b}[2J".into()),
                ("dot", "1".into()),
            ]),
            400,
            "nama",
        ),
        ("no csrf", send(vec![("vote", vote.clone()), ("name", "Budi".into()), ("dot", "1".into())]), 403, ""),
        (
            "a foreign csrf",
            send(vec![("vote", vote.clone()), ("csrf", "a".repeat(26)), ("name", "Budi".into()), ("dot", "1".into())]),
            403,
            "",
        ),
        (
            "no cookie",
            h.post(
                &format!("{}/ballot", h.base()),
                None,
                &form(&[("vote", &vote), ("csrf", &phone), ("name", "Budi"), ("dot", "2")]),
            ),
            403,
            "",
        ),
        ("GET on ballot", h.get(&format!("{}/ballot", h.base()), Some(&phone)), 404, ""),
    ];
    for (what, response, status, message) in &cases {
        assert_eq!(response.status, *status, "{what}");
        let text = body(response);
        assert!(text.contains(message), "{what}: {text}");
        assert!(!text.contains("<script"), "{what}");
        assert_eq!(h.ballots(), before, "{what}: nothing changed");
    }
    // Closed: refused, and the page says no vote is open.
    h.session.lock().unwrap().votes[0].close(at("2022-11-03T11:00:00+07:00"));
    *h.site.view.lock().unwrap() = RoomView::of(&h.session.lock().unwrap());
    let late = send(base(&["2"]));
    assert_eq!(late.status, 400);
    assert!(body(&late).contains("sudah ditutup"));
    assert_eq!(h.ballots(), before);
    // A flood from one address is slowed like any other post.
    let statuses: Vec<u16> = (0..40).map(|_| send(base(&["1"])).status).collect();
    assert!(statuses.contains(&429));
}
