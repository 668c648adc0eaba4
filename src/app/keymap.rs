//! Keys are data: one table per mode maps key presses to actions. The footer hints and the `?` help are
//! generated from these tables, so they can never drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{Action, Mode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> KeyPress {
    KeyPress { code, mods: KeyModifiers::NONE }
}

const fn ch(c: char) -> KeyPress {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> KeyPress {
    KeyPress { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
}

const fn alt(code: KeyCode) -> KeyPress {
    KeyPress { code, mods: KeyModifiers::ALT }
}

/// One line of the keymap: the keys, what they do, the locale key of the help text, and whether the footer
/// shows it (and with which short locale key).
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [KeyPress],
    pub action: Action,
    pub help: &'static str,
    pub hint: Option<&'static str>,
}

const fn bind(keys: &'static [KeyPress], action: Action, help: &'static str, hint: Option<&'static str>) -> Binding {
    Binding { keys, action, help, hint }
}

/// Works in every mode.
pub static GLOBAL: &[Binding] = &[
    bind(&[ctrl('c')], Action::Quit, "help.key.force_quit", None),
    bind(&[ctrl('z')], Action::Suspend, "help.key.suspend", None),
    bind(&[ctrl('o')], Action::OpenConflict, "help.key.open_conflict", None),
    bind(&[key(KeyCode::F(2))], Action::ToggleWallControls, "help.key.wall_controls", None),
];

pub static START: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.select_prev", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.select_next", Some("hint.choose")),
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.open", Some("hint.open")),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", Some("hint.language")),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", Some("hint.help")),
    bind(&[ch('q')], Action::Quit, "help.key.quit", Some("hint.quit")),
];

pub static NEW_SESSION: &[Binding] = &[
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.create", Some("hint.create")),
    bind(&[key(KeyCode::Tab), key(KeyCode::Down)], Action::NextField, "help.key.next_field", Some("hint.field")),
    bind(&[key(KeyCode::BackTab), key(KeyCode::Up)], Action::PrevField, "help.key.prev_field", None),
    bind(&[key(KeyCode::Backspace)], Action::DeleteBack, "help.key.delete_back", None),
    bind(&[ctrl('u')], Action::ClearLine, "help.key.clear_line", None),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.key.cancel", Some("hint.cancel")),
];

const DIGITS: &[KeyPress] = &[ch('1'), ch('2'), ch('3'), ch('4'), ch('5'), ch('6'), ch('7'), ch('8'), ch('9')];

