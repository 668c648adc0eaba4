//! `innolab export` through the real binary: it never writes over a session, a file innolab holds open, or
//! anything that is not an earlier export of its own kind; it writes in the language asked for.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Exports `lab.json` as `format` to `target` and returns the output.
fn export_to(dir: &Path, format: &str, target: &str) -> std::process::Output {
    run(dir, &["export", "lab.json", "--format", format, "-o", target])
}

/// The export was refused with exactly `line`, exit 1, and `file` is byte-identical.
fn assert_refused(out: &std::process::Output, line: &str, file: &Path, before: &[u8]) {
    assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
    assert_eq!(stderr(out), format!("innolab: {line}\n"));
    assert_eq!(fs::read(file).unwrap(), before, "{} changed", file.display());
}

#[test]
fn an_export_never_overwrites_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let session = new_session(d);
    let before = fs::read(&session).unwrap();
    for format in ["json", "csv", "md", "xlsx"] {
        assert_refused(
            &export_to(d, format, "lab.json"),
            "lab.json: is the session being exported; an export never overwrites a session (choose another -o)",
            &session,
            &before,
        );
    }
    // Another session, and an emergency copy (a whole session too).
    assert!(run(d, &["new", "--start-date", "2022-11-02", "-o", "other.json"]).status.success());
    let other = fs::read(d.join("other.json")).unwrap();
    assert_refused(
        &export_to(d, "json", "other.json"),
        "other.json: is an innolab session; an export never overwrites a session (choose another -o)",
        &d.join("other.json"),
        &other,
    );
    fs::copy(&session, d.join("lab.emergency-20221103-101010.json")).unwrap();
    let out = export_to(d, "json", "lab.emergency-20221103-101010.json");
    assert_eq!(out.status.code(), Some(1));
    // The same file by another name: a symbolic link and a hard link.
    #[cfg(unix)]
    std::os::unix::fs::symlink("lab.json", d.join("soft.json")).unwrap();
    fs::hard_link(&session, d.join("hard.csv")).unwrap();
    for name in ["soft.json", "hard.csv"] {
        let line =
            format!("{name}: is the session being exported; an export never overwrites a session (choose another -o)");
        assert_refused(&export_to(d, "csv", name), &line, &session, &before);
    }
}

#[test]
fn an_export_never_overwrites_a_file_innolab_holds_open() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    new_session(d);
    assert!(run(d, &["new", "--start-date", "2022-11-02", "-o", "open.json"]).status.success());
    let before = fs::read(d.join("open.json")).unwrap();
    // Held the way a running `innolab run open.json` holds it.
    let lock = innolab::store::SessionLock::acquire(&d.join("open.json")).unwrap();
    let out = export_to(d, "json", "open.json");
    let line = format!(
        "open.json: is open in another innolab (process {}); an export never overwrites it",
        std::process::id()
    );
    assert_refused(&out, &line, &d.join("open.json"), &before);
    drop(lock);
}

#[test]
fn an_export_replaces_only_an_earlier_export_of_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    new_session(d);
    fs::write(d.join("notes.md"), "# My own notes\n").unwrap();
    let line = "notes.md: already exists and is not an innolab markdown report; innolab does not overwrite it \
                (choose another -o, or remove it)";
    assert_refused(&export_to(d, "md", "notes.md"), line, &d.join("notes.md"), b"# My own notes\n");
    fs::write(d.join("budget.xlsx"), b"PK\x03\x04 someone else's workbook").unwrap();
    let out = export_to(d, "xlsx", "budget.xlsx");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read(d.join("budget.xlsx")).unwrap(), b"PK\x03\x04 someone else's workbook");

    // Each format replaces its own earlier export, wherever it is, and nothing else.
    for (format, target) in [("csv", "r.csv"), ("md", "r.md"), ("json", "r.json"), ("xlsx", "r.xlsx")] {
        let first = export_to(d, format, target);
        assert!(first.status.success(), "{format}: {}", stderr(&first));
        let second = export_to(d, format, target);
        assert!(second.status.success(), "{format} again: {}", stderr(&second));
        assert_eq!(stdout(&second), format!("{target}\n"));
    }
    let before = fs::read(d.join("r.csv")).unwrap();
    assert_refused(
        &export_to(d, "md", "r.csv"),
        "r.csv: is an innolab CSV of the ideas, not an innolab markdown report; an export only replaces an \
         earlier export of its kind (choose another -o)",
        &d.join("r.csv"),
        &before,
    );
    let out = export_to(d, "md", "r.json");
    assert!(stderr(&out).starts_with("innolab: r.json: is an innolab tally (JSON), not an innolab markdown"));
    fs::create_dir(d.join("folder")).unwrap();
    let out = export_to(d, "csv", "folder");
    assert_eq!(stderr(&out), "innolab: folder: is a folder; give a file name with -o\n");
}

#[test]
fn exports_go_to_their_own_folder_in_the_language_asked_for() {
    use calamine::Reader;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &["new", "--start-date", "2022-11-02", "--title", "Lab Kota"]).status.success());
    let out = run(d, &["--lang", "id", "export", "2022-11-02-lab-kota", "--format", "xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sessions/exports/2022-11-02-lab-kota.xlsx\n");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(d.join("sessions/exports/2022-11-02-lab-kota.xlsx")).unwrap();
    assert_eq!(book.sheet_names()[..3], ["Kesiapan", "Ide", "Per meja"]);
    let ideas = book.worksheet_range("Ide").unwrap();
    assert_eq!(ideas.get((0, 5)).map(ToString::to_string).as_deref(), Some("Judul"));
    // `validate sessions/*.json` meets only sessions.
    let out = run(d, &["validate", "sessions/2022-11-02-lab-kota.json"]);
    assert!(out.status.success());
    let md = run(d, &["--lang", "id", "export", "2022-11-02-lab-kota", "--format", "md"]);
    let report = fs::read_to_string(d.join(stdout(&md).trim())).unwrap();
    assert!(report.starts_with("<!-- innolab report -->\n# Lab Kota\n"), "{report}");
    assert!(report.contains("## Kesiapan penghargaan"), "{report}");
}
