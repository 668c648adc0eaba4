//! The HTML report in a real browser: Debian's Chromium, headless, through ChromeDriver's WebDriver
//! (`common/webdriver.rs`), opens the report `innolab report` wrote for a lab with hostile titles, a hostile
//! table and agency name, and 60 ideas, from a file:// URL. In the rendered DOM: no script, image or frame
//! element, every hostile text verbatim as text (the ideas table, an SVG label and its title), nothing
//! fetched, no console error. Then the page as a PNG screenshot and printed to an A4 PDF of several pages.
//! Both languages. Fails (never skips) without Chromium and ChromeDriver; `INNOLAB_KEEP_RENDERS=DIR` keeps
//! the PNG and PDF files to look at.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use common::webdriver::Browser;
use common::*;
use serde_json::{Value, json};

/// The DOM facts the test checks, gathered in one script.
const FACTS: &str = r#"
const texts = sel => Array.from(document.querySelectorAll(sel)).map(e => e.textContent);
return {
  lang: document.documentElement.lang,
  active: document.querySelectorAll('script, img, iframe, object, embed, link[rel=stylesheet]').length,
  svgs: document.querySelectorAll('svg').length,
  csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || '',
  titles: texts('table.ideas td.title strong'),
  labels: texts('svg text.label'),
  tips: texts('svg g.row > title'),
  tiles: texts('.oaoi .name'),
  resources: performance.getEntriesByType('resource').length,
  body: document.body.innerText,
};"#;

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

/// Pages of a PDF as Chromium writes it (one `/Type /Page` object each; the tree is `/Type /Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page").filter(|(at, m)| !text[at + m.len()..].starts_with('s')).count()
}

fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("INNOLAB_KEEP_RENDERS") {
        fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
}

#[test]
fn the_report_renders_hostile_text_as_text_fetches_nothing_and_prints_to_a4() {
    let dir = tempfile::tempdir().unwrap();
    innolab::store::save(&dir.path().join("lab.json"), &report_lab(60)).unwrap();
    let browser = Browser::start(1100, 1400);
    for lang in ["en", "id"] {
        let file = format!("report-{lang}.html");
        let out = run(dir.path(), &["--lang", lang, "report", "lab.json", "-o", &file]);
        assert!(out.status.success(), "{}", stderr(&out));
        let url = format!("file://{}", dir.path().join(&file).display());
        browser.open(&url);
        // An alert opened by any hostile text would make this command fail ("unexpected alert open").
        let facts = browser.script(FACTS, json!([]));
        assert_eq!(facts["lang"], lang);
        assert_eq!(facts["active"], 0, "no script, image, frame or stylesheet link");
        assert!(facts["svgs"].as_u64().unwrap() >= 5, "the charts are inline SVG");
        assert!(facts["csp"].as_str().unwrap().contains("default-src 'none'"), "{}", facts["csp"]);
        let titles = strings(&facts["titles"]);
        for hostile in HOSTILE_TITLES {
            assert!(titles.iter().any(|t| t == hostile), "{hostile:?} verbatim in the ideas table: {titles:?}");
        }
        let (labels, tips, tiles) = (strings(&facts["labels"]), strings(&facts["tips"]), strings(&facts["tiles"]));
        let table = "<svg/onload=alert(1)>";
        let agency = "<b>Dinas</b> & \"Kominfo\"";
        assert!(labels.iter().any(|l| l == table), "the table name as an SVG label: {labels:?}");
        assert!(tips.iter().any(|t| t.starts_with(&format!("{table}: "))), "and in its title: {tips:?}");
        assert!(labels.iter().any(|l| l == agency), "the agency as an SVG label: {labels:?}");
        assert!(tips.iter().any(|t| t.starts_with(&format!("{agency}: "))), "and in its title: {tips:?}");
        assert!(tiles.iter().any(|t| t == agency), "and in the grid: {tiles:?}");
        let body = facts["body"].as_str().unwrap();
        let (oaoi, awards) = if lang == "id" {
            ("Satu OPD Satu Inovasi", "Penghargaan")
        } else {
            ("One Agency One Innovation", "Awards")
        };
        assert!(body.contains(oaoi) && body.contains(awards), "{body}");
        assert_eq!(facts["resources"], 0, "the page fetches nothing");
        let errors: Vec<Value> = browser.console().into_iter().filter(|m| m["level"] == "SEVERE").collect();
        assert!(errors.is_empty(), "console errors: {errors:?}");

        let png = browser.screenshot();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "a PNG of {} bytes", png.len());
        keep(&format!("report-{lang}.png"), &png);
        let pdf = browser.print_a4();
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        assert!(String::from_utf8_lossy(&pdf).trim_end().ends_with("%%EOF"), "a whole PDF");
        let pages = pdf_pages(&pdf);
        assert!(pages > 1, "60 ideas take more than one A4 page: {pages}");
        assert!(String::from_utf8_lossy(&pdf).contains("/MediaBox [0 0 595"), "A4 pages (595 x 842 pt)");
        keep(&format!("report-{lang}.pdf"), &pdf);
        // Printing changes nothing either: still no request, no error.
        assert!(browser.console().into_iter().all(|m| m["level"] != "SEVERE"));
    }
}
