//! Tickets' state as an op log: every change a person makes is an [`op::Op`], and a ticket's
//! state is a pure [`fold::fold`] of its ops — in any order, duplicated or not, the same state. This
//! is what lets teammates share state through the team's IMAP server without conflicts.
//! [`build::build`] turns conversations, ops and `now` into tickets, deriving the automatic
//! transitions (a customer reply reopens, a team reply makes pending, a snooze wakes) from the mail.
//! [`assemble`] is the whole pure pipeline, messages and ops to tickets; [`catalog::Catalog`] finds
//! the part of the mailbox a change touches, so threading stays incremental.

pub mod assemble;
pub mod build;
pub mod catalog;
pub mod fold;
pub mod hlc;
pub mod index;
pub mod op;
