//! Snapshots of every screen at 80x24 and 160x45 in both languages, drawn into a TestBackend from a
//! pinned state (the clock is an input, so every screen is reproducible).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use chrono::{Duration, NaiveDate};
use innolab::app::{self, Action, Mode, StartEntry, StartList, State};
use innolab::catalog::Summary;
use innolab::i18n::Lang;
use innolab::model::{NewIdea, Role, Session};
use innolab::testing::at;
use innolab::ui::{self, theme::ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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
    let plan = innolab::testing::seed_plan();
    let mut session = Session::new(plan, at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    let roster = [
        (0, "dr. Rina", "Dinas Kesehatan", Role::Head),
        (1, "Budi Santoso", "DPMPTSP", Role::Head),
        (1, "Sari", "Sekretariat Daerah", Role::Representative),
        (2, "Agus", "Dinas PUPR", Role::Head),
        (4, "Dewi", "Dinas Lingkungan Hidup", Role::Representative),
        (5, "Hendra", "Disdukcapil", Role::Head),
        (5, "Wati", "Dinas Sosial", Role::Staff),
    ];
    for (table, name, agency, role) in roster {
        session.groups[table].members.push(innolab::model::roster::member(name, Some(agency), role, true));
    }
    let authors = [
        Some("dr. Rina"),
        Some("dr. Rina"),
        Some("Budi Santoso"),
        Some("Budi Santoso; Sari"),
        None,
        Some("Agus"),
        None,
        Some("Dewi"),
        Some("Dewi"),
        Some("Hendra"),
    ];
    for (i, ((group, title), author)) in IDEAS.iter().zip(authors).enumerate() {
        let now = at(NOW) - Duration::minutes(30 - i as i64);
        let new = NewIdea {
            group: (*group).into(),
            title: (*title).into(),
            author: author.map(Into::into),
            flagship: i == 3 || i == 7,
            ..Default::default()
        };
        session.add_idea(new, now).unwrap();
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

/// The capture bar with a title typed for table 2 (the same state the `capture` screen shows).
fn capture_clone(lang: Lang) -> State {
    let mut capture = on_block("d2-curah-ide", lang);
    app::update(&mut capture, Action::DigitKey(2));
    for c in "Antrean online puskesmas".chars() {
        app::update(
            &mut capture,
            Action::Text(ratatui_textarea::Input { key: ratatui_textarea::Key::Char(c), ..Default::default() }),
        );
    }
    capture
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
                summary: Err(std::sync::Arc::new(innolab::store::LoadError::Syntax {
                    path: "sessions/broken.json".into(),
                    line: 1,
                    column: 1,
                    message: "EOF while parsing a value".into(),
                })),
            },
        ],
        selected: 2,
    };
    State::new(lang, ThemeName::Projector, at(NOW), start)
}

/// Applies `action`; a move that only changes what the wall shows (its record in the session) is saved at once
/// in the room, so such a screen reads "Saved" as it would there.
fn navigate(state: &mut State, action: Action) {
    let settled = state.save.saved_generation == state.save.generation;
    let content = state.save.content;
    app::update(state, action);
    if settled && state.save.content == content {
        state.save.saved_generation = state.save.generation;
    }
}

/// The coach's remote's token in these states: it must never reach the wall.
const COACH_TOKEN: &str = "zq7coachx5remote4token2wyv";

