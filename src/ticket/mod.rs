//! Tickets' state as an op log: every change a person makes is an [`op::Op`], and a ticket's
//! state is a pure [`fold::fold`] of its ops — in any order, duplicated or not, the same state. This
//! is what lets teammates share state through the team's IMAP server without conflicts.

pub mod fold;
pub mod hlc;
pub mod op;
