//! The coach's remote over the network, in process: the room's real server on 127.0.0.1 (a port the system
//! picks), the page and a button fetched by a plain HTTP client, and this test as the event loop: each
//! request through `Room::request`, `update`, and the answer held until the change is "on disk" (the
//! saver's answer played here). Every wait is bounded.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::mpsc::Receiver;
use std::thread::{self, JoinHandle};

use super::*;
use crate::app::{Effect, update};
use crate::i18n::Lang;
use crate::model::{NewSubmission, Session, Source, SubmissionState};
use crate::testing::at;
use crate::ui::theme::ThemeName;

/// One request over loopback: status, the `Location` and `Set-Cookie` headers, body.
fn http(addr: SocketAddr, request: &str) -> (u16, String, String, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.get(9..12).unwrap().parse().unwrap();
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(": "))
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    (status, header("location"), header("set-cookie"), body.to_string())
}

fn get(addr: SocketAddr, path: &str, cookie: &str) -> (u16, String, String, String) {
    http(addr, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nAccept-Language: en\r\n\r\n"))
}

fn post(addr: SocketAddr, path: &str, cookie: &str, body: &str) -> (u16, String, String, String) {
    http(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nAccept-Language: en\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// The event loop's part for room requests, until the client is done (at most ten seconds): each request
/// becomes its action, the answer is held while its change is unsaved, then the save is reported. Returns
/// how many answers were held while unsaved, and how many requests came without a worker waiting for them.
fn serve(
    room: &mut Room,
    state: &mut State,
    events: &Receiver<Event>,
    client: &JoinHandle<Vec<String>>,
) -> (usize, usize) {
    let give_up = Instant::now() + Duration::from_secs(10);
    let (mut held_while_unsaved, mut later) = (0, 0);
    while !client.is_finished() && Instant::now() < give_up {
        let Ok(Event::Room(request)) = events.recv_timeout(Duration::from_millis(10)) else {
            room.after_turn(state);
            continue;
        };
        later += usize::from(matches!(request.answer, Waiting::Later { .. }));
        let action = room.request(request);
        let mut save = false;
        for effect in update(state, action) {
            match effect {
                Effect::RoomReply { reply, answer, after } => room.answer(state, reply, answer, after),
                Effect::Save | Effect::SaveNow => save = true,
                _ => {}
            }
        }
        room.after_turn(state);
        if save {
            held_while_unsaved += room.held.len();
            let generation = state.save.generation;
            update(state, Action::SaveFinished { generation, result: Ok(state.now) });
        }
        room.after_turn(state);
    }
    (held_while_unsaved, later)
}

#[test]
fn the_coach_s_remote_moves_the_agenda_and_approves_over_the_network() {
    let mut state = lab_on_group_work();
    update(&mut state, Action::RoomSubmit { new: budi_s_idea(), reply: 0 });
    let (tx, events) = mpsc::channel();
    let mut room = Room::new(Some(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))));
    let started = room.start(&tx, &state);
    let Action::RoomStarted { url, coach_url } = started.clone() else { panic!("{started:?}") };
    update(&mut state, started);
    assert_eq!(state.room.coach_url.as_deref(), Some(coach_url.as_str()));
    let (addr, coach) = coach_url.strip_prefix("http://").unwrap().split_once('/').unwrap();
    let (addr, coach) = (addr.parse::<SocketAddr>().unwrap(), format!("/{coach}"));
    let join = format!("/{}", url.strip_prefix("http://").unwrap().split_once('/').unwrap().1);
    assert!(coach.starts_with("/c/") && coach.len() == "/c/".len() + 26 + 1 && addr.ip().is_loopback());
    let token = coach.trim_start_matches("/c/").trim_end_matches('/').to_string();
    assert!(!url.contains(&token), "two tokens");

    let client = thread::spawn(move || {
        let mut seen = Vec::new();
        let (status, _, cookie, page) = get(addr, &coach, "");
        assert_eq!(status, 200);
        assert!(page.contains("Curah Ide Inovasi per OPD") && page.contains("Antrean daring"), "{page}");
        let cookie = cookie.split(';').next().unwrap().to_string();
        let csrf = cookie.strip_prefix("coach=").unwrap().to_string();
        seen.push(post(addr, &format!("{coach}do"), &cookie, &format!("do=next&csrf={csrf}")).1);
        seen.push(get(addr, &coach, &cookie).3);
        seen.push(post(addr, &format!("{coach}do"), &cookie, &format!("do=approve&id=1&csrf={csrf}")).1);
        seen.push(post(addr, &format!("{coach}do"), &cookie, &format!("do=approve&id=1&csrf={csrf}")).1);
        seen.push(post(addr, &format!("{coach}do"), "", "do=next").3);
        seen.push(get(addr, &join, "").3);
        seen.push(get(addr, &format!("/c/{}/", "a".repeat(26)), "").3);
        seen
    });
    let (held, later) = serve(&mut room, &mut state, &events, &client);
    let seen = client.join().unwrap();
    room.stop();
    assert_eq!(later, 0, "the remote's buttons wait for the app on their worker");

    assert_eq!(seen[0], coach_url.trim_start_matches(&format!("http://{addr}")), "back to the page");
    assert!(seen[1].contains("<h1>Rehat Kopi</h1>"), "the page shows the block now on the wall: {}", seen[1]);
    assert!(seen[2].ends_with("?m=approved") && seen[3].ends_with("?m=decided"), "{seen:?}");
    assert!(seen[4].contains("expired"), "no form check: refused");
    assert!(!seen[5].contains(&token) && !seen[5].contains("/c/"), "the join page never names the remote");
    assert_eq!(seen[6], "404");
    assert_eq!(held, 2, "each change was answered only once on disk");
    let lab = state.lab.as_ref().unwrap();
    assert_eq!(lab.session.progress.block, "d2-rehat-sore");
    assert_eq!(lab.session.submission(1).unwrap().state, SubmissionState::Approved);
    let idea = lab.session.ideas.last().unwrap();
    assert_eq!(
        (idea.title.as_str(), idea.source, idea.block.as_str()),
        ("Antrean daring", Some(Source::Room), "d2-rehat-sore")
    );
    // Off: the remote's address goes with the room.
    update(&mut state, Action::ToggleRoom);
    assert!(state.room.coach_url.is_none() && state.room.coach_code.is_none());
}

/// A lab on the block where tables send ideas.
fn lab_on_group_work() -> State {
    let mut session = Session::new(crate::testing::seed_plan(), at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    State::with_session(Lang::En, ThemeName::Projector, at("2022-11-03T13:30:00+07:00"), "lab.json".into(), session)
}

/// Budi's idea from table 2, as a phone sends it.
fn budi_s_idea() -> NewSubmission {
    NewSubmission {
        group: "meja-2".into(),
        name: "Budi".into(),
        title: "Antrean daring".into(),
        detail: None,
        phone: "phone-a".into(),
        nonce: "n1".into(),
    }
}

/// Budi's idea, reaching the loop with its connection (waiting since `since`) and through `update`, as the
/// runtime handles it; what the phone is told arrives on the receiver.
fn send_later(room: &mut Room, state: &mut State, since: Instant) -> Receiver<Answer> {
    let (told, answers) = mpsc::channel();
    let done: Done = Box::new(move |answer| told.send(answer).unwrap());
    let action =
        room.request(RoomRequest { command: Command::Submit(budi_s_idea()), answer: Waiting::Later { done, since } });
    for effect in update(state, action) {
        if let Effect::RoomReply { reply, answer, after } = effect {
            room.answer(state, reply, answer, after);
        }
    }
    answers
}

/// A lab on the block where tables send ideas, and its room started on loopback.
fn started_room() -> (State, Room, Receiver<Event>, SocketAddr, String) {
    let mut state = lab_on_group_work();
    // The room's server keeps its own senders on the loop's channel.
    let (tx, events) = mpsc::channel();
    let mut room = Room::new(Some(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))));
    let started = room.start(&tx, &state);
    let Action::RoomStarted { url, .. } = started.clone() else { panic!("{started:?}") };
    update(&mut state, started);
    let (addr, join) = url.strip_prefix("http://").unwrap().split_once('/').unwrap();
    (state, room, events, addr.parse().unwrap(), format!("/{join}"))
}

