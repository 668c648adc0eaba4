//! The built binary in a real pseudo-terminal: open a session, walk the agenda, use the timer and help,
//! quit, and check the terminal and the file; a second start resumes where the room was.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub struct Pty {
    parser: vt100::Parser,
    output: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    pub fn spawn(dir: &Path, args: &[&str], cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(common::BIN);
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env("LANG", "C");
        cmd.env("TERM", "xterm-256color");
        cmd.env("INNOLAB_NOW", common::NOW);
        cmd.env_remove("INNOLAB_SESSIONS");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, output) = mpsc::channel();
        // Keep draining the pty, or the child blocks on a full buffer.
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        Pty { parser: vt100::Parser::new(size(rows), size(cols), 0), output, writer, child, _master: pair.master }
    }

    fn pump(&mut self, wait: Duration) {
        if let Ok(bytes) = self.output.recv_timeout(wait) {
            self.parser.process(&bytes);
        }
        while let Ok(bytes) = self.output.try_recv() {
            self.parser.process(&bytes);
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen satisfies `done`, failing with the screen after 10 s.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            self.pump(Duration::from_millis(50));
            if done(&self.screen()) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; screen:\n{}",
                self.screen()
            );
        }
    }

    pub fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app read each key as its own event.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Waits for the process to end; returns its success and whether the alternate screen was left.
    pub fn wait_exit(&mut self) -> (bool, bool) {
        let start = Instant::now();
        loop {
            self.pump(Duration::from_millis(50));
            if let Some(status) = self.child.try_wait().unwrap() {
                self.pump(Duration::from_millis(100));
                return (status.success(), !self.parser.screen().alternate_screen());
            }
            assert!(start.elapsed() < Duration::from_secs(10), "the app did not exit; screen:\n{}", self.screen());
        }
    }
}

const RIGHT: &str = "\x1b[C";
const LEFT: &str = "\x1b[D";

fn current_block(path: &Path) -> String {
    innolab::store::load(path).unwrap().progress.block
}

#[test]
fn walk_the_agenda_use_help_quit_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
    for _ in 0..3 {
        app.send(RIGHT);
    }
    app.wait_for("the fourth block", |s| s.contains("Rehat Kopi"));
    app.send(LEFT);
    app.wait_for("the third block", |s| s.contains("Drum-up: Berinovasi di Dalam Birokrasi"));
    app.send("?");
    app.wait_for("the help", |s| s.contains("Next block (a presenter clicker sends these)"));
    app.send("\x1b");
    app.wait_for("help closed", |s| !s.contains("Next block (a presenter"));
    app.send("t");
    app.send("+");
    app.wait_for("the timer running with a minute added", |s| s.contains("75:") && s.contains("running"));
    app.send("q");
    let (ok, left_alternate) = app.wait_exit();
    assert!(ok, "exit status");
    assert!(left_alternate, "the terminal must leave the alternate screen");
    assert_eq!(current_block(&path), "d1-drumup-birokrasi");
    let session = innolab::store::load(&path).unwrap();
    assert!(session.progress.timer.running);
    assert_eq!(session.progress.timer.duration_secs, 76 * 60);

    let mut again = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    again.wait_for("the same block and a running timer", |s| {
        s.contains("Drum-up: Berinovasi di Dalam Birokrasi") && s.contains("running")
    });
    again.send("\x03");
    assert_eq!(again.wait_exit(), (true, true));
}

#[test]
fn the_start_screen_creates_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = Pty::spawn(dir.path(), &[], 100, 30);
    app.wait_for("the start screen", |s| s.contains("New session from the built-in three-day lab"));
    app.send("\r");
    app.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let files: Vec<_> = std::fs::read_dir(dir.path().join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(files, ["2022-11-03-executive-laboratorium-inovasi-kota-cilegon.json"]);
}

#[test]
fn sigterm_and_sighup_save_and_restore_the_terminal() {
    for signal in ["-TERM", "-HUP"] {
        let dir = tempfile::tempdir().unwrap();
        let path = common::new_session(dir.path());
        let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 80, 24);
        app.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
        app.send(RIGHT);
        app.wait_for("the second block", |s| s.contains("Pembukaan"));
        let pid = app.child.process_id().unwrap();
        std::process::Command::new("kill").args([signal, &pid.to_string()]).status().unwrap();
        let (ok, left_alternate) = app.wait_exit();
        assert!(ok && left_alternate, "{signal}");
        assert_eq!(current_block(&path), "d1-pembukaan", "{signal}");
    }
}

#[test]
fn without_a_terminal_it_says_so_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run(dir.path(), &["run"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        common::stderr(&out),
        "innolab: innolab run needs a terminal: stdin and stdout must be a tty (use the other commands in scripts)\n"
    );
}

#[test]
fn a_second_window_on_the_same_session_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::new_session(dir.path());
    let mut first = Pty::spawn(dir.path(), &["run", "lab.json"], 80, 24);
    first.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
    let mut second = Pty::spawn(dir.path(), &["run", "lab.json"], 80, 24);
    let (ok, _) = second.wait_exit();
    assert!(!ok);
    assert!(second.screen().contains("lab.json: open in another innolab"), "{}", second.screen());
    first.send("q");
    assert_eq!(first.wait_exit(), (true, true));
}
