//! The coach's remote in process: its token, its page, each button, and hostile requests (each: its status
//! and the session unchanged); and that no page under `/j/` names the remote or shows the coach's notes.
//! Requests go through the real parser (`parse_request`) from raw bytes.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::io::BufReader;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use super::*;
use crate::model::{Decision, NewSubmission, Session, SubmissionState};
use crate::room::http::{PeerInfo, parse_request};
use crate::room::site::{RoomView, Site};
use crate::testing::{at, seed_session};

const NOTES: &str = "Panggil <meja 3> dulu & bagikan kartu\nLalu meja 5\x1b[2J";
const HOSTILE: &str = "<script>alert(1)</script>\" onmouseover=\"x";

/// A site with the remote over an in-memory session: what the app does with a command, done on the model
/// directly (the app's own handling is tested with `update`, and over the network in `runtime::room`).
struct Harness {
    site: Site,
    session: Arc<Mutex<Session>>,
    remote: Arc<Mutex<RemoteView>>,
    /// The commands that reached the app.
    commands: Arc<Mutex<Vec<RemoteCommand>>>,
    join: String,
    coach: String,
}

fn submission(title: &str, nonce: &str) -> NewSubmission {
    NewSubmission {
        group: "meja-2".into(),
        name: "Budi <b>".into(),
        title: title.into(),
        detail: None,
        phone: "phonephonephonephonephonea".into(),
        nonce: nonce.into(),
    }
}

/// As the app does (`State::remote`), on the bare model.
fn apply(
    session: &mut Session,
    index: &mut crate::model::room::RoomIndex,
    command: RemoteCommand,
) -> Result<u64, SubmitError> {
    let now = at("2022-11-03T13:30:00+07:00");
    let step = |session: &mut Session, delta: isize| {
        let (pos, _) = session.current_block().unwrap();
        let flat = session.plan.flat_index(pos).saturating_add_signed(delta);
        if let Some((_, block)) = session.plan.at_flat_index(flat) {
            session.progress.block = block.id.clone();
        }
    };
    let timer = |session: &mut Session, change: &dyn Fn(&mut Timer)| {
        let mut timer = session.timer_of(session.current_block().unwrap().1);
        change(&mut timer);
        session.set_timer(timer);
    };
    let decided = |result: Result<Option<u64>, _>| result.map(|_| 0).map_err(|_| SubmitError::NotPending);
    match command {
        RemoteCommand::PrevBlock => {
            step(session, -1);
            Ok(0)
        }
        RemoteCommand::NextBlock => {
            step(session, 1);
            Ok(0)
        }
        RemoteCommand::ToggleTimer => {
            timer(session, &|t| if t.running { t.pause(now) } else { t.start(now) });
            Ok(0)
        }
        RemoteCommand::AddMinute => {
            timer(session, &|t| t.adjust(60, now));
            Ok(0)
        }
        RemoteCommand::Approve(id) => decided(session.decide(index, id, Decision::Approve, None, now)),
        RemoteCommand::Reject(id) => decided(session.decide(index, id, Decision::Reject, None, now)),
    }
}

impl Harness {
    fn new() -> Harness {
        let mut session = seed_session(at("2022-11-02T08:00:00+07:00"));
        session.progress.block = "d2-curah-ide".into();
        let block = session.plan.days[1].blocks.iter_mut().find(|b| b.id == "d2-curah-ide").unwrap();
        block.notes = Some(NOTES.into());
        let mut index = crate::model::room::RoomIndex::default();
        let when = at("2022-11-03T13:10:00+07:00");
        session.submit(&mut index, submission("Antrean daring", "n1"), when).unwrap();
        session.submit(&mut index, submission(HOSTILE, "n2"), when).unwrap();
        let view = Arc::new(Mutex::new(RoomView::of(&session)));
        let remote = Arc::new(Mutex::new(RemoteView::of(&session)));
        let session = Arc::new(Mutex::new(session));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let (shared, published, log, index) =
            (Arc::clone(&session), Arc::clone(&remote), Arc::clone(&commands), Mutex::new(index));
        let submit: Submit = Arc::new(move |command| {
            let mut session = shared.lock().unwrap();
            let answer = match command {
                Command::Remote(command) => {
                    log.lock().unwrap().push(command);
                    Some(apply(&mut session, &mut index.lock().unwrap(), command))
                }
                _ => Some(Err(SubmitError::NotPending)),
            };
            *published.lock().unwrap() = RemoteView::of(&session);
            answer
        });
        let (join, coach) = (Token::random().unwrap(), Token::random().unwrap());
        let (join_text, coach_text) = (join.to_string(), coach.to_string());
        let site = Site::new(join, view, submit).with_remote(coach, Arc::clone(&remote));
        Harness { site, session, remote, commands, join: join_text, coach: coach_text }
    }

