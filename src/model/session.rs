//! A session: one run of a lab plan with its room, its ideas and where the room is now (block, timers and what
//! the wall shows).
//! Every change goes through a method here so the invariants checked by `validate` hold after each one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::group::TableGroup;
use super::idea::{Form, Idea, Timestamp};
use super::plan::{Block, BlockPos, Plan, Stage};
use super::room::Room;
use super::text;
use crate::i18n::Lang;

/// The version of the session file format this build writes. Older files are read as well and written back as
/// this version: version 1 (one timer, as `progress.timer`, and no `progress.wall`), version 2 (no `room`,
/// no idea `source`), version 3 (no `plan.signatory`) and version 4 (no block `notes`).
pub const SCHEMA_VERSION: u32 = 5;

/// The oldest version of the session file format this build reads.
pub const OLDEST_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "innolab session")]
pub struct Session {
    /// Always first in the file; 5 for this format (1 to 4 are read too).
    pub schema_version: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub plan: Plan,
    pub groups: Vec<TableGroup>,
    #[serde(deserialize_with = "fast_ideas::deserialize")]
    #[schemars(with = "Vec<Idea>")]
    pub ideas: Vec<Idea>,
    pub progress: Progress,
    /// Room mode: what the phones sent (absent until a phone sends something).
    #[serde(default, skip_serializing_if = "Room::is_empty")]
    pub room: Room,
    /// The room's votes, oldest first (absent until the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<super::vote::Vote>,
}

/// Where the room is: the block on the wall, the countdown of each block, and what the wall shows, so a
/// restart after a crash or a quit comes back exactly where the room was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// The current block (a block id).
    pub block: String,
    /// The countdown of each block that has left its schedule (started, paused, given or taken minutes), at
    /// most one per block; a block without one stands at its scheduled length. Each block keeps its own:
    /// starting one block's timer leaves another's as it was. (Version 1 files held one, as `timer`.)
    #[serde(alias = "timer", deserialize_with = "one_or_more::deserialize")]
    #[schemars(with = "Vec<Timer>")]
    pub timers: Vec<Timer>,
    #[serde(default)]
    pub wall: Wall,
}

/// What the wall shows besides the block: the screen, the language, the table presenting at a plenary and
/// its page, and the awardee read out at the ceremony. Every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wall {
    /// The screens' language; absent: the one the user's environment asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    #[serde(default)]
    pub screen: WallScreen,
    /// The table presenting on a plenary block (0 is the first table) and the page of its ideas.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub plenary_table: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub plenary_page: u32,
    /// The awardee on the wall at the awards ceremony (0 is the first), or the page of the list.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub awards_page: u32,
    /// The awards as a list (for checking) instead of one awardee at a time.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awards_list: bool,
    /// The idea alone on the wall in large type (spotlight), by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spotlight: Option<u64>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The full screen on the wall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WallScreen {
    /// The current block of the agenda.
    #[default]
    Agenda,
    /// All days and blocks.
    Overview,
    /// The ideas of every table.
    Board,
    /// The tables and their members.
    Roster,
    /// The tallies.
    Tally,
    /// The newest vote (the open one, else the last closed).
    Vote,
    /// The awards.
    Awards,
}

/// `progress.timers` as written now (a list) or by version 1 (one timer, as `progress.timer`). A visitor
/// rather than an untagged enum, so a malformed timer is still reported at its own line and field.
mod one_or_more {
    use super::Timer;
    use serde::Deserialize;
    use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Timer>, D::Error> {
        struct Timers;
        impl<'de> Visitor<'de> for Timers {
            type Value = Vec<Timer>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of timers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<Timer>, A::Error> {
                Vec::<Timer>::deserialize(de::value::SeqAccessDeserializer::new(seq))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<Timer>, A::Error> {
                Timer::deserialize(de::value::MapAccessDeserializer::new(map)).map(|timer| vec![timer])
            }
        }
        deserializer.deserialize_any(Timers)
    }
}

/// A countdown for one block. Running: it ends at `deadline`. Paused: `remaining_secs` are left (negative in
/// overtime). Saving the deadline, not the remaining time, lets a restart resume a running timer exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timer {
    /// The block this countdown belongs to (a block id).
    pub block: String,
    /// The length it was set to, with every minute added or removed.
    pub duration_secs: u32,
    pub running: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_secs: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Timestamp>,
}

impl Timer {
    /// A paused countdown at the block's scheduled length.
    pub fn for_block(block: &Block) -> Timer {
        let duration = block.duration_secs();
        Timer {
            block: block.id.clone(),
            duration_secs: duration,
            running: false,
            remaining_secs: Some(i64::from(duration)),
            deadline: None,
        }
    }

