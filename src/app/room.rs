//! Room mode in the app: the room on or off (the runtime runs the server), what the phones send (taken in
//! here like any other change, so the session keeps one writer), and the coach's moderation queue: approve,
//! edit then approve, merge into an idea as a duplicate, reject, and automatic approval per block.

use rust_i18n::t;

use super::form::{Form, FormPurpose};
use super::idea_form::idea_form;
use super::ideas::{add_idea, record, select_idea};
use super::{Change, Effect, Lab, Mode, Overlay, State};
use crate::model::room::SubmissionState;
use crate::model::{Idea, NewIdea, NewSubmission, Source, Submission, SubmitError};

/// Room mode as the wall knows it: off, starting, or on at an address (the runtime owns the server).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomStatus {
    /// The join address phones open (with its token), while the room is on.
    pub url: Option<String>,
    /// The room was asked to start and has not answered yet.
    pub starting: bool,
    /// Phones seen since the room was turned on.
    pub phones: usize,
    /// The join code fills the wall.
    pub big_code: bool,
    /// The join address as a QR code, made once when the room starts (drawing never computes it).
    pub code: Option<crate::room::qr::QrArt>,
    /// The coach's remote (`/c/TOKEN/`, its own token), while the room is on: for the coach's screen
    /// (`innolab attach`) only; the wall never draws it.
    pub coach_url: Option<String>,
    /// The remote's address as a QR code, made once when the room starts.
    pub coach_code: Option<crate::room::qr::QrArt>,
}

impl RoomStatus {
    pub fn is_on(&self) -> bool {
        self.url.is_some()
    }
}

/// The moderation queue over the screen: the pending submissions (or, with `decided`, those already
/// decided, for checking), and while merging, the ideas of the submission's table to merge it into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moderation {
    pub cursor: usize,
    pub decided: bool,
    /// Choosing the idea to merge the selected submission into: its id and the cursor in its table's ideas.
    pub merging: Option<(u64, usize)>,
}

/// What a phone is told about what it sent.
pub type RoomAnswer = Result<u64, SubmitError>;

impl State {
    /// `w`: turns the room on (the runtime starts the server) or off.
    pub(super) fn toggle_room(&mut self) -> Vec<Effect> {
        if self.lab.is_none() || self.save.read_only {
            let text = t!("room.needs_writable", locale = self.lang.code()).into_owned();
            return self.notify(text, true);
        }
        let on = !(self.room.is_on() || self.room.starting);
        self.room.starting = on;
        if !on {
            self.room = RoomStatus::default();
        }
        vec![Effect::Room { on }]
    }

    pub(super) fn room_started(&mut self, url: String, coach_url: String) -> Vec<Effect> {
        let code = crate::room::qr::qr_lines(&url);
        let coach_code = crate::room::qr::qr_lines(&coach_url);
        self.room =
            RoomStatus { url: Some(url), code, coach_url: Some(coach_url), coach_code, ..RoomStatus::default() };
        vec![]
    }

    /// The join address's QR code, while the room is on.
    pub fn room_code(&self) -> Option<&crate::room::qr::QrArt> {
        self.room.code.as_ref().filter(|_| self.room.is_on())
    }

    pub(super) fn room_failed(&mut self, message: String) -> Vec<Effect> {
        self.room = RoomStatus::default();
        let text = t!("room.failed", error = message, locale = self.lang.code()).into_owned();
        self.notify(text, true)
    }

    /// `W`: the join code alone, as large as the wall allows (again: back).
    pub(super) fn toggle_big_code(&mut self) -> Vec<Effect> {
        if self.room.is_on() {
            self.room.big_code = !self.room.big_code;
        }
        vec![]
    }

