//! Drawing: pure functions of the state into a ratatui frame. Nothing here changes state, reads the clock
//! or touches the disk, so every screen is reproducible in a test at any size.

mod agenda;
pub mod big_clock;
pub mod board;
mod capture;
mod chrome;
mod coach;
mod dialogs;
mod form;
mod help;
mod overview;
mod report;
mod room;
mod setup;
mod spotlight;
mod start;
pub mod theme;
mod trash;
mod vote;

use std::borrow::Cow;

use chrono::FixedOffset;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use rust_i18n::t;
use unicode_width::UnicodeWidthChar;

use crate::app::{Mode, Overlay, Screen, State};
use crate::i18n::Lang;
use crate::model::Stage;
use crate::model::text::inert;
use theme::Theme;

/// Below this the screens cannot be laid out; the app asks for a bigger window instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// What every drawing function needs: the state, its theme and language.
pub struct Ctx<'a> {
    pub state: &'a State,
    pub theme: Theme,
    pub lang: Lang,
}

impl Ctx<'_> {
    /// The text of a locale key in the screen's language.
    pub fn t(&self, key: &str) -> String {
        let text = t!(key, locale = self.lang.code());
        text.into_owned()
    }
}

pub use coach::{DETACH_KEY, coach_view};

/// Draws the wall (the terminal `innolab run` shows) for `state`. While a coach screen is attached, the wall
/// keeps to what the room is to see (see [`crate::app::coach::CoachScreen`]).
pub fn view(state: &State, frame: &mut Frame) {
    let ctx = Ctx { state, theme: Theme::get(state.theme), lang: state.lang };
    let area = frame.area();
    screen(&ctx, frame, area, !state.coach.wall_hides_controls());
}

/// Everything of one screen in `area`; without `controls`, only the room's view: no forms, queues, dialogs,
/// help, notices or key hints.
fn screen(ctx: &Ctx, frame: &mut Frame, area: Rect, controls: bool) {
    frame.buffer_mut().set_style(area, ctx.theme.base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(ctx, frame, area);
        return;
    }
    match ctx.state.layers.screen {
        Screen::Start => start::render(ctx, frame, area),
        _ => wall(ctx, frame, area, controls),
    }
    if controls && ctx.state.layers.has(Mode::Help) {
        help::render(ctx, frame, area);
    }
}

/// A session's wall: the screen, then each overlay over it in the order they opened, then the footer of
/// the top one. Without `controls` only what the room is to see: the spotlight and the join code.
fn wall(ctx: &Ctx, frame: &mut Frame, area: Rect, controls: bool) {
    let Some(lab) = ctx.state.lab.as_ref() else {
        start::render(ctx, frame, area);
        return;
    };
    let layers = &ctx.state.layers;
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    chrome::header(ctx, lab, frame, header);
    // The capture bar takes the bottom of the body, so the board and the total stay in view above it.
    let (body, bar) = if controls && layers.has(Mode::Capture) && body.height >= 8 {
        let [screen, bar] = Layout::vertical([Constraint::Min(0), Constraint::Length(3)]).areas(body);
        (screen, Some(bar))
    } else {
        (body, None)
    };
    // Room mode: the way in stays on the wall while the tables work on ideas, beside the screen when the
    // code fits there, else as one line under it.
    let group_work = lab.session.current_block().is_some_and(|(_, b)| b.captures_ideas);
    let join = ctx.state.room.is_on()
        && !ctx.state.room.big_code
        && group_work
        && matches!(layers.screen, Screen::Agenda | Screen::Board);
    let (body, panel) = match room::panel_width(ctx, body).filter(|_| join) {
        Some(width) => {
            let [screen, panel] = Layout::horizontal([Constraint::Min(0), Constraint::Length(width)]).areas(body);
            (screen, Some(panel))
        }
        None => (body, None),
    };
    match &layers.screen {
        Screen::Overview { cursor } => overview::render(ctx, lab, *cursor, frame, body),
        Screen::Board => board::board_screen(ctx, lab, frame, body),
        Screen::Setup { cursor, .. } => setup::render(ctx, lab, *cursor, frame, body),
        Screen::Tally { scroll } => report::tally_screen(ctx, lab, *scroll, frame, body),
        Screen::Awards => report::awards(ctx, lab, frame, body, lab.awards_page),
        Screen::Vote { vote, cursor } => {
            if let Some(vote) = lab.session.vote(*vote) {
                vote::render(ctx, lab, vote, *cursor, frame, body);
            }
        }
        Screen::Start | Screen::Agenda => agenda::render(ctx, lab, frame, body),
    }
    match panel {
        Some(panel) => room::join_panel(ctx, lab, frame, panel),
        None if join => room::join_line(ctx, lab, frame, body),
        None => {}
    }
    for overlay in &layers.overlays {
        if !controls && !matches!(overlay, Overlay::Spotlight { .. }) {
            continue;
        }
        match overlay {
            Overlay::Trash { cursor } => trash::render(ctx, lab, *cursor, frame, body),
            Overlay::Capture { .. } => {
                if let Some(bar) = bar {
                    capture::render(ctx, lab, frame, bar);
                }
            }
            Overlay::Form => {
                if let Some(form) = lab.form.as_ref() {
                    form::render(ctx, lab, form, frame, body);
                }
            }
            Overlay::ConfirmQuit(failure) => dialogs::confirm_quit(ctx, failure, frame, body),
            Overlay::Conflict => {
                if let Some(failure) = ctx.state.save.error.as_ref() {
                    dialogs::conflict(ctx, failure, frame, body);
                }
            }
            Overlay::ConfirmFlagship(pending) => dialogs::confirm_flagship(ctx, lab, pending, frame, body),
            Overlay::Spotlight { idea } => spotlight::render(ctx, lab, *idea, frame, body),
            Overlay::Moderation(moderation) => room::moderation(ctx, lab, moderation, frame, body),
            Overlay::ConfirmCloseVote(id) => vote::confirm_close(ctx, lab, *id, frame, body),
            Overlay::ConfirmWinners(plan) => vote::confirm_winners(ctx, lab, plan, frame, body),
            // Drawn over everything (the help) or by the start screen (the plan path).
            Overlay::Help { .. } | Overlay::NewSession(_) => {}
        }
    }
    if ctx.state.room.big_code {
        room::big_code(ctx, lab, frame, body);
    }
    if controls {
        chrome::footer(ctx, frame, footer);
    }
}