    fn base(&self) -> String {
        format!("/c/{}/", self.coach)
    }

    fn raw(&self, bytes: &[u8]) -> Response {
        let peer = PeerInfo { addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 9)), 40000) };
        match parse_request(&mut BufReader::new(bytes)) {
            Ok(request) => self.site.handle(&request, peer),
            Err(e) => e.response().unwrap(),
        }
    }

    fn get(&self, path: &str, cookie: &str) -> Response {
        self.raw(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nAccept-Language: en\r\n\r\n").as_bytes(),
        )
    }

    fn post(&self, path: &str, cookie: &str, body: &str) -> Response {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nAccept-Language: en\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        self.raw(&[head.as_bytes(), body.as_bytes()].concat())
    }

    /// The remote's form check, as its first page gives it (`coach=…`, the cookie to send back).
    fn cookie(&self) -> String {
        let page = self.get(&self.base(), "");
        let cookie = page.header("set-cookie").unwrap();
        assert!(cookie.contains("Path=/c/") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        cookie.split(';').next().unwrap().to_string()
    }

    /// Presses a button: `do`, and `id` when given, with this form check.
    fn press(&self, cookie: &str, action: &str, id: Option<&str>) -> Response {
        let csrf = cookie.strip_prefix("coach=").unwrap_or("");
        let id = id.map(|id| format!("&id={id}")).unwrap_or_default();
        self.post(&format!("{}do", self.base()), cookie, &format!("do={action}{id}&csrf={csrf}"))
    }

    fn block(&self) -> String {
        self.session.lock().unwrap().progress.block.clone()
    }

    fn state_of(&self, id: u64) -> SubmissionState {
        self.session.lock().unwrap().submission(id).unwrap().state
    }
}

fn body(response: &Response) -> String {
    String::from_utf8(response.body.clone()).unwrap()
}

#[test]
fn the_clock_reads_minutes_and_seconds_and_overtime_with_a_plus() {
    assert_eq!(clock(0), "00:00");
    assert_eq!(clock(754), "12:34");
    assert_eq!(clock(5400), "90:00");
    assert_eq!(clock(-65), "+01:05");
}

#[test]
fn clip_cuts_at_characters_not_bytes() {
    assert_eq!(clip("abc", 3), "abc");
    assert_eq!(clip("abcd", 3), "abc…");
    assert_eq!(clip("🚀🚀🚀🚀", 2), "🚀🚀…");
}

#[test]
fn every_flash_has_its_words_in_both_languages() {
    for (_, key, _) in FLASHES {
        for lang in ["en", "id"] {
            assert_ne!(t!(key, locale = lang), key, "{key} in {lang}");
        }
    }
}

#[test]
fn only_the_coach_token_opens_the_remote() {
    let h = Harness::new();
    let other = Token::random().unwrap().to_string();
    for path in [
        format!("/c/{other}/"),
        format!("/c/{}/", h.join),
        format!("/c/{}/", &h.coach[..25]),
        format!("/c/{}a/", h.coach),
        format!("/c/{}/", h.coach.to_uppercase()),
        "/c/".to_string(),
        "/c".to_string(),
        format!("/j/{}", h.coach),
        format!("/j/{}/", h.coach),
        format!("/c/{}/do", h.coach),
        format!("/c/{}/elsewhere", h.coach),
        format!("/c/{}//", h.coach),
    ] {
        let answer = h.get(&path, "");
        assert_eq!((answer.status, body(&answer).as_str()), (404, "404"), "{path}");
    }
    assert_eq!(h.post(&format!("/c/{other}/do"), "", "do=next").status, 404);
    assert_eq!(h.post(&h.base(), "", "do=next").status, 404, "buttons post to do only");
    assert!(h.commands.lock().unwrap().is_empty());
    // A site without a remote has none.
    let bare = Site::new(Token::random().unwrap(), Arc::default(), Arc::new(|_| None));
    assert!(bare.remote_path().is_none());
    let request =
        parse_request(&mut BufReader::new(format!("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", h.base()).as_bytes())).unwrap();
    let peer = PeerInfo { addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 1) };
    assert_eq!(bare.handle(&request, peer).status, 404);
    assert_eq!(h.site.remote_path(), Some(h.base()));
}

