//! Ideas typed in from scripts and paper forms, through the real binary: they land in an idea-capturing
//! block, a retry or a re-import adds nothing twice, and flagships follow One Agency One Innovation.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn ideas(path: &Path) -> Vec<innolab::model::Idea> {
    innolab::store::load(path).unwrap().ideas
}

#[test]
fn idea_add_defaults_to_an_idea_capturing_block_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    // A new session stands on registration (a break): the plan's first idea-capturing block.
    let out = run(dir.path(), &["idea", "add", "lab.json", "--group", "1", "--title", "SIP online"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1\n");
    assert_eq!(
        stderr(&out),
        "innolab: idea #1 filed under block d1-coaching-komitmen \"Coaching per Meja: Komitmen Berinovasi\" \
         (day 1, Drum-up)\n"
    );
    // On a break after a capturing block: the latest capturing block before it.
    let mut session = innolab::store::load(&path).unwrap();
    session.progress.block = "d2-ishoma".into();
    innolab::store::save(&path, &session).unwrap();
    let out = run(dir.path(), &["--lang", "id", "idea", "add", "lab.json", "--group", "2", "--title", "Antrean"]);
    assert!(stderr(&out).contains("ide #2 dicatat pada blok d2-akar-masalah"), "{}", stderr(&out));
    // A block named by its title; no note, since the block was given.
    let out = run(dir.path(), &["idea", "add", "lab.json", "--group", "2", "--title", "Izin", "--block", "isHoma"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("several blocks are called \"isHoma\" (d1-ishoma, d2-ishoma, d3-ishoma)"));
    let args = ["idea", "add", "lab.json", "--group", "2", "--title", "Izin", "--block", "curah ide inovasi per opd"];
    let out = run(dir.path(), &args);
    assert!(out.status.success() && stderr(&out).is_empty(), "{}", stderr(&out));
    let stored = ideas(&path);
    let placed: Vec<(&str, &str)> = stored.iter().map(|i| (i.block.as_str(), i.stage.key())).collect();
    assert_eq!(
        placed,
        [("d1-coaching-komitmen", "drum_up"), ("d2-akar-masalah", "diagnose"), ("d2-curah-ide", "diagnose")]
    );
}

#[test]
fn a_retried_idea_add_returns_the_existing_id_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let add = |title: &str, extra: &[&str]| {
        let mut args = vec!["idea", "add", "lab.json", "--group", "Meja 3", "--title", title, "--author", "Budi"];
        args.extend_from_slice(extra);
        run(dir.path(), &args)
    };
    assert_eq!(stdout(&add("Bank sampah RW", &[])), "1\n");
    let before = fs::read(&path).unwrap();
    let out = add("  bank   SAMPAH rw ", &[]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), "1\n", "the existing id, so a retrying script carries on");
    assert!(stderr(&out).contains("idea #1 already has this table, title and author; nothing added"));
    assert_eq!(fs::read(&path).unwrap(), before, "the file is untouched");
    assert_eq!(stdout(&add("Bank sampah RW", &["--allow-duplicates"])), "2\n");
    assert_eq!(ideas(&path).len(), 2);
}

