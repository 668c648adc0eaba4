//! The votes of a session as the reports show them (issue 16): for each vote its question, what it was on,
//! how the room voted, how many ballots and hands, and its ideas ranked (ties share a rank, written "=1").

use rust_i18n::t;

use crate::i18n::Lang;
use crate::model::{Session, Vote};

/// One vote, ready to be written in any report.
pub struct VoteReport {
    pub question: String,
    /// "the ideas of Curah ide · 3 dots each, at most 3 on one idea · 12 ballots · 7 hands counted · closed".
    pub about: String,
    pub rows: Vec<VoteRow>,
}

/// One idea of a vote's results.
pub struct VoteRow {
    /// "1", or "=1" for a rank shared with another idea.
    pub rank: String,
    /// "#3 Antrean puskesmas daring".
    pub idea: String,
    pub votes: u64,
}

/// Every vote of `session`, oldest first, in `lang`. An open vote with hidden results is reported as open,
/// with its numbers (the report is for the organisers, not the room).
pub fn reports(session: &Session, lang: Lang) -> Vec<VoteReport> {
    session.votes.iter().map(|vote| report(session, vote, lang)).collect()
}

fn report(session: &Session, vote: &Vote, lang: Lang) -> VoteReport {
    let l = lang.code();
    let mut about = vec![session.vote_scope_text(vote, lang), vote.method.text(lang)];
    about.push(t!("report.vote.ballots", count = vote.ballots.len(), locale = l).into_owned());
    let hands: u64 = vote.hands.iter().map(|h| u64::from(h.count)).sum();
    if hands > 0 {
        about.push(t!("vote.status.hands", count = hands, locale = l).into_owned());
    }
    about.push(match vote.is_open() {
        true => t!("vote.status.open", locale = l).into_owned(),
        false => t!("vote.status.closed", locale = l).into_owned(),
    });
    let standings = vote.standings();
    let rows = standings
        .iter()
        .map(|s| {
            let shared = standings.iter().filter(|o| o.rank == s.rank).count() > 1;
            let title = session.idea(s.idea).map_or("", |i| i.title.as_str());
            VoteRow {
                rank: if shared { format!("={}", s.rank) } else { s.rank.to_string() },
                idea: format!("#{} {}", s.idea, title),
                votes: s.votes,
            }
        })
        .collect();
    VoteReport { question: vote.question.clone(), about: about.join(" · "), rows }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{Count, NewIdea, NewVote, VoteMethod, VoteScope};
    use crate::testing::{at, seed_session};

    #[test]
    fn each_vote_is_reported_ranked_and_its_text_is_escaped_in_every_report() {
        let mut s = seed_session(at("2022-11-03T09:00:00+07:00"));
        let now = s.created_at;
        let block = s.progress.block.clone();
        let idea = |title: &str| NewIdea { group: "meja-1".into(), title: title.into(), ..Default::default() };
        s.add_ideas(vec![idea("Antrean daring"), idea("<script>alert(1)</script> | =cmd"), idea("Bank sampah")], now)
            .unwrap();
        let new = NewVote {
            question: "<img src=x onerror=alert(1)> mana dulu?".into(),
            scope: VoteScope::Block,
            method: VoteMethod::Dots { per_voter: 3, per_idea: 2 },
            hidden: true,
            anonymous: false,
            block,
        };
        let id = s.open_vote_on(new, now).unwrap();
        let vote = s.vote_mut(id).unwrap();
        vote.cast("Budi", &[Count { idea: 2, count: 2 }, Count { idea: 3, count: 1 }], None, now).unwrap();
        vote.set_hands(3, 1).unwrap();
        vote.close(now);
        let reports = reports(&s, Lang::En);
        let ranks: Vec<(&str, u64)> = reports[0].rows.iter().map(|r| (r.rank.as_str(), r.votes)).collect();
        assert_eq!(ranks, vec![("=1", 2), ("=1", 2), ("3", 0)]);
        assert!(reports[0].about.contains("1 ballots") && reports[0].about.contains("closed"));
        let md = crate::export::markdown::report(&s, "lab.json", Lang::En);
        assert!(md.contains("## Votes"), "{md}");
        assert!(!md.contains("<script>") && md.contains("\\<img src=x") && !md.contains(" <img"), "{md}");
        let html = crate::export::html::report(
            &[crate::export::html::ReportSession { name: "lab.json", session: &s }],
            Lang::Id,
        );
        assert!(html.contains("Pemungutan suara"));
        assert!(!html.contains("<script>") && !html.contains("<img"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; mana dulu?"));
    }
}
