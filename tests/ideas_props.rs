//! Property test: any sequence of capture, edit, move, flagship, delete, restore, undo and redo keeps the
//! session valid after every step and round-trips through the file unchanged.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use chrono::{DateTime, Duration};
use innolab::app::{Action, State, update};
use innolab::i18n::Lang;
use innolab::model::Session;
use innolab::model::validate::session_problems;
use innolab::store;
use innolab::ui::theme::ThemeName;
use proptest::prelude::*;
use ratatui_textarea::{Input, Key};

fn text_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        proptest::char::any().prop_map(|c| Action::Text(Input { key: Key::Char(c), ..Default::default() })),
        Just(Action::Text(Input { key: Key::Backspace, ..Default::default() })),
        Just(Action::Text(Input { key: Key::Left, ..Default::default() })),
        Just(Action::Text(Input { key: Key::Right, ..Default::default() })),
        "[a-zA-Z 数字🚀]{0,12}".prop_map(Action::Paste),
        Just(Action::Paste("\x1b[2J\x1b]52;c;aGk=\x07\u{202e}\0evil\r\nline".into())),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => Just(Action::OpenCapture),
        4 => (1u8..=8).prop_map(Action::DigitKey),
        10 => text_action(),
        6 => Just(Action::Confirm),
        3 => Just(Action::Back),
        3 => Just(Action::OpenBoard),
        2 => Just(Action::CursorLeft),
        2 => Just(Action::CursorRight),
        2 => Just(Action::CursorUp),
        2 => Just(Action::CursorDown),
        2 => Just(Action::EditIdea),
        2 => Just(Action::MoveIdea),
        2 => Just(Action::ToggleFlagship),
        3 => Just(Action::DeleteIdea),
        4 => Just(Action::Undo),
        3 => Just(Action::Redo),
        1 => Just(Action::OpenTrash),
        1 => Just(Action::Restore),
        2 => Just(Action::NextField),
        1 => Just(Action::PrevField),
        1 => Just(Action::OpenDetails),
        1 => Just(Action::PageDown),
        1 => Just(Action::NextBlock),
        2 => (1i64..400).prop_map(|s| Action::Tick(DateTime::parse_from_rfc3339("2022-11-03T13:30:00+07:00").unwrap() + Duration::seconds(s))),
    ]
}

fn state() -> State {
    let plan = innolab::testing::seed_plan();
    let now = DateTime::parse_from_rfc3339("2022-11-03T13:30:00+07:00").unwrap();
    let mut session = Session::new(plan, now);
    session.progress.block = "d2-curah-ide".into();
    State::with_session(Lang::Id, ThemeName::Projector, now, PathBuf::from("lab.json"), session)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn idea_actions_keep_the_session_valid_and_round_trip(actions in proptest::collection::vec(action(), 1..160)) {
        let mut s = state();
        for action in actions {
            update(&mut s, action.clone());
            let lab = s.lab.as_ref().unwrap();
            let problems = session_problems(&lab.session);
            prop_assert!(problems.is_empty(), "after {action:?}: {problems:?}");
            prop_assert_eq!(lab.index.live, lab.session.ideas.iter().filter(|i| !i.deleted).count());
            prop_assert!(lab.session.ideas.iter().all(|i| !i.title.chars().any(innolab::model::text::is_hazard)));
        }
        let lab = s.lab.as_ref().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.json");
        store::save(&path, &lab.session).unwrap();
        prop_assert_eq!(&store::load(&path).unwrap(), &lab.session);
    }
}
