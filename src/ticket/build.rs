//! Conversations + ops + now → tickets (pure).
//!
//! Status is a replay, in time order, of what happened to the ticket: messages and status ops.
//! A customer message reopens a pending, closed or snoozed ticket; a team message makes an open
//! ticket pending (when the team setting says so); a snooze wakes at its time. These automatic
//! transitions are derived here from the mail and `now`, never stored, so every machine derives
//! the same state from the same mail and ops.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::assemble::{Conversation, Settings};
use super::fold::{Decided, fold};
use super::op::{Change, Impact, Kind, Op, Priority, Status};

/// What the builder needs of one message. Addresses are lower-cased by whoever fills it in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mail {
    /// The store's content hash: with the date, it puts messages in one canonical order.
    pub hash: [u8; 16],
    pub message_id: String,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from: String,
    /// To and Cc.
    pub to: Vec<String>,
    pub subject: String,
    /// Unix seconds (the store's filing date).
    pub date: i64,
    pub has_attachments: bool,
    /// Auto-reply, bounce, newsletter or mailing list (see [`is_automated`]).
    pub automated: bool,
    /// Written by the team: from one of its addresses, or found in a Sent folder.
    pub team: bool,
    /// The accounts whose folders hold it.
    pub accounts: Vec<String>,
    /// Read by the person using this machine (personal, never synced to the server).
    pub read: bool,
}

impl Mail {
    /// The messages this one cites, oldest first (References, then In-Reply-To), itself aside.
    pub fn cited(&self) -> impl Iterator<Item = &str> {
        self.references
            .iter()
            .chain(&self.in_reply_to)
            .map(String::as_str)
            .filter(move |id| *id != self.message_id)
    }
}

/// The team: its addresses, and its settings (themselves ops, so every machine agrees).
#[derive(Clone, Debug, Default)]
pub struct Team {
    /// Lower-cased addresses the team sends from and receives at.
    pub addresses: HashSet<String>,
    /// The team's own mail domains (from its addresses, free-mail domains aside): a teammate's
    /// personal address there is the team too.
    pub domains: HashSet<String>,
    pub settings: Settings,
}

impl Team {
    /// Whether a (lower-cased) address belongs to the team.
    pub fn is_team(&self, address: &str) -> bool {
        self.addresses.contains(address)
            || crate::mail::organisation(address)
                .is_some_and(|d| self.domains.contains(&d.to_ascii_lowercase()))
    }

    /// The team's domains, from its addresses (free-mail domains are nobody's).
    pub fn domains_of<'a>(addresses: impl IntoIterator<Item = &'a String>) -> HashSet<String> {
        addresses
            .into_iter()
            .filter_map(|a| crate::mail::organisation(a))
            .map(str::to_ascii_lowercase)
            .collect()
    }
}

/// Displayed status, including the derived snooze.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shown {
    Open,
    Pending,
    Snoozed,
    Closed,
}

/// A ticket as the views and the CLI show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The displayed short id: a prefix of `full_id`, lengthened where two would collide.
    pub id: String,
    /// 16 base-32 characters of a hash of `root`.
    pub full_id: String,
    /// The Message-ID the conversation is named by (see [`super::assemble`]).
    pub root: String,
    /// Message-IDs in date order.
    pub message_ids: Vec<String>,
    /// The messages' content hashes, in the same order.
    pub hashes: Vec<[u8; 16]>,
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
    pub accounts: Vec<String>,
    /// A customer message the person using this machine has not read.
    pub unread: bool,
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

/// The shortest a displayed id gets.
pub const SHORT_ID_LEN: usize = 6;

/// Displayed ids for full ids in sorted order: each the shortest prefix (at least
/// [`SHORT_ID_LEN`]) that is not a prefix of its neighbours — so no displayed id is a prefix of
/// another ticket's id, and looking one up by prefix is never ambiguous.
pub fn short_ids(sorted_full: &[&str]) -> Vec<String> {
    (0..sorted_full.len())
        .map(|i| {
            let prev = i.checked_sub(1).map(|p| sorted_full[p]);
            short_id(sorted_full[i], prev, sorted_full.get(i + 1).copied())
        })
        .collect()
}