    /// A phone sent an idea: kept (pending, or on the wall when its block approves by itself), then the
    /// phone is told once it is on disk.
    pub(super) fn room_submit(&mut self, new: NewSubmission, reply: u64) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else {
            return vec![Effect::RoomReply { reply, answer: Err(SubmitError::Full), after: None }];
        };
        let at = now.with_timezone(&lab.offset());
        match lab.session.submit(&mut lab.room_index, new, at) {
            Ok((id, true)) => {
                lab.touch_submission(id);
                if lab.session.room.auto_approve.contains(&lab.session.progress.block) {
                    // Ids run out only past 2^53 ideas; then it simply waits for the coach.
                    let _ = approve(lab, id, None, now);
                }
                let mut effects = self.changed();
                effects.push(Effect::SaveNow);
                effects.push(Effect::RoomReply { reply, answer: Ok(id), after: Some(self.save.generation) });
                effects
            }
            // The same form again: the phone is told once the first one is on disk.
            Ok((id, false)) => vec![Effect::RoomReply { reply, answer: Ok(id), after: Some(self.save.generation) }],
            Err(e) => vec![Effect::RoomReply { reply, answer: Err(e), after: None }],
        }
    }

    /// A phone takes back what it sent, while the coach has not decided on it.
    pub(super) fn room_withdraw(&mut self, id: u64, phone: &str, reply: u64) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else {
            return vec![Effect::RoomReply { reply, answer: Err(SubmitError::NotPending), after: None }];
        };
        let at = now.with_timezone(&lab.offset());
        match lab.session.withdraw(&mut lab.room_index, id, phone, at) {
            Ok(()) => {
                lab.touch_submission(id);
                self.clamp_moderation();
                let mut effects = self.changed();
                effects.push(Effect::SaveNow);
                effects.push(Effect::RoomReply { reply, answer: Ok(id), after: Some(self.save.generation) });
                effects
            }
            Err(e) => vec![Effect::RoomReply { reply, answer: Err(e), after: None }],
        }
    }

    /// `M`: the moderation queue.
    pub(super) fn open_moderation(&mut self) -> Vec<Effect> {
        if self.lab.is_some() && self.layers.mode() != Mode::Moderation {
            self.layers.push(Overlay::Moderation(Moderation::default()));
        }
        vec![]
    }

    fn moderation(&self) -> Option<&Moderation> {
        match self.layers.top() {
            Some(Overlay::Moderation(m)) => Some(m),
            _ => None,
        }
    }

    fn moderation_mut(&mut self) -> Option<&mut Moderation> {
        match self.layers.top_mut() {
            Some(Overlay::Moderation(m)) => Some(m),
            _ => None,
        }
    }

    /// The submission under the cursor (pending ones only, unless the decided list is shown).
    pub fn selected_submission(&self) -> Option<&Submission> {
        let (lab, moderation) = (self.lab.as_ref()?, self.moderation()?);
        queue(lab, moderation.decided).nth(moderation.cursor)
    }

    pub(super) fn moderation_cursor(&mut self, dy: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let Some(moderation) = self.moderation() else { return vec![] };
        let n = match moderation.merging {
            Some((id, _)) => merge_candidates(lab, id).len(),
            None => queue(lab, moderation.decided).count(),
        };
        if let Some(m) = self.moderation_mut() {
            let cursor = match m.merging.as_mut() {
                Some((_, cursor)) => cursor,
                None => &mut m.cursor,
            };
            *cursor = cursor.saturating_add_signed(dy).min(n.saturating_sub(1));
        }
        vec![]
    }

    /// Enter: approves the selected submission as it was sent (or, while merging, merges it).
    pub(super) fn moderation_confirm(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(moderation) = self.moderation().cloned() else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        if let Some((id, cursor)) = moderation.merging {
            let Some(&into) = merge_candidates(lab, id).get(cursor) else { return vec![] };
            merge(lab, id, into, now);
            if let Some(m) = self.moderation_mut() {
                m.merging = None;
            }
            self.clamp_moderation();
            return self.changed();
        }
        if moderation.decided {
            return vec![];
        }
        let Some(id) = self.selected_submission().map(|s| s.id) else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        match approve(lab, id, None, now) {
            Ok(_) => {
                self.clamp_moderation();
                self.changed()
            }
            Err(message) => self.notify(message, true),
        }
    }

    /// `e`: the selected submission in the idea form; saving it approves the idea as edited.
    pub(super) fn moderation_edit(&mut self) -> Vec<Effect> {
        if self.moderation().is_some_and(|m| m.decided || m.merging.is_some()) {
            return vec![];
        }
        let Some(submission) = self.selected_submission().cloned() else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let form = idea_form(lab, FormPurpose::ApproveSubmission(submission.id), &as_new_idea(&submission));
        lab.form = Some(form);
        super::idea_form::refresh_author_suggestions(lab);
        self.layers.push(Overlay::Form);
        vec![]
    }

    /// `m`: choose the idea the selected submission repeats (Enter merges, Esc goes back to the queue).
    pub(super) fn moderation_start_merge(&mut self) -> Vec<Effect> {
        let Some(submission) = self.selected_submission().map(|s| s.id) else { return vec![] };
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        if self.moderation().is_some_and(|m| m.decided) {
            return vec![];
        }
        if merge_candidates(lab, submission).is_empty() {
            let text = t!("room.nothing_to_merge", locale = self.lang.code()).into_owned();
            return self.notify(text, true);
        }
        if let Some(m) = self.moderation_mut() {
            m.merging = Some((submission, 0));
        }
        vec![]
    }

    /// `x`: rejects the selected submission (kept, with the rejected ones; never deleted).
    pub(super) fn moderation_reject(&mut self) -> Vec<Effect> {
        let now = self.now;
        if self.moderation().is_some_and(|m| m.decided || m.merging.is_some()) {
            return vec![];
        }
        let Some(id) = self.selected_submission().map(|s| s.id) else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        reject(lab, id, now);
        self.clamp_moderation();
        self.changed()
    }

    /// `a`: the current block approves what the phones send by itself (or no longer does).
    pub(super) fn toggle_auto_approve(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let block = lab.session.progress.block.clone();
        let on = lab.session.toggle_auto_approve(&block, now.with_timezone(&lab.offset()));
        let title = lab.session.plan.find_block(&block).map(|(_, b)| b.title.clone()).unwrap_or(block);
        let key = if on { "room.auto_on" } else { "room.auto_off" };
        let text = t!(key, block = title, locale = self.lang.code()).into_owned();
        let mut effects = self.changed();
        effects.extend(self.notify(text, false));
        effects
    }

    /// `v`: the queue, or the submissions already decided (for checking).
    pub(super) fn toggle_decided(&mut self) -> Vec<Effect> {
        if let Some(m) = self.moderation_mut() {
            m.decided = !m.decided;
            m.cursor = 0;
            m.merging = None;
        }
        vec![]
    }

    /// Esc while merging goes back to the queue; otherwise the queue closes.
    pub(super) fn moderation_back(&mut self) -> bool {
        match self.moderation_mut() {
            Some(m) if m.merging.is_some() => {
                m.merging = None;
                true
            }
            _ => false,
        }
    }

    /// After submission `id` was decided elsewhere (the coach's remote): the queue's cursor stays in the
    /// list, and a merge of that submission in progress ends (it is no longer waiting).
    pub(super) fn decided_elsewhere(&mut self, id: u64) {
        if let Some(m) = self.moderation_mut()
            && m.merging.is_some_and(|(merging, _)| merging == id)
        {
            m.merging = None;
        }
        self.clamp_moderation();
    }

    fn clamp_moderation(&mut self) {
        let Some(lab) = self.lab.as_ref() else { return };
        let Some(decided) = self.moderation().map(|m| m.decided) else { return };
        let n = queue(lab, decided).count();
        if let Some(m) = self.moderation_mut() {
            m.cursor = m.cursor.min(n.saturating_sub(1));
        }
    }
}

