//! The session file as a contract: the bad-file corpus, atomic saves under injected faults, the lock,
//! and round trips of every model type.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use innolab::model::Session;
use innolab::store::{self, Disk, LoadError, LockError, OpenSession, RealDisk, SaveError, SessionLock};

fn corpus() -> Vec<(String, String)> {
    let tsv = fs::read_to_string(common::fixtures().join("bad/expected.tsv")).unwrap();
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (file, fragment) = l.split_once('\t').unwrap();
            (file.to_string(), fragment.to_string())
        })
        .collect()
}

fn copy_to(dir: &Path, name: &str) -> std::path::PathBuf {
    let target = dir.join(name);
    fs::copy(common::fixtures().join("bad").join(name), &target).unwrap();
    target
}

#[test]
fn corpus_has_at_least_thirty_cases() {
    assert!(corpus().len() >= 30, "{} cases", corpus().len());
}

#[test]
fn every_bad_file_gives_its_one_line_error_and_is_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for (name, fragment) in corpus() {
        let path = copy_to(dir.path(), &name);
        let before = fs::read(&path).unwrap();
        let err = match OpenSession::open(&path) {
            Ok(_) => panic!("{name} loaded"),
            Err(e) => e.to_string(),
        };
        assert!(!err.contains('\n'), "{name}: more than one line: {err}");
        assert!(err.contains(&*path.to_string_lossy()), "{name}: the error does not name the file: {err}");
        assert!(err.contains(&fragment), "{name}: expected {fragment:?} in {err:?}");
        assert_eq!(fs::read(&path).unwrap(), before, "{name} was modified");
    }
}

