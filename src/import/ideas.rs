//! Ideas collected on paper forms or in a spreadsheet, read from CSV: header aliases in English and Indonesian,
//! every bad row reported with its line, all-or-nothing, and text cleaned as untrusted on the way in.

use std::fmt;

use ::csv::{ByteRecord, ReaderBuilder};

use super::csv::{Lines, delimiter, is_utf16, unclosed_quote};
use rust_i18n::t;

use crate::i18n::Lang;
use crate::model::text::{clean_line, clean_multiline, inert, quoted};
use crate::model::{Form, NewIdea, Session, Stage};

/// One idea read from the file, ready for `Session::add_idea`. Its block and stage are the row's own when the
/// file has them; otherwise the caller decides (`--block`, `--stage`, else `Session::default_capture_block`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedIdea {
    /// The 1-based line of the file its row starts on.
    pub line: usize,
    pub idea: NewIdea,
}

/// A problem with the file, naming the 1-based line it is on (1 for the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

impl RowError {
    /// "line 4: …": the message is already in the language the file was read in.
    pub fn message(&self, lang: Lang) -> String {
        t!("import.row_error", line = self.line, message = self.message, locale = lang.code()).into_owned()
    }
}

impl fmt::Display for RowError {
    /// In English; what a user reads is [`RowError::message`] in their language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for RowError {}

/// The columns an import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Table,
    Title,
    Agency,
    Author,
    Form,
    Digital,
    Detail,
    Block,
    Stage,
}

impl Column {
    /// A header cell, in English or as on the Indonesian proposal form; case, spaces and dashes do not matter.
    fn from_header(name: &str) -> Option<Column> {
        let name = name.trim().to_lowercase().replace([' ', '-'], "_");
        Some(match name.as_str() {
            "table" | "meja" => Column::Table,
            "title" | "judul" => Column::Title,
            "agency" | "opd" => Column::Agency,
            "author" | "penggagas" => Column::Author,
            "form" | "bentuk" => Column::Form,
            "digital" => Column::Digital,
            "detail" | "uraian" => Column::Detail,
            "block" | "blok" | "sesi" => Column::Block,
            "stage" | "tahap" => Column::Stage,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Column::Table => "table",
            Column::Title => "title",
            Column::Agency => "agency",
            Column::Author => "author",
            Column::Form => "form",
            Column::Digital => "digital",
            Column::Detail => "detail",
            Column::Block => "block",
            Column::Stage => "stage",
        }
    }
}

/// "yes/no" as people type it in either language; empty is no.
fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "tidak" | "false" | "0" => Some(false),
        "yes" | "y" | "ya" | "true" | "1" => Some(true),
        _ => None,
    }
}

fn optional(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// Reads a CSV of ideas for `session`. The header row names the columns, in any order and case: `table`
/// (required: a table's id, its number or its name), `title` (required), and optional `agency`, `author`,
/// `form`, `digital` (yes/no, ya/tidak, true/false, 1/0; empty is no) and `detail`; or their Indonesian names
/// `meja`, `judul`, `opd`, `penggagas`, `bentuk`, `digital`, `uraian`. Comma, semicolon or tab separated,
/// UTF-8 with or without a byte-order mark; blank rows are skipped. Any other column is an error, so a typo
/// never drops data silently. All or nothing: on any problem the result is every problem, by line, and no idea.
/// Messages are in the current language (`Lang::make_current`).
pub fn parse_ideas_csv(bytes: &[u8], session: &Session, lang: Lang) -> Result<Vec<ImportedIdea>, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if is_utf16(bytes) {
        return Err(vec![RowError { line: 1, message: t!("import.utf16", locale = lang.code()).into_owned() }]);
    }
    if let Some(line) = unclosed_quote(bytes, delimiter(bytes)) {
        return Err(vec![RowError { line, message: t!("csv.unclosed_quote", locale = lang.code()).into_owned() }]);
    }
    let mut reader =
        ReaderBuilder::new().delimiter(delimiter(bytes)).has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.byte_records();
    let mut lines = Lines::new(bytes);

    let header = loop {
        match records.next() {
            None => {
                return Err(vec![RowError {
                    line: 1,
                    message: t!("import.empty_file", locale = lang.code()).into_owned(),
                }]);
            }
            Some(Err(e)) => return Err(vec![csv_error(&e, &mut lines, lang)]),
            Some(Ok(record)) if record.iter().all(|f| f.trim_ascii().is_empty()) => continue,
            Some(Ok(record)) => break record,
        }
    };
    let columns = read_header(&header, lines.of(&header), lang)?;

    let mut ideas = Vec::new();
    let mut errors = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                // The reader cannot find the next row after a broken one, so this is the last report.
                errors.push(csv_error(&e, &mut lines, lang));
                break;
            }
        };
        let line = lines.of(&record);
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        match read_row(&record, &columns, session, lang) {
            Ok(idea) => ideas.push(ImportedIdea { line, idea }),
            Err(messages) => errors.extend(messages.into_iter().map(|message| RowError { line, message })),
        }
    }
    if errors.is_empty() { Ok(ideas) } else { Err(errors) }
}

