//! `update`: one match over actions, each arm a short call to a named verb. The only code that changes state.

use chrono::Duration;
use rust_i18n::t;

use super::{Action, Effect, Lab, Mode, Notice, Overlay, Screen, State};
use crate::model::text::shown;

/// How long a status-bar notice stays.
const NOTICE_SECS: i64 = 8;

/// Applies `action` to the state and returns what the runtime is to do. What the wall shows is then recorded
/// in the session (saved like any change), so a restart comes back to it.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(lab) = state.lab.as_mut() {
        lab.unsaved.begin();
    }
    let mut effects = dispatch(state, action);
    if state.keep_wall() && !effects.contains(&Effect::Save) {
        effects.push(Effect::Save);
    }
    state.sync_derived();
    effects
}

fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::NextBlock => state.clicker(1),
        Action::PrevBlock => state.clicker(-1),
        Action::ToggleAwardsList => state.toggle_awards_list(),
        Action::OpenVote => state.open_vote(),
        Action::AddHand => state.count_hand(1),
        Action::RemoveHand => state.count_hand(-1),
        Action::ToggleReveal => state.toggle_reveal(),
        Action::CloseVote => state.ask_close_vote(),
        Action::WinnersToFlagships => state.winners_to_flagships(),
        Action::FirstBlockOfDay => state.edge_of_day(false),
        Action::LastBlockOfDay => state.edge_of_day(true),
        Action::NextTable => state.step_table(1),
        Action::PrevTable => state.step_table(-1),
        Action::OpenOverview => state.open_overview(),
        Action::ToggleTimer => state.toggle_timer(),
        Action::AddMinute => state.adjust_timer(60),
        Action::RemoveMinute => state.adjust_timer(-60),
        Action::ResetTimer => state.reset_timer(),
        Action::CursorUp => state.cursor(0, -1),
        Action::CursorDown => state.cursor(0, 1),
        Action::CursorLeft => state.cursor(-1, 0),
        Action::CursorRight => state.cursor(1, 0),
        Action::PageUp => state.page(-1),
        Action::PageDown => state.page(1),
        Action::Confirm => state.confirm(),
        Action::Back => state.back(),
        Action::Input(c) => state.type_char(c),
        Action::DeleteBack => state.delete_back(),
        Action::OpenCapture => state.open_capture(None),
        Action::DigitKey(d) => state.digit(d),
        Action::OpenDetails => state.open_details(),
        Action::OpenBoard => state.open_board(),
        Action::EditIdea => state.edit_selected(),
        Action::MoveIdea => state.move_selected(),
        Action::ToggleFlagship => state.toggle_flagship(),
        Action::DeleteIdea => state.delete_selected(),
        Action::Undo => state.undo(),
        Action::Redo => state.redo(),
        Action::OpenTrash => state.open_trash(),
        Action::Restore => state.restore_selected(),
        Action::NextField if state.mode() == Mode::NewSession => state.new_session_field(1),
        Action::PrevField if state.mode() == Mode::NewSession => state.new_session_field(-1),
        Action::NextField => state.step_field(1),
        Action::PrevField => state.step_field(-1),
        Action::Text(input) => state.text(input),
        Action::Paste(text) => state.paste(&text),
        Action::ClearLine => state.clear_line(),
        Action::NewLine => state.new_line(),
        Action::OpenNotes => state.open_notes(),
        Action::OpenSpotlight => state.open_spotlight(),
        Action::NextBoardPage => {
            if let Some(lab) = state.lab.as_mut() {
                lab.board_page = lab.board_page.wrapping_add(1);
            }
            vec![]
        }
        Action::OpenTally => state.open_report(Screen::Tally { scroll: 0 }),
        Action::OpenAwards => state.open_report(Screen::Awards),
        Action::Export => vec![Effect::Export { lang: state.lang }],
        Action::OpenSetup => state.open_setup(),
        Action::NewTable => state.new_table(),
        Action::AddMember => state.add_member(),
        Action::EditRow => state.edit_row(),
        Action::RemoveRow => state.remove_row(),
        Action::TogglePresent => state.toggle_present(),
        Action::ToggleRoom => state.toggle_room(),
        Action::ToggleJoinCode => state.toggle_big_code(),
        Action::CoachAttached => state.coach_attached(),
        Action::CoachDetached => state.coach_detached(),
        Action::ToggleWallControls => state.toggle_wall_controls(),
        Action::OpenModeration => state.open_moderation(),
        Action::ApproveEdited => state.moderation_edit(),
        Action::MergeSubmission => state.moderation_start_merge(),
        Action::RejectSubmission => state.moderation_reject(),
        Action::ToggleAutoApprove => state.toggle_auto_approve(),
        Action::ToggleDecided => state.toggle_decided(),
        Action::RoomStarted { url, coach_url } => state.room_started(url, coach_url),
        Action::RoomFailed { message } => state.room_failed(message),
        Action::RoomPhones(n) => {
            state.room.phones = n;
            vec![]
        }
        Action::RoomSubmit { new, reply } => state.room_submit(new, reply),
        Action::RoomWithdraw { id, phone, reply } => state.room_withdraw(id, &phone, reply),
        Action::RoomBallot { cast, reply } => state.room_ballot(cast, reply),
        Action::Remote { command, reply } => state.remote(command, reply),
        Action::OpenHelp => state.open_help(),
        Action::ToggleLanguage => state.toggle_language(),
        Action::Quit => vec![Effect::Quit { ask: true }],
        Action::Terminate => vec![Effect::Quit { ask: false }],
        Action::Suspend => vec![Effect::Suspend],
        Action::QuitBlocked(failure) => state.block_quit(failure),
        Action::QuitAnyway => vec![Effect::QuitNow(state.take_quit_blocked())],
        Action::OpenConflict => state.open_conflict(),
        Action::ReloadTheirs => state.answer_conflict(Effect::ReloadFromDisk),
        Action::SaveAsNew => state.answer_conflict(Effect::SaveAsNew),
        Action::Reloaded { result, journal_included } => state.reloaded(result, journal_included),
        Action::SavedAsNew(result) => state.saved_as_new(result),
        Action::Exported(result) => state.exported(result),
        Action::FileRecreated(path) => {
            let text = t!("notice.recreated", path = shown(&path), locale = state.lang.code()).into_owned();
            state.notify(text, false)
        }
        Action::Tick(now) => state.tick(now),
        Action::ClockJumped { secs } => state.clock_jumped(secs),
        Action::Resize { width, height } => {
            state.size = (width, height);
            vec![]
        }
        Action::SessionOpened { path, session } => state.session_opened(path, *session),
        Action::OpenedReadOnly => {
            state.save.read_only = true;
            let text = t!("readonly.notice", locale = state.lang.code()).into_owned();
            state.notify(text, true)
        }
        Action::OpenFailed(failure) => state.notify(failure.message(state.lang), true),
        Action::SaveFinished { generation, result } => state.save_finished(generation, result),
        Action::Journaled { generation, result } => state.journaled(generation, result),
    }
}

