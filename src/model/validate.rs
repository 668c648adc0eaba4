//! The invariants a session and a plan must hold beyond their JSON shape: unique ids, references that
//! resolve, times in order, a consistent timer and bounded text. Each problem names where it is in the file.

use std::collections::HashSet;
use std::fmt;

use rust_i18n::t;

use crate::i18n::Lang;

use super::idea::Timestamp;
use super::names::FastSet;
use super::plan::Plan;
use super::session::{MAX_ID, MAX_TIMER_SECS, Session};
use super::text::MAX_TEXT_BYTES;

/// The most table groups a plan may start a session with (a room, not a stadium).
pub const MAX_TABLES: u32 = 100;

/// One broken invariant, at a JSON path such as `ideas[3].group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    NoDays,
    NoBlocks,
    DateNotAfterPrevious {
        date: String,
    },
    DuplicateId {
        id: String,
    },
    EmptyId,
    EmptyText,
    EndNotAfterStart {
        start: String,
        end: String,
    },
    StartsBeforePrevious,
    TargetZero,
    NoGroups,
    UnknownGroup {
        id: String,
    },
    UnknownBlock {
        id: String,
    },
    TimerRunningWithoutDeadline,
    TimerPausedWithoutRemaining,
    TooLong {
        bytes: usize,
    },
    TooManyTables {
        max: u32,
    },
    IdOutOfRange {
        value: u64,
    },
    TimerOutOfRange {
        value: i64,
    },
    TimeOutOfRange {
        value: String,
    },
    /// A submission refers to an idea the session does not hold, or its state and idea disagree.
    UnknownIdea {
        id: u64,
    },
    MissingIdea,
    /// A vote breaks one of its rules (see `vote_rule` in the locales).
    VoteRule {
        rule: &'static str,
    },
}

impl Problem {
    /// "days[0].blocks: this day has no blocks", in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        format!("{}: {}", self.path, self.kind.message(lang))
    }
}

impl fmt::Display for Problem {
    /// In English; what a user reads is [`Problem::message`] in their language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl ProblemKind {
    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang.code();
        let text = match self {
            ProblemKind::NoDays => t!("problem.no_days", locale = l),
            ProblemKind::NoBlocks => t!("problem.no_blocks", locale = l),
            ProblemKind::DateNotAfterPrevious { date } => t!("problem.date_order", date = date, locale = l),
            ProblemKind::DuplicateId { id } => t!("problem.duplicate_id", id = format!("{id:?}"), locale = l),
            ProblemKind::EmptyId => t!("problem.empty_id", locale = l),
            ProblemKind::EmptyText => t!("problem.empty_text", locale = l),
            ProblemKind::EndNotAfterStart { start, end } => {
                t!("problem.end_before_start", start = start, end = end, locale = l)
            }
            ProblemKind::StartsBeforePrevious => t!("problem.block_order", locale = l),
            ProblemKind::TargetZero => t!("problem.target_zero", locale = l),
            ProblemKind::NoGroups => t!("problem.no_groups", locale = l),
            ProblemKind::UnknownGroup { id } => t!("problem.unknown_group", id = format!("{id:?}"), locale = l),
            ProblemKind::UnknownBlock { id } => t!("problem.unknown_block", id = format!("{id:?}"), locale = l),
            ProblemKind::TimerRunningWithoutDeadline => t!("problem.timer_no_deadline", locale = l),
            ProblemKind::TimerPausedWithoutRemaining => t!("problem.timer_no_remaining", locale = l),
            ProblemKind::TooManyTables { max } => t!("problem.too_many_tables", max = max, locale = l),
            ProblemKind::IdOutOfRange { value } => t!("problem.id_range", value = value, max = MAX_ID, locale = l),
            ProblemKind::TimerOutOfRange { value } => {
                t!("problem.timer_range", value = value, max = MAX_TIMER_SECS, locale = l)
            }
            ProblemKind::TimeOutOfRange { value } => {
                t!("problem.time_range", value = value, from = MIN_YEAR, to = MAX_YEAR, locale = l)
            }
            ProblemKind::UnknownIdea { id } => t!("problem.unknown_idea", id = id, locale = l),
            ProblemKind::MissingIdea => t!("problem.missing_idea", locale = l),
            ProblemKind::VoteRule { rule } => {
                let key = format!("problem.vote.{rule}");
                std::borrow::Cow::Owned(t!(&key, locale = l).into_owned())
            }
            ProblemKind::TooLong { bytes } => {
                t!("problem.too_long", bytes = bytes, limit = MAX_TEXT_BYTES / (1024 * 1024), locale = l)
            }
        };
        text.into_owned()
    }
}

