//! Every user intent and every outside event is one `Action`; every side effect `update` asks for is an `Effect`.
//! Keys, clock ticks, signals and save results all arrive as actions, so `update` is the only place state changes.

use std::path::PathBuf;

use crate::model::{Session, Timestamp};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // The agenda
    NextBlock,
    PrevBlock,
    FirstBlockOfDay,
    LastBlockOfDay,
    NextTable,
    PrevTable,
    OpenOverview,
    // The timer
    ToggleTimer,
    AddMinute,
    RemoveMinute,
    ResetTimer,
    // Lists and overlays (start screen, overview, help): meaning follows the mode
    CursorUp,
    CursorDown,
    CursorLeft,
    CursorRight,
    PageUp,
    PageDown,
    Confirm,
    Back,
    // Typing a path on the start screen
    Input(char),
    DeleteBack,
    // The app
    OpenHelp,
    ToggleLanguage,
    Quit,
    // Events from outside
    Tick(Timestamp),
    ClockJumped { secs: i64 },
    Resize { width: u16, height: u16 },
    SessionOpened { path: PathBuf, session: Box<Session> },
    OpenFailed(String),
    SaveFinished { generation: u64, result: Result<Timestamp, String> },
    Terminate,
}

/// What `update` asks the runtime to do; the runtime feeds results back as actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The session changed: write it (debounced, off the input path).
    Save,
    /// Ring the terminal bell once.
    Bell,
    /// Lock and load this session file.
    Open(PathBuf),
    /// Create a session from the built-in plan or a plan file, then open it.
    NewSession { plan: Option<PathBuf> },
    /// Save what is unsaved, restore the terminal and exit.
    Quit,
}
