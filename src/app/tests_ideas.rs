//! `update()` tests of capture, editing, undo/redo, the trash and the roster screen.

use std::path::PathBuf;

use chrono::Duration;
use ratatui_textarea::{Input, Key};

use super::*;
use crate::model::validate::session_problems;
use crate::model::{Form as IdeaForm, Role, Stage};
use crate::testing::at;

const T0: &str = "2022-11-03T13:30:00+07:00";

fn state() -> State {
    let plan = crate::testing::seed_plan();
    let mut session = Session::new(plan, at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    session.groups[1].members.push(crate::model::roster::member("Budi", Some("DPMPTSP"), Role::Head, true));
    session.groups[1].members.push(crate::model::roster::member(
        "Rina",
        Some("Dinas Kesehatan"),
        Role::Representative,
        true,
    ));
    State::with_session(Lang::En, ThemeName::Projector, at(T0), PathBuf::from("lab.json"), session)
}

fn lab(s: &State) -> &Lab {
    s.lab.as_ref().unwrap()
}

fn session(s: &State) -> &Session {
    &lab(s).session
}

fn run(s: &mut State, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
    actions.into_iter().flat_map(|a| update(s, a)).collect()
}

fn typed(text: &str) -> Vec<Action> {
    text.chars().map(|c| Action::Text(Input { key: Key::Char(c), ..Default::default() })).collect()
}

/// Captures an idea the way the coach does: digit for the table, the text, Enter.
fn capture(s: &mut State, table: u8, title: &str) -> Vec<Effect> {
    if s.mode() != Mode::Capture {
        update(s, Action::OpenCapture);
    }
    let mut actions = vec![Action::DigitKey(table)];
    actions.extend(typed(title));
    actions.push(Action::Confirm);
    run(s, actions)
}

/// The ideas without their change times, to compare states across undo and redo.
fn ideas_without_times(s: &State) -> Vec<Idea> {
    session(s).ideas.iter().map(|i| Idea { updated_at: i.created_at, ..i.clone() }).collect()
}

#[test]
fn one_idea_costs_a_digit_the_text_and_enter() {
    let mut s = state();
    update(&mut s, Action::OpenCapture);
    assert_eq!(s.mode(), Mode::Capture);
    let effects = capture(&mut s, 2, "SIP dalam satu hari");
    assert_eq!(effects, vec![Effect::Save]);
    let idea = &session(&s).ideas[0];
    assert_eq!((idea.id, idea.group.as_str(), idea.title.as_str()), (1, "meja-2", "SIP dalam satu hari"));
    assert_eq!((idea.block.as_str(), idea.stage), ("d2-curah-ide", Stage::Diagnose));
    assert_eq!(idea.created_at, at(T0));
    assert_eq!(s.mode(), Mode::Capture, "the bar stays open for the next idea");
    assert!(form::input_text(&lab(&s).capture).is_empty());
    assert_eq!(lab(&s).fresh_idea(s.now), Some(1));
    update(&mut s, Action::Tick(at(T0) + Duration::seconds(HIGHLIGHT_SECS)));
    assert_eq!(lab(&s).fresh_idea(s.now), None, "the highlight fades");
}

#[test]
fn digits_pick_the_table_only_before_typing() {
    let mut s = state();
    update(&mut s, Action::DigitKey(3));
    assert_eq!((s.mode(), lab(&s).capture_table), (Mode::Capture, 2), "a digit on the agenda opens the bar");
    run(&mut s, typed("Layanan 24 jam"));
    update(&mut s, Action::DigitKey(5));
    assert_eq!(form::input_text(&lab(&s).capture), "Layanan 24 jam5");
    assert_eq!(lab(&s).capture_table, 2);
    update(&mut s, Action::Confirm);
    update(&mut s, Action::DigitKey(9));
    assert_eq!(form::input_text(&lab(&s).capture), "9", "there is no table 9, so it is text");
    run(&mut s, [Action::NextTable, Action::NextTable]);
    assert_eq!(lab(&s).capture_table, 4);
    run(&mut s, [Action::PrevTable, Action::PrevTable, Action::PrevTable, Action::PrevTable, Action::PrevTable]);
    assert_eq!(lab(&s).capture_table, 5, "tables wrap around");
}

#[test]
fn a_title_may_start_with_a_digit_once_the_table_is_chosen() {
    let mut s = state();
    // `1` on the agenda opens the bar on table 1: the digits after it are the title's.
    update(&mut s, Action::DigitKey(1));
    run(&mut s, typed("24 jam layanan darurat 112"));
    assert_eq!((lab(&s).capture_table, form::input_text(&lab(&s).capture).as_str()), (0, "24 jam layanan darurat 112"));
    update(&mut s, Action::Confirm);
    assert_eq!(
        session(&s).ideas.last().map(|i| (i.group.as_str(), i.title.as_str())),
        Some(("meja-1", "24 jam layanan darurat 112"))
    );
    // After Enter the bar is empty for the next idea: a digit picks the table again, then digits are text.
    run(&mut s, typed("35 sekolah"));
    assert_eq!((lab(&s).capture_table, form::input_text(&lab(&s).capture).as_str()), (2, "5 sekolah"));
    // `a` opens the bar without a table: the first digit picks it; Tab picks it too.
    let mut s = state();
    update(&mut s, Action::OpenCapture);
    run(&mut s, [Action::NextTable]);
    run(&mut s, typed("3 desa"));
    assert_eq!((lab(&s).capture_table, form::input_text(&lab(&s).capture).as_str()), (1, "3 desa"));
}

#[test]
fn the_clicker_steps_through_the_awardees_before_the_next_block() {
    let mut s = state();
    let now = s.now;
    for (table, author) in [("meja-1", "Ani"), ("meja-2", "Budi"), ("meja-3", "Citra")] {
        let idea = crate::model::NewIdea {
            group: table.into(),
            title: format!("Ide {author}"),
            author: Some(author.into()),
            ..Default::default()
        };
        s.lab.as_mut().unwrap().session.add_idea(idea, now).unwrap();
    }
    s.lab.as_mut().unwrap().reindex();
    let plan = &session(&s).plan;
    let awards = plan.blocks().position(|(_, b)| b.kind == crate::model::BlockKind::Awards).unwrap();
    let after = plan.at_flat_index(awards + 1).map(|(_, b)| b.id.clone());
    s.lab.as_mut().unwrap().session.progress.block = plan.at_flat_index(awards).unwrap().1.id.clone();
    update(&mut s, Action::Tick(now));
    let current = |s: &State| lab(s).current().1.id.clone();
    let on_awards = current(&s);
    run(&mut s, [Action::NextBlock, Action::NextBlock]);
    assert_eq!((current(&s), lab(&s).awards_page), (on_awards.clone(), 2), "the clicker reads out each awardee");
    update(&mut s, Action::PrevBlock);
    assert_eq!((current(&s), lab(&s).awards_page), (on_awards.clone(), 1), "and goes back one");
    run(&mut s, [Action::NextBlock, Action::NextBlock]);
    assert_eq!(Some(current(&s)), after, "after the last awardee it moves on");
    // The list (v) pages as before: the clicker moves on at once.
    update(&mut s, Action::PrevBlock);
    update(&mut s, Action::ToggleAwardsList);
    update(&mut s, Action::NextBlock);
    assert_eq!(Some(current(&s)), after);
}

#[test]
fn the_clicker_pages_a_plenary_table_before_the_next_block() {
    let mut s = state();
    update(&mut s, Action::Resize { width: 80, height: 24 });
    let per_page = crate::app::plenary_per_page(24);
    for n in 0..per_page + 1 {
        capture(&mut s, 1, &format!("Ide {n}"));
    }
    update(&mut s, Action::Back);
    let plan = &session(&s).plan;
    let plenary = plan.blocks().position(|(_, b)| b.kind == crate::model::BlockKind::Plenary).unwrap();
    let (on, after) =
        (plan.at_flat_index(plenary).unwrap().1.id.clone(), plan.at_flat_index(plenary + 1).unwrap().1.id.clone());
    s.lab.as_mut().unwrap().session.progress.block = on.clone();
    update(&mut s, Action::NextBlock);
    assert_eq!((lab(&s).current().1.id.clone(), lab(&s).plenary_page), (on.clone(), 1), "the second page first");
    update(&mut s, Action::PrevBlock);
    assert_eq!((lab(&s).current().1.id.clone(), lab(&s).plenary_page), (on.clone(), 0));
    run(&mut s, [Action::NextBlock, Action::NextBlock]);
    assert_eq!(lab(&s).current().1.id, after, "after the last page the clicker moves on");
}

#[test]
fn the_spotlight_shows_one_idea_and_steps_through_its_table() {
    let mut s = state();
    for title in ["Satu", "Dua", "Tiga"] {
        capture(&mut s, 2, title);
    }
    update(&mut s, Action::Back);
    run(&mut s, [Action::OpenBoard, Action::CursorRight]);
    update(&mut s, Action::OpenSpotlight);
    let spotlit = |s: &State| match s.layers.top() {
        Some(Overlay::Spotlight { idea }) => session(s).idea(*idea).map(|i| i.title.clone()),
        _ => None,
    };
    assert_eq!((s.mode(), spotlit(&s).as_deref()), (Mode::Spotlight, Some("Tiga")), "the selected (newest) idea");
    update(&mut s, Action::CursorUp);
    assert_eq!(spotlit(&s).as_deref(), Some("Dua"), "the clicker goes back through the table, oldest first");
    run(&mut s, [Action::CursorUp, Action::CursorUp]);
    assert_eq!(spotlit(&s).as_deref(), Some("Satu"), "and stops at its first idea");
    update(&mut s, Action::Back);
    assert_eq!(s.mode(), Mode::Board);
    assert_eq!(
        lab(&s).selected_idea().and_then(|id| session(&s).idea(id)).map(|i| i.title.as_str()),
        Some("Satu"),
        "the selection followed"
    );
}

#[test]
fn the_delete_notice_goes_once_undo_is_used() {
    let mut s = state();
    capture(&mut s, 1, "Satu");
    update(&mut s, Action::Back);
    run(&mut s, [Action::OpenBoard, Action::DeleteIdea]);
    assert!(s.notice.as_ref().is_some_and(|n| n.offers_undo), "Idea deleted: u undoes");
    update(&mut s, Action::Undo);
    assert_eq!(s.notice, None, "after the undo it no longer applies");
    assert!(session(&s).ideas[0].is_live());
}

#[test]
fn ctrl_u_clears_the_line_being_typed() {
    let mut s = state();
    update(&mut s, Action::DigitKey(2));
    run(&mut s, typed("salah ketik"));
    update(&mut s, Action::ClearLine);
    assert_eq!(form::input_text(&lab(&s).capture), "");
    run(&mut s, typed("Layanan KTP"));
    update(&mut s, Action::OpenDetails);
    update(&mut s, Action::ClearLine);
    assert_eq!(lab(&s).form.as_ref().map(|f| f.text(FieldKey::Title)), Some(String::new()), "the focused field");
    let key =
        crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
    assert_eq!(keymap::action_for(Mode::Form, key), Some(Action::ClearLine));
    assert_eq!(keymap::action_for(Mode::Capture, key), Some(Action::ClearLine));
}

#[test]
fn an_empty_title_adds_nothing_and_escape_closes() {
    let mut s = state();
    update(&mut s, Action::OpenCapture);
    run(&mut s, typed("   "));
    assert_eq!(update(&mut s, Action::Confirm), vec![]);
    assert!(session(&s).ideas.is_empty());
    update(&mut s, Action::Back);
    assert_eq!(s.mode(), Mode::Agenda);
}

#[test]
fn hostile_pastes_are_cleaned_and_long_ones_cut() {
    let mut s = state();
    update(&mut s, Action::OpenCapture);
    update(&mut s, Action::Paste("\x1b]0;pwned\x07\x1b[2J\u{202e}Antrean\nonline\0".into()));
    assert_eq!(form::input_text(&lab(&s).capture), "Antrean online");
    update(&mut s, Action::Confirm);
    assert_eq!(session(&s).ideas[0].title, "Antrean online");
    update(&mut s, Action::Paste("x".repeat(1_000_000)));
    assert_eq!(form::input_text(&lab(&s).capture).chars().count(), form::MAX_INPUT_CHARS);
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("cut")));
}

