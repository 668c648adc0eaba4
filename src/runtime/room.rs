//! Room mode in the runtime: starts and stops the phones' server, turns what phones send into actions for
//! `update` (the session keeps one writer: this loop), answers each phone once its change is on disk, and
//! keeps the view the pages read up to date.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::Event;
use crate::app::room::RoomAnswer;
use crate::app::{Action, State};
use crate::room::addr::{DEFAULT_PORT, room_address};
use crate::room::http::Server;
use crate::room::remote::RemoteView;
use crate::room::site::{Answer, Command, RoomView, Site, Submit, SubmitLater};
use crate::room::token::Token;

/// How long a phone's request waits for the app (its change written to disk) before it is told to try
/// again (the same form again is the same submission).
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// How often at most the pages' view is made again while nobody waits for an answer.
const VIEW_EVERY: Duration = Duration::from_millis(100);

/// A phone's request, as it reaches the loop.
pub(super) struct RoomRequest {
    pub command: Command,
    pub answer: Waiting,
}

/// Who waits for the app's answer to a request.
pub(super) enum Waiting {
    /// A worker thread, blocked on this channel (at most [`ANSWER_WITHIN`]).
    Worker(Sender<RoomAnswer>),
    /// A phone's connection, answered by this function on the answers thread (with `None`, "try again",
    /// once it has waited [`ANSWER_WITHIN`]); it waits from `since`.
    Later { done: Done, since: Instant },
}

/// What answers a phone's connection, given the app's answer.
type Done = Box<dyn FnOnce(Answer) + Send>;

/// The room's side of the runtime.
pub(super) struct Room {
    /// Where to listen (`--bind`); else the first network address on [`DEFAULT_PORT`].
    bind: Option<SocketAddr>,
    server: Option<Server>,
    view: Arc<Mutex<RoomView>>,
    /// What the coach's remote reads (never the phones' pages).
    remote: Arc<Mutex<RemoteView>>,
    /// The lab the view was made from (`Lab::room_epoch`) and how far into its `room_log`.
    view_of: Option<(u64, usize)>,
    /// The save generation the view was made at.
    view_generation: Option<u64>,
    /// Phones waiting for an answer, by reply number.
    replies: HashMap<u64, Waiting>,
    /// The thread that answers phones' connections ([`Waiting::Later`]), so the loop never writes to a
    /// socket: one wake-up of it for all the answers of a write, not one per phone.
    answers: Option<Sender<(Done, Answer)>>,
    next_reply: u64,
    /// Answers held until their change is on disk: (generation, reply, answer).
    held: Vec<(u64, u64, RoomAnswer)>,
    phones: usize,
    /// When the pages' view was last made.
    published_at: Option<Instant>,
}

impl Room {
    pub fn new(bind: Option<SocketAddr>) -> Room {
        Room {
            bind,
            server: None,
            view: Arc::default(),
            remote: Arc::default(),
            view_of: None,
            view_generation: None,
            replies: HashMap::new(),
            answers: None,
            next_reply: 1,
            held: Vec::new(),
            phones: 0,
            published_at: None,
        }
    }

