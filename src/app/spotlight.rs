//! The spotlight: one idea alone on the wall, opened on the board's selection or on the presenting table's
//! first idea at a plenary; the clicker steps through that idea's table.

use super::{BlockKind, Effect, Mode, Overlay, Screen, State};

impl State {
    /// `s`: the board's selected idea, or at a plenary the presenting table's first (oldest) idea.
    pub(super) fn open_spotlight(&mut self) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let idea = match self.layers.mode() {
            Mode::Board => lab.selected_idea(),
            Mode::Agenda if lab.current().1.kind == BlockKind::Plenary => {
                let table = lab.plenary_table.min(lab.session.groups.len().saturating_sub(1));
                lab.index.per_group.get(table).and_then(|rows| rows.last()).map(|&i| lab.session.ideas[i].id)
            }
            _ => None,
        };
        if let Some(idea) = idea {
            self.layers.push(Overlay::Spotlight { idea });
        }
        vec![]
    }

    /// The next (`delta` > 0) or previous idea of the spotlit idea's table, in the order the table presents
    /// them (oldest first); it stops at either end.
    pub(super) fn spotlight_step(&mut self, delta: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let Some(Overlay::Spotlight { idea }) = self.layers.top_mut() else { return vec![] };
        let Some(spotlit) = lab.session.idea(*idea) else { return vec![] };
        let Some(table) = lab.session.groups.iter().position(|g| g.id == spotlit.group) else { return vec![] };
        // The index lists a table's ideas newest first: oldest first is that list read backwards.
        let rows = lab.index.per_group.get(table).map_or(&[][..], |v| v.as_slice());
        let order: Vec<u64> = rows.iter().rev().map(|&i| lab.session.ideas[i].id).collect();
        if let Some(at) = order.iter().position(|id| id == idea) {
            let next = at.saturating_add_signed(delta.signum()).min(order.len().saturating_sub(1));
            *idea = order[next];
        }
        // While the wall stays on the board, its selection follows, so closing lands on the idea shown.
        if self.layers.screen == Screen::Board
            && let (Some(lab), Some(Overlay::Spotlight { idea })) = (self.lab.as_mut(), self.layers.top())
        {
            let id = *idea;
            if let Some(row) =
                lab.index.per_group.get(table).and_then(|r| r.iter().position(|&i| lab.session.ideas[i].id == id))
            {
                lab.selection = super::Selection { table, row };
            }
        }
        vec![]
    }
}
