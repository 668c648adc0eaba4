//! The runtime around the pure app: one event channel fed by the keyboard, signals, the saver and
//! background jobs; the clock read once per turn; every action through `update`, every effect carried out.
//! `terminal` owns the screen set-up, `clock` the time, `saver` the writes.

mod clock;
pub mod coach;
mod room;
mod saver;
mod terminal;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent};
use crossterm::execute;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use rust_i18n::t;

use crate::app::{self, Action, Effect, Failure, SaveFailure, StartEntry, StartList, State, keymap};
use crate::catalog;
use crate::i18n::Lang;
use crate::model::Timestamp;
use crate::model::text::shown;
use crate::ops::{self, NewOptions, OpsError};
use crate::store::{self, OpenSession, rescue};
use crate::ui::{self, theme::ThemeName};
use clock::Clock;
pub use saver::SAVE_TIMEOUT;
use saver::{Finish, Saver};
use terminal::{TerminalGuard, enter_terminal, restore_terminal};

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
    /// `lang` was given on the command line: it wins over the language a session was left in.
    pub lang_pinned: bool,
    pub theme: ThemeName,
    pub room: RoomOptions,
}

/// Room mode from the command line: on from the start (`--room`), and where to listen (`--bind`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoomOptions {
    pub on: bool,
    pub bind: Option<std::net::SocketAddr>,
}

#[derive(Debug)]
pub enum RunError {
    NoTerminal,
    Ops(OpsError),
    Terminal(io::Error),
    /// The last save failed on the way out; the session was written to the emergency copies.
    SavedElsewhere {
        path: PathBuf,
        failure: SaveFailure,
    },
    /// The last save failed on the way out and no copy could be written either.
    NotSaved {
        path: PathBuf,
        failure: SaveFailure,
    },
    /// The writer thread is gone with changes unsaved.
    WriterGone {
        path: PathBuf,
    },
}

impl RunError {
    /// The lines `innolab run` ends with, in `lang`: one per problem.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let l = lang.code();
        let line = match self {
            RunError::NoTerminal => t!("run.no_terminal", locale = l),
            RunError::Ops(e) => return e.lines(lang),
            RunError::Terminal(e) => t!("run.terminal", error = e, locale = l),
            RunError::SavedElsewhere { path, failure } => t!(
                "run.emergency",
                path = shown(path),
                copy = failure.copies_text(),
                error = failure.message(lang),
                locale = l
            ),
            RunError::NotSaved { path, failure } => {
                t!("run.not_saved", path = shown(path), error = failure.message(lang), locale = l)
            }
            RunError::WriterGone { path } => {
                let error = t!("run.writer_gone", locale = l);
                t!("run.not_saved", path = shown(path), error = error, locale = l)
            }
        };
        vec![line.into_owned()]
    }
}

impl From<OpsError> for RunError {
    fn from(e: OpsError) -> Self {
        RunError::Ops(e)
    }
}

impl From<io::Error> for RunError {
    fn from(e: io::Error) -> Self {
        RunError::Terminal(e)
    }
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
    /// A background export finished.
    Exported(Result<ops::ExportedAll, Failure>),
    /// The emergency copy written while the writer does not answer: where it went (empty: nowhere).
    Rescued {
        generation: u64,
        copies: rescue::Copies,
        written: Vec<PathBuf>,
    },
    /// The session file had been deleted by another program and was written again.
    Recreated(PathBuf),
    /// The writer would not append the journal line it was given: the change is to be written whole.
    LineRefused,
    /// A phone's request (room mode).
    Room(room::RoomRequest),
    /// The coach's own screen (`innolab attach`): connected, a key, gone.
    Coach(coach::CoachEvent),
}

/// What the loop does after an effect.
enum Flow {
    Continue,
    Exit(Result<(), RunError>),
}

/// The shortest time between two frames drawn for phones alone (room mode): 60 a second.
const PHONE_FRAME: Duration = Duration::from_millis(16);

