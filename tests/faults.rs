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

/// Whether a test that needs root (mount, chattr, fsfreeze) may go on. Without root it is skipped with a
/// SKIPPED line, except where `INNOLAB_REQUIRE_ROOT_TESTS` is set (`.ci/run` sets it: CI runs as root, and a
/// fault test skipped there would be a fault untested), where it fails instead.
fn privileged(what: &str, works: bool) -> bool {
    if works {
        return true;
    }
    assert!(std::env::var_os("INNOLAB_REQUIRE_ROOT_TESTS").is_none(), "{what} is required here but failed");
    eprintln!("SKIPPED: {what} needs root");
    false
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
    if !privileged(
        "a size-limited tmpfs",
        try_run("mount", &["-t", "tmpfs", "-o", "size=64k,mode=700", "tmpfs", &room_str]),
    ) {
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
    if !privileged("an immutable folder (chattr)", try_run("chattr", &["+i", &room_str])) {
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
    app.wait_for("the refusal", |s| s.contains("another program changed the file") && s.contains("everything is in"));
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

// ---------------------------------------------------------------------------------------------------------
// Issue 11: a disk that does not answer, suspend and resume, a file-size limit, out-of-range ids, the umask.

/// A small ext4 file system on a loop device, so it can be frozen (`fsfreeze`) as a hung disk is.
struct Frozen {
    mount: PathBuf,
}

impl Frozen {
    fn freeze(&self) {
        assert!(try_run("fsfreeze", &["-f", self.mount.to_str().unwrap()]));
    }
    fn thaw(&self) {
        let _ = try_run("fsfreeze", &["-u", self.mount.to_str().unwrap()]);
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        self.thaw();
        let mount = self.mount.to_str().unwrap();
        for _ in 0..50 {
            if try_run("umount", &[mount]) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn loop_mount(dir: &Path) -> Option<Frozen> {
    let image = dir.join("disk.img");
    let mount = dir.join("mnt");
    fs::create_dir_all(&mount).unwrap();
    fs::File::create(&image).unwrap().set_len(32 << 20).unwrap();
    let (image, mount_str) = (image.to_str().unwrap(), mount.to_str().unwrap());
    let ok = try_run("mkfs.ext4", &["-q", "-F", image]) && try_run("mount", &["-o", "loop", image, mount_str]);
    ok.then_some(Frozen { mount })
}

#[test]
fn a_disk_that_stops_answering_turns_into_not_saved_and_a_durable_copy() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = loop_mount(dir.path()) else {
        privileged("a loop-mounted ext4 to freeze", false);
        return;
    };
    let state = dir.path().join("state");
    let path = common::new_session_on_group_work(&disk.mount);
    let env = [("INNOLAB_STATE_DIR", state.to_str().unwrap())];
    let mut app = Pty::spawn_with_env(&disk.mount, &["run", "lab.json"], 110, 30, &env);
    app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
    add_idea(&mut app, 1, "Sebelum disk beku");
    app.wait_for("the first save", |s| s.contains("Ideas 1 / 50") && s.contains("Saved "));
    disk.freeze();
    let frozen_at = Instant::now();
    add_idea(&mut app, 2, "Saat disk beku");
    app.wait_for("NOT SAVED", |s| s.contains("NOT SAVED") && s.contains("emergency copy"));
    let waited = frozen_at.elapsed();
    assert!(waited >= Duration::from_secs(4), "not before the timeout: {waited:?}");
    let copies = emergency_copies(&state.join("emergency"));
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(titles(&copies[0]), ["Sebelum disk beku", "Saat disk beku"]);
    // Every later change goes to the durable copy too, while the disk stays frozen.
    add_idea(&mut app, 3, "Masih beku");
    let start = Instant::now();
    while titles(&copies[0]).len() < 3 {
        assert!(start.elapsed() < Duration::from_secs(10), "the copy follows the newest state");
        app.pump(Duration::from_millis(100));
    }
    // The disk answers again: everything reaches the file.
    disk.thaw();
    app.wait_for("saving again", |s| s.contains("Saving works again"));
    let start = Instant::now();
    while titles(&path).len() < 3 {
        assert!(start.elapsed() < Duration::from_secs(10), "the newest state is saved after the thaw");
        app.pump(Duration::from_millis(100));
    }
    // Frozen again and the coach quits: truthful words, the copy named, then the app leaves.
    disk.freeze();
    add_idea(&mut app, 4, "Beku saat keluar");
    app.send("q");
    app.wait_for("the question", |s| s.contains("Quit anyway?") && s.contains("has not answered"));
    app.send("y");
    app.wait_for("the exit line", |s| s.contains("has not answered") && s.contains("everything was written to"));
    let copies = emergency_copies(&state.join("emergency"));
    assert!(copies.iter().any(|c| titles(c).len() == 4), "the last idea is in a durable copy: {copies:?}");
    disk.thaw();
    let (ok, left_alternate) = app.wait_exit();
    assert!(!ok && left_alternate);
}

#[test]
fn suspend_and_resume_give_back_the_terminal_and_take_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app = spawn(dir.path(), dir.path());
    // Both ways to suspend: SIGTSTP from outside, and Ctrl-Z typed (raw mode makes it a key).
    for (round, suspend) in ["signal", "key"].into_iter().enumerate() {
        match suspend {
            "signal" => app.signal("TSTP"),
            _ => app.send("\x1a"),
        }
        let start = Instant::now();
        while app.proc_state() != Some('T') {
            assert!(start.elapsed() < Duration::from_secs(10), "the app stops ({suspend})");
            app.pump(Duration::from_millis(50));
        }
        // The bytes written before the stop may still be on their way through the pty on a busy machine.
        let start = Instant::now();
        while app.in_alternate_screen() {
            assert!(start.elapsed() < Duration::from_secs(5), "the shell's screen is back while stopped ({suspend})");
            app.pump(Duration::from_millis(50));
        }
        app.signal("CONT");
        app.wait_for("the wall again", |s| s.contains("Curah Ide Inovasi per OPD"));
        assert!(app.in_alternate_screen());
        // Raw mode again: Enter is Enter, so a typed idea is captured and saved.
        add_idea(&mut app, 2, &format!("Setelah fg {round}"));
        app.wait_for("the save", |s| s.contains(&format!("Ideas {} / 50", round + 1)) && s.contains("Saved "));
    }
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    assert_eq!(titles(&path), ["Setelah fg 0", "Setelah fg 1"]);
}

/// Runs innolab through `sh -c` (for ulimit and umask), in `dir`.
fn shell(dir: &Path, script: &str) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("INNOLAB", common::BIN)
        .env("INNOLAB_NOW", common::NOW)
        .env("INNOLAB_STATE_DIR", dir.join("state"))
        .env_remove("INNOLAB_SESSIONS")
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_file_size_limit_is_a_write_error_not_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let before = fs::read(&path).unwrap();
    // 4 KiB: smaller than the session, so the save cannot be written.
    let out = shell(dir.path(), "ulimit -f 4; \"$INNOLAB\" idea add lab.json --group 1 --title 'Ide di bawah batas'");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "an error exit, not a signal: {err}");
    assert!(err.contains("lab.json") && err.contains("File too large"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before, "the file is the old one, whole");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn folders_innolab_creates_are_owner_only_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let out = shell(
        dir.path(),
        "umask 000; \"$INNOLAB\" --sessions s/deep new && \"$INNOLAB\" export s/deep/*.json --format md",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use std::os::unix::fs::PermissionsExt;
    for folder in ["s", "s/deep", "s/deep/exports"] {
        let mode = fs::metadata(dir.path().join(folder)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{folder}");
    }
}

#[test]
fn a_session_out_of_ids_refuses_the_next_idea_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut session = innolab::store::load(&path).unwrap();
    let new = innolab::model::NewIdea { group: "meja-1".into(), title: "Terakhir".into(), ..Default::default() };
    session.add_idea(new, session.created_at).unwrap();
    session.ideas[0].id = innolab::model::MAX_ID;
    innolab::store::save(&path, &session).unwrap();
    let before = fs::read(&path).unwrap();
    let out = common::run(dir.path(), &["idea", "add", "lab.json", "--group", "1", "--title", "Satu lagi"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("every idea number up to 9007199254740992 is used"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    // In the TUI the title stays in the capture bar and the coach reads why.
    let mut app = spawn(dir.path(), dir.path());
    app.send("a");
    app.send("2");
    app.send("Ide yang tidak muat");
    app.send("\r");
    app.wait_for("the notice", |s| s.contains("every idea number") && s.contains("Ide yang tidak muat"));
    app.send("\x1b");
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    assert_eq!(titles(&path), ["Terakhir"]);
}

#[test]
fn devices_pipes_folders_and_huge_files_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    common::new_session(dir.path());
    assert!(Command::new("mkfifo").arg(dir.path().join("pipe.json")).status().unwrap().success());
    fs::create_dir(dir.path().join("folder.json")).unwrap();
    // Sparse: larger than the limit on paper, nothing on disk.
    fs::File::create(dir.path().join("huge.json")).unwrap().set_len(innolab::store::MAX_SESSION_BYTES + 1).unwrap();
    fs::File::create(dir.path().join("huge.csv")).unwrap().set_len(innolab::store::MAX_CSV_BYTES + 1).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["validate", "/dev/zero"], "/dev/zero: not a plain file"),
        (&["validate", "pipe.json"], "pipe.json: not a plain file"),
        (&["validate", "folder.json"], "folder.json: not a plain file"),
        (&["validate", "huge.json"], "huge.json: 1025 MiB, larger than the 1024 MiB"),
        (&["import", "lab.json", "pipe.json"], "pipe.json: not a plain file"),
        (&["import", "lab.json", "huge.csv"], "huge.csv: 513 MiB, larger than the 512 MiB"),
        (&["roster", "import", "lab.json", "/dev/zero"], "/dev/zero: not a plain file"),
        (&["tally", "pipe.json"], "pipe.json: not a plain file"),
        (&["export", "pipe.json", "--format", "csv"], "pipe.json: not a plain file"),
    ];
    for (args, expected) in cases {
        let start = Instant::now();
        let mut child = common::innolab(dir.path())
            .args(*args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("{args:?} hung");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        // `tally` lists the files it left out in its report, the others say it on stderr.
        let err = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn a_session_in_a_read_only_folder_opens_read_only_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let room = dir.path().join("room");
    let state = dir.path().join("state");
    fs::create_dir_all(&room).unwrap();
    let path = common::new_session_on_group_work(&room);
    let before = fs::read(&path).unwrap();
    let room_str = room.to_str().unwrap().to_string();
    if !privileged("an immutable folder (chattr)", try_run("chattr", &["+i", &room_str])) {
        return;
    }
    let _cleanup = Cleanup(vec![("chattr".into(), vec!["-i".into(), room_str.clone()])]);
    let env = [("INNOLAB_STATE_DIR", state.to_str().unwrap())];
    let mut app = Pty::spawn_with_env(&room, &["run", "lab.json"], 110, 30, &env);
    app.wait_for("the read-only session", |s| s.contains("Curah Ide Inovasi per OPD") && s.contains("READ-ONLY"));
    app.wait_for("the notice", |s| s.contains("open read-only"));
    // Reports go to the per-user folder.
    app.send("E");
    app.wait_for("the export", |s| s.contains("exports"));
    assert!(state.join("exports/lab.xlsx").exists() && state.join("exports/lab.csv").exists());
    add_idea(&mut app, 2, "Ide di folder hanya-baca");
    app.wait_for("the warning", |s| s.contains("changes are not saved to the file"));
    app.send("q");
    app.wait_for("the question", |s| s.contains("Quit anyway?") && s.contains("read-only"));
    app.send("y");
    let (ok, left_alternate) = app.wait_exit();
    assert!(!ok && left_alternate);
    assert!(app.screen().contains("everything was written to"), "{}", app.screen());
    let copies = emergency_copies(&state.join("emergency"));
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(titles(&copies[0]), ["Ide di folder hanya-baca"]);
    assert_eq!(fs::read(&path).unwrap(), before, "the session file is untouched");
}

#[test]
fn a_conflict_is_resolved_in_the_app_by_reloading_or_by_a_new_file() {
    for choice in ["r", "n"] {
        let dir = tempfile::tempdir().unwrap();
        let room = dir.path().join("room");
        fs::create_dir_all(&room).unwrap();
        let path = common::new_session_on_group_work(&room);
        let env = [("INNOLAB_STATE_DIR", dir.path().join("state"))];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.to_str().unwrap())).collect();
        let mut app = Pty::spawn_with_env(&room, &["run", "lab.json"], 110, 30, &env);
        app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
        add_idea(&mut app, 1, "Ide pertama");
        app.wait_for("the first save", |s| s.contains("Ideas 1 / 50") && s.contains("Saved "));
        while titles(&path).is_empty() {
            app.pump(Duration::from_millis(50));
        }
        // Another program writes its own version: a new idea of its own, and ours removed.
        let mut theirs = innolab::store::load(&path).unwrap();
        theirs.plan.title = "Versi program lain".into();
        theirs.ideas[0].title = "Ide mereka".into();
        innolab::store::save(&path, &theirs).unwrap();
        add_idea(&mut app, 2, "Ide kedua");
        app.wait_for("the refusal", |s| s.contains("NOT SAVED") && s.contains("Ctrl-O"));
        app.send("\x0f");
        app.wait_for("the dialog", |s| s.contains("Another program changed the session file"));
        app.send(choice);
        if choice == "r" {
            app.wait_for("the reload", |s| s.contains("1 unsaved ideas added"));
            let start = Instant::now();
            while titles(&path) != ["Ide mereka", "Ide kedua"] {
                assert!(start.elapsed() < Duration::from_secs(10), "{:?}", titles(&path));
                app.pump(Duration::from_millis(50));
            }
            assert_eq!(innolab::store::load(&path).unwrap().plan.title, "Versi program lain");
        } else {
            app.wait_for("the new file", |s| s.contains("Saved as"));
            let new: Vec<PathBuf> = fs::read_dir(&room)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("lab-20"))
                .collect();
            assert_eq!(new.len(), 1, "{new:?}");
            assert_eq!(titles(&new[0]), ["Ide pertama", "Ide kedua"]);
            assert_eq!(titles(&path), ["Ide mereka"], "their version stays in the old file");
            // Later saves go to the new file.
            add_idea(&mut app, 3, "Ide ketiga");
            let start = Instant::now();
            while titles(&new[0]).len() < 3 {
                assert!(start.elapsed() < Duration::from_secs(10));
                app.pump(Duration::from_millis(50));
            }
        }
        app.wait_for("saved", |s| s.contains("Saved ") && !s.contains("NOT SAVED"));
        app.send("q");
        assert_eq!(app.wait_exit(), (true, true), "{choice}");
    }
}