#[test]
fn details_from_the_capture_bar_default_the_agency_to_the_author() {
    let mut s = state();
    update(&mut s, Action::DigitKey(2));
    run(&mut s, typed("Izin usaha cukup NIK"));
    update(&mut s, Action::OpenDetails);
    assert_eq!(s.mode(), Mode::Form);
    let form = lab(&s).form.as_ref().unwrap();
    assert_eq!(form.text(FieldKey::Title), "Izin usaha cukup NIK");
    assert_eq!(form.choice(FieldKey::Table), 1);
    // Title → Table → Author; PgDn suggests the table's members.
    run(&mut s, [Action::NextField, Action::NextField, Action::PageDown]);
    assert_eq!(lab(&s).form.as_ref().unwrap().text(FieldKey::Author), "Budi");
    assert_eq!(lab(&s).form.as_ref().unwrap().text(FieldKey::Agency), "DPMPTSP");
    update(&mut s, Action::PageDown);
    assert_eq!(lab(&s).form.as_ref().unwrap().text(FieldKey::Agency), "Dinas Kesehatan", "follows the author");
    // Agency → Form (public service) → Digital → Flagship.
    run(&mut s, [Action::NextField, Action::NextField]);
    run(&mut s, vec![Action::Text(Input { key: Key::Right, ..Default::default() }); 2]);
    update(&mut s, Action::NextField);
    update(&mut s, Action::Text(Input { key: Key::Char(' '), ..Default::default() }));
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Save]);
    assert_eq!(s.mode(), Mode::Capture);
    let idea = &session(&s).ideas[0];
    assert_eq!(idea.author.as_deref(), Some("Rina"));
    assert_eq!(idea.agency.as_deref(), Some("Dinas Kesehatan"));
    assert_eq!(idea.form, Some(IdeaForm::PublicService));
    assert!(idea.digital && !idea.flagship);
    assert!(form::input_text(&lab(&s).capture).is_empty());
}