/// The years a stored time may fall in: wide enough for any lab, narrow enough that adding a timer or a
/// week to it can never leave the range the clock library holds.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 9999;

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, path: impl Into<String>, kind: ProblemKind) {
        self.problems.push(Problem { path: path.into(), kind });
    }

    fn text(&mut self, path: impl FnOnce() -> String, value: &str) {
        if value.len() > MAX_TEXT_BYTES {
            self.push(path(), ProblemKind::TooLong { bytes: value.len() });
        }
    }

    fn opt_text(&mut self, path: impl FnOnce() -> String, value: Option<&String>) {
        if let Some(value) = value {
            self.text(path, value);
        }
    }

    fn time(&mut self, path: impl FnOnce() -> String, value: &Timestamp) {
        use chrono::Datelike;
        if !(MIN_YEAR..=MAX_YEAR).contains(&value.year()) {
            self.push(path(), ProblemKind::TimeOutOfRange { value: value.to_rfc3339() });
        }
    }

    fn timer_secs(&mut self, path: &str, value: i64) {
        if !(-MAX_TIMER_SECS..=MAX_TIMER_SECS).contains(&value) {
            self.push(path, ProblemKind::TimerOutOfRange { value });
        }
    }

    fn required_text(&mut self, path: impl Fn() -> String, value: &str) {
        if value.trim().is_empty() {
            self.push(path(), ProblemKind::EmptyText);
        }
        self.text(path, value);
    }

    fn plan(&mut self, plan: &Plan, prefix: &str) {
        self.required_text(|| format!("{prefix}title"), &plan.title);
        self.text(|| format!("{prefix}organiser"), &plan.organiser);
        self.text(|| format!("{prefix}venue"), &plan.venue);
        self.text(|| format!("{prefix}coach"), &plan.coach);
        self.opt_text(|| format!("{prefix}signatory.name"), plan.signatory.name.as_ref());
        self.opt_text(|| format!("{prefix}signatory.position"), plan.signatory.position.as_ref());
        if plan.target_ideas == 0 {
            self.push(format!("{prefix}target_ideas"), ProblemKind::TargetZero);
        }
        if plan.tables > MAX_TABLES {
            // A new session creates this many tables at once: a typo must not exhaust memory.
            self.push(format!("{prefix}tables"), ProblemKind::TooManyTables { max: MAX_TABLES });
        }
        if plan.days.is_empty() {
            self.push(format!("{prefix}days"), ProblemKind::NoDays);
        }
        let mut ids = HashSet::new();
        for (d, day) in plan.days.iter().enumerate() {
            if d > 0 && day.date <= plan.days[d - 1].date {
                self.push(
                    format!("{prefix}days[{d}].date"),
                    ProblemKind::DateNotAfterPrevious { date: day.date.to_string() },
                );
            }
            if day.blocks.is_empty() {
                self.push(format!("{prefix}days[{d}].blocks"), ProblemKind::NoBlocks);
            }
            for (b, block) in day.blocks.iter().enumerate() {
                let at = format!("{prefix}days[{d}].blocks[{b}]");
                if block.id.trim().is_empty() {
                    self.push(format!("{at}.id"), ProblemKind::EmptyId);
                } else if !ids.insert(block.id.as_str()) {
                    self.push(format!("{at}.id"), ProblemKind::DuplicateId { id: block.id.clone() });
                }
                self.text(|| format!("{at}.id"), &block.id);
                if block.end <= block.start {
                    self.push(
                        format!("{at}.end"),
                        ProblemKind::EndNotAfterStart { start: block.start.to_string(), end: block.end.to_string() },
                    );
                }
                if b > 0 && block.start < day.blocks[b - 1].start {
                    self.push(format!("{at}.start"), ProblemKind::StartsBeforePrevious);
                }
                self.required_text(|| format!("{at}.title"), &block.title);
                self.opt_text(|| format!("{at}.speaker"), block.speaker.as_ref());
                self.opt_text(|| format!("{at}.prompt"), block.prompt.as_ref());
                self.opt_text(|| format!("{at}.notes"), block.notes.as_ref());
            }
        }
    }

    fn session(&mut self, session: &Session) {
        self.plan(&session.plan, "plan.");
        let blocks: FastSet<&str> = session.plan.blocks().map(|(_, b)| b.id.as_str()).collect();

        if session.groups.is_empty() {
            self.push("groups", ProblemKind::NoGroups);
        }
        let mut group_ids = FastSet::default();
        for (g, group) in session.groups.iter().enumerate() {
            if group.id.trim().is_empty() {
                self.push(format!("groups[{g}].id"), ProblemKind::EmptyId);
            } else if !group_ids.insert(group.id.as_str()) {
                self.push(format!("groups[{g}].id"), ProblemKind::DuplicateId { id: group.id.clone() });
            }
            self.text(|| format!("groups[{g}].id"), &group.id);
            self.required_text(|| format!("groups[{g}].name"), &group.name);
            for (m, member) in group.members.iter().enumerate() {
                self.required_text(|| format!("groups[{g}].members[{m}].name"), &member.name);
                self.opt_text(|| format!("groups[{g}].members[{m}].agency"), member.agency.as_ref());
            }
        }

        self.time(|| "created_at".into(), &session.created_at);
        self.time(|| "updated_at".into(), &session.updated_at);
        // Ids in rising order (as innolab writes them) are all different; only another order needs the set.
        let rising = session.ideas.windows(2).all(|w| w[0].id < w[1].id);
        let mut idea_ids = FastSet::default();
        for (i, idea) in session.ideas.iter().enumerate() {
            if !(1..=MAX_ID).contains(&idea.id) {
                self.push(format!("ideas[{i}].id"), ProblemKind::IdOutOfRange { value: idea.id });
            } else if !rising && !idea_ids.insert(idea.id) {
                self.push(format!("ideas[{i}].id"), ProblemKind::DuplicateId { id: idea.id.to_string() });
            }
            if !group_ids.contains(idea.group.as_str()) {
                self.push(format!("ideas[{i}].group"), ProblemKind::UnknownGroup { id: idea.group.clone() });
            }
            if !blocks.contains(idea.block.as_str()) {
                self.push(format!("ideas[{i}].block"), ProblemKind::UnknownBlock { id: idea.block.clone() });
            }
            self.text(|| format!("ideas[{i}].title"), &idea.title);
            self.opt_text(|| format!("ideas[{i}].agency"), idea.agency.as_ref());
            self.opt_text(|| format!("ideas[{i}].author"), idea.author.as_ref());
            self.opt_text(|| format!("ideas[{i}].detail"), idea.detail.as_ref());
            self.time(|| format!("ideas[{i}].created_at"), &idea.created_at);
            self.time(|| format!("ideas[{i}].updated_at"), &idea.updated_at);
        }

        let known = Known { session, group_ids: &group_ids, blocks: &blocks, idea_ids: &idea_ids, rising };
        self.room(&known);
        self.votes(&known);

        let progress = &session.progress;
        if !blocks.contains(progress.block.as_str()) {
            self.push("progress.block", ProblemKind::UnknownBlock { id: progress.block.clone() });
        }
        let mut timed = HashSet::new();
        for (i, timer) in progress.timers.iter().enumerate() {
            let at = |field: &str| format!("progress.timers[{i}].{field}");
            if !blocks.contains(timer.block.as_str()) {
                self.push(at("block"), ProblemKind::UnknownBlock { id: timer.block.clone() });
            } else if !timed.insert(timer.block.as_str()) {
                // Two countdowns for one block: which one the wall shows would be a guess.
                self.push(at("block"), ProblemKind::DuplicateId { id: timer.block.clone() });
            }
            if timer.running && timer.deadline.is_none() {
                self.push(at("deadline"), ProblemKind::TimerRunningWithoutDeadline);
            }
            if !timer.running && timer.remaining_secs.is_none() {
                self.push(at("remaining_secs"), ProblemKind::TimerPausedWithoutRemaining);
            }
            self.timer_secs(&at("duration_secs"), i64::from(timer.duration_secs));
            if let Some(remaining) = timer.remaining_secs {
                self.timer_secs(&at("remaining_secs"), remaining);
            }
            if let Some(deadline) = &timer.deadline {
                self.time(|| at("deadline"), deadline);
            }
        }
    }
}