    /// Seconds left at `now`; negative once the time is up. Never beyond [`MAX_TIMER_SECS`] either way, so a
    /// timer left running for months still shows (and saves) a value every reader accepts.
    pub fn remaining_at(&self, now: Timestamp) -> i64 {
        let remaining = match (self.running, self.deadline, self.remaining_secs) {
            (true, Some(deadline), _) => (deadline - now).num_seconds(),
            (_, _, Some(remaining)) => remaining,
            _ => i64::from(self.duration_secs),
        };
        remaining.clamp(-MAX_TIMER_SECS, MAX_TIMER_SECS)
    }

    pub fn start(&mut self, now: Timestamp) {
        if !self.running {
            let remaining = self.remaining_at(now);
            // In range for any `now` chrono can hold less a week; a clock beyond that leaves the timer paused.
            let Some(deadline) = now.checked_add_signed(chrono::Duration::seconds(remaining)) else { return };
            self.deadline = Some(deadline);
            self.remaining_secs = None;
            self.running = true;
        }
    }

    pub fn pause(&mut self, now: Timestamp) {
        if self.running {
            self.remaining_secs = Some(self.remaining_at(now));
            self.deadline = None;
            self.running = false;
        }
    }

    /// Adds (or with a negative `secs`, removes) time. The length stays within 0 and [`MAX_TIMER_SECS`], and the
    /// time left within ±[`MAX_TIMER_SECS`]: an adjustment past either bound is cut to it.
    pub fn adjust(&mut self, secs: i64, now: Timestamp) {
        let secs = secs.clamp(-2 * MAX_TIMER_SECS, 2 * MAX_TIMER_SECS);
        let before = self.remaining_at(now);
        let duration = (i64::from(self.duration_secs) + secs).clamp(0, MAX_TIMER_SECS);
        self.duration_secs = u32::try_from(duration).unwrap_or(0);
        let remaining = (before + secs).clamp(-MAX_TIMER_SECS, MAX_TIMER_SECS);
        if self.running {
            if let Some(deadline) = now.checked_add_signed(chrono::Duration::seconds(remaining)) {
                self.deadline = Some(deadline);
            }
        } else {
            // A paused timer taken down stops at 00:00: overtime is time that ran, not time taken away.
            let floor = if secs < 0 { before.min(0) } else { -MAX_TIMER_SECS };
            self.remaining_secs = Some(remaining.max(floor));
        }
    }
}

/// The highest idea id a session may hold: 2^53, the largest integer every JSON reader keeps exact.
pub const MAX_ID: u64 = 1 << 53;

/// The longest a timer may be set to, and the furthest into overtime it counts: a week.
pub const MAX_TIMER_SECS: i64 = 7 * 24 * 60 * 60;

/// Every idea id up to [`MAX_ID`] is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdsExhausted;

impl IdsExhausted {
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        rust_i18n::t!("model.ids_exhausted", max = MAX_ID, locale = lang.code()).into_owned()
    }
}

impl std::fmt::Display for IdsExhausted {
    /// In English; what a user reads is [`IdsExhausted::message`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::i18n::Lang::En))
    }
}

impl std::error::Error for IdsExhausted {}

/// What a change touched, by id: a journal line carries these (and where the room is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    pub ideas: Vec<u64>,
    pub submissions: Vec<u64>,
    pub votes: Vec<u64>,
}

impl Changed {
    /// Only ideas.
    pub fn ideas(ideas: &[u64]) -> Changed {
        Changed { ideas: ideas.to_vec(), ..Changed::default() }
    }
}

/// What a new idea carries when it is captured; the session fills in id, stage, block and times.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewIdea {
    pub group: String,
    pub title: String,
    pub agency: Option<String>,
    pub author: Option<String>,
    pub detail: Option<String>,
    pub form: Option<Form>,
    pub digital: bool,
    pub flagship: bool,
    /// Overrides the block's stage (for ideas typed in after the session).
    pub stage: Option<Stage>,
    /// Overrides the current block (a block id that exists in the plan).
    pub block: Option<String>,
}

impl NewIdea {
    /// What an existing idea carries, to edit it in a form or to add it again to another version of the
    /// session (its own stage and block; the caller replaces what does not apply).
    pub fn from_idea(idea: &Idea) -> NewIdea {
        NewIdea {
            group: idea.group.clone(),
            title: idea.title.clone(),
            agency: idea.agency.clone(),
            author: idea.author.clone(),
            detail: idea.detail.clone(),
            form: idea.form,
            digital: idea.digital,
            flagship: idea.flagship,
            stage: Some(idea.stage),
            block: Some(idea.block.clone()),
        }
    }
}

/// What makes two ideas the same idea for duplicate checks: table, title and author, each trimmed, inner
/// runs of white space made one space, and case folded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DuplicateKey {
    group: String,
    title: String,
    author: String,
}

impl DuplicateKey {
    pub fn of(group: &str, title: &str, author: Option<&str>) -> DuplicateKey {
        let fold = |text: &str| {
            let clean = text::clean_line(text);
            clean.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
        };
        DuplicateKey { group: group.to_string(), title: fold(title), author: fold(author.unwrap_or_default()) }
    }

