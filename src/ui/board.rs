//! The idea board: tables side by side, newest first, counts, the newest idea highlighted, and a selection
//! that scrolls within its table.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};
use rust_i18n::t;

use super::{Ctx, fit};
use crate::app::{Lab, Selection};
use crate::model::Idea;

/// Each table card needs at least this many columns to sit beside another.
const CARD_MIN_WIDTH: u16 = 22;

/// The tables as a grid of cards: side by side when there is room, in rows when narrow.
pub fn board(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, selection: Option<Selection>) {
    let groups = &lab.session.groups;
    if groups.is_empty() || area.height < 3 || area.width < 4 {
        return;
    }
    let n = groups.len() as u16;
    let cols = (area.width / CARD_MIN_WIDTH).clamp(1, n);
    let rows = n.div_ceil(cols).min((area.height / 3).max(1));
    let row_areas = Layout::vertical(vec![Constraint::Ratio(1, u32::from(rows)); rows as usize]).split(area);
    // When not every table fits, the rows scroll so the selected table is visible.
    let first_row = selection.map_or(0, |s| (s.table as u16 / cols).saturating_sub(rows - 1));
    for (r, row_area) in row_areas.iter().enumerate() {
        let col_areas = Layout::horizontal(vec![Constraint::Ratio(1, u32::from(cols)); cols as usize]).split(*row_area);
        for (c, cell) in col_areas.iter().enumerate() {
            let g = (first_row as usize + r) * cols as usize + c;
            if g < groups.len() {
                card(ctx, lab, g, frame, *cell, selection.filter(|s| s.table == g).map(|s| s.row));
            }
        }
    }
}

fn idea_text(idea: &Idea, width: usize) -> String {
    let mark = if idea.flagship { "★ " } else { "• " };
    fit(&format!("{mark}{}", idea.title), width)
}

/// A character that is a whole grapheme one cell wide whatever follows it here: printable ASCII, and the
/// board's marks and ellipsis (none of them joins with a neighbour that is also one of these).
fn single_cell(c: char) -> bool {
    matches!(c, ' '..='~' | '•' | '★' | '…')
}

/// Draws `text` on the first row of `area` exactly as `Paragraph::new(Line::styled(text, style))` does (same
/// cells, same styles). The board is the screen whose text grows with the session, so its usual lines (typed
/// on a keyboard, with the marks) skip grapheme segmentation: each character is one cell. Anything else goes
/// through the paragraph.
fn draw_line(buf: &mut Buffer, area: Rect, text: &str, style: Style) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    if !text.chars().all(single_cell) {
        Paragraph::new(Line::styled(text, style)).render(area, buf);
        return;
    }
    let start = buf.index_of(area.x, area.y);
    for (cell, c) in buf.content[start..start + usize::from(area.width)].iter_mut().zip(text.chars()) {
        cell.set_char(c).set_style(style);
    }
}

fn card(ctx: &Ctx, lab: &Lab, g: usize, frame: &mut Frame, area: Rect, selected_row: Option<usize>) {
    let group = &lab.session.groups[g];
    let ideas = lab.index.per_group.get(g).map_or(&[][..], |v| v.as_slice());
    let inner_w = area.width.saturating_sub(2) as usize;
    let title = fit(&format!(" {} {} · {} ", g + 1, group.name, ideas.len()), inner_w);
    let border_style = if selected_row.is_some() { ctx.theme.accent } else { ctx.theme.border };
    let block =
        Block::default().borders(Borders::ALL).border_style(border_style).title(Span::styled(title, ctx.theme.accent));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let skip = selected_row.map_or(0, |row| (row + 1).saturating_sub(height));
    let fresh = lab.fresh_idea(ctx.state.now);
    let rows = ideas.iter().enumerate().skip(skip).take(height);
    for (y, (row, &i)) in (inner.y..).zip(rows) {
        let idea = &lab.session.ideas[i];
        let style = if selected_row == Some(row) {
            ctx.theme.selected
        } else if fresh == Some(idea.id) {
            ctx.theme.highlight
        } else {
            ctx.theme.text
        };
        let text = idea_text(idea, inner.width as usize);
        draw_line(frame.buffer_mut(), Rect { y, height: 1, ..inner }, &text, style);
    }
}

/// Board mode: the board, and the selected idea in full on the last line.
pub fn board_screen(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect) {
    let [title_area, board_area, detail_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(2)]).areas(area);
    let title =
        t!("board.title", count = lab.index.live, target = lab.session.plan.target_ideas, locale = ctx.lang.code());
    frame.render_widget(
        Paragraph::new(fit(&format!(" {title}"), area.width as usize)).style(ctx.theme.accent),
        title_area,
    );
    board(ctx, lab, frame, board_area, Some(lab.selection));
    let width = detail_area.width as usize;
    let lines = match lab.selected_idea().and_then(|id| lab.session.idea(id)) {
        Some(idea) => vec![
            Line::styled(fit(&format!(" #{} {}", idea.id, idea.title), width), ctx.theme.title),
            Line::styled(fit(&format!(" {}", idea_facts(ctx, lab, idea)), width), ctx.theme.text),
        ],
        None => vec![Line::styled(fit(&format!(" {}", ctx.t("board.no_ideas")), width), ctx.theme.text)],
    };
    frame.render_widget(Paragraph::new(lines), detail_area);
}

/// "Meja 2 · Dinas Kesehatan · Budi · public service · digital · flagship · 10:04".
pub fn idea_facts(ctx: &Ctx, lab: &Lab, idea: &Idea) -> String {
    let lang = ctx.lang.code();
    let mut facts = Vec::new();
    if let Some(group) = lab.session.group(&idea.group) {
        facts.push(group.name.clone());
    }
    facts.extend(idea.agency.clone());
    facts.extend(idea.author.clone());
    if let Some(form) = idea.form {
        facts.push(ctx.t(&format!("form.{}", form.key())));
    }
    if idea.digital {
        facts.push(t!("board.digital", locale = lang).into_owned());
    }
    if idea.flagship {
        facts.push(t!("board.flagship", locale = lang).into_owned());
    }
    facts.push(idea.created_at.with_timezone(&lab.offset()).format("%H:%M").to_string());
    facts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    /// `draw_line` must leave exactly the cells a one-line paragraph leaves, on any text and width.
    #[test]
    fn draw_line_matches_a_paragraph() {
        let base = Style::default().bg(Color::Blue);
        let style = Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD);
        let texts = [
            "",
            "• Antrean online puskesmas",
            "★ Izin usaha mikro cukup dengan NIK dan tanda tangan elektronik…",
            "• ~!@#$%^&*()_+{}|:\"<>?`-=[];',./",
            "• 数字 kartu pelajar terpadu",
            "• Lapor jalan rusak 🚧 dengan foto",
            "• e\u{301}ka",
            "★\u{FE0F} bintang",
            "• \u{FFFD}[2J",
        ];
        for text in texts {
            for width in [0u16, 1, 2, 5, 12, 40] {
                let area = Rect::new(0, 0, 42, 3);
                let mut expected = Buffer::empty(area);
                let mut actual = Buffer::empty(area);
                for buf in [&mut expected, &mut actual] {
                    buf.set_style(area, base);
                    buf.set_string(0, 1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", base);
                }
                let row = Rect::new(1, 1, width, 1);
                Paragraph::new(Line::styled(text, style)).render(row, &mut expected);
                draw_line(&mut actual, row, text, style);
                assert_eq!(actual, expected, "{text:?} at width {width}");
            }
        }
    }
}