/// What the parts of a session that refer to others (room submissions, votes) are checked against.
#[derive(Clone, Copy)]
struct Known<'a> {
    session: &'a Session,
    group_ids: &'a FastSet<&'a str>,
    blocks: &'a FastSet<&'a str>,
    /// The ideas' ids, collected only when they are not in rising order.
    idea_ids: &'a FastSet<u64>,
    rising: bool,
}

impl Known<'_> {
    fn has_idea(&self, id: u64) -> bool {
        if self.rising {
            self.session.ideas.binary_search_by_key(&id, |i| i.id).is_ok()
        } else {
            self.idea_ids.contains(&id)
        }
    }
}

impl Checker {
    /// Room mode's submissions: unique ids in range, known tables and blocks, text within limits, and an idea
    /// exactly when approved or merged (one the session holds).
    fn room(&mut self, known: &Known<'_>) {
        use super::room::SubmissionState;
        let Known { session, group_ids, blocks, .. } = *known;
        let has_idea = |id: u64| known.has_idea(id);
        let mut ids = FastSet::default();
        for (i, s) in session.room.submissions.iter().enumerate() {
            let at = |field: &str| format!("room.submissions[{i}].{field}");
            if !(1..=MAX_ID).contains(&s.id) {
                self.push(at("id"), ProblemKind::IdOutOfRange { value: s.id });
            } else if !ids.insert(s.id) {
                self.push(at("id"), ProblemKind::DuplicateId { id: s.id.to_string() });
            }
            if !group_ids.contains(s.group.as_str()) {
                self.push(at("group"), ProblemKind::UnknownGroup { id: s.group.clone() });
            }
            if !blocks.contains(s.block.as_str()) {
                self.push(at("block"), ProblemKind::UnknownBlock { id: s.block.clone() });
            }
            self.required_text(|| at("name"), &s.name);
            self.required_text(|| at("title"), &s.title);
            self.opt_text(|| at("agency"), s.agency.as_ref());
            self.opt_text(|| at("detail"), s.detail.as_ref());
            self.text(|| at("phone"), &s.phone);
            self.text(|| at("nonce"), &s.nonce);
            self.time(|| at("received_at"), &s.received_at);
            if let Some(decided) = &s.decided_at {
                self.time(|| at("decided_at"), decided);
            }
            let wants_idea = matches!(s.state, SubmissionState::Approved | SubmissionState::Merged);
            match s.idea {
                Some(id) if !wants_idea || !has_idea(id) => self.push(at("idea"), ProblemKind::UnknownIdea { id }),
                None if wants_idea => self.push(at("idea"), ProblemKind::MissingIdea),
                _ => {}
            }
        }
        for (b, block) in session.room.auto_approve.iter().enumerate() {
            if !blocks.contains(block.as_str()) {
                self.push(format!("room.auto_approve[{b}]"), ProblemKind::UnknownBlock { id: block.clone() });
            }
        }
    }
}

