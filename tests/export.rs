//! Exports read back with independent readers (the csv crate, calamine, serde_json), and CSV imports of ideas.
//! Expected values come from the ideas added here, never from the code under test.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use innolab::export::{self, ExportFormat, csv::COLUMNS, xlsx::sheet_names};
use innolab::i18n::Lang;
use innolab::model::{Form, Member, NewIdea, Role, Session};
use innolab::testing::at;

const HOSTILE_FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"klik\")";
const HOSTILE_MARKUP: &str = "<script>alert(1)</script> | **tebal**";

/// Three live ideas (1, 2, 4) and one deleted (3), on the built-in plan from 2022-11-02.
fn session() -> Session {
    let mut s = Session::new(innolab::testing::seed_plan(), at("2022-11-02T08:00:00+07:00"));
    s.groups[0].members.push(Member {
        name: "dr. Rina".into(),
        agency: Some("Dinas Kesehatan".into()),
        role: Role::Head,
        present: true,
    });
    s.add_idea(
        NewIdea {
            group: "meja-1".into(),
            title: "Antrean online puskesmas".into(),
            author: Some("dr. Rina".into()),
            detail: Some("Daftar dari rumah.\n- Nomor antrean via WhatsApp.".into()),
            form: Some(Form::PublicService),
            digital: true,
            flagship: true,
            block: Some("d2-curah-ide".into()),
            ..Default::default()
        },
        at("2022-11-03T10:04:12+07:00"),
    )
    .unwrap();
    s.add_idea(
        NewIdea {
            group: "meja-2".into(),
            title: HOSTILE_FORMULA.into(),
            author: Some("@admin".into()),
            agency: Some("-Dinas".into()),
            block: Some("d2-akar-masalah".into()),
            ..Default::default()
        },
        at("2022-11-03T11:00:00+07:00"),
    )
    .unwrap();
    let deleted = s
        .add_idea(
            NewIdea {
                group: "meja-1".into(),
                title: "Dihapus".into(),
                block: Some("d2-curah-ide".into()),
                ..Default::default()
            },
            at("2022-11-03T11:30:00+07:00"),
        )
        .unwrap();
    s.idea_mut(deleted).unwrap().deleted = true;
    s.add_idea(
        NewIdea {
            group: "meja-3".into(),
            title: HOSTILE_MARKUP.into(),
            agency: Some("Dinas Sosial".into()),
            block: Some("d3-pendalaman-ide".into()),
            ..Default::default()
        },
        at("2022-11-04T09:30:00+07:00"),
    )
    .unwrap();
    s
}

fn export(s: &Session, format: ExportFormat, excel: bool) -> Vec<u8> {
    export::write_export(s, "lab.json", format, Lang::En, excel).unwrap()
}

fn block_title(s: &Session, id: &str) -> String {
    s.plan.find_block(id).unwrap().1.title.clone()
}

// ---------------------------------------------------------------------------------------------------------
// CSV

fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().unwrap().iter().map(str::to_string).collect();
    (headers, reader.records().map(Result::unwrap).collect())
}

fn field<'a>(headers: &[String], row: &'a csv::StringRecord, name: &str) -> &'a str {
    &row[headers.iter().position(|h| h == name).unwrap()]
}

