//! Loading: read a session or plan file (plain files only, bounded), decode it, check its version and
//! validate it, so a bad file is refused with one line naming the file, line and column.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use rust_i18n::t;
use serde::de::DeserializeOwned;

use super::positions::json_positions;
use super::*;
use crate::model::text::escape_visible;
use crate::model::validate::{plan_problems, session_problems};
use crate::model::{OLDEST_SCHEMA_VERSION, Plan, Problem, SCHEMA_VERSION, Session};

/// Reads and checks a session file, with the changes of its journal (see [`super::journal`]).
pub fn load(path: &Path) -> Result<Session, LoadError> {
    let bytes = read(path)?;
    decode_with_journal(path, &bytes)
}

/// Reads and checks a session file (with its journal), with the version of the file it was read from (to
/// save over that version, and only that one, from now on).
pub fn load_version(path: &Path) -> Result<(Session, Option<FileVersion>), LoadError> {
    let stamp = FileStamp::of(path).ok();
    let bytes = read(path)?;
    let session = decode_with_journal(path, &bytes)?;
    Ok((session, stamp.map(|stamp| FileVersion::of_bytes(stamp, &bytes))))
}

/// Decodes and checks the session file's bytes, then replays its journal and checks the result again (the
/// journal is a file on disk like any other: its text is made inert, its changes validated).
pub fn decode_with_journal(path: &Path, bytes: &[u8]) -> Result<Session, LoadError> {
    decode_with_journal_hashed(path, bytes, None)
}

/// [`decode_with_journal`] of bytes whose [`content_hash`] is known.
pub(super) fn decode_with_journal_hashed(path: &Path, bytes: &[u8], hash: Option<u64>) -> Result<Session, LoadError> {
    let mut session = decode_session(path, bytes)?;
    if super::journal::replay(path, bytes, hash, &mut session)? > 0 {
        session.make_inert();
        if let Some(problem) = session_problems(&session).into_iter().next() {
            return Err(LoadError::JournalInvalid { path: super::journal::journal_path(path), problem });
        }
    }
    Ok(session)
}

/// Reads and checks a plan file (what `innolab plan default` prints).
pub fn load_plan(path: &Path) -> Result<Plan, LoadError> {
    let bytes = read(path)?;
    decode_plan(path, &bytes)
}

/// The largest session or plan file innolab reads: 1 GiB. A session of 100,000 ideas is about 42 MB, so
/// this leaves room for twenty times that, and refuses `/dev/zero`-like inputs before memory runs out.
pub const MAX_SESSION_BYTES: u64 = 1 << 30;

/// The largest CSV file `import` and `roster import` read: 512 MiB (a million idea rows is about 100 MB).
pub const MAX_CSV_BYTES: u64 = 512 << 20;

pub(super) fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_input(path, MAX_SESSION_BYTES)
}

/// Reads a file innolab takes as input, refusing at once what is not a plain file (a folder, a FIFO, a
/// device such as `/dev/zero`) and what is larger than `limit` bytes. Opening never waits on a FIFO.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::new();
    read_input_into(path, limit, &mut bytes)?;
    Ok(bytes)
}

/// [`read_input`] into `bytes` (emptied first), so that a reader of many files reuses one buffer.
pub fn read_input_into(path: &Path, limit: u64, bytes: &mut Vec<u8>) -> Result<(), LoadError> {
    bytes.clear();
    let (file, len) = open_input(path, limit)?;
    read_rest(path, file, len, limit, bytes)
}

/// Opens a file innolab takes as input: a plain file of at most `limit` bytes, with its length.
fn open_input(path: &Path, limit: u64) -> Result<(File, u64), LoadError> {
    let read_err = |source| LoadError::Read { path: path.to_path_buf(), source };
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile { path: path.to_path_buf() });
    }
    if meta.len() > limit {
        return Err(LoadError::TooBig { path: path.to_path_buf(), size: meta.len(), limit });
    }
    Ok((file, meta.len()))
}

/// Reads `file` (about `len` bytes) to its end into `bytes`, never past `limit`.
fn read_rest(path: &Path, file: File, len: u64, limit: u64, bytes: &mut Vec<u8>) -> Result<(), LoadError> {
    bytes.reserve(usize::try_from(len).unwrap_or(0));
    // The file may grow while it is read: never past the limit.
    file.take(limit + 1).read_to_end(bytes).map_err(|source| LoadError::Read { path: path.to_path_buf(), source })?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooBig { path: path.to_path_buf(), size: bytes.len() as u64, limit });
    }
    Ok(())
}

/// A session file's bytes and their [`content_hash`], as opening needs them. A large file is read in parts
/// on the machine's cores, each part hashed on the thread that read it (issue 14: the first frame); a file
/// that changes length meanwhile is read again, whole.
pub(super) fn read_hashed(path: &Path) -> Result<(Vec<u8>, u64), LoadError> {
    let (file, len) = open_input(path, MAX_SESSION_BYTES)?;
    match super::split::read_in_parts(&file, len) {
        Ok(Some(read)) => return Ok(read),
        Ok(None) => {}
        Err(source) => return Err(LoadError::Read { path: path.to_path_buf(), source }),
    }
    let mut bytes = Vec::new();
    let (file, len) = open_input(path, MAX_SESSION_BYTES)?;
    read_rest(path, file, len, MAX_SESSION_BYTES, &mut bytes)?;
    let hash = content_hash(&bytes);
    Ok((bytes, hash))
}

