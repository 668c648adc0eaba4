//! The idea board: tables side by side, newest first, counts, the newest idea highlighted, and a selection
//! that scrolls within its table.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};
use rust_i18n::t;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Ctx, fit};
use crate::app::{Lab, Selection};
use crate::model::Idea;
use crate::model::text::inert;

/// Each table card needs at least this many columns to sit beside another.
const CARD_MIN_WIDTH: u16 = 22;

/// The longest line that still reads well from the back of the room.
const READABLE_LINE: u16 = 60;

/// A card needs its frame and at least one line of ideas.
const CARD_MIN_HEIGHT: u16 = 3;

/// How long each page of a table's ideas stays on the wall before the next one comes up on its own.
pub const PAGE_SECS: i64 = 8;

/// The pages a card cycles through: its newest ideas (the older ones are counted in "+N more").
const MAX_PAGES: usize = 6;

/// The grid for `n` tables in `area`: the columns and rows that give each card the most room for text, so
/// the cards are balanced (6 tables are 3x2 or 2x3, never 5+1). `None` when no grid fits every table (then
/// the rows scroll).
pub fn grid(n: u16, area: Rect) -> Option<(u16, u16)> {
    (1..=n.max(1))
        .filter_map(|cols| {
            let rows = n.div_ceil(cols);
            let (w, h) = (area.width / cols, area.height / rows);
            (w >= CARD_MIN_WIDTH || cols == 1).then_some(())?;
            (h >= CARD_MIN_HEIGHT).then_some(())?;
            // Lines longer than about 60 columns are hard to read from the back: width beyond that is not room.
            let room = u32::from(w.saturating_sub(2).min(READABLE_LINE)) * u32::from(h.saturating_sub(2));
            // More room wins; on a tie, fewer empty cells, then wider cards (titles wrap less).
            Some(((room, std::cmp::Reverse(rows * cols - n), w), (cols, rows)))
        })
        .max_by_key(|(score, _)| *score)
        .map(|(_, grid)| grid)
}

/// The tables as a balanced grid of cards; when even one row of cards each cannot fit, rows of cards
/// scroll so the selected table is visible.
pub fn board(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, selection: Option<Selection>) {
    let groups = &lab.session.groups;
    if groups.is_empty() || area.height < 3 || area.width < 4 {
        return;
    }
    let n = groups.len() as u16;
    let (cols, rows) = grid(n, area).unwrap_or_else(|| {
        let cols = (area.width / CARD_MIN_WIDTH).clamp(1, n);
        (cols, n.div_ceil(cols).min((area.height / CARD_MIN_HEIGHT).max(1)))
    });
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

/// An idea as it stands on its card: its mark (• or ★) and the whole title, word-wrapped to `width` with
/// the lines after the first indented under the title. A word longer than a line is cut across lines.
pub fn idea_lines(idea: &Idea, width: usize) -> Vec<String> {
    let mark = if idea.flagship { "★ " } else { "• " };
    wrap(&inert(&idea.title), width, mark, "  ")
}

/// Word-wraps `text` to `width` columns: the first line starts with `first`, the others with `rest`.
pub(super) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = vec![first.to_string()];
    breaks(text, width, first.width(), rest.width(), |piece| match piece {
        Piece::NewLine => lines.push(rest.to_string()),
        Piece::Space => lines.last_mut().into_iter().for_each(|l| l.push(' ')),
        Piece::Char(c) => lines.last_mut().into_iter().for_each(|l| l.push(c)),
    });
    lines
}

/// How many lines [`wrap`] makes, without making them (every idea's height is needed to page a card; only
/// the shown page's lines are made).
fn line_count(text: &str, width: usize, first_w: usize, rest_w: usize) -> usize {
    let mut count = 1;
    breaks_as::<false>(text, width, first_w, rest_w, |piece| count += usize::from(piece == Piece::NewLine));
    count
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece {
    NewLine,
    Space,
    Char(char),
}

/// The word-wrapping of [`wrap`] as a stream of pieces: words go whole onto a line when they fit, a word
/// longer than a line is cut where the line ends.
fn breaks(text: &str, width: usize, first_w: usize, rest_w: usize, emit: impl FnMut(Piece)) {
    breaks_as::<true>(text, width, first_w, rest_w, emit);
}

/// [`breaks`], with the characters of words that fit emitted only when `CHARS` (counting lines needs only
/// the breaks, and it runs for every idea a card pages through, on every frame).
fn breaks_as<const CHARS: bool>(text: &str, width: usize, first_w: usize, rest_w: usize, mut emit: impl FnMut(Piece)) {
    let (mut used, mut has_word) = (first_w, false);
    for word in text.split_whitespace() {
        // ASCII is one column a character: no width table for the usual title.
        let word_w = if word.is_ascii() { word.len() } else { word.width() };
        if has_word && used + 1 + word_w > width {
            emit(Piece::NewLine);
            (used, has_word) = (rest_w, false);
        }
        if has_word {
            emit(Piece::Space);
            used += 1;
        }
        if used + word_w <= width {
            if CHARS {
                word.chars().for_each(|c| emit(Piece::Char(c)));
            }
            used += word_w;
        } else {
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width && used > rest_w {
                    emit(Piece::NewLine);
                    used = rest_w;
                }
                emit(Piece::Char(c));
                used += w;
            }
        }
        has_word = true;
    }
}

