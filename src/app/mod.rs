//! The app's state and the one place it changes (`update`). Pure: no terminal, no disk, no clock reads;
//! the runtime feeds in keys, ticks and I/O results as actions and carries out the effects.

pub mod action;
pub mod keymap;
mod update;

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{FixedOffset, NaiveDate, Timelike};

pub use action::{Action, Effect};
pub use update::update;

use crate::catalog::Summary;
use crate::i18n::Lang;
use crate::model::{Block, BlockPos, Session, Timer, Timestamp};
use crate::ui::theme::ThemeName;

/// Which keys apply and what the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Choosing or creating a session.
    Start,
    /// Typing the path of a plan file for a new session.
    PlanPath,
    /// The agenda block on the wall.
    Agenda,
    /// All days and blocks, with a cursor to jump.
    Overview,
    /// Every key, over whatever was showing.
    Help,
}

pub struct State {
    pub lang: Lang,
    pub theme: ThemeName,
    pub mode: Mode,
    /// The mode help returns to.
    pub help_from: Mode,
    pub help_scroll: u16,
    /// The wall clock as of the last tick (the runtime's monotonic-backed clock).
    pub now: Timestamp,
    pub start: StartList,
    pub lab: Option<Lab>,
    pub save: SaveStatus,
    /// A one-line message for the status bar (an error opening a file, a clock change), until it expires.
    pub notice: Option<Notice>,
    /// When the timer on the wall last reached zero: drives the "time is up" flash.
    pub time_up_at: Option<Timestamp>,
    pub size: (u16, u16),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
    pub until: Timestamp,
}

/// The start screen: two "new session" rows, then the session files.
#[derive(Debug, Clone, Default)]
pub struct StartList {
    pub sessions_dir: PathBuf,
    pub entries: Vec<StartEntry>,
    pub selected: usize,
    pub plan_path: String,
}

#[derive(Debug, Clone)]
pub struct StartEntry {
    pub path: PathBuf,
    pub summary: Result<Summary, String>,
}

/// The rows above the session files on the start screen.
pub const START_NEW_ROWS: usize = 2;

impl StartList {
    pub fn rows(&self) -> usize {
        START_NEW_ROWS + self.entries.len()
    }
}

/// Whether what is on screen is also on disk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveStatus {
    /// Bumped by every change to the session.
    pub generation: u64,
    /// The newest generation known to be on disk.
    pub saved_generation: u64,
    pub last_saved_at: Option<Timestamp>,
    pub error: Option<String>,
}

impl SaveStatus {
    pub fn is_pending(&self) -> bool {
        self.saved_generation < self.generation
    }
}

/// An open session and what the screens derive from it.
pub struct Lab {
    pub path: PathBuf,
    pub session: Session,
    pub index: IdeaIndex,
    /// The table shown on a plenary block (index into `session.groups`).
    pub plenary_table: usize,
    /// The overview's cursor, as a position over all blocks.
    pub overview_cursor: usize,
}

/// Counts and orderings of live ideas, rebuilt whenever ideas change so rendering never scans them all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdeaIndex {
    pub live: usize,
    pub per_block: HashMap<String, usize>,
    /// For each table (same order as `session.groups`), indices into `session.ideas`, newest first.
    pub per_group: Vec<Vec<usize>>,
}

impl IdeaIndex {
    pub fn build(session: &Session) -> IdeaIndex {
        let mut index = IdeaIndex { per_group: vec![Vec::new(); session.groups.len()], ..Default::default() };
        let group_pos: HashMap<&str, usize> =
            session.groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i)).collect();
        for (i, idea) in session.ideas.iter().enumerate().rev() {
            if !idea.is_live() {
                continue;
            }
            index.live += 1;
            *index.per_block.entry(idea.block.clone()).or_default() += 1;
            if let Some(&g) = group_pos.get(idea.group.as_str()) {
                index.per_group[g].push(i);
            }
        }
        index
    }
}

/// Where the room stands against the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// The current block is scheduled on another day.
    OtherDay,
    /// Now is inside the current block's scheduled time.
    OnTime,
    /// The block is scheduled to start this many minutes from now.
    Ahead(i64),
    /// The block was scheduled to end this many minutes ago.
    Behind(i64),
}

/// What the timer on the wall shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerView {
    pub remaining: i64,
    pub duration: u32,
    pub running: bool,
}

impl Lab {
    pub fn new(path: PathBuf, session: Session) -> Lab {
        let index = IdeaIndex::build(&session);
        let overview_cursor = session.current_block().map_or(0, |(pos, _)| session.plan.flat_index(pos));
        Lab { path, session, index, plenary_table: 0, overview_cursor }
    }

    pub fn offset(&self) -> FixedOffset {
        self.session.plan.utc_offset.fixed()
    }

    /// The current block. A loaded session is validated, so it always resolves; the first block is the fallback.
    pub fn current(&self) -> (BlockPos, &Block) {
        self.session
            .current_block()
            .or_else(|| self.session.plan.blocks().next())
            .expect("a validated plan has at least one block")
    }

    pub fn current_flat(&self) -> usize {
        self.session.plan.flat_index(self.current().0)
    }

    /// The timer of the current block: the running or adjusted one if it belongs here, else a fresh one.
    pub fn timer_for_current(&self) -> Timer {
        let (_, block) = self.current();
        if self.session.progress.timer.block == block.id {
            self.session.progress.timer.clone()
        } else {
            Timer::for_block(block)
        }
    }

    pub fn timer_view(&self, now: Timestamp) -> TimerView {
        let timer = self.timer_for_current();
        TimerView { remaining: timer.remaining_at(now), duration: timer.duration_secs, running: timer.running }
    }

    pub fn day_date(&self, day: usize) -> Option<NaiveDate> {
        self.session.plan.days.get(day).map(|d| d.date)
    }

    pub fn schedule(&self, now: Timestamp) -> Schedule {
        let (pos, block) = self.current();
        let local = now.with_timezone(&self.offset());
        if self.day_date(pos.day) != Some(local.date_naive()) {
            return Schedule::OtherDay;
        }
        let minute_of_day = i64::from(local.hour()) * 60 + i64::from(local.minute());
        let (start, end) = (i64::from(block.start.minutes()), i64::from(block.end.minutes()));
        if minute_of_day < start {
            Schedule::Ahead(start - minute_of_day)
        } else if minute_of_day >= end {
            Schedule::Behind(minute_of_day - end + 1)
        } else {
            Schedule::OnTime
        }
    }
}

impl State {
    pub fn new(lang: Lang, theme: ThemeName, now: Timestamp, start: StartList) -> State {
        State {
            lang,
            theme,
            mode: Mode::Start,
            help_from: Mode::Start,
            help_scroll: 0,
            now,
            start,
            lab: None,
            save: SaveStatus::default(),
            notice: None,
            time_up_at: None,
            size: (80, 24),
        }
    }

    /// A state with `session` already open on the agenda (for `innolab run PATH` and for tests).
    pub fn with_session(lang: Lang, theme: ThemeName, now: Timestamp, path: PathBuf, session: Session) -> State {
        let mut state = State::new(lang, theme, now, StartList::default());
        state.lab = Some(Lab::new(path, session));
        state.mode = Mode::Agenda;
        state
    }

    /// The timer's "time is up" flash lasts this long after zero.
    pub const FLASH_SECS: i64 = 6;

    pub fn flashing(&self) -> bool {
        self.time_up_at.is_some_and(|at| {
            let since = (self.now - at).num_seconds();
            (0..Self::FLASH_SECS).contains(&since)
        })
    }
}

#[cfg(test)]
mod tests;
