//! The file formats innolab writes (`ExportFormat`), named apart from the writers in `export/`: the tally
//! records which export a skipped file was, and counting must not depend on rendering.

use rust_i18n::t;

use crate::i18n::Lang;

/// The file formats of `innolab export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One row per idea, every field (for spreadsheets and scripts)
    Csv,
    /// The report (laporan): totals, tallies, One Agency One Innovation, awards, every idea
    Md,
    /// The tally of this session as JSON
    Json,
    /// An Excel workbook: ideas, per table, per agency, One Agency One Innovation, awards
    Xlsx,
    /// The HTML report of one or more sessions (`innolab report`, not a format of `export`)
    #[value(skip)]
    Html,
    /// The certificates of appreciation, one PDF page per awardee (`innolab certificates`, not `export`).
    #[value(skip)]
    Certificates,
}

impl ExportFormat {
    /// The file name ending: the JSON tally is `.tally.json` so it is never taken for a session file.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Md => "md",
            ExportFormat::Json => "tally.json",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Html => "html",
            ExportFormat::Certificates => "pdf",
        }
    }

    /// What an export of this format is, in words: "an innolab tally (JSON)".
    pub fn described(self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            ExportFormat::Csv => t!("export.kind.csv", locale = l),
            ExportFormat::Md => t!("export.kind.md", locale = l),
            ExportFormat::Json => t!("export.kind.json", locale = l),
            ExportFormat::Xlsx => t!("export.kind.xlsx", locale = l),
            ExportFormat::Html => t!("export.kind.html", locale = l),
            ExportFormat::Certificates => t!("export.kind.certificates", locale = l),
        }
        .into_owned()
    }
}
