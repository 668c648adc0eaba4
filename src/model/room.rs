//! Room mode's part of the session: what the tables' phones sent, and what the coach made of it. A submission
//! is kept from the moment it arrives (pending) and never removed: approved (it became an idea), merged into
//! an idea as a duplicate (its sender credited as an author too), rejected, or withdrawn by its sender.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::idea::{Idea, Timestamp};
use super::names::{Caseless, FastMap};
use super::session::{IdsExhausted, NewIdea, Session};
use super::text;

/// The longest title a phone may send (characters).
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest name a phone may send (characters).
pub const MAX_NAME_CHARS: usize = 80;
/// The longest description a phone may send (characters).
pub const MAX_DETAIL_CHARS: usize = 1000;
/// The most submissions one phone may have waiting for the coach at once.
pub const MAX_PENDING_PER_PHONE: usize = 20;
/// The most submissions one session may hold (a flood stops here, with a message, before the file grows).
pub const MAX_SUBMISSIONS: usize = 20_000;

/// What the phones sent, in the order it arrived, and the blocks whose submissions go up without the coach.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Room {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub submissions: Vec<Submission>,
    /// Blocks (ids) whose submissions are approved as they arrive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_approve: Vec<String>,
}

impl Room {
    pub fn is_empty(&self) -> bool {
        self.submissions.is_empty() && self.auto_approve.is_empty()
    }
}

/// One idea as a phone sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Unique among the session's submissions, never reused.
    pub id: u64,
    /// The table it was sent for (a group id).
    pub group: String,
    /// The sender's name as chosen or typed.
    pub name: String,
    /// The name is on that table's roster (else it was typed in).
    #[serde(default)]
    pub on_roster: bool,
    /// The sender's agency, from the roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The block on the wall when it arrived (a block id).
    pub block: String,
    /// The sending phone (a random id it keeps in a cookie), so it can list and withdraw its own.
    pub phone: String,
    /// The form's one-time key: the same form sent twice (a retry) is one submission.
    pub nonce: String,
    pub received_at: Timestamp,
    pub state: SubmissionState,
    /// The idea it became (approved) or was merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idea: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    /// Waiting for the coach.
    Pending,
    /// On the wall, as idea `idea`.
    Approved,
    /// Counted as a duplicate of idea `idea`; its sender is credited there.
    Merged,
    /// Kept, not shown.
    Rejected,
    /// Taken back by its sender before the coach decided.
    Withdrawn,
}

impl SubmissionState {
    pub fn key(self) -> &'static str {
        match self {
            SubmissionState::Pending => "pending",
            SubmissionState::Approved => "approved",
            SubmissionState::Merged => "merged",
            SubmissionState::Rejected => "rejected",
            SubmissionState::Withdrawn => "withdrawn",
        }
    }
}

/// What `Session::submit` looks up for each new submission, kept beside the session so a room sending at
/// once costs the same per idea at the 3,000th as at the first: the forms already taken (phone and nonce),
/// how many each phone has waiting, and the next id. Made from the session's submissions
/// ([`RoomIndex::of`]) and kept by the methods that change them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomIndex {
    forms: FastMap<(String, String), u64>,
    pending: FastMap<String, usize>,
    /// Pending submissions in all (what the wall's join panel shows on every frame).
    waiting: usize,
    next_id: u64,
}

impl RoomIndex {
    pub fn of(room: &Room) -> RoomIndex {
        let mut index = RoomIndex::default();
        for s in &room.submissions {
            index.add(s);
        }
        index
    }

    fn add(&mut self, s: &Submission) {
        if !s.nonce.is_empty() {
            self.forms.insert((s.phone.clone(), s.nonce.clone()), s.id);
        }
        if s.state == SubmissionState::Pending {
            *self.pending.entry(s.phone.clone()).or_default() += 1;
            self.waiting += 1;
        }
        self.next_id = self.next_id.max(s.id.saturating_add(1));
    }