/// Runs the app until the coach quits. Refuses to start without a terminal on stdin and stdout.
pub fn run(options: RunOptions) -> Result<(), RunError> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(RunError::NoTerminal);
    }
    let mut clock = Clock::start();
    let now = clock.now();
    let mut runtime = Runtime::new(&options);
    let mut state = State::new(options.lang, options.theme, now, start_list(&options.sessions_dir));
    state.lang_pinned = options.lang_pinned;
    // Open or create before the screen changes, so a bad file gives a plain one-line error.
    let opened = match &options.target {
        Target::Start => vec![],
        Target::Open(path) => runtime.open(path)?,
        Target::New { plan } => {
            let path = ops::new_session(&options.sessions_dir, &new_options(plan.clone()))?;
            runtime.open(&path)?
        }
    };
    runtime.apply(&mut state, opened)?;
    let guard = TerminalGuard::enter()?;
    let backend = CrosstermBackend::new(io::stdout());
    let mut terminal = Terminal::new(backend)?;
    let size = terminal.size()?;
    runtime.apply(&mut state, vec![Action::Resize { width: size.width, height: size.height }])?;
    if options.room.on && state.lab.is_some() {
        runtime.apply(&mut state, vec![Action::ToggleRoom])?;
    }
    runtime.coach.follow(&state);
    let result = runtime.event_loop(&mut state, &mut terminal, &mut clock);
    runtime.coach.close(result.is_ok());
    drop(terminal);
    drop(guard);
    result
}

fn new_options(plan: Option<PathBuf>) -> NewOptions {
    NewOptions { plan, ..NewOptions::default() }
}

fn start_list(dir: &Path) -> StartList {
    let entries = catalog::scan(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|e| StartEntry { path: e.path, summary: e.summary.map_err(std::sync::Arc::new) })
        .collect();
    StartList { sessions_dir: dir.to_path_buf(), entries, selected: 0 }
}

struct Runtime {
    /// Room mode: the phones' server, and the phones waiting for answers.
    room: room::Room,
    /// The coach's own screen: its socket and the one attached.
    coach: coach::Coach,
    sessions_dir: PathBuf,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    saver: Saver,
    /// An export is being written on its own thread (one at a time; `E` again meanwhile says so).
    exporting: bool,
}

impl Runtime {
    fn new(options: &RunOptions) -> Runtime {
        let (tx, rx) = mpsc::channel();
        let saver = Saver::new(tx.clone());
        Runtime {
            room: room::Room::new(options.room.bind),
            coach: coach::Coach::new(tx.clone()),
            sessions_dir: options.sessions_dir.clone(),
            tx,
            rx,
            saver,
            exporting: false,
        }
    }

    /// Locks and loads a session, then shows it. A session whose folder cannot be written (no lock file can be
    /// made there) is opened read-only: shown, never saved to. What the app is told comes back as actions,
    /// for `apply` (so their effects are carried out like any other).
    fn open(&mut self, path: &Path) -> Result<Vec<Action>, OpsError> {
        let opened = match OpenSession::open(path) {
            // Locked, but the folder takes no new file: as read-only as a folder where no lock can be made.
            Ok(opened) if store::folder_writable(&opened.path).is_err_and(|e| saver::is_read_only(&e)) => {
                let (real, session) = (opened.path, opened.session);
                drop(opened.lock);
                self.saver.read_only();
                return Ok(vec![
                    Action::SessionOpened { path: real, session: Box::new(session) },
                    Action::OpenedReadOnly,
                ]);
            }
            Err(store::OpenError::Lock(store::LockError::Io { source, .. })) if saver::is_read_only(&source) => {
                let real = store::real_path(path);
                let session = store::load(&real)?;
                self.saver.read_only();
                return Ok(vec![
                    Action::SessionOpened { path: real, session: Box::new(session) },
                    Action::OpenedReadOnly,
                ]);
            }
            other => other?,
        };
        self.saver.track(opened.path.clone(), opened.version, opened.lock);
        Ok(vec![Action::SessionOpened { path: opened.path, session: Box::new(opened.session) }])
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
        // A frame asked for by the coach (a key, the clock) is drawn at once; one asked for only by phones
        // (room mode) or the writer's answers waits until `PHONE_FRAME` after the last, so a room sending at
        // once costs at most 60 frames a second, not one per idea.
        let mut urgent = true;
        let mut drawn_at = Instant::now();
        loop {
            let mut timeout = self.next_wake(state, clock);
            if redraw {
                let wait = PHONE_FRAME.saturating_sub(drawn_at.elapsed());
                if urgent || wait.is_zero() {
                    terminal.draw(|frame| ui::view(state, frame))?;
                    (redraw, urgent, drawn_at) = (false, false, Instant::now());
                    if let Some(gone) = self.coach.draw(state) {
                        redraw = true;
                        if let Flow::Exit(result) = self.apply(state, vec![gone])? {
                            return result;
                        }
                    }
                } else {
                    timeout = timeout.min(wait);
                }
            }
            // Everything already queued is handled before the next frame: a burst (a paste, a resize storm, a
            // held key) costs one frame, not one each.
            let mut events = vec![self.next_event(timeout)];
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
            urgent |= !clock_actions.is_empty();
            if let Flow::Exit(result) = self.apply(state, clock_actions)? {
                return result;
            }
            self.saver.watch(state);
            for event in events {
                // The coach's keys and what ends or suspends the app; not phones, nor the writer's answers.
                urgent |= matches!(
                    event,
                    Ok(Event::Term(_)
                        | Event::Signal
                        | Event::Suspend
                        | Event::Exported(_)
                        | Event::Recreated(_)
                        | Event::Coach(_))
                );
                // A coach screen that connects or resizes is drawn whole at once.
                redraw |= matches!(event, Ok(Event::Coach(_)));
                if let Ok(Event::Suspend) = event {
                    let resized = self.suspend(state, terminal)?;
                    redraw = true;
                    if let Flow::Exit(result) = self.apply(state, resized)? {
                        return result;
                    }
                    continue;
                }
                // Keys are read in the mode the previous event left, so translate one event at a time.
                let actions = self.actions_for(state, event);
                redraw |= !actions.is_empty();
                if let Flow::Exit(result) = self.apply(state, actions)? {
                    return result;
                }
            }
            self.saver.send_due(state);
            self.coach.follow(state);
            if let Some(action) = self.room.after_turn(state) {
                redraw = true;
                if let Flow::Exit(result) = self.apply(state, vec![action])? {
                    return result;
                }
            }
        }
    }

