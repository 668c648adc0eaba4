//! The session file on disk: load (decode, check the version, validate), atomic durable save, and the
//! one-writer lock. A file that fails to load is only ever read, never rewritten or "repaired".

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rust_i18n::t;
use serde::de::DeserializeOwned;

use crate::model::text::{escape_visible, shown};
use crate::model::validate::{plan_problems, session_problems};
use crate::model::{Plan, Problem, SCHEMA_VERSION, Session};

/// Why a session or plan file could not be used. Each variant names the file; `Display` is one line.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", t!("load.read", path = shown(.path), error = .source))]
    Read { path: PathBuf, source: io::Error },
    #[error("{}", t!("load.empty", path = shown(.path)))]
    Empty { path: PathBuf },
    #[error("{}", t!("load.not_a_file", path = shown(.path)))]
    NotAFile { path: PathBuf },
    #[error("{}", t!("load.too_big", path = shown(.path), size = mib(*.size), limit = mib(*.limit)))]
    TooBig { path: PathBuf, size: u64, limit: u64 },
    #[error("{}", t!("load.utf16", path = shown(.path)))]
    Utf16 { path: PathBuf },
    #[error("{}", t!("load.not_utf8", path = shown(.path), line = .line, column = .column))]
    NotUtf8 { path: PathBuf, line: usize, column: usize },
    #[error("{}", t!("load.syntax", path = shown(.path), line = .line, column = .column, message = .message))]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{}", t!("load.no_version", path = shown(.path)))]
    NoVersion { path: PathBuf },
    #[error("{}", t!("load.bad_version", path = shown(.path), found = .found))]
    BadVersion { path: PathBuf, found: String },
    #[error("{}", t!("load.newer", path = shown(.path), found = .found, supported = SCHEMA_VERSION))]
    Newer { path: PathBuf, found: u64 },
    #[error("{}", t!("load.shape", path = shown(.path), line = .line, column = .column, at = .at, message = .message))]
    Shape { path: PathBuf, line: usize, column: usize, at: String, message: String },
    /// `at` holds the 1-based line and column of each problem in the file (same order as `problems`).
    #[error("{}", invalid_line(.path, .problems, .at))]
    Invalid { path: PathBuf, problems: Vec<Problem>, at: Vec<(usize, usize)> },
}

/// Bytes as MiB for a message, rounded up: "1025 MiB".
fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

fn invalid_line(path: &Path, problems: &[Problem], at: &[(usize, usize)]) -> String {
    let first = problems.first().map(ToString::to_string).unwrap_or_default();
    let (line, column) = at.first().copied().unwrap_or((1, 1));
    if problems.len() > 1 {
        let more = problems.len() - 1;
        t!("load.invalid_more", path = shown(&path), line = line, column = column, problem = first, more = more)
            .into_owned()
    } else {
        t!("load.invalid", path = shown(&path), line = line, column = column, problem = first).into_owned()
    }
}

impl LoadError {
    /// One line per problem, each naming the file and line (for `validate`); other errors are a single line.
    pub fn lines(&self) -> Vec<String> {
        match self {
            LoadError::Invalid { path, problems, at } => problems
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let (line, column) = at.get(i).copied().unwrap_or((1, 1));
                    t!("load.invalid", path = shown(&path), line = line, column = column, problem = p).into_owned()
                })
                .collect(),
            other => vec![other.to_string()],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}", t!("save.io", path = shown(.path), error = .source))]
    Io { path: PathBuf, source: io::Error },
    #[error("{}", t!("save.exists", path = shown(.path)))]
    Exists { path: PathBuf },
    #[error("{}", t!("save.invalid", path = shown(.path), problem = .problem))]
    Invalid { path: PathBuf, problem: Problem },
    #[error("{}", t!("save.encode", path = shown(.path), error = .message))]
    Encode { path: PathBuf, message: String },
    #[error("{}", t!("save.changed_elsewhere", path = shown(.path)))]
    ChangedElsewhere { path: PathBuf },
    /// The lock file was removed and another innolab took the session: nothing more is written to it.
    #[error("{}", t!("save.lock_lost", path = shown(.path)))]
    LockLost { path: PathBuf },
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{}", busy_line(.path, .holder))]
    Busy { path: PathBuf, holder: Option<u32> },
    #[error("{}", t!("lock.io", path = shown(.path), error = .source))]
    Io { path: PathBuf, source: io::Error },
}