    pub fn of_idea(idea: &Idea) -> DuplicateKey {
        DuplicateKey::of(&idea.group, &idea.title, idea.author.as_deref())
    }
}

impl Session {
    /// A fresh session of `plan`: its numbered tables, no ideas, on the first block with its timer paused.
    /// The plan must have at least one block (a validated plan does).
    pub fn new(plan: Plan, now: Timestamp) -> Session {
        let groups = (1..=plan.tables.max(1)).map(TableGroup::numbered).collect();
        let block = plan.blocks().next().map(|(_, first)| first.id.clone()).unwrap_or_default();
        Session {
            schema_version: SCHEMA_VERSION,
            created_at: now,
            updated_at: now,
            plan,
            groups,
            ideas: Vec::new(),
            progress: Progress { block, timers: Vec::new(), wall: Wall::default() },
            room: Room::default(),
            votes: Vec::new(),
        }
    }

    /// Makes every text of a loaded session inert: a hand-edited or foreign file may hold escape sequences,
    /// and every output (screen, CSV, Markdown, workbook, JSON, tally, error lines) is made from this session.
    /// Ids are made inert too, and every reference to them the same way, so references still resolve (ids
    /// are written to the CSV and JSON exports); two ids that only differed by a sequence become duplicates,
    /// which validation then reports. Costs one byte scan when the text is clean.
    pub fn make_inert(&mut self) {
        self.make_inert_but_ideas();
        for idea in &mut self.ideas {
            idea.make_inert();
        }
    }

    /// [`Session::make_inert`] for everything but the ideas (made inert one by one, [`Idea::make_inert`]).
    pub fn make_inert_but_ideas(&mut self) {
        self.plan.make_inert();
        text::make_inert(&mut self.progress.block);
        for timer in &mut self.progress.timers {
            text::make_inert(&mut timer.block);
        }
        for group in &mut self.groups {
            text::make_inert(&mut group.id);
            text::make_inert(&mut group.name);
            for member in &mut group.members {
                text::make_inert(&mut member.name);
                text::make_inert_opt(&mut member.agency);
            }
        }
        for s in &mut self.room.submissions {
            for field in [&mut s.group, &mut s.name, &mut s.title, &mut s.block, &mut s.phone, &mut s.nonce] {
                text::make_inert(field);
            }
            text::make_inert_opt(&mut s.agency);
            if let Some(detail) = s.detail.as_mut() {
                text::make_inert_multiline(detail);
            }
        }
        for block in &mut self.room.auto_approve {
            text::make_inert(block);
        }
        for vote in &mut self.votes {
            vote.make_inert();
        }
    }

    /// The next idea id: one past the highest ever used. Ideas are never removed, so no id comes back. `None`
    /// once every id up to [`MAX_ID`] is used (a loaded file holds none above it).
    pub fn next_idea_id(&self) -> Option<u64> {
        let next = self.ideas.iter().map(|i| i.id).max().map_or(Some(1), |max| max.checked_add(1))?;
        (next <= MAX_ID).then_some(next)
    }

    pub fn live_ideas(&self) -> impl Iterator<Item = &Idea> {
        self.ideas.iter().filter(|i| i.is_live())
    }

    pub fn live_idea_count(&self) -> usize {
        self.live_ideas().count()
    }

    pub fn idea(&self, id: u64) -> Option<&Idea> {
        self.idea_position(id).map(|i| &self.ideas[i])
    }

    pub fn idea_mut(&mut self, id: u64) -> Option<&mut Idea> {
        self.idea_position(id).map(|i| &mut self.ideas[i])
    }

    /// Where the idea with `id` is in `ideas`. Ideas are kept in the order of their ids (each new one has the
    /// highest), so a binary search finds it; a hand-edited file in another order is searched through.
    pub fn idea_position(&self, id: u64) -> Option<usize> {
        match self.ideas.binary_search_by_key(&id, |i| i.id) {
            Ok(i) => Some(i),
            Err(_) => self.ideas.iter().position(|i| i.id == id),
        }
    }

