//! Voting (issue 16): the room chooses its priorities and flagships. A vote is opened on a set of ideas (those
//! of a block, of one table or of one agency), counted from phones' ballots (dot voting or a single choice) and
//! from show-of-hands counts the coach types, and closed: its results stay in the session, ranked, ties as ties.

use rust_i18n::t;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::idea::Timestamp;
use super::names::Caseless;
use super::session::{IdsExhausted, MAX_ID, Session};
use super::text;
use crate::i18n::Lang;

/// The most dots one voter may place (dot voting).
pub const MAX_DOTS: u32 = 10;
/// The most ideas one vote may hold.
pub const MAX_VOTE_IDEAS: usize = 200;
/// The most ballots one vote may hold (one per participant: a flood stops here).
pub const MAX_BALLOTS: usize = 2_000;
/// The most hands the coach may count for one idea.
pub const MAX_HANDS: u32 = 9_999;
/// The longest question (characters).
pub const MAX_QUESTION_CHARS: usize = 200;

/// One vote of the lab, open or closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    /// Unique among the session's votes, never reused.
    pub id: u64,
    /// What the room is asked, as shown on the wall and the phones.
    pub question: String,
    /// Which ideas are voted on (the ballot is fixed when the vote opens: `ideas`).
    pub scope: VoteScope,
    pub method: VoteMethod,
    /// The results stay off the wall until the coach reveals them (no bandwagon).
    #[serde(default)]
    pub hidden: bool,
    #[serde(default)]
    pub revealed: bool,
    /// The ballots lose their voters' names when the vote closes.
    #[serde(default)]
    pub anonymous: bool,
    /// The block on the wall when the vote opened (a block id).
    pub block: String,
    /// The ideas on the ballot (ids), in the order shown.
    pub ideas: Vec<u64>,
    pub opened_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    /// Show-of-hands counts typed by the coach, one per idea that has any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hands: Vec<Count>,
    /// The phones' ballots, one per participant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ballots: Vec<Ballot>,
}

/// Which ideas a vote is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum VoteScope {
    /// The live ideas of the block the vote was opened in.
    Block,
    /// The live ideas of one table (a group id) in that block.
    Table { group: String },
    /// The live ideas of one agency, from the whole lab: its flagship choice.
    Agency { agency: String },
}

/// How a voter votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum VoteMethod {
    /// `per_voter` dots to place, at most `per_idea` on one idea.
    Dots { per_voter: u32, per_idea: u32 },
    /// One idea each.
    Single,
}

impl VoteMethod {
    /// The most dots one ballot may hold, and the most on one idea.
    pub fn limits(self) -> (u32, u32) {
        match self {
            VoteMethod::Dots { per_voter, per_idea } => (per_voter, per_idea.min(per_voter)),
            VoteMethod::Single => (1, 1),
        }
    }
}

/// A number of votes for one idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub idea: u64,
    pub count: u32,
}

/// One participant's ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// The voter's name (roster name or typed); left out once an anonymous vote closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voter: Option<String>,
    /// The phone it came from (room mode's cookie), so the phone shows it again; left out like the voter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Where the dots went (ideas with at least one).
    pub dots: Vec<Count>,
    pub cast_at: Timestamp,
}

/// One idea's place in a vote's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub idea: u64,
    pub votes: u64,
    /// 1 for the most votes; ideas with as many votes share a rank (1, 1, 3).
    pub rank: usize,
}

/// Why a ballot, a count or a vote was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteError {
    /// No vote is open (or not this one: it closed meanwhile).
    Closed,
    /// A dot on an idea that is not on the ballot.
    NotOnBallot(u64),
    /// More dots than a voter has.
    TooManyDots {
        limit: u32,
    },
    /// More dots on one idea than allowed.
    TooManyOnOne {
        limit: u32,
    },
    /// A ballot without any dot.
    Empty,
    /// A ballot without a voter's name.
    NoVoter,
    /// A voter's name longer than a phone may send (`room::MAX_NAME_CHARS`).
    NameTooLong,
    /// The vote has as many ballots as it may hold.
    Full,
    /// Nothing to vote on.
    NoIdeas,
    /// Another vote is still open.
    AlreadyOpen,
    /// More than the most hands one idea may get.
    TooManyHands,
    Ids(IdsExhausted),
}

