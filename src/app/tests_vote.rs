//! `update()` tests of voting: opening a vote from the form, counting hands, revealing, closing, and turning
//! the winners into flagships, each step saved as a journal line of the vote.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::validate::session_problems;
use crate::model::{NewIdea, VoteMethod, VoteScope};
use crate::testing::at;

const T0: &str = "2022-11-03T13:30:00+07:00";

/// A session on the group-work block with four ideas: two of Dinas Kesehatan (one already its flagship, on
/// another block), one of Dinas Sosial, one without an agency.
fn state() -> State {
    let plan = crate::testing::seed_plan();
    let mut session = Session::new(plan, at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    let now = at(T0);
    let idea = |group: &str, title: &str, agency: Option<&str>, block: &str, flagship: bool| NewIdea {
        group: group.into(),
        title: title.into(),
        agency: agency.map(String::from),
        block: Some(block.into()),
        flagship,
        ..Default::default()
    };
    session
        .add_ideas(
            vec![
                idea("meja-1", "Layanan kesehatan keliling", Some("Dinas Kesehatan"), "d2-curah-ide", false),
                idea("meja-1", "Bansos tepat sasaran", Some("Dinas Sosial"), "d2-curah-ide", false),
                idea("meja-2", "Antrean puskesmas daring", Some("Dinas Kesehatan"), "d2-curah-ide", false),
                idea("meja-2", "Taman baca", None, "d2-curah-ide", false),
                idea("meja-3", "Posyandu digital", Some("Dinas Kesehatan"), "d2-pemetaan-masalah", true),
            ],
            now,
        )
        .unwrap();
    State::with_session(Lang::En, ThemeName::Projector, now, PathBuf::from("lab.json"), session)
}

fn session(s: &State) -> &Session {
    &s.lab.as_ref().unwrap().session
}

fn run(s: &mut State, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
    actions.into_iter().flat_map(|a| update(s, a)).collect()
}

/// `v`, then the form's fields set with Tab and →: the scope `scope` steps from "this block", the method
/// (0 dots, 1 single), then Enter.
fn open_vote(s: &mut State, scope: usize, method: usize) -> Vec<Effect> {
    let right = Action::Text(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE).into());
    let mut actions = vec![Action::OpenVote, Action::NextField];
    actions.extend(std::iter::repeat_n(right.clone(), scope));
    actions.push(Action::NextField);
    actions.extend(std::iter::repeat_n(right, method));
    actions.push(Action::Confirm);
    run(s, actions)
}

#[test]
fn v_opens_the_form_and_enter_opens_the_vote_on_the_blocks_ideas() {
    let mut s = state();
    run(&mut s, [Action::OpenVote]);
    assert_eq!(s.mode(), Mode::Form);
    let form = s.lab.as_ref().unwrap().form.as_ref().unwrap();
    assert_eq!(form.purpose, FormPurpose::OpenVote);
    let effects = run(&mut s, [Action::Confirm]);
    assert!(effects.contains(&Effect::Save));
    let vote = session(&s).open_vote().unwrap();
    assert_eq!(vote.ideas, vec![1, 2, 3, 4], "the live ideas of this block, not the flagship of day 1");
    assert_eq!(vote.method, VoteMethod::Dots { per_voter: 3, per_idea: 3 });
    assert!(vote.hidden && vote.anonymous, "hidden and anonymous unless the coach says otherwise");
    assert_eq!(s.layers.screen, Screen::Vote { vote: vote.id, cursor: 0 });
    // Saved as one journal line of the vote.
    let changed = s.lab.as_ref().unwrap().unsaved.since(0).unwrap();
    assert_eq!(changed.votes, vec![vote.id]);
    // `v` again, from the agenda: back to the open vote, not a second one.
    run(&mut s, [Action::Back, Action::OpenVote]);
    assert_eq!(s.mode(), Mode::Vote);
    assert_eq!(session(&s).votes.len(), 1);
}

