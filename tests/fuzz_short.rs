//! CI-sized fuzzing without cargo-fuzz: random bytes, and random mutations (byte flips, truncation, splices,
//! insertions) of `tests/fixtures/valid.json` into the session and plan decoders, and random CSV text into the
//! ideas and roster importers. Nothing may panic; whatever is accepted must be valid and round-trip; every
//! error names a line and is safe to print. The long runs live in `fuzz/` (cargo-fuzz); a longer run of these
//! is `PROPTEST_CASES=20000 cargo test --release --test fuzz_short`.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::OnceLock;

use chrono::DateTime;
use innolab::i18n::Lang;
use innolab::import::parse_ideas_csv;
use innolab::import::roster as roster_import;
use innolab::model::text::is_hazard;
use innolab::model::validate::{plan_problems, session_problems};
use innolab::model::{Session, Timestamp};
use innolab::store;
use proptest::prelude::*;
use proptest::sample::Index;

/// Cases per property: small in CI, more with PROPTEST_CASES.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn valid_session_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| std::fs::read(common::fixtures().join("valid.json")).unwrap())
}

fn valid_plan_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let session: Session = serde_json::from_slice(valid_session_bytes()).unwrap();
        serde_json::to_vec_pretty(&session.plan).unwrap()
    })
}

fn now() -> Timestamp {
    DateTime::parse_from_rfc3339("2022-11-03T10:00:00+07:00").unwrap()
}

/// A session to import into: the built-in plan, a renamed table and a few members.
fn target_session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| {
        let mut session = Session::new(innolab::testing::seed_plan(), now());
        session.progress.block = "d2-curah-ide".into();
        session.rename_group(1, "Meja Dinas Kesehatan").unwrap();
        let member = innolab::model::roster::member("Budi", Some("DPMPTSP"), innolab::model::Role::Head, true);
        session.add_member(0, member).unwrap();
        session
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Truncate(Index),
    /// Copies the range [from, from + len) over position `to` (overwriting), as a bad merge would.
    Splice {
        from: Index,
        len: usize,
        to: Index,
    },
    Delete(Index, usize),
    Insert(Index, Vec<u8>),
    /// Replaces one byte by a character that changes JSON's structure or meaning.
    Token(Index, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tokens = prop::sample::select(vec![
        "\"",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\\",
        "-",
        "0",
        "9",
        "null",
        "true",
        "1e999",
        "\u{1b}",
        "\u{202e}",
        "\0",
        "18446744073709551616",
        "-1",
        "\"\"",
        "[]",
        "{}",
    ]);
    prop_oneof![
        4 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), 1usize..400, any::<Index>()).prop_map(|(from, len, to)| Mutation::Splice { from, len, to }),
        2 => (any::<Index>(), 1usize..200).prop_map(|(i, n)| Mutation::Delete(i, n)),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(i, b)| Mutation::Insert(i, b)),
        4 => (any::<Index>(), tokens).prop_map(|(i, t)| Mutation::Token(i, t)),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match mutation {
        Mutation::Flip(i, x) => {
            let i = i.index(bytes.len());
            bytes[i] ^= x;
        }
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
        Mutation::Splice { from, len, to } => {
            let from = from.index(bytes.len());
            let chunk: Vec<u8> = bytes[from..(from + len).min(bytes.len())].to_vec();
            let to = to.index(bytes.len());
            let end = (to + chunk.len()).min(bytes.len());
            bytes.splice(to..end, chunk);
        }
        Mutation::Delete(i, n) => {
            let i = i.index(bytes.len());
            bytes.drain(i..(i + n).min(bytes.len()));
        }
        Mutation::Insert(i, new) => {
            let i = i.index(bytes.len());
            bytes.splice(i..i, new.iter().copied());
        }
        Mutation::Token(i, token) => {
            let i = i.index(bytes.len());
            bytes.splice(i..i + 1, token.bytes());
        }
    }
}

/// What must hold for any bytes given to the session decoder.
fn check_session(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("fuzz.json");
    match store::decode_session(path, bytes) {
        Ok(session) => {
            let problems = session_problems(&session);
            prop_assert!(problems.is_empty(), "accepted but invalid: {problems:?}");
            let encoded = store::encode(path, &session).unwrap();
            prop_assert_eq!(store::decode_session(path, &encoded).unwrap(), session);
        }
        Err(e) => {
            for line in std::iter::once(e.to_string()).chain(e.lines(Lang::Id)) {
                prop_assert!(line.starts_with("fuzz.json: ") && !line.chars().any(is_hazard), "{:?}", line);
            }
        }
    }
    Ok(())
}