/// Every screen a coach meets, in one state each.
fn screens(lang: Lang) -> Vec<(&'static str, State)> {
    let mut talk = on_block("d1-drumup-birokrasi", lang);
    start_timer(&mut talk, 10 * 60 + 5);
    let mut group_work = on_block("d2-curah-ide", lang);
    start_timer(&mut group_work, 42 * 60);
    let mut plenary = on_block("d2-presentasi-ide", lang);
    plenary.lab.as_mut().unwrap().plenary_table = 1;
    let pause = on_block("d2-ishoma", lang);
    let mut awards = on_block("d3-penghargaan", lang);
    // What `update` derives for the screen (the tally) on the way to the block.
    let now = awards.now;
    navigate(&mut awards, Action::Tick(now));
    let mut time_up = on_block("d1-drumup-birokrasi", lang);
    start_timer(&mut time_up, 75 * 60 + 133);
    time_up.time_up_at = Some(time_up.now - Duration::seconds(133));
    let mut flash = on_block("d1-drumup-birokrasi", lang);
    start_timer(&mut flash, 75 * 60 + 2);
    flash.time_up_at = Some(flash.now - Duration::seconds(2));
    // Two blocks' timers running (each block keeps its own): the overview shows both.
    let mut overview = on_block("d2-curah-ide", lang);
    start_timer(&mut overview, 42 * 60);
    {
        let lab = overview.lab.as_mut().unwrap();
        let block = lab.session.plan.find_block("d2-presentasi-ide").unwrap().1.clone();
        let mut other = lab.session.timer_of(&block);
        other.start(at(NOW) - Duration::minutes(5));
        lab.session.set_timer(other);
    }
    navigate(&mut overview, Action::OpenOverview);
    navigate(&mut overview, Action::CursorDown);
    let mut help = on_block("d2-curah-ide", lang);
    navigate(&mut help, Action::OpenHelp);
    // A new session from a plan file: its path typed, the title and day 1 left to the plan.
    let mut plan_path = start_state(lang);
    plan_path.start.selected = 1;
    navigate(&mut plan_path, Action::Confirm);
    for c in "rencana/lab-2023.json".chars() {
        navigate(&mut plan_path, Action::Input(c));
    }
    // A new session from the built-in lab: its title and today offered, a day 1 that is not a date refused.
    let mut new_session = start_state(lang);
    new_session.start.selected = 0;
    navigate(&mut new_session, Action::Confirm);
    navigate(&mut new_session, Action::NextField);
    navigate(&mut new_session, Action::ClearLine);
    for c in "7/11/2022".chars() {
        navigate(&mut new_session, Action::Input(c));
    }
    navigate(&mut new_session, Action::Confirm);
    let mut empty_board = on_block("d2-curah-ide", lang);
    empty_board.lab.as_mut().unwrap().session.ideas.clear();
    empty_board.lab.as_mut().unwrap().reindex();
    let mut one_idea = on_block("d2-curah-ide", lang);
    one_idea.lab.as_mut().unwrap().session.ideas.truncate(1);
    one_idea.lab.as_mut().unwrap().reindex();
    let mut crowded = on_block("d2-curah-ide", lang);
    {
        let lab = crowded.lab.as_mut().unwrap();
        for i in 0..60 {
            let title = match i % 4 {
                0 => format!(
                    "Ide {i}: pelayanan perizinan terpadu satu pintu yang bisa diakses dari kelurahan tanpa antre"
                ),
                1 => format!("数字化 {i} 行政服务 🚀👩‍💻"),
                2 => format!("\u{1b}[2J\u{1b}]0;hacked\u{7} judul jahat {i}"),
                _ => format!("Ide pendek {i}"),
            };
            let group = format!("meja-{}", i % 6 + 1);
            let now = at(NOW);
            let id = lab.session.add_idea(NewIdea { group, title: title.clone(), ..Default::default() }, now).unwrap();
            // Store one hostile title raw, as a hand-edited file could, to prove rendering alone keeps it inert.
            if i == 58 {
                lab.session.idea_mut(id).unwrap().title = title;
            }
        }
        lab.reindex();
    }
    let mut capture = on_block("d2-curah-ide", lang);
    navigate(&mut capture, Action::DigitKey(2));
    for c in "Antrean online puskesmas 数字 🚀".chars() {
        app::update(
            &mut capture,
            Action::Text(ratatui_textarea::Input { key: ratatui_textarea::Key::Char(c), ..Default::default() }),
        );
    }
    let mut details = capture_clone(lang);
    navigate(&mut details, Action::OpenDetails);
    // The coach's notes of the group-work block, written before, open again (N) with a line being added.
    let mut notes = on_block("d2-curah-ide", lang);
    {
        let lab = notes.lab.as_mut().unwrap();
        let day = &mut lab.session.plan.days[1];
        let block = day.blocks.iter_mut().find(|b| b.id == "d2-curah-ide").unwrap();
        block.notes = Some(
            "Mulai dari Meja 3 (Dinkes): mereka sudah punya data antrean.\nBagikan kertas plano dan spidol; \
             satu masalah per kertas.\nIngatkan: 15 menit terakhir untuk memilih tiga ide terbaik."
                .into(),
        );
    }
    navigate(&mut notes, Action::OpenNotes);
    navigate(&mut notes, Action::NewLine);
    for c in "Panggil Pak Hendra".chars() {
        navigate(
            &mut notes,
            Action::Text(ratatui_textarea::Input { key: ratatui_textarea::Key::Char(c), ..Default::default() }),
        );
    }
    let mut board = on_block("d2-curah-ide", lang);
    navigate(&mut board, Action::OpenBoard);
    navigate(&mut board, Action::CursorRight);
    navigate(&mut board, Action::CursorDown);
    navigate(&mut board, Action::ToggleFlagship);
    // The selected idea's agency has a flagship already: the board asks before the star moves.
    let mut confirm_flagship = on_block("d2-curah-ide", lang);
    {
        let lab = confirm_flagship.lab.as_mut().unwrap();
        for idea in &mut lab.session.ideas {
            idea.agency = Some("Dinas Kesehatan".into());
            idea.flagship = false;
        }
        lab.session.ideas[0].flagship = true;
    }
    navigate(&mut confirm_flagship, Action::OpenBoard);
    navigate(&mut confirm_flagship, Action::CursorRight);
    navigate(&mut confirm_flagship, Action::ToggleFlagship);
    assert_eq!(confirm_flagship.mode(), innolab::app::Mode::ConfirmFlagship);
    let mut trash = on_block("d2-curah-ide", lang);
    navigate(&mut trash, Action::OpenBoard);
    navigate(&mut trash, Action::DeleteIdea);
    navigate(&mut trash, Action::CursorRight);
    navigate(&mut trash, Action::DeleteIdea);
    navigate(&mut trash, Action::OpenTrash);
    trash.notice = None;
    let mut setup = on_block("d2-curah-ide", lang);
    {
        let session = &mut setup.lab.as_mut().unwrap().session;
        let people = [
            (0, "Budi Santoso", "DPMPTSP", Role::Head, true),
            (0, "Rina Wati", "Dinas Kesehatan", Role::Representative, false),
            (1, "Ani", "Bappedalitbang", Role::Staff, true),
        ];
        for (table, name, agency, role, present) in people {
            session.add_member(table, innolab::model::roster::member(name, Some(agency), role, present)).unwrap();
        }
    }
    navigate(&mut setup, Action::OpenSetup);
    navigate(&mut setup, Action::CursorDown);
    let mut confirm_quit = on_block("d2-curah-ide", lang);
    app::update(
        &mut confirm_quit,
        Action::QuitBlocked(innolab::app::SaveFailure {
            problem: innolab::app::Failure::from(innolab::store::SaveError::Io {
                path: "lab.json".into(),
                source: std::io::Error::from_raw_os_error(28),
            }),
            emergency: vec!["/tmp/lab.emergency-20221103-134210.json".into()],
            conflict: false,
        }),
    );
    let mut tally = on_block("d2-curah-ide", lang);
    navigate(&mut tally, Action::OpenTally);
    let mut awards_screen = on_block("d2-curah-ide", lang);
    navigate(&mut awards_screen, Action::OpenAwards);
    let mut awards_page_2 = on_block("d3-penghargaan", lang);
    navigate(&mut awards_page_2, Action::NextTable);
    let mut save_failed = on_block("d2-curah-ide", lang);
    save_failed.save.error = Some(innolab::app::SaveFailure {
        problem: innolab::app::Failure::from(innolab::store::SaveError::Io {
            path: "lab.json".into(),
            source: std::io::Error::from_raw_os_error(30),
        }),
        emergency: vec!["/tmp/lab.emergency-20221103-134210.json".into()],
        conflict: false,
    });
    let mut conflict = on_block("d2-curah-ide", lang);
    app::update(
        &mut conflict,
        Action::SaveFinished {
            generation: 1,
            result: Err(innolab::app::SaveFailure {
                problem: innolab::app::Failure::from(innolab::store::SaveError::ChangedElsewhere {
                    path: "sessions/lab.json".into(),
                }),
                emergency: vec![
                    "sessions/lab.emergency-20221103-134210.json".into(),
                    "/home/coach/.local/state/innolab/emergency/lab.emergency-20221103-134210.json".into(),
                ],
                conflict: true,
            }),
        },
    );
    let conflict_bar = {
        let mut bar = on_block("d2-curah-ide", lang);
        bar.save.error = conflict.save.error.clone();
        bar
    };
    navigate(&mut conflict, Action::OpenConflict);
    let mut read_only = on_block("d2-curah-ide", lang);
    navigate(&mut read_only, Action::OpenedReadOnly);
    let later = read_only.now + chrono::Duration::seconds(60);
    navigate(&mut read_only, Action::Tick(later));
    // The spotlight on the board's selection (a flagship with agency and author), and from a plenary.
    let mut spotlight = on_block("d2-curah-ide", lang);
    navigate(&mut spotlight, Action::OpenBoard);
    navigate(&mut spotlight, Action::CursorRight);
    navigate(&mut spotlight, Action::CursorDown);
    navigate(&mut spotlight, Action::OpenSpotlight);
    let mut spotlight_plenary = on_block("d2-presentasi-ide", lang);
    spotlight_plenary.lab.as_mut().unwrap().plenary_table = 1;
    navigate(&mut spotlight_plenary, Action::OpenSpotlight);
    // Room mode: the join panel beside the board, the queue, a merge, and the join code alone.
    let room = |lang: Lang| {
        let mut state = on_block("d2-curah-ide", lang);
        navigate(
            &mut state,
            Action::RoomStarted {
                url: "http://192.168.1.23:8765/j/k3v9q2m8x7w4r5t6y1u0p2a3bc".into(),
                coach_url: format!("http://192.168.1.23:8765/c/{COACH_TOKEN}/"),
            },
        );
        navigate(&mut state, Action::RoomPhones(4));
        for (n, (group, name, title)) in [
            ("meja-1", "Ani", "Antrean daring puskesmas dengan nomor lewat WhatsApp"),
            ("meja-3", "Tamu \u{1b}[31mmerah", "<script>alert(1)</script> lapor jalan rusak"),
            ("meja-2", "Budi", "Satu data penerima bantuan sosial"),
        ]
        .into_iter()
        .enumerate()
        {
            let new = innolab::model::NewSubmission {
                group: group.into(),
                name: name.into(),
                title: title.into(),
                detail: None,
                phone: format!("phone-{n}"),
                nonce: format!("n{n}"),
            };
            navigate(&mut state, Action::RoomSubmit { new, reply: n as u64 });
        }
        state
    };
    let room_join = room(lang);
    let mut room_queue = room(lang);
    navigate(&mut room_queue, Action::OpenModeration);
    navigate(&mut room_queue, Action::CursorDown);
    let mut room_merge = room(lang);
    navigate(&mut room_merge, Action::OpenModeration);
    navigate(&mut room_merge, Action::MergeSubmission);
    let mut room_code = room(lang);
    navigate(&mut room_code, Action::ToggleJoinCode);
    let vote_state = |steps: &[Action]| {
        let mut state = on_block("d2-curah-ide", lang);
        for action in [Action::OpenVote].iter().chain(steps) {
            navigate(&mut state, action.clone());
        }
        state
    };
    let counted = [
        Action::Confirm,
        Action::ToggleReveal,
        Action::AddHand,
        Action::AddHand,
        Action::CursorDown,
        Action::AddHand,
        Action::CursorDown,
        Action::AddHand,
        Action::AddHand,
        Action::CursorDown,
        Action::AddHand,
    ];
    let vote_form = vote_state(&[]);
    let vote_hidden = vote_state(&[Action::Confirm]);
    let vote_results = vote_state(&counted);
    let mut closing = counted.to_vec();
    closing.push(Action::CloseVote);
    let vote_close = vote_state(&closing);
    vec![
        ("vote_form", vote_form),
        ("vote_hidden", vote_hidden),
        ("vote_results", vote_results),
        ("vote_close", vote_close),
        ("room_join", room_join),
        ("room_queue", room_queue),
        ("room_merge", room_merge),
        ("room_code", room_code),
        ("spotlight", spotlight),
        ("spotlight_plenary", spotlight_plenary),
        ("conflict", conflict),
        ("conflict_bar", conflict_bar),
        ("read_only", read_only),
        ("group_work_empty", empty_board),
        ("group_work_one_idea", one_idea),
        ("group_work_crowded", crowded),
        ("capture", capture),
        ("details_form", details),
        ("notes_form", notes),
        ("board_selection", board),
        ("trash", trash),
        ("setup", setup),
        ("confirm_quit", confirm_quit),
        ("confirm_flagship", confirm_flagship),
        ("save_failed", save_failed),
        ("tally", tally),
        ("awards_screen", awards_screen),
        ("awards_block_next_page", awards_page_2),
        ("start", start_state(lang)),
        ("new_session_from_file", plan_path),
        ("new_session_bad_date", new_session),
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

/// Every locale key, to check that no screen shows a key instead of its text.
fn locale_keys() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut keys = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        keys.extend(
            text.lines()
                .filter(|l| !l.starts_with(['#', ' ']) && l.contains(": "))
                .filter_map(|l| l.split(':').next())
                .filter(|k| k.contains('.'))
                .map(String::from),
        );
    }
    keys
}

