//! One process owns a data dir.
//!
//! sled (and later the search index writer) are single-process. Instead of letting a second process
//! hit sled's own lock (an opaque I/O error, or a panic deep inside), the store takes an exclusive
//! advisory lock on `DATA_DIR/siphon.lock` first and writes who holds it into that file, so the loser
//! can say exactly which process owns the data dir. The OS drops the lock when the owner exits, even
//! on `kill -9`, so there is no stale-lock clean-up.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// How long to wait when the recorded owner is dead but the lock is still held.
const ORPHAN_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether the process named in the lock file ("… (pid N)") no longer runs. Only Linux can tell
/// cheaply (/proc); elsewhere the owner is assumed alive.
fn owner_is_gone(held_by: &str) -> bool {
    let pid = held_by
        .rsplit_once("(pid ")
        .and_then(|(_, rest)| rest.trim_end_matches(')').parse::<u32>().ok());
    match pid {
        Some(pid) if cfg!(target_os = "linux") => {
            pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
        }
        _ => false,
    }
}

/// Held for as long as the process owns the data dir.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "the data dir {dir} is in use by {owner}; stop it, or point this command at another --data-dir"
    )]
    Busy { dir: PathBuf, owner: String },
    #[error("cannot lock the data dir {dir}: {source}")]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl DirLock {
    /// Takes the data dir for this process; `owner` says who we are ("siphon watch", "Siphon app").
    pub fn acquire(dir: &Path, owner: &str) -> Result<DirLock, LockError> {
        let io = |source| LockError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let path = dir.join("siphon.lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let deadline = std::time::Instant::now() + ORPHAN_GRACE;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut held_by = String::new();
                    file.seek(SeekFrom::Start(0)).map_err(io)?;
                    let _ = file.read_to_string(&mut held_by);
                    let held_by = held_by.trim().to_string();
                    // The recorded owner died (say, killed -9) but a child it had just started
                    // still holds the lock for a moment: wait for it rather than blame the dead.
                    if owner_is_gone(&held_by) && std::time::Instant::now() < deadline {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        continue;
                    }
                    return Err(LockError::Busy {
                        dir: dir.to_path_buf(),
                        owner: if held_by.is_empty() {
                            "another Siphon process".to_string()
                        } else {
                            held_by
                        },
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        let me = format!("{owner} (pid {})", std::process::id());
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(me.as_bytes()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(DirLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_owner_is_told_who_holds_the_dir() {
        let dir = tempfile::tempdir().unwrap();
        let _first = DirLock::acquire(dir.path(), "Siphon app").unwrap();
        let err = DirLock::acquire(dir.path(), "siphon sync").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("in use by Siphon app (pid "), "{msg}");
    }

    #[test]
    fn a_dead_owner_is_recognised() {
        assert!(owner_is_gone("siphon sync (pid 4000000000)") || !cfg!(target_os = "linux"));
        assert!(!owner_is_gone(&format!(
            "siphon (pid {})",
            std::process::id()
        )));
        assert!(!owner_is_gone("garbage"));
    }

    #[test]
    fn lock_is_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        drop(DirLock::acquire(dir.path(), "a").unwrap());
        DirLock::acquire(dir.path(), "b").unwrap();
    }
}