impl Checker {
    /// The votes: unique ids in range, at most one open, known blocks, tables and ideas, limits kept by the
    /// method and by every ballot and count.
    fn votes(&mut self, known: &Known<'_>) {
        use super::vote::{MAX_BALLOTS, MAX_DOTS, MAX_HANDS, MAX_VOTE_IDEAS, VoteScope};
        let Known { session, group_ids, blocks, .. } = *known;
        let has_idea = |id: u64| known.has_idea(id);
        let mut ids = FastSet::default();
        let mut open = 0;
        for (v, vote) in session.votes.iter().enumerate() {
            let at = |field: &str| format!("votes[{v}].{field}");
            let rule = |rule: &'static str| ProblemKind::VoteRule { rule };
            if !(1..=MAX_ID).contains(&vote.id) {
                self.push(at("id"), ProblemKind::IdOutOfRange { value: vote.id });
            } else if !ids.insert(vote.id) {
                self.push(at("id"), ProblemKind::DuplicateId { id: vote.id.to_string() });
            }
            if vote.is_open() {
                open += 1;
                if open > 1 {
                    self.push(at("closed_at"), rule("two_open"));
                }
            }
            self.text(|| at("question"), &vote.question);
            if !blocks.contains(vote.block.as_str()) {
                self.push(at("block"), ProblemKind::UnknownBlock { id: vote.block.clone() });
            }
            match &vote.scope {
                VoteScope::Table { group } if !group_ids.contains(group.as_str()) => {
                    self.push(at("scope.group"), ProblemKind::UnknownGroup { id: group.clone() });
                }
                VoteScope::Agency { agency } => self.required_text(|| at("scope.agency"), agency),
                _ => {}
            }
            let (per_voter, per_idea) = vote.method.limits();
            if let super::vote::VoteMethod::Dots { per_voter: pv, per_idea: pi } = vote.method
                && (!(1..=MAX_DOTS).contains(&pv) || !(1..=pv).contains(&pi))
            {
                self.push(at("method"), rule("limits"));
            }
            if vote.ideas.is_empty() || vote.ideas.len() > MAX_VOTE_IDEAS {
                self.push(at("ideas"), rule("ideas"));
            }
            let mut on_ballot = FastSet::default();
            for (k, &idea) in vote.ideas.iter().enumerate() {
                if !has_idea(idea) {
                    self.push(format!("votes[{v}].ideas[{k}]"), ProblemKind::UnknownIdea { id: idea });
                } else if !on_ballot.insert(idea) {
                    self.push(format!("votes[{v}].ideas[{k}]"), ProblemKind::DuplicateId { id: idea.to_string() });
                }
            }
            self.time(|| at("opened_at"), &vote.opened_at);
            if let Some(closed) = &vote.closed_at {
                self.time(|| at("closed_at"), closed);
                if *closed < vote.opened_at {
                    self.push(at("closed_at"), rule("closed_before_opened"));
                }
            }
            let mut counted = FastSet::default();
            for (h, hand) in vote.hands.iter().enumerate() {
                let fits = on_ballot.contains(&hand.idea) && hand.count <= MAX_HANDS && counted.insert(hand.idea);
                if !fits {
                    self.push(format!("votes[{v}].hands[{h}]"), rule("hands"));
                }
            }
            if vote.ballots.len() > MAX_BALLOTS {
                self.push(at("ballots"), rule("ballots"));
            }
            let mut voters = FastSet::default();
            for (b, ballot) in vote.ballots.iter().enumerate() {
                let at = |field: &str| format!("votes[{v}].ballots[{b}].{field}");
                match &ballot.voter {
                    Some(voter) => {
                        self.required_text(|| at("voter"), voter);
                        if !voters.insert(super::names::Caseless(voter.as_str())) {
                            self.push(at("voter"), rule("two_ballots"));
                        }
                    }
                    None if vote.is_open() || !vote.anonymous => self.push(at("voter"), rule("no_voter")),
                    None => {}
                }
                let mut seen = FastSet::default();
                let total: u64 = ballot.dots.iter().map(|d| u64::from(d.count)).sum();
                let fits = !ballot.dots.is_empty()
                    && total <= u64::from(per_voter)
                    && ballot.dots.iter().all(|d| {
                        on_ballot.contains(&d.idea) && (1..=per_idea).contains(&d.count) && seen.insert(d.idea)
                    });
                if !fits {
                    self.push(at("dots"), rule("dots"));
                }
                self.time(|| at("cast_at"), &ballot.cast_at);
            }
        }
    }
}

