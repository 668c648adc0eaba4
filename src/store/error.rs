//! Why a session or plan file could not be loaded, saved or locked: each error names the file, and its
//! message is one line.

use std::io;
use std::path::{Path, PathBuf};

use rust_i18n::t;

use crate::i18n::Lang;
use crate::model::text::shown;
use crate::model::{Problem, SCHEMA_VERSION};

/// Why a session or plan file could not be used. Each variant names the file; `Display` is one line.
#[derive(Debug)]
pub enum LoadError {
    Read {
        path: PathBuf,
        source: io::Error,
    },
    Empty {
        path: PathBuf,
    },
    NotAFile {
        path: PathBuf,
    },
    TooBig {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    Utf16 {
        path: PathBuf,
    },
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    NoVersion {
        path: PathBuf,
    },
    BadVersion {
        path: PathBuf,
        found: String,
    },
    Newer {
        path: PathBuf,
        found: u64,
    },
    Shape {
        path: PathBuf,
        line: usize,
        column: usize,
        at: String,
        message: String,
    },
    /// `at` holds the 1-based line and column of each problem in the file (same order as `problems`).
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
        at: Vec<(usize, usize)>,
    },
    /// A whole line of the session's journal (`path` is the journal) that does not decode.
    Journal {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The session with its journal replayed breaks an invariant (`path` is the journal).
    JournalInvalid {
        path: PathBuf,
        problem: Problem,
    },
}

impl LoadError {
    /// The one line that says what went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            LoadError::Read { path, source } => {
                t!("load.read", path = shown(path), error = source, locale = l).into_owned()
            }
            LoadError::Empty { path } => t!("load.empty", path = shown(path), locale = l).into_owned(),
            LoadError::NotAFile { path } => t!("load.not_a_file", path = shown(path), locale = l).into_owned(),
            LoadError::TooBig { path, size, limit } => {
                t!("load.too_big", path = shown(path), size = mib(*size), limit = mib(*limit), locale = l).into_owned()
            }
            LoadError::Utf16 { path } => t!("load.utf16", path = shown(path), locale = l).into_owned(),
            LoadError::NotUtf8 { path, line, column } => {
                t!("load.not_utf8", path = shown(path), line = line, column = column, locale = l).into_owned()
            }
            LoadError::Syntax { path, line, column, message } => {
                t!("load.syntax", path = shown(path), line = line, column = column, message = message, locale = l)
                    .into_owned()
            }
            LoadError::NoVersion { path } => t!("load.no_version", path = shown(path), locale = l).into_owned(),
            LoadError::BadVersion { path, found } => {
                t!("load.bad_version", path = shown(path), found = found, locale = l).into_owned()
            }
            LoadError::Newer { path, found } => {
                t!("load.newer", path = shown(path), found = found, supported = SCHEMA_VERSION, locale = l).into_owned()
            }
            LoadError::Shape { path, line, column, at, message } => t!(
                "load.shape",
                path = shown(path),
                line = line,
                column = column,
                at = at,
                message = message,
                locale = l
            )
            .into_owned(),
            LoadError::Invalid { path, problems, at } => invalid_line(path, problems, at, lang),
            LoadError::Journal { path, line, message } => {
                t!("load.journal", path = shown(path), line = line, message = message, locale = l).into_owned()
            }
            LoadError::JournalInvalid { path, problem } => {
                t!("load.journal_invalid", path = shown(path), problem = problem.message(lang), locale = l).into_owned()
            }
        }
    }
}

