//! A vote on the wall: the question, how the room votes and how many have, then the ideas ranked with a bar
//! each (ties share their rank, shown "=1"), in bands as tall as the screen allows so the back row reads
//! them. While the results are hidden the ideas are listed without numbers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::form::{centered, framed};
use super::{Ctx, fit};
use crate::app::Lab;
use crate::app::vote::WinnersPlan;
use crate::model::Vote;

pub fn render(ctx: &Ctx, lab: &Lab, vote: &Vote, cursor: usize, frame: &mut Frame, area: Rect) {
    if area.width < 10 || area.height < 3 {
        return;
    }
    let lang = ctx.lang.code();
    let width = usize::from(area.width.saturating_sub(2));
    let x = area.x + 1;
    let mut y = area.y;
    let line = |frame: &mut Frame, y: u16, content: Line| {
        frame.render_widget(Paragraph::new(content), Rect { x, y, width: area.width.saturating_sub(2), height: 1 });
    };
    line(frame, y, Line::styled(fit(&vote.question, width), ctx.theme.title.add_modifier(Modifier::BOLD)));
    y += 1;
    let (about, count) = status(ctx, lab, vote);
    line(frame, y, Line::styled(fit(&about, width), ctx.theme.text));
    y += 1;
    if y < area.y + area.height {
        line(frame, y, Line::styled(fit(&count, width), ctx.theme.accent));
        y += 1;
    }
    let bottom = area.y + area.height;
    if y >= bottom {
        return;
    }
    y += 1;
    let shown = vote.results_shown();
    let standings = vote.standings();
    let rows = bottom.saturating_sub(y);
    if !shown && rows > 0 {
        let note = t!("vote.hidden_note", ballots = vote.ballots.len(), locale = lang);
        line(frame, bottom - 1, Line::styled(fit(&note, width), ctx.theme.accent));
    }
    let rows = if shown { rows } else { rows.saturating_sub(2) };
    if rows == 0 || standings.is_empty() {
        return;
    }
    let count = standings.len();
    // As tall as the screen allows, up to three rows an idea; past one row an idea, the lowest are left
    // out and counted.
    let band = (usize::from(rows) / count).clamp(1, 3);
    let fits = (usize::from(rows) / band).min(count);
    let visible = if fits < count { fits.saturating_sub(1) } else { fits };
    let start = cursor.saturating_sub(visible.saturating_sub(1)).min(count - visible.min(count));
    let max = standings.iter().map(|s| s.votes).max().unwrap_or(0).max(1);
    let rank_w = 4;
    let count_w = standings.iter().map(|s| s.votes.to_string().len()).max().unwrap_or(1) + 1;
    let title_w = (width.saturating_sub(rank_w + count_w) * 2 / 5).clamp(8, 60);
    let bar_w = width.saturating_sub(rank_w + title_w + count_w + 2);
    let in_order: Vec<_> = if shown {
        standings.clone()
    } else {
        // Hidden: the ballot's order, no rank, no number.
        vote.ideas.iter().filter_map(|id| standings.iter().find(|s| s.idea == *id).copied()).collect()
    };
    for (k, standing) in in_order.iter().enumerate().skip(start).take(visible) {
        let top = y + u16::try_from((k - start) * band).unwrap_or(u16::MAX);
        let selected = k == cursor;
        let title = lab.session.idea(standing.idea).map_or("", |i| i.title.as_str());
        let label = format!("#{} {}", standing.idea, title);
        let shared = in_order.iter().filter(|s| s.rank == standing.rank).count() > 1;
        let rank = match (shown, shared) {
            (false, _) => String::new(),
            (true, true) => format!("={}", standing.rank),
            (true, false) => format!("{}.", standing.rank),
        };
        let style = if selected { ctx.theme.selected } else { ctx.theme.text };
        let filled = if shown { (standing.votes as usize * bar_w).div_ceil(max as usize).min(bar_w) } else { 0 };
        let hands = vote.hands_for(standing.idea);
        for row in 0..band {
            let y = top + u16::try_from(row).unwrap_or(0);
            if y >= bottom {
                break;
            }
            let first = row == 0;
            let mut spans = vec![
                Span::styled(
                    format!("{:>w$} ", if first { rank.as_str() } else { "" }, w = rank_w - 1),
                    ctx.theme.accent,
                ),
                Span::styled(pad(if first { &label } else { "" }, title_w), style),
                Span::raw(" "),
            ];
            if shown {
                spans.push(Span::styled("█".repeat(filled), ctx.theme.accent));
                spans.push(Span::raw(" ".repeat(bar_w - filled)));
                if first {
                    spans.push(Span::styled(format!(" {}", standing.votes), ctx.theme.title));
                }
            } else if first && hands > 0 {
                spans.push(Span::styled(t!("vote.hands_short", count = hands, locale = lang).into_owned(), style));
            }
            line(frame, y, Line::from(spans));
        }
    }
    if visible < count {
        let more = t!("vote.more", count = count - visible, locale = lang);
        let y = y + u16::try_from(visible * band).unwrap_or(u16::MAX);
        if y < bottom {
            line(frame, y, Line::styled(fit(&more, width), ctx.theme.text));
        }
    }
}