fn busy_line(path: &Path, holder: &Option<u32>) -> String {
    match holder {
        Some(pid) => t!("lock.busy_pid", path = shown(&path), pid = pid).into_owned(),
        None => t!("lock.busy", path = shown(&path)).into_owned(),
    }
}

/// Either way a session can fail to open for writing.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Load(#[from] LoadError),
}

// ---------------------------------------------------------------------------------------------------------
// Loading

/// Reads and checks a session file.
pub fn load(path: &Path) -> Result<Session, LoadError> {
    let bytes = read(path)?;
    decode_session(path, &bytes)
}

/// Reads and checks a session file, with the version of the file it was read from (to save over that
/// version, and only that one, from now on).
pub fn load_version(path: &Path) -> Result<(Session, Option<FileVersion>), LoadError> {
    let stamp = FileStamp::of(path).ok();
    let bytes = read(path)?;
    let session = decode_session(path, &bytes)?;
    Ok((session, stamp.map(|stamp| FileVersion::of_bytes(stamp, &bytes))))
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

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_input(path, MAX_SESSION_BYTES)
}

/// Reads a file innolab takes as input, refusing at once what is not a plain file (a folder, a FIFO, a
/// device such as `/dev/zero`) and what is larger than `limit` bytes. Opening never waits on a FIFO.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
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
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow while it is read: never past the limit.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooBig { path: path.to_path_buf(), size: bytes.len() as u64, limit });
    }
    Ok(bytes)
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

/// Decodes and checks a session. The common case is one direct parse; only a file that fails it is parsed
/// again, slowly, to say exactly what is wrong and where.
pub fn decode_session(path: &Path, bytes: &[u8]) -> Result<Session, LoadError> {
    let text = text(path, bytes)?;
    let mut session = match serde_json::from_str::<Session>(text) {
        Ok(session) => session,
        Err(_) => return Err(diagnose(path, text, true)),
    };
    session.make_inert();
    if u64::from(session.schema_version) > u64::from(SCHEMA_VERSION) {
        return Err(LoadError::Newer { path: path.to_path_buf(), found: session.schema_version.into() });
    }
    if session.schema_version != SCHEMA_VERSION {
        return Err(LoadError::BadVersion { path: path.to_path_buf(), found: session.schema_version.to_string() });
    }
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

/// The 1-based line and column (in characters) of the value at each JSON path in `wanted` (written as
/// `validate` writes them: `plan.days[1].blocks[0].id`), found in one pass over `text` (valid JSON). A field
/// that is absent from the file (a default) gets the position of its nearest enclosing value.
fn json_positions(text: &str, wanted: &[&str]) -> Vec<(usize, usize)> {
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
                Some(found) if found == u64::from(SCHEMA_VERSION) => {}
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

// ---------------------------------------------------------------------------------------------------------
// Saving

/// The file-system operations an atomic save needs. The real one is [`RealDisk`]; tests inject failures.
pub trait Disk {
    /// Creates `path` (which must not exist) with owner-only permissions, writes `bytes` and fsyncs it.
    fn write_new_synced(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Atomically replaces `to` with `from`.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Makes `to` a second name of `from`, failing if `to` exists (a no-clobber publish).
    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Makes renames and links inside `dir` durable.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
    fn remove(&self, path: &Path) -> io::Result<()>;
}

pub struct RealDisk;

impl Disk for RealDisk {
    fn write_new_synced(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut file = private_options().write(true).create_new(true).open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }
    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::hard_link(from, to)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        File::open(dir)?.sync_all()
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
}

/// Creates `dir` and its missing parents readable by their owner only (0700 whatever the umask): sessions,
/// copies and reports hold participants' names.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A file-size limit (`ulimit -f`) must not kill innolab with ideas unsaved: SIGXFSZ is caught (and
/// ignored), so a write past the limit fails with EFBIG like any other write error, the temp file is removed
/// and the save reports the failure (then the emergency copy, the retry, the NOT SAVED bar).
pub fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, flag);
    }
}

