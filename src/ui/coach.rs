//! The coach's own screen (`innolab attach`): a panel only the coach sees (the block now and next, the
//! timer and its keys, the block's notes, the room) beside or above everything the wall would show.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use rust_i18n::t;

use super::{Ctx, MIN_HEIGHT, MIN_WIDTH, agenda, block_when, fit, safe, too_small};
use crate::app::keymap::{self, KeyPress};
use crate::app::{Action, Lab, Mode, State};
use crate::model::{Block, BlockPos};
use theme::Theme;

use super::theme;

/// From this width on the panel is a column on the right; below it, rows on top.
const SIDE_FROM: u16 = 120;
/// The width of the panel as a column.
const SIDE_WIDTH: u16 = 46;
/// The key that closes the coach screen; read by `innolab attach` itself, never sent to the app.
pub const DETACH_KEY: &str = "F10";

/// Draws the coach's screen for `state`: the coach's panel and the whole app with every form and notice.
pub fn coach_view(state: &State, frame: &mut Frame) {
    let ctx = Ctx { state, theme: Theme::get(state.theme), lang: state.lang };
    let area = frame.area();
    frame.buffer_mut().set_style(area, ctx.theme.base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(&ctx, frame, area);
        return;
    }
    let Some(lab) = state.lab.as_ref() else {
        super::screen(&ctx, frame, area, true);
        return;
    };
    let (panel, rest) = split(&ctx, lab, area);
    if let Some(panel) = panel {
        render_panel(&ctx, lab, frame, panel);
    }
    super::screen(&ctx, frame, rest, true);
}

/// The panel's place and the rest: a column when wide, rows on top otherwise, never leaving the app less
/// than its smallest screen.
fn split(ctx: &Ctx, lab: &Lab, area: Rect) -> (Option<Rect>, Rect) {
    if area.width >= SIDE_FROM {
        let [rest, panel] = Layout::horizontal([Constraint::Min(0), Constraint::Length(SIDE_WIDTH)]).areas(area);
        return (Some(panel), rest);
    }
    let remote = u16::from(ctx.state.room.coach_url.is_some());
    let wanted = 5 + remote + note_rows(ctx, lab, area.width) + 1;
    let height = wanted.min(area.height.saturating_sub(MIN_HEIGHT));
    if height < 4 {
        return (None, area);
    }
    let [panel, rest] = Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
    (Some(panel), rest)
}

/// The rows the notes take in the top panel (at most 3).
fn note_rows(ctx: &Ctx, lab: &Lab, width: u16) -> u16 {
    let text = notes_text(ctx, lab.current().1);
    wrapped_rows(&text, width.saturating_sub(label_width(ctx) as u16 + 1)).clamp(1, 3)
}

/// The block's notes, each line made inert and its line breaks kept; or how to write them.
fn notes_text(ctx: &Ctx, block: &Block) -> String {
    match block.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(notes) => notes.lines().map(|line| safe(line).into_owned()).collect::<Vec<_>>().join("\n"),
        None => ctx.t("coach.panel.no_notes"),
    }
}

/// The rows `text` takes wrapped to `width`.
fn wrapped_rows(text: &str, width: u16) -> u16 {
    let rows = Paragraph::new(text).wrap(Wrap { trim: true }).line_count(width.max(1));
    u16::try_from(rows).unwrap_or(u16::MAX)
}