#[test]
fn a_form_with_an_empty_title_is_refused_and_stays_open() {
    let mut s = state();
    update(&mut s, Action::OpenCapture);
    update(&mut s, Action::OpenDetails);
    assert_eq!(update(&mut s, Action::Confirm), vec![]);
    assert_eq!(s.mode(), Mode::Form);
    assert_eq!(lab(&s).form.as_ref().unwrap().error.as_deref(), Some("The title is empty"));
    update(&mut s, Action::Back);
    assert_eq!(s.mode(), Mode::Capture);
}

/// Four captured ideas, each given an agency of its own (so each may become a flagship), on the board.
fn with_ideas() -> State {
    let mut s = state();
    for (table, title) in [(1, "A1"), (2, "B1"), (2, "B2"), (3, "C1")] {
        capture(&mut s, table, title);
    }
    for idea in &mut s.lab.as_mut().unwrap().session.ideas {
        idea.agency = Some(format!("OPD {}", idea.title));
    }
    update(&mut s, Action::Back);
    update(&mut s, Action::OpenBoard);
    s
}

#[test]
fn the_board_selects_newest_first_across_tables() {
    let mut s = with_ideas();
    assert_eq!(s.mode(), Mode::Board);
    assert_eq!(lab(&s).selected_idea(), Some(1));
    update(&mut s, Action::CursorRight);
    assert_eq!(lab(&s).selected_idea(), Some(3), "B2 is the newest of table 2");
    update(&mut s, Action::CursorDown);
    assert_eq!(lab(&s).selected_idea(), Some(2));
    update(&mut s, Action::CursorDown);
    assert_eq!(lab(&s).selected_idea(), Some(2), "stays on the last row");
    run(&mut s, [Action::CursorRight, Action::CursorRight]);
    assert_eq!(lab(&s).selected_idea(), None, "table 4 is empty");
    run(&mut s, vec![Action::CursorLeft; 4]);
    assert_eq!(lab(&s).selection.table, 5, "wraps to the last table");
}

