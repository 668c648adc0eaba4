//! The app's state and the one place it changes (`update`). Pure: no terminal, no disk, no clock reads;
//! the runtime feeds in keys, ticks and I/O results as actions and carries out the effects.

pub mod action;
mod agenda;
mod board;
mod capture;
pub mod coach;
mod dialogs;
mod failure;
pub mod form;
mod idea_form;
mod ideas;
pub mod keymap;
mod notes;
mod overview;
mod remote;
mod report;
pub mod room;
pub mod screen;
mod setup;
mod spotlight;
mod start;
mod trash;
mod update;
pub mod vote;
mod wall;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{FixedOffset, NaiveDate, Timelike};
use ratatui_textarea::TextArea;

pub use action::{Action, Effect};
pub use failure::Failure;
pub use form::{Field, FieldKey, FieldValue, Form, FormPurpose};
pub use screen::{Layers, Overlay, Screen};
pub use setup::{SetupRow, rows as setup_rows};
pub use start::{NewField, NewSession};
pub use update::update;

use crate::catalog::Summary;
use crate::i18n::Lang;
use crate::model::text::shown;
use crate::model::{Block, BlockKind, BlockPos, Changed, Idea, Session, Timer, Timestamp};
use crate::tally::{FastMap, SessionRef, Tally};

/// The colours of the wall, chosen by the coach (`--theme`); `ui::theme` holds what each looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeName {
    /// High contrast for a projector: bold white on black
    #[default]
    Projector,
    /// The terminal's own dark background
    Dark,
    /// Black on white
    Light,
}

/// Which keys apply: the top layer's (see [`Layers::mode`]). Its name in snake case names its section of
/// the `?` help (`help.mode.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    /// Choosing or creating a session.
    Start,
    /// The questions before a new session: plan file, title, first day.
    NewSession,
    /// The agenda block on the wall.
    Agenda,
    /// All days and blocks, with a cursor to jump.
    Overview,
    /// Every key, over whatever was showing.
    Help,
    /// The capture bar: pick a table, type the idea, Enter.
    Capture,
    /// A form over the screen (idea details, move, table name, member, vote, a block's notes).
    Form,
    /// Selecting ideas on the board to edit, move, flag or delete.
    Board,
    /// Deleted ideas, to restore.
    Trash,
    /// The roster: tables and their members.
    Setup,
    /// The last save failed on the way out: quit anyway?
    ConfirmQuit,
    /// Another program changed the session file: reload it and re-apply, or save as a new file?
    Conflict,
    /// The agency already has a flagship: move the star to the selected idea?
    ConfirmFlagship,
    /// The tallies on the wall: totals, per table and agency, One Agency One Innovation.
    Tally,
    /// The awards list for the closing ceremony.
    Awards,
    /// Room mode's queue: what the phones sent, to approve, edit, merge or reject.
    Moderation,
    /// In the queue: choosing the idea a submission repeats.
    Merging,
    /// One idea in large type, over any screen.
    Spotlight,
    /// A vote on the wall: its results as bars, the show of hands counted by the coach.
    Vote,
    /// "Close the vote?"
    ConfirmCloseVote,
    /// "Make the vote's winners the flagships?" (some stars would move).
    ConfirmWinners,
}

pub struct State {
    pub lang: Lang,
    pub theme: ThemeName,
    /// The screen on the wall and the overlays over it.
    pub layers: Layers,
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
    /// The language was given on the command line: it wins over the one a session was left in.
    pub lang_pinned: bool,
    /// Room mode: whether the phones' page is served, and where.
    pub room: room::RoomStatus,
    /// The coach's own screen (`innolab attach`): attached or not, and what the wall shows meanwhile.
    pub coach: coach::CoachScreen,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
    pub until: Timestamp,
    /// It offers an undo ("Idea deleted: u undoes…"): once undo or redo is pressed it no longer applies.
    pub offers_undo: bool,
}

