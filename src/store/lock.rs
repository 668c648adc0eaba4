//! The one-writer lock: a hidden side file beside the real session file, held while this process may
//! write; a session opened for writing ([`OpenSession`]) holds it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rust_i18n::t;

use super::load::read_hashed;
use super::save::{dir_of, remove_stale_temps};
use super::*;
use crate::model::Session;
use crate::model::text::shown;

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
        // And what a writer killed while starting the journal left (its temp, never the journal itself).
        remove_stale_temps(&super::journal::journal_path(&path));
        let stamp = FileStamp::of(&path).ok();
        let (bytes, hash) = read_hashed(&path)?;
        let session = decode_with_journal_hashed(&path, &bytes, Some(hash))?;
        let version = stamp.map(|stamp| FileVersion { stamp, hash });
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
