//! Room mode on the wall: the join panel (the QR code, the address written out, phones and pending
//! submissions), the join code alone and large, and the coach's moderation queue.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use rust_i18n::t;

use super::{Ctx, fit};
use crate::app::Lab;
use crate::app::room::{Moderation, merge_candidates, queue};
use crate::model::room::SubmissionState;
use crate::room::qr::QrArt;

/// The code's own colours, whatever the theme: light modules white, dark ones black, as a scanner expects.
fn code_style() -> Style {
    Style::default().fg(Color::White).bg(Color::Black)
}

/// The QR code's lines at `area`'s top left (nothing when it does not fit).
pub(super) fn draw_code(code: &QrArt, frame: &mut Frame, area: Rect) {
    let (w, h) = (code.width as u16, code.height() as u16);
    if w > area.width || h > area.height {
        return;
    }
    let lines: Vec<Line> = code.lines.iter().map(|l| Line::styled(l.clone(), code_style())).collect();
    frame.render_widget(Paragraph::new(lines), Rect { width: w, height: h, ..area });
}

/// "3 ponsel · 2 menunggu": phones seen and submissions waiting.
pub fn counts(ctx: &Ctx, lab: &Lab) -> String {
    let pending = lab.room_index.waiting();
    t!("room.counts", phones = ctx.state.room.phones, pending = pending, locale = ctx.lang.code()).into_owned()
}

/// The columns the join panel takes beside the screen, when its code fits there and leaves the screen room
/// for the board (at least 60 columns); `None`: the address goes on one line instead ([`join_line`]).
pub fn panel_width(ctx: &Ctx, body: Rect) -> Option<u16> {
    let code = ctx.state.room_code()?;
    let (w, h) = (code.width as u16 + 2, code.height() as u16 + 4);
    (body.width >= w + 60 && body.height >= h).then_some(w)
}

/// The join panel: the code, the address written out (wrapped to the panel), phones and waiting ideas.
pub fn join_panel(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let (Some(url), Some(code)) = (ctx.state.room.url.as_deref(), ctx.state.room_code()) else { return };
    frame.render_widget(Clear, area);
    frame.buffer_mut().set_style(area, ctx.theme.base);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.accent)
        .title(fit(&format!(" {} ", ctx.t("room.join")), area.width.saturating_sub(2) as usize));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [code_area, text_area] =
        Layout::vertical([Constraint::Length(code.height() as u16), Constraint::Min(0)]).areas(inner);
    draw_code(code, frame, code_area);
    // The address in pieces of the panel's width, so every character can be typed.
    let width = usize::from(text_area.width.max(1));
    let chars: Vec<char> = url.chars().collect();
    let mut lines: Vec<Line> =
        chars.chunks(width).map(|piece| Line::styled(piece.iter().collect::<String>(), ctx.theme.accent)).collect();
    lines.push(Line::styled(fit(&counts(ctx, lab), width), ctx.theme.text));
    frame.render_widget(Paragraph::new(lines), text_area);
}

/// The join address on one line at the bottom of `area` (the code does not fit beside the screen); `W`
/// shows the code large.
pub fn join_line(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let Some(url) = ctx.state.room.url.as_deref() else { return };
    if area.height == 0 {
        return;
    }
    let line = format!(" {} {url} · {} · {} ", ctx.t("room.join"), counts(ctx, lab), ctx.t("room.big_hint"));
    let rect = Rect { y: area.y + area.height - 1, height: 1, ..area };
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(fit(&line, rect.width as usize)).style(ctx.theme.selected), rect);
}