/// The start screen: two "new session" rows, then the session files.
#[derive(Debug, Clone, Default)]
pub struct StartList {
    pub sessions_dir: PathBuf,
    pub entries: Vec<StartEntry>,
    pub selected: usize,
}

#[derive(Debug, Clone)]
pub struct StartEntry {
    pub path: PathBuf,
    pub summary: Result<Summary, std::sync::Arc<crate::store::LoadError>>,
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
    /// Bumped by every change to the session, the wall it shows included.
    pub generation: u64,
    /// Bumped by every change to its ideas, tables or timers (not by what the wall shows): what the tally
    /// on the wall was counted at.
    pub content: u64,
    /// The newest generation known to be on disk.
    pub saved_generation: u64,
    pub last_saved_at: Option<Timestamp>,
    pub error: Option<SaveFailure>,
    /// The session's folder cannot be written: nothing is saved to the file.
    pub read_only: bool,
    /// The highest idea id known to be in the file: ideas above it are this session's unsaved ideas.
    pub saved_max_id: u64,
    /// The highest idea id at each generation not yet known to be saved (generation, id).
    pub id_marks: Vec<(u64, u64)>,
    /// The highest idea id known to be in the session's journal (on disk, not yet in the file itself).
    pub journaled_max_id: u64,
}

/// A save that did not reach the session file, and where the emergency copies went (beside the session when
/// that worked, then the durable per-user one; empty when none could be written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveFailure {
    pub problem: Failure,
    pub emergency: Vec<PathBuf>,
    /// Another program changed the file: the coach can resolve it (Ctrl-O) by reloading that version and
    /// adding this session's unsaved ideas to it, or by saving this session as a new file.
    pub conflict: bool,
}

impl SaveFailure {
    pub fn new(problem: Failure, emergency: Vec<PathBuf>) -> SaveFailure {
        let conflict = problem.is_conflict();
        SaveFailure { problem, emergency, conflict }
    }

    /// Why the save failed, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.problem.message(lang)
    }

    /// The copies, named for one line ("a + b"), file names shown safely.
    pub fn copies_text(&self) -> String {
        self.emergency.iter().map(shown).collect::<Vec<_>>().join(" + ")
    }
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
    /// The table the capture bar adds to (index into `session.groups`).
    pub capture_table: usize,
    pub capture: TextArea<'static>,
    /// The idea selected on the board: a table and a row in its newest-first list.
    pub selection: Selection,
    /// The newest idea and when it landed, highlighted on the board for a few seconds.
    pub last_added: Option<(u64, Timestamp)>,
    pub history: History,
    /// The fields of the form overlay, while one is open.
    pub form: Option<Form>,
    /// The tally of this session and the save generation it was computed at; kept fresh only while a
    /// screen shows it (see `State::sync_derived`), so rendering never has to count ideas.
    pub tally: Option<TallyView>,
    /// The page of the presenting table's ideas at a plenary (see [`plenary_per_page`]).
    pub plenary_page: usize,
    /// The awards as a list (for checking) instead of one awardee at a time (for the ceremony).
    pub awards_list: bool,
    /// What changed since the last save reached the disk.
    pub unsaved: Unsaved,
    /// One past the highest idea id the session held when opened or was given since (see `next_idea_id`).
    next_id: u64,
    /// Pages the coach turned the board on by hand (`n`), added to the page the clock brings up.
    pub board_page: usize,
    /// The page of the awards list on the wall (the awards screen and an awards block alike).
    pub awards_page: usize,
    /// Room mode: what each new submission is checked against (see `model::room::RoomIndex`).
    pub room_index: crate::model::room::RoomIndex,
    /// Room mode: the submissions changed since this lab was opened, in order (ids; appended, never
    /// rewritten), so the phones' pages are brought up to date with what changed only.
    pub room_log: Vec<u64>,
    /// Which opening of a session this is (a reload or another session is another): a reader of
    /// `room_log` starts over when it changes.
    pub room_epoch: u64,
    /// The scopes the vote form offers (its scope choice is an index into these).
    pub vote_scopes: Vec<crate::model::VoteScope>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selection {
    pub table: usize,
    pub row: usize,
}