/// Splits a table's ideas (their heights in lines) into pages of at most `height` lines; a page that is not
/// the only one keeps its last line for "+4 more". An idea taller than a page gets a page of its own (cut).
pub fn pages(heights: &[usize], height: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = heights.iter().sum();
    let room = if total <= height { height } else { height.saturating_sub(1).max(1) };
    let mut pages = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, &h) in heights.iter().enumerate() {
        if used > 0 && used + h > room {
            pages.push(start..i);
            (start, used) = (i, 0);
        }
        used += h;
    }
    if start < heights.len() || pages.is_empty() {
        pages.push(start..heights.len());
    }
    pages
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
    let (width, height) = (inner.width as usize, inner.height as usize);
    let fresh = lab.fresh_idea(ctx.state.now);
    // Only the newest ideas that fill the pages a cycle shows are wrapped (and those up to the selection):
    // a table of thousands of ideas costs a frame what a table of a few pages does.
    let mut heights: Vec<usize> = Vec::new();
    let mut filled = 0;
    for (row, &i) in ideas.iter().enumerate() {
        if filled > MAX_PAGES * height.max(1) && selected_row.is_none_or(|s| row > s + height) {
            break;
        }
        let lines = line_count(&inert(&lab.session.ideas[i].title), width, 2, 2);
        filled += lines;
        heights.push(lines);
    }
    let pages = pages(&heights, height);
    // The page on the wall: the selected idea's while selecting; else one after another, every
    // `PAGE_SECS`, from the page the coach last turned to.
    let page = match selected_row {
        Some(row) => pages.iter().position(|p| p.contains(&row)).unwrap_or(0),
        None => {
            let cycle = ctx.state.now.timestamp().div_euclid(PAGE_SECS) as usize;
            cycle.wrapping_add(lab.board_page) % pages.len().max(1)
        }
    };
    let shown = pages.get(page).cloned().unwrap_or(0..0);
    let mut y = inner.y;
    for row in shown.clone() {
        let idea = &lab.session.ideas[ideas[row]];
        let style = if selected_row == Some(row) {
            ctx.theme.selected
        } else if fresh == Some(idea.id) {
            ctx.theme.highlight
        } else {
            ctx.theme.text
        };
        for line in &idea_lines(idea, width) {
            if y >= inner.y + inner.height {
                break;
            }
            draw_line(frame.buffer_mut(), Rect { y, height: 1, ..inner }, line, style);
            y += 1;
        }
    }
    if pages.len() > 1 && inner.height > 0 {
        let more = ideas.len() - shown.len();
        let text = t!("board.more", count = more, page = page + 1, pages = pages.len(), locale = ctx.lang.code());
        let last = Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
        draw_line(frame.buffer_mut(), last, &fit(&text, width), ctx.theme.accent);
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

    #[test]
    fn titles_wrap_under_their_mark_and_long_words_are_cut() {
        assert_eq!(
            wrap("Layanan KTP keliling di kecamatan", 14, "• ", "  "),
            ["• Layanan KTP", "  keliling di", "  kecamatan"]
        );
        assert_eq!(wrap("Supercalifragilistic", 10, "• ", "  "), ["• Supercal", "  ifragili", "  stic"]);
        assert_eq!(wrap("", 10, "★ ", "  "), ["★ "]);
        assert_eq!(wrap("数字化 服务", 8, "• ", "  "), ["• 数字化", "  服务"]);
        for text in ["Layanan KTP keliling di kecamatan", "Supercalifragilistic", "", "数字化 服务 a bb ccc"] {
            for width in 3..30 {
                assert_eq!(line_count(text, width, 2, 2), wrap(text, width, "• ", "  ").len(), "{text:?} at {width}");
            }
        }
    }

    #[test]
    fn counted_lines_are_the_wrapped_lines() {
        let words = ["a", "layanan", "数字化", "sangat-panjang-sekali-tanpa-spasi-di-tengahnya", "★", "e\u{301}"];
        let mut seed = 7u64;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(seed % 9) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(words[(seed >> 33) as usize % words.len()]);
                text.push(if seed.is_multiple_of(5) { '\u{3000}' } else { ' ' });
            }
            let width = 3 + (seed >> 40) as usize % 30;
            assert_eq!(line_count(&text, width, 2, 2), wrap(&text, width, "• ", "  ").len(), "{text:?} at {width}");
        }
    }

    #[test]
    fn pages_hold_whole_ideas_and_keep_a_line_for_more() {
        assert_eq!(
            pages(&[1, 2, 1], 4),
            vec![std::ops::Range { start: 0, end: 3 }],
            "everything fits: one page, no line kept"
        );
        assert_eq!(pages(&[2, 2, 2], 5), [0..2, 2..3], "4 lines of ideas and the '+1 more' line");
        assert_eq!(pages(&[6, 1], 4), [0..1, 1..2], "an idea taller than a page has a page of its own");
        assert_eq!(pages(&[], 4), vec![std::ops::Range { start: 0, end: 0 }]);
    }
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
