//! The session files in a sessions directory, summarised for `innolab list` and the start screen.
//! Reads only: a file that fails to load is listed with its error, never touched.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::export::{ExportFormat, Identified};
use crate::model::Timestamp;
use crate::model::text::{escape_visible, shown};
use crate::store::{self, LoadError};
use crate::tally::json::{self, JsonTally};
use crate::tally::{LeftOut, SessionView, SkipReason, SkippedFile, Tally, TallyBuilder};

#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub summary: Result<Summary, LoadError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub title: String,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub ideas: usize,
    pub target: u32,
    pub updated_at: Timestamp,
}

/// What kind of file a `*.json` in a sessions folder is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Session,
    /// Written when a save failed (`NAME.emergency-DATE.json`): a whole session, kept for recovery.
    EmergencyCopy,
    /// Anything else: hidden files, temp and lock files, JSON tallies (`*.tally.json`), non-JSON files.
    Other,
}

pub fn kind_of(path: &Path) -> FileKind {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.starts_with('.') || !name.ends_with(".json") || name.ends_with(".tally.json") {
        FileKind::Other
    } else if name.contains(".emergency-") {
        FileKind::EmergencyCopy
    } else {
        FileKind::Session
    }
}

/// The session files of `dir` (and emergency copies when `with_copies`), sorted by name. A missing
/// directory has none.
pub fn session_files(dir: &Path, with_copies: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in entries(dir)? {
        let wanted = match kind_of(&path) {
            FileKind::Session => true,
            FileKind::EmergencyCopy => with_copies,
            FileKind::Other => false,
        };
        if wanted && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The paths in `dir`; a missing directory has none.
fn entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    match std::fs::read_dir(dir) {
        Ok(read) => read.map(|item| item.map(|e| e.path())).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Every session file in `dir`, emergency copies included (so the coach can open one to recover):
/// loadable ones newest change first, then broken ones by name. A missing directory is an empty list.
/// Exports left among the sessions (a `tally --format json > sessions/rekap.json`, or the previous layout's
/// exports) are not sessions, broken or otherwise: they are left out here and named by [`exports_among`].
pub fn scan(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for path in session_files(dir, true)? {
        let loaded = store::load(&path);
        if loaded.is_err() && export_kind(&path).is_some() {
            continue;
        }
        let summary = loaded.map(|s| Summary {
            title: s.plan.title.clone(),
            first_date: s.plan.first_date(),
            last_date: s.plan.last_date(),
            ideas: s.live_idea_count(),
            target: s.plan.target_ideas,
            updated_at: s.updated_at,
        });
        entries.push(Entry { path, summary });
    }
    entries.sort_by(|a, b| match (&a.summary, &b.summary) {
        (Ok(x), Ok(y)) => y.updated_at.cmp(&x.updated_at).then_with(|| a.path.cmp(&b.path)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.path.cmp(&b.path),
    });
    Ok(entries)
}

/// A session file to tally and the name its rows carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyFile {
    pub path: PathBuf,
    /// Its path relative to the folder all the files share ("2022/lab.json"), so that two `lab.json` in
    /// different folders can be told apart; just the file name when they all sit in one folder.
    pub name: String,
}

/// The files a tally will count, and those named more than once and counted once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gathered {
    pub files: Vec<TallyFile>,
    pub skipped: Vec<SkippedFile>,
}

/// The session files named on a command line: files as given, folders expanded to their session files
/// (emergency copies and `*.tally.json` skipped, so nothing is counted twice). A file reached twice, by any
/// spelling (`sessions/` and `./sessions/x.json`, a symlink or a hard link), is counted once: files are told
/// apart by what they are on disk, not by how they were named.
pub fn gather(paths: &[PathBuf]) -> Result<Gathered, (PathBuf, std::io::Error)> {
    let mut given = Vec::new();
    for path in paths {
        if path.is_dir() {
            given.extend(session_files(path, false).map_err(|e| (path.clone(), e))?);
        } else {
            given.push(path.clone());
        }
    }
    // Each file's first place in `kept`, by what it is on disk (a year of labs is thousands of files).
    let mut seen: std::collections::HashMap<FileId, usize> = std::collections::HashMap::new();
    let mut kept: Vec<PathBuf> = Vec::new();
    let mut skipped = Vec::new();
    for path in given {
        // A file that cannot be identified (missing, unreadable) is kept: loading it names the problem.
        let Some(id) = FileId::of(&path) else {
            kept.push(path);
            continue;
        };
        match seen.get(&id) {
            Some(&first) => {
                let same_as = shown(&kept[first]);
                skipped.push(SkippedFile { path: shown(&path), why: SkipReason::Duplicate { same_as } });
            }
            None => {
                seen.insert(id, kept.len());
                kept.push(path);
            }
        }
    }
    let absolute: Vec<PathBuf> = kept.iter().map(|p| lexically_absolute(p)).collect();
    let common = common_folder(&absolute);
    let files = kept
        .into_iter()
        .zip(&absolute)
        .map(|(path, abs)| {
            let name = match (&common, abs.strip_prefix(common.as_deref().unwrap_or(Path::new("")))) {
                (Some(_), Ok(rel)) if !rel.as_os_str().is_empty() => {
                    let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
                    crate::model::text::escape_visible(&parts.join("/")).into_owned()
                }
                _ => file_name(&path),
            };
            TallyFile { path, name }
        })
        .collect();
    Ok(Gathered { files, skipped })
}

/// What a file is on disk: device and inode (symlinks followed), so two names of one file compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        Some(FileId(meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn of(path: &Path) -> Option<FileId> {
        use std::hash::{Hash, Hasher};
        let canonical = std::fs::canonicalize(path).ok()?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        canonical.hash(&mut hasher);
        Some(FileId(0, hasher.finish()))
    }
}

