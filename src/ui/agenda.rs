//! The agenda block on the wall; its kind picks the layout: talk, group work (prompt and idea board),
//! plenary (one table's ideas), break (when we resume) and awards.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use rust_i18n::t;

use super::big_clock::BigClock;
use super::{Ctx, countdown, fit, safe, stage_badge};
use crate::app::{Lab, TimerView};
use crate::model::{Block as AgendaBlock, BlockKind};

pub fn render(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let (_, block) = lab.current();
    let area = area.inner(ratatui::layout::Margin { horizontal: 1, vertical: 0 });
    match block.kind {
        BlockKind::Talk => talk(ctx, lab, block, frame, area),
        BlockKind::Awards => awards_block(ctx, lab, block, frame, area),
        BlockKind::GroupWork => group_work(ctx, lab, block, frame, area),
        BlockKind::Plenary => plenary(ctx, lab, block, frame, area),
        BlockKind::Break => pause(ctx, lab, block, frame, area),
    }
}

/// The stage as a coloured banner with its name in words, so colour is never the only cue.
fn banner(ctx: &Ctx, block: &AgendaBlock, frame: &mut Frame, area: Rect) {
    let kind = ctx.t(&format!("kind.{}", block.kind.key()));
    let text = format!(" {} · {} ", stage_badge(block.stage, ctx.lang), kind);
    let style = ctx.theme.stage(block.stage);
    frame.render_widget(Paragraph::new(fit(&text, area.width as usize)).style(style), area);
}

fn timer_style(ctx: &Ctx, timer: TimerView) -> Style {
    if ctx.state.flashing() {
        ctx.theme.flash
    } else if timer.remaining <= 0 {
        ctx.theme.overtime
    } else if timer.running {
        ctx.theme.timer_running
    } else {
        ctx.theme.timer_paused
    }
}

/// The plain-text twin of the timer: "⏱ 42:17 · running", "Time is up +02:13".
pub(super) fn timer_line(ctx: &Ctx, timer: TimerView) -> Line<'static> {
    let lang = ctx.lang.code();
    let style = timer_style(ctx, timer);
    let state = if timer.running { t!("timer.running", locale = lang) } else { t!("timer.paused", locale = lang) };
    // On a flash the whole line is the flash colour: plain text in the page's colour would not read on it.
    let text = if ctx.state.flashing() { ctx.theme.flash } else { ctx.theme.text };
    if timer.remaining <= 0 {
        Line::from(vec![
            Span::styled(format!(" {} ", t!("timer.time_up", locale = lang)), ctx.theme.flash),
            Span::styled(format!(" {} ", countdown(timer.remaining)), style),
            Span::styled(format!("· {state}"), text),
        ])
    } else {
        Line::from(vec![
            Span::styled(format!("⏱ {}", countdown(timer.remaining)), style),
            Span::styled(format!(" · {state}"), text),
        ])
    }
}

/// The big countdown with its text twin under it; on a flash the whole area turns the flash colour.
fn timer_block(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, max_scale: u16) {
    if area.height == 0 {
        return;
    }
    let timer = lab.timer_view(ctx.state.now);
    if ctx.state.flashing() {
        frame.buffer_mut().set_style(area, ctx.theme.flash);
    }
    let [big, twin] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let text = countdown(timer.remaining);
    frame.render_widget(BigClock { text: &text, style: timer_style(ctx, timer), max_scale }, big);
    frame.render_widget(Paragraph::new(timer_line(ctx, timer)).alignment(Alignment::Center), twin);
}

/// One line: the block's title on the left, the timer's text twin on the right.
fn title_with_timer(ctx: &Ctx, lab: &Lab, block: &AgendaBlock, frame: &mut Frame, area: Rect) {
    let timer_text = timer_line(ctx, lab.timer_view(ctx.state.now));
    let timer_w = timer_text.width() as u16;
    let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(timer_w)]).areas(area);
    frame.render_widget(Paragraph::new(fit(&block.title, left.width as usize)).style(ctx.theme.title), left);
    frame.render_widget(Paragraph::new(timer_text), right);
}

