//! The session as an Excel workbook: the ideas with typed cells, and the tallies the organisers paste into
//! the official report (per table, per agency, One Agency One Innovation, awards, a summary).

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate, Timelike};
use rust_i18n::t;
use rust_xlsxwriter::{ColNum, DocProperties, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::idea_rows;
use super::identify::XLSX_MARKER;
use crate::i18n::Lang;
use crate::i18n::{form_label, stage_label};
use crate::model::text::strip_sequences;
use crate::model::{Session, Stage, Timestamp};
use crate::tally::{FormCounts, SessionRef, Tally, readiness, status_label};

/// The sheets, in order, by their locale keys: what is still open first, then the ideas and the tallies.
const SHEETS: [&str; 7] = [
    "xlsx.sheet.readiness",
    "xlsx.sheet.ideas",
    "xlsx.sheet.per_table",
    "xlsx.sheet.per_agency",
    "xlsx.sheet.oaoi",
    "xlsx.sheet.awards",
    "xlsx.sheet.summary",
];

/// The sheet names in `lang`, in order.
pub fn sheet_names(lang: Lang) -> Vec<String> {
    SHEETS.iter().map(|key| t!(*key, locale = lang.code()).into_owned()).collect()
}

/// The most UTF-16 units Excel keeps in one cell; longer text is cut and ends with "…".
pub const MAX_CELL_UNITS: usize = 32_767;

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
}

/// The workbook's bytes, every sheet name and header in `lang`. Typed cells: ids, days and counts are
/// numbers; `digital` and `flagship` are booleans (TRUE/FALSE, so a filter works); `date` is an Excel date and
/// `created_at`/`updated_at` Excel date-times in the lab's local time (Excel has no time zones; the CSV keeps
/// the offset). The Ideas sheet has the CSV's columns. Header rows are bold and frozen, columns sized. Text is
/// written as string cells, which a spreadsheet never runs as a formula, so it is stored exactly as typed
/// ("=1+1", "-5% biaya"). The document carries innolab's property, so a later export knows it may replace it.
pub fn workbook(session: &Session, name: &str, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let tally = Tally::of(&[SessionRef::new(name, session)]);
    let formats = Formats {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
    };
    let mut book = Workbook::new();
    let (key, value) = XLSX_MARKER;
    book.set_properties(&DocProperties::new().set_title(&session.plan.title).set_custom_property(key, value));
    let names = sheet_names(lang);
    readiness_sheet(book.add_worksheet().set_name(&names[0])?, &tally, lang, &formats)?;
    ideas_sheet(book.add_worksheet().set_name(&names[1])?, session, lang, &formats)?;
    per_table_sheet(book.add_worksheet().set_name(&names[2])?, &tally, lang, &formats)?;
    per_agency_sheet(book.add_worksheet().set_name(&names[3])?, &tally, lang, &formats)?;
    oaoi_sheet(book.add_worksheet().set_name(&names[4])?, &tally, lang, &formats)?;
    awards_sheet(book.add_worksheet().set_name(&names[5])?, &tally, lang, &formats)?;
    summary_sheet(book.add_worksheet().set_name(&names[6])?, &tally, lang, &formats)?;
    if !tally.votes.is_empty() {
        let name = t!("report.votes", locale = lang.code()).into_owned();
        votes_sheet(book.add_worksheet().set_name(&name)?, &tally, lang, &formats)?;
    }
    book.save_to_buffer()
}

/// Votes (only when there were any): one row per idea of each vote, its vote's question, method, ballots,
/// hands and state beside it, then the idea's rank (ties share it), id, title and votes.
fn votes_sheet(sheet: &mut Worksheet, tally: &Tally, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let l = lang.code();
    let keys = ["question", "method", "ballots", "hands", "state", "rank", "idea", "title", "votes"];
    let names: Vec<String> = keys
        .iter()
        .map(|k| {
            let key = format!("xlsx.vote.{k}");
            t!(&key, locale = l).into_owned()
        })
        .collect();
    header(sheet, &names, f)?;
    let mut i = 0;
    for vote in &tally.votes {
        let state = if vote.open { t!("vote.status.open", locale = l) } else { t!("vote.status.closed", locale = l) };
        for result in &vote.results {
            i += 1;
            let row = row_number(i)?;
            text(sheet, row, 0, &vote.question)?;
            text(sheet, row, 1, &vote.method.text(lang))?;
            number(sheet, row, 2, vote.ballots)?;
            number(sheet, row, 3, usize::try_from(vote.hands).unwrap_or(usize::MAX))?;
            text(sheet, row, 4, &state)?;
            number(sheet, row, 5, result.rank)?;
            number(sheet, row, 6, usize::try_from(result.idea).unwrap_or(usize::MAX))?;
            text(sheet, row, 7, &result.title)?;
            number(sheet, row, 8, usize::try_from(result.votes).unwrap_or(usize::MAX))?;
        }
    }
    size_columns(sheet);
    Ok(())
}

