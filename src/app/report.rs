//! The tally and awards screens: opened from the agenda or the board (`T`/`A` again closes), scrolled and
//! paged; the awards page is shared with an awards block on the agenda.

use super::{Effect, Screen, State};

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

    pub(super) fn turn_awards_page(&mut self, delta: isize) -> Vec<Effect> {
        if let Some(lab) = self.lab.as_mut() {
            lab.awards_page = lab.awards_page.saturating_add_signed(delta);
        }
        vec![]
    }
}
