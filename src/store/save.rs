//! Saving: the atomic durable write (temp file, fsync, rename, fsync of the folder), private files and
//! folders, stale temp files, and noticing another program's change before saving over it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::load::read;
use super::*;
use crate::model::Session;
use crate::model::validate::session_problems;

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

pub(super) fn dir_of(path: &Path) -> &Path {
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
    write_atomic(disk, path, &bytes, Publish::Replace)?;
    super::journal::retire(path);
    Ok(())
}

/// Writes a new session file; fails with [`SaveError::Exists`] rather than overwrite anything.
pub fn create(path: &Path, session: &Session) -> Result<(), SaveError> {
    let bytes = encode(path, session)?;
    write_atomic(&RealDisk, path, &bytes, Publish::NoClobber)?;
    // A journal left by an earlier session of the same name names another file: it is never replayed, and
    // goes now.
    super::journal::retire(path);
    Ok(())
}

/// Removes temp files a killed writer of this session left behind (`.NAME.PID.N.tmp`). Only called with the
/// lock held, so no other process can be writing one; the session file itself is never touched.
pub(super) fn remove_stale_temps(path: &Path) {
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
    pub(super) hash: u64,
}

impl FileVersion {
    pub fn of_bytes(stamp: FileStamp, bytes: &[u8]) -> FileVersion {
        FileVersion { stamp, hash: content_hash(bytes) }
    }

    /// What the journal names as the file it extends (see [`super::journal`]): the content, not the stamp.
    pub fn journal_base(&self) -> String {
        super::journal::base_of(self.hash)
    }
}

/// The content's length and CRC-32 in one number: stable across builds and machines (a journal written by
/// one innolab is read by the next), and fast (a 42 MB session in a few milliseconds).
pub fn content_hash(bytes: &[u8]) -> u64 {
    hash_of(bytes.len() as u64, crc32fast::hash(bytes))
}

/// [`content_hash`] of content of `len` bytes whose CRC-32 is `crc`.
pub(super) fn hash_of(len: u64, crc: u32) -> u64 {
    (len << 32) ^ u64::from(crc)
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
    super::journal::retire(path);
    let stamp = FileStamp::of(path).map_err(|source| SaveError::Io { path: path.to_path_buf(), source })?;
    let version = FileVersion::of_bytes(stamp, &bytes);
    Ok(if recreated { Guarded::Recreated(version) } else { Guarded::Saved(version) })
}
