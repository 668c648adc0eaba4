//! The socket side of the coach screen with real sockets in a temporary folder: the hello, the user check,
//! one coach screen at a time, frames and keys, and the socket removed when the app closes.

use std::io::{BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rustix::process::Uid;

use super::wire::{self, Refusal, ToCoach, ToRunner};
use super::{Coach, CoachEvent, socket};
use crate::app::{Action, State, ThemeName};
use crate::i18n::Lang;
use crate::runtime::Event;

fn state(path: &Path) -> State {
    let session = crate::testing::seed_session("2022-11-02T07:30:00+07:00".parse().unwrap());
    std::fs::write(path, "{}").unwrap();
    let now = "2022-11-02T01:00:00Z".parse().unwrap();
    State::with_session(Lang::En, ThemeName::Projector, now, path.to_path_buf(), session)
}

fn next_coach_event(rx: &Receiver<Event>) -> CoachEvent {
    loop {
        match rx.recv_timeout(Duration::from_secs(5)).expect("an event within 5 s") {
            Event::Coach(event) => return event,
            _ => continue,
        }
    }
}

fn hello(stream: &mut UnixStream, session: &Path) -> BufReader<UnixStream> {
    let hello = ToRunner::Hello { protocol: wire::PROTOCOL, session: session.to_path_buf(), width: 80, height: 24 };
    // A refusal by user comes before the hello is read: the app may have closed already.
    let _ = stream.write_all(&wire::line(&hello));
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    BufReader::new(stream.try_clone().unwrap())
}

fn answer(reader: &mut BufReader<UnixStream>) -> Option<ToCoach> {
    wire::read::<ToCoach>(reader, wire::MAX_LINE).unwrap()
}

#[test]
fn a_coach_screen_attaches_draws_sends_keys_and_is_replaced_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("lab.json");
    let mut state = state(&session);
    let (tx, rx) = mpsc::channel();
    let mut coach = Coach::new(tx);
    let listening = coach.listen(dir.path(), &socket::session_key(&session), socket::own_uid()).unwrap();
    let path = listening.path.clone();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "owner only");
    coach.listening = Some(listening);

    let mut first = UnixStream::connect(&path).unwrap();
    let mut first_reader = hello(&mut first, &session);
    let actions = coach.event(&state, next_coach_event(&rx));
    assert_eq!(actions, vec![Action::CoachAttached]);
    for action in actions {
        crate::app::update(&mut state, action);
    }
    assert_eq!(answer(&mut first_reader), Some(ToCoach::Welcome));
    assert_eq!(coach.draw(&state), None);
    let Some(ToCoach::Frame(frame)) = answer(&mut first_reader) else { panic!("a frame") };
    assert!(frame.full && (frame.width, frame.height) == (80, 24));
    let text: String = frame.cells.iter().map(|c| c.2.as_str()).collect();
    assert!(text.contains("COACH SCREEN"), "{text}");

    // A key: the agenda's → is the next block.
    let key = KeyEvent::new(KeyCode::Right, KeyModifiers::NONE);
    first.write_all(&wire::line(&ToRunner::Key(key))).unwrap();
    assert_eq!(coach.event(&state, next_coach_event(&rx)), vec![Action::NextBlock]);

    // A second coach screen replaces the first, which is told so.
    let mut second = UnixStream::connect(&path).unwrap();
    let mut second_reader = hello(&mut second, &session);
    assert_eq!(coach.event(&state, next_coach_event(&rx)), vec![], "still attached: no notice");
    assert_eq!(answer(&mut second_reader), Some(ToCoach::Welcome));
    assert_eq!(answer(&mut first_reader), Some(ToCoach::Replaced));
    assert_eq!(answer(&mut first_reader), None, "and closed");
    // The first one's going is not the second one's.
    assert_eq!(coach.event(&state, next_coach_event(&rx)), vec![]);
    first.write_all(b"{}\n").ok();

    // The app closes: goodbye, and no socket left.
    // Ctrl-Z from the coach screen never stops the wall's process (the coach screen stops itself).
    let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
    second.write_all(&wire::line(&ToRunner::Key(ctrl_z))).unwrap();
    assert_eq!(coach.event(&state, next_coach_event(&rx)), vec![]);
    // Past the frames' queue (a coach screen that reads late): a goodbye still finds room.
    let late = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let mut last = None;
        while let Some(message) = answer(&mut second_reader) {
            last = Some(message);
        }
        last
    });
    for _ in 0..20 {
        crate::app::update(&mut state, Action::NextBlock);
        assert_eq!(coach.draw(&state), None);
    }

    // The app closes with its last changes not in the file: the coach screen is told so, and no socket is left.
    coach.close(false);
    let last = late.join().unwrap();
    assert_eq!(last, Some(ToCoach::Bye { saved: false }));
    assert!(!path.exists(), "the socket is removed");
}

