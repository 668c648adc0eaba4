//! The tally of files (issue 14: borrowed views decoded straight from the files, rows written as counted)
//! against the tally as it was (`tally::reference`: every file loaded with `store::load`, owned sessions):
//! the same tallies, byte for byte, on generated labs with hostile text, and the same files refused.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;
use crate::model::{Form, Idea, Member, Role, Session, Stage, TableGroup, Timer};
use crate::tally::SessionRef;
use crate::tally::json;
use crate::tally::reference;

/// A small deterministic generator (xorshift), so every run sees the same labs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Names as people type them, and as hostile or careless files hold them: other cases, stray spaces, escape
/// sequences, bidirectional controls, quotes and backslashes (escaped in JSON), line breaks, non-ASCII text.
const PEOPLE: &[&str] = &[
    "Budi Santoso",
    "BUDI SANTOSO",
    " budi santoso ",
    "Rina",
    "dr. Rina",
    "Dr. Rina",
    "Ärzte Ünal",
    "ärzte ünal",
    "\u{212A}ota Lama",
    "Siti \"Tika\" Rahayu",
    "Agus\\Wijaya",
    "Eko\u{1b}[31m Red\u{1b}[0m",
    "Dewi\u{202E}reversed",
    "Joko\u{7f}",
    "Lina\tTab",
    "Yudi\u{85}Next",
];
const AGENCIES: &[&str] = &[
    "Dinas Sosial",
    "DINAS SOSIAL",
    "  dinas sosial ",
    "Bappeda",
    "BAPPEDA",
    "Disdukcapil",
    "Dinas Kesehatan",
    "dinas kesehatan",
    "RSUD \u{1b}]0;pwned\u{7}",
    "Dinas\u{2028}PUPR",
    "Kecamatan Ärgeri",
    "   ",
    "",
];
const TITLES: &[&str] = &[
    "Posyandu keliling",
    "Antrean online \"cepat\"",
    "Bank sampah\\RW",
    "\u{1b}[2JLayar bersih",
    "Izin \u{9b}31m usaha",
    "Satu data\nkependudukan",
    "Lapor jalan rusak ✓ – cepat…",
    "\u{200F}Ambulans desa",
];

/// A lab of the built-in plan with a random room and ideas. `strays` lets ideas name tables and blocks the
/// session lacks (what `Tally::of` may be given; load refuses such a file).
fn random_session(rng: &mut Rng, strays: bool) -> Session {
    let start = crate::testing::seed_date() + chrono::Duration::days(rng.below(400) as i64);
    let now = crate::testing::at("2022-11-02T08:00:00+07:00");
    let mut session = Session::new(crate::model::Plan::builtin(start), now);
    if rng.chance(30) {
        session.plan.title = rng.pick(TITLES).to_string();
    }
    if rng.chance(30) {
        session.plan.days[0].blocks[1].title = rng.pick(TITLES).to_string();
    }
    session.plan.target_ideas = 1 + rng.below(80) as u32;
    let tables = 1 + rng.below(6);
    session.groups = (1..=tables as u32).map(TableGroup::numbered).collect();
    if rng.chance(20) {
        session.groups[0].name = rng.pick(TITLES).to_string();
    }
    for group in &mut session.groups {
        for _ in 0..rng.below(6) {
            let agency = rng.chance(80).then(|| rng.pick(AGENCIES).to_string());
            group.members.push(Member {
                name: rng.pick(PEOPLE).to_string(),
                agency,
                role: [Role::Head, Role::Representative, Role::Staff][rng.below(3)],
                present: rng.chance(85),
            });
        }
    }
    let blocks: Vec<String> = session.plan.blocks().map(|(_, b)| b.id.clone()).collect();
    let ideas = rng.below(60);
    for i in 0..ideas {
        let group =
            if strays && rng.chance(5) { "meja-99".to_string() } else { session.groups[rng.below(tables)].id.clone() };
        let block =
            if strays && rng.chance(5) { "nowhere".to_string() } else { blocks[rng.below(blocks.len())].clone() };
        let author = match rng.below(8) {
            0 => None,
            1 => Some(format!("{}; {}", rng.pick(PEOPLE), rng.pick(PEOPLE))),
            2 => Some(format!("{};{}; ", rng.pick(PEOPLE), rng.pick(PEOPLE).to_uppercase())),
            3 => Some(" ; ".to_string()),
            4 => Some("Tamu Baru".to_string()),
            _ => Some(rng.pick(PEOPLE).to_string()),
        };
        let created = now + chrono::Duration::minutes(rng.below(5000) as i64);
        session.ideas.push(Idea {
            id: i as u64 + 1,
            group,
            agency: rng.chance(35).then(|| rng.pick(AGENCIES).to_string()),
            author,
            title: rng.pick(TITLES).to_string(),
            detail: rng.chance(20).then(|| "Uraian\nlangkah \u{1b}[1mdua\u{1b}[0m".to_string()),
            stage: Stage::ALL[rng.below(6)],
            block,
            form: [None, Some(Form::Governance), Some(Form::PublicService), Some(Form::OtherAffairs)][rng.below(4)],
            digital: rng.chance(40),
            flagship: rng.chance(15),
            created_at: created,
            updated_at: created,
            deleted: rng.chance(10),
            source: None,
        });
    }
    if rng.chance(10) && session.ideas.len() > 2 {
        // Hand-edited: ideas out of id order.
        session.ideas.swap(0, 2);
    }
    session
}

