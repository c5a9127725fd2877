//! The types the UI sends and receives besides the engine's own, and the error every command
//! rejects with. TypeScript definitions of all of them are generated into ui/src/api/bindings.ts
//! (see `bindings` in the tests) and committed; a test fails when they are stale.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use siphon::engine::{Counts, MessageBody, Prefs, Row, TicketDetail};

/// What every failed command rejects with in the UI: `{ kind, message }`. `kind` is stable
/// (`auth`, `network`, `tls`, `usage`, `busy`, `executable` …); the UI never matches `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    pub kind: String,
    pub message: String,
}

impl CommandError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        CommandError {
            kind: kind.to_string(),
            message: message.into(),
        }
    }
}

impl From<siphon::engine::Error> for CommandError {
    fn from(error: siphon::engine::Error) -> Self {
        CommandError::new(error.kind(), error.to_string())
    }
}

impl From<tauri::Error> for CommandError {
    fn from(error: tauri::Error) -> Self {
        CommandError::new("internal", error.to_string())
    }
}

pub type Answer<T> = Result<T, CommandError>;

/// The person using Siphon on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// Where the app stands: which workspace, whether it has accounts, who "me" is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// The demo workspace is open (no account, no network).
    pub demo: bool,
    /// At least one account is configured (or this is the demo).
    pub configured: bool,
    pub me: Option<Person>,
    pub data_dir: String,
    pub platform: String,
}

/// An account as the first-run form fills it in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
pub struct AccountInput {
    /// A short name: `support`, `billing`.
    pub name: String,
    pub email: String,
    /// Other addresses mail arrives at on this account.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub imap_host: String,
    /// Empty: the security's usual port.
    pub imap_port: Option<u16>,
    /// `tls`, `starttls` or `plain` (plain only to this machine).
    pub security: String,
    /// Empty: the email address.
    pub user: Option<String>,
    /// Kept in the OS keychain, never in the config.
    pub password: String,
    /// A CA certificate (PEM file) to trust, for a self-hosted server.
    #[serde(default)]
    pub ca_cert: Option<String>,
}

/// Sync state of one account, for the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum SyncState {
    /// Not syncing (the demo, or before the first pass starts).
    Idle { last_sync: Option<String> },
    Syncing {
        folder: String,
        done: u32,
        total: u32,
    },
    /// Current; pushed by IDLE from here on.
    Current { last_sync: String },
    /// The network is down; retrying on its own.
    Offline { error: String, since: String },
    /// Something needs the person (wrong password, certificate …).
    Failed { kind: String, error: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountSync {
    pub name: String,
    pub email: String,
    pub sync: SyncState,
}

/// The sidebar: views, tags and accounts with counts, saved searches, sync state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Sidebar {
    pub counts: Counts,
    pub accounts: Vec<AccountSync>,
    pub prefs: Prefs,
    /// Outgoing messages that need the person or are waiting: queued, failed or held.
    pub outbox: usize,
}

/// An opened list: its handle for [`crate::commands::list_rows`] and its length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ListInfo {
    #[ts(type = "number")]
    pub list: u64,
    pub total: usize,
    /// A search with words: best first, cut at `siphon::engine::SEARCH_LIMIT`.
    pub ranked: bool,
    /// The list's first rows, as many as were asked for (what fills the screen), so that the
    /// list shows without a second call.
    pub rows: Vec<Row>,
}

/// Everything the ticket view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TicketPage {
    pub detail: TicketDetail,
    /// The messages the view shows open, made safe to show (remote images blocked): the first
    /// and the latest, in the order of `detail.messages`. The ones between are folded until a
    /// person opens them (`message_body`); a long thread opens at the speed of a short one.
    pub bodies: Vec<MessageBody>,
    /// The customer's other tickets, newest first.
    pub others: Vec<Row>,
}

/// Something changed in the workspace: the UI refreshes what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Changed {
    /// Tickets that arrived (new, or new mail on mine), for the UI to mark.
    pub arrivals: Vec<siphon::engine::Arrival>,
}

/// A reply as the composer sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
pub struct ReplyRequest {
    pub ticket: String,
    pub body: String,
    /// Reply to everyone on the message (the team's own addresses left out).
    #[serde(default)]
    pub all: bool,
    /// The template the body came from: its status, kind and tags apply when the reply is sent
    /// (and are undone with it).
    #[serde(default)]
    pub template: Option<String>,
}

/// A forward as the composer sends it: one of the ticket's messages, attached whole.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
pub struct ForwardRequest {
    pub ticket: String,
    /// The message forwarded; `None` forwards the ticket's last message.
    #[serde(default)]
    pub message_id: Option<String>,
    /// Addresses, one each: the UI splits what was typed.
    pub to: Vec<String>,
    /// A few words above the forwarded message; may be empty.
    #[serde(default)]
    pub body: String,
}

/// The first message of a new conversation, from one of the accounts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
pub struct NewRequest {
    /// The account's name (its main address is the sender).
    pub account: String,
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// Outgoing messages changed state (sent, failed, held …) in the background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OutboxChanged {
    /// The records as they are now.
    pub items: Vec<siphon::send::outbox::Item>,
}

/// Event names, the same on both sides.
pub mod events {
    /// Payload [`super::AccountSync`].
    pub const SYNC: &str = "siphon://sync";
    /// Payload [`super::Changed`].
    pub const CHANGED: &str = "siphon://changed";
    /// Payload: a ticket id to open (from a `siphon://ticket/ID` link, a notification, the tray).
    pub const OPEN_TICKET: &str = "siphon://open-ticket";
    /// Payload [`super::OutboxChanged`].
    pub const OUTBOX: &str = "siphon://outbox";
    /// Payload [`crate::reports::ExportProgress`].
    pub const EXPORT_PROGRESS: &str = "siphon://export-progress";
}
