//! Search: a tantivy index of messages, and a query language people already know.
//!
//! [`query`] parses what people type (Gmail/notmuch style) into a tree; [`index::split`] divides
//! it into what the message index answers ([`index::SearchIndex`]) and what is checked on the
//! tickets; [`analysis`] folds case and accents and keeps addresses, domains and versions whole.

pub mod analysis;
pub mod index;
pub mod query;