/// `W`: the join code alone, centred, with the address under it and how to close.
pub fn big_code(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let Some(url) = ctx.state.room.url.as_deref() else { return };
    frame.render_widget(Clear, area);
    frame.buffer_mut().set_style(area, ctx.theme.base);
    let lines = [
        fit(&ctx.t("room.scan"), area.width as usize),
        fit(url, area.width as usize),
        fit(&counts(ctx, lab), area.width as usize),
    ];
    let text_rows = lines.len() as u16;
    if let Some(code) = ctx.state.room_code() {
        let (w, h) = (code.width as u16, code.height() as u16);
        if w <= area.width && h + text_rows <= area.height {
            let top = area.y + (area.height - h - text_rows) / 2;
            draw_code(code, frame, Rect { x: area.x + (area.width - w) / 2, y: top, width: w, height: h });
            let text = Rect { y: top + h, height: text_rows, ..area };
            let paragraph = Paragraph::new(lines.map(Line::from).to_vec())
                .style(ctx.theme.accent)
                .alignment(ratatui::layout::Alignment::Center);
            frame.render_widget(paragraph, text);
            return;
        }
    }
    // Too small for the code: the address, large enough to type.
    let top = area.y + area.height.saturating_sub(text_rows) / 2;
    let paragraph = Paragraph::new(lines.map(Line::from).to_vec())
        .style(ctx.theme.accent)
        .alignment(ratatui::layout::Alignment::Center);
    frame.render_widget(paragraph, Rect { y: top, height: text_rows.min(area.height), ..area });
}

fn state_label(ctx: &Ctx, state: SubmissionState) -> String {
    ctx.t(&format!("room.state.{}", state.key()))
}

/// The moderation queue: what the phones sent, oldest first; while merging, the ideas of the submission's
/// table to merge it into; with `v`, what was decided.
pub fn moderation(ctx: &Ctx, lab: &Lab, moderation: &Moderation, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    frame.buffer_mut().set_style(area, ctx.theme.base);
    let [title_area, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let lang = ctx.lang.code();
    let table_name = |group: &str| lab.session.group(group).map(|g| g.name.clone()).unwrap_or_default();
    if let Some((id, cursor)) = moderation.merging {
        let title = lab.session.submission(id).map(|s| s.title.clone()).unwrap_or_default();
        let heading = t!("room.merge_title", title = title, locale = lang).into_owned();
        frame.render_widget(
            Paragraph::new(fit(&format!(" {heading}"), area.width as usize)).style(ctx.theme.accent),
            title_area,
        );
        let ideas = merge_candidates(lab, id);
        super::cursor_list(ctx, frame, list, ideas.len(), cursor, |i| {
            let Some(idea) = ideas.get(i).and_then(|&id| lab.session.idea(id)) else {
                return (String::new(), ctx.theme.text);
            };
            let author = idea.author.as_deref().unwrap_or("");
            (format!(" #{} · {} · {author}", idea.id, idea.title), ctx.theme.text)
        });
        return;
    }
    let block = &lab.session.progress.block;
    let auto = lab.session.room.auto_approve.contains(block);
    let pending = lab.session.pending_submissions().count();
    let heading = if moderation.decided {
        ctx.t("room.decided_title")
    } else {
        let auto = ctx.t(if auto { "room.auto_is_on" } else { "room.auto_is_off" });
        t!("room.queue_title", count = pending, auto = auto, locale = lang).into_owned()
    };
    frame.render_widget(
        Paragraph::new(fit(&format!(" {heading}"), area.width as usize)).style(ctx.theme.accent),
        title_area,
    );
    let rows: Vec<_> = queue(lab, moderation.decided).collect();
    if rows.is_empty() {
        let empty = if ctx.state.room.is_on() { ctx.t("room.queue_empty") } else { ctx.t("room.queue_empty_off") };
        frame.render_widget(Paragraph::new(fit(&format!(" {empty}"), list.width as usize)).style(ctx.theme.text), list);
        return;
    }
    super::cursor_list(ctx, frame, list, rows.len(), moderation.cursor, |i| {
        let Some(s) = rows.get(i) else { return (String::new(), ctx.theme.text) };
        let when = s.received_at.with_timezone(&lab.offset()).format("%H:%M");
        let name = if s.on_roster { s.name.clone() } else { format!("{} ({})", s.name, ctx.t("room.not_on_roster")) };
        let state = if moderation.decided { format!("{} · ", state_label(ctx, s.state)) } else { String::new() };
        (format!(" {when} · {state}{} · {name} · {}", table_name(&s.group), s.title), ctx.theme.text)
    });
}
