//! What the coach screen and the running app say to each other over the local socket: one JSON object per
//! line. The app draws the coach's view and sends the cells that changed; the coach screen sends its keys.

use std::io::{self, BufRead};
use std::path::PathBuf;

use crossterm::event::KeyEvent;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use serde::{Deserialize, Serialize};

/// Bumped when a message changes: a coach screen of another version is refused with a clear line.
pub const PROTOCOL: u32 = 1;

/// The longest line either side reads (a whole frame of a 4K terminal is well under it).
pub const MAX_LINE: usize = 16 * 1024 * 1024;
/// The longest line the app reads from a coach screen: a key, a size, or a paste.
pub const MAX_INPUT_LINE: usize = 256 * 1024;

/// From the coach screen to the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToRunner {
    /// The first line: who is asking, for which session, at what size.
    Hello {
        protocol: u32,
        session: PathBuf,
        width: u16,
        height: u16,
    },
    Key(KeyEvent),
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
}

/// From the app to the coach screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToCoach {
    /// The answer to `Hello`: attached.
    Welcome,
    Refused(Refusal),
    /// The cells that changed since the last frame, or all of them.
    Frame(FrameCells),
    /// Another coach screen attached in its place.
    Replaced,
    /// The app closed the session (the coach quit it); `saved`: its last state is in the file (else the
    /// wall's terminal says where it went).
    Bye {
        saved: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The peer is another user.
    User,
    /// The app has another session open.
    Session,
    /// Another protocol version.
    Protocol,
}

/// One frame: its size, whether `cells` is all of it, and each cell as (x, y, symbol, fg, bg, modifiers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameCells {
    pub width: u16,
    pub height: u16,
    pub full: bool,
    pub cells: Vec<(u16, u16, String, u32, u32, u16)>,
}

impl FrameCells {
    /// The cells of `now` that differ from `before` (all of them without `before` or at another size).
    pub fn between(before: Option<&Buffer>, now: &Buffer) -> FrameCells {
        let (width, height) = (now.area.width, now.area.height);
        let cells = match before.filter(|b| b.area == now.area) {
            Some(before) => before.diff(now).into_iter().map(|(x, y, cell)| encode(x, y, cell)).collect(),
            None => now
                .content
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    let (x, y) = now.pos_of(i);
                    encode(x, y, cell)
                })
                .collect(),
        };
        FrameCells { width, height, full: before.is_none_or(|b| b.area != now.area), cells }
    }

    /// Applies the frame to `mirror`: a full frame replaces it; a partial one of another size is dropped
    /// (a full one follows every resize). A symbol with a control character is drawn as a space.
    pub fn apply(&self, mirror: &mut Buffer) {
        if self.full {
            *mirror = Buffer::empty(Rect::new(0, 0, self.width, self.height));
        } else if mirror.area != Rect::new(0, 0, self.width, self.height) {
            return;
        }
        for (x, y, symbol, fg, bg, modifier) in &self.cells {
            let Some(cell) = mirror.cell_mut((*x, *y)) else { continue };
            let safe = !symbol.is_empty() && !symbol.chars().any(char::is_control);
            cell.set_symbol(if safe { symbol } else { " " });
            cell.fg = decode_color(*fg);
            cell.bg = decode_color(*bg);
            cell.modifier = Modifier::from_bits_truncate(*modifier);
        }
    }
}

fn encode(x: u16, y: u16, cell: &Cell) -> (u16, u16, String, u32, u32, u16) {
    (x, y, cell.symbol().to_string(), encode_color(cell.fg), encode_color(cell.bg), cell.modifier.bits())
}

const NAMED: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// 0: the terminal's own; 1–16: the named colours; 0x100 + i: indexed; 0x1_000_000 + rgb.
fn encode_color(color: Color) -> u32 {
    match color {
        Color::Reset => 0,
        Color::Indexed(i) => 0x100 + u32::from(i),
        Color::Rgb(r, g, b) => 0x100_0000 | (u32::from(r) << 16) | (u32::from(g) << 8) | u32::from(b),
        named => NAMED.iter().position(|c| *c == named).map_or(0, |i| i as u32 + 1),
    }
}