#[test]
fn edit_move_flag_and_delete_change_the_selected_idea() {
    let mut s = with_ideas();
    update(&mut s, Action::CursorRight); // B2
    update(&mut s, Action::EditIdea);
    assert_eq!(s.mode(), Mode::Form);
    run(&mut s, typed(" revisi"));
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Save]);
    assert_eq!(s.mode(), Mode::Board);
    assert_eq!(session(&s).idea(3).unwrap().title, "B2 revisi");

    update(&mut s, Action::MoveIdea);
    update(&mut s, Action::Confirm); // the next table is preselected
    assert_eq!(session(&s).idea(3).unwrap().group, "meja-3");
    assert_eq!(lab(&s).selection.table, 2);
    assert_eq!(lab(&s).selected_idea(), Some(3), "the selection follows the moved idea");
    update(&mut s, Action::ToggleFlagship);
    assert!(session(&s).idea(3).unwrap().flagship);

    let before = s.save.generation;
    assert_eq!(update(&mut s, Action::DeleteIdea), vec![Effect::Save]);
    assert_eq!(s.save.generation, before + 1);
    let idea = session(&s).idea(3).unwrap();
    assert!(idea.deleted, "deletion is a tombstone");
    assert_eq!(lab(&s).index.live, 3);
    assert_eq!(lab(&s).trash().len(), 1);
}

#[test]
fn the_trash_restores_and_undo_takes_it_back() {
    let mut s = with_ideas();
    update(&mut s, Action::DeleteIdea);
    update(&mut s, Action::OpenTrash);
    assert_eq!(s.mode(), Mode::Trash);
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Save]);
    assert!(!session(&s).idea(1).unwrap().deleted);
    assert!(lab(&s).trash().is_empty());
    update(&mut s, Action::Undo);
    assert!(session(&s).idea(1).unwrap().deleted, "undo puts it back in the trash");
    update(&mut s, Action::Back);
    assert_eq!(s.mode(), Mode::Board);
}

