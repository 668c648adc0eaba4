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

/// Every `*.json` file in `dir` (hidden files skipped): loadable ones newest change first, then broken ones
/// by name. A missing directory is an empty list.
pub fn scan(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    for item in read {
        let path = item?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || !name.ends_with(".json") || !path.is_file() {
            continue;
        }
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