    /// A submission of `phone` is no longer pending.
    fn settled(&mut self, phone: &str) {
        if let Some(n) = self.pending.get_mut(phone) {
            *n = n.saturating_sub(1);
            self.waiting = self.waiting.saturating_sub(1);
            if *n == 0 {
                self.pending.remove(phone);
            }
        }
    }

    /// Submissions waiting for the coach, in all.
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    fn pending_of(&self, phone: &str) -> usize {
        self.pending.get(phone).copied().unwrap_or(0)
    }
}

/// What a phone sends (raw, untrusted: cleaned and checked by [`Session::submit`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSubmission {
    pub group: String,
    pub name: String,
    pub title: String,
    pub detail: Option<String>,
    pub phone: String,
    pub nonce: String,
}

/// Why a submission was refused (nothing changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitError {
    UnknownTable,
    NoName,
    NoTitle,
    NameTooLong,
    TitleTooLong,
    DetailTooLong,
    /// This phone already has [`MAX_PENDING_PER_PHONE`] waiting.
    TooManyPending,
    /// The session holds [`MAX_SUBMISSIONS`].
    Full,
    /// No such submission of this phone, or it is no longer pending.
    NotPending,
    /// Voting: no vote is open, or not the one the phone's page showed.
    VoteClosed,
    /// Voting: a dot on an idea that is not on the ballot.
    NotOnBallot,
    /// Voting: more dots than a voter has.
    TooManyDots,
    /// Voting: more dots on one idea than allowed.
    TooManyOnOne,
    /// Voting: no dot placed.
    EmptyBallot,
    /// Voting: the vote holds as many ballots as it may.
    BallotsFull,
}

impl SubmitError {
    /// A refused ballot as the phone is told it.
    pub fn of_vote(error: &super::vote::VoteError) -> SubmitError {
        use super::vote::VoteError;
        match error {
            VoteError::Closed | VoteError::AlreadyOpen | VoteError::NoIdeas | VoteError::Ids(_) => {
                SubmitError::VoteClosed
            }
            VoteError::NotOnBallot(_) | VoteError::TooManyHands => SubmitError::NotOnBallot,
            VoteError::TooManyDots { .. } => SubmitError::TooManyDots,
            VoteError::TooManyOnOne { .. } => SubmitError::TooManyOnOne,
            VoteError::Empty => SubmitError::EmptyBallot,
            VoteError::NoVoter => SubmitError::NoName,
            VoteError::NameTooLong => SubmitError::NameTooLong,
            VoteError::Full => SubmitError::BallotsFull,
        }
    }
}

impl SubmitError {
    /// The locale key of the message the phone shows.
    pub fn key(self) -> &'static str {
        match self {
            SubmitError::UnknownTable => "room.error.unknown_table",
            SubmitError::NoName => "room.error.no_name",
            SubmitError::NoTitle => "room.error.no_title",
            SubmitError::NameTooLong => "room.error.name_too_long",
            SubmitError::TitleTooLong => "room.error.title_too_long",
            SubmitError::DetailTooLong => "room.error.detail_too_long",
            SubmitError::TooManyPending => "room.error.too_many_pending",
            SubmitError::Full => "room.error.full",
            SubmitError::NotPending => "room.error.not_pending",
            SubmitError::VoteClosed => "room.error.vote_closed",
            SubmitError::NotOnBallot => "room.error.not_on_ballot",
            SubmitError::TooManyDots => "room.error.too_many_dots",
            SubmitError::TooManyOnOne => "room.error.too_many_on_one",
            SubmitError::EmptyBallot => "room.error.empty_ballot",
            SubmitError::BallotsFull => "room.error.ballots_full",
        }
    }
}

/// What a submission became, for the coach's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approved as it was sent, or as the coach edited it.
    Approve,
    /// A duplicate of idea `into`.
    Merge {
        into: u64,
    },
    Reject,
}

/// Why a decision could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideError {
    NotPending,
    NoSuchIdea,
    IdsExhausted,
}

