//! Incremental threading: which part of the mailbox a change can touch.
//!
//! The catalog holds every message's threading data in memory, with reverse maps by id and by
//! subject. When mail arrives or an op changes, [`Catalog::closure`] finds every message related
//! to the change — by a Message-ID one of them names, by the same base subject within the subject
//! window, or by a merge — and only that part is threaded again. Because every decision of the
//! pipeline ([`super::assemble`]) depends only on related messages, the result is what a full
//! rebuild gives (a property test checks it).

use std::collections::{HashMap, HashSet};

use super::assemble::{self, structural};
use super::build::{Mail, Team, Ticket};
use super::op::{Change, Op, Target};
use crate::thread::subject::{WINDOW_SECS, normalize, related};

/// Every message's threading data, with the maps that find related messages.
#[derive(Default)]
pub struct Catalog {
    mail: Vec<Mail>,
    by_hash: HashMap<[u8; 16], usize>,
    /// Message-ID (own or cited) → slots of the messages naming it.
    by_id: HashMap<String, Vec<usize>>,
    /// Base subject → (date, slot) of every message with it, in date order.
    by_subject: HashMap<String, Vec<(i64, usize)>>,
    /// The same for reference-less replies only: the messages the subject step decides about.
    replies: HashMap<String, Vec<(i64, usize)>>,
}

/// Whether the subject step decides about this message: a reply without reference headers.
fn is_loose_reply(m: &Mail, is_reply: bool) -> bool {
    is_reply
        && !m
            .references
            .iter()
            .chain(&m.in_reply_to)
            .any(|id| *id != m.message_id)
}

fn insert_sorted(list: &mut Vec<(i64, usize)>, date: i64, slot: usize) {
    let at = list.partition_point(|&(d, s)| (d, s) < (date, slot));
    list.insert(at, (date, slot));
}

impl Catalog {
    pub fn new() -> Catalog {
        Catalog::default()
    }

    pub fn len(&self) -> usize {
        self.mail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mail.is_empty()
    }

    pub fn get(&self, slot: usize) -> &Mail {
        &self.mail[slot]
    }

    pub fn slot(&self, hash: &[u8; 16]) -> Option<usize> {
        self.by_hash.get(hash).copied()
    }

    /// Slots of the messages carrying this Message-ID.
    pub fn with_id(&self, message_id: &str) -> Vec<usize> {
        self.by_id
            .get(message_id)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&s| self.mail[s].message_id == message_id)
            .collect()
    }

    /// Adds a message; returns its slot, or the existing slot when the same bytes are known
    /// (the new copy's accounts and read state are taken).
    pub fn insert(&mut self, m: Mail) -> usize {
        if let Some(&slot) = self.by_hash.get(&m.hash) {
            self.mail[slot] = m;
            return slot;
        }
        let slot = self.mail.len();
        self.by_hash.insert(m.hash, slot);
        let mut ids: Vec<&String> = std::iter::once(&m.message_id)
            .chain(&m.references)
            .chain(&m.in_reply_to)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            self.by_id.entry(id.clone()).or_default().push(slot);
        }
        let (base, is_reply) = normalize(&m.subject);
        if !base.is_empty() {
            if is_loose_reply(&m, is_reply) {
                insert_sorted(self.replies.entry(base.clone()).or_default(), m.date, slot);
            }
            insert_sorted(self.by_subject.entry(base).or_default(), m.date, slot);
        }
        self.mail.push(m);
        slot
    }

    /// Every message related to `seeds`, transitively (see the module docs), seeds included.
    pub fn closure(
        &self,
        seeds: impl IntoIterator<Item = usize>,
        ops: &[Op],
        team: &Team,
    ) -> Vec<usize> {
        let outsiders = |m: &Mail| -> Vec<String> {
            std::iter::once(&m.from)
                .chain(&m.to)
                .filter(|a| !a.is_empty() && !team.is_team(a))
                .cloned()
                .collect()
        };
        let mut merged: HashMap<&str, Vec<&str>> = HashMap::new();
        for op in structural(ops) {
            if let (Change::Merge, Target::Pair(a, b)) = (&op.change, &op.target) {
                merged.entry(a).or_default().push(b);
                merged.entry(b).or_default().push(a);
            }
        }
        let mut seen: HashSet<usize> = HashSet::new();
        let mut ids_done: HashSet<&str> = HashSet::new();
        let mut queue: Vec<usize> = seeds.into_iter().collect();
        while let Some(s) = queue.pop() {
            if !seen.insert(s) {
                continue;
            }
            let m = &self.mail[s];
            let named = std::iter::once(&m.message_id)
                .chain(&m.references)
                .chain(&m.in_reply_to);
            for id in named {
                if !ids_done.insert(id.as_str()) {
                    continue;
                }
                queue.extend(self.by_id.get(id).into_iter().flatten().copied());
                for other in merged.get(id.as_str()).into_iter().flatten() {
                    queue.extend(self.by_id.get(*other).into_iter().flatten().copied());
                }
            }
            // By subject: a loose reply depends on the same-subject messages with the same
            // people in the window before it; any message matters to such replies after it.
            let (base, is_reply) = normalize(&m.subject);
            let people = outsiders(m);
            let within = |list: Option<&Vec<(i64, usize)>>, from: i64, to: i64| {
                let list = list.map(Vec::as_slice).unwrap_or(&[]);
                let a = list.partition_point(|&(d, _)| d < from);
                let b = list.partition_point(|&(d, _)| d <= to);
                list[a..b.max(a)]
                    .iter()
                    .map(|&(_, s)| s)
                    .filter(|&s| related(&people, &outsiders(&self.mail[s])))
                    .collect::<Vec<_>>()
            };
            if is_loose_reply(m, is_reply) {
                queue.extend(within(
                    self.by_subject.get(&base),
                    m.date - WINDOW_SECS,
                    m.date,
                ));
            }
            queue.extend(within(
                self.replies.get(&base),
                m.date,
                m.date + WINDOW_SECS,
            ));
        }
        let mut out: Vec<usize> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// The slots a set of ops anchors on (both sides of a merge).
    pub fn anchored(&self, ops: &[Op]) -> Vec<usize> {
        let mut out = Vec::new();
        for op in ops {
            match &op.target {
                Target::Anchor(a) => out.extend(self.with_id(a)),
                Target::Pair(a, b) => {
                    out.extend(self.with_id(a));
                    out.extend(self.with_id(b));
                }
                Target::Template(_) | Target::Setting(_) => {}
            }
        }
        out
    }

    /// Threads and builds the tickets of `slots` (a closure, or every slot).
    pub fn tickets(&self, slots: &[usize], ops: &[Op], team: &Team, now: i64) -> Vec<Ticket> {
        let mut mail: Vec<Mail> = slots.iter().map(|&s| self.mail[s].clone()).collect();
        assemble::canonical_order(&mut mail);
        assemble::assemble(&mail, ops, team, now)
    }

    /// Every slot.
    pub fn all(&self) -> Vec<usize> {
        (0..self.mail.len()).collect()
    }
}
