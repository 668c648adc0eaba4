//! `innolab attach`: the coach screen's side. Connects to the running app's socket, shows the frames it
//! sends, sends the keys typed here; when the app goes away without saying goodbye (killed), waits for it to
//! come back and attaches again. F10 leaves; the app and the wall go on.

use std::io::{self, BufReader, IsTerminal, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Paragraph, Wrap};
use rust_i18n::t;

use super::socket;
use super::wire::{self, Refusal, ToCoach, ToRunner};
use crate::i18n::Lang;
use crate::model::text::shown;
use crate::runtime::terminal::{TerminalGuard, enter_terminal, restore_terminal};

/// How long the app has to answer a hello.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// The longest paste sent: an idea's detail takes 20,000 characters.
const MAX_PASTE_CHARS: usize = 20_000;
/// How long one write to the app may take (a stopped app): then the keys are dropped, never the screen.
const WRITE_WITHIN: Duration = Duration::from_secs(1);
/// How often the coach screen looks for the app again after losing it.
const RETRY_EVERY: Duration = Duration::from_millis(300);

/// Why `innolab attach` could not start or had to stop.
#[derive(Debug)]
pub enum AttachError {
    NoTerminal,
    /// No running app has the session open.
    NoRunner {
        path: PathBuf,
    },
    SocketDir(socket::DirError),
    Connect {
        path: PathBuf,
        error: io::Error,
    },
    Refused {
        path: PathBuf,
        refusal: Refusal,
    },
    Terminal(io::Error),
}

impl AttachError {
    /// The one line `innolab attach` ends with, in `lang`.
    pub fn line(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            AttachError::NoTerminal => t!("attach.no_terminal", locale = l),
            AttachError::NoRunner { path } => t!("attach.no_runner", path = shown(path), locale = l),
            AttachError::SocketDir(e) => {
                t!("attach.socket_dir", dir = shown(&e.dir), error = e.error, locale = l)
            }
            AttachError::Connect { path, error } => t!("attach.connect", path = shown(path), error = error, locale = l),
            AttachError::Refused { path, refusal } => {
                let key = match refusal {
                    Refusal::User => "attach.refused_user",
                    Refusal::Session => "attach.refused_session",
                    Refusal::Protocol => "attach.refused_version",
                };
                t!(key, path = shown(path), locale = l)
            }
            AttachError::Terminal(e) => t!("attach.terminal", error = e, locale = l),
        }
        .into_owned()
    }
}

/// How a coach screen ended without an error: the line to print, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachEnd {
    /// F10.
    Left,
    /// The coach quit the app: everything is saved.
    Bye(PathBuf),
    /// The app closed, but its last changes did not reach the file (its own terminal says where they went).
    ByeUnsaved(PathBuf),
    /// Another coach screen took over.
    Replaced,
}

impl AttachEnd {
    pub fn line(&self, lang: Lang) -> Option<String> {
        let l = lang.code();
        match self {
            AttachEnd::Left => None,
            AttachEnd::Bye(path) => Some(t!("attach.bye", path = shown(path), locale = l).into_owned()),
            AttachEnd::ByeUnsaved(path) => Some(t!("attach.bye_unsaved", path = shown(path), locale = l).into_owned()),
            AttachEnd::Replaced => Some(t!("attach.replaced", locale = l).into_owned()),
        }
    }
}

enum Incoming {
    Term(TermEvent),
    /// SIGTERM, SIGHUP or SIGINT: leave, as F10 does.
    Signal,
    Wire(u64, ToCoach),
    /// The connection `id` ended.
    Closed(u64),
}

/// A connection to the app.
struct Link {
    id: u64,
    stream: UnixStream,
}

/// A connection that said hello, and what was read past the answer.
type Hello = (UnixStream, BufReader<UnixStream>);

/// Runs the coach screen for `session` until F10, the app's goodbye, or another coach screen.
pub fn attach(session: &Path, lang: Lang) -> Result<AttachEnd, AttachError> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(AttachError::NoTerminal);
    }
    let dir = socket::socket_dir(false).map_err(|e| match e.error.kind() {
        io::ErrorKind::NotFound => AttachError::NoRunner { path: session.to_path_buf() },
        _ => AttachError::SocketDir(e),
    })?;
    let socket_path = socket::socket_path(&dir, session);
    let (width, height) = crossterm::terminal::size().map_err(AttachError::Terminal)?;
    let (tx, rx) = mpsc::channel();
    let mut next_id = 1;
    let first = connect(&socket_path, session, (width, height)).map_err(|e| match e {
        Connect::Refused(refusal) => AttachError::Refused { path: session.to_path_buf(), refusal },
        Connect::Io(error) if is_absent(&error) => AttachError::NoRunner { path: session.to_path_buf() },
        Connect::Io(error) => AttachError::Connect { path: session.to_path_buf(), error },
    })?;
    let guard = TerminalGuard::enter().map_err(AttachError::Terminal)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout())).map_err(AttachError::Terminal)?;
    spawn_input(tx.clone());
    spawn_signals(tx.clone());
    let mut screen = Screen {
        session: session.to_path_buf(),
        socket: socket_path,
        lang,
        link: Some(start_reading(first, next_id, &tx)),
        mirror: Buffer::empty(Rect::new(0, 0, width, height)),
        size: (width, height),
        tried_at: Instant::now(),
    };
    next_id += 1;
    let end = screen.run(&mut terminal, &rx, &tx, &mut next_id);
    drop(terminal);
    drop(guard);
    end
}