/// One displayed id, given the full ids just before and after it in sorted order.
pub fn short_id(full: &str, prev: Option<&str>, next: Option<&str>) -> String {
    let lcp = |o: Option<&str>| {
        o.map(|o| {
            full.bytes()
                .zip(o.bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .unwrap_or(0)
    };
    let len = (lcp(prev).max(lcp(next)) + 1)
        .max(SHORT_ID_LEN)
        .min(full.len());
    full[..len].to_string()
}

/// A ticket's full id, from the Message-ID its conversation is named by.
pub fn full_id(root: &str) -> String {
    base32(&blake3::hash(root.as_bytes()).as_bytes()[..10])
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
    /// The first sync's cutoff: what had gone quiet before it arrives closed.
    Archive,
    Customer,
    Team,
    Op(&'a Op),
}

/// Why a ticket's displayed status changed (see [`replay`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A customer message (reopens a pending, snoozed or closed ticket).
    Customer,
    /// A team message (makes an open ticket pending, when the team setting says so).
    Team,
    /// A person's status or snooze op, by this actor.
    Op { actor: String },
    /// A snooze ran out.
    Woke,
    /// The first sync's cutoff closed a conversation that had gone quiet before it.
    Archive,
}

/// One change of a ticket's displayed status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// Unix seconds (a snooze wakes at its own time, not at the next event's).
    pub at: i64,
    pub from: Shown,
    pub to: Shown,
    pub cause: Cause,
}

/// What the status replay found: the state now, and every change on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    pub shown: Shown,
    pub snoozed_until: Option<i64>,
    /// When a person last closed it (cleared by anything after that closes it otherwise).
    pub closed_at: Option<i64>,
    pub first_customer: Option<i64>,
    /// Seconds from the first customer message to the first team message after it.
    pub first_response_secs: Option<i64>,
    /// Every change of the displayed status, in time order; a ticket starts open.
    pub transitions: Vec<Transition>,
}

fn shown_of(status: Status, snoozed: Option<i64>) -> Shown {
    match (status, snoozed) {
        (Status::Closed, _) => Shown::Closed,
        (_, Some(_)) => Shown::Snoozed,
        (Status::Open, None) => Shown::Open,
        (Status::Pending, None) => Shown::Pending,
    }
}

/// The status replay of one ticket: its messages (any order) and its ops, in time order (ops at
/// their HLC wall time), under the team's settings, up to `now`. This is the one place the
/// automatic transitions are decided; [`build`] and the reports both read it.
pub fn replay(msgs: &[&Mail], ops: &[&Op], settings: &Settings, now: i64) -> Replayed {
    let first_date = msgs.iter().map(|m| m.date).min();
    let mut events: Vec<(i64, String, Event)> = msgs
        .iter()
        .map(|m| {
            let e = if m.team { Event::Team } else { Event::Customer };
            (m.date, m.message_id.clone(), e)
        })
        .collect();
    for op in ops {
        if matches!(op.change, Change::Status { .. } | Change::Snooze { .. }) {
            events.push(((op.at.wall_ms / 1000) as i64, op.id.clone(), Event::Op(op)));
        }
    }
    if let (Some(cutoff), Some(first)) = (settings.archive_before, first_date)
        && first < cutoff
    {
        events.push((cutoff, String::new(), Event::Archive));
    }
    events.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut status = Status::Open;
    let mut snoozed: Option<i64> = None;
    let mut closed_at: Option<i64> = None;
    let mut first_customer: Option<i64> = None;
    let mut first_response: Option<i64> = None;
    let mut transitions: Vec<Transition> = Vec::new();
    let mut shown = Shown::Open;
    let mut note = |at: i64, to: Shown, cause: Cause, shown: &mut Shown| {
        if to != *shown {
            transitions.push(Transition {
                at,
                from: *shown,
                to,
                cause,
            });
            *shown = to;
        }
    };
    for (t, _, e) in &events {
        if let Some(until) = snoozed
            && *t >= until
        {
            // A snooze that runs out puts the ticket back in front of the team.
            snoozed = None;
            status = Status::Open;
            note(until, shown_of(status, snoozed), Cause::Woke, &mut shown);
        }
        let cause = match e {
            Event::Archive => {
                status = Status::Closed;
                snoozed = None;
                // Closed by the cutoff, not by a person: no resolution time to report.
                closed_at = None;
                Cause::Archive
            }
            Event::Customer => {
                first_customer.get_or_insert(*t);
                status = Status::Open;
                snoozed = None;
                Cause::Customer
            }
            Event::Team => {
                if let Some(fc) = first_customer
                    && first_response.is_none()
                {
                    first_response = Some(t - fc);
                }
                if settings.reply_makes_pending && status == Status::Open {
                    status = Status::Pending;
                }
                Cause::Team
            }
            Event::Op(op) => {
                match &op.change {
                    Change::Status { status: s } => {
                        status = *s;
                        closed_at = (*s == Status::Closed).then_some(*t);
                        snoozed = None;
                    }
                    Change::Snooze { until } => snoozed = *until,
                    _ => {}
                }
                Cause::Op {
                    actor: op.actor.clone(),
                }
            }
        };
        note(*t, shown_of(status, snoozed), cause, &mut shown);
    }
    if let Some(until) = snoozed
        && now >= until
    {
        snoozed = None;
        status = Status::Open;
        note(until, shown_of(status, snoozed), Cause::Woke, &mut shown);
    }
    Replayed {
        shown,
        snoozed_until: snoozed,
        closed_at,
        first_customer,
        first_response_secs: first_response,
        transitions,
    }
}

/// Builds one ticket per conversation. `ops` are all ticket ops, anchored on a Message-ID of the
/// ticket they apply to; the displayed `id` is left as the shortest prefix of the full id, for
/// whoever holds every ticket to lengthen (see [`short_ids`]).
pub fn build(
    mail: &[Mail],
    conversations: &[Conversation],
    ops: &[Op],
    team: &Team,
    now: i64,
) -> Vec<Ticket> {
    let ops_by_anchor = by_anchor(ops);
    conversations
        .iter()
        .filter_map(|conv| build_one(mail, conv, &ops_by_anchor, team, now))
        .collect()
}

/// Ticket ops by the Message-ID they are anchored on.
pub fn by_anchor(ops: &[Op]) -> HashMap<&str, Vec<&Op>> {
    let mut out: HashMap<&str, Vec<&Op>> = HashMap::new();
    for op in ops {
        if let super::op::Target::Anchor(id) = &op.target {
            out.entry(id.as_str()).or_default().push(op);
        }
    }
    out
}

/// The ops of the ticket made of `msgs`: those anchored on any of its messages, once each.
pub fn ops_of<'a>(msgs: &[&Mail], by_anchor: &HashMap<&str, Vec<&'a Op>>) -> Vec<&'a Op> {
    let mut anchors: Vec<&str> = msgs.iter().map(|m| m.message_id.as_str()).collect();
    anchors.sort_unstable();
    anchors.dedup();
    let mut ops: Vec<&Op> = anchors
        .iter()
        .flat_map(|a| by_anchor.get(a).into_iter().flatten().copied())
        .collect();
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    ops.dedup_by(|a, b| a.id == b.id);
    ops
}

