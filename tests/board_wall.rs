//! The board on the wall shows whole ideas: with 6 tables of 9 ideas of about 45 characters, every title is
//! readable in full within one cycle of the board's pages, at 160x45 and at 80x24, and the grid is balanced.

#![allow(clippy::unwrap_used)]

use chrono::Duration;
use innolab::app::{Action, State, update};
use innolab::i18n::Lang;
use innolab::model::NewIdea;
use innolab::testing::{at, seed_session};
use innolab::ui::{self, board, theme::ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

const T0: &str = "2022-11-03T09:00:00+07:00";

fn titles() -> Vec<Vec<String>> {
    (1..=6).map(|t| (1..=9).map(|i| format!("Ide {t}.{i}: layanan perizinan daring untuk warga")).collect()).collect()
}

/// A session on the group-work block, 6 tables of 9 ideas each.
fn state() -> State {
    let mut session = seed_session(at(T0));
    for (t, ideas) in titles().iter().enumerate() {
        for title in ideas {
            let idea = NewIdea { group: format!("meja-{}", t + 1), title: title.clone(), ..Default::default() };
            session.add_idea(idea, at(T0)).unwrap();
        }
    }
    session.progress.block = "d2-curah-ide".into();
    State::with_session(Lang::Id, ThemeName::Projector, at(T0), "lab.json".into(), session)
}

/// The rows of a frame, one string of cell symbols each.
fn frame(state: &State, width: u16, height: u16) -> Vec<Vec<String>> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::view(state, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..height).map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect()).collect()
}

/// Every idea shown whole on a card in `rows`: a line starting with "• " and the indented lines under it, up
/// to the card's border, joined.
fn ideas_on(rows: &[Vec<String>]) -> Vec<String> {
    let mut found = Vec::new();
    for (y, row) in rows.iter().enumerate() {
        for x in 1..row.len() {
            if row[x - 1] != "│" || row[x] != "•" {
                continue;
            }
            let segment = |r: &Vec<String>| -> String {
                r[x..].iter().take_while(|c| c.as_str() != "│").cloned().collect::<String>()
            };
            let mut text = segment(row).chars().skip(2).collect::<String>().trim_end().to_string();
            for next in &rows[y + 1..] {
                let line = segment(next);
                if !line.starts_with("  ") || line.trim().is_empty() {
                    break;
                }
                text.push(' ');
                text.push_str(line.trim());
            }
            found.push(text);
        }
    }
    found
}

#[test]
fn every_title_is_readable_in_full_within_one_cycle() {
    for (width, height) in [(160, 45), (80, 24)] {
        let mut state = state();
        let mut seen = std::collections::HashSet::new();
        let mut more_shown = false;
        // One cycle: the pages turn every PAGE_SECS; 12 turns is more than any card here has pages.
        for turn in 0..12 {
            update(&mut state, Action::Tick(at(T0) + Duration::seconds(turn * board::PAGE_SECS)));
            let rows = frame(&state, width, height);
            more_shown |= rows.iter().any(|r| r.concat().contains("lagi ·"));
            seen.extend(ideas_on(&rows));
        }
        for title in titles().concat() {
            assert!(seen.contains(&title), "{width}x{height}: {title:?} never shown whole (saw {seen:?})");
        }
        // At 160x45 every idea fits at once; at 80x24 they page, and the cards say so.
        assert_eq!(more_shown, width == 80, "{width}x{height}: a card with more ideas than fit says so");
    }
}

#[test]
fn a_key_turns_the_page_at_once() {
    let mut state = state();
    let before = ideas_on(&frame(&state, 80, 24));
    update(&mut state, Action::NextBoardPage);
    let after = ideas_on(&frame(&state, 80, 24));
    assert_ne!(before, after, "n shows the next page without waiting");
}

#[test]
fn the_grid_is_balanced_for_any_number_of_tables() {
    let cases = [(120, 30, 6, (3, 2)), (80, 18, 6, (3, 2)), (160, 35, 12, (6, 2)), (120, 30, 2, (2, 1))];
    for (w, h, n, expected) in cases {
        assert_eq!(board::grid(n, Rect::new(0, 0, w, h)), Some(expected), "{n} tables at {w}x{h}");
    }
    // Six tables are never five and one, at any size where they fit side by side.
    for (w, h) in [(64, 14), (80, 18), (100, 25), (120, 30), (160, 35), (200, 50), (240, 55)] {
        let grid = board::grid(6, Rect::new(0, 0, w, h));
        assert!(matches!(grid, Some((1 | 2 | 3 | 6, _))), "6 tables at {w}x{h}: {grid:?}");
    }
}
