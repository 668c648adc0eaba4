//! The capture bar at the bottom of the wall: the table the next idea goes to, and the title being typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, fit};
use crate::app::Lab;

/// The capture bar: the chosen table, the title being typed, and the tables to pick from (1–9).
pub fn render(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let table = lab.session.groups.get(lab.capture_table).map(|g| g.name.as_str()).unwrap_or("");
    let width = area.width.saturating_sub(2) as usize;
    let title = fit(&format!(" {} ", t!("capture.title", table = fit(table, 30), locale = lang)), width);
    let mut chips = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, group) in lab.session.groups.iter().enumerate() {
        let number = if i < 9 { format!("{}", i + 1) } else { "·".into() };
        let chip = format!(" {number} {} ", fit(&group.name, 16));
        used += chip.width() + 1;
        if used > width {
            break;
        }
        let style = if i == lab.capture_table { ctx.theme.selected } else { ctx.theme.key };
        chips.push(Span::styled(chip, style));
        chips.push(Span::raw(" "));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.accent)
        .style(ctx.theme.base)
        .title(Span::styled(title, ctx.theme.accent))
        .title_bottom(Line::from(chips));
    let inner = block.inner(area);
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(block, area);
    let mut input = lab.capture.clone();
    input.set_style(ctx.theme.title);
    input.set_placeholder_text(ctx.t("capture.placeholder"));
    frame.render_widget(&input, inner);
}