/// A ballot as a phone sends it (room mode): for vote `vote` (the one its page showed), by `voter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastBallot {
    pub vote: u64,
    pub voter: String,
    pub dots: Vec<Count>,
    pub phone: String,
}

/// What the coach asks for when opening a vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVote {
    pub question: String,
    pub scope: VoteScope,
    pub method: VoteMethod,
    pub hidden: bool,
    pub anonymous: bool,
    pub block: String,
}

impl Vote {
    /// Makes every text of a loaded vote inert (see [`Session::make_inert`]).
    pub fn make_inert(&mut self) {
        text::make_inert(&mut self.question);
        text::make_inert(&mut self.block);
        match &mut self.scope {
            VoteScope::Block => {}
            VoteScope::Table { group } => text::make_inert(group),
            VoteScope::Agency { agency } => text::make_inert(agency),
        }
        for ballot in &mut self.ballots {
            text::make_inert_opt(&mut ballot.voter);
            text::make_inert_opt(&mut ballot.phone);
        }
    }

    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// Whether the wall may show the numbers: always once closed, else unless hidden and not yet revealed.
    pub fn results_shown(&self) -> bool {
        !self.hidden || self.revealed || !self.is_open()
    }

    /// The votes for each idea on the ballot (dots of the ballots plus the hands counted), ranked: most votes
    /// first, ties sharing a rank and kept in ballot order.
    pub fn standings(&self) -> Vec<Standing> {
        let mut votes: Vec<(u64, u64)> = self.ideas.iter().map(|&id| (id, 0)).collect();
        let mut add = |idea: u64, n: u32| {
            if let Some(slot) = votes.iter_mut().find(|(id, _)| *id == idea) {
                slot.1 += u64::from(n);
            }
        };
        for ballot in &self.ballots {
            for dot in &ballot.dots {
                add(dot.idea, dot.count);
            }
        }
        for hand in &self.hands {
            add(hand.idea, hand.count);
        }
        // Stable: equal counts keep the ballot's order.
        votes.sort_by_key(|v| std::cmp::Reverse(v.1));
        let mut standings: Vec<Standing> = Vec::with_capacity(votes.len());
        for (i, (idea, n)) in votes.into_iter().enumerate() {
            let rank = match standings.last() {
                Some(previous) if previous.votes == n => previous.rank,
                _ => i + 1,
            };
            standings.push(Standing { idea, votes: n, rank });
        }
        standings
    }

    /// The dots placed by ballots (not hands).
    pub fn dots_cast(&self) -> u64 {
        self.ballots.iter().flat_map(|b| &b.dots).map(|d| u64::from(d.count)).sum()
    }

    /// The hands counted for `idea`.
    pub fn hands_for(&self, idea: u64) -> u32 {
        self.hands.iter().find(|h| h.idea == idea).map_or(0, |h| h.count)
    }

    /// The ballot of `voter` (names compared as the roster compares them), if any.
    pub fn ballot_of(&self, voter: &str) -> Option<&Ballot> {
        let key = Caseless(voter);
        self.ballots.iter().find(|b| b.voter.as_deref().is_some_and(|v| Caseless(v) == key))
    }

    /// Checks `dots` against the ballot and the method; returns them without zero counts, in ballot order.
    pub fn check_dots(&self, dots: &[Count]) -> Result<Vec<Count>, VoteError> {
        let (per_voter, per_idea) = self.method.limits();
        let mut clean: Vec<Count> = Vec::new();
        for dot in dots {
            if !self.ideas.contains(&dot.idea) {
                return Err(VoteError::NotOnBallot(dot.idea));
            }
            if dot.count == 0 {
                continue;
            }
            match clean.iter_mut().find(|c| c.idea == dot.idea) {
                Some(c) => c.count = c.count.saturating_add(dot.count),
                None => clean.push(*dot),
            }
        }
        if clean.iter().any(|c| c.count > per_idea) {
            return Err(VoteError::TooManyOnOne { limit: per_idea });
        }
        let total: u64 = clean.iter().map(|c| u64::from(c.count)).sum();
        if total > u64::from(per_voter) {
            return Err(VoteError::TooManyDots { limit: per_voter });
        }
        if clean.is_empty() {
            return Err(VoteError::Empty);
        }
        let order = |c: &Count| self.ideas.iter().position(|&id| id == c.idea).unwrap_or(usize::MAX);
        clean.sort_by_key(order);
        Ok(clean)
    }