#[test]
fn long_undo_and_redo_chains_mixed_with_edits_come_back_exactly() {
    let mut s = with_ideas();
    let start = ideas_without_times(&s);
    let mut states = vec![start.clone()];
    let steps: Vec<Vec<Action>> = vec![
        vec![Action::ToggleFlagship],
        vec![Action::CursorRight, Action::EditIdea].into_iter().chain(typed("!")).chain([Action::Confirm]).collect(),
        vec![Action::MoveIdea, Action::Confirm],
        vec![Action::DeleteIdea],
        vec![Action::CursorLeft, Action::DeleteIdea],
        vec![Action::OpenCapture, Action::DigitKey(6)]
            .into_iter()
            .chain(typed("F1"))
            .chain([Action::Confirm, Action::Back])
            .collect(),
        vec![Action::CursorRight, Action::ToggleFlagship],
    ];
    for step in steps {
        run(&mut s, step);
        states.push(ideas_without_times(&s));
    }
    // 4 captures, then flag, edit, move, delete, delete, capture, flag.
    let changes = lab(&s).history.undo.len();
    assert_eq!(changes, 11);
    assert!(states.windows(2).all(|w| w[0] != w[1]), "every step changed something");
    // Undo the seven steps one at a time, checking each earlier state, then redo them all.
    for expected in states.iter().rev().skip(1) {
        update(&mut s, Action::Undo);
        let now = ideas_without_times(&s);
        assert_eq!(now[..expected.len()], expected[..]);
        assert!(now[expected.len()..].iter().all(|i| i.deleted), "an undone add is a tombstone");
    }
    assert_eq!(ideas_without_times(&s)[..4], start[..4], "back to where the steps began");
    for _ in 0..4 {
        update(&mut s, Action::Undo);
    }
    assert!(session(&s).ideas.iter().all(|i| i.deleted), "undoing the captures leaves tombstones");
    for _ in 0..changes {
        update(&mut s, Action::Redo);
    }
    assert_eq!(ideas_without_times(&s), *states.last().unwrap());
    assert!(session_problems(session(&s)).is_empty());
    // A new change after undo clears the redo stack.
    update(&mut s, Action::Undo);
    update(&mut s, Action::ToggleFlagship);
    assert!(lab(&s).history.redo.is_empty());
    assert_eq!(update(&mut s, Action::Redo), vec![]);
    assert!(s.notice.as_ref().is_some_and(|n| n.text == "Nothing to redo"));
}

#[test]
fn undo_reaches_back_through_many_captures() {
    let mut s = state();
    for i in 0..200 {
        capture(&mut s, (i % 6 + 1) as u8, &format!("idea {i}"));
    }
    for _ in 0..200 {
        update(&mut s, Action::Undo);
    }
    assert_eq!(lab(&s).index.live, 0);
    assert_eq!(session(&s).ideas.len(), 200, "nothing leaves the file");
    for _ in 0..150 {
        update(&mut s, Action::Redo);
    }
    assert_eq!(lab(&s).index.live, 150);
    capture(&mut s, 1, "new");
    assert_eq!(session(&s).ideas.last().unwrap().id, 201, "ids are never reused");
}

#[test]
fn the_roster_screen_adds_renames_and_removes() {
    let mut s = state();
    update(&mut s, Action::OpenSetup);
    assert_eq!(s.mode(), Mode::Setup);
    update(&mut s, Action::NewTable);
    update(&mut s, Action::Confirm);
    assert_eq!(s.mode(), Mode::Setup);
    assert_eq!(session(&s).groups.last().unwrap().name, "Meja 7");
    // Cursor is on the new table; add a member to it.
    update(&mut s, Action::AddMember);
    run(&mut s, typed("Ani"));
    update(&mut s, Action::NextField);
    run(&mut s, typed("Bappedalitbang"));
    run(&mut s, [Action::NextField, Action::Text(Input { key: Key::Right, ..Default::default() }), Action::Confirm]);
    let member = &session(&s).groups[6].members[0];
    assert_eq!(
        (member.name.as_str(), member.agency.as_deref(), member.role),
        ("Ani", Some("Bappedalitbang"), Role::Representative)
    );
    update(&mut s, Action::CursorDown);
    update(&mut s, Action::TogglePresent);
    assert!(!session(&s).groups[6].members[0].present);
    update(&mut s, Action::EditRow);
    run(&mut s, typed(" Lestari"));
    update(&mut s, Action::Confirm);
    assert_eq!(session(&s).groups[6].members[0].name, "Ani Lestari");
    assert_eq!(update(&mut s, Action::RemoveRow), vec![], "the first press only asks");
    assert_eq!(update(&mut s, Action::RemoveRow), vec![Effect::Save]);
    assert!(session(&s).groups[6].members.is_empty());
    update(&mut s, Action::EditRow);
    run(&mut s, typed(" Tamu"));
    update(&mut s, Action::Confirm);
    assert_eq!(session(&s).groups[6].name, "Meja 7 Tamu");
    run(&mut s, [Action::RemoveRow, Action::RemoveRow]);
    assert_eq!(session(&s).groups.len(), 6);
    assert!(session_problems(session(&s)).is_empty());
}