    pub fn group(&self, id: &str) -> Option<&TableGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Finds a table by id ("meja-2"), by its number in the room (1-based: "2"), or by name ("Meja 2",
    /// case-insensitive).
    pub fn resolve_group(&self, wanted: &str) -> Option<&TableGroup> {
        let wanted = wanted.trim();
        if let Some(group) = self.group(wanted) {
            return Some(group);
        }
        if let Ok(n) = wanted.parse::<usize>() {
            return n.checked_sub(1).and_then(|i| self.groups.get(i));
        }
        let wanted = wanted.to_lowercase();
        self.groups.iter().find(|g| g.name.trim().to_lowercase() == wanted)
    }

    /// The block on the wall, and its position. A validated session always has one.
    pub fn current_block(&self) -> Option<(BlockPos, &Block)> {
        self.plan.find_block(&self.progress.block)
    }

    /// The countdown of `block`: its own if it has left its schedule, else a paused one at its scheduled length.
    pub fn timer_of(&self, block: &Block) -> Timer {
        self.progress.timers.iter().find(|t| t.block == block.id).cloned().unwrap_or_else(|| Timer::for_block(block))
    }

    /// Keeps `timer` as its block's countdown, in place of the one it had.
    pub fn set_timer(&mut self, timer: Timer) {
        match self.progress.timers.iter_mut().find(|t| t.block == timer.block) {
            Some(kept) => *kept = timer,
            None => self.progress.timers.push(timer),
        }
    }

    /// Puts `block`'s countdown back to its scheduled length.
    pub fn reset_timer(&mut self, block: &str) {
        self.progress.timers.retain(|t| t.block != block);
    }

    /// The block an idea typed in outside the room (`idea add`, `import`) is filed under when none is named:
    /// the block on the wall if it captures ideas, else the latest idea-capturing block before it (the room
    /// has moved on to a break or a plenary), else the plan's first idea-capturing block (a session not started
    /// yet stands on registration), else the block on the wall (a plan with no such block).
    pub fn default_capture_block(&self) -> Option<(BlockPos, &Block)> {
        let current = self.current_block();
        let current_flat = current.map_or(0, |(pos, _)| self.plan.flat_index(pos));
        let blocks: Vec<(BlockPos, &Block)> = self.plan.blocks().collect();
        if let Some(found) = current.filter(|(_, b)| b.captures_ideas) {
            return Some(found);
        }
        let before = blocks[..current_flat.min(blocks.len())].iter().rev().find(|(_, b)| b.captures_ideas);
        let first = || blocks.iter().find(|(_, b)| b.captures_ideas);
        before.or_else(first).copied().or(current)
    }

    /// A live idea that `new` would repeat: the same table, the same title and the same author, compared as
    /// people retype them (case and spacing ignored; no author matches no author). Re-running an import or
    /// retrying `idea add` must not add the idea twice.
    pub fn find_duplicate(&self, new: &NewIdea) -> Option<u64> {
        let key = DuplicateKey::of(&new.group, &new.title, new.author.as_deref());
        self.live_ideas().find(|idea| DuplicateKey::of_idea(idea) == key).map(|idea| idea.id)
    }

    /// Adds a captured idea with the current block and stage and returns its id. Text is cleaned as untrusted.
    /// Fails, changing nothing, when the session has used every idea id.
    pub fn add_idea(&mut self, new: NewIdea, now: Timestamp) -> Result<u64, IdsExhausted> {
        let id = self.next_idea_id().ok_or(IdsExhausted)?;
        self.push_idea(id, new, now);
        Ok(id)
    }

    /// Adds an idea under `id`, which the caller knows is above every id in the session (the app keeps the
    /// next id, so a capture does not look through every idea for it). An `id` beyond [`MAX_ID`] is refused.
    pub fn add_idea_as(&mut self, id: u64, new: NewIdea, now: Timestamp) -> Result<u64, IdsExhausted> {
        if id == 0 || id > MAX_ID {
            return Err(IdsExhausted);
        }
        self.push_idea(id, new, now);
        Ok(id)
    }

    /// Adds many ideas at once (an import), in order, with consecutive ids; all or none (when the ids would
    /// run out, nothing is added). Linear in the ideas added, whatever the session's size.
    pub fn add_ideas(&mut self, news: Vec<NewIdea>, now: Timestamp) -> Result<Vec<u64>, IdsExhausted> {
        let Some(first) = self.next_idea_id() else {
            return if news.is_empty() { Ok(Vec::new()) } else { Err(IdsExhausted) };
        };
        let last = first.checked_add(news.len() as u64).and_then(|end| end.checked_sub(1)).ok_or(IdsExhausted)?;
        if last > MAX_ID && !news.is_empty() {
            return Err(IdsExhausted);
        }
        self.ideas.reserve(news.len());
        let ids = (first..).zip(news).map(|(id, new)| {
            self.push_idea(id, new, now);
            id
        });
        Ok(ids.collect())
    }

    fn push_idea(&mut self, id: u64, new: NewIdea, now: Timestamp) {
        let block_id = new.block.as_deref().unwrap_or(&self.progress.block);
        let (block, block_stage) = match self.plan.find_block(block_id) {
            Some((_, b)) => (b.id.clone(), b.stage),
            None => (block_id.to_string(), Stage::None),
        };
        let clean_opt = |s: Option<String>| s.map(|s| text::clean_line(&s)).filter(|s| !s.is_empty());
        self.ideas.push(Idea {
            id,
            group: new.group,
            agency: clean_opt(new.agency),
            author: clean_opt(new.author),
            title: text::clean_line(&new.title),
            detail: new.detail.map(|d| text::clean_multiline(&d)).filter(|d| !d.is_empty()),
            stage: new.stage.unwrap_or(block_stage),
            block,
            form: new.form,
            digital: new.digital,
            flagship: new.flagship,
            created_at: now,
            updated_at: now,
            deleted: false,
            source: None,
        });
        self.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::at;

    fn session() -> Session {
        crate::testing::seed_session(at("2022-11-02T08:00:00+07:00"))
    }

    fn first_timer(s: &Session) -> Timer {
        s.timer_of(&s.plan.days[0].blocks[0])
    }

    #[test]
    fn each_block_keeps_its_own_timer() {
        let mut s = session();
        let t0 = at("2022-11-02T08:00:00+07:00");
        let (first, second) = (s.plan.days[0].blocks[0].clone(), s.plan.days[0].blocks[1].clone());
        let mut one = s.timer_of(&first);
        one.start(t0);
        s.set_timer(one);
        let mut two = s.timer_of(&second);
        two.adjust(300, t0);
        two.start(t0);
        s.set_timer(two);
        let later = at("2022-11-02T08:10:00+07:00");
        assert_eq!(s.timer_of(&first).remaining_at(later), i64::from(first.duration_secs()) - 600, "still running");
        assert_eq!(s.timer_of(&second).remaining_at(later), i64::from(second.duration_secs()) + 300 - 600);
        assert_eq!(s.progress.timers.len(), 2);
        s.reset_timer(&first.id);
        assert_eq!(s.timer_of(&first), Timer::for_block(&first), "back to its schedule");
        assert!(s.timer_of(&second).running, "the other block's timer is untouched");
    }

    #[test]
    fn new_session_starts_on_first_block_with_tables() {
        let s = session();
        assert_eq!(s.groups.len(), 6);
        assert_eq!(s.progress.block, s.plan.days[0].blocks[0].id);
        assert!(s.progress.timers.is_empty(), "every block stands at its schedule");
        let t = first_timer(&s);
        assert_eq!(t.remaining_secs, Some(30 * 60));
        assert!(!t.running);
    }

    #[test]
    fn ids_are_never_reused_even_after_delete() {
        let mut s = session();
        let now = s.created_at;
        let a = s.add_idea(NewIdea { group: "meja-1".into(), title: "A".into(), ..Default::default() }, now).unwrap();
        let b = s.add_idea(NewIdea { group: "meja-1".into(), title: "B".into(), ..Default::default() }, now).unwrap();
        s.idea_mut(b).unwrap().deleted = true;
        let c = s.add_idea(NewIdea { group: "meja-2".into(), title: "C".into(), ..Default::default() }, now).unwrap();
        assert_eq!((a, b, c), (1, 2, 3));
        assert_eq!(s.live_idea_count(), 2);
    }

    #[test]
    fn add_idea_takes_current_block_and_cleans_text() {
        let mut s = session();
        s.progress.block = "d2-curah-ide".into();
        let id = s
            .add_idea(
                NewIdea {
                    group: "meja-3".into(),
                    title: " \x1b[2JSIP online\n ".into(),
                    agency: Some("".into()),
                    ..Default::default()
                },
                s.created_at,
            )
            .unwrap();
        let idea = s.idea(id).unwrap();
        assert_eq!(idea.title, "SIP online");
        assert_eq!(idea.block, "d2-curah-ide");
        assert_eq!(idea.stage, Stage::Diagnose);
        assert_eq!(idea.agency, None);
    }

    #[test]
    fn ideas_typed_in_later_default_to_an_idea_capturing_block() {
        let mut s = session();
        let block = |s: &Session| s.default_capture_block().map(|(_, b)| b.id.clone()).unwrap();
        // A new session stands on registration: the plan's first idea-capturing block.
        assert_eq!(s.progress.block, "d1-registrasi");
        assert_eq!(block(&s), "d1-coaching-komitmen");
        // On a capturing block: that block.
        s.progress.block = "d2-akar-masalah".into();
        assert_eq!(block(&s), "d2-akar-masalah");
        // On a break or a plenary: the latest capturing block before it.
        s.progress.block = "d2-ishoma".into();
        assert_eq!(block(&s), "d2-akar-masalah");
        s.progress.block = "d3-penutupan".into();
        assert_eq!(block(&s), "d3-inovasi-unggulan");
        // A plan with no capturing block keeps the block on the wall.
        for day in &mut s.plan.days {
            for b in &mut day.blocks {
                b.captures_ideas = false;
            }
        }
        assert_eq!(block(&s), "d3-penutupan");
    }

    #[test]
    fn duplicates_ignore_case_and_spacing_but_not_table_or_author() {
        let mut s = session();
        let now = s.created_at;
        let new = |group: &str, title: &str, author: Option<&str>| NewIdea {
            group: group.into(),
            title: title.into(),
            author: author.map(Into::into),
            ..Default::default()
        };
        let id = s.add_idea(new("meja-1", "Bank  Sampah RW", Some("Budi")), now).unwrap();
        assert_eq!(s.find_duplicate(&new("meja-1", " bank sampah\trw ", Some("BUDI "))), Some(id));
        assert_eq!(s.find_duplicate(&new("meja-2", "Bank Sampah RW", Some("Budi"))), None, "another table");
        assert_eq!(s.find_duplicate(&new("meja-1", "Bank Sampah RW", None)), None, "no author is another author");
        assert_eq!(s.find_duplicate(&new("meja-1", "Bank Sampah", Some("Budi"))), None);
        let plain = s.add_idea(new("meja-3", "Posyandu", None), now).unwrap();
        assert_eq!(s.find_duplicate(&new("meja-3", "POSYANDU", Some("  "))), Some(plain), "empty author is none");
        s.idea_mut(id).unwrap().deleted = true;
        assert_eq!(
            s.find_duplicate(&new("meja-1", "Bank Sampah RW", Some("Budi"))),
            None,
            "deleted ideas do not count"
        );
    }

    #[test]
    fn resolve_group_by_id_number_and_name() {
        let s = session();
        assert_eq!(s.resolve_group("meja-2").map(|g| g.id.as_str()), Some("meja-2"));
        assert_eq!(s.resolve_group("3").map(|g| g.id.as_str()), Some("meja-3"));
        assert_eq!(s.resolve_group("MEJA 4").map(|g| g.id.as_str()), Some("meja-4"));
        assert!(s.resolve_group("0").is_none());
        assert!(s.resolve_group("Meja 9").is_none());
    }

    /// The fast path must agree with chrono's parser on every value it takes, and leave everything else to it.
    #[test]
    fn timestamps_read_as_chrono_reads_them() {
        let texts = [
            "2022-11-03T10:04:12+07:00",
            "2024-02-29T23:59:59-09:30",
            "2023-02-29T10:00:00+07:00",
            "2022-11-03T24:00:00+07:00",
            "2022-11-03T23:59:60+07:00",
            "2022-11-03T10:04:12+24:00",
            "2022-11-03T10:04:12+05:75",
            "2022-11-03T10:04:12-00:00",
            "0000-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59-23:59",
            "2022-11-03T10:04:12Z",
            "2022-11-03t10:04:12+07:00",
            "2022-11-03 10:04:12+07:00",
            "2022-11-03T10:04:12.5+07:00",
            "2022-13-03T10:04:12+07:00",
            "2022-11-3T10:04:12+07:00x",
            "2022-11-03T10:04:1a+07:00",
            "+2022-11-03T10:04:12+07:0",
            "",
        ];
        for text in texts {
            let chrono = text.parse::<Timestamp>();
            if let Some(fast) = fast_ideas::canonical(text) {
                assert_eq!(Ok(fast), chrono, "{text}");
                assert_eq!(fast.offset(), chrono.unwrap().offset(), "{text}");
            }
            let json = serde_json::to_string(text).unwrap();
            let ours = fast_ideas::timestamp(&mut serde_json::Deserializer::from_str(&json));
            let theirs = serde_json::from_str::<Timestamp>(&json);
            assert_eq!(ours.map_err(|e| e.to_string()), theirs.map_err(|e| e.to_string()), "{text}");
        }
        for json in ["5", "null", "[]", "\"2022-11-03T10:04:12+07:00\\u0030\""] {
            let ours = fast_ideas::timestamp(&mut serde_json::Deserializer::from_str(json));
            let theirs = serde_json::from_str::<Timestamp>(json);
            assert_eq!(ours.map_err(|e| e.to_string()), theirs.map_err(|e| e.to_string()), "{json}");
        }
    }

    /// Ideas decode exactly as `Idea`'s derived `Deserialize` decodes them, errors included.
    #[test]
    fn ideas_decode_as_the_derived_decoder_does() {
        let idea = r#"{"id": 1, "group": "meja-1", "title": "A", "stage": "diagnose", "block": "b",
            "created_at": "2022-11-03T10:04:12+07:00", "updated_at": "2022-11-03T10:04:12+07:00""#;
        let cases = [
            format!("[{idea}}}]"),
            format!("[{idea}, \"agency\": \"X\", \"author\": null, \"form\": \"governance\", \"digital\": true}}]"),
            format!("[{idea}, \"flagship\": true, \"deleted\": true, \"detail\": \"d\"}}, {idea}}}]"),
            format!("[{idea}, \"colour\": \"red\"}}]"),
            format!("[{idea}, \"id\": 2}}]"),
            format!("[{idea}, \"stage\": \"dreaming\"}}]"),
            format!("[{idea}, \"form\": 3}}]"),
            r#"[{"id": 1, "group": "meja-1"}]"#.to_string(),
            r#"[{"id": "1"}]"#.to_string(),
            r#"[{"id": 1, "created_at": "yesterday"}]"#.to_string(),
            r#"[{"id": 1, "created_at": 7}]"#.to_string(),
            r#"[1]"#.to_string(),
            r#"{}"#.to_string(),
            r#"[]"#.to_string(),
            r#"[{"id": 1,"#.to_string(),
        ];
        for json in &cases {
            let ours = fast_ideas::deserialize(&mut serde_json::Deserializer::from_str(json));
            let theirs = serde_json::from_str::<Vec<Idea>>(json);
            assert_eq!(ours.map_err(|e| e.to_string()), theirs.map_err(|e| e.to_string()), "{json}");
        }
    }

    #[test]
    fn timer_runs_pauses_and_extends() {
        let s = session();
        let mut t = first_timer(&s);
        let t0 = at("2022-11-02T08:00:00+07:00");
        t.start(t0);
        assert_eq!(t.remaining_at(at("2022-11-02T08:10:00+07:00")), 20 * 60);
        t.adjust(60, at("2022-11-02T08:10:00+07:00"));
        assert_eq!(t.remaining_at(at("2022-11-02T08:10:00+07:00")), 21 * 60);
        t.pause(at("2022-11-02T08:40:00+07:00"));
        assert_eq!(t.remaining_secs, Some(-9 * 60));
        assert_eq!(t.remaining_at(at("2022-11-02T09:40:00+07:00")), -9 * 60);
        t.adjust(-100_000, at("2022-11-02T09:40:00+07:00"));
        assert_eq!(t.duration_secs, 0);
        assert_eq!(t.remaining_secs, Some(-9 * 60), "taking time off a paused timer never adds overtime");
    }

    #[test]
    fn a_paused_timer_taken_down_stops_at_zero() {
        let now = at("2022-11-02T08:00:00+07:00");
        let mut t = first_timer(&session());
        t.remaining_secs = Some(30);
        t.adjust(-60, now);
        assert_eq!(t.remaining_at(now), 0, "00:30 minus a minute is 00:00, not overtime");
        t.adjust(-60, now);
        assert_eq!(t.remaining_at(now), 0);
        t.adjust(60, now);
        assert_eq!(t.remaining_at(now), 60);
        // A running timer may still be taken into overtime (the room sees the clock count on).
        t.start(now);
        t.adjust(-120, now);
        assert_eq!(t.remaining_at(now), -60);
    }

    #[test]
    fn timers_stay_in_range_whatever_they_are_given() {
        let now = at("2022-11-02T08:00:00+07:00");
        let mut t = first_timer(&session());
        t.adjust(i64::MAX, now);
        assert_eq!((t.duration_secs, t.remaining_at(now)), (MAX_TIMER_SECS as u32, MAX_TIMER_SECS));
        t.start(now);
        t.adjust(i64::MIN, now);
        assert_eq!((t.duration_secs, t.remaining_at(now)), (0, -MAX_TIMER_SECS));
        // A deadline years ago counts as a week of overtime, and pausing saves a value that loads.
        t.deadline = Some(at("1990-01-01T00:00:00+07:00"));
        t.pause(now);
        assert_eq!(t.remaining_secs, Some(-MAX_TIMER_SECS));
        // Starting at the edge of what chrono can hold leaves the timer paused instead of panicking.
        let mut edge = first_timer(&session());
        edge.start(chrono::DateTime::<chrono::Utc>::MAX_UTC.fixed_offset());
        assert!(!edge.running);
    }

    #[test]
    fn many_ideas_are_added_in_order_or_none_at_all() {
        let mut s = session();
        let now = s.created_at;
        let new = |t: &str| NewIdea { group: "meja-1".into(), title: t.into(), ..Default::default() };
        s.add_idea(new("A"), now).unwrap();
        assert_eq!(s.add_ideas(vec![new("B"), new("C")], now), Ok(vec![2, 3]));
        assert_eq!(s.ideas.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["A", "B", "C"]);
        s.ideas[2].id = MAX_ID - 1;
        assert_eq!(s.add_ideas(vec![new("D"), new("E")], now), Err(IdsExhausted));
        assert_eq!(s.ideas.len(), 3, "nothing added when the ids would run out");
        assert_eq!(s.add_ideas(vec![new("D")], now), Ok(vec![MAX_ID]));
    }

    #[test]
    fn ids_run_out_without_wrapping() {
        let mut s = session();
        let now = s.created_at;
        let new = || NewIdea { group: "meja-1".into(), title: "A".into(), ..Default::default() };
        s.add_idea(new(), now).unwrap();
        s.ideas[0].id = MAX_ID - 1;
        assert_eq!(s.add_idea(new(), now), Ok(MAX_ID));
        assert_eq!(s.add_idea(new(), now), Err(IdsExhausted));
        s.ideas[0].id = u64::MAX;
        assert_eq!(s.next_idea_id(), None);
        assert_eq!(s.ideas.len(), 2);
    }
}

/// The ideas of a run of a session file's `ideas` array (elements and the commas between them, without the
/// brackets), each read exactly as it is read inside the whole file; `None` when the run is not a whole,
/// non-empty number of elements. For decoding a large file's ideas in parts, on several threads, without
/// copying each part into an array of its own.
pub fn ideas_from_json_run(run: &str) -> Option<Vec<Idea>> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let mut ideas = Vec::with_capacity(run.len() / 512);
    let mut rest = run;
    loop {
        let mut one = serde_json::Deserializer::from_str(rest).into_iter::<fast_ideas::Idea>();
        ideas.push(one.next()?.ok()?.into());
        rest = rest[one.byte_offset()..].trim_start_matches(is_space);
        match rest.strip_prefix(',') {
            Some(next) => rest = next,
            None if rest.is_empty() => return Some(ideas),
            None => return None,
        }
    }
}

/// Reading the ideas of a session file, faster. The same shape as `Idea`'s derived `Deserialize`, field for
/// field and attribute for attribute (so every accepted file and every error message is the same), except
/// that a timestamp in the form innolab writes ("2022-11-03T10:04:12+07:00") is read directly instead of
/// through chrono's general parser, which was an eighth of the time spent loading a session. Any other
/// form goes to chrono's parser, exactly as before.
mod fast_ideas {
    use std::fmt;

