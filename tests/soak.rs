//! Soak: a simulated three-day lab in fast time, driving `update` directly the way the runtime does. The
//! agenda is walked block by block over the three days with the timer started, paused, extended and reset;
//! every table captures ideas in every idea block (typed key by key); ideas are edited, moved, flagged,
//! deleted, undone and redone; the tally, awards, overview and roster screens are opened; and the clock
//! ticks every simulated second of every block. Every 250 actions the session is saved to a file and loaded
//! back (it must be equal and valid), and resident memory is sampled: after the warm-up it must stay flat,
//! growing no more than the ideas themselves can explain. `cargo test --test soak -- --nocapture` shows the
//! figures (actions, ticks, ideas, peak RSS, RSS growth).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveTime, TimeZone};
use innolab::app::{Action, Effect, Mode, State, update};
use innolab::i18n::Lang;
use innolab::model::validate::session_problems;
use innolab::model::{BlockKind, ClockTime, Role, Session, Timestamp};
use innolab::store;
use innolab::tally::readiness::Finding;
use innolab::ui::{self, theme::ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_textarea::{Input, Key};

/// The lab's wall clock at `time` on `date`, in its own offset.
fn wall(session: &Session, date: chrono::NaiveDate, time: ClockTime) -> Timestamp {
    let time = NaiveTime::from_hms_opt(time.hour().into(), time.minute().into(), 0).unwrap();
    session.plan.utc_offset.fixed().from_local_datetime(&date.and_time(time)).single().unwrap()
}

/// Resident and peak resident memory of this process in KiB, from /proc/self/status (Linux only).
fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// The simulated room: the state, its clock, and what the run counts.
struct Lab {
    state: State,
    file: PathBuf,
    actions: usize,
    ticks: usize,
    bells: usize,
    saves: usize,
    /// Resident memory (KiB) at each save point after the warm-up.
    rss: Vec<u64>,
    terminal: Terminal<TestBackend>,
}

const SAVE_EVERY: usize = 250;
/// Actions before memory is expected to be flat (caches, the first tally, allocator arenas).
const WARM_UP: usize = 2_000;

impl Lab {
    fn session(&self) -> &Session {
        &self.state.lab.as_ref().unwrap().session
    }

    /// One coach or runtime action, with what the runtime does for its effects; every 250th saves and checks.
    fn act(&mut self, action: Action) {
        let effects = update(&mut self.state, action);
        self.bells += effects.iter().filter(|e| **e == Effect::Bell).count();
        if effects.iter().any(|e| matches!(e, Effect::Export { .. })) {
            update(
                &mut self.state,
                Action::Exported(Ok(innolab::ops::ExportedAll {
                    files: vec![PathBuf::from("lab.xlsx")],
                    no_certificates: false,
                })),
            );
        }
        self.actions += 1;
        if self.actions.is_multiple_of(SAVE_EVERY) {
            self.save_and_check();
        }
    }

    /// A second of wall-clock time passes.
    fn tick(&mut self) {
        let now = self.state.now + Duration::seconds(1);
        let effects = update(&mut self.state, Action::Tick(now));
        self.bells += effects.iter().filter(|e| **e == Effect::Bell).count();
        self.ticks += 1;
    }

    fn wait(&mut self, secs: i64) {
        for _ in 0..secs {
            self.tick();
        }
    }

    fn wait_until(&mut self, at: Timestamp) {
        while self.state.now < at {
            self.tick();
        }
    }

    fn key(&mut self, c: char) {
        self.act(Action::Text(Input { key: Key::Char(c), ..Default::default() }));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(c);
        }
    }

    /// What the background writer does, done here synchronously: save, then load back and compare.
    fn save_and_check(&mut self) {
        let session = self.session().clone();
        store::save(&self.file, &session).unwrap();
        let (generation, now) = (self.state.save.generation, self.state.now);
        update(&mut self.state, Action::SaveFinished { generation, result: Ok(now) });
        assert!(!self.state.save.is_pending(), "after action {}: the save is still pending", self.actions);
        let loaded = store::load(&self.file).unwrap();
        assert_eq!(loaded, session, "after action {}: the saved file differs from the session", self.actions);
        let problems = session_problems(&loaded);
        assert!(problems.is_empty(), "after action {}: {problems:?}", self.actions);
        // Whatever the coach did on the board, One Agency One Innovation holds: no flagship without an agency,
        // never two in one agency.
        let broken: Vec<_> = innolab::tally::readiness::check(&loaded)
            .into_iter()
            .filter(|f| matches!(f, Finding::SeveralFlagships { .. } | Finding::FlagshipWithoutAgency { .. }))
            .collect();
        assert!(broken.is_empty(), "after action {}: {broken:?}", self.actions);
        let lab = self.state.lab.as_ref().unwrap();
        assert_eq!(lab.index.live, session.ideas.iter().filter(|i| !i.deleted).count());
        self.terminal.draw(|frame| ui::view(&self.state, frame)).unwrap();
        self.saves += 1;
        if self.actions >= WARM_UP
            && let Some((rss, _)) = memory_kib()
        {
            self.rss.push(rss);
        }
    }

    /// Captures one idea for table `table` (1-based) the way the coach does: the digit, the title, Enter.
    fn capture(&mut self, table: u8, title: &str) {
        self.act(Action::DigitKey(table));
        self.type_text(title);
        self.act(Action::Confirm);
    }

    /// Board work after a round: flag, edit, move, delete, undo and redo, then back to the agenda.
    fn tidy_board(&mut self, round: usize) {
        self.act(Action::OpenBoard);
        for _ in 0..round % 4 {
            self.act(Action::CursorRight);
        }
        self.act(Action::CursorDown);
        self.act(Action::EditIdea);
        self.act(Action::NextField);
        self.act(Action::PrevField);
        self.type_text(" (rev)");
        // The agency (the fourth field), so the idea may be its agency's flagship.
        for _ in 0..3 {
            self.act(Action::NextField);
        }
        self.type_text(["Dinas Kesehatan", "DPMPTSP", "Dinas PUPR"][round % 3]);
        self.act(Action::Confirm);
        if self.state.mode() == Mode::Form {
            // A flagship whose new agency has one already: the second Enter moves the star.
            self.act(Action::Confirm);
        }
        self.act(Action::ToggleFlagship);
        if self.state.mode() == Mode::ConfirmFlagship {
            // The agency has a flagship: move the star every other round, keep it otherwise.
            self.act(if round.is_multiple_of(2) { Action::Confirm } else { Action::Back });
        }
        self.act(Action::MoveIdea);
        self.act(Action::Confirm);
        self.act(Action::CursorLeft);
        self.act(Action::DeleteIdea);
        self.act(Action::Undo);
        self.act(Action::Redo);
        if round.is_multiple_of(3) {
            // Restore what was just deleted from the trash, as a coach fixing a slip does.
            self.act(Action::OpenTrash);
            self.act(Action::Restore);
            self.act(Action::Back);
        }
        self.act(Action::Undo);
        self.act(Action::Undo);
        self.act(Action::Redo);
        self.act(Action::Back);
        assert_eq!(self.state.mode(), Mode::Agenda, "round {round}: the board did not close");
    }

    /// Runs the current block from its start to its scheduled end.
    fn run_block(&mut self, block_number: usize) {
        let (pos, block) = self.state.lab.as_ref().unwrap().current();
        let (kind, captures, start, end) = (block.kind, block.captures_ideas, block.start, block.end);
        let date = self.session().plan.days[pos.day].date;
        let (start, end) = (wall(self.session(), date, start), wall(self.session(), date, end));
        if self.state.now < start {
            // Overnight the laptop sleeps; the first tick of the morning brings the clock forward.
            let effects = update(&mut self.state, Action::Tick(start));
            self.bells += effects.iter().filter(|e| **e == Effect::Bell).count();
            self.ticks += 1;
        }
        self.act(Action::ToggleTimer);
        match kind {
            BlockKind::GroupWork if captures => {
                let tables = self.session().groups.len().min(9) as u8;
                let rounds = 8;
                let gap = ((end - self.state.now).num_seconds() / (rounds * i64::from(tables) + 1)).max(1);
                for round in 0..rounds as usize {
                    for table in 1..=tables {
                        let title = format!(
                            "Ide {block_number}.{round}.{table}: layanan {} terpadu satu pintu",
                            ["perizinan", "kesehatan", "kependudukan 数字", "sampah RW 🚀"]
                                [(round + table as usize) % 4]
                        );
                        self.capture(table, &title);
                        self.wait(gap);
                    }
                    self.act(Action::Back);
                    self.tidy_board(round);
                    if round == 3 {
                        self.act(Action::ToggleTimer);
                        self.wait(30);
                        self.act(Action::ToggleTimer);
                        self.act(Action::AddMinute);
                    }
                }
            }
            BlockKind::Plenary => {
                for _ in 0..self.session().groups.len() * 2 {
                    self.act(Action::NextTable);
                    self.wait(60);
                }
                self.act(Action::PrevTable);
            }
            BlockKind::Awards => {
                self.act(Action::OpenAwards);
                for _ in 0..5 {
                    self.act(Action::PageDown);
                    self.wait(20);
                }
                self.act(Action::Back);
                self.act(Action::OpenTally);
                self.act(Action::CursorDown);
                self.act(Action::Export);
                self.act(Action::Back);
            }
            BlockKind::Talk | BlockKind::Break | BlockKind::GroupWork => {
                self.act(Action::AddMinute);
                self.act(Action::AddMinute);
                self.act(Action::RemoveMinute);
                self.act(Action::OpenOverview);
                self.act(Action::CursorDown);
                self.act(Action::Back);
                if block_number.is_multiple_of(4) {
                    self.act(Action::OpenSetup);
                    self.act(Action::CursorDown);
                    self.act(Action::TogglePresent);
                    self.act(Action::TogglePresent);
                    self.act(Action::Back);
                    self.act(Action::OpenTally);
                    self.act(Action::Back);
                }
            }
        }
        // Until the scheduled end, then let the timer run out (it rings once) into a little overtime; reset it.
        self.wait_until(end);
        while self.state.lab.as_ref().unwrap().timer_view(self.state.now).remaining > -90 {
            self.tick();
        }
        self.act(Action::ResetTimer);
        assert_eq!(self.state.mode(), Mode::Agenda, "block {block_number}: left in {:?}", self.state.mode());
    }
}

