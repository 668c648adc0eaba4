//! The runtime around the pure app: terminal set-up and restore on every exit path, one event channel fed
//! by the keyboard, signals and the background writer, the monotonic-backed clock, and effects carried out.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{DateTime, Offset, Utc};
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use rust_i18n::t;

use crate::app::{self, Action, Effect, SaveFailure, StartEntry, StartList, State, keymap};
use crate::catalog;
use crate::cli::{self, NewOptions};
use crate::i18n::Lang;
use crate::model::text::shown;
use crate::model::{Session, Timestamp};
use crate::rescue;
use crate::store::{self, OpenSession, SessionLock};
use crate::ui::{self, theme::ThemeName};

/// What `innolab run` opens.
#[derive(Debug, Clone)]
pub enum Target {
    /// The start screen of the sessions folder.
    Start,
    /// One session file, directly.
    Open(PathBuf),
    /// A new session from the built-in plan or a plan file.
    New { plan: Option<PathBuf> },
}

pub struct RunOptions {
    pub sessions_dir: PathBuf,
    pub target: Target,
    pub lang: Lang,
    pub theme: ThemeName,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{}", t!("run.no_terminal"))]
    NoTerminal,
    #[error(transparent)]
    Cli(#[from] cli::CliError),
    #[error("{}", t!("run.terminal", error = .0))]
    Terminal(#[from] io::Error),
    /// The last save failed on the way out; the session was written elsewhere.
    #[error("{}", t!("run.emergency", path = shown(.path), copy = .copy, error = .error))]
    SavedElsewhere { path: PathBuf, copy: String, error: String },
    #[error("{}", t!("run.not_saved", path = shown(.path), error = .error))]
    NotSaved { path: PathBuf, error: String },
}

/// Everything that can wake the loop.
enum Event {
    Term(TermEvent),
    /// SIGTERM, SIGHUP or SIGINT: save and leave.
    Signal,
    /// SIGTSTP (`kill -TSTP`, a job-control shell): give the terminal back, stop, and come back on `fg`.
    Suspend,
    Saved {
        generation: u64,
        result: Result<Timestamp, SaveFailure>,
    },
    /// The emergency copy written while the writer does not answer: where it went (empty: nowhere).
    Rescued {
        generation: u64,
        copies: rescue::Copies,
        written: Vec<PathBuf>,
    },
    /// The session file had been deleted by another program and was written again.
    Recreated(PathBuf),
}

/// What the loop does after an effect.
enum Flow {
    Continue,
    Exit(Result<(), RunError>),
}

/// What the background writer is asked to do.
enum WriterMsg {
    /// A session was opened: this is the version of its file on disk, to save over and only over it, and
    /// its lock, which the writer checks around every save (and holds from now on).
    Track {
        path: PathBuf,
        version: Option<store::FileVersion>,
        lock: SessionLock,
    },
    Save(SaveJob),
    /// The coach reloaded the file as another program left it: save over this version of it from now on.
    Rebase {
        path: PathBuf,
        version: Option<store::FileVersion>,
    },
}

struct SaveJob {
    generation: u64,
    path: PathBuf,
    session: Box<Session>,
}

/// Runs the app until the coach quits. Refuses to start without a terminal on stdin and stdout.
pub fn run(options: RunOptions) -> Result<(), RunError> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(RunError::NoTerminal);
    }
    let mut clock = Clock::start();
    let now = clock.now();
    let mut runtime = Runtime::new(&options);
    let mut state = State::new(options.lang, options.theme, now, start_list(&options.sessions_dir));
    // Open or create before the screen changes, so a bad file gives a plain one-line error.
    match &options.target {
        Target::Start => {}
        Target::Open(path) => runtime.open(&mut state, path)?,
        Target::New { plan } => {
            let path = cli::new_session(&options.sessions_dir, &new_options(plan.clone()))?;
            runtime.open(&mut state, &path)?;
        }
    }
    let guard = TerminalGuard::enter()?;
    let backend = CrosstermBackend::new(io::stdout());
    let mut terminal = Terminal::new(backend)?;
    let size = terminal.size()?;
    app::update(&mut state, Action::Resize { width: size.width, height: size.height });
    let result = runtime.event_loop(&mut state, &mut terminal, &mut clock);
    drop(terminal);
    drop(guard);
    result
}

fn new_options(plan: Option<PathBuf>) -> NewOptions {
    NewOptions { plan, title: None, start_date: None, output: None }
}

fn start_list(dir: &Path) -> StartList {
    let entries = catalog::scan(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|e| StartEntry { path: e.path, summary: e.summary.map_err(|err| err.to_string()) })
        .collect();
    StartList { sessions_dir: dir.to_path_buf(), entries, selected: 0, plan_path: String::new() }
}

