//! The changes made since the saved index was written: the tickets that changed (or went), and
//! what that did to the posting lists and to which ticket holds each message. Reads see the
//! saved index through it, so a change costs the changed tickets, never a decode of them all.
//! [`super::journal`] keeps it on disk; once it grows past [`COMPACT_AT`] tickets the index is
//! written whole again and the overlay starts empty.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::frozen::Frozen;
use super::{Entry, entry_id, memberships};
use crate::store::Result;
use crate::ticket::build::{Shown, Ticket};

/// How many changed tickets the overlay holds before the index is written whole again.
pub const COMPACT_AT: usize = 4096;
/// How large the journal may grow (the same tickets changed again and again add records but
/// no tickets) before the index is written whole again.
pub const JOURNAL_MAX_BYTES: u64 = 8 << 20;

/// A posting list's key and entries, read from the file or made with the changes.
pub type KeyedList<'f> = (Cow<'f, [u8]>, Cow<'f, [u8]>);

/// A ticket's state after a change: `None` when it is gone.
pub type Change = (String, Option<Ticket>);

#[derive(Default)]
pub struct Overlay {
    /// Changed tickets by full id; `None`: the ticket is gone.
    pub tickets: BTreeMap<String, Option<Ticket>>,
    /// Entries a list gains over the saved one (sorted, none of them saved).
    added: HashMap<Vec<u8>, Vec<Entry>>,
    /// Saved entries a list has lost (sorted).
    removed: HashMap<Vec<u8>, Vec<Entry>>,
    /// Which ticket now holds a message; `None`: no ticket does.
    members: HashMap<[u8; 16], Option<String>>,
}

fn saved_has(f: &Frozen, key: &[u8], e: &Entry) -> bool {
    f.list(key).is_some_and(|l| {
        let n = l.len() / 24;
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match l[mid * 24..mid * 24 + 24].cmp(&e[..]) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    })
}

/// Inserts into a sorted vector; false if it was there.
fn insert_sorted(v: &mut Vec<Entry>, e: Entry) -> bool {
    match v.binary_search(&e) {
        Ok(_) => false,
        Err(i) => {
            v.insert(i, e);
            true
        }
    }
}

/// Removes from a sorted vector; false if it was not there.
fn remove_sorted(v: &mut Vec<Entry>, e: &Entry) -> bool {
    match v.binary_search(e) {
        Ok(i) => {
            v.remove(i);
            true
        }
        Err(_) => false,
    }
}

impl Overlay {
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// A ticket as it is now.
    pub fn get(&self, f: &Frozen, fid: &str) -> Result<Option<Ticket>> {
        match self.tickets.get(fid) {
            Some(state) => Ok(state.clone()),
            None => f.find(fid).map(|i| f.row(i)).transpose(),
        }
    }

    /// The full id of the ticket holding a message now.
    pub fn holder(&self, f: &Frozen, hash: &[u8; 16]) -> Option<String> {
        match self.members.get(hash) {
            Some(fid) => fid.clone(),
            None => f.holder(hash).map(|row| f.fid(row).to_string()),
        }
    }

    /// Sets a ticket's state, moving it between lists.
    pub fn set(&mut self, f: &Frozen, fid: String, state: Option<Ticket>) -> Result<()> {
        if let Some(old) = self.get(f, &fid)? {
            self.unlist(f, &old);
        }
        if let Some(new) = &state {
            self.enlist(f, new);
        }
        self.tickets.insert(fid, state);
        Ok(())
    }

    fn unlist(&mut self, f: &Frozen, t: &Ticket) {
        for h in &t.hashes {
            if self.holder(f, h).as_deref() == Some(t.full_id.as_str()) {
                self.members.insert(*h, None);
            }
        }
        for (k, e) in memberships(t) {
            let gained = self.added.get_mut(&k).is_some_and(|v| remove_sorted(v, &e));
            if !gained && saved_has(f, &k, &e) {
                insert_sorted(self.removed.entry(k).or_default(), e);
            }
        }
    }

    fn enlist(&mut self, f: &Frozen, t: &Ticket) {
        for h in &t.hashes {
            self.members.insert(*h, Some(t.full_id.clone()));
        }
        for (k, e) in memberships(t) {
            let restored = self
                .removed
                .get_mut(&k)
                .is_some_and(|v| remove_sorted(v, &e));
            if !restored && !saved_has(f, &k, &e) {
                insert_sorted(self.added.entry(k).or_default(), e);
            }
        }
    }

