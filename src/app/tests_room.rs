//! `update()` tests of room mode: what phones send, the moderation queue, and the answers phones get.

use std::path::PathBuf;

use super::room::Moderation;
use super::*;
use crate::model::validate::session_problems;
use crate::model::{NewSubmission, Role, Source, SubmissionState, SubmitError};
use crate::testing::at;

const T0: &str = "2022-11-03T13:30:00+07:00";

/// On the brainstorm block, Budi (DPMPTSP) on table 2's roster; shared with the remote's tests.
pub(super) fn state() -> State {
    let plan = crate::testing::seed_plan();
    let mut session = Session::new(plan, at("2022-11-02T07:30:00+07:00"));
    session.progress.block = "d2-curah-ide".into();
    session.groups[1].members.push(crate::model::roster::member("Budi", Some("DPMPTSP"), Role::Head, true));
    State::with_session(Lang::En, ThemeName::Projector, at(T0), PathBuf::from("lab.json"), session)
}

pub(super) fn session(s: &State) -> &Session {
    &s.lab.as_ref().unwrap().session
}

pub(super) fn run(s: &mut State, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
    actions.into_iter().flat_map(|a| update(s, a)).collect()
}

fn sent(name: &str, title: &str, nonce: &str) -> NewSubmission {
    NewSubmission {
        group: "meja-2".into(),
        name: name.into(),
        title: title.into(),
        detail: None,
        phone: "phone-a".into(),
        nonce: nonce.into(),
    }
}

fn submit(s: &mut State, name: &str, title: &str, nonce: &str, reply: u64) -> Vec<Effect> {
    run(s, [Action::RoomSubmit { new: sent(name, title, nonce), reply }])
}

#[test]
fn a_phone_is_answered_only_once_its_idea_is_saved() {
    let mut s = state();
    let effects = submit(&mut s, "budi", "Antrean daring", "n1", 7);
    let generation = s.save.generation;
    assert_eq!(
        effects,
        [Effect::Save, Effect::SaveNow, Effect::RoomReply { reply: 7, answer: Ok(1), after: Some(generation) }]
    );
    let kept = session(&s).submission(1).unwrap();
    assert_eq!((kept.name.as_str(), kept.on_roster, kept.agency.as_deref()), ("Budi", true, Some("DPMPTSP")));
    assert_eq!(kept.state, SubmissionState::Pending);
    // The change goes out as one journal line: the submission, nothing else.
    let changed = s.lab.as_ref().unwrap().unsaved.since(0).unwrap();
    assert_eq!((changed.ideas.as_slice(), changed.submissions.as_slice()), (&[][..], &[1][..]));
    // The same form again (the phone retried): the same submission, answered when that is saved.
    let again = submit(&mut s, "budi", "Antrean daring", "n1", 8);
    assert_eq!(again, [Effect::RoomReply { reply: 8, answer: Ok(1), after: Some(generation) }]);
    assert_eq!(session(&s).room.submissions.len(), 1);
    // Refused: answered at once, nothing changed.
    let before = session(&s).clone();
    let refused = submit(&mut s, "budi", "   ", "n2", 9);
    assert_eq!(refused, [Effect::RoomReply { reply: 9, answer: Err(SubmitError::NoTitle), after: None }]);
    assert_eq!(session(&s), &before);
}

#[test]
fn the_coach_approves_from_the_queue_and_the_idea_is_on_the_board() {
    let mut s = state();
    submit(&mut s, "Budi", "Antrean daring", "n1", 1);
    submit(&mut s, "Tamu", "Lapor jalan", "n2", 2);
    run(&mut s, [Action::OpenModeration]);
    assert_eq!(s.mode(), Mode::Moderation);
    assert_eq!(s.selected_submission().map(|x| x.id), Some(1), "oldest first");
    let effects = run(&mut s, [Action::Confirm]);
    assert!(effects.contains(&Effect::Save));
    let lab = s.lab.as_ref().unwrap();
    let idea = lab.session.ideas.last().unwrap();
    assert_eq!((idea.title.as_str(), idea.author.as_deref()), ("Antrean daring", Some("Budi")));
    assert_eq!((idea.source, idea.block.as_str()), (Some(Source::Room), "d2-curah-ide"));
    assert_eq!(lab.index.per_group[1].len(), 1, "on the board at once");
    assert_eq!(lab.session.submission(1).unwrap().state, SubmissionState::Approved);
    let changed = lab.unsaved.since(0).unwrap();
    assert_eq!((changed.ideas.as_slice(), changed.submissions.as_slice()), (&[idea.id][..], &[1, 2][..]));
    assert_eq!(s.selected_submission().map(|x| x.id), Some(2), "the next one comes up");
    // Undo takes the idea off the board (a tombstone, as for a typed idea); the decision stays.
    run(&mut s, [Action::Back, Action::Undo]);
    assert_eq!(s.lab.as_ref().unwrap().index.per_group[1].len(), 0);
    run(&mut s, [Action::Redo]);
    let restored = s.lab.as_ref().unwrap().session.ideas.last().unwrap();
    assert_eq!((restored.deleted, restored.source), (false, Some(Source::Room)), "redo keeps its source");
    assert!(session_problems(session(&s)).is_empty());
}

