//! kill -9 at random moments: the real binary is killed again and again while it adds ideas (from the command
//! line and in the TUI through a pseudo-terminal), imports ideas, imports a roster and exports. After every
//! kill the session file loads, validates, and holds everything whose save was acknowledged (the command
//! printed its id or its count; the status bar said "Saved"); an import is all or nothing; an export is whole
//! or absent and never touches the session. 1,050 kills in all by default (300 CLI, 150 TUI, 200 each for
//! import, roster import and export).
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
    let wanted = kills_wanted(300);
    let mut acknowledged: Vec<(u64, String)> = Vec::new();
    let started = Instant::now();
    let title_of = |attempt: usize| format!("crash {attempt}");
    let (kills, completed) = kill_at_random(
        &mut rng,
        wanted,
        |attempt| {
            let mut command = common::innolab(dir.path());
            let table = (1 + attempt % 6).to_string();
            command.args(["idea", "add", "lab.json", "--group", &table, "--title", &title_of(attempt)]);
            command
        },
        |attempt, out, killed| {
            match String::from_utf8_lossy(&out.stdout).trim().parse::<u64>() {
                Ok(id) => acknowledged.push((id, title_of(attempt))),
                Err(_) => assert!(killed, "only a killed idea add may fail: {out:?}"),
            }
            check(&path, &acknowledged, &format!("attempt {attempt} (seed {})", seed()));
        },
    );
    let leftovers = temp_files(dir.path());
    eprintln!(
        "idea add: seed {} · {kills} kills, {completed} runs completed, {} ideas acknowledged, 0 lost, \
         0 corrupted, {leftovers} temp files left by killed writers · {:.1} s",
        seed(),
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
    let wanted = kills_wanted(150);
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

/// Runs `command(attempt)` again and again, killing it (SIGKILL) at a random moment of its life, until
/// `wanted` kills have landed; `after(attempt, output, killed)` checks the files after each run. Returns
/// (kills, completed runs).
///
/// The kills spread over up to twice a run's measured life, so about half of them land. A run's life is
/// measured again (three whole runs, the median) whenever fewer than a fifth or more than four fifths of
/// the last 20 attempts were killed: on a shared CI machine a run can get several times faster or slower
/// once other tests start or finish, and a stale measure would leave the kills bunched at the start of
/// the life or hardly landing at all.
fn kill_at_random(
    rng: &mut Rng,
    wanted: usize,
    mut command: impl FnMut(usize) -> std::process::Command,
    mut after: impl FnMut(usize, std::process::Output, bool),
) -> (usize, usize) {
    // Whole runs that measure the life take attempt numbers from the top, so each still has its own.
    let mut measured = 0usize;
    let mut measure = |command: &mut dyn FnMut(usize) -> std::process::Command,
                       after: &mut dyn FnMut(usize, std::process::Output, bool)| {
        let mut runs: Vec<u64> = (0..3)
            .map(|_| {
                measured += 1;
                let t = Instant::now();
                let out = command(usize::MAX - measured).output().unwrap();
                let life = t.elapsed().as_micros() as u64;
                after(usize::MAX - measured, out, false);
                life
            })
            .collect();
        runs.sort();
        runs[1]
    };
    let mut life = measure(&mut command, &mut after);
    let (mut kills, mut completed, mut attempt) = (0, 0, 0);
    let (mut window, mut window_kills) = (0, 0);
    while kills < wanted {
        attempt += 1;
        assert!(attempt < wanted * 20, "too few kills landed: {kills} in {attempt} attempts");
        let mut child = command(attempt).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        // Up to twice the measured life: start-up, load, parse, the save (temp, fsync, rename), exit, and after.
        std::thread::sleep(Duration::from_micros(rng.below(life * 2)));
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            child.kill().unwrap();
            kills += 1;
            window_kills += 1;
        } else {
            completed += 1;
        }
        let out = child.wait_with_output().unwrap();
        after(attempt, out, killed);
        window += 1;
        if window == 20 {
            if !(4..=16).contains(&window_kills) {
                let was = life;
                life = measure(&mut command, &mut after);
                eprintln!(
                    "{window_kills} kills in the last 20 attempts: one run's life measured again, {} ms → {} ms",
                    was / 1000,
                    life / 1000
                );
            }
            (window, window_kills) = (0, 0);
        }
    }
    (kills, completed)
}

