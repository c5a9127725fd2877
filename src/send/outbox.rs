//! The outbox: every outgoing message, durable from the moment the person sends it until its
//! copy is back from the server.
//!
//! A message's bytes are written to `outbox/ID.eml` (and fsynced) before its record exists; the
//! record (`"x" id` in the store, JSON) is flushed at every change of state. States:
//!
//! ```text
//! queued ──(due: undo window over, or backoff over)──> sending ──(server's 250)──> sent
//!    │                                                    │
//!    │ transient failure: attempts+1, due = now + backoff  │ crash / lost connection during DATA
//!    │ permanent failure ──> failed (says why)             └──> held ("may have been sent")
//!    └─ cancel: record and file removed
//! ```
//!
//! "sending" is made durable before the SMTP DATA command, so a message found in that state
//! after a crash is uncertain: the server may or may not have taken it. It is never resent on
//! its own; it is held for the person to decide, unless the server's own Sent copy proves it left.
//! After "sent", the copy for teammates is appended to the Sent folder (`copied`); once sync
//! brings that copy into the store, the record is dropped and the ticket shows the real message.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::{self, Store};
use crate::ticket::op::{Kind, Status};

/// Where an outgoing message is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waiting for its undo window or its next try.
    Queued,
    /// Handed to the server; what happened next is not yet recorded.
    Sending,
    /// The server took it.
    Sent,
    /// The server refused it for good (auth, recipient, size); the draft is kept.
    Failed,
    /// Maybe sent: the person decides whether to send it again.
    Held,
}

/// What sort of message it is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    Reply,
    ReplyAll,
    Forward,
    New,
}

/// One outgoing message's record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    /// The ticket's id when it was sent (`None` for a new conversation).
    pub ticket: Option<String>,
    /// The Message-ID of the message answered or forwarded, which finds the ticket again after
    /// a merge renames it.
    pub parent: Option<String>,
    pub account: String,
    pub purpose: Purpose,
    /// The envelope sender.
    pub from: String,
    /// Every envelope recipient (To and Cc).
    pub to: Vec<String>,
    pub subject: String,
    /// Without angle brackets.
    pub message_id: String,
    pub state: State,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// A stable name for the last error's kind (`auth`, `recipient`, `too_large`, `network` …).
    pub error_kind: Option<String>,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created: i64,
    /// When it may leave (end of the undo window, or of the backoff); once sent, when the
    /// Sent copy is next tried, if it could not be filed.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub due: i64,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub sent_at: Option<i64>,
    /// The team's copy is in the Sent folder (appended, or filed by the server itself).
    pub copied: bool,
    /// What sending it did to its ticket, to put back if it is cancelled.
    #[serde(default)]
    pub undo: Option<Undo>,
}

/// What a reply did to its ticket when it was sent (its template's settings, "pending"), as
/// the values to restore.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undo {
    /// The status before, when sending changed it.
    pub status: Option<Status>,
    /// Sending changed the kind; `kind` is the one before (which may be none). Two fields,
    /// because JSON cannot tell "no change" from "was none" in a nested option.
    #[serde(default)]
    pub kind_changed: bool,
    pub kind: Option<Kind>,
    /// Tags sending added.
    pub tags: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("cannot write the outbox file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the outbox record {id} is damaged: {message}")]
    Corrupt { id: String, message: String },
    #[error("no outgoing message {0} (see: siphon outbox)")]
    Missing(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The outbox of one workspace.
pub struct Outbox<'a> {
    store: &'a Store,
    dir: PathBuf,
}

impl<'a> Outbox<'a> {
    pub fn new(store: &'a Store) -> Outbox<'a> {
        Outbox {
            dir: store.dir().join("outbox"),
            store,
        }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.eml"))
    }

    fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Adds a message: its bytes first (fsynced, with the directory), then its record.
    pub fn add(&self, item: &Item, raw: &[u8]) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Self::io(&self.dir, e))?;
        let path = self.path(&item.id);
        let tmp = self.dir.join(format!("{}.tmp", item.id));
        let mut f = std::fs::File::create(&tmp).map_err(|e| Self::io(&tmp, e))?;
        f.write_all(raw).map_err(|e| Self::io(&tmp, e))?;
        f.sync_all().map_err(|e| Self::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Self::io(&path, e))?;
        std::fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Self::io(&self.dir, e))?;
        self.save(item)
    }

    /// Records a change of state, durably.
    pub fn save(&self, item: &Item) -> Result<()> {
        let json = serde_json::to_vec(item).map_err(|e| Error::Corrupt {
            id: item.id.clone(),
            message: e.to_string(),
        })?;
        Ok(self.store.outbox_put(&item.id, &json)?)
    }

    pub fn get(&self, id: &str) -> Result<Item> {
        let bytes = self
            .store
            .outbox_get(id)?
            .ok_or_else(|| Error::Missing(id.to_string()))?;
        decode(id, &bytes)
    }

    /// Every record, oldest first.
    pub fn all(&self) -> Result<Vec<Item>> {
        let mut items = self
            .store
            .outbox_all()?
            .into_iter()
            .map(|(id, v)| decode(&id, &v))
            .collect::<Result<Vec<_>>>()?;
        items.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
        Ok(items)
    }

    /// The message's bytes.
    pub fn raw(&self, id: &str) -> Result<Vec<u8>> {
        let path = self.path(id);
        std::fs::read(&path).map_err(|e| Self::io(&path, e))
    }

    /// Removes a message: its record first (so a crash never leaves a record without bytes),
    /// then its file.
    pub fn remove(&self, id: &str) -> Result<()> {
        self.store.outbox_remove(id)?;
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Self::io(&path, e)),
            _ => Ok(()),
        }
    }
}

fn decode(id: &str, bytes: &[u8]) -> Result<Item> {
    serde_json::from_slice(bytes).map_err(|e| Error::Corrupt {
        id: id.to_string(),
        message: e.to_string(),
    })
}

/// Seconds before the next try after `attempts` failed ones: 30 s, doubling, at most 30 min.
pub fn backoff(attempts: u32) -> i64 {
    let exp = attempts.saturating_sub(1).min(6);
    (30i64 << exp).min(30 * 60)
}

/// A short id for a new outgoing message, unique within the outbox: time then a hash suffix.
pub fn new_id(message_id: &str, now: i64) -> String {
    let h = blake3::hash(message_id.as_bytes());
    let suffix: String = h.as_bytes()[..3]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let when = chrono::DateTime::from_timestamp(now, 0)
        .map(|d| d.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_default();
    format!("{when}-{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_minute_to_half_an_hour() {
        let waits: Vec<i64> = (1..=9).map(backoff).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
    }

    #[test]
    fn ids_sort_by_time_and_differ_by_message() {
        let a = new_id("a@x", 1_700_000_000);
        let b = new_id("b@x", 1_700_000_000);
        let c = new_id("a@x", 1_700_000_001);
        assert_ne!(a, b);
        assert!(a < c && b < c, "{a} {b} {c}");
        assert_eq!(a.len(), "20231114-221320-abcdef".len());
    }
}