/// Puts each message after the messages of its conversation that it cites, keeping date order
/// otherwise. A Date header is the sender's clock: a reply from a machine whose clock runs
/// behind is dated before the message it answers, and in date order alone it would start the
/// ticket (its "Re:" subject, its sender, a "new ticket" notice when it arrives).
fn causal_order(msgs: &mut Vec<&Mail>) {
    if msgs.len() < 2 {
        return;
    }
    let mut pos: HashMap<&str, usize> = HashMap::with_capacity(msgs.len());
    for (i, m) in msgs.iter().enumerate() {
        pos.entry(m.message_id.as_str()).or_insert(i);
    }
    let cites: Vec<Vec<usize>> = msgs
        .iter()
        .map(|m| m.cited().filter_map(|id| pos.get(id).copied()).collect())
        .collect();
    if cites
        .iter()
        .enumerate()
        .all(|(i, c)| c.iter().all(|&j| j < i))
    {
        return;
    }
    // The earliest message whose cited messages are all placed; where citations form a
    // cycle (forged or broken headers), the earliest left.
    let mut placed = vec![false; msgs.len()];
    let mut order = Vec::with_capacity(msgs.len());
    while order.len() < msgs.len() {
        let ready = |i: &usize| !placed[*i] && cites[*i].iter().all(|&j| placed[j] || j == *i);
        let Some(next) = (0..msgs.len())
            .find(ready)
            .or_else(|| (0..msgs.len()).find(|&i| !placed[i]))
        else {
            break;
        };
        placed[next] = true;
        order.push(msgs[next]);
    }
    *msgs = order;
}

