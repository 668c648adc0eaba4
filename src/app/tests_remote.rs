//! `update()` tests of the coach's remote (room mode): each button does what its key or the queue does,
//! whatever screen or overlay is open, and the remote is answered once the change is on disk.

use super::tests_room::{run, session, state};
use super::*;
use crate::model::validate::session_problems;
use crate::model::{NewSubmission, Source, SubmissionState, SubmitError};
use crate::room::remote::RemoteCommand;

fn remote(s: &mut State, command: RemoteCommand, reply: u64) -> Vec<Effect> {
    run(s, [Action::Remote { command, reply }])
}

/// Two phones' ideas waiting (ids 1 and 2), from table 2.
fn with_two_waiting(s: &mut State) {
    for (n, title) in ["Antrean daring", "Lapor jalan"].into_iter().enumerate() {
        let new = NewSubmission {
            group: "meja-2".into(),
            name: "budi".into(),
            title: title.into(),
            detail: None,
            phone: "phone-a".into(),
            nonce: format!("n{n}"),
        };
        run(s, [Action::RoomSubmit { new, reply: 100 + n as u64 }]);
    }
}

fn block(s: &State) -> &str {
    &session(s).progress.block
}

/// The answer the remote gets: `(answer, after)` of the one `RoomReply`.
fn reply_of(effects: &[Effect], reply: u64) -> (Result<u64, SubmitError>, Option<u64>) {
    let replies: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::RoomReply { reply: r, answer, after } if *r == reply => Some((*answer, *after)),
            _ => None,
        })
        .collect();
    assert_eq!(replies.len(), 1, "{effects:?}");
    replies[0]
}

#[test]
fn next_and_previous_move_the_agenda_and_answer_once_saved() {
    let mut s = state();
    let effects = remote(&mut s, RemoteCommand::NextBlock, 1);
    assert_eq!(block(&s), "d2-rehat-sore");
    assert!(effects.contains(&Effect::Save) && effects.contains(&Effect::SaveNow), "{effects:?}");
    assert_eq!(reply_of(&effects, 1), (Ok(0), Some(s.save.generation)));
    let effects = remote(&mut s, RemoteCommand::PrevBlock, 2);
    assert_eq!(block(&s), "d2-curah-ide");
    assert_eq!(reply_of(&effects, 2).1, Some(s.save.generation));
    // The block, not the clicker: on a plenary with pages of ideas, Next still moves on.
    s.lab.as_mut().unwrap().session.progress.block = "d2-presentasi-ide".into();
    remote(&mut s, RemoteCommand::NextBlock, 3);
    assert_ne!(block(&s), "d2-presentasi-ide");
    // At the last block nothing changes: answered at once.
    s.lab.as_mut().unwrap().session.progress.block = "d3-penutupan".into();
    let generation = s.save.generation;
    let effects = remote(&mut s, RemoteCommand::NextBlock, 4);
    assert_eq!((block(&s), s.save.generation), ("d3-penutupan", generation));
    assert_eq!(effects, [Effect::RoomReply { reply: 4, answer: Ok(0), after: None }]);
}

