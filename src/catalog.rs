//! The session files in a sessions directory, summarised for `innolab list` and the start screen.
//! Reads only: a file that fails to load is listed with its error, never touched.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::model::Timestamp;
use crate::store::{self, LoadError};
use crate::tally::{LeftOut, SessionRef, Tally, TallyBuilder};

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
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files = Vec::new();
    for item in read {
        let path = item?.path();
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

/// Every session file in `dir`, emergency copies included (so the coach can open one to recover):
/// loadable ones newest change first, then broken ones by name. A missing directory is an empty list.
pub fn scan(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for path in session_files(dir, true)? {
        let summary = store::load(&path).map(|s| Summary {
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

/// Tallies many session files, loading and counting each one and dropping it before the next, so a year of
/// labs (a thousand files) never sits in memory at once; the cores each take a consecutive run of files and
/// their tallies are merged in order, so the result is the one a single pass gives. Files that fail to load
/// are listed in `left_out`, in order.
pub fn tally_files(paths: &[PathBuf]) -> Tally {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(paths.len().max(1));
    let count = |run: &[PathBuf]| {
        let mut builder = TallyBuilder::new();
        for path in run {
            match store::load(path) {
                Ok(session) => builder.add(SessionRef::new(file_name(path), &session)),
                Err(e) => builder.left_out(LeftOut { path: path.display().to_string(), error: e.to_string() }),
            }
        }
        builder
    };
    let chunk = paths.len().div_ceil(threads).max(1);
    let mut runs = paths.chunks(chunk);
    let first = runs.next().unwrap_or(&[]);
    let builders: Vec<TallyBuilder> = std::thread::scope(|scope| {
        let helpers: Vec<_> = runs.map(|run| scope.spawn(move || count(run))).collect();
        // The calling thread counts the first run while the others count theirs.
        let mut all = vec![count(first)];
        for helper in helpers {
            match helper.join() {
                Ok(builder) => all.push(builder),
                // Counting only panics on a bug; re-raise it here.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    let mut builders = builders.into_iter();
    let mut whole = builders.next().unwrap_or_default();
    for builder in builders {
        whole.merge(builder);
    }
    whole.finish()
}

/// The name a session is reported under: its file name.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
