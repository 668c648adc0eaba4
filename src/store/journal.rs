//! The journal: the changes made since the session file was last written whole, one line each, beside it
//! (`.NAME.json.journal`). A captured idea costs one appended line and an fdatasync, whatever the session's
//! size; the session file is rewritten whole (and the journal removed) now and then, and at quit.
//!
//! Every reader of a session (`load`) replays its journal, so the file and its journal are one session to
//! every command. A line is acknowledged only once it is on disk whole: a last line without its newline is a
//! write a crash cut short, never acknowledged, and is left out. Any complete line that does not decode is
//! damage, reported with its line number; nothing is overwritten.
//!
//! The first line names the version of the session file the journal extends (`{"journal":1,"base":"…"}`,
//! its length and CRC-32). A journal whose base is not the file as it is now is stale: the file was written
//! whole since (a crash came between writing it and removing the journal), so everything in the journal is
//! already in it; a stale journal is never replayed.
//!
//! Each line holds the new version of every idea the change touched (added, edited, moved, deleted, restored)
//! and where the room is (`progress`, `updated_at`). Replaying a line replaces the ideas with the same id and
//! appends the new ones, so replaying a journal whose changes are already in the file changes nothing: a crash
//! between writing the file whole and removing the journal loses nothing and breaks nothing.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Disk, LoadError, RealDisk, SaveError, dir_of, private_options};
pub use crate::model::Changed;
use crate::model::{Idea, Progress, Session, Submission, Timestamp};

/// The journal of the session file at `path`: `.NAME.journal` in the same folder.
pub fn journal_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
    dir_of(path).join(format!(".{name}.journal"))
}

/// The first line: which version of the session file the journal extends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    journal: u32,
    base: String,
}

/// The journal format this build writes and reads.
const JOURNAL_VERSION: u32 = 1;

/// One change, as one line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub updated_at: Timestamp,
    /// The new version of each idea the change touched.
    pub ideas: Vec<Idea>,
    /// The new version of each submission (room mode) the change touched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub submissions: Vec<Submission>,
    /// The new version of each vote the change touched (opened, a ballot, a count, closed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<crate::model::Vote>,
    pub progress: Progress,
}

impl Record {
    /// The line for `ideas` and `submissions` (ids) of `session` as it is now, with its progress; those no
    /// longer there are left out (there are none: neither is ever removed).
    pub fn of(session: &Session, changed: &Changed) -> Record {
        let ideas = changed.ideas.iter().filter_map(|&id| session.idea(id)).cloned().collect();
        let submissions = changed.submissions.iter().filter_map(|&id| session.submission(id)).cloned().collect();
        let votes = changed.votes.iter().filter_map(|&id| session.vote(id)).cloned().collect();
        Record { updated_at: session.updated_at, ideas, submissions, votes, progress: session.progress.clone() }
    }

    /// The line, with its newline.
    pub fn encode(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).unwrap_or_default();
        line.push(b'\n');
        line
    }

    /// Applies the change to `session`: ideas with the same id are replaced, new ones appended.
    pub fn apply(self, session: &mut Session) {
        for idea in self.ideas {
            match session.idea_position(idea.id) {
                Some(i) => session.ideas[i] = idea,
                None => session.ideas.push(idea),
            }
        }
        for submission in self.submissions {
            let list = &mut session.room.submissions;
            match list.binary_search_by_key(&submission.id, |s| s.id) {
                Ok(i) => list[i] = submission,
                Err(_) => match list.iter().position(|s| s.id == submission.id) {
                    Some(i) => list[i] = submission,
                    None => list.push(submission),
                },
            }
        }
        for vote in self.votes {
            match session.votes.iter().position(|v| v.id == vote.id) {
                Some(i) => session.votes[i] = vote,
                None => session.votes.push(vote),
            }
        }
        session.progress = self.progress;
        session.updated_at = self.updated_at;
    }
}

