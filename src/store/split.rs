//! Decoding a large session file on several threads (issue 14: the first frame at 100,000 ideas). Nearly all
//! of such a file is its `ideas` array; its elements are cut into parts at element boundaries and each part
//! is decoded (and made inert) on its own thread, the rest of the file on the calling thread.
//!
//! Boundaries are found without reading the file through: a JSON string never holds a raw line break, so in
//! the layout innolab writes (serde_json's pretty printer) the bytes `\n  "ideas": [` can only be the
//! session's key and its array, the last `\n  ]` the array's end and `},\n    {` the gap between two ideas. A file laid
//! out otherwise (by hand, by another tool) simply is not split. Nothing is trusted, either: every part must
//! decode as a whole array of ideas and the rest as a session whose ideas are the empty array put in their
//! place; then the ideas are exactly those of the whole file, in order (arrays joined at a comma are one
//! array). Any part that does not decode gives `None`, and the caller decodes the whole file as usual, which
//! also says what is wrong and where.

use std::fs::File;
use std::io;
use std::num::NonZero;

use memchr::memmem;

use crate::model::session::ideas_from_json_run;
use crate::model::{Idea, Session};

/// Files smaller than this are decoded in one piece: a thread would cost more than it saves.
const SPLIT_FROM_BYTES: usize = 4 * 1024 * 1024;
/// At most this many parts (threads, the calling one included).
const MAX_PARTS: usize = 8;

