//! State-machine property test: random key presses (through the real keymap), bracketed pastes of hostile
//! text, resizes from 1x1 to 500x200, clock ticks in fast time and the runtime's replies (saves finishing or
//! failing, exports, a blocked quit) are fed to `update`. After every event the session is valid, the idea
//! index agrees with it, and `view` draws without panicking into a terminal of the current size with no
//! terminal control in any cell. At the end the session round-trips through the file unchanged.
//!
//! CI runs a short version (`cargo test --test keys_props`, a few seconds). The long version, over a million
//! key presses (16,000 cases of 60–160 events each, about 64% of them keys: ≈1.1 million key presses among
//! ≈1.8 million events; about 21 minutes on two shared cores):
//!
//! ```sh
//! PROPTEST_CASES=16000 cargo test --release --test keys_props -- --nocapture
//! ```
//!
//! It prints the cases, events and key presses it ran. A failure is shrunk by proptest to a minimal event
//! list.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use innolab::app::{Action, Effect, SaveFailure, State, keymap, update};
use innolab::i18n::Lang;
use innolab::model::text::is_hazard;
use innolab::model::validate::session_problems;
use innolab::model::{NewIdea, Role, Session, Timestamp};
use innolab::store;
use innolab::testing::at;
use innolab::ui::{self, theme::ThemeName};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: &str = "2022-11-03T13:42:10+07:00";

/// Text a participant's phone, a malicious spreadsheet or a confused paste could bring in.
const HOSTILE: &[&str] = &[
    "\u{1b}[2J\u{1b}[H",                                      // CSI: clear screen, cursor home
    "\u{1b}]0;owned\u{7}",                                    // OSC 0: window title
    "\u{1b}]2;owned\u{1b}\\",                                 // OSC 2 with ST
    "\u{1b}]8;;https://evil.example\u{7}link\u{1b}]8;;\u{7}", // OSC 8 hyperlink
    "\u{1b}]52;c;aGFja2Vk\u{7}",                              // OSC 52: set the clipboard
    "\u{1b}P1$q\"p\u{1b}\\",                                  // DCS
    "\u{90}1$q\u{9c}\u{9b}31m\u{85}\u{9d}0;x\u{9c}",          // C1 controls
    "abc\u{202e}fed\u{202d}\u{2066}x\u{2069}\u{200f}",        // bidi overrides and isolates
    "👩\u{200d}💻 \u{200d}\u{200d}zwj\u{200b}",               // zero-width joiners and spaces
    "nul\0byte\u{7f}del\u{8}bs",
    "line one\r\nline two\rthree\u{2028}four",
    "数字 行政 ｗｉｄｅ 🚀🚀🚀",
    "=HYPERLINK(\"http://evil\")",
];

fn session() -> Session {
    let plan = innolab::testing::seed_plan();
    let mut session = Session::new(plan, at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    let roster = [
        (0, "dr. Rina", "Dinas Kesehatan", Role::Head),
        (1, "Budi Santoso", "DPMPTSP", Role::Head),
        (1, "Sari", "Sekretariat Daerah", Role::Representative),
        (2, "Agus", "Dinas PUPR", Role::Head),
        (5, "Wati", "Dinas Sosial", Role::Staff),
    ];
    for (table, name, agency, role) in roster {
        session.add_member(table, innolab::model::roster::member(name, Some(agency), role, true)).unwrap();
    }
    let ideas = [
        ("meja-1", "Antrean online puskesmas"),
        ("meja-2", "SIP dalam satu hari"),
        ("meja-2", "Izin usaha mikro cukup dengan NIK"),
        ("meja-3", "Lapor jalan rusak 🚧 dengan foto"),
        ("meja-5", "Bank sampah RW"),
    ];
    for (i, (group, title)) in ideas.iter().enumerate() {
        let new = NewIdea { group: (*group).into(), title: (*title).into(), flagship: i == 1, ..Default::default() };
        session.add_idea(new, at(NOW) - Duration::minutes(30 - i as i64)).unwrap();
    }
    session
}

/// One thing that happens to the app: a key, a paste, a resize, time passing, or a reply from the runtime.
#[derive(Debug, Clone)]
enum Event {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock moves on by this many seconds (fast time: up to ten minutes per tick).
    Tick(i64),
    ClockJumped(i64),
    /// The background writer finished the newest save, or failed it.
    SaveDone(bool),
    Exported(bool),
    QuitBlocked,
    OpenFailed(usize),
}

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        6 => prop::sample::select(
            "0123456789?+-= aAbcdDeEfFghijklmnopqrstTuvwxXyz".chars().collect::<Vec<_>>()
        ).prop_map(KeyCode::Char),
        1 => any::<char>().prop_map(KeyCode::Char),
        6 => prop::sample::select(vec![
            KeyCode::Left, KeyCode::Right, KeyCode::Up, KeyCode::Down, KeyCode::Tab, KeyCode::BackTab,
            KeyCode::Enter, KeyCode::Esc, KeyCode::PageUp, KeyCode::PageDown, KeyCode::Home, KeyCode::End,
            KeyCode::Backspace, KeyCode::Delete, KeyCode::Insert, KeyCode::Null,
        ]),
        1 => (1u8..=24).prop_map(KeyCode::F),
    ]
}

