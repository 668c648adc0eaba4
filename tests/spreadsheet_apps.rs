//! The CSV export opened by a real spreadsheet app: LibreOffice Calc (headless) converts `innolab export
//! --format csv --excel` as an Indonesian-locale install opens it (`;` between cells, UTF-8, formulas
//! evaluated, the worst case), and as an English-locale one would (`,`). No cell may become a formula, and
//! every title must arrive whole in one cell. `.ci/run` installs LibreOffice; without it this test fails.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use common::*;

const TITLES: [&str; 6] = [
    "Bank sampah;=1+1;=cmd|' /C calc'!A0;",
    "=HYPERLINK(\"http://evil.example\",\"klik\")",
    "-5% biaya perizinan",
    "+62 812 layanan aduan",
    "@SUM(A1:A9)",
    "Antrean, =2+2, puskesmas",
];

/// Converts `csv` to a workbook with LibreOffice, splitting cells on `separator`, evaluating formulas.
fn open_in_calc(dir: &Path, csv: &Path, separator: u8) -> Xlsx<std::io::BufReader<fs::File>> {
    let out_dir = dir.join(format!("calc-{separator}"));
    fs::create_dir_all(&out_dir).unwrap();
    let profile = dir.join(format!("profile-{separator}"));
    // Tokens: separator, text delimiter ("), UTF-8 (76), from line 1, default column formats, en-US, quoted
    // cells not forced to text, special numbers detected, then (13th) evaluate formulas: on.
    let filter = format!("CSV:{separator},34,76,1,,1033,false,true,false,false,false,-1,true");
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--nologo", "--convert-to", "xlsx"])
        .arg(format!("--infilter={filter}"))
        .arg("--outdir")
        .arg(&out_dir)
        .arg(csv)
        .status()
        .expect("LibreOffice (soffice) must be installed: .ci/run installs libreoffice-calc-nogui");
    assert!(status.success(), "soffice failed: {status:?}");
    let stem = csv.file_stem().unwrap().to_string_lossy().into_owned();
    calamine::open_workbook(out_dir.join(format!("{stem}.xlsx"))).unwrap()
}

#[test]
fn libreoffice_opens_the_excel_csv_without_a_single_formula() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    new_session(d);
    for (i, title) in TITLES.iter().enumerate() {
        let table = (i % 6 + 1).to_string();
        // `--title=…`: a value starting with "-" is taken as a value, not an option.
        let title = format!("--title={title}");
        let args = ["idea", "add", "lab.json", "--group", &table, &title, "--author=+Budi;=1"];
        let out =
            run(d, &[&args[..], &["--detail", "Langkah:\n=1+1\n- daftar online", "--block", "d2-curah-ide"]].concat());
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = run(d, &["export", "lab.json", "--format", "csv", "--excel", "-o", "ide.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));

    for separator in [b';', b','] {
        let mut book = open_in_calc(d, &d.join("ide.csv"), separator);
        let sheet = book.sheet_names()[0].clone();
        let formulas = book.worksheet_formula(&sheet).unwrap();
        let live: Vec<String> = formulas.used_cells().filter(|(_, _, f)| !f.is_empty()).map(|c| c.2.clone()).collect();
        assert!(live.is_empty(), "split on {:?}: formula cells {live:?}", char::from(separator));
        let cells = book.worksheet_range(&sheet).unwrap();
        assert!(cells.used_cells().all(|c| !matches!(c.2, Data::Error(_))), "an error cell");
        if separator == b';' {
            // As an Indonesian-locale Calc opens it: the columns of the export, one title per cell.
            assert_eq!(cells.get((0, 5)), Some(&Data::String("title".into())));
            let titles: Vec<String> = (1..=TITLES.len()).map(|r| cells.get((r, 5)).unwrap().to_string()).collect();
            assert_eq!(
                titles,
                [
                    "Bank sampah;'=1+1;'=cmd|' /C calc'!A0;",
                    "'=HYPERLINK(\"http://evil.example\",\"klik\")",
                    "'-5% biaya perizinan",
                    "'+62 812 layanan aduan",
                    "'@SUM(A1:A9)",
                    "Antrean, '=2+2, puskesmas",
                ]
            );
            assert_eq!(cells.get((1, 4)).unwrap().to_string(), "'+Budi;'=1");
        }
    }
}