/// The submissions the queue lists: pending ones, oldest first; or those decided, newest first.
pub fn queue(lab: &Lab, decided: bool) -> Box<dyn Iterator<Item = &Submission> + '_> {
    let list = &lab.session.room.submissions;
    if decided {
        Box::new(list.iter().rev().filter(|s| s.state != SubmissionState::Pending))
    } else {
        Box::new(list.iter().filter(|s| s.state == SubmissionState::Pending))
    }
}

/// The live ideas a submission may be merged into: those of its table, newest first.
pub fn merge_candidates(lab: &Lab, submission: u64) -> Vec<u64> {
    let Some(s) = lab.session.submission(submission) else { return vec![] };
    let Some(g) = lab.session.groups.iter().position(|g| g.id == s.group) else { return vec![] };
    lab.index.per_group.get(g).map(|rows| rows.iter().map(|&i| lab.session.ideas[i].id).collect()).unwrap_or_default()
}

/// The idea a submission proposes, as the idea form shows it.
fn as_new_idea(s: &Submission) -> NewIdea {
    NewIdea {
        group: s.group.clone(),
        title: s.title.clone(),
        agency: s.agency.clone(),
        author: Some(s.name.clone()),
        detail: s.detail.clone(),
        ..NewIdea::default()
    }
}