    use chrono::{FixedOffset, NaiveDate, TimeZone};
    use serde::de::{self, Deserializer, SeqAccess, Visitor};

    use super::super::idea::{Form, Idea as StoredIdea, Source, Timestamp};
    use super::super::plan::Stage;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<StoredIdea>, D::Error> {
        deserializer.deserialize_seq(IdeasVisitor)
    }

    struct IdeasVisitor;

    impl<'de> Visitor<'de> for IdeasVisitor {
        type Value = Vec<StoredIdea>;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<StoredIdea>, A::Error> {
            // As serde's own `Vec` does: trust a size hint only up to about a megabyte.
            let capacity = seq.size_hint().unwrap_or(0).min(1024 * 1024 / size_of::<StoredIdea>().max(1));
            let mut ideas = Vec::with_capacity(capacity);
            while let Some(idea) = seq.next_element::<Idea>()? {
                ideas.push(idea.into());
            }
            Ok(ideas)
        }
    }

    /// The stored `Idea` as the file has it, under the same name (serde's messages say "struct Idea"). Keep in
    /// step: the conversion below names every field with its type, so a new or changed field fails to compile
    /// here until it is mirrored (with the same attributes).
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Idea {
        id: u64,
        group: String,
        #[serde(default)]
        agency: Option<String>,
        #[serde(default)]
        author: Option<String>,
        title: String,
        #[serde(default)]
        detail: Option<String>,
        stage: Stage,
        block: String,
        #[serde(default)]
        form: Option<Form>,
        #[serde(default)]
        digital: bool,
        #[serde(default)]
        flagship: bool,
        #[serde(deserialize_with = "timestamp")]
        created_at: Timestamp,
        #[serde(deserialize_with = "timestamp")]
        updated_at: Timestamp,
        #[serde(default)]
        deleted: bool,
        #[serde(default)]
        source: Option<Source>,
    }

