//! The trash overlay: deleted ideas (tombstones), most recently changed first, to restore.

use super::ideas::record;
use super::{Change, Effect, Mode, Overlay, State};
use crate::model::Idea;

impl State {
    pub(super) fn open_trash(&mut self) -> Vec<Effect> {
        if self.lab.is_some() && self.layers.mode() != Mode::Trash {
            self.layers.push(Overlay::Trash { cursor: 0 });
        }
        vec![]
    }

    /// Restores the idea under the trash cursor (an undoable change like any other).
    pub(super) fn restore_selected(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(Overlay::Trash { cursor }) = self.layers.top_mut() else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(before) = lab.trash().get(*cursor).map(|i| (*i).clone()) else { return vec![] };
        let after = Idea { deleted: false, ..before.clone() };
        record(lab, Change::one(before, after), now);
        *cursor = (*cursor).min(lab.trash().len().saturating_sub(1));
        self.changed()
    }

    pub(super) fn trash_cursor(&mut self, dy: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let n = lab.index.trash.len();
        if let Some(Overlay::Trash { cursor }) = self.layers.top_mut() {
            *cursor = cursor.saturating_add_signed(dy).min(n.saturating_sub(1));
        }
        vec![]
    }
}
