//! The overlay on disk: `tickets.idx.log` beside the index, appended to (and synced) after each
//! change. It starts with the generation of the index it applies to, so a journal left behind by
//! an index written since is ignored. Each record is a length, a checksum and the changed
//! tickets' states (postcard); a record cut short by a crash ends the journal, and the next append
//! writes over it.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::io;
use super::overlay::Change;
use crate::store::{Error, Result};
use crate::ticket::build::Ticket;

const MAGIC: &[u8; 4] = b"STIJ";
const HEAD: u64 = 12;

pub fn path(index: &Path) -> PathBuf {
    index.with_extension("idx.log")
}

fn checksum(payload: &[u8]) -> [u8; 4] {
    let h = blake3::hash(payload);
    let mut c = [0u8; 4];
    c.copy_from_slice(&h.as_bytes()[..4]);
    c
}

/// What a journal holds for an index generation: each changed ticket's last state, and how many
/// of its bytes are whole (0: there is no journal for this generation).
#[derive(Default)]
pub struct Journal {
    pub changed: BTreeMap<String, Option<Ticket>>,
    pub len: u64,
}

/// Reads the journal of generation `generation` (nothing if it is missing or of another).
pub fn read(path: &Path, generation: u64) -> Journal {
    let mut bytes = Vec::new();
    let Ok(mut f) = std::fs::File::open(path) else {
        return Journal::default();
    };
    if f.read_to_end(&mut bytes).is_err()
        || bytes.len() < HEAD as usize
        || &bytes[..4] != MAGIC
        || bytes[4..12] != generation.to_le_bytes()
    {
        return Journal::default();
    }
    let mut out = Journal {
        changed: BTreeMap::new(),
        len: HEAD,
    };
    let mut at = HEAD as usize;
    while let Some(head) = bytes.get(at..at + 8) {
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let Some(payload) = bytes.get(at + 8..at + 8 + len) else {
            break;
        };
        if head[4..8] != checksum(payload) {
            break;
        }
        let Ok(changes) = postcard::from_bytes::<Vec<Change>>(payload) else {
            break;
        };
        out.changed.extend(changes);
        at += 8 + len;
        out.len = at as u64;
    }
    out
}

/// Appends one record after the first `len` bytes (a new journal when `len` is 0), synced.
/// Returns the journal's new length.
pub fn append(path: &Path, generation: u64, len: u64, changes: &[Change]) -> Result<u64> {
    let payload = postcard::to_stdvec(changes).map_err(|e| Error::Corrupt {
        key: "ticket index journal".into(),
        reason: e.to_string(),
    })?;
    let mut record = Vec::with_capacity(HEAD as usize + 8 + payload.len());
    if len == 0 {
        record.extend_from_slice(MAGIC);
        record.extend_from_slice(&generation.to_le_bytes());
    }
    record.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    record.extend_from_slice(&checksum(&payload));
    record.extend_from_slice(&payload);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(path)
        .map_err(|e| io(path, e))?;
    // Whatever follows the whole records (a record cut short by a crash) is written over.
    f.set_len(len).map_err(|e| io(path, e))?;
    f.seek(SeekFrom::Start(len)).map_err(|e| io(path, e))?;
    f.write_all(&record).map_err(|e| io(path, e))?;
    f.sync_data().map_err(|e| io(path, e))?;
    Ok(len + record.len() as u64)
}

/// Removes the journal (after the index was written whole).
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}