#[test]
fn a_table_with_ideas_cannot_be_removed() {
    let mut s = state();
    capture(&mut s, 1, "x");
    update(&mut s, Action::Back);
    update(&mut s, Action::OpenSetup);
    assert_eq!(run(&mut s, [Action::RemoveRow, Action::RemoveRow]), vec![]);
    assert!(s.notice.as_ref().is_some_and(|n| n.is_error && n.text.contains("This table has 1 idea (")));
    assert_eq!(session(&s).groups.len(), 6);
}

#[test]
fn a_failed_last_save_asks_before_quitting() {
    let mut s = state();
    let failure =
        SaveFailure::new(crate::app::Failure::Hung { path: "lab.json".into(), secs: 5 }, vec!["/tmp/x.json".into()]);
    update(&mut s, Action::QuitBlocked(failure.clone()));
    assert_eq!((s.mode(), s.quit_blocked().cloned()), (Mode::ConfirmQuit, Some(failure)));
    update(&mut s, Action::Back);
    assert_eq!((s.mode(), s.quit_blocked().is_none()), (Mode::Agenda, true));
    let failure = SaveFailure::new(crate::app::Failure::ReadOnly { path: "lab.json".into() }, vec![]);
    update(&mut s, Action::QuitBlocked(failure.clone()));
    assert_eq!(update(&mut s, Action::QuitAnyway), vec![Effect::QuitNow(Some(failure))]);
    assert!(s.quit_blocked().is_none(), "update takes the failure it hands to the runtime");
}

/// Focuses `key` in the open form.
fn focus(s: &mut State, key: FieldKey) {
    while s.lab.as_ref().and_then(|l| l.form.as_ref()).and_then(Form::focused_key) != Some(key) {
        update(s, Action::NextField);
    }
}

fn space() -> Action {
    Action::Text(Input { key: Key::Char(' '), ..Default::default() })
}

#[test]
fn a_flagship_needs_an_agency() {
    let mut s = with_ideas();
    s.lab.as_mut().unwrap().session.idea_mut(1).unwrap().agency = None;
    let before = session(&s).clone();
    assert_eq!(update(&mut s, Action::ToggleFlagship), vec![], "A1 has no agency: nothing saved");
    assert_eq!(*session(&s), before);
    assert_eq!(s.mode(), Mode::Board);
    let notice = s.notice.as_ref().unwrap();
    assert!(notice.is_error && notice.text.starts_with("Idea #1 has no agency"), "{}", notice.text);
    // Its author's agency from the roster is enough.
    s.lab.as_mut().unwrap().session.idea_mut(1).unwrap().author = Some("Rina".into());
    assert_eq!(update(&mut s, Action::ToggleFlagship), vec![Effect::Save]);
    assert!(session(&s).idea(1).unwrap().flagship);
}

#[test]
fn a_second_flagship_of_an_agency_asks_before_the_star_moves() {
    let mut s = with_ideas();
    for idea in &mut s.lab.as_mut().unwrap().session.ideas {
        idea.agency = Some("Dinas Kesehatan".into());
    }
    update(&mut s, Action::ToggleFlagship); // A1 becomes the flagship
    assert!(session(&s).idea(1).unwrap().flagship);
    update(&mut s, Action::CursorRight); // B2
    assert_eq!(update(&mut s, Action::ToggleFlagship), vec![], "asks first");
    assert_eq!(s.mode(), Mode::ConfirmFlagship);
    let asked = FlagshipMove { to: 3, from: 1, agency: "Dinas Kesehatan".into() };
    assert_eq!(s.layers.top(), Some(&Overlay::ConfirmFlagship(asked)));
    update(&mut s, Action::Back);
    assert_eq!(s.mode(), Mode::Board);
    assert!(session(&s).idea(1).unwrap().flagship && !session(&s).idea(3).unwrap().flagship, "Esc keeps it");

    update(&mut s, Action::ToggleFlagship);
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Save]);
    assert_eq!(s.mode(), Mode::Board);
    assert!(!session(&s).idea(1).unwrap().flagship && session(&s).idea(3).unwrap().flagship, "the star moved");
    assert_eq!(session(&s).live_ideas().filter(|i| i.flagship).count(), 1);
    update(&mut s, Action::Undo);
    assert!(session(&s).idea(1).unwrap().flagship && !session(&s).idea(3).unwrap().flagship, "one undo, both back");
    update(&mut s, Action::Redo);
    assert!(!session(&s).idea(1).unwrap().flagship && session(&s).idea(3).unwrap().flagship);
}

