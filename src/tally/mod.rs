//! After-session tallies over one or more sessions: ideas per table, agency, stage, day, block and form, the
//! One Agency One Innovation check and the awards list, and their text, CSV and markdown renderings.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_i18n::t;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

pub mod readiness;

use crate::export::markdown::escape_cell;
use crate::i18n::Lang;
use crate::model::text::inert;
use crate::model::{Block, Form, Idea, Member, Session, Stage};

/// One session to tally, with the file name it is reported under.
#[derive(Debug, Clone)]
pub struct SessionRef<'a> {
    /// The session's file name, as the organiser knows it ("2022-11-02-lab.json").
    pub name: String,
    pub session: &'a Session,
}

impl<'a> SessionRef<'a> {
    pub fn new(name: impl Into<String>, session: &'a Session) -> Self {
        SessionRef { name: name.into(), session }
    }
}

/// The tallies of one or more sessions. Deleted ideas are never counted. Every list has a fixed order, so the
/// same sessions always give the same output (golden tests, diffs between runs).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Each session, in the order given.
    pub sessions: Vec<SessionTally>,
    /// Live ideas over all sessions.
    pub ideas: usize,
    /// The sum of the sessions' idea targets.
    pub target: u64,
    /// Live ideas chosen as flagship.
    pub flagship: usize,
    /// Live ideas that are digital.
    pub digital: usize,
    /// Session by session, tables in room order.
    pub by_group: Vec<GroupTally>,
    /// Agencies with at least one idea, most ideas first, then by name; ideas without any agency last, as
    /// one entry whose `agency` is null.
    pub by_agency: Vec<AgencyTally>,
    pub by_stage: StageCounts,
    /// Every day of every plan, by date (days of different sessions on the same date are merged).
    pub by_day: Vec<DayTally>,
    /// Session by session, blocks in agenda order, zeros included (a sparkline per block).
    pub by_block: Vec<BlockTally>,
    pub by_form: FormCounts,
    /// Known agencies with no live idea, by name.
    pub agencies_without_ideas: Vec<String>,
    /// Known agencies with no flagship idea (including those with no idea at all), by name.
    pub agencies_without_flagship: Vec<String>,
    /// Every known agency, by name.
    pub one_agency_one_innovation: Vec<AgencyStatus>,
    /// The awards list: everyone credited with at least one live idea, by session, table, agency, name.
    pub authors: Vec<AuthorTally>,
    /// Files the caller could not load; they are named in every rendering.
    pub left_out: Vec<LeftOut>,
    /// Files the caller was given but did not count (the same file named twice); named in every rendering.
    pub skipped: Vec<SkippedFile>,
    /// What is still open before the awards and the report, session by session (see `readiness::check`).
    pub readiness: Vec<ReadinessItem>,
}

/// An open item of one session's readiness check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadinessItem {
    /// Shared by the session's items: a year of labs can have tens of thousands.
    pub session: std::sync::Arc<str>,
    #[serde(flatten)]
    pub finding: readiness::Finding,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionTally {
    /// The session's file name.
    pub session: String,
    pub title: String,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub ideas: usize,
    pub flagship: usize,
    pub target: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupTally {
    pub session: String,
    /// The table's id ("meja-2").
    pub group: String,
    /// The table's name ("Meja 2"); the id when an idea names a table the session does not have.
    pub name: String,
    pub ideas: usize,
    pub flagship: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencyTally {
    /// None for the ideas that have no agency, directly or through their author.
    pub agency: Option<String>,
    pub ideas: usize,
    pub flagship: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayTally {
    pub date: NaiveDate,
    pub ideas: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockTally {
    pub session: String,
    /// The block's id.
    pub block: String,
    pub title: String,
    pub date: NaiveDate,
    /// 1-based day of the plan.
    pub day: usize,
    pub stage: Stage,
    pub ideas: usize,
}

/// Where an agency stands against "One Agency, One Innovation" (every agency needs a flagship each year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OneAgencyStatus {
    NoIdea,
    NoFlagship,
    HasFlagship,
}

impl OneAgencyStatus {
    pub fn key(self) -> &'static str {
        match self {
            OneAgencyStatus::NoIdea => "no_idea",
            OneAgencyStatus::NoFlagship => "no_flagship",
            OneAgencyStatus::HasFlagship => "has_flagship",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencyStatus {
    pub agency: String,
    pub ideas: usize,
    pub flagship: usize,
    pub status: OneAgencyStatus,
}

/// One person on the awards list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorTally {
    pub session: String,
    /// As first written in an idea's author field.
    pub name: String,
    /// The roster member's agency, else the agency of their first idea that has one.
    pub agency: Option<String>,
    /// The id of the table they sit at (the roster's, else the table of their first idea).
    pub group: String,
    /// That table's name.
    pub table: String,
    pub ideas: usize,
    /// Whether the roster knows them (else their table and agency come from their ideas).
    pub on_roster: bool,
    /// On the roster and marked absent: the readiness check names them before the ceremony.
    pub absent: bool,
}

/// A file named on the command line that the tally did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub path: String,
    #[serde(flatten)]
    pub why: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// The same file as one already counted (`same_as`, as it was named).
    Duplicate { same_as: String },
    /// Not a session but an innolab export (a tally saved among the sessions, say).
    Export { format: crate::export::ExportFormat },
}

/// A file that was meant to be tallied but could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    pub path: String,
    /// The load error as shown to the user (store errors already start with the path).
    pub error: String,
}

impl LeftOut {
    /// "path: error", without saying the path twice when the error already starts with it.
    pub fn line(&self) -> String {
        if self.error.starts_with(&self.path) { self.error.clone() } else { format!("{}: {}", self.path, self.error) }
    }
}

/// Ideas per 5D stage, every stage present (a missing key would read as "not tracked", not "zero").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StageCounts {
    pub drum_up: usize,
    pub diagnose: usize,
    pub design: usize,
    pub deliver: usize,
    pub display: usize,
    pub none: usize,
}

impl StageCounts {
    pub fn get(&self, stage: Stage) -> usize {
        match stage {
            Stage::DrumUp => self.drum_up,
            Stage::Diagnose => self.diagnose,
            Stage::Design => self.design,
            Stage::Deliver => self.deliver,
            Stage::Display => self.display,
            Stage::None => self.none,
        }
    }

    fn add(&mut self, other: &StageCounts) {
        for stage in Stage::ALL {
            *self.slot(stage) += other.get(stage);
        }
    }

    fn slot(&mut self, stage: Stage) -> &mut usize {
        match stage {
            Stage::DrumUp => &mut self.drum_up,
            Stage::Diagnose => &mut self.diagnose,
            Stage::Design => &mut self.design,
            Stage::Deliver => &mut self.deliver,
            Stage::Display => &mut self.display,
            Stage::None => &mut self.none,
        }
    }
}

/// Ideas per form (bentuk); `unspecified` counts the ideas nobody has classified yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FormCounts {
    pub governance: usize,
    pub public_service: usize,
    pub other_affairs: usize,
    pub unspecified: usize,
}

impl FormCounts {
    /// The four rows in report order: the three forms, then the unclassified.
    pub const ROWS: [Option<Form>; 4] =
        [Some(Form::Governance), Some(Form::PublicService), Some(Form::OtherAffairs), None];

    pub fn get(&self, form: Option<Form>) -> usize {
        match form {
            Some(Form::Governance) => self.governance,
            Some(Form::PublicService) => self.public_service,
            Some(Form::OtherAffairs) => self.other_affairs,
            None => self.unspecified,
        }
    }

    fn add(&mut self, other: &FormCounts) {
        for form in Self::ROWS {
            *self.slot(form) += other.get(form);
        }
    }

    fn slot(&mut self, form: Option<Form>) -> &mut usize {
        match form {
            Some(Form::Governance) => &mut self.governance,
            Some(Form::PublicService) => &mut self.public_service,
            Some(Form::OtherAffairs) => &mut self.other_affairs,
            None => &mut self.unspecified,
        }
    }

