//! `update()` tests of the coach's notes: `N` on the agenda and the overview, typing, saving, cancelling,
//! clearing, and what is kept of hostile text.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{Input, Key};

use super::form::MAX_DETAIL_CHARS;
use super::*;
use crate::model::validate::session_problems;
use crate::testing::at;

const T0: &str = "2022-11-03T13:30:00+07:00";

fn state() -> State {
    let mut session = Session::new(crate::testing::seed_plan(), at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    State::with_session(Lang::En, ThemeName::Projector, at(T0), PathBuf::from("lab.json"), session)
}

fn lab(s: &State) -> &Lab {
    s.lab.as_ref().unwrap()
}

/// The action the real keymap gives `code` with `mods` in the mode on top.
fn press(s: &mut State, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    let action = keymap::action_for(s.mode(), KeyEvent::new(code, mods)).unwrap();
    update(s, action)
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    press(s, code, KeyModifiers::NONE)
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

fn notes_of(s: &State, id: &str) -> Option<String> {
    lab(s).session.plan.find_block(id).and_then(|(_, b)| b.notes.clone())
}

fn form_text(s: &State) -> String {
    lab(s).form.as_ref().unwrap().text(FieldKey::Notes)
}

#[test]
fn n_on_the_agenda_writes_the_current_blocks_notes_and_saves_them_whole() {
    let mut s = state();
    let (pos, _) = lab(&s).session.plan.find_block("d2-curah-ide").unwrap();
    assert_eq!(key(&mut s, KeyCode::Char('N')), vec![]);
    assert_eq!(s.mode(), Mode::Form);
    assert_eq!(lab(&s).form.as_ref().unwrap().purpose, FormPurpose::Notes(pos));
    assert_eq!(form_text(&s), "");
    type_text(&mut s, "Panggil Meja 3 dulu");
    // Enter saves; Alt-Enter and Ctrl-J break the line.
    press(&mut s, KeyCode::Enter, KeyModifiers::ALT);
    type_text(&mut s, "Bagikan plano");
    press(&mut s, KeyCode::Char('j'), KeyModifiers::CONTROL);
    type_text(&mut s, "dan spidol");
    let before = s.save.generation;
    assert_eq!(key(&mut s, KeyCode::Enter), vec![Effect::Save]);
    assert_eq!(s.mode(), Mode::Agenda);
    assert!(lab(&s).form.is_none());
    assert_eq!(notes_of(&s, "d2-curah-ide").as_deref(), Some("Panggil Meja 3 dulu\nBagikan plano\ndan spidol"));
    assert_eq!(s.save.generation, before + 1);
    assert!(s.save.is_pending());
    // The journal holds ideas and where the room is, not the plan: the change is written whole.
    assert_eq!(lab(&s).unsaved.since(before), None);
    assert!(session_problems(&lab(&s).session).is_empty());
    // The other blocks are untouched, and the wall stays where it was.
    assert_eq!(lab(&s).session.plan.blocks().filter(|(_, b)| b.notes.is_some()).count(), 1);
    assert_eq!(lab(&s).current().1.id, "d2-curah-ide");
}

#[test]
fn the_form_opens_with_the_notes_and_esc_keeps_them() {
    let mut s = state();
    key(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "Mulai dari Meja 3");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(form_text(&s), "Mulai dari Meja 3", "the form holds the current notes");
    type_text(&mut s, " lalu Meja 5");
    let generation = s.save.generation;
    assert_eq!(key(&mut s, KeyCode::Esc), vec![]);
    assert_eq!(s.mode(), Mode::Agenda);
    assert!(lab(&s).form.is_none());
    assert_eq!(notes_of(&s, "d2-curah-ide").as_deref(), Some("Mulai dari Meja 3"));
    assert_eq!(s.save.generation, generation, "nothing to save");
    // Enter without a change saves nothing either.
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(key(&mut s, KeyCode::Enter), vec![]);
    assert_eq!(s.save.generation, generation);
}

#[test]
fn empty_notes_are_removed() {
    let mut s = state();
    key(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "Siapkan kertas");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('N'));
    press(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(form_text(&s), "");
    assert_eq!(key(&mut s, KeyCode::Enter), vec![Effect::Save]);
    assert_eq!(notes_of(&s, "d2-curah-ide"), None);
    // Only spaces and line breaks: removed too, never saved as blank notes.
    key(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "   ");
    press(&mut s, KeyCode::Enter, KeyModifiers::ALT);
    assert_eq!(key(&mut s, KeyCode::Enter), vec![]);
    assert_eq!(notes_of(&s, "d2-curah-ide"), None);
}

#[test]
fn n_on_the_overview_writes_the_notes_of_the_block_under_the_cursor() {
    let mut s = state();
    key(&mut s, KeyCode::Char('o'));
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    let Screen::Overview { cursor } = s.layers.screen else { panic!("the overview is up") };
    let (pos, block) = lab(&s).session.plan.at_flat_index(cursor).unwrap();
    let id = block.id.clone();
    assert_ne!(id, "d2-curah-ide", "the cursor is not on the block on the wall");
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(lab(&s).form.as_ref().unwrap().purpose, FormPurpose::Notes(pos));
    type_text(&mut s, "Ingatkan waktu istirahat");
    assert_eq!(key(&mut s, KeyCode::Enter), vec![Effect::Save]);
    assert_eq!(notes_of(&s, &id).as_deref(), Some("Ingatkan waktu istirahat"));
    assert_eq!(notes_of(&s, "d2-curah-ide"), None);
    // Back on the overview, its cursor where it was, the wall on the same block.
    assert_eq!(s.layers.screen, Screen::Overview { cursor });
    assert_eq!(s.mode(), Mode::Overview);
    assert_eq!(lab(&s).current().1.id, "d2-curah-ide");
    // Esc from a form opened on the overview comes back to the overview too.
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(form_text(&s), "Ingatkan waktu istirahat");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.mode(), Mode::Overview);
}

#[test]
fn hostile_text_is_saved_inert_and_long_text_is_cut() {
    let mut s = state();
    key(&mut s, KeyCode::Char('N'));
    // Typed control characters and bidi overrides are refused.
    for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
        update(&mut s, Action::Text(Input { key: Key::Char(c), ..Default::default() }));
    }
    update(&mut s, Action::Paste("\u{1b}]52;c;aGk=\u{7}Meja 2\u{202e} dulu\r\n\u{1b}[2Jlalu Meja 5\u{9b}31m".into()));
    key(&mut s, KeyCode::Enter);
    let notes = notes_of(&s, "d2-curah-ide").unwrap();
    assert_eq!(notes, "Meja 2 dulu\nlalu Meja 5");
    assert!(!notes.chars().any(|c| c != '\n' && crate::model::text::is_hazard(c)));
    // A paste longer than the field takes is cut, and the notice names the field's own limit.
    key(&mut s, KeyCode::Char('N'));
    press(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    update(&mut s, Action::Paste("x".repeat(MAX_DETAIL_CHARS + 10)));
    let notice = s.notice.as_ref().unwrap().text.clone();
    assert!(notice.contains("20000"), "{notice}");
    type_text(&mut s, "y");
    key(&mut s, KeyCode::Enter);
    assert_eq!(notes_of(&s, "d2-curah-ide").unwrap().chars().count(), MAX_DETAIL_CHARS);
    assert!(session_problems(&lab(&s).session).is_empty());
}

#[test]
fn n_does_nothing_where_it_is_not_bound() {
    let mut s = state();
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.mode(), Mode::Board);
    assert_eq!(update(&mut s, Action::OpenNotes), vec![]);
    assert_eq!(s.mode(), Mode::Board);
    assert!(lab(&s).form.is_none());
}