/// One undoable step: the ideas it changed, each as it was before and after (in the same order). Moving the
/// flagship star changes two ideas in one step. An added idea's "before" is the same idea deleted, so undoing
/// an add leaves a tombstone and its id is never reused.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub before: Vec<Idea>,
    pub after: Vec<Idea>,
}

impl Change {
    /// A step that changes one idea.
    pub fn one(before: Idea, after: Idea) -> Change {
        Change { before: vec![before], after: vec![after] }
    }

    /// Adds the change of one more idea to this step.
    pub fn and(mut self, before: Idea, after: Idea) -> Change {
        self.before.push(before);
        self.after.push(after);
        self
    }
}

/// Marking an idea as flagship when its agency already has one: the star moves only once the coach says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagshipMove {
    /// The idea that would get the star.
    pub to: u64,
    /// The agency's flagship now, which would lose it.
    pub from: u64,
    pub agency: String,
}

/// Undo and redo stacks of idea changes, newest last.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub undo: Vec<Change>,
    pub redo: Vec<Change>,
}

/// The tally a screen shows, the save generation it was counted at, and its readiness check in words.
pub struct TallyView {
    pub generation: u64,
    pub tally: Tally,
    pub readiness: ReadinessText,
    /// For each awardee of the tally (same order as `tally.authors`), the ids of their live ideas, oldest
    /// first: what the ceremony reads out with their name.
    pub awardee_ideas: Vec<Vec<u64>>,
}

/// The readiness check worded for the wall in one language: made when the tally or the language changes, so
/// drawing a frame never words thousands of open items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadinessText {
    pub lang: Lang,
    /// "2 ideas without an author, 1 absent author".
    pub summary: String,
    /// One line per idea or agency with something open (see `readiness::wall_lines`).
    pub lines: Vec<String>,
}

impl ReadinessText {
    pub fn of(tally: &Tally, lang: Lang) -> ReadinessText {
        let findings = || tally.readiness.iter().map(|item| &item.finding);
        ReadinessText {
            lang,
            summary: crate::tally::readiness::summary(findings(), lang),
            lines: crate::tally::readiness::wall_lines(findings(), lang),
        }
    }
}

/// What changed since the last save reached the disk, so the saver writes only that (one journal line, see
/// `store::journal`) when it can: the ideas each change touched, by generation, and the last generation that
/// changed more than the ideas and where the room is (the roster, a reload), which is written whole. A
/// change that does not say what it touched is taken as whole: missing nothing is the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unsaved {
    /// (generation, idea id) for every idea a change touched.
    pub ideas: Vec<(u64, u64)>,
    /// (generation, submission id) for every submission (room mode) a change touched.
    pub submissions: Vec<(u64, u64)>,
    /// (generation, vote id) for every vote a change touched.
    pub votes: Vec<(u64, u64)>,
    /// The last generation that must be written whole (0: none).
    pub whole_at: u64,
    /// What the change being made touched, until `changed()` gives it its generation.
    touched: Vec<u64>,
    touched_submissions: Vec<u64>,
    touched_votes: Vec<u64>,
    /// The change being made said what it touched (ideas, or only where the room is).
    precise: bool,
}

impl Unsaved {
    /// The change being made touched idea `id`.
    pub fn touch(&mut self, id: u64) {
        self.touched.push(id);
        self.precise = true;
    }

    /// The change being made touched submission `id` (and maybe ideas, marked with `touch`).
    pub fn touch_submission(&mut self, id: u64) {
        self.touched_submissions.push(id);
        self.precise = true;
    }

    /// The change being made touched vote `id`.
    pub fn touch_vote(&mut self, id: u64) {
        self.touched_votes.push(id);
        self.precise = true;
    }

    /// The change being made touches only where the room is (block, timers), which every line carries.
    pub fn room_only(&mut self) {
        self.precise = true;
    }

    /// A new action: nothing is marked yet (marks never carry over to another action's change).
    pub fn begin(&mut self) {
        self.touched.clear();
        self.touched_submissions.clear();
        self.touched_votes.clear();
        self.precise = false;
    }