    /// The next event, or none within `timeout`. While a phone's commit window is open the loop does not wake
    /// for each request that comes: it pauses until the window closes, then takes all that came (a room
    /// sending at once costs one wake-up of the loop per write, not one per idea). A key waits at most the
    /// window (2 ms) for it.
    fn next_event(&self, timeout: Duration) -> Result<Event, RecvTimeoutError> {
        match self.saver.gathering().filter(|pause| *pause < timeout) {
            Some(pause) => {
                thread::sleep(pause);
                self.rx.try_recv().map_err(|e| match e {
                    mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                    mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                })
            }
            None => self.rx.recv_timeout(timeout),
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
                keymap::action_for(state.mode(), key).into_iter().collect()
            }
            Ok(Event::Term(TermEvent::Paste(text))) => vec![Action::Paste(text)],
            Ok(Event::Term(TermEvent::Resize(width, height))) => vec![Action::Resize { width, height }],
            Ok(Event::Term(_)) => vec![],
            Ok(Event::Signal) => vec![Action::Terminate],
            Ok(Event::Suspend) => vec![],
            Ok(Event::Recreated(path)) => vec![Action::FileRecreated(path)],
            Ok(Event::Saved { generation, result }) => vec![self.saver.saved(generation, result)],
            Ok(Event::LineRefused) => {
                self.saver.line_refused();
                vec![]
            }
            Ok(Event::Rescued { generation, copies, written }) => {
                self.saver.rescued(state, generation, copies, written)
            }
            Ok(Event::Exported(result)) => {
                self.exporting = false;
                vec![Action::Exported(result)]
            }
            Ok(Event::Room(request)) => vec![self.room.request(request)],
            Ok(Event::Coach(event)) => self.coach.event(state, event),
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
            .is_some_and(|lab| lab.timer_for_current().running || lab.fresh_idea(state.now).is_some())
            || state.notice.is_some()
            || state.time_up_at.is_some()
            || state.shows_board();
        let wake = if busy {
            to_next_second
        } else {
            let into_minute = now.timestamp().rem_euclid(60) as u64;
            Duration::from_secs(59 - into_minute) + to_next_second
        };
        // At least 1 ms, so that something due now does not spin the loop; no more, or a phone's commit
        // window (`saver::COMMIT_WINDOW`, 2 ms) would stretch to this floor when the room is quiet.
        self.room.wake_within(state, self.saver.wake_within(wake)).max(Duration::from_millis(1))
    }