    /// The key used in JSON and CSV ("unspecified" for no form).
    pub fn key(form: Option<Form>) -> &'static str {
        form.map_or("unspecified", Form::key)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Matching names the way people type them

/// A name compared and hashed without regard to case, so "Dinas Kesehatan" and "DINAS KESEHATAN" are one
/// agency and "dr. Rina" on the roster is the author "Dr. Rina". Borrowed: no string is copied per idea.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caseless<'a>(pub &'a str);

impl Caseless<'_> {
    fn folded(&self) -> impl Iterator<Item = char> + '_ {
        self.0.chars().flat_map(char::to_lowercase)
    }
}

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        if a.is_ascii() && b.is_ascii() {
            return a.eq_ignore_ascii_case(b);
        }
        self.folded().eq(other.folded())
    }
}

impl Eq for Caseless<'_> {}

/// Feeds the hasher the lower-cased UTF-8 bytes as little-endian 8-byte words (the last one zero-padded), then
/// the byte count, so equal names give the same calls whatever path produced the bytes (the ASCII fast path
/// or full Unicode case folding).
struct FoldedWords<'h, H: Hasher> {
    state: &'h mut H,
    word: u64,
    len: usize,
}

impl<H: Hasher> FoldedWords<'_, H> {
    fn push(&mut self, byte: u8) {
        self.word |= u64::from(byte) << (8 * (self.len % 8));
        self.len += 1;
        if self.len.is_multiple_of(8) {
            self.state.write_u64(self.word);
            self.word = 0;
        }
    }

    fn finish(self) {
        if !self.len.is_multiple_of(8) {
            self.state.write_u64(self.word);
        }
        self.state.write_usize(self.len);
    }
}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.0.is_ascii() {
            let bytes = self.0.as_bytes();
            let mut chunks = bytes.chunks_exact(8);
            for chunk in &mut chunks {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                state.write_u64(u64::from_le_bytes(word).to_ascii_lower_word());
            }
            let rest = chunks.remainder();
            if !rest.is_empty() {
                state.write_u64(tail_word(rest).to_ascii_lower_word());
            }
            state.write_usize(bytes.len());
        } else {
            let mut out = FoldedWords { state, word: 0, len: 0 };
            let mut utf8 = [0u8; 4];
            for c in self.folded() {
                for &b in c.encode_utf8(&mut utf8).as_bytes() {
                    out.push(b);
                }
            }
            out.finish();
        }
    }
}

/// Up to eight bytes as a little-endian word, zero-padded (a loop: cheaper than a variable-length copy).
fn tail_word(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b))
}

/// ASCII lower-casing of eight bytes at once (every byte must be ASCII): sets bit 5 of each byte in `A..=Z`.
trait AsciiLowerWord {
    fn to_ascii_lower_word(self) -> u64;
}

impl AsciiLowerWord for u64 {
    fn to_ascii_lower_word(self) -> u64 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        // Per byte (all < 0x80): the high bit of (b + 0x3F) is set when b >= 'A', of (b + 0x25) when b > 'Z'.
        let at_least_a = self.wrapping_add(ONES * (0x80 - u64::from(b'A')));
        let above_z = self.wrapping_add(ONES * (0x80 - u64::from(b'Z') - 1));
        let upper = (at_least_a & !above_z) & (ONES * 0x80);
        self | (upper >> 2)
    }
}

/// The hasher of the tally's lookup tables: a multiply-fold over 8-byte words, keyed once per process. Far
/// cheaper than SipHash on the short names a tally looks up several times per idea; the per-process key keeps
/// the bucket layout unpredictable to whoever writes a session file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastState {
    seed: u64,
}

impl Default for FastState {
    fn default() -> Self {
        static SEED: OnceLock<u64> = OnceLock::new();
        FastState { seed: *SEED.get_or_init(|| RandomState::new().hash_one(0x1a6_u64) | 1) }
    }
}

impl BuildHasher for FastState {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(self.seed)
    }
}

pub(crate) struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let product = u128::from(self.0 ^ word) * u128::from(K);
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(rest) ^ ((rest.len() as u64) << 60));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`FastState`].
pub(crate) type FastMap<K, V> = HashMap<K, V, FastState>;

/// Orders names case-insensitively, then exactly (so the order never depends on hash-map iteration).
pub(crate) fn name_order(a: &str, b: &str) -> std::cmp::Ordering {
    let folded = if a.is_ascii() && b.is_ascii() {
        // The same order as below for ASCII, without decoding characters.
        a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        Caseless(a).folded().cmp(Caseless(b).folded())
    };
    folded.then_with(|| a.cmp(b))
}

/// A trimmed, non-empty name, or None.
fn present(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

pub use crate::model::agency::author_names;

// ---------------------------------------------------------------------------------------------------------
// Lookups into one session, built once so tallying stays O(ideas)

/// Where a block sits: its position in agenda order, its day (0-based) and date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockAt<'a> {
    pub block: &'a Block,
    pub flat: usize,
    pub day: usize,
    pub date: NaiveDate,
}

/// Hash lookups of a session's tables, blocks and roster. Shared by the tally and the exports so that an
/// idea's agency is decided by exactly one rule everywhere.
pub(crate) struct SessionIndex<'a> {
    groups: FastMap<&'a str, usize>,
    blocks: FastMap<&'a str, usize>,
    pub block_list: Vec<BlockAt<'a>>,
    members_at_table: FastMap<(usize, Caseless<'a>), &'a Member>,
    members_anywhere: FastMap<Caseless<'a>, (usize, &'a Member)>,
}

impl<'a> SessionIndex<'a> {
    pub fn new(session: &'a Session) -> Self {
        let mut index = SessionIndex::empty();
        index.rebuild(session);
        index
    }

    fn empty() -> Self {
        SessionIndex {
            groups: FastMap::default(),
            blocks: FastMap::default(),
            block_list: Vec::new(),
            members_at_table: FastMap::default(),
            members_anywhere: FastMap::default(),
        }
    }

    /// Makes this the index of `session`, reusing the tables' memory (a tally indexes session after session).
    fn rebuild(&mut self, session: &'a Session) {
        let SessionIndex { groups, blocks, block_list, members_at_table, members_anywhere } = self;
        groups.clear();
        for (i, group) in session.groups.iter().enumerate() {
            // Later duplicates replace earlier ones, as `collect` into a map does.
            groups.insert(group.id.as_str(), i);
        }
        block_list.clear();
        for (day, d) in session.plan.days.iter().enumerate() {
            for block in &d.blocks {
                block_list.push(BlockAt { block, flat: block_list.len(), day, date: d.date });
            }
        }
        blocks.clear();
        for at in block_list.iter() {
            // A validated plan has unique block ids; on a duplicate the first one wins, as in find_block.
            blocks.entry(at.block.id.as_str()).or_insert(at.flat);
        }
        members_at_table.clear();
        members_anywhere.clear();
        for (g, group) in session.groups.iter().enumerate() {
            for member in &group.members {
                let name = Caseless(member.name.trim());
                members_at_table.entry((g, name)).or_insert(member);
                members_anywhere.entry(name).or_insert((g, member));
            }
        }
    }

    pub fn group_index(&self, id: &str) -> Option<usize> {
        self.groups.get(id).copied()
    }

    pub fn block(&self, id: &str) -> Option<BlockAt<'a>> {
        self.blocks.get(id).map(|&flat| self.block_list[flat])
    }

    /// The idea's agency: its own `agency`, else the agency of the first of its authors found on the roster
    /// (at the idea's table first, else anywhere in the room: a participant may call out an idea at another
    /// table) who has one, else None. The awards list finds people the same way, so the two always agree.
    pub fn agency_of(&self, idea: &'a Idea, group: Option<usize>) -> Option<&'a str> {
        if let Some(agency) = present(idea.agency.as_deref()) {
            return Some(agency);
        }
        author_names(idea.author.as_deref()?)
            .filter_map(|name| self.member(name, group))
            .find_map(|(_, member)| present(member.agency.as_deref()))
    }

    /// The roster entry for an author: at the idea's table first, else anywhere in the room.
    pub fn member(&self, name: &str, group: Option<usize>) -> Option<(usize, &'a Member)> {
        let key = Caseless(name);
        group
            .and_then(|g| self.members_at_table.get(&(g, key)).map(|m| (g, *m)))
            .or_else(|| self.members_anywhere.get(&key).copied())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Counting

/// An agency in an [`AgencyBook`]: its name as first spelled, and what is kept about it.
pub(crate) struct AgencyAcc<'a, A> {
    pub name: &'a str,
    pub acc: A,
}

/// Ideas and flagships of one agency, for the tally.
#[derive(Default)]
pub(crate) struct AgencyCounts {
    ideas: usize,
    flagship: usize,
}

/// Agencies seen so far, in first-seen order (the roster first, so its spelling wins), found by name in any
/// case, each with what is kept about it (`A`).
pub(crate) struct AgencyBook<'a, A = AgencyCounts> {
    pub list: Vec<AgencyAcc<'a, A>>,
    index: FastMap<Caseless<'a>, usize>,
}

