//! Faults while a lab runs, in a real pseudo-terminal: the disk fills up, the folder becomes read-only, another
//! program deletes or replaces the session file, the app panics. Each time innolab keeps running (or, for the
//! panic, restores the terminal), loses nothing, and says where the data is.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::pty::Pty;

fn spawn(room: &Path, tmp: &Path) -> Pty {
    let mut app =
        Pty::spawn_with_env(room, &["run", "lab.json"], 110, 30, &[("INNOLAB_STATE_DIR", tmp.to_str().unwrap())]);
    app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
    app
}

fn add_idea(app: &mut Pty, table: u8, title: &str) {
    app.send("a");
    app.send(&table.to_string());
    app.send(title);
    app.send("\r");
    app.send("\x1b");
}

fn emergency_copies(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).filter(|p| p.to_string_lossy().contains(".emergency-")).collect())
        .unwrap_or_default()
}

fn titles(path: &Path) -> Vec<String> {
    innolab::store::load(path).unwrap().ideas.into_iter().map(|i| i.title).collect()
}

/// Runs a privileged command the fault needs (mount, chattr); false when this machine does not allow it.
fn try_run(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok_and(|o| o.status.success())
}

/// Undoes a mount or an immutable flag even when the test fails, so the temp folder can be removed.
struct Cleanup(Vec<(String, Vec<String>)>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for (program, args) in self.0.drain(..).rev() {
            let _ = Command::new(program).args(args).output();
        }
    }
}

#[test]
fn a_full_disk_keeps_the_app_running_then_saving_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let room = dir.path().join("room");
    let tmp = dir.path().join("tmp");
    fs::create_dir_all(&room).unwrap();
    fs::create_dir_all(&tmp).unwrap();
    let room_str = room.to_str().unwrap().to_string();
    if !try_run("mount", &["-t", "tmpfs", "-o", "size=64k,mode=700", "tmpfs", &room_str]) {
        eprintln!(
            "SKIPPED: cannot mount a size-limited tmpfs here (needs root); the store-level tests cover disk full"
        );
        return;
    }
    let _cleanup = Cleanup(vec![("umount".into(), vec![room_str.clone()])]);
    let path = common::new_session_on_group_work(&room);
    let mut app = spawn(&room, &tmp);
    // Another program fills the disk.
    let filler = room.join("filler.bin");
    let mut filled = fs::File::create(&filler).unwrap();
    while std::io::Write::write_all(&mut filled, &[0u8; 1024]).and_then(|()| filled.sync_all()).is_ok() {}
    drop(filled);
    add_idea(&mut app, 2, "Ide saat disk penuh");
    app.wait_for("the save failure", |s| s.contains("NOT SAVED") && s.contains("emergency copy"));
    let copies = emergency_copies(&tmp.join("emergency"));
    assert_eq!(copies.len(), 1, "the copy goes to the durable folder when the session's folder is full");
    assert_eq!(titles(&copies[0]), ["Ide saat disk penuh"]);
    assert!(titles(&path).is_empty(), "the session file is the old one, whole");
    // Space comes back: the retry saves without the coach doing anything.
    fs::remove_file(&filler).unwrap();
    app.wait_for("saving again", |s| s.contains("Saving works again"));
    assert_eq!(titles(&path), ["Ide saat disk penuh"]);
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

#[test]
fn a_read_only_folder_keeps_the_app_running_then_saving_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let room = dir.path().join("room");
    let tmp = dir.path().join("tmp");
    fs::create_dir_all(&room).unwrap();
    fs::create_dir_all(&tmp).unwrap();
    let path = common::new_session_on_group_work(&room);
    let mut app = spawn(&room, &tmp);
    let room_str = room.to_str().unwrap().to_string();
    // Immutable even for root (plain permissions do not stop root, who runs CI here).
    if !try_run("chattr", &["+i", &room_str]) {
        eprintln!("SKIPPED: cannot make a folder immutable here (needs root); the store-level tests cover it");
        app.send("q");
        return;
    }
    let cleanup = Cleanup(vec![("chattr".into(), vec!["-i".into(), room_str.clone()])]);
    add_idea(&mut app, 3, "Ide saat folder hanya-baca");
    app.wait_for("the save failure", |s| s.contains("NOT SAVED") && s.contains("emergency copy"));
    assert_eq!(titles(&emergency_copies(&tmp.join("emergency"))[0]), ["Ide saat folder hanya-baca"]);
    drop(cleanup);
    app.wait_for("saving again", |s| s.contains("Saving works again"));
    assert_eq!(titles(&path), ["Ide saat folder hanya-baca"]);
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

