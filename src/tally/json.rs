//! The tally of many sessions as pretty JSON, written while it is counted: each session's rows are serialised
//! the moment the session is counted (kept in memory up to a budget, then in a temporary file), and only the
//! totals and names stay in memory. The output is byte for byte what `serde_json::to_writer_pretty` writes for
//! the [`super::Tally`] of the same sessions.

use std::fs::File;
use std::io::{self, Read, Seek, Write};

use serde::Serialize;

use super::readiness::Finding;
use super::{AuthorTally, BlockTally, Counter, GroupTally, LeftOut, Rows, SessionRef, SessionTally, SkippedFile};
use crate::tally::view::SessionView;

/// How much of the rows a [`JsonTally`] keeps in memory before it writes them to a temporary file.
pub const DEFAULT_MEMORY: usize = 16 << 20;

/// A tally counted session by session and written as JSON at the end ([`JsonTally::write`]), holding in memory
/// only its totals, its names and up to its memory budget of rows. Sessions are added in order (and tallies of
/// later sessions merged in order), as with [`super::TallyBuilder`].
pub struct JsonTally(Counter<Written>);

impl Default for JsonTally {
    fn default() -> Self {
        JsonTally::with_memory(DEFAULT_MEMORY)
    }
}

impl JsonTally {
    /// A tally that keeps at most about `bytes` of rows in memory (several run side by side: share it out).
    pub fn with_memory(bytes: usize) -> JsonTally {
        let mut counter = Counter::<Written>::default();
        counter.rows.memory = bytes;
        JsonTally(counter)
    }

    /// Counts one session (it may be dropped afterwards).
    pub fn add(&mut self, session: SessionRef<'_>) {
        self.0.add(&session.name, &SessionView::of(session.session));
    }

    /// Counts one session's view, reported as `name`.
    pub fn add_view(&mut self, name: &str, view: &SessionView<'_>) {
        self.0.add(name, view);
    }

    pub fn left_out(&mut self, left_out: LeftOut) {
        self.0.left_out(left_out);
    }

    pub fn skipped(&mut self, skipped: SkippedFile) {
        self.0.skipped(skipped);
    }

    /// Files named as skipped before every other (the duplicates found while gathering the files).
    pub fn skipped_first(&mut self, skipped: impl IntoIterator<Item = SkippedFile>) {
        let list = &mut self.0.totals.skipped;
        let later = std::mem::take(list);
        list.extend(skipped);
        list.extend(later);
    }

    /// Adds a tally of the sessions that follow this one's.
    pub fn merge(&mut self, next: JsonTally) {
        self.0.merge(next.0);
    }