#[test]
fn every_screen_at_both_sizes_in_both_languages() {
    let keys = locale_keys();
    for lang in [Lang::Id, Lang::En] {
        for (name, state) in screens(lang) {
            for (w, h) in [(80, 24), (160, 45)] {
                let snapshot = format!("{name}_{w}x{h}_{}", lang.code());
                let screen = draw(&state, w, h);
                if let Some(key) = keys.iter().find(|k| screen.contains(k.as_str())) {
                    panic!("{snapshot} shows the locale key {key} instead of its text");
                }
                insta::assert_snapshot!(snapshot, screen);
            }
        }
    }
}

/// The wall screens at the sizes a room meets besides 80x24 and 160x45: a 120x35 laptop and a 240x67 4K
/// projector with a large font.
#[test]
fn the_wall_screens_at_more_sizes() {
    let wall = ["group_work_crowded", "board_selection", "spotlight", "plenary", "awards", "tally"];
    for lang in [Lang::Id, Lang::En] {
        for (name, state) in screens(lang).into_iter().filter(|(n, _)| wall.contains(n)) {
            for (w, h) in [(120, 35), (240, 67)] {
                insta::assert_snapshot!(format!("{name}_{w}x{h}_{}", lang.code()), draw(&state, w, h));
            }
        }
    }
}

