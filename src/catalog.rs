//! The session files in a sessions directory, summarised for `innolab list` and the start screen.
//! Reads only: a file that fails to load is listed with its error, never touched.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::model::Timestamp;
use crate::store::{self, LoadError};

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

/// Loads many session files, in order, spreading the work over the machine's cores (a year of labs is a
/// thousand files: reading and parsing them is the whole cost of a tally).
pub fn load_all(paths: &[PathBuf]) -> Vec<Result<crate::model::Session, LoadError>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(paths.len().max(1));
    if threads <= 1 {
        return paths.iter().map(|p| store::load(p)).collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|p| store::load(p)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(results) => results,
                // A loader thread only panics on a bug; keep going with the panic re-raised here.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