#[test]
fn the_timer_buttons_do_what_t_and_plus_do() {
    let (mut by_keys, mut by_remote) = (state(), state());
    run(&mut by_keys, [Action::ToggleTimer, Action::AddMinute]);
    remote(&mut by_remote, RemoteCommand::ToggleTimer, 1);
    let effects = remote(&mut by_remote, RemoteCommand::AddMinute, 2);
    assert_eq!(reply_of(&effects, 2), (Ok(0), Some(by_remote.save.generation)));
    let timer = by_remote.lab.as_ref().unwrap().timer_for_current();
    assert_eq!(timer, by_keys.lab.as_ref().unwrap().timer_for_current());
    assert!(timer.running && timer.duration_secs == 2 * 60 * 60 + 60);
    remote(&mut by_remote, RemoteCommand::ToggleTimer, 3);
    assert!(!by_remote.lab.as_ref().unwrap().timer_for_current().running);
    // On a vote, `+` is a hand more; the remote's +1 minute is still the timer's.
    let mut s = state();
    run(&mut s, [Action::DigitKey(2), Action::Paste("Antrean".into()), Action::Confirm, Action::Back]);
    run(&mut s, [Action::OpenVote, Action::Confirm]);
    assert_eq!(s.mode(), Mode::Vote);
    let hands = |s: &State| session(s).votes.iter().flat_map(|v| &v.hands).map(|c| c.count).sum::<u32>();
    let before = hands(&s);
    remote(&mut s, RemoteCommand::AddMinute, 4);
    assert_eq!(hands(&s), before);
    assert_eq!(s.lab.as_ref().unwrap().timer_for_current().duration_secs, 2 * 60 * 60 + 60);
}

#[test]
fn approve_and_reject_do_what_the_queue_does() {
    let mut s = state();
    with_two_waiting(&mut s);
    let effects = remote(&mut s, RemoteCommand::Approve(1), 7);
    let idea = session(&s).ideas.last().unwrap().clone();
    assert_eq!(reply_of(&effects, 7), (Ok(idea.id), Some(s.save.generation)));
    assert!(effects.contains(&Effect::SaveNow));
    assert_eq!((idea.title.as_str(), idea.author.as_deref()), ("Antrean daring", Some("Budi")));
    assert_eq!(
        (idea.source, idea.block.as_str(), idea.agency.as_deref()),
        (Some(Source::Room), "d2-curah-ide", Some("DPMPTSP"))
    );
    let lab = s.lab.as_ref().unwrap();
    assert_eq!(lab.index.per_group[1].len(), 1, "on the board at once");
    assert_eq!(lab.session.submission(1).unwrap().state, SubmissionState::Approved);
    assert_eq!(lab.session.submission(1).unwrap().idea, Some(idea.id));
    // Undoable like the queue's approval.
    run(&mut s, [Action::Undo]);
    assert_eq!(s.lab.as_ref().unwrap().index.per_group[1].len(), 0);
    run(&mut s, [Action::Redo]);
    let effects = remote(&mut s, RemoteCommand::Reject(2), 8);
    assert_eq!(reply_of(&effects, 8), (Ok(2), Some(s.save.generation)));
    assert_eq!(session(&s).submission(2).unwrap().state, SubmissionState::Rejected);
    // Decided already, or no such one: refused at once, nothing changed.
    let before = session(&s).clone();
    let generation = s.save.generation;
    for (n, command) in [
        RemoteCommand::Approve(1),
        RemoteCommand::Reject(1),
        RemoteCommand::Approve(2),
        RemoteCommand::Reject(99),
        RemoteCommand::Approve(u64::MAX),
    ]
    .into_iter()
    .enumerate()
    {
        let effects = remote(&mut s, command, 20 + n as u64);
        assert_eq!(
            effects,
            [Effect::RoomReply { reply: 20 + n as u64, answer: Err(SubmitError::NotPending), after: None }]
        );
    }
    assert_eq!((session(&s), s.save.generation), (&before, generation));
    assert!(session_problems(session(&s)).is_empty());
}

