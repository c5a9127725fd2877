//! Ticket state as a fold over its ops: the same ops in any order, duplicated or not, give the
//! same state. Last writer wins per field, by (HLC, actor); tags are an observed-remove set; notes
//! only grow.

use std::collections::{BTreeMap, BTreeSet};

use super::hlc::Hlc;
use super::op::{Change, Impact, Kind, Op, Priority, Status};

/// A field written by ops: the value with the (time, actor) of the op that won.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lww<T> {
    pub value: T,
    pub at: Option<(Hlc, String)>,
}

impl<T> Default for Lww<T>
where
    T: Default,
{
    fn default() -> Self {
        Lww {
            value: T::default(),
            at: None,
        }
    }
}

impl<T> Lww<T> {
    fn offer(&mut self, value: T, at: Hlc, actor: &str) {
        let key = (at, actor.to_string());
        if self.at.as_ref().is_none_or(|cur| key > *cur) {
            self.value = value;
            self.at = Some(key);
        }
    }
}

/// An internal note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub at: Hlc,
    pub actor: String,
    pub text: String,
}

/// What people decided about a ticket (the mail-derived parts are added elsewhere).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decided {
    pub status: Lww<Option<Status>>,
    pub snoozed_until: Lww<Option<i64>>,
    pub assignee: Lww<Option<String>>,
    pub kind: Lww<Option<Kind>>,
    pub priority: Lww<Option<Priority>>,
    pub impact: Lww<Option<Impact>>,
    /// Observed-remove set: tag → the ids of its adds still standing.
    pub tags: BTreeMap<String, BTreeSet<String>>,
    pub notes: Vec<Note>,
}

impl Decided {
    /// The tags currently on the ticket.
    pub fn tag_names(&self) -> Vec<&str> {
        self.tags
            .iter()
            .filter(|(_, adds)| !adds.is_empty())
            .map(|(t, _)| t.as_str())
            .collect()
    }
}

/// Folds a ticket's ops, in any order, duplicates included.
pub fn fold<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Decided {
    // Sort and de-duplicate by id first: every order of the same set folds identically.
    let mut ops: Vec<&Op> = ops.into_iter().collect();
    ops.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    ops.dedup_by(|a, b| a.id == b.id);
    let mut d = Decided::default();
    let mut removed: BTreeSet<&str> = BTreeSet::new();
    for op in &ops {
        if let Change::TagRemove { seen, .. } = &op.change {
            removed.extend(seen.iter().map(String::as_str));
        }
    }
    for op in ops {
        let (at, who) = (op.at, op.actor.as_str());
        match &op.change {
            Change::Status { status } => d.status.offer(Some(*status), at, who),
            Change::Snooze { until } => d.snoozed_until.offer(*until, at, who),
            Change::Assign { to } => d.assignee.offer(to.clone(), at, who),
            Change::Kind { kind } => d.kind.offer(*kind, at, who),
            Change::Priority { priority } => d.priority.offer(*priority, at, who),
            Change::Impact { impact } => d.impact.offer(*impact, at, who),
            Change::TagAdd { tag } => {
                let adds = d.tags.entry(tag.clone()).or_default();
                if !removed.contains(op.id.as_str()) {
                    adds.insert(op.id.clone());
                }
            }
            Change::TagRemove { tag, .. } => {
                d.tags.entry(tag.clone()).or_default();
            }
            Change::Note { text } => d.notes.push(Note {
                at,
                actor: op.actor.clone(),
                text: text.clone(),
            }),
            // Structural ops and settings shape conversations and the team, not a ticket's fields;
            // templates are the team's saved replies, no ticket's at all.
            Change::Merge
            | Change::Split
            | Change::Undo { .. }
            | Change::Setting { .. }
            | Change::Template { .. } => {}
        }
    }
    d
}

#[cfg(test)]
mod tests;