/// The session in `text`, decoded in parts on the machine's cores, every text field made inert except the
/// ideas' ([`Session::make_inert_but_ideas`] is left to the caller); `None` when the file is small, the
/// machine has one core, or the file cannot be split or does not decode in parts.
pub(super) fn decode(text: &str) -> Option<Session> {
    if text.len() < SPLIT_FROM_BYTES {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
    decode_in(text, cores.min(MAX_PARTS))
}

/// [`decode`] in `parts` parts, whatever the file's size.
fn decode_in(text: &str, parts: usize) -> Option<Session> {
    if parts < 2 {
        return None;
    }
    let (open, close) = ideas_array(text)?;
    let ranges = idea_ranges(text, open, close, parts);
    if ranges.len() < 2 {
        return None;
    }
    let (head, ideas) = std::thread::scope(|scope| {
        let workers: Vec<_> =
            ranges[1..].iter().map(|&(from, to)| scope.spawn(move || decode_ideas(&text[from..to]))).collect();
        let head = decode_head(text, open, close);
        let first = decode_ideas(&text[ranges[0].0..ranges[0].1]);
        let rest: Vec<Option<Vec<Idea>>> = workers.into_iter().map(|w| w.join().ok().flatten()).collect();
        (head, std::iter::once(first).chain(rest).collect::<Option<Vec<_>>>())
    });
    let (mut session, parts) = (head?, ideas?);
    if !session.ideas.is_empty() {
        return None;
    }
    let rest: usize = parts.iter().skip(1).map(Vec::len).sum();
    let mut parts = parts.into_iter();
    // The first part grows in place (a large vector is moved by remapping its pages, not copied).
    let mut ideas = parts.next().unwrap_or_default();
    ideas.reserve_exact(rest);
    for part in parts {
        ideas.extend(part);
    }
    session.ideas = ideas;
    Some(session)
}

/// A large file's `len` bytes read in parts on the machine's cores, each part's CRC-32 computed on the thread
/// that read it and combined, as `(bytes, content_hash)`; `None` when the file is small, the machine has one
/// core, or the file is not `len` bytes long any more (it changed while read: the caller reads it whole).
pub(super) fn read_in_parts(file: &File, len: u64) -> io::Result<Option<(Vec<u8>, u64)>> {
    let Ok(size) = usize::try_from(len) else { return Ok(None) };
    if size < SPLIT_FROM_BYTES {
        return Ok(None);
    }
    let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
    read_parts(file, size, cores.min(MAX_PARTS))
}

#[cfg(unix)]
fn read_parts(file: &File, size: usize, parts: usize) -> io::Result<Option<(Vec<u8>, u64)>> {
    use std::os::unix::fs::FileExt;

    if parts < 2 {
        return Ok(None);
    }
    // Zeroed pages are only mapped when written: each thread takes the page faults of its own part.
    let mut bytes = vec![0u8; size];
    let step = size.div_ceil(parts);
    let read_one = |offset: usize, chunk: &mut [u8]| -> io::Result<Option<crc32fast::Hasher>> {
        match file.read_exact_at(chunk, offset as u64) {
            Ok(()) => {}
            // Shorter than it was: changed while read.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(chunk);
        Ok(Some(crc))
    };
    let hashes = std::thread::scope(|scope| {
        let mut chunks = bytes.chunks_mut(step).enumerate();
        let first = chunks.next();
        let workers: Vec<_> = chunks.map(|(k, chunk)| scope.spawn(move || read_one(k * step, chunk))).collect();
        let mut hashes = vec![first.map_or(Ok(None), |(_, chunk)| read_one(0, chunk))];
        hashes.extend(workers.into_iter().map(|w| w.join().unwrap_or(Ok(None))));
        hashes
    });
    let mut combined: Option<crc32fast::Hasher> = None;
    for hash in hashes {
        let Some(hash) = hash? else { return Ok(None) };
        match &mut combined {
            Some(crc) => crc.combine(&hash),
            None => combined = Some(hash),
        }
    }
    // Longer than it was: changed while read.
    if file.read_at(&mut [0u8], size as u64)? != 0 {
        return Ok(None);
    }
    let crc = combined.map_or(0, crc32fast::Hasher::finalize);
    Ok(Some((bytes, super::save::hash_of(size as u64, crc))))
}

#[cfg(not(unix))]
fn read_parts(_file: &File, _size: usize, _parts: usize) -> io::Result<Option<(Vec<u8>, u64)>> {
    Ok(None)
}

/// Where the `ideas` array opens (`[`) and closes (`]`), in the layout innolab writes; `None` for any other.
fn ideas_array(text: &str) -> Option<(usize, usize)> {
    const KEY: &[u8] = b"\n  \"ideas\": [";
    let bytes = text.as_bytes();
    let at = memmem::find(bytes, KEY)?;
    let open = at + KEY.len() - 1;
    // The last line `  ]` of the file: the session's other keys after `ideas` (its progress) hold no array at
    // this depth. Found from the end, so the ideas are not searched through.
    let close = memmem::rfind(&bytes[open..], b"\n  ]")? + open + 3;
    Some((open, close))
}

/// The elements of the array `[open..=close]` cut into at most `parts` runs of about the same length, each a
/// whole number of ideas in the layout innolab writes, as byte ranges (without the commas between runs).
fn idea_ranges(text: &str, open: usize, close: usize, parts: usize) -> Vec<(usize, usize)> {
    const GAP: &[u8] = b"},\n    {";
    let bytes = text.as_bytes();
    let step = (close - open) / parts;
    let mut ranges = Vec::with_capacity(parts);
    let mut from = open + 1;
    for k in 1..parts {
        let target = (open + k * step).max(from);
        let Some(found) = memmem::find(&bytes[target..close], GAP) else { break };
        let gap = target + found;
        // This run ends after the `}`; the next begins after the comma.
        ranges.push((from, gap + 1));
        from = gap + 2;
    }
    ranges.push((from, close));
    ranges
}

/// The ideas of one run of elements, made inert, or `None` when the run is not a whole number of ideas.
fn decode_ideas(run: &str) -> Option<Vec<Idea>> {
    let mut ideas = ideas_from_json_run(run)?;
    for idea in &mut ideas {
        idea.make_inert();
    }
    Some(ideas)
}

/// The session with an empty `ideas` array in place of `[open..=close]`.
fn decode_head(text: &str, open: usize, close: usize) -> Option<Session> {
    let mut head = String::with_capacity(open + 2 + text.len() - close);
    head.push_str(&text[..open]);
    head.push_str("[]");
    head.push_str(&text[close + 1..]);
    serde_json::from_str(&head).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::NewIdea;
    use crate::testing::{at, seed_session};

    /// A session of `n` ideas with text of every kind (line breaks in details, hazards, quotes, braces and
    /// the very bytes the cuts look for, escaped inside strings).
    fn session(n: usize) -> Session {
        let mut s = seed_session(at("2022-11-02T08:00:00+07:00"));
        let now = s.created_at;
        let titles = [
            "Antrean online",
            "},\n    {",
            "\n  ]",
            "\n  \"ideas\": [",
            "kurung } dan { dan ] serta [",
            "\u{1b}[31mmerah\u{1b}[0m",
            "kutip \" dan \\ garis miring",
        ];
        let ideas = (0..n)
            .map(|i| NewIdea {
                group: format!("meja-{}", i % 6 + 1),
                title: format!("{} {i}", titles[i % titles.len()]),
                detail: (i % 3 == 0).then(|| format!("Uraian {i}.\nLangkah pertama.\n\n{}", titles[i % 7])),
                author: (i % 2 == 0).then(|| "Budi".to_string()),
                ..Default::default()
            })
            .collect();
        s.add_ideas(ideas, now).unwrap();
        s
    }

    fn whole(text: &str) -> Session {
        let mut s: Session = serde_json::from_str(text).unwrap();
        s.make_inert();
        s
    }

    fn split(text: &str, parts: usize) -> Option<Session> {
        let mut s = decode_in(text, parts)?;
        s.make_inert_but_ideas();
        Some(s)
    }

    #[test]
    fn a_file_in_parts_is_the_file_whole() {
        for n in [1, 2, 3, 7, 50, 301] {
            let text = serde_json::to_string_pretty(&session(n)).unwrap();
            let expected = whole(&text);
            for parts in [2, 3, 4, 8] {
                if let Some(decoded) = split(&text, parts) {
                    assert_eq!(decoded, expected, "{n} ideas in {parts} parts");
                } else {
                    assert!(n < parts, "{n} ideas in {parts} parts: not split");
                }
            }
        }
    }

    #[test]
    fn a_file_laid_out_otherwise_or_spoiled_is_not_split() {
        let s = session(40);
        let pretty = serde_json::to_string_pretty(&s).unwrap();
        // Compact, or with Windows line ends: the layout is not innolab's.
        assert!(split(&serde_json::to_string(&s).unwrap(), 2).is_none());
        assert!(split(&pretty.replace('\n', "\r\n"), 2).is_none());
        // A spoiled idea in a later part, an unknown field, a second `ideas` key, ideas cut short.
        let spoiled = [
            pretty.replacen("\"id\": 39", "\"id\": \"39\"", 1),
            pretty.replacen("\"id\": 38,", "\"id\": 38, \"extra\": 1,", 1),
            pretty.replacen("\n  \"progress\"", "\n  \"ideas\": [],\n  \"progress\"", 1),
            pretty.replacen("\"deleted\": false\n    }\n  ]", "\"deleted\": false\n  ]", 1),
            pretty.replacen("\n  \"groups\"", "\n  \"ideas\": [\n  ],\n  \"groups\"", 1),
        ];
        for (k, text) in spoiled.iter().enumerate() {
            assert_ne!(text, &pretty, "spoil {k} applies");
            assert!(split(text, 2).is_none(), "spoil {k}");
            assert!(serde_json::from_str::<Session>(text).is_err(), "spoil {k} is refused whole too");
        }
    }

    #[test]
    fn small_files_are_decoded_whole() {
        let text = serde_json::to_string_pretty(&session(10)).unwrap();
        assert!(decode(&text).is_none());
    }

    #[test]
    fn a_run_of_ideas_is_whole_elements_and_commas_only() {
        let s = session(3);
        let one = |k: usize| serde_json::to_string(&s.ideas[k]).unwrap();
        let run = format!("{},\n    {} ,\t{}\n", one(0), one(1), one(2));
        let ideas = ideas_from_json_run(&run).unwrap();
        assert_eq!(ideas, s.ideas);
        for bad in [
            String::new(),
            " \n ".to_string(),
            format!("{},", one(0)),
            format!(",{}", one(0)),
            format!("{},,{}", one(0), one(1)),
            format!("{} {}", one(0), one(1)),
            format!("{}, 7", one(0)),
            format!("{}]", one(0)),
            format!("[{}]", one(0)),
        ] {
            assert!(ideas_from_json_run(&bad).is_none(), "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_read_in_parts_is_the_file_and_its_hash() {
        use std::io::Write;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let bytes: Vec<u8> = (0..100_003u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let file = File::open(&path).unwrap();
        for parts in [2, 3, 8] {
            let (read, hash) = read_parts(&file, bytes.len(), parts).unwrap().unwrap();
            assert!(read == bytes, "{parts} parts");
            assert_eq!(hash, super::super::content_hash(&bytes), "{parts} parts");
        }
        // Told a length the file no longer has (it changed while read): not read in parts.
        assert!(read_parts(&file, bytes.len() + 1, 2).unwrap().is_none());
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"more").unwrap();
        assert!(read_parts(&file, bytes.len(), 2).unwrap().is_none());
        // Small files and one core: read whole by the caller.
        assert!(read_in_parts(&file, 1000).unwrap().is_none());
        assert!(read_parts(&file, bytes.len() + 4, 1).unwrap().is_none());
    }
}