    /// Writes the tally as pretty JSON with a final line break (what `serde_json::to_writer_pretty` and a
    /// `writeln!` write), and returns how many files were left out.
    pub fn write(self, out: &mut dyn Write) -> io::Result<usize> {
        let (tally, mut rows, spelled) = self.0.finish();
        let left_out = tally.left_out.len();
        rows.flush_all()?;
        // The tally without its rows, as serde writes it: each list of rows is `[]` there, and is spliced in.
        let light = serde_json::to_vec_pretty(&tally).map_err(io::Error::from)?;
        let Written { sessions, by_group, by_block, authors, readiness, spellings, .. } = rows;
        // An agency is spelled as first seen over all sessions: a later run may have written another spelling
        // of one an earlier run saw first. Rare; those runs' author rows are written again.
        let mut respell: Vec<Respelling<'_>> = Vec::new();
        for (k, spelling) in spellings.iter().enumerate() {
            let names: Vec<(&str, &str)> = spelling
                .names
                .iter()
                .filter(|(written, i)| *written != spelled[*i])
                .map(|(written, i)| (written.as_str(), spelled[*i].as_str()))
                .collect();
            if !names.is_empty() {
                let to = spellings.get(k + 1).map_or(u64::MAX, |next| next.from);
                respell.push(Respelling { from: spelling.from, to, names });
            }
        }
        let sections = [
            ("sessions", sessions, &[][..]),
            ("by_group", by_group, &[][..]),
            ("by_block", by_block, &[][..]),
            ("authors", authors, &respell[..]),
            ("readiness", readiness, &[][..]),
        ];
        let mut cursor = 0;
        for (key, section, respell) in sections {
            let needle = format!("\n  \"{key}\": []");
            let Some(at) = find(&light[cursor..], needle.as_bytes()).map(|i| cursor + i) else {
                return Err(io::Error::other(format!("the tally has no list {key:?} to write")));
            };
            let open = at + needle.len() - 1;
            out.write_all(&light[cursor..open])?;
            if section.count == 0 {
                out.write_all(b"]")?;
            } else {
                section.copy_to(out, respell)?;
                out.write_all(b"\n  ]")?;
            }
            cursor = open + 1;
        }
        out.write_all(&light[cursor..])?;
        out.write_all(b"\n")?;
        Ok(left_out)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The agencies as a run of author rows spelled them: the rows from `from` (a position in the authors' list) to
/// the next run's, the names as written, and where each sits in the counter's list.
struct Spelling {
    from: u64,
    names: Vec<(String, usize)>,
}

/// Author rows (positions `from` to `to`) whose agency is to be spelled anew: (as written, as first seen).
struct Respelling<'a> {
    from: u64,
    to: u64,
    names: Vec<(&'a str, &'a str)>,
}

/// The rows as JSON, list by list.
#[derive(Default)]
pub(crate) struct Written {
    sessions: Section,
    by_group: Section,
    by_block: Section,
    authors: Section,
    readiness: Section,
    /// How each run of author rows spelled its agencies (an earlier run may have seen one first, spelled
    /// otherwise); the last is this tally's own, for the rows it writes.
    spellings: Vec<Spelling>,
    /// The counter's agencies already in the last spelling.
    spelled_here: Vec<bool>,
    /// Rows kept in memory before they go to a temporary file.
    memory: usize,
}

impl Written {
    /// Writes one row into `section` (each row begins with `,` and a new line, as serde_json's pretty printer
    /// puts them in a list two levels deep) with `write`.
    fn row(&mut self, which: fn(&mut Written) -> &mut Section, write: impl FnOnce(&mut Row<'_>)) {
        let over_budget = self.held() > self.memory;
        // A megabyte at a time, or less when the budget is smaller still.
        let chunk = SPILL_FROM.min(self.memory.max(64));
        let section = which(self);
        if section.buffer.capacity() == 0 {
            section.buffer.reserve(chunk + 4096);
        }
        let before = section.buffer.len();
        section.buffer.extend_from_slice(b",\n    ");
        let mut row = Row::start(&mut section.buffer);
        write(&mut row);
        row.end();
        section.wrote(section.buffer.len() - before, over_budget, chunk);
    }

    /// Bytes of rows held in memory.
    fn held(&self) -> usize {
        [&self.sessions, &self.by_group, &self.by_block, &self.authors, &self.readiness]
            .iter()
            .map(|s| s.in_memory)
            .sum()
    }

    fn flush_all(&mut self) -> io::Result<()> {
        for section in
            [&mut self.sessions, &mut self.by_group, &mut self.by_block, &mut self.authors, &mut self.readiness]
        {
            section.seal()?;
        }
        Ok(())
    }
}

/// One row (an object two levels deep in the tally), written as serde_json's pretty printer writes the row's
/// `Serialize` (the derived one is the reference: the tests compare the two on every kind of row). Written by
/// hand because it is most of the output: keys need no escaping, and the generic serialiser's many small
/// writes were a tenth of the whole command's time.
struct Row<'b> {
    out: &'b mut Vec<u8>,
    fields: usize,
}

impl<'b> Row<'b> {
    #[inline]
    fn start(out: &'b mut Vec<u8>) -> Row<'b> {
        out.push(b'{');
        Row { out, fields: 0 }
    }

    #[inline]
    fn key(&mut self, key: &str) {
        self.out.extend_from_slice(if self.fields == 0 { b"\n      \"" } else { b",\n      \"" });
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self.fields += 1;
    }

    /// A value as serde_json writes it (strings escaped, numbers, dates, enums).
    #[inline]
    fn value<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.key(key);
        // Serialising plain values into memory cannot fail.
        let _ = serde_json::to_writer(&mut *self.out, value);
    }

    #[inline]
    fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        // Branch-free, so that it vectorises.
        let plain = value.bytes().fold(0u8, |found, b| found | u8::from(b < 0x20 || b == b'"' || b == b'\\')) == 0;
        if plain {
            // Nothing to escape: as serde_json would write it, without its byte-by-byte scan.
            self.out.push(b'"');
            self.out.extend_from_slice(value.as_bytes());
            self.out.push(b'"');
        } else {
            let _ = serde_json::to_writer(&mut *self.out, value);
        }
    }

    #[inline]
    fn opt_text(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(value) => self.text(key, value),
            None => {
                self.key(key);
                self.out.extend_from_slice(b"null");
            }
        }
    }