/// `path` made absolute, with `.` and `..` resolved by name (not by following links): for naming only.
fn lexically_absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The deepest folder that holds every one of `paths`.
fn common_folder(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let folder = path.parent()?.to_path_buf();
        common = Some(match common {
            None => folder,
            Some(so_far) => {
                let shared: PathBuf =
                    so_far.components().zip(folder.components()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect();
                shared
            }
        });
    }
    common
}

/// What export a file is, when it is one (by its content; see `export::identify`).
pub fn export_kind(path: &Path) -> Option<ExportFormat> {
    match crate::export::identify(path) {
        Ok(Identified::Export(format)) => Some(format),
        _ => None,
    }
}

/// The innolab exports sitting in `dir` among the sessions (`*.json`, `*.csv`, `*.md`, `*.xlsx`), by name.
pub fn exports_among(dir: &Path) -> std::io::Result<Vec<(PathBuf, ExportFormat)>> {
    let mut found = Vec::new();
    for path in entries(dir)? {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let candidate = [".json", ".csv", ".md", ".xlsx"].iter().any(|ext| name.ends_with(ext));
        if candidate
            && !name.starts_with('.')
            && path.is_file()
            && let Some(format) = export_kind(&path)
        {
            found.push((path, format));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// Tallies many session files, reading and counting each one and dropping it before the next, so a year of
/// labs (a thousand files) never sits in memory at once; the cores each take a consecutive run of files and
/// their tallies are merged in order, so the result is the one a single pass gives. Files that fail to load
/// are listed in `left_out`, in order.
pub fn tally_files(gathered: &Gathered) -> Tally {
    let mut tally = count_files(&gathered.files, TallyBuilder::new).finish();
    tally.skipped.splice(0..0, gathered.skipped.iter().cloned());
    tally
}

/// [`tally_files`] written to `out` as pretty JSON (byte for byte `serde_json::to_writer_pretty` of it and a line
/// break), holding only the totals and a bounded part of the rows in memory. Returns how many files were left
/// out.
pub fn tally_files_json(gathered: &Gathered, out: &mut dyn std::io::Write) -> std::io::Result<usize> {
    tally_files_json_within(gathered, json::DEFAULT_MEMORY, out)
}

/// [`tally_files_json`] keeping at most about `memory` bytes of rows in memory (the rest goes to temporary
/// files).
pub fn tally_files_json_within(
    gathered: &Gathered,
    memory: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<usize> {
    let threads = threads_for(gathered.files.len());
    let mut tally = count_files(&gathered.files, || JsonTally::with_memory(memory / threads));
    tally.skipped_first(gathered.skipped.iter().cloned());
    tally.write(out)
}

/// What [`count_files`] fills: a tally kept whole or one written as it is counted.
trait FileTally: Send {
    fn add_view(&mut self, name: &str, view: &SessionView<'_>);
    fn left_out(&mut self, left_out: LeftOut);
    fn skipped(&mut self, skipped: SkippedFile);
    fn merge(&mut self, next: Self);
}

impl FileTally for TallyBuilder {
    fn add_view(&mut self, name: &str, view: &SessionView<'_>) {
        TallyBuilder::add_view(self, name, view);
    }
    fn left_out(&mut self, left_out: LeftOut) {
        TallyBuilder::left_out(self, left_out);
    }
    fn skipped(&mut self, skipped: SkippedFile) {
        TallyBuilder::skipped(self, skipped);
    }
    fn merge(&mut self, next: Self) {
        TallyBuilder::merge(self, next);
    }
}

impl FileTally for JsonTally {
    fn add_view(&mut self, name: &str, view: &SessionView<'_>) {
        JsonTally::add_view(self, name, view);
    }
    fn left_out(&mut self, left_out: LeftOut) {
        JsonTally::left_out(self, left_out);
    }
    fn skipped(&mut self, skipped: SkippedFile) {
        JsonTally::skipped(self, skipped);
    }
    fn merge(&mut self, next: Self) {
        JsonTally::merge(self, next);
    }
}

fn threads_for(files: usize) -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.max(1))
}

/// Counts `files` into tallies made by `new`, a consecutive run of files per core, merged in order.
fn count_files<T: FileTally>(files: &[TallyFile], new: impl Fn() -> T + Sync) -> T {
    let count = |run: &[TallyFile]| {
        let mut tally = new();
        // One buffer for the run's files: each is counted and dropped before the next is read.
        let mut bytes = Vec::new();
        for file in run {
            count_file(&mut tally, file, &mut bytes);
        }
        tally
    };
    let chunk = files.len().div_ceil(threads_for(files.len())).max(1);
    let mut runs = files.chunks(chunk);
    let first = runs.next().unwrap_or(&[]);
    let tallies: Vec<T> = std::thread::scope(|scope| {
        let helpers: Vec<_> = runs.map(|run| scope.spawn(move || count(run))).collect();
        // The calling thread counts the first run while the others count theirs.
        let mut all = vec![count(first)];
        for helper in helpers {
            match helper.join() {
                Ok(tally) => all.push(tally),
                // Counting only panics on a bug; re-raise it here.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    let mut tallies = tallies.into_iter();
    let mut whole = tallies.next().unwrap_or_else(new);
    for tally in tallies {
        whole.merge(tally);
    }
    whole
}

/// Reads one file and counts it, exactly as if it were loaded with `store::load`: the file is read once, its
/// session's view decoded straight from its text ([`SessionView::decode`]); a file with a journal beside it
/// (a session being run) or that decode refuses goes through `store`'s own decoding, which counts it all the same if it is good, or says why it is not (an
/// export among the sessions is named as one and skipped).
fn count_file(tally: &mut impl FileTally, file: &TallyFile, bytes: &mut Vec<u8>) {
    let error = match store::read_input_into(&file.path, store::MAX_SESSION_BYTES, bytes) {
        Ok(()) => {
            // A session being run has changes in its journal the file does not hold yet: those are
            // loaded whole, journal and all, as `store::load` does.
            let journaled = store::journal::journal_path(&file.path).exists();
            if !journaled && let Some(view) = store::file_text(&file.path, bytes).ok().and_then(SessionView::decode) {
                return tally.add_view(&file.name, &view);
            }
            let session = if journaled {
                store::decode_with_journal(&file.path, bytes)
            } else {
                store::decode_session(&file.path, bytes)
            };
            match session {
                Ok(session) => return tally.add_view(&file.name, &SessionView::of(&session)),
                Err(e) => e,
            }
        }
        Err(e) => e,
    };
    let path = shown(&file.path);
    match export_kind(&file.path) {
        Some(format) => tally.skipped(SkippedFile { path, why: SkipReason::Export { format } }),
        None => tally.left_out(LeftOut { path, error: error.to_string() }),
    }
}

/// The name a session is reported under: its file name.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| shown(path), |n| escape_visible(&n.to_string_lossy()).into_owned())
}

#[cfg(test)]
#[path = "catalog_tests.rs"]
mod tests;
