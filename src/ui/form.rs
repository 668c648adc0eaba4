//! Forms and questions drawn over the screen: idea details, moving an idea, tables and members, and the
//! "quit anyway?" question when the last save failed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use rust_i18n::t;

use super::{Ctx, fit};
use crate::app::{FieldKey, FieldValue, FlagshipMove, Form, FormPurpose, Lab, SaveFailure};

const LABEL_WIDTH: u16 = 14;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

fn title(ctx: &Ctx, lab: &Lab, form: &Form) -> String {
    let lang = ctx.lang.code();
    match form.purpose {
        FormPurpose::NewIdea => ctx.t("form.title.new_idea"),
        FormPurpose::EditIdea(id) => t!("form.title.edit_idea", id = id, locale = lang).into_owned(),
        FormPurpose::MoveIdea(id) => t!("form.title.move_idea", id = id, locale = lang).into_owned(),
        FormPurpose::NewTable => ctx.t("form.title.new_table"),
        FormPurpose::RenameTable(_) => ctx.t("form.title.rename_table"),
        FormPurpose::NewMember(g) => {
            let table = lab.session.groups.get(g).map(|g| g.name.as_str()).unwrap_or("");
            t!("form.title.new_member", table = fit(table, 30), locale = lang).into_owned()
        }
        FormPurpose::EditMember(..) => ctx.t("form.title.edit_member"),
    }
}

fn field_rows(key: FieldKey) -> u16 {
    if key == FieldKey::Detail { 3 } else { 1 }
}

pub fn render(ctx: &Ctx, lab: &Lab, form: &Form, frame: &mut Frame, area: Rect) {
    // The fields, then a line for suggestions and one for why the form was refused.
    let rows: u16 = form.fields.iter().map(|f| field_rows(f.key)).sum::<u16>() + 2;
    let popup = centered(area, 76, rows + 2);
    frame.render_widget(Clear, popup);
    let heading = fit(&format!(" {} ", title(ctx, lab, form)), popup.width.saturating_sub(2) as usize);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.accent)
        .style(ctx.theme.base)
        .title(Span::styled(heading, ctx.theme.accent));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    for (i, field) in form.fields.iter().enumerate() {
        let h = field_rows(field.key).min(bottom.saturating_sub(y));
        if h == 0 {
            break;
        }
        let focused = i == form.focus;
        let label_style = if focused { ctx.theme.selected } else { ctx.theme.accent };
        let label = fit(&ctx.t(field.key.label()), LABEL_WIDTH as usize - 1);
        let label_area = Rect { x: inner.x, y, width: LABEL_WIDTH.min(inner.width), height: 1 };
        frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
        let value_area = Rect {
            x: inner.x + LABEL_WIDTH.min(inner.width),
            y,
            width: inner.width.saturating_sub(LABEL_WIDTH),
            height: h,
        };
        let width = value_area.width as usize;
        match &field.value {
            FieldValue::Text(input) => {
                let mut input = input.clone();
                input.set_style(ctx.theme.title);
                if !focused {
                    input.set_cursor_style(ctx.theme.title);
                }
                frame.render_widget(&*input, value_area);
            }
            FieldValue::Choice { options, index, localized } => {
                let option =
                    options.get(*index).map(|o| if *localized { ctx.t(o) } else { o.clone() }).unwrap_or_default();
                let text = fit(&format!("◀ {option} ▶"), width);
                frame.render_widget(Paragraph::new(text).style(ctx.theme.title), value_area);
            }
            FieldValue::Toggle(on) => {
                let text = if *on { format!("[x] {}", ctx.t("form.yes")) } else { format!("[ ] {}", ctx.t("form.no")) };
                frame.render_widget(Paragraph::new(text).style(ctx.theme.title), value_area);
            }
        }
        y += h;
    }
    // The last lines: suggestions for the focused field, then why the form was refused.
    let focused = form.fields.get(form.focus);
    let hint_area = Rect { x: inner.x, y: bottom.saturating_sub(2).max(y), width: inner.width, height: 1 };
    if let Some(field) = focused.filter(|f| !f.suggestions.is_empty())
        && hint_area.y < bottom
    {
        let absent = ctx.t("form.absent_mark");
        let list = field
            .suggestions
            .iter()
            .map(|s| if s.absent { format!("{} {absent}", s.value) } else { s.value.clone() })
            .collect::<Vec<_>>()
            .join(", ");
        let hint = t!("form.suggestions", list = list, locale = ctx.lang.code());
        frame.render_widget(Paragraph::new(fit(&hint, inner.width as usize)).style(ctx.theme.text), hint_area);
    }
    if let Some(error) = &form.error {
        let error_area = Rect { y: bottom.saturating_sub(1), ..hint_area };
        frame.render_widget(Paragraph::new(fit(error, inner.width as usize)).style(ctx.theme.error), error_area);
    }
}