    /// Carries out one effect.
    fn perform(&mut self, state: &mut State, effect: Effect) -> Result<Flow, RunError> {
        match effect {
            Effect::Save => self.saver.schedule(),
            Effect::SaveNow => self.saver.schedule_now(),
            Effect::Bell => {
                let mut out = io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            }
            Effect::Open(path) => {
                let actions = self.open(&path).unwrap_or_else(|e| vec![Action::OpenFailed(e.into())]);
                return self.apply(state, actions);
            }
            Effect::NewSession { plan, title, first_day } => {
                let options = NewOptions { plan, title, start_date: first_day, ..NewOptions::default() };
                let opened = ops::new_session(&self.sessions_dir, &options).and_then(|path| self.open(&path));
                let actions = opened.unwrap_or_else(|e| vec![Action::OpenFailed(e.into())]);
                return self.apply(state, actions);
            }
            Effect::Export { lang } => self.export(state, lang),
            Effect::Quit { ask } => return Ok(self.shut_down(state, ask)),
            Effect::Suspend => {
                let _ = self.tx.send(Event::Suspend);
            }
            Effect::ReloadFromDisk => {
                if let Some(lab) = state.lab.as_ref() {
                    let path = lab.path.clone();
                    let journal = store::journal::base(&path);
                    let mut journal_included = true;
                    let result = match store::load_version(&path) {
                        Ok((session, version)) => {
                            // Their file holds our journal when an innolab wrote it (and retired the journal)
                            // or when the journal still extends it (it was replayed); else ours is stale.
                            journal_included = journal.is_none() || journal == version.map(|v| v.journal_base());
                            // The writer saves over this version from now on.
                            self.saver.rebase(path, version);
                            Ok(Box::new(session))
                        }
                        Err(e) => Err(e.into()),
                    };
                    // The merged session's save (an `Effect::Save`) goes through `apply`, never dropped.
                    return self.apply(state, vec![Action::Reloaded { result, journal_included }]);
                }
            }
            Effect::SaveAsNew => {
                if let Some(lab) = state.lab.as_ref() {
                    let result = self.saver.save_as_new(&lab.path, &lab.session);
                    return self.apply(state, vec![Action::SavedAsNew(result)]);
                }
            }
            Effect::Room { on: true } => {
                let started = self.room.start(&self.tx, state);
                return self.apply(state, vec![started]);
            }
            Effect::Room { on: false } => self.room.stop(),
            Effect::RoomReply { reply, answer, after } => self.room.answer(state, reply, answer, after),
            Effect::QuitNow(failure) => {
                let result = match (failure, state.lab.as_ref()) {
                    (Some(failure), Some(lab)) => Err(exit_error(&lab.path, failure)),
                    _ => Ok(()),
                };
                return Ok(Flow::Exit(result));
            }
        }
        Ok(Flow::Continue)
    }

    /// Export on a thread of its own, so a big workbook never stops the timer or the keys; the answer comes
    /// back as [`Event::Exported`]. A read-only session's reports go to the per-user folder.
    fn export(&mut self, state: &State, lang: Lang) {
        let Some(lab) = state.lab.as_ref() else { return };
        if self.exporting {
            return;
        }
        self.exporting = true;
        let (path, session, tx) = (lab.path.clone(), lab.session.clone(), self.tx.clone());
        let folder = if self.saver.is_read_only() { ops::read_only_exports_dir() } else { None };
        thread::spawn(move || {
            let result = ops::export_all(&path, &session, lang, folder.as_deref()).map_err(Failure::from);
            let _ = tx.send(Event::Exported(result));
        });
    }

    /// Lets the saver finish; if the last state is not in the file, with `ask` the coach is asked before
    /// leaving, else the error says where the emergency copy is.
    fn shut_down(&mut self, state: &mut State, ask: bool) -> Flow {
        let finish = self.saver.finish(state, &self.rx, &mut update_without_effects);
        let path = state.lab.as_ref().map(|lab| lab.path.clone()).unwrap_or_default();
        match finish {
            Finish::Clean => Flow::Exit(Ok(())),
            Finish::WriterGone => Flow::Exit(Err(RunError::WriterGone { path })),
            Finish::Failed(failure) if ask => {
                update_without_effects(state, Action::QuitBlocked(failure));
                Flow::Continue
            }
            Finish::Failed(failure) => Flow::Exit(Err(exit_error(&path, failure))),
        }
    }

    /// Ctrl-Z or SIGTSTP: the unsaved changes are handed to the writer, the terminal is given back as it was,
    /// the process stops; on `fg` the screen is entered again and drawn whole.
    fn suspend(
        &mut self,
        state: &mut State,
        terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    ) -> Result<Vec<Action>, RunError> {
        self.saver.flush(state);
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
        Ok(vec![Action::Resize { width: size.width, height: size.height }])
    }
}

/// `update` for the actions of the way out (save results, the quit question): they change what the screen
/// says and ask for nothing, so there is no effect to carry out (checked in debug builds and tests).
fn update_without_effects(state: &mut State, action: Action) {
    let effects = app::update(state, action);
    debug_assert!(effects.is_empty(), "an action of the way out asked for {effects:?}");
}

/// The one line `innolab run` ends with when the last save did not reach the file.
fn exit_error(path: &Path, failure: SaveFailure) -> RunError {
    let path = path.to_path_buf();
    if failure.emergency.is_empty() {
        RunError::NotSaved { path, failure }
    } else {
        RunError::SavedElsewhere { path, failure }
    }
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
