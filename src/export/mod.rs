//! Exports of one session as files the organisers open in the tools they already use: the ideas as CSV, the
//! markdown report, an Excel workbook and the tally JSON. Writers return bytes; the caller writes them to disk.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod xlsx;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_i18n::t;

use crate::i18n::Lang;
use crate::model::{Block, Idea, Session};
use crate::tally::{Caseless, SessionIndex};

/// The file formats of `innolab export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ExportFormat {
    /// One row per idea, every field (for spreadsheets and scripts)
    Csv,
    /// The report (laporan): totals, tallies, One Agency One Innovation, awards, every idea
    Md,
    /// The tally of this session as JSON
    Json,
    /// An Excel workbook: ideas, per table, per agency, One Agency One Innovation, awards
    Xlsx,
}

impl ExportFormat {
    /// The file name ending: the JSON tally is `.tally.json` so it is never taken for a session file.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Md => "md",
            ExportFormat::Json => "tally.json",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// Why an export could not be produced. Nothing is written when this happens.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}", t!("export.csv", error = .0))]
    Csv(#[from] ::csv::Error),
    #[error("{}", t!("export.xlsx", error = .0))]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("{}", t!("export.json", error = .0))]
    Json(#[from] serde_json::Error),
}

/// The bytes of `session` (reported as file `name`) in `format`. `excel` only matters for CSV: it starts the
/// file with a UTF-8 byte-order mark, without which spreadsheet apps misread any non-ASCII text ("–", "é", "数").
pub fn write_export(
    session: &Session,
    name: &str,
    format: ExportFormat,
    lang: Lang,
    excel: bool,
) -> Result<Vec<u8>, ExportError> {
    match format {
        ExportFormat::Csv => Ok(csv::ideas_csv(session, lang, excel)?),
        ExportFormat::Md => Ok(markdown::report(session, name, lang).into_bytes()),
        ExportFormat::Json => Ok(json::tally_json(session, name)?),
        ExportFormat::Xlsx => Ok(xlsx::workbook(session, name, lang)?),
    }
}

/// Where an export goes without `-o`: next to the session file, with the format's ending
/// ("sessions/lab.json" → "sessions/lab.csv", "sessions/lab.tally.json"). Folder scans skip `*.tally.json`, so
/// the JSON tally is never taken for a session.
pub fn default_file_name(session_path: &Path, format: ExportFormat) -> PathBuf {
    let stem = session_path.file_stem().map(|s| s.to_string_lossy().into_owned()).filter(|s| !s.is_empty());
    let name = format!("{}.{}", stem.as_deref().unwrap_or("session"), format.extension());
    match session_path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
        _ => PathBuf::from(name),
    }
}

/// Makes a cell that a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) plain text by putting a `'` in front; any other text is returned as it is. Idea titles
/// come from the room and from imported files, so "=HYPERLINK(…)" must never become a live formula.
pub fn neutralise_formula(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// One live idea with the names it refers to, as every export shows it.
pub(crate) struct IdeaRow<'a> {
    pub idea: &'a Idea,
    /// The table's position in the room, None when the session has no such table.
    pub group: Option<usize>,
    /// The table's name (its id when the session has no such table).
    pub table: &'a str,
    /// The idea's own agency, else its author's (see `SessionIndex::agency_of`).
    pub agency: Option<&'a str>,
    pub block: Option<&'a Block>,
    /// 1-based day of the plan.
    pub day: Option<usize>,
    pub date: Option<NaiveDate>,
}

/// The live ideas of `session` in file order (the order they were captured). An agency is given as it was
/// first spelled in the session (the roster first, then the ideas), as the tally counts it, so that pivoting
/// the exported ideas by agency gives the tally's numbers even when someone typed "dinas kesehatan".
pub(crate) fn idea_rows(session: &Session) -> Vec<IdeaRow<'_>> {
    let index = SessionIndex::new(session);
    let mut spelling: HashMap<Caseless<'_>, &str> = HashMap::new();
    for member in session.groups.iter().flat_map(|g| &g.members) {
        if let Some(agency) = member.agency.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            spelling.entry(Caseless(agency)).or_insert(agency);
        }
    }
    session
        .live_ideas()
        .map(|idea| {
            let group = index.group_index(&idea.group);
            let at = index.block(&idea.block);
            let agency = index.agency_of(idea, group).map(|a| *spelling.entry(Caseless(a)).or_insert(a));
            IdeaRow {
                idea,
                group,
                table: group.map_or(idea.group.as_str(), |g| session.groups[g].name.as_str()),
                agency,
                block: at.map(|a| a.block),
                day: at.map(|a| a.day + 1),
                date: at.map(|a| a.date),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for hostile in ["=1+1", "+62 812", "-5%", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise_formula(hostile), format!("'{hostile}"));
        }
        for plain in ["SIP online", "", "1+1", " =x", "'quoted", "ÉLAN"] {
            assert!(matches!(neutralise_formula(plain), Cow::Borrowed(t) if t == plain));
        }
    }

    #[test]
    fn default_names_sit_next_to_the_session() {
        let session = Path::new("sessions/2022-11-02-lab.json");
        assert_eq!(default_file_name(session, ExportFormat::Csv), PathBuf::from("sessions/2022-11-02-lab.csv"));
        assert_eq!(default_file_name(session, ExportFormat::Md), PathBuf::from("sessions/2022-11-02-lab.md"));
        assert_eq!(default_file_name(session, ExportFormat::Xlsx), PathBuf::from("sessions/2022-11-02-lab.xlsx"));
        assert_eq!(default_file_name(session, ExportFormat::Json), PathBuf::from("sessions/2022-11-02-lab.tally.json"));
        assert_eq!(default_file_name(Path::new("lab.json"), ExportFormat::Md), PathBuf::from("lab.md"));
        assert_eq!(default_file_name(Path::new(""), ExportFormat::Csv), PathBuf::from("session.csv"));
    }
}
