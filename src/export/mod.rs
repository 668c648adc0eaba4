//! Exports of sessions as files the organisers open in the tools they already use: the ideas as CSV, the
//! markdown report, an Excel workbook, the tally JSON, the certificates (PDF) and the HTML report of one or
//! more sessions (`html/`). Writers return bytes; the caller writes them to disk.

pub mod certificates;
pub mod csv;
pub mod html;
pub mod identify;
pub mod json;
pub mod markdown;
pub mod tally;
pub mod votes;
pub mod xlsx;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_i18n::t;

use crate::i18n::Lang;
use crate::model::{Block, Idea, Session};
use crate::tally::{Caseless, SessionIndex};

/// Why an export could not be produced. Nothing is written when this happens.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}", t!("export.csv", error = .0))]
    Csv(#[from] ::csv::Error),
    #[error("{}", t!("export.xlsx", error = .0))]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("{}", t!("export.json", error = .0))]
    Json(#[from] serde_json::Error),
    #[error("{}", t!("export.pdf", error = .0))]
    Pdf(String),
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
        ExportFormat::Html => Ok(html::report(&[html::ReportSession { name, session }], lang).into_bytes()),
        ExportFormat::Certificates => certificates::session_pdf(session, lang),
    }
}

pub use crate::formats::ExportFormat;
pub use identify::{Identified, identify};
pub use tally::{CSV_COLUMNS, to_csv, to_markdown, to_text};

/// The folder exports go to without `-o`, beside the sessions: `sessions/exports/`. A folder of their own,
/// so that `innolab validate sessions/*.json` and a tally of `sessions/` only ever meet sessions.
pub const EXPORTS_DIR: &str = "exports";

/// Where an export goes without `-o`: the exports folder beside the session file, with the format's ending
/// ("sessions/lab.json" → "sessions/exports/lab.csv", "sessions/exports/lab.tally.json"); the certificates
/// say what they are first ("sessions/exports/certificates-lab.pdf").
pub fn default_file_name(session_path: &Path, format: ExportFormat) -> PathBuf {
    let stem = session_path.file_stem().map(|s| s.to_string_lossy().into_owned()).filter(|s| !s.is_empty());
    let stem = stem.as_deref().unwrap_or("session");
    let name = match format {
        ExportFormat::Certificates => format!("certificates-{stem}.{}", format.extension()),
        _ => format!("{stem}.{}", format.extension()),
    };
    match session_path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(EXPORTS_DIR).join(name),
        _ => Path::new(EXPORTS_DIR).join(name),
    }
}

/// Makes CSV text that a spreadsheet would run as a formula plain text: a `'` goes before a formula start
/// (`=`, `+`, `-`, `@`, a tab or a carriage return) at the beginning, and after every `,`, `;` or line break
/// (and any spaces), since a reader that splits the file on the other separator, or does not honour the
/// quotes, would start a cell there. Any other text is returned as it is. Idea titles come from the room and from imported
/// files, so "=HYPERLINK(…)" and "Bank sampah;=1+1" must never become live formulas.
pub fn neutralise_formula(text: &str) -> Cow<'_, str> {
    let starts_formula = |b: u8| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r');
    let bytes = text.as_bytes();
    // Where a cell could start: the beginning, and after each separator and the spaces that follow it.
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b',' | b';' | b'\n' | b'\r') {
            let next = bytes[i + 1..].iter().position(|&c| c != b' ').map_or(bytes.len(), |p| i + 1 + p);
            starts.push(next);
        }
    }
    starts.retain(|&at| bytes.get(at).copied().is_some_and(starts_formula));
    if starts.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + starts.len());
    let mut from = 0;
    for at in starts {
        // Every position is just before an ASCII byte, so on a character boundary.
        out.push_str(&text[from..at]);
        out.push('\'');
        from = at;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
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
        for plain in ["SIP online", "", "1+1", " =x", "'quoted", "ÉLAN", "a, b; c", "Rp 5.000,00"] {
            assert!(matches!(neutralise_formula(plain), Cow::Borrowed(t) if t == plain));
        }
        assert_eq!(
            neutralise_formula("Bank sampah;=1+1;=cmd|' /C calc'!A0;"),
            "Bank sampah;'=1+1;'=cmd|' /C calc'!A0;"
        );
        assert_eq!(neutralise_formula("=a,  -5%;@x"), "'=a,  '-5%;'@x");
        assert_eq!(neutralise_formula("é,\tx"), "é,'\tx");
        assert_eq!(neutralise_formula("'\r@SUM(A1)\n=1"), "'\r'@SUM(A1)\n'=1");
        assert_eq!(neutralise_formula("two\nlines"), "two\nlines");
    }

    #[test]
    fn default_names_sit_in_the_exports_folder_beside_the_session() {
        let session = Path::new("sessions/2022-11-02-lab.json");
        let at = |format| default_file_name(session, format);
        assert_eq!(at(ExportFormat::Csv), PathBuf::from("sessions/exports/2022-11-02-lab.csv"));
        assert_eq!(at(ExportFormat::Md), PathBuf::from("sessions/exports/2022-11-02-lab.md"));
        assert_eq!(at(ExportFormat::Xlsx), PathBuf::from("sessions/exports/2022-11-02-lab.xlsx"));
        assert_eq!(at(ExportFormat::Json), PathBuf::from("sessions/exports/2022-11-02-lab.tally.json"));
        assert_eq!(at(ExportFormat::Certificates), PathBuf::from("sessions/exports/certificates-2022-11-02-lab.pdf"));
        assert_eq!(default_file_name(Path::new("lab.json"), ExportFormat::Md), PathBuf::from("exports/lab.md"));
        assert_eq!(default_file_name(Path::new(""), ExportFormat::Csv), PathBuf::from("exports/session.csv"));
    }
}