/// The coach's remote (room mode) is for the coach's own screen: no wall screen shows its address or its
/// token, with the room on, at any size a room meets, in either language.
#[test]
fn no_wall_screen_shows_the_coach_token() {
    let coach_url = format!("http://192.168.1.23:8765/c/{COACH_TOKEN}/");
    for lang in [Lang::Id, Lang::En] {
        for (name, mut state) in screens(lang) {
            if state.lab.is_some() && !state.room.is_on() {
                let url = "http://192.168.1.23:8765/j/k3v9q2m8x7w4r5t6y1u0p2a3bc".to_string();
                navigate(&mut state, Action::RoomStarted { url, coach_url: coach_url.clone() });
            }
            if state.lab.is_some() {
                assert_eq!(state.room.coach_url.as_deref(), Some(coach_url.as_str()), "{name}");
            }
            // As it is, then with the join code alone (W), large.
            for _ in 0..2 {
                for (w, h) in [(80, 24), (120, 35), (160, 45), (240, 67)] {
                    let screen = draw(&state, w, h);
                    assert!(!screen.contains(COACH_TOKEN) && !screen.contains("/c/"), "{name} at {w}x{h}");
                }
                navigate(&mut state, Action::ToggleJoinCode);
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
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw(&state, w, h)));
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
    assert_eq!(state.mode(), Mode::Help);
    let screen = draw(&state, 160, 250);
    for mode in app::keymap::HELP_MODES {
        for binding in app::keymap::bindings(mode) {
            let keys = app::keymap::labels(binding);
            assert!(screen.contains(&keys), "help lacks {keys}");
        }
    }
}

/// An xterm's default palette (what `Color`'s named colours look like on the projector's laptop); the
/// terminal's own default colours (`Reset`) are xterm's: light grey on black.
fn rgb(color: ratatui::style::Color, default: (u8, u8, u8)) -> (u8, u8, u8) {
    use ratatui::style::Color::*;
    match color {
        Reset => default,
        Black => (0, 0, 0),
        Red => (0xcd, 0, 0),
        Green => (0, 0xcd, 0),
        Yellow => (0xcd, 0xcd, 0),
        Blue => (0, 0, 0xee),
        Magenta => (0xcd, 0, 0xcd),
        Cyan => (0, 0xcd, 0xcd),
        Gray => (0xe5, 0xe5, 0xe5),
        DarkGray => (0x7f, 0x7f, 0x7f),
        LightRed => (0xff, 0, 0),
        LightGreen => (0, 0xff, 0),
        LightYellow => (0xff, 0xff, 0),
        LightBlue => (0x5c, 0x5c, 0xff),
        LightMagenta => (0xff, 0, 0xff),
        LightCyan => (0, 0xff, 0xff),
        White => (0xff, 0xff, 0xff),
        Rgb(r, g, b) => (r, g, b),
        Indexed(i) => match i {
            16..=231 => {
                let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
                let i = i - 16;
                (level(i / 36), level(i / 6 % 6), level(i % 6))
            }
            232..=255 => {
                let v = 8 + 10 * (i - 232);
                (v, v, v)
            }
            _ => default,
        },
    }
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let luminance = |(r, g, b): (u8, u8, u8)| 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Every character on every screen, in each theme and at each size a room meets, stands out from its
/// background by at least WCAG AA's 4.5:1, and nothing is dim: large type on a washed-out projector only
/// works with high contrast.
#[test]
fn every_screen_is_high_contrast_in_every_theme() {
    use ratatui::style::Modifier;
    const DEFAULT_FG: (u8, u8, u8) = (0xe5, 0xe5, 0xe5);
    const DEFAULT_BG: (u8, u8, u8) = (0, 0, 0);
    let mut failures = std::collections::BTreeMap::new();
    let mut checked = 0usize;
    for theme in [ThemeName::Projector, ThemeName::Dark, ThemeName::Light] {
        for lang in [Lang::Id, Lang::En] {
            for (name, mut state) in screens(lang) {
                state.theme = theme;
                for (w, h) in [(80, 24), (120, 35), (160, 45), (240, 67)] {
                    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                    terminal.draw(|frame| ui::view(&state, frame)).unwrap();
                    let buffer = terminal.backend().buffer();
                    for y in 0..h {
                        for x in 0..w {
                            let cell = &buffer[(x, y)];
                            if cell.symbol().trim().is_empty() {
                                continue;
                            }
                            checked += 1;
                            let (mut fg, mut bg) = (rgb(cell.fg, DEFAULT_FG), rgb(cell.bg, DEFAULT_BG));
                            if cell.modifier.contains(Modifier::REVERSED) {
                                std::mem::swap(&mut fg, &mut bg);
                            }
                            let ratio = contrast(fg, bg);
                            let dim = cell.modifier.contains(Modifier::DIM);
                            if ratio < 4.5 || dim {
                                let row: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
                                failures
                                    .entry((format!("{theme:?}"), format!("{:?}/{:?}", cell.fg, cell.bg)))
                                    .or_insert(format!(
                                        "{name} {w}x{h} at ({x},{y}) ratio {ratio:.2}{}: {}",
                                        if dim { " DIM" } else { "" },
                                        row.trim()
                                    ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500_000, "only {checked} cells checked");
    let report: Vec<String> = failures.iter().take(40).map(|((t, c), at)| format!("{t} {c}: {at}")).collect();
    assert!(failures.is_empty(), "{} low-contrast styles:\n{}", failures.len(), report.join("\n"));
}

/// The screen with its colours: the text, then each row's runs of one style (`y x0..x1 fg/bg MODS`),
/// leaving out blank runs in the page's own style.
fn draw_styled(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::view(state, frame)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let page = ui::theme::Theme::get(state.theme).base;
    let mut out = terminal.backend().to_string();
    out.push_str("--- styles ---\n");
    for y in 0..height {
        let mut x = 0;
        while x < width {
            let cell = &buffer[(x, y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut blank = true;
            while x < width && (buffer[(x, y)].fg, buffer[(x, y)].bg, buffer[(x, y)].modifier) == style {
                blank &= buffer[(x, y)].symbol().trim().is_empty();
                x += 1;
            }
            let is_page = Some(style.0) == page.fg.or(Some(ratatui::style::Color::Reset))
                && Some(style.1) == page.bg.or(Some(ratatui::style::Color::Reset));
            if blank && is_page {
                continue;
            }
            out.push_str(&format!("{y} {start}..{x} {:?}/{:?} {:?}\n", style.0, style.1, style.2));
        }
    }
    out
}

/// The wall screens with their colours in the light and dark projector themes (the default projector theme
/// too), at the smallest and the common size: a change of colour shows up in review.
#[test]
fn the_wall_screens_with_their_colours() {
    let wall = ["group_work_crowded", "board_selection", "spotlight", "plenary", "awards", "tally", "time_up_flash"];
    for theme in [ThemeName::Projector, ThemeName::Dark, ThemeName::Light] {
        for (name, mut state) in screens(Lang::En).into_iter().filter(|(n, _)| wall.contains(n)) {
            state.theme = theme;
            for (w, h) in [(80, 24), (160, 45)] {
                let theme = format!("{theme:?}").to_lowercase();
                insta::assert_snapshot!(format!("styled_{name}_{theme}_{w}x{h}"), draw_styled(&state, w, h));
            }
        }
    }
}

/// The stage banners (black bold on the stage's colour, the same in every theme) read at 4.5:1 or better:
/// checked apart, as no screen above shows every stage.
#[test]
fn every_stage_banner_is_high_contrast() {
    use innolab::model::Stage;
    for theme in [ThemeName::Projector, ThemeName::Dark, ThemeName::Light] {
        for stage in [Stage::DrumUp, Stage::Diagnose, Stage::Design, Stage::Deliver, Stage::Display, Stage::None] {
            let style = ui::theme::Theme::get(theme).stage(stage);
            let (fg, bg) = (rgb(style.fg.unwrap(), (0xe5, 0xe5, 0xe5)), rgb(style.bg.unwrap(), (0, 0, 0)));
            let ratio = contrast(fg, bg);
            assert!(ratio >= 4.5, "{theme:?} {stage:?}: {ratio:.2}");
        }
    }
    // The arithmetic itself: black on white is 21:1, a colour on itself 1:1, xterm's blue on black 2.2:1.
    assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
    assert!((contrast((9, 9, 9), (9, 9, 9)) - 1.0).abs() < 1e-9);
    assert!((contrast(rgb(ratatui::style::Color::Blue, (0, 0, 0)), (0, 0, 0)) - 2.23).abs() < 0.01);
}

/// The coach's notes for the brainstorm block, as a coach would write them.
const NOTES: &str = "Mulai dari Meja 3 (Dinkes): minta satu ide per orang.\nBagikan kertas plano dan spidol; \
     ingatkan: satu ide per kertas, tulis nama.\nJam 11:00 umumkan 15 menit lagi. <b>\x1b[2J</b>";

/// The coach's screen (`innolab attach`) as the runtime draws it for the coach's terminal.
fn draw_coach(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::coach_view(state, frame)).unwrap();
    terminal.backend().to_string()
}

/// A coach screen attached to the brainstorm block, with its notes and a running timer.
fn attached(lang: Lang) -> State {
    let mut state = on_block("d2-curah-ide", lang);
    start_timer(&mut state, 42 * 60);
    let lab = state.lab.as_mut().unwrap();
    let pos = lab.session.plan.find_block("d2-curah-ide").unwrap().0;
    lab.session.plan.days[pos.day].blocks[pos.index].notes = Some(NOTES.into());
    navigate(&mut state, Action::CoachAttached);
    state.notice = None;
    state
}

fn coach_screens(lang: Lang) -> Vec<(&'static str, State)> {
    let notes = attached(lang);
    let mut capture = attached(lang);
    navigate(&mut capture, Action::DigitKey(2));
    for c in "Izin usaha cukup NIK".chars() {
        navigate(
            &mut capture,
            Action::Text(ratatui_textarea::Input { key: ratatui_textarea::Key::Char(c), ..Default::default() }),
        );
    }
    let mut talk = attached(lang);
    talk.lab.as_mut().unwrap().session.progress.block = "d1-drumup-birokrasi".into();
    let mut last = attached(lang);
    last.lab.as_mut().unwrap().session.progress.block = "d3-penutupan".into();
    let mut notice = attached(lang);
    navigate(&mut notice, Action::ToggleWallControls);
    // The coach writes the block's notes on the coach's screen: the form says they never reach the wall.
    let mut notes_form = attached(lang);
    navigate(&mut notes_form, Action::OpenNotes);
    // Room mode on: the phones' count, and the phone remote's address and code, on the coach screen only.
    let mut room = attached(lang);
    let url = "http://192.168.1.23:8765/j/k3v9q2m8x7w4r5t6y1u0p2a3bc".to_string();
    let coach_url = format!("http://192.168.1.23:8765/c/{COACH_TOKEN}/");
    navigate(&mut room, Action::RoomStarted { url, coach_url });
    vec![
        ("coach_room", room),
        ("coach_notes", notes),
        ("coach_capture", capture),
        ("coach_talk_no_notes", talk),
        ("coach_last_block", last),
        ("coach_wall_controls_notice", notice),
        ("coach_notes_form", notes_form),
    ]
}

#[test]
fn the_coach_screen_at_both_sizes_in_both_languages() {
    let keys = locale_keys();
    for lang in [Lang::Id, Lang::En] {
        for (name, state) in coach_screens(lang) {
            for (w, h) in [(80, 24), (160, 45)] {
                let snapshot = format!("{name}_{w}x{h}_{}", lang.code());
                let screen = draw_coach(&state, w, h);
                if let Some(key) = keys.iter().find(|k| screen.contains(k.as_str())) {
                    panic!("{snapshot} shows the locale key {key} instead of its text");
                }
                assert!(!screen.contains('\x1b'), "{snapshot}: the notes' escape reached the screen");
                insta::assert_snapshot!(snapshot, screen);
            }
        }
    }
}

/// While a coach screen is attached the wall shows no form, bar, notice or key hint, and never the notes;
/// F2 brings the coach's controls back to the wall.
#[test]
fn the_wall_keeps_to_the_rooms_view_while_a_coach_screen_is_attached() {
    for lang in [Lang::Id, Lang::En] {
        let capture = &coach_screens(lang).swap_remove(2).1;
        let wall = draw(capture, 80, 24);
        assert!(!wall.contains("Izin usaha cukup NIK"), "the capture bar is the coach's:\n{wall}");
        assert!(!wall.contains("Mulai dari Meja 3"), "the notes are the coach's:\n{wall}");
        insta::assert_snapshot!(format!("wall_while_coach_attached_capture_80x24_{}", lang.code()), wall);
        let coach = draw_coach(capture, 80, 24);
        assert!(coach.contains("Izin usaha cukup NIK") && coach.contains("Mulai dari Meja 3"), "{coach}");
        let mut shown = coach_screens(lang).swap_remove(2).1;
        navigate(&mut shown, Action::ToggleWallControls);
        assert!(draw(&shown, 80, 24).contains("Izin usaha cukup NIK"), "F2: the wall shows the bar again");
        let mut detached = coach_screens(lang).swap_remove(2).1;
        navigate(&mut detached, Action::CoachDetached);
        assert!(draw(&detached, 80, 24).contains("Izin usaha cukup NIK"), "detached: the wall shows all again");
        for (name, state) in screens(lang) {
            let mut state = state;
            navigate(&mut state, Action::CoachAttached);
            if let Some(lab) = state.lab.as_mut() {
                for block in lab.session.plan.days.iter_mut().flat_map(|d| &mut d.blocks) {
                    block.notes = Some("COACH-ONLY-NOTE".into());
                }
            }
            for (w, h) in [(80, 24), (160, 45)] {
                assert!(!draw(&state, w, h).contains("COACH-ONLY-NOTE"), "{name} shows the coach's notes on the wall");
            }
        }
    }
}

#[test]
fn the_coach_screen_never_panics_at_any_size() {
    let sizes: Vec<(u16, u16)> = (1..=12)
        .flat_map(|w| (1..=6).map(move |h| (w * 11, h * 5)))
        .chain([(1, 1), (40, 12), (41, 13), (119, 30), (120, 30), (500, 200), (480, 135)])
        .collect();
    for lang in [Lang::Id, Lang::En] {
        for (name, state) in coach_screens(lang) {
            for &(w, h) in &sizes {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw_coach(&state, w, h)));
                assert!(result.is_ok(), "{name} panicked at {w}x{h}");
            }
        }
    }
}