impl State {
    fn lab_mut(&mut self) -> Option<&mut Lab> {
        self.lab.as_mut()
    }

    /// Records that the session changed, so the runtime writes it.
    pub(super) fn changed(&mut self) -> Vec<Effect> {
        self.save.generation += 1;
        self.save.content += 1;
        if let Some(lab) = self.lab.as_mut() {
            lab.unsaved.commit(self.save.generation);
            lab.session.updated_at = self.now.with_timezone(&lab.offset());
            // New ideas are appended with the highest id: the last one is the newest.
            let newest = lab.session.ideas.last().map_or(0, |i| i.id);
            if newest > self.save.id_marks.last().map_or(self.save.saved_max_id, |m| m.1) {
                self.save.id_marks.push((self.save.generation, newest));
            }
        }
        vec![Effect::Save]
    }

    pub(super) fn notify(&mut self, text: String, is_error: bool) -> Vec<Effect> {
        let until = self.now + Duration::seconds(NOTICE_SECS);
        self.notice = Some(Notice { text, is_error, until, offers_undo: false });
        vec![]
    }

    /// Says where the report files went, or why they could not be written.
    fn exported(&mut self, result: Result<crate::ops::ExportedAll, super::Failure>) -> Vec<Effect> {
        let lang = self.lang.code();
        match result {
            Ok(crate::ops::ExportedAll { files: paths, no_certificates }) => {
                let dir = paths.first().and_then(|p| p.parent()).map(shown).unwrap_or_default();
                let names: Vec<String> = paths
                    .iter()
                    .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
                    .collect();
                let dir = if dir.is_empty() { ".".to_string() } else { dir };
                let mut text = t!("notice.exported", dir = dir, files = names.join(", "), locale = lang).into_owned();
                if no_certificates {
                    text = format!("{text}; {}", t!("notice.no_certificates", locale = lang));
                }
                self.notify(text, false)
            }
            Err(failure) => {
                let error = failure.message(self.lang);
                self.notify(t!("notice.export_failed", error = error, locale = lang).into_owned(), true)
            }
        }
    }