/// "Ideas 37 / 50" on a bar filled to the share of the target reached (full past the target). The label's
/// letters over the filled part take the page's colour on the bar's (`Theme::on_bar`), the others the title
/// style: readable wherever the bar ends.
pub fn draw_ideas_gauge(ctx: &Ctx, frame: &mut Frame, area: Rect, ideas: usize, target: u64) {
    if area.is_empty() {
        return;
    }
    let lang = ctx.lang.code();
    let ratio = if target == 0 { 0.0 } else { (ideas as f64 / target as f64).min(1.0) };
    let label = t!("screen.ideas_total", count = ideas, target = target, locale = lang).into_owned();
    // The bar on the theme's page (a gauge without a background would show the terminal's own).
    let page = ctx.theme.base.bg.unwrap_or_default();
    let gauge = Gauge::default().ratio(ratio).label(Span::raw("")).gauge_style(ctx.theme.ok.bg(page)).use_unicode(true);
    frame.render_widget(gauge, area);
    // A space either side, so the letters never touch the bar's blocks.
    let label = fit(&format!(" {label} "), area.width as usize);
    let width = (unicode_width::UnicodeWidthStr::width(label.as_str()) as u16).min(area.width);
    let (mut x, y) = (area.left() + (area.width - width) / 2, area.top() + area.height / 2);
    // As the gauge fills: whole cells up to here, a partial block in the next.
    let filled_end = area.left() + (f64::from(area.width) * ratio).floor() as u16;
    let buffer = frame.buffer_mut();
    for c in label.chars() {
        let style = if x < filled_end { ctx.theme.on_bar } else { ctx.theme.title.bg(page) };
        let (next, _) = buffer.set_stringn(x, y, c.encode_utf8(&mut [0; 4]), usize::from(area.right() - x), style);
        x = next;
    }
}

/// Title (and speaker) in bold, centred and wrapped; returns the rows it needs at this width.
fn title_text(ctx: &Ctx, block: &AgendaBlock) -> Text<'static> {
    let mut lines = vec![Line::styled(safe(&block.title).into_owned(), ctx.theme.title)];
    if let Some(speaker) = &block.speaker {
        lines.push(Line::styled(safe(speaker).into_owned(), ctx.theme.accent));
    }
    Text::from(lines)
}

fn wrapped_rows(text: &Text, width: u16) -> u16 {
    if width == 0 {
        return 0;
    }
    Paragraph::new(text.clone()).wrap(Wrap { trim: true }).line_count(width) as u16
}

fn talk(ctx: &Ctx, lab: &Lab, block: &AgendaBlock, frame: &mut Frame, area: Rect) {
    let title = title_text(ctx, block);
    let title_rows = wrapped_rows(&title, area.width).min(area.height / 3).max(1);
    let [banner_area, _, title_area, _, clock] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(title_rows),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    banner(ctx, block, frame, banner_area);
    frame.render_widget(Paragraph::new(title).alignment(Alignment::Center).wrap(Wrap { trim: true }), title_area);
    timer_block(ctx, lab, frame, clock, 8);
}

/// The closing ceremony: the awards list, paged with ↑/↓, under the block's title and its timer.
fn awards_block(ctx: &Ctx, lab: &Lab, block: &AgendaBlock, frame: &mut Frame, area: Rect) {
    let [banner_area, title_area, list] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
    banner(ctx, block, frame, banner_area);
    title_with_timer(ctx, lab, block, frame, title_area);
    super::report::awards(ctx, lab, frame, list, lab.awards_page);
}

fn pause(ctx: &Ctx, lab: &Lab, block: &AgendaBlock, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let [banner_area, _, title_area, resume_label, resume, _, clock] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Percentage(50),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    banner(ctx, block, frame, banner_area);
    frame.render_widget(
        Paragraph::new(fit(&block.title, title_area.width as usize))
            .style(ctx.theme.title)
            .alignment(Alignment::Center),
        title_area,
    );
    let label = t!("screen.resume_at", time = block.end.to_string(), locale = lang).into_owned();
    frame.render_widget(Paragraph::new(label).style(ctx.theme.accent).alignment(Alignment::Center), resume_label);
    let end = block.end.to_string();
    frame.render_widget(BigClock { text: &end, style: ctx.theme.title, max_scale: 8 }, resume);
    // The resume time is what the room needs; the countdown is secondary and drawn smaller.
    timer_block(ctx, lab, frame, clock, 1);
}

