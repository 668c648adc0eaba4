//! After-session tallies over one or more sessions: ideas per table, agency, stage, day, block and form, the
//! One Agency One Innovation check and the awards list, and their text, CSV and markdown renderings.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use rust_i18n::t;
use serde::Serialize;

pub mod json;
pub mod readiness;
#[cfg(test)]
pub(crate) mod reference;
pub mod view;

use crate::i18n::Lang;
use crate::model::agency::present;
use crate::model::{Block, Form, Idea, Member, Session, Stage};
use readiness::Finding;
pub use view::SessionView;
use view::{BlockView, MemberView};

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
    /// Every vote of every session, in order (left out when there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<VoteTally>,
}

/// One vote of one session: what was asked, how, and its results ranked (ties share a rank).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoteTally {
    pub session: String,
    pub vote: u64,
    pub question: String,
    pub method: crate::model::VoteMethod,
    pub open: bool,
    pub ballots: usize,
    /// Hands counted by the coach, over all ideas.
    pub hands: u64,
    pub results: Vec<VoteResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoteResult {
    pub rank: usize,
    pub idea: u64,
    pub title: String,
    pub votes: u64,
}

/// An open item of one session's readiness check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadinessItem {
    /// Shared by the session's items: a year of labs can have tens of thousands.
    pub session: std::sync::Arc<str>,
    #[serde(flatten)]
    pub finding: readiness::Finding,
}

/// One session's line. The rows of a tally (`S = String`) are also written straight from a session's
/// borrowed text (`S = &str`, `tally::json`), with the same serialisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionTally<S = String> {
    /// The session's file name.
    pub session: S,
    pub title: S,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub ideas: usize,
    pub flagship: usize,
    pub target: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupTally<S = String> {
    pub session: S,
    /// The table's id ("meja-2").
    pub group: S,
    /// The table's name ("Meja 2"); the id when an idea names a table the session does not have.
    pub name: S,
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
pub struct BlockTally<S = String> {
    pub session: S,
    /// The block's id.
    pub block: S,
    pub title: S,
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

/// One person on the awards list. (Read back only by `json`, to spell an agency anew in a written row.)
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct AuthorTally<S = String> {
    pub session: S,
    /// As first written in an idea's author field.
    pub name: S,
    /// The roster member's agency, else the agency of their first idea that has one.
    pub agency: Option<S>,
    /// The id of the table they sit at (the roster's, else the table of their first idea).
    pub group: S,
    /// That table's name.
    pub table: S,
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
// Lookups into one loaded session, built once so an export stays O(ideas)

/// Where a block sits: its position in agenda order, its day (0-based) and date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockAt<'a> {
    pub block: &'a Block,
    pub flat: usize,
    pub day: usize,
    pub date: NaiveDate,
}

/// Hash lookups of a session's tables, blocks and roster, for the exports: an idea's agency by the one rule
/// (`model::agency::agency_by`). The tally applies the same rule over a session's view, looking each name up
/// once for its counts, its awards list and its readiness check (`Counter::add`); the tests hold the two to
/// the tally as it was counted with this index (`reference`).
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

/// Where a roster member sits: the table's position, the member, and their agency's place in the session's
/// [`AgencyBook`].
#[derive(Clone, Copy)]
struct Seat<'v, 'a> {
    group: usize,
    member: &'v MemberView<'a>,
    agency: Option<usize>,
}

/// A name of the session (compared without regard to case): where it first sits on the roster, whether it
/// sits at several tables, and its place on the awards list once credited with an idea.
#[derive(Default)]
struct Person<'v, 'a> {
    seat: Option<Seat<'v, 'a>>,
    several_tables: bool,
    author: Option<usize>,
}

/// One agency of the session being counted: its live ideas and the ids of its flagships.
#[derive(Default)]
struct SessionAgency {
    ideas: usize,
    flagships: Vec<u64>,
}

/// An agency in an [`AgencyBook`]: its name as first spelled, and what is kept about it.
pub(crate) struct AgencyAcc<'a, A> {
    pub name: &'a str,
    pub acc: A,
}

/// Agencies seen so far, in first-seen order (the roster first, so its spelling wins), found by name in any
/// case, each with what is kept about it (`A`).
pub(crate) struct AgencyBook<'a, A> {
    pub list: Vec<AgencyAcc<'a, A>>,
    index: FastMap<Caseless<'a>, usize>,
}