fn key_event() -> impl Strategy<Value = KeyEvent> {
    let mods = prop_oneof![
        12 => Just(KeyModifiers::NONE),
        2 => Just(KeyModifiers::SHIFT),
        2 => Just(KeyModifiers::CONTROL),
        1 => Just(KeyModifiers::ALT),
        1 => Just(KeyModifiers::CONTROL | KeyModifiers::SHIFT),
    ];
    let kind =
        prop_oneof![12 => Just(KeyEventKind::Press), 1 => Just(KeyEventKind::Repeat), 1 => Just(KeyEventKind::Release)];
    prop_oneof![
        10 => (key_code(), mods, kind).prop_map(|(code, mods, kind)| KeyEvent::new_with_kind(code, mods, kind)),
        // The control keys the app binds: redo, details, and Ctrl-C (quit).
        1 => prop::sample::select(vec!['r', 'e', 'c']).prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    ]
}

fn paste_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(HOSTILE.to_vec()).prop_map(str::to_string),
        2 => prop::collection::vec(prop::sample::select(HOSTILE.to_vec()), 1..5).prop_map(|v| v.concat()),
        1 => ".{0,40}",
        1 => (1usize..3000).prop_map(|n| "panjang ".repeat(n)),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        60 => key_event().prop_map(Event::Key),
        6 => paste_text().prop_map(Event::Paste),
        4 => (1u16..=500, 1u16..=200).prop_map(|(w, h)| Event::Resize(w, h)),
        12 => (1i64..=600).prop_map(Event::Tick),
        1 => (-7200i64..=7200).prop_map(Event::ClockJumped),
        6 => any::<bool>().prop_map(Event::SaveDone),
        1 => any::<bool>().prop_map(Event::Exported),
        1 => Just(Event::QuitBlocked),
        1 => (0..HOSTILE.len()).prop_map(Event::OpenFailed),
    ]
}

/// Turns an event into the actions the runtime would send (keys go through the real keymap).
fn actions(state: &State, event: &Event) -> Vec<Action> {
    let hostile_failure = |i: usize| SaveFailure {
        problem: innolab::app::Failure::from(innolab::store::SaveError::Io {
            path: "lab.json".into(),
            source: std::io::Error::other(HOSTILE[i % HOSTILE.len()]),
        }),
        emergency: vec![PathBuf::from(format!("/tmp/lab{}.emergency.json", HOSTILE[(i + 1) % HOSTILE.len()]))],
        conflict: false,
    };
    match event {
        Event::Key(key) => keymap::action_for(state.mode(), *key).into_iter().collect(),
        Event::Paste(text) => vec![Action::Paste(text.clone())],
        Event::Resize(w, h) => vec![Action::Resize { width: *w, height: *h }],
        Event::Tick(secs) => vec![Action::Tick(state.now + Duration::seconds(*secs))],
        Event::ClockJumped(secs) => vec![Action::ClockJumped { secs: *secs }],
        Event::SaveDone(ok) => {
            let result = if *ok { Ok(state.now) } else { Err(hostile_failure(state.save.generation as usize)) };
            vec![Action::SaveFinished { generation: state.save.generation, result }]
        }
        Event::Exported(true) => {
            vec![Action::Exported(Ok(innolab::ops::ExportedAll {
                files: vec![PathBuf::from("sessions/lab.xlsx"), PathBuf::from("sessions/lab.md")],
                no_certificates: false,
            }))]
        }
        Event::Exported(false) => {
            vec![Action::Exported(Err(innolab::app::Failure::from(innolab::store::SaveError::Io {
                path: "x.xlsx".into(),
                source: std::io::Error::other(HOSTILE[2]),
            })))]
        }
        Event::QuitBlocked => vec![Action::QuitBlocked(hostile_failure(3))],
        Event::OpenFailed(i) => {
            vec![Action::OpenFailed(innolab::app::Failure::ReadOnly { path: format!("x{}.json", HOSTILE[*i]).into() })]
        }
    }
}