struct Screen {
    session: PathBuf,
    socket: PathBuf,
    lang: Lang,
    /// `None` while the app is away.
    link: Option<Link>,
    mirror: Buffer,
    size: (u16, u16),
    tried_at: Instant,
}

impl Screen {
    fn run(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
        rx: &Receiver<Incoming>,
        tx: &Sender<Incoming>,
        next_id: &mut u64,
    ) -> Result<AttachEnd, AttachError> {
        let mut redraw = true;
        loop {
            if redraw {
                terminal.draw(|frame| self.render(frame)).map_err(AttachError::Terminal)?;
                redraw = false;
            }
            let incoming = match rx.recv_timeout(RETRY_EVERY) {
                Ok(incoming) => Some(incoming),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(AttachEnd::Left),
            };
            match incoming {
                Some(Incoming::Signal) => return Ok(AttachEnd::Left),
                Some(Incoming::Term(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                    match key.code {
                        // F10, and Ctrl-C by reflex, close this screen; the lab goes on (`q` quits it).
                        KeyCode::F(10) => return Ok(AttachEnd::Left),
                        KeyCode::Char('c') if ctrl => return Ok(AttachEnd::Left),
                        // Ctrl-Z stops this screen, never the wall's process.
                        KeyCode::Char('z') if ctrl => {
                            self.suspend(terminal)?;
                            redraw = true;
                        }
                        _ => self.send(&ToRunner::Key(key)),
                    }
                }
                Some(Incoming::Term(TermEvent::Key(_))) => {}
                Some(Incoming::Term(TermEvent::Paste(text))) => {
                    // Longer than any field takes (the app cuts it too); a line the app reads whole.
                    let text: String = text.chars().take(MAX_PASTE_CHARS).collect();
                    self.send(&ToRunner::Paste(text));
                }
                Some(Incoming::Term(TermEvent::Resize(width, height))) => {
                    self.size = (width, height);
                    self.send(&ToRunner::Resize { width, height });
                    redraw = true;
                }
                Some(Incoming::Term(_)) => {}
                Some(Incoming::Wire(id, message)) if self.link.as_ref().is_some_and(|l| l.id == id) => match message {
                    ToCoach::Frame(frame) => {
                        frame.apply(&mut self.mirror);
                        redraw = true;
                    }
                    ToCoach::Replaced => return Ok(AttachEnd::Replaced),
                    ToCoach::Bye { saved: true } => return Ok(AttachEnd::Bye(self.session.clone())),
                    ToCoach::Bye { saved: false } => return Ok(AttachEnd::ByeUnsaved(self.session.clone())),
                    ToCoach::Welcome | ToCoach::Refused(_) => {}
                },
                Some(Incoming::Closed(id)) if self.link.as_ref().is_some_and(|l| l.id == id) => {
                    self.link = None;
                    self.tried_at = Instant::now();
                    redraw = true;
                }
                Some(Incoming::Wire(..) | Incoming::Closed(_)) | None => {}
            }
            // Lost: look for the app again (a restarted `innolab run` listens at the same place).
            if self.link.is_none() && self.tried_at.elapsed() >= RETRY_EVERY {
                self.tried_at = Instant::now();
                match connect(&self.socket, &self.session, self.size) {
                    Ok(hello) => {
                        self.link = Some(start_reading(hello, *next_id, tx));
                        *next_id += 1;
                        redraw = true;
                    }
                    // Started again as another version, or another session under that name: say so and end.
                    Err(Connect::Refused(refusal)) => {
                        return Err(AttachError::Refused { path: self.session.clone(), refusal });
                    }
                    Err(Connect::Io(_)) => {}
                }
            }
        }
    }

    /// Sends one message; a failure is the app going away, which the reader reports.
    fn send(&mut self, message: &ToRunner) {
        if let Some(link) = self.link.as_mut() {
            let _ = link.stream.write_all(&wire::line(message));
        }
    }

    /// Ctrl-Z: the terminal given back, this process stopped; on `fg` the screen is entered again, drawn
    /// whole, and the app told the size (it sends the whole frame).
    fn suspend(&mut self, terminal: &mut Terminal<CrosstermBackend<io::Stdout>>) -> Result<(), AttachError> {
        restore_terminal();
        let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP);
        enter_terminal().map_err(AttachError::Terminal)?;
        // A blank screen and blank buffers, so the next frame is drawn whole (`Terminal::clear` would ask the
        // terminal where its cursor is, and the input thread reads the answer).
        crossterm::execute!(io::stdout(), crossterm::terminal::Clear(crossterm::terminal::ClearType::All))
            .map_err(AttachError::Terminal)?;
        terminal.swap_buffers();
        terminal.swap_buffers();
        let (width, height) = crossterm::terminal::size().map_err(AttachError::Terminal)?;
        self.size = (width, height);
        self.send(&ToRunner::Resize { width, height });
        Ok(())
    }

