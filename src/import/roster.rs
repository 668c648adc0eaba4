//! `innolab roster import`: the room's participants from a spreadsheet (CSV: table, name, agency, role and
//! an optional present column). Every row is checked first; one bad row means nothing is imported.

use std::collections::{HashMap, HashSet};

use rust_i18n::t;

use super::csv::{Lines, delimiter, is_utf16, unclosed_quote};
use crate::i18n::Lang;
use crate::model::text::quoted;
use crate::model::{Member, Role, Session};

/// A participant read from the file, not yet placed.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    pub line: usize,
    pub table: String,
    pub member: Member,
}

pub use super::RowError;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RosterSummary {
    pub added: usize,
    pub updated: usize,
    pub tables_created: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Table,
    Name,
    Agency,
    Role,
    Present,
}

fn column(header: &str) -> Option<Column> {
    match header.trim().to_lowercase().as_str() {
        "table" | "meja" | "kelompok" => Some(Column::Table),
        "name" | "nama" => Some(Column::Name),
        "agency" | "opd" | "instansi" | "perangkat daerah" => Some(Column::Agency),
        "role" | "peran" | "jabatan" => Some(Column::Role),
        "present" | "hadir" => Some(Column::Present),
        _ => None,
    }
}

/// Yes/no in either language; empty means yes (a listed participant is expected to come).
fn present(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "yes" | "ya" | "y" | "true" | "1" | "hadir" => Some(true),
        "no" | "tidak" | "t" | "n" | "false" | "0" | "absen" | "tidak hadir" => Some(false),
        _ => None,
    }
}

fn error(line: usize, message: impl Into<String>) -> RowError {
    RowError { line, message: message.into() }
}

