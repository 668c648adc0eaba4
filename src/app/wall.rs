//! What the wall shows, kept in the session (`progress.wall`) so a restart after a crash or a quit comes back
//! to it exactly: the screen, the language, the plenary's table and page, the awards position and the idea in
//! the spotlight. `update` records it after every action; opening a session brings it back.

use super::{Lab, Overlay, Screen, State};
use crate::model::{Wall, WallScreen};

impl State {
    /// The wall as it is now; `None` while no session is open or the start screen is up.
    pub fn wall(&self) -> Option<Wall> {
        let lab = self.lab.as_ref()?;
        let screen = match self.layers.screen {
            Screen::Start => return None,
            Screen::Agenda => WallScreen::Agenda,
            Screen::Overview { .. } => WallScreen::Overview,
            Screen::Board => WallScreen::Board,
            Screen::Setup { .. } => WallScreen::Roster,
            Screen::Tally { .. } => WallScreen::Tally,
            Screen::Awards => WallScreen::Awards,
            Screen::Vote { .. } => WallScreen::Vote,
        };
        let spotlight = self.layers.overlays.iter().find_map(|o| match o {
            Overlay::Spotlight { idea } => Some(*idea),
            _ => None,
        });
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Some(Wall {
            lang: Some(self.lang),
            screen,
            plenary_table: count(lab.plenary_table),
            plenary_page: count(lab.plenary_page),
            awards_page: count(lab.awards_page),
            awards_list: lab.awards_list,
            spotlight,
        })
    }

    /// Records the wall in the session if it changed, and says whether it did (the session is then to be
    /// saved). Not a change to the ideas: the tally stays counted.
    pub(super) fn keep_wall(&mut self) -> bool {
        let Some(wall) = self.wall() else { return false };
        let Some(lab) = self.lab.as_mut() else { return false };
        if lab.session.progress.wall == wall {
            return false;
        }
        lab.session.progress.wall = wall;
        self.save.generation += 1;
        true
    }

    /// Brings back the wall the session was left on (a language given on the command line wins over the
    /// saved one). A table or idea that is gone falls back to the first table and no spotlight.
    pub(super) fn restore_wall(&mut self) {
        let Some(lab) = self.lab.as_mut() else { return };
        let wall = lab.session.progress.wall.clone();
        if let Some(lang) = wall.lang
            && !self.lang_pinned
        {
            self.lang = lang;
        }
        let tables = lab.session.groups.len().max(1);
        let index = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
        lab.plenary_table = index(wall.plenary_table).min(tables - 1);
        lab.plenary_page = index(wall.plenary_page);
        lab.awards_page = index(wall.awards_page);
        lab.awards_list = wall.awards_list;
        self.layers.show(screen_of(lab, wall.screen));
        if let Some(id) = wall.spotlight.filter(|&id| lab.session.idea(id).is_some_and(|i| i.is_live())) {
            self.layers.push(Overlay::Spotlight { idea: id });
        }
        // What was brought back is what the file says: opening a session is not a change to save.
        if let Some(now) = self.wall()
            && let Some(lab) = self.lab.as_mut()
        {
            lab.session.progress.wall = now;
        }
    }
}

fn screen_of(lab: &Lab, screen: WallScreen) -> Screen {
    match screen {
        WallScreen::Agenda => Screen::Agenda,
        WallScreen::Overview => Screen::Overview { cursor: lab.current_flat() },
        WallScreen::Board => Screen::Board,
        WallScreen::Roster => Screen::Setup { cursor: 0, pending_remove: None },
        WallScreen::Tally => Screen::Tally { scroll: 0 },
        WallScreen::Awards => Screen::Awards,
        WallScreen::Vote => match lab.session.open_vote().or(lab.session.votes.last()) {
            Some(vote) => Screen::Vote { vote: vote.id, cursor: 0 },
            None => Screen::Agenda,
        },
    }
}
