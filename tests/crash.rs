//! kill -9 at random moments: the real binary is killed again and again while it adds ideas, from the command
//! line and in the TUI through a pseudo-terminal. After every kill the session file loads, validates, and
//! holds every idea whose save was acknowledged (the command printed its id; the status bar said "Saved").
//! Seeded and reproducible: `INNOLAB_CRASH_SEED=N cargo test --test crash -- --nocapture`; more kills with
//! `INNOLAB_CRASH_KILLS=N` (per harness).
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::pty::Pty;

/// xorshift64*: small, seeded, good enough to spread kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn seed() -> u64 {
    std::env::var("INNOLAB_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20221102)
}

fn kills_wanted(default: usize) -> usize {
    std::env::var("INNOLAB_CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// The file must load and validate, and hold every acknowledged idea (id, title).
fn check(path: &Path, acknowledged: &[(u64, String)], after: &str) {
    let session = innolab::store::load(path).unwrap_or_else(|e| panic!("corrupted after {after}: {e}"));
    for (id, title) in acknowledged {
        let idea = session.idea(*id).unwrap_or_else(|| panic!("acknowledged idea {id} lost after {after}"));
        assert_eq!(&idea.title, title, "after {after}");
    }
}

fn temp_files(dir: &Path) -> usize {
    fs::read_dir(dir).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp")).count()
}

#[test]
fn idea_add_killed_at_random_moments_never_loses_an_acknowledged_idea() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let mut rng = Rng(seed());
    let wanted = kills_wanted(200);
    let mut acknowledged: Vec<(u64, String)> = Vec::new();
    // How long one run takes here, so the kills spread over the whole of it (and a little after).
    let mut runs = Vec::new();
    for i in 0..5 {
        let t = Instant::now();
        let title = format!("warm-up {i}");
        let out = common::run(dir.path(), &["idea", "add", "lab.json", "--group", "1", "--title", &title]);
        runs.push(t.elapsed());
        acknowledged.push((String::from_utf8_lossy(&out.stdout).trim().parse().unwrap(), title));
    }
    runs.sort();
    let life = runs[2].as_micros() as u64;
    let (mut kills, mut completed, mut attempts) = (0, 0, 0);
    let started = Instant::now();
    while kills < wanted {
        attempts += 1;
        assert!(attempts < wanted * 20, "too few kills landed: {kills} in {attempts} attempts");
        let title = format!("crash {attempts}");
        let mut child = common::innolab(dir.path())
            .args(["idea", "add", "lab.json", "--group", &(1 + attempts % 6).to_string(), "--title", &title])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kill over the process's life: start-up, load, save (temp write, fsync, rename), exit.
        std::thread::sleep(Duration::from_micros(rng.below(life * 13 / 10)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        } else {
            completed += 1;
        }
        let out = child.wait_with_output().unwrap();
        if let Ok(id) = String::from_utf8_lossy(&out.stdout).trim().parse::<u64>() {
            acknowledged.push((id, title));
        }
        check(&path, &acknowledged, &format!("attempt {attempts} (seed {})", seed()));
    }
    let leftovers = temp_files(dir.path());
    eprintln!(
        "idea add: seed {} · one run ≈ {} ms · {kills} kills, {completed} runs completed, {} ideas acknowledged, \
         0 lost, 0 corrupted, {leftovers} temp files left by killed writers · {:.1} s",
        seed(),
        life / 1000,
        acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
    // A writer that opens the session sweeps what killed writers left.
    let out = common::run(dir.path(), &["idea", "add", "lab.json", "--group", "1", "--title", "last"]);
    assert!(out.status.success());
    assert_eq!(temp_files(dir.path()), 0);
}

/// The number in "Ideas N / 50" on the board, and whether the status bar says everything is saved.
fn board_state(screen: &str) -> Option<(usize, bool)> {
    let at = screen.find("Ideas ")?;
    let count = screen[at + 6..].split(' ').next()?.parse().ok()?;
    Some((count, screen.contains("Saved ") && !screen.contains("Saving")))
}

#[test]
fn the_tui_killed_while_ideas_are_typed_never_loses_an_acknowledged_idea() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut rng = Rng(seed() ^ 0x7u64);
    let wanted = kills_wanted(100);
    let mut acknowledged: Vec<(u64, String)> = Vec::new();
    let mut typed = 0u64;
    let started = Instant::now();
    for kill in 0..wanted {
        let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
        app.wait_for("the board", |s| board_state(s).is_some());
        let on_disk = innolab::store::load(&path).unwrap().ideas.len();
        let ideas = 1 + rng.below(3);
        app.send_now("a");
        for n in 0..ideas {
            let title = format!("tui {kill}.{n}");
            app.send_now(&format!("{}{title}\r", 1 + rng.below(6)));
            typed += 1;
            // Sometimes wait for the status bar to acknowledge the save; sometimes race on.
            if rng.below(2) == 0 {
                let expected = on_disk + n as usize + 1;
                app.wait_for("the save acknowledged", |s| board_state(s) == Some((expected, true)));
                acknowledged.push((expected as u64, title));
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(40_000)));
        app.kill_9();
        check(&path, &acknowledged, &format!("TUI kill {kill} (seed {})", seed()));
    }
    let session = innolab::store::load(&path).unwrap();
    eprintln!(
        "TUI: seed {} · {wanted} kills, {typed} ideas typed, {} acknowledged, {} reached the file, 0 lost, \
         0 corrupted · {:.1} s",
        seed(),
        acknowledged.len(),
        session.ideas.len(),
        started.elapsed().as_secs_f64()
    );
}