/// A session or plan file's bytes as text, as loading reads them (UTF-8, without a byte-order mark), or the
/// error loading gives when they are not text.
pub fn file_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    text(path, bytes)
}

/// Checks the bytes are UTF-8 text and returns them without a UTF-8 byte-order mark.
fn text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty { path: path.to_path_buf() });
    }
    let utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16_bom || bytes.iter().take(4).any(|&b| b == 0) {
        return Err(LoadError::Utf16 { path: path.to_path_buf() });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(&bytes[..e.valid_up_to()]);
        LoadError::NotUtf8 { path: path.to_path_buf(), line, column }
    })
}

fn line_column(before: &[u8]) -> (usize, usize) {
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

/// Decodes and checks a session. The common case is one direct parse (a large file's ideas in parts, on
/// several threads: `split`); only a file that fails it is parsed again, slowly, to say exactly what is wrong
/// and where.
pub fn decode_session(path: &Path, bytes: &[u8]) -> Result<Session, LoadError> {
    let text = text(path, bytes)?;
    let mut session = match super::split::decode(text) {
        Some(mut session) => {
            session.make_inert_but_ideas();
            session
        }
        None => match serde_json::from_str::<Session>(text) {
            Ok(mut session) => {
                session.make_inert();
                session
            }
            Err(_) => return Err(diagnose(path, text, true)),
        },
    };
    if u64::from(session.schema_version) > u64::from(SCHEMA_VERSION) {
        return Err(LoadError::Newer { path: path.to_path_buf(), found: session.schema_version.into() });
    }
    if session.schema_version < OLDEST_SCHEMA_VERSION {
        return Err(LoadError::BadVersion { path: path.to_path_buf(), found: session.schema_version.to_string() });
    }
    // A version 1 file decodes as this version (its one timer is the list of one); it is saved as this one.
    session.schema_version = SCHEMA_VERSION;
    let problems = session_problems(&session);
    if !problems.is_empty() {
        return Err(invalid(path, text, problems));
    }
    Ok(session)
}

pub fn decode_plan(path: &Path, bytes: &[u8]) -> Result<Plan, LoadError> {
    let text = text(path, bytes)?;
    let mut plan = match serde_json::from_str::<Plan>(text) {
        Ok(plan) => plan,
        Err(_) => return Err(diagnose(path, text, false)),
    };
    plan.make_inert();
    let problems = plan_problems(&plan);
    if !problems.is_empty() {
        return Err(invalid(path, text, problems));
    }
    Ok(plan)
}

/// A decoded file that breaks invariants, with the line of each problem so the user can find it.
fn invalid(path: &Path, text: &str, problems: Vec<Problem>) -> LoadError {
    let wanted: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    let at = json_positions(text, &wanted);
    LoadError::Invalid { path: path.to_path_buf(), problems, at }
}

/// Explains why `text` did not decode: syntax first, then (for sessions) the schema version, then the first
/// field of the wrong shape, with its line, column and path.
fn diagnose(path: &Path, text: &str, is_session: bool) -> LoadError {
    let path = path.to_path_buf();
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            return LoadError::Syntax { path, line: e.line(), column: e.column(), message: bare_message(&e) };
        }
    };
    if is_session {
        match value.get("schema_version") {
            None => return LoadError::NoVersion { path },
            Some(v) => match v.as_u64() {
                Some(found) if found > u64::from(SCHEMA_VERSION) => return LoadError::Newer { path, found },
                Some(found) if (u64::from(OLDEST_SCHEMA_VERSION)..=u64::from(SCHEMA_VERSION)).contains(&found) => {}
                _ => return LoadError::BadVersion { path, found: escape_visible(&v.to_string()).into_owned() },
            },
        }
        shape_error::<Session>(path, text)
    } else {
        shape_error::<Plan>(path, text)
    }
}

fn shape_error<T: DeserializeOwned>(path: PathBuf, text: &str) -> LoadError {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => LoadError::Syntax { path, line: 0, column: 0, message: "unexpected decoder disagreement".into() },
        Err(e) => {
            // The path holds the file's own keys: made inert, so a key can never act on the terminal.
            let at = match e.path().to_string() {
                top if top == "." => t!("load.top_level").into_owned(),
                at => escape_visible(&at).into_owned(),
            };
            let inner = e.into_inner();
            LoadError::Shape { path, line: inner.line(), column: inner.column(), at, message: bare_message(&inner) }
        }
    }
}

/// serde_json's message without its " at line L column C" suffix (we print the position ourselves), made
/// inert: it can quote the file ("unknown field `…`"), and the error must stay one harmless line.
fn bare_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let bare = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    escape_visible(bare).into_owned()
}