#[test]
fn a_phone_s_send_and_withdrawal_are_answered_once_on_disk_without_a_worker_waiting() {
    let (mut state, mut room, events, addr, join) = started_room();
    let client = thread::spawn(move || {
        let (_, _, cookie, _) = get(addr, &join, "");
        let cookie = cookie.split(';').next().unwrap().to_string();
        let phone = cookie.strip_prefix("phone=").unwrap().to_string();
        let form =
            format!("table=2&csrf={phone}&nonce=n1&name=-&other=Sari&title=Antrean+daring+%F0%9F%9A%80&description=");
        let (status, location, ..) = post(addr, &format!("{join}/send"), &cookie, &form);
        let (withdrawn, back, ..) = post(addr, &format!("{join}/withdraw"), &cookie, &format!("id=1&csrf={phone}"));
        vec![status.to_string(), location, withdrawn.to_string(), back]
    });
    let (held, later) = serve(&mut room, &mut state, &events, &client);
    let seen = client.join().unwrap();
    room.stop();
    assert_eq!(seen[0], "303", "{seen:?}");
    assert!(seen[1].ends_with("/mine?sent=1"), "{seen:?}");
    assert_eq!(seen[2], "303", "{seen:?}");
    assert!(seen[3].ends_with("/mine"), "{seen:?}");
    assert_eq!(later, 2, "the send and the withdrawal reached the app with their connections, no worker waiting");
    assert_eq!(held, 2, "each held until its change was on disk");
    let lab = state.lab.as_ref().unwrap();
    let sent = lab.session.room.submissions.last().unwrap();
    assert_eq!((sent.title.as_str(), sent.name.as_str()), ("Antrean daring 🚀", "Sari"));
    assert_eq!(sent.state, SubmissionState::Withdrawn);
}

