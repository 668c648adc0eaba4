//! What is on the wall: one full `Screen`, and a stack of `Overlay`s over it (the capture bar, a form, the
//! help, a question). Each layer holds its own state; Esc closes the top overlay, so "where does Esc go" is
//! the stack and nothing else. The keys that apply are those of the top layer (its `Mode`).

use super::{FlagshipMove, Mode, SaveFailure};

/// A full screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Choosing or creating a session.
    Start,
    /// The agenda block on the wall.
    Agenda,
    /// All days and blocks, with a cursor (a position over all blocks) to jump.
    Overview { cursor: usize },
    /// Selecting ideas on the board to edit, move, flag or delete (the selection is the lab's: the capture
    /// bar and the undo history keep it on the idea they touch).
    Board,
    /// The roster: tables and their members. A remove waits for a second press on the same row.
    Setup { cursor: usize, pending_remove: Option<usize> },
    /// The tallies on the wall: totals, per table and agency, One Agency One Innovation.
    Tally { scroll: u16 },
    /// The awards list for the closing ceremony (its page is the lab's: an awards block pages the same list).
    Awards,
    /// A vote (by id) on the wall; the cursor is a place in its ranking (the idea the show of hands counts).
    Vote { vote: u64, cursor: usize },
}

/// Something over the screen, closed by Esc (or its own answer) back to what is under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The questions asked before a new session is created (plan file, title, first day).
    NewSession(super::start::NewSession),
    /// Every key, over whatever was showing.
    Help { scroll: u16 },
    /// The capture bar: pick a table, type the idea, Enter. (Its text is the lab's, kept between openings.)
    /// Until a table is chosen for the idea being typed (by the digit that opened the bar, a digit in the
    /// empty bar, or Tab), a digit in the empty bar picks the table; after that it is text, so a title may
    /// start with a number ("24 jam layanan darurat 112").
    Capture { table_chosen: bool },
    /// A form (idea details, move, table name, member). Its fields are the lab's `form`: every change to a
    /// field consults the session (suggestions from the table's members, the agency rule).
    Form,
    /// Deleted ideas, to restore.
    Trash { cursor: usize },
    /// The last save failed on the way out: quit anyway?
    ConfirmQuit(SaveFailure),
    /// Another program changed the session file: reload it and re-apply, or save as a new file?
    Conflict,
    /// The agency already has a flagship: move the star to the selected idea?
    ConfirmFlagship(FlagshipMove),
    /// One idea alone on the wall, in large type: what the room discusses is what it sees.
    Spotlight { idea: u64 },
    /// Room mode's queue of what the phones sent.
    Moderation(super::room::Moderation),
    /// "Close the vote?" (its id).
    ConfirmCloseVote(u64),
    /// "Make the vote's winners the flagships?", when stars would move.
    ConfirmWinners(super::vote::WinnersPlan),
}

impl Screen {
    pub fn mode(&self) -> Mode {
        match self {
            Screen::Start => Mode::Start,
            Screen::Agenda => Mode::Agenda,
            Screen::Overview { .. } => Mode::Overview,
            Screen::Board => Mode::Board,
            Screen::Setup { .. } => Mode::Setup,
            Screen::Tally { .. } => Mode::Tally,
            Screen::Awards => Mode::Awards,
            Screen::Vote { .. } => Mode::Vote,
        }
    }
}

impl Overlay {
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::NewSession(_) => Mode::NewSession,
            Overlay::Help { .. } => Mode::Help,
            Overlay::Capture { .. } => Mode::Capture,
            Overlay::Form => Mode::Form,
            Overlay::Trash { .. } => Mode::Trash,
            Overlay::ConfirmQuit(_) => Mode::ConfirmQuit,
            Overlay::Conflict => Mode::Conflict,
            Overlay::ConfirmFlagship(_) => Mode::ConfirmFlagship,
            Overlay::Spotlight { .. } => Mode::Spotlight,
            Overlay::Moderation(m) if m.merging.is_some() => Mode::Merging,
            Overlay::Moderation(_) => Mode::Moderation,
            Overlay::ConfirmCloseVote(_) => Mode::ConfirmCloseVote,
            Overlay::ConfirmWinners(_) => Mode::ConfirmWinners,
        }
    }
}

/// The screen and the overlays over it, bottom first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layers {
    pub screen: Screen,
    pub overlays: Vec<Overlay>,
}

impl Layers {
    pub fn new(screen: Screen) -> Layers {
        Layers { screen, overlays: Vec::new() }
    }

    /// The keys that apply: the top overlay's, else the screen's.
    pub fn mode(&self) -> Mode {
        self.overlays.last().map_or_else(|| self.screen.mode(), Overlay::mode)
    }

    pub fn top(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    pub fn top_mut(&mut self) -> Option<&mut Overlay> {
        self.overlays.last_mut()
    }

    pub fn push(&mut self, overlay: Overlay) {
        self.overlays.push(overlay);
    }

    /// Closes the top overlay and returns it.
    pub fn pop(&mut self) -> Option<Overlay> {
        self.overlays.pop()
    }

    /// A new screen: every overlay closes with the one it was over.
    pub fn show(&mut self, screen: Screen) {
        self.overlays.clear();
        self.screen = screen;
    }

    /// Whether `overlay`'s kind is open anywhere in the stack.
    pub fn has(&self, mode: Mode) -> bool {
        self.overlays.iter().any(|o| o.mode() == mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_goes_back_through_the_stack_to_the_screen() {
        let mut layers = Layers::new(Screen::Board);
        layers.push(Overlay::Capture { table_chosen: false });
        layers.push(Overlay::Form);
        assert_eq!(layers.mode(), Mode::Form);
        layers.pop();
        assert_eq!(layers.mode(), Mode::Capture, "a new idea's details close to the capture bar");
        layers.pop();
        assert_eq!(layers.mode(), Mode::Board, "and the capture bar to the board it was opened on");
        assert_eq!(layers.pop(), None);
        layers.push(Overlay::Help { scroll: 3 });
        layers.show(Screen::Agenda);
        assert_eq!((layers.mode(), layers.overlays.len()), (Mode::Agenda, 0));
    }
}