/// What the vote is on and how ("the ideas of Curah ide · 3 dots each, at most 2 on one idea"), then how far
/// it is ("12 ballots, 30 present · 7 hands counted · open, results hidden").
fn status(ctx: &Ctx, lab: &Lab, vote: &Vote) -> (String, String) {
    let lang = ctx.lang.code();
    let method = vote.method.text(ctx.lang);
    let present = lab.session.groups.iter().flat_map(|g| &g.members).filter(|m| m.present).count();
    let ballots = t!("vote.status.ballots", ballots = vote.ballots.len(), present = present, locale = lang);
    let hands: u64 = vote.hands.iter().map(|h| u64::from(h.count)).sum();
    let scope = lab.session.vote_scope_text(vote, ctx.lang);
    let state = match (vote.is_open(), vote.results_shown()) {
        (false, _) => t!("vote.status.closed", locale = lang),
        (true, false) => t!("vote.status.open_hidden", locale = lang),
        (true, true) => t!("vote.status.open", locale = lang),
    };
    let mut parts = vec![ballots.into_owned()];
    if hands > 0 {
        parts.push(t!("vote.status.hands", count = hands, locale = lang).into_owned());
    }
    parts.push(state.into_owned());
    (format!("{scope} · {method}"), parts.join(" · "))
}

/// `text` fitted to `width` columns and padded to exactly that width.
fn pad(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let used = UnicodeWidthStr::width(fitted.as_str());
    format!("{fitted}{}", " ".repeat(width.saturating_sub(used)))
}

pub fn confirm_close(ctx: &Ctx, lab: &Lab, id: u64, frame: &mut Frame, area: Rect) {
    let width = area.width.clamp(30, 80);
    let text_w = usize::from(width.saturating_sub(4));
    let question = lab.session.vote(id).map_or("", |v| v.question.as_str());
    let ballots = lab.session.vote(id).map_or(0, |v| v.ballots.len());
    let lines = vec![
        Line::styled(fit(question, text_w), ctx.theme.title),
        Line::styled(
            fit(&t!("vote.confirm_close", ballots = ballots, locale = ctx.lang.code()), text_w),
            ctx.theme.text,
        ),
        Line::raw(""),
        Line::styled(fit(&ctx.t("vote.confirm_close_keys"), text_w), ctx.theme.accent),
    ];
    let popup = centered(area, width, 6);
    let heading = fit(&ctx.t("vote.confirm_close_title"), usize::from(width.saturating_sub(2)));
    let inner = framed(ctx, frame, popup, ctx.theme.accent, Some(heading));
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn confirm_winners(ctx: &Ctx, lab: &Lab, plan: &WinnersPlan, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let width = area.width.clamp(30, 90);
    let text_w = usize::from(width.saturating_sub(4));
    let title_of = |id: u64| lab.session.idea(id).map_or("", |i| i.title.as_str());
    let mut lines = Vec::new();
    for &id in &plan.set {
        let agency = lab.session.idea(id).and_then(|i| i.agency.as_deref()).unwrap_or("");
        let text = t!("vote.winner_new", agency = agency, id = id, title = title_of(id), locale = lang);
        lines.push(Line::styled(fit(&text, text_w), ctx.theme.text));
    }
    for m in &plan.moves {
        let text =
            t!("vote.winner_move", agency = m.agency, from = m.from, to = m.to, title = title_of(m.to), locale = lang);
        lines.push(Line::styled(fit(&text, text_w), ctx.theme.accent));
    }
    if !plan.ties.is_empty() {
        let text = t!("vote.ties_left", agencies = plan.ties.join(", "), locale = lang);
        lines.push(Line::styled(fit(&text, text_w), ctx.theme.text));
    }
    // The keys stay in view however many agencies there are: the list is cut, and what is left out counted.
    let room = usize::from(area.height.saturating_sub(4)).max(1);
    if lines.len() > room {
        let left = lines.len() - (room - 1);
        lines.truncate(room - 1);
        let more = t!("vote.winners_more", count = left, locale = lang);
        lines.push(Line::styled(fit(&more, text_w), ctx.theme.text));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(fit(&ctx.t("vote.winners_keys"), text_w), ctx.theme.accent));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height);
    let popup = centered(area, width, height);
    let heading = fit(&ctx.t("vote.winners_title"), usize::from(width.saturating_sub(2)));
    let inner = framed(ctx, frame, popup, ctx.theme.accent, Some(heading));
    frame.render_widget(Paragraph::new(lines).style(Style::default()), inner);
}
