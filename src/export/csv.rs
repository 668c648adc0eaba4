//! The ideas of one session as CSV: one row per live idea, every field, with table, agency, stage, block and
//! form names beside their ids. A data interchange format, so its headers are stable English snake_case.

use ::csv::{QuoteStyle, Terminator, Writer, WriterBuilder};

use super::{IdeaRow, idea_rows, neutralise_formula};
use crate::i18n::Lang;
use crate::i18n::{form_label, stage_label};
use crate::model::Session;
use crate::model::text::strip_sequences;

/// The columns, in order. Keys (`stage`, `form`, ids) are stable English; the `*_name` columns and `table`,
/// `block` carry the names people read, in the export's language. `day` is the 1-based day of the plan,
/// `date` is `YYYY-MM-DD`, `form` is empty until someone classifies the idea, `digital` and `flagship` are
/// `true`/`false`, and `created_at`/`updated_at` are RFC 3339 with the lab's UTC offset. `agency` is the
/// idea's own agency, else the agency of its author on the roster (the same rule the tally counts by), in the
/// spelling the session first used for it, so a pivot by agency matches the tally.
pub const COLUMNS: [&str; 19] = [
    "id",
    "table_id",
    "table",
    "agency",
    "author",
    "title",
    "detail",
    "stage",
    "stage_name",
    "block_id",
    "block",
    "day",
    "date",
    "form",
    "form_name",
    "digital",
    "flagship",
    "created_at",
    "updated_at",
];

/// The UTF-8 byte-order mark spreadsheet apps need to read a CSV file as UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The cells of one idea, in [`COLUMNS`] order, before formula neutralising.
fn cells(row: &IdeaRow<'_>, lang: Lang) -> [String; 19] {
    let idea = row.idea;
    let text = |value: Option<&str>| value.unwrap_or_default().to_string();
    [
        idea.id.to_string(),
        idea.group.clone(),
        row.table.to_string(),
        text(row.agency),
        text(idea.author.as_deref()),
        idea.title.clone(),
        text(idea.detail.as_deref()),
        idea.stage.key().to_string(),
        stage_label(idea.stage, lang),
        idea.block.clone(),
        text(row.block.map(|b| b.title.as_str())),
        row.day.map(|d| d.to_string()).unwrap_or_default(),
        row.date.map(|d| d.to_string()).unwrap_or_default(),
        idea.form.map(|f| f.key().to_string()).unwrap_or_default(),
        if idea.form.is_some() { form_label(idea.form, lang) } else { String::new() },
        idea.digital.to_string(),
        idea.flagship.to_string(),
        idea.created_at.to_rfc3339(),
        idea.updated_at.to_rfc3339(),
    ]
}

/// A CSV writer for files people open in spreadsheets. Every cell that is not a number is quoted, so a `,`
/// or `;` inside it can never split it, whichever separator the spreadsheet app assumes. With `excel`, the
/// layout an Indonesian-locale Excel or LibreOffice opens by double-click: the UTF-8 byte-order mark, `;`
/// between cells (the comma is their decimal mark) and CRLF line ends.
pub fn spreadsheet_writer(excel: bool) -> Writer<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut builder = WriterBuilder::new();
    builder.quote_style(QuoteStyle::NonNumeric);
    if excel {
        bytes.extend_from_slice(BOM);
        builder.delimiter(b';').terminator(Terminator::CRLF);
    }
    builder.from_writer(bytes)
}

/// Writes one row: each cell neutralised against formulas ([`neutralise_formula`]) and quoted unless it is a
/// number, so no cell can start a formula when the file is split on `,` or on `;`. Escape sequences are
/// removed whole first ([`strip_sequences`], line breaks kept): a loaded session holds none, but `cat` of
/// the file must stay harmless whatever a caller passes.
pub fn write_row<'c>(
    writer: &mut Writer<Vec<u8>>,
    cells: impl IntoIterator<Item = &'c str>,
) -> Result<(), ::csv::Error> {
    for cell in cells {
        writer.write_field(neutralise_formula(&strip_sequences(cell)).as_bytes())?;
    }
    writer.write_record(None::<&[u8]>)
}

/// The bytes written so far.
pub fn finish(writer: Writer<Vec<u8>>) -> Result<Vec<u8>, ::csv::Error> {
    writer.into_inner().map_err(|e| ::csv::Error::from(e.into_error()))
}

/// The CSV bytes: a header row of [`COLUMNS`], then one row per live idea in capture order, laid out by
/// [`spreadsheet_writer`]. Every cell that a spreadsheet would run as a formula is neutralised; no other text
/// is changed (multi-line details stay multi-line, quoted).
pub fn ideas_csv(session: &Session, lang: Lang, excel: bool) -> Result<Vec<u8>, ::csv::Error> {
    let mut writer = spreadsheet_writer(excel);
    write_row(&mut writer, COLUMNS)?;
    for row in idea_rows(session) {
        let cells = cells(&row, lang);
        write_row(&mut writer, cells.iter().map(String::as_str))?;
    }
    finish(writer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    use crate::model::NewIdea;

    #[test]
    fn header_row_is_stable_and_rows_have_every_column() {
        let plan = crate::testing::seed_plan();
        let now = DateTime::parse_from_rfc3339("2022-11-03T10:00:00+07:00").unwrap();
        let mut session = Session::new(plan, now);
        session.add_idea(NewIdea { group: "meja-1".into(), title: "SIP".into(), ..Default::default() }, now).unwrap();
        let bytes = ideas_csv(&session, Lang::En, false).unwrap();
        let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
        assert!(reader.headers().unwrap().iter().eq(COLUMNS));
        assert_eq!(reader.records().next().unwrap().unwrap().len(), 19);
    }

    /// The hostile title from the trial lab: split on `,` or on `;` by a quote-aware reader (as Excel and
    /// LibreOffice are), it stays one cell, and no cell starts a formula.
    #[test]
    fn no_cell_can_start_a_formula_under_either_separator() {
        let plan = crate::testing::seed_plan();
        let now = DateTime::parse_from_rfc3339("2022-11-03T10:00:00+07:00").unwrap();
        let mut session = Session::new(plan, now);
        let hostile = "Bank sampah;=1+1;=cmd|' /C calc'!A0;";
        for title in [hostile, "-5% biaya", "@SUM(A1)", "a,=1+1"] {
            let new = NewIdea {
                group: "meja-1".into(),
                title: title.into(),
                author: Some("+62 812".into()),
                ..Default::default()
            };
            session.add_idea(new, now).unwrap();
        }
        for excel in [false, true] {
            let bytes = ideas_csv(&session, Lang::En, excel).unwrap();
            let body = bytes.strip_prefix(BOM).unwrap_or(&bytes);
            assert_eq!(bytes.starts_with(BOM), excel);
            for delimiter in [b',', b';'] {
                let mut reader = ::csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(body);
                for record in reader.records() {
                    for cell in record.unwrap().iter() {
                        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} (excel {excel})");
                    }
                }
            }
            let separator = if excel { b';' } else { b',' };
            let mut reader = ::csv::ReaderBuilder::new().delimiter(separator).from_reader(body);
            let titles: Vec<String> = reader.records().map(|r| r.unwrap()[5].to_string()).collect();
            // One cell each, a `'` before every place a formula could start.
            assert_eq!(titles, ["Bank sampah;'=1+1;'=cmd|' /C calc'!A0;", "'-5% biaya", "'@SUM(A1)", "a,'=1+1"]);
            if excel {
                assert!(body.windows(2).any(|w| w == b"\r\n"), "CRLF line ends for Excel");
            }
        }
    }
}
