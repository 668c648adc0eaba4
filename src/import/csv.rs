//! What both CSV importers (ideas, roster) need from a spreadsheet's file: the separator it used and the
//! line numbers people see in their editor, so every bad row can be named.

use ::csv::ByteRecord;

/// The field separator, guessed from the header line. Spreadsheet apps in an Indonesian locale save "CSV"
/// with semicolons (the comma is their decimal mark), and a pasted table has tabs.
pub(crate) fn delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',')
}

/// True for a UTF-16 file (a UTF-16 byte-order mark, or a NUL among the first bytes, as ASCII text in UTF-16
/// has): spreadsheet apps offer "Unicode text" next to "CSV UTF-8", and it must be refused by name, not read
/// as garbage columns.
pub(crate) fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.iter().take(4).any(|&b| b == 0)
}

/// Line numbers from byte offsets: the csv crate's own line count skips blank lines, and people look for the
/// line their editor or spreadsheet shows. Counting forward from the previous record keeps the whole file O(n).
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    pub(crate) line: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Lines { bytes, offset: 0, line: 1 }
    }

    /// The 1-based line of the byte at `offset` (offsets only ever grow, as the reader moves forward).
    pub(crate) fn at(&mut self, offset: u64) -> usize {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        if offset > self.offset {
            self.line += self.bytes[self.offset..offset].iter().filter(|&&b| b == b'\n').count();
            self.offset = offset;
        }
        self.line
    }

    /// The line a record's first cell is on. The reader reports a record as starting where it began looking,
    /// before any blank lines it skipped, so those are stepped over here.
    pub(crate) fn of(&mut self, record: &ByteRecord) -> usize {
        if let Some(p) = record.position() {
            self.at(p.byte());
        }
        while let Some(&b) = self.bytes.get(self.offset).filter(|&&b| b == b'\n' || b == b'\r') {
            self.line += usize::from(b == b'\n');
            self.offset += 1;
        }
        self.line
    }
}

/// The 1-based line where a quoted cell opens that the file never closes, if one does. The csv reader takes
/// the rest of the file into such a cell without complaint, which would merge rows silently. A quote only
/// opens a cell at its start, as the reader sees it; `""` inside a quoted cell is a quote.
pub(crate) fn unclosed_quote(bytes: &[u8], delimiter: u8) -> Option<usize> {
    let (mut line, mut opened_at) = (1, None);
    let mut at_cell_start = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match opened_at {
            Some(_) if b == b'"' && bytes.get(i + 1) == Some(&b'"') => i += 1,
            Some(_) if b == b'"' => opened_at = None,
            None if b == b'"' && at_cell_start => opened_at = Some(line),
            _ => {}
        }
        line += usize::from(b == b'\n');
        at_cell_start = opened_at.is_none() && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    opened_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(unclosed_quote(b"table,title\n1,\"Bank sampah\n2,Posyandu\n", b','), Some(2));
        assert_eq!(unclosed_quote(b"a;b\n1;\"x\"\"y\"\n2;\"multi\nline\"\n", b';'), None);
        assert_eq!(unclosed_quote(b"a,b\n1,say \"hi\n2,x\n", b','), None, "a quote inside a cell is text");
        assert_eq!(unclosed_quote(b"a,b\n1,x\n\n3,\"open \"\" still\n", b','), Some(4));
    }
}
