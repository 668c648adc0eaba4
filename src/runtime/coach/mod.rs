//! The coach's own screen in the runtime: a local socket beside the running app, one coach screen at a time
//! (a new one replaces the old), its keys turned into actions for `update` (the app stays the one writer
//! of the session), and the coach's view drawn here and sent to it as the cells that changed.
//! `wire` is what travels, `socket` where it lives and who may use it, `attach` the coach screen's side.

pub mod attach;
pub mod socket;
pub mod wire;

use std::io::{BufReader, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender, SyncSender, TrySendError};
use std::thread;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::Event;
use crate::app::{Action, State, keymap};
use crate::ui;
use wire::{FrameCells, Refusal, ToCoach, ToRunner};

/// How long a new connection has to say hello.
const HELLO_WITHIN: Duration = Duration::from_secs(5);
/// How long one write to the coach screen may take before it is let go.
const WRITE_WITHIN: Duration = Duration::from_secs(1);
/// Frames waiting for a slow coach screen; past this the next frame is sent whole instead. The queue holds
/// two more lines, so a goodbye or "replaced" always finds room.
const FRAMES_QUEUED: usize = 4;
/// The largest coach screen drawn (a 4K screen with a small font is about 480x135): a full frame stays a few
/// MiB, well under what the coach screen reads in one line, and quick to draw.
const MAX_WIDTH: u16 = 800;
const MAX_HEIGHT: u16 = 250;

/// What the socket tells the loop.
pub(crate) enum CoachEvent {
    /// A coach screen said hello for our session.
    Connected {
        id: u64,
        stream: UnixStream,
        width: u16,
        height: u16,
    },
    Input {
        id: u64,
        input: ToRunner,
    },
    /// The coach screen closed, was killed, or sent something that is not a message.
    Gone {
        id: u64,
    },
}

/// The coach screen's side of the runtime.
pub(super) struct Coach {
    events: Sender<Event>,
    listening: Option<Listening>,
    client: Option<Client>,
    next_id: Arc<AtomicU64>,
    /// The session a socket could not be made for (not tried again for it).
    failed_for: Option<PathBuf>,
    /// The lab path `listening` or `failed_for` was settled for: `follow` runs every turn of the loop (a room
    /// sending at once makes thousands), and resolving the path again each time is a dozen system calls.
    followed: Option<PathBuf>,
}

struct Listening {
    /// The session, as [`socket::session_key`] names it.
    session: PathBuf,
    path: PathBuf,
    /// The socket file's identity, so only ours is ever removed.
    inode: (u64, u64),
    stop: Arc<AtomicBool>,
}

struct Client {
    id: u64,
    out: SyncSender<(Vec<u8>, bool)>,
    /// Frames in `out` not yet written.
    queued: Arc<AtomicUsize>,
    writer: Option<thread::JoinHandle<()>>,
    stream: UnixStream,
    terminal: Terminal<TestBackend>,
    /// What the coach screen shows now; `None`: the next frame goes whole.
    sent: Option<Buffer>,
}

impl Coach {
    pub fn new(events: Sender<Event>) -> Coach {
        Coach {
            events,
            listening: None,
            client: None,
            next_id: Arc::new(AtomicU64::new(1)),
            failed_for: None,
            followed: None,
        }
    }

    /// Listens for the session open now (and for no other): started when a session opens, moved when
    /// another opens. A folder or socket that cannot be made leaves the app as it is, without a coach screen
    /// (`innolab attach` then says why).
    pub fn follow(&mut self, state: &State) {
        let Some(lab) = state.lab.as_ref() else { return };
        // The same lab path as last time: settled (a session's path is resolved once, when it is opened).
        if self.followed.as_ref() == Some(&lab.path) && (self.listening.is_some() || self.failed_for.is_some()) {
            return;
        }
        self.followed = Some(lab.path.clone());
        let key = socket::session_key(&lab.path);
        if self.listening.as_ref().is_some_and(|l| l.session == key) || self.failed_for.as_ref() == Some(&key) {
            return;
        }
        self.listening = None;
        let dir = socket::socket_dir(true).ok();
        match dir.and_then(|dir| self.listen(&dir, &key, socket::own_uid())) {
            Some(listening) => self.listening = Some(listening),
            None => self.failed_for = Some(key),
        }
    }