#[test]
fn csv_has_one_row_per_live_idea_with_every_field() {
    let s = session();
    let (headers, rows) = read_csv(&export(&s, ExportFormat::Csv, false));
    assert_eq!(headers, COLUMNS);
    assert_eq!(rows.len(), 3);
    let ids: Vec<&str> = rows.iter().map(|r| field(&headers, r, "id")).collect();
    assert_eq!(ids, ["1", "2", "4"]);
    let first = &rows[0];
    let expected = [
        ("table_id", "meja-1"),
        ("table", "Meja 1"),
        ("agency", "Dinas Kesehatan"),
        ("author", "dr. Rina"),
        ("title", "Antrean online puskesmas"),
        // A line break could start a cell for a reader that ignores the quotes: the next line is neutralised.
        ("detail", "Daftar dari rumah.\n'- Nomor antrean via WhatsApp."),
        ("stage", "diagnose"),
        ("stage_name", "Diagnose"),
        ("block_id", "d2-curah-ide"),
        ("block", &block_title(&s, "d2-curah-ide")),
        ("day", "2"),
        ("date", "2022-11-03"),
        ("form", "public_service"),
        ("form_name", "Public service"),
        ("digital", "true"),
        ("flagship", "true"),
        ("created_at", "2022-11-03T10:04:12+07:00"),
        ("updated_at", "2022-11-03T10:04:12+07:00"),
    ];
    for (name, value) in expected {
        assert_eq!(field(&headers, first, name), value, "{name}");
    }
    let last = &rows[2];
    assert_eq!(field(&headers, last, "day"), "3");
    assert_eq!(field(&headers, last, "form"), "");
    assert_eq!(field(&headers, last, "digital"), "false");
    assert_eq!(field(&headers, last, "title"), HOSTILE_MARKUP);
}

#[test]
fn csv_neutralises_formula_cells() {
    let (headers, rows) = read_csv(&export(&session(), ExportFormat::Csv, false));
    let second = &rows[1];
    assert_eq!(field(&headers, second, "title"), format!("'{HOSTILE_FORMULA}"));
    assert_eq!(field(&headers, second, "author"), "'@admin");
    assert_eq!(field(&headers, second, "agency"), "'-Dinas");
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "live formula cell {cell:?}");
        }
    }
}

/// `--excel`: what an Indonesian-locale Excel or LibreOffice opens by double-click (a byte-order mark, `;`
/// between cells, CRLF line ends), holding exactly the cells of the plain CSV.
#[test]
fn csv_for_excel_has_a_bom_semicolons_and_the_same_cells() {
    let s = session();
    let plain = export(&s, ExportFormat::Csv, false);
    let excel = export(&s, ExportFormat::Csv, true);
    assert!(!plain.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(&excel[..3], b"\xEF\xBB\xBF");
    assert!(excel[3..].starts_with(b"\"id\";\"table_id\";"), "{:?}", String::from_utf8_lossy(&excel[..40]));
    let cells = |bytes: &[u8], delimiter: u8| -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(bytes);
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    };
    assert_eq!(cells(&excel[3..], b';'), cells(&plain, b','));
    let rows = String::from_utf8_lossy(&excel).matches("\r\n").count();
    assert_eq!(rows, 4, "a header and three ideas, each ending in CRLF (the detail's own line break stays LF)");
}

// ---------------------------------------------------------------------------------------------------------
// xlsx

type Book = calamine::Sheets<Cursor<Vec<u8>>>;

fn workbook() -> Book {
    open_workbook_auto_from_rs(Cursor::new(export(&session(), ExportFormat::Xlsx, false))).unwrap()
}