/// Appends `line` (one encoded record) to the journal of `path` and waits until it is on disk.
pub fn append(path: &Path, line: &[u8]) -> Result<(), SaveError> {
    let journal = journal_path(path);
    let io_err = |source| SaveError::Io { path: journal.clone(), source };
    let mut file = private_options().append(true).open(&journal).map_err(io_err)?;
    file.write_all(line).map_err(io_err)?;
    file.sync_data().map_err(io_err)
}

/// Starts the journal of `path` over the file's version `base`, with its first line: written whole to a
/// temp file, synced and renamed over any older journal, then the folder synced. A crash leaves the old
/// journal (stale, or the one being replaced) or the new one, never a part of it.
pub fn start(path: &Path, base: &str, line: &[u8]) -> Result<(), SaveError> {
    let header = Header { journal: JOURNAL_VERSION, base: base.to_string() };
    let mut bytes = serde_json::to_vec(&header).unwrap_or_default();
    bytes.push(b'\n');
    bytes.extend_from_slice(line);
    super::write_atomic(&RealDisk, &journal_path(path), &bytes, super::Publish::Replace)
}

/// How a journal names the version of the file it extends.
pub fn base_of(content_hash: u64) -> String {
    format!("{content_hash:016x}")
}

/// The base the journal of `path` names, when it has a readable first line.
pub fn base(path: &Path) -> Option<String> {
    let bytes = fs::read(journal_path(path)).ok()?;
    let first = bytes.split(|&b| b == b'\n').next()?;
    serde_json::from_slice::<Header>(first).ok().filter(|h| h.journal == JOURNAL_VERSION).map(|h| h.base)
}

/// Removes the journal of `path` once the session file was written whole (it holds everything in the
/// journal). Best effort: a journal that cannot be removed is stale by its base and never replayed.
pub fn retire(path: &Path) {
    if fs::remove_file(journal_path(path)).is_ok() {
        let _ = RealDisk.sync_dir(dir_of(path));
    }
}

/// The size of the journal of `path` in bytes (0 without one).
pub fn size(path: &Path) -> u64 {
    fs::metadata(journal_path(path)).map_or(0, |m| m.len())
}

