//! Siphon's engine: a shared inbox for small support teams, with no server of its own.
//!
//! The engine is usable headless (the `siphon` CLI) and from the desktop shell; it never depends on
//! Tauri. Its layers, from the outside in:
//!
//! - [`engine`]: the one façade the CLI and the desktop shell call.
//! - [`account`]: accounts (TOML config) and credentials (OS keyring or `password_cmd`).
//! - [`imap`]: connection, TLS/STARTTLS, login (password or XOAUTH2), capabilities, and a raw
//!   response reader so no untagged response (VANISHED, FETCH) is ever dropped.
//! - [`sync`]: a pure planner (remote state × local state → steps) and the I/O that runs the plan
//!   per folder, concurrently across folders and accounts; IDLE for `watch`.
//! - [`mail`]: parsing raw mail into a normalised record (pure).
//! - [`store`]: sled for metadata and sync state, append-only compressed packs for raw mail.
//! - [`thread`]: messages → conversations by their reference headers (pure).
//! - [`ticket`]: ticket state as a fold over an op log (pure), with a hybrid logical clock; the
//!   pipeline from messages to tickets, and the ticket index.
//! - [`search`]: the tantivy index of every message, text analysis and the query language.
//! - [`send`]: composing replies, the durable outbox ("never lost, never twice"), SMTP through
//!   lettre, the team's Sent copy; templates.
//! - [`report`]: KPIs per ticket and per period (pure, from the status replay), business hours in
//!   the team's zone, and the CSV/XLSX/JSON export.
//!
//! Functional core, imperative shell: planning and parsing are pure and tested as tables; network,
//! disk and clocks stay at the edges.

pub mod account;
pub mod engine;
pub mod imap;
pub mod mail;
pub mod report;
pub mod search;
pub mod send;
pub mod store;
pub mod sync;
pub mod thread;
pub mod ticket;

/// The engine's version, shown by the CLI and the app.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
