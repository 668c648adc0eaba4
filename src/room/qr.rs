//! The join URL as a QR code drawn with text, for the projected terminal: two module rows to a text row,
//! with the half blocks `▀`, `▄`, `█` and the space.
//!
//! A scanner wants dark modules on a light ground, and a projected terminal is usually light text on a
//! dark background. So the art is drawn *inverted* in characters: a LIGHT module is ink (`█`, drawn in the
//! terminal's light foreground) and a DARK module is a space (the dark background shows through). On a
//! light-background terminal the code would show inverted; a UI that wants to choose its own colours draws
//! [`qr_matrix`] instead.

use qrcode::{Color, EcLevel, QrCode};

/// The light margin drawn around the symbol, in modules. The standard asks for 4; 2 keeps the code small
/// enough for the screen, and the decode test shows it is enough beside a dark terminal background.
pub const QUIET_ZONE: usize = 2;

/// A QR code drawn as text: each line is `width` characters of `▀`, `▄`, `█` or space (light modules as
/// ink, dark ones as space: see the module's documentation), quiet zone included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrArt {
    /// The text rows, top to bottom, each `width` characters (one terminal cell each).
    pub lines: Vec<String>,
    /// How many cells wide the art is: the symbol's modules plus the quiet zone on both sides.
    pub width: usize,
}

impl QrArt {
    /// How many text rows the art takes.
    #[must_use]
    pub fn height(&self) -> usize {
        self.lines.len()
    }
}

/// The modules of `url`'s QR code, row by row, `true` for dark; the symbol alone, without quiet zone.
/// Error correction level M (15% of the symbol may be lost), in the smallest version that holds the URL.
/// `None` when the URL is too long for any QR code.
#[must_use]
pub fn qr_matrix(url: &str) -> Option<Vec<Vec<bool>>> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let modules: Vec<bool> = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
    Some(modules.chunks(width).map(<[bool]>::to_vec).collect())
}

/// `url`'s QR code drawn with half blocks, two module rows a text row, with a [`QUIET_ZONE`] margin; light
/// modules as ink, dark ones as space. `None` when the URL is too long for any QR code.
#[must_use]
pub fn qr_lines(url: &str) -> Option<QrArt> {
    qr_matrix(url).map(|matrix| draw(&matrix))
}

/// The half-block art of a module matrix, quiet zone added.
fn draw(matrix: &[Vec<bool>]) -> QrArt {
    let side = matrix.len() + 2 * QUIET_ZONE;
    let lines = (0..side.div_ceil(2))
        .map(|row| {
            (0..side).map(|x| half_block(is_light(matrix, x, 2 * row), is_light(matrix, x, 2 * row + 1))).collect()
        })
        .collect();
    QrArt { lines, width: side }
}

/// Whether the module at `(x, y)` of the art (quiet zone included) is drawn as ink. Past the art's last
/// row (an odd number of rows leaves half a text row) nothing is drawn.
fn is_light(matrix: &[Vec<bool>], x: usize, y: usize) -> bool {
    let side = matrix.len() + 2 * QUIET_ZONE;
    if y >= side {
        return false;
    }
    let inside = |v: usize| v.checked_sub(QUIET_ZONE).filter(|&v| v < matrix.len());
    match (inside(x), inside(y)) {
        (Some(x), Some(y)) => !matrix[y][x],
        _ => true,
    }
}

