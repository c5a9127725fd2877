//! The records the store keeps in sled.

use serde::{Deserialize, Serialize};

/// A mailbox address as written in a header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addr {
    pub name: Option<String>,
    pub email: String,
}

impl Addr {
    /// Addresses as a header shows them: `Name <email>, email`.
    pub fn list(v: &[Addr]) -> String {
        v.iter()
            .map(|a| match &a.name {
                Some(n) => format!("{n} <{}>", a.email),
                None => a.email.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An attachment's name and type (its bytes stay in the raw message).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub size: u32,
}

/// Where the date a message is filed under came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateSource {
    /// The `Date:` header.
    Header,
    /// The server's INTERNALDATE, because the header was missing or absurd.
    Internal,
    /// Neither was usable.
    Unknown,
}

/// Everything Siphon derives from one raw message. Stored in the pack entry beside the raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Without angle brackets. Synthetic (`…@siphon.invalid`, from the content hash) when missing.
    pub message_id: String,
    pub synthetic_id: bool,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from: Vec<Addr>,
    pub to: Vec<Addr>,
    pub cc: Vec<Addr>,
    pub reply_to: Vec<Addr>,
    pub subject: String,
    /// Unix seconds, UTC: the date the message is filed under, decided once, here.
    pub date: i64,
    pub date_source: DateSource,
    pub size: u32,
    pub attachments: Vec<Attachment>,
    pub snippet: String,
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub list_id: Option<String>,
    pub list_unsubscribe: Option<String>,
    /// True when the parser could not make sense of the message at all; it is kept raw all the same.
    pub unparsed: bool,
    /// What was odd about the message (no Date, NUL bytes, …), for `siphon status`.
    pub problems: Vec<String>,
}

/// IMAP flags of one message in one folder (flags belong to a location, not to a message).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags(pub Vec<String>);

impl Flags {
    /// Canonical form: sorted, de-duplicated, `\Recent` dropped (it is per-session, not state).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(flags: I) -> Flags {
        let mut v: Vec<String> = flags
            .into_iter()
            .map(Into::into)
            .filter(|f| !f.eq_ignore_ascii_case("\\Recent"))
            .collect();
        v.sort();
        v.dedup();
        Flags(v)
    }

    pub fn contains(&self, flag: &str) -> bool {
        self.0.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

/// One copy of a message on the server: a UID in a folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub hash: [u8; 16],
    pub flags: Flags,
}

/// Sync state of one folder of one account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderState {
    /// Local number of this folder generation; a new one after a UIDVALIDITY change.
    pub id: u32,
    pub account: String,
    pub name: String,
    pub uidvalidity: Option<u32>,
    /// Every UID below this one has been fetched (or was found expunged).
    pub synced_uidnext: u32,
    /// HIGHESTMODSEQ as of the last complete pass; `None` when unknown or unsupported.
    pub highestmodseq: Option<u64>,
    /// Number of locations stored for this folder.
    pub messages: u32,
    /// Unix seconds of the last complete pass.
    pub last_sync: Option<i64>,
    pub last_error: Option<String>,
    /// During a UIDVALIDITY re-map: the previous generation's id, whose locations are matched and
    /// then dropped.
    pub retired: Option<u32>,
}
