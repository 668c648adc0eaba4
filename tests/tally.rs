//! Tallies over hand-built sessions: every expected number below was worked out by hand from the ideas added,
//! not taken from the code under test.
#![allow(clippy::unwrap_used)]

use innolab::i18n::Lang;
use innolab::model::{Form, Member, NewIdea, Plan, Role, Session, Stage};
use innolab::tally::{LeftOut, OneAgencyStatus, SessionRef, Tally};
use innolab::testing::{at, date};
use serde_json::{Value, json};

fn member(name: &str, agency: Option<&str>) -> Member {
    Member { name: name.into(), agency: agency.map(Into::into), role: Role::Head, present: true }
}

fn idea(group: &str, title: &str, block: &str) -> NewIdea {
    NewIdea { group: group.into(), title: title.into(), block: Some(block.into()), ..Default::default() }
}

/// Session A: the built-in plan from 2022-11-02, six tables, target 50; five live ideas and one deleted.
fn session_a() -> Session {
    let now = at("2022-11-02T08:00:00+07:00");
    let mut s = Session::new(innolab::testing::seed_plan(), now);
    s.groups[0].members.push(member("dr. Rina", Some("Dinas Kesehatan")));
    s.groups[0].members.push(member("Budi Santoso", Some("Dinas Pendidikan")));
    s.groups[1].members.push(member("Siti", Some("Dinas Sosial")));
    s.groups[2].members.push(member("Andi", None));
    // 1: agency from the author on the roster; diagnose, day 2; public service, digital, flagship.
    s.add_idea(
        NewIdea {
            author: Some("dr. Rina".into()),
            form: Some(Form::PublicService),
            digital: true,
            flagship: true,
            ..idea("meja-1", "Antrean online puskesmas", "d2-curah-ide")
        },
        now,
    )
    .unwrap();
    // 2: two authors; the first one on the roster gives the agency (Budi: Dinas Pendidikan).
    s.add_idea(
        NewIdea {
            author: Some("Budi Santoso; DR. RINA".into()),
            form: Some(Form::Governance),
            ..idea("meja-1", "Sekolah ramah anak", "d2-pemetaan-masalah")
        },
        now,
    )
    .unwrap();
    // 3: deleted: must not count for Dinas Sosial, nor as a flagship, nor anywhere.
    let deleted = s
        .add_idea(
            NewIdea {
                agency: Some("Dinas Sosial".into()),
                author: Some("Siti".into()),
                flagship: true,
                ..idea("meja-2", "Ide yang dihapus", "d2-curah-ide")
            },
            now,
        )
        .unwrap();
    s.idea_mut(deleted).unwrap().deleted = true;
    // 4: explicit agency typed in lower case: the same agency as the roster's "Dinas Kesehatan"; drum-up, day 1.
    s.add_idea(
        NewIdea {
            agency: Some("dinas kesehatan".into()),
            author: Some("Andi".into()),
            ..idea("meja-3", "Posyandu keliling", "d1-coaching-komitmen")
        },
        now,
    )
    .unwrap();
    // 5: an author not on the roster and no agency: counted under "no agency"; day 3; other affairs.
    s.add_idea(
        NewIdea {
            author: Some("Tamu".into()),
            form: Some(Form::OtherAffairs),
            ..idea("meja-3", "Ide tanpa OPD", "d3-inovasi-unggulan")
        },
        now,
    )
    .unwrap();
    // 6: no author, an agency nobody on the roster has; stage overridden to design; flagship; day 3.
    s.add_idea(
        NewIdea {
            agency: Some("Dinas Perpustakaan".into()),
            flagship: true,
            stage: Some(Stage::Design),
            ..idea("meja-2", "Perpustakaan keliling", "d3-pendalaman-ide")
        },
        now,
    )
    .unwrap();
    s
}