#[test]
fn the_details_form_keeps_one_flagship_per_agency() {
    let mut s = with_ideas();
    for idea in &mut s.lab.as_mut().unwrap().session.ideas {
        idea.agency = Some("Dinas Kesehatan".into());
    }
    update(&mut s, Action::ToggleFlagship); // A1
    update(&mut s, Action::CursorRight);
    update(&mut s, Action::EditIdea); // B2
    focus(&mut s, FieldKey::Flagship);
    update(&mut s, space());
    assert_eq!(update(&mut s, Action::Confirm), vec![], "the first Enter explains");
    let error = lab(&s).form.as_ref().and_then(|f| f.error.clone()).unwrap();
    assert!(error.starts_with("Dinas Kesehatan already has a flagship: #1 \"A1\""), "{error}");
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Save], "the second moves the star");
    assert!(!session(&s).idea(1).unwrap().flagship && session(&s).idea(3).unwrap().flagship);

    // A flagship typed in the capture details with no agency is refused with the reason.
    update(&mut s, Action::OpenCapture);
    run(&mut s, typed("Tanpa OPD"));
    update(&mut s, Action::OpenDetails);
    focus(&mut s, FieldKey::Flagship);
    update(&mut s, space());
    assert_eq!(update(&mut s, Action::Confirm), vec![]);
    assert!(lab(&s).form.as_ref().and_then(|f| f.error.as_deref()).is_some_and(|e| e.starts_with("A flagship needs")));
    // Any key after the warning forgets a pending move: the next Enter warns again instead of moving.
    focus(&mut s, FieldKey::Agency);
    run(&mut s, typed("Dinas Kesehatan"));
    assert_eq!(update(&mut s, Action::Confirm), vec![]);
    update(&mut s, Action::NextField);
    update(&mut s, Action::PrevField);
    run(&mut s, typed(" "));
    assert_eq!(update(&mut s, Action::Confirm), vec![], "warned again after typing");
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Save]);
    let flagships: Vec<u64> = session(&s).live_ideas().filter(|i| i.flagship).map(|i| i.id).collect();
    assert_eq!(flagships, vec![5], "the new idea has the star, B2 lost it");
}

#[test]
fn absent_members_are_offered_last_and_marked() {
    let mut s = with_ideas();
    let lab_mut = s.lab.as_mut().unwrap();
    lab_mut.session.groups[1].members[0].present = false; // Budi
    update(&mut s, Action::CursorRight);
    update(&mut s, Action::EditIdea);
    let form = lab(&s).form.as_ref().unwrap();
    let author = form.field(FieldKey::Author).unwrap();
    let offered: Vec<(&str, bool)> = author.suggestions.iter().map(|x| (x.value.as_str(), x.absent)).collect();
    assert_eq!(offered, [("Rina", false), ("Budi", true)]);
}

/// A capture counts the new idea into the index on its own (no pass over the others): after every step of a
/// session of captures, deletes, undos and block changes, the index is the one a full rebuild makes.
#[test]
fn the_index_kept_by_captures_is_the_rebuilt_one() {
    let mut s = state();
    // A table id used twice (a hand-edited file): the later one takes the ideas, in both ways of counting.
    let mut twin = lab(&s).session.groups[2].clone();
    twin.name = "Meja 3 lagi".into();
    s.lab.as_mut().unwrap().session.groups.push(twin);
    s.lab.as_mut().unwrap().reindex();
    let blocks = ["d2-curah-ide", "d2-presentasi-ide", "d1-registrasi"];
    for k in 0..60u8 {
        if k % 9 == 0 {
            s.lab.as_mut().unwrap().session.progress.block = blocks[usize::from(k / 9) % blocks.len()].into();
        }
        capture(&mut s, k % 7 + 1, &format!("Ide {k}"));
        match k % 10 {
            3 => {
                update(&mut s, Action::Back);
                run(&mut s, [Action::OpenBoard, Action::DeleteIdea, Action::Back]);
            }
            6 => {
                update(&mut s, Action::Back);
                run(&mut s, [Action::Undo, Action::Undo, Action::Redo]);
            }
            _ => {}
        }
        assert_eq!(lab(&s).index, IdeaIndex::build(session(&s)), "after step {k}");
    }
    assert!(lab(&s).index.live > 40);
}