pub static AGENDA: &[Binding] = &[
    bind(
        &[key(KeyCode::Right), key(KeyCode::PageDown), ch(' ')],
        Action::NextBlock,
        "help.key.next_block",
        Some("hint.next"),
    ),
    bind(&[key(KeyCode::Left), key(KeyCode::PageUp)], Action::PrevBlock, "help.key.prev_block", Some("hint.prev")),
    bind(&[key(KeyCode::Home)], Action::FirstBlockOfDay, "help.key.first_block", None),
    bind(&[key(KeyCode::End)], Action::LastBlockOfDay, "help.key.last_block", None),
    bind(&[key(KeyCode::Down), key(KeyCode::Tab)], Action::NextTable, "help.key.next_table", None),
    bind(&[key(KeyCode::Up), key(KeyCode::BackTab)], Action::PrevTable, "help.key.prev_table", None),
    bind(&[ch('t')], Action::ToggleTimer, "help.key.timer", Some("hint.timer")),
    bind(&[ch('+'), ch('=')], Action::AddMinute, "help.key.add_minute", None),
    bind(&[ch('-')], Action::RemoveMinute, "help.key.remove_minute", None),
    bind(&[ch('r')], Action::ResetTimer, "help.key.reset_timer", None),
    bind(&[ch('a')], Action::OpenCapture, "help.key.capture", Some("hint.capture")),
    bind(DIGITS, Action::DigitKey(0), "help.key.capture_table", None),
    bind(&[key(KeyCode::Enter)], Action::OpenBoard, "help.key.board", Some("hint.board")),
    bind(&[ch('n')], Action::NextBoardPage, "help.key.board_page", None),
    bind(&[ch('V')], Action::ToggleAwardsList, "help.key.awards_list", None),
    bind(&[ch('v')], Action::OpenVote, "help.key.vote", None),
    bind(&[ch('s')], Action::OpenSpotlight, "help.key.spotlight_plenary", None),
    bind(&[ch('u')], Action::Undo, "help.key.undo", None),
    bind(&[ctrl('r')], Action::Redo, "help.key.redo", None),
    bind(&[ch('D')], Action::OpenTrash, "help.key.trash", None),
    bind(&[ch('T')], Action::OpenTally, "help.key.tally", None),
    bind(&[ch('A')], Action::OpenAwards, "help.key.awards", None),
    bind(&[ch('E')], Action::Export, "help.key.export", None),
    bind(&[ch('g')], Action::OpenSetup, "help.key.setup", None),
    bind(&[ch('w')], Action::ToggleRoom, "help.key.room", None),
    bind(&[ch('W')], Action::ToggleJoinCode, "help.key.join_code", None),
    bind(&[ch('M')], Action::OpenModeration, "help.key.moderation", None),
    bind(&[ch('o')], Action::OpenOverview, "help.key.overview", Some("hint.overview")),
    bind(&[ch('N')], Action::OpenNotes, "help.key.notes", None),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", None),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", Some("hint.help")),
    bind(&[ch('q')], Action::Quit, "help.key.quit", Some("hint.quit")),
];

/// The capture bar: unbound keys are typed into the title.
pub static CAPTURE: &[Binding] = &[
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.save_idea", Some("hint.save")),
    bind(
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        Action::NextTable,
        "help.key.capture_next_table",
        Some("hint.table"),
    ),
    bind(&[key(KeyCode::BackTab), key(KeyCode::Up)], Action::PrevTable, "help.key.capture_prev_table", None),
    bind(&[ctrl('e')], Action::OpenDetails, "help.key.details", Some("hint.details")),
    bind(&[ctrl('u')], Action::ClearLine, "help.key.clear_line", None),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.key.close_capture", Some("hint.close")),
];

pub static BOARD: &[Binding] = &[
    bind(&[key(KeyCode::Up)], Action::CursorUp, "help.key.idea_up", None),
    bind(&[key(KeyCode::Down)], Action::CursorDown, "help.key.idea_down", Some("hint.choose")),
    bind(&[key(KeyCode::Left), key(KeyCode::BackTab)], Action::CursorLeft, "help.key.table_left", None),
    bind(&[key(KeyCode::Right), key(KeyCode::Tab)], Action::CursorRight, "help.key.table_right", None),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "help.key.page_up", None),
    bind(&[key(KeyCode::PageDown)], Action::PageDown, "help.key.page_down", None),
    bind(&[ch('e')], Action::EditIdea, "help.key.edit", Some("hint.edit")),
    bind(&[ch('m')], Action::MoveIdea, "help.key.move", Some("hint.move")),
    bind(&[ch('f')], Action::ToggleFlagship, "help.key.flagship", Some("hint.flagship")),
    bind(&[ch('s')], Action::OpenSpotlight, "help.key.spotlight", Some("hint.spotlight")),
    bind(&[ch('v')], Action::OpenVote, "help.key.vote", None),
    bind(&[ch('x'), key(KeyCode::Delete)], Action::DeleteIdea, "help.key.delete", Some("hint.delete")),
    bind(&[ch('u')], Action::Undo, "help.key.undo", Some("hint.undo")),
    bind(&[ctrl('r')], Action::Redo, "help.key.redo", None),
    bind(&[ch('a')], Action::OpenCapture, "help.key.capture", None),
    bind(DIGITS, Action::DigitKey(0), "help.key.capture_table", None),
    bind(&[ch('D')], Action::OpenTrash, "help.key.trash", None),
    bind(&[ch('T')], Action::OpenTally, "help.key.tally", None),
    bind(&[ch('E')], Action::Export, "help.key.export", None),
    bind(&[ch('w')], Action::ToggleRoom, "help.key.room", None),
    bind(&[ch('W')], Action::ToggleJoinCode, "help.key.join_code", None),
    bind(&[ch('M')], Action::OpenModeration, "help.key.moderation", None),
    bind(&[key(KeyCode::Esc), key(KeyCode::Enter)], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", None),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", None),
    bind(&[ch('q')], Action::Quit, "help.key.quit", None),
];