fn render_panel(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let side = area.width == SIDE_WIDTH && area.height > 12;
    if side {
        // The column's left edge, then its text one column in.
        for y in area.y..area.y + area.height {
            if let Some(cell) = frame.buffer_mut().cell_mut((area.x, y)) {
                cell.set_symbol("│").set_style(ctx.theme.border);
            }
        }
    }
    let area = if side { Rect { x: area.x + 1, width: area.width - 1, ..area } } else { area };
    let lang = ctx.lang.code();
    let width = area.width.saturating_sub(1) as usize;
    let (pos, block) = lab.current();
    let label_w = if side { 0 } else { label_width(ctx) };
    let label = |key: &str| -> Span<'static> {
        let text = t!(key, locale = lang).into_owned();
        let text = if side { format!(" {text}") } else { format!(" {:<w$}", fit(&text, label_w - 1), w = label_w - 1) };
        Span::styled(text, ctx.theme.accent)
    };
    let mut lines: Vec<Line> = Vec::new();
    let wall = if ctx.state.coach.wall_controls { "coach.panel.wall_all" } else { "coach.panel.wall_room" };
    let wall = t!(wall, key = "F2", locale = lang);
    if side {
        lines.push(Line::styled(fit(&format!(" {}", ctx.t("coach.panel.title")), width + 1), ctx.theme.bar));
        lines.push(Line::styled(fit(&format!(" {wall}"), width + 1), ctx.theme.text));
        lines.push(Line::raw(""));
    } else {
        let title = format!(" {} · {wall}", ctx.t("coach.panel.title"));
        lines.push(Line::styled(fit(&title, width + 1), ctx.theme.bar));
    }
    // Now.
    let now_text = block_line(ctx, pos, block);
    if side {
        lines.push(Line::from(label("coach.panel.now")));
        lines.push(Line::styled(fit(&format!(" {}", block_when(ctx.lang, pos, block)), width + 1), ctx.theme.text));
        lines.push(Line::styled(fit(&format!(" {}", safe(&block.title)), width + 1), ctx.theme.title));
    } else {
        let rest = fit(&now_text, width.saturating_sub(label_w));
        lines.push(Line::from(vec![label("coach.panel.now"), Span::styled(rest, ctx.theme.title)]));
    }
    // The timer and its keys, from the keymap.
    let timer = lab.timer_view(ctx.state.now);
    let mut timer_line = agenda::timer_line(ctx, timer);
    timer_line.spans.insert(0, Span::raw(" ".repeat(if side { 1 } else { label_w })));
    lines.push(timer_line);
    let indent = " ".repeat(if side { 1 } else { label_w });
    for keys in key_rows(&timer_keys(ctx), if side { width.saturating_sub(1) } else { usize::MAX }) {
        lines.push(Line::styled(fit(&format!("{indent}{keys}"), width + 1), ctx.theme.border));
    }
    // Next.
    let next_text = match next_block(lab, pos) {
        Some((next_pos, next)) => block_line(ctx, next_pos, next),
        None => ctx.t("coach.panel.last_block"),
    };
    if side {
        lines.push(Line::raw(""));
        lines.push(Line::from(label("coach.panel.next")));
        match next_block(lab, pos) {
            Some((next_pos, next)) => {
                let when = block_when(ctx.lang, next_pos, next);
                lines.push(Line::styled(fit(&format!(" {when}"), width + 1), ctx.theme.text));
                lines.push(Line::styled(fit(&format!(" {}", safe(&next.title)), width + 1), ctx.theme.text));
            }
            None => lines.push(Line::styled(fit(&format!(" {next_text}"), width + 1), ctx.theme.text)),
        }
    } else {
        let rest = fit(&next_text, width.saturating_sub(label_w));
        lines.push(Line::from(vec![label("coach.panel.next"), Span::styled(rest, ctx.theme.text)]));
        // The phone remote's address (room mode): here only, never on the wall.
        if let Some(url) = ctx.state.room.coach_url.as_deref() {
            let rest = fit(url, width.saturating_sub(label_w));
            lines.push(Line::from(vec![label("coach.panel.remote_short"), Span::styled(rest, ctx.theme.accent)]));
        }
    }
    let fixed = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), area);
    // The notes, wrapped, in what is left (the rows below the room's lines when a column).
    let tail = tail_lines(ctx, lab, side, width);
    let tail_h = if side { tail.len() as u16 } else { 0 };
    let below = area.height.saturating_sub(fixed + tail_h + u16::from(!side));
    // The remote's code above its address (a column only), when the notes keep a few rows.
    let notes_rows = 2 + wrapped_rows(&notes_text(ctx, block), area.width.saturating_sub(3));
    let code =
        ctx.state.room.coach_code.as_ref().filter(|code| {
            side && below >= code.height() as u16 + notes_rows.max(6) && (code.width as u16) < area.width
        });
    let code_h = code.map_or(0, |code| code.height() as u16);
    let notes_area = Rect { y: area.y + fixed, height: below - code_h, ..area };
    if notes_area.height > 0 {
        render_notes(ctx, lab, frame, notes_area, side, label_width(ctx));
    }
    if side && tail_h > 0 && area.height > fixed + tail_h {
        let tail_area = Rect { y: area.y + area.height - tail_h, height: tail_h, ..area };
        frame.render_widget(Paragraph::new(tail), tail_area);
        if let Some(code) = code {
            let code_area = Rect { x: area.x + 1, y: tail_area.y - code_h, width: area.width - 1, height: code_h };
            super::room::draw_code(code, frame, code_area);
        }
    }
    if !side {
        // A rule under the panel, with the room's count when it is on.
        let rule_y = area.y + area.height - 1;
        let room = if ctx.state.room.is_on() { format!(" {} ", super::room::counts(ctx, lab)) } else { String::new() };
        let detach = format!(" {} ", t!("coach.panel.detach", key = DETACH_KEY, locale = lang));
        let fill = (area.width as usize).saturating_sub(room.chars().count() + detach.chars().count() + 1);
        let line = Line::from(vec![
            Span::styled(format!("─{room}"), ctx.theme.border),
            Span::styled("─".repeat(fill), ctx.theme.border),
            Span::styled(detach, ctx.theme.border),
        ]);
        frame.render_widget(Paragraph::new(line), Rect { y: rule_y, height: 1, ..area });
    }
}