/// An idea in the session's journal is on disk but not in the file: after a conflict it is added to the
/// other program's version unless that version holds the journal (an innolab wrote it after reading it).
#[test]
fn journaled_ideas_are_saved_ones_only_where_the_other_version_holds_the_journal() {
    for included in [true, false] {
        let mut s = state();
        capture(&mut s, 1, "Sudah di jurnal");
        let (generation, now) = (s.save.generation, s.now);
        update(&mut s, Action::Journaled { generation, result: Ok(now) });
        assert_eq!((s.save.journaled_max_id, s.save.saved_max_id, s.save.is_pending()), (1, 0, false));
        let mut theirs = session(&s).clone();
        theirs.ideas.clear();
        update(&mut s, Action::Reloaded { result: Ok(Box::new(theirs)), journal_included: included });
        let titles: Vec<&str> = session(&s).ideas.iter().map(|i| i.title.as_str()).collect();
        let expected: &[&str] = if included { &[] } else { &["Sudah di jurnal"] };
        assert_eq!(titles, expected, "journal included: {included}");
    }
}

/// What the saver writes as a journal line, replayed onto what the disk held, is the session: after every
/// action of a session of captures, edits, moves, deletes, undos, timers, block changes and the roster.
#[test]
fn journal_lines_replayed_onto_the_disk_are_the_session() {
    use crate::store::journal::Record;
    let mut s = state();
    let mut disk = session(&s).clone();
    let mut sent = 0;
    let mut lines = 0;
    let step = |s: &mut State, disk: &mut Session, sent: &mut u64, lines: &mut usize| {
        let lab = s.lab.as_ref().unwrap();
        match lab.unsaved.since(*sent) {
            Some(ids) => {
                let line = Record::of(&lab.session, &ids).encode();
                let record: Record = serde_json::from_slice(&line).unwrap();
                record.apply(disk);
                *lines += 1;
            }
            None => *disk = lab.session.clone(),
        }
        *sent = s.save.generation;
        let (generation, now) = (s.save.generation, s.now);
        update(s, Action::Journaled { generation, result: Ok(now) });
        assert_eq!(disk, &lab_of(s).session);
    };
    fn lab_of(s: &State) -> &Lab {
        s.lab.as_ref().unwrap()
    }
    for k in 0..40u8 {
        capture(&mut s, k % 6 + 1, &format!("Ide {k}"));
        update(&mut s, Action::Back);
        match k % 8 {
            1 => {
                run(&mut s, [Action::OpenBoard, Action::ToggleFlagship, Action::CursorDown, Action::DeleteIdea]);
                update(&mut s, Action::Back);
            }
            2 => drop(run(&mut s, [Action::Undo, Action::Undo, Action::Redo])),
            3 => drop(run(&mut s, [Action::ToggleTimer, Action::NextBlock, Action::AddMinute, Action::PrevBlock])),
            4 => {
                run(&mut s, [Action::OpenSetup, Action::AddMember]);
                run(&mut s, typed("Anggota baru"));
                run(&mut s, [Action::Confirm, Action::Back]);
            }
            5 => drop(run(&mut s, [Action::OpenBoard, Action::MoveIdea, Action::Confirm, Action::Back])),
            6 => drop(run(&mut s, [Action::OpenTrash, Action::Restore, Action::Back])),
            _ => {}
        }
        if s.save.generation > sent {
            step(&mut s, &mut disk, &mut sent, &mut lines);
        }
    }
    assert!(lines > 30, "most changes went to the journal ({lines} lines)");
    assert!(session(&s).groups.iter().any(|g| g.members.iter().any(|m| m.name == "Anggota baru")));
}

/// A capture takes the next id without a pass over every idea, and never reuses one: not in a file whose
/// ideas are out of order, not after an undo, and not at the last id there is.
#[test]
fn captures_take_fresh_ids_without_a_pass_over_the_ideas() {
    let mut file = state().lab.unwrap().session;
    let now = file.created_at;
    for title in ["a", "b", "c"] {
        let new = crate::model::NewIdea { group: "meja-1".into(), title: title.into(), ..Default::default() };
        file.add_idea(new, now).unwrap();
    }
    file.ideas[0].id = 9; // a hand-edited file: 9, 2, 3
    let mut s = State::with_session(Lang::En, ThemeName::Projector, at(T0), PathBuf::from("lab.json"), file);
    capture(&mut s, 1, "d");
    update(&mut s, Action::Undo);
    capture(&mut s, 1, "e");
    let ids: Vec<u64> = session(&s).ideas.iter().map(|i| i.id).collect();
    assert_eq!(ids, [9, 2, 3, 10, 11]);
    s.lab.as_mut().unwrap().session.ideas[4].id = crate::model::MAX_ID;
    s.lab.as_mut().unwrap().reindex();
    assert_eq!(lab(&s).next_idea_id(), None);
    capture(&mut s, 1, "f");
    assert_eq!(session(&s).ideas.len(), 5, "no id is left: the idea is refused, the typed title stays");
}
