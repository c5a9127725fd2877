//! Sending: this module will own composing replies, the outbox and SMTP. For now it holds
//! [`template`], the team's saved replies and the filling in of their variables (pure).

pub mod template;