/// A form: unbound keys go to the focused field.
pub static FORM: &[Binding] = &[
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.form_save", Some("hint.save")),
    bind(&[key(KeyCode::Tab), key(KeyCode::Down)], Action::NextField, "help.key.next_field", Some("hint.field")),
    bind(&[key(KeyCode::BackTab), key(KeyCode::Up)], Action::PrevField, "help.key.prev_field", None),
    bind(&[key(KeyCode::PageDown)], Action::PageDown, "help.key.next_suggestion", Some("hint.suggestion")),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "help.key.prev_suggestion", None),
    bind(&[ctrl('u')], Action::ClearLine, "help.key.clear_line", None),
    // Terminals send Ctrl-J as its own key; some take Alt-Enter for themselves (full screen).
    bind(&[alt(KeyCode::Enter), ctrl('j')], Action::NewLine, "help.key.new_line", None),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.key.cancel", Some("hint.cancel")),
];

pub static TRASH: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.select_prev", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.select_next", Some("hint.choose")),
    bind(&[key(KeyCode::Enter), ch('r')], Action::Restore, "help.key.restore", Some("hint.restore")),
    bind(&[ch('u')], Action::Undo, "help.key.undo", Some("hint.undo")),
    bind(&[ctrl('r')], Action::Redo, "help.key.redo", None),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", None),
    bind(&[ch('q')], Action::Quit, "help.key.quit", None),
];

pub static MODERATION: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.select_prev", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.select_next", Some("hint.choose")),
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.approve", Some("hint.approve")),
    bind(&[ch('e')], Action::ApproveEdited, "help.key.approve_edited", Some("hint.edit")),
    bind(&[ch('m')], Action::MergeSubmission, "help.key.merge", Some("hint.merge")),
    bind(&[ch('x'), key(KeyCode::Delete)], Action::RejectSubmission, "help.key.reject", Some("hint.reject")),
    bind(&[ch('a')], Action::ToggleAutoApprove, "help.key.auto_approve", Some("hint.auto")),
    bind(&[ch('v')], Action::ToggleDecided, "help.key.decided", None),
    bind(&[ch('W')], Action::ToggleJoinCode, "help.key.join_code", None),
    bind(&[key(KeyCode::Esc), ch('M')], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", None),
    bind(&[ch('q')], Action::Quit, "help.key.quit", None),
];

pub static MERGING: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.select_prev", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.select_next", Some("hint.choose")),
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.merge_here", Some("hint.merge")),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.key.merge_back", Some("hint.back_to_queue")),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", None),
    bind(&[ch('q')], Action::Quit, "help.key.quit", None),
];

pub static SETUP: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.select_prev", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.select_next", None),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "help.key.page_up", None),
    bind(&[key(KeyCode::PageDown)], Action::PageDown, "help.key.page_down", None),
    bind(&[ch('n')], Action::NewTable, "help.key.new_table", Some("hint.new_table")),
    bind(&[ch('a')], Action::AddMember, "help.key.add_member", Some("hint.add_member")),
    bind(&[key(KeyCode::Enter), ch('e')], Action::EditRow, "help.key.edit_row", Some("hint.edit")),
    bind(&[ch(' ')], Action::TogglePresent, "help.key.present", Some("hint.present")),
    bind(&[ch('x'), key(KeyCode::Delete)], Action::RemoveRow, "help.key.remove_row", Some("hint.remove")),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", None),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", None),
    bind(&[ch('q')], Action::Quit, "help.key.quit", None),
];