/// What must hold for any bytes given to the plan decoder.
fn check_plan(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("plan.json");
    match store::decode_plan(path, bytes) {
        Ok(plan) => {
            prop_assert!(plan_problems(&plan).is_empty());
            let encoded = serde_json::to_vec(&plan).unwrap();
            prop_assert_eq!(&store::decode_plan(path, &encoded).unwrap(), &plan);
            let problems = session_problems(&Session::new(plan, now()));
            prop_assert!(problems.is_empty(), "a session from an accepted plan is invalid: {problems:?}");
        }
        Err(e) => {
            for line in std::iter::once(e.to_string()).chain(e.lines(Lang::Id)) {
                prop_assert!(line.starts_with("plan.json: ") && !line.chars().any(is_hazard), "{:?}", line);
            }
        }
    }
    Ok(())
}

/// Pieces CSV files are made of, hostile ones included, so random text still reaches the row checks.
fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        8 => prop::sample::select(vec![
            "table", "title", "meja", "judul", "agency", "opd", "author", "form", "digital", "detail", "uraian",
            "name", "nama", "role", "peran", "present", "hadir", "head", "kepala", "staff", "sekretaris", "ya",
            "tidak", "maybe", "governance", "public_service", "1", "2", "6", "7", "99", "0", "Meja 1",
            "Meja Dinas Kesehatan", "meja-3", "Budi", "budi", "Rina", "  ",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        8 => prop::sample::select(vec![",", ";", "\t", "\n", "\r\n", "\"", "\"\"", "\n\n"]).prop_map(|s| s.as_bytes().to_vec()),
        2 => prop::sample::select(vec![
            "\u{1b}[2J", "\u{1b}]0;x\u{7}", "\u{1b}]52;c;aGk=\u{7}", "\u{1b}P1$q\u{1b}\\", "\u{9b}31m", "\u{202e}",
            "\u{200d}", "\0", "\u{85}", "\u{feff}", "数字", "👩‍💻",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::sample::select(vec![&b"\xff"[..], b"\xc3\x28", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe2\x82"]).prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 1..6),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// A header both importers understand, so most random rows get past it.
fn csv_with_header() -> impl Strategy<Value = Vec<u8>> {
    let header = prop::sample::select(vec![
        "table,title,agency,author,form,digital,detail\n",
        "meja;judul;opd\n",
        "table,name,agency,role,present\n",
        "nama\tmeja\topd\tperan\n",
    ]);
    (header, csv_text()).prop_map(|(h, body)| [h.as_bytes(), &body].concat())
}

fn lines_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count() + 1
}

fn check_ideas_csv(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_ideas_csv(bytes, target_session(), Lang::En) {
        Ok(ideas) => {
            let mut session = target_session().clone();
            for imported in ideas {
                prop_assert!((1..=lines_in(bytes)).contains(&imported.line));
                prop_assert!(!imported.idea.title.is_empty() && !imported.idea.title.chars().any(is_hazard));
                session.add_idea(imported.idea, now()).unwrap();
            }
            let problems = session_problems(&session);
            prop_assert!(problems.is_empty(), "{problems:?}");
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert!((1..=lines_in(bytes)).contains(&e.line), "line {} of {}", e.line, lines_in(bytes));
                prop_assert!(!e.message.chars().any(is_hazard), "{:?}", e.message);
            }
        }
    }
    Ok(())
}

fn check_roster_csv(bytes: &[u8]) -> Result<(), TestCaseError> {
    match roster_import::parse(bytes, Lang::En) {
        Ok(rows) => {
            let mut session = target_session().clone();
            for row in &rows {
                prop_assert!((1..=lines_in(bytes)).contains(&row.line));
                prop_assert!(!row.member.name.is_empty() && !row.member.name.chars().any(is_hazard));
            }
            roster_import::apply(&mut session, rows);
            let problems = session_problems(&session);
            prop_assert!(problems.is_empty(), "{problems:?}");
            prop_assert!(session.groups.iter().all(|g| !g.name.chars().any(is_hazard)));
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert!((1..=lines_in(bytes)).contains(&e.line), "line {} of {}", e.line, lines_in(bytes));
                prop_assert!(!e.message.chars().any(is_hazard), "{:?}", e.message);
            }
        }
    }
    Ok(())
}

/// The TUI on a loaded file (the CI-sized `fuzz/tui_loaded`): a mutated session that still loads is opened
/// and driven by keys through the real keymap (timer keys, capture, board, undo, the conflict key), resizes
/// and ticks; nothing panics, the session stays valid, no frame holds a terminal control.
fn check_tui_on(bytes: &[u8], keys: &[(u8, u8)]) -> Result<(), TestCaseError> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use innolab::app::{Action, State, keymap, update};
    use innolab::i18n::Lang;
    use innolab::ui::{self, theme::ThemeName};
    let Ok(session) = store::decode_session(Path::new("fuzz.json"), bytes) else { return Ok(()) };
    let now = session.updated_at;
    let mut state = State::with_session(Lang::En, ThemeName::Projector, now, "fuzz.json".into(), session);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    update(&mut state, Action::Resize { width: 80, height: 24 });
    let chars: Vec<char> = "tarq+-=ETAfeudxlyn?jkhm 0123456789".chars().collect();
    let special = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Tab,
        KeyCode::Backspace,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
    ];
    for &(kind, value) in keys {
        let action = match kind % 8 {
            0 => {
                let (w, h) = (u16::from(value) % 200 + 1, u16::from(value) % 60 + 1);
                terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
                Some(Action::Resize { width: w, height: h })
            }
            1 => Some(Action::Tick(state.now + chrono::Duration::seconds(i64::from(value) * 60))),
            2 => keymap::action_for(
                state.mode(),
                KeyEvent::new(special[usize::from(value) % special.len()], KeyModifiers::NONE),
            ),
            3 => keymap::action_for(
                state.mode(),
                KeyEvent::new(KeyCode::Char(['r', 'e', 'o'][usize::from(value) % 3]), KeyModifiers::CONTROL),
            ),
            _ => keymap::action_for(
                state.mode(),
                KeyEvent::new(KeyCode::Char(chars[usize::from(value) % chars.len()]), KeyModifiers::NONE),
            ),
        };
        if let Some(action) = action {
            update(&mut state, action);
        }
        let problems = session_problems(&state.lab.as_ref().unwrap().session);
        prop_assert!(problems.is_empty(), "{problems:?}");
        let frame = terminal.draw(|frame| ui::view(&state, frame)).unwrap();
        prop_assert!(frame.buffer.content().iter().all(|c| !c.symbol().chars().any(is_hazard)));
    }
    Ok(())
}

/// Numbers a loaded file may hold at their edges, put where the valid session has its numbers.
fn edge_numbers() -> impl Strategy<Value = Vec<u8>> {
    let numbers = prop::sample::select(vec![
        "9007199254740992",
        "9007199254740991",
        "604800",
        "-604800",
        "0",
        "1",
        "4294967295",
        "18446744073709551615",
    ]);
    (prop::collection::vec((numbers, any::<Index>()), 1..4), any::<bool>()).prop_map(|(edits, running)| {
        let mut session: serde_json::Value = serde_json::from_slice(valid_session_bytes()).unwrap();
        for (number, at) in edits {
            let value: serde_json::Value = serde_json::from_str(number).unwrap();
            match at.index(3) {
                0 => session["ideas"][0]["id"] = value,
                1 => session["progress"]["timers"][0]["remaining_secs"] = value,
                _ => session["progress"]["timers"][0]["duration_secs"] = value,
            }
        }
        if running {
            session["progress"]["timers"][0]["running"] = true.into();
            session["progress"]["timers"][0]["deadline"] = "9998-12-31T23:00:00+07:00".into();
        }
        serde_json::to_vec(&session).unwrap()
    })
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn the_tui_on_any_loaded_file_never_panics(
        file in prop_oneof![
            prop::collection::vec(mutation(), 1..4).prop_map(|ms| {
                let mut bytes = valid_session_bytes().to_vec();
                for m in &ms {
                    apply(&mut bytes, m);
                }
                bytes
            }),
            edge_numbers(),
        ],
        keys in prop::collection::vec((any::<u8>(), any::<u8>()), 1..60),
    ) {
        check_tui_on(&file, &keys)?;
    }

    #[test]
    fn random_bytes_never_break_the_decoders(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_session(&bytes)?;
        check_plan(&bytes)?;
    }

    #[test]
    fn mutated_sessions_are_refused_or_valid(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut bytes = valid_session_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        check_session(&bytes)?;
    }

    #[test]
    fn mutated_plans_are_refused_or_valid(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut bytes = valid_plan_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        check_plan(&bytes)?;
    }

    #[test]
    fn random_csv_never_breaks_the_importers(bytes in prop_oneof![csv_text(), csv_with_header()]) {
        check_ideas_csv(&bytes)?;
        check_roster_csv(&bytes)?;
    }
}

/// The unmutated inputs pass, so the properties above are not vacuous.
#[test]
fn the_unmutated_inputs_are_accepted() {
    store::decode_session(Path::new("valid.json"), valid_session_bytes()).unwrap();
    store::decode_plan(Path::new("plan.json"), valid_plan_bytes()).unwrap();
    let csv = b"table,title,detail\nMeja Dinas Kesehatan,\x1b[2JSIP \xe2\x80\xae online,\"a\nb\"\n";
    let ideas = parse_ideas_csv(csv, target_session(), Lang::En).unwrap();
    assert_eq!(ideas[0].idea.title, "SIP  online");
    assert!(roster_import::parse(b"table,name,agency,role\n1,Budi,DPMPTSP,head\n", Lang::En).is_ok());
    // The TUI property opens files that load: the valid one, and one at the edges of every number.
    let keys: Vec<(u8, u8)> = (0u8..120).map(|i| (i % 8, i.wrapping_mul(37))).collect();
    check_tui_on(valid_session_bytes(), &keys).unwrap();
    let mut edge: serde_json::Value = serde_json::from_slice(valid_session_bytes()).unwrap();
    edge["ideas"][0]["id"] = 9007199254740992u64.into();
    edge["room"]["submissions"][0]["idea"] = 9007199254740992u64.into();
    edge["progress"]["timers"][0]["remaining_secs"] = 604800.into();
    let edge = serde_json::to_vec(&edge).unwrap();
    store::decode_session(Path::new("edge.json"), &edge).unwrap();
    check_tui_on(&edge, &keys).unwrap();
}

/// Inputs the long fuzz runs (fuzz/) once failed on, named `<target>-<what>.<ext>`: each must now pass its
/// target's checks.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = common::fixtures().join("fuzz_regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let result = match name.split('-').next().unwrap() {
            "session_loader" => check_session(&bytes),
            "plan_loader" => check_plan(&bytes),
            "ideas_csv" => check_ideas_csv(&bytes),
            "roster_csv" => check_roster_csv(&bytes),
            other => panic!("{name}: unknown target {other}"),
        };
        assert!(result.is_ok(), "{name}: {result:?}");
        seen += 1;
    }
    assert!(seen > 0);
}