#[test]
fn flagships_need_an_agency_and_one_per_agency() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    fs::write(dir.path().join("peserta.csv"), "table,name,agency,role\n1,Budi,Dinas Kesehatan,head\n").unwrap();
    assert!(run(dir.path(), &["roster", "import", "lab.json", "peserta.csv"]).status.success());
    let add = |args: &[&str]| {
        let mut all = vec!["idea", "add", "lab.json", "--block", "d2-curah-ide", "--flagship"];
        all.extend_from_slice(args);
        run(dir.path(), &all)
    };
    let before = fs::read(&path).unwrap();
    let out = add(&["--group", "2", "--title", "Tanpa OPD"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "innolab: lab.json: a flagship needs an agency: give --agency, or an --author on the roster who has one; \
         nothing added\n"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    // The author's agency on the roster is enough.
    assert_eq!(stdout(&add(&["--group", "1", "--title", "Posyandu digital", "--author", "budi"])), "1\n");
    let out = add(&["--group", "4", "--title", "Puskesmas online", "--agency", "DINAS KESEHATAN"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("Dinas Kesehatan already has a flagship: idea #1 \"Posyandu digital\"; add --replace-flagship"),
        "{}",
        stderr(&out)
    );
    let out =
        add(&["--group", "4", "--title", "Puskesmas online", "--agency", "DINAS KESEHATAN", "--replace-flagship"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("the flagship star of Dinas Kesehatan moved from idea #1 to #2"));
    let flags: Vec<(u64, bool)> = ideas(&path).iter().map(|i| (i.id, i.flagship)).collect();
    assert_eq!(flags, [(1, false), (2, true)]);
    let out = run(dir.path(), &["idea", "add", "lab.json", "--group", "1", "--title", "x", "--replace-flagship"]);
    assert_eq!(out.status.code(), Some(2), "--replace-flagship needs --flagship");
}

#[test]
fn import_files_rows_where_they_belong_and_never_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    fs::write(
        dir.path().join("ide.csv"),
        "meja;judul;penggagas;sesi;tahap\n3;Bank sampah RW;Dewi;;\n1;Posyandu keliling;Rina;d2-akar-masalah;\n\
         1;posyandu  KELILING;rina;;\n2;Antrean;;Curah Ide Inovasi per OPD;desain\n",
    )
    .unwrap();
    let out = run(dir.path(), &["import", "lab.json", "ide.csv", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "line 2: Meja 3 · Bank sampah RW · block d1-coaching-komitmen\n\
         line 3: Meja 1 · Posyandu keliling · block d2-akar-masalah\n\
         line 5: Meja 2 · Antrean · block d2-curah-ide\n\
         lab.json: would add 3 ideas (dry run: nothing written); 1 duplicate skipped\n"
    );
    let out = run(dir.path(), &["import", "lab.json", "ide.csv"]);
    assert_eq!(stdout(&out), "lab.json: 3 ideas added (#1–#3); 1 duplicate skipped\n");
    assert_eq!(
        stderr(&out),
        "innolab: ide.csv: line 4: skipped, the same as line 3\n\
         innolab: rows without a block filed under block d1-coaching-komitmen \"Coaching per Meja: Komitmen \
         Berinovasi\" (day 1, Drum-up)\n"
    );
    let placed: Vec<(String, &str)> = ideas(&path).iter().map(|i| (i.block.clone(), i.stage.key())).collect();
    assert_eq!(
        placed,
        [
            ("d1-coaching-komitmen".to_string(), "drum_up"),
            ("d2-akar-masalah".to_string(), "diagnose"),
            ("d2-curah-ide".to_string(), "design")
        ]
    );

    // The same sheet again: every row is named and skipped, and the file is not rewritten.
    let before = fs::read(&path).unwrap();
    let out = run(dir.path(), &["import", "lab.json", "ide.csv"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), "lab.json: 0 ideas added; 4 duplicates skipped\n");
    assert!(stderr(&out).contains("ide.csv: line 2: skipped, the same as idea #1 (Meja 3 · \"Bank sampah RW\")"));
    assert_eq!(stderr(&out).lines().count(), 4);
    assert_eq!(fs::read(&path).unwrap(), before);

    // --block and --stage for rows without their own; --allow-duplicates keeps them.
    let args =
        ["import", "lab.json", "ide.csv", "--block", "d3-pendalaman-ide", "--stage", "design", "--allow-duplicates"];
    let out = run(dir.path(), &args);
    assert_eq!(stdout(&out), "lab.json: 4 ideas added (#4–#7)\n");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let last: Vec<(String, &str)> = ideas(&path)[3..].iter().map(|i| (i.block.clone(), i.stage.key())).collect();
    assert_eq!(last[0], ("d3-pendalaman-ide".to_string(), "design"));
    assert_eq!(last[1], ("d2-akar-masalah".to_string(), "design"), "the row's block, the flag's stage");
    assert_eq!(last[3], ("d2-curah-ide".to_string(), "design"));
}

#[test]
fn import_refuses_unknown_or_ambiguous_blocks_and_stages() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let before = fs::read(&path).unwrap();
    fs::write(dir.path().join("ide.csv"), "table,title,block,stage\n1,A,nope,x\n2,B,Rehat Kopi,\n").unwrap();
    let out = run(dir.path(), &["import", "lab.json", "ide.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "innolab: ide.csv: line 2: unknown block \"nope\"; give a block's id or title (see innolab plan default)\n\
         innolab: ide.csv: line 2: unknown stage \"x\"; expected drum_up, diagnose, design, deliver, display or none\n\
         innolab: ide.csv: line 3: several blocks are called \"Rehat Kopi\" (d1-rehat-pagi, d1-rehat-sore, \
         d2-rehat-pagi, d2-rehat-sore, d3-rehat-pagi); give the block's id\n\
         innolab: ide.csv: nothing was imported (3 problems)\n"
    );
    let out = run(dir.path(), &["import", "lab.json", "ide.csv", "--block", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("innolab: lab.json: no block \"nowhere\" in the plan"), "{}", stderr(&out));
    assert_eq!(fs::read(&path).unwrap(), before);
}

/// A quote that is never closed would merge every row after it into one cell: both importers refuse the
/// file and name the line where the quote opens.
#[test]
fn an_unclosed_quote_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let before = fs::read(&path).unwrap();
    fs::write(dir.path().join("ide.csv"), "table,title\n1,SIP online\n2,\"Bank sampah\n3,Posyandu\n").unwrap();
    let out = run(dir.path(), &["import", "lab.json", "ide.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("innolab: ide.csv: line 3: a quoted cell starts on this line and is never closed"),
        "{}",
        stderr(&out)
    );
    fs::write(dir.path().join("peserta.csv"), "table,name,agency,role\n1,\"Budi,DPMPTSP,head\n2,Ani,X,staff\n")
        .unwrap();
    let out = run(dir.path(), &["roster", "import", "lab.json", "peserta.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("innolab: peserta.csv: line 2: a quoted cell starts"), "{}", stderr(&out));
    assert_eq!(fs::read(&path).unwrap(), before);
}
