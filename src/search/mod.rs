//! Search: a tantivy index of messages, and a query language people already know.

pub mod analysis;