/// Raw mode, the alternate screen, bracketed paste and a hidden cursor, undone on drop and on panic.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        let guard = TerminalGuard;
        enter_terminal()?;
        Ok(guard)
    }
}

/// Raw mode, the alternate screen, bracketed paste, no cursor: at start, and again after a suspend.
fn enter_terminal() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste, cursor::Hide)
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn restore_terminal() {
    let _ = execute!(io::stdout(), DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
}

/// Wall-clock time that advances with the monotonic clock, so a running timer never jumps when the
/// system clock is changed; a change is detected, reported and folded in. The two time sources are
/// functions so a test can move the wall clock.
struct Clock {
    base_wall: DateTime<Utc>,
    base_mono: Duration,
    pinned: bool,
    wall: Box<dyn Fn() -> DateTime<Utc>>,
    /// Monotonic time since the clock started.
    mono: Box<dyn Fn() -> Duration>,
}

/// A difference between the wall clock and the monotonic clock bigger than this is a clock change.
const JUMP_SECS: i64 = 2;

impl Clock {
    fn start() -> Clock {
        let started = Instant::now();
        let mut clock = Clock::with_sources(Box::new(Utc::now), Box::new(move || started.elapsed()));
        clock.pinned = crate::clock::is_pinned();
        clock.base_wall = crate::clock::now_in(Utc.fix()).with_timezone(&Utc);
        clock
    }

    fn with_sources(wall: Box<dyn Fn() -> DateTime<Utc>>, mono: Box<dyn Fn() -> Duration>) -> Clock {
        Clock { base_wall: wall(), base_mono: mono(), pinned: false, wall, mono }
    }

    fn precise_now(&self) -> Timestamp {
        let elapsed = (self.mono)().saturating_sub(self.base_mono);
        (self.base_wall + chrono::Duration::from_std(elapsed).unwrap_or_default()).fixed_offset()
    }

    /// Now in whole seconds, as the session file stores times.
    fn now(&self) -> Timestamp {
        let now = self.precise_now();
        now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos()))
    }

    /// Compares with the system clock; returns the jump in seconds if it moved, and follows it.
    fn check_jump(&mut self) -> Option<i64> {
        if self.pinned {
            return None;
        }
        let wall = (self.wall)();
        let drift = (wall - self.precise_now().with_timezone(&Utc)).num_seconds();
        if drift.abs() > JUMP_SECS {
            self.base_wall = wall;
            self.base_mono = (self.mono)();
            return Some(drift);
        }
        None
    }
}

struct Runtime {
    sessions_dir: PathBuf,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    writer: Sender<WriterMsg>,
    /// The newest generation handed to the writer.
    sent_generation: u64,
    /// When the save the writer is busy with was handed to it.
    in_flight: Option<Instant>,
    save_due: Option<Instant>,
    /// After a failed save, the wait before the next try (doubling up to 10 s).
    retry_delay: Duration,
    /// The writer has not answered for [`SAVE_TIMEOUT`]: its disk hangs. Saves wait for it; the newest state
    /// goes to the durable emergency copy instead, written by another thread.
    hung: bool,
    /// The durable emergency copies of this hang (taken by the rescue thread while it writes).
    rescue: Option<rescue::Copies>,
    /// The newest generation the rescue thread was given.
    rescued_generation: u64,
    /// The open session's folder cannot be written: nothing is saved to its file.
    read_only: bool,
}

/// Changes that arrive in a burst (a clicker held down) are written together after this pause.
const SAVE_DEBOUNCE: Duration = Duration::from_millis(100);

/// A save not finished within this time means the disk does not answer (a frozen file system, a dead
/// network share): the status bar turns to NOT SAVED and the emergency copy is written by another path.
pub const SAVE_TIMEOUT: Duration = Duration::from_secs(5);

impl Runtime {
    fn new(options: &RunOptions) -> Runtime {
        let (tx, rx) = mpsc::channel();
        let writer = spawn_writer(tx.clone());
        Runtime {
            sessions_dir: options.sessions_dir.clone(),
            tx,
            rx,
            writer,
            sent_generation: 0,
            in_flight: None,
            save_due: None,
            retry_delay: Duration::ZERO,
            hung: false,
            rescue: Some(rescue::Copies::default()),
            rescued_generation: 0,
            read_only: false,
        }
    }