    #[inline]
    fn number(&mut self, key: &str, value: u64) {
        self.key(key);
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = value;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    #[inline]
    fn flag(&mut self, key: &str, value: bool) {
        self.key(key);
        self.out.extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// A list of numbers, one per line, three levels deep.
    fn numbers(&mut self, key: &str, values: &[u64]) {
        self.key(key);
        if values.is_empty() {
            self.out.extend_from_slice(b"[]");
            return;
        }
        self.out.push(b'[');
        for (i, value) in values.iter().enumerate() {
            self.out.extend_from_slice(if i == 0 { b"\n        " } else { b",\n        " });
            let _ = serde_json::to_writer(&mut *self.out, value);
        }
        self.out.extend_from_slice(b"\n      ]");
    }

    #[inline]
    fn end(self) {
        self.out.extend_from_slice(if self.fields == 0 { b"}" } else { b"\n    }" });
    }
}

impl Rows for Written {
    fn session(&mut self, row: &SessionTally<&str>) {
        // Field for field `SessionTally`'s `Serialize`.
        self.row(
            |w| &mut w.sessions,
            |r| {
                r.text("session", row.session);
                r.text("title", row.title);
                r.value("first_date", &row.first_date);
                r.value("last_date", &row.last_date);
                r.number("ideas", row.ideas as u64);
                r.number("flagship", row.flagship as u64);
                r.number("target", u64::from(row.target));
            },
        );
    }

    fn group(&mut self, row: &GroupTally<&str>) {
        self.row(
            |w| &mut w.by_group,
            |r| {
                r.text("session", row.session);
                r.text("group", row.group);
                r.text("name", row.name);
                r.number("ideas", row.ideas as u64);
                r.number("flagship", row.flagship as u64);
            },
        );
    }

    fn block(&mut self, row: &BlockTally<&str>) {
        self.row(
            |w| &mut w.by_block,
            |r| {
                r.text("session", row.session);
                r.text("block", row.block);
                r.text("title", row.title);
                r.value("date", &row.date);
                r.number("day", row.day as u64);
                r.text("stage", row.stage.key());
                r.number("ideas", row.ideas as u64);
            },
        );
    }

    fn author(&mut self, row: &AuthorTally<&str>, agency: Option<usize>) {
        if let (Some(i), Some(name)) = (agency, row.agency) {
            if self.spelled_here.len() <= i {
                self.spelled_here.resize(i + 1, false);
            }
            if !self.spelled_here[i] {
                self.spelled_here[i] = true;
                if self.spellings.is_empty() {
                    self.spellings.push(Spelling { from: self.authors.len, names: Vec::new() });
                }
                if let Some(own) = self.spellings.last_mut() {
                    own.names.push((name.to_string(), i));
                }
            }
        }
        self.row(|w| &mut w.authors, |r| write_author(r, row));
    }

    fn finding(&mut self, session: &str, finding: &Finding<&str>) {
        // `ReadinessItem`: the session, then the finding flattened (its kind, then its fields).
        self.row(
            |w| &mut w.readiness,
            |r| {
                r.text("session", session);
                r.text("kind", finding.key());
                match finding {
                    Finding::NoAuthor { idea, title, table }
                    | Finding::NoAgency { idea, title, table }
                    | Finding::FlagshipWithoutAgency { idea, title, table } => {
                        r.number("idea", *idea);
                        r.text("title", title);
                        r.text("table", table);
                    }
                    Finding::AuthorNotOnRoster { idea, title, table, author }
                    | Finding::AbsentAuthor { idea, title, table, author } => {
                        r.number("idea", *idea);
                        r.text("title", title);
                        r.text("table", table);
                        r.text("author", author);
                    }
                    Finding::AgencyWithoutIdea { agency } | Finding::AgencyWithoutFlagship { agency } => {
                        r.text("agency", agency);
                    }
                    Finding::SeveralFlagships { agency, ideas } => {
                        r.text("agency", agency);
                        r.numbers("ideas", ideas);
                    }
                }
            },
        );
    }

    fn append(&mut self, next: Written, agencies: &[usize]) {
        let authors_before = self.authors.len;
        self.sessions.append(next.sessions);
        self.by_group.append(next.by_group);
        self.by_block.append(next.by_block);
        self.authors.append(next.authors);
        self.readiness.append(next.readiness);
        self.spellings.extend(next.spellings.into_iter().map(|spelling| Spelling {
            from: spelling.from + authors_before,
            names: spelling.names.into_iter().map(|(name, i)| (name, agencies[i])).collect(),
        }));
        // Rows this tally writes from now on are a run of their own.
        self.spellings.push(Spelling { from: self.authors.len, names: Vec::new() });
        self.spelled_here.clear();
    }
}

/// Field for field `AuthorTally`'s `Serialize`.
fn write_author<S: AsRef<str>>(r: &mut Row<'_>, row: &AuthorTally<S>) {
    r.text("session", row.session.as_ref());
    r.text("name", row.name.as_ref());
    r.opt_text("agency", row.agency.as_ref().map(AsRef::as_ref));
    r.text("group", row.group.as_ref());
    r.text("table", row.table.as_ref());
    r.number("ideas", row.ideas as u64);
    r.flag("on_roster", row.on_roster);
    r.flag("absent", row.absent);
}

/// One list of rows: in memory, then (past the memory budget) in temporary files, in order.
#[derive(Default)]
struct Section {
    /// Rows already put away, in order (those of later tallies merged in come after this one's).
    parts: Vec<Part>,
    /// The latest rows, in memory.
    buffer: Vec<u8>,
    /// Bytes in the list (parts and buffer).
    len: u64,
    /// Bytes of it in memory (buffer and parts).
    in_memory: usize,
    count: usize,
}

enum Part {
    Memory(Vec<u8>),
    File(File, u64),
}

/// Rows are put away (in memory or in a temporary file) a megabyte or more at a time.
const SPILL_FROM: usize = 1 << 20;

impl Section {
    /// Counts a row just written into the buffer.
    fn wrote(&mut self, bytes: usize, over_budget: bool, chunk: usize) {
        self.len += bytes as u64;
        self.in_memory += bytes;
        self.count += 1;
        if self.buffer.len() >= chunk {
            // Past the budget the rows go to a temporary file (without one, they stay in memory); else the
            // buffer is put away as it is, never grown (and copied) further.
            if !over_budget || self.spill().is_err() {
                let _ = self.seal();
            }
        }
    }

    /// Appends the buffer to this section's temporary file (the last part, if it is one).
    fn spill(&mut self) -> io::Result<()> {
        if !matches!(self.parts.last(), Some(Part::File(..))) {
            self.parts.push(Part::File(tempfile::tempfile()?, 0));
        }
        if let Some(Part::File(file, len)) = self.parts.last_mut() {
            file.write_all(&self.buffer)?;
            *len += self.buffer.len() as u64;
            self.in_memory -= self.buffer.len();
            self.buffer.clear();
        }
        Ok(())
    }

    /// Puts the buffer away as a part of its own.
    fn seal(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            self.parts.push(Part::Memory(std::mem::take(&mut self.buffer)));
        }
        Ok(())
    }

    fn append(&mut self, mut next: Section) {
        // Sealing only moves the buffer: it cannot fail.
        let _ = self.seal();
        let _ = next.seal();
        self.parts.extend(next.parts);
        self.len += next.len;
        self.in_memory += next.in_memory;
        self.count += next.count;
    }

    /// Writes the rows (without the first one's comma) to `out`; author rows in `respell` with their agency
    /// spelled anew.
    fn copy_to(self, out: &mut dyn Write, respell: &[Respelling<'_>]) -> io::Result<()> {
        if !respell.is_empty() {
            return self.copy_respelled(out, respell);
        }
        let mut first = true;
        for part in self.parts {
            match part {
                Part::Memory(bytes) => out.write_all(&bytes[usize::from(first)..])?,
                Part::File(mut file, len) => {
                    file.rewind()?;
                    // Only the rows it holds: a write that failed part way may have left more.
                    let mut reader = io::BufReader::with_capacity(1 << 20, file.take(len));
                    if first {
                        io::copy(&mut (&mut reader).take(1), &mut io::sink())?;
                    }
                    io::copy(&mut reader, out)?;
                }
            }
            first = false;
        }
        Ok(())
    }

    /// [`Section::copy_to`] line by line: a row's agency is on a line of its own (JSON strings hold no line
    /// breaks), `      "agency": "…",`.
    fn copy_respelled(self, out: &mut dyn Write, respell: &[Respelling<'_>]) -> io::Result<()> {
        let mut readers: Vec<Box<dyn Read>> = Vec::new();
        for part in self.parts {
            readers.push(match part {
                Part::Memory(bytes) => Box::new(io::Cursor::new(bytes)),
                Part::File(mut file, len) => {
                    file.rewind()?;
                    Box::new(file.take(len))
                }
            });
        }
        let chained = readers
            .into_iter()
            .fold(Box::new(io::empty()) as Box<dyn Read>, |all, next| Box::new(all.chain(next)) as Box<dyn Read>);
        let mut reader = io::BufReader::with_capacity(1 << 16, chained);
        io::copy(&mut (&mut reader).take(1), &mut io::sink())?;
        const AGENCY: &[u8] = b"      \"agency\": ";
        // Only the rows of a respelling's range are read line by line; the bytes between are copied whole.
        let mut ranges: Vec<&Respelling<'_>> = respell.iter().collect();
        ranges.sort_by_key(|r| r.from);
        let (mut position, mut line) = (1u64, Vec::new());
        for range in ranges {
            if position < range.from {
                position += io::copy(&mut (&mut reader).take(range.from - position), out)?;
            }
            while position < range.to {
                line.clear();
                let read = io::BufRead::read_until(&mut reader, b'\n', &mut line)?;
                if read == 0 {
                    return Ok(());
                }
                position += read as u64;
                let value = (|| {
                    let rest = line.strip_prefix(AGENCY)?;
                    let end = rest.iter().rposition(|&b| b == b'"')? + 1;
                    let written: String = serde_json::from_slice(&rest[..end]).ok()?;
                    let anew = range.names.iter().find(|(as_written, _)| *as_written == written)?.1;
                    Some((anew, &rest[end..]))
                })();
                match value {
                    Some((anew, after)) => {
                        out.write_all(AGENCY)?;
                        serde_json::to_writer(&mut *out, anew).map_err(io::Error::from)?;
                        out.write_all(after)?;
                    }
                    None => out.write_all(&line)?,
                }
            }
        }
        io::copy(&mut reader, out)?;
        Ok(())
    }
}

/// The JSON the tally of `sessions` writes (for tests and benches: the same as [`JsonTally`] adding them one
/// by one).
pub fn to_vec(sessions: &[SessionRef<'_>], memory: usize) -> io::Result<Vec<u8>> {
    let mut tally = JsonTally::with_memory(memory);
    for session in sessions {
        tally.add(session.clone());
    }
    let mut out = Vec::new();
    tally.write(&mut out)?;
    Ok(out)
}