/// The character for a text cell whose upper and lower halves are ink or not.
fn half_block(upper: bool, lower: bool) -> char {
    match (upper, lower) {
        (true, true) => '█',
        (true, false) => '▀',
        (false, true) => '▄',
        (false, false) => ' ',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A join URL as the room shows it: the venue address, the default port, a 26-character token.
    const SAMPLE_URL: &str = "http://192.168.1.23:8765/j/abcdefghijklmnopqrstuvwxyz";
    /// Pixels a module in the picture the decoder is given.
    const PIXELS_PER_MODULE: usize = 8;
    /// Dark modules drawn around the art: the terminal's background, as a phone's camera sees it.
    const BACKGROUND_MARGIN: usize = 6;

    /// The module grid the art shows, read back from its characters (`true` for dark), half rows included.
    fn read_back(art: &QrArt) -> Vec<Vec<bool>> {
        let mut grid = Vec::new();
        for line in &art.lines {
            assert_eq!(line.chars().count(), art.width);
            let (upper, lower): (Vec<bool>, Vec<bool>) = line
                .chars()
                .map(|c| match c {
                    '█' => (false, false),
                    '▀' => (false, true),
                    '▄' => (true, false),
                    ' ' => (true, true),
                    other => panic!("unexpected character {other:?}"),
                })
                .unzip();
            grid.push(upper);
            grid.push(lower);
        }
        grid
    }

    /// The art photographed: each module a square of pixels, on the terminal's dark background.
    fn decode(art: &QrArt) -> Vec<String> {
        let grid = read_back(art);
        let modules_wide = art.width + 2 * BACKGROUND_MARGIN;
        let modules_high = grid.len() + 2 * BACKGROUND_MARGIN;
        let dark = |x: usize, y: usize| {
            let inside = |v: usize, len: usize| v.checked_sub(BACKGROUND_MARGIN).filter(|&v| v < len);
            match (inside(x, art.width), inside(y, grid.len())) {
                (Some(x), Some(y)) => grid[y][x],
                _ => true,
            }
        };
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(
            modules_wide * PIXELS_PER_MODULE,
            modules_high * PIXELS_PER_MODULE,
            |x, y| if dark(x / PIXELS_PER_MODULE, y / PIXELS_PER_MODULE) { 0 } else { 255 },
        );
        image.detect_grids().into_iter().map(|grid| grid.decode().unwrap().1).collect()
    }

    #[test]
    fn the_art_decodes_back_to_the_url() {
        for url in [
            SAMPLE_URL,
            "http://10.0.0.2:8765/j/q5nsd3zatf6b2xrmwpkjy7ch4e",
            "http://172.16.200.201:65535/j/7777777777777777777777777a",
        ] {
            let art = qr_lines(url).unwrap();
            assert_eq!(decode(&art), vec![url.to_owned()], "{url}");
        }
    }

    #[test]
    fn the_sample_url_fits_a_80_by_24_terminal() {
        let art = qr_lines(SAMPLE_URL).unwrap();
        let matrix = qr_matrix(SAMPLE_URL).unwrap();
        // 53 bytes at level M: version 4, 33 modules a side, 37 with the quiet zone, 19 text rows.
        assert_eq!(matrix.len(), 33);
        assert_eq!((art.width, art.height()), (37, 19));
        assert!(art.width <= 80 && art.height() <= 24);
    }

    #[test]
    fn the_matrix_is_square_with_finder_patterns_in_three_corners() {
        let matrix = qr_matrix("http://192.168.1.23:8765/").unwrap();
        let side = matrix.len();
        assert!(matrix.iter().all(|row| row.len() == side));
        for (x, y) in [(0, 0), (side - 7, 0), (0, side - 7)] {
            assert!(
                (0..7).all(|i| matrix[y][x + i] && matrix[y + 6][x + i] && matrix[y + i][x] && matrix[y + i][x + 6])
            );
        }
        // The light separator around the top left finder pattern.
        assert!((0..8).all(|i| !matrix[7][i] && !matrix[i][7]));
    }

    #[test]
    fn the_quiet_zone_is_ink_and_dark_modules_are_spaces() {
        let art = qr_lines(SAMPLE_URL).unwrap();
        assert!(art.lines[0].chars().all(|c| c == '█'));
        // The second text row shows the symbol's first two module rows: the top left finder pattern's dark
        // top edge over its dark sides and light inside.
        let second: Vec<char> = art.lines[1].chars().collect();
        assert_eq!(second[..10].iter().collect::<String>(), "██ ▄▄▄▄▄ █");
        // 37 module rows: the last text row has ink only in its upper half.
        assert!(art.lines[18].chars().all(|c| c == '▀'));
    }

    #[test]
    fn a_url_too_long_for_any_qr_code_gives_none() {
        let url = format!("http://192.168.1.23:8765/{}", "x".repeat(3000));
        assert_eq!(qr_matrix(&url), None);
        assert_eq!(qr_lines(&url), None);
    }
}