    /// Locks and loads a session, then shows it. A session whose folder cannot be written (no lock file can be
    /// made there) is opened read-only: shown, never saved to.
    fn open(&mut self, state: &mut State, path: &Path) -> Result<(), cli::CliError> {
        let opened = match OpenSession::open(path) {
            // Locked, but the folder takes no new file: as read-only as a folder where no lock can be made.
            Ok(opened) if store::folder_writable(&opened.path).is_err_and(|e| is_read_only(&e)) => {
                let (real, session) = (opened.path, opened.session);
                drop(opened.lock);
                self.read_only = true;
                self.save_due = None;
                app::update(state, Action::SessionOpened { path: real, session: Box::new(session) });
                app::update(state, Action::OpenedReadOnly);
                return Ok(());
            }
            Err(store::OpenError::Lock(store::LockError::Io { source, .. })) if is_read_only(&source) => {
                let real = store::real_path(path);
                let session = store::load(&real)?;
                self.read_only = true;
                self.save_due = None;
                app::update(state, Action::SessionOpened { path: real, session: Box::new(session) });
                app::update(state, Action::OpenedReadOnly);
                return Ok(());
            }
            other => other?,
        };
        self.read_only = false;
        self.sent_generation = 0;
        let track = WriterMsg::Track { path: opened.path.clone(), version: opened.version, lock: opened.lock };
        let _ = self.writer.send(track);
        app::update(state, Action::SessionOpened { path: opened.path, session: Box::new(opened.session) });
        Ok(())
    }

    fn event_loop(
        &mut self,
        state: &mut State,
        terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
        clock: &mut Clock,
    ) -> Result<(), RunError> {
        spawn_input(self.tx.clone());
        spawn_signals(self.tx.clone());
        let mut last_second = clock.now().timestamp();
        let mut redraw = true;
        loop {
            if redraw {
                terminal.draw(|frame| ui::view(state, frame))?;
                redraw = false;
            }
            let timeout = self.next_wake(state, clock);
            // Everything already queued is handled before the next frame: a burst (a paste, a resize storm, a
            // held key) costs one frame, not one each.
            let mut events = vec![self.rx.recv_timeout(timeout)];
            events.extend(std::iter::from_fn(|| self.rx.try_recv().ok()).map(Ok));
            let mut clock_actions = Vec::new();
            if let Some(secs) = clock.check_jump() {
                clock_actions.push(Action::ClockJumped { secs });
            }
            let now = clock.now();
            if now.timestamp() != last_second {
                last_second = now.timestamp();
                clock_actions.push(Action::Tick(now));
            }
            redraw |= !clock_actions.is_empty();
            if let Flow::Exit(result) = self.apply(state, clock_actions)? {
                return result;
            }
            self.watch_writer(state);
            for event in events {
                if let Ok(Event::Suspend) = event {
                    self.suspend(state, terminal)?;
                    redraw = true;
                    continue;
                }
                // Keys are read in the mode the previous event left, so translate one event at a time.
                let actions = self.actions_for(state, event);
                redraw |= !actions.is_empty();
                if let Flow::Exit(result) = self.apply(state, actions)? {
                    return result;
                }
            }
            self.maybe_send_save(state);
        }
    }

    /// Runs actions through `update` and carries out their effects, stopping when one ends the app.
    fn apply(&mut self, state: &mut State, actions: Vec<Action>) -> Result<Flow, RunError> {
        for action in actions {
            for effect in app::update(state, action) {
                if let Flow::Exit(result) = self.perform(state, effect)? {
                    return Ok(Flow::Exit(result));
                }
            }
        }
        Ok(Flow::Continue)
    }

    /// What one event means for the app, read in the current mode.
    fn actions_for(&mut self, state: &State, event: Result<Event, RecvTimeoutError>) -> Vec<Action> {
        match event {
            Ok(Event::Term(TermEvent::Key(key))) => {
                debug_panic_trigger(&key);
                keymap::action_for(state.mode, key).into_iter().collect()
            }
            Ok(Event::Term(TermEvent::Paste(text))) => vec![Action::Paste(text)],
            Ok(Event::Term(TermEvent::Resize(width, height))) => vec![Action::Resize { width, height }],
            Ok(Event::Term(_)) => vec![],
            Ok(Event::Signal) => vec![Action::Terminate],
            Ok(Event::Suspend) => vec![],
            Ok(Event::Recreated(path)) => vec![Action::FileRecreated(path)],
            Ok(Event::Saved { generation, result }) => {
                self.in_flight = None;
                // The disk answers again: the next save goes to the file as usual.
                self.hung = false;
                self.schedule_retry(result.is_err());
                vec![Action::SaveFinished { generation, result }]
            }
            Ok(Event::Rescued { generation, copies, written }) => self.rescued(state, generation, copies, written),
            Err(RecvTimeoutError::Timeout) => vec![],
            Err(RecvTimeoutError::Disconnected) => vec![Action::Terminate],
        }
    }

