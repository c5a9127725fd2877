//! Messages + ops + now → tickets: the whole pure pipeline.
//!
//! 1. Put the messages in canonical order, (date, content hash), so every machine and every
//!    rebuild feeds the steps below the same input.
//! 2. Thread by reference headers ([`crate::thread::conversations`]), then join reference-less
//!    replies by subject, under guard ([`crate::thread::subject::join_by_subject`]).
//! 3. Apply the structural ops in (HLC, id) order: merges join two conversations, splits move a
//!    message into a conversation of its own; an undo cancels either.
//! 4. Name each conversation by a Message-ID that does not change when its earliest message
//!    arrives late ([`Conversation::root`]), and build the tickets ([`super::build::build`]).
//!
//! Every decision in steps 2–4 depends only on messages related to each other by ids, by subject
//! within the subject window, or by a merge — so threading a connected part of the mailbox gives
//! exactly what a full rebuild gives for it. [`super::catalog::Catalog`] relies on this.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::build::{self, Mail, Team, Ticket};
use super::op::{Change, Op, Target};
use crate::thread::subject::{Meta, join_by_subject};
use crate::thread::{Links, conversations};

/// Setting name: whether a team reply makes an open ticket pending ("true"/"false"; default true).
pub const REPLY_MAKES_PENDING: &str = "reply_makes_pending";
/// Setting name: conversations that started before this instant (unix seconds) arrive closed.
/// Written once, by the first machine to sync, from its first-sync cutoff.
pub const ARCHIVE_BEFORE: &str = "archive_before";

/// Team settings, folded from setting ops (last writer wins per name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub reply_makes_pending: bool,
    pub archive_before: Option<i64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reply_makes_pending: true,
            archive_before: None,
        }
    }
}

impl Settings {
    pub fn from_ops<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Settings {
        let mut latest: BTreeMap<&str, &Op> = BTreeMap::new();
        for op in ops {
            if let (Target::Setting(name), Change::Setting { .. }) = (&op.target, &op.change) {
                let cur = latest.entry(name.as_str()).or_insert(op);
                if (op.at, &op.actor, &op.id) > (cur.at, &cur.actor, &cur.id) {
                    *cur = op;
                }
            }
        }
        let value = |name: &str| match latest.get(name).map(|op| &op.change) {
            Some(Change::Setting { value }) => Some(value.as_str()),
            _ => None,
        };
        let d = Settings::default();
        Settings {
            reply_makes_pending: value(REPLY_MAKES_PENDING)
                .map(|v| v.trim() != "false")
                .unwrap_or(d.reply_makes_pending),
            archive_before: value(ARCHIVE_BEFORE).and_then(|v| v.trim().parse().ok()),
        }
    }
}

/// One conversation: its messages and the id it is named by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    /// Indexes into the message slice, in canonical order.
    pub members: Vec<usize>,
    /// The Message-ID the ticket is named by: the first id its first message cites (the
    /// conversation's start, even while that message itself has not arrived), else the first
    /// message's own id. So the name holds when an earlier message turns up later. The first
    /// message is the earliest that cites no other member (see `starter`).
    pub root: String,
}

/// What the pipeline needs of a stored message. `in_sent`: found in a Sent folder.
pub fn mail_from_record(
    hash: [u8; 16],
    r: &crate::store::MessageRecord,
    team: &Team,
    in_sent: bool,
    accounts: Vec<String>,
    read: bool,
) -> Mail {
    let lower = |a: &crate::store::Addr| a.email.to_ascii_lowercase();
    let from = r.from.first().map(lower).unwrap_or_default();
    Mail {
        hash,
        message_id: r.message_id.clone(),
        in_reply_to: r.in_reply_to.clone(),
        references: r.references.clone(),
        team: in_sent || team.is_team(&from),
        automated: build::is_automated(
            &from,
            r.auto_submitted.as_deref(),
            r.precedence.as_deref(),
            r.list_id.as_deref(),
            r.list_unsubscribe.as_deref(),
        ),
        from,
        to: r.to.iter().chain(&r.cc).map(lower).collect(),
        subject: r.subject.clone(),
        date: r.date,
        has_attachments: !r.attachments.is_empty(),
        accounts,
        read,
    }
}

/// Sorts messages into the canonical order every step expects.
pub fn canonical_order(mail: &mut [Mail]) {
    mail.sort_by_key(|m| (m.date, m.hash));
}

/// The oldest ancestor a message cites.
fn first_cited(m: &Mail) -> Option<&str> {
    m.cited().next()
}