/// Session B: the built-in plan from 2023-03-06 with two tables and a target of 40; two ideas.
fn session_b() -> Session {
    let now = at("2023-03-06T08:00:00+07:00");
    let mut plan = Plan::builtin(date("2023-03-06"));
    plan.tables = 2;
    plan.target_ideas = 40;
    let mut s = Session::new(plan, now);
    s.groups[0].members.push(member("Dewi", Some("Bappeda")));
    s.add_idea(
        NewIdea {
            author: Some("Dewi".into()),
            form: Some(Form::PublicService),
            digital: true,
            ..idea("meja-1", "Mal pelayanan publik", "d2-curah-ide")
        },
        now,
    )
    .unwrap();
    s.add_idea(
        NewIdea {
            agency: Some("Dinas Kesehatan".into()),
            author: Some("dr. Rina".into()),
            flagship: true,
            ..idea("meja-2", "Lapor cepat", "d2-curah-ide")
        },
        now,
    )
    .unwrap();
    s
}

fn both() -> (Session, Session) {
    (session_a(), session_b())
}

fn tally_of(a: &Session, b: &Session) -> Tally {
    Tally::of(&[SessionRef::new("a.json", a), SessionRef::new("b.json", b)])
}

fn json_of(tally: &Tally) -> Value {
    serde_json::to_value(tally).unwrap()
}

#[test]
fn totals_skip_deleted_ideas_and_sum_targets() {
    let (a, b) = both();
    let j = json_of(&tally_of(&a, &b));
    assert_eq!(j["ideas"], 7);
    assert_eq!(j["target"], 90);
    assert_eq!(j["flagship"], 3);
    assert_eq!(j["digital"], 2);
    assert_eq!(
        j["sessions"],
        json!([
            {"session": "a.json", "title": "Executive Laboratorium Inovasi Kota Cilegon", "first_date": "2022-11-02",
             "last_date": "2022-11-04", "ideas": 5, "flagship": 2, "target": 50},
            {"session": "b.json", "title": "Executive Laboratorium Inovasi Kota Cilegon", "first_date": "2023-03-06",
             "last_date": "2023-03-08", "ideas": 2, "flagship": 1, "target": 40},
        ])
    );
    let text = serde_json::to_string(&j).unwrap();
    assert!(!text.contains("Ide yang dihapus"), "a deleted idea leaked: {text}");
}

