//! The coach's notes for a block (who to call on, what to hand out): `N` opens them in a form over the
//! agenda or the overview, Enter writes them into the plan. They are shown on the coach's screen, never on the wall.

use super::form::{Field, FieldKey, Form, FormPurpose};
use super::{Effect, Lab, Mode, Overlay, Screen, State};
use crate::model::BlockPos;

impl State {
    /// `N`: the notes of the block on the wall (agenda) or under the cursor (overview), in a form.
    pub(super) fn open_notes(&mut self) -> Vec<Effect> {
        let mode = self.layers.mode();
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let pos = match (mode, &self.layers.screen) {
            (Mode::Overview, Screen::Overview { cursor }) => {
                lab.session.plan.at_flat_index(*cursor).map(|(pos, _)| pos)
            }
            (Mode::Agenda, _) => Some(lab.current().0),
            _ => None,
        };
        let Some(pos) = pos else { return vec![] };
        let Some(block) = lab.session.plan.block_at(pos) else { return vec![] };
        let notes = block.notes.as_deref().unwrap_or("");
        lab.form = Some(Form::new(FormPurpose::Notes(pos), vec![Field::text(FieldKey::Notes, notes)]));
        self.layers.push(Overlay::Form);
        vec![]
    }

    /// Alt-Enter or Ctrl-J in a form: a line break in the focused field, where it keeps them.
    pub(super) fn new_line(&mut self) -> Vec<Effect> {
        if let Some(form) = self.lab.as_mut().and_then(|lab| lab.form.as_mut()) {
            form.new_line();
        }
        vec![]
    }
}

/// Enter in the notes form: the block's notes become the text (cleaned like every typed text; empty removes
/// them). Returns whether the plan changed. The journal holds ideas and where the room is, not the plan, so
/// the caller's change is written whole (it marks nothing as touched).
pub(super) fn apply_notes(lab: &mut Lab, form: &Form, pos: BlockPos) -> Result<bool, String> {
    let notes = Some(form.text(FieldKey::Notes)).filter(|text| !text.is_empty());
    let Some(block) = lab.session.plan.days.get_mut(pos.day).and_then(|day| day.blocks.get_mut(pos.index)) else {
        return Ok(false);
    };
    if block.notes == notes {
        return Ok(false);
    }
    block.notes = notes;
    Ok(true)
}