    /// Casts `voter`'s ballot (from `phone`, in room mode): a second ballot of the same name replaces the first
    /// (from any device). Refused when the vote is closed or the ballot breaks the method's rules; nothing
    /// changes then.
    pub fn cast(&mut self, voter: &str, dots: &[Count], phone: Option<&str>, now: Timestamp) -> Result<(), VoteError> {
        if !self.is_open() {
            return Err(VoteError::Closed);
        }
        let voter = text::clean_line(voter);
        if voter.is_empty() {
            return Err(VoteError::NoVoter);
        }
        if voter.chars().count() > super::room::MAX_NAME_CHARS {
            return Err(VoteError::NameTooLong);
        }
        let dots = self.check_dots(dots)?;
        let key = Caseless(&voter);
        let phone = phone.map(text::clean_line).filter(|p| !p.is_empty());
        let ballot = Ballot { voter: Some(voter.clone()), phone, dots, cast_at: now };
        match self.ballots.iter().position(|b| b.voter.as_deref().is_some_and(|v| Caseless(v) == key)) {
            Some(i) => self.ballots[i] = ballot,
            None if self.ballots.len() >= MAX_BALLOTS => return Err(VoteError::Full),
            None => self.ballots.push(ballot),
        }
        Ok(())
    }

    /// Sets the show-of-hands count of `idea` (0 removes it).
    pub fn set_hands(&mut self, idea: u64, count: u32) -> Result<(), VoteError> {
        if !self.is_open() {
            return Err(VoteError::Closed);
        }
        if !self.ideas.contains(&idea) {
            return Err(VoteError::NotOnBallot(idea));
        }
        if count > MAX_HANDS {
            return Err(VoteError::TooManyHands);
        }
        self.hands.retain(|h| h.idea != idea);
        if count > 0 {
            let at = self.ideas.iter().position(|&id| id == idea).unwrap_or(0);
            let before = self.hands.iter().take_while(|h| self.ideas.iter().position(|&id| id == h.idea) < Some(at));
            let index = before.count();
            self.hands.insert(index, Count { idea, count });
        }
        Ok(())
    }

    /// Closes the vote: from now on its results are fixed; an anonymous vote's ballots lose their names.
    pub fn close(&mut self, now: Timestamp) {
        if !self.is_open() {
            return;
        }
        self.closed_at = Some(now.max(self.opened_at));
        if self.anonymous {
            for ballot in &mut self.ballots {
                ballot.voter = None;
                ballot.phone = None;
            }
        }
    }
}

impl Session {
    /// The vote still open, if any (at most one at a time).
    pub fn open_vote(&self) -> Option<&Vote> {
        self.votes.iter().rev().find(|v| v.is_open())
    }

    pub fn open_vote_mut(&mut self) -> Option<&mut Vote> {
        self.votes.iter_mut().rev().find(|v| v.is_open())
    }

    pub fn vote(&self, id: u64) -> Option<&Vote> {
        self.votes.iter().find(|v| v.id == id)
    }

    pub fn vote_mut(&mut self, id: u64) -> Option<&mut Vote> {
        self.votes.iter_mut().find(|v| v.id == id)
    }

    /// The live ideas `scope` names, in board order (ids rising), for a vote opened in `block`.
    pub fn vote_ideas(&self, scope: &VoteScope, block: &str) -> Vec<u64> {
        self.ideas
            .iter()
            .filter(|i| i.is_live())
            .filter(|i| match scope {
                VoteScope::Block => i.block == block,
                VoteScope::Table { group } => i.block == block && i.group == *group,
                // As the flagship rule reads an idea's agency: its own, else its author's on the roster.
                VoteScope::Agency { agency } => self.agency_of(i).is_some_and(|a| super::agency::same_name(a, agency)),
            })
            .map(|i| i.id)
            .take(MAX_VOTE_IDEAS)
            .collect()
    }

