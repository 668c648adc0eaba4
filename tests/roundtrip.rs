//! Property tests of the file format: every model type survives JSON unchanged, and every session the app
//! writes loads back equal and validates against `innolab schema`.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, FixedOffset, TimeZone};
use innolab::model::*;
use innolab::store;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9][a-zA-Z0-9 ]{0,19}",
        "[a-z]\\PC{0,12}",
        Just("Layanan 🚀 数字 👩‍💻 é".to_string()),
        Just("\u{1b}[2J\u{1b}]0;pwn\u{7}\u{202e}Meja".to_string()),
    ]
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_000_000_000, -12i32..=14).prop_map(|(secs, hours)| {
        let offset = FixedOffset::east_opt(hours * 3600).unwrap();
        offset.timestamp_opt(secs, 0).unwrap()
    })
}

fn stage() -> impl Strategy<Value = Stage> {
    proptest::sample::select(Stage::ALL.to_vec())
}

fn form() -> impl Strategy<Value = Option<Form>> {
    proptest::option::of(proptest::sample::select(Form::ALL.to_vec()))
}

fn role() -> impl Strategy<Value = Role> {
    proptest::sample::select(Role::ALL.to_vec())
}

fn member() -> impl Strategy<Value = Member> {
    (text(), proptest::option::of(text()), role(), any::<bool>()).prop_map(|(name, agency, role, present)| Member {
        name,
        agency,
        role,
        present,
    })
}

fn idea(groups: Vec<String>, blocks: Vec<String>) -> impl Strategy<Value = Idea> {
    (
        any::<u64>(),
        proptest::sample::select(groups),
        proptest::option::of(text()),
        proptest::option::of(text()),
        text(),
        proptest::option::of(text()),
        stage(),
        proptest::sample::select(blocks),
        form(),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        timestamp(),
        timestamp(),
    )
        .prop_map(
            |(id, group, agency, author, title, detail, stage, block, form, (digital, flagship, deleted), c, u)| Idea {
                id,
                group,
                agency,
                author,
                title,
                detail,
                stage,
                block,
                form,
                digital,
                flagship,
                created_at: c,
                updated_at: u,
                deleted,
                source: None,
            },
        )
}

fn builtin() -> Plan {
    innolab::testing::seed_plan()
}

/// A valid session: the built-in plan, 1–8 tables with members, up to 40 ideas with unique ids and
/// references that resolve, and a timer either running or paused on some block.
fn valid_session() -> impl Strategy<Value = Session> {
    let plan = builtin();
    let blocks: Vec<String> = plan.blocks().map(|(_, b)| b.id.clone()).collect();
    (1usize..8, proptest::collection::vec(member(), 0..6), timestamp(), any::<bool>(), -5000i64..5000)
        .prop_flat_map(move |(tables, members, now, running, remaining)| {
            let groups: Vec<String> = (1..=tables).map(|n| format!("meja-{n}")).collect();
            let blocks = blocks.clone();
            (
                proptest::collection::vec(idea(groups, blocks.clone()), 0..40),
                proptest::sample::select(blocks),
                Just((tables, members.clone(), now, running, remaining)),
            )
        })
        .prop_map(move |(mut ideas, block, (tables, members, now, running, remaining))| {
            for (i, idea) in ideas.iter_mut().enumerate() {
                idea.id = i as u64 * 3 + 1;
            }
            let mut session = Session::new(builtin(), now);
            session.groups = (1..=tables as u32).map(TableGroup::numbered).collect();
            session.groups[0].members = members;
            session.ideas = ideas;
            session.progress.block = block.clone();
            session.progress.timers = vec![Timer {
                block,
                duration_secs: 600,
                running,
                remaining_secs: (!running).then_some(remaining),
                deadline: running.then(|| now + chrono::Duration::seconds(remaining)),
            }];
            let screens = [WallScreen::Agenda, WallScreen::Board, WallScreen::Tally, WallScreen::Awards];
            session.progress.wall = Wall {
                lang: running.then_some(innolab::i18n::Lang::Id),
                screen: screens[remaining.unsigned_abs() as usize % screens.len()],
                plenary_table: tables as u32 - 1,
                plenary_page: (remaining.unsigned_abs() % 3) as u32,
                awards_page: (remaining.unsigned_abs() % 5) as u32,
                awards_list: !running,
                spotlight: session.ideas.first().map(|i| i.id),
            };
            session
        })
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string_pretty(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_model_type_round_trips(session in valid_session()) {
        round_trip(&session);
        round_trip(&session.plan);
        for day in &session.plan.days { round_trip(day); for block in &day.blocks { round_trip(block); } }
        for group in &session.groups { round_trip(group); for m in &group.members { round_trip(m); } }
        for idea in &session.ideas { round_trip(idea); }
        round_trip(&session.progress);
        for timer in &session.progress.timers { round_trip(timer); }
        round_trip(&session.progress.wall);
    }

    #[test]
    fn saved_sessions_load_back_equal_and_match_the_schema(session in valid_session()) {
        // As the model holds it: text entering a session is made inert, and so is every loaded file.
        let mut session = session;
        session.make_inert();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        store::save(&path, &session).unwrap();
        prop_assert_eq!(store::load(&path).unwrap(), session);
        common::assert_valid_against_schema(&SCHEMA.with(|s| s.clone()), &path);
    }
}

thread_local! {
    static SCHEMA: jsonschema::Validator = common::schema_validator();
}

#[test]
fn timestamps_keep_their_offset() {
    let t = DateTime::parse_from_rfc3339("2022-11-03T10:04:12+07:00").unwrap();
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"2022-11-03T10:04:12+07:00\"");
}