    /// Starts the server; the action says where phones join, or why it could not start.
    pub fn start(&mut self, events: &Sender<Event>, state: &State) -> Action {
        self.stop();
        let addr = match self.bind {
            Some(addr) if !addr.ip().is_unspecified() => addr,
            Some(addr) => {
                SocketAddr::new(room_address().map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V4), addr.port())
            }
            None => match room_address() {
                Some(ip) => SocketAddr::new(IpAddr::V4(ip), DEFAULT_PORT),
                None => {
                    let message = rust_i18n::t!("room.no_network", locale = state.lang.code()).into_owned();
                    return Action::RoomFailed { message };
                }
            },
        };
        // Two secrets, new at each start: the phones' join token, and the coach's remote's.
        let (token, coach) = match Token::random().and_then(|token| Ok((token, Token::random()?))) {
            Ok(tokens) => tokens,
            Err(e) => return Action::RoomFailed { message: e.to_string() },
        };
        let mut server = match Server::bind_with_limits(addr, crate::room::ROOM_LIMITS) {
            Ok(server) => server,
            Err(e) => {
                let message = if e.kind() == std::io::ErrorKind::AddrInUse {
                    rust_i18n::t!("room.port_taken", addr = addr, locale = state.lang.code()).into_owned()
                } else {
                    format!("{addr}: {e}")
                };
                return Action::RoomFailed { message };
            }
        };
        let bound = server.local_addr();
        if let Err(e) = self.start_answers() {
            return Action::RoomFailed { message: format!("{bound}: {e}") };
        }
        let to_loop = events.clone();
        let submit: Submit = Arc::new(move |command| {
            let (answer, reply) = mpsc::channel();
            to_loop.send(Event::Room(RoomRequest { command, answer: Waiting::Worker(answer) })).ok()?;
            reply.recv_timeout(ANSWER_WITHIN).ok()
        });
        let to_loop = events.clone();
        // Should the loop be gone, the request is dropped here and its phone told to try again.
        let later: SubmitLater = Arc::new(move |command, done| {
            let answer = Waiting::Later { done, since: Instant::now() };
            let _ = to_loop.send(Event::Room(RoomRequest { command, answer }));
        });
        let site = Site::new(token, Arc::clone(&self.view), submit).with_later(later);
        let site = Arc::new(site.with_remote(coach, Arc::clone(&self.remote)));
        let url = format!("http://{bound}{}", site.join_path());
        let coach_url = format!("http://{bound}{}", site.remote_path().unwrap_or_default());
        self.view_generation = None;
        self.view_of = None;
        self.publish(state);
        if let Err(e) = server.serve(Arc::new(move |request, peer| site.reply(request, peer))) {
            return Action::RoomFailed { message: format!("{bound}: {e}") };
        }
        self.server = Some(server);
        Action::RoomStarted { url, coach_url }
    }

    /// The answers thread, started with the first room and kept while the app runs: a phone whose form
    /// the server's workers were still reading when the room was turned off is answered by it too.
    fn start_answers(&mut self) -> std::io::Result<()> {
        if self.answers.is_some() {
            return Ok(());
        }
        let (answers, done) = mpsc::channel::<(Done, Answer)>();
        thread::Builder::new().name("room-answers".to_owned()).spawn(move || {
            for (answer_phone, answer) in done {
                // A panic making one answer drops its connection (503 "try again"); the others still come.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer_phone(answer)));
            }
        })?;
        self.answers = Some(answers);
        Ok(())
    }

    /// Stops the server (a new start issues a new token); phones still waiting are let go.
    pub fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.shutdown();
        }
        // Phones still waiting are told to try again: a waiting worker by its channel closing, a connection
        // by the answers thread.
        for (_, waiting) in self.replies.drain().collect::<Vec<_>>() {
            if let Waiting::Later { done, .. } = waiting {
                self.answer_phone(done, None);
            }
        }
        self.held.clear();
        self.phones = 0;
    }

    /// A phone's request: the action for `update`, its answer kept until `answer` is called.
    pub fn request(&mut self, request: RoomRequest) -> Action {
        let reply = self.next_reply;
        self.next_reply += 1;
        self.replies.insert(reply, request.answer);
        match request.command {
            Command::Submit(new) => Action::RoomSubmit { new, reply },
            Command::Withdraw { id, phone } => Action::RoomWithdraw { id, phone, reply },
            Command::Ballot(cast) => Action::RoomBallot { cast, reply },
            Command::Remote(command) => Action::Remote { command, reply },
        }
    }

    /// `update`'s answer to a phone: now, or once generation `after` is on disk.
    pub fn answer(&mut self, state: &State, reply: u64, answer: RoomAnswer, after: Option<u64>) {
        match after {
            Some(generation) if state.save.saved_generation < generation => self.held.push((generation, reply, answer)),
            _ => self.send(reply, answer),
        }
    }

    fn send(&mut self, reply: u64, answer: RoomAnswer) {
        match self.replies.remove(&reply) {
            Some(Waiting::Worker(worker)) => drop(worker.send(answer)),
            Some(Waiting::Later { done, .. }) => self.answer_phone(done, Some(answer)),
            None => {}
        }
    }

    /// Has the answers thread answer a phone's connection (or answers it here, should that thread have
    /// failed to start or ended).
    fn answer_phone(&self, done: Done, answer: Answer) {
        let unsent = match &self.answers {
            Some(answers) => answers.send((done, answer)).err().map(|mpsc::SendError(back)| back),
            None => Some((done, answer)),
        };
        if let Some((done, answer)) = unsent {
            done(answer);
        }
    }

    /// Phones' connections that waited [`ANSWER_WITHIN`] for the app (a disk that does not answer) are told
    /// to try again, as a waiting worker would tell them; their answer, should it come, goes nowhere.
    fn give_up_waiting(&mut self) {
        let late: Vec<u64> = self
            .replies
            .iter()
            .filter(|(_, waiting)| matches!(waiting, Waiting::Later { since, .. } if since.elapsed() >= ANSWER_WITHIN))
            .map(|(&reply, _)| reply)
            .collect();
        for reply in late {
            if let Some(Waiting::Later { done, .. }) = self.replies.remove(&reply) {
                self.answer_phone(done, None);
            }
        }
    }

    /// After each turn of the loop: answers what is now on disk, refreshes the pages' view, and says how many
    /// phones have come when that changed.
    pub fn after_turn(&mut self, state: &State) -> Option<Action> {
        let saved = state.save.saved_generation;
        let (due, held): (Vec<_>, Vec<_>) = self.held.drain(..).partition(|(generation, ..)| *generation <= saved);
        self.held = held;
        // The pages show the session as it is: before a phone is told, and otherwise every `VIEW_EVERY` at
        // most (making the view reads every submission: not once per idea while a room sends at once).
        let stale = self.view_generation != Some(state.save.generation);
        let on = self.server.is_some();
        if on && stale && (!due.is_empty() || self.published_at.is_none_or(|at| at.elapsed() >= VIEW_EVERY)) {
            self.publish(state);
        }
        // Also with the room off: a form the workers were still reading when it was turned off is answered.
        for (_, reply, answer) in due {
            self.send(reply, answer);
        }
        self.give_up_waiting();
        let phones = self.server.as_ref()?.distinct_peers();
        (phones != self.phones).then(|| {
            self.phones = phones;
            Action::RoomPhones(phones)
        })
    }

    /// Makes the view the pages read from the session as it is now.
    fn publish(&mut self, state: &State) {
        let Some(lab) = state.lab.as_ref() else { return };
        if let Ok(mut remote) = self.remote.lock() {
            *remote = RemoteView::counted(&lab.session, lab.room_index.waiting());
        }
        let Ok(mut view) = self.view.lock() else { return };
        match self.view_of {
            Some((epoch, seen)) if epoch == lab.room_epoch && seen <= lab.room_log.len() => {
                view.refresh(&lab.session, &lab.room_log[seen..]);
            }
            _ => *view = RoomView::of(&lab.session),
        }
        self.view_of = Some((lab.room_epoch, lab.room_log.len()));
        self.view_generation = Some(state.save.generation);
        self.published_at = Some(Instant::now());
    }

    /// When `after_turn` must run again: for the pages' view to catch up (a change waits for `VIEW_EVERY`),
    /// and to give up on a phone that has waited [`ANSWER_WITHIN`].
    pub fn wake_within(&self, state: &State, wake: Duration) -> Duration {
        let oldest = self.replies.values().filter_map(|waiting| match waiting {
            Waiting::Later { since, .. } => Some(ANSWER_WITHIN.saturating_sub(since.elapsed())),
            Waiting::Worker(_) => None,
        });
        let wake = oldest.fold(wake, Duration::min);
        match self.published_at {
            Some(at) if self.server.is_some() && self.view_generation != Some(state.save.generation) => {
                wake.min(VIEW_EVERY.saturating_sub(at.elapsed()))
            }
            _ => wake,
        }
    }
}

#[cfg(test)]
#[path = "room_tests.rs"]
mod tests;