#[test]
fn syntax_errors_give_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_to(dir.path(), "trailing-garbage.json");
    match store::load(&path) {
        Err(LoadError::Syntax { line, column, .. }) => {
            let lines = fs::read_to_string(&path).unwrap().lines().count();
            assert_eq!((line, column), (lines, 1));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_ten_megabyte_string_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut value: serde_json::Value =
        serde_json::from_slice(&fs::read(common::fixtures().join("valid.json")).unwrap()).unwrap();
    value["ideas"][0]["title"] = serde_json::Value::String("x".repeat(10 * 1024 * 1024));
    let path = dir.path().join("huge.json");
    fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
    let before = fs::read(&path).unwrap();
    let err = store::load(&path).unwrap_err();
    assert!(matches!(&err, LoadError::Invalid { problems, .. } if problems.len() == 1), "{err:?}");
    let line = err.to_string();
    assert!(line.contains("ideas[0].title: text is 10485760 bytes, longer than the 1 MiB limit"), "{line}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

/// The signatory (version 4) is checked like the plan's other text: a name over the limit is refused, and one
/// holding escape sequences loads inert.
#[test]
fn the_signatory_is_checked_and_made_inert() {
    let dir = tempfile::tempdir().unwrap();
    let valid: serde_json::Value =
        serde_json::from_slice(&fs::read(common::fixtures().join("valid.json")).unwrap()).unwrap();
    let mut long = valid.clone();
    long["plan"]["signatory"]["position"] = serde_json::Value::String("x".repeat(1024 * 1024 + 1));
    let path = dir.path().join("long.json");
    fs::write(&path, serde_json::to_vec(&long).unwrap()).unwrap();
    let line = store::load(&path).unwrap_err().to_string();
    assert!(line.contains("plan.signatory.position: text is 1048577 bytes, longer than the 1 MiB limit"), "{line}");
    let mut hostile = valid;
    hostile["plan"]["signatory"]["name"] = serde_json::Value::String("Budi\u{1b}]52;c;aGk=\u{7}\u{202e} S.".into());
    let path = dir.path().join("hostile.json");
    fs::write(&path, serde_json::to_vec(&hostile).unwrap()).unwrap();
    let session = store::load(&path).unwrap();
    assert_eq!(session.plan.signatory.name.as_deref(), Some("Budi S."));
}

#[test]
fn the_valid_fixture_loads() {
    let s = store::load(&common::fixtures().join("valid.json")).unwrap();
    assert_eq!(s.ideas.len(), 3);
    assert_eq!(s.progress.wall.lang, Some(innolab::i18n::Lang::Id));
}

/// A version 1 file (one timer as `progress.timer`, no `wall`), a version 2 file (no `room`), a version 3
/// file (no `plan.signatory`) and a version 4 file (no block `notes`) still open, as the same session, and are
/// written back as version 5; an older build refuses the new file as "written by a newer innolab".
#[test]
fn older_files_load_and_are_saved_as_version_5() {
    let v1 = store::load(&common::fixtures().join("valid-v1.json")).unwrap();
    let v2 = store::load(&common::fixtures().join("valid-v2.json")).unwrap();
    let v3 = store::load(&common::fixtures().join("valid-v3.json")).unwrap();
    let v4 = store::load(&common::fixtures().join("valid-v4.json")).unwrap();
    let v5 = store::load(&common::fixtures().join("valid.json")).unwrap();
    assert_eq!((v1.schema_version, v2.schema_version, v3.schema_version, v4.schema_version), (5, 5, 5, 5));
    assert_eq!(v1.progress.timers, v2.progress.timers, "the one timer is the list of one");
    assert_eq!((&v1.ideas, &v1.groups, &v1.plan), (&v2.ideas, &v2.groups, &v2.plan));
    assert_eq!(v1.progress.wall, innolab::model::Wall::default());
    assert!(v2.room.is_empty() && v3.room.submissions.len() == 3);
    assert_eq!((&v2.ideas, &v2.progress), (&v3.ideas, &v3.progress));
    assert!(v3.plan.signatory.is_empty(), "a version 3 file has no signatory");
    assert_eq!(v4.plan.signatory.name.as_deref(), Some("Drs. H. Helldy Agustian"));
    assert_eq!(v4.plan.signatory.position.as_deref(), Some("Wali Kota Cilegon"));
    let mut unsigned = v4.plan.clone();
    unsigned.signatory = Default::default();
    assert_eq!(unsigned, v3.plan, "the signatory is all that version 4 adds");
    let notes: Vec<_> = v5.plan.days.iter().flat_map(|d| &d.blocks).filter_map(|b| b.notes.as_deref()).collect();
    assert_eq!(notes.len(), 1, "the fixture has one block with notes");
    assert!(notes[0].starts_with("Mulai dari Meja 3"));
    let mut plain = v5.plan.clone();
    plain.days.iter_mut().flat_map(|d| &mut d.blocks).for_each(|b| b.notes = None);
    assert_eq!(plain, v4.plan, "the notes are all that version 5 adds");
    let dir = tempfile::tempdir().unwrap();
    for (name, old) in [("v1.json", &v1), ("v2.json", &v2), ("v3.json", &v3), ("v4.json", &v4), ("v5.json", &v5)] {
        let path = dir.path().join(name);
        store::save(&path, old).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("{\n  \"schema_version\": 5,"), "{}", &text[..40]);
        assert!(text.contains("\"timers\": [") && !text.contains("\"timer\":"));
        assert_eq!(text.contains("\"room\""), !matches!(name, "v1.json" | "v2.json"), "no empty room is written");
        assert_eq!(
            text.contains("\"signatory\""),
            matches!(name, "v4.json" | "v5.json"),
            "no empty signatory is written"
        );
        assert_eq!(text.contains("\"notes\""), name == "v5.json", "no empty notes are written");
        assert_eq!(&store::load(&path).unwrap(), old);
    }
}

/// A block's coach notes (written in the TUI with `N`) survive a save and a load whole, line breaks
/// included; a hand-edited file's notes are made inert on load, keeping their line breaks; removed notes are
/// not written at all.
#[test]
fn block_notes_survive_save_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    let mut session = store::load(&common::fixtures().join("valid.json")).unwrap();
    let notes = "Mulai dari Meja 3 (Dinkes).\nBagikan plano dan spidol.\n\nIngatkan: satu masalah per kertas.";
    session.plan.days[1].blocks[0].notes = Some(notes.into());
    store::save(&path, &session).unwrap();
    let loaded = store::load(&path).unwrap();
    assert_eq!(loaded.plan.days[1].blocks[0].notes.as_deref(), Some(notes));
    assert_eq!(loaded, session);
    // Edited by hand: sequences and bidi overrides are removed, the lines stay.
    let text = fs::read_to_string(&path).unwrap();
    let hostile = r#""notes": "\u001b]52;c;aGk=\u0007Meja 3\u202e dulu\r\n\u001b[2Jlalu Meja 5""#;
    let written = format!("\"notes\": {}", serde_json::to_string(notes).unwrap());
    assert!(text.contains(&written), "the notes are written as they are");
    fs::write(&path, text.replace(&written, hostile)).unwrap();
    let loaded = store::load(&path).unwrap();
    assert_eq!(loaded.plan.days[1].blocks[0].notes.as_deref(), Some("Meja 3 dulu\nlalu Meja 5"));
    // Removed: no `notes` key for that block.
    session.plan.days[1].blocks[0].notes = None;
    store::save(&path, &session).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap().matches("\"notes\"").count(), 1, "the fixture's own notes only");
    assert_eq!(store::load(&path).unwrap(), session);
}