/// The last save failed on the way out: say so, say where the emergency copy is, and ask.
pub fn confirm_quit(ctx: &Ctx, failure: &SaveFailure, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let mut lines = vec![
        Line::styled(ctx.t("quit.not_saved"), ctx.theme.error),
        Line::styled(failure.message(ctx.lang), ctx.theme.text),
        Line::raw(""),
    ];
    if failure.emergency.is_empty() {
        lines.push(Line::styled(ctx.t("quit.no_emergency"), ctx.theme.error));
    }
    for copy in &failure.emergency {
        lines.push(Line::styled(
            t!("quit.emergency_at", path = crate::model::text::shown(&copy), locale = lang).into_owned(),
            ctx.theme.accent,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(ctx.t("quit.question"), ctx.theme.title));
    let width = lines.iter().map(|l| l.width()).max().unwrap_or(40) as u16 + 4;
    // Paths wrap: room for each line twice over, within the screen (centered() clamps to the area).
    let height = (lines.len() as u16 + failure.emergency.len() as u16 + 3).max(10);
    let popup = centered(area, width.clamp(30, 90), height);
    frame.render_widget(Clear, popup);
    let block = Block::default().borders(Borders::ALL).border_style(ctx.theme.error).style(ctx.theme.base);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

/// Another program changed the session file: what happened, where this session is now, and the two ways on.
pub fn conflict(ctx: &Ctx, failure: &SaveFailure, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    // The choices first: on a small wall the paths below them are what gets cut.
    let mut lines = vec![
        Line::styled(ctx.t("conflict.title"), ctx.theme.error),
        Line::styled(failure.message(ctx.lang), ctx.theme.text),
        Line::raw(""),
        Line::styled(ctx.t("conflict.reload"), ctx.theme.title),
        Line::styled(ctx.t("conflict.save_as_new"), ctx.theme.title),
        Line::styled(ctx.t("conflict.later"), ctx.theme.text),
        Line::raw(""),
    ];
    for copy in &failure.emergency {
        let path = crate::model::text::shown(copy);
        lines.push(Line::styled(t!("quit.emergency_at", path = path, locale = lang).into_owned(), ctx.theme.accent));
    }
    let width = area.width.clamp(30, 90);
    // As tall as the wrapped lines (paths are long), within the screen.
    let inner_width = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner_width).max(1)).sum();
    let popup = centered(area, width, (rows as u16).saturating_add(2));
    frame.render_widget(Clear, popup);
    let block = Block::default().borders(Borders::ALL).border_style(ctx.theme.error).style(ctx.theme.base);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

/// The agency already has a flagship: which one, and whether the star should move to the selected idea.
pub fn confirm_flagship(ctx: &Ctx, lab: &Lab, pending: &FlagshipMove, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let width = area.width.clamp(30, 90);
    let text_w = width.saturating_sub(4) as usize;
    let title_of = |id: u64| lab.session.idea(id).map(|i| i.title.as_str()).unwrap_or_default();
    let current = format!("★ #{} \"{}\"", pending.from, title_of(pending.from));
    let lines = vec![
        Line::styled(fit(&t!("flagship.confirm_has", agency = pending.agency, locale = lang), text_w), ctx.theme.text),
        Line::styled(fit(&current, text_w), ctx.theme.title),
        Line::raw(""),
        Line::styled(
            fit(&t!("flagship.confirm_move", id = pending.to, title = title_of(pending.to), locale = lang), text_w),
            ctx.theme.accent,
        ),
        Line::raw(""),
        Line::styled(fit(&ctx.t("flagship.confirm_keys"), text_w), ctx.theme.text),
    ];
    let popup = centered(area, width, 8);
    frame.render_widget(Clear, popup);
    let heading = fit(&ctx.t("flagship.confirm_title"), width.saturating_sub(2) as usize);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.accent)
        .style(ctx.theme.base)
        .title(Span::styled(heading, ctx.theme.accent));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines), inner);
}
