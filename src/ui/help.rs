//! The `?` overlay: every key of every mode, read from the keymap tables, in the screen's language.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, fit};
use crate::app::{Mode, Overlay, keymap};

/// The help's heading of a mode: `help.mode.<its name>`.
fn mode_title(mode: Mode) -> String {
    let name: &'static str = mode.into();
    format!("help.mode.{name}")
}

/// Every line of the help: a heading per mode, then "keys   what they do".
pub fn lines(ctx: &Ctx) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let sections = keymap::HELP_MODES.iter().map(|&m| (m, keymap::bindings(m))).chain([(Mode::Help, keymap::GLOBAL)]);
    let key_w = keymap::HELP_MODES
        .iter()
        .flat_map(|&m| keymap::bindings(m))
        .chain(keymap::GLOBAL)
        .map(|b| keymap::labels(b).width())
        .max()
        .unwrap_or(0);
    for (mode, bindings) in sections {
        let title =
            if std::ptr::eq(bindings, keymap::GLOBAL) { "help.mode.everywhere".to_string() } else { mode_title(mode) };
        out.push(Line::styled(ctx.t(&title), ctx.theme.accent));
        for binding in bindings {
            let keys = keymap::labels(binding);
            let pad = " ".repeat(key_w.saturating_sub(keys.width()));
            out.push(Line::from(vec![
                Span::styled(format!("  {keys}{pad}  "), ctx.theme.key),
                Span::styled(ctx.t(binding.help), ctx.theme.text),
            ]));
        }
        out.push(Line::raw(""));
    }
    out
}

pub fn render(ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let all = lines(ctx);
    let content_w = all.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let width = content_w.min(area.width.saturating_sub(2)).max(area.width.min(20));
    let height = (all.len() as u16 + 2).min(area.height.saturating_sub(2)).max(area.height.min(3));
    let popup = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    frame.render_widget(Clear, popup);
    frame.buffer_mut().set_style(popup, ctx.theme.base);
    let title = fit(&format!(" {} ", ctx.t("help.title")), width.saturating_sub(2) as usize);
    // When the keys do not fit, the frame says so and where the reader is: "Esc closes · PgDn 1/3".
    let rows = height.saturating_sub(2).max(1) as usize;
    let pages = all.len().div_ceil(rows);
    let help_scroll = ctx.state.layers.overlays.iter().find_map(|o| match o {
        Overlay::Help { scroll } => Some(*scroll),
        _ => None,
    });
    let max_scroll = (all.len() as u16).saturating_sub(rows as u16);
    let scroll = help_scroll.unwrap_or(0).min(max_scroll);
    let close = if pages > 1 {
        let page = if scroll >= max_scroll { pages } else { usize::from(scroll) / rows + 1 };
        let more = t!("help.pages", page = page, pages = pages, locale = ctx.lang.code());
        format!(" {} · {more} ", ctx.t("help.close_hint"))
    } else {
        format!(" {} ", ctx.t("help.close_hint"))
    };
    let close = fit(&close, width.saturating_sub(2) as usize);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.accent)
        .style(ctx.theme.base)
        .title(Span::styled(title, ctx.theme.accent))
        .title_bottom(Span::styled(close, ctx.theme.key));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(all).scroll((scroll, 0)), inner);
}
