//! The numbers the organisers take away, from the real binary: `innolab check` names what is open before the
//! awards, every report starts with the same list, and `tally` counts each real file once, however it is named.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// A lab with a roster of four (Rina absent) and ideas that leave something open of every kind but one.
fn lab(dir: &Path) {
    ok(dir, &["new", "--start-date", "2022-11-02", "--title", "Lab Inovasi Cilegon", "-o", "lab.json"]);
    fs::write(
        dir.join("peserta.csv"),
        "table,name,agency,role,present\n1,Budi Santoso,DPMPTSP,head,ya\n1,Rina,Dinas Kesehatan,sekretaris,tidak\n\
         2,Agus,Dinas PUPR,head,ya\n3,Dewi,Dinas Sosial,head,ya\n",
    )
    .unwrap();
    ok(dir, &["roster", "import", "lab.json", "peserta.csv"]);
    let add = |args: &[&str]| {
        let mut all = vec!["idea", "add", "lab.json", "--block", "d2-curah-ide"];
        all.extend_from_slice(args);
        ok(dir, &all)
    };
    add(&["--group", "1", "--title", "SIP satu hari", "--author", "Budi Santoso", "--flagship"]);
    add(&["--group", "1", "--title", "Posyandu keliling", "--author", "Rina"]);
    add(&["--group", "2", "--title", "Jalan mulus", "--agency", "Dinas PUPR"]);
    add(&["--group", "3", "--title", "Usul \u{1b}[2J tamu", "--author", "Pak Tamu"]);
}

