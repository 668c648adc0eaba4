//! The TUI on loaded files: arbitrary bytes are read as a session file; when the loader accepts them, the
//! rest of the input drives the app (keys through the real keymap, resizes, ticks) and every frame is drawn.
//! Nothing that loads may panic the app, the session stays valid, and no cell holds a terminal control.
//! The input is split at its last 0xFF byte: the file before it, the events after it.
#![no_main]

use std::path::{Path, PathBuf};

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innolab::app::{Action, State, keymap, update};
use innolab::i18n::Lang;
use innolab::model::text::is_hazard;
use innolab::model::validate::session_problems;
use innolab::store;
use innolab::ui::{self, theme::ThemeName};
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CHARS: &[u8] = b"tarq+-=ETAfeudxlyn?jkhm 0123456789";

fn key(byte: u8) -> Option<KeyEvent> {
    let special = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::PageDown,
        KeyCode::PageUp,
        KeyCode::Home,
        KeyCode::End,
    ];
    let b = usize::from(byte);
    if b < CHARS.len() {
        return Some(KeyEvent::new(KeyCode::Char(char::from(CHARS[b])), KeyModifiers::NONE));
    }
    if let Some(code) = special.get(b - CHARS.len()) {
        return Some(KeyEvent::new(*code, KeyModifiers::NONE));
    }
    match byte {
        200 => Some(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        201 => Some(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL)),
        202 => Some(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL)),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().rposition(|&b| b == 0xFF).unwrap_or(data.len());
    let (file, events) = (&data[..split], data.get(split + 1..).unwrap_or_default());
    let Ok(session) = store::decode_session(Path::new("fuzz.json"), file) else { return };
    let now = session.updated_at;
    let mut state = State::with_session(Lang::Id, ThemeName::Projector, now, PathBuf::from("fuzz.json"), session);
    let mut size = (80u16, 24u16);
    update(&mut state, Action::Resize { width: size.0, height: size.1 });
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    for pair in events.chunks(2) {
        let (a, b) = (pair[0], pair.get(1).copied().unwrap_or(0));
        let action = match a {
            250 => {
                size = (u16::from(b) + 1, u16::from(b / 3) + 1);
                terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
                Some(Action::Resize { width: size.0, height: size.1 })
            }
            251 => Some(Action::Tick(state.now + Duration::seconds(i64::from(b) * 60))),
            _ => key(a).and_then(|k| keymap::action_for(state.mode(), k)),
        };
        if let Some(action) = action {
            update(&mut state, action);
        }
        let lab = state.lab.as_ref().expect("a session stays open");
        assert!(session_problems(&lab.session).is_empty(), "the session stays valid");
        let frame = terminal.draw(|frame| ui::view(&state, frame)).unwrap();
        assert!(frame.buffer.content().iter().all(|c| !c.symbol().chars().any(is_hazard)), "a control on screen");
    }
});
