//! The form overlay: idea details, moving an idea, tables and members, a vote, a block's notes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use rust_i18n::t;

use super::{Ctx, fit};
use crate::app::{Action, FieldKey, FieldValue, Form, FormPurpose, Lab, keymap};

const LABEL_WIDTH: u16 = 14;

/// Clears `popup` and draws its frame (border in `border`, the theme's background, an optional heading);
/// returns the room inside it. Every form and question over the screen is framed this way.
pub(super) fn framed(
    ctx: &Ctx,
    frame: &mut Frame,
    popup: Rect,
    border: ratatui::style::Style,
    heading: Option<String>,
) -> Rect {
    frame.render_widget(Clear, popup);
    let mut block = Block::default().borders(Borders::ALL).border_style(border).style(ctx.theme.base);
    if let Some(heading) = heading {
        block = block.title(Span::styled(heading, ctx.theme.accent));
    }
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    inner
}

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
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
        FormPurpose::ApproveSubmission(id) => t!("form.title.approve_submission", id = id, locale = lang).into_owned(),
        FormPurpose::OpenVote => ctx.t("form.title.open_vote"),
        FormPurpose::Hands(_, idea) => t!("form.title.hands", id = idea, locale = lang).into_owned(),
        FormPurpose::Notes(pos) => {
            let block = lab.session.plan.block_at(pos).map(|b| b.title.as_str()).unwrap_or("");
            t!("form.title.notes", block = fit(block, 40), locale = lang).into_owned()
        }
    }
}

fn field_rows(key: FieldKey) -> u16 {
    match key {
        FieldKey::Detail => 3,
        FieldKey::Notes => 8,
        _ => 1,
    }
}

pub fn render(ctx: &Ctx, lab: &Lab, form: &Form, frame: &mut Frame, area: Rect) {
    // The fields, then a line for suggestions and one for why the form was refused.
    let rows: u16 = form.fields.iter().map(|f| field_rows(f.key)).sum::<u16>() + 2;
    let popup = centered(area, 76, rows + 2);
    let heading = fit(&format!(" {} ", title(ctx, lab, form)), popup.width.saturating_sub(2) as usize);
    let inner = framed(ctx, frame, popup, ctx.theme.accent, Some(heading));
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
    } else if let FormPurpose::Notes(_) = form.purpose
        && hint_area.y < bottom
    {
        // How to break a line (from the keymap, so it cannot drift), and that the notes are on the wall only
        // while this form is open: afterwards the coach's own screen shows them.
        let keys = keymap::FORM.iter().find(|b| b.action == Action::NewLine).map(keymap::labels).unwrap_or_default();
        // With a coach's screen attached the form is not on the wall at all.
        let key = if ctx.state.coach.wall_hides_controls() { "form.notes_hint_coach" } else { "form.notes_hint" };
        let hint = t!(key, keys = keys, locale = ctx.lang.code());
        frame.render_widget(Paragraph::new(fit(&hint, inner.width as usize)).style(ctx.theme.text), hint_area);
    }
    if let Some(error) = &form.error {
        let error_area = Rect { y: bottom.saturating_sub(1), ..hint_area };
        frame.render_widget(Paragraph::new(fit(error, inner.width as usize)).style(ctx.theme.error), error_area);
    }
}
