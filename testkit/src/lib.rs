//! Test and benchmark harness for Siphon.
//!
//! Everything here talks to real parts: `dovecot` starts Debian's dovecot on loopback with a
//! throw-away configuration, `smtp` starts Debian's postfix on loopback delivering into such a
//! dovecot, `proxy` forwards a TCP connection and can cut it mid-stream, and
//! `corpus` generates realistic synthetic support mail (and broken mail) deterministically.

pub mod corpus;
pub mod desktop;
pub mod dovecot;
pub mod proxy;
pub mod smtp;
pub mod webdriver;