#[test]
fn a_session_file_deleted_by_another_program_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app = spawn(dir.path(), dir.path());
    fs::remove_file(&path).unwrap();
    add_idea(&mut app, 1, "Ide setelah berkas dihapus");
    app.wait_for("the notice", |s| s.contains("had been deleted by another program"));
    assert_eq!(titles(&path), ["Ide setelah berkas dihapus"]);
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

#[test]
fn a_session_file_replaced_by_another_program_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let room = dir.path().join("room");
    fs::create_dir_all(&room).unwrap();
    let path = common::new_session_on_group_work(&room);
    let mut app = spawn(&room, dir.path());
    add_idea(&mut app, 1, "Ide pertama");
    app.wait_for("the first save", |s| s.contains("Ideas 1 / 50") && s.contains("Saved "));
    let start = Instant::now();
    while titles(&path).is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5));
        app.pump(Duration::from_millis(50));
    }
    // Another program (an editor, a sync tool) replaces the file with its own version.
    let mut theirs = innolab::store::load(&path).unwrap();
    theirs.plan.title = "Versi program lain".into();
    theirs.ideas.clear();
    innolab::store::save(&path, &theirs).unwrap();
    let their_bytes = fs::read(&path).unwrap();
    add_idea(&mut app, 2, "Ide kedua");
    app.wait_for("the refusal", |s| s.contains("NOT SAVED") && s.contains("emergency copy"));
    assert_eq!(fs::read(&path).unwrap(), their_bytes, "the other program's version is untouched");
    let copies = emergency_copies(&room);
    assert_eq!(titles(&copies[0]), ["Ide pertama", "Ide kedua"], "ours is whole in the emergency copy");
    app.send("q");
    app.wait_for("the question", |s| s.contains("Quit anyway?") && s.contains("changed by another program"));
    app.send("y");
    let (ok, left_alternate) = app.wait_exit();
    assert!(!ok && left_alternate);
    assert!(app.screen().contains(".emergency-"), "the exit message says where:\n{}", app.screen());
    assert_eq!(fs::read(&path).unwrap(), their_bytes);
}

#[test]
fn a_panic_restores_the_terminal_and_the_last_saved_file_stays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app = Pty::spawn_with_env(dir.path(), &["run", "lab.json"], 100, 30, &[("INNOLAB_DEBUG_PANIC", "1")]);
    app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
    add_idea(&mut app, 1, "Ide sebelum panik");
    let start = Instant::now();
    while titles(&path).is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5));
        app.pump(Duration::from_millis(50));
    }
    app.send("\x1b[24~"); // F12
    let (ok, left_alternate) = app.wait_exit();
    assert!(!ok, "the process panicked");
    assert!(left_alternate, "the panic hook left the alternate screen");
    assert!(app.screen().contains("debug panic requested"), "{}", app.screen());
    assert_eq!(titles(&path), ["Ide sebelum panik"]);
    let raw = String::from_utf8_lossy(&app.raw);
    assert!(raw.ends_with('\n') || raw.contains("\x1b[?25h"), "the cursor is shown again");
}

#[test]
fn resize_storms_never_break_the_app_and_leave_no_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
    let mut seed: u32 = 0x5eed;
    let mut next = |max: u32| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed % max
    };
    for i in 0..200 {
        let (cols, rows) = match i % 10 {
            0 => (1, 1),
            1 => (500, 200),
            _ => (1 + next(300) as u16, 1 + next(120) as u16),
        };
        app.master.resize(portable_pty::PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        if i % 20 == 0 {
            app.send("a1x\r");
            // Esc on its own write: followed at once by another key it would read as Alt.
            app.send("\x1b");
        }
        app.pump(Duration::from_millis(2));
    }
    app.master.resize(portable_pty::PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 }).unwrap();
    app.wait_for("the screen after the storm", |s| s.contains("Curah Ide Inovasi per OPD") && !s.contains("New idea"));
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true), "no panic, the terminal restored");
    assert!(app.screen().trim().is_empty(), "nothing left behind on the terminal:\n{}", app.screen());
    assert_eq!(titles(&path).len(), 10, "every idea typed during the storm was saved");
}