/// The JSON `serde_json::to_writer_pretty` and a line break write for `tally`.
fn pretty(tally: &Tally) -> Vec<u8> {
    let mut json = serde_json::to_vec_pretty(tally).unwrap();
    json.push(b'\n');
    json
}

#[test]
fn tallies_of_sessions_are_the_tallies_as_they_were() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for round in 0..40 {
        let sessions: Vec<Session> = (0..1 + rng.below(8)).map(|_| random_session(&mut rng, true)).collect();
        let refs: Vec<SessionRef<'_>> =
            sessions.iter().enumerate().map(|(i, s)| SessionRef::new(format!("lab-{i}.json"), s)).collect();
        let before = reference::tally_of(&refs);
        assert_eq!(Tally::of(&refs), before, "round {round}");
        for memory in [usize::MAX, 0] {
            assert!(json::to_vec(&refs, memory).unwrap() == pretty(&before), "round {round}, memory {memory}");
        }
        for session in &sessions {
            assert_eq!(crate::tally::readiness::check(session), reference::check(session), "round {round}");
        }
        let lang = crate::i18n::Lang::En;
        let now = Tally::of(&refs);
        assert_eq!(crate::export::to_text(&now, lang), crate::export::to_text(&before, lang));
        assert_eq!(crate::export::to_csv(&now, lang), crate::export::to_csv(&before, lang));
        assert_eq!(crate::export::to_markdown(&now, lang), crate::export::to_markdown(&before, lang));
    }
}

/// Files as `tally` found them before: each loaded with `store::load`; refused ones named (an export among
/// them skipped as one).
fn tally_as_it_was(gathered: &Gathered) -> Tally {
    let mut loaded = Vec::new();
    let mut left_out = Vec::new();
    let mut skipped: Vec<SkippedFile> = gathered.skipped.clone();
    for file in &gathered.files {
        match store::load(&file.path) {
            Ok(session) => loaded.push((file.name.clone(), session)),
            Err(e) => match export_kind(&file.path) {
                Some(format) => {
                    skipped.push(SkippedFile { path: shown(&file.path), why: SkipReason::Export { format } })
                }
                None => left_out.push(LeftOut { path: shown(&file.path), error: e.to_string() }),
            },
        }
    }
    let refs: Vec<SessionRef<'_>> = loaded.iter().map(|(name, s)| SessionRef::new(name.clone(), s)).collect();
    let mut tally = reference::tally_of(&refs);
    tally.left_out = left_out;
    tally.skipped = skipped;
    tally
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn tallies_of_files_are_the_tallies_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0xfeed_beef_0123_4567);
    let mut paths = Vec::new();
    for i in 0..60 {
        // One in five names a table or block it lacks: refused by load, and so left out.
        let strays = rng.chance(20);
        let session = random_session(&mut rng, strays);
        let bytes = serde_json::to_vec_pretty(&session).unwrap();
        paths.push(write(dir.path(), &format!("lab-{i:02}.json"), &bytes));
    }
    paths.push(write(dir.path(), "broken.json", b"{\"schema_version\": 2,"));
    paths.push(write(dir.path(), "empty.json", b"  \n"));
    paths.push(write(
        dir.path(),
        "bom.json",
        &[b"\xEF\xBB\xBF".as_slice(), &std::fs::read(&paths[0]).unwrap()].concat(),
    ));
    let some = Tally::of(&[]);
    paths.push(write(dir.path(), "rekap.json", &pretty(&some)));
    // The same file named twice is counted once.
    paths.push(paths[3].clone());
    let gathered = gather(&paths).unwrap();
    let before = tally_as_it_was(&gathered);
    assert!(!before.left_out.is_empty() && before.sessions.len() > 30, "a mix of good and refused files");
    assert_eq!(tally_files(&gathered), before);
    for memory in [usize::MAX, json::DEFAULT_MEMORY, 0] {
        let mut out = Vec::new();
        let failed = tally_files_json_within(&gathered, memory, &mut out).unwrap();
        assert_eq!(failed, before.left_out.len());
        assert!(out == pretty(&before), "memory {memory}");
    }
    // Every good file was read by the fast path, and the fast path reads it as load does.
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let fast = store::file_text(path, &bytes).ok().and_then(crate::tally::SessionView::decode);
        let loaded = store::decode_session(path, &bytes);
        match (&fast, &loaded) {
            (Some(view), Ok(session)) => assert_eq!(*view, crate::tally::SessionView::of(session), "{path:?}"),
            (None, Err(_)) => {}
            _ => panic!("{path:?}: decoded {} but loaded {}", fast.is_some(), loaded.is_ok()),
        }
    }
}