impl<A> Default for AgencyBook<'_, A> {
    fn default() -> Self {
        AgencyBook { list: Vec::new(), index: FastMap::default() }
    }
}

impl<'a, A: Default> AgencyBook<'a, A> {
    pub fn slot(&mut self, name: &'a str) -> &mut AgencyAcc<'a, A> {
        let next = self.list.len();
        let i = *self.index.entry(Caseless(name)).or_insert(next);
        if i == next {
            self.list.push(AgencyAcc { name, acc: A::default() });
        }
        &mut self.list[i]
    }
}

struct AuthorAcc<'a> {
    session: usize,
    name: &'a str,
    /// The table's position in the room, or None for a table the session does not have.
    group: Option<usize>,
    group_id: &'a str,
    table: &'a str,
    agency: Option<&'a str>,
    ideas: usize,
    on_roster: bool,
    absent: bool,
}

/// What a run of consecutive sessions contributes to a tally. Runs are counted on separate threads when
/// there is much to count (a year of labs) and merged in order, so the result is the one a single pass gives.
struct Part<'a> {
    /// Filled for the run's sessions: totals, stage and form counts, the per-session lists and the authors.
    tally: Tally,
    agencies: AgencyBook<'a>,
    no_agency: (usize, usize),
    days: BTreeMap<NaiveDate, usize>,
}

/// Below this many ideas a tally is counted on the calling thread (the TUI's one session is well below).
const PARALLEL_FROM_IDEAS: usize = 20_000;