    /// How long the loop may sleep: until the next visible second when something counts down, else the
    /// next minute (the header clock), and never past a due save.
    fn next_wake(&self, state: &State, clock: &Clock) -> Duration {
        let now = clock.precise_now();
        let into_second = u64::from(now.timestamp_subsec_millis());
        let to_next_second = Duration::from_millis(1000 - into_second.min(999));
        let busy = state
            .lab
            .as_ref()
            .is_some_and(|lab| lab.session.progress.timer.running || lab.fresh_idea(state.now).is_some())
            || state.notice.is_some()
            || state.time_up_at.is_some();
        let mut wake = if busy {
            to_next_second
        } else {
            let into_minute = now.timestamp().rem_euclid(60) as u64;
            Duration::from_secs(59 - into_minute) + to_next_second
        };
        match self.in_flight {
            // The writer's answer wakes the loop; until then only the hang deadline matters.
            Some(since) if !self.hung => {
                wake = wake.min((since + SAVE_TIMEOUT).saturating_duration_since(Instant::now()))
            }
            Some(_) => {}
            None => {
                if let Some(due) = self.save_due {
                    wake = wake.min(due.saturating_duration_since(Instant::now()));
                }
            }
        }
        wake.max(Duration::from_millis(5))
    }

    /// Declares the writer hung once a save has not finished within [`SAVE_TIMEOUT`], and from then on
    /// keeps the durable emergency copy up to date with every change, written by another thread.
    fn watch_writer(&mut self, state: &State) {
        let Some(since) = self.in_flight else { return };
        if !self.hung && since.elapsed() < SAVE_TIMEOUT {
            return;
        }
        let first = !self.hung;
        self.hung = true;
        if first || state.save.generation > self.rescued_generation {
            self.start_rescue(state);
        }
    }

    /// Writes the newest state to the durable emergency copy on a thread of its own (the writer is stuck),
    /// unless one is already writing; its answer comes back as [`Event::Rescued`].
    fn start_rescue(&mut self, state: &State) {
        let Some(lab) = state.lab.as_ref() else { return };
        let Some(mut copies) = self.rescue.take() else { return };
        let (path, session, generation) = (lab.path.clone(), lab.session.clone(), state.save.generation);
        let now = state.now.with_timezone(&lab.offset());
        self.rescued_generation = generation;
        let tx = self.tx.clone();
        thread::spawn(move || {
            let written = copies.write(&path, &session, now, rescue::Places::DurableOnly);
            let _ = tx.send(Event::Rescued { generation, copies, written });
        });
    }

    /// The rescue thread is back: while the writer is still stuck, the status bar says NOT SAVED and where
    /// everything is; newer changes get another copy.
    fn rescued(
        &mut self,
        state: &State,
        generation: u64,
        copies: rescue::Copies,
        written: Vec<PathBuf>,
    ) -> Vec<Action> {
        self.rescue = Some(copies);
        if !self.hung {
            return vec![];
        }
        let actions = match state.lab.as_ref() {
            Some(lab) => vec![Action::SaveFinished { generation, result: Err(hung_failure(&lab.path, written)) }],
            None => vec![],
        };
        if state.save.generation > self.rescued_generation {
            self.start_rescue(state);
        }
        actions
    }

    /// After a failed save, try again later (1 s, 2 s, 4 s … up to 10 s); after a good one, reset.
    fn schedule_retry(&mut self, failed: bool) {
        if failed {
            self.retry_delay = (self.retry_delay * 2).clamp(Duration::from_secs(1), Duration::from_secs(10));
            self.save_due = Some(Instant::now() + self.retry_delay);
        } else {
            self.retry_delay = Duration::ZERO;
        }
    }