/// A session using every field of the file: speakers, prompts, details, forms, timers, the wall.
fn full_session() -> Session {
    let now = crate::testing::at("2022-11-02T08:00:00+07:00");
    let mut plan = crate::testing::seed_plan();
    plan.days.truncate(2);
    for day in &mut plan.days {
        day.blocks.truncate(2);
    }
    plan.organiser = "Pemkot".into();
    plan.venue = "Aula".into();
    plan.coach = "Coach".into();
    plan.days[0].blocks[0].speaker = Some("Pak Wali".into());
    plan.days[0].blocks[0].prompt = Some("Apa masalahnya?".into());
    plan.days[0].blocks[0].notes = Some("Mulai dari Meja 3\nBagikan plano".into());
    let mut session = Session::new(plan, now);
    session.groups.truncate(2);
    session.groups[0].members.push(Member {
        name: "Budi".into(),
        agency: Some("Dinas Sosial".into()),
        role: Role::Head,
        present: false,
    });
    session.groups[1].members.push(Member { name: "Rina".into(), agency: None, role: Role::Staff, present: true });
    let block = session.plan.days[0].blocks[1].id.clone();
    for (i, group) in ["meja-1", "meja-2"].into_iter().enumerate() {
        session.ideas.push(Idea {
            id: i as u64 + 1,
            group: group.into(),
            agency: Some("Bappeda".into()),
            author: Some("Budi; Rina".into()),
            title: "Posyandu".into(),
            detail: Some("Langkah".into()),
            stage: Stage::Design,
            block: block.clone(),
            form: Some(Form::Governance),
            digital: true,
            flagship: true,
            created_at: now,
            updated_at: now,
            deleted: false,
            source: None,
        });
    }
    let first = session.plan.days[0].blocks[0].clone();
    let mut timer = Timer::for_block(&first);
    timer.start(now);
    session.set_timer(timer);
    session.progress.wall.lang = Some(crate::i18n::Lang::En);
    session.progress.wall.spotlight = Some(1);
    session
}

