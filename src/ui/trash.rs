//! The trash overlay: deleted ideas, most recently changed first, with the cursor to restore one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use rust_i18n::t;

use super::{Ctx, fit};
use crate::app::Lab;

/// Deleted ideas, newest deletion first, to restore.
pub fn render(ctx: &Ctx, lab: &Lab, cursor: usize, frame: &mut Frame, area: Rect) {
    frame.render_widget(ratatui::widgets::Clear, area);
    // Clearing leaves the terminal's own colours: the theme's page goes back under the list.
    frame.buffer_mut().set_style(area, ctx.theme.base);
    // Straight from the index: only the rows in view are looked at.
    let deleted = &lab.index.trash;
    let [title_area, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let title = t!("trash.title", count = deleted.len(), locale = ctx.lang.code());
    frame.render_widget(
        Paragraph::new(fit(&format!(" {title}"), area.width as usize)).style(ctx.theme.accent),
        title_area,
    );
    if deleted.is_empty() {
        frame.render_widget(Paragraph::new(format!(" {}", ctx.t("trash.empty"))).style(ctx.theme.text), list);
        return;
    }
    super::cursor_list(ctx, frame, list, deleted.len(), cursor, |i| {
        let Some(idea) = deleted.get(i).and_then(|&at| lab.session.ideas.get(at)) else {
            return (String::new(), ctx.theme.text);
        };
        let table = lab.session.group(&idea.group).map(|g| g.name.as_str()).unwrap_or("");
        let when = idea.updated_at.with_timezone(&lab.offset()).format("%H:%M");
        (format!(" #{} · {table} · {} · {when}", idea.id, idea.title), ctx.theme.text)
    });
}
