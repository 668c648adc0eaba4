//! The saver, as one unit: when a change is written (debounced, retried), the background writer that writes
//! it under the lock and only over the file's known version, and the rescue when the disk stops answering.
//! It never changes the app's state itself: what it learns comes back as actions for `update`.
//!
//! A change to ideas and where the room is (a capture, an edit, a timer) is written as one line of the
//! session's journal (`store::journal`): its cost does not grow with the session. The file is written whole
//! for any other change (the roster, a reload), after a failed or refused line, once the journal holds
//! [`JOURNAL_LINES`] lines or [`JOURNAL_BYTES`], [`COMPACT_AFTER`] after the last line, and on the way out.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use super::Event;
use crate::app::{Action, Failure, SaveFailure, State};
use crate::model::Session;
use crate::store::rescue;
use crate::store::{self, OpenSession, SessionLock};

/// Changes that arrive in a burst (a clicker held down) are written together after this pause.
const SAVE_DEBOUNCE: Duration = Duration::from_millis(100);

/// A change a phone (or the coach's remote) waits for is written at most this long after it came, with
/// every other that comes meanwhile: one journal line and one fdatasync for a room's worth of sends, not
/// one each. Nobody notices 2 ms on a phone; a room of 300 phones sending at once gets about five times
/// fewer syncs (and as many fewer wake-ups of the writer and the loop), so more ideas a second
/// (BENCHMARKS.md, "Room mode under load III").
pub const COMMIT_WINDOW: Duration = Duration::from_millis(2);

/// A save not finished within this time means the disk does not answer (a frozen file system, a dead
/// network share): the status bar turns to NOT SAVED and the emergency copy is written by another path.
pub const SAVE_TIMEOUT: Duration = Duration::from_secs(5);

/// The journal is folded into the file once it holds this many lines …
pub const JOURNAL_LINES: u64 = 500;
/// … or this many bytes …
pub const JOURNAL_BYTES: u64 = 4 << 20;
/// … or this long after its last line, when the room is quiet.
pub const COMPACT_AFTER: Duration = Duration::from_secs(30);

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
    /// One line for the session's journal.
    Append(AppendJob),
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

struct AppendJob {
    generation: u64,
    path: PathBuf,
    line: Vec<u8>,
    /// The lab's offset, for the time the line was written.
    offset: chrono::FixedOffset,
}

pub struct Saver {
    writer: Sender<WriterMsg>,
    /// Where the writer's and the rescue thread's answers go (the runtime's event channel).
    events: Sender<Event>,
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
    /// The next save is written whole (a line failed or was refused, or the session was opened with a
    /// journal to fold in).
    force_whole: bool,
    /// Lines and bytes in the journal since the file was last written whole.
    journal_lines: u64,
    journal_bytes: u64,
    /// When the journal is folded into the file if nothing else happens.
    compact_due: Option<Instant>,
    /// The job in flight is a journal line.
    in_flight_line: bool,
}

impl Saver {
    pub fn new(events: Sender<Event>) -> Saver {
        Saver {
            writer: spawn_writer(events.clone()),
            events,
            sent_generation: 0,
            in_flight: None,
            save_due: None,
            retry_delay: Duration::ZERO,
            hung: false,
            rescue: Some(rescue::Copies::default()),
            rescued_generation: 0,
            read_only: false,
            force_whole: false,
            journal_lines: 0,
            journal_bytes: 0,
            compact_due: None,
            in_flight_line: false,
        }
    }

    /// A session opened for writing: the writer saves over its file's version, holding its lock.
    pub fn track(&mut self, path: PathBuf, version: Option<store::FileVersion>, lock: SessionLock) {
        self.read_only = false;
        self.sent_generation = 0;
        // A journal left by a crash was replayed into the session: the first save folds it into the file.
        self.force_whole = store::journal::size(&path) > 0;
        (self.journal_lines, self.journal_bytes, self.compact_due) = (0, 0, None);
        let _ = self.writer.send(WriterMsg::Track { path, version, lock });
    }