    /// Listens in `dir` for coach screens of `session` run by `owner`.
    fn listen(&self, dir: &Path, session: &Path, owner: rustix::process::Uid) -> Option<Listening> {
        let path = socket::socket_path(dir, session);
        // A socket left by an app that was killed answers nobody: it is removed. One that answers belongs to
        // a running app (a session opened read-only twice): it is left alone.
        if std::fs::symlink_metadata(&path).is_ok() {
            if UnixStream::connect(&path).is_ok() {
                return None;
            }
            std::fs::remove_file(&path).ok()?;
        }
        let listener = UnixListener::bind(&path).ok()?;
        socket::owner_only(&path).ok()?;
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let accept = Accept {
            session: session.to_path_buf(),
            owner,
            events: self.events.clone(),
            next_id: Arc::clone(&self.next_id),
            stop: Arc::clone(&stop),
        };
        thread::Builder::new().name("coach-accept".into()).spawn(move || accept.run(&listener)).ok()?;
        Some(Listening { session: session.to_path_buf(), path, inode: (meta.dev(), meta.ino()), stop })
    }

    /// What one socket event means for the app.
    pub fn event(&mut self, state: &State, event: CoachEvent) -> Vec<Action> {
        match event {
            CoachEvent::Connected { id, stream, width, height } => {
                let replaced = self.client.take();
                if let Some(old) = replaced.as_ref() {
                    old.tell(&ToCoach::Replaced);
                }
                drop(replaced);
                self.client = Client::new(id, stream, width, height);
                match &self.client {
                    Some(_) if state.coach.attached => vec![],
                    Some(_) => vec![Action::CoachAttached],
                    None => vec![Action::CoachDetached],
                }
            }
            CoachEvent::Input { id, input } if self.is_current(id) => match input {
                // Ctrl-Z stops the coach screen itself (`attach` handles it), never the wall's process.
                ToRunner::Key(key) => {
                    keymap::action_for(state.mode(), key).into_iter().filter(|a| *a != Action::Suspend).collect()
                }
                ToRunner::Paste(text) => vec![Action::Paste(text)],
                ToRunner::Resize { width, height } => {
                    if let Some(client) = self.client.as_mut() {
                        client.resize(width, height);
                    }
                    vec![]
                }
                ToRunner::Hello { .. } => vec![],
            },
            CoachEvent::Gone { id } if self.is_current(id) => {
                self.client = None;
                vec![Action::CoachDetached]
            }
            CoachEvent::Input { .. } | CoachEvent::Gone { .. } => vec![],
        }
    }

    fn is_current(&self, id: u64) -> bool {
        self.client.as_ref().is_some_and(|c| c.id == id)
    }

    /// Draws the coach's view and sends what changed; a coach screen that is gone is let go.
    pub fn draw(&mut self, state: &State) -> Option<Action> {
        let client = self.client.as_mut()?;
        if client.draw(state) {
            return None;
        }
        self.client = None;
        Some(Action::CoachDetached)
    }

    /// The app is closing: the coach screen is told whether everything is saved, and the socket removed.
    pub fn close(&mut self, saved: bool) {
        if let Some(mut client) = self.client.take() {
            client.tell(&ToCoach::Bye { saved });
            // The goodbye is written before the process ends (bounded by the writer's timeout).
            let writer = client.writer.take();
            drop(client);
            if let Some(writer) = writer {
                let _ = writer.join();
            }
        }
        self.listening = None;
    }
}