#[test]
fn a_three_day_lab_in_fast_time_keeps_every_save_valid_and_memory_flat() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lab.json");
    let plan = innolab::testing::seed_plan();
    let mut session = Session::new(plan, DateTime::parse_from_rfc3339("2022-11-02T07:30:00+07:00").unwrap());
    let people = [(0, "dr. Rina", "Dinas Kesehatan"), (1, "Budi Santoso", "DPMPTSP"), (2, "Agus", "Dinas PUPR")];
    for (table, name, agency) in people {
        session.add_member(table, innolab::model::roster::member(name, Some(agency), Role::Head, true)).unwrap();
    }
    store::create(&file, &session).unwrap();
    let start = session.created_at;
    let mut lab = Lab {
        state: State::with_session(Lang::Id, ThemeName::Projector, start, file.clone(), session),
        file,
        actions: 0,
        ticks: 0,
        bells: 0,
        saves: 0,
        rss: Vec::new(),
        terminal: Terminal::new(TestBackend::new(160, 45)).unwrap(),
    };
    update(&mut lab.state, Action::Resize { width: 160, height: 45 });

    let blocks = lab.session().plan.block_count();
    let mut timed_blocks = 0;
    for n in 0..blocks {
        if n > 0 {
            // The clicker pages a plenary's ideas and the awards' people before it moves on, as in the room.
            let before = lab.state.lab.as_ref().unwrap().current_flat();
            for _ in 0..1000 {
                lab.act(Action::NextBlock);
                if lab.state.lab.as_ref().unwrap().current_flat() != before {
                    break;
                }
            }
            assert_eq!(lab.state.lab.as_ref().unwrap().current_flat(), n, "the clicker reaches block {n}");
        }
        let bells_before = lab.bells;
        lab.run_block(n);
        timed_blocks += 1;
        assert_eq!(lab.bells, bells_before + 1, "block {n}: the bell must ring exactly once at zero");
    }
    lab.save_and_check();

    let session = lab.session();
    let live = session.ideas.iter().filter(|i| !i.deleted).count();
    let ideas_json = serde_json::to_vec(&session.ideas).unwrap().len() as u64;
    assert_eq!(lab.state.lab.as_ref().unwrap().current_flat(), blocks - 1, "the walk ends on the last block");
    assert!(lab.actions >= 10_000, "only {} actions", lab.actions);
    assert!(live >= 250, "only {live} live ideas");
    assert_eq!(timed_blocks, blocks);
    assert!(session.ideas.iter().any(|i| i.flagship) && session.ideas.iter().any(|i| i.deleted));
    for group in &session.groups {
        assert!(session.ideas.iter().any(|i| i.group == group.id), "table {} has no idea", group.name);
    }
    assert_eq!(store::load(Path::new(&lab.file)).unwrap(), *session);

    let memory = memory_kib();
    eprintln!(
        "soak: {} actions, {} ticks ({:.1} simulated hours), {} saves, {} ideas ({} live, {} KiB as JSON)",
        lab.actions,
        lab.ticks,
        lab.ticks as f64 / 3600.0,
        lab.saves,
        session.ideas.len(),
        live,
        ideas_json / 1024
    );
    if let (Some((rss, peak)), Some(first)) = (memory, lab.rss.first()) {
        let max = lab.rss.iter().max().copied().unwrap_or(rss);
        let growth = max.saturating_sub(*first);
        eprintln!(
            "soak: RSS after warm-up {first} KiB, max {max} KiB, now {rss} KiB, growth {growth} KiB; peak RSS (VmHWM) {peak} KiB"
        );
        // Flat means: what is kept grows with the ideas (the session, the undo history of up to 1,000 changes,
        // the index), not with the number of actions, saves or ticks. Allow 2 MiB for allocator slack
        // plus a multiple of the ideas' own size.
        let allowed = 2 * 1024 + 8 * ideas_json / 1024;
        assert!(growth <= allowed, "RSS grew {growth} KiB after the warm-up (allowed {allowed} KiB): {:?}", lab.rss);
    }
}
