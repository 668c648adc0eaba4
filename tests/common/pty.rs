//! A pseudo-terminal running the real binary, read through vt100 (ratatui skips unchanged cells, so raw
//! bytes cannot be matched); shared by the end-to-end, fault and crash tests.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub struct Pty {
    pub parser: vt100::Parser,
    /// Every byte the app wrote, to check what it sent to the terminal.
    pub raw: Vec<u8>,
    output: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    pub fn spawn(dir: &Path, args: &[&str], cols: u16, rows: u16) -> Pty {
        Pty::spawn_with_env(dir, args, cols, rows, &[])
    }

    pub fn spawn_with_env(dir: &Path, args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        Pty::spawn_program(dir, super::BIN, args, cols, rows, env)
    }

    /// Another program (a wrapper such as `setpriv` that then runs the binary) in a pseudo-terminal, with the
    /// same environment as the binary gets.
    pub fn spawn_program(dir: &Path, program: &str, args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        let pair = native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env("LANG", "C");
        cmd.env("TERM", "xterm-256color");
        cmd.env("INNOLAB_NOW", super::NOW);
        cmd.env_remove("INNOLAB_SESSIONS");
        // Emergency copies of a test stay in its folder, never in the user's own state folder.
        cmd.env("INNOLAB_STATE_DIR", dir.join(".innolab-state"));
        for (key, value) in env {
            cmd.env(key, value);
        }
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
        Pty {
            parser: vt100::Parser::new(size(rows), size(cols), 0),
            raw: Vec::new(),
            output,
            writer,
            child,
            master: pair.master,
        }
    }

    pub fn pump(&mut self, wait: Duration) {
        if let Ok(bytes) = self.output.recv_timeout(wait) {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
        while let Ok(bytes) = self.output.try_recv() {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
    }

    /// After the app ended: reads everything it wrote, to the end of the pty (its last words may still be on
    /// their way through the pty on a busy machine), at most 10 s.
    fn drain(&mut self) {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            match self.output.recv_timeout(Duration::from_millis(50)) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
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

    /// Writes keys at once, without waiting (keys in one write still arrive as separate key events; only an
    /// Esc must go on its own, or it reads as Alt).
    pub fn send_now(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app read each key as its own event.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// SIGKILL, as the kernel kills a process: no handler runs, nothing is flushed. (portable-pty's own
    /// `kill` sends SIGHUP, which innolab handles by saving and exiting cleanly.)
    pub fn kill_9(&mut self) {
        let pid = self.child.process_id().unwrap();
        let status = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
        assert!(status.success());
        let _ = self.child.wait();
    }

    /// Sends a signal by name ("TSTP", "CONT", …) to the app.
    pub fn signal(&mut self, name: &str) {
        let pid = self.child.process_id().unwrap();
        let status = std::process::Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).status().unwrap();
        assert!(status.success());
    }

    /// The app's scheduler state from /proc ('T' stopped, 'S' sleeping, 'D' waiting on the disk …).
    pub fn proc_state(&self) -> Option<char> {
        let pid = self.child.process_id()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?.1.trim_start().chars().next()
    }

    /// Whether the terminal is showing the alternate screen (innolab's) rather than the shell's.
    pub fn in_alternate_screen(&self) -> bool {
        self.parser.screen().alternate_screen()
    }

    /// Waits for the process to end; returns its success and whether the alternate screen was left.
    pub fn wait_exit(&mut self) -> (bool, bool) {
        let start = Instant::now();
        loop {
            self.pump(Duration::from_millis(50));
            if let Some(status) = self.child.try_wait().unwrap() {
                self.drain();
                return (status.success(), !self.parser.screen().alternate_screen());
            }
            assert!(start.elapsed() < Duration::from_secs(10), "the app did not exit; screen:\n{}", self.screen());
        }
    }
}
