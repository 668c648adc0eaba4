//! Emergency copies: where a session goes when its own file cannot be written (disk full, folder gone, file
//! changed by another program, a disk that does not answer). A copy is written whatever state the session is
//! in (it is not validated first: an invalid session is still the coach's ideas), beside the session when
//! that works and always in a durable per-user folder, so a reboot that empties `/tmp` loses nothing.

use std::path::{Path, PathBuf};

use crate::model::{Session, Timestamp};
use crate::store::{self, Publish, RealDisk, SaveError};

/// The environment variable that moves the per-user folder (tests, or a coach who wants the copies on a
/// USB stick).
pub const STATE_DIR_VAR: &str = "INNOLAB_STATE_DIR";

/// innolab's durable per-user folder: `$INNOLAB_STATE_DIR`, else the platform's state folder
/// (`$XDG_STATE_HOME/innolab`, `~/.local/state/innolab` on Linux), else its local data folder (macOS
/// `~/Library/Application Support/innolab`, Windows `%LOCALAPPDATA%\innolab`).
pub fn state_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(STATE_DIR_VAR).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::state_dir().or_else(dirs::data_local_dir).map(|d| d.join("innolab"))
}

/// Where emergency copies are kept for good: `<state dir>/emergency`.
pub fn emergency_dir() -> Option<PathBuf> {
    state_dir().map(|d| d.join("emergency"))
}

/// The bytes of an emergency copy: the session as it is, valid or not.
fn encode_anyway(session: &Session) -> Option<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(session).ok()?;
    bytes.push(b'\n');
    Some(bytes)
}

/// Which copies to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Places {
    /// Beside the session and in the per-user folder.
    Both,
    /// Only in the per-user folder: the session's own disk does not answer.
    DurableOnly,
}

/// The emergency copies of one streak of failed saves: written again with the newest state each time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copies {
    /// The durable folder ([`emergency_dir`] unless a test names another).
    durable: Option<PathBuf>,
    pub paths: Vec<PathBuf>,
}

impl Default for Copies {
    fn default() -> Copies {
        Copies { durable: emergency_dir(), paths: Vec::new() }
    }
}

impl Copies {
    /// Copies whose durable folder is `durable` rather than the per-user one.
    pub fn in_folder(durable: PathBuf) -> Copies {
        Copies { durable: Some(durable), paths: Vec::new() }
    }

    /// Writes `session` to its emergency copies: over the ones this streak already has, else new files named
    /// `NAME.emergency-DATE.json` beside the session (when `places` allows) and in [`emergency_dir`]. Returns
    /// where it now is; empty only when nothing could be written anywhere.
    pub fn write(&mut self, path: &Path, session: &Session, now: Timestamp, places: Places) -> Vec<PathBuf> {
        let Some(bytes) = encode_anyway(session) else { return Vec::new() };
        let mut written = Vec::new();
        let beside = dir_of(path).to_path_buf();
        let mut folders = Vec::new();
        if places == Places::Both {
            folders.push(beside.clone());
        }
        if let Some(durable) = self.durable.clone() {
            folders.push(durable);
        }
        if folders.is_empty() {
            folders.push(std::env::temp_dir());
        }
        for folder in folders {
            let existing = self.paths.iter().find(|p| dir_of(p) == folder).cloned();
            if let Some(copy) = existing
                && store::write_atomic(&RealDisk, &copy, &bytes, Publish::Replace).is_ok()
            {
                written.push(copy);
                continue;
            }
            if folder != beside && store::create_private_dir(&folder).is_err() {
                continue;
            }
            if let Some(copy) = write_new(&folder, path, &bytes, now) {
                written.push(copy);
            }
        }
        self.paths.clone_from(&written);
        written
    }
}

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A new copy in `folder`, never over another file: `NAME.emergency-DATE.json`, then `-2`, `-3` … when two
/// sessions of the same name fail in the same second.
fn write_new(folder: &Path, path: &Path, bytes: &[u8], now: Timestamp) -> Option<PathBuf> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
    let stamp = now.format("%Y%m%d-%H%M%S");
    for n in 1..100 {
        let name = if n == 1 {
            format!("{stem}.emergency-{stamp}.json")
        } else {
            format!("{stem}.emergency-{stamp}-{n}.json")
        };
        let candidate = folder.join(name);
        match store::write_atomic(&RealDisk, &candidate, bytes, Publish::NoClobber) {
            Ok(()) => return Some(candidate),
            Err(SaveError::Exists { .. }) => continue,
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    use crate::model::{MAX_ID, NewIdea};

    #[test]
    fn an_invalid_session_is_still_copied_beside_and_in_the_durable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let durable = dir.path().join("state/emergency");
        let now = DateTime::parse_from_rfc3339("2022-11-02T08:00:00+07:00").unwrap();
        let mut session = Session::new(crate::testing::seed_plan(), now);
        session.add_idea(NewIdea { group: "meja-1".into(), title: "SIP".into(), ..Default::default() }, now).unwrap();
        session.ideas[0].id = MAX_ID + 7;
        let path = dir.path().join("lab.json");
        let mut copies = Copies::in_folder(durable.clone());
        let written = copies.write(&path, &session, now, Places::Both);
        assert_eq!(
            written,
            vec![
                dir.path().join("lab.emergency-20221102-080000.json"),
                durable.join("lab.emergency-20221102-080000.json")
            ]
        );
        for copy in &written {
            let text = std::fs::read_to_string(copy).unwrap();
            assert!(text.contains(&(MAX_ID + 7).to_string()), "the copy holds the session as it was");
        }
        // The next failure of the streak rewrites the same copies; a disk that hangs gets the durable one only.
        session.ideas[0].title = "SIP 2".into();
        let again = copies.write(&path, &session, now, Places::DurableOnly);
        assert_eq!(again, vec![durable.join("lab.emergency-20221102-080000.json")]);
        assert!(std::fs::read_to_string(&again[0]).unwrap().contains("SIP 2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&durable).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
    }
}