    /// Carries out one effect.
    fn perform(&mut self, state: &mut State, effect: Effect) -> Result<Flow, RunError> {
        match effect {
            Effect::Save => {
                if self.save_due.is_none() {
                    self.save_due = Some(Instant::now() + SAVE_DEBOUNCE);
                }
            }
            Effect::Bell => {
                let mut out = io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            }
            Effect::Open(path) => {
                if let Err(e) = self.open(state, &path) {
                    return self.apply(state, vec![Action::OpenFailed(e.to_string())]);
                }
            }
            Effect::NewSession { plan } => match cli::new_session(&self.sessions_dir, &new_options(plan)) {
                Ok(path) => {
                    if let Err(e) = self.open(state, &path) {
                        return self.apply(state, vec![Action::OpenFailed(e.to_string())]);
                    }
                }
                Err(e) => {
                    return self.apply(state, vec![Action::OpenFailed(e.to_string())]);
                }
            },
            Effect::Export { lang } => {
                if let Some(lab) = state.lab.as_ref() {
                    // A read-only session's reports go to the per-user folder: its own folder cannot be written.
                    let folder = if self.read_only { rescue::state_dir().map(|d| d.join("exports")) } else { None };
                    let result = export_all(&lab.path, &lab.session, lang, folder.as_deref());
                    return self.apply(state, vec![Action::Exported(result)]);
                }
            }
            Effect::Quit { ask } => return Ok(self.shut_down(state, ask)),
            Effect::Suspend => {
                let _ = self.tx.send(Event::Suspend);
            }
            Effect::ReloadFromDisk => {
                if let Some(lab) = state.lab.as_ref() {
                    let path = lab.path.clone();
                    let result = match store::load_version(&path) {
                        Ok((session, version)) => {
                            // The writer saves over this version from now on.
                            let _ = self.writer.send(WriterMsg::Rebase { path, version });
                            Ok(Box::new(session))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    // The merged session's save (an `Effect::Save`) goes through `apply`, never dropped.
                    return self.apply(state, vec![Action::Reloaded(result)]);
                }
            }
            Effect::SaveAsNew => {
                if let Some(lab) = state.lab.as_ref() {
                    let result = self.save_as_new(&lab.path, &lab.session);
                    return self.apply(state, vec![Action::SavedAsNew(result)]);
                }
            }
            Effect::QuitNow => {
                let failure = state.quit_blocked.take();
                let result = match (failure, state.lab.as_ref()) {
                    (Some(failure), Some(lab)) => Err(exit_error(&lab.path, failure)),
                    _ => Ok(()),
                };
                return Ok(Flow::Exit(result));
            }
        }
        Ok(Flow::Continue)
    }

    fn maybe_send_save(&mut self, state: &State) {
        if self.read_only {
            self.save_due = None;
            return;
        }
        let Some(due) = self.save_due else { return };
        if self.in_flight.is_some() || Instant::now() < due {
            return;
        }
        let Some(lab) = state.lab.as_ref() else { return };
        // A failed save is retried with the newest state even when nothing changed since.
        if state.save.generation > self.sent_generation || state.save.error.is_some() {
            let job = SaveJob {
                generation: state.save.generation,
                path: lab.path.clone(),
                session: Box::new(lab.session.clone()),
            };
            self.sent_generation = state.save.generation;
            self.in_flight = self.writer.send(WriterMsg::Save(job)).is_ok().then(Instant::now);
        }
        self.save_due = None;
    }

    /// Lets the writer finish, then has it write whatever is still unsaved (through the same guarded save, so
    /// a file another program changed is not overwritten on the way out either). If that fails, the session is
    /// in the emergency copy; with `ask` the coach is asked before leaving, else the error says where. A writer
    /// that does not answer within [`SAVE_TIMEOUT`] is left behind: the emergency copy is written by another
    /// thread, and the words say the disk did not answer.
    fn shut_down(&mut self, state: &mut State, ask: bool) -> Flow {
        self.wait_for_writer(state);
        let Some(lab) = state.lab.as_ref() else { return Flow::Exit(Ok(())) };
        if self.read_only {
            if !state.save.is_pending() || state.quit_blocked.is_some() {
                return Flow::Exit(Ok(()));
            }
            // Nothing may be written to the file: what changed on screen goes to the emergency copy.
            let path = lab.path.clone();
            self.rescue_now(state);
            let written = self.rescue.as_ref().map(|c| c.paths.clone()).unwrap_or_default();
            let message = t!("save.read_only", path = shown(&path)).into_owned();
            let failure = SaveFailure { message, emergency: written, conflict: false };
            if ask {
                app::update(state, Action::QuitBlocked(failure));
                return Flow::Continue;
            }
            return Flow::Exit(Err(exit_error(&path, failure)));
        }
        if self.in_flight.is_none() {
            if !state.save.is_pending() && state.save.error.is_none() {
                return Flow::Exit(Ok(()));
            }
            let job = SaveJob {
                generation: state.save.generation,
                path: lab.path.clone(),
                session: Box::new(lab.session.clone()),
            };
            self.in_flight = self.writer.send(WriterMsg::Save(job)).is_ok().then(Instant::now);
            self.wait_for_writer(state);
        }
        let Some(lab) = state.lab.as_ref() else { return Flow::Exit(Ok(())) };
        if self.in_flight.is_some() {
            // The writer is stuck on the disk: the newest state goes to the durable copy, by another thread.
            self.hung = true;
            let failure = self.rescue_now(state);
            app::update(state, Action::SaveFinished { generation: state.save.generation, result: Err(failure) });
        } else if state.save.is_pending() && state.save.error.is_none() {
            let error = t!("run.writer_gone").into_owned();
            return Flow::Exit(Err(RunError::NotSaved { path: lab.path.clone(), error }));
        }
        let Some(lab) = state.lab.as_ref() else { return Flow::Exit(Ok(())) };
        let Some(failure) = state.save.error.clone() else { return Flow::Exit(Ok(())) };
        if ask {
            app::update(state, Action::QuitBlocked(failure));
            return Flow::Continue;
        }
        Flow::Exit(Err(exit_error(&lab.path, failure)))
    }

    /// Writes the newest state to the durable emergency copy and waits for it, at most [`SAVE_TIMEOUT`] (that
    /// folder may be on the stuck disk too).
    fn rescue_now(&mut self, state: &mut State) -> SaveFailure {
        let path = state.lab.as_ref().map(|lab| lab.path.clone()).unwrap_or_default();
        if state.save.generation > self.rescued_generation || self.rescue.is_some() {
            // Wait for a rescue already writing, then write the newest state.
            if self.rescue.is_none() {
                self.wait_for_rescue(state);
            }
            self.start_rescue(state);
        }
        match self.wait_for_rescue(state) {
            Some(written) => hung_failure(&path, written),
            None => hung_failure(&path, Vec::new()),
        }
    }

    /// Waits for the rescue thread's answer, at most [`SAVE_TIMEOUT`]; `None` when it did not come.
    fn wait_for_rescue(&mut self, state: &mut State) -> Option<Vec<PathBuf>> {
        let deadline = Instant::now() + SAVE_TIMEOUT;
        while self.rescue.is_none() {
            match self.rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Event::Rescued { copies, written, .. }) => {
                    self.rescue = Some(copies);
                    return Some(written);
                }
                Ok(Event::Saved { generation, result }) => {
                    self.in_flight = None;
                    app::update(state, Action::SaveFinished { generation, result });
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }

    /// Blocks until the save in flight (if any) has reported, for at most [`SAVE_TIMEOUT`] after it was sent.
    fn wait_for_writer(&mut self, state: &mut State) {
        while let Some(since) = self.in_flight {
            let left = (since + SAVE_TIMEOUT).saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Event::Saved { generation, result }) => {
                    self.in_flight = None;
                    self.hung = false;
                    app::update(state, Action::SaveFinished { generation, result });
                }
                Ok(Event::Rescued { copies, .. }) => self.rescue = Some(copies),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }

    /// Writes the session to a new file beside its old one (`NAME-YYYYMMDD-HHMMSS.json`, never over
    /// anything), locks it, and has the writer save there from now on; the old file keeps the other program's
    /// version.
    fn save_as_new(&mut self, old: &Path, session: &Session) -> Result<PathBuf, String> {
        let stem = old.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
        let stamp = crate::clock::now_in(session.plan.utc_offset.fixed()).format("%Y%m%d-%H%M%S");
        let dir = old.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut last_error = String::new();
        for n in 1..100 {
            let name = if n == 1 { format!("{stem}-{stamp}.json") } else { format!("{stem}-{stamp}-{n}.json") };
            let path = dir.join(name);
            match store::create(&path, session) {
                Ok(()) => {
                    let opened = OpenSession::open(&path).map_err(|e| e.to_string())?;
                    let track =
                        WriterMsg::Track { path: opened.path.clone(), version: opened.version, lock: opened.lock };
                    let _ = self.writer.send(track);
                    return Ok(opened.path);
                }
                Err(store::SaveError::Exists { .. }) => continue,
                Err(e) => {
                    last_error = e.to_string();
                    break;
                }
            }
        }
        Err(last_error)
    }

    /// Ctrl-Z or SIGTSTP: the unsaved changes are handed to the writer, the terminal is given back as it was,
    /// the process stops; on `fg` the screen is entered again and drawn whole.
    fn suspend(
        &mut self,
        state: &mut State,
        terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    ) -> Result<(), RunError> {
        if state.save.is_pending() {
            self.save_due = Some(Instant::now());
            self.maybe_send_save(state);
        }
        restore_terminal();
        let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP);
        // Continued (`fg`).
        enter_terminal()?;
        // A blank screen and blank buffers behind it, so the next frame is drawn whole. (`Terminal::clear`
        // would ask the terminal where its cursor is, and the input thread reads the answer.)
        execute!(io::stdout(), crossterm::terminal::Clear(crossterm::terminal::ClearType::All))?;
        terminal.swap_buffers();
        terminal.swap_buffers();
        let size = terminal.size()?;
        app::update(state, Action::Resize { width: size.width, height: size.height });
        Ok(())
    }
}

/// Whether a failure to make the lock file means the folder cannot be written at all.
fn is_read_only(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem)
}

/// The failure the status bar shows while the writer does not answer.
fn hung_failure(path: &Path, written: Vec<PathBuf>) -> SaveFailure {
    let message = t!("save.hung", path = shown(&path), secs = SAVE_TIMEOUT.as_secs()).into_owned();
    SaveFailure { message, emergency: written, conflict: false }
}

/// The one line `innolab run` ends with when the last save did not reach the file.
fn exit_error(path: &Path, failure: SaveFailure) -> RunError {
    if failure.emergency.is_empty() {
        RunError::NotSaved { path: path.to_path_buf(), error: failure.message }
    } else {
        let copy = failure.copies_text();
        RunError::SavedElsewhere { path: path.to_path_buf(), copy, error: failure.message }
    }
}

/// The report files the export key writes to the exports folder beside the session, in the screen's
/// language: the workbook, the laporan, the ideas as CSV (laid out for an Indonesian-locale spreadsheet app)
/// and the tally as JSON.
fn export_all(
    path: &Path,
    session: &Session,
    lang: crate::i18n::Lang,
    folder: Option<&Path>,
) -> Result<Vec<PathBuf>, String> {
    use crate::export::{ExportFormat, default_file_name};
    let mut written = Vec::new();
    for format in [ExportFormat::Xlsx, ExportFormat::Md, ExportFormat::Csv, ExportFormat::Json] {
        let target = default_file_name(path, format);
        let target = match (folder, target.file_name()) {
            (Some(folder), Some(name)) => folder.join(name),
            _ => target,
        };
        cli::write_report(session, path, format, &target, true, lang).map_err(|e| e.to_string())?;
        written.push(target);
    }
    Ok(written)
}

/// Debug builds only: with `INNOLAB_DEBUG_PANIC` set, F12 panics, so a test can prove a panic restores the
/// terminal and leaves the last saved file intact. Release builds have no such key.
fn debug_panic_trigger(key: &crossterm::event::KeyEvent) {
    #[cfg(debug_assertions)]
    if key.code == crossterm::event::KeyCode::F(12) && std::env::var_os("INNOLAB_DEBUG_PANIC").is_some() {
        panic!("debug panic requested with F12 (INNOLAB_DEBUG_PANIC is set)");
    }
    let _ = key;
}

fn spawn_input(tx: Sender<Event>) {
    thread::spawn(move || {
        while let Ok(event) = event::read() {
            if tx.send(Event::Term(event)).is_err() {
                break;
            }
        }
    });
}

fn spawn_signals(tx: Sender<Event>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGTSTP};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP]) else { return };
    thread::spawn(move || {
        for signal in signals.forever() {
            let event = if signal == SIGTSTP { Event::Suspend } else { Event::Signal };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
}

/// The background writer: saves the newest job it has, skipping older ones queued behind it, so bursts of
/// changes cost one write and typing never waits for the disk. It saves only over the version of the file it
/// knows; when a save fails (disk full, folder gone, file changed by another program) it writes the emergency
/// copy and reports both.
fn spawn_writer(events: Sender<Event>) -> Sender<WriterMsg> {
    let (tx, rx) = mpsc::channel::<WriterMsg>();
    thread::spawn(move || {
        // The open session: its file's version and its lock. Opening another drops (releases) the old one.
        let mut tracked: Option<(PathBuf, Option<store::FileVersion>, SessionLock)> = None;
        // One set of emergency copies per streak of failed saves, rewritten with the newest state each time.
        let mut emergency = rescue::Copies::default();
        while let Ok(msg) = rx.recv() {
            let mut job = match msg {
                WriterMsg::Track { path, version, lock } => {
                    tracked = Some((path, version, lock));
                    continue;
                }
                WriterMsg::Rebase { path, version } => {
                    rebase(&mut tracked, &path, version);
                    continue;
                }
                WriterMsg::Save(job) => job,
            };
            while let Ok(newer) = rx.try_recv() {
                match newer {
                    WriterMsg::Track { path, version, lock } => tracked = Some((path, version, lock)),
                    WriterMsg::Rebase { path, version } => rebase(&mut tracked, &path, version),
                    WriterMsg::Save(newer) => job = newer,
                }
            }
            let offset = job.session.plan.utc_offset.fixed();
            let now = crate::clock::now_in(offset);
            let result = match save_tracked(&mut tracked, &job) {
                Ok(outcome) => {
                    emergency = rescue::Copies::default();
                    if matches!(outcome, Some(store::Guarded::Recreated(_))) {
                        let _ = events.send(Event::Recreated(job.path.clone()));
                    }
                    Ok(now)
                }
                Err(e) => {
                    let copies = emergency.write(&job.path, &job.session, now, rescue::Places::Both);
                    let conflict = matches!(e, store::SaveError::ChangedElsewhere { .. });
                    Err(SaveFailure { message: e.to_string(), emergency: copies, conflict })
                }
            };
            if events.send(Event::Saved { generation: job.generation, result }).is_err() {
                break;
            }
        }
    });
    tx
}

fn rebase(
    tracked: &mut Option<(PathBuf, Option<store::FileVersion>, SessionLock)>,
    path: &Path,
    version: Option<store::FileVersion>,
) {
    if let Some((known, old, _)) = tracked.as_mut()
        && known == path
    {
        *old = version;
    }
}

/// One save of the writer: for the open session, only while its lock is still ours (checked before and
/// after) and only over the version of its file we know; a job for a session closed since is saved plainly.
fn save_tracked(
    tracked: &mut Option<(PathBuf, Option<store::FileVersion>, SessionLock)>,
    job: &SaveJob,
) -> Result<Option<store::Guarded>, store::SaveError> {
    let Some((path, version, lock)) = tracked.as_mut().filter(|(path, ..)| *path == job.path) else {
        store::save(&job.path, &job.session)?;
        return Ok(None);
    };
    let lost = || store::SaveError::LockLost { path: path.clone() };
    lock.ensure().map_err(|_| lost())?;
    let outcome = store::save_guarded(&store::RealDisk, path, &job.session, *version)?;
    *version = Some(outcome.version());
    if !lock.is_current() {
        return Err(lost());
    }
    Ok(Some(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    use chrono::NaiveDate;

    use crate::model::{Plan, Session};

    type Hand<T> = Rc<Cell<T>>;

    /// A clock whose wall and monotonic times the test moves.
    fn fake_clock(start: DateTime<Utc>) -> (Clock, Hand<DateTime<Utc>>, Hand<Duration>) {
        let wall = Rc::new(Cell::new(start));
        let mono = Rc::new(Cell::new(Duration::ZERO));
        let (w, m) = (wall.clone(), mono.clone());
        (Clock::with_sources(Box::new(move || w.get()), Box::new(move || m.get())), wall, mono)
    }

    fn advance(wall: &Cell<DateTime<Utc>>, mono: &Cell<Duration>, secs: u64) {
        wall.set(wall.get() + chrono::Duration::seconds(secs as i64));
        mono.set(mono.get() + Duration::from_secs(secs));
    }

    #[test]
    fn wall_clock_jumps_are_detected_and_the_timer_keeps_its_time() {
        let start = DateTime::parse_from_rfc3339("2022-11-03T06:00:00Z").unwrap().with_timezone(&Utc);
        let (mut clock, wall, mono) = fake_clock(start);
        let plan = Plan::builtin(NaiveDate::from_ymd_opt(2022, 11, 2).unwrap());
        let session = Session::new(plan, clock.now());
        let mut state = State::with_session(Lang::En, ThemeName::Projector, clock.now(), "lab.json".into(), session);
        app::update(&mut state, Action::ToggleTimer);
        let step = |clock: &mut Clock, state: &mut State| {
            if let Some(secs) = clock.check_jump() {
                app::update(state, Action::ClockJumped { secs });
            }
            app::update(state, Action::Tick(clock.now()));
            state.lab.as_ref().unwrap().timer_view(state.now).remaining
        };
        advance(&wall, &mono, 10);
        assert_eq!(clock.check_jump(), None, "a steady clock is not a jump");
        assert_eq!(step(&mut clock, &mut state), 30 * 60 - 10);
        // The system clock is set an hour forward while one second passes.
        wall.set(wall.get() + chrono::Duration::seconds(3600));
        advance(&wall, &mono, 1);
        assert_eq!(step(&mut clock, &mut state), 30 * 60 - 11);
        assert!(state.notice.as_ref().is_some_and(|n| n.text.contains("+60")));
        assert_eq!(clock.now().with_timezone(&Utc), wall.get(), "the clock follows the new wall time");
        // And two hours back.
        wall.set(wall.get() - chrono::Duration::seconds(7200));
        advance(&wall, &mono, 1);
        assert_eq!(step(&mut clock, &mut state), 30 * 60 - 12);
        assert!(state.notice.as_ref().is_some_and(|n| n.text.contains("-120")));
        // A saved deadline after the jumps still gives the same remaining time on a restart.
        let timer = state.lab.as_ref().unwrap().session.progress.timer.clone();
        assert_eq!(timer.remaining_at(clock.now()), 30 * 60 - 12);
    }

    #[test]
    fn a_pinned_clock_never_jumps() {
        let start = DateTime::parse_from_rfc3339("2022-11-03T06:00:00Z").unwrap().with_timezone(&Utc);
        let (mut clock, wall, _) = fake_clock(start);
        clock.pinned = true;
        wall.set(start + chrono::Duration::seconds(9999));
        assert_eq!(clock.check_jump(), None);
    }
}