pub static TALLY: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.scroll_up", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.scroll_down", None),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "help.key.page_up", None),
    bind(&[key(KeyCode::PageDown), ch(' ')], Action::PageDown, "help.key.page_down", Some("hint.next_page")),
    bind(&[ch('A')], Action::OpenAwards, "help.key.awards", Some("hint.awards")),
    bind(&[ch('E')], Action::Export, "help.key.export", Some("hint.export")),
    bind(&[key(KeyCode::Esc), ch('T')], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", None),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", Some("hint.help")),
    bind(&[ch('q')], Action::Quit, "help.key.quit", Some("hint.quit")),
];

pub static AWARDS: &[Binding] = &[
    bind(
        &[key(KeyCode::Down), key(KeyCode::PageDown), key(KeyCode::Right), ch(' ')],
        Action::PageDown,
        "help.key.next_page",
        Some("hint.next_page"),
    ),
    bind(&[key(KeyCode::Up), key(KeyCode::PageUp), key(KeyCode::Left)], Action::PageUp, "help.key.prev_page", None),
    bind(&[ch('v')], Action::ToggleAwardsList, "help.key.awards_list", Some("hint.awards_list")),
    bind(&[ch('T')], Action::OpenTally, "help.key.tally", Some("hint.tally")),
    bind(&[ch('E')], Action::Export, "help.key.export", Some("hint.export")),
    bind(&[key(KeyCode::Esc), ch('A')], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", None),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", Some("hint.help")),
    bind(&[ch('q')], Action::Quit, "help.key.quit", Some("hint.quit")),
];

pub static CONFIRM_QUIT: &[Binding] = &[
    bind(&[ch('y')], Action::QuitAnyway, "help.key.quit_anyway", Some("hint.quit_anyway")),
    bind(&[ch('n'), key(KeyCode::Esc)], Action::Back, "help.key.stay", Some("hint.stay")),
];

pub static CONFLICT: &[Binding] = &[
    bind(&[ch('r')], Action::ReloadTheirs, "help.key.reload_theirs", Some("hint.reload_theirs")),
    bind(&[ch('n')], Action::SaveAsNew, "help.key.save_as_new", Some("hint.save_as_new")),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.key.later", Some("hint.later")),
];

pub static VOTE: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.select_prev", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.select_next", Some("hint.choose")),
    bind(&[ch('+'), ch('=')], Action::AddHand, "help.key.add_hand", Some("hint.hands")),
    bind(&[ch('-')], Action::RemoveHand, "help.key.remove_hand", None),
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.type_hands", None),
    bind(&[ch('r')], Action::ToggleReveal, "help.key.reveal", Some("hint.reveal")),
    bind(&[ch('c')], Action::CloseVote, "help.key.close_vote", Some("hint.close_vote")),
    bind(&[ch('F')], Action::WinnersToFlagships, "help.key.winners", Some("hint.winners")),
    bind(&[ch('w')], Action::ToggleRoom, "help.key.room", None),
    bind(&[ch('W')], Action::ToggleJoinCode, "help.key.join_code", None),
    bind(&[ch('M')], Action::OpenModeration, "help.key.moderation", None),
    bind(&[key(KeyCode::Esc), ch('v')], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", None),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", None),
    bind(&[ch('q')], Action::Quit, "help.key.quit", None),
];

pub static CONFIRM_CLOSE_VOTE: &[Binding] = &[
    bind(&[key(KeyCode::Enter), ch('y')], Action::Confirm, "help.key.close_vote_yes", Some("hint.close_vote_yes")),
    bind(&[key(KeyCode::Esc), ch('n')], Action::Back, "help.key.keep_open", Some("hint.keep_open")),
];