#[test]
fn the_remote_shows_the_block_its_notes_the_timer_and_the_queue() {
    let h = Harness::new();
    let cookie = h.cookie();
    let answer = h.get(&h.base(), &cookie);
    assert_eq!(answer.status, 200);
    assert!(answer.header("set-cookie").is_none(), "the form check is kept");
    let page = body(&answer);
    assert!(page.len() < 30 * 1024);
    assert!(!page.to_lowercase().contains("<script"), "no script at all: {page}");
    for shown in [
        "Coach&#39;s remote",
        "Executive Laboratorium Inovasi",
        "Day 2 · 13:00–15:00 · Diagnose",
        "<h1>Curah Ide Inovasi per OPD</h1>",
        "Panggil &lt;meja 3&gt; dulu &amp; bagikan kartu\nLalu meja 5</p>",
        "120:00 <small>paused</small>",
        "Start timer",
        "+1 minute",
        "Previous block",
        "Next block",
        "Day 2 · 15:00–15:15: Rehat Kopi",
        "Waiting from the phones: 2",
        "<b>Antrean daring</b>",
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x",
        "Budi &lt;b&gt;",
        "<meta http-equiv=\"refresh\" content=\"5\">",
        "<input type=\"hidden\" name=\"do\" value=\"approve\"><input type=\"hidden\" name=\"id\" value=\"2\">",
        "<input type=\"hidden\" name=\"do\" value=\"reject\"><input type=\"hidden\" name=\"id\" value=\"1\">",
    ] {
        assert!(page.contains(shown), "{shown} missing from {page}");
    }
    let csrf = cookie.strip_prefix("coach=").unwrap();
    assert_eq!(page.matches(&format!("name=\"csrf\" value=\"{csrf}\"")).count(), 8, "every button carries it");
    assert_eq!(page.matches(&format!("action=\"{}do\"", h.base())).count(), 8);
    // Indonesian for a phone that prefers it, and the switch.
    let raw = format!("GET {} HTTP/1.1\r\nHost: x\r\nAccept-Language: id-ID,id\r\n\r\n", h.base());
    let id = body(&h.raw(raw.as_bytes()));
    assert!(id.contains("Hari 2") && id.contains("Blok berikutnya") && id.contains("dijeda"), "{id}");
    assert!(id.contains(&format!("href=\"{}?lang=en\"", h.base())));
    let switched = h.get(&format!("{}?lang=id", h.base()), &cookie);
    assert!(body(&switched).contains("Remote fasilitator"));
    assert!(switched.header("set-cookie").is_some_and(|c| c.starts_with("lang=id;")));
    // The last block: no next one.
    h.session.lock().unwrap().progress.block = "d3-penutupan".into();
    *h.remote.lock().unwrap() = RemoteView::of(&h.session.lock().unwrap());
    let last = body(&h.get(&h.base(), &cookie));
    assert!(last.contains("This is the last block."), "{last}");
}

#[test]
fn the_join_pages_never_name_the_remote_nor_show_the_notes() {
    let h = Harness::new();
    let join = format!("/j/{}", h.join);
    let phone = {
        let first = h.get(&join, "");
        first.header("set-cookie").unwrap().split(';').next().unwrap().to_string()
    };
    let mut pages = vec![
        h.get(&join, &phone),
        h.get(&format!("{join}/mine"), &phone),
        h.get(&format!("{join}/vote"), &phone),
        h.get(&format!("{join}/nothing"), &phone),
        h.post(&format!("{join}/send"), &phone, "table=1&title=x"),
        h.post(&format!("{join}/withdraw"), &phone, "id=1"),
    ];
    for table in 1..=6 {
        pages.push(h.get(&format!("{join}/t/{table}"), &phone));
    }
    for page in &pages {
        let text = format!("{:?} {}", page.headers, body(page));
        assert!(!text.contains(&h.coach) && !text.contains("/c/"), "{text}");
        assert!(!text.contains("Panggil"), "the coach's notes: {text}");
    }
    let view = format!("{:?}", h.site_view());
    assert!(!view.contains(&h.coach) && !view.contains("Panggil"));
}