#[test]
fn imports_killed_at_random_moments_add_all_their_rows_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let mut rng = Rng(seed() ^ 0x1u64);
    let wanted = kills_wanted(200);
    let started = Instant::now();
    let csv_of = |attempt: usize| format!("import-{attempt}.csv");
    let mut acknowledged = 0usize;
    let (kills, completed) = kill_at_random(
        &mut rng,
        wanted,
        |attempt| {
            let rows: String = (0..40).map(|r| format!("{},impor {attempt} baris {r}\n", 1 + r % 6)).collect();
            fs::write(dir.path().join(csv_of(attempt)), format!("table,title\n{rows}")).unwrap();
            let mut command = common::innolab(dir.path());
            command.args(["import", "lab.json", &csv_of(attempt)]);
            command
        },
        |attempt, out, killed| {
            let session =
                innolab::store::load(&path).unwrap_or_else(|e| panic!("corrupted after import {attempt}: {e}"));
            let prefix = format!("impor {attempt} baris ");
            let rows = session.ideas.iter().filter(|i| i.title.starts_with(&prefix)).count();
            assert!(rows == 0 || rows == 40, "import {attempt} is all or nothing: {rows} rows");
            if out.status.success() {
                assert_eq!(rows, 40, "an acknowledged import is on disk whole");
                acknowledged += 1;
            } else {
                assert!(killed, "only a killed import may fail");
            }
        },
    );
    eprintln!(
        "import: seed {} · {kills} kills, {completed} runs completed, {acknowledged} imports acknowledged, 0 lost, \
         0 corrupted, 0 half-imported, {} temp files left by killed writers · {:.1} s",
        seed(),
        temp_files(dir.path()),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn roster_imports_killed_at_random_moments_never_lose_the_roster() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let mut rng = Rng(seed() ^ 0x2u64);
    let wanted = kills_wanted(200);
    let started = Instant::now();
    let mut acknowledged: Vec<String> = Vec::new();
    let (kills, completed) = kill_at_random(
        &mut rng,
        wanted,
        |attempt| {
            let rows: String =
                (0..30).map(|r| format!("{},Peserta {attempt}-{r},Dinas {r},staff\n", 1 + r % 6)).collect();
            fs::write(dir.path().join("roster.csv"), format!("table,name,agency,role\n{rows}")).unwrap();
            let mut command = common::innolab(dir.path());
            command.args(["roster", "import", "lab.json", "roster.csv"]);
            command
        },
        |attempt, out, killed| {
            let session =
                innolab::store::load(&path).unwrap_or_else(|e| panic!("corrupted after roster {attempt}: {e}"));
            let names: std::collections::HashSet<&str> =
                session.groups.iter().flat_map(|g| g.members.iter().map(|m| m.name.as_str())).collect();
            let mine = (0..30).filter(|r| names.contains(format!("Peserta {attempt}-{r}").as_str())).count();
            assert!(mine == 0 || mine == 30, "roster import {attempt} is all or nothing: {mine}");
            if out.status.success() {
                acknowledged.extend((0..30).map(|r| format!("Peserta {attempt}-{r}")));
            } else {
                assert!(killed, "only a killed roster import may fail");
            }
            for name in &acknowledged {
                assert!(names.contains(name.as_str()), "acknowledged participant {name} lost after {attempt}");
            }
        },
    );
    eprintln!(
        "roster import: seed {} · {kills} kills, {completed} runs completed, {} participants acknowledged, 0 lost, \
         0 corrupted, {} temp files left by killed writers · {:.1} s",
        seed(),
        acknowledged.len(),
        temp_files(dir.path()),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn exports_killed_at_random_moments_leave_the_session_and_any_export_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let rows: String = (0..200).map(|r| format!("{},Ide ekspor {r}\n", 1 + r % 6)).collect();
    fs::write(dir.path().join("ideas.csv"), format!("table,title\n{rows}")).unwrap();
    assert!(common::run(dir.path(), &["import", "lab.json", "ideas.csv"]).status.success());
    let session_bytes = fs::read(&path).unwrap();
    let mut rng = Rng(seed() ^ 0x3u64);
    let wanted = kills_wanted(200);
    let started = Instant::now();
    let formats = ["csv", "md", "xlsx", "json"];
    let exports = dir.path().join("exports");
    let mut whole = 0;
    let (kills, completed) = kill_at_random(
        &mut rng,
        wanted,
        |attempt| {
            let mut command = common::innolab(dir.path());
            command.args(["export", "lab.json", "--format", formats[attempt % 4]]);
            command
        },
        |attempt, out, killed| {
            assert_eq!(fs::read(&path).unwrap(), session_bytes, "the session is never touched by an export");
            let target = exports.join(match formats[attempt % 4] {
                "json" => "lab.tally.json".to_string(),
                format => format!("lab.{format}"),
            });
            if out.status.success() || target.exists() {
                // Whatever export is there is whole: it is recognised as innolab's, all of it.
                let kind = innolab::export::identify(&target).unwrap();
                assert!(matches!(kind, innolab::export::Identified::Export(_)), "export {attempt}: {kind:?}");
                let bytes = fs::read(&target).unwrap();
                if formats[attempt % 4] == "csv" {
                    assert!(String::from_utf8_lossy(&bytes).contains("Ide ekspor 199"), "export {attempt} is whole");
                }
                whole += 1;
            } else {
                assert!(killed, "only a killed export may fail");
            }
        },
    );
    let leftovers = temp_files(&exports);
    eprintln!(
        "export: seed {} · {kills} kills, {completed} runs completed, {whole} exports checked whole, session \
         byte-identical, {leftovers} temp files left by killed writers · {:.1} s",
        seed(),
        started.elapsed().as_secs_f64()
    );
    // The next export of each kind sweeps what killed ones left.
    for format in formats {
        assert!(common::run(dir.path(), &["export", "lab.json", "--format", format]).status.success());
    }
    assert_eq!(temp_files(&exports), 0);
}