impl std::fmt::Display for LoadError {
    /// In English; what a user reads is [`LoadError::message`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for LoadError {}

/// Bytes as MiB for a message, rounded up: "1025 MiB".
fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

fn invalid_line(path: &Path, problems: &[Problem], at: &[(usize, usize)], lang: Lang) -> String {
    let l = lang.code();
    let first = problems.first().map(|p| p.message(lang)).unwrap_or_default();
    let (line, column) = at.first().copied().unwrap_or((1, 1));
    if problems.len() > 1 {
        let more = problems.len() - 1;
        t!(
            "load.invalid_more",
            path = shown(&path),
            line = line,
            column = column,
            problem = first,
            more = more,
            locale = l
        )
        .into_owned()
    } else {
        t!("load.invalid", path = shown(&path), line = line, column = column, problem = first, locale = l).into_owned()
    }
}

impl LoadError {
    /// One line per problem, each naming the file and line (for `validate`); other errors are a single line.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        match self {
            LoadError::Invalid { path, problems, at } => problems
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let (line, column) = at.get(i).copied().unwrap_or((1, 1));
                    t!(
                        "load.invalid",
                        path = shown(&path),
                        line = line,
                        column = column,
                        problem = p.message(lang),
                        locale = lang.code()
                    )
                    .into_owned()
                })
                .collect(),
            other => vec![other.message(lang)],
        }
    }
}

#[derive(Debug)]
pub enum SaveError {
    Io {
        path: PathBuf,
        source: io::Error,
    },
    Exists {
        path: PathBuf,
    },
    Invalid {
        path: PathBuf,
        problem: Problem,
    },
    Encode {
        path: PathBuf,
        message: String,
    },
    ChangedElsewhere {
        path: PathBuf,
    },
    /// The lock file was removed and another innolab took the session: nothing more is written to it.
    LockLost {
        path: PathBuf,
    },
}

impl SaveError {
    /// The one line that says what went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            SaveError::Io { path, source } => {
                t!("save.io", path = shown(path), error = source, locale = l).into_owned()
            }
            SaveError::Exists { path } => t!("save.exists", path = shown(path), locale = l).into_owned(),
            SaveError::Invalid { path, problem } => {
                t!("save.invalid", path = shown(path), problem = problem, locale = l).into_owned()
            }
            SaveError::Encode { path, message } => {
                t!("save.encode", path = shown(path), error = message, locale = l).into_owned()
            }
            SaveError::ChangedElsewhere { path } => {
                t!("save.changed_elsewhere", path = shown(path), locale = l).into_owned()
            }
            SaveError::LockLost { path } => t!("save.lock_lost", path = shown(path), locale = l).into_owned(),
        }
    }
}

impl std::fmt::Display for SaveError {
    /// In English; what a user reads is [`SaveError::message`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for SaveError {}

#[derive(Debug)]
pub enum LockError {
    Busy { path: PathBuf, holder: Option<u32> },
    Io { path: PathBuf, source: io::Error },
}

impl LockError {
    /// The one line that says what went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            LockError::Busy { path, holder } => busy_line(path, holder, lang),
            LockError::Io { path, source } => {
                t!("lock.io", path = shown(path), error = source, locale = l).into_owned()
            }
        }
    }
}

impl std::fmt::Display for LockError {
    /// In English; what a user reads is [`LockError::message`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for LockError {}

fn busy_line(path: &Path, holder: &Option<u32>, lang: Lang) -> String {
    let l = lang.code();
    match holder {
        Some(pid) => t!("lock.busy_pid", path = shown(&path), pid = pid, locale = l).into_owned(),
        None => t!("lock.busy", path = shown(&path), locale = l).into_owned(),
    }
}

/// Either way a session can fail to open for writing.
#[derive(Debug)]
pub enum OpenError {
    Lock(LockError),
    Load(LoadError),
}

impl OpenError {
    /// The one line that says what went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let _l = lang.code();
        match self {
            OpenError::Lock(v0) => v0.message(lang),
            OpenError::Load(v0) => v0.message(lang),
        }
    }
}

impl std::fmt::Display for OpenError {
    /// In English; what a user reads is [`OpenError::message`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for OpenError {}

impl From<LockError> for OpenError {
    fn from(e: LockError) -> Self {
        OpenError::Lock(e)
    }
}

impl From<LoadError> for OpenError {
    fn from(e: LoadError) -> Self {
        OpenError::Load(e)
    }
}