#[test]
fn a_form_left_open_on_the_laptop_stays_as_it_was() {
    let mut s = state();
    with_two_waiting(&mut s);
    // The coach is typing an idea in the form on the laptop.
    run(&mut s, [Action::DigitKey(3), Action::Paste("Posyandu digital".into()), Action::OpenDetails]);
    assert_eq!(s.mode(), Mode::Form);
    let form_of = |s: &State| {
        let form = s.lab.as_ref().unwrap().form.as_ref().unwrap();
        (form.purpose, form.text(FieldKey::Title), form.choice(FieldKey::Table), form.focus)
    };
    let form = form_of(&s);
    for (n, command) in [
        RemoteCommand::NextBlock,
        RemoteCommand::PrevBlock,
        RemoteCommand::NextBlock,
        RemoteCommand::ToggleTimer,
        RemoteCommand::AddMinute,
        RemoteCommand::Approve(1),
        RemoteCommand::Reject(2),
    ]
    .into_iter()
    .enumerate()
    {
        let effects = remote(&mut s, command, n as u64);
        assert!(reply_of(&effects, n as u64).0.is_ok(), "{command:?}");
        assert_eq!(s.mode(), Mode::Form, "{command:?}");
        assert_eq!(form_of(&s), form, "{command:?}");
    }
    assert_eq!(block(&s), "d2-rehat-sore", "the agenda moved");
    assert!(s.lab.as_ref().unwrap().timer_for_current().running);
    let approved = session(&s).ideas.last().unwrap().clone();
    assert_eq!(
        (approved.block.as_str(), approved.source),
        ("d2-rehat-sore", Some(Source::Room)),
        "in the current block"
    );
    // The form still saves its idea.
    run(&mut s, [Action::Confirm]);
    assert_ne!(s.mode(), Mode::Form);
    assert_eq!(session(&s).ideas.last().unwrap().title, "Posyandu digital");
    assert!(session_problems(session(&s)).is_empty());
}

#[test]
fn a_decision_from_the_remote_ends_the_laptops_work_on_that_one() {
    // Merging submission 1 on the laptop when the remote approves it: the merge ends, nothing merged.
    let mut s = state();
    run(&mut s, [Action::DigitKey(2), Action::Paste("Antrean online".into()), Action::Confirm, Action::Back]);
    with_two_waiting(&mut s);
    run(&mut s, [Action::OpenModeration, Action::MergeSubmission]);
    assert_eq!(s.mode(), Mode::Merging);
    remote(&mut s, RemoteCommand::Approve(1), 1);
    assert_eq!(s.mode(), Mode::Moderation, "back to the queue");
    assert_eq!(s.selected_submission().map(|x| x.id), Some(2), "the one still waiting");
    run(&mut s, [Action::Confirm]);
    assert_eq!(session(&s).submission(1).unwrap().state, SubmissionState::Approved, "not merged over");
    // Editing submission 3 in the approve form when the remote rejects it: Enter says so, adds nothing.
    with_two_waiting_again(&mut s);
    run(&mut s, [Action::ApproveEdited]);
    assert_eq!(s.mode(), Mode::Form);
    let id = match s.lab.as_ref().unwrap().form.as_ref().unwrap().purpose {
        FormPurpose::ApproveSubmission(id) => id,
        other => panic!("{other:?}"),
    };
    remote(&mut s, RemoteCommand::Reject(id), 2);
    let ideas = session(&s).ideas.len();
    run(&mut s, [Action::Confirm]);
    assert_eq!(s.mode(), Mode::Form, "kept open, with why");
    let error = s.lab.as_ref().unwrap().form.as_ref().unwrap().error.clone();
    assert!(error.is_some_and(|e| e.contains("already decided")));
    assert_eq!(session(&s).ideas.len(), ideas);
    assert_eq!(session(&s).submission(id).unwrap().state, SubmissionState::Rejected);
    run(&mut s, [Action::Back]);
    assert_eq!(s.mode(), Mode::Moderation);
    assert!(session_problems(session(&s)).is_empty());
}

fn with_two_waiting_again(s: &mut State) {
    for (n, title) in ["Satu data", "Klinik keliling"].into_iter().enumerate() {
        let new = NewSubmission {
            group: "meja-2".into(),
            name: "budi".into(),
            title: title.into(),
            detail: None,
            phone: "phone-b".into(),
            nonce: format!("m{n}"),
        };
        run(s, [Action::RoomSubmit { new, reply: 200 + n as u64 }]);
    }
}