#[test]
fn another_user_another_session_or_a_broken_hello_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("lab.json");
    let state = state(&session);
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{}").unwrap();
    let (tx, rx) = mpsc::channel();
    let mut coach = Coach::new(tx);
    // Another user: the app was started by someone else than the one who connects.
    let stranger = Uid::from_raw(socket::own_uid().as_raw().wrapping_add(1));
    let listening = coach.listen(dir.path(), &socket::session_key(&session), stranger).unwrap();
    let mut stream = UnixStream::connect(&listening.path).unwrap();
    let mut reader = hello(&mut stream, &session);
    assert_eq!(answer(&mut reader), Some(ToCoach::Refused(Refusal::User)));
    drop(listening);

    let listening = coach.listen(dir.path(), &socket::session_key(&session), socket::own_uid()).unwrap();
    let path = listening.path.clone();
    coach.listening = Some(listening);
    let mut stream = UnixStream::connect(&path).unwrap();
    let mut reader = hello(&mut stream, &other);
    assert_eq!(answer(&mut reader), Some(ToCoach::Refused(Refusal::Session)));
    let mut stream = UnixStream::connect(&path).unwrap();
    let newer = ToRunner::Hello { protocol: wire::PROTOCOL + 1, session: session.clone(), width: 80, height: 24 };
    let _ = stream.write_all(&wire::line(&newer));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    assert_eq!(answer(&mut reader), Some(ToCoach::Refused(Refusal::Protocol)));
    // Not a hello, or a line without end: closed without a word.
    let mut stream = UnixStream::connect(&path).unwrap();
    let _ = stream.write_all(b"{\"key\":1}\n");
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    assert_eq!(answer(&mut reader), None);
    // None of them reached the app.
    assert!(rx.try_recv().is_err());
    assert!(!state.coach.attached);
}

#[test]
fn a_socket_left_by_a_killed_app_is_replaced_and_a_live_one_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("lab.json");
    let _state = state(&session);
    let key = socket::session_key(&session);
    let path = socket::socket_path(dir.path(), &key);
    // Left behind: a socket file nobody listens on.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let (tx, _rx) = mpsc::channel();
    let coach = Coach::new(tx.clone());
    let listening = coach.listen(dir.path(), &key, socket::own_uid()).expect("the stale socket is replaced");
    // A second app for the same session (opened read-only twice) does not take it over.
    let second = Coach::new(tx);
    assert!(second.listen(dir.path(), &key, socket::own_uid()).is_none());
    assert!(UnixStream::connect(&listening.path).is_ok());
}

#[test]
fn a_shared_or_foreign_socket_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let error = socket::check_dir(&open).unwrap_err();
    assert!(error.error.to_string().contains("other users"), "{}", error.error);
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&open, &link).unwrap();
    assert!(socket::check_dir(&link).is_err());
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::set_permissions(&mine, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(socket::check_dir(&mine).is_ok());
}