/// Consecutive runs of `sessions` with about the same number of ideas each, one per core when the sessions
/// hold enough ideas to be worth a thread; else one run.
fn runs(sessions: &[SessionRef<'_>]) -> Vec<std::ops::Range<usize>> {
    let total: usize = sessions.iter().map(|s| s.session.ideas.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(sessions.len()).min(8);
    if threads <= 1 || total < PARALLEL_FROM_IDEAS {
        let all = 0..sessions.len();
        return vec![all];
    }
    let mut runs = Vec::with_capacity(threads);
    let (mut start, mut seen) = (0, 0);
    for (i, sref) in sessions.iter().enumerate() {
        seen += sref.session.ideas.len();
        if seen * threads >= total * (runs.len() + 1) && runs.len() + 1 < threads {
            runs.push(start..i + 1);
            start = i + 1;
        }
    }
    runs.push(start..sessions.len());
    runs
}

impl<'a> Part<'a> {
    /// Tallies `sessions[run]`, in one pass over their ideas with hash lookups keyed by borrowed names.
    fn count(sessions: &[SessionRef<'a>], run: std::ops::Range<usize>) -> Part<'a> {
        let mut tally = Tally::default();
        // The per-session lists' final sizes are known: reserve them, rather than grow and copy.
        let mine = &sessions[run.clone()];
        tally.sessions.reserve_exact(mine.len());
        tally.by_group.reserve(mine.iter().map(|s| s.session.groups.len()).sum());
        tally.by_block.reserve_exact(mine.iter().map(|s| s.session.plan.block_count()).sum());
        let mut agencies: AgencyBook<'a> = AgencyBook::default();
        let mut no_agency = (0usize, 0usize);
        let mut authors: Vec<AuthorAcc<'a>> = Vec::new();
        // The awards list is per session: this session's authors, by name, to their place in `authors`.
        let mut author_index: FastMap<Caseless<'a>, usize> = FastMap::default();
        let mut days: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        let mut credited: Vec<&str> = Vec::new();

        let mut index = SessionIndex::empty();
        for (si, sref) in (run.start..).zip(mine) {
            let session = sref.session;
            index.rebuild(session);
            let name: std::sync::Arc<str> = sref.name.as_str().into();
            tally.readiness.extend(
                readiness::check_indexed(session, &index)
                    .into_iter()
                    .map(|finding| ReadinessItem { session: name.clone(), finding }),
            );
            author_index.clear();
            for member in session.groups.iter().flat_map(|g| &g.members) {
                if let Some(agency) = present(member.agency.as_deref()) {
                    agencies.slot(agency);
                }
            }
            let mut per_group = vec![(0usize, 0usize); session.groups.len()];
            let mut stray_groups: Vec<(&str, usize, usize)> = Vec::new();
            let mut per_block = vec![0usize; index.block_list.len()];
            let (mut ideas, mut flagship) = (0usize, 0usize);

            for idea in session.live_ideas() {
                let flag = usize::from(idea.flagship);
                ideas += 1;
                flagship += flag;
                let group = index.group_index(&idea.group);
                match group {
                    Some(g) => {
                        per_group[g].0 += 1;
                        per_group[g].1 += flag;
                    }
                    None => match stray_groups.iter_mut().find(|(id, _, _)| *id == idea.group) {
                        Some(entry) => {
                            entry.1 += 1;
                            entry.2 += flag;
                        }
                        None => stray_groups.push((&idea.group, 1, flag)),
                    },
                }
                match index.block(&idea.block) {
                    Some(at) => per_block[at.flat] += 1,
                    // Only a hand-edited file can name a block the plan lacks; its capture date stands in.
                    None => *days.entry(idea.created_at.date_naive()).or_default() += 1,
                }
                *tally.by_stage.slot(idea.stage) += 1;
                *tally.by_form.slot(idea.form) += 1;
                tally.digital += usize::from(idea.digital);

                // The agency as first spelled (the roster's spelling when it has one), whatever case was typed.
                let agency = index.agency_of(idea, group).map(|name| {
                    let agency = agencies.slot(name);
                    agency.acc.ideas += 1;
                    agency.acc.flagship += flag;
                    agency.name
                });
                if agency.is_none() {
                    no_agency.0 += 1;
                    no_agency.1 += flag;
                }

                credited.clear();
                for name in idea.author.as_deref().into_iter().flat_map(author_names) {
                    // "Budi; budi" credits Budi once for this idea.
                    if credited.iter().any(|seen| Caseless(seen) == Caseless(name)) {
                        continue;
                    }
                    credited.push(name);
                    let next = authors.len();
                    let i = *author_index.entry(Caseless(name)).or_insert(next);
                    if i == next {
                        let member = index.member(name, group);
                        let at = member.map(|(g, _)| g).or(group);
                        let (group_id, table) = match at {
                            Some(g) => (session.groups[g].id.as_str(), session.groups[g].name.as_str()),
                            None => (idea.group.as_str(), idea.group.as_str()),
                        };
                        let roster_agency = member.and_then(|(_, m)| present(m.agency.as_deref()));
                        let agency = roster_agency.map(|a| agencies.slot(a).name).or(agency);
                        let on_roster = member.is_some();
                        let absent = member.is_some_and(|(_, m)| !m.present);
                        authors.push(AuthorAcc {
                            session: si,
                            name,
                            group: at,
                            group_id,
                            table,
                            agency,
                            ideas: 0,
                            on_roster,
                            absent,
                        });
                    }
                    let acc = &mut authors[i];
                    acc.ideas += 1;
                    if acc.agency.is_none() {
                        acc.agency = agency;
                    }
                }
            }

            tally.ideas += ideas;
            tally.flagship += flagship;
            tally.target += u64::from(session.plan.target_ideas);
            tally.sessions.push(SessionTally {
                session: sref.name.to_string(),
                title: session.plan.title.clone(),
                first_date: session.plan.first_date(),
                last_date: session.plan.last_date(),
                ideas,
                flagship,
                target: session.plan.target_ideas,
            });
            for (group, (ideas, flagship)) in session.groups.iter().zip(per_group) {
                tally.by_group.push(GroupTally {
                    session: sref.name.to_string(),
                    group: group.id.clone(),
                    name: group.name.clone(),
                    ideas,
                    flagship,
                });
            }
            for (id, ideas, flagship) in stray_groups {
                tally.by_group.push(GroupTally {
                    session: sref.name.to_string(),
                    group: id.to_string(),
                    name: id.to_string(),
                    ideas,
                    flagship,
                });
            }
            for day in &session.plan.days {
                days.entry(day.date).or_default();
            }
            for (at, ideas) in index.block_list.iter().zip(per_block) {
                *days.entry(at.date).or_default() += ideas;
                tally.by_block.push(BlockTally {
                    session: sref.name.to_string(),
                    block: at.block.id.clone(),
                    title: at.block.title.clone(),
                    date: at.date,
                    day: at.day + 1,
                    stage: at.block.stage,
                    ideas,
                });
            }
        }

        // Authors were added session by session, so sorting each session's run is the same as sorting all.
        for run in authors.chunk_by_mut(|a, b| a.session == b.session) {
            run.sort_by(|a, b| {
                a.group
                    .unwrap_or(usize::MAX)
                    .cmp(&b.group.unwrap_or(usize::MAX))
                    .then_with(|| a.group_id.cmp(b.group_id))
                    .then_with(|| match (a.agency, b.agency) {
                        (Some(x), Some(y)) => name_order(x, y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    })
                    .then_with(|| name_order(a.name, b.name))
            });
        }
        tally.authors = authors
            .into_iter()
            .map(|a| AuthorTally {
                session: sessions[a.session].name.to_string(),
                name: a.name.to_string(),
                agency: a.agency.map(str::to_string),
                group: a.group_id.to_string(),
                table: a.table.to_string(),
                ideas: a.ideas,
                on_roster: a.on_roster,
                absent: a.absent,
            })
            .collect();
        Part { tally, agencies, no_agency, days }
    }
}

/// An agency name owned by a [`TallyBuilder`], compared and hashed like [`Caseless`].
#[derive(Debug, Clone)]
struct CaselessOwned(String);

impl PartialEq for CaselessOwned {
    fn eq(&self, other: &Self) -> bool {
        Caseless(&self.0) == Caseless(&other.0)
    }
}

impl Eq for CaselessOwned {}

impl Hash for CaselessOwned {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Caseless(&self.0).hash(state);
    }
}

/// A tally built a run of sessions at a time from what each run contributes, holding only owned names, so a
/// session can be dropped as soon as it is counted: a year of labs never has to sit in memory at once.
/// Runs are added in order (and builders of later runs merged in order), so the result is the one a single
/// pass over all sessions gives.
#[derive(Default)]
pub struct TallyBuilder {
    tally: Tally,
    /// Agencies in first-seen order: (name as first spelled, ideas, flagship).
    agencies: Vec<(String, usize, usize)>,
    index: FastMap<CaselessOwned, usize>,
    no_agency: (usize, usize),
    days: BTreeMap<NaiveDate, usize>,
}

impl TallyBuilder {
    pub fn new() -> TallyBuilder {
        TallyBuilder::default()
    }

    /// Counts one session (it may be dropped afterwards).
    pub fn add(&mut self, session: SessionRef<'_>) {
        let one = [session];
        self.absorb_part(Part::count(&one, 0..1));
    }

    /// A file that could not be loaded, named in every rendering.
    pub fn left_out(&mut self, left_out: LeftOut) {
        self.tally.left_out.push(left_out);
    }

    /// A file that was given but is not counted, named in every rendering.
    pub fn skipped(&mut self, skipped: SkippedFile) {
        self.tally.skipped.push(skipped);
    }

    fn slot(&mut self, name: &str) -> usize {
        let next = self.agencies.len();
        let key = CaselessOwned(name.to_string());
        let i = *self.index.entry(key).or_insert(next);
        if i == next {
            self.agencies.push((name.to_string(), 0, 0));
        }
        i
    }

    /// Adds the tallies of the sessions that follow those already added.
    fn absorb(
        &mut self,
        part: Tally,
        agencies: impl Iterator<Item = (String, usize, usize)>,
        no_agency: (usize, usize),
        days: BTreeMap<NaiveDate, usize>,
    ) {
        let whole = &mut self.tally;
        whole.sessions.extend(part.sessions);
        whole.by_group.extend(part.by_group);
        whole.by_block.extend(part.by_block);
        whole.ideas += part.ideas;
        whole.flagship += part.flagship;
        whole.digital += part.digital;
        whole.target += part.target;
        whole.by_stage.add(&part.by_stage);
        whole.by_form.add(&part.by_form);
        whole.left_out.extend(part.left_out);
        whole.skipped.extend(part.skipped);
        whole.readiness.extend(part.readiness);
        for (date, ideas) in days {
            *self.days.entry(date).or_default() += ideas;
        }
        self.no_agency.0 += no_agency.0;
        self.no_agency.1 += no_agency.1;
        for (name, ideas, flagship) in agencies {
            let i = self.slot(&name);
            self.agencies[i].1 += ideas;
            self.agencies[i].2 += flagship;
        }
        // An agency is spelled as first seen over all sessions: an earlier run may have seen it first.
        let mut authors = part.authors;
        for author in &mut authors {
            if let Some(agency) = author.agency.as_mut() {
                let i = self.slot(agency);
                if self.agencies[i].0 != *agency {
                    agency.clone_from(&self.agencies[i].0);
                }
            }
        }
        self.tally.authors.extend(authors);
    }

    fn absorb_part(&mut self, part: Part<'_>) {
        let agencies = part.agencies.list.into_iter().map(|a| (a.name.to_string(), a.acc.ideas, a.acc.flagship));
        self.absorb(part.tally, agencies, part.no_agency, part.days);
    }

    /// Adds a builder of the sessions that follow this one's.
    pub fn merge(&mut self, next: TallyBuilder) {
        self.absorb(next.tally, next.agencies.into_iter(), next.no_agency, next.days);
    }

    /// The cross-session lists: days, agencies and One Agency One Innovation.
    pub fn finish(self) -> Tally {
        let TallyBuilder { mut tally, agencies, no_agency, days, .. } = self;
        tally.by_day = days.into_iter().map(|(date, ideas)| DayTally { date, ideas }).collect();

        let mut known = agencies;
        known.sort_by(|a, b| name_order(&a.0, &b.0));
        let mut with_ideas: Vec<&(String, usize, usize)> = known.iter().filter(|a| a.1 > 0).collect();
        with_ideas.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name_order(&a.0, &b.0)));
        tally.by_agency = with_ideas
            .into_iter()
            .map(|a| AgencyTally { agency: Some(a.0.clone()), ideas: a.1, flagship: a.2 })
            .collect();
        if no_agency.0 > 0 {
            tally.by_agency.push(AgencyTally { agency: None, ideas: no_agency.0, flagship: no_agency.1 });
        }
        for (name, ideas, flagship) in known {
            let status = match (ideas, flagship) {
                (0, _) => OneAgencyStatus::NoIdea,
                (_, 0) => OneAgencyStatus::NoFlagship,
                _ => OneAgencyStatus::HasFlagship,
            };
            if ideas == 0 {
                tally.agencies_without_ideas.push(name.clone());
            }
            if flagship == 0 {
                tally.agencies_without_flagship.push(name.clone());
            }
            tally.one_agency_one_innovation.push(AgencyStatus { agency: name, ideas, flagship, status });
        }
        tally
    }
}

impl Tally {
    /// Tallies the live ideas of `sessions`. `left_out` starts empty; the caller fills it with the files that
    /// failed to load.
    pub fn of(sessions: &[SessionRef<'_>]) -> Tally {
        let runs = runs(sessions);
        let parts = if runs.len() <= 1 {
            vec![Part::count(sessions, 0..sessions.len())]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> =
                    runs.into_iter().map(|run| scope.spawn(move || Part::count(sessions, run))).collect();
                handles
                    .into_iter()
                    .map(|handle| match handle.join() {
                        Ok(part) => part,
                        // Counting only panics on a bug; re-raise it here.
                        Err(panic) => std::panic::resume_unwind(panic),
                    })
                    .collect::<Vec<_>>()
            })
        };
        let mut builder = TallyBuilder::new();
        for part in parts {
            builder.absorb_part(part);
        }
        builder.finish()
    }

    /// Ideas as a whole percentage of the target (0 when there is no target).
    pub fn percent_of_target(&self) -> u64 {
        (self.ideas as u64 * 100).checked_div(self.target).unwrap_or(0)
    }

    fn several_sessions(&self) -> bool {
        self.sessions.len() > 1
    }
}

// ---------------------------------------------------------------------------------------------------------
// Labels in the reader's language

pub fn stage_label(stage: Stage, lang: Lang) -> String {
    let l = lang.code();
    match stage {
        Stage::DrumUp => t!("report.stage.drum_up", locale = l),
        Stage::Diagnose => t!("report.stage.diagnose", locale = l),
        Stage::Design => t!("report.stage.design", locale = l),
        Stage::Deliver => t!("report.stage.deliver", locale = l),
        Stage::Display => t!("report.stage.display", locale = l),
        Stage::None => t!("report.stage.none", locale = l),
    }
    .into_owned()
}

pub fn form_label(form: Option<Form>, lang: Lang) -> String {
    let l = lang.code();
    match form {
        Some(Form::Governance) => t!("report.form.governance", locale = l),
        Some(Form::PublicService) => t!("report.form.public_service", locale = l),
        Some(Form::OtherAffairs) => t!("report.form.other_affairs", locale = l),
        None => t!("report.form.unspecified", locale = l),
    }
    .into_owned()
}

pub fn status_label(status: OneAgencyStatus, lang: Lang) -> String {
    let l = lang.code();
    match status {
        OneAgencyStatus::NoIdea => t!("report.status.no_idea", locale = l),
        OneAgencyStatus::NoFlagship => t!("report.status.no_flagship", locale = l),
        OneAgencyStatus::HasFlagship => t!("report.status.has_flagship", locale = l),
    }
    .into_owned()
}

/// "2022-11-02 – 2022-11-04", or one date for a one-day lab.
pub fn date_range(first: Option<NaiveDate>, last: Option<NaiveDate>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) | (None, Some(a)) => a.to_string(),
        (None, None) => String::new(),
    }
}