/// Reads and checks every row. UTF-8 with or without a byte-order mark; a header row naming the columns
/// (English or Indonesian, any order).
pub fn parse(bytes: &[u8], lang: Lang) -> Result<Vec<RosterRow>, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if is_utf16(bytes) {
        return Err(vec![error(1, t!("roster.csv.utf16", locale = lang.code()))]);
    }
    if let Some(line) = unclosed_quote(bytes, delimiter(bytes)) {
        return Err(vec![error(line, t!("csv.unclosed_quote", locale = lang.code()))]);
    }
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter(bytes)).has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.byte_records();
    let mut lines = Lines::new(bytes);
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(vec![error(1, e.to_string())]),
        None => return Err(vec![error(1, t!("roster.csv.empty", locale = lang.code()))]),
    };
    let mut columns: HashMap<Column, usize> = HashMap::new();
    let mut problems = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let cell = String::from_utf8_lossy(cell);
        // The header came from outside: shown quoted and inert, so it can never act on the terminal.
        let shown = || quoted(cell.trim());
        match column(&cell) {
            Some(c) if columns.insert(c, i).is_some() => {
                problems.push(error(1, t!("roster.csv.duplicate_column", column = shown(), locale = lang.code())))
            }
            Some(_) => {}
            None => problems.push(error(1, t!("roster.csv.unknown_column", column = shown(), locale = lang.code()))),
        }
    }
    for required in [Column::Table, Column::Name, Column::Agency, Column::Role] {
        if !columns.contains_key(&required) {
            let name = ["table", "name", "agency", "role"][required as usize];
            problems.push(error(1, t!("roster.csv.missing_column", column = name, locale = lang.code())));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                // The reader cannot find the next row after a broken one, so this is the last report.
                let line = e.position().map_or(lines.line, |p| lines.at(p.byte()));
                problems.push(error(line, e.to_string()));
                break;
            }
        };
        let line = lines.of(&record);
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let cell = |c: Column| -> Result<String, RowError> {
            let raw = columns.get(&c).and_then(|&i| record.get(i)).unwrap_or(b"");
            std::str::from_utf8(raw)
                .map(|s| s.trim().to_string())
                .map_err(|_| error(line, t!("roster.csv.not_utf8", locale = lang.code())))
        };
        let row = (|| -> Result<RosterRow, RowError> {
            let table = cell(Column::Table)?;
            let name = crate::model::text::clean_line(&cell(Column::Name)?);
            if table.is_empty() {
                return Err(error(line, t!("roster.csv.empty_cell", column = "table", locale = lang.code())));
            }
            if name.is_empty() {
                return Err(error(line, t!("roster.csv.empty_cell", column = "name", locale = lang.code())));
            }
            let role_text = cell(Column::Role)?;
            let role = role_text.parse::<Role>().map_err(|e| error(line, e.message(lang)))?;
            let present_text =
                if columns.contains_key(&Column::Present) { cell(Column::Present)? } else { String::new() };
            let present = present(&present_text).ok_or_else(|| {
                error(line, t!("roster.csv.bad_present", value = format!("{present_text:?}"), locale = lang.code()))
            })?;
            let agency = Some(cell(Column::Agency)?).filter(|a| !a.is_empty());
            Ok(RosterRow { line, table, member: Member { name, agency, role, present } })
        })();
        match row {
            Ok(row) => {
                let key = row.member.name.to_lowercase();
                if let Some(first) = seen.insert(key, line) {
                    problems.push(error(line, t!("roster.csv.duplicate_person", first = first, locale = lang.code())));
                } else {
                    rows.push(row);
                }
            }
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

/// Places the participants: a table is found by id, number or name, or created; someone already in the
/// roster (same name) is updated, and moved if the file seats them at another table.
pub fn apply(session: &mut Session, rows: Vec<RosterRow>) -> RosterSummary {
    let mut summary = RosterSummary::default();
    // Where each participant is (table, position), by name as compared: found without a search, so the
    // import is linear. A moved participant's old seat is removed at the end, so positions stay put until then.
    let mut seats: HashMap<String, (usize, usize)> = HashMap::new();
    for (g, group) in session.groups.iter().enumerate() {
        for (m, member) in group.members.iter().enumerate() {
            seats.entry(member.name.to_lowercase()).or_insert((g, m));
        }
    }
    let mut vacated: HashMap<usize, HashSet<usize>> = HashMap::new();
    for row in rows {
        // A number past the last table creates "Meja N"; later rows with the same number find it by that name
        // (its position in the room is another number), so one table is created, not one per row.
        let name = match row.table.parse::<u32>() {
            Ok(n) => format!("Meja {n}"),
            Err(_) => row.table.clone(),
        };
        let found = session.resolve_group(&row.table).or_else(|| session.resolve_group(&name));
        let table = match found.map(|g| g.id.clone()) {
            Some(id) => session.groups.iter().position(|g| g.id == id).unwrap_or(0),
            None => {
                summary.tables_created += 1;
                session.add_group(Some(&name))
            }
        };
        let wanted = row.member.name.to_lowercase();
        let result = match seats.get(&wanted).copied() {
            Some((g, m)) if g == table => session.update_member(g, m, row.member).map(|()| summary.updated += 1),
            Some((g, m)) => {
                vacated.entry(g).or_default().insert(m);
                session.add_member(table, row.member).map(|at| {
                    seats.insert(wanted, (table, at));
                    summary.updated += 1;
                })
            }
            None => session.add_member(table, row.member).map(|at| {
                seats.insert(wanted, (table, at));
                summary.added += 1;
            }),
        };
        // Rows were checked by `parse` (non-empty names), so adding cannot fail.
        debug_assert!(result.is_ok());
    }
    for (g, seats) in vacated {
        if let Some(group) = session.groups.get_mut(g) {
            let mut at = 0;
            group.members.retain(|_| {
                let keep = !seats.contains(&at);
                at += 1;
                keep
            });
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        crate::testing::seed_session(crate::testing::at("2022-11-02T08:00:00+07:00"))
    }

    #[test]
    fn a_good_file_fills_the_tables() {
        let csv = "\u{feff}table,name,agency,role\nMeja 1,Budi Santoso,DPMPTSP,head\n2,Rina,Dinas Kesehatan,sekretaris\nmeja-3,\"Ani, S.Kom\",Bappedalitbang,staff\nMeja Tamu,Dedi,Diskominfo,Kepala\n";
        let rows = parse(csv.as_bytes(), Lang::En).unwrap();
        let mut s = session();
        let summary = apply(&mut s, rows);
        assert_eq!(summary, RosterSummary { added: 4, updated: 0, tables_created: 1 });
        assert_eq!(s.groups[0].members[0].name, "Budi Santoso");
        assert_eq!(s.groups[1].members[0].role, Role::Representative);
        assert_eq!(s.groups[2].members[0].name, "Ani, S.Kom");
        assert_eq!(s.groups[6].name, "Meja Tamu");
        assert!(crate::model::validate::session_problems(&s).is_empty());
    }

    #[test]
    fn indonesian_headers_semicolons_and_a_present_column() {
        let csv = "Nama;Meja;OPD;Peran;Hadir\nBudi;1;DPMPTSP;kepala;tidak\n";
        let rows = parse(csv.as_bytes(), Lang::En).unwrap();
        assert!(!rows[0].member.present);
    }

    #[test]
    fn importing_again_updates_and_moves() {
        let mut s = session();
        apply(&mut s, parse(b"table,name,agency,role\n1,Budi,DPMPTSP,head\n", Lang::En).unwrap());
        let summary =
            apply(&mut s, parse(b"table,name,agency,role\n2,budi,DPMPTSP,representative\n", Lang::En).unwrap());
        assert_eq!(summary, RosterSummary { added: 0, updated: 1, tables_created: 0 });
        assert!(s.groups[0].members.is_empty());
        assert_eq!(s.groups[1].members[0].role, Role::Representative);
    }

    #[test]
    fn bad_rows_are_all_reported_with_their_lines() {
        let csv = b"table,name,agency,role\n1,Budi,DPMPTSP,boss\n,Rina,Dinkes,head\n2,,Dinkes,head\n\n3,Eka,X,staff\n4,eka,Y,head\n4,Ani,\xff\xfe,head\n";
        let errors = parse(csv, Lang::En).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 7, 8], "{errors:?}");
        assert!(errors[0].message.contains("unknown role"));
        assert!(errors[3].message.contains("line 6"), "{}", errors[3].message);
    }

    #[test]
    fn a_new_table_number_creates_one_table_for_all_its_rows() {
        let mut s = session();
        let csv = b"table,name,agency,role\n99,Budi,DPMPTSP,head\n99,Rina,Dinkes,staff\n0,Ani,X,staff\n0,Eka,Y,staff\n";
        let summary = apply(&mut s, parse(csv, Lang::En).unwrap());
        assert_eq!(summary, RosterSummary { added: 4, updated: 0, tables_created: 2 });
        assert_eq!(s.groups[6].name, "Meja 99");
        assert_eq!(s.groups[6].members.len(), 2);
        assert_eq!(s.groups[7].name, "Meja 0");
        assert_eq!(s.groups[7].members.len(), 2);
    }

    #[test]
    fn hostile_headers_are_reported_inert_and_utf16_by_name() {
        let errors = parse(b"table,name,agency,role,\x1b]0;x\x07\n", Lang::En).unwrap_err();
        assert!(errors[0].message.contains("\"\\e]0;x\\a\""), "{errors:?}");
        assert!(!errors[0].message.chars().any(crate::model::text::is_hazard), "{errors:?}");
        let utf16: Vec<u8> = "table,name\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(parse(&utf16, Lang::En).unwrap_err()[0].message.contains("UTF-16"));
    }

    #[test]
    fn headers_are_checked() {
        let errors = parse(b"table,name,colour\n", Lang::En).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("colour")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("agency")), "{messages:?}");
        assert!(parse(b"", Lang::En).is_err());
    }
}