/// Every way of spoiling one value of `value` (and, where it is an object or a list, the whole of it), each
/// applied to a copy of `root`.
fn spoiled(root: &Value, at: &mut Vec<PathPart>, value: &Value, out: &mut Vec<Value>) {
    let replacements = [
        Value::Null,
        Value::from(0),
        Value::from(-1),
        Value::from(1.5),
        Value::from(u64::from(u32::MAX) + 1),
        Value::from((1u64 << 53) + 1),
        Value::from(""),
        Value::from("  "),
        Value::from("x"),
        Value::from("\u{1b}[2J"),
        Value::from("2022-11-02"),
        Value::from("2022-13-02T08:00:00+07:00"),
        Value::from("2022-11-02 08:00:00+07:00"),
        Value::from("1899-12-31T23:00:00+07:00"),
        Value::from("25:00"),
        Value::from("drum_up"),
        Value::from(true),
        Value::Array(vec![]),
        Value::Object(Default::default()),
    ];
    for replacement in replacements {
        out.push(replaced(root, at, |v| *v = replacement.clone()));
    }
    match value {
        Value::Object(map) => {
            out.push(replaced(root, at, |v| {
                v.as_object_mut().unwrap().insert("surplus".into(), Value::from(1));
            }));
            for (key, inner) in map {
                out.push(replaced(root, at, |v| {
                    v.as_object_mut().unwrap().remove(key);
                }));
                at.push(PathPart::Key(key.clone()));
                spoiled(root, at, inner, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                // A second copy of the first item: duplicate ids.
                let copy = first.clone();
                out.push(replaced(root, at, |v| v.as_array_mut().unwrap().push(copy.clone())));
                out.push(replaced(root, at, |v| v.as_array_mut().unwrap().reverse()));
            }
            for (i, inner) in items.iter().enumerate() {
                at.push(PathPart::Index(i));
                spoiled(root, at, inner, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone)]
enum PathPart {
    Key(String),
    Index(usize),
}

fn replaced(root: &Value, at: &[PathPart], change: impl FnOnce(&mut Value)) -> Value {
    let mut copy = root.clone();
    let mut place = &mut copy;
    for part in at {
        place = match part {
            PathPart::Key(key) => place.get_mut(key).unwrap(),
            PathPart::Index(i) => place.get_mut(*i).unwrap(),
        };
    }
    change(place);
    copy
}

/// The fast decoder accepts exactly the files `store::load` accepts, and reads them as load does: checked on
/// every field of a session file spoiled every way (wrong types, missing and surplus fields, duplicate ids,
/// dangling references, times out of range, text that is empty once made inert...).
#[test]
fn the_fast_decoder_accepts_what_load_accepts() {
    let path = Path::new("lab.json");
    let base = serde_json::to_value(full_session()).unwrap();
    let mut variants = vec![base.clone()];
    spoiled(&base, &mut Vec::new(), &base, &mut variants);
    // Version 1's single timer, and a version from the future.
    let mut old = base.clone();
    old["schema_version"] = Value::from(1);
    let timer = old["progress"]["timers"][0].clone();
    old["progress"].as_object_mut().unwrap().remove("timers");
    old["progress"]["timer"] = timer;
    variants.push(old);
    let mut newer = base.clone();
    newer["schema_version"] = Value::from(crate::model::SCHEMA_VERSION + 1);
    variants.push(newer);
    // Notes keep their line breaks when made inert (a hand-edited file's, with sequences and bidi overrides).
    let mut notes = base.clone();
    notes["plan"]["days"][0]["blocks"][0]["notes"] = Value::from("  Meja 3 \r\n\u{1b}[2J\n\u{202e}lalu Meja 5  ");
    variants.push(notes);
    let (mut accepted, mut refused) = (0, 0);
    for variant in &variants {
        let text = serde_json::to_string_pretty(variant).unwrap();
        let fast = crate::tally::SessionView::decode(&text);
        let loaded = store::decode_session(path, text.as_bytes());
        match (&fast, &loaded) {
            (Some(view), Ok(session)) => {
                assert_eq!(*view, crate::tally::SessionView::of(session), "{text}");
                accepted += 1;
            }
            (None, Err(_)) => refused += 1,
            _ => panic!("decoded {} but loaded {}: {text}", fast.is_some(), loaded.is_ok()),
        }
    }
    assert!(accepted > 50 && refused > 500, "{accepted} accepted, {refused} refused");
    // A text field is limited once made inert; too long is refused either way.
    let mut long = base.clone();
    long["ideas"][0]["title"] = Value::from("x".repeat(crate::model::text::MAX_TEXT_BYTES + 1));
    let text = serde_json::to_string(&long).unwrap();
    assert!(crate::tally::SessionView::decode(&text).is_none());
    assert!(store::decode_session(path, text.as_bytes()).is_err());
}

#[test]
fn a_session_being_run_is_tallied_with_its_journal() {
    use crate::model::NewIdea;
    use crate::store::journal::{Record, base_of, start};
    use crate::testing::{at, seed_session};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    let mut session = seed_session(at("2022-11-02T08:00:00+07:00"));
    let idea = |title: &str| NewIdea { group: "meja-1".into(), title: title.into(), ..Default::default() };
    session.add_idea(idea("Antrean online"), session.created_at).unwrap();
    store::save(&path, &session).unwrap();
    // Two captures since the last whole save: only in the journal.
    let base = base_of(store::content_hash(&std::fs::read(&path).unwrap()));
    let now = at("2022-11-02T09:00:00+07:00");
    let id = session.add_idea(idea("SIP dalam satu hari"), now).unwrap();
    start(&path, &base, &Record::of(&session, &crate::store::journal::Changed::ideas(&[id])).encode()).unwrap();
    let gathered = gather(std::slice::from_ref(&path)).unwrap();
    let tally = tally_files(&gathered);
    assert_eq!(tally.ideas, 2, "the journaled idea is counted");
    assert_eq!(tally, tally_as_it_was(&gathered));
    let mut out = Vec::new();
    tally_files_json_within(&gathered, usize::MAX, &mut out).unwrap();
    assert!(out == pretty(&tally));
}