fn build_one(
    mail: &[Mail],
    conv: &Conversation,
    ops_by_anchor: &HashMap<&str, Vec<&Op>>,
    team: &Team,
    now: i64,
) -> Option<Ticket> {
    let mut msgs: Vec<&Mail> = conv.members.iter().map(|&i| &mail[i]).collect();
    msgs.sort_by(|a, b| (a.date, &a.hash).cmp(&(b.date, &b.hash)));
    causal_order(&mut msgs);
    let first = *msgs.first()?;
    let ops = ops_of(&msgs, ops_by_anchor);
    let decided: Decided = fold(ops.iter().copied());
    let customer = msgs
        .iter()
        .find(|m| !m.team && !m.from.is_empty())
        .map(|m| m.from.clone())
        .or_else(|| {
            msgs.iter()
                .flat_map(|m| &m.to)
                .find(|a| !team.is_team(a))
                .cloned()
        });
    let replayed = replay(&msgs, &ops, &team.settings, now);
    let shown = replayed.shown;
    let snoozed = replayed.snoozed_until;
    let first_response = replayed.first_response_secs;
    let closed_at = replayed.closed_at;
    let last_of = |team_side: bool| {
        msgs.iter()
            .filter(|m| m.team == team_side)
            .map(|m| m.date)
            .max()
    };
    let last_op = ops
        .iter()
        .map(|o| (o.at.wall_ms / 1000) as i64)
        .max()
        .unwrap_or(i64::MIN);
    let last_message = msgs.iter().map(|m| m.date).max().unwrap_or(first.date);
    let archived_before = team.settings.archive_before.unwrap_or(i64::MIN);
    let mut accounts: Vec<String> = msgs.iter().flat_map(|m| m.accounts.clone()).collect();
    accounts.sort();
    accounts.dedup();
    let full = full_id(&conv.root);
    Some(Ticket {
        id: full[..SHORT_ID_LEN].to_string(),
        full_id: full,
        root: conv.root.clone(),
        message_ids: msgs.iter().map(|m| m.message_id.clone()).collect(),
        hashes: msgs.iter().map(|m| m.hash).collect(),
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
        customer_messages: msgs.iter().filter(|m| !m.team).count() as u32,
        team_messages: msgs.iter().filter(|m| m.team).count() as u32,
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
        accounts,
        unread: msgs
            .iter()
            .any(|m| !m.team && !m.read && m.date >= archived_before),
    })
}

#[cfg(test)]
mod tests;
