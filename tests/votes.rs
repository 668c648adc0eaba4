//! Votes in what the organisers take home (issue 16): `innolab tally` in every format, the session's
//! Markdown report and workbook export carry each vote (question, method, ballots, results ranked, ties as
//! ties), its text escaped like any other.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use innolab::model::{Count, NewIdea, NewVote, VoteMethod, VoteScope};

/// A session with three ideas and a closed vote: Budi 2 dots on #2 and 1 on #3, Siti 2 on #3; 1 hand for #1.
fn voted(dir: &Path) -> PathBuf {
    let path = common::new_session_on_group_work(dir);
    let mut session = innolab::store::load(&path).unwrap();
    let now = session.created_at;
    let idea = |title: &str| NewIdea { group: "meja-1".into(), title: title.into(), ..Default::default() };
    session
        .add_ideas(vec![idea("Antrean daring"), idea("=HYPERLINK(\"x\") <b>Bank</b>"), idea("Taman baca")], now)
        .unwrap();
    let new = NewVote {
        question: "Prioritas <script>x</script> | =1+1".into(),
        scope: VoteScope::Block,
        method: VoteMethod::Dots { per_voter: 3, per_idea: 2 },
        hidden: false,
        anonymous: true,
        block: "d2-curah-ide".into(),
    };
    let id = session.open_vote_on(new, now).unwrap();
    let vote = session.vote_mut(id).unwrap();
    vote.cast("Budi", &[Count { idea: 2, count: 2 }, Count { idea: 3, count: 1 }], None, now).unwrap();
    vote.cast("Siti", &[Count { idea: 3, count: 2 }], None, now).unwrap();
    vote.set_hands(1, 1).unwrap();
    vote.close(now);
    innolab::store::save(&path, &session).unwrap();
    path
}

#[test]
fn the_tally_carries_each_vote_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = voted(dir.path());
    let file = path.to_str().unwrap();
    let json = common::run(dir.path(), &["tally", "--format", "json", file]);
    assert!(json.status.success(), "{}", common::stderr(&json));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let vote = &value["votes"][0];
    assert_eq!(vote["question"], "Prioritas <script>x</script> | =1+1");
    assert_eq!(
        (vote["ballots"].as_u64(), vote["hands"].as_u64(), vote["open"].as_bool()),
        (Some(2), Some(1), Some(false))
    );
    let results: Vec<(u64, u64, u64)> = vote["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rank"].as_u64().unwrap(), r["idea"].as_u64().unwrap(), r["votes"].as_u64().unwrap()))
        .collect();
    assert_eq!(results, vec![(1, 3, 3), (2, 2, 2), (3, 1, 1)]);
    let text = common::run(dir.path(), &["--lang", "en", "tally", "--format", "text", file]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Votes: Prioritas") && text.contains("#3 Taman baca") && text.contains("2 ballots"),
        "{text}"
    );
    let md = common::run(dir.path(), &["--lang", "id", "tally", "--format", "md", file]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("Pemungutan suara: Prioritas \\<script\\>x\\</script\\>"), "{md}");
    // A session without votes: no `votes` key at all (the tally's JSON is as before).
    let plain = common::new_session(&dir.path().join("plain").tap_mkdir());
    let json = common::run(dir.path(), &["tally", "--format", "json", plain.to_str().unwrap()]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(value.get("votes").is_none());
}

#[test]
fn the_exported_report_and_workbook_carry_each_vote() {
    let dir = tempfile::tempdir().unwrap();
    let path = voted(dir.path());
    let out = common::run(dir.path(), &["--lang", "en", "export", "--format", "md", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let md = std::fs::read_to_string(dir.path().join("exports/lab.md")).unwrap();
    assert!(md.contains("## Votes") && md.contains("| 1 | \\#3 Taman baca | 3 |"), "{md}");
    assert!(!md.contains("<script>"), "{md}");
    // The workbook: a Votes sheet, every text a string cell (never a formula).
    let out = common::run(dir.path(), &["--lang", "en", "export", "--format", "xlsx", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    use calamine::{Reader, open_workbook_auto};
    let mut book = open_workbook_auto(dir.path().join("exports/lab.xlsx")).unwrap();
    let sheet = book.worksheet_range("Votes").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
    assert_eq!(rows[0][0], "question");
    assert_eq!(rows[1][0], "Prioritas <script>x</script> | =1+1");
    assert_eq!((rows[1][5].as_str(), rows[1][7].as_str(), rows[1][8].as_str()), ("1", "Taman baca", "3"));
    assert_eq!(rows[2][7], "=HYPERLINK(\"x\") <b>Bank</b>", "stored as typed, as text");
    let formulas = book.worksheet_formula("Votes").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula cell");
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}