fn decode_color(code: u32) -> Color {
    match code {
        1..=16 => NAMED[code as usize - 1],
        0x100..=0x1ff => Color::Indexed((code - 0x100) as u8),
        0x100_0000..=0x1ff_ffff => Color::Rgb((code >> 16) as u8, (code >> 8) as u8, code as u8),
        _ => Color::Reset,
    }
}

/// One message as its line.
pub fn line<T: Serialize>(message: &T) -> Vec<u8> {
    // Our own enums of strings and numbers always serialize.
    let mut bytes = serde_json::to_vec(message).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Reads the next message; `Ok(None)` at the end of the stream. A line longer than `max` or one that is not
/// a message is an error (the connection is then closed).
pub fn read<T: for<'de> Deserialize<'de>>(reader: &mut impl BufRead, max: usize) -> io::Result<Option<T>> {
    let mut bytes = Vec::new();
    let read = io::Read::take(&mut *reader, max as u64 + 1).read_until(b'\n', &mut bytes)?;
    if read == 0 {
        return Ok(None);
    }
    if bytes.last() != Some(&b'\n') {
        let why = if bytes.len() > max { "line too long" } else { "cut short" };
        return Err(io::Error::new(io::ErrorKind::InvalidData, why));
    }
    serde_json::from_slice(&bytes).map(Some).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    #[test]
    fn colors_round_trip() {
        let mut all = vec![Color::Reset, Color::Indexed(0), Color::Indexed(255), Color::Rgb(0, 110, 0)];
        all.extend(NAMED);
        for color in all {
            assert_eq!(decode_color(encode_color(color)), color, "{color:?}");
        }
    }

    #[test]
    fn a_frame_and_its_changes_rebuild_the_buffer() {
        let area = Rect::new(0, 0, 12, 3);
        let mut first = Buffer::empty(area);
        first.set_string(0, 0, "Sesi 1 · 数字", Style::new().fg(Color::LightYellow).bg(Color::Rgb(1, 2, 3)));
        let mut mirror = Buffer::empty(Rect::new(0, 0, 1, 1));
        let full = FrameCells::between(None, &first);
        assert!(full.full);
        full.apply(&mut mirror);
        assert_eq!(mirror, first);
        let mut second = first.clone();
        second.set_string(0, 2, "⏱ 41:59", Style::new().add_modifier(Modifier::BOLD));
        let changes = FrameCells::between(Some(&first), &second);
        assert!(!changes.full && changes.cells.len() == 7, "{changes:?}");
        // Through a line and back, as it travels.
        let text = line(&ToCoach::Frame(changes));
        let Some(ToCoach::Frame(changes)) = read(&mut &text[..], MAX_LINE).unwrap() else { panic!() };
        changes.apply(&mut mirror);
        assert_eq!(mirror, second);
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let frame = FrameCells {
            width: 3,
            height: 1,
            full: true,
            cells: vec![(0, 0, "\x1b[2J".into(), 0, 0, 0), (1, 0, "a".into(), 0, 0, 0), (9, 9, "b".into(), 0, 0, 0)],
        };
        let mut mirror = Buffer::empty(Rect::new(0, 0, 1, 1));
        frame.apply(&mut mirror);
        assert_eq!(mirror.cell((0, 0)).map(Cell::symbol), Some(" "));
        assert_eq!(mirror.cell((1, 0)).map(Cell::symbol), Some("a"));
    }

    #[test]
    fn long_or_broken_lines_are_errors() {
        let long = format!("\"{}\"\n", "x".repeat(100));
        assert!(read::<ToRunner>(&mut long.as_bytes(), 50).is_err());
        assert!(read::<ToRunner>(&mut &b"{\"key\":"[..], 50).is_err());
        assert!(read::<ToRunner>(&mut &b"{\"nope\":1}\n"[..], 50).is_err());
        assert_eq!(read::<ToRunner>(&mut &b""[..], 50).unwrap(), None);
        let hello = ToRunner::Resize { width: 80, height: 24 };
        assert_eq!(read::<ToRunner>(&mut &line(&hello)[..], 50).unwrap(), Some(hello));
    }
}
