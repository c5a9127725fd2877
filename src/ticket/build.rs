//! Conversations + ops + now → tickets (pure).
//!
//! Status is a replay, in time order, of what happened to the ticket: messages and status ops.
//! A customer message reopens a pending, closed or snoozed ticket; a team message makes an open
//! ticket pending (when the team setting says so); a snooze wakes at its time. These automatic
//! transitions are derived here from the mail and `now`, never stored, so every machine derives
//! the same state from the same mail and ops.

use std::collections::{HashMap, HashSet};

use super::fold::{Decided, fold};
use super::op::{Change, Impact, Kind, Op, Priority, Status};

/// What the builder needs of one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mail {
    pub message_id: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// Unix seconds (the store's filing date).
    pub date: i64,
    pub has_attachments: bool,
    /// Auto-reply, bounce, newsletter or mailing list (see [`is_automated`]).
    pub automated: bool,
}

/// Team-wide settings the builder applies (themselves ops, so every machine agrees).
#[derive(Clone, Debug)]
pub struct Team {
    /// Lower-cased addresses the team sends from and receives at.
    pub addresses: HashSet<String>,
    /// Whether a team reply makes an open ticket pending.
    pub reply_makes_pending: bool,
}

/// Displayed status, including the derived snooze.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shown {
    Open,
    Pending,
    Snoozed,
    Closed,
}

/// A ticket as the views and the CLI show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    pub id: String,
    /// Message-IDs in date order.
    pub message_ids: Vec<String>,
    pub subject: String,
    pub customer: Option<String>,
    pub organisation: Option<String>,
    pub created: i64,
    pub last_activity: i64,
    pub last_customer_message: Option<i64>,
    pub last_team_message: Option<i64>,
    /// Seconds from the first customer message to the first team reply after it.
    pub first_response_secs: Option<i64>,
    /// Seconds from creation to the last close, while closed.
    pub resolution_secs: Option<i64>,
    pub customer_messages: u32,
    pub team_messages: u32,
    pub has_attachments: bool,
    /// Not a customer conversation: auto-replies, bounces, newsletters, lists only.
    pub not_a_ticket: bool,
    pub status: Shown,
    pub snoozed_until: Option<i64>,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub kind: Option<Kind>,
    pub priority: Option<Priority>,
    pub impact: Option<Impact>,
    pub notes: usize,
}

/// Mail that is not a customer conversation, from its headers (RFC 3834 Auto-Submitted, RFC 2369
/// List-*, Precedence, and the usual bounce senders).
pub fn is_automated(
    from: &str,
    auto_submitted: Option<&str>,
    precedence: Option<&str>,
    list_id: Option<&str>,
    list_unsubscribe: Option<&str>,
) -> bool {
    let local = from.split('@').next().unwrap_or("").to_ascii_lowercase();
    auto_submitted.is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
        || precedence.is_some_and(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "bulk" || p == "list" || p == "junk" || p == "auto_reply"
        })
        || list_id.is_some()
        || list_unsubscribe.is_some()
        || local == "mailer-daemon"
        || local == "postmaster"
}

fn organisation(address: &str) -> Option<String> {
    crate::mail::organisation(address).map(str::to_ascii_lowercase)
}

/// Short ids: at least 6 base-32 characters of the conversation's hash, lengthened until unique.
fn short_ids(full: &[String]) -> Vec<String> {
    let mut len = vec![6usize; full.len()];
    loop {
        let mut seen: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in full.iter().enumerate() {
            seen.entry(&f[..len[i].min(f.len())]).or_default().push(i);
        }
        let mut grew = false;
        for group in seen.values().filter(|g| g.len() > 1) {
            for &i in group {
                if len[i] < full[i].len() {
                    len[i] += 1;
                    grew = true;
                }
            }
        }
        if !grew {
            return full
                .iter()
                .zip(len)
                .map(|(f, l)| f[..l.min(f.len())].to_string())
                .collect();
        }
    }
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    out
}

/// One event in a ticket's history, for the status replay.
enum Event<'a> {
    Customer,
    Team,
    Op(&'a Op),
}

