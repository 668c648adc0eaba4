//! Colours and emphasis. The default "projector" theme is bold white on black with saturated accents, so it
//! survives a washed-out projector; nothing the room must read is dim. Stages always carry a text label too.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Stage;

/// The theme's name is the app's state (the coach picks it); its colours are drawing's, here.
pub use crate::app::ThemeName;

/// The light theme's green: readable on white (6.5:1), and white reads on it.
const DARK_GREEN: Color = Color::Rgb(0, 110, 0);

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub base: Style,
    pub text: Style,
    pub title: Style,
    pub accent: Style,
    pub bar: Style,
    pub key: Style,
    pub border: Style,
    pub selected: Style,
    pub timer_running: Style,
    pub timer_paused: Style,
    pub overtime: Style,
    pub flash: Style,
    pub error: Style,
    pub ok: Style,
    pub highlight: Style,
    /// Letters over the filled part of a bar (the ideas gauge): the page's colour on the bar's.
    pub on_bar: Style,
}

impl Theme {
    pub fn get(name: ThemeName) -> Theme {
        let bold = Modifier::BOLD;
        match name {
            ThemeName::Projector => Theme {
                base: Style::new().fg(Color::White).bg(Color::Black),
                text: Style::new().fg(Color::White).add_modifier(bold),
                title: Style::new().fg(Color::White).add_modifier(bold),
                accent: Style::new().fg(Color::LightYellow).add_modifier(bold),
                bar: Style::new().fg(Color::Black).bg(Color::White).add_modifier(bold),
                key: Style::new().fg(Color::LightYellow).add_modifier(bold),
                border: Style::new().fg(Color::White),
                selected: Style::new().fg(Color::Black).bg(Color::LightYellow).add_modifier(bold),
                timer_running: Style::new().fg(Color::LightGreen).add_modifier(bold),
                timer_paused: Style::new().fg(Color::LightYellow).add_modifier(bold),
                overtime: Style::new().fg(Color::LightRed).add_modifier(bold),
                flash: Style::new().fg(Color::White).bg(Color::Red).add_modifier(bold),
                error: Style::new().fg(Color::White).bg(Color::Red).add_modifier(bold),
                ok: Style::new().fg(Color::LightGreen).add_modifier(bold),
                highlight: Style::new().fg(Color::Black).bg(Color::LightGreen).add_modifier(bold),
                on_bar: Style::new().fg(Color::Black).bg(Color::LightGreen).add_modifier(bold),
            },
            ThemeName::Dark => Theme {
                base: Style::new(),
                text: Style::new(),
                title: Style::new().add_modifier(bold),
                accent: Style::new().fg(Color::Yellow).add_modifier(bold),
                bar: Style::new().add_modifier(Modifier::REVERSED | bold),
                key: Style::new().fg(Color::Yellow).add_modifier(bold),
                border: Style::new(),
                selected: Style::new().add_modifier(Modifier::REVERSED | bold),
                timer_running: Style::new().fg(Color::Green).add_modifier(bold),
                timer_paused: Style::new().fg(Color::Yellow).add_modifier(bold),
                // Bright red: the terminal's plain red is too dark on black (3.6:1).
                overtime: Style::new().fg(Color::LightRed).add_modifier(bold),
                flash: Style::new().fg(Color::White).bg(Color::Red).add_modifier(bold),
                error: Style::new().fg(Color::White).bg(Color::Red).add_modifier(bold),
                ok: Style::new().fg(Color::Green).add_modifier(bold),
                highlight: Style::new().fg(Color::Black).bg(Color::Green).add_modifier(bold),
                on_bar: Style::new().fg(Color::Black).bg(Color::Green).add_modifier(bold),
            },
            ThemeName::Light => Theme {
                base: Style::new().fg(Color::Black).bg(Color::White),
                text: Style::new().fg(Color::Black),
                title: Style::new().fg(Color::Black).add_modifier(bold),
                accent: Style::new().fg(Color::Blue).add_modifier(bold),
                bar: Style::new().fg(Color::White).bg(Color::Black).add_modifier(bold),
                key: Style::new().fg(Color::Blue).add_modifier(bold),
                border: Style::new().fg(Color::Black),
                selected: Style::new().fg(Color::White).bg(Color::Blue).add_modifier(bold),
                timer_running: Style::new().fg(Color::Black).add_modifier(bold),
                timer_paused: Style::new().fg(Color::Blue).add_modifier(bold),
                overtime: Style::new().fg(Color::Red).add_modifier(bold),
                flash: Style::new().fg(Color::White).bg(Color::Red).add_modifier(bold),
                error: Style::new().fg(Color::White).bg(Color::Red).add_modifier(bold),
                // A dark green: the terminal's green on white is 2.2:1, this is 6.5:1.
                ok: Style::new().fg(DARK_GREEN).add_modifier(bold),
                highlight: Style::new().fg(Color::White).bg(DARK_GREEN).add_modifier(bold),
                on_bar: Style::new().fg(Color::White).bg(DARK_GREEN).add_modifier(bold),
            },
        }
    }

    /// The banner style of a stage: a saturated background with black bold text, the same in every theme.
    pub fn stage(&self, stage: Stage) -> Style {
        let bg = match stage {
            Stage::DrumUp => Color::LightMagenta,
            Stage::Diagnose => Color::LightCyan,
            Stage::Design => Color::LightGreen,
            Stage::Deliver => Color::LightYellow,
            // Lighter than the terminal's light blue (black on #5c5cff is 4.4:1; on this, 6.9:1).
            Stage::Display => Color::Rgb(0x87, 0x87, 0xff),
            Stage::None => Color::White,
        };
        Style::new().fg(Color::Black).bg(bg).add_modifier(Modifier::BOLD)
    }
}