/// The rows' labels ("Now", "Next", "Notes") take the widest one's width and two spaces.
fn label_width(ctx: &Ctx) -> usize {
    ["coach.panel.now", "coach.panel.next", "coach.panel.notes"]
        .iter()
        .map(|key| unicode_width::UnicodeWidthStr::width(ctx.t(key).as_str()))
        .max()
        .unwrap_or(0)
        + 2
}

fn render_notes(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, side: bool, label_w: usize) {
    let (_, block) = lab.current();
    let text = notes_text(ctx, block);
    let has = block.notes.as_deref().is_some_and(|n| !n.trim().is_empty());
    let style = if has { ctx.theme.text } else { ctx.theme.border };
    let lang = ctx.lang.code();
    if side {
        let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        let head_line = Line::styled(format!(" {}", t!("coach.panel.notes", locale = lang)), ctx.theme.accent);
        frame.render_widget(Paragraph::new(vec![Line::raw(""), head_line]), head);
        let body = Rect { x: body.x + 2, width: body.width.saturating_sub(3), ..body };
        frame.render_widget(Paragraph::new(text).style(style).wrap(Wrap { trim: true }), body);
    } else {
        let head = Rect { width: (label_w as u16).min(area.width), height: 1, ..area };
        let label = format!(" {:<w$}", fit(&t!("coach.panel.notes", locale = lang), label_w - 1), w = label_w - 1);
        frame.render_widget(Paragraph::new(label).style(ctx.theme.accent), head);
        let body = Rect { x: area.x + label_w as u16, width: area.width.saturating_sub(label_w as u16 + 1), ..area };
        frame.render_widget(Paragraph::new(text).style(style).wrap(Wrap { trim: true }), body);
    }
}

/// The column's last rows: the room (phones, waiting, the remote) and how to leave.
fn tail_lines(ctx: &Ctx, lab: &Lab, side: bool, width: usize) -> Vec<Line<'static>> {
    if !side {
        return vec![];
    }
    let lang = ctx.lang.code();
    let mut lines = Vec::new();
    if ctx.state.room.is_on() {
        lines.push(Line::styled(format!(" {}", t!("coach.panel.room", locale = lang)), ctx.theme.accent));
        lines.push(Line::styled(fit(&format!(" {}", super::room::counts(ctx, lab)), width), ctx.theme.text));
    }
    if let Some(url) = ctx.state.room.coach_url.as_deref() {
        lines.push(Line::styled(format!(" {}", t!("coach.panel.remote", locale = lang)), ctx.theme.accent));
        // In pieces of the column's width, so every character can be typed.
        let chars: Vec<char> = url.chars().collect();
        for piece in chars.chunks(width.saturating_sub(1).max(1)) {
            lines.push(Line::styled(format!(" {}", piece.iter().collect::<String>()), ctx.theme.accent));
        }
    }
    lines.push(Line::raw(""));
    let detach = t!("coach.panel.detach", key = DETACH_KEY, locale = lang);
    lines.push(Line::styled(fit(&format!(" {detach}"), width), ctx.theme.border));
    lines
}

/// "Day 2 · 08:30–10:15 · DIAGNOSE · Pemetaan Masalah".
fn block_line(ctx: &Ctx, pos: BlockPos, block: &Block) -> String {
    format!("{} · {}", block_when(ctx.lang, pos, block), safe(&block.title))
}

fn next_block(lab: &Lab, pos: BlockPos) -> Option<(BlockPos, &Block)> {
    let plan = &lab.session.plan;
    plan.at_flat_index(plan.flat_index(pos) + 1)
}

/// The keys joined with " · " in as few rows of `width` as they fit (a key is never split).
fn key_rows(keys: &[String], width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for key in keys {
        match rows.last_mut() {
            Some(row) if row.chars().count() + 3 + key.chars().count() <= width => {
                row.push_str(" · ");
                row.push_str(key);
            }
            _ => rows.push(key.clone()),
        }
    }
    rows
}

/// "t start/pause", "+ minute more", "- minute less", "r reset": the keys the agenda's keymap binds.
fn timer_keys(ctx: &Ctx) -> Vec<String> {
    let lang = ctx.lang.code();
    [
        (Action::ToggleTimer, "coach.panel.key_timer"),
        (Action::AddMinute, "coach.panel.key_plus"),
        (Action::RemoveMinute, "coach.panel.key_minus"),
        (Action::ResetTimer, "coach.panel.key_reset"),
    ]
    .into_iter()
    .filter_map(|(action, text)| {
        let key = key_of(Mode::Agenda, &action)?;
        Some(format!("{} {}", keymap::label(&key), t!(text, locale = lang)))
    })
    .collect()
}

fn key_of(mode: Mode, action: &Action) -> Option<KeyPress> {
    keymap::bindings(mode).iter().find(|b| &b.action == action).and_then(|b| b.keys.first().copied())
}
