//! The countdown in digits the back of the room can read. Glyphs come from tui-big-text's 8x8 font; they
//! are drawn with half-block pixels scaled up to fill the space (from square pixels up to tui-big-text's
//! tall "full" proportions), falling back to its quadrant glyphs and finally plain text when space is short.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use tui_big_text::{BigText, PixelSize};
use unicode_width::UnicodeWidthStr;

pub struct BigClock<'a> {
    pub text: &'a str,
    pub style: Style,
    /// Largest horizontal pixel scale to use (1 = 8 columns per glyph).
    pub max_scale: u16,
}

impl BigClock<'_> {
    /// The size the clock would take in `area` (width, height), for centring it with other content.
    pub fn size_in(&self, area: Rect) -> (u16, u16) {
        let n = self.text.chars().count() as u16;
        match self.scale_for(area) {
            Some((kx, ky)) => (8 * n * kx, 4 * ky),
            None if 4 * n <= area.width && area.height >= 4 => (4 * n, 4),
            None => (self.text.width() as u16, 1),
        }
    }

    /// Columns and half-rows per font pixel: as wide as fits, and as tall as fits up to twice the width
    /// (a cell is about twice as tall as wide, so that is tui-big-text's "full" look).
    fn scale_for(&self, area: Rect) -> Option<(u16, u16)> {
        let n = self.text.chars().count() as u16;
        if n == 0 {
            return None;
        }
        let kx = (area.width / (8 * n)).min(self.max_scale);
        let ky = (area.height / 4).min(2 * kx);
        // Above one half-row per pixel, keep whole cells per pixel so the edges stay crisp.
        let ky = if ky > 1 { ky & !1 } else { ky };
        (kx >= 1 && ky >= 1).then_some((kx, ky))
    }
}

impl Widget for BigClock<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (w, h) = self.size_in(area);
        let target = Rect {
            x: area.x + area.width.saturating_sub(w) / 2,
            y: area.y + area.height.saturating_sub(h) / 2,
            width: w.min(area.width),
            height: h.min(area.height),
        };
        match self.scale_for(area) {
            Some((kx, ky)) => draw_scaled(self.text, self.style, kx, ky, target, buf),
            None if h == 4 => {
                BigText::builder()
                    .pixel_size(PixelSize::Quadrant)
                    .style(self.style)
                    .lines(vec![Line::from(self.text.to_string())])
                    .build()
                    .render(target, buf);
            }
            None => Paragraph::new(self.text).style(self.style).alignment(Alignment::Center).render(area, buf),
        }
    }
}

/// Draws `text` with each font pixel `kx` columns wide and `ky` half-rows tall.
fn draw_scaled(text: &str, style: Style, kx: u16, ky: u16, target: Rect, buf: &mut Buffer) {
    let n = text.chars().count() as u16;
    // Render the glyphs once at one cell per pixel to read their bitmaps.
    let glyph_area = Rect::new(0, 0, 8 * n, 8);
    let mut glyphs = Buffer::empty(glyph_area);
    BigText::builder()
        .pixel_size(PixelSize::Full)
        .lines(vec![Line::from(text.to_string())])
        .build()
        .render(glyph_area, &mut glyphs);
    let pixel = |px: u16, py: u16| -> bool {
        glyphs.cell((px, py)).is_some_and(|c| c.symbol() != " " && !c.symbol().is_empty())
    };
    for row in 0..target.height {
        for col in 0..target.width {
            let px = col / kx;
            // Each cell covers two half-rows: upper and lower.
            let top = pixel(px, (2 * row) / ky);
            let bottom = pixel(px, (2 * row + 1) / ky);
            let symbol = match (top, bottom) {
                (true, true) => "█",
                (true, false) => "▀",
                (false, true) => "▄",
                (false, false) => " ",
            };
            if let Some(cell) = buf.cell_mut((target.x + col, target.y + row)) {
                cell.set_symbol(symbol);
                cell.set_style(style);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, w: u16, h: u16) -> Buffer {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        BigClock { text, style: Style::new(), max_scale: 8 }.render(area, &mut buf);
        buf
    }

    fn ink(buf: &Buffer) -> usize {
        buf.content().iter().filter(|c| c.symbol() != " ").count()
    }

    #[test]
    fn scales_up_to_fill_the_space() {
        let small = BigClock { text: "12:34", style: Style::new(), max_scale: 8 };
        assert_eq!(small.size_in(Rect::new(0, 0, 80, 8)), (80, 8));
        assert_eq!(small.size_in(Rect::new(0, 0, 80, 16)), (80, 16));
        assert_eq!(small.size_in(Rect::new(0, 0, 79, 16)), (40, 8), "tall at most twice the width");
        assert_eq!(small.size_in(Rect::new(0, 0, 240, 40)), (240, 40));
        assert!(ink(&render("12:34", 80, 8)) > ink(&render("12:34", 40, 4)));
    }

    #[test]
    fn falls_back_to_quadrants_then_text() {
        let b = render("12:34", 30, 4);
        assert!(ink(&b) > 0);
        let b = render("12:34", 12, 2);
        let first_line: String = (0..12).map(|x| b[(x, 0)].symbol().to_string()).collect();
        assert!(first_line.contains("12:34"), "{first_line:?}");
    }

    #[test]
    fn never_panics_on_tiny_areas() {
        for (w, h) in [(0, 0), (1, 1), (3, 1), (1, 5), (7, 3)] {
            render("+02:13", w, h);
        }
    }
}