fn too_small(ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let text = t!("screen.too_small", width = MIN_WIDTH, height = MIN_HEIGHT, locale = ctx.lang.code());
    let top = area.height / 3;
    let rect = Rect { y: area.y + top, height: area.height - top, ..area };
    let paragraph = Paragraph::new(text.into_owned()).style(ctx.theme.accent).alignment(Alignment::Center);
    frame.render_widget(paragraph.wrap(Wrap { trim: true }), rect);
}

/// A list of one-line rows with the cursor row highlighted and kept in view. Only visible rows are built,
/// so a long list costs what the screen shows; each row's text is made inert and fitted.
pub fn cursor_list(
    ctx: &Ctx,
    frame: &mut Frame,
    area: Rect,
    count: usize,
    cursor: usize,
    row: impl Fn(usize) -> (String, ratatui::style::Style),
) {
    let height = area.height as usize;
    let width = area.width as usize;
    let skip = (cursor + 1).saturating_sub(height);
    let lines: Vec<ratatui::text::Line> = (skip..count.min(skip + height))
        .map(|i| {
            let (text, style) = row(i);
            let style = if i == cursor { ctx.theme.selected } else { style };
            let text = fit(&text, width);
            let pad = " ".repeat(width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str())));
            ratatui::text::Line::styled(format!("{text}{pad}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Makes untrusted text inert and fits it in `width` columns, ending with "…" when cut. Wide characters
/// count double and are never split.
pub fn fit(text: &str, width: usize) -> String {
    let text = inert(text);
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Untrusted text made inert for wrapping paragraphs (which cut by themselves).
pub fn safe(text: &str) -> Cow<'_, str> {
    inert(text)
}

/// A countdown as the room reads it, always minutes and seconds: "42:17", "75:00", "+02:13" in overtime.
pub fn countdown(secs: i64) -> String {
    let sign = if secs < 0 { "+" } else { "" };
    let s = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", s / 60, s % 60)
}

/// "1 idea", "3 ideas" ("1 ide", "3 ide").
pub fn ideas_count(lang: Lang, count: usize) -> String {
    crate::i18n::count_of("count.ideas", count as u64, lang)
}

/// The stage as the wall shows it: its one name ([`crate::i18n::stage_label`]) in capitals.
pub fn stage_badge(stage: Stage, lang: Lang) -> String {
    crate::i18n::stage_label(stage, lang).to_uppercase()
}

/// Where a block is in the lab: "Day 2 · 08:30–10:15 · DIAGNOSE" (the wall's top bar, the coach's panel).
pub fn block_when(lang: Lang, pos: crate::model::BlockPos, block: &crate::model::Block) -> String {
    format!(
        "{} · {}–{} · {}",
        t!("screen.day", n = pos.day + 1, locale = lang.code()),
        block.start,
        block.end,
        stage_badge(block.stage, lang)
    )
}

/// The name of the lab's time zone for the clock: WIB, WITA, WIT, or the plain offset elsewhere.
pub fn zone_label(offset: FixedOffset) -> String {
    match offset.local_minus_utc() {
        25200 => "WIB".into(),
        28800 => "WITA".into(),
        32400 => "WIT".into(),
        _ => format!("UTC{}", crate::model::UtcOffset::from(offset)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_formats() {
        assert_eq!(countdown(42 * 60 + 17), "42:17");
        assert_eq!(countdown(3900), "65:00");
        assert_eq!(countdown(0), "00:00");
        assert_eq!(countdown(-133), "+02:13");
    }

    #[test]
    fn fit_respects_width_and_characters() {
        assert_eq!(fit("Layanan", 10), "Layanan");
        assert_eq!(fit("Layanan publik", 8), "Layanan…");
        assert_eq!(fit("数字数字", 5), "数字…");
        assert_eq!(fit("\x1b[2Jx", 10), "x");
        assert_eq!(fit("abc", 0), "");
    }
}