pub static CONFIRM_WINNERS: &[Binding] = &[
    bind(&[key(KeyCode::Enter), ch('y')], Action::Confirm, "help.key.move_stars", Some("hint.move_stars")),
    bind(&[key(KeyCode::Esc), ch('n')], Action::Back, "help.key.keep_star", Some("hint.keep_star")),
];

pub static CONFIRM_FLAGSHIP: &[Binding] = &[
    bind(&[key(KeyCode::Enter), ch('y')], Action::Confirm, "help.key.move_star", Some("hint.move_star")),
    bind(&[key(KeyCode::Esc), ch('n')], Action::Back, "help.key.keep_star", Some("hint.keep_star")),
];

pub static OVERVIEW: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.cursor_up", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.cursor_down", Some("hint.choose")),
    bind(&[key(KeyCode::Left), ch('h')], Action::CursorLeft, "help.key.prev_day", None),
    bind(&[key(KeyCode::Right), ch('l')], Action::CursorRight, "help.key.next_day", None),
    bind(&[key(KeyCode::Enter)], Action::Confirm, "help.key.jump", Some("hint.jump")),
    bind(&[ch('N')], Action::OpenNotes, "help.key.notes_overview", Some("hint.notes")),
    bind(&[key(KeyCode::Esc), ch('o')], Action::Back, "help.key.close", Some("hint.close")),
    bind(&[ch('?')], Action::OpenHelp, "help.key.help", Some("hint.help")),
    bind(&[ch('q')], Action::Quit, "help.key.quit", Some("hint.quit")),
];

pub static SPOTLIGHT: &[Binding] = &[
    bind(
        &[key(KeyCode::Right), key(KeyCode::Down), key(KeyCode::PageDown), ch(' ')],
        Action::CursorDown,
        "help.key.spotlight_next",
        Some("hint.next"),
    ),
    bind(
        &[key(KeyCode::Left), key(KeyCode::Up), key(KeyCode::PageUp)],
        Action::CursorUp,
        "help.key.spotlight_prev",
        None,
    ),
    bind(&[ch('l')], Action::ToggleLanguage, "help.key.language", None),
    bind(&[key(KeyCode::Esc), key(KeyCode::Enter), ch('s')], Action::Back, "help.key.close", Some("hint.close")),
];

pub static HELP: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::CursorUp, "help.key.scroll_up", None),
    bind(&[key(KeyCode::Down), ch('j')], Action::CursorDown, "help.key.scroll_down", None),
    bind(&[key(KeyCode::PageDown), ch(' ')], Action::PageDown, "help.key.page_down", Some("hint.next_page")),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "help.key.page_up", None),
    bind(
        &[key(KeyCode::Esc), ch('?'), ch('q'), key(KeyCode::Enter)],
        Action::Back,
        "help.key.close",
        Some("hint.close"),
    ),
];

/// How many lines the `?` help has: a heading, the bindings and a blank line per section (the modes of
/// [`HELP_MODES`], then the keys that work everywhere).
pub fn help_line_count() -> usize {
    HELP_MODES.iter().map(|&m| bindings(m).len() + 2).sum::<usize>() + GLOBAL.len() + 2
}

/// The rows of help a screen of `height` rows shows at once (its frame and margins taken off).
pub fn help_page_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(4)).max(1)
}