    impl From<Idea> for StoredIdea {
        fn from(f: Idea) -> StoredIdea {
            StoredIdea {
                id: f.id,
                group: f.group,
                agency: f.agency,
                author: f.author,
                title: f.title,
                detail: f.detail,
                stage: f.stage,
                block: f.block,
                form: f.form,
                digital: f.digital,
                flagship: f.flagship,
                created_at: f.created_at,
                updated_at: f.updated_at,
                deleted: f.deleted,
                source: f.source,
            }
        }
    }

    pub(super) fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        deserializer.deserialize_str(TimestampVisitor)
    }

    /// chrono's own visitor for `DateTime<FixedOffset>` (same expectation, same errors), with a fast path.
    struct TimestampVisitor;

    impl Visitor<'_> for TimestampVisitor {
        type Value = Timestamp;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("an RFC 3339 formatted date and time string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Timestamp, E> {
            match canonical(value) {
                Some(at) => Ok(at),
                None => value.parse().map_err(E::custom),
            }
        }
    }

    /// "YYYY-MM-DDTHH:MM:SS+HH:MM" exactly, every field in range (no leap second, no fraction): the value
    /// chrono's parser gives for it. None for anything else, which chrono then parses (or rejects) itself.
    pub(super) fn canonical(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() != 25 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if b[22] != b':' || !matches!(b[19], b'+' | b'-') {
            return None;
        }
        let num = |at: usize, len: usize| -> Option<u32> {
            b[at..at + len].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        let (off_hours, off_minutes) = (num(20, 2)?, num(23, 2)?);
        if hour > 23 || minute > 59 || second > 59 || off_hours > 23 || off_minutes > 59 {
            return None;
        }
        let local =
            NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?.and_hms_opt(hour, minute, second)?;
        let offset_secs = i32::try_from(off_hours * 3600 + off_minutes * 60).ok()?;
        let offset = FixedOffset::east_opt(if b[19] == b'-' { -offset_secs } else { offset_secs })?;
        offset.from_local_datetime(&local).single()
    }
}