impl Harness {
    /// What the phones' pages read.
    fn site_view(&self) -> RoomView {
        RoomView::of(&self.session.lock().unwrap())
    }
}

#[test]
fn each_button_does_its_thing_and_comes_back_to_the_page() {
    let h = Harness::new();
    let cookie = h.cookie();
    let back = h.base();
    let pressed = h.press(&cookie, "next", None);
    assert_eq!((pressed.status, pressed.header("location")), (303, Some(back.as_str())));
    assert_eq!(h.block(), "d2-rehat-sore");
    assert!(body(&h.get(&back, &cookie)).contains("<h1>Rehat Kopi</h1>"));
    h.press(&cookie, "prev", None);
    assert_eq!(h.block(), "d2-curah-ide");
    h.press(&cookie, "timer", None);
    let page = body(&h.get(&back, &cookie));
    assert!(page.contains("<small>running</small>") && page.contains("Pause timer"), "{page}");
    h.press(&cookie, "timer", None);
    h.press(&cookie, "plus", None);
    let page = body(&h.get(&back, &cookie));
    assert!(page.contains("121:00 <small>paused</small>"), "{page}");
    // Approve and reject: said so once, then the page reloads to its plain address.
    let approved = h.press(&cookie, "approve", Some("1"));
    assert_eq!(approved.header("location"), Some(format!("{back}?m=approved").as_str()));
    assert_eq!(h.state_of(1), SubmissionState::Approved);
    let page = body(&h.get(&format!("{back}?m=approved"), &cookie));
    assert!(page.contains("Approved: it is on the wall."));
    assert!(page.contains(&format!("content=\"5;url={back}\"")));
    assert!(page.contains("Waiting from the phones: 1") && !page.contains("Antrean daring"));
    let rejected = h.press(&cookie, "reject", Some("2"));
    assert_eq!(rejected.header("location"), Some(format!("{back}?m=rejected").as_str()));
    assert_eq!(h.state_of(2), SubmissionState::Rejected);
    // Already decided (or never sent): refused by the app, said on the page.
    for (action, id) in [("approve", "1"), ("reject", "1"), ("approve", "2"), ("reject", "99")] {
        let again = h.press(&cookie, action, Some(id));
        assert_eq!(again.header("location"), Some(format!("{back}?m=decided").as_str()), "{action} {id}");
    }
    assert!(body(&h.get(&format!("{back}?m=decided"), &cookie)).contains("That one was already decided."));
    assert_eq!((h.state_of(1), h.state_of(2)), (SubmissionState::Approved, SubmissionState::Rejected));
    let commands = h.commands.lock().unwrap().clone();
    assert_eq!(
        commands[..7],
        [
            RemoteCommand::NextBlock,
            RemoteCommand::PrevBlock,
            RemoteCommand::ToggleTimer,
            RemoteCommand::ToggleTimer,
            RemoteCommand::AddMinute,
            RemoteCommand::Approve(1),
            RemoteCommand::Reject(2),
        ]
    );
    // The app did not answer in time: said so, nothing claimed.
    let busy = Site::new(Token::random().unwrap(), Arc::default(), Arc::new(|_| None))
        .with_remote(Token::random().unwrap(), Arc::clone(&h.remote));
    let path = busy.remote_path().unwrap();
    let peer = PeerInfo { addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 1) };
    let raw = format!(
        "POST {path}do HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\ndo=next&csrf={}",
        "do=next&csrf=".len() + 26,
        cookie.strip_prefix("coach=").unwrap()
    );
    let request = parse_request(&mut BufReader::new(raw.as_bytes())).unwrap();
    assert_eq!(busy.handle(&request, peer).header("location"), Some(format!("{path}?m=busy").as_str()));
}