#[test]
fn by_group_is_session_then_table_order_with_zeros() {
    let (a, b) = both();
    let j = json_of(&tally_of(&a, &b));
    let rows: Vec<(String, String, u64, u64)> = j["by_group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["session"].as_str().unwrap().to_string(),
                g["group"].as_str().unwrap().to_string(),
                g["ideas"].as_u64().unwrap(),
                g["flagship"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("a.json", "meja-1", 2, 1),
        ("a.json", "meja-2", 1, 1),
        ("a.json", "meja-3", 2, 0),
        ("a.json", "meja-4", 0, 0),
        ("a.json", "meja-5", 0, 0),
        ("a.json", "meja-6", 0, 0),
        ("b.json", "meja-1", 1, 0),
        ("b.json", "meja-2", 1, 1),
    ];
    let expected: Vec<_> = expected.iter().map(|(s, g, i, f)| (s.to_string(), g.to_string(), *i, *f)).collect();
    assert_eq!(rows, expected);
    assert_eq!(j["by_group"][0]["name"], "Meja 1");
}

#[test]
fn agencies_merge_case_derive_from_authors_and_keep_no_agency_last() {
    let (a, b) = both();
    let j = json_of(&tally_of(&a, &b));
    assert_eq!(
        j["by_agency"],
        json!([
            {"agency": "Dinas Kesehatan", "ideas": 3, "flagship": 2},
            {"agency": "Bappeda", "ideas": 1, "flagship": 0},
            {"agency": "Dinas Pendidikan", "ideas": 1, "flagship": 0},
            {"agency": "Dinas Perpustakaan", "ideas": 1, "flagship": 1},
            {"agency": null, "ideas": 1, "flagship": 0},
        ])
    );
}

#[test]
fn one_agency_one_innovation_covers_every_known_agency() {
    let (a, b) = both();
    let tally = tally_of(&a, &b);
    assert_eq!(tally.agencies_without_ideas, ["Dinas Sosial"]);
    assert_eq!(tally.agencies_without_flagship, ["Bappeda", "Dinas Pendidikan", "Dinas Sosial"]);
    let oaoi: Vec<(&str, usize, usize, OneAgencyStatus)> =
        tally.one_agency_one_innovation.iter().map(|a| (a.agency.as_str(), a.ideas, a.flagship, a.status)).collect();
    assert_eq!(
        oaoi,
        [
            ("Bappeda", 1, 0, OneAgencyStatus::NoFlagship),
            ("Dinas Kesehatan", 3, 2, OneAgencyStatus::HasFlagship),
            ("Dinas Pendidikan", 1, 0, OneAgencyStatus::NoFlagship),
            ("Dinas Perpustakaan", 1, 1, OneAgencyStatus::HasFlagship),
            ("Dinas Sosial", 0, 0, OneAgencyStatus::NoIdea),
        ]
    );
    assert_eq!(json_of(&tally)["one_agency_one_innovation"][4]["status"], "no_idea");
}

#[test]
fn stages_forms_and_days_are_counted() {
    let (a, b) = both();
    let j = json_of(&tally_of(&a, &b));
    assert_eq!(j["by_stage"], json!({"drum_up": 1, "diagnose": 5, "design": 1, "deliver": 0, "display": 0, "none": 0}));
    assert_eq!(j["by_form"], json!({"governance": 1, "public_service": 2, "other_affairs": 1, "unspecified": 3}));
    assert_eq!(
        j["by_day"],
        json!([
            {"date": "2022-11-02", "ideas": 1},
            {"date": "2022-11-03", "ideas": 2},
            {"date": "2022-11-04", "ideas": 2},
            {"date": "2023-03-06", "ideas": 0},
            {"date": "2023-03-07", "ideas": 2},
            {"date": "2023-03-08", "ideas": 0},
        ])
    );
}

#[test]
fn days_of_sessions_on_the_same_dates_merge() {
    let a = session_a();
    let tally = Tally::of(&[SessionRef::new("one.json", &a), SessionRef::new("two.json", &a)]);
    let days: Vec<(String, usize)> = tally.by_day.iter().map(|d| (d.date.to_string(), d.ideas)).collect();
    assert_eq!(days, [("2022-11-02".into(), 2), ("2022-11-03".into(), 4), ("2022-11-04".into(), 4)]);
}

#[test]
fn by_block_lists_every_block_in_agenda_order() {
    let (a, b) = both();
    let tally = tally_of(&a, &b);
    let blocks_a: Vec<&str> = a.plan.blocks().map(|(_, b)| b.id.as_str()).collect();
    assert_eq!(tally.by_block.len(), blocks_a.len() + b.plan.block_count());
    let ids: Vec<&str> = tally.by_block[..blocks_a.len()].iter().map(|b| b.block.as_str()).collect();
    assert_eq!(ids, blocks_a);
    let find = |session: &str, block: &str| {
        tally.by_block.iter().find(|b| b.session == session && b.block == block).unwrap().ideas
    };
    assert_eq!(find("a.json", "d2-curah-ide"), 1);
    assert_eq!(find("a.json", "d1-coaching-komitmen"), 1);
    assert_eq!(find("a.json", "d1-registrasi"), 0);
    assert_eq!(find("b.json", "d2-curah-ide"), 2);
    assert_eq!(tally.by_block.iter().map(|b| b.ideas).sum::<usize>(), 7);
    let curah = tally.by_block.iter().find(|b| b.block == "d2-curah-ide").unwrap();
    assert_eq!((curah.day, curah.date, curah.stage), (2, date("2022-11-03"), Stage::Diagnose));
}

#[test]
fn awards_credit_every_named_author_once_per_idea() {
    let (a, b) = both();
    let j = json_of(&tally_of(&a, &b));
    let authors: Vec<(String, String, Value, String, u64)> = j["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["session"].as_str().unwrap().to_string(),
                x["name"].as_str().unwrap().to_string(),
                x["agency"].clone(),
                x["table"].as_str().unwrap().to_string(),
                x["ideas"].as_u64().unwrap(),
            )
        })
        .collect();
    let s = |v: &str| v.to_string();
    assert_eq!(
        authors,
        [
            (s("a.json"), s("dr. Rina"), json!("Dinas Kesehatan"), s("Meja 1"), 2),
            (s("a.json"), s("Budi Santoso"), json!("Dinas Pendidikan"), s("Meja 1"), 1),
            // Andi has no agency on the roster; his idea's agency is used, in the roster's spelling.
            (s("a.json"), s("Andi"), json!("Dinas Kesehatan"), s("Meja 3"), 1),
            (s("a.json"), s("Tamu"), Value::Null, s("Meja 3"), 1),
            (s("b.json"), s("Dewi"), json!("Bappeda"), s("Meja 1"), 1),
            (s("b.json"), s("dr. Rina"), json!("Dinas Kesehatan"), s("Meja 2"), 1),
        ]
    );
}