#[test]
fn edit_then_approve_puts_the_edited_idea_on_the_wall() {
    let mut s = state();
    submit(&mut s, "Budi", "antrean darin", "n1", 1);
    run(&mut s, [Action::OpenModeration, Action::ApproveEdited]);
    assert_eq!(s.mode(), Mode::Form);
    run(&mut s, [Action::ClearLine]);
    run(&mut s, [Action::Paste("Antrean daring puskesmas".into()), Action::Confirm]);
    assert_eq!(s.mode(), Mode::Moderation, "back to the queue");
    let idea = session(&s).ideas.last().unwrap();
    assert_eq!(idea.title, "Antrean daring puskesmas");
    assert_eq!(idea.source, Some(Source::Room));
    assert_eq!(session(&s).submission(1).unwrap().idea, Some(idea.id));
    // Esc on the form leaves the submission waiting.
    submit(&mut s, "Budi", "Lain", "n2", 2);
    run(&mut s, [Action::ApproveEdited, Action::Back]);
    assert_eq!(session(&s).submission(2).unwrap().state, SubmissionState::Pending);
}

#[test]
fn merge_credits_both_authors_and_reject_keeps_the_submission() {
    let mut s = state();
    run(&mut s, [Action::DigitKey(2), Action::Paste("Antrean online".into()), Action::Confirm, Action::Back]);
    let typed = session(&s).ideas.last().unwrap().id;
    submit(&mut s, "Budi", "Antrean daring", "n1", 1);
    submit(&mut s, "Tamu", "tes tes", "n2", 2);
    run(&mut s, [Action::OpenModeration, Action::MergeSubmission]);
    assert!(matches!(s.layers.top(), Some(Overlay::Moderation(Moderation { merging: Some((1, 0)), .. }))));
    assert_eq!(s.mode(), Mode::Merging, "its own keys: choose, Enter merges, Esc back to the queue");
    run(&mut s, [Action::Confirm]);
    let idea = session(&s).idea(typed).unwrap();
    assert_eq!(idea.author.as_deref(), Some("Budi"), "the typed idea had no author: now the sender");
    let merged = session(&s).submission(1).unwrap();
    assert_eq!((merged.state, merged.idea), (SubmissionState::Merged, Some(typed)));
    run(&mut s, [Action::RejectSubmission]);
    assert_eq!(session(&s).submission(2).unwrap().state, SubmissionState::Rejected);
    assert_eq!(session(&s).room.submissions.len(), 2, "rejected, never deleted");
    run(&mut s, [Action::ToggleDecided]);
    assert_eq!(s.selected_submission().map(|x| x.id), Some(2), "the decided list, newest first");
    assert!(session_problems(session(&s)).is_empty());
}

#[test]
fn a_block_that_approves_by_itself_and_a_phone_that_withdraws() {
    let mut s = state();
    run(&mut s, [Action::OpenModeration, Action::ToggleAutoApprove]);
    assert_eq!(session(&s).room.auto_approve, ["d2-curah-ide"]);
    submit(&mut s, "Budi", "Antrean daring", "n1", 1);
    assert_eq!(session(&s).submission(1).unwrap().state, SubmissionState::Approved);
    assert_eq!(s.lab.as_ref().unwrap().index.per_group[1].len(), 1);
    run(&mut s, [Action::ToggleAutoApprove]);
    submit(&mut s, "Budi", "Lapor jalan", "n2", 2);
    let effects = run(&mut s, [Action::RoomWithdraw { id: 2, phone: "phone-b".into(), reply: 3 }]);
    assert_eq!(effects, [Effect::RoomReply { reply: 3, answer: Err(SubmitError::NotPending), after: None }]);
    let effects = run(&mut s, [Action::RoomWithdraw { id: 2, phone: "phone-a".into(), reply: 4 }]);
    assert!(effects.contains(&Effect::RoomReply { reply: 4, answer: Ok(2), after: Some(s.save.generation) }));
    assert_eq!(session(&s).submission(2).unwrap().state, SubmissionState::Withdrawn);
    // The index kept step by step is the one made from the submissions.
    let lab = s.lab.as_ref().unwrap();
    assert_eq!(lab.room_index, crate::model::room::RoomIndex::of(&lab.session.room));
    assert_eq!(lab.room_index.waiting(), lab.session.pending_submissions().count());
    assert_eq!(lab.room_log, [1, 1, 2, 2], "each change of a submission, in order");
}

#[test]
fn the_room_turns_on_and_off_and_never_for_a_read_only_session() {
    let mut s = state();
    assert_eq!(run(&mut s, [Action::ToggleRoom]), [Effect::Room { on: true }]);
    assert!(s.room.starting);
    let coach_url = "http://192.168.1.23:8765/c/def/".to_string();
    run(&mut s, [Action::RoomStarted { url: "http://192.168.1.23:8765/j/abc".into(), coach_url: coach_url.clone() }]);
    assert!(s.room.is_on() && s.room_code().is_some());
    assert_eq!(s.room.coach_url.as_ref(), Some(&coach_url));
    assert!(s.room.coach_code.is_some());
    run(&mut s, [Action::ToggleJoinCode]);
    assert!(s.room.big_code);
    assert_eq!(run(&mut s, [Action::ToggleRoom]), [Effect::Room { on: false }]);
    assert!(!s.room.is_on() && !s.room.big_code);
    assert!(s.room.coach_url.is_none() && s.room.coach_code.is_none(), "cleared when the room stops");
    run(&mut s, [Action::ToggleRoom, Action::RoomFailed { message: "port in use".into() }]);
    assert!(!s.room.is_on() && !s.room.starting);
    assert!(s.notice.as_ref().is_some_and(|n| n.is_error && n.text.contains("port in use")));
    s.save.read_only = true;
    assert!(run(&mut s, [Action::ToggleRoom]).is_empty());
}
