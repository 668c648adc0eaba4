//! After-session tallies over one or more sessions: ideas per table, agency, stage, day, block and form, the
//! One Agency One Innovation check and the awards list, and their text, CSV and markdown renderings.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use rust_i18n::t;
use serde::Serialize;

pub mod readiness;

use crate::i18n::Lang;
use crate::model::agency::present;
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
    Export { format: crate::formats::ExportFormat },
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

pub use crate::model::agency::author_names;
pub use crate::model::names::{Caseless, FastMap, name_order};

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
        crate::model::agency::agency_by(idea, |name| self.member(name, group).map(|(_, member)| member))
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

    pub fn several_sessions(&self) -> bool {
        self.sessions.len() > 1
    }
}

// ---------------------------------------------------------------------------------------------------------
// The One Agency One Innovation status in words

pub fn status_label(status: OneAgencyStatus, lang: Lang) -> String {
    let l = lang.code();
    match status {
        OneAgencyStatus::NoIdea => t!("report.status.no_idea", locale = l),
        OneAgencyStatus::NoFlagship => t!("report.status.no_flagship", locale = l),
        OneAgencyStatus::HasFlagship => t!("report.status.has_flagship", locale = l),
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