/// Open options that create files readable and writable by their owner only: sessions hold participants' names.
/// They never follow a symbolic link: a link planted where a lock or temp file goes fails the open instead
/// of truncating or overwriting whatever it points to.
pub fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// How a save treats an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publish {
    /// Replace it atomically (normal saves).
    Replace,
    /// Refuse if it exists (new sessions, exports).
    NoClobber,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` so that a crash at any instant leaves either the old file or the new one, whole:
/// a temp file in the same directory, fsync, rename (or link) over the target, fsync the directory. On any
/// failure the temp file is removed and the old file is untouched.
pub fn write_atomic(disk: &dyn Disk, path: &Path, bytes: &[u8], publish: Publish) -> Result<(), SaveError> {
    let io_err = |source| SaveError::Io { path: path.to_path_buf(), source };
    let dir = dir_of(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
    let temp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)));
    if let Err(e) = disk.write_new_synced(&temp, bytes) {
        let _ = disk.remove(&temp);
        return Err(io_err(e));
    }
    let published = match publish {
        Publish::Replace => disk.rename(&temp, path),
        Publish::NoClobber => {
            let linked = disk.hard_link(&temp, path);
            let _ = disk.remove(&temp);
            if let Err(e) = &linked
                && e.kind() == io::ErrorKind::AlreadyExists
            {
                return Err(SaveError::Exists { path: path.to_path_buf() });
            }
            linked
        }
    };
    if let Err(e) = published {
        let _ = disk.remove(&temp);
        return Err(io_err(e));
    }
    disk.sync_dir(dir).map_err(io_err)
}

/// The bytes of a session file: pretty JSON with a final newline.
pub fn encode(path: &Path, session: &Session) -> Result<Vec<u8>, SaveError> {
    if let Some(problem) = session_problems(session).into_iter().next() {
        // Never write a file that would then refuse to load.
        return Err(SaveError::Invalid { path: path.to_path_buf(), problem });
    }
    let mut bytes = serde_json::to_vec_pretty(session)
        .map_err(|e| SaveError::Encode { path: path.to_path_buf(), message: e.to_string() })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Saves a session over its file, atomically and durably.
pub fn save(path: &Path, session: &Session) -> Result<(), SaveError> {
    save_with(&RealDisk, path, session)
}

pub fn save_with(disk: &dyn Disk, path: &Path, session: &Session) -> Result<(), SaveError> {
    let bytes = encode(path, session)?;
    write_atomic(disk, path, &bytes, Publish::Replace)
}

/// Writes a new session file; fails with [`SaveError::Exists`] rather than overwrite anything.
pub fn create(path: &Path, session: &Session) -> Result<(), SaveError> {
    let bytes = encode(path, session)?;
    write_atomic(&RealDisk, path, &bytes, Publish::NoClobber)
}

/// Removes temp files a killed writer of this session left behind (`.NAME.PID.N.tmp`). Only called with the
/// lock held, so no other process can be writing one; the session file itself is never touched.
fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
    let Ok(entries) = fs::read_dir(dir_of(path)) else { return };
    for entry in entries.flatten() {
        if is_own_temp(&name, &entry.file_name().to_string_lossy()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Removes the temp files of `path` (`.NAME.PID.N.tmp`) whose writer is gone (no process `PID`): what an
/// export killed half-way left. Files without a lock (exports) use this; a live writer's temp is never touched.
pub fn remove_dead_temps(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
    let Ok(entries) = fs::read_dir(dir_of(path)) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !is_own_temp(&name, &file) {
            continue;
        }
        let pid = file[name.len() + 2..].split('.').next().and_then(|p| p.parse::<i32>().ok());
        if pid.is_some_and(|pid| !process_alive(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn process_alive(pid: i32) -> bool {
    #[cfg(unix)]
    {
        // Signal 0 checks only that the process exists (EPERM: it exists, owned by someone else).
        // SAFETY: kill with signal 0 sends nothing.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Whether a new file can be made beside `path` (a save writes one): a probe file is created and removed.
/// A lock file left by an earlier run can still be opened in a folder that has since become read-only, so
/// the lock alone does not tell.
pub fn folder_writable(path: &Path) -> io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let probe = dir_of(path).join(format!(".{name}.{}.probe.tmp", std::process::id()));
    private_options().write(true).create_new(true).open(&probe)?;
    fs::remove_file(&probe)
}

/// Whether `file` is a temp file of the session named `name`: exactly `.NAME.PID.N.tmp`, so the temps of
/// `a.json.b.json` are never taken for those of `a.json`.
fn is_own_temp(name: &str, file: &str) -> bool {
    let Some(rest) = file.strip_prefix('.').and_then(|f| f.strip_prefix(name)) else { return false };
    let Some(middle) = rest.strip_prefix('.').and_then(|r| r.strip_suffix(".tmp")) else { return false };
    let mut numbers = middle.split('.');
    let digits = |n: Option<&str>| n.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    digits(numbers.next()) && digits(numbers.next()) && numbers.next().is_none()
}

// ---------------------------------------------------------------------------------------------------------
// Noticing other programs

/// What identifies one version of a file on disk: each of our saves is a new file (a rename), so any other
/// program's write or replacement changes at least one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
}

impl FileStamp {
    pub fn of(path: &Path) -> io::Result<FileStamp> {
        let meta = fs::metadata(path)?;
        Ok(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino())
            },
        })
    }
}

/// One version of the session file as we know it: its stamp, to notice cheaply that something touched it, and
/// a hash of its content, to tell a real change from a touch (a backup or sync tool that only sets the time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileVersion {
    pub stamp: FileStamp,
    hash: u64,
}

impl FileVersion {
    pub fn of_bytes(stamp: FileStamp, bytes: &[u8]) -> FileVersion {
        FileVersion { stamp, hash: content_hash(bytes) }
    }
}

fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

/// How a guarded save went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guarded {
    /// Written over the version we knew.
    Saved(FileVersion),
    /// The file had been deleted by another program; it was written again.
    Recreated(FileVersion),
}

impl Guarded {
    pub fn version(self) -> FileVersion {
        match self {
            Guarded::Saved(v) | Guarded::Recreated(v) => v,
        }
    }
}

/// Saves only over the version of the file we know (`expected`): if another program changed its content
/// since, nothing is overwritten and [`SaveError::ChangedElsewhere`] says so (a touch, a copy of the same
/// bytes, is not a change); if it was deleted, it is written again. Returns the new version for the next save.
pub fn save_guarded(
    disk: &dyn Disk,
    path: &Path,
    session: &Session,
    expected: Option<FileVersion>,
) -> Result<Guarded, SaveError> {
    let recreated = match (FileStamp::of(path), expected) {
        (Ok(now), Some(known)) if now != known.stamp => {
            let same = read(path).is_ok_and(|bytes| content_hash(&bytes) == known.hash);
            if !same {
                return Err(SaveError::ChangedElsewhere { path: path.to_path_buf() });
            }
            false
        }
        (Err(e), Some(_)) if e.kind() == io::ErrorKind::NotFound => true,
        _ => false,
    };
    let bytes = encode(path, session)?;
    write_atomic(disk, path, &bytes, Publish::Replace)?;
    let stamp = FileStamp::of(path).map_err(|source| SaveError::Io { path: path.to_path_buf(), source })?;
    let version = FileVersion::of_bytes(stamp, &bytes);
    Ok(if recreated { Guarded::Recreated(version) } else { Guarded::Saved(version) })
}

// ---------------------------------------------------------------------------------------------------------
// The one-writer lock

/// An exclusive advisory lock on a session, held while a process may write it. The lock lives on a hidden
/// side file (`.NAME.lock`) beside the real session file (symbolic links resolved) because every save
/// replaces the session file itself with a new one. Opened without following links, owner-only.
#[derive(Debug)]
pub struct SessionLock {
    file: File,
    path: PathBuf,
    /// The session file this lock guards.
    session: PathBuf,
}

/// Device and inode: what a file is, whatever its name.
#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl SessionLock {
    pub fn lock_path(session: &Path) -> PathBuf {
        let name = session.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        dir_of(session).join(format!(".{name}.lock"))
    }

    /// Takes the lock or fails at once (no waiting) naming the file and, when known, the holder's process id.
    /// `session` should be the real file ([`real_path`]).
    pub fn acquire(session: &Path) -> Result<SessionLock, LockError> {
        let path = Self::lock_path(session);
        let io_err = |source| LockError::Io { path: session.to_path_buf(), source };
        let mut file =
            private_options().read(true).write(true).create(true).truncate(false).open(&path).map_err(io_err)?;
        if !file.metadata().map_err(io_err)?.is_file() {
            return Err(io_err(io::Error::other(t!("lock.not_a_file", path = shown(&path)).into_owned())));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(LockError::Busy { path: session.to_path_buf(), holder: holder.trim().parse().ok() });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
        // Best effort: the pid only improves the message another process prints.
        let _ = file.set_len(0).and_then(|()| write!(file, "{}", std::process::id()));
        Ok(SessionLock { file, path, session: session.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the lock file at the lock's path is still the one this lock holds. Another program may have
    /// deleted it, or the whole folder, after which a second innolab could lock a new file of that name.
    pub fn is_current(&self) -> bool {
        match (fs::symlink_metadata(&self.path), self.file.metadata()) {
            (Ok(on_disk), Ok(held)) => identity(&on_disk) == identity(&held),
            _ => false,
        }
    }

    /// Makes sure the lock is still held before a save: when its file was removed, a new one is locked in
    /// its place if no one else has; if someone has, [`LockError::Busy`] (and nothing must be written).
    pub fn ensure(&mut self) -> Result<(), LockError> {
        if self.is_current() {
            return Ok(());
        }
        *self = SessionLock::acquire(&self.session)?;
        Ok(())
    }
}

/// The file a session path really names: a symbolic link resolved to its target, so that every path to one
/// session (a link, `./x/../lab.json`) shares one lock and each save replaces the real file, not the link.
/// A path that does not exist (yet) is returned as given.
pub fn real_path(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// Whether another process holds innolab's lock on `path` (its `.NAME.lock` beside it): `Some` with the
/// holder's process id when known. Never creates a lock file; a file without one is not locked.
pub fn lock_holder(path: &Path) -> Option<Option<u32>> {
    let lock = SessionLock::lock_path(&real_path(path));
    let mut options = OpenOptions::new();
    options.read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(lock).ok()?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            Some(holder.trim().parse().ok())
        }
        Err(fs::TryLockError::Error(_)) => None,
    }
}

/// A session opened for writing: the lock is held for as long as this value lives.
#[derive(Debug)]
pub struct OpenSession {
    /// The real session file (symbolic links resolved).
    pub path: PathBuf,
    pub session: Session,
    pub lock: SessionLock,
    /// The file as it was loaded, to notice another program changing it before we save over it.
    pub version: Option<FileVersion>,
}

impl OpenSession {
    /// Resolves links, locks, then loads. A second writer gets [`LockError::Busy`] at once. A file with
    /// several names (hard links) is refused: each save writes a new file, which would split the session
    /// between its names.
    pub fn open(path: &Path) -> Result<OpenSession, OpenError> {
        let path = real_path(path);
        refuse_hard_links(&path)?;
        let lock = SessionLock::acquire(&path)?;
        remove_stale_temps(&path);
        let stamp = FileStamp::of(&path).ok();
        let bytes = read(&path)?;
        let session = decode_session(&path, &bytes)?;
        let version = stamp.map(|stamp| FileVersion::of_bytes(stamp, &bytes));
        Ok(OpenSession { path, session, lock, version })
    }

    /// Saves over the file, only while the lock is still this process's own.
    pub fn save(&mut self) -> Result<(), SaveError> {
        self.lock.ensure().map_err(|_| SaveError::LockLost { path: self.path.clone() })?;
        save(&self.path, &self.session)?;
        if !self.lock.is_current() {
            return Err(SaveError::LockLost { path: self.path.clone() });
        }
        Ok(())
    }
}

fn refuse_hard_links(path: &Path) -> Result<(), LockError> {
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            let error = io::Error::other(t!("lock.hard_links", count = meta.nlink()).into_owned());
            return Err(LockError::Io { path: path.to_path_buf(), source: error });
        }
    }
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_finds_values_and_falls_back_to_the_enclosing_one() {
        let text = "{\n  \"a\": [\n    {\"b\": 1},\n    {\n      \"b\": \"x\\\"y\",\n      \"c\": []\n    }\n  ],\n  \"d\": {}\n}\n";
        let wanted = ["a[1].b", "a[0].b", "a[1].c", "d.missing", "", "a[5]"];
        let lines: Vec<usize> = json_positions(text, &wanted).into_iter().map(|(line, _)| line).collect();
        assert_eq!(lines, vec![5, 3, 6, 9, 1, 2]);
        assert_eq!(json_positions(text, &["a[1].b", "a[0].b", "a[0]"]), vec![(5, 12), (3, 11), (3, 5)]);
    }

    #[test]
    fn invalid_files_name_the_line_of_each_problem() {
        let text = "{\"title\": \"x\",\n \"days\": [{\"date\": \"2022-11-02\", \"blocks\": []}]}";
        let err = decode_plan(Path::new("p.json"), text.as_bytes()).unwrap_err();
        assert_eq!(err.lines(), vec!["p.json: line 2, column 44: days[0].blocks: this day has no blocks".to_string()]);
    }
}