fn text(range: &calamine::Range<Data>, row: usize, col: usize) -> String {
    match range.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

fn num(range: &calamine::Range<Data>, row: usize, col: usize) -> f64 {
    match range.get((row, col)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

fn ymd_hms(range: &calamine::Range<Data>, row: usize, col: usize) -> (u16, u8, u8, u8, u8, u8) {
    match range.get((row, col)) {
        Some(Data::DateTime(d)) => {
            let (y, m, d, h, mi, s, _) = d.to_ymd_hms_milli();
            (y, m, d, h, mi, s)
        }
        other => panic!("({row}, {col}) is not a date: {other:?}"),
    }
}

#[test]
fn xlsx_has_the_sheets_in_order() {
    assert_eq!(workbook().sheet_names(), sheet_names(Lang::En));
    assert_eq!(
        sheet_names(Lang::En),
        ["Readiness", "Ideas", "Per table", "Per agency", "One agency one innovation", "Awards", "Summary"]
    );
}

/// `--lang id`: every sheet name and header in Indonesian, the Ideas sheet's too.
#[test]
fn xlsx_speaks_the_reports_language() {
    let bytes = export::write_export(&session(), "lab.json", ExportFormat::Xlsx, Lang::Id, false).unwrap();
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Kesiapan", "Ide", "Per meja", "Per OPD", "Satu OPD Satu Inovasi", "Penghargaan", "Ringkasan"]
    );
    let ideas = book.worksheet_range("Ide").unwrap();
    let headers: Vec<String> = (0..COLUMNS.len()).map(|c| text(&ideas, 0, c)).collect();
    assert_eq!(&headers[..6], ["Id", "Id meja", "Meja", "OPD", "Penggagas", "Judul"]);
    let per_table = book.worksheet_range("Per meja").unwrap();
    assert_eq!((text(&per_table, 0, 0), text(&per_table, 0, 1)), ("Meja".to_string(), "Ide".to_string()));
    let readiness = book.worksheet_range("Kesiapan").unwrap();
    assert_eq!(text(&readiness, 0, 0), "Hal belum beres");
}

#[test]
fn xlsx_ideas_sheet_has_typed_cells() {
    let mut book = workbook();
    let ideas = book.worksheet_range("Ideas").unwrap();
    assert_eq!(ideas.height(), 4, "a header and three live ideas");
    let headers: Vec<String> = (0..COLUMNS.len()).map(|c| text(&ideas, 0, c)).collect();
    assert_eq!(&headers[..6], ["Id", "Table id", "Table", "Agency", "Author", "Title"]);
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
    assert_eq!(num(&ideas, 1, col("id")), 1.0);
    assert_eq!(num(&ideas, 3, col("id")), 4.0);
    assert_eq!(text(&ideas, 1, col("table")), "Meja 1");
    assert_eq!(text(&ideas, 1, col("agency")), "Dinas Kesehatan");
    assert_eq!(num(&ideas, 1, col("day")), 2.0);
    assert_eq!(ideas.get((1, col("digital"))), Some(&Data::Bool(true)));
    assert_eq!(ideas.get((2, col("flagship"))), Some(&Data::Bool(false)));
    assert_eq!(ymd_hms(&ideas, 1, col("date")), (2022, 11, 3, 0, 0, 0));
    assert_eq!(ymd_hms(&ideas, 1, col("created_at")), (2022, 11, 3, 10, 4, 12));
    assert_eq!(ymd_hms(&ideas, 3, col("updated_at")), (2022, 11, 4, 9, 30, 0));
    assert_eq!(text(&ideas, 1, col("detail")), "Daftar dari rumah.\n- Nomor antrean via WhatsApp.");
    // String cells are never formulas: the text is stored exactly as typed, without an apostrophe.
    assert_eq!(text(&ideas, 2, col("title")), HOSTILE_FORMULA);
    assert_eq!(text(&ideas, 2, col("author")), "@admin");
    assert_eq!(ideas.get((2, col("form"))), Some(&Data::Empty));

    let formulas = book.worksheet_formula("Ideas").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "the workbook holds a formula");
    let styles = book.worksheet_style("Ideas").unwrap();
    let bold = |c: u32| styles.get((0, c)).and_then(|s| s.font.as_ref()).is_some_and(|f| f.is_bold());
    assert!((0..COLUMNS.len() as u32).all(bold), "the header row is bold");
}

#[test]
fn xlsx_tally_sheets_have_the_same_counts() {
    let mut book = workbook();
    let per_table = book.worksheet_range("Per table").unwrap();
    assert_eq!(per_table.height(), 7, "a header and six tables");
    assert_eq!(text(&per_table, 0, 0), "Table");
    let rows: Vec<(String, f64, f64)> =
        (1..7).map(|r| (text(&per_table, r, 0), num(&per_table, r, 1), num(&per_table, r, 2))).collect();
    assert_eq!(rows[0], ("Meja 1".into(), 1.0, 1.0));
    assert_eq!(rows[1], ("Meja 2".into(), 1.0, 0.0));
    assert_eq!(rows[2], ("Meja 3".into(), 1.0, 0.0));
    assert_eq!(rows.iter().map(|r| r.1).sum::<f64>(), 3.0);

    let per_agency = book.worksheet_range("Per agency").unwrap();
    let agencies: Vec<(String, f64)> =
        (1..per_agency.height()).map(|r| (text(&per_agency, r, 0), num(&per_agency, r, 1))).collect();
    assert_eq!(agencies, [("-Dinas".into(), 1.0), ("Dinas Kesehatan".into(), 1.0), ("Dinas Sosial".into(), 1.0)]);

    let oaoi = book.worksheet_range("One agency one innovation").unwrap();
    assert_eq!(oaoi.height(), 4);
    let kesehatan = (1..4).find(|&r| text(&oaoi, r, 0) == "Dinas Kesehatan").unwrap();
    assert_eq!((num(&oaoi, kesehatan, 2), text(&oaoi, kesehatan, 3)), (1.0, "has a flagship".to_string()));

    let awards = book.worksheet_range("Awards").unwrap();
    let names: Vec<String> = (1..awards.height()).map(|r| text(&awards, r, 0)).collect();
    assert_eq!(names, ["dr. Rina", "@admin"]);
    assert_eq!(num(&awards, 1, 3), 1.0);

    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!((text(&summary, 1, 1), num(&summary, 1, 2)), ("Ideas".to_string(), 3.0));
    assert_eq!((text(&summary, 2, 1), num(&summary, 2, 2)), ("Target".to_string(), 50.0));
}

// ---------------------------------------------------------------------------------------------------------
// Markdown and JSON

#[test]
fn markdown_report_has_every_section_and_escapes_user_text() {
    let s = session();
    let md = String::from_utf8(export(&s, ExportFormat::Md, false)).unwrap();
    for line in [
        "# Executive Laboratorium Inovasi Kota Cilegon",
        "- **Organiser:** Bappedalitbang Kota Cilegon",
        "- **Dates:** 2022-11-02 – 2022-11-04",
        "Ideas: 3 of the target 50 (6%) · flagship: 1 · digital: 1",
        "## Per table",
        "## Per agency",
        "## Per stage",
        "## Per day",
        "## Per form",
        "## One Agency One Innovation",
        "## Awards",
        "## Ideas by table",
        "### Meja 1 (1)",
        "### Meja 6 (0)",
    ] {
        assert!(md.lines().any(|l| l == line), "missing {line:?} in\n{md}");
    }
    assert!(!md.contains("<script>"), "raw HTML from a title:\n{md}");
    assert!(md.contains("\\<script\\>alert(1)\\</script\\> \\| \\*\\*tebal\\*\\*"), "{md}");
    assert!(!md.contains("Dihapus"), "a deleted idea is in the report");
    // The detail keeps its lines inside the list item, and a "-" line start cannot open a nested list.
    assert!(md.contains("  Daftar dari rumah.\\\n  \\- Nomor antrean via WhatsApp.\n"), "{md}");
    assert!(md.contains("★ flagship"));
    assert!(md.contains("- **Dinas Kesehatan**: dr. Rina (1)"), "{md}");
}

#[test]
fn markdown_report_in_indonesian() {
    let md =
        String::from_utf8(export::write_export(&session(), "lab.json", ExportFormat::Md, Lang::Id, false).unwrap())
            .unwrap();
    for heading in
        ["## Per meja", "## Per OPD", "## Satu OPD Satu Inovasi", "## Penghargaan", "## Ide inovasi per meja"]
    {
        assert!(md.lines().any(|l| l == heading), "missing {heading:?} in\n{md}");
    }
}

#[test]
fn json_is_the_tally_of_this_session() {
    let value: serde_json::Value = serde_json::from_slice(&export(&session(), ExportFormat::Json, false)).unwrap();
    assert_eq!(value["ideas"], 3);
    assert_eq!(value["target"], 50);
    assert_eq!(value["sessions"][0]["session"], "lab.json");
    assert_eq!(value["by_stage"]["diagnose"], 3);
    assert_eq!(value["by_form"]["unspecified"], 2);
    assert_eq!(value["agencies_without_flagship"], serde_json::json!(["-Dinas", "Dinas Sosial"]));
}

// ---------------------------------------------------------------------------------------------------------
// Import

mod import {
    use super::*;
    use innolab::import::{describe, parse_ideas_csv};

    fn fresh() -> Session {
        Session::new(innolab::testing::seed_plan(), at("2022-11-02T08:00:00+07:00"))
    }

    #[test]
    fn a_good_file_gives_every_idea_with_its_line() {
        let file = "table,title,agency,author,form,digital,detail\n\
                    1,SIP online,Dinas Kesehatan,dr. Rina,public service,ya,\"Satu\nDua\"\n\
                    meja-2,Posyandu digital,,,,no,\n\
                    \n\
                    Meja 3,  Lapor  ,,Budi; Siti,tata kelola,TRUE,\n";
        let ideas = parse_ideas_csv(file.as_bytes(), &fresh(), Lang::En).unwrap();
        let summary: Vec<(usize, &str, &str)> =
            ideas.iter().map(|i| (i.line, i.idea.group.as_str(), i.idea.title.as_str())).collect();
        assert_eq!(summary, [(2, "meja-1", "SIP online"), (4, "meja-2", "Posyandu digital"), (6, "meja-3", "Lapor")]);
        let first = &ideas[0].idea;
        assert_eq!(first.agency.as_deref(), Some("Dinas Kesehatan"));
        assert_eq!(first.author.as_deref(), Some("dr. Rina"));
        assert_eq!(first.form, Some(Form::PublicService));
        assert!(first.digital);
        assert_eq!(first.detail.as_deref(), Some("Satu\nDua"));
        assert_eq!((ideas[1].idea.agency.as_ref(), ideas[1].idea.form, ideas[1].idea.digital), (None, None, false));
        assert_eq!((ideas[2].idea.form, ideas[2].idea.digital), (Some(Form::Governance), true));
        assert_eq!(ideas[2].idea.author.as_deref(), Some("Budi; Siti"));
    }

    #[test]
    fn bom_and_indonesian_headers_in_any_order_and_semicolons() {
        let file = "\u{FEFF}Judul;MEJA;OPD;Penggagas;Bentuk;Digital;Uraian\r\nAntrean online;2;Dinas Sosial;Siti;pelayanan publik;tidak;Cepat\r\n";
        let ideas = parse_ideas_csv(file.as_bytes(), &fresh(), Lang::En).unwrap();
        assert_eq!(ideas.len(), 1);
        let idea = &ideas[0].idea;
        assert_eq!((idea.group.as_str(), idea.title.as_str()), ("meja-2", "Antrean online"));
        assert_eq!((idea.agency.as_deref(), idea.author.as_deref()), (Some("Dinas Sosial"), Some("Siti")));
        assert_eq!(
            (idea.form, idea.digital, idea.detail.as_deref()),
            (Some(Form::PublicService), false, Some("Cepat"))
        );
    }

    #[test]
    fn bad_rows_are_all_reported_and_nothing_is_returned() {
        let file = "table,title,form,digital\n\
                    1,Good idea,,\n\
                    9,Unknown table,,\n\
                    2,,,\n\
                    3,Bad form,tidak tahu,\n\
                    4,Bad digital,,maybe\n\
                    5,\u{202E}\u{200F},,\n";
        let errors = parse_ideas_csv(file.as_bytes(), &fresh(), Lang::En).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7], "{errors:?}");
        assert!(errors[0].message.contains("\"9\""), "{}", errors[0].message);
        assert!(errors[0].message.contains("Meja 1"), "lists the tables: {}", errors[0].message);
        assert!(errors[1].message.contains("title"), "{}", errors[1].message);
        assert!(errors[3].message.contains("maybe"), "{}", errors[3].message);
        assert_eq!(errors[0].to_string(), format!("line 3: {}", errors[0].message));
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let mut file = b"table,title\n1,ok\n2,caf".to_vec();
        file.extend_from_slice(&[0xE9, b'\n']);
        let errors = parse_ideas_csv(&file, &fresh(), Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.contains("UTF-8"), "{}", errors[0].message);
    }

    #[test]
    fn unknown_duplicate_and_missing_columns_are_refused() {
        let errors = parse_ideas_csv(b"table,title,notes,budget\n1,x,y,z\n", &fresh(), Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].message.contains("\"notes\", \"budget\""), "{}", errors[0].message);

        let errors = parse_ideas_csv(b"table,meja,author\n1,2,x\n", &fresh(), Lang::En).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("twice")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("title") && m.contains("missing")), "{messages:?}");
    }

    #[test]
    fn extra_cells_in_a_row_are_an_error_but_empty_trailing_cells_are_not() {
        let ok = parse_ideas_csv(b"table,title\n1,x,,\n", &fresh(), Lang::En).unwrap();
        assert_eq!(ok.len(), 1);
        let errors = parse_ideas_csv(b"table,title\n1,Antrean, online\n", &fresh(), Lang::En).unwrap_err();
        assert_eq!((errors.len(), errors[0].line), (1, 2));
    }

    #[test]
    fn empty_files_and_header_only_files() {
        assert_eq!(parse_ideas_csv(b"", &fresh(), Lang::En).unwrap_err()[0].line, 1);
        assert!(parse_ideas_csv(b"table,title\n", &fresh(), Lang::En).unwrap().is_empty());
    }

    #[test]
    fn imported_text_is_cleaned_and_the_dry_run_is_inert() {
        let s = fresh();
        let file = "table,title,author\n1,\"\x1b[2JSIP\tonline\",\"Bu\x07di\"\n";
        let ideas = parse_ideas_csv(file.as_bytes(), &s, Lang::En).unwrap();
        assert_eq!(ideas[0].idea.title, "SIP online");
        assert_eq!(ideas[0].idea.author.as_deref(), Some("Budi"));
        let mut hostile = ideas.clone();
        hostile[0].idea.title = "\x1b]0;pwned\x07".into();
        let shown = describe(&hostile, &s, Lang::En);
        assert_eq!(shown, "line 2: Meja 1 · \n", "the whole sequence is removed");
        assert_eq!(describe(&ideas, &s, Lang::Id), "baris 2: Meja 1 · SIP online\n");
    }

    #[test]
    fn imported_ideas_add_to_the_session() {
        let mut s = fresh();
        let ideas = parse_ideas_csv(b"meja,judul,opd\n2,Satu,Dinas A\n3,Dua,\n", &s, Lang::En).unwrap();
        for imported in ideas {
            s.add_idea(imported.idea, s.created_at).unwrap();
        }
        assert_eq!(s.live_idea_count(), 2);
        assert_eq!(s.idea(1).unwrap().group, "meja-2");
        assert_eq!(s.idea(2).unwrap().agency, None);
    }
}

#[test]
fn exported_agencies_use_the_sessions_first_spelling() {
    let mut s = session();
    let now = s.created_at;
    s.add_idea(
        NewIdea {
            group: "meja-4".into(),
            title: "Posyandu keliling".into(),
            agency: Some("DINAS KESEHATAN".into()),
            block: Some("d2-curah-ide".into()),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let (headers, rows) = read_csv(&export(&s, ExportFormat::Csv, false));
    assert_eq!(field(&headers, &rows[3], "agency"), "Dinas Kesehatan");
    let value: serde_json::Value = serde_json::from_slice(&export(&s, ExportFormat::Json, false)).unwrap();
    assert_eq!(value["by_agency"][0], serde_json::json!({"agency": "Dinas Kesehatan", "ideas": 2, "flagship": 1}));
}
