//! The overview: every day and block, a cursor to move over them, Enter to put that block on the wall.

use super::{Effect, Lab, Screen, State};
use crate::model::BlockPos;

impl State {
    pub(super) fn open_overview(&mut self) -> Vec<Effect> {
        if let Some(lab) = self.lab.as_ref() {
            self.layers.show(Screen::Overview { cursor: lab.current_flat() });
        }
        vec![]
    }

    pub(super) fn overview_cursor(&mut self, dx: isize, dy: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        if let Screen::Overview { cursor } = &mut self.layers.screen {
            *cursor = overview_move(lab, *cursor, dx, dy);
        }
        vec![]
    }

    /// Enter: the block under the cursor goes on the wall.
    pub(super) fn overview_confirm(&mut self) -> Vec<Effect> {
        let Screen::Overview { cursor } = self.layers.screen else { return vec![] };
        self.layers.show(Screen::Agenda);
        self.go_to_block(cursor)
    }
}

/// The overview cursor after moving: up/down within the agenda order, left/right to the same row of the
/// neighbouring day (or its last block).
fn overview_move(lab: &Lab, cursor: usize, dx: isize, dy: isize) -> usize {
    let plan = &lab.session.plan;
    let last = plan.block_count().saturating_sub(1);
    let cursor = cursor.min(last);
    if dx == 0 {
        return cursor.saturating_add_signed(dy).min(last);
    }
    let Some((pos, _)) = plan.at_flat_index(cursor) else { return cursor };
    let day = pos.day.saturating_add_signed(dx).min(plan.days.len().saturating_sub(1));
    let index = pos.index.min(plan.days[day].blocks.len().saturating_sub(1));
    plan.flat_index(BlockPos { day, index })
}
