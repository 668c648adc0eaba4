//! The terminal as the app needs it: raw mode, the alternate screen, bracketed paste and no cursor, entered
//! at start and after a suspend, and given back as it was on every exit path, a panic included.

use std::io;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};

/// Raw mode, the alternate screen, bracketed paste and a hidden cursor, undone on drop and on panic.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // A room-mode worker that panics answers its phone with 500 and the app goes on: the wall keeps
            // its terminal, and nothing is printed over it.
            if std::thread::current().name().is_some_and(|name| name.starts_with("room-http")) {
                return;
            }
            restore_terminal();
            previous(info);
        }));
        let guard = TerminalGuard;
        enter_terminal()?;
        Ok(guard)
    }
}

/// Raw mode, the alternate screen, bracketed paste, no cursor: at start, and again after a suspend.
pub fn enter_terminal() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste, cursor::Hide)
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

pub fn restore_terminal() {
    let _ = execute!(io::stdout(), DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
}
