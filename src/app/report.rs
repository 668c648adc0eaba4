//! The tally and awards screens: opened from the agenda or the board (`T`/`A` again closes), scrolled and
//! paged; the awards page is shared with an awards block on the agenda.

use super::{BlockKind, Effect, Screen, State};

impl State {
    /// The tally or awards screen; asking for the one already up closes it.
    pub(super) fn open_report(&mut self, screen: Screen) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        if self.layers.screen.mode() == screen.mode() {
            self.layers.show(Screen::Agenda);
            return vec![];
        }
        lab.awards_page = 0;
        self.layers.show(screen);
        vec![]
    }

    pub(super) fn tally_scroll(&mut self, dy: isize) -> Vec<Effect> {
        if let Screen::Tally { scroll } = &mut self.layers.screen {
            *scroll = scroll.saturating_add_signed(dy as i16);
        }
        vec![]
    }

    /// The next or previous awardee (in the ceremony) or page (in the list). The ceremony stops at its
    /// first and last awardee; the list's pages are clamped where they are drawn.
    pub(super) fn turn_awards_page(&mut self, delta: isize) -> Vec<Effect> {
        if let Some(lab) = self.lab.as_mut() {
            let next = lab.awards_page.saturating_add_signed(delta);
            lab.awards_page = match (lab.awards_list, awardees(lab)) {
                (false, Some(n)) => next.min(n.saturating_sub(1)),
                _ => next,
            };
        }
        vec![]
    }

    /// The clicker (→ and ←): on an awards block in the ceremony it steps through the awardees first, and
    /// moves to the next block only after the last one (to the previous only from the first).
    pub(super) fn clicker(&mut self, delta: isize) -> Vec<Effect> {
        // At a plenary the clicker pages the presenting table's ideas first.
        let per_page = super::plenary_per_page(self.size.1);
        if let Some(lab) = self.lab.as_mut()
            && lab.current().1.kind == BlockKind::Plenary
        {
            let table = lab.plenary_table.min(lab.session.groups.len().saturating_sub(1));
            let ideas = lab.index.per_group.get(table).map_or(0, Vec::len);
            let pages = ideas.div_ceil(per_page).max(1);
            let page = lab.plenary_page.min(pages - 1);
            if (delta > 0 && page + 1 < pages) || (delta < 0 && page > 0) {
                lab.plenary_page = page.saturating_add_signed(delta.signum());
                return vec![];
            }
        }
        if let Some(lab) = self.lab.as_ref()
            && lab.current().1.kind == BlockKind::Awards
            && !lab.awards_list
            && let Some(n) = awardees(lab)
        {
            let page = lab.awards_page;
            let inside = if delta > 0 { page + 1 < n } else { page > 0 };
            if inside {
                return self.turn_awards_page(delta);
            }
        }
        self.step_block(delta)
    }

    /// `v`: the awards as a list or one awardee at a time; either way from the start.
    pub(super) fn toggle_awards_list(&mut self) -> Vec<Effect> {
        if let Some(lab) = self.lab.as_mut() {
            lab.awards_list = !lab.awards_list;
            lab.awards_page = 0;
        }
        vec![]
    }
}

/// How many people the ceremony calls up, once the tally is counted.
fn awardees(lab: &super::Lab) -> Option<usize> {
    lab.tally().map(|tally| tally.authors.len())
}

impl State {}