fn no_agency_label(lang: Lang) -> String {
    t!("report.no_agency", locale = lang.code()).into_owned()
}

fn totals_line(tally: &Tally, lang: Lang) -> String {
    t!(
        "report.totals",
        locale = lang.code(),
        ideas = tally.ideas,
        target = tally.target,
        percent = tally.percent_of_target(),
        flagship = tally.flagship,
        digital = tally.digital
    )
    .into_owned()
}

fn oaoi_line(tally: &Tally, lang: Lang) -> String {
    let with = tally.one_agency_one_innovation.len() - tally.agencies_without_flagship.len();
    t!(
        "report.oaoi_summary",
        locale = lang.code(),
        with = with,
        total = tally.one_agency_one_innovation.len(),
        without_ideas = tally.agencies_without_ideas.len()
    )
    .into_owned()
}

// ---------------------------------------------------------------------------------------------------------
// The sections, as headers and rows of cells, shared by the text and markdown renderings

/// A titled table of plain cells; each rendering escapes the cells its own way.
struct Section {
    title: String,
    /// A sentence shown before the table.
    intro: Option<String>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Which columns hold numbers (aligned right).
    numeric: Vec<bool>,
}

impl Section {
    /// Puts each row's session file name first: a tally over several sessions repeats table names.
    fn with_sessions<'s>(mut self, lang: Lang, sessions: impl Iterator<Item = &'s str>) -> Section {
        self.header.insert(0, col("session", lang));
        self.numeric.insert(0, false);
        for (row, session) in self.rows.iter_mut().zip(sessions) {
            row.insert(0, session.to_string());
        }
        self
    }
}

fn col(key: &str, lang: Lang) -> String {
    let l = lang.code();
    match key {
        "session" => t!("report.col.session", locale = l),
        "title" => t!("report.col.title", locale = l),
        "dates" => t!("report.col.dates", locale = l),
        "ideas" => t!("report.col.ideas", locale = l),
        "target" => t!("report.col.target", locale = l),
        "table" => t!("report.col.table", locale = l),
        "agency" => t!("report.col.agency", locale = l),
        "flagship" => t!("report.col.flagship", locale = l),
        "stage" => t!("report.col.stage", locale = l),
        "date" => t!("report.col.date", locale = l),
        "form" => t!("report.col.form", locale = l),
        "status" => t!("report.col.status", locale = l),
        "name" => t!("report.col.name", locale = l),
        _ => t!("report.col.file", locale = l),
    }
    .into_owned()
}

fn header(keys: &[&str], lang: Lang) -> Vec<String> {
    keys.iter().map(|k| col(k, lang)).collect()
}

fn sessions_section(tally: &Tally, lang: Lang) -> Section {
    Section {
        title: t!("report.sessions", locale = lang.code()).into_owned(),
        intro: None,
        header: header(&["file", "title", "dates", "ideas", "target"], lang),
        rows: tally
            .sessions
            .iter()
            .map(|s| {
                vec![
                    s.session.clone(),
                    s.title.clone(),
                    date_range(s.first_date, s.last_date),
                    s.ideas.to_string(),
                    s.target.to_string(),
                ]
            })
            .collect(),
        numeric: vec![false, false, false, true, true],
    }
}

/// The sections of the tally proper, from per table to One Agency One Innovation.
fn body_sections(tally: &Tally, lang: Lang) -> Vec<Section> {
    let l = lang.code();
    let mut per_table = Section {
        title: t!("report.per_table", locale = l).into_owned(),
        intro: None,
        header: header(&["table", "ideas", "flagship"], lang),
        rows: tally
            .by_group
            .iter()
            .map(|g| vec![g.name.clone(), g.ideas.to_string(), g.flagship.to_string()])
            .collect(),
        numeric: vec![false, true, true],
    };
    if tally.several_sessions() {
        per_table = per_table.with_sessions(lang, tally.by_group.iter().map(|g| g.session.as_str()));
    }
    let per_agency = Section {
        title: t!("report.per_agency", locale = l).into_owned(),
        intro: None,
        header: header(&["agency", "ideas", "flagship"], lang),
        rows: tally
            .by_agency
            .iter()
            .map(|a| {
                let name = a.agency.clone().unwrap_or_else(|| no_agency_label(lang));
                vec![name, a.ideas.to_string(), a.flagship.to_string()]
            })
            .collect(),
        numeric: vec![false, true, true],
    };
    let per_stage = Section {
        title: t!("report.per_stage", locale = l).into_owned(),
        intro: None,
        header: header(&["stage", "ideas"], lang),
        rows: Stage::ALL.iter().map(|&s| vec![stage_label(s, lang), tally.by_stage.get(s).to_string()]).collect(),
        numeric: vec![false, true],
    };
    let per_day = Section {
        title: t!("report.per_day", locale = l).into_owned(),
        intro: None,
        header: header(&["date", "ideas"], lang),
        rows: tally.by_day.iter().map(|d| vec![d.date.to_string(), d.ideas.to_string()]).collect(),
        numeric: vec![false, true],
    };
    let per_form = Section {
        title: t!("report.per_form", locale = l).into_owned(),
        intro: Some(t!("report.digital_line", locale = l, digital = tally.digital, ideas = tally.ideas).into_owned()),
        header: header(&["form", "ideas"], lang),
        rows: FormCounts::ROWS.iter().map(|&f| vec![form_label(f, lang), tally.by_form.get(f).to_string()]).collect(),
        numeric: vec![false, true],
    };
    let oaoi = Section {
        title: t!("report.oaoi", locale = l).into_owned(),
        intro: Some(oaoi_line(tally, lang)),
        header: header(&["agency", "ideas", "flagship", "status"], lang),
        rows: tally
            .one_agency_one_innovation
            .iter()
            .map(|a| vec![a.agency.clone(), a.ideas.to_string(), a.flagship.to_string(), status_label(a.status, lang)])
            .collect(),
        numeric: vec![false, true, true, false],
    };
    vec![per_table, per_agency, per_stage, per_day, per_form, oaoi]
}

/// An awardee's name as the awards list shows it: marked when the roster says they are absent, so nobody is
/// called up in vain.
fn awardee_name(author: &AuthorTally, lang: Lang) -> String {
    if author.absent {
        format!("{} {}", author.name, t!("form.absent_mark", locale = lang.code()))
    } else {
        author.name.clone()
    }
}

/// The awards list as a table (the markdown groups it by table and agency instead).
fn awards_section(tally: &Tally, lang: Lang) -> Section {
    let l = lang.code();
    let section = Section {
        title: t!("report.awards", locale = l).into_owned(),
        intro: Some(t!("report.awards_intro", locale = l, count = tally.authors.len()).into_owned()),
        header: header(&["name", "agency", "table", "ideas"], lang),
        rows: tally
            .authors
            .iter()
            .map(|a| {
                let agency = a.agency.clone().unwrap_or_else(|| no_agency_label(lang));
                vec![awardee_name(a, lang), agency, a.table.clone(), a.ideas.to_string()]
            })
            .collect(),
        numeric: vec![false, false, false, true],
    };
    if tally.several_sessions() {
        section.with_sessions(lang, tally.authors.iter().map(|a| a.session.as_str()))
    } else {
        section
    }
}