#[test]
fn the_same_author_twice_in_one_idea_counts_once() {
    let mut a = session_a();
    let now = a.created_at;
    a.add_idea(NewIdea { author: Some("Siti; siti ;SITI".into()), ..idea("meja-2", "x", "d2-curah-ide") }, now)
        .unwrap();
    let tally = Tally::of(&[SessionRef::new("a.json", &a)]);
    let siti = tally.authors.iter().find(|x| x.name == "Siti").unwrap();
    assert_eq!(siti.ideas, 1);
    assert_eq!(siti.agency.as_deref(), Some("Dinas Sosial"));
}

#[test]
fn an_empty_session_list_and_a_session_without_ideas() {
    let empty = Tally::of(&[]);
    assert_eq!((empty.ideas, empty.target, empty.by_day.len()), (0, 0, 0));
    let s = Session::new(innolab::testing::seed_plan(), at("2022-11-02T08:00:00+07:00"));
    let tally = Tally::of(&[SessionRef::new("s.json", &s)]);
    assert_eq!(tally.ideas, 0);
    assert_eq!(tally.by_day.iter().map(|d| d.ideas).collect::<Vec<_>>(), [0, 0, 0]);
    assert!(tally.by_agency.is_empty() && tally.authors.is_empty() && tally.one_agency_one_innovation.is_empty());
    assert_eq!(tally.percent_of_target(), 0);
}

#[test]
fn text_shows_every_section_and_the_files_left_out() {
    let (a, b) = both();
    let mut tally = tally_of(&a, &b);
    tally.left_out.push(LeftOut { path: "broken.json".into(), error: "broken.json: not valid JSON".into() });
    let text = innolab::export::to_text(&tally, Lang::En);
    for heading in [
        "TALLY",
        "Ideas: 7 of the target 90 (7%)",
        "Per table",
        "Per agency",
        "Per stage",
        "Per day",
        "Per form",
        "One Agency One Innovation",
        "Awards",
        "Files left out",
        "broken.json: not valid JSON",
    ] {
        assert!(text.contains(heading), "missing {heading:?} in\n{text}");
    }
    // Aligned: the per-agency rows put the counts in the same column.
    let agency_lines: Vec<&str> =
        text.lines().filter(|l| l.starts_with("Dinas Kesehatan") || l.starts_with("Bappeda")).take(2).collect();
    assert_eq!(agency_lines.len(), 2);
    assert_eq!(agency_lines[0].len(), agency_lines[1].len(), "{agency_lines:?}");
    let id = innolab::export::to_text(&tally, Lang::Id);
    assert!(id.contains("REKAP") && id.contains("Per meja") && id.contains("Penghargaan"), "{id}");
    assert!(id.contains("Satu OPD Satu Inovasi") && id.contains("(tanpa OPD)"), "{id}");
}

