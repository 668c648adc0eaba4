//! The reports as the organiser gets them from the real binary: `tally` in every format (golden snapshots),
//! counts checked against an independent count of the session files, `export` read back with the csv crate
//! and calamine, and `import` of a spreadsheet of ideas.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// Two sessions built the way an organiser would: `new`, `roster import`, `idea add`, `import`.
fn lab_year(dir: &Path) -> (PathBuf, PathBuf) {
    let ok = |args: &[&str]| {
        let out = run(dir, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    ok(&["new", "--start-date", "2022-11-02", "--title", "Lab Inovasi Cilegon", "-o", "labs/cilegon.json"]);
    ok(&["new", "--start-date", "2023-03-06", "--title", "Lab Inovasi Kesehatan", "-o", "labs/kesehatan.json"]);
    fs::write(
        dir.join("peserta.csv"),
        "table,name,agency,role\n1,Budi Santoso,DPMPTSP,head\n1,Rina,Dinas Kesehatan,representative\n2,Agus,Dinas PUPR,head\n3,Dewi,Dinas Sosial,head\n",
    )
    .unwrap();
    ok(&["roster", "import", "labs/cilegon.json", "peserta.csv"]);
    ok(&[
        "idea",
        "add",
        "labs/cilegon.json",
        "--group",
        "1",
        "--title",
        "SIP satu hari",
        "--author",
        "Budi Santoso",
        "--block",
        "d2-curah-ide",
        "--flagship",
    ]);
    ok(&[
        "idea",
        "add",
        "labs/cilegon.json",
        "--group",
        "1",
        "--title",
        "Antrean online puskesmas",
        "--author",
        "Rina",
        "--form",
        "public_service",
        "--digital",
        "--block",
        "d2-curah-ide",
    ]);
    ok(&[
        "idea",
        "add",
        "labs/cilegon.json",
        "--group",
        "2",
        "--title",
        "=HYPERLINK(\"http://evil\")",
        "--agency",
        "Dinas PUPR",
        "--block",
        "d3-pendalaman-ide",
    ]);
    let id = ok(&["idea", "add", "labs/cilegon.json", "--group", "2", "--title", "Dihapus", "--block", "d2-curah-ide"]);
    // A deleted idea (a tombstone in the file) must never be counted.
    let path = dir.join("labs/cilegon.json");
    let mut session = innolab::store::load(&path).unwrap();
    session.idea_mut(id.trim().parse().unwrap()).unwrap().deleted = true;
    innolab::store::save(&path, &session).unwrap();
    fs::write(
        dir.join("ide.csv"),
        "meja;judul;opd;penggagas;bentuk;digital\n3;Bank sampah RW;;Dewi;governance;tidak\n1;Posyandu keliling;Dinas Kesehatan;Rina;;ya\n",
    )
    .unwrap();
    ok(&["import", "labs/cilegon.json", "ide.csv"]);
    ok(&[
        "idea",
        "add",
        "labs/kesehatan.json",
        "--group",
        "4",
        "--title",
        "Rujukan digital",
        "--agency",
        "Dinas Kesehatan",
    ]);
    (dir.join("labs/cilegon.json"), dir.join("labs/kesehatan.json"))
}

#[test]
fn tally_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    lab_year(dir.path());
    for format in ["text", "json", "csv", "md"] {
        let out = run(dir.path(), &["tally", "--format", format, "labs"]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        insta::assert_snapshot!(format!("tally_{format}"), stdout(&out));
    }
    let out = innolab(dir.path()).env("LANG", "id_ID.UTF-8").args(["tally", "labs/cilegon.json"]).output().unwrap();
    insta::assert_snapshot!("tally_text_id", stdout(&out));
}

/// Counts the live ideas of the session files directly from their JSON, without innolab's code.
fn independent_counts(paths: &[&Path]) -> (usize, BTreeMap<String, usize>, usize, usize) {
    let mut live = 0;
    let mut per_group = BTreeMap::new();
    let (mut flagship, mut digital) = (0, 0);
    for path in paths {
        let v: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for idea in v["ideas"].as_array().unwrap() {
            if idea["deleted"].as_bool().unwrap() {
                continue;
            }
            live += 1;
            *per_group.entry(format!("{file}/{}", idea["group"].as_str().unwrap())).or_insert(0) += 1;
            flagship += usize::from(idea["flagship"].as_bool().unwrap());
            digital += usize::from(idea["digital"].as_bool().unwrap());
        }
    }
    (live, per_group, flagship, digital)
}

#[test]
fn tally_json_matches_an_independent_count_of_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = lab_year(dir.path());
    let out = run(dir.path(), &["tally", "--format", "json", a.to_str().unwrap(), b.to_str().unwrap()]);
    let tally: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (live, per_group, flagship, digital) = independent_counts(&[&a, &b]);
    assert_eq!(tally["ideas"], live);
    assert_eq!(tally["flagship"], flagship);
    assert_eq!(tally["digital"], digital);
    assert_eq!(tally["target"], 100);
    for row in tally["by_group"].as_array().unwrap() {
        let key = format!("{}/{}", row["session"].as_str().unwrap(), row["group"].as_str().unwrap());
        assert_eq!(row["ideas"].as_u64().unwrap() as usize, per_group.get(&key).copied().unwrap_or(0), "{key}");
    }
    let by_stage: usize = tally["by_stage"].as_object().unwrap().values().map(|v| v.as_u64().unwrap() as usize).sum();
    let by_day: usize = tally["by_day"].as_array().unwrap().iter().map(|d| d["ideas"].as_u64().unwrap() as usize).sum();
    let by_form: usize = tally["by_form"].as_object().unwrap().values().map(|v| v.as_u64().unwrap() as usize).sum();
    assert_eq!((by_stage, by_day, by_form), (live, live, live));
    assert_eq!(tally["agencies_without_ideas"], serde_json::json!([]));
    let agencies: Vec<&str> =
        tally["by_agency"].as_array().unwrap().iter().filter_map(|a| a["agency"].as_str()).collect();
    assert!(agencies.contains(&"Dinas Sosial"), "Dewi's idea counts for her agency: {agencies:?}");
    let authors: Vec<&str> = tally["authors"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    // By table, then agency, then name: Rina (Dinas Kesehatan) before Budi (DPMPTSP) at table 1.
    assert_eq!(authors, ["Rina", "Budi Santoso", "Dewi"]);
}

#[test]
fn tally_names_a_broken_file_exits_1_and_still_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = lab_year(dir.path());
    fs::write(dir.path().join("labs/broken.json"), "{\"schema_version\": 1").unwrap();
    let out = run(dir.path(), &["tally", "--format", "json", "labs"]);
    assert_eq!(out.status.code(), Some(1));
    let tally: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tally["left_out"][0]["path"], "labs/broken.json");
    assert_eq!(tally["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(tally["ideas"], independent_counts(&[&a, &dir.path().join("labs/kesehatan.json")]).0);
    assert!(stderr(&out).contains("1 file failed"), "{}", stderr(&out));
    let text = stdout(&run(dir.path(), &["tally", "labs"]));
    assert!(text.contains("labs/broken.json: line 1, column 20: not valid JSON"), "{text}");
}

#[test]
fn folders_skip_emergency_copies_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = lab_year(dir.path());
    fs::copy(&a, dir.path().join("labs/cilegon.emergency-20221103-101010.json")).unwrap();
    let out = run(dir.path(), &["export", "labs/cilegon.json", "--format", "json"]);
    assert_eq!(stdout(&out), "labs/exports/cilegon.tally.json\n", "exports have a folder of their own");
    // A tally saved among the sessions under any name, and the previous layout's NAME.tally.json.
    fs::copy(dir.path().join("labs/exports/cilegon.tally.json"), dir.path().join("labs/rekap.json")).unwrap();
    fs::copy(dir.path().join("labs/exports/cilegon.tally.json"), dir.path().join("labs/cilegon.tally.json")).unwrap();
    let out = run(dir.path(), &["tally", "--format", "json", "labs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tally: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tally["sessions"].as_array().unwrap().len(), 2, "no double counting");
    assert_eq!(tally["left_out"].as_array().unwrap().len(), 0, "an export is not a broken session");
    assert_eq!(
        tally["skipped"][0],
        serde_json::json!({"path": "labs/rekap.json", "reason": "export", "format": "json"})
    );
    // validate and list say what it is, without failing.
    let out = run(dir.path(), &["validate", "labs/cilegon.json", "labs/rekap.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "labs/cilegon.json: ok\nlabs/rekap.json: an innolab tally (JSON), not a session; skipped\n"
    );
    let out = run(dir.path(), &["--sessions", "labs", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with("labs/rekap.json: an innolab tally (JSON), not a session; skipped\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn export_csv_reads_back_with_every_live_idea_and_inert_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = lab_year(dir.path());
    let out = run(dir.path(), &["export", "labs/cilegon.json", "--format", "csv", "--excel"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "labs/exports/cilegon.csv\n");
    let bytes = fs::read(dir.path().join("labs/exports/cilegon.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    let title_col = headers.iter().position(|h| h == "title").unwrap();
    let table_col = headers.iter().position(|h| h == "table").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), independent_counts(&[&a]).0);
    let titles: Vec<&str> = rows.iter().map(|r| &r[title_col]).collect();
    assert!(titles.contains(&"'=HYPERLINK(\"http://evil\")"), "{titles:?}");
    assert!(!titles.contains(&"Dihapus"));
    assert!(rows.iter().all(|r| r[table_col].starts_with("Meja")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("labs/exports/cilegon.csv")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "reports hold participants' names");
        let mode = fs::metadata(dir.path().join("labs/exports")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "so does their folder");
    }
}

#[test]
fn export_xlsx_reads_back_with_the_same_counts() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = lab_year(dir.path());
    let out = run(dir.path(), &["export", "labs/cilegon.json", "--format", "xlsx", "-o", "out/rekap.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut book: Xlsx<_> = calamine::open_workbook(dir.path().join("out/rekap.xlsx")).unwrap();
    let ideas = book.worksheet_range("Ideas").unwrap();
    assert_eq!(ideas.height() - 1, independent_counts(&[&a]).0);
    let cells: Vec<String> = ideas.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.contains(&"=HYPERLINK(\"http://evil\")".to_string()), "as typed: a string cell is never run");
    let per_table = book.worksheet_range("Per table").unwrap();
    let counted: f64 = per_table
        .rows()
        .skip(1)
        .filter_map(|r| {
            r.iter().find_map(|c| match c {
                Data::Float(f) => Some(*f),
                Data::Int(i) => Some(*i as f64),
                _ => None,
            })
        })
        .sum();
    assert!(counted >= 5.0, "the per-table sheet has numbers: {counted}");
}

#[test]
fn export_md_and_json() {
    let dir = tempfile::tempdir().unwrap();
    lab_year(dir.path());
    let out = run(dir.path(), &["export", "labs/cilegon.json", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("export_md", fs::read_to_string(dir.path().join("labs/exports/cilegon.md")).unwrap());
    let out = run(dir.path(), &["export", "labs/cilegon.json", "--format", "json"]);
    assert!(out.status.success());
    let exported: Value =
        serde_json::from_slice(&fs::read(dir.path().join("labs/exports/cilegon.tally.json")).unwrap()).unwrap();
    let tally: Value =
        serde_json::from_slice(&run(dir.path(), &["tally", "--format", "json", "labs/cilegon.json"]).stdout).unwrap();
    assert_eq!(exported, tally);
}

#[test]
fn import_shows_a_dry_run_and_refuses_bad_rows_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = lab_year(dir.path());
    fs::write(dir.path().join("more.csv"), "table,title\n4,Pasar digital\n5,\"\u{1b}]0;pwned\u{7}Lapor cepat\"\n")
        .unwrap();
    let before = fs::read(&a).unwrap();
    let out = run(dir.path(), &["import", "labs/cilegon.json", "more.csv", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Meja 4") && text.contains("Pasar digital") && text.contains("would add 2 ideas"), "{text}");
    assert!(!text.contains('\u{1b}'), "the dry run prints imported text inert: {text:?}");
    assert_eq!(fs::read(&a).unwrap(), before);

    fs::write(dir.path().join("bad.csv"), "table,title\n9,Ide\n1,\n2,Baik\n").unwrap();
    let out = run(dir.path(), &["import", "labs/cilegon.json", "bad.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bad.csv: line 2:") && err.contains("bad.csv: line 3:"), "{err}");
    assert!(err.contains("nothing was imported (2 problems)"), "{err}");
    assert_eq!(fs::read(&a).unwrap(), before);

    let out = run(dir.path(), &["import", "labs/cilegon.json", "more.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("2 ideas added (#7–#8)"), "{}", stdout(&out));
    let s = innolab::store::load(&a).unwrap();
    assert_eq!(s.idea(8).unwrap().title, "Lapor cepat");
}