/// The merge and split ops still in force, in (HLC, id) order.
pub fn structural(ops: &[Op]) -> Vec<&Op> {
    let undone: HashSet<&str> = ops
        .iter()
        .filter_map(|op| match &op.change {
            Change::Undo { op } => Some(op.as_str()),
            _ => None,
        })
        .collect();
    let mut out: Vec<&Op> = ops
        .iter()
        .filter(|op| matches!(op.change, Change::Merge | Change::Split))
        .filter(|op| !undone.contains(op.id.as_str()))
        .collect();
    out.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// Groups messages (in canonical order) into conversations.
pub fn group(mail: &[Mail], ops: &[Op], team: &Team) -> Vec<Conversation> {
    let links: Vec<Links> = mail
        .iter()
        .map(|m| Links {
            message_id: m.message_id.clone(),
            in_reply_to: m.in_reply_to.clone(),
            references: m.references.clone(),
        })
        .collect();
    let meta: Vec<Meta> = mail
        .iter()
        .map(|m| Meta {
            subject: m.subject.clone(),
            date: m.date,
            outsiders: std::iter::once(&m.from)
                .chain(&m.to)
                .filter(|a| !a.is_empty() && !team.is_team(a))
                .cloned()
                .collect(),
            // A message citing only itself (some clients do) carries no reference.
            has_references: m.cited().next().is_some(),
        })
        .collect();
    let mut label = join_by_subject(&meta, &conversations(&links));
    // Structural ops, in order. Fresh labels for split messages start past every index.
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in mail.iter().enumerate() {
        by_id.entry(m.message_id.as_str()).or_default().push(i);
    }
    let mut fresh = mail.len();
    let mut split: HashSet<usize> = HashSet::new();
    for op in structural(ops) {
        match (&op.change, &op.target) {
            (Change::Merge, Target::Pair(a, b)) => {
                let (Some(&ia), Some(&ib)) = (
                    by_id.get(a.as_str()).and_then(|v| v.first()),
                    by_id.get(b.as_str()).and_then(|v| v.first()),
                ) else {
                    continue;
                };
                let (from, into) = (label[ia], label[ib]);
                if from != into {
                    for l in label.iter_mut().filter(|l| **l == from) {
                        *l = into;
                    }
                }
            }
            (Change::Split, Target::Anchor(m)) => {
                for &i in by_id.get(m.as_str()).into_iter().flatten() {
                    label[i] = fresh;
                    fresh += 1;
                    split.insert(i);
                }
            }
            _ => {}
        }
    }
    // Members per label, in canonical order; conversations ordered by their earliest message.
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut first_of: HashMap<usize, usize> = HashMap::new();
    for (i, &l) in label.iter().enumerate() {
        let first = *first_of.entry(l).or_insert(i);
        members.entry(first).or_default().push(i);
    }
    let split_ids: HashSet<&str> = split.iter().map(|&i| mail[i].message_id.as_str()).collect();
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(members.len());
    for (_, members) in members {
        let first = starter(mail, &members);
        let e = &mail[first];
        // A message whose id another, earlier message already carries is named apart.
        let own = if by_id[e.message_id.as_str()][0] == first {
            e.message_id.clone()
        } else {
            format!("{}#{}", e.message_id, hex4(&e.hash))
        };
        let root = match first_cited(e) {
            Some(cited) if !split.contains(&first) && !split_ids.contains(cited) => {
                cited.to_string()
            }
            _ => own.clone(),
        };
        // Two conversations citing the same start (one was split or merged away): the later one
        // is named by its own earliest message.
        let root = if taken.contains(&root) { own } else { root };
        taken.insert(root.clone());
        out.push(Conversation { members, root });
    }
    out
}

/// The member that starts a conversation: the earliest that cites no other member. Dates are
/// the senders' clocks, so a reply can be dated before the message it answers; it must not
/// name the ticket. Where every member cites another (forged headers), the earliest.
fn starter(mail: &[Mail], members: &[usize]) -> usize {
    let cites_a_member = |i: usize| {
        mail[i]
            .cited()
            .any(|id| members.iter().any(|&j| mail[j].message_id == id))
    };
    members
        .iter()
        .copied()
        .find(|&i| members.len() == 1 || !cites_a_member(i))
        .or_else(|| members.first().copied())
        .unwrap_or(0)
}

fn hex4(h: &[u8; 16]) -> String {
    h[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// The whole pipeline over a set of messages in canonical order.
pub fn assemble(mail: &[Mail], ops: &[Op], team: &Team, now: i64) -> Vec<Ticket> {
    let convs = group(mail, ops, team);
    build::build(mail, &convs, ops, team, now)
}

#[cfg(test)]
mod tests;
