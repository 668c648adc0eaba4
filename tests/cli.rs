//! The headless commands, run as the real binary: new, list, plan, validate, idea add, schema, --help.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::process::Command;

use common::*;

#[test]
fn new_writes_a_valid_session_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["new", "--start-date", "2022-11-02", "--title", "Lab Inovasi Kota Cilegon"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sessions/2022-11-02-lab-inovasi-kota-cilegon.json\n");
    let path = dir.path().join("sessions/2022-11-02-lab-inovasi-kota-cilegon.json");
    let session = innolab::store::load(&path).unwrap();
    assert_eq!(session.plan.title, "Lab Inovasi Kota Cilegon");
    assert_eq!(session.plan.days.len(), 3);
    assert_eq!(session.groups.len(), 6);
    assert_eq!(session.created_at.to_rfc3339(), NOW);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("{\n  \"schema_version\": 5,"), "schema_version must come first");
    assert_valid_against_schema(&schema_validator(), &path);
}

#[test]
fn new_dates_day_one_today_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["new"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sessions/2022-11-03-executive-laboratorium-inovasi-kota-cilegon.json\n");
}

#[test]
fn new_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["new", "--start-date", "2022-11-02"]);
    let second = run(dir.path(), &["new", "--start-date", "2022-11-02"]);
    assert!(first.status.success() && second.status.success());
    assert_ne!(stdout(&first), stdout(&second));
    assert!(stdout(&second).ends_with("-2.json\n"), "{}", stdout(&second));

    fs::write(dir.path().join("taken.json"), "precious").unwrap();
    let out = run(dir.path(), &["new", "-o", "taken.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "innolab: taken.json: already exists; innolab never overwrites a file it did not open\n");
    assert_eq!(fs::read_to_string(dir.path().join("taken.json")).unwrap(), "precious");
}

#[test]
fn a_title_cannot_steer_the_file_out_of_the_sessions_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["new", "--start-date", "2022-11-02", "--title", "../../etc/passwd"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sessions/2022-11-02-etc-passwd.json\n");
}

#[test]
fn idea_add_appends_ideas_with_stable_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let mut ids = Vec::new();
    for (group, title) in
        [("1", "Antrean online"), ("meja-2", "SIP satu hari"), ("Meja 3", "Posyandu keliling"), ("2", "Lapor cepat")]
    {
        let out = run(dir.path(), &["idea", "add", "lab.json", "--group", group, "--title", title]);
        assert!(out.status.success(), "{}", stderr(&out));
        ids.push(stdout(&out).trim().to_string());
    }
    assert_eq!(ids, ["1", "2", "3", "4"]);
    let out = run(
        dir.path(),
        &[
            "idea",
            "add",
            "lab.json",
            "--group",
            "4",
            "--title",
            "Pasar digital",
            "--agency",
            "Disperindag",
            "--author",
            "Budi",
            "--form",
            "public_service",
            "--digital",
            "--flagship",
            "--block",
            "d2-curah-ide",
            "--detail",
            "Satu aplikasi untuk semua pasar",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = innolab::store::load(&path).unwrap();
    let idea = s.idea(5).unwrap();
    assert_eq!(idea.group, "meja-4");
    assert_eq!(idea.block, "d2-curah-ide");
    assert_eq!(idea.stage, innolab::model::Stage::Diagnose);
    assert_eq!(idea.agency.as_deref(), Some("Disperindag"));
    assert!(idea.digital && idea.flagship);
    assert_eq!(
        s.ideas.iter().map(|i| i.group.as_str()).collect::<Vec<_>>(),
        ["meja-1", "meja-2", "meja-3", "meja-2", "meja-4"]
    );
    assert_valid_against_schema(&schema_validator(), &path);
}

#[test]
fn idea_add_finds_the_session_by_name_in_the_sessions_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["new", "--start-date", "2022-11-02", "--title", "Lab"]);
    assert!(out.status.success());
    let out = run(dir.path(), &["idea", "add", "2022-11-02-lab", "--group", "1", "--title", "x"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn idea_add_reports_an_unknown_table_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let before = fs::read(&path).unwrap();
    let out = run(dir.path(), &["idea", "add", "lab.json", "--group", "Meja 9", "--title", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("lab.json: no table group \"Meja 9\"; the tables are: Meja 1 (meja-1)"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn idea_add_on_a_session_open_elsewhere_fails_at_once_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let _held = innolab::store::SessionLock::acquire(&path).unwrap();
    let started = std::time::Instant::now();
    let out = run(dir.path(), &["idea", "add", "lab.json", "--group", "1", "--title", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!("innolab: lab.json: open in another innolab (process {}); close it there first\n", std::process::id())
    );
    assert!(started.elapsed().as_secs() < 10, "a second writer must not wait for the lock");
    assert!(innolab::store::load(&path).unwrap().ideas.is_empty());
}

#[test]
fn concurrent_writers_never_lose_an_acknowledged_idea() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    let children: Vec<_> = (0..16)
        .map(|i| {
            innolab(dir.path())
                .args(["idea", "add", "lab.json", "--group", "1", "--title", &format!("idea {i}")])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut acknowledged = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            acknowledged.push(stdout(&out).trim().parse::<u64>().unwrap());
        } else {
            assert!(stderr(&out).contains("open in another innolab"), "{}", stderr(&out));
        }
    }
    assert!(!acknowledged.is_empty());
    let session = innolab::store::load(&path).unwrap();
    for id in &acknowledged {
        assert!(session.idea(*id).is_some(), "acknowledged idea {id} is missing");
    }
    assert_eq!(session.ideas.len(), acknowledged.len());
}

#[test]
fn list_shows_sessions_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["new", "--start-date", "2022-11-02", "--title", "Lab Lama"]);
    let newer = innolab(dir.path())
        .env("INNOLAB_NOW", "2022-11-04T09:00:00+07:00")
        .args(["new", "--start-date", "2023-03-01", "--title", "Lab Baru"])
        .output()
        .unwrap();
    assert!(newer.status.success());
    run(dir.path(), &["idea", "add", "2022-11-02-lab-lama", "--group", "1", "--title", "x"]);
    let out = run(dir.path(), &["list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("FILE") && lines[0].contains("IDEAS"), "{text}");
    assert!(
        lines[1].contains("Lab Baru") && lines[1].contains("2023-03-01 – 2023-03-03") && lines[1].contains("0/50"),
        "{text}"
    );
    assert!(lines[2].contains("Lab Lama") && lines[2].contains("1/50"), "{text}");
}

#[test]
fn list_reports_a_broken_file_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["new", "--start-date", "2022-11-02"]);
    fs::write(dir.path().join("sessions/broken.json"), "{").unwrap();
    let out = run(dir.path(), &["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("sessions/broken.json: line 1, column 1: not valid JSON"), "{}", stdout(&out));
    assert_eq!(fs::read_to_string(dir.path().join("sessions/broken.json")).unwrap(), "{");
}

#[test]
fn list_of_an_empty_folder_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["list"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), "No session files in sessions. Create one with: innolab new\n");
}

#[test]
fn validate_reports_ok_or_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = new_session(dir.path());
    let bad = fixtures().join("bad/duplicate-group-ids.json");
    let out = run(dir.path(), &["validate", good.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), format!("{}: ok\n", good.display()));
    let out = run(dir.path(), &["validate", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("duplicate-group-ids.json: line 312, column 13: groups[1].id: duplicate id \"meja-1\""),
        "{err}"
    );
    assert!(
        err.contains("duplicate-group-ids.json: line 355, column 16: ideas[1].group: refers to table group \"meja-2\""),
        "{err}"
    );
}

#[test]
fn every_bad_file_is_refused_by_idea_add_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = fs::read_to_string(fixtures().join("bad/expected.tsv")).unwrap();
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        let (name, fragment) = line.split_once('\t').unwrap();
        let path = dir.path().join(name);
        fs::copy(fixtures().join("bad").join(name), &path).unwrap();
        let before = fs::read(&path).unwrap();
        let out = run(dir.path(), &["idea", "add", name, "--group", "1", "--title", "x"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        // One line per problem, each naming the file; the first is the expected one.
        assert!(err.lines().all(|l| l.starts_with(&format!("innolab: {name}: "))), "{name}: {err}");
        assert!(err.lines().next().unwrap().contains(fragment), "{name}: {err}");
        assert_eq!(fs::read(&path).unwrap(), before, "{name} changed");
    }
}

#[test]
fn plan_default_round_trips_through_plan_check_and_new() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["plan", "default", "--start-date", "2023-02-06"]);
    assert!(out.status.success());
    fs::write(dir.path().join("plan.json"), &out.stdout).unwrap();
    let out = run(dir.path(), &["plan", "check", "plan.json"]);
    assert_eq!(stdout(&out), "plan.json: ok\n");
    let out = run(dir.path(), &["new", "--plan", "plan.json", "-o", "from-plan.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = innolab::store::load(&dir.path().join("from-plan.json")).unwrap();
    assert_eq!(s.plan.first_date().unwrap().to_string(), "2023-02-06");
}

/// A plan file's block `notes` (the coach's, on several lines) are accepted and kept by `plan check` and
/// `new --plan`.
#[test]
fn a_plan_files_block_notes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let plan = r#"{"title": "Lab", "days": [{"date": "2023-02-06", "blocks": [
        {"id": "a", "start": "09:00", "end": "10:00", "title": "Curah ide", "stage": "diagnose",
         "kind": "group_work", "captures_ideas": true,
         "notes": "Mulai dari Meja 3.\nBagikan plano dan spidol."},
        {"id": "b", "start": "10:00", "end": "10:15", "title": "Rehat", "stage": "none", "kind": "break"}]}]}"#;
    fs::write(dir.path().join("plan.json"), plan).unwrap();
    assert_eq!(stdout(&run(dir.path(), &["plan", "check", "plan.json"])), "plan.json: ok\n");
    let out = run(dir.path(), &["new", "--plan", "plan.json", "-o", "lab.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = innolab::store::load(&dir.path().join("lab.json")).unwrap();
    let notes: Vec<_> = s.plan.days[0].blocks.iter().map(|b| b.notes.as_deref()).collect();
    assert_eq!(notes, [Some("Mulai dari Meja 3.\nBagikan plano dan spidol."), None]);
}

#[test]
fn plan_check_reports_problems_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.json"), r#"{"title": "x", "days": [{"date": "2022-11-02", "blocks": [{"id": "a", "start": "09:00", "end": "08:00", "title": "t", "stage": "none", "kind": "talk"}]}]}"#).unwrap();
    let out = run(dir.path(), &["plan", "check", "p.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "innolab: p.json: line 1, column 96: days[0].blocks[0].end: ends at 08:00, not after its start 09:00\n"
    );
    fs::write(dir.path().join("q.json"), r#"{"title": "x", "days": [], "tables": "six"}"#).unwrap();
    let out = run(dir.path(), &["plan", "check", "q.json"]);
    assert!(
        stderr(&out).contains("q.json: line 1, column 42, at tables: invalid type: string \"six\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn schema_is_draft_2020_12() {
    let out = Command::new(BIN).arg("schema").output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["properties"]["schema_version"]["type"], "integer");
}

#[test]
fn the_schema_rejects_what_the_loader_rejects_in_shape() {
    let validator = schema_validator();
    for name in
        ["wrong-type-target.json", "missing-title.json", "unknown-field.json", "unknown-stage.json", "bad-time.json"]
    {
        let value: serde_json::Value =
            serde_json::from_slice(&fs::read(fixtures().join("bad").join(name)).unwrap()).unwrap();
        assert!(!validator.is_valid(&value), "{name} passes the schema");
    }
    let value: serde_json::Value = serde_json::from_slice(&fs::read(fixtures().join("valid.json")).unwrap()).unwrap();
    assert!(validator.is_valid(&value));
}

#[test]
fn every_command_has_help_with_an_example_in_both_languages() {
    let commands: &[&[&str]] = &[
        &[],
        &["new"],
        &["list"],
        &["plan"],
        &["plan", "default"],
        &["plan", "check"],
        &["validate"],
        &["idea"],
        &["idea", "add"],
        &["schema"],
    ];
    for (lang, word) in [("en", "Example"), ("id", "Contoh")] {
        for command in commands {
            let mut args: Vec<&str> = command.to_vec();
            args.extend(["--help", "--lang", lang]);
            let out = Command::new(BIN).args(&args).output().unwrap();
            let text = stdout(&out);
            assert!(out.status.success(), "{args:?}");
            assert!(text.contains(word) && text.contains("innolab "), "{args:?} has no example:\n{text}");
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(BIN).args(["idea", "add"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn roster_import_fills_the_tables_or_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_session(dir.path());
    fs::write(
        dir.path().join("peserta.csv"),
        "\u{feff}table,name,agency,role\nMeja 1,Budi Santoso,DPMPTSP,Kepala\n1,Rina Wati,Dinas Kesehatan,sekretaris\n2,Ani,Bappedalitbang,staff\nMeja 7,Dedi,Diskominfo,head\n",
    )
    .unwrap();
    let before = fs::read(&path).unwrap();
    let out = run(dir.path(), &["roster", "import", "lab.json", "peserta.csv", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("would add 4 participants, update 0, create 1 table ("), "{}", stdout(&out));
    assert_eq!(fs::read(&path).unwrap(), before, "a dry run writes nothing");
    let out = run(dir.path(), &["roster", "import", "lab.json", "peserta.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "lab.json: 4 participants added, 0 updated, 1 table created\n");
    let s = innolab::store::load(&path).unwrap();
    assert_eq!(s.groups[0].members.len(), 2);
    assert_eq!(s.groups[0].members[1].role, innolab::model::Role::Representative);
    assert_eq!(s.groups[6].name, "Meja 7");

    fs::write(
        dir.path().join("bad.csv"),
        "table,name,agency,role\n1,Eka,DPMPTSP,boss\n,Fajar,X,head\n2,Gita,Y,staff\n",
    )
    .unwrap();
    let before = fs::read(&path).unwrap();
    let out = run(dir.path(), &["roster", "import", "lab.json", "bad.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bad.csv: line 2: unknown role \"boss\""), "{err}");
    assert!(err.contains("bad.csv: line 3: the table is empty"), "{err}");
    assert!(err.contains("bad.csv: nothing was imported (2 problems)"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before, "nothing is half-imported");
}
