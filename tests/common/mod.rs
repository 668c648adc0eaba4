//! Helpers shared by the integration tests: run the real binary with a pinned clock and English messages.
#![allow(dead_code, clippy::unwrap_used)]

pub mod pty;
pub mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_innolab");
pub const NOW: &str = "2022-11-03T10:00:00+07:00";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The binary, in `dir`, English, with the clock pinned and no inherited sessions folder.
pub fn innolab(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).env("LANG", "C").env("INNOLAB_NOW", NOW).env_remove("INNOLAB_SESSIONS");
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    innolab(dir).args(args).output().expect("the innolab binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Creates a session from the built-in plan in `dir` and returns its path.
pub fn new_session(dir: &Path) -> PathBuf {
    let out = run(dir, &["new", "--start-date", "2022-11-02", "-o", "lab.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir.join("lab.json")
}

/// A session from the built-in plan in `dir`, on the group-work block where ideas are captured (day 2).
pub fn new_session_on_group_work(dir: &Path) -> PathBuf {
    let path = new_session(dir);
    let mut session = innolab::store::load(&path).unwrap();
    session.progress.block = "d2-curah-ide".into();
    innolab::store::save(&path, &session).unwrap();
    path
}

/// [`new_session_on_group_work`] with one idea per title, the first at table 1, the next at table 2, and so on.
pub fn session_on_group_work_with(dir: &Path, titles: &[&str]) -> PathBuf {
    let path = new_session_on_group_work(dir);
    let mut session = innolab::store::load(&path).unwrap();
    let now = session.created_at;
    let ideas = titles
        .iter()
        .enumerate()
        .map(|(k, title)| innolab::model::NewIdea {
            group: format!("meja-{}", k + 1),
            title: (*title).into(),
            block: Some("d2-curah-ide".into()),
            ..Default::default()
        })
        .collect();
    session.add_ideas(ideas, now).unwrap();
    innolab::store::save(&path, &session).unwrap();
    path
}

/// The session schema printed by `innolab schema`, compiled.
pub fn schema_validator() -> jsonschema::Validator {
    let out = Command::new(BIN).arg("schema").output().expect("runs");
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

pub fn assert_valid_against_schema(validator: &jsonschema::Validator, path: &Path) {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{} does not match the schema: {errors:#?}", path.display());
}

/// The hostile titles every rendering must show as text: markup, an entity written out, quotes.
pub const HOSTILE_TITLES: [&str; 5] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "Bank sampah &amp; kompos",
    "Layanan 'satu pintu' \"cepat\"",
];

/// The lab of 2 November 2022 with a roster, `ideas` ideas spread over the tables, blocks, stages and forms
/// (flagships, digital ones, a detail of two lines, one without an author), the first ones titled with
/// [`HOSTILE_TITLES`], and a table and an agency named with markup (chart labels). Deterministic.
pub fn report_lab(ideas: usize) -> innolab::model::Session {
    use innolab::model::roster::member;
    use innolab::model::{Form, Idea, Role, Stage};
    let now = innolab::testing::at("2022-11-02T08:00:00+07:00");
    let mut session = innolab::testing::seed_session(now);
    session.plan.title = "Lab Inovasi Kota Cilegon".into();
    let roster = [
        (0, "Budi Santoso", "DPMPTSP", Role::Head),
        (0, "Rina Wati", "Dinas Kesehatan", Role::Representative),
        (1, "Agus", "Dinas PUPR", Role::Head),
        (2, "Dewi", "Dinas Sosial", Role::Head),
        (3, "Hendra", "<b>Dinas</b> & \"Kominfo\"", Role::Head),
        (4, "Sari", "Bappedalitbang", Role::Staff),
        (5, "Joko", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota", Role::Head),
    ];
    // A table's name is a chart label: a hostile one must be text there too.
    session.groups[5].name = "<svg/onload=alert(1)>".into();
    for (table, name, agency, role) in roster {
        session.groups[table].members.push(member(name, Some(agency), role, table != 4));
    }
    let blocks = ["d1-coaching-komitmen", "d2-curah-ide", "d2-akar-masalah", "d3-pendalaman-ide"];
    let words = ["Antrean online puskesmas", "SIP satu hari", "Posyandu keliling", "Bank sampah RW", "Lapor jalan"];
    let authors = ["Budi Santoso", "Rina Wati", "Agus", "Dewi", "Hendra", "Sari", "Joko"];
    for i in 0..ideas {
        let table = i % session.groups.len();
        let title = match HOSTILE_TITLES.get(i) {
            Some(hostile) => hostile.to_string(),
            None => format!("{} {}", words[i % words.len()], i + 1),
        };
        let author = (i % 9 != 8).then(|| {
            session.groups[table].members.first().map_or(authors[i % authors.len()], |m| m.name.as_str()).to_string()
        });
        session.ideas.push(Idea {
            id: i as u64 + 1,
            group: session.groups[table].id.clone(),
            agency: None,
            author,
            title,
            detail: (i % 4 == 1).then(|| format!("Masalah: antre lama.\nSolusi <b>{i}</b>: daring & cepat.")),
            stage: [Stage::Diagnose, Stage::DrumUp, Stage::Diagnose, Stage::Design][i % 4],
            block: blocks[i % blocks.len()].to_string(),
            form: [Some(Form::PublicService), Some(Form::Governance), None][i % 3],
            digital: i % 2 == 0,
            flagship: i == 1 || i == 4,
            created_at: now,
            updated_at: now,
            deleted: i == 7,
            source: None,
        });
    }
    session
}

/// Waits up to 10 s (a loaded CI machine) until the session file records `done`. The app saves each change
/// within a moment, but a kill -9 right after the screen shows a change could come before the save: what
/// such a kill loses is the crash tests' business, not the business of a test that waits for the screen.
pub fn wait_for_file(path: &Path, what: &str, done: impl Fn(&innolab::model::Session) -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < until {
        if innolab::store::load(path).is_ok_and(|s| done(&s)) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the session file never recorded {what}");
}