/// Draws the state into `terminal` and returns any terminal control found in a cell of the frame.
fn draw(terminal: &mut Terminal<TestBackend>, state: &State) -> Result<(), String> {
    let frame = terminal.draw(|frame| ui::view(state, frame)).unwrap();
    let width = frame.area.width.max(1) as usize;
    for (i, cell) in frame.buffer.content().iter().enumerate() {
        if cell.symbol().chars().any(is_hazard) {
            return Err(format!(
                "cell ({}, {}) holds {:?} in mode {:?}",
                i % width,
                i / width,
                cell.symbol(),
                state.mode()
            ));
        }
    }
    Ok(())
}

fn terminal(size: (u16, u16)) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(size.0, size.1)).unwrap()
}

static CASES: AtomicU64 = AtomicU64::new(0);
static EVENTS: AtomicU64 = AtomicU64::new(0);
static KEYS: AtomicU64 = AtomicU64::new(0);

fn run(start_size: (u16, u16), events: &[Event]) -> Result<(), TestCaseError> {
    let mut state = State::with_session(Lang::En, ThemeName::Projector, at(NOW), PathBuf::from("lab.json"), session());
    let mut size = start_size;
    let mut screen = terminal(size);
    update(&mut state, Action::Resize { width: size.0, height: size.1 });
    for (n, event) in events.iter().enumerate() {
        if let Event::Resize(w, h) = event {
            size = (*w, *h);
            screen = terminal(size);
        }
        for action in actions(&state, event) {
            let effects = update(&mut state, action);
            // The runtime's side of an export: the report files are written and the result comes back.
            if effects.iter().any(|e| matches!(e, Effect::Export { .. })) {
                update(
                    &mut state,
                    Action::Exported(Ok(innolab::ops::ExportedAll {
                        files: vec![PathBuf::from("lab.csv")],
                        no_certificates: false,
                    })),
                );
            }
            // Quit and Bell end or ring in the runtime; the state machine must simply carry on.
        }
        let lab = state.lab.as_ref().unwrap();
        let problems = session_problems(&lab.session);
        prop_assert!(problems.is_empty(), "after event {n} {event:?}: {problems:?}");
        let live = lab.session.ideas.iter().filter(|i| !i.deleted).count();
        prop_assert_eq!(lab.index.live, live, "after event {} {:?}: the index disagrees", n, event);
        if let Err(hazard) = draw(&mut screen, &state) {
            prop_assert!(false, "after event {n} {event:?} at {size:?}: {hazard}");
        }
    }
    let session = &state.lab.as_ref().unwrap().session;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    store::save(&path, session).unwrap();
    prop_assert_eq!(&store::load(&path).unwrap(), session);
    CASES.fetch_add(1, Ordering::Relaxed);
    EVENTS.fetch_add(events.len() as u64, Ordering::Relaxed);
    KEYS.fetch_add(events.iter().filter(|e| matches!(e, Event::Key(_))).count() as u64, Ordering::Relaxed);
    Ok(())
}

/// Cases: a few in CI (each is 60–160 events, every one drawn), many more with PROPTEST_CASES.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(6);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