// ---------------------------------------------------------------------------------------------------------
// Text

/// Columns padded to their display width (wide characters count double), numbers aligned right.
fn write_text_table(out: &mut String, header: &[String], rows: &[Vec<String>], numeric: &[bool]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let last = widths.len().saturating_sub(1);
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths.get(i).copied().unwrap_or(0).saturating_sub(cell.width()));
            if numeric.get(i).copied().unwrap_or(false) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i < last {
                    line.push_str(&pad);
                }
            }
            if i < last {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn text_section(out: &mut String, section: &Section, lang: Lang) {
    out.push('\n');
    out.push_str(&section.title);
    out.push('\n');
    out.push_str(&"-".repeat(section.title.width()));
    out.push('\n');
    if let Some(intro) = &section.intro {
        out.push_str(intro);
        out.push('\n');
    }
    if section.rows.is_empty() {
        out.push_str(&t!("report.none", locale = lang.code()));
        out.push('\n');
        return;
    }
    let header: Vec<String> = section.header.iter().map(|h| h.to_uppercase()).collect();
    // Names come from session files, which a hand edit could fill with escape sequences.
    let rows: Vec<Vec<String>> =
        section.rows.iter().map(|r| r.iter().map(|c| inert(c).into_owned()).collect()).collect();
    write_text_table(out, &header, &rows, &section.numeric);
}

/// A titled list of sentences (the readiness check, files left out or skipped); each rendering makes them safe.
struct ListSection {
    title: String,
    intro: Option<String>,
    items: Vec<String>,
}

/// What is still open before the awards, first in every report so the organisers see it before the numbers:
/// item by item for one session; for several, one line per session that has open items, what kinds and how
/// many (a year of labs would otherwise bury the numbers under its items; `innolab check` lists them, and the
/// JSON and CSV carry every one).
fn readiness_section(tally: &Tally, lang: Lang) -> ListSection {
    let title = t!("readiness.title", locale = lang.code()).into_owned();
    if !tally.several_sessions() {
        let items = tally.readiness.iter().map(|item| item.finding.sentence(lang)).collect();
        return ListSection { title, intro: Some(readiness::intro(tally.readiness.len(), lang)), items };
    }
    let per_session: Vec<&[ReadinessItem]> = tally.readiness.chunk_by(|a, b| a.session == b.session).collect();
    let intro = match tally.readiness.len() {
        0 => readiness::intro(0, lang),
        open => t!(
            &crate::i18n::plural_key("readiness.open_in_sessions", open as u64),
            count = open,
            sessions = crate::i18n::count_of("count.sessions", per_session.len() as u64, lang),
            locale = lang.code()
        )
        .into_owned(),
    };
    let items = per_session
        .into_iter()
        .map(|items| {
            format!("{}: {}", items[0].session, readiness::summary(items.iter().map(|item| &item.finding), lang))
        })
        .collect();
    ListSection { title, intro: Some(intro), items }
}

/// The files that were named but not counted: left out (failed to load) and skipped (named twice).
fn file_sections(tally: &Tally, lang: Lang) -> Vec<ListSection> {
    let l = lang.code();
    let mut sections = Vec::new();
    if !tally.left_out.is_empty() {
        sections.push(ListSection {
            title: t!("report.left_out", locale = l).into_owned(),
            intro: None,
            items: tally.left_out.iter().map(LeftOut::line).collect(),
        });
    }
    if !tally.skipped.is_empty() {
        sections.push(ListSection {
            title: t!("report.skipped", locale = l).into_owned(),
            intro: None,
            items: tally
                .skipped
                .iter()
                .map(|file| match &file.why {
                    SkipReason::Duplicate { same_as } => {
                        t!("report.skipped_duplicate", path = file.path, same_as = same_as, locale = l).into_owned()
                    }
                    SkipReason::Export { format } => {
                        let what = format.described(lang);
                        t!("export.not_a_session", path = file.path, what = what, locale = l).into_owned()
                    }
                })
                .collect(),
        });
    }
    sections
}

fn text_list(out: &mut String, section: &ListSection) {
    let _ = write!(out, "\n{}\n{}\n", section.title, "-".repeat(section.title.width()));
    if let Some(intro) = &section.intro {
        let _ = writeln!(out, "{}", inert(intro));
    }
    for item in &section.items {
        let _ = writeln!(out, "- {}", inert(item));
    }
}

/// The tally for a terminal: a totals line, the readiness check, then one aligned table per section, then the
/// files left out or skipped. Every name is made inert, so a hostile session file cannot drive the terminal.
pub fn to_text(tally: &Tally, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&t!("report.tally", locale = lang.code()).to_uppercase());
    out.push('\n');
    out.push_str(&totals_line(tally, lang));
    out.push('\n');
    text_list(&mut out, &readiness_section(tally, lang));
    text_section(&mut out, &sessions_section(tally, lang), lang);
    for section in body_sections(tally, lang) {
        text_section(&mut out, &section, lang);
    }
    text_section(&mut out, &awards_section(tally, lang), lang);
    for section in file_sections(tally, lang) {
        text_list(&mut out, &section);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// Markdown

fn markdown_section(out: &mut String, section: &Section, level: usize, lang: Lang) {
    let _ = writeln!(out, "{} {}\n", "#".repeat(level), escape_cell(&section.title));
    if let Some(intro) = &section.intro {
        let _ = writeln!(out, "{}\n", escape_cell(intro));
    }
    if section.rows.is_empty() {
        let _ = writeln!(out, "{}\n", escape_cell(&t!("report.none", locale = lang.code())));
        return;
    }
    let cells = |row: &[String]| row.iter().map(|c| escape_cell(c)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(out, "| {} |", cells(&section.header));
    let rule: Vec<&str> = section.numeric.iter().map(|&n| if n { "--:" } else { "---" }).collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in &section.rows {
        let _ = writeln!(out, "| {} |", cells(row));
    }
    out.push('\n');
}

/// The awards list grouped by table, then agency: "- **Dinas Kesehatan**: dr. Rina (2), Budi (1)".
fn markdown_awards(out: &mut String, tally: &Tally, level: usize, lang: Lang) {
    let l = lang.code();
    let _ = writeln!(out, "{} {}\n", "#".repeat(level), escape_cell(&t!("report.awards", locale = l)));
    let _ = writeln!(out, "{}\n", escape_cell(&t!("report.awards_intro", locale = l, count = tally.authors.len())));
    let several = tally.several_sessions();
    let mut i = 0;
    while i < tally.authors.len() {
        let first = &tally.authors[i];
        let same_table = |a: &AuthorTally| a.session == first.session && a.group == first.group;
        let heading = if several { format!("{} · {}", first.session, first.table) } else { first.table.clone() };
        let _ = writeln!(out, "{} {}\n", "#".repeat(level + 1), escape_cell(&heading));
        while i < tally.authors.len() && same_table(&tally.authors[i]) {
            let agency = &tally.authors[i].agency;
            let mut names = Vec::new();
            while i < tally.authors.len() && same_table(&tally.authors[i]) && &tally.authors[i].agency == agency {
                let a = &tally.authors[i];
                names.push(format!("{} ({})", escape_cell(&awardee_name(a, lang)), a.ideas));
                i += 1;
            }
            let agency = match agency {
                Some(name) => format!("**{}**", escape_cell(name)),
                None => format!("*{}*", escape_cell(&no_agency_label(lang))),
            };
            let _ = writeln!(out, "- {agency}: {}", names.join(", "));
        }
        out.push('\n');
    }
}

/// The tally sections (per table … awards) at heading `level`, for the tally and the session report.
pub(crate) fn markdown_body(out: &mut String, tally: &Tally, level: usize, lang: Lang) {
    for section in body_sections(tally, lang) {
        markdown_section(out, &section, level, lang);
    }
    markdown_awards(out, tally, level, lang);
}

/// The tally as markdown: a title, the totals, the sessions, every section as a table, the awards grouped by
/// table and agency, and the files left out. Cells are escaped, so names can never inject markup or HTML.
pub fn to_markdown(tally: &Tally, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape_cell(&t!("report.tally", locale = lang.code())));
    let _ = writeln!(out, "{}\n", escape_cell(&totals_line(tally, lang)));
    markdown_readiness(&mut out, tally, 2, lang);
    markdown_section(&mut out, &sessions_section(tally, lang), 2, lang);
    markdown_body(&mut out, tally, 2, lang);
    for section in file_sections(tally, lang) {
        markdown_list(&mut out, &section, 2);
    }
    out
}

fn markdown_list(out: &mut String, section: &ListSection, level: usize) {
    let _ = writeln!(out, "{} {}\n", "#".repeat(level), escape_cell(&section.title));
    if let Some(intro) = &section.intro {
        let _ = writeln!(out, "{}\n", escape_cell(intro));
    }
    for item in &section.items {
        let _ = writeln!(out, "- {}", escape_cell(item));
    }
    if !section.items.is_empty() {
        out.push('\n');
    }
}

/// The readiness check at heading `level`, for the top of the tally and of the session report.
pub(crate) fn markdown_readiness(out: &mut String, tally: &Tally, level: usize, lang: Lang) {
    markdown_list(out, &readiness_section(tally, lang), level);
}

pub(crate) fn totals_markdown(tally: &Tally, lang: Lang) -> String {
    escape_cell(&totals_line(tally, lang))
}

// ---------------------------------------------------------------------------------------------------------
// CSV

/// The columns of [`to_csv`].
pub const CSV_COLUMNS: [&str; 9] =
    ["section", "session", "key", "name", "agency", "ideas", "flagship", "target", "status"];

/// The tally as one long CSV table a spreadsheet can filter and pivot, with the columns of [`CSV_COLUMNS`]:
///
/// | section | session | key | name | agency | ideas | flagship | target | status |
/// |---|---|---|---|---|---|---|---|---|
/// | `total` | | `all` | | | live ideas | flagship | sum of targets | |
/// | `session` | file | first date | title | | ideas | flagship | target | |
/// | `group` | file | table id | table name | | ideas | flagship | | |
/// | `agency` | | agency ("" = none) | agency, or "(no agency)" | agency ("" = none) | ideas | flagship | | |
/// | `stage` | | stage key | stage name | | ideas | | | |
/// | `day` | | date | date | | ideas | | | |
/// | `block` | file | block id | block title | | ideas | | | |
/// | `form` | | form key or `unspecified` | form name | | ideas | | | |
/// | `digital` | | `digital` | | | ideas | | | |
/// | `one_agency_one_innovation` | | agency | agency | agency | ideas | flagship | | status key |
/// | `author` | file | table id | person | agency | ideas | | | |
/// | `left_out` | | path | error | | | | | |
/// | `skipped` | | path | the file it duplicates, or the export's kind | | | | | `duplicate` or `export` |
/// | `readiness` | file | idea id, if about an idea | the open item, in words | agency, if about one | | | | kind |
///
/// Keys are stable and English; names are in `lang`. Text cells are made inert and neutralised against
/// formula injection, since this file is opened in spreadsheets.
pub fn to_csv(tally: &Tally, lang: Lang) -> String {
    let mut rows: Vec<[String; 9]> = Vec::new();
    let n = |v: usize| v.to_string();
    let e = String::new;
    rows.push([
        "total".into(),
        e(),
        "all".into(),
        e(),
        e(),
        n(tally.ideas),
        n(tally.flagship),
        tally.target.to_string(),
        e(),
    ]);
    for s in &tally.sessions {
        let first = s.first_date.map(|d| d.to_string()).unwrap_or_default();
        rows.push([
            "session".into(),
            s.session.clone(),
            first,
            s.title.clone(),
            e(),
            n(s.ideas),
            n(s.flagship),
            s.target.to_string(),
            e(),
        ]);
    }
    for g in &tally.by_group {
        rows.push([
            "group".into(),
            g.session.clone(),
            g.group.clone(),
            g.name.clone(),
            e(),
            n(g.ideas),
            n(g.flagship),
            e(),
            e(),
        ]);
    }
    for a in &tally.by_agency {
        let key = a.agency.clone().unwrap_or_default();
        let name = a.agency.clone().unwrap_or_else(|| no_agency_label(lang));
        rows.push(["agency".into(), e(), key.clone(), name, key, n(a.ideas), n(a.flagship), e(), e()]);
    }
    for stage in Stage::ALL {
        rows.push([
            "stage".into(),
            e(),
            stage.key().into(),
            stage_label(stage, lang),
            e(),
            n(tally.by_stage.get(stage)),
            e(),
            e(),
            e(),
        ]);
    }
    for d in &tally.by_day {
        rows.push(["day".into(), e(), d.date.to_string(), d.date.to_string(), e(), n(d.ideas), e(), e(), e()]);
    }
    for b in &tally.by_block {
        rows.push([
            "block".into(),
            b.session.clone(),
            b.block.clone(),
            b.title.clone(),
            e(),
            n(b.ideas),
            e(),
            e(),
            e(),
        ]);
    }
    for form in FormCounts::ROWS {
        rows.push([
            "form".into(),
            e(),
            FormCounts::key(form).into(),
            form_label(form, lang),
            e(),
            n(tally.by_form.get(form)),
            e(),
            e(),
            e(),
        ]);
    }
    rows.push(["digital".into(), e(), "digital".into(), e(), e(), n(tally.digital), e(), e(), e()]);
    for a in &tally.one_agency_one_innovation {
        rows.push([
            "one_agency_one_innovation".into(),
            e(),
            a.agency.clone(),
            a.agency.clone(),
            a.agency.clone(),
            n(a.ideas),
            n(a.flagship),
            e(),
            a.status.key().into(),
        ]);
    }
    for a in &tally.authors {
        let agency = a.agency.clone().unwrap_or_default();
        rows.push([
            "author".into(),
            a.session.clone(),
            a.group.clone(),
            a.name.clone(),
            agency,
            n(a.ideas),
            e(),
            e(),
            e(),
        ]);
    }
    for f in &tally.left_out {
        rows.push(["left_out".into(), e(), f.path.clone(), f.error.clone(), e(), e(), e(), e(), e()]);
    }
    for f in &tally.skipped {
        let (name, status) = match &f.why {
            SkipReason::Duplicate { same_as } => (same_as.clone(), "duplicate"),
            SkipReason::Export { format } => (format.extension().to_string(), "export"),
        };
        rows.push(["skipped".into(), e(), f.path.clone(), name, e(), e(), e(), e(), status.into()]);
    }
    for item in &tally.readiness {
        let finding = &item.finding;
        let key = finding.idea().map(|id| id.to_string()).unwrap_or_default();
        let agency = finding.agency().unwrap_or_default().to_string();
        rows.push([
            "readiness".into(),
            item.session.to_string(),
            key,
            finding.sentence(lang),
            agency,
            e(),
            e(),
            e(),
            finding.key().into(),
        ]);
    }

    match write_csv(&rows) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        // Writing into memory cannot fail: the csv crate's only errors are I/O and rows of unequal length, and
        // every row here has nine cells. Returning nothing beats a panic should that ever change.
        Err(_) => String::new(),
    }
}

fn write_csv(rows: &[[String; 9]]) -> Result<Vec<u8>, ::csv::Error> {
    use crate::export::csv::{finish, spreadsheet_writer, write_row};
    let mut writer = spreadsheet_writer(false);
    write_row(&mut writer, CSV_COLUMNS)?;
    for row in rows {
        write_row(&mut writer, row.iter().map(|cell| inert(cell)).collect::<Vec<_>>().iter().map(|c| c.as_ref()))?;
    }
    finish(writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseless_names_match_and_hash_alike() {
        use std::collections::HashSet;
        let set: HashSet<Caseless<'_>> =
            ["Dinas Kesehatan", "DINAS KESEHATAN", "dinas kesehatan"].into_iter().map(Caseless).collect();
        assert_eq!(set.len(), 1);
        assert!(Caseless("Ärzte") == Caseless("ärzte"));
        assert!(Caseless("Budi") != Caseless("Budiman"));
        // The Kelvin sign folds to an ASCII "k": equal across the ASCII fast path, so it must hash alike too.
        let set: HashSet<Caseless<'_>> = ["kota", "\u{212A}OTA", "Kota"].into_iter().map(Caseless).collect();
        assert_eq!(set.len(), 1);
        let long_ascii = "Dinas Komunikasi, Informatika, Statistik dan Persandian Kota Cilegon".repeat(3);
        let long_other = long_ascii.replacen('k', "\u{212A}", 1);
        let set: HashSet<Caseless<'_>> = [long_ascii.as_str(), long_other.as_str()].into_iter().map(Caseless).collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn word_lowering_matches_byte_lowering() {
        for b in 0u8..0x80 {
            let word = u64::from_le_bytes([b, b'Q', b'z', b'@', b'[', b, b'`', b'{']);
            let expected =
                u64::from_le_bytes([b, b'Q', b'z', b'@', b'[', b, b'`', b'{'].map(|c| c.to_ascii_lowercase()));
            assert_eq!(word.to_ascii_lower_word(), expected, "byte {b:#x}");
        }
    }

    #[test]
    fn caseless_names_hash_alike_in_the_tally_maps() {
        let mut map: FastMap<Caseless<'_>, usize> = FastMap::default();
        let long_ascii = "Dinas Komunikasi dan Informatika".repeat(2);
        let long_other = long_ascii.replacen('k', "\u{212A}", 1).to_uppercase();
        for name in ["Dinas Kesehatan", "DINAS KESEHATAN", "kota", "\u{212A}OTA", &long_ascii, &long_other, "12345678"]
        {
            *map.entry(Caseless(name)).or_default() += 1;
        }
        assert_eq!(map.len(), 4);
        assert_eq!(map.get(&Caseless("dinas kesehatan")), Some(&2));
        assert_eq!(map.get(&Caseless("KOTA")), Some(&2));
        assert_eq!(map.get(&Caseless(&long_ascii.to_lowercase())), Some(&2));
    }

    /// Sessions big enough to be counted in parallel, spelling the same agencies differently in different
    /// runs (so the first spelling must come from the earliest run), with authors at and away from their tables.
    fn many_sessions() -> Vec<Session> {
        use crate::model::{Idea, Plan, Role, roster::member};
        let spellings = ["DINAS SOSIAL", "Dinas Sosial", "dinas sosial", "Bappeda", "BAPPEDA", "Disdukcapil"];
        (0..12)
            .map(|s| {
                let start = NaiveDate::from_ymd_opt(2022, 1, 3).unwrap() + chrono::Duration::days(7 * s);
                let plan = Plan::builtin(start);
                let now = chrono::DateTime::parse_from_rfc3339("2022-01-03T08:00:00+07:00").unwrap();
                let mut session = Session::new(plan, now);
                if s % 3 == 2 {
                    session.groups[1].members.push(member("Budi", Some(spellings[(s as usize) % 6]), Role::Head, true));
                }
                session.groups[2].members.push(member("Rina", Some("Dinas Kesehatan"), Role::Staff, true));
                let blocks: Vec<String> = session.plan.blocks().map(|(_, b)| b.id.clone()).collect();
                for i in 0..2500u64 {
                    let g = (i as usize * 7 + s as usize) % session.groups.len();
                    session.ideas.push(Idea {
                        id: i + 1,
                        group: session.groups[g].id.clone(),
                        agency: (i % 5 == 0).then(|| spellings[((i / 5) as usize + s as usize) % 6].to_string()),
                        author: match i % 4 {
                            0 => Some("Budi".into()),
                            1 => Some("rina; Budi".into()),
                            2 => Some(format!("Tamu {}", i % 9)),
                            _ => None,
                        },
                        title: format!("Ide {i}"),
                        detail: None,
                        stage: Stage::ALL[i as usize % 6],
                        block: blocks[i as usize % blocks.len()].clone(),
                        form: None,
                        digital: i % 3 == 0,
                        flagship: i % 17 == 0,
                        created_at: now,
                        updated_at: now,
                        deleted: i % 11 == 0,
                    });
                }
                session
            })
            .collect()
    }

    #[test]
    fn counting_in_parallel_gives_the_one_pass_tally() {
        let sessions = many_sessions();
        let refs: Vec<SessionRef<'_>> =
            sessions.iter().enumerate().map(|(i, s)| SessionRef::new(format!("s{i}.json"), s)).collect();
        let counted = |run: std::ops::Range<usize>| {
            let mut builder = TallyBuilder::new();
            builder.absorb_part(Part::count(&refs, run));
            builder
        };
        let one_pass = counted(0..refs.len()).finish();
        // Every way of cutting the sessions into runs, including the one `Tally::of` picks, whether the runs
        // are absorbed by one builder or counted by builders of their own and merged in order.
        for cuts in [vec![1], vec![5], vec![11], vec![2, 7], vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]] {
            let mut bounds = vec![0];
            bounds.extend(cuts);
            bounds.push(refs.len());
            let mut absorbed = TallyBuilder::new();
            for w in bounds.windows(2) {
                absorbed.absorb_part(Part::count(&refs, w[0]..w[1]));
            }
            assert_eq!(absorbed.finish(), one_pass, "runs cut at {bounds:?}");
            let mut builders = bounds.windows(2).map(|w| counted(w[0]..w[1]));
            let mut merged = builders.next().unwrap();
            for builder in builders {
                merged.merge(builder);
            }
            assert_eq!(merged.finish(), one_pass, "builders merged at {bounds:?}");
        }
        // One session at a time, each dropped once counted (as `catalog::tally_files` does).
        let mut streamed = TallyBuilder::new();
        for (i, session) in sessions.iter().enumerate() {
            let copy = session.clone();
            streamed.add(SessionRef::new(format!("s{i}.json"), &copy));
        }
        assert_eq!(streamed.finish(), one_pass);
        assert!(runs(&refs).len() > 1 || std::thread::available_parallelism().map_or(1, |n| n.get()) == 1);
        assert_eq!(Tally::of(&refs), one_pass);
        // The last session alone spells the agency another way than the first one, which wins.
        let spelled = |t: &Tally, name: &str| t.by_agency.iter().any(|a| a.agency.as_deref() == Some(name));
        assert!(spelled(&counted(11..12).finish(), "DINAS SOSIAL"));
        assert!(spelled(&one_pass, "Dinas Sosial") && !spelled(&one_pass, "DINAS SOSIAL"));
        assert!(
            one_pass.authors.iter().any(|a| a.agency.as_deref() == Some("Dinas Sosial") && a.session == "s11.json")
        );
    }

    /// The index's hash lookups and the model's plain rule give every idea the same agency.
    #[test]
    fn the_index_and_the_model_agree_on_every_agency() {
        for session in many_sessions().iter().take(3) {
            let index = SessionIndex::new(session);
            for idea in &session.ideas {
                let group = index.group_index(&idea.group);
                assert_eq!(index.agency_of(idea, group), session.agency_of(idea), "idea {}", idea.id);
            }
        }
    }

    #[test]
    fn author_names_split_on_semicolons() {
        assert_eq!(author_names(" Budi ; dr. Rina;; ").collect::<Vec<_>>(), ["Budi", "dr. Rina"]);
        assert_eq!(author_names("  ").count(), 0);
    }

    #[test]
    fn name_order_ignores_case_first() {
        let mut names = vec!["dinas Sosial", "Bappeda", "Dinas kesehatan"];
        names.sort_by(|a, b| name_order(a, b));
        assert_eq!(names, ["Bappeda", "Dinas kesehatan", "dinas Sosial"]);
    }

    #[test]
    fn empty_tally_has_every_stage_and_form_key() {
        let json = serde_json::to_value(Tally::of(&[])).unwrap();
        let stages: Vec<&str> = json["by_stage"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(stages.len(), 6);
        for key in ["drum_up", "diagnose", "design", "deliver", "display", "none"] {
            assert_eq!(json["by_stage"][key], 0, "{key}");
        }
        for key in ["governance", "public_service", "other_affairs", "unspecified"] {
            assert_eq!(json["by_form"][key], 0, "{key}");
        }
        assert_eq!(json["ideas"], 0);
        assert_eq!(json["target"], 0);
    }

    #[test]
    fn text_table_aligns_wide_characters_and_numbers() {
        let mut out = String::new();
        let header = vec!["NAME".to_string(), "N".to_string()];
        let rows = vec![vec!["数字".to_string(), "7".to_string()], vec!["ab".to_string(), "12".to_string()]];
        write_text_table(&mut out, &header, &rows, &[false, true]);
        assert_eq!(out, "NAME   N\n数字   7\nab    12\n");
    }
}
