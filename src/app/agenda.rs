//! The agenda on the wall: moving between blocks (the timer stays with its block), the table shown on a
//! plenary or the page of an awards block, and the timer (start, pause, a minute more or less, reset).

use super::{Effect, Mode, State};
use crate::model::Timer;

impl State {
    /// Moves the wall to another block; the timer stays with the block it belongs to, so stepping back to a
    /// running block finds its countdown still going. Nothing is lost by going back.
    pub(super) fn go_to_block(&mut self, flat: usize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some((_, block)) = lab.session.plan.at_flat_index(flat) else { return vec![] };
        if block.id == lab.session.progress.block {
            return vec![];
        }
        lab.session.progress.block = block.id.clone();
        lab.unsaved.room_only();
        lab.plenary_table = 0;
        lab.awards_page = 0;
        lab.plenary_page = 0;
        self.time_up_at = None;
        self.changed()
    }

    pub(super) fn step_block(&mut self, delta: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let last = lab.session.plan.block_count().saturating_sub(1);
        let target = lab.current_flat().saturating_add_signed(delta).min(last);
        self.go_to_block(target)
    }

    pub(super) fn edge_of_day(&mut self, last: bool) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let (pos, _) = lab.current();
        let count = lab.session.plan.days[pos.day].blocks.len();
        let index = if last { count.saturating_sub(1) } else { 0 };
        let flat = lab.session.plan.flat_index(crate::model::BlockPos { day: pos.day, index });
        self.go_to_block(flat)
    }

    /// The next or previous table: the plenary's table, the capture bar's, or the board's selection.
    pub(super) fn step_table(&mut self, delta: isize) -> Vec<Effect> {
        let mode = self.layers.mode();
        if let Some(lab) = self.lab.as_mut() {
            let tables = lab.session.groups.len().max(1) as isize;
            let step = |i: usize| (i as isize + delta).rem_euclid(tables) as usize;
            match mode {
                Mode::Capture => {
                    lab.capture_table = step(lab.capture_table);
                    if let Some(super::Overlay::Capture { table_chosen }) = self.layers.top_mut() {
                        *table_chosen = true;
                    }
                }
                Mode::Board => {
                    lab.selection.table = step(lab.selection.table);
                    lab.reindex();
                }
                // On an awards block the same keys page through the list read out at the ceremony.
                _ if lab.current().1.kind == crate::model::BlockKind::Awards => {
                    lab.awards_page = lab.awards_page.saturating_add_signed(delta);
                }
                _ => {
                    lab.plenary_table = step(lab.plenary_table);
                    lab.plenary_page = 0;
                }
            }
        }
        vec![]
    }

    /// Applies `change` to the current block's own timer (every block keeps its own).
    pub(super) fn with_timer(
        &mut self,
        change: impl FnOnce(&mut Timer, chrono::DateTime<chrono::FixedOffset>),
    ) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let mut timer = lab.timer_for_current();
        change(&mut timer, now.with_timezone(&lab.offset()));
        lab.session.set_timer(timer);
        lab.unsaved.room_only();
        self.changed()
    }

    pub(super) fn toggle_timer(&mut self) -> Vec<Effect> {
        self.with_timer(|timer, now| if timer.running { timer.pause(now) } else { timer.start(now) })
    }

    pub(super) fn adjust_timer(&mut self, secs: i64) -> Vec<Effect> {
        let now = self.now;
        let effects = self.with_timer(|timer, now| timer.adjust(secs, now));
        // Extending past zero ends the "time is up" state; the bell may ring again at the new zero.
        if let Some(lab) = self.lab.as_ref()
            && lab.timer_view(now).remaining > 0
        {
            self.time_up_at = None;
        }
        effects
    }

    pub(super) fn reset_timer(&mut self) -> Vec<Effect> {
        self.time_up_at = None;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let block = lab.current().1.id.clone();
        lab.session.reset_timer(&block);
        lab.unsaved.room_only();
        self.changed()
    }
}