/// A disk that fails the n-th operation of a given kind, to prove a failed save never harms the old file.
struct FailingDisk {
    fail_at: &'static str,
    calls: AtomicUsize,
}

impl FailingDisk {
    fn failing(&self, op: &str) -> io::Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if op == self.fail_at {
            Err(io::Error::new(io::ErrorKind::StorageFull, "No space left on device"))
        } else {
            Ok(())
        }
    }
}

impl Disk for FailingDisk {
    fn write_new_synced(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if self.fail_at == "write" {
            // A partial write, as a full disk leaves it, then the failure.
            fs::write(path, &bytes[..bytes.len() / 2])?;
        } else {
            RealDisk.write_new_synced(path, bytes)?;
        }
        self.failing("write")
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.failing("rename")?;
        RealDisk.rename(from, to)
    }
    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.failing("link")?;
        RealDisk.hard_link(from, to)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        self.failing("sync_dir")?;
        RealDisk.sync_dir(dir)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        RealDisk.remove(path)
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_failing_save_leaves_the_previous_file_byte_identical_and_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    fs::copy(common::fixtures().join("valid.json"), &path).unwrap();
    let before = fs::read(&path).unwrap();
    let mut session = store::load(&path).unwrap();
    session.plan.title = "Changed".into();
    for fail_at in ["write", "rename"] {
        let disk = FailingDisk { fail_at, calls: AtomicUsize::new(0) };
        let err = store::save_with(&disk, &path, &session).unwrap_err();
        assert!(matches!(err, SaveError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("lab.json: cannot save: No space left on device"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), before, "failure at {fail_at} changed the file");
        assert_eq!(names_in(dir.path()), vec!["lab.json"], "failure at {fail_at} left files behind");
    }
}

#[test]
fn a_normal_save_replaces_the_file_and_leaves_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    fs::copy(common::fixtures().join("valid.json"), &path).unwrap();
    let mut session = store::load(&path).unwrap();
    session.plan.title = "Lab Inovasi Kota".into();
    store::save(&path, &session).unwrap();
    assert_eq!(store::load(&path).unwrap(), session);
    assert_eq!(names_in(dir.path()), vec!["lab.json"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn an_invalid_session_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    fs::copy(common::fixtures().join("valid.json"), &path).unwrap();
    let before = fs::read(&path).unwrap();
    let mut session = store::load(&path).unwrap();
    session.ideas[0].group = "nowhere".into();
    let err = store::save(&path, &session).unwrap_err();
    assert!(matches!(err, SaveError::Invalid { .. }), "{err:?}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn create_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    fs::copy(common::fixtures().join("valid.json"), &path).unwrap();
    let before = fs::read(&path).unwrap();
    let session: Session = store::load(&path).unwrap();
    let err = store::create(&path, &session).unwrap_err();
    assert!(matches!(err, SaveError::Exists { .. }), "{err:?}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(names_in(dir.path()), vec!["lab.json"]);
}

#[test]
fn a_second_writer_gets_a_clear_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    fs::copy(common::fixtures().join("valid.json"), &path).unwrap();
    let first = OpenSession::open(&path).unwrap();
    let second = SessionLock::acquire(&path).unwrap_err();
    match &second {
        LockError::Busy { holder, .. } => assert_eq!(*holder, Some(std::process::id())),
        other => panic!("{other:?}"),
    }
    let line = second.to_string();
    assert!(line.contains("lab.json: open in another innolab (process"), "{line}");
    drop(first);
    // Another test thread may be spawning a process at this moment: between its fork and its exec the child
    // holds a copy of every descriptor, the lock file's too, and with it the lock. So: free within a second.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        match SessionLock::acquire(&path) {
            Ok(_) => break,
            Err(LockError::Busy { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => panic!("the lock is free once the first writer is gone: {e:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Issue 11: the one-writer lock follows the real file; nothing it opens follows a planted link.

#[cfg(unix)]
#[test]
fn a_symlink_and_the_real_file_share_one_lock_and_saves_replace_the_real_file() {
    let dir = tempfile::tempdir().unwrap();
    let real = common::new_session(dir.path());
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut held = OpenSession::open(&link).unwrap();
    assert_eq!(held.path, fs::canonicalize(&real).unwrap(), "the lock and the saves follow the link");
    assert!(matches!(OpenSession::open(&real), Err(store::OpenError::Lock(LockError::Busy { .. }))));
    held.session.plan.title = "Lewat tautan".into();
    held.save().unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
    assert_eq!(store::load(&real).unwrap().plan.title, "Lewat tautan");
    assert_eq!(store::lock_holder(&link), Some(Some(std::process::id())));
}

#[cfg(unix)]
#[test]
fn a_hard_linked_session_is_refused_for_writing_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let real = common::new_session(dir.path());
    let twin = dir.path().join("twin.json");
    fs::hard_link(&real, &twin).unwrap();
    let err = OpenSession::open(&twin).unwrap_err().to_string();
    assert!(err.contains("twin.json") && err.contains("2 names (hard links)"), "{err}");
    fs::remove_file(&twin).unwrap();
    OpenSession::open(&real).unwrap();
}

#[cfg(unix)]
#[test]
fn a_planted_lock_link_never_truncates_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let real = common::new_session(dir.path());
    let victim = dir.path().join("precious.txt");
    fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, SessionLock::lock_path(&real)).unwrap();
    assert!(OpenSession::open(&real).is_err());
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn a_removed_lock_file_is_noticed_before_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let mut first = OpenSession::open(&path).unwrap();
    // Alone, a removed lock is simply taken again.
    fs::remove_file(SessionLock::lock_path(&path)).unwrap();
    first.save().unwrap();
    assert!(first.lock.is_current());
    // Removed, then taken by a second writer: the first one stops writing.
    fs::remove_file(SessionLock::lock_path(&path)).unwrap();
    let mut second = OpenSession::open(&path).unwrap();
    first.session.plan.title = "Penulis pertama".into();
    assert!(matches!(first.save(), Err(SaveError::LockLost { .. })));
    second.save().unwrap();
    assert_ne!(store::load(&path).unwrap().plan.title, "Penulis pertama");
}

#[test]
fn opening_a_session_cleans_only_its_own_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    fs::copy(common::new_session(dir.path()), &a).unwrap();
    let own = dir.path().join(".a.json.4242.0.tmp");
    let other = dir.path().join(".a.json.b.json.4242.0.tmp");
    let odd = dir.path().join(".a.json.notes.tmp");
    for file in [&own, &other, &odd] {
        fs::write(file, "x").unwrap();
    }
    OpenSession::open(&a).unwrap();
    assert!(!own.exists());
    assert!(other.exists() && odd.exists(), "another session's temp files are not ours to delete");
}

#[test]
fn a_touch_is_not_a_change_but_new_content_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let open = OpenSession::open(&path).unwrap();
    let mut version = open.version;
    // A backup tool sets the time (and even copies the same bytes back under a new inode).
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
    let bytes = fs::read(&path).unwrap();
    fs::remove_file(&path).unwrap();
    fs::write(&path, &bytes).unwrap();
    let saved = store::save_guarded(&RealDisk, &path, &open.session, version).unwrap();
    version = Some(saved.version());
    // Another program writes different content: never overwritten.
    let mut theirs = open.session.clone();
    theirs.plan.title = "Versi lain".into();
    store::save(&path, &theirs).unwrap();
    assert!(matches!(
        store::save_guarded(&RealDisk, &path, &open.session, version),
        Err(SaveError::ChangedElsewhere { .. })
    ));
    assert_eq!(store::load(&path).unwrap().plan.title, "Versi lain");
}