/// Builds tickets. `conversations[i]` lists indexes into `mail` of one conversation; `ops` are all
/// ticket ops, anchored on a Message-ID of the ticket they apply to.
pub fn build(
    mail: &[Mail],
    conversations: &[Vec<usize>],
    ops: &[Op],
    team: &Team,
    now: i64,
) -> Vec<Ticket> {
    let mut ops_by_anchor: HashMap<&str, Vec<&Op>> = HashMap::new();
    for op in ops {
        if let super::op::Target::Anchor(id) = &op.target {
            ops_by_anchor.entry(id.as_str()).or_default().push(op);
        }
    }
    let is_team = |m: &Mail| team.addresses.contains(&m.from.to_ascii_lowercase());
    let mut full_ids = Vec::with_capacity(conversations.len());
    let mut tickets = Vec::with_capacity(conversations.len());
    for conv in conversations {
        let mut msgs: Vec<&Mail> = conv.iter().map(|&i| &mail[i]).collect();
        msgs.sort_by(|a, b| (a.date, &a.message_id).cmp(&(b.date, &b.message_id)));
        let Some(first) = msgs.first() else { continue };
        let ops: Vec<&Op> = msgs
            .iter()
            .flat_map(|m| {
                ops_by_anchor
                    .get(m.message_id.as_str())
                    .into_iter()
                    .flatten()
                    .copied()
            })
            .collect();
        let decided: Decided = fold(ops.iter().copied());
        let customer = msgs
            .iter()
            .find(|m| !is_team(m))
            .map(|m| m.from.to_ascii_lowercase())
            .or_else(|| {
                msgs.iter()
                    .flat_map(|m| &m.to)
                    .map(|a| a.to_ascii_lowercase())
                    .find(|a| !team.addresses.contains(a))
            });
        // Replay messages and status ops in time order (ops at their HLC wall time).
        let mut events: Vec<(i64, String, Event)> = msgs
            .iter()
            .map(|m| {
                let e = if is_team(m) {
                    Event::Team
                } else {
                    Event::Customer
                };
                (m.date, m.message_id.clone(), e)
            })
            .collect();
        for op in &ops {
            if matches!(op.change, Change::Status { .. } | Change::Snooze { .. }) {
                events.push(((op.at.wall_ms / 1000) as i64, op.id.clone(), Event::Op(op)));
            }
        }
        events.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        events.dedup_by(|a, b| a.1 == b.1);
        let mut status = Status::Open;
        let mut snoozed: Option<i64> = None;
        let mut closed_at: Option<i64> = None;
        let mut first_customer: Option<i64> = None;
        let mut first_response: Option<i64> = None;
        for (t, _, e) in &events {
            if let Some(until) = snoozed
                && *t >= until
            {
                // A snooze that runs out puts the ticket back in front of the team.
                snoozed = None;
                status = Status::Open;
            }
            match e {
                Event::Customer => {
                    first_customer.get_or_insert(*t);
                    status = Status::Open;
                    snoozed = None;
                }
                Event::Team => {
                    if let Some(fc) = first_customer
                        && first_response.is_none()
                    {
                        first_response = Some(t - fc);
                    }
                    if team.reply_makes_pending && status == Status::Open {
                        status = Status::Pending;
                    }
                }
                Event::Op(op) => match &op.change {
                    Change::Status { status: s } => {
                        status = *s;
                        if *s == Status::Closed {
                            closed_at = Some(*t);
                        }
                        snoozed = None;
                    }
                    Change::Snooze { until } => snoozed = *until,
                    _ => {}
                },
            }
        }
        if snoozed.is_some_and(|until| now >= until) {
            snoozed = None;
            status = Status::Open;
        }
        let shown = match (status, snoozed) {
            (Status::Closed, _) => Shown::Closed,
            (_, Some(_)) => Shown::Snoozed,
            (Status::Open, None) => Shown::Open,
            (Status::Pending, None) => Shown::Pending,
        };
        let last_of = |team_side: bool| {
            msgs.iter()
                .filter(|m| is_team(m) == team_side)
                .map(|m| m.date)
                .max()
        };
        let last_op = ops
            .iter()
            .map(|o| (o.at.wall_ms / 1000) as i64)
            .max()
            .unwrap_or(i64::MIN);
        let last_message = msgs.iter().map(|m| m.date).max().unwrap_or(first.date);
        full_ids.push(base32(
            &blake3::hash(first.message_id.as_bytes()).as_bytes()[..10],
        ));
        tickets.push(Ticket {
            id: String::new(),
            message_ids: msgs.iter().map(|m| m.message_id.clone()).collect(),
            subject: first.subject.clone(),
            organisation: customer.as_deref().and_then(organisation),
            customer,
            created: first.date,
            last_activity: last_message.max(last_op),
            last_customer_message: last_of(false),
            last_team_message: last_of(true),
            first_response_secs: first_response,
            resolution_secs: match (shown, closed_at) {
                (Shown::Closed, Some(c)) => Some(c - first.date),
                _ => None,
            },
            customer_messages: msgs.iter().filter(|m| !is_team(m)).count() as u32,
            team_messages: msgs.iter().filter(|m| is_team(m)).count() as u32,
            has_attachments: msgs.iter().any(|m| m.has_attachments),
            not_a_ticket: msgs.iter().all(|m| m.automated),
            status: shown,
            snoozed_until: snoozed,
            assignee: decided.assignee.value.clone(),
            tags: decided
                .tag_names()
                .into_iter()
                .map(str::to_string)
                .collect(),
            kind: decided.kind.value,
            priority: decided.priority.value,
            impact: decided.impact.value,
            notes: decided.notes.len(),
        });
    }
    for (t, id) in tickets.iter_mut().zip(short_ids(&full_ids)) {
        t.id = id;
    }
    tickets
}

#[cfg(test)]
mod tests;