/// A journal line as the app writes it, for the journal property: one idea of the valid session, changed.
fn journal_line(title: &str, group: &str, id: u64, deleted: bool) -> Vec<u8> {
    let mut session: Session = serde_json::from_slice(valid_session_bytes()).unwrap();
    let mut idea = session.ideas[0].clone();
    (idea.title, idea.group, idea.id, idea.deleted) = (title.to_string(), group.to_string(), id, deleted);
    session.ideas = vec![idea];
    store::journal::Record::of(&session, &innolab::model::Changed::ideas(&[id])).encode()
}

proptest! {
    #![proptest_config(config(200))]

    /// Whatever a session's journal holds after its header (lines the app writes with hostile text, unknown
    /// tables and any ids, torn lines, garbage), loading never panics, and a session that loads is valid and
    /// inert.
    #[test]
    fn any_journal_loads_or_is_refused_never_panics(
        lines in prop::collection::vec(
            prop_oneof![
                (".{0,40}", prop::sample::select(vec!["meja-1", "meja-2", "meja-99", ""]), 0u64..20, any::<bool>())
                    .prop_map(|(t, g, id, d)| journal_line(&t, g, id, d)),
                prop::collection::vec(any::<u8>(), 0..60),
                Just(b"{\"updated_at\":\"2022-11-02T08:00:00+07:00\",\"ideas\":[],\"progress\":{}}\n".to_vec()),
            ],
            0..6,
        ),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.json");
        std::fs::write(&path, valid_session_bytes()).unwrap();
        let base = store::journal::base_of(store::content_hash(valid_session_bytes()));
        let mut journal = format!("{{\"journal\":1,\"base\":\"{base}\"}}\n").into_bytes();
        for line in lines {
            journal.extend(line);
        }
        std::fs::write(store::journal::journal_path(&path), &journal).unwrap();
        if let Ok(session) = store::load(&path) {
            let problems = session_problems(&session);
            prop_assert!(problems.is_empty(), "{problems:?}");
            for idea in &session.ideas {
                prop_assert!(!idea.title.chars().any(is_hazard), "{:?}", idea.title);
            }
        }
    }
}