fn row_number(index: usize) -> Result<RowNum, XlsxError> {
    RowNum::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Text as it goes into a cell: as typed, cut to what Excel can hold.
fn cell_text(text: &str) -> Cow<'_, str> {
    // A UTF-8 byte count is never below the UTF-16 unit count, so short text needs no counting.
    if text.len() <= MAX_CELL_UNITS {
        return Cow::Borrowed(text);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > MAX_CELL_UNITS - 1 {
            break;
        }
        units += c.len_utf16();
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// Writes text as a string cell (never a formula); empty text leaves the cell blank. Escape sequences are
/// removed whole ([`strip_sequences`], line breaks kept), a second guard after the loaded session's own.
fn text(sheet: &mut Worksheet, row: RowNum, col: ColNum, value: &str) -> Result<(), XlsxError> {
    let value = strip_sequences(value);
    if !value.is_empty() {
        sheet.write_string(row, col, cell_text(&value))?;
    }
    Ok(())
}

fn number(sheet: &mut Worksheet, row: RowNum, col: ColNum, value: usize) -> Result<(), XlsxError> {
    // Counts and ids stay far below 2^53, where f64 is exact.
    sheet.write_number(row, col, value as f64)?;
    Ok(())
}

fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(u16::try_from(date.year()).ok()?, month, day).ok()
}

fn excel_datetime(moment: &Timestamp) -> Option<ExcelDateTime> {
    let local = moment.naive_local();
    let hour = u16::try_from(local.hour()).ok()?;
    let minute = u8::try_from(local.minute()).ok()?;
    excel_date(local.date())?.and_hms(hour, minute, local.second()).ok()
}

/// A date cell; a date Excel cannot show (before 1900) is written as text instead of failing the export.
fn date(sheet: &mut Worksheet, row: RowNum, col: ColNum, value: NaiveDate, f: &Formats) -> Result<(), XlsxError> {
    match excel_date(value) {
        Some(d) => sheet.write_datetime_with_format(row, col, d, &f.date)?,
        None => sheet.write_string(row, col, value.to_string())?,
    };
    Ok(())
}

fn datetime(sheet: &mut Worksheet, row: RowNum, col: ColNum, value: &Timestamp, f: &Formats) -> Result<(), XlsxError> {
    match excel_datetime(value) {
        Some(d) => sheet.write_datetime_with_format(row, col, d, &f.datetime)?,
        None => sheet.write_string(row, col, value.to_rfc3339())?,
    };
    Ok(())
}

/// Bold header row, frozen so it stays in view while scrolling.
fn header<S: AsRef<str>>(sheet: &mut Worksheet, names: &[S], f: &Formats) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        let col = ColNum::try_from(col).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.write_string_with_format(0, col, name.as_ref(), &f.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Sizes the columns to their content, long text capped so one detail does not make a screen-wide column.
fn size_columns(sheet: &mut Worksheet) {
    sheet.set_autofit_max_width(400).set_autofit_max_row(1000).autofit();
}

fn label(key: &str, lang: Lang) -> String {
    let l = lang.code();
    match key {
        "table" => t!("report.col.table", locale = l),
        "agency" => t!("report.col.agency", locale = l),
        "ideas" => t!("report.col.ideas", locale = l),
        "flagship" => t!("report.col.flagship", locale = l),
        "status" => t!("report.col.status", locale = l),
        "name" => t!("report.col.name", locale = l),
        "section" => t!("report.col.section", locale = l),
        "target" => t!("report.col.target", locale = l),
        "digital" => t!("report.digital_marker", locale = l),
        "total" => t!("report.total", locale = l),
        "per_stage" => t!("report.per_stage", locale = l),
        "per_day" => t!("report.per_day", locale = l),
        "per_form" => t!("report.per_form", locale = l),
        _ => t!("report.no_agency", locale = l),
    }
    .into_owned()
}

fn labels(keys: &[&str], lang: Lang) -> Vec<String> {
    keys.iter().map(|k| label(k, lang)).collect()
}

/// The readiness check: one row per open item (its words, the idea's id, the agency), or one row saying
/// nothing is open.
fn readiness_sheet(sheet: &mut Worksheet, tally: &Tally, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let l = lang.code();
    let names =
        [t!("xlsx.col.open_item", locale = l), t!("xlsx.col.idea", locale = l), t!("report.col.agency", locale = l)];
    header(sheet, &names, f)?;
    if tally.readiness.is_empty() {
        text(sheet, 1, 0, &readiness::headline(0, lang))?;
    }
    for (i, item) in tally.readiness.iter().enumerate() {
        let row = row_number(i + 1)?;
        text(sheet, row, 0, &item.finding.sentence(lang))?;
        if let Some(id) = item.finding.idea() {
            number(sheet, row, 1, usize::try_from(id).unwrap_or(usize::MAX))?;
        }
        text(sheet, row, 2, item.finding.agency().unwrap_or_default())?;
    }
    size_columns(sheet);
    Ok(())
}

fn ideas_sheet(sheet: &mut Worksheet, session: &Session, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let label = |column: &str| {
        let key = format!("xlsx.col.{column}");
        t!(&key, locale = lang.code()).into_owned()
    };
    let names: Vec<String> = super::csv::COLUMNS.iter().map(|c| label(c)).collect();
    header(sheet, &names, f)?;
    let rows = idea_rows(session);
    for (i, r) in rows.iter().enumerate() {
        let row = row_number(i + 1)?;
        let idea = r.idea;
        number(sheet, row, 0, usize::try_from(idea.id).unwrap_or(usize::MAX))?;
        text(sheet, row, 1, &idea.group)?;
        text(sheet, row, 2, r.table)?;
        text(sheet, row, 3, r.agency.unwrap_or_default())?;
        text(sheet, row, 4, idea.author.as_deref().unwrap_or_default())?;
        text(sheet, row, 5, &idea.title)?;
        text(sheet, row, 6, idea.detail.as_deref().unwrap_or_default())?;
        text(sheet, row, 7, idea.stage.key())?;
        text(sheet, row, 8, &stage_label(idea.stage, lang))?;
        text(sheet, row, 9, &idea.block)?;
        text(sheet, row, 10, r.block.map(|b| b.title.as_str()).unwrap_or_default())?;
        if let Some(day) = r.day {
            number(sheet, row, 11, day)?;
        }
        if let Some(d) = r.date {
            date(sheet, row, 12, d, f)?;
        }
        if let Some(form) = idea.form {
            text(sheet, row, 13, form.key())?;
            text(sheet, row, 14, &form_label(Some(form), lang))?;
        }
        sheet.write_boolean(row, 15, idea.digital)?;
        sheet.write_boolean(row, 16, idea.flagship)?;
        datetime(sheet, row, 17, &idea.created_at, f)?;
        datetime(sheet, row, 18, &idea.updated_at, f)?;
    }
    let last_col = ColNum::try_from(super::csv::COLUMNS.len() - 1).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.autofilter(0, 0, row_number(rows.len())?, last_col)?;
    size_columns(sheet);
    Ok(())
}

fn per_table_sheet(sheet: &mut Worksheet, tally: &Tally, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    header(sheet, &labels(&["table", "ideas", "flagship"], lang), f)?;
    for (i, g) in tally.by_group.iter().enumerate() {
        let row = row_number(i + 1)?;
        text(sheet, row, 0, &g.name)?;
        number(sheet, row, 1, g.ideas)?;
        number(sheet, row, 2, g.flagship)?;
    }
    size_columns(sheet);
    Ok(())
}

fn per_agency_sheet(sheet: &mut Worksheet, tally: &Tally, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    header(sheet, &labels(&["agency", "ideas", "flagship"], lang), f)?;
    for (i, a) in tally.by_agency.iter().enumerate() {
        let row = row_number(i + 1)?;
        match &a.agency {
            Some(name) => text(sheet, row, 0, name)?,
            None => text(sheet, row, 0, &label("no_agency", lang))?,
        }
        number(sheet, row, 1, a.ideas)?;
        number(sheet, row, 2, a.flagship)?;
    }
    size_columns(sheet);
    Ok(())
}

fn oaoi_sheet(sheet: &mut Worksheet, tally: &Tally, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    header(sheet, &labels(&["agency", "ideas", "flagship", "status"], lang), f)?;
    for (i, a) in tally.one_agency_one_innovation.iter().enumerate() {
        let row = row_number(i + 1)?;
        text(sheet, row, 0, &a.agency)?;
        number(sheet, row, 1, a.ideas)?;
        number(sheet, row, 2, a.flagship)?;
        text(sheet, row, 3, &status_label(a.status, lang))?;
    }
    size_columns(sheet);
    Ok(())
}

fn awards_sheet(sheet: &mut Worksheet, tally: &Tally, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let mut names = labels(&["name", "agency", "table", "ideas"], lang);
    names.push(t!("xlsx.col.absent", locale = lang.code()).into_owned());
    header(sheet, &names, f)?;
    for (i, a) in tally.authors.iter().enumerate() {
        let row = row_number(i + 1)?;
        text(sheet, row, 0, &a.name)?;
        text(sheet, row, 1, a.agency.as_deref().unwrap_or_default())?;
        text(sheet, row, 2, &a.table)?;
        number(sheet, row, 3, a.ideas)?;
        sheet.write_boolean(row, 4, a.absent)?;
    }
    size_columns(sheet);
    Ok(())
}

/// Totals, then ideas per stage, day and form, as (section, name, number) rows a pivot table can use.
fn summary_sheet(sheet: &mut Worksheet, tally: &Tally, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    header(sheet, &labels(&["section", "name", "ideas"], lang), f)?;
    let total = label("total", lang);
    let target = usize::try_from(tally.target).unwrap_or(usize::MAX);
    let mut rows: Vec<(String, Result<String, NaiveDate>, usize)> = vec![
        (total.clone(), Ok(label("ideas", lang)), tally.ideas),
        (total.clone(), Ok(label("target", lang)), target),
        (total.clone(), Ok(label("flagship", lang)), tally.flagship),
        (total, Ok(label("digital", lang)), tally.digital),
    ];
    let per_stage = label("per_stage", lang);
    rows.extend(Stage::ALL.iter().map(|&s| (per_stage.clone(), Ok(stage_label(s, lang)), tally.by_stage.get(s))));
    let per_day = label("per_day", lang);
    rows.extend(tally.by_day.iter().map(|d| (per_day.clone(), Err(d.date), d.ideas)));
    let per_form = label("per_form", lang);
    rows.extend(FormCounts::ROWS.iter().map(|&x| (per_form.clone(), Ok(form_label(x, lang)), tally.by_form.get(x))));
    for (i, (section, name, value)) in rows.iter().enumerate() {
        let row = row_number(i + 1)?;
        text(sheet, row, 0, section)?;
        match name {
            Ok(name) => text(sheet, row, 1, name)?,
            Err(day) => date(sheet, row, 1, *day, f)?,
        }
        number(sheet, row, 2, *value)?;
    }
    size_columns(sheet);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_what_excel_holds() {
        let long = "😀".repeat(MAX_CELL_UNITS);
        let cut = cell_text(&long);
        assert!(cut.encode_utf16().count() <= MAX_CELL_UNITS);
        assert!(cut.ends_with('…'));
        assert_eq!(cell_text("=cmd"), "=cmd", "a string cell is never a formula: the text stays as typed");
        assert_eq!(cell_text("ok"), "ok");
    }

    #[test]
    fn every_sheet_and_column_has_a_name_in_both_languages() {
        for lang in [Lang::En, Lang::Id] {
            for name in sheet_names(lang) {
                assert!(!name.starts_with("xlsx.") && name.len() <= 31, "{name}");
                assert!(!name.contains(['[', ']', ':', '*', '?', '/', '\\']), "{name}");
            }
            for column in super::super::csv::COLUMNS {
                let key = format!("xlsx.col.{column}");
                assert_ne!(t!(&key, locale = lang.code()), key, "{key} in {}", lang.code());
            }
        }
        assert_eq!(sheet_names(Lang::Id)[1], "Ide");
    }

    #[test]
    fn dates_convert_or_fall_back() {
        assert!(excel_date(NaiveDate::from_ymd_opt(2022, 11, 2).unwrap()).is_some());
        assert!(excel_date(NaiveDate::from_ymd_opt(1800, 1, 1).unwrap()).is_none());
    }
}