#[test]
fn a_phone_that_waited_too_long_for_the_disk_is_told_to_try_again() {
    let (mut state, mut room, _events, ..) = started_room();
    let answers = send_later(&mut room, &mut state, Instant::now().checked_sub(ANSWER_WITHIN).unwrap());
    assert_eq!(room.held.len(), 1, "its change is not on disk: the answer waits");
    assert!(room.wake_within(&state, Duration::from_secs(60)).is_zero(), "the loop wakes to give up on it");
    room.after_turn(&state);
    assert_eq!(answers.recv_timeout(Duration::from_secs(5)).unwrap(), None, "try again");
    assert!(room.replies.is_empty());
    // The save comes in after all: the answer goes nowhere, and nothing breaks.
    let (generation, now) = (state.save.generation, state.now);
    update(&mut state, Action::SaveFinished { generation, result: Ok(now) });
    room.after_turn(&state);
    assert!(room.held.is_empty());
    room.stop();
}

#[test]
fn a_form_still_being_read_when_the_room_is_turned_off_is_answered_once_on_disk() {
    let (mut state, mut room, ..) = started_room();
    room.stop();
    // The workers finish what they were reading: this send reaches the loop after the room is off.
    let answers = send_later(&mut room, &mut state, Instant::now());
    assert!(room.after_turn(&state).is_none());
    assert!(answers.try_recv().is_err(), "not before its change is on disk");
    let (generation, now) = (state.save.generation, state.now);
    update(&mut state, Action::SaveFinished { generation, result: Ok(now) });
    room.after_turn(&state);
    assert_eq!(answers.recv_timeout(Duration::from_secs(5)).unwrap(), Some(Ok(1)));
    assert!(room.replies.is_empty() && room.held.is_empty());
    assert!(!room.wake_within(&state, Duration::from_secs(60)).is_zero(), "nothing left to wake for");
}
