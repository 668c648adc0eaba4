//! The coach's own screen with the real binary in two pseudo-terminals: `innolab run` on the wall and
//! `innolab attach` beside it. Keys on the coach screen move the wall, the wall keeps to the room's view,
//! either side can be killed with nothing lost, and only the same user gets in.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::pty::Pty;

/// A folder for the sockets of one test, as `$XDG_RUNTIME_DIR` is for a logged-in user.
fn runtime_dir(dir: &Path) -> PathBuf {
    let run = dir.join("run");
    std::fs::create_dir(&run).unwrap();
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
    run
}

fn wall(dir: &Path, run: &Path, path: &Path) -> Pty {
    let env = [("XDG_RUNTIME_DIR", run.to_str().unwrap())];
    let mut wall = Pty::spawn_with_env(dir, &["run", path.to_str().unwrap()], 100, 30, &env);
    wall.wait_for("the wall", |s| s.contains("Curah Ide Inovasi"));
    wall
}

fn coach(dir: &Path, run: &Path, path: &Path) -> Pty {
    let env = [("XDG_RUNTIME_DIR", run.to_str().unwrap())];
    let mut coach = Pty::spawn_with_env(dir, &["attach", path.to_str().unwrap()], 80, 24, &env);
    coach.wait_for("the coach screen", |s| s.contains("COACH SCREEN") && s.contains("Curah Ide Inovasi"));
    coach
}

fn titles(path: &Path) -> Vec<String> {
    innolab::store::load(path).unwrap().ideas.iter().map(|i| i.title.clone()).collect()
}

#[test]
fn keys_on_the_coach_screen_move_the_wall_and_either_side_can_be_killed() {
    let dir = tempfile::tempdir().unwrap();
    let run = runtime_dir(dir.path());
    let path = common::new_session_on_group_work(dir.path());
    let mut wall = wall(dir.path(), &run, &path);
    wall.wait_for("before: the wall's key hints", |s| s.contains("q quit"));

    // The socket: owner only, in a folder only the owner enters.
    let sockets = run.join("innolab");
    assert_eq!(std::fs::metadata(&sockets).unwrap().mode() & 0o777, 0o700);
    let socket = std::fs::read_dir(&sockets).unwrap().next().unwrap().unwrap().path();
    assert_eq!(std::fs::symlink_metadata(&socket).unwrap().mode() & 0o777, 0o600, "{socket:?}");

    let mut coach = coach(dir.path(), &run, &path);
    wall.wait_for("the room's view only", |s| !s.contains("q quit"));
    assert!(coach.screen().contains("F10 closes this screen"));

    // Ctrl-Z on the coach screen stops the coach screen, never the wall; `fg` brings it back whole.
    coach.send("\x1a");
    let stopped = std::time::Instant::now();
    while coach.proc_state() != Some('T') && stopped.elapsed() < Duration::from_secs(5) {
        coach.pump(Duration::from_millis(20));
    }
    assert_eq!(coach.proc_state(), Some('T'), "the coach screen stopped itself");
    assert_ne!(wall.proc_state(), Some('T'), "the wall goes on");
    coach.signal("CONT");
    coach.wait_for("the coach screen again", |s| s.contains("COACH SCREEN") && s.contains("Curah Ide Inovasi"));

    // Capture on the coach screen: the wall never shows the bar, then shows the idea on the board.
    coach.send("a");
    coach.send("2");
    coach.send_now("Ide dari layar pelatih");
    coach.wait_for("the typed title", |s| s.contains("Ide dari layar pelatih"));
    wall.pump(Duration::from_millis(200));
    assert!(!wall.screen().contains("Ide dari layar pelatih"), "the capture bar is the coach's:\n{}", wall.screen());
    coach.send("\r");
    wall.wait_for("the idea on the wall's board", |s| s.contains("Ide dari layar pelatih"));
    coach.send_now("\x1b");
    std::thread::sleep(Duration::from_millis(100));

    // The next block, from the coach's keys.
    coach.send("\x1b[C");
    wall.wait_for("the next block on the wall", |s| s.contains("Rehat Kopi"));
    coach.wait_for("the next block on the coach screen", |s| s.contains("Rehat Kopi"));

    // F2: the coach's forms on the wall too, and back.
    coach.send("\x1bOQ");
    coach.send("a");
    wall.wait_for("the capture bar on the wall", |s| s.contains("1–9 or Tab"));
    coach.send_now("\x1b");
    std::thread::sleep(Duration::from_millis(100));
    coach.send("\x1bOQ");

    // The coach screen killed: the wall goes on and shows everything again.
    coach.kill_9();
    wall.wait_for("the wall's key hints again", |s| s.contains("q quit"));
    wall.send("\x1b[D");
    wall.wait_for("the wall still takes keys", |s| s.contains("Curah Ide Inovasi"));

    // A new coach screen; then the wall is killed: the coach screen waits, nothing is lost, and it attaches
    // again when the lab is started again.
    let mut coach = self::coach(dir.path(), &run, &path);
    coach.send("a");
    coach.send_now("Kedua, sebelum kill");
    coach.send("\r");
    wall.wait_for("the second idea", |s| s.contains("Kedua, sebelum kill"));
    // On disk (a capture is saved within a moment, but a loaded machine may take longer than any fixed
    // pause), then the kill.
    common::wait_for_file(&path, "the second idea", |s| s.ideas.iter().any(|i| i.title == "Kedua, sebelum kill"));
    wall.kill_9();
    coach.wait_for("waiting for the lab", |s| s.contains("innolab run stopped"));
    let saved = titles(&path);
    assert!(
        saved.iter().any(|t| t == "Ide dari layar pelatih") && saved.iter().any(|t| t == "Kedua, sebelum kill"),
        "{saved:?}"
    );
    let mut wall = self::wall(dir.path(), &run, &path);
    coach.wait_for("attached again", |s| s.contains("COACH SCREEN"));
    wall.wait_for("the room's view only again", |s| !s.contains("q quit"));

    // Quitting the lab from the coach screen: both end, everything saved.
    coach.send("q");
    let (ok, restored) = coach.wait_exit();
    assert!(ok && restored, "the coach screen ends cleanly:\n{}", coach.screen());
    assert!(coach.screen().contains("everything is saved"), "{}", coach.screen());
    let (ok, _) = wall.wait_exit();
    assert!(ok);
    assert!(std::fs::read_dir(&sockets).unwrap().next().is_none(), "no socket is left");
    assert_eq!(titles(&path).iter().filter(|t| t.contains("layar pelatih") || t.contains("Kedua")).count(), 2);
}