#[test]
fn the_scope_can_be_a_table_or_an_agency_and_single_choice() {
    let mut s = state();
    // Scopes: this block, meja-1, meja-2, then the agencies (Dinas Kesehatan, Dinas Sosial).
    open_vote(&mut s, 3, 1);
    let vote = session(&s).open_vote().unwrap();
    assert_eq!(vote.scope, VoteScope::Agency { agency: "Dinas Kesehatan".into() });
    assert_eq!(vote.ideas, vec![1, 3, 5], "an agency's flagship choice spans the whole lab");
    assert_eq!(vote.method, VoteMethod::Single);
}

#[test]
fn hands_are_counted_on_the_selected_idea_and_the_ranking_follows() {
    let mut s = state();
    open_vote(&mut s, 0, 0);
    let id = session(&s).open_vote().unwrap().id;
    run(&mut s, [Action::CursorDown, Action::CursorDown, Action::AddHand, Action::AddHand]);
    let vote = session(&s).vote(id).unwrap();
    assert_eq!(vote.hands_for(3), 2);
    assert_eq!(s.layers.screen, Screen::Vote { vote: id, cursor: 2 }, "hidden: the ballot's order, unchanged");
    run(&mut s, [Action::ToggleReveal]);
    run(&mut s, [Action::CursorDown, Action::CursorDown, Action::CursorDown, Action::AddHand]);
    assert_eq!(session(&s).vote(id).unwrap().hands_for(4), 1, "shown: the ranked order (#3, #1, #2, #4)");
    assert_eq!(s.layers.screen, Screen::Vote { vote: id, cursor: 1 }, "the selection follows #4 up the ranking");
    run(&mut s, [Action::CursorUp, Action::RemoveHand, Action::RemoveHand]);
    run(&mut s, [Action::RemoveHand, Action::RemoveHand, Action::RemoveHand]);
    let vote = session(&s).vote(id).unwrap();
    assert_eq!(vote.hands_for(3), 0, "never below zero");
    assert_eq!(vote.hands, vec![crate::model::Count { idea: 4, count: 1 }], "a count of zero is no count");
}

#[test]
fn reveal_then_close_after_asking_then_nothing_more_counts() {
    let mut s = state();
    open_vote(&mut s, 0, 0);
    let id = session(&s).open_vote().unwrap().id;
    assert!(!session(&s).vote(id).unwrap().results_shown());
    run(&mut s, [Action::ToggleReveal]);
    assert!(session(&s).vote(id).unwrap().results_shown());
    run(&mut s, [Action::AddHand, Action::CloseVote]);
    assert_eq!(s.mode(), Mode::ConfirmCloseVote);
    run(&mut s, [Action::Back]);
    assert!(session(&s).vote(id).unwrap().is_open(), "Esc keeps it open");
    run(&mut s, [Action::CloseVote, Action::Confirm]);
    let vote = session(&s).vote(id).unwrap().clone();
    assert!(!vote.is_open());
    let effects = run(&mut s, [Action::AddHand, Action::ToggleReveal]);
    assert_eq!(session(&s).vote(id).unwrap(), &vote, "a closed vote does not change");
    assert!(!effects.contains(&Effect::Save));
    assert_eq!(session_problems(session(&s)), vec![]);
}

#[test]
fn winners_become_flagships_after_asking_when_a_star_moves() {
    let mut s = state();
    open_vote(&mut s, 0, 0);
    let id = session(&s).open_vote().unwrap().id;
    // Hidden: the ballot's order (#1, #2, #3, #4). #2 (Dinas Sosial) 1 hand, #3 (Dinas Kesehatan, which has
    // #5 as its flagship) 2, #4 (no agency) 3.
    run(&mut s, [Action::CursorDown, Action::AddHand]);
    run(&mut s, [Action::CursorDown, Action::AddHand, Action::AddHand]);
    run(&mut s, [Action::CursorDown, Action::AddHand, Action::AddHand, Action::AddHand]);
    let hands: Vec<u32> = (1..=4).map(|i| session(&s).vote(id).unwrap().hands_for(i)).collect();
    assert_eq!(hands, vec![0, 1, 2, 3]);
    // Not while it is open.
    run(&mut s, [Action::WinnersToFlagships]);
    assert!(s.notice.as_ref().is_some_and(|n| n.is_error));
    run(&mut s, [Action::CloseVote, Action::Confirm, Action::WinnersToFlagships]);
    assert_eq!(s.mode(), Mode::ConfirmWinners, "Dinas Kesehatan's star would move from #5");
    run(&mut s, [Action::Confirm]);
    let flagships: Vec<u64> = session(&s).ideas.iter().filter(|i| i.flagship).map(|i| i.id).collect();
    assert_eq!(flagships, vec![2, 3], "one per agency; #4 has no agency; #5 lost its star");
    // One undoable step.
    run(&mut s, [Action::Back, Action::Undo]);
    let flagships: Vec<u64> = session(&s).ideas.iter().filter(|i| i.flagship).map(|i| i.id).collect();
    assert_eq!(flagships, vec![5]);
}

