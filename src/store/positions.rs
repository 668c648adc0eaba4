//! Where a value sits in a JSON file: the line and column of each problem `validate` finds, found in one
//! pass over the text without a second parser.

use std::collections::{HashMap, HashSet};

/// The 1-based line and column (in characters) of the value at each JSON path in `wanted` (written as
/// `validate` writes them: `plan.days[1].blocks[0].id`), found in one pass over `text` (valid JSON). A field
/// that is absent from the file (a default) gets the position of its nearest enclosing value.
pub(super) fn json_positions(text: &str, wanted: &[&str]) -> Vec<(usize, usize)> {
    let mut prefixes: HashSet<&str> = HashSet::new();
    for path in wanted {
        let mut p = *path;
        while prefixes.insert(p) && !p.is_empty() {
            p = parent_path(p);
        }
    }
    let mut found: HashMap<String, (usize, usize)> = HashMap::new();
    let bytes = text.as_bytes();
    walk_json(bytes, |path, line, line_start, at| {
        if prefixes.contains(path) {
            found.entry(path.to_string()).or_insert_with(|| {
                let column = String::from_utf8_lossy(&bytes[line_start..at]).chars().count() + 1;
                (line, column)
            });
        }
    });
    wanted
        .iter()
        .map(|path| {
            let mut p = *path;
            loop {
                if let Some(&at) = found.get(p) {
                    return at;
                }
                if p.is_empty() {
                    return (1, 1);
                }
                p = parent_path(p);
            }
        })
        .collect()
}

/// `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``.
fn parent_path(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

/// Calls `visit(path, line, line_start, offset)` at the start of every value in `bytes` (valid JSON), with
/// its path written as `validate` writes it, its 1-based line, and the byte offsets of that line's start and
/// of the value. Iterative, so nesting depth costs no stack; stops at anything unexpected.
fn walk_json(bytes: &[u8], mut visit: impl FnMut(&str, usize, usize, usize)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Expect {
        Value,
        FirstElement,
        KeyOrEnd,
        CommaOrEnd,
    }
    // Each open container: whether it is an array, the length of its own path, its next element index.
    let mut open: Vec<(bool, usize, usize)> = Vec::new();
    let mut path = String::new();
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    let mut expect = Expect::Value;
    loop {
        while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_whitespace()) {
            if b == b'\n' {
                line += 1;
                line_start = i + 1;
            }
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { return };
        match expect {
            Expect::FirstElement if b == b']' => {
                open.pop();
                i += 1;
                expect = Expect::CommaOrEnd;
            }
            Expect::FirstElement => {
                path.push_str("[0]");
                expect = Expect::Value;
            }
            Expect::Value => {
                visit(&path, line, line_start, i);
                match b {
                    b'{' => {
                        open.push((false, path.len(), 0));
                        expect = Expect::KeyOrEnd;
                        i += 1;
                    }
                    b'[' => {
                        open.push((true, path.len(), 0));
                        expect = Expect::FirstElement;
                        i += 1;
                    }
                    b'"' => {
                        i = skip_string(bytes, i);
                        expect = Expect::CommaOrEnd;
                    }
                    _ => {
                        while bytes.get(i).is_some_and(|b| !b",]} \t\r\n".contains(b)) {
                            i += 1;
                        }
                        expect = Expect::CommaOrEnd;
                    }
                }
            }
            Expect::KeyOrEnd if b == b'}' => {
                open.pop();
                i += 1;
                expect = Expect::CommaOrEnd;
            }
            Expect::KeyOrEnd if b == b'"' => {
                let end = skip_string(bytes, i);
                let key = bytes.get(i + 1..end.saturating_sub(1)).unwrap_or_default();
                let base = open.last().map_or(0, |o| o.1);
                path.truncate(base);
                if base > 0 {
                    path.push('.');
                }
                path.push_str(&String::from_utf8_lossy(key));
                i = end;
                while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace() || *b == b':') {
                    if bytes[i] == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    i += 1;
                }
                expect = Expect::Value;
            }
            Expect::CommaOrEnd => {
                let Some(top) = open.last_mut() else { return };
                match b {
                    b',' if top.0 => {
                        top.2 += 1;
                        path.truncate(top.1);
                        path.push_str(&format!("[{}]", top.2));
                        expect = Expect::Value;
                    }
                    b',' => expect = Expect::KeyOrEnd,
                    b'}' | b']' => {
                        path.truncate(top.1);
                        open.pop();
                    }
                    _ => return,
                }
                i += 1;
            }
            Expect::KeyOrEnd => return,
        }
    }
}

/// The index just past the string starting at `start` (a quote).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        i += match b {
            b'\\' => 2,
            b'"' => return i + 1,
            _ => 1,
        };
    }
    bytes.len()
}
