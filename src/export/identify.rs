//! What an existing file is, by its content: a session, an earlier innolab export (and of which kind), or
//! something else. An export may only ever replace an earlier export of its own kind.

use std::io::{self, Read};
use std::path::Path;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use super::ExportFormat;

/// The first line of every markdown report innolab writes: invisible when rendered, and how a later export
/// knows the file is its own.
pub const MD_MARKER: &str = "<!-- innolab report -->";

/// The custom document property every workbook innolab writes carries (name and value).
pub const XLSX_MARKER: (&str, &str) = ("innolab", "report");

/// The keys every tally JSON has at its top level (see `tally::Tally`).
const TALLY_KEYS: [&str; 8] =
    ["sessions", "ideas", "target", "by_group", "by_agency", "one_agency_one_innovation", "authors", "left_out"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identified {
    /// A session file (or an emergency copy): JSON whose top level has `schema_version`.
    Session,
    /// A file an innolab export wrote.
    Export(ExportFormat),
    /// Anything else.
    Unknown,
}

/// What the file at `path` is. A missing file is an `io::ErrorKind::NotFound`.
pub fn identify(path: &Path) -> io::Result<Identified> {
    match crate::store::read_input(path, crate::store::MAX_SESSION_BYTES) {
        Ok(bytes) => Ok(identify_bytes(&bytes)),
        Err(crate::store::LoadError::Read { source, .. }) => Err(source),
        // Not a plain file, or too large: not something innolab wrote.
        Err(_) => Ok(Identified::Unknown),
    }
}

/// What these bytes are (see [`identify`]).
pub fn identify_bytes(bytes: &[u8]) -> Identified {
    if bytes.starts_with(b"%PDF-") {
        // The document information names its creator in plain text (see `certificates::PDF_CREATOR`).
        let ours = memchr::memmem::find(bytes, super::certificates::PDF_CREATOR.as_bytes()).is_some();
        return if ours { Identified::Export(ExportFormat::Certificates) } else { Identified::Unknown };
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return if is_innolab_workbook(bytes) { Identified::Export(ExportFormat::Xlsx) } else { Identified::Unknown };
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(text) else { return Identified::Unknown };
    if let Some(object) = text.trim_start().strip_prefix('{') {
        // innolab writes `schema_version` first: a session is known without reading all of it.
        if object.trim_start().starts_with("\"schema_version\"") {
            return Identified::Session;
        }
        let Some(keys) = top_level_keys(text) else { return Identified::Unknown };
        if keys.iter().any(|k| k == "schema_version") {
            return Identified::Session;
        }
        if TALLY_KEYS.iter().all(|wanted| keys.iter().any(|k| k == wanted)) {
            return Identified::Export(ExportFormat::Json);
        }
        return Identified::Unknown;
    }
    let first_line = text.lines().next().unwrap_or_default().trim_end();
    if first_line == MD_MARKER {
        return Identified::Export(ExportFormat::Md);
    }
    if first_line == super::html::HTML_MARKER {
        return Identified::Export(ExportFormat::Html);
    }
    if is_ideas_csv_header(first_line) {
        return Identified::Export(ExportFormat::Csv);
    }
    Identified::Unknown
}

/// The header row of `innolab export --format csv`, split on `,` or `;` and unquoted.
fn is_ideas_csv_header(line: &str) -> bool {
    [b',', b';'].into_iter().any(|delimiter| {
        let mut reader =
            ::csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(line.as_bytes());
        let mut record = ::csv::StringRecord::new();
        matches!(reader.read_record(&mut record), Ok(true)) && record.iter().eq(super::csv::COLUMNS)
    })
}

/// The keys of a JSON object, read without keeping any value.
fn top_level_keys(text: &str) -> Option<Vec<String>> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                keys.push(key);
            }
            Ok(keys)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    (&mut de).deserialize_map(Keys).ok()
}

/// A zip whose `docProps/custom.xml` holds innolab's document property.
fn is_innolab_workbook(bytes: &[u8]) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(io::Cursor::new(bytes)) else { return false };
    let Ok(mut custom) = archive.by_name("docProps/custom.xml") else { return false };
    let mut xml = String::new();
    // A document-properties part is a few hundred bytes; more is not ours.
    if (&mut custom).take(64 * 1024).read_to_string(&mut xml).is_err() {
        return false;
    }
    let (name, value) = XLSX_MARKER;
    xml.contains(&format!("name=\"{name}\"")) && xml.contains(&format!(">{value}<"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_tallies_and_other_json_are_told_apart() {
        assert_eq!(identify_bytes(b"{\"schema_version\": 1, \"plan\": {}}"), Identified::Session);
        let tally = serde_json::to_vec(&crate::tally::Tally::default()).unwrap();
        assert_eq!(identify_bytes(&tally), Identified::Export(ExportFormat::Json));
        assert_eq!(identify_bytes(b"{\"sessions\": []}"), Identified::Unknown);
        // A torn or broken session is still a session: no export may write over it.
        assert_eq!(identify_bytes(b"{\n  \"schema_version\": 1,"), Identified::Session);
        assert_eq!(identify_bytes(b"{\"ideas\": 1, \"schema_version\": 1}"), Identified::Session);
        assert_eq!(identify_bytes(b"{\"sessions\": [], \"ideas\""), Identified::Unknown, "broken JSON is nobody's");
        assert_eq!(identify_bytes(b"[1, 2]"), Identified::Unknown);
    }

    #[test]
    fn reports_are_known_by_their_first_line() {
        assert_eq!(identify_bytes(format!("{MD_MARKER}\n# Lab\n").as_bytes()), Identified::Export(ExportFormat::Md));
        assert_eq!(identify_bytes(b"# Notes\n"), Identified::Unknown);
        let html = format!("{}\n<html lang=\"en\">", super::super::html::HTML_MARKER);
        assert_eq!(identify_bytes(html.as_bytes()), Identified::Export(ExportFormat::Html));
        assert_eq!(identify_bytes(b"<!doctype html>\n<html>"), Identified::Unknown, "someone else's page");
        let header = super::super::csv::COLUMNS.join(",");
        assert_eq!(identify_bytes(format!("{header}\n1,2\n").as_bytes()), Identified::Export(ExportFormat::Csv));
        let quoted: Vec<String> = super::super::csv::COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
        let excel = format!("\u{feff}{}\r\n", quoted.join(";"));
        assert_eq!(identify_bytes(excel.as_bytes()), Identified::Export(ExportFormat::Csv));
        assert_eq!(identify_bytes(b"table,title\n1,x\n"), Identified::Unknown);
        assert_eq!(identify_bytes(b"PK\x03\x04not a zip"), Identified::Unknown);
        assert_eq!(identify_bytes(b"\xff\xfe\x00"), Identified::Unknown);
    }

    #[test]
    fn certificates_are_known_by_their_creator() {
        let ours = b"%PDF-1.7\n1 0 obj\n<</Creator(innolab certificates)>>\nendobj\n";
        assert_eq!(identify_bytes(ours), Identified::Export(ExportFormat::Certificates));
        assert_eq!(identify_bytes(b"%PDF-1.4\n<</Creator(LibreOffice)>>\n"), Identified::Unknown);
        assert_eq!(identify_bytes(b"notes: innolab certificates\n"), Identified::Unknown);
    }
}