    /// The keys that move a cursor, for whatever is on top.
    fn cursor(&mut self, dx: isize, dy: isize) -> Vec<Effect> {
        match self.layers.mode() {
            Mode::Start => self.start_cursor(dy),
            Mode::Overview => self.overview_cursor(dx, dy),
            Mode::Help => {
                // Never past the last page, so PgUp always comes straight back.
                let rows = super::keymap::help_page_rows(self.size.1);
                let last = super::keymap::help_line_count().saturating_sub(rows);
                if let Some(Overlay::Help { scroll }) = self.layers.top_mut() {
                    let next = usize::from(*scroll).saturating_add_signed(dy).min(last);
                    *scroll = u16::try_from(next).unwrap_or(u16::MAX);
                }
                vec![]
            }
            Mode::Board => {
                self.move_selection(dx, dy);
                vec![]
            }
            Mode::Trash => self.trash_cursor(dy),
            Mode::Setup => self.setup_cursor(dy),
            Mode::Tally => self.tally_scroll(dy),
            Mode::Awards => self.turn_awards_page(dy.signum()),
            Mode::Spotlight => self.spotlight_step(dx + dy),
            Mode::Moderation | Mode::Merging => self.moderation_cursor(dy),
            Mode::Vote => self.vote_cursor(dy),
            Mode::Agenda
            | Mode::ConfirmCloseVote
            | Mode::ConfirmWinners
            | Mode::NewSession
            | Mode::Capture
            | Mode::Form
            | Mode::ConfirmQuit
            | Mode::Conflict
            | Mode::ConfirmFlagship => vec![],
        }
    }

    /// PgUp/PgDn: a page in lists; in a form's text field, the previous or next suggestion.
    fn page(&mut self, direction: isize) -> Vec<Effect> {
        match self.layers.mode() {
            Mode::Form => self.cycle_suggestion(direction),
            Mode::Awards => self.turn_awards_page(direction),
            Mode::Help => {
                let rows = super::keymap::help_page_rows(self.size.1) as isize;
                self.cursor(0, rows.saturating_sub(1).max(1) * direction)
            }
            _ => self.cursor(0, 10 * direction),
        }
    }

    /// Enter, for whatever is on top.
    fn confirm(&mut self) -> Vec<Effect> {
        match self.layers.mode() {
            Mode::Start => self.start_confirm(),
            Mode::NewSession => self.new_session_confirm(),
            Mode::Overview => self.overview_confirm(),
            Mode::Help => self.back(),
            Mode::Capture => self.capture_confirm(),
            Mode::Form => self.form_confirm(),
            Mode::Trash => self.restore_selected(),
            Mode::ConfirmFlagship => self.confirm_flagship_move(),
            Mode::Moderation | Mode::Merging => self.moderation_confirm(),
            Mode::ConfirmCloseVote => self.close_vote(),
            Mode::ConfirmWinners => self.confirm_winners(),
            Mode::Vote => self.open_hands_form(),
            Mode::Agenda
            | Mode::Board
            | Mode::Setup
            | Mode::ConfirmQuit
            | Mode::Conflict
            | Mode::Tally
            | Mode::Awards
            | Mode::Spotlight => vec![],
        }
    }

    /// Esc: the top overlay closes (a form drops its fields, the star question keeps the star); with none,
    /// a screen goes back to the agenda.
    fn back(&mut self) -> Vec<Effect> {
        if self.moderation_back() {
            return vec![];
        }
        match self.layers.pop() {
            Some(Overlay::Form) => {
                if let Some(lab) = self.lab.as_mut() {
                    lab.form = None;
                }
            }
            // Any other overlay (the star question included: the star stays) just closes.
            Some(_) => {}
            None => match self.layers.screen {
                Screen::Start | Screen::Agenda => {}
                _ => self.layers.show(Screen::Agenda),
            },
        }
        vec![]
    }

    fn open_help(&mut self) -> Vec<Effect> {
        if self.layers.mode() != Mode::Help {
            self.layers.push(Overlay::Help { scroll: 0 });
        }
        vec![]
    }