    /// Opens a vote on the ideas `new.scope` names; refused while another is open or when there is nothing
    /// to vote on.
    pub fn open_vote_on(&mut self, new: NewVote, now: Timestamp) -> Result<u64, VoteError> {
        if self.open_vote().is_some() {
            return Err(VoteError::AlreadyOpen);
        }
        let ideas = self.vote_ideas(&new.scope, &new.block);
        if ideas.is_empty() {
            return Err(VoteError::NoIdeas);
        }
        let id = self.votes.iter().map(|v| v.id).max().unwrap_or(0).checked_add(1).filter(|&id| id <= MAX_ID);
        let id = id.ok_or(VoteError::Ids(IdsExhausted))?;
        let question: String = text::clean_line(&new.question).chars().take(MAX_QUESTION_CHARS).collect();
        let (per_voter, per_idea) = new.method.limits();
        let method = match new.method {
            VoteMethod::Dots { .. } => VoteMethod::Dots {
                per_voter: per_voter.clamp(1, MAX_DOTS),
                per_idea: per_idea.clamp(1, per_voter.clamp(1, MAX_DOTS)),
            },
            VoteMethod::Single => VoteMethod::Single,
        };
        self.votes.push(Vote {
            id,
            question,
            scope: new.scope,
            method,
            hidden: new.hidden,
            revealed: false,
            anonymous: new.anonymous,
            block: new.block,
            ideas,
            opened_at: now,
            closed_at: None,
            hands: Vec::new(),
            ballots: Vec::new(),
        });
        Ok(id)
    }

    /// The winner of a closed or open vote for each agency among its ideas: the idea with the most votes (at
    /// least one), unless several share the most (then that agency's `tie` lists them). An idea's agency is
    /// the flagship rule's (its own, else its author's on the roster); ideas without one are left out (a
    /// flagship needs one).
    pub fn vote_winners(&self, vote: &Vote) -> Vec<AgencyWinner> {
        let mut winners: Vec<AgencyWinner> = Vec::new();
        for standing in vote.standings() {
            let Some(idea) = self.idea(standing.idea).filter(|i| i.is_live()) else { continue };
            let Some(agency) = self.agency_of(idea).map(str::trim).filter(|a| !a.is_empty()) else { continue };
            match winners.iter_mut().find(|w| super::agency::same_name(&w.agency, agency)) {
                Some(w) if w.votes == standing.votes && standing.votes > 0 => w.tie.push(standing.idea),
                Some(_) => {}
                None if standing.votes == 0 => {}
                None => winners.push(AgencyWinner {
                    agency: agency.to_string(),
                    idea: standing.idea,
                    votes: standing.votes,
                    tie: Vec::new(),
                }),
            }
        }
        winners
    }
}

impl Session {
    /// What a vote is on, in `lang`: "the ideas of Curah ide", "the ideas of Meja 2", "the flagship of DPMPTSP".
    pub fn vote_scope_text(&self, vote: &Vote, lang: Lang) -> String {
        let l = lang.code();
        match &vote.scope {
            VoteScope::Block => {
                let block = self.plan.find_block(&vote.block).map_or(vote.block.as_str(), |(_, b)| b.title.as_str());
                t!("vote.scope.block", block = block, locale = l).into_owned()
            }
            VoteScope::Table { group } => {
                let name = self.groups.iter().find(|g| g.id == *group).map_or(group.as_str(), |g| g.name.as_str());
                t!("vote.scope.table", table = name, locale = l).into_owned()
            }
            VoteScope::Agency { agency } => t!("vote.scope.agency", agency = agency, locale = l).into_owned(),
        }
    }
}

impl VoteMethod {
    /// "3 dots each, at most 2 on one idea" or "one choice each", in `lang`.
    pub fn text(self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            VoteMethod::Dots { per_voter, per_idea } => {
                t!("vote.status.dots", per_voter = per_voter, per_idea = per_idea.min(per_voter), locale = l)
            }
            VoteMethod::Single => t!("vote.status.single", locale = l),
        }
        .into_owned()
    }
}

/// The idea a vote chose for one agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyWinner {
    pub agency: String,
    pub idea: u64,
    pub votes: u64,
    /// Other ideas of the agency with as many votes: no winner until the coach decides.
    pub tie: Vec<u64>,
}

