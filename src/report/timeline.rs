//! What happened to one ticket over time (pure): its messages (when, team or customer, who) and
//! every change of its displayed status with its time and cause, from the ticket pipeline's own
//! status replay ([`crate::ticket::build::replay`]), so reports and the ticket list never
//! disagree about when a ticket was closed, reopened, snoozed or woken.

use crate::ticket::assemble::Settings;
use crate::ticket::build::{Cause, Mail, Shown, Transition, replay};
use crate::ticket::op::Op;

/// One message of a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Unix seconds.
    pub at: i64,
    /// Written by the team.
    pub team: bool,
    /// The From address, lower-cased.
    pub author: String,
    /// An auto-reply, bounce or list mail.
    pub automated: bool,
}

/// A ticket's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Its first message's date.
    pub created: i64,
    /// In date order.
    pub messages: Vec<Message>,
    /// Every change of the displayed status, in time order (a ticket starts open).
    pub transitions: Vec<Transition>,
    /// The status now.
    pub shown: Shown,
    /// When a person last closed it, while it is closed.
    pub resolved_at: Option<i64>,
    /// The first customer message.
    pub first_customer: Option<i64>,
    /// The first team message after the first customer message.
    pub first_reply: Option<i64>,
}

impl Timeline {
    /// The history of the ticket made of `msgs` (any order) with its ops, under the team's
    /// settings, up to `now`. `None` for a ticket without messages.
    pub fn of(msgs: &[&Mail], ops: &[&Op], settings: &Settings, now: i64) -> Option<Timeline> {
        let mut sorted: Vec<&Mail> = msgs.to_vec();
        sorted.sort_by(|a, b| (a.date, &a.hash).cmp(&(b.date, &b.hash)));
        let created = sorted.first()?.date;
        let r = replay(&sorted, ops, settings, now);
        let resolved_at = match r.shown {
            Shown::Closed => r.closed_at,
            _ => None,
        };
        Some(Timeline {
            created,
            messages: sorted
                .iter()
                .map(|m| Message {
                    at: m.date,
                    team: m.team,
                    author: m.from.clone(),
                    automated: m.automated,
                })
                .collect(),
            first_reply: r
                .first_customer
                .zip(r.first_response_secs)
                .map(|(c, s)| c + s),
            transitions: r.transitions,
            shown: r.shown,
            resolved_at,
            first_customer: r.first_customer,
        })
    }

    /// Whether anything happened in `[start, end)`: it was created, had a message, or changed
    /// status.
    pub fn active_in(&self, start: i64, end: i64) -> bool {
        let inside = |t: i64| start <= t && t < end;
        inside(self.created)
            || self.messages.iter().any(|m| inside(m.at))
            || self.transitions.iter().any(|t| inside(t.at))
    }

    /// The displayed status just before instant `t` (after everything earlier); `None` when the
    /// ticket did not exist yet.
    pub fn shown_before(&self, t: i64) -> Option<Shown> {
        if self.created >= t {
            return None;
        }
        let done = self.transitions.partition_point(|x| x.at < t);
        Some(
            done.checked_sub(1)
                .map_or(Shown::Open, |i| self.transitions[i].to),
        )
    }

    /// Times it was closed by a person in `[start, end)` (the first sync's cutoff closes nothing).
    pub fn closed_in(&self, start: i64, end: i64) -> bool {
        self.transitions.iter().any(|x| {
            x.to == Shown::Closed && x.cause != Cause::Archive && start <= x.at && x.at < end
        })
    }

    /// Times it left the closed state (a customer wrote again, or someone reopened it).
    pub fn reopens(&self) -> impl Iterator<Item = &Transition> {
        self.transitions
            .iter()
            .filter(|x| x.from == Shown::Closed && x.to != Shown::Closed)
    }
}
