//! What went wrong outside the app (opening, saving, reloading, exporting), as the runtime reports it: kept
//! typed until a notice or the status bar words it, in the language on the screen at that moment.

use std::path::PathBuf;
use std::sync::Arc;

use rust_i18n::t;

use crate::i18n::Lang;
use crate::model::text::shown;
use crate::ops::OpsError;
use crate::store::{LoadError, OpenError, SaveError};

#[derive(Debug, Clone)]
pub enum Failure {
    /// A use case failed (a new session, an export).
    Ops(Arc<OpsError>),
    /// The file could not be read back (a reload).
    Load(Arc<LoadError>),
    /// The file could not be locked or loaded.
    Open(Arc<OpenError>),
    /// A save did not reach the file.
    Save(Arc<SaveError>),
    /// The disk has not answered a save for `secs` seconds.
    Hung { path: PathBuf, secs: u64 },
    /// The session's folder cannot be written.
    ReadOnly { path: PathBuf },
}

impl Failure {
    /// One line, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            Failure::Ops(e) => e.message(lang),
            Failure::Load(e) => e.message(lang),
            Failure::Open(e) => e.message(lang),
            Failure::Save(e) => e.message(lang),
            Failure::Hung { path, secs } => t!("save.hung", path = shown(path), secs = secs, locale = l).into_owned(),
            Failure::ReadOnly { path } => t!("save.read_only", path = shown(path), locale = l).into_owned(),
        }
    }

    /// Another program changed the file since it was loaded.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Failure::Save(e) if matches!(**e, SaveError::ChangedElsewhere { .. }))
    }
}

impl From<OpsError> for Failure {
    fn from(e: OpsError) -> Self {
        Failure::Ops(Arc::new(e))
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::Load(Arc::new(e))
    }
}

impl From<OpenError> for Failure {
    fn from(e: OpenError) -> Self {
        Failure::Open(Arc::new(e))
    }
}

impl From<SaveError> for Failure {
    fn from(e: SaveError) -> Self {
        Failure::Save(Arc::new(e))
    }
}

/// Two failures are the same report (errors themselves cannot be compared: they hold I/O errors).
impl PartialEq for Failure {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Failure::Ops(a), Failure::Ops(b)) => Arc::ptr_eq(a, b),
            (Failure::Load(a), Failure::Load(b)) => Arc::ptr_eq(a, b),
            (Failure::Open(a), Failure::Open(b)) => Arc::ptr_eq(a, b),
            (Failure::Save(a), Failure::Save(b)) => Arc::ptr_eq(a, b),
            (Failure::Hung { path: a, secs: x }, Failure::Hung { path: b, secs: y }) => a == b && x == y,
            (Failure::ReadOnly { path: a }, Failure::ReadOnly { path: b }) => a == b,
            _ => false,
        }
    }
}

impl Eq for Failure {}