/// Approves a pending submission: its idea (as sent, or `edited`) is added like a captured one (undoable,
/// on the board at once) in the current block, with `room` as its source. Returns the idea's id.
pub(super) fn approve(
    lab: &mut Lab,
    id: u64,
    edited: Option<NewIdea>,
    now: crate::model::Timestamp,
) -> Result<u64, String> {
    let Some(submission) = lab.session.submission(id).filter(|s| s.state == SubmissionState::Pending).cloned() else {
        return Err(String::new());
    };
    let new = edited.unwrap_or_else(|| as_new_idea(&submission));
    let idea = add_idea(lab, new, now, None).map_err(|e| e.to_string())?;
    if let Some(added) = lab.session.idea_mut(idea) {
        added.source = Some(Source::Room);
    }
    // The undo step holds the idea as it is now (from the room), so undo and redo keep its source.
    if let Some(step) = lab.history.undo.last_mut()
        && let Some(after) = step.after.iter_mut().find(|i| i.id == idea)
    {
        after.source = Some(Source::Room);
    }
    let at = now.with_timezone(&lab.offset());
    lab.session.settle(&mut lab.room_index, id, SubmissionState::Approved, Some(idea), at);
    lab.touch_submission(id);
    select_idea(lab, idea);
    Ok(idea)
}

/// Rejects a pending submission (kept with the decided ones, never deleted); false when it is not waiting.
pub(super) fn reject(lab: &mut Lab, id: u64, now: crate::model::Timestamp) -> bool {
    if lab.session.submission(id).is_none_or(|s| s.state != SubmissionState::Pending) {
        return false;
    }
    let at = now.with_timezone(&lab.offset());
    lab.session.settle(&mut lab.room_index, id, SubmissionState::Rejected, None, at);
    lab.touch_submission(id);
    true
}

/// Merges a pending submission into idea `into`: its sender is credited there too (an undoable change of
/// the idea, like an edit). One no longer waiting (decided from the remote meanwhile) is left as it is.
fn merge(lab: &mut Lab, id: u64, into: u64, now: crate::model::Timestamp) {
    let pending = lab.session.submission(id).filter(|s| s.state == SubmissionState::Pending);
    let Some(name) = pending.map(|s| s.name.clone()) else { return };
    let Some(before) = lab.session.idea(into).cloned() else { return };
    let after = Idea { author: Some(crate::model::room::credited(before.author.as_deref(), &name)), ..before.clone() };
    if after != before {
        record(lab, Change::one(before, after), now);
    }
    let at = now.with_timezone(&lab.offset());
    lab.session.settle(&mut lab.room_index, id, SubmissionState::Merged, Some(into), at);
    lab.touch_submission(id);
}

/// The approve form's Enter: the idea as the coach edited it goes on the wall.
pub(super) fn apply_approval(
    lab: &mut Lab,
    form: &Form,
    id: u64,
    now: crate::model::Timestamp,
    lang: crate::i18n::Lang,
) -> Result<bool, String> {
    // Decided meanwhile (from the coach's remote): said so; Esc closes the form.
    if lab.session.submission(id).is_none_or(|s| s.state != SubmissionState::Pending) {
        return Err(t!("room.already_decided", locale = lang.code()).into_owned());
    }
    let new = super::idea_form::idea_from_form(lab, form, lang)?;
    // The star has its rule (one flagship per agency, asked before it moves): given on the board, with `f`.
    if new.flagship {
        return Err(t!("room.star_on_board", locale = lang.code()).into_owned());
    }
    approve(lab, id, Some(new), now).map(|_| true)
}