/// Ctrl-C, pressed by reflex to leave a terminal program, closes the coach screen, not the lab.
#[test]
fn ctrl_c_closes_the_coach_screen_and_the_lab_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let run = runtime_dir(dir.path());
    let path = common::new_session_on_group_work(dir.path());
    let mut wall = wall(dir.path(), &run, &path);
    let mut coach = coach(dir.path(), &run, &path);
    wall.wait_for("the room's view only", |s| !s.contains("q quit"));
    coach.send("\x03");
    let (ok, restored) = coach.wait_exit();
    assert!(ok && restored, "{}", coach.screen());
    wall.wait_for("the wall's key hints again", |s| s.contains("q quit"));
    wall.send("q");
    assert!(wall.wait_exit().0);
}

#[test]
fn attach_without_a_running_lab_says_so_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = runtime_dir(dir.path());
    let path = common::new_session_on_group_work(dir.path());
    let env = [("XDG_RUNTIME_DIR", run.to_str().unwrap())];
    let mut coach = Pty::spawn_with_env(dir.path(), &["attach", path.to_str().unwrap()], 80, 24, &env);
    let (ok, _) = coach.wait_exit();
    assert!(!ok);
    let screen = coach.screen();
    assert!(screen.contains("no innolab run has this session open (start it first: innolab run"), "{screen}");
    // Not a terminal: refused before anything else.
    let out = common::innolab(dir.path()).env("XDG_RUNTIME_DIR", &run).args(["attach", "lab.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(common::stderr(&out), "innolab: innolab attach needs a terminal\n");
}

/// Whether a test that needs root (another user's process) may go on: as in tests/faults.rs, it fails
/// instead of skipping where `INNOLAB_REQUIRE_ROOT_TESTS` is set (CI runs as root).
fn privileged(what: &str) -> bool {
    if rustix::process::geteuid().is_root() {
        return true;
    }
    assert!(std::env::var_os("INNOLAB_REQUIRE_ROOT_TESTS").is_none(), "{what} is required here but failed");
    eprintln!("SKIPPED: {what} needs root");
    false
}

/// The lab run by another user (nobody, 65534): root, whom no folder or file mode stops, reaches its socket,
/// and the app itself refuses it by the user the kernel says is at the other end.
#[test]
fn another_user_is_refused_by_the_peer_check() {
    if !privileged("running the lab as another user") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("nobody");
    std::fs::create_dir(&home).unwrap();
    let path = common::new_session_on_group_work(&home);
    let run = runtime_dir(&home);
    for entry in walk(&home) {
        std::os::unix::fs::lchown(&entry, Some(65534), Some(65534)).unwrap();
    }
    let env = [("XDG_RUNTIME_DIR", run.to_str().unwrap())];
    let args = ["--reuid=65534", "--regid=65534", "--clear-groups", common::BIN, "run", path.to_str().unwrap()];
    let mut wall = Pty::spawn_program(&home, "setpriv", &args, 100, 30, &env);
    wall.wait_for("the wall", |s| s.contains("Curah Ide Inovasi"));
    let sockets = run.join("innolab");
    let socket = std::fs::read_dir(&sockets).unwrap().next().unwrap().unwrap().path();
    assert_eq!(std::fs::symlink_metadata(&socket).unwrap().uid(), 65534);

    // Straight to the socket, as root: refused by user.
    let mut stream = UnixStream::connect(&socket).unwrap();
    let hello = format!(
        "{{\"hello\":{{\"protocol\":1,\"session\":{:?},\"width\":80,\"height\":24}}}}\n",
        std::fs::canonicalize(&path).unwrap()
    );
    let _ = stream.write_all(hello.as_bytes());
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).unwrap();
    assert_eq!(answer, "{\"refused\":\"user\"}\n");

    // `innolab attach` as root, pointed at nobody's folder: it does not trust another user's folder, and
    // says so in one line; the wall never attached.
    let mut coach = Pty::spawn_with_env(&home, &["attach", path.to_str().unwrap()], 80, 24, &env);
    let (ok, _) = coach.wait_exit();
    assert!(!ok);
    let screen = coach.screen();
    assert!(screen.contains("cannot be used: owned by another user"), "{screen}");
    wall.wait_for("the wall's key hints, never hidden", |s| s.contains("q quit"));
    wall.send("q");
    let (ok, _) = wall.wait_exit();
    assert!(ok);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(walk(&path));
        } else {
            all.push(path);
        }
    }
    all
}
