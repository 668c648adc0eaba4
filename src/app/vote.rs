//! Voting on the wall (issue 16): `v` opens a vote on the ideas of this block, of one table or of one agency
//! (a form: question, scope, method, dots, hidden, anonymous), or goes back to the vote already open. On the
//! vote's screen the coach counts a show of hands (`+`/`-` on the selected idea), reveals the results (`r`),
//! closes the vote (`c`, confirmed) and turns its winners into flagships (`F`, one per agency, with the same
//! rules and the same question as `f`).

use rust_i18n::t;

use super::form::{Field, FieldKey, Form, FormPurpose};
use super::ideas::record;
use super::{Change, Effect, FlagshipMove, Lab, Overlay, Screen, State};
use crate::i18n::Lang;
use crate::model::{FlagshipConflict, Idea, NewVote, SubmitError, VoteError, VoteMethod, VoteScope};

/// Dots per voter the form offers (the default is the third: 3).
const DOTS: [u32; 10] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/// What `F` would do with a vote's winners, waiting for the coach's yes when a star moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinnersPlan {
    pub vote: u64,
    /// Ideas that get the star (their agency has none).
    pub set: Vec<u64>,
    /// Stars that move from an agency's flagship to the vote's winner.
    pub moves: Vec<FlagshipMove>,
    /// Agencies whose top ideas tie: left for the coach (`f` on the board).
    pub ties: Vec<String>,
}

impl State {
    /// `v`: the open vote's screen, or the form that opens one.
    pub(super) fn open_vote(&mut self) -> Vec<Effect> {
        let lang = self.lang;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        if let Some(vote) = lab.session.open_vote() {
            let id = vote.id;
            self.layers.show(Screen::Vote { vote: id, cursor: 0 });
            return vec![];
        }
        let Some((_, block)) = lab.session.current_block() else { return vec![] };
        let block_id = block.id.clone();
        let block_title = block.title.clone();
        let scopes = vote_scopes(lab, &block_id);
        let labels: Vec<String> = scopes.iter().map(|s| scope_label(lab, s, &block_title, lang)).collect();
        let l = lang.code();
        let question = t!("vote.default_question", block = block_title, locale = l).into_owned();
        let methods = vec!["vote.method.dots".to_string(), "vote.method.single".to_string()];
        let dots: Vec<String> = DOTS.iter().map(u32::to_string).collect();
        lab.vote_scopes = scopes;
        lab.form = Some(Form::new(
            FormPurpose::OpenVote,
            vec![
                Field::text(FieldKey::Question, &question),
                Field::choice(FieldKey::Scope, labels, 0, false),
                Field::choice(FieldKey::Method, methods, 0, true),
                Field::choice(FieldKey::Dots, dots.clone(), 2, false),
                Field::choice(FieldKey::PerIdea, dots, 2, false),
                Field::toggle(FieldKey::Hidden, true),
                Field::toggle(FieldKey::Anonymous, true),
            ],
        ));
        self.layers.push(Overlay::Form);
        vec![]
    }

    /// After the form opened a vote: its screen.
    pub(super) fn show_open_vote(&mut self) {
        if let Some(id) = self.lab.as_ref().and_then(|l| l.session.open_vote()).map(|v| v.id) {
            self.layers.show(Screen::Vote { vote: id, cursor: 0 });
        }
    }

    /// ↑/↓ on the vote's screen: the idea whose hands `+`/`-` count (in ranked order, as shown).
    pub(super) fn vote_cursor(&mut self, dy: isize) -> Vec<Effect> {
        let count = self.shown_vote().map_or(0, |v| v.ideas.len());
        if let Screen::Vote { cursor, .. } = &mut self.layers.screen {
            *cursor = cursor.saturating_add_signed(dy).min(count.saturating_sub(1));
        }
        vec![]
    }

    /// `+`/`-`: one hand more or less for the selected idea (a show of hands, counted by the coach).
    pub(super) fn count_hand(&mut self, delta: i32) -> Vec<Effect> {
        let lang = self.lang;
        let Screen::Vote { vote: id, cursor } = self.layers.screen else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(vote) = lab.session.vote_mut(id) else { return vec![] };
        let Some(idea) = shown_order(vote).get(cursor).copied() else { return vec![] };
        let now = vote.hands_for(idea);
        let next = now.saturating_add_signed(delta);
        if next == now {
            return vec![];
        }
        match vote.set_hands(idea, next) {
            Ok(()) => {
                lab.unsaved.touch_vote(id);
                self.follow_selection(id, idea);
                self.changed()
            }
            Err(e) => self.notify(vote_error(&e, lang), true),
        }
    }

