//! The tally as it was counted before issue 14 (owned sessions, the readiness check a pass of its own): kept,
//! for the tests only, as the reference the fast path (borrowed views, rows written as counted) must match
//! byte for byte. A copy of the code of commit 1a1061e, on one thread.
#![allow(clippy::all, dead_code)]

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;

use super::readiness::Finding;
use super::{
    AgencyStatus, AgencyTally, AuthorTally, BlockTally, Caseless, DayTally, FastMap, GroupTally, LeftOut,
    OneAgencyStatus, ReadinessItem, SessionIndex, SessionRef, SessionTally, SkippedFile, Tally, author_names,
    name_order,
};
use crate::model::agency::present;
use crate::model::{Idea, Session};

/// `Tally::of` as it was.
pub fn tally_of(sessions: &[SessionRef<'_>]) -> Tally {
    let mut builder = TallyBuilder::new();
    builder.absorb_part(Part::count(sessions, 0..sessions.len()));
    builder.finish()
}

/// `readiness::check` as it was.
pub fn check(session: &Session) -> Vec<Finding> {
    check_indexed(session, &SessionIndex::new(session))
}

// ---------------------------------------------------------------------------------------------------------
// Counting

/// An agency in an [`AgencyBook`]: its name as first spelled, and what is kept about it.
struct AgencyAcc<'a, A> {
    name: &'a str,
    acc: A,
}

/// Ideas and flagships of one agency, for the tally.
#[derive(Default)]
struct AgencyCounts {
    ideas: usize,
    flagship: usize,
}

/// Agencies seen so far, in first-seen order (the roster first, so its spelling wins), found by name in any
/// case, each with what is kept about it (`A`).
struct AgencyBook<'a, A = AgencyCounts> {
    list: Vec<AgencyAcc<'a, A>>,
    index: FastMap<Caseless<'a>, usize>,
}

impl<A> Default for AgencyBook<'_, A> {
    fn default() -> Self {
        AgencyBook { list: Vec::new(), index: FastMap::default() }
    }
}

impl<'a, A: Default> AgencyBook<'a, A> {
    fn slot(&mut self, name: &'a str) -> &mut AgencyAcc<'a, A> {
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
                check_indexed(session, &index)
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
struct TallyBuilder {
    tally: Tally,
    /// Agencies in first-seen order: (name as first spelled, ideas, flagship).
    agencies: Vec<(String, usize, usize)>,
    index: FastMap<CaselessOwned, usize>,
    no_agency: (usize, usize),
    days: BTreeMap<NaiveDate, usize>,
}

impl TallyBuilder {
    fn new() -> TallyBuilder {
        TallyBuilder::default()
    }

    /// Counts one session (it may be dropped afterwards).
    fn add(&mut self, session: SessionRef<'_>) {
        let one = [session];
        self.absorb_part(Part::count(&one, 0..1));
    }

    /// A file that could not be loaded, named in every rendering.
    fn left_out(&mut self, left_out: LeftOut) {
        self.tally.left_out.push(left_out);
    }

    /// A file that was given but is not counted, named in every rendering.
    fn skipped(&mut self, skipped: SkippedFile) {
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
    fn merge(&mut self, next: TallyBuilder) {
        self.absorb(next.tally, next.agencies.into_iter(), next.no_agency, next.days);
    }

    /// The cross-session lists: days, agencies and One Agency One Innovation.
    fn finish(self) -> Tally {
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

/// [`check`] with the session's lookups already built (the tally builds them once per session).
fn check_indexed(session: &Session, index: &SessionIndex<'_>) -> Vec<Finding> {
    /// Per agency of this session: its ideas and the ids of its flagships.
    #[derive(Default)]
    struct Acc {
        ideas: usize,
        flagships: Vec<u64>,
    }
    let mut findings = Vec::new();
    let mut agencies: AgencyBook<'_, Acc> = AgencyBook::default();
    for member in session.groups.iter().flat_map(|g| &g.members) {
        if let Some(agency) = member.agency.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            agencies.slot(agency);
        }
    }
    let mut ideas: Vec<&Idea> = session.live_ideas().collect();
    // Files hold ideas in id order; only a hand-edited one needs sorting.
    if !ideas.is_sorted_by_key(|idea| idea.id) {
        ideas.sort_by_key(|idea| idea.id);
    }
    let mut credited: Vec<&str> = Vec::new();
    for idea in ideas {
        let group = index.group_index(&idea.group);
        let table = group.map_or(idea.group.as_str(), |g| session.groups[g].name.as_str());
        let about = || (idea.id, idea.title.clone(), table.to_string());
        credited.clear();
        credited.extend(idea.author.as_deref().into_iter().flat_map(author_names));
        if credited.is_empty() {
            let (idea, title, table) = about();
            findings.push(Finding::NoAuthor { idea, title, table });
        }
        for (i, name) in credited.iter().enumerate() {
            // "Budi; budi" names Budi once.
            if credited[..i].iter().any(|seen| Caseless(seen) == Caseless(name)) {
                continue;
            }
            let (idea, title, table) = about();
            match index.member(name, group) {
                None => findings.push(Finding::AuthorNotOnRoster { idea, title, table, author: name.to_string() }),
                Some((_, member)) if !member.present => {
                    findings.push(Finding::AbsentAuthor { idea, title, table, author: name.to_string() });
                }
                Some(_) => {}
            }
        }
        match index.agency_of(idea, group) {
            Some(agency) => {
                let acc = &mut agencies.slot(agency).acc;
                acc.ideas += 1;
                if idea.flagship {
                    acc.flagships.push(idea.id);
                }
            }
            None => {
                let (id, title, table) = about();
                findings.push(Finding::NoAgency { idea: id, title: title.clone(), table: table.clone() });
                if idea.flagship {
                    findings.push(Finding::FlagshipWithoutAgency { idea: id, title, table });
                }
            }
        }
    }
    let mut agencies = agencies.list;
    agencies.sort_by(|a, b| name_order(a.name, b.name));
    for AgencyAcc { name, acc } in agencies {
        let agency = name.to_string();
        match (acc.ideas, acc.flagships.len()) {
            (0, _) => findings.push(Finding::AgencyWithoutIdea { agency }),
            (_, 0) => findings.push(Finding::AgencyWithoutFlagship { agency }),
            (_, 1) => {}
            _ => findings.push(Finding::SeveralFlagships { agency, ideas: acc.flagships }),
        }
    }
    findings
}