impl From<IdsExhausted> for DecideError {
    fn from(_: IdsExhausted) -> DecideError {
        DecideError::IdsExhausted
    }
}

/// A field cleaned as typed text is, and cut to nothing when only space remains.
fn cleaned(text: &str) -> String {
    text::clean_line(text)
}

fn too_long(text: &str, max_chars: usize) -> bool {
    text.chars().nth(max_chars).is_some()
}

impl Session {
    /// The submission with `id`.
    pub fn submission(&self, id: u64) -> Option<&Submission> {
        let list = &self.room.submissions;
        match list.binary_search_by_key(&id, |s| s.id) {
            Ok(i) => Some(&list[i]),
            Err(_) => list.iter().find(|s| s.id == id),
        }
    }

    fn submission_mut(&mut self, id: u64) -> Option<&mut Submission> {
        let list = &mut self.room.submissions;
        match list.binary_search_by_key(&id, |s| s.id) {
            Ok(i) => Some(&mut list[i]),
            Err(_) => list.iter_mut().find(|s| s.id == id),
        }
    }

    /// Submissions waiting for the coach, oldest first.
    pub fn pending_submissions(&self) -> impl Iterator<Item = &Submission> {
        self.room.submissions.iter().filter(|s| s.state == SubmissionState::Pending)
    }

    /// Takes in what a phone sent: cleaned like typed text, checked, and kept as pending (the app approves it
    /// at once when its block approves by itself: `room.auto_approve`). The same form sent again (same phone
    /// and nonce) is the submission already kept. Returns its id and whether it is new. `index` is this
    /// session's ([`RoomIndex::of`]), kept up to date by these methods.
    pub fn submit(
        &mut self,
        index: &mut RoomIndex,
        new: NewSubmission,
        now: Timestamp,
    ) -> Result<(u64, bool), SubmitError> {
        let (phone, nonce) = (cleaned(&new.phone), cleaned(&new.nonce));
        if let Some(&existing) = index.forms.get(&(phone.clone(), nonce.clone())).filter(|_| !nonce.is_empty()) {
            return Ok((existing, false));
        }
        let group = self.groups.iter().position(|g| g.id == new.group).ok_or(SubmitError::UnknownTable)?;
        let (name, title) = (cleaned(&new.name), cleaned(&new.title));
        let detail = new.detail.as_deref().map(text::clean_multiline).filter(|d| !d.is_empty());
        if name.is_empty() {
            return Err(SubmitError::NoName);
        }
        if title.is_empty() {
            return Err(SubmitError::NoTitle);
        }
        if too_long(&name, MAX_NAME_CHARS) {
            return Err(SubmitError::NameTooLong);
        }
        if too_long(&title, MAX_TITLE_CHARS) {
            return Err(SubmitError::TitleTooLong);
        }
        if detail.as_deref().is_some_and(|d| too_long(d, MAX_DETAIL_CHARS)) {
            return Err(SubmitError::DetailTooLong);
        }
        if self.room.submissions.len() >= MAX_SUBMISSIONS {
            return Err(SubmitError::Full);
        }
        if index.pending_of(&phone) >= MAX_PENDING_PER_PHONE {
            return Err(SubmitError::TooManyPending);
        }
        let member = self.groups[group].members.iter().find(|m| Caseless(&m.name) == Caseless(&name));
        let id = index.next_id.max(1);
        let submission = Submission {
            id,
            group: new.group,
            name: member.map_or(name, |m| m.name.clone()),
            on_roster: member.is_some(),
            agency: member.and_then(|m| m.agency.clone()),
            title,
            detail,
            block: self.progress.block.clone(),
            phone,
            nonce,
            received_at: now,
            state: SubmissionState::Pending,
            idea: None,
            decided_at: None,
        };
        index.add(&submission);
        self.room.submissions.push(submission);
        self.updated_at = now;
        Ok((id, true))
    }

