//! Snapshots of every screen at 80x24 and 160x45 in both languages, drawn into a TestBackend from a
//! pinned state (the clock is an input, so every screen is reproducible).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate};
use innolab::app::{self, Action, Mode, StartEntry, StartList, State};
use innolab::catalog::Summary;
use innolab::i18n::Lang;
use innolab::model::{NewIdea, Plan, Session, Timestamp};
use innolab::ui::{self, theme::ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn at(text: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(text).unwrap()
}

const NOW: &str = "2022-11-03T13:42:10+07:00";

const IDEAS: &[(&str, &str)] = &[
    ("meja-1", "Antrean online puskesmas"),
    ("meja-1", "Posyandu keliling dengan jadwal di WhatsApp"),
    ("meja-2", "SIP dalam satu hari"),
    ("meja-2", "Izin usaha mikro cukup dengan NIK"),
    ("meja-2", "Pelayanan perizinan keliling ke kecamatan setiap Sabtu pagi untuk pelaku UMKM"),
    ("meja-3", "Lapor jalan rusak 🚧 dengan foto"),
    ("meja-4", "数字 kartu pelajar terpadu"),
    ("meja-5", "Bank sampah RW"),
    ("meja-5", "Sekolah ramah disabilitas"),
    ("meja-6", "Satu data kependudukan"),
];

fn session() -> Session {
    let plan = Plan::builtin(NaiveDate::from_ymd_opt(2022, 11, 2).unwrap());
    let mut session = Session::new(plan, at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    for (i, (group, title)) in IDEAS.iter().enumerate() {
        let now = at(NOW) - Duration::minutes(30 - i as i64);
        session.add_idea(NewIdea { group: (*group).into(), title: (*title).into(), ..Default::default() }, now);
    }
    session
}

fn on_block(block: &str, lang: Lang) -> State {
    let mut state = State::with_session(lang, ThemeName::Projector, at(NOW), PathBuf::from("lab.json"), session());
    let lab = state.lab.as_mut().unwrap();
    lab.session.progress.block = block.into();
    state.save.last_saved_at = Some(at(NOW) - Duration::seconds(4));
    state
}

fn start_timer(state: &mut State, started_secs_ago: i64) {
    let now = state.now;
    state.now = now - Duration::seconds(started_secs_ago);
    app::update(state, Action::ToggleTimer);
    state.now = now;
    state.save.saved_generation = state.save.generation;
}

fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::view(state, frame)).unwrap();
    terminal.backend().to_string()
}

fn start_state(lang: Lang) -> State {
    let summary = |title: &str, ideas, d: u32| Summary {
        title: title.into(),
        first_date: NaiveDate::from_ymd_opt(2022, 11, d),
        last_date: NaiveDate::from_ymd_opt(2022, 11, d + 2),
        ideas,
        target: 50,
        updated_at: at("2022-11-04T15:20:00+07:00"),
    };
    let start = StartList {
        sessions_dir: "sessions".into(),
        entries: vec![
            StartEntry {
                path: "sessions/2022-11-02-executive-laboratorium-inovasi-kota-cilegon.json".into(),
                summary: Ok(summary("Executive Laboratorium Inovasi Kota Cilegon", 50, 2)),
            },
            StartEntry {
                path: "sessions/2022-10-10-lab-dinkes.json".into(),
                summary: Ok(summary("Lab Dinas Kesehatan", 12, 10)),
            },
            StartEntry {
                path: "sessions/broken.json".into(),
                summary: Err("sessions/broken.json: line 1, column 1: not valid JSON: EOF while parsing a value".into()),
            },
        ],
        selected: 2,
        plan_path: String::new(),
    };
    State::new(lang, ThemeName::Projector, at(NOW), start)
}