    /// The change is `generation`.
    pub fn commit(&mut self, generation: u64) {
        if self.precise {
            self.ideas.extend(self.touched.drain(..).map(|id| (generation, id)));
            self.submissions.extend(self.touched_submissions.drain(..).map(|id| (generation, id)));
            self.votes.extend(self.touched_votes.drain(..).map(|id| (generation, id)));
        } else {
            self.touched.clear();
            self.touched_submissions.clear();
            self.touched_votes.clear();
            self.whole_at = generation;
        }
        self.precise = false;
    }

    /// What changed after `generation`, or `None` when something after it must be written whole.
    pub fn since(&self, generation: u64) -> Option<Changed> {
        if self.whole_at > generation {
            return None;
        }
        let after = |marks: &[(u64, u64)]| {
            let mut ids: Vec<u64> = marks.iter().filter(|m| m.0 > generation).map(|m| m.1).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        Some(Changed { ideas: after(&self.ideas), submissions: after(&self.submissions), votes: after(&self.votes) })
    }

    /// Everything up to `generation` is on disk.
    pub fn saved(&mut self, generation: u64) {
        self.ideas.retain(|m| m.0 > generation);
        self.submissions.retain(|m| m.0 > generation);
        self.votes.retain(|m| m.0 > generation);
    }
}

/// How many changes undo can go back.
pub const UNDO_DEPTH: usize = 1000;

/// Counts and orderings of live ideas, rebuilt whenever ideas change so rendering never scans them all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdeaIndex {
    pub live: usize,
    pub per_block: HashMap<String, usize>,
    /// For each table (same order as `session.groups`), indices into `session.ideas`, newest first.
    pub per_group: Vec<Vec<usize>>,
    /// Deleted ideas, indices into `session.ideas`, most recently changed first (the trash).
    pub trash: Vec<usize>,
}

impl IdeaIndex {
    /// One pass over the ideas. It runs after every change to them (each captured idea), so it is kept tight:
    /// blocks are counted by slot and named once at the end, and ideas come in runs from the same block.
    pub fn build(session: &Session) -> IdeaIndex {
        let mut per_group = vec![Vec::new(); session.groups.len()];
        let mut group_pos: FastMap<&str, usize> =
            FastMap::with_capacity_and_hasher(session.groups.len(), Default::default());
        for (i, group) in session.groups.iter().enumerate() {
            // As `collect` into a map: a later duplicate id wins.
            group_pos.insert(group.id.as_str(), i);
        }
        let mut block_slot: FastMap<&str, usize> = FastMap::default();
        let mut block_counts: Vec<(&str, usize)> = Vec::new();
        let mut previous: Option<(&str, usize)> = None;
        let mut trash = Vec::new();
        let mut live = 0;
        for (i, idea) in session.ideas.iter().enumerate().rev() {
            if !idea.is_live() {
                trash.push(i);
                continue;
            }
            live += 1;
            let block = idea.block.as_str();
            let slot = match previous {
                Some((id, slot)) if id == block => slot,
                _ => {
                    let next = block_counts.len();
                    let slot = *block_slot.entry(block).or_insert(next);
                    if slot == next {
                        block_counts.push((block, 0));
                    }
                    previous = Some((block, slot));
                    slot
                }
            };
            block_counts[slot].1 += 1;
            if let Some(&g) = group_pos.get(idea.group.as_str()) {
                per_group[g].push(i);
            }
        }
        // Oldest first, then sorted stably: the same order as sorting the deleted ideas in file order.
        trash.reverse();
        let ideas = &session.ideas;
        trash.sort_by(|&a, &b| {
            let (a, b) = (&ideas[a], &ideas[b]);
            b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id))
        });
        let per_block = block_counts.into_iter().map(|(id, count)| (id.to_string(), count)).collect();
        IdeaIndex { live, per_block, per_group, trash }
    }

    /// Counts the live idea just appended at `session.ideas[i]` (a capture): the same index `build` would
    /// make, without a pass over the other ideas, so a capture costs the same at 100,000 ideas as at 100.
    pub fn add_newest(&mut self, session: &Session, i: usize) {
        let Some(idea) = session.ideas.get(i).filter(|idea| idea.is_live()) else { return };
        self.live += 1;
        match self.per_block.get_mut(&idea.block) {
            Some(count) => *count += 1,
            None => {
                self.per_block.insert(idea.block.clone(), 1);
            }
        }
        // As `build`: a later duplicate table id wins.
        if let Some(g) = session.groups.iter().rposition(|g| g.id == idea.group)
            && let Some(rows) = self.per_group.get_mut(g)
        {
            rows.insert(0, i);
        }
    }
}