/// Hostile presses: each refused with its status, and nothing reaches the app.
#[test]
fn hostile_presses_are_refused_and_change_nothing() {
    let h = Harness::new();
    let cookie = h.cookie();
    let csrf = cookie.strip_prefix("coach=").unwrap().to_string();
    let before = h.session.lock().unwrap().clone();
    let to = format!("{}do", h.base());
    let foreign = Token::random().unwrap().to_string();
    let phone = {
        let first = h.get(&format!("/j/{}", h.join), "");
        first.header("set-cookie").unwrap().split(';').next().unwrap().to_string()
    };
    let phone_id = phone.strip_prefix("phone=").unwrap().to_string();
    let foreign_cookie = format!("coach={foreign}");
    for (cookie, body_text, status) in [
        // No form check, none kept, a foreign one, the phone's own instead of the coach's.
        (cookie.as_str(), "do=next".to_string(), 403),
        ("", format!("do=next&csrf={csrf}"), 403),
        (cookie.as_str(), format!("do=next&csrf={foreign}"), 403),
        (foreign_cookie.as_str(), format!("do=next&csrf={csrf}"), 403),
        (phone.as_str(), format!("do=next&csrf={phone_id}"), 403),
        (cookie.as_str(), format!("do=next&csrf={csrf}x"), 403),
        // What to do: unknown, empty, missing, or a submission that is no number.
        (cookie.as_str(), format!("do=delete&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=&csrf={csrf}"), 400),
        (cookie.as_str(), format!("csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=NEXT&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=approve&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=approve&id=&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=approve&id=abc&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=reject&id=-1&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=reject&id=1.0&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=approve&id=99999999999999999999999&csrf={csrf}"), 400),
        (cookie.as_str(), format!("do=approve&id=%ff&csrf={csrf}"), 400),
    ] {
        let answer = h.post(&to, cookie, &body_text);
        assert_eq!(answer.status, status, "{cookie} {body_text}");
        let page = body(&answer);
        assert!(page.contains(&format!("href=\"{}\"", h.base())), "the way back: {page}");
        assert!(!page.contains(&foreign) && !page.contains("delete"), "nothing of the request shown");
    }
    assert!(h.commands.lock().unwrap().is_empty(), "nothing reached the app");
    assert_eq!(*h.session.lock().unwrap(), before);
    // A message is one of the remote's own words, never text from the address.
    let page = body(&h.get(&format!("{}?m=%3Cscript%3Ealert(1)%3C/script%3E", h.base()), &cookie));
    assert!(!page.contains("<script") && !page.contains("role=\"alert\"") && !page.contains("role=\"status\""));
    assert!(page.contains("content=\"5\""));
}

#[test]
fn presses_are_slowed_per_address() {
    let h = Harness::new();
    let cookie = h.cookie();
    for _ in 0..30 {
        assert_eq!(h.press(&cookie, "plus", None).status, 303);
    }
    let slowed = h.press(&cookie, "plus", None);
    assert_eq!(slowed.status, 429);
    assert!(body(&slowed).contains("Too many sends at once"));
    assert_eq!(h.commands.lock().unwrap().len(), 30);
}

/// The page stays under 30 KB whatever the plan and the phones hold (long notes, many waiting, titles that
/// escape to six times their length).
#[test]
fn the_page_stays_small_with_hostile_texts() {
    let mut session = seed_session(at("2022-11-02T08:00:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    session.plan.title = "\"".repeat(5000);
    for block in session.plan.days.iter_mut().flat_map(|d| d.blocks.iter_mut()) {
        block.title = "<".repeat(5000);
        block.notes = Some("&".repeat(1_000_000));
    }
    session.groups[1].name = "\"".repeat(5000);
    let mut index = crate::model::room::RoomIndex::default();
    for n in 0..20 {
        let mut new = submission(&"\"".repeat(200), &format!("n{n}"));
        new.name = "<".repeat(80);
        session.submit(&mut index, new, at("2022-11-03T13:10:00+07:00")).unwrap();
    }
    let remote = Arc::new(Mutex::new(RemoteView::of(&session)));
    let site = Site::new(Token::random().unwrap(), Arc::default(), Arc::new(|_| None))
        .with_remote(Token::random().unwrap(), remote);
    let raw = format!("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", site.remote_path().unwrap());
    let request = parse_request(&mut BufReader::new(raw.as_bytes())).unwrap();
    let page = body(&site.handle(&request, PeerInfo { addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 1) }));
    assert!(page.len() < 30 * 1024, "{} bytes", page.len());
    assert!(page.contains("name=\"do\" value=\"approve\""), "some are listed");
    assert!(page.contains("lagi (di laptop: M)"), "the rest are counted");
}
