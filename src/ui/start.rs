//! The start screen: new session from the built-in plan or a plan file, then the session files, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::chrome::hints;
use super::{Ctx, fit};
use crate::app::{Overlay, START_NEW_ROWS};

pub fn render(ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let state = ctx.state;
    let plan_path = match state.layers.top() {
        Some(Overlay::PlanPath { path }) => Some(path.as_str()),
        _ => None,
    };
    let [title_area, _, list_area, input_area, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(if plan_path.is_some() { 3 } else { 0 }),
        Constraint::Length(1),
    ])
    .areas(area);
    let width = area.width as usize;
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(fit(&format!(" {}", ctx.t("start.title")), width), ctx.theme.bar),
            Line::styled(
                fit(
                    &format!(
                        " {}",
                        t!("start.folder", dir = crate::model::text::shown(&state.start.sessions_dir), locale = lang)
                    ),
                    width,
                ),
                ctx.theme.text,
            ),
        ]),
        title_area,
    );

    let mut rows: Vec<Line> = vec![
        Line::raw(format!(" + {}", ctx.t("start.new_builtin"))),
        Line::raw(format!(" + {}", ctx.t("start.new_from_file"))),
    ];
    for entry in &state.start.entries {
        match &entry.summary {
            Ok(s) => {
                let dates = crate::i18n::date_range(s.first_date, s.last_date);
                let ideas = t!("start.ideas", count = s.ideas, target = s.target, locale = lang).into_owned();
                let right = format!("  {dates}  {ideas}  {}", s.updated_at.format("%Y-%m-%d %H:%M"));
                let title_w = width.saturating_sub(right.width() + 4);
                let title = fit(&s.title, title_w);
                let pad = " ".repeat(title_w.saturating_sub(title.width()));
                rows.push(Line::raw(fit(&format!("   {title}{pad}{right}"), width)));
            }
            Err(e) => rows.push(Line::raw(fit(&format!(" ⚠ {e}"), width))),
        }
    }
    if state.start.entries.is_empty() {
        rows.push(Line::raw(""));
        rows.push(Line::raw(format!("   {}", ctx.t("start.no_sessions"))));
    }
    let selected = state.start.selected.min(rows.len().saturating_sub(1));
    let height = list_area.height as usize;
    let skip = selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .skip(skip)
        .take(height)
        .map(|(i, line)| {
            let style = if i == selected {
                ctx.theme.selected
            } else if i < START_NEW_ROWS {
                ctx.theme.accent
            } else {
                ctx.theme.text
            };
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let pad = " ".repeat(width.saturating_sub(text.width()));
            Line::styled(format!("{text}{pad}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);

    if let Some(plan_path) = plan_path {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(ctx.theme.accent)
            .title(Span::styled(ctx.t("start.plan_path"), ctx.theme.accent));
        let inner = block.inner(input_area);
        frame.render_widget(block, input_area);
        let shown = fit(plan_path, (inner.width as usize).saturating_sub(1));
        frame.render_widget(Paragraph::new(format!("{shown}▏")).style(ctx.theme.title), inner);
    }
    if let Some(notice) = &state.notice {
        let style = if notice.is_error { ctx.theme.error } else { ctx.theme.accent };
        frame.render_widget(Paragraph::new(fit(&format!(" {}", notice.text), width)).style(style), footer);
    } else {
        frame.render_widget(Paragraph::new(hints(ctx, width)), footer);
    }
}
