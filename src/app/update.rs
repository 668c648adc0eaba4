//! `update`: one match over actions, each arm a short call to a named verb. The only code that changes state.

use chrono::Duration;
use rust_i18n::t;

use super::{Action, Effect, Lab, Mode, Notice, START_NEW_ROWS, State};
use crate::model::Timer;

/// How long a status-bar notice stays.
const NOTICE_SECS: i64 = 8;

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::NextBlock => state.step_block(1),
        Action::PrevBlock => state.step_block(-1),
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
        Action::PageUp => state.cursor(0, -10),
        Action::PageDown => state.cursor(0, 10),
        Action::Confirm => state.confirm(),
        Action::Back => state.back(),
        Action::Input(c) => state.type_char(c),
        Action::DeleteBack => state.delete_back(),
        Action::OpenHelp => state.open_help(),
        Action::ToggleLanguage => state.toggle_language(),
        Action::Quit | Action::Terminate => vec![Effect::Quit],
        Action::Tick(now) => state.tick(now),
        Action::ClockJumped { secs } => state.clock_jumped(secs),
        Action::Resize { width, height } => {
            state.size = (width, height);
            vec![]
        }
        Action::SessionOpened { path, session } => state.session_opened(path, *session),
        Action::OpenFailed(message) => state.notify(message, true),
        Action::SaveFinished { generation, result } => state.save_finished(generation, result),
    }
}

impl State {
    fn lab_mut(&mut self) -> Option<&mut Lab> {
        self.lab.as_mut()
    }

    /// Records that the session changed, so the runtime writes it.
    fn changed(&mut self) -> Vec<Effect> {
        self.save.generation += 1;
        if let Some(lab) = self.lab.as_mut() {
            lab.session.updated_at = self.now.with_timezone(&lab.offset());
        }
        vec![Effect::Save]
    }

    fn notify(&mut self, text: String, is_error: bool) -> Vec<Effect> {
        self.notice = Some(Notice { text, is_error, until: self.now + Duration::seconds(NOTICE_SECS) });
        vec![]
    }

    /// Moves the wall to another block; the timer stays with the block it belongs to, so stepping back to a
    /// running block finds its countdown still going. Nothing is lost by going back.
    fn go_to_block(&mut self, flat: usize) -> Vec<Effect> {
        let Some(lab) = self.lab_mut() else { return vec![] };
        let Some((_, block)) = lab.session.plan.at_flat_index(flat) else { return vec![] };
        if block.id == lab.session.progress.block {
            return vec![];
        }
        lab.session.progress.block = block.id.clone();
        lab.plenary_table = 0;
        lab.overview_cursor = flat;
        self.time_up_at = None;
        self.changed()
    }

    fn step_block(&mut self, delta: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let last = lab.session.plan.block_count().saturating_sub(1);
        let target = lab.current_flat().saturating_add_signed(delta).min(last);
        self.go_to_block(target)
    }