pub fn bindings(mode: Mode) -> &'static [Binding] {
    match mode {
        Mode::Start => START,
        Mode::NewSession => NEW_SESSION,
        Mode::Agenda => AGENDA,
        Mode::Overview => OVERVIEW,
        Mode::Help => HELP,
        Mode::Capture => CAPTURE,
        Mode::Form => FORM,
        Mode::Board => BOARD,
        Mode::Trash => TRASH,
        Mode::Setup => SETUP,
        Mode::ConfirmQuit => CONFIRM_QUIT,
        Mode::Conflict => CONFLICT,
        Mode::ConfirmFlagship => CONFIRM_FLAGSHIP,
        Mode::Spotlight => SPOTLIGHT,
        Mode::Tally => TALLY,
        Mode::Awards => AWARDS,
        Mode::Moderation => MODERATION,
        Mode::Merging => MERGING,
        Mode::Vote => VOTE,
        Mode::ConfirmCloseVote => CONFIRM_CLOSE_VOTE,
        Mode::ConfirmWinners => CONFIRM_WINNERS,
    }
}

/// Modes listed in the help overlay, in the order a coach meets them.
pub const HELP_MODES: [Mode; 14] = [
    Mode::Agenda,
    Mode::Capture,
    Mode::Board,
    Mode::Vote,
    Mode::Moderation,
    Mode::Merging,
    Mode::Spotlight,
    Mode::Form,
    Mode::Trash,
    Mode::Setup,
    Mode::Tally,
    Mode::Awards,
    Mode::Overview,
    Mode::Start,
];

fn matches(press: &KeyPress, event: &KeyEvent) -> bool {
    // Shift is part of the character for printable keys ('+', '?', 'A') and of BackTab (terminals send
    // Shift-Tab as BackTab with SHIFT set), so it is ignored there.
    let mods = match event.code {
        KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
        _ => event.modifiers,
    };
    press.code == event.code && press.mods == mods
}

/// The action a key press means in `mode`, if any. Typing modes turn unbound printable keys into text.
pub fn action_for(mode: Mode, event: KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let found = GLOBAL.iter().chain(bindings(mode)).find(|b| b.keys.iter().any(|k| matches(k, &event))).map(|b| {
        match (&b.action, event.code) {
            // One binding covers 1–9; the action carries the digit pressed.
            (Action::DigitKey(_), KeyCode::Char(c)) => Action::DigitKey(c.to_digit(10).unwrap_or(0) as u8),
            (action, _) => action.clone(),
        }
    });
    if found.is_some() {
        return found;
    }
    match (mode, event.code) {
        (Mode::NewSession, KeyCode::Char(c)) if !event.modifiers.contains(KeyModifiers::CONTROL) => {
            Some(Action::Input(c))
        }
        (Mode::Capture | Mode::Form, _) => Some(Action::Text(event.into())),
        _ => None,
    }
}

/// How a key is written in the footer and the help ("→", "PgDn", "Ctrl-C").
pub fn label(press: &KeyPress) -> String {
    let base = match press.code {
        KeyCode::Right => "→".to_string(),
        KeyCode::Left => "←".to_string(),
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::PageDown => "PgDn".to_string(),
        KeyCode::PageUp => "PgUp".to_string(),
        KeyCode::Home => "Home".to_string(),
        KeyCode::End => "End".to_string(),
        KeyCode::Enter => "Enter".to_string(),
        KeyCode::Esc => "Esc".to_string(),
        KeyCode::Tab => "Tab".to_string(),
        KeyCode::BackTab => "Shift-Tab".to_string(),
        KeyCode::Backspace => "Backspace".to_string(),
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    };
    if press.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{}", base.to_uppercase())
    } else if press.mods.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else {
        base
    }
}