impl AgencyWinner {
    pub fn is_tie(&self) -> bool {
        !self.tie.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::NewIdea;
    use crate::testing::{at, seed_session};

    fn session_with_ideas() -> (Session, String) {
        let mut s = seed_session(at("2022-11-03T09:00:00+07:00"));
        let block = s.progress.block.clone();
        let now = s.created_at;
        let ideas = [("meja-1", "Dinas Kesehatan"), ("meja-1", "Dinas Sosial"), ("meja-2", "Dinas Kesehatan")]
            .iter()
            .enumerate()
            .map(|(k, (group, agency))| NewIdea {
                group: group.to_string(),
                title: format!("Ide {k}"),
                agency: Some(agency.to_string()),
                block: Some(block.clone()),
                ..Default::default()
            })
            .collect();
        s.add_ideas(ideas, now).unwrap();
        (s, block)
    }

    fn open(s: &mut Session, block: &str, method: VoteMethod) -> u64 {
        let new = NewVote {
            question: "Mana yang didahulukan?".into(),
            scope: VoteScope::Block,
            method,
            hidden: false,
            anonymous: false,
            block: block.to_string(),
        };
        s.open_vote_on(new, at("2022-11-03T10:00:00+07:00")).unwrap()
    }

    fn dots(pairs: &[(u64, u32)]) -> Vec<Count> {
        pairs.iter().map(|&(idea, count)| Count { idea, count }).collect()
    }

    #[test]
    fn dots_are_counted_and_ranked_with_ties_as_ties() {
        let (mut s, block) = session_with_ideas();
        let id = open(&mut s, &block, VoteMethod::Dots { per_voter: 3, per_idea: 2 });
        let now = at("2022-11-03T10:01:00+07:00");
        let vote = s.vote_mut(id).unwrap();
        assert_eq!(vote.ideas, vec![1, 2, 3]);
        vote.cast("Budi", &dots(&[(1, 2), (2, 1)]), None, now).unwrap();
        vote.cast("Siti", &dots(&[(2, 1), (3, 2)]), None, now).unwrap();
        vote.set_hands(1, 0).unwrap();
        let standings = vote.standings();
        let view: Vec<(u64, u64, usize)> = standings.iter().map(|s| (s.idea, s.votes, s.rank)).collect();
        assert_eq!(view, vec![(1, 2, 1), (2, 2, 1), (3, 2, 1)]);
        vote.set_hands(3, 4).unwrap();
        let view: Vec<(u64, u64, usize)> = vote.standings().iter().map(|s| (s.idea, s.votes, s.rank)).collect();
        assert_eq!(view, vec![(3, 6, 1), (1, 2, 2), (2, 2, 2)]);
    }

    #[test]
    fn a_second_ballot_of_the_same_name_replaces_the_first() {
        let (mut s, block) = session_with_ideas();
        let id = open(&mut s, &block, VoteMethod::Single);
        let now = at("2022-11-03T10:01:00+07:00");
        let vote = s.vote_mut(id).unwrap();
        vote.cast("Budi Santoso", &dots(&[(1, 1)]), None, now).unwrap();
        vote.cast("  budi santoso ", &dots(&[(2, 1)]), None, now).unwrap();
        assert_eq!(vote.ballots.len(), 1);
        assert_eq!(vote.ballots[0].dots, dots(&[(2, 1)]));
    }

    #[test]
    fn bad_ballots_are_refused_and_change_nothing() {
        let (mut s, block) = session_with_ideas();
        let id = open(&mut s, &block, VoteMethod::Dots { per_voter: 3, per_idea: 2 });
        let now = at("2022-11-03T10:01:00+07:00");
        let vote = s.vote_mut(id).unwrap();
        vote.cast("Budi", &dots(&[(1, 1)]), None, now).unwrap();
        let before = vote.clone();
        assert_eq!(vote.cast("Siti", &dots(&[(9, 1)]), None, now), Err(VoteError::NotOnBallot(9)));
        assert_eq!(vote.cast("Siti", &dots(&[(1, 3)]), None, now), Err(VoteError::TooManyOnOne { limit: 2 }));
        assert_eq!(vote.cast("Siti", &dots(&[(1, 1), (1, 2)]), None, now), Err(VoteError::TooManyOnOne { limit: 2 }));
        assert_eq!(vote.cast("Siti", &dots(&[(1, 2), (2, 2)]), None, now), Err(VoteError::TooManyDots { limit: 3 }));
        assert_eq!(vote.cast("Siti", &dots(&[(1, 0)]), None, now), Err(VoteError::Empty));
        assert_eq!(vote.cast("\u{1b}[2J", &dots(&[(1, 1)]), None, now), Err(VoteError::NoVoter));
        assert_eq!(vote.set_hands(9, 1), Err(VoteError::NotOnBallot(9)));
        assert_eq!(vote.set_hands(1, MAX_HANDS + 1), Err(VoteError::TooManyHands));
        assert_eq!(*vote, before);
        vote.close(now);
        assert_eq!(vote.cast("Siti", &dots(&[(1, 1)]), None, now), Err(VoteError::Closed));
        assert_eq!(vote.set_hands(1, 1), Err(VoteError::Closed));
    }

    #[test]
    fn an_anonymous_vote_forgets_its_voters_when_it_closes() {
        let (mut s, block) = session_with_ideas();
        let new = NewVote {
            question: "Q".into(),
            scope: VoteScope::Table { group: "meja-1".into() },
            method: VoteMethod::Single,
            hidden: true,
            anonymous: true,
            block,
        };
        let id = s.open_vote_on(new, at("2022-11-03T10:00:00+07:00")).unwrap();
        let now = at("2022-11-03T10:01:00+07:00");
        let vote = s.vote_mut(id).unwrap();
        assert_eq!(vote.ideas, vec![1, 2], "the table's ideas only");
        assert!(!vote.results_shown());
        vote.cast("Budi", &dots(&[(1, 1)]), None, now).unwrap();
        vote.close(now);
        assert!(vote.results_shown());
        assert_eq!(vote.ballots[0].voter, None);
        assert_eq!(vote.standings()[0].votes, 1);
    }

    #[test]
    fn one_vote_at_a_time_and_never_on_nothing() {
        let (mut s, block) = session_with_ideas();
        open(&mut s, &block, VoteMethod::Single);
        let again = NewVote {
            question: String::new(),
            scope: VoteScope::Block,
            method: VoteMethod::Single,
            hidden: false,
            anonymous: false,
            block: block.clone(),
        };
        assert_eq!(s.open_vote_on(again.clone(), s.created_at), Err(VoteError::AlreadyOpen));
        let created = s.created_at;
        s.open_vote_mut().unwrap().close(created);
        let nothing = NewVote { scope: VoteScope::Agency { agency: "Dinas Pendidikan".into() }, ..again };
        assert_eq!(s.open_vote_on(nothing, s.created_at), Err(VoteError::NoIdeas));
    }

    #[test]
    fn an_ideas_agency_is_its_authors_when_it_has_none_and_names_are_bounded() {
        let (mut s, block) = session_with_ideas();
        s.groups[1].members.push(crate::model::roster::member(
            "Budi",
            Some("Dinas Sosial"),
            crate::model::Role::Head,
            true,
        ));
        let now = s.created_at;
        let authored = NewIdea {
            group: "meja-2".into(),
            title: "Tanpa OPD".into(),
            author: Some("budi".into()),
            block: Some(block.clone()),
            ..Default::default()
        };
        s.add_ideas(vec![authored], now).unwrap();
        let scope = VoteScope::Agency { agency: "dinas sosial ".into() };
        assert_eq!(s.vote_ideas(&scope, &block), vec![2, 4], "#4 is Dinas Sosial's through its author");
        let id = open(&mut s, &block, VoteMethod::Dots { per_voter: 3, per_idea: 3 });
        let vote = s.vote_mut(id).unwrap();
        vote.cast("Siti", &dots(&[(4, 2), (2, 1)]), None, now).unwrap();
        assert_eq!(vote.cast(&"x".repeat(81), &dots(&[(1, 1)]), None, now), Err(VoteError::NameTooLong));
        let winners = s.vote_winners(s.vote(id).unwrap());
        assert_eq!((winners[0].agency.as_str(), winners[0].idea), ("Dinas Sosial", 4));
    }

    #[test]
    fn winners_are_one_per_agency_and_ties_are_not_decided() {
        let (mut s, block) = session_with_ideas();
        let id = open(&mut s, &block, VoteMethod::Dots { per_voter: 3, per_idea: 3 });
        let now = at("2022-11-03T10:01:00+07:00");
        s.vote_mut(id).unwrap().cast("Budi", &dots(&[(1, 1), (3, 1), (2, 1)]), None, now).unwrap();
        let winners = s.vote_winners(s.vote(id).unwrap());
        assert_eq!(winners.len(), 2);
        assert!(winners[0].is_tie(), "Dinas Kesehatan: #1 and #3 have one each");
        assert_eq!(winners[1], AgencyWinner { agency: "Dinas Sosial".into(), idea: 2, votes: 1, tie: vec![] });
        s.vote_mut(id).unwrap().set_hands(3, 2).unwrap();
        let winners = s.vote_winners(s.vote(id).unwrap());
        assert_eq!((winners[0].idea, winners[0].votes, winners[0].is_tie()), (3, 3, false));
    }
}