/// Replays the journal of `path`, if there is one and it extends the file as it is (`bytes`), onto `session`
/// (just decoded from those bytes). Returns how many changes were replayed.
pub fn replay(path: &Path, bytes: &[u8], hash: Option<u64>, session: &mut Session) -> Result<usize, LoadError> {
    let journal = journal_path(path);
    let text = match super::read_input(&journal, super::MAX_SESSION_BYTES) {
        Ok(text) => text,
        Err(LoadError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    // Only whole lines: the part after the last newline was never acknowledged.
    let whole = text.iter().rposition(|&b| b == b'\n').map_or(&[][..], |end| &text[..end]);
    let mut lines = whole.split(|&b| b == b'\n');
    let Some(first) = lines.next().filter(|l| !l.is_empty()) else { return Ok(0) };
    let bad = |line: usize, message: String| LoadError::Journal {
        path: journal.clone(),
        line,
        message: crate::model::text::escape_visible(&message).into_owned(),
    };
    let header: Header = serde_json::from_slice(first).map_err(|e| bad(1, e.to_string()))?;
    if header.journal != JOURNAL_VERSION {
        return Err(bad(1, format!("journal version {}", header.journal)));
    }
    if header.base != base_of(hash.unwrap_or_else(|| super::content_hash(bytes))) {
        return Ok(0);
    }
    let mut replayed = 0;
    for (n, line) in lines.enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record: Record = serde_json::from_slice(line).map_err(|e| bad(n + 2, e.to_string()))?;
        record.apply(session);
        replayed += 1;
    }
    Ok(replayed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewIdea;
    use crate::testing::{at, seed_session};

    fn idea(title: &str) -> NewIdea {
        NewIdea { group: "meja-1".into(), title: title.into(), ..Default::default() }
    }

    /// A session file on disk, its base, and the session as loaded.
    fn on_disk(dir: &Path) -> (PathBuf, String, Session) {
        let path = dir.join("lab.json");
        let mut session = seed_session(at("2022-11-02T08:00:00+07:00"));
        session.add_idea(idea("Antrean online"), session.created_at).unwrap();
        super::super::save(&path, &session).unwrap();
        let base = base_of(super::super::content_hash(&fs::read(&path).unwrap()));
        let loaded = super::super::load(&path).unwrap();
        (path, base, loaded)
    }

    #[test]
    fn changes_appended_to_the_journal_are_part_of_the_session() {
        let dir = tempfile::tempdir().unwrap();
        let (path, base, mut session) = on_disk(dir.path());
        let now = at("2022-11-02T09:00:00+07:00");
        let id = session.add_idea(idea("SIP dalam satu hari"), now).unwrap();
        start(&path, &base, &Record::of(&session, &Changed::ideas(&[id])).encode()).unwrap();
        session.idea_mut(1).unwrap().title = "Antrean online puskesmas".into();
        session.idea_mut(id).unwrap().deleted = true;
        session.progress.block = "d2-curah-ide".into();
        append(&path, &Record::of(&session, &Changed::ideas(&[1, id])).encode()).unwrap();
        assert_eq!(super::super::load(&path).unwrap(), session, "the file and its journal are the session");
        // A write a crash cut short (no newline) was never acknowledged: it is left out.
        let before = session.clone();
        session.add_idea(idea("Setengah tertulis"), now).unwrap();
        let mut torn = Record::of(&session, &Changed::ideas(&[3])).encode();
        torn.pop();
        append(&path, &torn[..torn.len() / 2]).unwrap();
        assert_eq!(super::super::load(&path).unwrap(), before);
    }

    #[test]
    fn a_damaged_line_is_named_and_a_stale_journal_is_never_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let (path, base, mut session) = on_disk(dir.path());
        let id = session.add_idea(idea("SIP"), session.updated_at).unwrap();
        start(&path, &base, &Record::of(&session, &Changed::ideas(&[id])).encode()).unwrap();
        append(&path, b"{\"ideas\": 7}\n").unwrap();
        let error = super::super::load(&path).unwrap_err();
        assert!(matches!(&error, LoadError::Journal { line: 3, .. }), "{error}");
        assert!(error.to_string().starts_with(&format!("{}, line 3: ", journal_path(&path).display())), "{error}");

        // The file written whole since: the journal names another version, and is not replayed.
        start(&path, &base, &Record::of(&session, &Changed::ideas(&[id])).encode()).unwrap();
        let mut other = session.clone();
        other.ideas.truncate(1);
        other.plan.title = "Lab lain".into();
        fs::write(&path, serde_json::to_vec_pretty(&other).unwrap()).unwrap();
        assert_eq!(super::super::load(&path).unwrap().ideas.len(), 1, "a stale journal is left out");
    }

    #[test]
    fn writing_the_file_whole_retires_its_journal() {
        let dir = tempfile::tempdir().unwrap();
        let (path, base, mut session) = on_disk(dir.path());
        let id = session.add_idea(idea("SIP"), session.updated_at).unwrap();
        start(&path, &base, &Record::of(&session, &Changed::ideas(&[id])).encode()).unwrap();
        let loaded = super::super::load(&path).unwrap();
        super::super::save(&path, &loaded).unwrap();
        assert!(!journal_path(&path).exists());
        assert_eq!(super::super::load(&path).unwrap(), session);
    }

    #[test]
    fn text_in_a_journal_is_made_inert_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let (path, base, mut session) = on_disk(dir.path());
        let id = session.add_idea(idea("x"), session.updated_at).unwrap();
        session.idea_mut(id).unwrap().title = "Ide\u{1b}[2J jahat".into();
        start(&path, &base, &Record::of(&session, &Changed::ideas(&[id])).encode()).unwrap();
        assert_eq!(super::super::load(&path).unwrap().idea(id).unwrap().title, "Ide jahat");
        session.idea_mut(id).unwrap().group = "meja-99".into();
        start(&path, &base, &Record::of(&session, &Changed::ideas(&[id])).encode()).unwrap();
        let error = super::super::load(&path).unwrap_err();
        assert!(matches!(error, LoadError::JournalInvalid { .. }), "{error}");
    }
}