#[test]
fn text_makes_hostile_names_inert() {
    let mut a = session_a();
    a.groups[3].name = "Meja \x1b[2J4".into();
    let text = innolab::export::to_text(&Tally::of(&[SessionRef::new("a.json", &a)]), Lang::En);
    assert!(!text.contains('\x1b'));
    assert!(text.contains("Meja 4") && !text.contains("[2J"), "the whole sequence is removed");
}

#[test]
fn csv_is_one_long_table_a_spreadsheet_can_pivot() {
    let (a, b) = both();
    let mut tally = tally_of(&a, &b);
    tally.left_out.push(LeftOut { path: "=evil.json".into(), error: "cannot read".into() });
    let text = innolab::export::to_csv(&tally, Lang::En);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), innolab::export::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let section = |name: &str| rows.iter().filter(|r| &r[0] == name).collect::<Vec<_>>();
    assert_eq!(&section("total")[0][5], "7");
    assert_eq!(&section("total")[0][7], "90");
    assert_eq!(section("group").len(), 8);
    assert_eq!(section("stage").len(), 6);
    assert_eq!(section("form").len(), 4);
    assert_eq!(section("author").len(), 6);
    let no_agency = section("agency").into_iter().find(|r| r[2].is_empty()).unwrap();
    assert_eq!((&no_agency[3], &no_agency[5]), ("(no agency)", "1"));
    let sosial = section("one_agency_one_innovation").into_iter().find(|r| &r[2] == "Dinas Sosial").unwrap();
    assert_eq!(&sosial[8], "no_idea");
    assert_eq!(&section("left_out")[0][2], "'=evil.json");
    let stage_sum: usize = section("stage").iter().map(|r| r[5].parse::<usize>().unwrap()).sum();
    assert_eq!(stage_sum, 7);
}

#[test]
fn markdown_has_the_sections_and_escapes_names() {
    let (mut a, b) = both();
    a.groups[5].name = "<b>Meja|6</b>".into();
    let md = innolab::export::to_markdown(&tally_of(&a, &b), Lang::En);
    for heading in [
        "# Tally",
        "## Sessions",
        "## Per table",
        "## Per agency",
        "## Per stage",
        "## Per day",
        "## Per form",
        "## One Agency One Innovation",
        "## Awards",
    ] {
        assert!(md.lines().any(|l| l == heading), "missing {heading:?} in\n{md}");
    }
    assert!(md.contains("\\<b\\>Meja\\|6\\</b\\>"), "{md}");
    assert!(!md.contains("<b>"));
    assert!(md.contains("| Dinas Kesehatan | 3 | 2 |"), "{md}");
    // Awards grouped by session and table, then agency.
    assert!(
        md.contains(
            "### a.json · Meja 1\n\n- **Dinas Kesehatan**: dr. Rina (2)\n- **Dinas Pendidikan**: Budi Santoso (1)\n"
        ),
        "{md}"
    );
    assert!(md.contains("- *(no agency)*: Tamu (1)"), "{md}");
}

#[test]
fn an_author_seated_at_another_table_counts_for_their_agency_in_the_tally_and_the_awards() {
    let plan = innolab::testing::seed_plan();
    let mut s = Session::new(plan, at("2022-11-02T08:00:00+07:00"));
    s.groups[0].members.push(member("Budi", Some("DPMPTSP")));
    // Budi sits at table 1 but calls out an idea at table 3.
    s.add_idea(
        NewIdea { author: Some("budi".into()), ..idea("meja-3", "SIP satu hari", "d2-curah-ide") },
        at("2022-11-03T13:10:00+07:00"),
    )
    .unwrap();
    let tally = Tally::of(&[SessionRef::new("s.json", &s)]);
    assert_eq!(tally.by_agency.len(), 1);
    assert_eq!(tally.by_agency[0].agency.as_deref(), Some("DPMPTSP"));
    assert_eq!(tally.by_agency[0].ideas, 1);
    assert_eq!(tally.authors[0].agency.as_deref(), Some("DPMPTSP"));
    assert!(tally.agencies_without_ideas.is_empty());
}