#[test]
fn check_names_every_open_item_and_fails_until_settled() {
    let dir = tempfile::tempdir().unwrap();
    lab(dir.path());
    let out = run(dir.path(), &["check", "lab.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "lab.json: Readiness for the awards: 7 open items\n\
         - #2 \"Posyandu keliling\" (Meja 1): its author Rina is marked absent\n\
         - #3 \"Jalan mulus\" (Meja 2): no author, so nobody is credited for it\n\
         - #4 \"Usul  tamu\" (Meja 3): its author Pak Tamu is not on the roster\n\
         - #4 \"Usul  tamu\" (Meja 3): no agency (neither the idea nor its author on the roster has one)\n\
         - Dinas Kesehatan: no flagship innovation yet\n\
         - Dinas PUPR: no flagship innovation yet\n\
         - Dinas Sosial: no idea yet\n"
    );
    assert_eq!(stderr(&out), "innolab: 7 items are open; settle them before the awards\n");

    // The same in Indonesian, by the session's name in the sessions folder.
    fs::create_dir(dir.path().join("sessions")).unwrap();
    fs::copy(dir.path().join("lab.json"), dir.path().join("sessions/lab.json")).unwrap();
    let out = run(dir.path(), &["--lang", "id", "check", "lab"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("sessions/lab.json: Kesiapan penghargaan: 7 hal belum beres\n"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("penggagasnya, Rina, tercatat tidak hadir"), "{}", stdout(&out));

    // Settled: everyone present, every idea credited to someone on the roster, one flagship per agency.
    let path = dir.path().join("lab.json");
    let mut session = innolab::store::load(&path).unwrap();
    session.groups[0].members[1].present = true;
    session.ideas[2].author = Some("Agus".into());
    session.ideas[3].author = Some("Dewi".into());
    for id in [2, 3, 4] {
        session.ideas[id - 1].flagship = true;
    }
    innolab::store::save(&path, &session).unwrap();
    let out = run(dir.path(), &["check", "lab.json"]);
    assert_eq!(stdout(&out), "lab.json: Ready for the awards: nothing open.\n");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn every_report_starts_with_the_readiness_check() {
    let dir = tempfile::tempdir().unwrap();
    lab(dir.path());
    let text = ok(dir.path(), &["tally", "lab.json"]);
    let readiness = text.find("Readiness for the awards").unwrap();
    assert!(readiness < text.find("Per table").unwrap(), "{text}");
    assert!(text.contains("- #2 \"Posyandu keliling\" (Meja 1): its author Rina is marked absent\n"), "{text}");
    assert!(!text.contains('\u{1b}'), "a hostile title stays inert");
    assert!(
        text.contains("\nRina (absent)  Dinas Kesehatan  Meja 1      1\n"),
        "the awards list marks who is absent: {text}"
    );

    // Over several sessions: one line per session with what is open, counted by kind.
    ok(dir.path(), &["new", "--start-date", "2023-11-02", "-o", "ready.json"]);
    let both = ok(dir.path(), &["tally", "lab.json", "ready.json"]);
    assert!(
        both.contains(
            "7 open items in 1 session (innolab check FILE lists them one by one):\n\
             - lab.json: 1 idea without an author, 1 author not on the roster, 1 absent author, \
             1 idea without an agency, 2 agencies without a flagship, 1 agency without an idea\n"
        ),
        "{both}"
    );

    let md = ok(dir.path(), &["tally", "--format", "md", "lab.json"]);
    assert!(md.find("## Readiness for the awards").unwrap() < md.find("## Per table").unwrap(), "{md}");
    assert!(md.contains("- \\#2 \"Posyandu keliling\" (Meja 1): its author Rina is marked absent\n"), "{md}");

    let json: Value = serde_json::from_str(&ok(dir.path(), &["tally", "--format", "json", "lab.json"])).unwrap();
    let items = json["readiness"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    assert_eq!(
        items[0],
        serde_json::json!({"session": "lab.json", "kind": "absent_author", "idea": 2, "title": "Posyandu keliling",
            "table": "Meja 1", "author": "Rina"})
    );
    let awardees = json["authors"].as_array().unwrap();
    let rina = awardees.iter().find(|a| a["name"] == "Rina").unwrap();
    assert_eq!((rina["on_roster"].clone(), rina["absent"].clone()), (Value::Bool(true), Value::Bool(true)));
    let guest = awardees.iter().find(|a| a["name"] == "Pak Tamu").unwrap();
    assert_eq!(guest["on_roster"], Value::Bool(false));

    let csv = ok(dir.path(), &["tally", "--format", "csv", "lab.json"]);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "readiness")
        .collect();
    assert_eq!(rows.len(), 7);
    assert_eq!((&rows[0][2], &rows[0][8]), ("2", "absent_author"));

    ok(dir.path(), &["export", "lab.json", "--format", "md", "-o", "laporan.md"]);
    let report = fs::read_to_string(dir.path().join("laporan.md")).unwrap();
    assert!(report.find("## Readiness for the awards").unwrap() < report.find("## Per table").unwrap());
}

#[test]
fn a_file_reached_twice_is_counted_once_and_rows_name_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["new", "--start-date", "2022-11-02", "-o", "2022/lab.json"]);
    ok(d, &["new", "--start-date", "2023-11-02", "-o", "2023/lab.json"]);
    ok(d, &["idea", "add", "2022/lab.json", "--group", "1", "--title", "A", "--block", "d2-curah-ide"]);
    ok(d, &["idea", "add", "2023/lab.json", "--group", "1", "--title", "B", "--block", "d2-curah-ide"]);
    fs::hard_link(d.join("2022/lab.json"), d.join("hard.json")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("2022/lab.json", d.join("soft.json")).unwrap();
    let args = [
        "tally",
        "--format",
        "json",
        "2022/",
        "./2022/lab.json",
        "2022/../2022/lab.json",
        "2023",
        "2023",
        "hard.json",
        "soft.json",
    ];
    let out = run(d, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "innolab: 5 files were named more than once and are counted once\n");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ideas"], 2, "each real file once");
    let names: Vec<&str> =
        json["sessions"].as_array().unwrap().iter().map(|s| s["session"].as_str().unwrap()).collect();
    assert_eq!(names, ["2022/lab.json", "2023/lab.json"], "two lab.json told apart by their folder");
    let skipped = json["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 5);
    assert_eq!(
        skipped[0],
        serde_json::json!({"path": "./2022/lab.json", "reason": "duplicate", "same_as": "2022/lab.json"})
    );
    let text = ok(d, &["tally", "2022/lab.json", "hard.json"]);
    assert!(
        text.contains("Files skipped\n-------------\n- hard.json: the same file as 2022/lab.json, counted once\n"),
        "{text}"
    );
    // One file alone is named by its file name.
    let json: Value = serde_json::from_str(&ok(d, &["tally", "--format", "json", "2023/lab.json"])).unwrap();
    assert_eq!(json["sessions"][0]["session"], "lab.json");
}

/// `innolab tally … | head`: when the reader stops early, the tally exits quietly, in every format.
#[test]
fn a_closed_pipe_ends_the_tally_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let mut session = innolab::store::load(&path).unwrap();
    let now = session.created_at;
    for i in 0..3000 {
        let new = innolab::model::NewIdea {
            group: format!("meja-{}", i % 6 + 1),
            title: format!("Ide {i} dengan judul yang cukup panjang untuk mengisi keluaran"),
            author: Some(format!("Peserta {i}")),
            ..Default::default()
        };
        session.add_idea(new, now).unwrap();
    }
    innolab::store::save(&path, &session).unwrap();
    for format in ["text", "json", "csv", "md"] {
        let mut child = innolab(dir.path())
            .args(["tally", "--format", format, "lab.json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(stderr(&out), "", "{format}: no \"Broken pipe\"");
        assert!(out.status.success(), "{format}: {:?}", out.status);
    }
}