fn csv_error(e: &::csv::Error, lines: &mut Lines<'_>, lang: Lang) -> RowError {
    let line = e.position().map_or(lines.line, |p| lines.at(p.byte()));
    RowError { line, message: t!("import.csv", error = e, locale = lang.code()).into_owned() }
}

/// The column of each header cell, or every problem with the header (all on its line).
fn read_header(header: &ByteRecord, line: usize, lang: Lang) -> Result<Vec<Column>, Vec<RowError>> {
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    let mut errors = Vec::new();
    for cell in header {
        let Ok(name) = std::str::from_utf8(cell) else {
            return Err(vec![RowError { line, message: t!("import.not_utf8", locale = lang.code()).into_owned() }]);
        };
        match Column::from_header(name) {
            Some(column) if columns.contains(&column) => {
                errors.push(t!("import.duplicate_column", column = column.name(), locale = lang.code()).into_owned());
            }
            Some(column) => columns.push(column),
            None => unknown.push(quoted(name.trim())),
        }
    }
    if !unknown.is_empty() {
        errors.push(t!("import.unknown_columns", columns = unknown.join(", "), locale = lang.code()).into_owned());
    }
    for required in [Column::Table, Column::Title] {
        if !columns.contains(&required) {
            errors.push(t!("import.missing_column", column = required.name(), locale = lang.code()).into_owned());
        }
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors.into_iter().map(|message| RowError { line, message }).collect())
    }
}

/// A stage as a file may spell it: its key (`diagnose`, `drum-up`) or its name in either language
/// ("Desain", "Umum"), case ignored.
pub fn parse_stage(text: &str) -> Option<Stage> {
    if let Ok(stage) = text.parse::<Stage>() {
        return Some(stage);
    }
    let wanted = text.trim().to_lowercase();
    Stage::ALL.into_iter().find(|&stage| {
        [Lang::Id, Lang::En].iter().any(|&lang| crate::i18n::stage_label(stage, lang).to_lowercase() == wanted)
    })
}

/// One row as a new idea, or every problem in it.
fn read_row(record: &ByteRecord, columns: &[Column], session: &Session, lang: Lang) -> Result<NewIdea, Vec<String>> {
    let mut problems = Vec::new();
    if record.len() > columns.len() && record.iter().skip(columns.len()).any(|f| !f.trim_ascii().is_empty()) {
        problems.push(
            t!("import.too_many_cells", found = record.len(), expected = columns.len(), locale = lang.code())
                .into_owned(),
        );
    }
    let mut cells: [&str; 9] = [""; 9];
    for (column, cell) in columns.iter().zip(record.iter()) {
        match std::str::from_utf8(cell) {
            Ok(text) => cells[*column as usize] = text,
            Err(_) => {
                problems.push(t!("import.not_utf8", locale = lang.code()).into_owned());
                return Err(problems);
            }
        }
    }
    let cell = |column: Column| cells[column as usize];

    let mut idea = NewIdea::default();
    let wanted = cell(Column::Table).trim();
    if wanted.is_empty() {
        problems.push(t!("import.no_table", locale = lang.code()).into_owned());
    } else {
        match session.resolve_group(wanted) {
            Some(group) => idea.group = group.id.clone(),
            None => {
                let available = session.groups.iter().map(|g| inert(&g.name).into_owned()).collect::<Vec<_>>();
                let value = quoted(wanted);
                problems.push(
                    t!("import.unknown_table", value = value, available = available.join(", "), locale = lang.code())
                        .into_owned(),
                );
            }
        }
    }
    idea.title = clean_line(cell(Column::Title));
    if idea.title.is_empty() {
        problems.push(t!("import.empty_title", locale = lang.code()).into_owned());
    }
    idea.agency = optional(clean_line(cell(Column::Agency)));
    idea.author = optional(clean_line(cell(Column::Author)));
    idea.detail = optional(clean_multiline(cell(Column::Detail)));
    let form = cell(Column::Form).trim();
    if !form.is_empty() {
        match form.parse::<Form>() {
            Ok(form) => idea.form = Some(form),
            Err(e) => problems.push(inert(&e.message(lang)).into_owned()),
        }
    }
    let block = cell(Column::Block).trim();
    if !block.is_empty() {
        match session.plan.find_block_named(block) {
            Ok((_, found)) => idea.block = Some(found.id.clone()),
            Err(ids) if ids.is_empty() => {
                problems.push(t!("import.unknown_block", value = quoted(block), locale = lang.code()).into_owned());
            }
            Err(ids) => problems.push(
                t!("import.ambiguous_block", value = quoted(block), ids = ids.join(", "), locale = lang.code())
                    .into_owned(),
            ),
        }
    }
    let stage = cell(Column::Stage).trim();
    if !stage.is_empty() {
        match parse_stage(stage) {
            Some(stage) => idea.stage = Some(stage),
            None => problems.push(t!("import.bad_stage", value = quoted(stage), locale = lang.code()).into_owned()),
        }
    }
    match yes_no(cell(Column::Digital)) {
        Some(digital) => idea.digital = digital,
        None => {
            let value = quoted(cell(Column::Digital).trim());
            problems.push(t!("import.bad_digital", value = value, locale = lang.code()).into_owned());
        }
    }
    if problems.is_empty() { Ok(idea) } else { Err(problems) }
}

