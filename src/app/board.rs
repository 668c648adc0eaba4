//! The board: every table's ideas, newest first, with a selection to edit, move, flag (One Agency One
//! Innovation asks before a star moves) or delete.

use rust_i18n::t;

use super::form::{Field, FieldKey, Form, FormPurpose};
use super::idea_form::{idea_form, refresh_author_suggestions};
use super::ideas::record;
use super::{Change, Effect, FlagshipMove, Overlay, Screen, State};
use crate::model::{FlagshipConflict, Idea, NewIdea};

impl State {
    pub(super) fn open_board(&mut self) -> Vec<Effect> {
        if let Some(lab) = self.lab.as_mut() {
            lab.reindex();
            self.layers.show(Screen::Board);
        }
        vec![]
    }

    /// Moves the board selection: left/right between tables, up/down within one (newest first).
    pub(super) fn move_selection(&mut self, dx: isize, dy: isize) {
        let Some(lab) = self.lab.as_mut() else { return };
        let tables = lab.session.groups.len().max(1) as isize;
        if dx != 0 {
            lab.selection.table = (lab.selection.table as isize + dx).rem_euclid(tables) as usize;
        }
        let rows = lab.index.per_group.get(lab.selection.table).map_or(0, Vec::len);
        lab.selection.row = lab.selection.row.saturating_add_signed(dy).min(rows.saturating_sub(1));
    }

    pub(super) fn edit_selected(&mut self) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(idea) = lab.selected_idea().and_then(|id| lab.session.idea(id)).cloned() else { return vec![] };
        let new = NewIdea { stage: None, block: None, ..NewIdea::from_idea(&idea) };
        lab.form = Some(idea_form(lab, FormPurpose::EditIdea(idea.id), &new));
        self.layers.push(Overlay::Form);
        refresh_author_suggestions(lab);
        vec![]
    }

    pub(super) fn move_selected(&mut self) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(idea) = lab.selected_idea().and_then(|id| lab.session.idea(id)) else { return vec![] };
        let current = lab.session.groups.iter().position(|g| g.id == idea.group).unwrap_or(0);
        let tables = lab.session.groups.iter().map(|g| g.name.clone()).collect();
        let field = Field::choice(FieldKey::Table, tables, (current + 1) % lab.session.groups.len().max(1), false);
        lab.form = Some(Form::new(FormPurpose::MoveIdea(idea.id), vec![field]));
        self.layers.push(Overlay::Form);
        vec![]
    }

    /// `f` on the board: takes the star off a flagship, or makes the idea its agency's flagship. One Agency,
    /// One Innovation: a flagship needs an agency, and when the agency has one already the coach is asked
    /// before the star moves.
    pub(super) fn toggle_flagship(&mut self) -> Vec<Effect> {
        let lang = self.lang;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(idea) = lab.selected_idea().and_then(|id| lab.session.idea(id)).cloned() else { return vec![] };
        if idea.flagship {
            return self.change_selected(|idea| idea.flagship = false);
        }
        let candidate = Idea { flagship: true, ..idea.clone() };
        match lab.session.flagship_conflict(&candidate) {
            None => self.change_selected(|idea| idea.flagship = true),
            Some(FlagshipConflict::NoAgency) => {
                let text = t!("flagship.no_agency", id = idea.id, locale = lang.code()).into_owned();
                self.notify(text, true)
            }
            Some(FlagshipConflict::Taken { agency, holder }) => {
                self.layers.push(Overlay::ConfirmFlagship(FlagshipMove { to: idea.id, from: holder, agency }));
                vec![]
            }
        }
    }

    /// Enter on "move the star?": the agency's flagship loses the star and the selected idea gets it, in one
    /// undoable step.
    pub(super) fn confirm_flagship_move(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(Overlay::ConfirmFlagship(pending)) = self.layers.pop() else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let (Some(to), Some(from)) = (lab.session.idea(pending.to).cloned(), lab.session.idea(pending.from).cloned())
        else {
            return vec![];
        };
        let change =
            Change::one(to.clone(), Idea { flagship: true, ..to }).and(from.clone(), Idea { flagship: false, ..from });
        record(lab, change, now);
        self.changed()
    }

    pub(super) fn delete_selected(&mut self) -> Vec<Effect> {
        let effects = self.change_selected(|idea| idea.deleted = true);
        if !effects.is_empty() {
            let text = t!("notice.deleted", locale = self.lang.code()).into_owned();
            self.notify(text, false);
            if let Some(notice) = self.notice.as_mut() {
                notice.offers_undo = true;
            }
        }
        effects
    }

    fn change_selected(&mut self, change: impl FnOnce(&mut Idea)) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(before) = lab.selected_idea().and_then(|id| lab.session.idea(id)).cloned() else { return vec![] };
        let mut after = before.clone();
        change(&mut after);
        record(lab, Change::one(before, after), now);
        self.changed()
    }
}