    /// The coach's decision on a pending submission. Approving adds an idea (from `edited` when the coach
    /// changed it first) in the current block, with the sender as author and `room` as its source; merging
    /// credits the sender on idea `into`. Returns the idea it went into, if any.
    pub fn decide(
        &mut self,
        index: &mut RoomIndex,
        id: u64,
        decision: Decision,
        edited: Option<NewIdea>,
        now: Timestamp,
    ) -> Result<Option<u64>, DecideError> {
        let submission = self.submission(id).filter(|s| s.state == SubmissionState::Pending).cloned();
        let submission = submission.ok_or(DecideError::NotPending)?;
        let (state, idea) = match decision {
            Decision::Approve => {
                let new = edited.unwrap_or_else(|| NewIdea {
                    group: submission.group.clone(),
                    title: submission.title.clone(),
                    agency: submission.agency.clone(),
                    author: Some(submission.name.clone()),
                    detail: submission.detail.clone(),
                    ..NewIdea::default()
                });
                let idea = self.add_idea(new, now)?;
                if let Some(added) = self.idea_mut(idea) {
                    added.source = Some(super::idea::Source::Room);
                }
                (SubmissionState::Approved, Some(idea))
            }
            Decision::Merge { into } => {
                let target = self.idea_mut(into).filter(|i| i.is_live()).ok_or(DecideError::NoSuchIdea)?;
                credit(target, &submission.name, now);
                (SubmissionState::Merged, Some(into))
            }
            Decision::Reject => (SubmissionState::Rejected, None),
        };
        self.settle(index, id, state, idea, now);
        Ok(idea)
    }

    /// Records what became of a submission (the idea it went into, for approved and merged ones); the caller
    /// has made that idea.
    pub fn settle(
        &mut self,
        index: &mut RoomIndex,
        id: u64,
        state: SubmissionState,
        idea: Option<u64>,
        now: Timestamp,
    ) {
        if let Some(s) = self.submission_mut(id) {
            if s.state == SubmissionState::Pending && state != SubmissionState::Pending {
                index.settled(&s.phone);
            }
            s.state = state;
            s.idea = idea;
            s.decided_at = Some(now);
        }
        self.updated_at = now;
    }

    /// The sender takes back a submission the coach has not decided on (only from the phone that sent it).
    pub fn withdraw(&mut self, index: &mut RoomIndex, id: u64, phone: &str, now: Timestamp) -> Result<(), SubmitError> {
        let submission = self.submission_mut(id).filter(|s| s.phone == phone && s.state == SubmissionState::Pending);
        let submission = submission.ok_or(SubmitError::NotPending)?;
        index.settled(phone);
        submission.state = SubmissionState::Withdrawn;
        submission.decided_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// Turns automatic approval on or off for `block`; returns whether it is now on.
    pub fn toggle_auto_approve(&mut self, block: &str, now: Timestamp) -> bool {
        let list = &mut self.room.auto_approve;
        let on = match list.iter().position(|b| b == block) {
            Some(i) => {
                list.remove(i);
                false
            }
            None => {
                list.push(block.to_string());
                true
            }
        };
        self.updated_at = now;
        on
    }

    /// The submissions one phone sent, newest first.
    pub fn submissions_of<'a>(&'a self, phone: &'a str) -> impl Iterator<Item = &'a Submission> + 'a {
        self.room.submissions.iter().rev().filter(move |s| s.phone == phone)
    }
}

/// Adds `name` to the idea's authors (`"A; B"`, as the tally splits them) unless it is there already.
fn credit(idea: &mut Idea, name: &str, now: Timestamp) {
    let authors = credited(idea.author.as_deref(), name);
    if idea.author.as_deref() != Some(authors.as_str()) {
        idea.author = Some(authors);
        idea.updated_at = now;
    }
}