    fn edge_of_day(&mut self, last: bool) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let (pos, _) = lab.current();
        let count = lab.session.plan.days[pos.day].blocks.len();
        let index = if last { count.saturating_sub(1) } else { 0 };
        let flat = lab.session.plan.flat_index(crate::model::BlockPos { day: pos.day, index });
        self.go_to_block(flat)
    }

    fn step_table(&mut self, delta: isize) -> Vec<Effect> {
        if let Some(lab) = self.lab_mut() {
            let tables = lab.session.groups.len().max(1);
            lab.plenary_table = (lab.plenary_table as isize + delta).rem_euclid(tables as isize) as usize;
        }
        vec![]
    }

    fn open_overview(&mut self) -> Vec<Effect> {
        if let Some(lab) = self.lab_mut() {
            lab.overview_cursor = lab.current_flat();
            self.mode = Mode::Overview;
        }
        vec![]
    }

    /// Applies `change` to the current block's timer, first taking it over if it belonged to another block.
    fn with_timer(&mut self, change: impl FnOnce(&mut Timer, chrono::DateTime<chrono::FixedOffset>)) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab_mut() else { return vec![] };
        let mut timer = lab.timer_for_current();
        change(&mut timer, now.with_timezone(&lab.offset()));
        lab.session.progress.timer = timer;
        self.changed()
    }

    fn toggle_timer(&mut self) -> Vec<Effect> {
        self.with_timer(|timer, now| if timer.running { timer.pause(now) } else { timer.start(now) })
    }

    fn adjust_timer(&mut self, secs: i64) -> Vec<Effect> {
        let now = self.now;
        let effects = self.with_timer(|timer, _| timer.adjust(secs));
        // Extending past zero ends the "time is up" state; the bell may ring again at the new zero.
        if let Some(lab) = self.lab.as_ref()
            && lab.timer_view(now).remaining > 0
        {
            self.time_up_at = None;
        }
        effects
    }

    fn reset_timer(&mut self) -> Vec<Effect> {
        self.time_up_at = None;
        let Some(lab) = self.lab_mut() else { return vec![] };
        let (_, block) = lab.current();
        lab.session.progress.timer = Timer::for_block(block);
        self.changed()
    }

    fn cursor(&mut self, dx: isize, dy: isize) -> Vec<Effect> {
        match self.mode {
            Mode::Start => {
                let rows = self.start.rows();
                self.start.selected = self.start.selected.saturating_add_signed(dy).min(rows.saturating_sub(1));
            }
            Mode::Overview => {
                if let Some(lab) = self.lab.as_mut() {
                    lab.overview_cursor = overview_move(lab, dx, dy);
                }
            }
            Mode::Help => {
                self.help_scroll = self.help_scroll.saturating_add_signed(dy as i16);
            }
            Mode::Agenda | Mode::PlanPath => {}
        }
        vec![]
    }

    fn confirm(&mut self) -> Vec<Effect> {
        match self.mode {
            Mode::Start => match self.start.selected {
                0 => vec![Effect::NewSession { plan: None }],
                1 => {
                    self.mode = Mode::PlanPath;
                    vec![]
                }
                n => match self.start.entries.get(n - START_NEW_ROWS) {
                    Some(entry) if entry.summary.is_ok() => vec![Effect::Open(entry.path.clone())],
                    Some(entry) => {
                        let message = entry.summary.clone().err().unwrap_or_default();
                        self.notify(message, true)
                    }
                    None => vec![],
                },
            },
            Mode::PlanPath => {
                let path = self.start.plan_path.trim();
                if path.is_empty() {
                    return vec![];
                }
                vec![Effect::NewSession { plan: Some(path.into()) }]
            }
            Mode::Overview => {
                let Some(target) = self.lab.as_ref().map(|lab| lab.overview_cursor) else { return vec![] };
                self.mode = Mode::Agenda;
                self.go_to_block(target)
            }
            Mode::Help => self.back(),
            Mode::Agenda => vec![],
        }
    }

    fn back(&mut self) -> Vec<Effect> {
        match self.mode {
            Mode::PlanPath => self.mode = Mode::Start,
            Mode::Overview => self.mode = Mode::Agenda,
            Mode::Help => self.mode = self.help_from,
            Mode::Start | Mode::Agenda => {}
        }
        vec![]
    }

    fn type_char(&mut self, c: char) -> Vec<Effect> {
        if self.mode == Mode::PlanPath && !c.is_control() && self.start.plan_path.len() < 4096 {
            self.start.plan_path.push(c);
        }
        vec![]
    }

    fn delete_back(&mut self) -> Vec<Effect> {
        if self.mode == Mode::PlanPath {
            self.start.plan_path.pop();
        }
        vec![]
    }

    fn open_help(&mut self) -> Vec<Effect> {
        if self.mode != Mode::Help {
            self.help_from = self.mode;
            self.help_scroll = 0;
            self.mode = Mode::Help;
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

    /// The wall clock was changed (by the user, NTP or a suspend): a running timer keeps its remaining time.
    fn clock_jumped(&mut self, secs: i64) -> Vec<Effect> {
        // Everything measured against the wall clock moves with it.
        self.now += Duration::seconds(secs);
        self.time_up_at = self.time_up_at.map(|t| t + Duration::seconds(secs));
        let Some(lab) = self.lab_mut() else { return vec![] };
        let mut effects = vec![];
        if lab.session.progress.timer.running {
            lab.session.progress.timer.deadline =
                lab.session.progress.timer.deadline.map(|d| d + Duration::seconds(secs));
            effects = self.changed();
        }
        let minutes = (secs as f64 / 60.0).round() as i64;
        let text = t!("notice.clock_jumped", minutes = format!("{minutes:+}"), locale = self.lang.code()).into_owned();
        self.notify(text, false);
        effects
    }

    fn session_opened(&mut self, path: std::path::PathBuf, session: crate::model::Session) -> Vec<Effect> {
        self.lab = Some(Lab::new(path, session));
        self.mode = Mode::Agenda;
        self.save = super::SaveStatus::default();
        self.time_up_at = None;
        self.notice = None;
        vec![]
    }

    fn save_finished(
        &mut self,
        generation: u64,
        result: Result<chrono::DateTime<chrono::FixedOffset>, String>,
    ) -> Vec<Effect> {
        match result {
            Ok(at) => {
                self.save.saved_generation = self.save.saved_generation.max(generation);
                self.save.last_saved_at = Some(at);
                self.save.error = None;
            }
            Err(message) => self.save.error = Some(message),
        }
        vec![]
    }
}

/// The overview cursor after moving: up/down within the agenda order, left/right to the same row of the
/// neighbouring day (or its last block).
fn overview_move(lab: &Lab, dx: isize, dy: isize) -> usize {
    let plan = &lab.session.plan;
    let last = plan.block_count().saturating_sub(1);
    let cursor = lab.overview_cursor.min(last);
    if dx == 0 {
        return cursor.saturating_add_signed(dy).min(last);
    }
    let Some((pos, _)) = plan.at_flat_index(cursor) else { return cursor };
    let day = pos.day.saturating_add_signed(dx).min(plan.days.len().saturating_sub(1));
    let index = pos.index.min(plan.days[day].blocks.len().saturating_sub(1));
    plan.flat_index(crate::model::BlockPos { day, index })
}