#[test]
fn a_restart_comes_back_to_the_vote_on_the_wall() {
    let mut s = state();
    open_vote(&mut s, 0, 0);
    let id = session(&s).open_vote().unwrap().id;
    let saved = session(&s).clone();
    let again = State::with_session(Lang::En, ThemeName::Projector, at(T0), PathBuf::from("lab.json"), saved);
    assert_eq!(again.layers.screen, Screen::Vote { vote: id, cursor: 0 });
}

#[test]
fn a_big_rooms_hands_are_typed_as_a_number() {
    let mut s = state();
    open_vote(&mut s, 0, 0);
    let id = session(&s).open_vote().unwrap().id;
    run(&mut s, [Action::CursorDown, Action::Confirm]);
    assert_eq!(s.mode(), Mode::Form);
    let form = s.lab.as_ref().unwrap().form.as_ref().unwrap();
    assert_eq!(form.purpose, FormPurpose::Hands(id, 2));
    run(&mut s, [Action::ClearLine, Action::Paste("abc".into()), Action::Confirm]);
    assert_eq!(s.mode(), Mode::Form, "not a number: the form says so and stays");
    assert!(s.lab.as_ref().unwrap().form.as_ref().unwrap().error.is_some());
    run(&mut s, [Action::ClearLine, Action::Paste("10000".into()), Action::Confirm]);
    assert_eq!(s.mode(), Mode::Form, "past 9999");
    run(&mut s, [Action::ClearLine, Action::Paste("37".into()), Action::Confirm]);
    assert_eq!(s.mode(), Mode::Vote);
    assert_eq!(session(&s).vote(id).unwrap().hands_for(2), 37);
    let changed = s.lab.as_ref().unwrap().unsaved.since(0).unwrap();
    assert_eq!(changed.votes, vec![id], "saved as the vote's journal line");
}

#[test]
fn the_selection_stays_on_its_idea_when_the_results_are_revealed_and_an_anonymous_close_is_written_whole() {
    let mut s = state();
    open_vote(&mut s, 0, 0);
    let id = session(&s).open_vote().unwrap().id;
    // Hidden: #4 is the fourth row; 3 hands put it first in the ranking.
    run(&mut s, [Action::CursorDown, Action::CursorDown, Action::CursorDown, Action::AddHand, Action::AddHand]);
    run(&mut s, [Action::AddHand, Action::ToggleReveal]);
    assert_eq!(s.layers.screen, Screen::Vote { vote: id, cursor: 0 }, "revealed: #4 leads, still selected");
    run(&mut s, [Action::AddHand]);
    assert_eq!(session(&s).vote(id).unwrap().hands_for(4), 4);
    let before = s.save.generation;
    run(&mut s, [Action::CloseVote, Action::Confirm]);
    assert!(s.lab.as_ref().unwrap().unsaved.since(before).is_none(), "written whole: no journal line keeps names");
}

#[test]
fn a_table_a_vote_names_cannot_be_removed() {
    let mut s = state();
    open_vote(&mut s, 2, 0);
    let vote = session(&s).open_vote().unwrap().clone();
    assert_eq!(vote.scope, VoteScope::Table { group: "meja-2".into() });
    let mut session = session(&s).clone();
    for idea in &mut session.ideas {
        if idea.group == "meja-2" {
            idea.group = "meja-1".into();
        }
    }
    assert_eq!(session.remove_group(1), Err(crate::model::roster::RosterError::TableInUse));
    assert!(session_problems(&session).is_empty());
}
