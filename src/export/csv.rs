//! The ideas of one session as CSV: one row per live idea, every field, with table, agency, stage, block and
//! form names beside their ids. A data interchange format, so its headers are stable English snake_case.

use ::csv::WriterBuilder;

use super::{IdeaRow, idea_rows, neutralise_formula};
use crate::i18n::Lang;
use crate::model::Session;
use crate::tally::{form_label, stage_label};

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

/// The CSV bytes: a header row of [`COLUMNS`], then one row per live idea in capture order. With `excel`,
/// the file starts with [`BOM`]. Every cell that a spreadsheet would run as a formula is neutralised; no other
/// text is changed (multi-line details stay multi-line, quoted).
pub fn ideas_csv(session: &Session, lang: Lang, excel: bool) -> Result<Vec<u8>, ::csv::Error> {
    let mut bytes = Vec::new();
    if excel {
        bytes.extend_from_slice(BOM);
    }
    let mut writer = WriterBuilder::new().from_writer(bytes);
    writer.write_record(COLUMNS)?;
    for row in idea_rows(session) {
        for cell in cells(&row, lang) {
            writer.write_field(neutralise_formula(&cell).as_bytes())?;
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.into_inner().map_err(|e| ::csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate};

    use crate::model::{NewIdea, Plan};

    #[test]
    fn header_row_is_stable_and_rows_have_every_column() {
        let plan = Plan::builtin(NaiveDate::from_ymd_opt(2022, 11, 2).unwrap());
        let now = DateTime::parse_from_rfc3339("2022-11-03T10:00:00+07:00").unwrap();
        let mut session = Session::new(plan, now);
        session.add_idea(NewIdea { group: "meja-1".into(), title: "SIP".into(), ..Default::default() }, now);
        let bytes = ideas_csv(&session, Lang::En, false).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), COLUMNS.join(","));
        assert_eq!(lines.next().unwrap().split(',').count(), 19);
    }
}