    fn toggle_language(&mut self) -> Vec<Effect> {
        self.lang = self.lang.toggled();
        vec![]
    }

    /// A new second: advances the clock, expires notices, and rings once when the wall's timer reaches zero.
    fn tick(&mut self, now: chrono::DateTime<chrono::FixedOffset>) -> Vec<Effect> {
        let before = self.now;
        self.now = now;
        if self.notice.as_ref().is_some_and(|n| now >= n.until) {
            self.notice = None;
        }
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let timer = lab.timer_for_current();
        if timer.running && timer.remaining_at(before) > 0 && timer.remaining_at(now) <= 0 {
            self.time_up_at = timer.deadline;
            return vec![Effect::Bell];
        }
        vec![]
    }

    /// The wall clock was changed (by the user, NTP or a suspend): every running timer keeps its remaining time.
    fn clock_jumped(&mut self, secs: i64) -> Vec<Effect> {
        // Everything measured against the wall clock moves with it.
        self.now += Duration::seconds(secs);
        self.time_up_at = self.time_up_at.map(|t| t + Duration::seconds(secs));
        let Some(lab) = self.lab_mut() else { return vec![] };
        let mut effects = vec![];
        let mut moved = false;
        for timer in lab.session.progress.timers.iter_mut().filter(|t| t.running) {
            timer.deadline = timer.deadline.map(|d| d + Duration::seconds(secs));
            moved = true;
        }
        if moved {
            lab.unsaved.room_only();
            effects = self.changed();
        }
        let minutes = (secs as f64 / 60.0).round() as i64;
        let text = t!("notice.clock_jumped", minutes = format!("{minutes:+}"), locale = self.lang.code()).into_owned();
        self.notify(text, false);
        effects
    }

    fn session_opened(&mut self, path: std::path::PathBuf, session: crate::model::Session) -> Vec<Effect> {
        self.lab = Some(Lab::new(path, session));
        self.layers.show(Screen::Agenda);
        self.restore_wall();
        self.save = super::SaveStatus::default();
        self.save.saved_max_id =
            self.lab.as_ref().and_then(|l| l.session.ideas.iter().map(|i| i.id).max()).unwrap_or(0);
        self.time_up_at = None;
        self.notice = None;
        vec![]
    }

    fn save_finished(
        &mut self,
        generation: u64,
        result: Result<chrono::DateTime<chrono::FixedOffset>, super::SaveFailure>,
    ) -> Vec<Effect> {
        match result {
            Ok(at) => {
                if let Some(failure) = self.save.error.take() {
                    let text = match failure.emergency.is_empty() {
                        false => t!("notice.saved_again_copy", copy = failure.copies_text(), locale = self.lang.code()),
                        true => t!("notice.saved_again", locale = self.lang.code()),
                    };
                    self.notify(text.into_owned(), false);
                }
                self.save.saved_generation = self.save.saved_generation.max(generation);
                self.save.last_saved_at = Some(at);
                let saved = self.save.id_marks.iter().take_while(|m| m.0 <= generation).map(|m| m.1).max();
                if let Some(id) = saved {
                    self.save.saved_max_id = self.save.saved_max_id.max(id);
                }
                self.save.id_marks.retain(|m| m.0 > generation);
                if let Some(lab) = self.lab.as_mut() {
                    lab.unsaved.saved(generation);
                }
            }
            Err(failure) => self.save.error = Some(failure),
        }
        vec![]
    }

    /// A change reached the session's journal: on disk, as `SaveFinished`, but not yet in the file itself, so
    /// its ideas still count as unsaved ones for a merge with another program's version of the file.
    fn journaled(
        &mut self,
        generation: u64,
        result: Result<chrono::DateTime<chrono::FixedOffset>, super::SaveFailure>,
    ) -> Vec<Effect> {
        if result.is_ok()
            && let Some(id) = self.save.id_marks.iter().take_while(|m| m.0 <= generation).map(|m| m.1).max()
        {
            self.save.journaled_max_id = self.save.journaled_max_id.max(id);
        }
        let marks = std::mem::take(&mut self.save.id_marks);
        let (saved_max_id, effects) = (self.save.saved_max_id, self.save_finished(generation, result));
        self.save.id_marks = marks;
        self.save.saved_max_id = saved_max_id;
        effects
    }
}