impl<A> Default for AgencyBook<'_, A> {
    fn default() -> Self {
        AgencyBook { list: Vec::new(), index: FastMap::default() }
    }
}

impl<'a, A: Default> AgencyBook<'a, A> {
    /// Where `name` sits in the list (added if new).
    pub fn position(&mut self, name: &'a str) -> usize {
        let next = self.list.len();
        let i = *self.index.entry(Caseless(name)).or_insert(next);
        if i == next {
            self.list.push(AgencyAcc { name, acc: A::default() });
        }
        i
    }
}

/// Someone credited with ideas in the session being counted.
struct AuthorAcc<'a> {
    name: &'a str,
    /// The table's position in the room, or None for a table the session does not have.
    group: Option<usize>,
    group_id: &'a str,
    table: &'a str,
    /// The agency's place in the session's [`AgencyBook`].
    agency: Option<usize>,
    ideas: usize,
    on_roster: bool,
    absent: bool,
}

/// Where the rows of a tally (one or more per session) go as each session is counted: kept in the [`Tally`]
/// ([`Kept`]), or written out at once (`json::Written`). Rows borrow the session's text.
pub(crate) trait Rows: Default {
    fn session(&mut self, row: &SessionTally<&str>);
    fn group(&mut self, row: &GroupTally<&str>);
    fn block(&mut self, row: &BlockTally<&str>);
    /// `agency` is where the author's agency sits in the counter's list of agencies.
    fn author(&mut self, row: &AuthorTally<&str>, agency: Option<usize>);
    fn finding(&mut self, session: &str, finding: &readiness::Finding<&str>);
    /// Adds the rows of the sessions that follow; agency `i` of `next`'s list is `agencies[i]` of this one's.
    fn append(&mut self, next: Self, agencies: &[usize]);
}

/// An agency name owned by a [`Counter`], compared and hashed like [`Caseless`].
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

/// Counts session after session, holding only totals and owned names (the rows go to `R`), so a session can
/// be dropped as soon as it is counted. Sessions are added in order, and counters of later sessions merged
/// in order, so the result is the one a single pass over all sessions gives.
#[derive(Default)]
pub(crate) struct Counter<R> {
    /// The totals, stage and form counts, and the files left out or skipped; the rows are in `rows`.
    totals: Tally,
    /// Agencies in first-seen order: (name as first spelled, ideas, flagship).
    agencies: Vec<(String, usize, usize)>,
    index: FastMap<CaselessOwned, usize>,
    /// Every spelling met so far, to its agency.
    spelled: FastMap<String, usize>,
    no_agency: (usize, usize),
    days: BTreeMap<NaiveDate, usize>,
    pub rows: R,
}

impl<R: Rows> Counter<R> {
    fn slot(&mut self, name: &str) -> usize {
        // Most names come back spelled as before: found without a copy of the name.
        if let Some(&i) = self.spelled.get(name) {
            return i;
        }
        let next = self.agencies.len();
        let i = *self.index.entry(CaselessOwned(name.to_string())).or_insert(next);
        if i == next {
            self.agencies.push((name.to_string(), 0, 0));
        }
        self.spelled.insert(name.to_string(), i);
        i
    }

    pub fn left_out(&mut self, left_out: LeftOut) {
        self.totals.left_out.push(left_out);
    }

    pub fn skipped(&mut self, skipped: SkippedFile) {
        self.totals.skipped.push(skipped);
    }

