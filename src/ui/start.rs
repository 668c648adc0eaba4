//! The start screen: new session from the built-in plan or a plan file, then the session files, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::chrome::hints;
use super::{Ctx, fit};
use crate::app::{NewField, NewSession, Overlay, START_NEW_ROWS};

pub fn render(ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let state = ctx.state;
    let asked = match state.layers.top() {
        Some(Overlay::NewSession(asked)) => Some(asked),
        _ => None,
    };
    // The questions: a line each, and one for what is wrong (or the date's format), inside a frame.
    let asked_height = asked.map_or(0, |a| a.fields().len() as u16 + 3);
    let [title_area, _, list_area, input_area, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(asked_height),
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
            Err(e) => rows.push(Line::raw(fit(&format!(" ⚠ {}", e.message(ctx.lang)), width))),
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

    if let Some(asked) = asked {
        questions(ctx, asked, frame, input_area);
    }
    if let Some(notice) = &state.notice {
        let style = if notice.is_error { ctx.theme.error } else { ctx.theme.accent };
        frame.render_widget(Paragraph::new(fit(&format!(" {}", notice.text), width)).style(style), footer);
    } else {
        frame.render_widget(Paragraph::new(hints(ctx, width)), footer);
    }
}

/// The new-session questions: each answer after its label (the focused one with the cursor, its end in view
/// when it is long; an empty one says what it stands for), then what is wrong or the date's format.
fn questions(ctx: &Ctx, asked: &NewSession, frame: &mut Frame, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.accent)
        .title(Span::styled(ctx.t("start.new_session"), ctx.theme.accent));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let labels: Vec<String> = asked.fields().iter().map(|f| ctx.t(f.label())).collect();
    let label_width = labels.iter().map(|l| l.width()).max().unwrap_or(0).min(width / 3);
    let room = width.saturating_sub(label_width + 4);
    let mut lines: Vec<Line> = asked
        .fields()
        .iter()
        .zip(&labels)
        .map(|(&field, label)| {
            let label = fit(label, label_width);
            let pad = " ".repeat(label_width.saturating_sub(label.width()));
            let text = asked.text(field);
            let focused = field == asked.focus;
            let answer = match (text.is_empty(), focused) {
                (true, false) => Span::styled(fit(&ctx.t(placeholder(field)), room), ctx.theme.text),
                // A suggestion the first key replaces is shown selected.
                (false, true) if asked.suggested(field) => {
                    Span::styled(tail(text, room.saturating_sub(1)), ctx.theme.selected)
                }
                (_, true) => Span::styled(format!("{}▏", tail(text, room.saturating_sub(1))), ctx.theme.title),
                (false, false) => Span::styled(fit(text, room), ctx.theme.text),
            };
            let marker = if focused { "▶ " } else { "  " };
            let label_style = if focused { ctx.theme.accent } else { ctx.theme.text };
            Line::from(vec![Span::styled(format!("{marker}{label}{pad}  "), label_style), answer])
        })
        .collect();
    let last = match (&asked.error, asked.focus) {
        (Some(why), _) => Line::styled(fit(&format!(" {why}"), width), ctx.theme.error),
        (None, NewField::FirstDay) => {
            Line::styled(fit(&format!(" {}", ctx.t("start.date_format")), width), ctx.theme.text)
        }
        (None, _) => Line::raw(""),
    };
    lines.push(last);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What an empty answer stands for.
fn placeholder(field: NewField) -> &'static str {
    match field {
        NewField::Plan => "start.placeholder.plan",
        NewField::Title => "start.placeholder.title",
        NewField::FirstDay => "start.placeholder.first_day",
    }
}

/// The end of `text` in at most `width` columns, with "…" in front when cut: the cursor's side stays in view.
fn tail(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}