    /// A posting list as it is now.
    pub fn list<'f>(&self, f: &'f Frozen, key: &[u8]) -> Option<Cow<'f, [u8]>> {
        let saved = f.list(key);
        let added = self.added.get(key).filter(|v| !v.is_empty());
        let removed = self.removed.get(key).filter(|v| !v.is_empty());
        if added.is_none() && removed.is_none() {
            return saved.map(Cow::Borrowed);
        }
        let saved = saved.unwrap_or_default();
        let added: &[Entry] = added.map_or(&[], Vec::as_slice);
        let removed: &[Entry] = removed.map_or(&[], Vec::as_slice);
        let mut out = Vec::with_capacity(saved.len() + added.len() * 24);
        let (mut a, mut r) = (0, 0);
        for e in saved.chunks_exact(24) {
            while r < removed.len() && removed[r][..] < *e {
                r += 1;
            }
            if r < removed.len() && removed[r][..] == *e {
                continue;
            }
            while a < added.len() && added[a][..] < *e {
                out.extend_from_slice(&added[a]);
                a += 1;
            }
            out.extend_from_slice(e);
        }
        for e in &added[a..] {
            out.extend_from_slice(e);
        }
        Some(Cow::Owned(out))
    }

    /// The non-empty posting lists whose key starts with `prefix`, with their keys, in key order.
    /// Only the lists whose key `keep` accepts are read.
    pub fn lists_under<'f>(
        &self,
        f: &'f Frozen,
        prefix: &[u8],
        keep: &dyn Fn(&[u8]) -> bool,
    ) -> Vec<KeyedList<'f>> {
        let mut keys: BTreeMap<Cow<'f, [u8]>, ()> = f
            .lengths_under(prefix)
            .into_iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, _)| (Cow::Borrowed(k), ()))
            .collect();
        for k in self.added.keys().chain(self.removed.keys()) {
            if k.starts_with(prefix) && keep(k) && !keys.contains_key(k.as_slice()) {
                keys.insert(Cow::Owned(k.clone()), ());
            }
        }
        keys.into_keys()
            .filter_map(|k| {
                let l = self.list(f, &k)?;
                (!l.is_empty()).then_some((k, l))
            })
            .collect()
    }

    /// The keys of the non-empty lists under `prefix` with their lengths in entries: from the
    /// saved directory, except for the lists changed since (those are merged and counted).
    pub fn lengths_under<'f>(&self, f: &'f Frozen, prefix: &[u8]) -> Vec<(Cow<'f, [u8]>, usize)> {
        let changed = |k: &[u8]| self.added.contains_key(k) || self.removed.contains_key(k);
        let mut out: BTreeMap<Cow<'f, [u8]>, usize> = f
            .lengths_under(prefix)
            .into_iter()
            .filter(|(k, _)| !changed(k))
            .map(|(k, n)| (Cow::Borrowed(k), n))
            .collect();
        for (k, l) in self.lists_under(f, prefix, &|k| changed(k)) {
            out.insert(k, l.len() / 24);
        }
        out.into_iter().filter(|(_, n)| *n > 0).collect()
    }

    /// The full ids starting with `prefix` now, in order: found by searching the saved ids in
    /// place, not by listing them all.
    pub fn ids_from<'a>(&'a self, f: &'a Frozen, prefix: &str) -> Vec<&'a str> {
        let saved = (f.position(prefix)..f.len())
            .map(|i| f.fid(i))
            .take_while(|fid| fid.starts_with(prefix))
            .filter(|fid| !self.tickets.contains_key(*fid));
        let changed = self
            .tickets
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(prefix))
            .filter(|(_, t)| t.is_some())
            .map(|(k, _)| k.as_str());
        let mut out: Vec<&str> = saved.chain(changed).collect();
        out.sort_unstable();
        out
    }

    /// Every ticket now, in full-id order.
    pub fn every(&self, f: &Frozen) -> Result<Vec<Ticket>> {
        let mut out = Vec::with_capacity(f.len() + self.tickets.len());
        for i in 0..f.len() {
            if !self.tickets.contains_key(f.fid(i)) {
                out.push(f.row(i)?);
            }
        }
        out.extend(self.tickets.values().flatten().cloned());
        out.sort_by(|a, b| a.full_id.cmp(&b.full_id));
        Ok(out)
    }

    /// The full ids just before and after `fid` now.
    pub fn neighbours(&self, f: &Frozen, fid: &str) -> [Option<String>; 2] {
        let live = |k: &&str| self.tickets.get(*k).is_none_or(|t| t.is_some());
        let at = f.position(fid);
        let saved_prev = (0..at).rev().map(|i| f.fid(i)).find(live);
        let skip = usize::from(at < f.len() && f.fid(at) == fid);
        let saved_next = (at + skip..f.len()).map(|i| f.fid(i)).find(live);
        let changed_prev = self
            .tickets
            .range::<str, _>((std::ops::Bound::Unbounded, std::ops::Bound::Excluded(fid)))
            .rev()
            .find(|(_, t)| t.is_some())
            .map(|(k, _)| k.as_str());
        let changed_next = self
            .tickets
            .range::<str, _>((std::ops::Bound::Excluded(fid), std::ops::Bound::Unbounded))
            .find(|(_, t)| t.is_some())
            .map(|(k, _)| k.as_str());
        let prev = saved_prev.max(changed_prev).map(str::to_string);
        let next = match (saved_next, changed_next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        [prev, next.map(str::to_string)]
    }

    /// The messages of the tickets with these entries.
    pub fn hashes_of(&self, f: &Frozen, entries: &[Entry]) -> Vec<[u8; 16]> {
        let mut rows = vec![false; f.len()];
        let mut out = Vec::new();
        for e in entries {
            let fid = entry_id(e);
            match self.tickets.get(&fid) {
                Some(t) => out.extend(t.iter().flat_map(|t| t.hashes.iter().copied())),
                None => {
                    if let Some(i) = f.find_bytes(&e[8..24]) {
                        rows[i] = true;
                    }
                }
            }
        }
        out.extend(
            f.members()
                .filter(|(_, row)| rows.get(*row).copied().unwrap_or(false))
                .filter_map(|(h, _)| <[u8; 16]>::try_from(h).ok()),
        );
        out
    }
}

/// Snoozed tickets whose time has come, from the saved wake times and the changes since.
pub fn due(
    wakes: &[(i64, String)],
    changed: &BTreeMap<String, Option<Ticket>>,
    now: i64,
) -> Vec<String> {
    let saved = wakes
        .iter()
        .filter(|(until, fid)| *until <= now && !changed.contains_key(fid))
        .map(|(_, fid)| fid.clone());
    let since = changed
        .values()
        .flatten()
        .filter(|t| t.status == Shown::Snoozed && t.snoozed_until.is_some_and(|u| u <= now));
    let mut out: Vec<String> = saved.chain(since.map(|t| t.full_id.clone())).collect();
    out.sort();
    out
}