    /// A session whose folder cannot be written: nothing is saved to its file.
    pub fn read_only(&mut self) {
        self.read_only = true;
        // Nothing is written, so nothing is due: not even the fold of a journal of a session before.
        (self.save_due, self.compact_due) = (None, None);
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The file was reloaded as another program left it: the writer saves over this version from now on.
    pub fn rebase(&self, path: PathBuf, version: Option<store::FileVersion>) {
        let _ = self.writer.send(WriterMsg::Rebase { path, version });
    }

    /// A change to save: written after [`SAVE_DEBOUNCE`], with whatever else changes meanwhile.
    pub fn schedule(&mut self) {
        if self.save_due.is_none() {
            self.save_due = Some(Instant::now() + SAVE_DEBOUNCE);
        }
    }

    /// A change a phone waits for: written within [`COMMIT_WINDOW`], with whatever else comes meanwhile.
    pub fn schedule_now(&mut self) {
        let due = Instant::now() + COMMIT_WINDOW;
        self.save_due = Some(self.save_due.map_or(due, |at| at.min(due)));
    }

    /// Save now (before a suspend).
    pub fn flush(&mut self, state: &State) {
        if state.save.is_pending() {
            self.save_due = Some(Instant::now());
            self.send_due(state);
        }
    }

    /// While a commit window is open (a phone's change is due within [`COMMIT_WINDOW`] and the writer is free),
    /// how long until it closes: the loop may gather what else comes until then instead of waking for each.
    pub fn gathering(&self) -> Option<Duration> {
        if self.in_flight.is_some() || self.read_only {
            return None;
        }
        let left = self.save_due?.saturating_duration_since(Instant::now());
        (!left.is_zero() && left <= COMMIT_WINDOW).then_some(left)
    }

    /// The latest the loop may sleep, for the saver's sake.
    pub fn wake_within(&self, wake: Duration) -> Duration {
        match self.in_flight {
            // The writer's answer wakes the loop; until then only the hang deadline matters.
            Some(since) if !self.hung => wake.min((since + SAVE_TIMEOUT).saturating_duration_since(Instant::now())),
            Some(_) => wake,
            None => match self.save_due.or(self.compact_due) {
                Some(due) => wake.min(due.saturating_duration_since(Instant::now())),
                None => wake,
            },
        }
    }

    /// The writer answered: the disk works again; a failure is retried later (written whole: that is what
    /// writes the emergency copies).
    pub fn saved(&mut self, generation: u64, result: Result<crate::model::Timestamp, SaveFailure>) -> Action {
        self.in_flight = None;
        self.hung = false;
        let line = std::mem::take(&mut self.in_flight_line);
        self.schedule_retry(result.is_err());
        match (line, result.is_ok()) {
            (true, true) => {
                self.compact_due = Some(Instant::now() + COMPACT_AFTER);
                Action::Journaled { generation, result }
            }
            (true, false) => {
                self.force_whole = true;
                self.save_due = Some(Instant::now());
                Action::Journaled { generation, result }
            }
            (false, true) => {
                (self.journal_lines, self.journal_bytes, self.compact_due) = (0, 0, None);
                Action::SaveFinished { generation, result }
            }
            (false, false) => {
                // What failed may hold changes no line carries any more: the retry writes everything.
                self.force_whole = true;
                Action::SaveFinished { generation, result }
            }
        }
    }

    /// The writer would not append a line (the file is not the version it knows, or the session is not the
    /// one it holds): the change is written whole at once instead, which sorts that out.
    pub fn line_refused(&mut self) {
        self.in_flight = None;
        self.in_flight_line = false;
        self.force_whole = true;
        self.save_due = Some(Instant::now());
    }

    /// Declares the writer hung once a save has not finished within [`SAVE_TIMEOUT`], and from then on
    /// keeps the durable emergency copy up to date with every change, written by another thread.
    pub fn watch(&mut self, state: &State) {
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
        let tx = self.events.clone();
        thread::spawn(move || {
            let written = copies.write(&path, &session, now, rescue::Places::DurableOnly);
            let _ = tx.send(Event::Rescued { generation, copies, written });
        });
    }

    /// The rescue thread is back: while the writer is still stuck, the status bar says NOT SAVED and where
    /// everything is; newer changes get another copy.
    pub fn rescued(
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

    /// Hands the newest state to the writer when a save is due and the writer is free.
    pub fn send_due(&mut self, state: &State) {
        if self.read_only {
            self.save_due = None;
            return;
        }
        if self.save_due.is_none()
            && self.in_flight.is_none()
            && self.journal_lines > 0
            && self.compact_due.is_some_and(|due| Instant::now() >= due)
        {
            // Quiet for a while: the journal is folded into the file.
            self.compact_due = None;
            self.force_whole = true;
            self.send(state);
            return;
        }
        let Some(due) = self.save_due else { return };
        if self.in_flight.is_some() || Instant::now() < due {
            return;
        }
        // A failed or refused save is retried with the newest state even when nothing changed since.
        if state.save.generation > self.sent_generation || state.save.error.is_some() || self.force_whole {
            self.send(state);
        }
        self.save_due = None;
    }

    /// Hands the writer what changed since the last job: one journal line when only ideas and where the room
    /// is changed, else the whole session.
    fn send(&mut self, state: &State) {
        let Some(lab) = state.lab.as_ref() else { return };
        let journal_full = self.journal_lines >= JOURNAL_LINES || self.journal_bytes >= JOURNAL_BYTES;
        let ideas = lab.unsaved.since(self.sent_generation).filter(|_| !self.force_whole && !journal_full);
        let (msg, line) = match ideas {
            Some(ids) => {
                let line = store::journal::Record::of(&lab.session, &ids).encode();
                self.journal_lines += 1;
                self.journal_bytes += line.len() as u64;
                let job =
                    AppendJob { generation: state.save.generation, path: lab.path.clone(), line, offset: lab.offset() };
                (WriterMsg::Append(job), true)
            }
            None => {
                self.force_whole = false;
                let session = Box::new(lab.session.clone());
                (WriterMsg::Save(SaveJob { generation: state.save.generation, path: lab.path.clone(), session }), false)
            }
        };
        self.sent_generation = state.save.generation;
        self.in_flight_line = line;
        self.in_flight = self.writer.send(msg).is_ok().then(Instant::now);
    }

    /// On the way out: lets the writer finish, has it write whatever is still unsaved (through the same
    /// guarded save), and says what is still not in the file. The answers come back as actions, applied by
    /// the caller in order through `update`; `apply` is that caller.
    pub fn finish(
        &mut self,
        state: &mut State,
        rx: &Receiver<Event>,
        apply: &mut dyn FnMut(&mut State, Action),
    ) -> Finish {
        for action in self.wait_for_writer(rx) {
            apply(state, action);
        }
        let Some(lab) = state.lab.as_ref() else { return Finish::Clean };
        if self.read_only {
            if !state.save.is_pending() || state.quit_blocked().is_some() {
                return Finish::Clean;
            }
            // Nothing may be written to the file: what changed on screen goes to the emergency copy.
            let path = lab.path.clone();
            let (_, actions) = self.rescue_now(state, rx);
            for action in actions {
                apply(state, action);
            }
            let written = self.rescue.as_ref().map(|c| c.paths.clone()).unwrap_or_default();
            return Finish::Failed(SaveFailure::new(Failure::ReadOnly { path }, written));
        }
        if self.in_flight.is_none() {
            // On the way out the journal is folded into the file: the file alone is the session again.
            let journal = self.journal_lines > 0 || store::journal::size(&lab.path) > 0;
            if !state.save.is_pending() && state.save.error.is_none() && !journal {
                return Finish::Clean;
            }
            self.force_whole = true;
            self.send(state);
            for action in self.wait_for_writer(rx) {
                apply(state, action);
            }
        }
        if self.in_flight.is_some() {
            // The writer is stuck on the disk: the newest state goes to the durable copy, by another thread.
            self.hung = true;
            let (failure, actions) = self.rescue_now(state, rx);
            for action in actions {
                apply(state, action);
            }
            apply(state, Action::SaveFinished { generation: state.save.generation, result: Err(failure) });
        } else if state.save.is_pending() && state.save.error.is_none() {
            return Finish::WriterGone;
        }
        match state.save.error.clone() {
            Some(failure) => Finish::Failed(failure),
            None => Finish::Clean,
        }
    }

    /// Writes the newest state to the durable emergency copy and waits for it, at most [`SAVE_TIMEOUT`] (that
    /// folder may be on the stuck disk too).
    fn rescue_now(&mut self, state: &State, rx: &Receiver<Event>) -> (SaveFailure, Vec<Action>) {
        let path = state.lab.as_ref().map(|lab| lab.path.clone()).unwrap_or_default();
        let mut actions = Vec::new();
        if state.save.generation > self.rescued_generation || self.rescue.is_some() {
            // Wait for a rescue already writing, then write the newest state.
            if self.rescue.is_none() {
                self.wait_for_rescue(rx, &mut actions);
            }
            self.start_rescue(state);
        }
        let written = self.wait_for_rescue(rx, &mut actions).unwrap_or_default();
        (hung_failure(&path, written), actions)
    }

    /// Waits for the rescue thread's answer, at most [`SAVE_TIMEOUT`]; `None` when it did not come.
    fn wait_for_rescue(&mut self, rx: &Receiver<Event>, actions: &mut Vec<Action>) -> Option<Vec<PathBuf>> {
        let deadline = Instant::now() + SAVE_TIMEOUT;
        while self.rescue.is_none() {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Event::Rescued { copies, written, .. }) => {
                    self.rescue = Some(copies);
                    return Some(written);
                }
                Ok(Event::Saved { generation, result }) => actions.push(self.saved(generation, result)),
                Ok(Event::LineRefused) => self.line_refused(),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }

    /// Blocks until the save in flight (if any) has reported, for at most [`SAVE_TIMEOUT`] after it was sent.
    fn wait_for_writer(&mut self, rx: &Receiver<Event>) -> Vec<Action> {
        let mut actions = Vec::new();
        while let Some(since) = self.in_flight {
            let left = (since + SAVE_TIMEOUT).saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(Event::Saved { generation, result }) => actions.push(self.saved(generation, result)),
                Ok(Event::LineRefused) => self.line_refused(),
                Ok(Event::Rescued { copies, .. }) => self.rescue = Some(copies),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        actions
    }

    /// Writes the session to a new file beside its old one (`NAME-YYYYMMDD-HHMMSS.json`, never over
    /// anything), locks it, and has the writer save there from now on; the old file keeps the other program's
    /// version.
    pub fn save_as_new(&mut self, old: &Path, session: &Session) -> Result<PathBuf, Failure> {
        let stem = old.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
        let stamp = crate::clock::now_in(session.plan.utc_offset.fixed()).format("%Y%m%d-%H%M%S");
        let dir = old.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut last_error = None;
        for n in 1..100 {
            let name = if n == 1 { format!("{stem}-{stamp}.json") } else { format!("{stem}-{stamp}-{n}.json") };
            let path = dir.join(name);
            match store::create(&path, session) {
                Ok(()) => {
                    let opened = OpenSession::open(&path).map_err(Failure::from)?;
                    self.track(opened.path.clone(), opened.version, opened.lock);
                    return Ok(opened.path);
                }
                Err(store::SaveError::Exists { .. }) => continue,
                Err(e) => {
                    last_error = Some(e);
                    break;
                }
            }
        }
        let error = last_error.unwrap_or(store::SaveError::Exists { path: dir.join(format!("{stem}-{stamp}.json")) });
        Err(Failure::from(error))
    }
}

/// How the saver left things on the way out.
pub enum Finish {
    /// Everything is in the file.
    Clean,
    /// The last state is not in the file (emergency copies named in the failure).
    Failed(SaveFailure),
    /// The writer thread is gone with changes unsaved.
    WriterGone,
}

/// Whether a failure to make the lock file means the folder cannot be written at all.
pub fn is_read_only(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem)
}

/// The failure the status bar shows while the writer does not answer.
fn hung_failure(path: &Path, written: Vec<PathBuf>) -> SaveFailure {
    SaveFailure::new(Failure::Hung { path: path.to_path_buf(), secs: SAVE_TIMEOUT.as_secs() }, written)
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
        // The base of the journal this writer started (none yet: the next line starts a new journal).
        let mut journal_base: Option<String> = None;
        // Lines that came while a whole save was waiting: written after it, in order.
        let mut lines: Vec<AppendJob> = Vec::new();
        while let Ok(msg) = rx.recv() {
            let mut job = match msg {
                WriterMsg::Track { path, version, lock } => {
                    tracked = Some((path, version, lock));
                    journal_base = None;
                    continue;
                }
                WriterMsg::Rebase { path, version } => {
                    rebase(&mut tracked, &path, version);
                    journal_base = None;
                    continue;
                }
                WriterMsg::Append(line) => {
                    if !write_line(&mut tracked, &mut journal_base, line, &events) {
                        break;
                    }
                    continue;
                }
                WriterMsg::Save(job) => job,
            };
            while let Ok(newer) = rx.try_recv() {
                match newer {
                    WriterMsg::Track { path, version, lock } => {
                        tracked = Some((path, version, lock));
                        journal_base = None;
                    }
                    WriterMsg::Rebase { path, version } => {
                        rebase(&mut tracked, &path, version);
                        journal_base = None;
                    }
                    WriterMsg::Save(newer) => {
                        lines.clear();
                        job = newer;
                    }
                    WriterMsg::Append(line) => lines.push(line),
                }
            }
            let offset = job.session.plan.utc_offset.fixed();
            let now = crate::clock::now_in(offset);
            let result = match save_tracked(&mut tracked, &job) {
                Ok(outcome) => {
                    // The file holds everything now; its journal was retired.
                    journal_base = None;
                    emergency = rescue::Copies::default();
                    if matches!(outcome, Some(store::Guarded::Recreated(_))) {
                        let _ = events.send(Event::Recreated(job.path.clone()));
                    }
                    Ok(now)
                }
                Err(e) => {
                    let copies = emergency.write(&job.path, &job.session, now, rescue::Places::Both);
                    Err(SaveFailure::new(Failure::from(e), copies))
                }
            };
            if events.send(Event::Saved { generation: job.generation, result }).is_err() {
                break;
            }
            for line in lines.drain(..) {
                if !write_line(&mut tracked, &mut journal_base, line, &events) {
                    return;
                }
            }
        }
    });
    tx
}