/// All the keys of a binding, as shown in the help: "→ / PgDn / Space".
pub fn labels(binding: &Binding) -> String {
    binding.keys.iter().map(label).collect::<Vec<_>>().join(" / ")
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_clicker_drives_the_agenda() {
        for code in [KeyCode::PageDown, KeyCode::Right, KeyCode::Char(' ')] {
            assert_eq!(action_for(Mode::Agenda, press(code)), Some(Action::NextBlock));
        }
        for code in [KeyCode::PageUp, KeyCode::Left] {
            assert_eq!(action_for(Mode::Agenda, press(code)), Some(Action::PrevBlock));
        }
    }

    #[test]
    fn ctrl_c_quits_from_every_mode() {
        for mode in Mode::iter() {
            let event = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
            assert_eq!(action_for(mode, event), Some(Action::Quit), "{mode:?}");
        }
    }

    #[test]
    fn shift_tab_works_where_it_is_advertised() {
        // Terminals send Shift-Tab as BackTab with SHIFT set.
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action_for(Mode::Agenda, back_tab), Some(Action::PrevTable));
        assert_eq!(action_for(Mode::Capture, back_tab), Some(Action::PrevTable));
        assert_eq!(action_for(Mode::Board, back_tab), Some(Action::CursorLeft));
        assert_eq!(action_for(Mode::Form, back_tab), Some(Action::PrevField));
        assert_eq!(action_for(Mode::Form, press(KeyCode::BackTab)), Some(Action::PrevField));
    }

    #[test]
    fn shifted_characters_match() {
        let plus = KeyEvent::new(KeyCode::Char('+'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Mode::Agenda, plus), Some(Action::AddMinute));
    }

    #[test]
    fn digits_carry_their_value_and_text_modes_take_unbound_keys() {
        assert_eq!(action_for(Mode::Agenda, press(KeyCode::Char('3'))), Some(Action::DigitKey(3)));
        assert_eq!(action_for(Mode::Board, press(KeyCode::Char('9'))), Some(Action::DigitKey(9)));
        assert!(matches!(action_for(Mode::Capture, press(KeyCode::Char('q'))), Some(Action::Text(_))));
        assert!(matches!(action_for(Mode::Form, press(KeyCode::Left)), Some(Action::Text(_))));
        assert_eq!(action_for(Mode::Capture, press(KeyCode::Enter)), Some(Action::Confirm));
    }

    /// `l` switches the wall's language on every screen the room reads, and stays text where text is typed
    /// (and the overview's day key, vi-style).
    #[test]
    fn l_switches_the_language_wherever_the_room_reads() {
        let l = press(KeyCode::Char('l'));
        for mode in [Mode::Start, Mode::Agenda, Mode::Board, Mode::Setup, Mode::Tally, Mode::Awards, Mode::Spotlight] {
            assert_eq!(action_for(mode, l), Some(Action::ToggleLanguage), "{mode:?}");
        }
        assert_eq!(action_for(Mode::NewSession, l), Some(Action::Input('l')));
        assert!(matches!(action_for(Mode::Capture, l), Some(Action::Text(_))));
        assert_eq!(action_for(Mode::Overview, l), Some(Action::CursorRight));
    }

    #[test]
    fn typing_a_path_turns_keys_into_text() {
        assert_eq!(action_for(Mode::NewSession, press(KeyCode::Char('q'))), Some(Action::Input('q')));
        assert_eq!(action_for(Mode::NewSession, press(KeyCode::Esc)), Some(Action::Back));
        assert_eq!(action_for(Mode::NewSession, press(KeyCode::BackTab)), Some(Action::PrevField));
    }

    #[test]
    fn every_help_and_hint_text_exists_in_both_languages() {
        use crate::i18n::Lang;
        for mode in Mode::iter() {
            for binding in GLOBAL.iter().chain(bindings(mode)) {
                for key in std::iter::once(binding.help).chain(binding.hint) {
                    for lang in [Lang::Id, Lang::En] {
                        assert!(crate::help::lookup(key, lang).is_some(), "{key} missing in {}", lang.code());
                    }
                }
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        for mode in Mode::iter() {
            let all: Vec<KeyPress> = GLOBAL.iter().chain(bindings(mode)).flat_map(|b| b.keys.iter().copied()).collect();
            for (i, a) in all.iter().enumerate() {
                assert!(!all[i + 1..].contains(a), "{mode:?}: {a:?} bound twice");
            }
        }
    }
}