/// The authors `author` with `name` added (`"A; B"`, as the tally splits them), unless it is there already.
pub fn credited(author: Option<&str>, name: &str) -> String {
    let author = author.unwrap_or("");
    if super::agency::author_names(author).any(|n| Caseless(n) == Caseless(name)) {
        return author.to_string();
    }
    match author.trim() {
        "" => name.to_string(),
        authors => format!("{authors}; {name}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::validate::session_problems;
    use crate::model::{Member, Role, Source};
    use crate::testing::{at, seed_session};

    fn session() -> Session {
        let mut s = seed_session(at("2022-11-02T08:00:00+07:00"));
        s.groups[0].members.push(Member {
            name: "Siti Rahayu".into(),
            agency: Some("Dinas Kesehatan".into()),
            role: Role::Representative,
            present: true,
        });
        s
    }

    fn sent(title: &str, nonce: &str) -> NewSubmission {
        NewSubmission {
            group: "meja-1".into(),
            name: " siti rahayu ".into(),
            title: title.into(),
            detail: Some("Langkah pertama.\n\u{1b}[2JMinggu depan.".into()),
            phone: "phone-a".into(),
            nonce: nonce.into(),
        }
    }

    #[test]
    fn a_submission_is_cleaned_checked_and_kept_pending() {
        let mut s = session();
        let mut ix = RoomIndex::of(&s.room);
        let now = at("2022-11-02T09:00:00+07:00");
        let (id, new) = s.submit(&mut ix, sent("Antrean\u{1b}[31m daring \u{202E}", "n1"), now).unwrap();
        assert!(new);
        let kept = s.submission(id).unwrap();
        assert_eq!(kept.title, "Antrean daring");
        assert_eq!(kept.detail.as_deref(), Some("Langkah pertama.\nMinggu depan."));
        assert_eq!((kept.name.as_str(), kept.on_roster), ("Siti Rahayu", true), "the roster's spelling");
        assert_eq!(kept.agency.as_deref(), Some("Dinas Kesehatan"));
        assert_eq!((kept.state, kept.block.as_str()), (SubmissionState::Pending, s.progress.block.as_str()));
        // The same form again (a retry) is the same submission.
        assert_eq!(s.submit(&mut ix, sent("Antrean daring", "n1"), now), Ok((id, false)));
        assert_eq!(s.room.submissions.len(), 1);
        assert!(session_problems(&s).is_empty());
    }

    #[test]
    fn bad_submissions_are_refused_and_change_nothing() {
        let mut s = session();
        let mut ix = RoomIndex::of(&s.room);
        let now = at("2022-11-02T09:00:00+07:00");
        let before = s.clone();
        let cases = [
            (NewSubmission { group: "meja-99".into(), ..sent("x", "a") }, SubmitError::UnknownTable),
            (NewSubmission { name: " \u{1b}[0m ".into(), ..sent("x", "b") }, SubmitError::NoName),
            (sent("   ", "c"), SubmitError::NoTitle),
            (sent(&"a".repeat(MAX_TITLE_CHARS + 1), "d"), SubmitError::TitleTooLong),
            (NewSubmission { name: "n".repeat(MAX_NAME_CHARS + 1), ..sent("x", "e") }, SubmitError::NameTooLong),
            (
                NewSubmission { detail: Some("d".repeat(MAX_DETAIL_CHARS + 1)), ..sent("x", "f") },
                SubmitError::DetailTooLong,
            ),
        ];
        for (new, error) in cases {
            assert_eq!(s.submit(&mut ix, new, now), Err(error));
            assert_eq!(s, before);
        }
        for n in 0..MAX_PENDING_PER_PHONE {
            s.submit(&mut ix, sent("x", &n.to_string()), now).unwrap();
        }
        assert_eq!(s.submit(&mut ix, sent("x", "one more"), now), Err(SubmitError::TooManyPending));
        let other = NewSubmission { phone: "phone-b".into(), ..sent("x", "one more") };
        assert!(s.submit(&mut ix, other, now).is_ok(), "another phone is not held back");
    }

    #[test]
    fn the_coach_approves_merges_or_rejects() {
        let mut s = session();
        let mut ix = RoomIndex::of(&s.room);
        let now = at("2022-11-02T09:00:00+07:00");
        let (a, _) = s.submit(&mut ix, sent("Antrean daring", "a"), now).unwrap();
        let (b, _) =
            s.submit(&mut ix, NewSubmission { name: "Budi".into(), ..sent("Antrean online", "b") }, now).unwrap();
        let (c, _) = s.submit(&mut ix, sent("tes", "c"), now).unwrap();
        let idea = s.decide(&mut ix, a, Decision::Approve, None, now).unwrap().unwrap();
        let added = s.idea(idea).unwrap();
        assert_eq!((added.title.as_str(), added.author.as_deref()), ("Antrean daring", Some("Siti Rahayu")));
        assert_eq!((added.agency.as_deref(), added.source), (Some("Dinas Kesehatan"), Some(Source::Room)));
        assert_eq!(added.block, s.progress.block);
        assert_eq!(s.decide(&mut ix, b, Decision::Merge { into: idea }, None, now), Ok(Some(idea)));
        assert_eq!(s.idea(idea).unwrap().author.as_deref(), Some("Siti Rahayu; Budi"), "both credited");
        assert_eq!(s.decide(&mut ix, c, Decision::Reject, None, now), Ok(None));
        let states: Vec<_> = s.room.submissions.iter().map(|x| (x.state, x.idea)).collect();
        assert_eq!(
            states,
            [
                (SubmissionState::Approved, Some(idea)),
                (SubmissionState::Merged, Some(idea)),
                (SubmissionState::Rejected, None)
            ]
        );
        assert_eq!(s.decide(&mut ix, c, Decision::Approve, None, now), Err(DecideError::NotPending), "decided once");
        assert!(session_problems(&s).is_empty());
        // A merge into an idea that is not there (or deleted) changes nothing.
        let (d, _) = s.submit(&mut ix, sent("lagi", "d"), now).unwrap();
        assert_eq!(s.decide(&mut ix, d, Decision::Merge { into: 999 }, None, now), Err(DecideError::NoSuchIdea));
        assert_eq!(s.submission(d).unwrap().state, SubmissionState::Pending);
    }

    #[test]
    fn only_the_sending_phone_withdraws_and_only_while_pending() {
        let mut s = session();
        let mut ix = RoomIndex::of(&s.room);
        let now = at("2022-11-02T09:00:00+07:00");
        let (a, _) = s.submit(&mut ix, sent("Antrean daring", "a"), now).unwrap();
        assert_eq!(s.withdraw(&mut ix, a, "phone-b", now), Err(SubmitError::NotPending));
        assert_eq!(s.withdraw(&mut ix, a, "phone-a", now), Ok(()));
        assert_eq!(s.submission(a).unwrap().state, SubmissionState::Withdrawn);
        assert_eq!(s.withdraw(&mut ix, a, "phone-a", now), Err(SubmitError::NotPending));
        assert_eq!(s.decide(&mut ix, a, Decision::Approve, None, now), Err(DecideError::NotPending));
    }

    #[test]
    fn automatic_approval_is_a_list_of_blocks() {
        let mut s = session();
        let now = at("2022-11-02T09:00:00+07:00");
        let block = s.progress.block.clone();
        assert!(s.toggle_auto_approve(&block, now));
        assert_eq!(s.room.auto_approve, std::slice::from_ref(&block));
        assert!(session_problems(&s).is_empty());
        assert!(!s.toggle_auto_approve(&block, now));
        assert!(s.room.is_empty());
    }

    #[test]
    fn crediting_adds_a_name_once() {
        assert_eq!(credited(None, "Budi"), "Budi");
        assert_eq!(credited(Some("  "), "Budi"), "Budi");
        assert_eq!(credited(Some("Rina"), "Budi"), "Rina; Budi");
        assert_eq!(credited(Some("Rina; budi"), "Budi"), "Rina; budi");
    }
}
