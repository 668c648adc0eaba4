//! The spotlight: one idea alone over the screen. Its title in large glyphs when it is short enough to
//! stand in them (always with its plain-text twin below), then its table, agency, author and star.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use tui_big_text::{BigText, PixelSize};

use super::board::wrap;
use super::{Ctx, fit};
use crate::app::Lab;
use crate::model::text::inert;

/// Columns and rows of one large glyph (tui-big-text's quadrant pixels: 8x8 font pixels in 4x4 cells).
const GLYPH: (usize, u16) = (4, 4);

pub fn render(ctx: &Ctx, lab: &Lab, id: u64, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    frame.buffer_mut().set_style(area, ctx.theme.base);
    let Some(idea) = lab.session.idea(id) else { return };
    let title = inert(&idea.title).into_owned();
    let measure = usize::from(area.width.saturating_sub(4)).max(1);
    // The plain twin: the whole title, wrapped short.
    let twin: Vec<String> = wrap(&title, measure.min(72), "", "");
    let mut facts: Vec<String> = Vec::new();
    if let Some(g) = lab.session.groups.iter().position(|g| g.id == idea.group) {
        facts.push(format!("{} {}", g + 1, lab.session.groups[g].name));
    }
    facts.extend(idea.agency.iter().map(|a| inert(a).into_owned()));
    facts.extend(idea.author.iter().map(|a| inert(a).into_owned()));
    let star = idea.flagship.then(|| format!("★ {}", ctx.t("spotlight.flagship")));
    let below = twin.len() as u16 + 1 + facts.len() as u16 + u16::from(star.is_some());
    // Large glyphs for a title the font has (ASCII) that fits in them above everything else.
    let per_line = measure / GLYPH.0;
    let big: Vec<String> = if title.is_ascii() && per_line >= 8 { wrap(&title, per_line, "", "") } else { Vec::new() };
    let big_height = big.len() as u16 * GLYPH.1;
    let show_big = !big.is_empty() && big_height + 1 + below <= area.height;
    let used = if show_big { big_height + 1 + below } else { below };
    let [_, big_area, _, text_area, _] = Layout::vertical([
        Constraint::Length(area.height.saturating_sub(used) / 2),
        Constraint::Length(if show_big { big_height } else { 0 }),
        Constraint::Length(u16::from(show_big)),
        Constraint::Length(below),
        Constraint::Min(0),
    ])
    .areas(area);
    if show_big {
        let lines: Vec<Line> = big.into_iter().map(Line::from).collect();
        let glyphs = BigText::builder()
            .pixel_size(PixelSize::Quadrant)
            .style(ctx.theme.title)
            .alignment(Alignment::Center)
            .lines(lines)
            .build();
        frame.render_widget(glyphs, big_area);
    }
    let width = area.width as usize;
    let mut lines: Vec<Line> = twin.iter().map(|l| Line::styled(fit(l, width), ctx.theme.title)).collect();
    lines.push(Line::raw(""));
    lines.extend(facts.iter().map(|f| Line::styled(fit(f, width), ctx.theme.text)));
    lines.extend(star.map(|s| Line::styled(s, ctx.theme.accent)));
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), text_area);
}
