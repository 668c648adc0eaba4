//! The agenda overview: every day's blocks with time, title, stage label, done/now/next markers and the
//! ideas captured in each; the days side by side when wide, one scrolling list when narrow.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, fit, stage_badge};
use crate::app::Lab;
use crate::model::{Block as AgendaBlock, Stage};

/// Each day column needs at least this many columns to sit side by side.
const DAY_COLUMN_MIN: u16 = 38;

pub fn render(ctx: &Ctx, lab: &Lab, cursor: usize, frame: &mut Frame, area: Rect) {
    let days = lab.session.plan.days.len() as u16;
    if days > 0 && area.width / days >= DAY_COLUMN_MIN {
        let columns = Layout::horizontal(vec![Constraint::Ratio(1, u32::from(days)); days as usize]).split(area);
        for (d, column) in columns.iter().enumerate() {
            day_column(ctx, lab, cursor, d, frame, *column);
        }
    } else {
        stacked(ctx, lab, cursor, frame, area);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Done,
    Now,
    Next,
    Later,
}

fn marker(lab: &Lab, flat: usize) -> Marker {
    let current = lab.current_flat();
    match flat.cmp(&current) {
        std::cmp::Ordering::Less => Marker::Done,
        std::cmp::Ordering::Equal => Marker::Now,
        std::cmp::Ordering::Greater if flat == current + 1 => Marker::Next,
        std::cmp::Ordering::Greater => Marker::Later,
    }
}

/// One block as a line: marker, time, title, stage label, idea count.
fn block_line(ctx: &Ctx, lab: &Lab, cursor: usize, flat: usize, block: &AgendaBlock, width: usize) -> Line<'static> {
    let mark = match marker(lab, flat) {
        Marker::Done => "✓",
        Marker::Now => "▶",
        Marker::Next => "›",
        Marker::Later => " ",
    };
    let stage =
        if block.stage == Stage::None { String::new() } else { format!("[{}]", stage_badge(block.stage, ctx.lang)) };
    let ideas = lab.index.per_block.get(&block.id).copied().unwrap_or(0);
    let count = if ideas > 0 { super::ideas_count(ctx.lang, ideas) } else { String::new() };
    // Each block keeps its own timer: one still running is shown, so none is forgotten.
    let running = lab
        .session
        .progress
        .timers
        .iter()
        .find(|t| t.block == block.id && t.running)
        .map(|t| format!("⏱ {}", super::countdown(t.remaining_at(ctx.state.now))))
        .unwrap_or_default();
    let head = format!("{mark} {} ", block.start);
    let tail = [stage, count, running].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    let tail = if tail.is_empty() { tail } else { format!(" {tail}") };
    let title_w = width.saturating_sub(head.width() + tail.width());
    let title = fit(&block.title, title_w);
    let pad = " ".repeat(title_w.saturating_sub(title.width()));
    let style = if flat == cursor {
        ctx.theme.selected
    } else if marker(lab, flat) == Marker::Now {
        ctx.theme.highlight
    } else {
        ctx.theme.text
    };
    Line::from(vec![Span::styled(format!("{head}{title}{pad}{tail}"), style)])
}

fn day_title(ctx: &Ctx, lab: &Lab, d: usize) -> String {
    let date = lab.session.plan.days[d].date.format("%Y-%m-%d");
    format!(" {} · {date} ", t!("screen.day", n = d + 1, locale = ctx.lang.code()))
}

fn day_column(ctx: &Ctx, lab: &Lab, cursor: usize, d: usize, frame: &mut Frame, area: Rect) {
    let border = Block::default().borders(Borders::ALL).border_style(ctx.theme.border);
    let title = fit(&day_title(ctx, lab, d), area.width.saturating_sub(2) as usize);
    let border = border.title(Span::styled(title, ctx.theme.accent));
    let inner = border.inner(area);
    frame.render_widget(border, area);
    let plan = &lab.session.plan;
    let first = plan.flat_index(crate::model::BlockPos { day: d, index: 0 });
    let blocks = &plan.days[d].blocks;
    // Keep the cursor (or the current block) in view when a day has more blocks than rows.
    let focus = if (first..first + blocks.len()).contains(&cursor) { cursor - first } else { 0 };
    let skip = focus.saturating_sub((inner.height as usize).saturating_sub(1));
    let lines: Vec<Line> = blocks
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, b)| block_line(ctx, lab, cursor, first + i, b, inner.width as usize))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn stacked(ctx: &Ctx, lab: &Lab, cursor: usize, frame: &mut Frame, area: Rect) {
    let plan = &lab.session.plan;
    let mut lines: Vec<(Option<usize>, Line)> = Vec::new();
    let mut flat = 0;
    for (d, day) in plan.days.iter().enumerate() {
        lines.push((None, Line::styled(fit(&day_title(ctx, lab, d), area.width as usize), ctx.theme.accent)));
        for block in &day.blocks {
            lines.push((Some(flat), block_line(ctx, lab, cursor, flat, block, area.width as usize)));
            flat += 1;
        }
    }
    let cursor_row = lines.iter().position(|(f, _)| *f == Some(cursor)).unwrap_or(0);
    let height = area.height as usize;
    let skip = cursor_row.saturating_sub(height.saturating_sub(2)).min(lines.len().saturating_sub(height));
    let visible: Vec<Line> = lines.into_iter().skip(skip).take(height).map(|(_, l)| l).collect();
    frame.render_widget(Paragraph::new(visible).style(Style::default()), area);
}