/// How many of the presenting table's ideas a plenary page shows on a wall `height` rows high: each idea
/// takes three rows (its title on up to two, its agency, author and star on one) under the block's heading,
/// with a row kept for the page line.
pub fn plenary_per_page(height: u16) -> usize {
    (usize::from(height.saturating_sub(7)) / 3).max(1)
}

/// How long a new idea stays highlighted on the board.
pub const HIGHLIGHT_SECS: i64 = 5;

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
        static EPOCHS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let room_epoch = EPOCHS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let room_index = crate::model::room::RoomIndex::of(&session.room);
        Lab {
            path,
            session,
            index,
            plenary_table: 0,
            capture_table: 0,
            capture: form::text_input("", false),
            selection: Selection::default(),
            last_added: None,
            history: History::default(),
            form: None,
            tally: None,
            board_page: 0,
            plenary_page: 0,
            awards_list: false,
            awards_page: 0,
            unsaved: Unsaved::default(),
            next_id: 0,
            room_index,
            room_log: Vec::new(),
            room_epoch,
            vote_scopes: Vec::new(),
        }
        .with_next_id()
    }

    /// Room mode: submission `id` changed (saved as a journal line, and shown to its phone).
    pub fn touch_submission(&mut self, id: u64) {
        self.unsaved.touch_submission(id);
        self.room_log.push(id);
    }

    fn with_next_id(mut self) -> Lab {
        self.next_id = self.session.next_idea_id().unwrap_or(crate::model::MAX_ID + 1);
        self
    }

    /// The id of the next new idea, without a pass over every idea: one past the highest the session held
    /// when opened or was given since, and past the last idea (new ideas go at the end, also those added
    /// another way); `None` once ids run out.
    pub fn next_idea_id(&self) -> Option<u64> {
        let after_last = self.session.ideas.last().map_or(1, |i| i.id.saturating_add(1));
        Some(self.next_id.max(after_last)).filter(|&id| id <= crate::model::MAX_ID)
    }

    /// `id` was just given to a new idea.
    pub fn used_id(&mut self, id: u64) {
        self.next_id = self.next_id.max(id.saturating_add(1));
    }

    /// Recomputes what the screens derive from the ideas and tables; called after every change to them.
    pub fn reindex(&mut self) {
        self.index = IdeaIndex::build(&self.session);
        let tables = self.session.groups.len().max(1);
        self.capture_table = self.capture_table.min(tables - 1);
        self.plenary_table = self.plenary_table.min(tables - 1);
        self.selection.table = self.selection.table.min(tables - 1);
        let rows = self.index.per_group.get(self.selection.table).map_or(0, Vec::len);
        self.selection.row = self.selection.row.min(rows.saturating_sub(1));
    }

    /// The file name the tallies report this session under, visibly escaped as every shown path is.
    pub fn file_name(&self) -> String {
        self.path.file_name().map_or_else(|| shown(&self.path), |n| shown(Path::new(n)))
    }

    /// The tally as last computed (present whenever a screen that shows it is up).
    pub fn tally(&self) -> Option<&Tally> {
        self.tally.as_ref().map(|view| &view.tally)
    }

    /// The readiness check as the screens word it, in the screen's language (present with the tally).
    pub fn readiness_text(&self) -> Option<&ReadinessText> {
        self.tally.as_ref().map(|view| &view.readiness)
    }

    /// The id of the idea selected on the board, if its table has any.
    pub fn selected_idea(&self) -> Option<u64> {
        let i = *self.index.per_group.get(self.selection.table)?.get(self.selection.row)?;
        Some(self.session.ideas[i].id)
    }

    /// Deleted ideas, most recently changed first (the trash), from the index: no sort per frame or key.
    pub fn trash(&self) -> Vec<&Idea> {
        self.index.trash.iter().filter_map(|&i| self.session.ideas.get(i)).collect()
    }

    /// The newest idea, while it is still new enough to highlight.
    pub fn fresh_idea(&self, now: Timestamp) -> Option<u64> {
        self.last_added.filter(|(_, at)| (now - *at).num_seconds() < HIGHLIGHT_SECS).map(|(id, _)| id)
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

    /// The timer of the current block: its own if it has left its schedule, else a fresh one.
    pub fn timer_for_current(&self) -> Timer {
        self.session.timer_of(self.current().1)
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
            layers: Layers::new(Screen::Start),
            now,
            start,
            lab: None,
            save: SaveStatus::default(),
            notice: None,
            time_up_at: None,
            size: (80, 24),
            lang_pinned: false,
            room: room::RoomStatus::default(),
            coach: coach::CoachScreen::default(),
        }
    }

    /// A state with `session` already open on the agenda (for `innolab run PATH` and for tests).
    pub fn with_session(lang: Lang, theme: ThemeName, now: Timestamp, path: PathBuf, session: Session) -> State {
        let mut state = State::new(lang, theme, now, StartList::default());
        state.lab = Some(Lab::new(path, session));
        state.layers.show(Screen::Agenda);
        state.restore_wall();
        state
    }

    /// Recomputes what a screen needs and the state can derive, after every update: the tally while the
    /// tally or awards screen (or an awards block) is up, and only when the session changed since.
    pub fn sync_derived(&mut self) {
        let generation = self.save.content;
        let on_report = matches!(self.layers.screen, Screen::Tally { .. } | Screen::Awards);
        let Some(lab) = self.lab.as_mut() else { return };
        let shows_tally = on_report || lab.current().1.kind == BlockKind::Awards;
        if !shows_tally {
            return;
        }
        let lang = self.lang;
        match lab.tally.as_mut() {
            Some(view) if view.generation == generation => {
                if view.readiness.lang != lang {
                    view.readiness = ReadinessText::of(&view.tally, lang);
                }
            }
            _ => {
                let name = lab.file_name();
                let tally = Tally::of(&[SessionRef::new(name, &lab.session)]);
                let readiness = ReadinessText::of(&tally, lang);
                let awardee_ideas = crate::tally::awardee_ideas(&tally, &lab.session);
                lab.tally = Some(TallyView { generation, tally, readiness, awardee_ideas });
            }
        }
    }

    /// Whether the idea board is on the wall (the board screen, or a group-work block on the agenda): its
    /// pages turn with the clock, so the runtime ticks every second while it is.
    pub fn shows_board(&self) -> bool {
        let Some(lab) = self.lab.as_ref() else { return false };
        match self.layers.screen {
            Screen::Board => true,
            Screen::Agenda => lab.current().1.kind == BlockKind::GroupWork,
            _ => false,
        }
    }

    /// The keys that apply now: the top layer's.
    pub fn mode(&self) -> Mode {
        self.layers.mode()
    }

    /// Why quitting waits for the coach's answer, while that question is up.
    pub fn quit_blocked(&self) -> Option<&SaveFailure> {
        self.layers.overlays.iter().rev().find_map(|o| match o {
            Overlay::ConfirmQuit(failure) => Some(failure),
            _ => None,
        })
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

#[cfg(test)]
mod tests_ideas;
#[cfg(test)]
mod tests_notes;

#[cfg(test)]
mod tests_remote;
#[cfg(test)]
mod tests_room;
#[cfg(test)]
mod tests_vote;