    /// Keeps the selection on `idea` as it climbs or falls in the ranking.
    pub(super) fn follow_selection(&mut self, id: u64, idea: u64) {
        let Screen::Vote { vote, cursor } = self.layers.screen else { return };
        let at = self
            .lab
            .as_ref()
            .and_then(|l| l.session.vote(id))
            .and_then(|v| shown_order(v).iter().position(|&i| i == idea));
        if vote == id {
            self.layers.screen = Screen::Vote { vote, cursor: at.unwrap_or(cursor) };
        }
    }

    /// Enter on the vote's screen: the hands of the selected idea, typed as a number (a big room's count).
    pub(super) fn open_hands_form(&mut self) -> Vec<Effect> {
        let Screen::Vote { vote: id, cursor } = self.layers.screen else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(vote) = lab.session.vote(id).filter(|v| v.is_open()) else { return vec![] };
        let Some(standing) = shown_order(vote).get(cursor).copied() else { return vec![] };
        let now = vote.hands_for(standing);
        lab.form =
            Some(Form::new(FormPurpose::Hands(id, standing), vec![Field::text(FieldKey::Hands, &now.to_string())]));
        self.layers.push(Overlay::Form);
        vec![]
    }

    /// `r`: the results on the wall, or hidden again (while the vote is open).
    pub(super) fn toggle_reveal(&mut self) -> Vec<Effect> {
        let Screen::Vote { vote: id, .. } = self.layers.screen else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        if !lab.session.vote(id).is_some_and(crate::model::Vote::is_open) {
            return vec![];
        }
        let selected = self.selected_vote_idea();
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(vote) = lab.session.vote_mut(id) else { return vec![] };
        vote.revealed = !vote.revealed;
        lab.unsaved.touch_vote(id);
        if let Some((vote, idea)) = selected {
            self.follow_selection(vote, idea);
        }
        self.changed()
    }

    /// The vote on the wall and the idea its selection is on.
    fn selected_vote_idea(&self) -> Option<(u64, u64)> {
        let Screen::Vote { vote, cursor } = self.layers.screen else { return None };
        let idea = shown_order(self.lab.as_ref()?.session.vote(vote)?).get(cursor).copied()?;
        Some((vote, idea))
    }

    /// `c`: asks before closing the open vote.
    pub(super) fn ask_close_vote(&mut self) -> Vec<Effect> {
        let Screen::Vote { vote: id, .. } = self.layers.screen else { return vec![] };
        if self.lab.as_ref().and_then(|l| l.session.vote(id)).is_some_and(|v| v.is_open()) {
            self.layers.push(Overlay::ConfirmCloseVote(id));
        }
        vec![]
    }

    /// Enter on "close the vote?": its results are fixed and saved.
    pub(super) fn close_vote(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(Overlay::ConfirmCloseVote(id)) = self.layers.pop() else { return vec![] };
        let selected = self.selected_vote_idea();
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let at = now.with_timezone(&lab.offset());
        let Some(vote) = lab.session.vote_mut(id) else { return vec![] };
        vote.close(at);
        // An anonymous vote's names are dropped: written whole, so no journal line keeps them.
        if !vote.anonymous {
            lab.unsaved.touch_vote(id);
        }
        if let Some((vote, idea)) = selected {
            self.follow_selection(vote, idea);
        }
        let mut effects = self.changed();
        let text = t!("vote.closed_notice", locale = self.lang.code()).into_owned();
        effects.extend(self.notify(text, false));
        effects
    }

    /// `F`: the vote's winner of each agency becomes its flagship. Stars that would move are asked about
    /// first (all at once); ties are left to the coach and named.
    pub(super) fn winners_to_flagships(&mut self) -> Vec<Effect> {
        let lang = self.lang;
        let Screen::Vote { vote: id, .. } = self.layers.screen else { return vec![] };
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let Some(vote) = lab.session.vote(id) else { return vec![] };
        if vote.is_open() {
            return self.notify(t!("vote.close_first", locale = lang.code()).into_owned(), true);
        }
        let plan = winners_plan(lab, id);
        if plan.set.is_empty() && plan.moves.is_empty() {
            let text = match plan.ties.is_empty() {
                true => t!("vote.no_winners", locale = lang.code()).into_owned(),
                false => t!("vote.only_ties", agencies = plan.ties.join(", "), locale = lang.code()).into_owned(),
            };
            return self.notify(text, true);
        }
        if plan.moves.is_empty() {
            return self.apply_winners(&plan);
        }
        self.layers.push(Overlay::ConfirmWinners(plan));
        vec![]
    }

    /// Enter on "move these stars?": every winner gets its star in one undoable step.
    pub(super) fn confirm_winners(&mut self) -> Vec<Effect> {
        let Some(Overlay::ConfirmWinners(plan)) = self.layers.pop() else { return vec![] };
        self.apply_winners(&plan)
    }