    /// Counts one session, reported as `name`, in one pass over its ideas, with its readiness check: each
    /// name (an author, a roster member, an agency) is looked up once per idea, keyed by the borrowed text.
    pub fn add(&mut self, name: &str, view: &SessionView<'_>) {
        for vote in view.votes {
            let title = |id: u64| {
                let at = view
                    .ideas
                    .binary_search_by_key(&id, |i| i.id)
                    .ok()
                    .or_else(|| view.ideas.iter().position(|i| i.id == id));
                at.map(|i| view.ideas[i].title.to_string()).unwrap_or_default()
            };
            self.totals.votes.push(VoteTally {
                session: name.to_string(),
                vote: vote.id,
                question: vote.question.clone(),
                method: vote.method,
                open: vote.is_open(),
                ballots: vote.ballots.len(),
                hands: vote.hands.iter().map(|h| u64::from(h.count)).sum(),
                results: vote
                    .standings()
                    .into_iter()
                    .map(|s| VoteResult { rank: s.rank, idea: s.idea, title: title(s.idea), votes: s.votes })
                    .collect(),
            });
        }
        let mut groups: FastMap<&str, usize> = FastMap::with_capacity_and_hasher(view.groups.len(), Default::default());
        for (i, group) in view.groups.iter().enumerate() {
            // Later duplicates replace earlier ones, as `collect` into a map does.
            groups.insert(&group.id, i);
        }
        let mut block_list: Vec<(usize, &BlockView<'_>)> = Vec::with_capacity(view.block_count());
        for (day, d) in view.plan.days.iter().enumerate() {
            block_list.extend(d.blocks.iter().map(|block| (day, block)));
        }
        let mut blocks: FastMap<&str, usize> = FastMap::with_capacity_and_hasher(block_list.len(), Default::default());
        for (flat, (_, block)) in block_list.iter().enumerate() {
            // A validated plan has unique block ids; on a duplicate the first one wins, as in find_block.
            blocks.entry(&block.id).or_insert(flat);
        }

        // The session's agencies, the roster's first (so its spelling wins), and everyone named in it: the
        // roster (each name's first seat in room order), then the authors who are not on it.
        let mut agencies: AgencyBook<'_, SessionAgency> = AgencyBook::default();
        let members = view.groups.iter().map(|g| g.members.len()).sum::<usize>();
        let mut people: FastMap<Caseless<'_>, Person<'_, '_>> =
            FastMap::with_capacity_and_hasher(members + 16, Default::default());
        let mut several_tables = false;
        for (g, group) in view.groups.iter().enumerate() {
            for member in &group.members {
                let agency = present(member.agency.as_deref()).map(|a| agencies.position(a));
                let seat = Seat { group: g, member, agency };
                let person = people.entry(Caseless(member.name.trim())).or_default();
                match person.seat {
                    None => person.seat = Some(seat),
                    Some(first) => person.several_tables |= first.group != g,
                }
                several_tables |= person.several_tables;
            }
        }
        // Only a name sitting at several tables needs its seat at each (an author is looked up at the idea's
        // table first).
        let mut seats: FastMap<(usize, Caseless<'_>), Seat<'_, '_>> = FastMap::default();
        if several_tables {
            for (g, group) in view.groups.iter().enumerate() {
                for member in &group.members {
                    let name = Caseless(member.name.trim());
                    if people.get(&name).is_some_and(|p| p.several_tables) {
                        let agency = present(member.agency.as_deref()).map(|a| agencies.position(a));
                        seats.entry((g, name)).or_insert(Seat { group: g, member, agency });
                    }
                }
            }
        }

        let mut per_group = vec![(0usize, 0usize); view.groups.len()];
        let mut stray_groups: Vec<(&str, usize, usize)> = Vec::new();
        let mut per_block = vec![0usize; block_list.len()];
        let (mut ideas, mut flagship) = (0usize, 0usize);
        let mut authors: Vec<AuthorAcc<'_>> = Vec::new();
        let mut findings: Vec<Finding<&str>> = Vec::new();
        let mut in_id_order = true;
        let mut last_id = 0;
        // The idea's authors, each once, with their seat on the roster (if any) and place on the awards list.
        let mut credited: Vec<(&str, Option<Seat<'_, '_>>, usize)> = Vec::new();
        let totals = &mut self.totals;

        for idea in view.live_ideas() {
            let flag = usize::from(idea.flagship);
            ideas += 1;
            flagship += flag;
            in_id_order &= idea.id >= last_id;
            last_id = idea.id;
            let group = groups.get(idea.group.as_ref()).copied();
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
            match blocks.get(idea.block.as_ref()) {
                Some(&flat) => per_block[flat] += 1,
                // Only a hand-edited file can name a block the plan lacks; its capture date stands in.
                None => *self.days.entry(idea.created_at.date).or_default() += 1,
            }
            *totals.by_stage.slot(idea.stage) += 1;
            *totals.by_form.slot(idea.form) += 1;
            totals.digital += usize::from(idea.digital);

            credited.clear();
            for author in idea.author.as_deref().into_iter().flat_map(author_names) {
                // "Budi; budi" credits (and names) Budi once for this idea.
                if credited.iter().any(|(seen, ..)| Caseless(seen) == Caseless(author)) {
                    continue;
                }
                let person = people.entry(Caseless(author)).or_default();
                let seat = match person.seat {
                    Some(first) if person.several_tables => {
                        Some(group.and_then(|g| seats.get(&(g, Caseless(author))).copied()).unwrap_or(first))
                    }
                    seat => seat,
                };
                // The awards list: everyone credited, in the order first credited; the table and agency are
                // those of the roster (at this idea's table first), else of their first idea with one.
                let awarded = match person.author {
                    Some(i) => i,
                    None => {
                        let at = seat.map(|s| s.group).or(group);
                        let (group_id, table) = match at {
                            Some(g) => (view.groups[g].id.as_ref(), view.groups[g].name.as_ref()),
                            None => (idea.group.as_ref(), idea.group.as_ref()),
                        };
                        person.author = Some(authors.len());
                        authors.push(AuthorAcc {
                            name: author,
                            group: at,
                            group_id,
                            table,
                            agency: seat.and_then(|s| s.agency),
                            ideas: 0,
                            on_roster: seat.is_some(),
                            absent: seat.is_some_and(|s| !s.member.present),
                        });
                        authors.len() - 1
                    }
                };
                credited.push((author, seat, awarded));
            }

            // The agency rule (`model::agency::agency_by`): the idea's own, else its first author's on the
            // roster who has one; spelled as first seen in the session, whatever case was typed.
            let agency = match present(idea.agency.as_deref()) {
                Some(own) => Some(agencies.position(own)),
                None => credited.iter().find_map(|(_, seat, _)| seat.and_then(|s| s.agency)),
            };

            // The readiness check: what this idea still lacks.
            let (id, title) = (idea.id, idea.title.as_ref());
            let table: &str = group.map_or(idea.group.as_ref(), |g| view.groups[g].name.as_ref());
            if credited.is_empty() {
                findings.push(Finding::NoAuthor { idea: id, title, table });
            }
            for &(author, seat, _) in &credited {
                match seat {
                    None => findings.push(Finding::AuthorNotOnRoster { idea: id, title, table, author }),
                    Some(seat) if !seat.member.present => {
                        findings.push(Finding::AbsentAuthor { idea: id, title, table, author });
                    }
                    Some(_) => {}
                }
            }
            match agency {
                Some(i) => {
                    let acc = &mut agencies.list[i].acc;
                    acc.ideas += 1;
                    if idea.flagship {
                        acc.flagships.push(id);
                    }
                }
                None => {
                    self.no_agency.0 += 1;
                    self.no_agency.1 += flag;
                    findings.push(Finding::NoAgency { idea: id, title, table });
                    if idea.flagship {
                        findings.push(Finding::FlagshipWithoutAgency { idea: id, title, table });
                    }
                }
            }

            for &(_, _, awarded) in &credited {
                let acc = &mut authors[awarded];
                acc.ideas += 1;
                if acc.agency.is_none() {
                    acc.agency = agency;
                }
            }
        }

        // Ideas come in id order in every file innolab writes; a hand-edited one is put in order (each idea's
        // items staying together and in order).
        if !in_id_order {
            findings.sort_by_key(|f| f.idea());
            for agency in &mut agencies.list {
                agency.acc.flagships.sort_unstable();
            }
        }
        let mut by_name: Vec<usize> = (0..agencies.list.len()).collect();
        by_name.sort_by(|&a, &b| name_order(agencies.list[a].name, agencies.list[b].name));
        for &i in &by_name {
            let AgencyAcc { name: agency, acc } = &agencies.list[i];
            let agency = *agency;
            match (acc.ideas, acc.flagships.len()) {
                (0, _) => findings.push(Finding::AgencyWithoutIdea { agency }),
                (_, 0) => findings.push(Finding::AgencyWithoutFlagship { agency }),
                (_, 1) => {}
                _ => findings.push(Finding::SeveralFlagships { agency, ideas: acc.flagships.clone() }),
            }
        }
        for finding in &findings {
            self.rows.finding(name, finding);
        }

        totals.ideas += ideas;
        totals.flagship += flagship;
        totals.target += u64::from(view.plan.target_ideas);
        // The session's agencies join the counter's in the order first seen, so the first spelling wins.
        let mut counter_agency = Vec::with_capacity(agencies.list.len());
        for AgencyAcc { name, acc } in &agencies.list {
            let i = self.slot(name);
            self.agencies[i].1 += acc.ideas;
            self.agencies[i].2 += acc.flagships.len();
            counter_agency.push(i);
        }

        self.rows.session(&SessionTally {
            session: name,
            title: &view.plan.title,
            first_date: view.first_date(),
            last_date: view.last_date(),
            ideas,
            flagship,
            target: view.plan.target_ideas,
        });
        for (group, (ideas, flagship)) in view.groups.iter().zip(per_group) {
            self.rows.group(&GroupTally { session: name, group: &group.id, name: &group.name, ideas, flagship });
        }
        for (id, ideas, flagship) in stray_groups {
            self.rows.group(&GroupTally { session: name, group: id, name: id, ideas, flagship });
        }
        for day in &view.plan.days {
            self.days.entry(day.date).or_default();
        }
        for (&(day, block), ideas) in block_list.iter().zip(per_block) {
            let date = view.plan.days[day].date;
            *self.days.entry(date).or_default() += ideas;
            self.rows.block(&BlockTally {
                session: name,
                block: &block.id,
                title: &block.title,
                date,
                day: day + 1,
                stage: block.stage,
                ideas,
            });
        }

        // The agencies' places in name order stand in for their names (two agencies of the session never
        // have the same name in any case).
        let mut rank = vec![0; agencies.list.len()];
        for (place, &i) in by_name.iter().enumerate() {
            rank[i] = place;
        }
        authors.sort_by(|a, b| {
            a.group
                .unwrap_or(usize::MAX)
                .cmp(&b.group.unwrap_or(usize::MAX))
                .then_with(|| a.group_id.cmp(b.group_id))
                .then_with(|| match (a.agency, b.agency) {
                    (Some(x), Some(y)) => rank[x].cmp(&rank[y]),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                })
                .then_with(|| name_order(a.name, b.name))
        });
        for a in &authors {
            let agency = a.agency.map(|i| counter_agency[i]);
            let row = AuthorTally {
                session: name,
                name: a.name,
                agency: agency.map(|i| self.agencies[i].0.as_str()),
                group: a.group_id,
                table: a.table,
                ideas: a.ideas,
                on_roster: a.on_roster,
                absent: a.absent,
            };
            self.rows.author(&row, agency);
        }
    }

    /// Adds a counter of the sessions that follow this one's.
    pub fn merge(&mut self, next: Counter<R>) {
        let whole = &mut self.totals;
        let part = next.totals;
        whole.ideas += part.ideas;
        whole.flagship += part.flagship;
        whole.digital += part.digital;
        whole.target += part.target;
        whole.by_stage.add(&part.by_stage);
        whole.by_form.add(&part.by_form);
        whole.left_out.extend(part.left_out);
        whole.skipped.extend(part.skipped);
        whole.votes.extend(part.votes);
        for (date, ideas) in next.days {
            *self.days.entry(date).or_default() += ideas;
        }
        self.no_agency.0 += next.no_agency.0;
        self.no_agency.1 += next.no_agency.1;
        // An agency is spelled as first seen over all sessions: an earlier counter may have seen it first.
        let mut map = Vec::with_capacity(next.agencies.len());
        for (name, ideas, flagship) in next.agencies {
            let i = self.slot(&name);
            self.agencies[i].1 += ideas;
            self.agencies[i].2 += flagship;
            map.push(i);
        }
        self.rows.append(next.rows, &map);
    }

    /// The tally without its rows (they are in `rows`), with the cross-session lists: days, agencies and
    /// One Agency One Innovation; and the agencies' names as spelled, in the counter's order.
    pub fn finish(self) -> (Tally, R, Vec<String>) {
        let Counter { mut totals, agencies, no_agency, days, rows, .. } = self;
        let tally = &mut totals;
        let spelled: Vec<String> = agencies.iter().map(|a| a.0.clone()).collect();
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
        (totals, rows, spelled)
    }
}

/// The rows kept, owned, for the [`Tally`] every rendering reads.
#[derive(Default)]
pub(crate) struct Kept {
    sessions: Vec<SessionTally>,
    by_group: Vec<GroupTally>,
    by_block: Vec<BlockTally>,
    authors: Vec<AuthorTally>,
    /// Where each author's agency sits in the counter's list: spelled as first seen over all sessions at the
    /// end (a later run may have seen another spelling first).
    author_agencies: Vec<Option<usize>>,
    readiness: Vec<ReadinessItem>,
}

impl Rows for Kept {
    fn session(&mut self, row: &SessionTally<&str>) {
        self.sessions.push(SessionTally {
            session: row.session.to_string(),
            title: row.title.to_string(),
            first_date: row.first_date,
            last_date: row.last_date,
            ideas: row.ideas,
            flagship: row.flagship,
            target: row.target,
        });
    }

    fn group(&mut self, row: &GroupTally<&str>) {
        self.by_group.push(GroupTally {
            session: row.session.to_string(),
            group: row.group.to_string(),
            name: row.name.to_string(),
            ideas: row.ideas,
            flagship: row.flagship,
        });
    }

    fn block(&mut self, row: &BlockTally<&str>) {
        self.by_block.push(BlockTally {
            session: row.session.to_string(),
            block: row.block.to_string(),
            title: row.title.to_string(),
            date: row.date,
            day: row.day,
            stage: row.stage,
            ideas: row.ideas,
        });
    }

    fn author(&mut self, row: &AuthorTally<&str>, agency: Option<usize>) {
        self.authors.push(AuthorTally {
            session: row.session.to_string(),
            name: row.name.to_string(),
            agency: row.agency.map(str::to_string),
            group: row.group.to_string(),
            table: row.table.to_string(),
            ideas: row.ideas,
            on_roster: row.on_roster,
            absent: row.absent,
        });
        self.author_agencies.push(agency);
    }

    fn finding(&mut self, session: &str, finding: &readiness::Finding<&str>) {
        // The session's items share its name.
        let shared = match self.readiness.last() {
            Some(last) if *last.session == *session => last.session.clone(),
            _ => session.into(),
        };
        self.readiness.push(ReadinessItem { session: shared, finding: finding.owned() });
    }

    fn append(&mut self, next: Kept, agencies: &[usize]) {
        self.sessions.extend(next.sessions);
        self.by_group.extend(next.by_group);
        self.by_block.extend(next.by_block);
        self.authors.extend(next.authors);
        self.author_agencies.extend(next.author_agencies.into_iter().map(|a| a.map(|i| agencies[i])));
        self.readiness.extend(next.readiness);
    }
}

impl Kept {
    /// Puts the rows in `tally`, every author's agency spelled as first seen (`spelled`, the counter's list).
    fn fill(self, tally: &mut Tally, spelled: &[String]) {
        let Kept { sessions, by_group, by_block, mut authors, author_agencies, readiness } = self;
        for (author, agency) in authors.iter_mut().zip(author_agencies) {
            if let (Some(name), Some(i)) = (author.agency.as_mut(), agency)
                && *name != spelled[i]
            {
                name.clone_from(&spelled[i]);
            }
        }
        tally.sessions = sessions;
        tally.by_group = by_group;
        tally.by_block = by_block;
        tally.authors = authors;
        tally.readiness = readiness;
    }
}

/// A tally built a session (or a run of sessions) at a time, holding only owned names, so a session can be
/// dropped as soon as it is counted: a year of labs never has to sit in memory at once. Sessions are added in
/// order (and builders of later sessions merged in order), so the result is the one a single pass gives.
#[derive(Default)]
pub struct TallyBuilder(Counter<Kept>);

impl TallyBuilder {
    pub fn new() -> TallyBuilder {
        TallyBuilder::default()
    }

    /// Counts one session (it may be dropped afterwards).
    pub fn add(&mut self, session: SessionRef<'_>) {
        self.0.add(&session.name, &SessionView::of(session.session));
    }

    /// Counts one session's view, reported as `name`.
    pub fn add_view(&mut self, name: &str, view: &SessionView<'_>) {
        self.0.add(name, view);
    }

    /// A file that could not be loaded, named in every rendering.
    pub fn left_out(&mut self, left_out: LeftOut) {
        self.0.left_out(left_out);
    }

    /// A file that was given but is not counted, named in every rendering.
    pub fn skipped(&mut self, skipped: SkippedFile) {
        self.0.skipped(skipped);
    }

    /// Adds a builder of the sessions that follow this one's.
    pub fn merge(&mut self, next: TallyBuilder) {
        self.0.merge(next.0);
    }

    pub fn finish(self) -> Tally {
        let (mut tally, rows, spelled) = self.0.finish();
        rows.fill(&mut tally, &spelled);
        tally
    }
}

/// Below this many ideas a tally is counted on the calling thread (the TUI's one session is well below).
const PARALLEL_FROM_IDEAS: usize = 20_000;

/// Consecutive runs of `sessions` with about the same number of ideas each, one per core when the sessions
/// hold enough ideas to be worth a thread; else one run.
fn runs(sessions: &[SessionView<'_>]) -> Vec<std::ops::Range<usize>> {
    let total: usize = sessions.iter().map(|s| s.ideas.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(sessions.len()).min(8);
    if threads <= 1 || total < PARALLEL_FROM_IDEAS {
        let all = 0..sessions.len();
        return vec![all];
    }
    let mut runs = Vec::with_capacity(threads);
    let (mut start, mut seen) = (0, 0);
    for (i, view) in sessions.iter().enumerate() {
        seen += view.ideas.len();
        if seen * threads >= total * (runs.len() + 1) && runs.len() + 1 < threads {
            runs.push(start..i + 1);
            start = i + 1;
        }
    }
    runs.push(start..sessions.len());
    runs
}

/// For each person on the awards list of `tally` (a tally of `session` alone), the ids of their live ideas,
/// oldest first, found in one pass over the ideas: what the ceremony reads out with their name and what their
/// certificate lists. A person is matched by name as the awards list counts them (case ignored).
pub fn awardee_ideas(tally: &Tally, session: &Session) -> Vec<Vec<u64>> {
    let mut by_name: FastMap<Caseless<'_>, usize> = FastMap::default();
    for (i, author) in tally.authors.iter().enumerate() {
        by_name.entry(Caseless(author.name.as_str())).or_insert(i);
    }
    let mut ideas = vec![Vec::new(); tally.authors.len()];
    for idea in session.ideas.iter().filter(|i| i.is_live()) {
        for name in author_names(idea.author.as_deref().unwrap_or("")) {
            if let Some(&i) = by_name.get(&Caseless(name)) {
                ideas[i].push(idea.id);
            }
        }
    }
    ideas
}

impl Tally {
    /// Tallies the live ideas of `sessions`. `left_out` starts empty; the caller fills it with the files that
    /// failed to load. Large tallies are counted in consecutive runs on all cores, merged in order.
    pub fn of(sessions: &[SessionRef<'_>]) -> Tally {
        let views: Vec<SessionView<'_>> = sessions.iter().map(|s| SessionView::of(s.session)).collect();
        let count = |run: std::ops::Range<usize>| {
            let mut builder = TallyBuilder::new();
            for i in run {
                builder.add_view(&sessions[i].name, &views[i]);
            }
            builder
        };
        let runs = runs(&views);
        let builders = if runs.len() <= 1 {
            vec![count(0..sessions.len())]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = runs.into_iter().map(|run| scope.spawn(move || count(run))).collect();
                handles
                    .into_iter()
                    .map(|handle| match handle.join() {
                        Ok(builder) => builder,
                        // Counting only panics on a bug; re-raise it here.
                        Err(panic) => std::panic::resume_unwind(panic),
                    })
                    .collect::<Vec<_>>()
            })
        };
        let mut builders = builders.into_iter();
        let mut whole = builders.next().unwrap_or_default();
        for builder in builders {
            whole.merge(builder);
        }
        whole.finish()
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
                        source: None,
                    });
                }
                session
            })
            .collect()
    }

    /// The JSON `serde_json::to_writer_pretty` and a line break write for `tally`.
    fn pretty(tally: &Tally) -> Vec<u8> {
        let mut json = serde_json::to_vec_pretty(tally).unwrap();
        json.push(b'\n');
        json
    }

    #[test]
    fn counting_in_parallel_gives_the_one_pass_tally() {
        let sessions = many_sessions();
        let refs: Vec<SessionRef<'_>> =
            sessions.iter().enumerate().map(|(i, s)| SessionRef::new(format!("s{i}.json"), s)).collect();
        let counted = |run: std::ops::Range<usize>| {
            let mut builder = TallyBuilder::new();
            refs[run].iter().for_each(|s| builder.add(s.clone()));
            builder
        };
        // Rows kept in memory (a generous budget) or put in temporary files a few rows at a time (none).
        let written = |run: std::ops::Range<usize>, memory: usize| {
            let mut tally = json::JsonTally::with_memory(memory);
            refs[run].iter().for_each(|s| tally.add(s.clone()));
            tally
        };
        let one_pass = counted(0..refs.len()).finish();
        assert_eq!(one_pass, reference::tally_of(&refs), "the tally as it was counted before");
        // Every way of cutting the sessions into runs, including the one `Tally::of` picks, each run counted
        // by a builder of its own, merged in order; and the same as JSON written while counted.
        for cuts in [vec![], vec![1], vec![5], vec![11], vec![2, 7], vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]] {
            let mut bounds = vec![0];
            bounds.extend(cuts);
            bounds.push(refs.len());
            let mut builders = bounds.windows(2).map(|w| counted(w[0]..w[1]));
            let mut merged = builders.next().unwrap();
            for builder in builders {
                merged.merge(builder);
            }
            assert_eq!(merged.finish(), one_pass, "builders merged at {bounds:?}");
            for memory in [usize::MAX, 0] {
                let mut tallies = bounds.windows(2).map(|w| written(w[0]..w[1], memory));
                let mut merged = tallies.next().unwrap();
                for tally in tallies {
                    merged.merge(tally);
                }
                let mut out = Vec::new();
                assert_eq!(merged.write(&mut out).unwrap(), 0);
                assert!(out == pretty(&one_pass), "JSON merged at {bounds:?}, memory {memory}");
            }
        }
        assert!(
            runs(&refs.iter().map(|s| SessionView::of(s.session)).collect::<Vec<_>>()).len() > 1
                || std::thread::available_parallelism().map_or(1, |n| n.get()) == 1
        );
        assert_eq!(Tally::of(&refs), one_pass);
        // The last session alone spells the agency another way than the first one, which wins.
        let spelled = |t: &Tally, name: &str| t.by_agency.iter().any(|a| a.agency.as_deref() == Some(name));
        assert!(spelled(&counted(11..12).finish(), "DINAS SOSIAL"));
        assert!(spelled(&one_pass, "Dinas Sosial") && !spelled(&one_pass, "DINAS SOSIAL"));
        assert!(
            one_pass.authors.iter().any(|a| a.agency.as_deref() == Some("Dinas Sosial") && a.session == "s11.json")
        );
        // ... and the JSON written by a later run spelled it otherwise: its author rows were written again.
        let mut first = written(0..6, 0);
        first.merge(written(6..12, 0));
        let mut out = Vec::new();
        first.write(&mut out).unwrap();
        assert!(out == pretty(&one_pass));
        for (i, session) in sessions.iter().enumerate() {
            assert_eq!(readiness::check(session), reference::check(session), "session {i}");
        }
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