#[test]
fn random_events_keep_the_session_valid_and_the_screen_inert() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = ((1u16..=500, 1u16..=200), prop::collection::vec(event(), 60..160));
    let started = std::time::Instant::now();
    let result = runner.run(&strategy, |(size, events)| run(size, &events));
    // Shown with --nocapture: what the run covered (the long run's figures come from here).
    eprintln!(
        "keys_props: {} cases passed, {} events ({} key presses), {:.1} s",
        CASES.load(Ordering::Relaxed),
        EVENTS.load(Ordering::Relaxed),
        KEYS.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The harness is not vacuous: a script of real keys captures an idea, and hostile paste lands cleaned.
#[test]
fn a_scripted_capture_goes_through_the_keymap() {
    let mut state = State::with_session(Lang::En, ThemeName::Projector, at(NOW), PathBuf::from("lab.json"), session());
    let before = state.lab.as_ref().unwrap().session.ideas.len();
    let press = |state: &mut State, code| {
        let action = keymap::action_for(state.mode(), KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
        update(state, action)
    };
    press(&mut state, KeyCode::Char('3'));
    update(&mut state, Action::Paste(HOSTILE.concat()));
    press(&mut state, KeyCode::Enter);
    let session = &state.lab.as_ref().unwrap().session;
    assert_eq!(session.ideas.len(), before + 1);
    let idea = session.ideas.last().unwrap();
    assert_eq!(idea.group, "meja-3");
    assert!(!idea.title.chars().any(is_hazard), "{:?}", idea.title);
    draw(&mut terminal((80, 24)), &state).unwrap();
    draw(&mut terminal((1, 1)), &state).unwrap();
}

/// Issue 11: a session at the edges of what loads (ids at 2^53, timers a week either way, deadlines from
/// 1900 to 9999, any block on the wall, any year for the clock) is encoded, loaded back through the real
/// decoder, then driven by random events with the timer keys pressed often. Nothing that loads may panic
/// the app, and the session stays valid.
fn edge_case() -> impl Strategy<Value = (Session, Timestamp)> {
    use innolab::model::{MAX_ID, MAX_TIMER_SECS};
    let id = prop_oneof![Just(MAX_ID), Just(MAX_ID - 1), Just(MAX_ID - 5), 6..=MAX_ID];
    let secs = prop_oneof![Just(MAX_TIMER_SECS), Just(-MAX_TIMER_SECS), Just(0), -MAX_TIMER_SECS..=MAX_TIMER_SECS];
    let duration = prop_oneof![Just(MAX_TIMER_SECS), Just(0), 0..=MAX_TIMER_SECS];
    // 1900-01-01 to 9998-12-31, in seconds since 1970.
    let moment = || -2_208_988_800i64..=253_370_678_400;
    let block = 0usize..30;
    (id, secs, duration, any::<bool>(), moment(), moment(), block).prop_map(
        |(id, remaining, duration, running, deadline, now, block)| {
            let mut session = session();
            session.ideas[4].id = id;
            let block_id = session.plan.blocks().nth(block % session.plan.block_count()).unwrap().1.id.clone();
            session.progress.block = block_id.clone();
            let mut timer = session.timer_of(session.current_block().unwrap().1);
            timer.duration_secs = duration as u32;
            timer.running = running;
            let offset = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
            let instant = |secs: i64| chrono::TimeZone::timestamp_opt(&offset, secs, 0).unwrap();
            if running {
                timer.deadline = Some(instant(deadline));
                timer.remaining_secs = None;
            } else {
                timer.remaining_secs = Some(remaining);
                timer.deadline = None;
            }
            session.set_timer(timer);
            (session, instant(now))
        },
    )
}

fn timer_heavy_event() -> impl Strategy<Value = Event> {
    let timer_key = prop::sample::select(vec!['t', '+', '-', '=', 'r', 'a', '1'])
        .prop_map(|c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    prop_oneof![3 => event(), 2 => timer_key]
}

fn run_edge(session: Session, now: Timestamp, events: &[Event]) -> Result<(), TestCaseError> {
    let bytes = serde_json::to_vec_pretty(&session).unwrap();
    let loaded = store::decode_session(std::path::Path::new("edge.json"), &bytes);
    prop_assert!(loaded.is_ok(), "the edge session loads: {:?}", loaded.err());
    let mut state =
        State::with_session(Lang::Id, ThemeName::Projector, now, PathBuf::from("edge.json"), loaded.unwrap());
    let mut screen = terminal((80, 24));
    update(&mut state, Action::Resize { width: 80, height: 24 });
    for (n, event) in events.iter().enumerate() {
        if let Event::Resize(w, h) = event {
            screen = terminal((*w, *h));
        }
        for action in actions(&state, event) {
            update(&mut state, action);
        }
        let lab = state.lab.as_ref().unwrap();
        let problems = session_problems(&lab.session);
        prop_assert!(problems.is_empty(), "after event {n} {event:?}: {problems:?}");
        if let Err(hazard) = draw(&mut screen, &state) {
            prop_assert!(false, "after event {n} {event:?}: {hazard}");
        }
    }
    let session = &state.lab.as_ref().unwrap().session;
    let bytes = store::encode(std::path::Path::new("edge.json"), session).unwrap();
    prop_assert!(store::decode_session(std::path::Path::new("edge.json"), &bytes).is_ok());
    Ok(())
}

#[test]
fn sessions_at_the_edges_of_what_loads_never_panic_the_app() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = (edge_case(), prop::collection::vec(timer_heavy_event(), 40..120));
    let result = runner.run(&strategy, |((session, now), events)| run_edge(session, now, &events));
    if let Err(e) = result {
        panic!("{e}");
    }
}
