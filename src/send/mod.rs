//! Sending: composing replies ([`compose`]), the durable outbox ([`outbox`]), the SMTP
//! transaction ([`smtp`]), the team's Sent copy ([`sent`]), and saved replies ([`template`],
//! pure: the team's templates folded from ops, and the filling in of their variables).
//!
//! The engine façade (`engine::send`) ties them together: a reply is composed, written to the
//! outbox, and leaves when its undo window is over, through [`smtp::send`], with the outbox's
//! state made durable before DATA and after the server's answer. Nothing here decides when to
//! run; the CLI (`outbox flush`, `watch`) and the app's loop do.

pub mod compose;
pub mod outbox;
pub mod run;
pub mod sent;
pub mod smtp;
pub mod template;

/// What can stop the outbox's work (a message's own failure is recorded on it instead).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Outbox(#[from] outbox::Error),
    #[error(transparent)]
    Compose(#[from] compose::Error),
    #[error(transparent)]
    Credential(#[from] crate::account::credential::Error),
    /// Reaching the Sent folder over IMAP failed.
    #[error(transparent)]
    Imap(#[from] crate::imap::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Points where a test may kill the process (`SIPHON_FAULT=NAME`), to prove the outbox never
/// loses or doubles a message across a crash. Unset in normal use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// "sending" is durable; DATA not yet sent.
    BeforeData,
    /// The server answered 250; "sent" not yet recorded.
    AfterAccept,
}

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::BeforeData => "send-before-data",
            Fault::AfterAccept => "send-after-accept",
        }
    }

    /// Ends the process at once, as a crash would, when the environment asks for this point.
    pub fn here(self) {
        if std::env::var("SIPHON_FAULT").is_ok_and(|v| v == self.name()) {
            eprintln!("siphon: SIPHON_FAULT={}: stopping here", self.name());
            std::process::abort();
        }
    }
}