    fn render(&self, frame: &mut ratatui::Frame) {
        let area = frame.area();
        if self.link.is_none() {
            let lang = self.lang.code();
            let text = format!(
                "{}\n\n{}",
                t!("attach.lost", path = shown(&self.session), locale = lang),
                t!("attach.lost_hint", key = crate::ui::DETACH_KEY, locale = lang)
            );
            let top = area.height / 3;
            let rect = Rect { y: area.y + top, height: area.height - top, ..area };
            let style = Style::new().fg(Color::LightYellow).add_modifier(Modifier::BOLD);
            frame.render_widget(
                Paragraph::new(text).style(style).alignment(Alignment::Center).wrap(Wrap { trim: true }),
                rect,
            );
            return;
        }
        let buffer = frame.buffer_mut();
        for y in 0..area.height.min(self.mirror.area.height) {
            for x in 0..area.width.min(self.mirror.area.width) {
                if let (Some(to), Some(from)) = (buffer.cell_mut((x, y)), self.mirror.cell((x, y))) {
                    *to = from.clone();
                }
            }
        }
    }
}

enum Connect {
    Io(io::Error),
    Refused(Refusal),
}

/// Connects and says hello; the app answers with welcome or why not.
fn connect(socket_path: &Path, session: &Path, (width, height): (u16, u16)) -> Result<Hello, Connect> {
    let mut stream = UnixStream::connect(socket_path).map_err(Connect::Io)?;
    stream.set_write_timeout(Some(WRITE_WITHIN)).map_err(Connect::Io)?;
    let hello = ToRunner::Hello { protocol: wire::PROTOCOL, session: socket::session_key(session), width, height };
    // An app that refuses the user at once may close before the hello is written: its answer is read anyway.
    let written = stream.write_all(&wire::line(&hello));
    stream.set_read_timeout(Some(ANSWER_WITHIN)).map_err(Connect::Io)?;
    let mut reader = BufReader::new(stream.try_clone().map_err(Connect::Io)?);
    let answer = wire::read::<ToCoach>(&mut reader, wire::MAX_LINE);
    let answer = answer
        .map_err(|e| Connect::Io(written.as_ref().err().map_or(e, |w| io::Error::new(w.kind(), w.to_string()))))?;
    stream.set_read_timeout(None).map_err(Connect::Io)?;
    match answer {
        Some(ToCoach::Welcome) => Ok((stream, reader)),
        Some(ToCoach::Refused(refusal)) => Err(Connect::Refused(refusal)),
        _ => Err(Connect::Io(
            written.err().unwrap_or_else(|| io::Error::new(io::ErrorKind::ConnectionAborted, "no answer")),
        )),
    }
}

/// No app listens there (no socket, or a socket left by one that was killed).
fn is_absent(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused)
}

fn start_reading((stream, mut reader): Hello, id: u64, tx: &Sender<Incoming>) -> Link {
    let tx = tx.clone();
    {
        thread::spawn(move || {
            while let Ok(Some(message)) = wire::read::<ToCoach>(&mut reader, wire::MAX_LINE) {
                if tx.send(Incoming::Wire(id, message)).is_err() {
                    return;
                }
            }
            let _ = tx.send(Incoming::Closed(id));
        });
    }
    Link { id, stream }
}

fn spawn_signals(tx: Sender<Incoming>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else { return };
    thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Incoming::Signal);
        }
    });
}

fn spawn_input(tx: Sender<Incoming>) {
    thread::spawn(move || {
        while let Ok(event) = event::read() {
            if tx.send(Incoming::Term(event)).is_err() {
                break;
            }
        }
    });
}