/// The prompt put to the tables, large; the live idea board; the total against the target.
fn group_work(ctx: &Ctx, lab: &Lab, block: &AgendaBlock, frame: &mut Frame, area: Rect) {
    let wide = area.width >= 100;
    let prompt_text = block.prompt.as_deref().unwrap_or(&block.title);
    let clock_width = if wide { area.width / 3 } else { 0 };
    let prompt_width = area.width.saturating_sub(clock_width + u16::from(wide));
    let prompt = Text::from(vec![
        Line::styled(safe(&block.title).into_owned(), ctx.theme.accent),
        Line::styled(safe(prompt_text).into_owned(), ctx.theme.title),
    ]);
    let top_rows =
        if wide { area.height / 4 } else { 0 }.max(wrapped_rows(&prompt, prompt_width).min(area.height / 3)).max(2);
    let [banner_area, top, board_area, total_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(top_rows),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    banner(ctx, block, frame, banner_area);
    let [prompt_area, _, clock_area] = Layout::horizontal([
        Constraint::Length(prompt_width),
        Constraint::Length(u16::from(wide)),
        Constraint::Length(clock_width),
    ])
    .areas(top);
    frame.render_widget(Paragraph::new(prompt).wrap(Wrap { trim: true }), prompt_area);
    if wide {
        timer_block(ctx, lab, frame, clock_area, 4);
    }
    super::board::board(ctx, lab, frame, board_area, None);
    total(ctx, lab, frame, total_area, if wide { None } else { Some(lab.timer_view(ctx.state.now)) });
}

/// "Ideas 37 / 50" with a gauge, and the timer text when there is no room for the big one.
fn total(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, timer: Option<TimerView>) {
    let target = lab.session.plan.target_ideas.max(1);
    let live = lab.index.live;
    let timer_text = timer.map(|t| timer_line(ctx, t));
    let timer_w = timer_text.as_ref().map_or(0, |l| l.width() as u16 + 2);
    let [gauge_area, timer_area] = Layout::horizontal([Constraint::Min(0), Constraint::Length(timer_w)]).areas(area);
    draw_ideas_gauge(ctx, frame, gauge_area, live, u64::from(target));
    if let Some(line) = timer_text {
        frame.render_widget(Paragraph::new(line).alignment(Alignment::Right), timer_area);
    }
}

/// One table at a time, for presentations: its name, count and every idea, numbered.
fn plenary(ctx: &Ctx, lab: &Lab, block: &AgendaBlock, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let [banner_area, title_area, table_area, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Length(2), Constraint::Min(0)])
            .areas(area);
    banner(ctx, block, frame, banner_area);
    title_with_timer(ctx, lab, block, frame, title_area);

    let groups = &lab.session.groups;
    let Some(group) = groups.get(lab.plenary_table.min(groups.len().saturating_sub(1))) else { return };
    let g = lab.plenary_table.min(groups.len() - 1);
    let ideas = lab.index.per_group.get(g).map_or(&[][..], |v| v.as_slice());
    let heading = t!(
        "screen.plenary_table",
        table = fit(&group.name, 40),
        ideas = super::ideas_count(ctx.lang, ideas.len()),
        n = g + 1,
        of = groups.len(),
        locale = lang
    )
    .into_owned();
    frame.render_widget(
        Paragraph::new(vec![Line::styled(fit(&heading, table_area.width as usize), ctx.theme.selected), Line::raw("")]),
        table_area,
    );
    if ideas.is_empty() {
        frame.render_widget(Paragraph::new(ctx.t("screen.no_ideas_yet")).style(ctx.theme.text), list_area);
        return;
    }
    // Oldest first, numbered as the table presents them, a page at a time (the clicker turns it): each idea
    // in large type on up to two lines, then its agency, author and star.
    let per_page = crate::app::plenary_per_page(ctx.state.size.1);
    let pages = ideas.len().div_ceil(per_page).max(1);
    let page = lab.plenary_page.min(pages - 1);
    let width = usize::from(list_area.width);
    let measure = width.saturating_sub(5).clamp(8, 64);
    let mut lines: Vec<Line> = Vec::new();
    for (n, &i) in ideas.iter().rev().enumerate().skip(page * per_page).take(per_page) {
        let idea = &lab.session.ideas[i];
        let number = format!("{:>2}. ", n + 1);
        let mut title = super::board::wrap(&safe(&idea.title), measure, "", "");
        if title.len() > 2 {
            title.truncate(2);
            title[1] = fit(&format!("{} …", title[1]), measure);
        }
        for (k, part) in title.into_iter().enumerate() {
            let lead = if k == 0 { number.clone() } else { "    ".to_string() };
            lines.push(Line::from(vec![Span::styled(lead, ctx.theme.accent), Span::styled(part, ctx.theme.title)]));
        }
        let mut facts: Vec<String> = Vec::new();
        if idea.flagship {
            facts.push(format!("★ {}", ctx.t("spotlight.flagship")));
        }
        facts.extend(idea.agency.iter().map(|a| safe(a).into_owned()));
        facts.extend(idea.author.iter().map(|a| safe(a).into_owned()));
        let style = if idea.flagship { ctx.theme.accent } else { ctx.theme.text };
        lines.push(Line::styled(fit(&format!("    {}", facts.join(" · ")), width), style));
    }
    if pages > 1 {
        let more = t!("screen.plenary_page", page = page + 1, pages = pages, locale = lang);
        lines.push(Line::styled(fit(&format!("    {more}"), width), ctx.theme.key));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
}
