//! Every user intent and every outside event is one `Action`; every side effect `update` asks for is an `Effect`.
//! Keys, clock ticks, signals and save results all arrive as actions, so `update` is the only place state changes.

use std::path::PathBuf;

use ratatui_textarea::Input;

use super::SaveFailure;
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
    // Capturing and editing ideas
    OpenCapture,
    /// 1–9: on the agenda, capture for that table; in the capture bar before typing, pick that table.
    DigitKey(u8),
    OpenDetails,
    OpenBoard,
    EditIdea,
    MoveIdea,
    ToggleFlagship,
    DeleteIdea,
    Undo,
    Redo,
    OpenTrash,
    Restore,
    // Forms and text
    NextField,
    PrevField,
    /// A key for the focused text input (the capture bar or a form field).
    Text(Input),
    Paste(String),
    /// `v` on the awards: the list (for checking) or one awardee at a time (for the ceremony).
    ToggleAwardsList,
    // Voting
    /// `v`: the open vote's screen, or the form that opens a vote.
    OpenVote,
    /// `+`/`-` on a vote: one hand more or less for the selected idea.
    AddHand,
    RemoveHand,
    /// `r` on a vote: show or hide its results on the wall.
    ToggleReveal,
    /// `c` on a vote: close it (asked first).
    CloseVote,
    /// `F` on a closed vote: its winners become their agencies' flagships.
    WinnersToFlagships,
    /// The board's next page of ideas, now (it also turns on its own).
    NextBoardPage,
    /// `s`: the selected idea (on the board) or the presenting table's first idea (plenary), alone, large.
    OpenSpotlight,
    /// Alt-Enter or Ctrl-J in a form: a line break in a multi-line field (an idea's detail, a block's notes).
    NewLine,
    /// `N` on the agenda or the overview: the coach's notes for the block (on the wall, or under the cursor).
    OpenNotes,
    /// Ctrl-U in a text field: the line is emptied (the field being edited, or the capture bar).
    ClearLine,
    // Tallies and reports
    OpenTally,
    OpenAwards,
    Export,
    // The roster
    OpenSetup,
    NewTable,
    AddMember,
    EditRow,
    RemoveRow,
    TogglePresent,
    // Room mode
    /// `w`: the phones' page on or off.
    ToggleRoom,
    /// `W`: the join code alone, large.
    ToggleJoinCode,
    /// A coach screen (`innolab attach`) connected; the wall keeps only the room's view.
    CoachAttached,
    /// The coach screen went away (closed, killed or replaced by none); the wall shows everything again.
    CoachDetached,
    /// F2: the wall shows the coach's forms, queues and notices too (or again not).
    ToggleWallControls,
    /// `M`: the queue of what the phones sent.
    OpenModeration,
    /// In the queue: the selected submission into the idea form, approved when saved.
    ApproveEdited,
    /// In the queue: choose the idea the selected submission repeats.
    MergeSubmission,
    /// In the queue: reject the selected submission (kept, never deleted).
    RejectSubmission,
    /// In the queue: the current block approves what the phones send by itself (or no longer does).
    ToggleAutoApprove,
    /// In the queue: the pending submissions, or those already decided.
    ToggleDecided,
    // The app
    OpenHelp,
    ToggleLanguage,
    Quit,
    // Events from outside
    Tick(Timestamp),
    ClockJumped {
        secs: i64,
    },
    Resize {
        width: u16,
        height: u16,
    },
    SessionOpened {
        path: PathBuf,
        session: Box<Session>,
    },
    OpenFailed(super::Failure),
    /// Ctrl-O: resolve a conflict with another program's version of the file.
    OpenConflict,
    /// In the conflict dialog: reload the other version and add this session's unsaved ideas to it.
    ReloadTheirs,
    /// In the conflict dialog: write this session to a new file and go on there.
    SaveAsNew,
    /// The other version, read from disk (or why it could not be).
    /// The file as another program left it; `journal_included`: it holds this session's journal (it was
    /// written by an innolab that read it, or there was none), so the journaled ideas are in it.
    Reloaded {
        result: Result<Box<Session>, super::Failure>,
        journal_included: bool,
    },
    /// This session now lives in a new file (or why it could not be written).
    SavedAsNew(Result<PathBuf, super::Failure>),
    /// The session just opened cannot be written (its folder is read-only): it is shown, nothing is saved
    /// to it, and what changes on screen goes to an emergency copy when the coach quits.
    OpenedReadOnly,
    /// A change reached the session's journal (see `store::journal`): on disk, not yet in the file.
    Journaled {
        generation: u64,
        result: Result<Timestamp, SaveFailure>,
    },
    SaveFinished {
        generation: u64,
        result: Result<Timestamp, SaveFailure>,
    },
    /// The last save failed while quitting: ask before leaving.
    QuitBlocked(SaveFailure),
    QuitAnyway,
    /// Another program had deleted the session file; the writer wrote it again.
    FileRecreated(PathBuf),
    /// The report files were written (their paths, and whether the certificates were left out), or why not.
    Exported(Result<crate::ops::ExportedAll, super::Failure>),
    Terminate,
    /// Ctrl-Z: give the terminal back to the shell until `fg`.
    Suspend,
    /// The room's server is listening: phones join at `url`; the coach's remote is at `coach_url` (shown on
    /// the coach's screen only, never on the wall).
    RoomStarted {
        url: String,
        coach_url: String,
    },
    /// The room's server could not start (the port is taken, no network), or stopped.
    RoomFailed {
        message: String,
    },
    /// Phones seen since the room was turned on.
    RoomPhones(usize),
    /// A phone sent an idea; `reply` names the phone's request, answered through `Effect::RoomReply`.
    RoomSubmit {
        new: crate::model::NewSubmission,
        reply: u64,
    },
    /// A phone takes back a submission of its own.
    /// A phone's ballot for the open vote; `reply` is answered once it is on disk.
    RoomBallot {
        cast: crate::model::CastBallot,
        reply: u64,
    },
    RoomWithdraw {
        id: u64,
        phone: String,
        reply: u64,
    },
    /// A button of the coach's remote (room mode); `reply` is answered once the change is on disk.
    Remote {
        command: crate::room::remote::RemoteCommand,
        reply: u64,
    },
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
    /// Create a session from the built-in plan or a plan file (with the title and first day the coach gave,
    /// else the plan's own), then open it.
    NewSession { plan: Option<PathBuf>, title: Option<String>, first_day: Option<chrono::NaiveDate> },
    /// Save what is unsaved, restore the terminal and exit. With `ask`, a failed last save asks the coach
    /// first; without (a signal), it writes the emergency copy and exits.
    Quit { ask: bool },
    /// Exit now: the coach has seen that the last save failed and where the emergency copy is.
    QuitNow(Option<SaveFailure>),
    /// Read the session file as another program left it (then `Action::Reloaded`).
    ReloadFromDisk,
    /// Write the session to a new file beside the old one, lock it, and save there from now on (then
    /// `Action::SavedAsNew`).
    SaveAsNew,
    /// Save, restore the terminal and stop the process until it is continued (`fg`), then draw again.
    Suspend,
    /// Write the report files (xlsx, md, csv, tally json) to the exports folder beside the session, in the
    /// language on the screen.
    Export { lang: crate::i18n::Lang },
    /// Start (or stop) serving the phones' page.
    Room { on: bool },
    /// A phone waits for this change: write it at once, without the pause that gathers a burst of keys
    /// (what arrives meanwhile goes in the same write).
    SaveNow,
    /// Answer a phone's request: at once, or (`after`) once that save generation is on disk.
    RoomReply { reply: u64, answer: super::room::RoomAnswer, after: Option<u64> },
}
