//! Changing ideas without loss: every change (add, edit, move, flag, delete, restore) is one undoable
//! step, and undo/redo walk over them; the capture bar, board, trash and forms all go through here.

use super::{Change, Effect, Lab, State, UNDO_DEPTH};
use crate::model::{Idea, IdsExhausted, NewIdea};
use rust_i18n::t;

impl State {
    /// A notice that offers an undo no longer applies once undo or redo is used.
    fn drop_undo_notice(&mut self) {
        if self.notice.as_ref().is_some_and(|n| n.offers_undo) {
            self.notice = None;
        }
    }

    pub(super) fn undo(&mut self) -> Vec<Effect> {
        self.drop_undo_notice();
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(change) = lab.history.undo.pop() else {
            let text = t!("notice.nothing_to_undo", locale = self.lang.code()).into_owned();
            return self.notify(text, false);
        };
        put(lab, &change.before, now);
        lab.history.redo.push(change);
        self.changed()
    }

    pub(super) fn redo(&mut self) -> Vec<Effect> {
        self.drop_undo_notice();
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(change) = lab.history.redo.pop() else {
            let text = t!("notice.nothing_to_redo", locale = self.lang.code()).into_owned();
            return self.notify(text, false);
        };
        put(lab, &change.after, now);
        lab.history.undo.push(change);
        self.changed()
    }
}

/// Adds an idea as an undoable change (with `also`, the change of another idea in the same step: the old
/// flagship losing its star), highlights it, and keeps the board's selection on it.
pub(super) fn add_idea(
    lab: &mut Lab,
    new: NewIdea,
    now: crate::model::Timestamp,
    also: Option<(Idea, Idea)>,
) -> Result<u64, IdsExhausted> {
    let id = lab.next_idea_id().ok_or(IdsExhausted)?;
    lab.session.add_idea_as(id, new, now.with_timezone(&lab.offset()))?;
    lab.used_id(id);
    // The new idea is the last: counted on its own, unless the step also changes another idea.
    let newest = lab.session.ideas.len() - 1;
    lab.index.add_newest(&lab.session, newest);
    lab.unsaved.touch(id);
    if let Some(after) = lab.session.ideas.last().cloned() {
        let before = Idea { deleted: true, ..after.clone() };
        let mut change = Change::one(before, after);
        if let Some((before, after)) = also {
            put(lab, std::slice::from_ref(&after), now);
            change = change.and(before, after);
        }
        push_history(lab, change);
    }
    lab.last_added = Some((id, now));
    Ok(id)
}

/// Puts the board's selection on idea `id` (after a move, it follows the idea to its new table).
pub(super) fn select_idea(lab: &mut Lab, id: u64) {
    for (table, rows) in lab.index.per_group.iter().enumerate() {
        if let Some(row) = rows.iter().position(|&i| lab.session.ideas[i].id == id) {
            lab.selection = super::Selection { table, row };
            return;
        }
    }
}

/// Applies a change made now and remembers it for undo; a new change clears what could be redone.
pub(super) fn record(lab: &mut Lab, change: Change, now: crate::model::Timestamp) {
    put(lab, &change.after, now);
    push_history(lab, change);
}

pub(super) fn push_history(lab: &mut Lab, change: Change) {
    lab.history.redo.clear();
    lab.history.undo.push(change);
    if lab.history.undo.len() > UNDO_DEPTH {
        lab.history.undo.remove(0);
    }
}

/// Replaces each idea with the same id by its new version, stamped with the time of the change.
pub(super) fn put(lab: &mut Lab, ideas: &[Idea], now: crate::model::Timestamp) {
    let at = now.with_timezone(&lab.offset());
    for idea in ideas {
        if let Some(slot) = lab.session.idea_mut(idea.id) {
            *slot = Idea { updated_at: at, ..idea.clone() };
            lab.unsaved.touch(idea.id);
        }
    }
    lab.reindex();
}
