//! The questions over the screen: quit although the last save failed, the conflict with another program's
//! version of the file, and moving the flagship star.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use rust_i18n::t;

use super::form::{centered, framed};
use super::{Ctx, fit};
use crate::app::{FlagshipMove, Lab, SaveFailure};

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
    let inner = framed(ctx, frame, popup, ctx.theme.error, None);
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
    let inner = framed(ctx, frame, popup, ctx.theme.error, None);
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
    let heading = fit(&ctx.t("flagship.confirm_title"), width.saturating_sub(2) as usize);
    let inner = framed(ctx, frame, popup, ctx.theme.accent, Some(heading));
    frame.render_widget(Paragraph::new(lines), inner);
}