    fn apply_winners(&mut self, plan: &WinnersPlan) -> Vec<Effect> {
        let now = self.now;
        let lang = self.lang;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let mut change: Option<Change> = None;
        let mut add = |before: Idea, flagship: bool| {
            let after = Idea { flagship, ..before.clone() };
            change = Some(match change.take() {
                None => Change::one(before, after),
                Some(c) => c.and(before, after),
            });
        };
        for &to in plan.set.iter().chain(plan.moves.iter().map(|m| &m.to)) {
            if let Some(idea) = lab.session.idea(to).filter(|i| !i.flagship).cloned() {
                add(idea, true);
            }
        }
        for m in &plan.moves {
            if let Some(idea) = lab.session.idea(m.from).filter(|i| i.flagship).cloned() {
                add(idea, false);
            }
        }
        let Some(change) = change else { return vec![] };
        let count = change.after.iter().filter(|i| i.flagship).count();
        record(lab, change, now);
        let mut effects = self.changed();
        let key = crate::i18n::plural_key("vote.flagships_set", count as u64);
        let mut text = t!(&key, count = count, locale = lang.code()).into_owned();
        if !plan.ties.is_empty() {
            text = format!("{text}; {}", t!("vote.ties_left", agencies = plan.ties.join(", "), locale = lang.code()));
        }
        effects.extend(self.notify(text, false));
        effects
    }

    /// A phone's ballot for the open vote (room mode): counted and saved, the phone told once it is on disk.
    /// A ballot for a vote that is closed, or another than the open one, is refused; nothing changes.
    pub(super) fn room_ballot(&mut self, cast: crate::model::CastBallot, reply: u64) -> Vec<Effect> {
        let now = self.now;
        let refuse = |e: SubmitError| vec![Effect::RoomReply { reply, answer: Err(e), after: None }];
        let selected = self.selected_vote_idea();
        let Some(lab) = self.lab.as_mut() else { return refuse(SubmitError::VoteClosed) };
        let at = now.with_timezone(&lab.offset());
        let Some(vote) = lab.session.open_vote_mut().filter(|v| v.id == cast.vote) else {
            return refuse(SubmitError::VoteClosed);
        };
        if let Err(e) = vote.cast(&cast.voter, &cast.dots, Some(&cast.phone), at) {
            return refuse(SubmitError::of_vote(&e));
        }
        lab.unsaved.touch_vote(cast.vote);
        // The coach's selection stays on its idea while phones' ballots move the ranking.
        if let Some((vote, idea)) = selected {
            self.follow_selection(vote, idea);
        }
        let mut effects = self.changed();
        effects.push(Effect::SaveNow);
        effects.push(Effect::RoomReply { reply, answer: Ok(cast.vote), after: Some(self.save.generation) });
        effects
    }

    /// The vote on the wall (the vote screen's).
    pub fn shown_vote(&self) -> Option<&crate::model::Vote> {
        let Screen::Vote { vote, .. } = self.layers.screen else { return None };
        self.lab.as_ref()?.session.vote(vote)
    }
}

/// What the scope choice of the form offers, in order: this block, each table, each agency with live ideas.
fn vote_scopes(lab: &Lab, block: &str) -> Vec<VoteScope> {
    let mut scopes = vec![VoteScope::Block];
    scopes.extend(
        lab.session
            .groups
            .iter()
            .filter(|g| lab.session.live_ideas().any(|i| i.block == block && i.group == g.id))
            .map(|g| VoteScope::Table { group: g.id.clone() }),
    );
    let mut agencies: Vec<&str> = Vec::new();
    for idea in lab.session.live_ideas() {
        if let Some(agency) = lab.session.agency_of(idea).map(str::trim).filter(|a| !a.is_empty())
            && !agencies.iter().any(|a| crate::model::agency::same_name(a, agency))
        {
            agencies.push(agency);
        }
    }
    agencies.sort_by(|a, b| crate::model::names::name_order(a, b));
    scopes.extend(agencies.into_iter().map(|a| VoteScope::Agency { agency: a.to_string() }));
    scopes
}

/// How a scope reads in the form (before the vote exists).
fn scope_label(lab: &Lab, scope: &VoteScope, block_title: &str, lang: Lang) -> String {
    let l = lang.code();
    match scope {
        VoteScope::Block => t!("vote.scope.block", block = block_title, locale = l).into_owned(),
        VoteScope::Table { group } => {
            let name = lab.session.groups.iter().find(|g| g.id == *group).map_or(group.as_str(), |g| g.name.as_str());
            t!("vote.scope.table", table = name, locale = l).into_owned()
        }
        VoteScope::Agency { agency } => t!("vote.scope.agency", agency = agency, locale = l).into_owned(),
    }
}