/// Every screen a coach meets, in one state each.
fn screens(lang: Lang) -> Vec<(&'static str, State)> {
    let mut talk = on_block("d1-drumup-birokrasi", lang);
    start_timer(&mut talk, 10 * 60 + 5);
    let mut group_work = on_block("d2-curah-ide", lang);
    start_timer(&mut group_work, 42 * 60);
    let mut plenary = on_block("d2-presentasi-ide", lang);
    plenary.lab.as_mut().unwrap().plenary_table = 1;
    let pause = on_block("d2-ishoma", lang);
    let awards = on_block("d3-penghargaan", lang);
    let mut time_up = on_block("d1-drumup-birokrasi", lang);
    start_timer(&mut time_up, 75 * 60 + 133);
    time_up.time_up_at = Some(time_up.now - Duration::seconds(133));
    let mut flash = on_block("d1-drumup-birokrasi", lang);
    start_timer(&mut flash, 75 * 60 + 2);
    flash.time_up_at = Some(flash.now - Duration::seconds(2));
    let mut overview = on_block("d2-curah-ide", lang);
    app::update(&mut overview, Action::OpenOverview);
    app::update(&mut overview, Action::CursorDown);
    let mut help = on_block("d2-curah-ide", lang);
    app::update(&mut help, Action::OpenHelp);
    let mut plan_path = start_state(lang);
    plan_path.start.selected = 1;
    app::update(&mut plan_path, Action::Confirm);
    for c in "rencana/lab-2023.json".chars() {
        app::update(&mut plan_path, Action::Input(c));
    }
    vec![
        ("start", start_state(lang)),
        ("plan_path", plan_path),
        ("talk", talk),
        ("group_work", group_work),
        ("plenary", plenary),
        ("break", pause),
        ("awards", awards),
        ("time_up", time_up),
        ("time_up_flash", flash),
        ("overview", overview),
        ("help", help),
    ]
}

#[test]
fn every_screen_at_both_sizes_in_both_languages() {
    for lang in [Lang::Id, Lang::En] {
        for (name, state) in screens(lang) {
            for (w, h) in [(80, 24), (160, 45)] {
                let snapshot = format!("{name}_{w}x{h}_{}", lang.code());
                insta::assert_snapshot!(snapshot, draw(&state, w, h));
            }
        }
    }
}

#[test]
fn below_the_minimum_it_asks_for_a_bigger_window() {
    let state = on_block("d2-curah-ide", Lang::En);
    insta::assert_snapshot!("too_small_30x8_en", draw(&state, 30, 8));
    assert!(draw(&state, 39, 30).contains("Enlarge the window"));
}

#[test]
fn no_screen_panics_at_any_size() {
    let sizes: Vec<(u16, u16)> = (1..=12)
        .flat_map(|w| (1..=6).map(move |h| (w * 7, h * 5)))
        .chain([(1, 1), (2, 1), (1, 2), (40, 12), (41, 13), (500, 200), (240, 60), (3840 / 8, 2160 / 16)])
        .collect();
    for lang in [Lang::Id, Lang::En] {
        for (name, state) in screens(lang) {
            for &(w, h) in &sizes {
                let result = std::panic::catch_unwind(|| draw(&state, w, h));
                assert!(result.is_ok(), "{name} panicked at {w}x{h}");
            }
        }
    }
}

#[test]
fn the_projector_size_uses_the_space() {
    let mut state = on_block("d1-drumup-birokrasi", Lang::En);
    start_timer(&mut state, 60);
    let big = draw(&state, 240, 60);
    let blocks = big.matches('█').count();
    let small = draw(&state, 80, 24).matches('█').count();
    assert!(blocks > small * 4, "the countdown should grow with the screen: {blocks} vs {small}");
}

#[test]
fn the_timer_text_twin_shows_minutes_and_seconds() {
    let mut state = on_block("d1-drumup-birokrasi", Lang::En);
    start_timer(&mut state, 10 * 60 + 5);
    assert!(draw(&state, 80, 24).contains("64:55 · running"));
    let mut state = on_block("d1-drumup-birokrasi", Lang::Id);
    start_timer(&mut state, 75 * 60 + 133);
    assert!(draw(&state, 80, 24).contains("Waktu habis  +02:13"));
}

#[test]
fn mode_help_lists_every_binding() {
    let state = {
        let mut s = on_block("d2-curah-ide", Lang::En);
        app::update(&mut s, Action::OpenHelp);
        s
    };
    assert_eq!(state.mode, Mode::Help);
    let screen = draw(&state, 160, 80);
    for mode in app::keymap::HELP_MODES {
        for binding in app::keymap::bindings(mode) {
            let keys = app::keymap::labels(binding);
            assert!(screen.contains(&keys), "help lacks {keys}");
        }
    }
}
