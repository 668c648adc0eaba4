//! Where the coach screen's socket lives and who may use it: a folder only this user can enter, a socket
//! only this user can open, and the user at the other end checked on every connection.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use rustix::process::{Uid, getuid};

/// Why the socket's folder cannot be used.
#[derive(Debug)]
pub struct DirError {
    pub dir: PathBuf,
    pub error: io::Error,
}

/// The folder of this user's coach sockets: `$XDG_RUNTIME_DIR/innolab` (a folder only this user can enter,
/// kept in memory and emptied at logout), else `innolab-UID` in the temporary folder. With `create` it is
/// made (mode 700) when missing. Refused when it is a link, another user's, or open to others: a socket
/// there could be someone else's.
pub fn socket_dir(create: bool) -> Result<PathBuf, DirError> {
    let uid = getuid();
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        Some(runtime) if runtime.is_absolute() && runtime.is_dir() => runtime.join("innolab"),
        _ => std::env::temp_dir().join(format!("innolab-{}", uid.as_raw())),
    };
    if create {
        match fs::DirBuilder::new().mode(0o700).create(&dir) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(DirError { dir, error: e }),
            _ => {}
        }
    }
    check_dir(&dir)?;
    Ok(dir)
}

/// A folder fit for sockets: a folder (not a link), this user's, closed to everyone else.
pub fn check_dir(dir: &Path) -> Result<(), DirError> {
    let uid = getuid();
    let fail = |error: io::Error| DirError { dir: dir.to_path_buf(), error };
    let meta = fs::symlink_metadata(dir).map_err(fail)?;
    if !meta.is_dir() {
        return Err(fail(io::Error::new(io::ErrorKind::InvalidInput, "not a folder")));
    }
    if meta.uid() != uid.as_raw() {
        return Err(fail(io::Error::new(io::ErrorKind::PermissionDenied, "owned by another user")));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(fail(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "other users can enter it (mode is not 700)",
        )));
    }
    Ok(())
}

/// The session as both sides name it: its absolute path with every link resolved.
pub fn session_key(session: &Path) -> PathBuf {
    fs::canonicalize(session).unwrap_or_else(|_| std::path::absolute(session).unwrap_or_else(|_| session.into()))
}

/// The socket of one session in `dir`: its file name (cut, only letters, digits, `-` and `_`) and a hash of
/// its whole path, so two sessions never share one and the name stays short enough for a socket address.
pub fn socket_path(dir: &Path, session: &Path) -> PathBuf {
    let key = session_key(session);
    let stem: String = key
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(32)
        .collect();
    let hash = crc32fast::hash(key.as_os_str().as_encoded_bytes());
    let len = key.as_os_str().len() as u32;
    dir.join(format!("{stem}-{hash:08x}{len:04x}.sock"))
}

/// Makes the socket file this user's alone (the folder already is).
pub fn owner_only(path: &Path) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// The user at the other end of a connection.
pub fn peer_uid(stream: &UnixStream) -> io::Result<Uid> {
    Ok(rustix::net::sockopt::socket_peercred(stream)?.uid)
}

/// This process's user.
pub fn own_uid() -> Uid {
    getuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_names_are_short_safe_and_distinct() {
        let dir = Path::new("/run/user/1000/innolab");
        let a = socket_path(dir, Path::new("/x/2022-11-02 lab;rm -rf.json"));
        let b = socket_path(dir, Path::new("/y/2022-11-02 lab;rm -rf.json"));
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("2022-11-02_lab_rm_-rf-") && name.ends_with(".sock"), "{name}");
        let long = socket_path(dir, &PathBuf::from(format!("/{}.json", "a".repeat(300))));
        assert!(long.as_os_str().len() < 100, "a socket address holds 107 bytes: {long:?}");
    }

    #[test]
    fn the_peer_of_a_pair_is_this_user() {
        let (a, _b) = UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), own_uid());
    }
}
