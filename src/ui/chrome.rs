//! The bars around every agenda screen: where we are (day, time, stage), the wall clock, the schedule and
//! the save state on top; the key hints (generated from the keymap) or a notice at the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, fit, zone_label};
use crate::app::{Lab, Schedule, keymap};

/// "Hari 2 · 10:15–12:00 · DIAGNOSE" on the left; "10:42 WIB · 5 mnt terlambat · Tersimpan 10:04:12" on the right.
pub fn header(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let (pos, block) = lab.current();
    let where_ = format!(" {} ", super::block_when(ctx.lang, pos, block));
    let local = ctx.state.now.with_timezone(&lab.offset());
    let clock = format!("{} {}", local.format("%H:%M"), zone_label(lab.offset()));
    let schedule = match lab.schedule(ctx.state.now) {
        Schedule::OtherDay => None,
        Schedule::OnTime => Some((t!("screen.on_time", locale = lang).into_owned(), ctx.theme.bar)),
        Schedule::Ahead(m) => {
            Some((t!("screen.ahead", duration = minutes(ctx, m), locale = lang).into_owned(), ctx.theme.bar))
        }
        Schedule::Behind(m) => {
            Some((t!("screen.behind", duration = minutes(ctx, m), locale = lang).into_owned(), ctx.theme.error))
        }
    };
    let save = save_state(ctx);

    // Right side parts in order of importance; the least important are dropped first when narrow.
    let mut right: Vec<(String, Style)> = vec![(clock, ctx.theme.bar)];
    right.extend(schedule);
    right.push(save);
    let width = area.width as usize;
    let left_min = where_.width().min(width / 2);
    while right.len() > 1 && right_width(&right) + left_min > width {
        // Drop the schedule before the save state: "saved" is the promise the coach checks.
        let drop_at = if right.len() > 2 { 1 } else { 0 };
        right.remove(drop_at);
    }
    let right_w = right_width(&right).min(width);
    let left_text = fit(&where_, width.saturating_sub(right_w));
    let gap = width.saturating_sub(left_text.width() + right_w);
    let mut spans = vec![Span::styled(left_text, ctx.theme.bar), Span::styled(" ".repeat(gap), ctx.theme.bar)];
    for (i, (text, style)) in right.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", ctx.theme.bar));
        }
        spans.push(Span::styled(text, style));
    }
    spans.push(Span::styled(" ", ctx.theme.bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(ctx.theme.bar), area);
}

/// "45 min", or "5 h 04 min" past an hour.
fn minutes(ctx: &Ctx, m: i64) -> String {
    let lang = ctx.lang.code();
    if m < 60 {
        t!("duration.minutes", m = m, locale = lang).into_owned()
    } else {
        t!("duration.hours", h = m / 60, m = format!("{:02}", m % 60), locale = lang).into_owned()
    }
}

fn right_width(parts: &[(String, Style)]) -> usize {
    parts.iter().map(|(t, _)| t.width()).sum::<usize>() + 3 * parts.len().saturating_sub(1) + 1
}

fn save_state(ctx: &Ctx) -> (String, Style) {
    let lang = ctx.lang.code();
    let save = &ctx.state.save;
    if save.read_only {
        (t!("save_state.read_only", locale = lang).into_owned(), ctx.theme.error)
    } else if save.error.is_some() {
        (t!("save_state.failed", locale = lang).into_owned(), ctx.theme.error)
    } else if save.is_pending() {
        (t!("save_state.saving", locale = lang).into_owned(), ctx.theme.bar)
    } else if let (Some(at), Some(lab)) = (save.last_saved_at, ctx.state.lab.as_ref()) {
        let at = at.with_timezone(&lab.offset()).format("%H:%M:%S").to_string();
        (t!("save_state.saved_at", time = at, locale = lang).into_owned(), ctx.theme.bar)
    } else {
        (t!("save_state.saved", locale = lang).into_owned(), ctx.theme.bar)
    }
}

/// The key hints of the current mode, or the current notice (errors in the error style).
pub fn footer(ctx: &Ctx, frame: &mut Frame, area: Rect) {
    if let Some(notice) = &ctx.state.notice {
        let style = if notice.is_error { ctx.theme.error } else { ctx.theme.accent };
        frame.render_widget(Paragraph::new(fit(&format!(" {}", notice.text), area.width as usize)).style(style), area);
        return;
    }
    if ctx.state.save.read_only && ctx.state.save.is_pending() {
        let text = t!("readonly.changed", locale = ctx.lang.code());
        frame.render_widget(Paragraph::new(fit(&format!(" {text}"), area.width as usize)).style(ctx.theme.error), area);
        return;
    }
    if let Some(failure) = &ctx.state.save.error {
        let lang = ctx.lang.code();
        let text = match failure.emergency.first() {
            Some(copy) => {
                t!(
                    "save_state.failed_copy",
                    error = failure.message(ctx.lang),
                    copy = crate::model::text::shown(&copy),
                    locale = lang
                )
            }
            None => t!("save_state.failed_line", error = failure.message(ctx.lang), locale = lang),
        };
        // A conflict the coach can resolve: the key first, so a narrow wall still shows it.
        let text = match (failure.conflict, failure.emergency.first()) {
            (true, Some(copy)) => {
                t!("save_state.conflict_copy", copy = crate::model::text::shown(copy), locale = lang).into_owned()
            }
            (true, None) => t!("save_state.conflict", locale = lang).into_owned(),
            _ => text.into_owned(),
        };
        frame.render_widget(Paragraph::new(fit(&format!(" {text}"), area.width as usize)).style(ctx.theme.error), area);
        return;
    }
    frame.render_widget(Paragraph::new(hints(ctx, area.width as usize)), area);
}

/// "→ next  ← back  t timer …" from the keymap, as many as fit.
pub fn hints(ctx: &Ctx, width: usize) -> Line<'static> {
    let mode = ctx.state.mode();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for binding in keymap::bindings(mode) {
        let Some(hint) = binding.hint else { continue };
        let keys = hint_keys(binding);
        let text = ctx.t(hint);
        let w = keys.width() + 1 + text.width() + 2;
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::styled(keys, ctx.theme.key));
        spans.push(Span::styled(format!(" {text}  "), ctx.theme.text));
    }
    Line::from(spans)
}

/// The footer shows the first key of a binding ("→"); the help shows them all.
fn hint_keys(binding: &keymap::Binding) -> String {
    binding.keys.first().map(keymap::label).unwrap_or_default()
}