/// Enter on the vote form: opens the vote (refused with a reason, the form kept open).
pub(super) fn apply_vote_form(
    lab: &mut Lab,
    form: &Form,
    now: crate::model::Timestamp,
    lang: Lang,
) -> Result<bool, String> {
    let Some((_, block)) = lab.session.current_block() else { return Ok(false) };
    let block = block.id.clone();
    let scope = lab.vote_scopes.get(form.choice(FieldKey::Scope)).cloned().unwrap_or(VoteScope::Block);
    let per_voter = DOTS.get(form.choice(FieldKey::Dots)).copied().unwrap_or(3);
    let per_idea = DOTS.get(form.choice(FieldKey::PerIdea)).copied().unwrap_or(per_voter).min(per_voter);
    let method = match form.choice(FieldKey::Method) {
        0 => VoteMethod::Dots { per_voter, per_idea },
        _ => VoteMethod::Single,
    };
    let mut question = form.text(FieldKey::Question);
    if question.is_empty() {
        question = t!("vote.untitled", locale = lang.code()).into_owned();
    }
    let new = NewVote {
        question,
        scope,
        method,
        hidden: form.toggle(FieldKey::Hidden),
        anonymous: form.toggle(FieldKey::Anonymous),
        block,
    };
    let at = now.with_timezone(&lab.offset());
    let id = lab.session.open_vote_on(new, at).map_err(|e| vote_error(&e, lang))?;
    lab.unsaved.touch_vote(id);
    lab.vote_scopes.clear();
    Ok(true)
}

/// Enter on the hands form: the count, a whole number from 0 to 9999 (else the form says so and stays).
pub(super) fn apply_hands_form(lab: &mut Lab, form: &Form, vote: u64, idea: u64, lang: Lang) -> Result<bool, String> {
    let text = form.text(FieldKey::Hands);
    let count = text
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|&n| n <= crate::model::vote::MAX_HANDS)
        .ok_or_else(|| t!("vote.error.hands_number", locale = lang.code()).into_owned())?;
    let Some(v) = lab.session.vote_mut(vote) else { return Ok(false) };
    if v.hands_for(idea) == count {
        return Ok(false);
    }
    v.set_hands(idea, count).map_err(|e| vote_error(&e, lang))?;
    lab.unsaved.touch_vote(vote);
    Ok(true)
}

/// The vote's ideas in the order the wall lists them: ranked once the results show, else the ballot's.
pub fn shown_order(vote: &crate::model::Vote) -> Vec<u64> {
    if vote.results_shown() { vote.standings().iter().map(|s| s.idea).collect() } else { vote.ideas.clone() }
}

/// What `F` would do with vote `id`'s winners.
fn winners_plan(lab: &Lab, id: u64) -> WinnersPlan {
    let mut plan = WinnersPlan { vote: id, set: Vec::new(), moves: Vec::new(), ties: Vec::new() };
    let Some(vote) = lab.session.vote(id) else { return plan };
    let mut starred: Vec<String> = Vec::new();
    for winner in lab.session.vote_winners(vote) {
        if winner.is_tie() {
            plan.ties.push(winner.agency);
            continue;
        }
        // One star per agency, however the agency's name is spelled among the winners.
        if starred.iter().any(|a| crate::model::agency::same_name(a, &winner.agency)) {
            continue;
        }
        starred.push(winner.agency.clone());
        let Some(idea) = lab.session.idea(winner.idea) else { continue };
        if idea.flagship {
            continue;
        }
        let candidate = Idea { flagship: true, ..idea.clone() };
        match lab.session.flagship_conflict(&candidate) {
            None => plan.set.push(idea.id),
            Some(FlagshipConflict::Taken { agency, holder }) => {
                plan.moves.push(FlagshipMove { to: idea.id, from: holder, agency });
            }
            Some(FlagshipConflict::NoAgency) => {}
        }
    }
    plan
}

/// A refused vote action, in `lang`.
pub fn vote_error(error: &VoteError, lang: Lang) -> String {
    let l = lang.code();
    match error {
        VoteError::Closed => t!("vote.error.closed", locale = l),
        VoteError::NotOnBallot(id) => t!("vote.error.not_on_ballot", id = id, locale = l),
        VoteError::TooManyDots { limit } => t!("vote.error.too_many_dots", limit = limit, locale = l),
        VoteError::TooManyOnOne { limit } => t!("vote.error.too_many_on_one", limit = limit, locale = l),
        VoteError::Empty => t!("vote.error.empty", locale = l),
        VoteError::NoVoter => t!("vote.error.no_voter", locale = l),
        VoteError::NameTooLong => t!("vote.error.name_too_long", locale = l),
        VoteError::Full => t!("vote.error.full", locale = l),
        VoteError::NoIdeas => t!("vote.error.no_ideas", locale = l),
        VoteError::AlreadyOpen => t!("vote.error.already_open", locale = l),
        VoteError::TooManyHands => t!("vote.error.too_many_hands", locale = l),
        VoteError::Ids(e) => return e.message(lang),
    }
    .into_owned()
}