/// Every broken invariant of a session, in file order; empty when it is valid.
pub fn session_problems(session: &Session) -> Vec<Problem> {
    let mut checker = Checker { problems: Vec::new() };
    checker.session(session);
    checker.problems
}

/// Every broken invariant of a plan file, in file order; empty when it is valid.
pub fn plan_problems(plan: &Plan) -> Vec<Problem> {
    let mut checker = Checker { problems: Vec::new() };
    checker.plan(plan, "");
    checker.problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::session::NewIdea;
    use chrono::NaiveDate;

    fn session() -> Session {
        crate::testing::seed_session(crate::testing::at("2022-11-02T08:00:00+07:00"))
    }

    fn kinds(s: &Session) -> Vec<(String, ProblemKind)> {
        session_problems(s).into_iter().map(|p| (p.path, p.kind)).collect()
    }

    #[test]
    fn builtin_session_is_valid() {
        assert_eq!(kinds(&session()), vec![]);
        assert!(plan_problems(&session().plan).is_empty());
    }

    #[test]
    fn dangling_references_are_found() {
        let mut s = session();
        let now = s.created_at;
        s.add_idea(NewIdea { group: "meja-99".into(), title: "x".into(), ..Default::default() }, now).unwrap();
        s.ideas[0].block = "nowhere".into();
        s.progress.block = "gone".into();
        assert_eq!(
            kinds(&s),
            vec![
                ("ideas[0].group".into(), ProblemKind::UnknownGroup { id: "meja-99".into() }),
                ("ideas[0].block".into(), ProblemKind::UnknownBlock { id: "nowhere".into() }),
                ("progress.block".into(), ProblemKind::UnknownBlock { id: "gone".into() }),
            ]
        );
    }

    #[test]
    fn duplicate_ids_are_found() {
        let mut s = session();
        let now = s.created_at;
        s.add_idea(NewIdea { group: "meja-1".into(), title: "x".into(), ..Default::default() }, now).unwrap();
        s.ideas.push(s.ideas[0].clone());
        s.groups[1].id = "meja-1".into();
        s.plan.days[1].blocks[0].id = s.plan.days[0].blocks[0].id.clone();
        let found = kinds(&s);
        assert!(found.iter().any(|(p, k)| p == "ideas[1].id" && matches!(k, ProblemKind::DuplicateId { .. })));
        assert!(found.iter().any(|(p, k)| p == "groups[1].id" && matches!(k, ProblemKind::DuplicateId { .. })));
        assert!(
            found.iter().any(|(p, k)| p == "plan.days[1].blocks[0].id" && matches!(k, ProblemKind::DuplicateId { .. }))
        );
    }

    #[test]
    fn plan_order_and_target_are_checked() {
        let mut plan = session().plan;
        plan.target_ideas = 0;
        plan.days[1].date = plan.days[0].date;
        plan.days[0].blocks[1].end = plan.days[0].blocks[1].start;
        plan.days[2].blocks.swap(0, 1);
        let paths: Vec<String> = plan_problems(&plan).into_iter().map(|p| p.path).collect();
        assert_eq!(paths, vec!["target_ideas", "days[0].blocks[1].end", "days[1].date", "days[2].blocks[1].start"]);
    }

    #[test]
    fn a_plan_cannot_ask_for_millions_of_tables() {
        let mut plan = session().plan;
        plan.tables = MAX_TABLES;
        assert!(plan_problems(&plan).is_empty());
        plan.tables = u32::MAX;
        let problems: Vec<(String, ProblemKind)> = plan_problems(&plan).into_iter().map(|p| (p.path, p.kind)).collect();
        assert_eq!(problems, vec![("tables".into(), ProblemKind::TooManyTables { max: MAX_TABLES })]);
    }

    #[test]
    fn overlong_text_is_refused() {
        let mut s = session();
        s.plan.title = "x".repeat(MAX_TEXT_BYTES + 1);
        assert_eq!(kinds(&s), vec![("plan.title".into(), ProblemKind::TooLong { bytes: MAX_TEXT_BYTES + 1 })]);
    }

    #[test]
    fn ids_timers_and_times_out_of_range_are_refused() {
        let mut s = session();
        let now = s.created_at;
        for _ in 0..3 {
            s.add_idea(NewIdea { group: "meja-1".into(), title: "x".into(), ..Default::default() }, now).unwrap();
        }
        s.ideas[0].id = MAX_ID;
        s.ideas[1].id = u64::MAX;
        s.ideas[2].id = 0;
        let mut timer = s.timer_of(&s.plan.days[0].blocks[0]);
        timer.remaining_secs = Some(10_i64.pow(16));
        timer.duration_secs = u32::MAX;
        s.set_timer(timer);
        s.ideas[0].created_at =
            NaiveDate::from_ymd_opt(50000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().fixed_offset();
        assert_eq!(
            kinds(&s),
            vec![
                (
                    "ideas[0].created_at".into(),
                    ProblemKind::TimeOutOfRange { value: "+50000-01-01T00:00:00+00:00".into() }
                ),
                ("ideas[1].id".into(), ProblemKind::IdOutOfRange { value: u64::MAX }),
                ("ideas[2].id".into(), ProblemKind::IdOutOfRange { value: 0 }),
                (
                    "progress.timers[0].duration_secs".into(),
                    ProblemKind::TimerOutOfRange { value: i64::from(u32::MAX) }
                ),
                ("progress.timers[0].remaining_secs".into(), ProblemKind::TimerOutOfRange { value: 10_i64.pow(16) }),
            ]
        );
    }

    #[test]
    fn timer_state_must_be_consistent() {
        let mut s = session();
        let mut timer = s.timer_of(&s.plan.days[0].blocks[0]);
        timer.running = true;
        s.set_timer(timer.clone());
        assert_eq!(kinds(&s), vec![("progress.timers[0].deadline".into(), ProblemKind::TimerRunningWithoutDeadline)]);
        timer.running = false;
        s.progress.timers = vec![timer.clone(), timer.clone()];
        assert_eq!(
            kinds(&s),
            vec![("progress.timers[1].block".into(), ProblemKind::DuplicateId { id: timer.block.clone() })],
            "one block, one countdown"
        );
        s.progress.timers[1].block = "gone".into();
        assert_eq!(
            kinds(&s),
            vec![("progress.timers[1].block".into(), ProblemKind::UnknownBlock { id: "gone".into() })]
        );
    }
}