/// What an import would add, for `--dry-run`: one line per idea with its line in the file, table, title and
/// block. Everything shown is made inert, since the file came from outside.
pub fn describe(ideas: &[ImportedIdea], session: &Session, lang: Lang) -> String {
    let mut out = String::new();
    for imported in ideas {
        let table = session.group(&imported.idea.group).map_or(imported.idea.group.as_str(), |g| g.name.as_str());
        let block = match imported.idea.block.as_deref() {
            Some(block) => format!(" · {}", t!("import.in_block", block = inert(block), locale = lang.code())),
            None => String::new(),
        };
        out.push_str(&t!(
            "import.would_add",
            locale = lang.code(),
            line = imported.line,
            table = inert(table),
            title = inert(&imported.idea.title),
            block = block
        ));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_follows_the_header_line() {
        assert_eq!(delimiter(b"table,title\n1;2"), b',');
        assert_eq!(delimiter(b"meja;judul;opd\n1,5;x"), b';');
        assert_eq!(delimiter(b"table\ttitle\n"), b'\t');
        assert_eq!(delimiter(b"title\n"), b',');
    }

    #[test]
    fn lines_count_blank_lines_crlf_and_multi_line_cells() {
        let session = Session::new(
            crate::testing::seed_plan(),
            chrono::DateTime::parse_from_rfc3339("2022-11-02T08:00:00+07:00").unwrap(),
        );
        let file = b"table,title\r\n\r\n1,a\r\n\r\n\r\n2,\"b\r\nc\"\r\n3,d\n";
        let lines: Vec<usize> = parse_ideas_csv(file, &session, Lang::En).unwrap().iter().map(|i| i.line).collect();
        assert_eq!(lines, [3, 6, 8]);
    }

    #[test]
    fn stages_parse_by_key_or_name_in_either_language() {
        assert_eq!(parse_stage("diagnose"), Some(Stage::Diagnose));
        assert_eq!(parse_stage("Drum-up"), Some(Stage::DrumUp));
        assert_eq!(parse_stage("desain"), Some(Stage::Design));
        assert_eq!(parse_stage("UMUM"), Some(Stage::None));
        assert_eq!(parse_stage("General"), Some(Stage::None));
        assert_eq!(parse_stage("dreaming"), None);
    }

    #[test]
    fn yes_no_in_both_languages() {
        for yes in ["yes", "YA", " true ", "1", "y"] {
            assert_eq!(yes_no(yes), Some(true), "{yes}");
        }
        for no in ["", "no", "Tidak", "false", "0"] {
            assert_eq!(yes_no(no), Some(false), "{no}");
        }
        assert_eq!(yes_no("maybe"), None);
    }

    #[test]
    fn headers_accept_aliases_case_and_spacing() {
        assert_eq!(Column::from_header(" Meja "), Some(Column::Table));
        assert_eq!(Column::from_header("JUDUL"), Some(Column::Title));
        assert_eq!(Column::from_header("OPD"), Some(Column::Agency));
        assert_eq!(Column::from_header("Penggagas"), Some(Column::Author));
        assert_eq!(Column::from_header("uraian"), Some(Column::Detail));
        assert_eq!(Column::from_header("Sesi"), Some(Column::Block));
        assert_eq!(Column::from_header("tahap"), Some(Column::Stage));
        assert_eq!(Column::from_header("notes"), None);
    }
}