#[cfg(test)]
mod tests;

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept thread, which then sees `stop`.
        let _ = UnixStream::connect(&self.path);
        let ours = std::fs::symlink_metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) == self.inode);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Client {
    fn new(id: u64, stream: UnixStream, width: u16, height: u16) -> Option<Client> {
        let (out, frames) = mpsc::sync_channel::<(Vec<u8>, bool)>(FRAMES_QUEUED + 2);
        let queued = Arc::new(AtomicUsize::new(0));
        let written = Arc::clone(&queued);
        let mut writer = stream.try_clone().ok()?;
        // A coach screen that stops reading holds up only its own writer, and that for a second at most.
        writer.set_write_timeout(Some(WRITE_WITHIN)).ok()?;
        let writer = thread::Builder::new()
            .name("coach-writer".into())
            .spawn(move || {
                for (line, is_frame) in frames {
                    if writer.write_all(&line).and_then(|()| writer.flush()).is_err() {
                        break;
                    }
                    if is_frame {
                        written.fetch_sub(1, Ordering::SeqCst);
                    }
                }
                let _ = writer.shutdown(std::net::Shutdown::Both);
            })
            .ok()?;
        let _ = out.try_send((wire::line(&ToCoach::Welcome), false));
        let (width, height) = clamp(width, height);
        let terminal = Terminal::new(TestBackend::new(width, height)).ok()?;
        Some(Client { id, out, queued, writer: Some(writer), stream, terminal, sent: None })
    }

    /// A message that is not a frame ("replaced", goodbye): the queue keeps room for it.
    fn tell(&self, message: &ToCoach) {
        let _ = self.out.try_send((wire::line(message), false));
    }

    fn resize(&mut self, width: u16, height: u16) {
        let (width, height) = clamp(width, height);
        self.terminal.backend_mut().resize(width, height);
        self.sent = None;
    }

    /// Draws and sends; false when the coach screen is gone.
    fn draw(&mut self, state: &State) -> bool {
        if self.terminal.draw(|frame| ui::coach_view(state, frame)).is_err() {
            return false;
        }
        let now = self.terminal.backend().buffer();
        let frame = FrameCells::between(self.sent.as_ref(), now);
        if frame.cells.is_empty() && !frame.full {
            return true;
        }
        // A coach screen that does not keep up gets the whole frame once the queue has room again (one that
        // stops reading for a second is let go by the writer, and attaches again when it reads).
        if self.queued.load(Ordering::SeqCst) >= FRAMES_QUEUED {
            self.sent = None;
            return true;
        }
        self.queued.fetch_add(1, Ordering::SeqCst);
        match self.out.try_send((wire::line(&ToCoach::Frame(frame)), true)) {
            Ok(()) => {
                self.sent = Some(now.clone());
                true
            }
            Err(TrySendError::Full(_)) => {
                self.queued.fetch_sub(1, Ordering::SeqCst);
                self.sent = None;
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // The reader thread ends on this; the writer ends when `out` goes, after what is queued.
        let _ = self.stream.shutdown(std::net::Shutdown::Read);
    }
}

fn clamp(width: u16, height: u16) -> (u16, u16) {
    (width.clamp(1, MAX_WIDTH), height.clamp(1, MAX_HEIGHT))
}

/// The accept thread: checks each connection's user and hello, then hands it to the loop and reads its
/// keys on a thread of its own.
struct Accept {
    session: PathBuf,
    owner: rustix::process::Uid,
    events: Sender<Event>,
    next_id: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Accept {
    fn run(self, listener: &UnixListener) {
        for stream in listener.incoming() {
            if self.stop.load(Ordering::SeqCst) {
                return;
            }
            let Ok(stream) = stream else {
                // Out of descriptors, say: wait a little rather than spin.
                thread::sleep(Duration::from_millis(50));
                continue;
            };
            let this = Accept {
                session: self.session.clone(),
                owner: self.owner,
                events: self.events.clone(),
                next_id: Arc::clone(&self.next_id),
                stop: Arc::clone(&self.stop),
            };
            // The hello is read on the connection's own thread: a client that says nothing delays nobody.
            let _ = thread::Builder::new().name("coach-reader".into()).spawn(move || this.serve(stream));
        }
    }

    fn serve(self, mut stream: UnixStream) {
        if let Some(refusal) = self.check(&stream) {
            let _ = stream.write_all(&wire::line(&ToCoach::Refused(refusal)));
            return;
        }
        let Ok(reading) = stream.try_clone() else { return };
        let mut reader = BufReader::new(reading);
        let _ = stream.set_read_timeout(Some(HELLO_WITHIN));
        let hello = wire::read::<ToRunner>(&mut reader, wire::MAX_INPUT_LINE);
        let Ok(Some(ToRunner::Hello { protocol, session, width, height })) = hello else { return };
        let refusal = if protocol != wire::PROTOCOL {
            Some(Refusal::Protocol)
        } else if socket::session_key(&session) != self.session {
            Some(Refusal::Session)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            let _ = stream.write_all(&wire::line(&ToCoach::Refused(refusal)));
            return;
        }
        let _ = stream.set_read_timeout(None);
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let Ok(handed) = stream.try_clone() else { return };
        if self.events.send(Event::Coach(CoachEvent::Connected { id, stream: handed, width, height })).is_err() {
            return;
        }
        while let Ok(Some(input)) = wire::read::<ToRunner>(&mut reader, wire::MAX_INPUT_LINE) {
            if self.events.send(Event::Coach(CoachEvent::Input { id, input })).is_err() {
                return;
            }
        }
        let _ = self.events.send(Event::Coach(CoachEvent::Gone { id }));
    }

    /// Refuses another user (the folder and the socket already keep them out; root does not need to ask).
    fn check(&self, stream: &UnixStream) -> Option<Refusal> {
        match socket::peer_uid(stream) {
            Ok(uid) if uid == self.owner => None,
            _ => Some(Refusal::User),
        }
    }
}