/// Writes one journal line and says how it went; false when nobody listens any more.
fn write_line(
    tracked: &mut Option<(PathBuf, Option<store::FileVersion>, SessionLock)>,
    journal_base: &mut Option<String>,
    job: AppendJob,
    events: &Sender<Event>,
) -> bool {
    let event = match append_tracked(tracked, journal_base, &job) {
        Ok(true) => Event::Saved { generation: job.generation, result: Ok(crate::clock::now_in(job.offset)) },
        Ok(false) => Event::LineRefused,
        Err(e) => {
            Event::Saved { generation: job.generation, result: Err(SaveFailure::new(Failure::from(e), Vec::new())) }
        }
    };
    events.send(event).is_ok()
}

/// One journal line for the open session, only while its lock is ours and its file is the version we know
/// (else `Ok(false)`: the change is to be written whole, which notices and handles what happened). The first
/// line after the file was written whole starts a new journal over that version.
fn append_tracked(
    tracked: &mut Option<(PathBuf, Option<store::FileVersion>, SessionLock)>,
    journal_base: &mut Option<String>,
    job: &AppendJob,
) -> Result<bool, store::SaveError> {
    let Some((path, Some(version), lock)) = tracked.as_mut().filter(|(path, ..)| *path == job.path) else {
        return Ok(false);
    };
    let lost = || store::SaveError::LockLost { path: path.clone() };
    lock.ensure().map_err(|_| lost())?;
    if !store::FileStamp::of(path).is_ok_and(|now| now == version.stamp) {
        return Ok(false);
    }
    let base = version.journal_base();
    if journal_base.as_deref() == Some(base.as_str()) {
        store::journal::append(path, &job.line)?;
    } else {
        store::journal::start(path, &base, &job.line)?;
        *journal_base = Some(base);
    }
    if !lock.is_current() {
        return Err(lost());
    }
    Ok(true)
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

    /// A change a phone waits for is due within the commit window: never later, and never later than a
    /// save already due sooner.
    #[test]
    fn a_phones_change_is_due_within_the_commit_window() {
        let (tx, _rx) = mpsc::channel();
        let mut saver = Saver::new(tx);
        let before = Instant::now();
        saver.schedule_now();
        let due = saver.save_due.expect("a save is due");
        assert!(due > before && due <= Instant::now() + COMMIT_WINDOW, "{:?}", due - before);
        // More sends in the window join the same write: the due time does not move on.
        saver.schedule_now();
        assert_eq!(saver.save_due, Some(due));
    }

    #[test]
    fn a_read_only_session_has_nothing_due_to_wake_the_loop_for() {
        let (tx, _rx) = mpsc::channel();
        let mut saver = Saver::new(tx);
        saver.compact_due = Some(Instant::now());
        saver.schedule_now();
        saver.read_only();
        assert_eq!(saver.wake_within(Duration::from_secs(60)), Duration::from_secs(60));
        assert_eq!(saver.gathering(), None);
    }

    #[test]
    fn a_phone_brings_a_debounced_save_forward_and_an_earlier_due_is_kept() {
        let (tx, _rx) = mpsc::channel();
        let mut saver = Saver::new(tx);
        saver.schedule();
        let debounced = saver.save_due.expect("a save is due");
        saver.schedule_now();
        let now_due = saver.save_due.expect("a save is due");
        assert!(now_due < debounced && now_due <= Instant::now() + COMMIT_WINDOW);
        // A save due already (a retry, a refused line) is not put off by the window.
        let past = Instant::now().checked_sub(Duration::from_millis(1)).unwrap_or_else(Instant::now);
        saver.save_due = Some(past);
        saver.schedule_now();
        assert_eq!(saver.save_due, Some(past));
    }
}
