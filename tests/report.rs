//! `innolab report`: the HTML report of a fixed lab as a golden snapshot in both languages (so any change to
//! what the organisers print is seen in review), the escaping of hostile text in the bytes, and the command
//! line: one file, several, `--lang`, `-o`, a file that does not load. `tests/report_browser.rs` renders it.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use common::*;
use innolab::export::html::{ReportSession, report};
use innolab::i18n::Lang;

#[test]
fn the_report_of_a_fixed_lab_in_both_languages() {
    let session = report_lab(14);
    for (lang, name) in [(Lang::En, "report_html_en"), (Lang::Id, "report_html_id")] {
        let html = report(&[ReportSession { name: "lab.json", session: &session }], lang);
        insta::assert_snapshot!(name, html);
    }
}

/// Every hostile title and the hostile agency appear only escaped; the only elements are innolab's own.
#[test]
fn hostile_text_is_escaped_everywhere_it_appears() {
    let session = report_lab(14);
    let html = report(&[ReportSession { name: "<i>lab</i>.json", session: &session }], Lang::En);
    for tag in ["<script", "<img", "<svg onload", "<b>", "<i>"] {
        assert!(!html.contains(tag), "{tag} in the report");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;svg onload=alert(1)&gt;"));
    assert!(html.contains("Bank sampah &amp;amp; kompos"), "a literal entity stays literal");
    assert!(html.contains("Layanan &#39;satu pintu&#39; &quot;cepat&quot;"));
    // The agency with markup is a chart label (SVG text and title) and a tile of the grid.
    let agency = "&lt;b&gt;Dinas&lt;/b&gt; &amp; &quot;Kominfo&quot;";
    assert!(html.contains(&format!("class=\"label\">{agency}</text>")), "in an SVG label");
    assert!(html.contains(&format!("<title>{agency}: ")), "in an SVG title");
    assert!(html.contains(&format!("<span class=\"name\">{agency}</span>")), "in the grid");
    assert!(html.contains("&lt;i&gt;lab&lt;/i&gt;.json"), "the file name too");
    // Self-contained: nothing refers outside the page.
    for external in [" src=\"", "href=\"http", "url(", "@import", "<link rel=\"stylesheet"] {
        assert!(!html.contains(external), "{external} in the report");
    }
}

#[test]
fn several_sessions_report_each_then_the_whole() {
    let (a, mut b) = (report_lab(10), report_lab(4));
    b.plan.title = "Lab Inovasi Kesehatan".into();
    let html = report(
        &[ReportSession { name: "a.json", session: &a }, ReportSession { name: "b.json", session: &b }],
        Lang::En,
    );
    assert_eq!(html.matches("<section class=\"lab\">").count(), 2);
    assert_eq!(html.matches("<section class=\"whole\">").count(), 1);
    let whole = &html[html.find("<section class=\"whole\">").unwrap()..];
    assert!(whole.contains("All sessions together") && whole.contains("Per table (session · table)"));
    // 9 live ideas of a (one is deleted) and 4 of b, added up by the tally.
    assert!(whole.contains("<strong>13</strong><span>ideas of the target 100 (13%)</span>"), "{whole}");
    assert!(!whole.contains("Ideas by table"), "the ideas are listed per session only");
    assert!(html.contains("<h1>Report of 2 sessions</h1>"));
}

fn write_lab(dir: &Path, name: &str, ideas: usize) {
    innolab::store::save(&dir.join(name), &report_lab(ideas)).unwrap();
}

#[test]
fn the_command_writes_one_session_beside_its_exports() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sessions")).unwrap();
    write_lab(&dir.path().join("sessions"), "lab.json", 6);
    let out = run(dir.path(), &["report", "sessions/lab.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sessions/exports/lab-report.html\n");
    let html = fs::read_to_string(dir.path().join("sessions/exports/lab-report.html")).unwrap();
    assert!(html.starts_with("<!doctype html><!-- innolab report -->\n<html lang=\"en\">"));
    // Again: an earlier report is replaced, not refused.
    let again = run(dir.path(), &["--lang", "id", "report", "sessions/lab.json"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let html = fs::read_to_string(dir.path().join("sessions/exports/lab-report.html")).unwrap();
    assert!(html.contains("<html lang=\"id\">") && html.contains("Satu OPD Satu Inovasi"));
    // By its name in the sessions folder, like the other commands.
    let by_name = run(dir.path(), &["report", "lab", "-o", "by-name.html"]);
    assert!(by_name.status.success(), "{}", stderr(&by_name));
    assert!(dir.path().join("by-name.html").exists());
}

#[test]
fn the_command_reports_several_sessions_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("labs")).unwrap();
    write_lab(&dir.path().join("labs"), "a.json", 5);
    write_lab(&dir.path().join("labs"), "b.json", 3);
    let out = run(dir.path(), &["report", "labs/a.json", "labs/b.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "report.html\n");
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(html.matches("<section class=\"lab\">").count(), 2);
    // A folder, one file named twice: each session once, and stderr says so.
    let out = run(dir.path(), &["report", "labs", "labs/a.json", "-o", "out/year.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "out/year.html\n");
    assert!(stderr(&out).contains("named more than once") || stderr(&out).contains("1 file"), "{}", stderr(&out));
    let html = fs::read_to_string(dir.path().join("out/year.html")).unwrap();
    assert_eq!(html.matches("<section class=\"lab\">").count(), 2);
}

#[test]
fn a_file_that_does_not_load_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write_lab(dir.path(), "good.json", 3);
    fs::write(dir.path().join("broken.json"), "{\"schema_version\": 3,").unwrap();
    let out = run(dir.path(), &["report", "good.json", "broken.json", "-o", "r.html"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.starts_with("innolab: broken.json: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(stdout(&out).is_empty());
    assert!(!dir.path().join("r.html").exists(), "nothing written");
    // Without -o, the default folder is not even created.
    let out = run(dir.path(), &["report", "broken.json"]);
    assert!(!out.status.success());
    assert!(!dir.path().join("exports").exists());
    // A report never goes over a session or someone else's file.
    let before = fs::read(dir.path().join("good.json")).unwrap();
    let out = run(dir.path(), &["report", "good.json", "-o", "good.json"]);
    assert!(!out.status.success());
    assert_eq!(fs::read(dir.path().join("good.json")).unwrap(), before);
    fs::write(dir.path().join("notes.html"), "<p>mine</p>").unwrap();
    let out = run(dir.path(), &["report", "good.json", "-o", "notes.html"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert_eq!(fs::read_to_string(dir.path().join("notes.html")).unwrap(), "<p>mine</p>");
    // A folder with no session in it.
    fs::create_dir(dir.path().join("empty")).unwrap();
    let out = run(dir.path(), &["report", "empty"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no session file to report on"), "{}", stderr(&out));
}
